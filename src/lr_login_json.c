/* timegm() is a BSD and GNU extension */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include "lr_login_json.h"
#include "lr_telemetry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


static int
lr_login_json_fail(char *err, size_t err_len, const char *member,
    const char *what)
{
    snprintf(err, err_len, "\"%s\": %s", member, what);
    return -1;
}


/* n decimal digits at s, or -1 when one of them is not a digit (sscanf's
 * %d would take signs and spaces as well) */
static int
lr_login_json_digits(const char *s, int n)
{
    int  v;

    for (v = 0; n > 0; n--, s++) {
        if (*s < '0' || *s > '9') {
            return -1;
        }

        v = v * 10 + (*s - '0');
    }

    return v;
}


int
lr_parse_time(const char *s, int64_t *ms)
{
    int        frac, digits, mdays;
    struct tm  tm;

    static const int  days[12] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };

    /* "YYYY-MM-DDTHH:MM:SS": 19 bytes in fixed places, checked in order,
     * so a shorter string stops at its NUL and nothing past it is read */
    memset(&tm, 0, sizeof(tm));

    if ((tm.tm_year = lr_login_json_digits(s, 4)) < 0 || s[4] != '-'
        || (tm.tm_mon = lr_login_json_digits(s + 5, 2)) < 0 || s[7] != '-'
        || (tm.tm_mday = lr_login_json_digits(s + 8, 2)) < 0 || s[10] != 'T'
        || (tm.tm_hour = lr_login_json_digits(s + 11, 2)) < 0
        || s[13] != ':'
        || (tm.tm_min = lr_login_json_digits(s + 14, 2)) < 0 || s[16] != ':'
        || (tm.tm_sec = lr_login_json_digits(s + 17, 2)) < 0)
    {
        return -1;
    }

    s += 19;
    frac = 0;

    if (*s == '.') {
        for (digits = 0, s++; *s >= '0' && *s <= '9'; s++, digits++) {
            if (digits < 3) {
                frac = frac * 10 + (*s - '0');
            }
        }

        if (digits == 0) {
            return -1;
        }

        for (; digits < 3; digits++) {
            frac *= 10;
        }
    }

    if (strcmp(s, "Z") != 0 || tm.tm_mon < 1 || tm.tm_mon > 12
        || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
    {
        return -1;
    }

    /* a day the month does not have ("2026-02-30") is no date: timegm
     * would quietly move it into the next month */
    mdays = days[tm.tm_mon - 1];

    if (tm.tm_mon == 2 && tm.tm_year % 4 == 0
        && (tm.tm_year % 100 != 0 || tm.tm_year % 400 == 0))
    {
        mdays = 29;
    }

    if (tm.tm_mday < 1 || tm.tm_mday > mdays) {
        return -1;
    }

    tm.tm_year -= 1900;
    tm.tm_mon -= 1;

    *ms = (int64_t) timegm(&tm) * 1000 + frac;

    return 0;
}


static const char *
lr_login_json_string(json_t *obj, const char *member)
{
    json_t  *v;

    v = json_object_get(obj, member);

    return json_is_string(v) ? json_string_value(v) : NULL;
}


static int
lr_login_json_kinds(json_t *obj, const char *member, unsigned *kinds,
    char *err, size_t err_len)
{
    static const struct {
        const char  *name;
        unsigned     kind;
    } names[] = {
        { "ip", LR_LIST_IP }, { "user", LR_LIST_USER },
        { "device", LR_LIST_DEVICE }, { "country", LR_LIST_COUNTRY },
        { "asn", LR_LIST_ASN },
    };

    size_t       i, j;
    json_t      *list, *v;
    const char  *s;

    list = json_object_get(obj, member);
    if (list == NULL) {
        return 0;
    }

    if (!json_is_array(list)) {
        return lr_login_json_fail(err, err_len, member, "not a list");
    }

    json_array_foreach(list, i, v) {
        s = json_string_value(v);

        for (j = 0; s && j < sizeof(names) / sizeof(names[0]); j++) {
            if (strcmp(s, names[j].name) == 0) {
                *kinds |= names[j].kind;
                break;
            }
        }

        if (s == NULL || j == sizeof(names) / sizeof(names[0])) {
            return lr_login_json_fail(err, err_len, member,
                                      "unknown list kind");
        }
    }

    return 0;
}


static int
lr_login_json_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}


