#ifndef LR_ALERT_H
#define LR_ALERT_H

/*
 * The alert log line: one JSON object per login, ending in '\n'. It names
 * the login and its context, never a body field other than the user id.
 */

#include "lr_audit.h"
#include "lr_login.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Returns the line's length, or 0 when it does not fit in cap bytes. */
size_t lr_alert_format(const lr_login *login, char *buf, size_t cap);

/* The alert log line of a change made through the admin API:
 * {"time", "event": "admin", "request_id", "client", "actor", "op",
 * "kind", "side", "entry", "before", "after"} and '\n'. Returns its
 * length, or 0 when it does not fit in cap bytes. */
size_t lr_alert_admin_format(const lr_audit *a, const char *request_id,
    const char *client, char *buf, size_t cap);

/* A time as the alert log writes it: "2026-01-01T08:00:00.000Z" (UTC). */
json_t *lr_alert_time(int64_t time_ms);

/* The codes of r appended to the array reasons, and each one's points,
 * when it has some, set in the object points. */
void lr_alert_reasons(const lr_reasons *r, json_t *reasons, json_t *points);

#endif
