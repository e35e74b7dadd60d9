#ifndef LR_TELEMETRY_H
#define LR_TELEMETRY_H

/*
 * The collector's telemetry (js-collector/TELEMETRY.md gives the JSON):
 * parsed and validated once at the collect endpoint, boiled down to the
 * summary below, which is all that is kept (in Redis, a short while, as
 * lr_telemetry_codec.h writes it) and all that the login's scoring sees.
 * Nothing typed is ever in it.
 */

#include <stddef.h>
#include <stdint.h>

#define LR_TELEMETRY_BODY_MAX   8192    /* bytes of JSON accepted */
#define LR_TELEMETRY_TZ_MAX     64      /* characters of an IANA name */
#define LR_TELEMETRY_LANGS_MAX  64      /* "en-US,en,fr", joined by ',' */

/* the characters of a timezone and of a language tag that are kept */
#define LR_TELEMETRY_TZ_CHARS                                                 \
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/-"
#define LR_TELEMETRY_TAG_CHARS                                                \
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-"

/* automation markers (lr_telemetry.automation) */
#define LR_AUTO_WEBDRIVER       0x01u   /* navigator.webdriver */
#define LR_AUTO_HEADLESS_UA     0x02u   /* "HeadlessChrome" and the like */
#define LR_AUTO_SCREEN_VIEWPORT 0x04u   /* screen exactly the viewport */
#define LR_AUTO_ZERO_OUTER      0x08u   /* outer window 0 x 0 */
#define LR_AUTO_GLOBALS         0x10u   /* a known automation global */
#define LR_AUTO_PATCHED         0x20u   /* a native getter was replaced */
#define LR_AUTO_ALL             0x3fu

/* why the operation of the form looks scripted (lr_telemetry.scripted) */
#define LR_SCRIPTED_NO_KEYS     0x01u   /* text arrived without key events
                                           (browser autofill excepted) */
#define LR_SCRIPTED_BLIND_CLICK 0x02u   /* a mouse click with no movement
                                           before it */
#define LR_SCRIPTED_TOO_FAST    0x04u   /* key or form timing no human has */
#define LR_SCRIPTED_UNIFORM     0x08u   /* key timing without variation */
#define LR_SCRIPTED_STRAIGHT    0x10u   /* pointer path ruler-straight at a
                                           constant speed */
#define LR_SCRIPTED_ALL         0x1fu

/* collector values that contradict the request headers */
#define LR_MISMATCH_UA          0x01u   /* navigator.userAgent or its client
                                           hints vs User-Agent, Sec-CH-UA */
#define LR_MISMATCH_LANG        0x02u   /* navigator.languages[0] vs the
                                           first Accept-Language */
#define LR_MISMATCH_DEVICE_COOKIE 0x04u /* the collect request's device
                                           cookie was not ours (set by the
                                           collect endpoint, not the JSON) */
#define LR_MISMATCH_ALL         0x07u

/* the request headers of the collect POST, NULL when absent */
typedef struct {
    const char  *user_agent;
    const char  *sec_ch_ua;
    const char  *accept_language;
} lr_telemetry_headers;

typedef struct {
    unsigned   automation;                      /* LR_AUTO_* */
    unsigned   scripted;                        /* LR_SCRIPTED_* */
    unsigned   mismatch;                        /* LR_MISMATCH_* */
    int        paste_password;                  /* pasted into a password
                                                   field */
    uint32_t   device_attrs;                    /* lr_devattr.h, 0: none */
    uint64_t   ua_hash;                         /* lr_hash_str of the
                                                   collect request's
                                                   User-Agent: the token's
                                                   binding */
    /* counts and timings kept for the explanation (alert log, admin) */
    uint32_t   keys;                            /* key presses */
    uint32_t   moves;                           /* pointer moves */
    uint32_t   submit_ms;                       /* first input to submit */
    char       timezone[LR_TELEMETRY_TZ_MAX + 1];      /* "" unknown */
    char       languages[LR_TELEMETRY_LANGS_MAX + 1];  /* "" unknown */
} lr_telemetry;

/*
 * Parses and validates json[0..len) against the schema and the request
 * headers into out. Unknown fields are ignored; a field of the wrong type
 * or out of its range is an error. Returns 0, or -1 with a message naming
 * the field (e.g. "beh.keys: not a non-negative integer") in err and out
 * zeroed.
 */
int lr_telemetry_parse(const char *json, size_t len,
    const lr_telemetry_headers *headers, lr_telemetry *out, char *err,
    size_t err_len);

/* The hash of a User-Agent header that binds a token to its browser (the
 * collect request's and the login's must be equal); 0 for NULL. */
uint64_t lr_telemetry_ua_hash(const char *user_agent);

#endif