static int
lr_login_json_place(json_t *obj, lr_login *l, char *err, size_t err_len)
{
    json_t      *v, *lat, *lon;
    const char  *s;

    s = lr_login_json_string(obj, "country");
    if (s) {
        /* ISO 3166-1 alpha-2, uppercase as GeoIP gives it: "jp" and "JP"
         * must be one feature value */
        if (strlen(s) != 2 || !lr_login_json_alpha(s[0])
            || !lr_login_json_alpha(s[1]))
        {
            return lr_login_json_fail(err, err_len, "country",
                                      "not a 2-letter code");
        }
        l->geo.country[0] = (char) (s[0] & ~0x20);
        l->geo.country[1] = (char) (s[1] & ~0x20);
        l->geo.country[2] = '\0';
    }

    s = lr_login_json_string(obj, "city");
    if (s) {
        snprintf(l->geo.city, sizeof(l->geo.city), "%s", s);
    }

    s = lr_login_json_string(obj, "asn_org");
    if (s) {
        snprintf(l->geo.asn_org, sizeof(l->geo.asn_org), "%s", s);
    }

    v = json_object_get(obj, "asn");
    if (v) {
        if (!json_is_integer(v) || json_integer_value(v) < 0
            || json_integer_value(v) > 4294967295LL)
        {
            return lr_login_json_fail(err, err_len, "asn", "not an AS number");
        }
        l->geo.asn = (uint32_t) json_integer_value(v);
    }

    lat = json_object_get(obj, "lat");
    lon = json_object_get(obj, "lon");

    if (lat || lon) {
        if (!json_is_number(lat) || !json_is_number(lon)
            || json_number_value(lat) < -90 || json_number_value(lat) > 90
            || json_number_value(lon) < -180 || json_number_value(lon) > 180)
        {
            return lr_login_json_fail(err, err_len, "lat/lon",
                                      "need both, in degrees");
        }

        l->geo.has_location = 1;
        l->geo.latitude = json_number_value(lat);
        l->geo.longitude = json_number_value(lon);
    }

    return 0;
}


static int
lr_login_json_ua(json_t *obj, lr_login *l, char *err, size_t err_len)
{
    json_t      *v;
    const char  *s;

    s = lr_login_json_string(obj, "ua");
    lr_ua_parse(s, s ? strlen(s) : 0, &l->ua);

    /* given as parsed: these win (static strings are not needed, the
     * object outlives the login) */
    s = lr_login_json_string(obj, "ua_family");
    if (s) {
        l->ua.family = s;
    }

    s = lr_login_json_string(obj, "os");
    if (s) {
        l->ua.os = s;
    }

    s = lr_login_json_string(obj, "device_class");
    if (s) {
        l->ua.device_class = s;
    }

    v = json_object_get(obj, "ua_major");
    if (v) {
        if (!json_is_integer(v) || json_integer_value(v) < 0
            || json_integer_value(v) > 99999)
        {
            return lr_login_json_fail(err, err_len, "ua_major",
                                      "not a version number");
        }
        l->ua.major = (unsigned) json_integer_value(v);
    }

    return 0;
}


/* The attribute vector as 8 hex digits (lr_devattr.h). */
static int
lr_login_json_attrs(const char *s, uint32_t *out)
{
    if (strlen(s) != 8 || strspn(s, "0123456789abcdefABCDEF") != 8) {
        *out = 0;
        return -1;
    }

    *out = (uint32_t) strtoul(s, NULL, 16);

    return 0;
}


/* A member of the wrong type is an error, not "absent": a typo in a test
 * file must not silently change what is scored. */
static int
lr_login_json_types(json_t *obj, char *err, size_t err_len)
{
    static const struct {
        const char  *member;
        json_type    type;
        const char  *want;
    } schema[] = {
        { "user", JSON_STRING, "not a string" },
        { "ip", JSON_STRING, "not a string" },
        { "country", JSON_STRING, "not a string" },
        { "city", JSON_STRING, "not a string" },
        { "asn_org", JSON_STRING, "not a string" },
        { "ua", JSON_STRING, "not a string" },
        { "ua_family", JSON_STRING, "not a string" },
        { "os", JSON_STRING, "not a string" },
        { "device_class", JSON_STRING, "not a string" },
        { "device_id", JSON_STRING, "not a string" },
        { "device_attrs", JSON_STRING, "not a string" },
        { "timezone", JSON_STRING, "not a string" },
        { "languages", JSON_STRING, "not a string" },
        { "token", JSON_STRING, "not a string" },
        { "telemetry", JSON_TRUE, "not a boolean" },
        { "automation", JSON_TRUE, "not a boolean" },
        { "anonymizer", JSON_TRUE, "not a boolean" },
        { "scripted", JSON_TRUE, "not a boolean" },
        { "paste_password", JSON_TRUE, "not a boolean" },
        { "ua_mismatch", JSON_TRUE, "not a boolean" },
        { "lang_mismatch", JSON_TRUE, "not a boolean" },
        { "bad_device_cookie", JSON_TRUE, "not a boolean" },
    };

    size_t   i;
    json_t  *v;

    for (i = 0; i < sizeof(schema) / sizeof(schema[0]); i++) {
        v = json_object_get(obj, schema[i].member);

        if (v == NULL) {
            continue;
        }

        if (schema[i].type == JSON_TRUE ? !json_is_boolean(v)
                                        : json_typeof(v) != schema[i].type)
        {
            return lr_login_json_fail(err, err_len, schema[i].member,
                                      schema[i].want);
        }
    }

    return 0;
}


