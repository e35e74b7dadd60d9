#ifndef LR_ALERT_H
#define LR_ALERT_H

/*
 * The alert log line: one JSON object per login, ending in '\n'. It names
 * the login and its context, never a body field other than the user id.
 */

#include "lr_login.h"

#include <stddef.h>

/* Returns the line's length, or 0 when it does not fit in cap bytes. */
size_t lr_alert_format(const lr_login *login, char *buf, size_t cap);

#endif
