#ifndef LR_AUDIT_H
#define LR_AUDIT_H

/*
 * One change made through the admin API, as the audit stream in Redis
 * (lr_redis_admin.h) and the alert log (lr_alert.h) record it.
 */

#include <stdint.h>

/* Texts are NUL-terminated; before and after are an entry's value
 * (lr_list_meta.h), a user's summary (lr_admin.h), or "" for none. */
typedef struct {
    int64_t      time_ms;
    const char  *actor;
    const char  *op;            /* add, del, reset, trust-device */
    const char  *kind;          /* a list kind, or "user" */
    const char  *side;          /* a list side, or "" */
    const char  *entry;         /* the list entry, or the user id */
    const char  *before;
    const char  *after;
} lr_audit;

#endif