int
lr_login_from_json(json_t *obj, lr_login_doc *doc, char *err,
    size_t err_len)
{
    size_t             len;
    json_t            *v;
    lr_login          *l;
    const char        *s;
    lr_userid_status   us;

    memset(doc, 0, sizeof(*doc));
    l = &doc->login;

    if (!json_is_object(obj)) {
        return lr_login_json_fail(err, err_len, "login", "not an object");
    }

    if (lr_login_json_types(obj, err, err_len) != 0) {
        return -1;
    }

    v = json_object_get(obj, "time");

    if (json_is_integer(v)) {
        l->time_ms = json_integer_value(v);

    } else if (!json_is_string(v)
               || lr_parse_time(json_string_value(v), &l->time_ms) != 0)
    {
        return lr_login_json_fail(err, err_len, "time",
                                  "missing, or not ISO 8601 UTC or Unix ms");
    }

    /* an integer may be any int64_t: 9e18 would overflow the engine's
     * windows, a time before 1970 its "never" of 0 */
    if (l->time_ms < 0 || l->time_ms > LR_LOGIN_TIME_MAX) {
        return lr_login_json_fail(err, err_len, "time",
                                  "before 1970 or after 9999");
    }

    s = lr_login_json_string(obj, "user");
    if (s) {
        us = lr_userid_normalize((const unsigned char *) s, strlen(s),
                                 doc->user, &len);
        if (us != LR_USERID_OK && us != LR_USERID_EMPTY) {
            return lr_login_json_fail(err, err_len, "user",
                                      lr_userid_status_text(us));
        }
        l->user = len ? doc->user : NULL;
    }

    l->ip = lr_login_json_string(obj, "ip");
    l->device_id = lr_login_json_string(obj, "device_id");
    l->timezone = lr_login_json_string(obj, "timezone");
    l->languages = lr_login_json_string(obj, "languages");
    l->telemetry = json_is_true(json_object_get(obj, "telemetry"));
    l->automation = json_is_true(json_object_get(obj, "automation"));
    l->anonymizer = json_is_true(json_object_get(obj, "anonymizer"));
    l->scripted = json_is_true(json_object_get(obj, "scripted"))
                  ? LR_SCRIPTED_ALL : 0;
    l->paste_password = json_is_true(json_object_get(obj, "paste_password"));
    l->ua_mismatch = json_is_true(json_object_get(obj, "ua_mismatch"));
    l->lang_mismatch = json_is_true(json_object_get(obj, "lang_mismatch"));
    l->bad_device_cookie = json_is_true(json_object_get(obj,
                                                        "bad_device_cookie"));

    s = lr_login_json_string(obj, "device_attrs");

    if (s && lr_login_json_attrs(s, &l->device_attrs) != 0) {
        return lr_login_json_fail(err, err_len, "device_attrs",
                                  "not 8 hex digits");
    }

    s = lr_login_json_string(obj, "token");

    if (s == NULL || strcmp(s, "absent") == 0) {
        l->token = LR_TOKEN_ABSENT;

    } else if (strcmp(s, "valid") == 0) {
        l->token = LR_TOKEN_VALID;

    } else if (strcmp(s, "invalid") == 0) {
        l->token = LR_TOKEN_INVALID;

    } else if (strcmp(s, "replayed") == 0) {
        l->token = LR_TOKEN_REPLAYED;

    } else if (strcmp(s, "expired") == 0) {
        l->token = LR_TOKEN_TOO_OLD;

    } else if (strcmp(s, "other_browser") == 0) {
        l->token = LR_TOKEN_OTHER_BROWSER;

    } else {
        return lr_login_json_fail(err, err_len, "token", "unknown state");
    }

    if (lr_login_json_place(obj, l, err, err_len) != 0
        || lr_login_json_ua(obj, l, err, err_len) != 0
        || lr_login_json_kinds(obj, "allow", &l->allow, err, err_len) != 0
        || lr_login_json_kinds(obj, "block", &l->block, err, err_len) != 0)
    {
        return -1;
    }

    return 0;
}
