#ifndef LR_REDIS_H
#define LR_REDIS_H

/*
 * The Redis store: which commands read the state a login needs and which
 * apply what its outcome changes, and how the replies become an lr_view.
 * No I/O here: the caller sends the commands (pipelined, asynchronously)
 * and hands the replies back, so the same code serves nginx and tests.
 *
 * Key schema (P is the configured prefix, hashes are 16 hex digits):
 *   P{u:USER}:p           the user's profile (lr_profile_codec), TTL
 *                         profile max age
 *   P{u:USER}:f           failed logins of the user          (window TTL)
 *   P{u:USER}:if:IPUSER   failed logins of the user from an IP
 *   P{u:USER}:c:ATTEMPT   a challenged attempt awaiting its step-up
 *   P{ip:IP}:f            failed logins from the IP
 *   P{ip:IP}:u            distinct users tried from the IP (HyperLogLog)
 *   P{d:DEV}:f            failed logins from the device
 *   P{d:DEV}:u            distinct users tried from the device
 *   P{t:ID}               a collector telemetry summary (lr_telemetry_codec.h)
 *                         under its token's id: taken once by the login
 *                         (GETDEL), TTL the token's life and a margin
 *   P{pop}:cms            population counts: the number of logins (i64 at
 *                         bit 0), then a count-min sketch of u32 cells
 * Every command and script touches the keys of one hash tag only, so the
 * same commands run on one Redis and on Redis Cluster. Scripts only where
 * atomicity needs one (the user's read, the profile's compare-and-set):
 * a script costs Redis several times a plain command.
 */

#include "lr_config.h"
#include "lr_profile.h"
#include "lr_profile_codec.h"
#include "lr_state.h"

#include <hiredis/hiredis.h>
#include <stddef.h>
#include <stdint.h>

/* count-min sketch: per feature LR_CMS_DEPTH rows of LR_CMS_WIDTH u32
 * cells, after the i64 login count (two u32 cells' worth) */
#define LR_CMS_DEPTH     2
#define LR_CMS_WIDTH     262144
#define LR_CMS_FIRST     2

#define LR_REDIS_PREFIX_MAX  64
#define LR_REDIS_KEY_MAX     (LR_REDIS_PREFIX_MAX + 64)
/* the population's learning is batched: this many logins per command */
#define LR_POP_BATCH         8
#define LR_REDIS_ARGS_MAX    (8 + 4 * LR_F_COUNT * LR_CMS_DEPTH * LR_POP_BATCH)

typedef enum {
    LR_SCRIPT_READ = 0,         /* GET / take (GET + DEL) */
    LR_SCRIPT_PROFILE,          /* compare-and-set of a profile */
    LR_SCRIPT_LIST_CHANGE,      /* a live list entry added or deleted,
                                   with its audit (lr_redis_admin.h) */
    LR_SCRIPT_COUNT_ALL
} lr_script;

/* one command, argv pointing into its own storage */
typedef struct {
    int            argc;
    const char    *argv[LR_REDIS_ARGS_MAX];
    size_t         argvlen[LR_REDIS_ARGS_MAX];
    char           buf[LR_REDIS_ARGS_MAX * 12 + 4 * LR_REDIS_KEY_MAX];
    size_t         used;
} lr_redis_cmd;

/* the reads of one login, in this order, each present or not: the user's
 * (one script call), the IP's and the device's (GET and PFCOUNT each), the
 * population's (one BITFIELD_RO) */
typedef enum {
    LR_READ_USER = 0,
    LR_READ_IP,
    LR_READ_DEVICE,
    LR_READ_POP,
    LR_READ_COUNT
} lr_read_part;

const char *lr_redis_script(lr_script s);
const char *lr_redis_script_name(lr_script s);

/* SHA1 of each script as 40 hex digits (EVALSHA); 0 on success */
int lr_redis_script_sha(lr_script s, char sha[41]);

/* The command in Redis's protocol (RESP), ready to be written: its length,
 * or 0 when it does not fit in cap. (Formatting it here, in one pass,
 * costs a fraction of what a generic argv formatter does.) */
size_t lr_redis_cmd_resp(const lr_redis_cmd *cmd, char *out, size_t cap);

/* An empty command, to add arguments to. */
void lr_redis_cmd_init(lr_redis_cmd *cmd);

/* A script command: EVALSHA (sha given) or EVAL (sha NULL) */
void lr_redis_cmd_script(lr_redis_cmd *cmd, lr_script s, const char *sha);
int lr_redis_cmd_arg(lr_redis_cmd *cmd, const char *data, size_t len);
int lr_redis_cmd_argf(lr_redis_cmd *cmd, const char *fmt, ...);

#define LR_READ_CMDS_MAX  2

/* The commands of one part: how many were filled (0 when the login has no
 * such part: no user, no device), -1 when they do not fit. */
int lr_redis_read(const char *prefix, const char *sha, lr_read_part part,
    const lr_keys *keys, lr_redis_cmd cmd[LR_READ_CMDS_MAX]);

/* Decodes the reply to command n of a part into view; the profile is
 * decoded into *profile and view->profile points to it. 0; 1 when the
 * stored profile is unreadable (scored as none); -1 when the reply is not
 * what the command returns (the state is then unavailable). */
int lr_redis_read_reply(lr_read_part part, unsigned n,
    const redisReply *reply, const lr_keys *keys, int64_t now_ms,
    int64_t profile_max_age_ms, lr_profile *profile, lr_view *view);

/* The counter writes of an outcome, one command per call: INCR or PFADD,
 * each followed by EXPIRE NX (a window starts with its first event), or
 * DEL. *pos starts at 0; returns 1 when cmd is the next command, 0 when
 * there is none left, -1 when it does not fit. */
int lr_redis_count(const char *prefix, const lr_keys *keys,
    const lr_writes *w, unsigned *pos, lr_redis_cmd *cmd);

/* Compare-and-set of a profile: old is the encoding read (len 0: none). */
int lr_redis_profile_cas(const char *prefix, const char *sha, uint64_t user,
    const unsigned char *old, size_t old_len, const unsigned char *new_enc,
    size_t new_len, int64_t ttl_s, lr_redis_cmd *cmd);

/* Counting n learnt logins (at most LR_POP_BATCH) into the population. */
int lr_redis_pop_learn(const char *prefix, const lr_features *f, size_t n,
    lr_redis_cmd *cmd);

/* Learns w onto a profile's encoding (old_len 0, or an unreadable one:
 * an empty profile) and writes the new encoding to out (room for
 * LR_PROFILE_CODEC_MAX bytes); returns its length. */
size_t lr_redis_learn_profile(const unsigned char *old, size_t old_len,
    const lr_writes *w, unsigned char *out);

/* A telemetry summary under its token id (32 hex digits): stored for
 * ttl_s by the collect endpoint, taken (GETDEL: single use) by the login. */
int lr_redis_telemetry_put(const char *prefix, const char *id,
    const unsigned char *data, size_t len, int64_t ttl_s, lr_redis_cmd *cmd);
int lr_redis_telemetry_take(const char *prefix, const char *id,
    lr_redis_cmd *cmd);

/* A challenged attempt: stored for ttl_s, taken (read once) on step-up. */
int lr_redis_attempt_put(const char *prefix, uint64_t user,
    const char *attempt, const unsigned char *data, size_t len,
    int64_t ttl_s, lr_redis_cmd *cmd);
int lr_redis_attempt_take(const char *prefix, const char *sha,
    uint64_t user, const char *attempt, lr_redis_cmd *cmd);

#endif
