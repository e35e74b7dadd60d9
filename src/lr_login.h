#ifndef LR_LOGIN_H
#define LR_LOGIN_H

/* One login attempt as the engine sees it: who, from where, with what. */

#include "lr_geo.h"
#include "lr_reasons.h"
#include "lr_ua.h"

#include <stdint.h>

typedef struct {
    int64_t      time_ms;       /* Unix time, milliseconds */
    const char  *request_id;    /* NULL when unknown */
    const char  *user;          /* normalised id, NULL when none */
    const char  *ip;            /* text form of the client address */
    const char  *uri;           /* path only: a query may carry secrets */
    lr_geo       geo;
    lr_ua        ua;
    lr_reasons   reasons;
    int          status;        /* the response status, 0 before it */
} lr_login;

#endif
