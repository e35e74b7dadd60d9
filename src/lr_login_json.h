#ifndef LR_LOGIN_JSON_H
#define LR_LOGIN_JSON_H

/*
 * A login described in JSON (the replay tool's input, the admin API's dry
 * run). Members, all optional but "time":
 *   time         ISO 8601 UTC ("2026-01-01T08:00:00.000Z") or Unix ms,
 *                from 1970 to the end of 9999 (LR_LOGIN_TIME_MAX)
 *   user         user id (normalised here as on the login path)
 *   ip           client address
 *   country, city, asn, asn_org, lat, lon     where it is
 *   ua           a User-Agent header, parsed here; or ua_family, ua_major,
 *                os, device_class given as parsed
 *   device_id, timezone, languages
 *   device_attrs the device's attribute vector, 8 hex digits (lr_devattr.h)
 *   telemetry, automation, anonymizer, scripted, paste_password,
 *   ua_mismatch, lang_mismatch, bad_device_cookie     booleans
 *                (scripted: as if every sign of scripted input was seen)
 *   token        "absent", "valid", "invalid", "replayed", "expired" or
 *                "other_browser"
 *   allow, block lists of kinds: "ip", "user", "device", "country", "asn"
 * Strings point into the JSON object: it must outlive the login.
 */

#include "lr_login.h"
#include "lr_userid.h"

#include <jansson.h>
#include <stddef.h>

/* 9999-12-31T23:59:59.999Z: the latest time the ISO form can write. The
 * engine adds windows to a time and subtracts times from each other; in
 * 1970..9999 that never leaves int64_t, and no time is negative, which
 * the profile's encoding refuses. */
#define LR_LOGIN_TIME_MAX  253402300799999LL

typedef struct {
    lr_login  login;
    char      user[LR_USERID_MAX + 1];
} lr_login_doc;

/* Returns 0, or -1 with a message in err. */
int lr_login_from_json(json_t *obj, lr_login_doc *doc, char *err,
    size_t err_len);

/* Parses "YYYY-MM-DDTHH:MM:SS[.mmm]Z"; returns -1 when it is not that. */
int lr_parse_time(const char *s, int64_t *ms);

#endif
