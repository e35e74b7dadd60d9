#ifndef LR_LOGIN_H
#define LR_LOGIN_H

/* One login attempt as the engine sees it: who, from where, with what. */

#include "lr_geo.h"
#include "lr_reasons.h"
#include "lr_ua.h"

#include <stdint.h>

typedef enum {
    LR_TOKEN_ABSENT = 0,        /* no collector token came with the login */
    LR_TOKEN_VALID,
    LR_TOKEN_INVALID,           /* forged: malformed, unknown key, bad MAC */
    LR_TOKEN_REPLAYED,          /* genuine, but already used */
    LR_TOKEN_TOO_OLD,           /* genuine, but past its expiry */
    LR_TOKEN_OTHER_BROWSER      /* genuine, issued to another User-Agent */
} lr_token_state;

/* list kinds, as bits of lr_login.allow and lr_login.block */
#define LR_LIST_IP       0x01u
#define LR_LIST_USER     0x02u
#define LR_LIST_DEVICE   0x04u
#define LR_LIST_COUNTRY  0x08u
#define LR_LIST_ASN      0x10u

typedef struct {
    int64_t          time_ms;       /* Unix time, milliseconds */
    const char      *request_id;    /* NULL when unknown */
    const char      *user;          /* normalised id, NULL when none */
    const char      *ip;            /* text form of the client address */
    const char      *uri;           /* path only: a query may carry secrets */
    lr_geo           geo;
    lr_ua            ua;

    const char      *device_id;     /* signed device cookie, NULL: none */
    int              bad_device_cookie;     /* one came, not ours */
    int              device_new;    /* device_id issued with this login:
                                       no history, no counters */
    uint32_t         device_attrs;  /* lr_devattr.h vector, 0: unknown */
    const char      *timezone;      /* browser's IANA zone, NULL: unknown */
    const char      *languages;     /* navigator.languages, NULL: none */
    int              telemetry;     /* the collector's telemetry came */
    int              automation;    /* it shows a driven browser */
    unsigned         scripted;      /* LR_SCRIPTED_* of lr_telemetry.h */
    int              paste_password;
    int              ua_mismatch;   /* collector vs request headers */
    int              lang_mismatch; /* navigator.languages vs
                                       Accept-Language */
    lr_token_state   token;
    int              anonymizer;    /* IP or ASN on an anonymiser list */
    unsigned         allow;         /* LR_LIST_* kinds that allow-list it */
    unsigned         block;         /* LR_LIST_* kinds that block-list it */

    lr_reasons       reasons;
    const char      *action;        /* the verdict, NULL before it */
    int              score;         /* 0..100, with action */
    int              monitor;       /* verdict logged, not enforced */
    int              status;        /* the response status, 0 before it */
} lr_login;

#endif
