#ifndef LR_REDIS_ADMIN_H
#define LR_REDIS_ADMIN_H

/*
 * The Redis commands of the live lists and of the admin API (keys in
 * lr_list.h), and the audit stream's entries as JSON. As in lr_redis.h, no
 * I/O: the caller sends the commands and hands the replies back.
 *
 * Every key of the lists carries the hash tag {lists}, so a change (the
 * entry, the version, the audit) is one script on one shard. A user's
 * reset or trusted device is done with the user's keys ({u:USER}) and then
 * audited: two commands, since Redis Cluster keeps the two tags apart.
 */

#include "lr_audit.h"
#include "lr_list.h"
#include "lr_redis.h"

#include <jansson.h>

#define LR_AUDIT_STREAM_MAX  100000     /* entries kept (about) */
#define LR_AUDIT_ID_MAX      48         /* "ms-seq" of a stream entry */

/* GET P{lists}:v */
int lr_redis_lists_version(const char *prefix, lr_redis_cmd *cmd);

/* HGETALL of a live list (every entry with its value). */
int lr_redis_list_read(const char *prefix, lr_list_kind kind,
    lr_list_side side, lr_redis_cmd *cmd);

/* HLEN and HSCAN of a live list, for the admin API's pages. */
int lr_redis_list_len(const char *prefix, lr_list_kind kind,
    lr_list_side side, lr_redis_cmd *cmd);
int lr_redis_list_scan(const char *prefix, lr_list_kind kind,
    lr_list_side side, const char *cursor, unsigned count,
    lr_redis_cmd *cmd);

/* The change script (EVAL; sha NULL) or EVALSHA: a->op "add" (value is
 * the entry's new value, expires_ms its expiry) or "del". */
int lr_redis_list_change(const char *prefix, const char *sha,
    lr_list_kind kind, lr_list_side side, const lr_audit *a,
    const char *value, int64_t expires_ms, lr_redis_cmd *cmd);

/* XADD of a change made elsewhere (a user's reset, a trusted device). */
int lr_redis_audit_add(const char *prefix, const lr_audit *a,
    lr_redis_cmd *cmd);

/* XREVRANGE: the count newest entries, older than before_id when given
 * (NULL: from the newest). */
int lr_redis_audit_read(const char *prefix, const char *before_id,
    unsigned count, lr_redis_cmd *cmd);

/* 1 when id is a stream id ("MS" or "MS-SEQ", digits) that fits. */
int lr_redis_audit_id_valid(const char *id, size_t len);

/* The XREVRANGE reply as a JSON array of {"id", "time", "actor", "op",
 * "kind", "side", "entry", "before", "after"}, and the id of its last
 * entry in last_id ("" when none); NULL when the reply is not a stream's.
 * The caller owns the array. */
json_t *lr_redis_audit_json(const redisReply *reply,
    char last_id[LR_AUDIT_ID_MAX + 1]);

/* A value as JSON: what it parses to, or "" as null (a value that is no
 * JSON as a string). */
json_t *lr_redis_audit_value(const char *text, size_t len);

/* A user's profile and failure counter, read and deleted at once (the
 * read script: {profile, failures}). */
int lr_redis_user_take(const char *prefix, const char *sha, uint64_t user,
    lr_redis_cmd *cmd);

/* GET of a user's profile. */
int lr_redis_user_profile(const char *prefix, uint64_t user,
    lr_redis_cmd *cmd);

#endif
