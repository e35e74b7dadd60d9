#ifndef LR_LIST_META_H
#define LR_LIST_META_H

/*
 * What a live list entry carries besides itself, as its value in Redis
 * (lr_list.h), and the admin API's request that adds one:
 *
 *   value   {"expires":MS,"comment":"...","actor":"...","time":MS}
 *           (expires 0: never; comment "" when none; time: when it was
 *           written)
 *   POST    {"entry": "...", "expires": "YYYY-MM-DDTHH:MM:SSZ" | "ttl": S,
 *            "comment": "..."}   (entry required; the rest optional)
 */

#include "lr_list.h"

#include <stddef.h>
#include <stdint.h>

#define LR_LIST_ACTOR_MAX  128          /* bytes of an actor's name */
#define LR_LIST_META_MAX   4096         /* room for any value */
#define LR_LIST_TTL_MAX    (10LL * 366 * 86400)     /* seconds */

typedef struct {
    char      entry[LR_LIST_ENTRY_MAX + 1];     /* as given */
    size_t    entry_len;
    int64_t   expires_ms;                       /* 0: never */
    char      comment[LR_LIST_COMMENT_MAX + 1];
    size_t    comment_len;
} lr_list_request;

/* The value of an entry (comment and actor are UTF-8); its length, or 0
 * when it does not fit in cap or a text is not UTF-8. */
size_t lr_list_meta_format(int64_t expires_ms, const char *comment,
    size_t comment_len, const char *actor, size_t actor_len, int64_t time_ms,
    char *buf, size_t cap);

/* The expiry of a value (0: never). 0; -1 when it is no such value. */
int lr_list_meta_expires(const char *value, size_t len, int64_t *expires_ms);

/* Parses a POST body; an expiry must be after now_ms. 0; -1 with a
 * message for the client in err. */
int lr_list_request_parse(const char *body, size_t len, int64_t now_ms,
    lr_list_request *req, char *err, size_t err_len);

/* An actor's name as it is recorded: at most LR_LIST_ACTOR_MAX bytes of
 * UTF-8 without control characters, every other byte a '?'; "-" when
 * there is none. Writes it, NUL-terminated, into out (LR_LIST_ACTOR_MAX +
 * 1 bytes) and returns its length. */
size_t lr_list_actor(const char *in, size_t len,
    char out[LR_LIST_ACTOR_MAX + 1]);

#endif
