#include "lr_alert.h"
#include "lr_redis_admin.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>


static size_t lr_alert_escape_controls(char *buf, size_t len, size_t cap);
static size_t lr_alert_control(const unsigned char *p, size_t left,
    unsigned *cp);


/* A string member, or null: jansson refuses invalid UTF-8, and an unknown
 * value is better shown as null than as "". */
static json_t *
lr_alert_string(const char *s)
{
    json_t  *v;

    if (s == NULL || s[0] == '\0') {
        return json_null();
    }

    v = json_string(s);

    return v ? v : json_null();
}


json_t *
lr_alert_time(int64_t time_ms)
{
    int        ms;
    char       buf[32];
    time_t     sec;
    struct tm  tm;

    sec = (time_t) (time_ms / 1000);
    ms = (int) (time_ms % 1000);

    /* C division truncates: before 1970 the milliseconds come out
     * negative, so borrow a second */
    if (ms < 0) {
        ms += 1000;
        sec--;
    }

    if (gmtime_r(&sec, &tm) == NULL) {
        return json_null();
    }

    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ".%03dZ", ms);

    return json_string(buf);
}


static json_t *
lr_alert_place(const lr_geo *geo)
{
    json_t  *loc;

    loc = json_object();

    json_object_set_new(loc, "country", lr_alert_string(geo->country));
    json_object_set_new(loc, "city", lr_alert_string(geo->city));

    if (geo->has_location) {
        json_object_set_new(loc, "lat", json_real(geo->latitude));
        json_object_set_new(loc, "lon", json_real(geo->longitude));

    } else {
        json_object_set_new(loc, "lat", json_null());
        json_object_set_new(loc, "lon", json_null());
    }

    json_object_set_new(loc, "asn", geo->asn ? json_integer(geo->asn)
                                             : json_null());
    json_object_set_new(loc, "asn_org", lr_alert_string(geo->asn_org));

    return loc;
}


static json_t *
lr_alert_device(const lr_ua *ua)
{
    json_t  *dev;

    dev = json_object();

    json_object_set_new(dev, "ua_family", lr_alert_string(ua->family));
    json_object_set_new(dev, "ua_major", ua->major ? json_integer(ua->major)
                                                   : json_null());
    json_object_set_new(dev, "os", lr_alert_string(ua->os));
    json_object_set_new(dev, "device_class",
                        lr_alert_string(ua->device_class));

    return dev;
}


void
lr_alert_reasons(const lr_reasons *r, json_t *reasons, json_t *points)
{
    size_t  i;

    /* every point of the score under the reason it belongs to */
    for (i = 0; i < r->n; i++) {
        json_array_append_new(reasons, json_string(r->code[i]));

        if (r->points[i]) {
            json_object_set_new(points, r->code[i],
                                json_integer(r->points[i]));
        }
    }
}


size_t
lr_alert_format(const lr_login *login, char *buf, size_t cap)
{
    size_t   len;
    json_t  *line, *reasons, *points;

    line = json_object();
    if (line == NULL) {
        return 0;
    }

    reasons = json_array();
    points = json_object();
    lr_alert_reasons(&login->reasons, reasons, points);

    json_object_set_new(line, "time", lr_alert_time(login->time_ms));
    json_object_set_new(line, "request_id",
                        lr_alert_string(login->request_id));
    json_object_set_new(line, "user", lr_alert_string(login->user));
    json_object_set_new(line, "ip", lr_alert_string(login->ip));
    json_object_set_new(line, "uri", lr_alert_string(login->uri));
    json_object_set_new(line, "status", login->status
                                        ? json_integer(login->status)
                                        : json_null());
    json_object_set_new(line, "location", lr_alert_place(&login->geo));
    json_object_set_new(line, "device", lr_alert_device(&login->ua));
    json_object_set_new(line, "score", login->action
                                       ? json_integer(login->score)
                                       : json_null());
    json_object_set_new(line, "action", lr_alert_string(login->action));
    json_object_set_new(line, "mode", login->action
                                      ? json_string(login->monitor
                                                    ? "monitor" : "enforce")
                                      : json_null());
    json_object_set_new(line, "reasons", reasons);
    json_object_set_new(line, "points", points);

    len = json_dumpb(line, buf, cap,
                     JSON_COMPACT | JSON_PRESERVE_ORDER
                     | JSON_REAL_PRECISION(10));
    json_decref(line);

    if (len == 0 || len > cap) {
        return 0;
    }

    len = lr_alert_escape_controls(buf, len, cap);

    if (len == 0 || len + 1 > cap) {
        return 0;
    }

    buf[len++] = '\n';

    return len;
}


size_t
lr_alert_admin_format(const lr_audit *a, const char *request_id,
    const char *client, char *buf, size_t cap)
{
    size_t   len;
    json_t  *line;

    line = json_object();
    if (line == NULL) {
        return 0;
    }

    json_object_set_new(line, "time", lr_alert_time(a->time_ms));
    json_object_set_new(line, "event", json_string("admin"));
    json_object_set_new(line, "request_id", lr_alert_string(request_id));
    json_object_set_new(line, "client", lr_alert_string(client));
    json_object_set_new(line, "actor", lr_alert_string(a->actor));
    json_object_set_new(line, "op", lr_alert_string(a->op));
    json_object_set_new(line, "kind", lr_alert_string(a->kind));
    json_object_set_new(line, "side", lr_alert_string(a->side));
    json_object_set_new(line, "entry", lr_alert_string(a->entry));
    json_object_set_new(line, "before",
                        lr_redis_audit_value(a->before, strlen(a->before)));
    json_object_set_new(line, "after",
                        lr_redis_audit_value(a->after, strlen(a->after)));

    len = json_dumpb(line, buf, cap, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(line);

    if (len == 0 || len + 1 > cap) {
        return 0;
    }

    buf[len++] = '\n';

    return len;
}


/*
 * jansson escapes the controls below 0x20 but writes DEL, the C1 controls
 * (U+0080 to U+009F) and the line and paragraph separators (U+2028, U+2029)
 * as they are: valid JSON, yet a terminal or a log viewer may act on them,
 * and the uri is the client's. In the line they can only be inside
 * strings, where \uXXXX means the same. Returns the new length, or 0 when
 * it does not fit in cap.
 */
static size_t
lr_alert_escape_controls(char *buf, size_t len, size_t cap)
{
    size_t                n, i;
    unsigned              cp;
    unsigned char        *p;
    static const char     hex[] = "0123456789abcdef";

    p = (unsigned char *) buf;

    for (i = 0; i < len; i++) {
        n = lr_alert_control(p + i, len - i, &cp);

        if (n == 0) {
            continue;
        }

        if (len - n + 6 > cap) {
            return 0;
        }

        memmove(p + i + 6, p + i + n, len - i - n);
        p[i] = '\\';
        p[i + 1] = 'u';
        p[i + 2] = (unsigned char) hex[(cp >> 12) & 0xf];
        p[i + 3] = (unsigned char) hex[(cp >> 8) & 0xf];
        p[i + 4] = (unsigned char) hex[(cp >> 4) & 0xf];
        p[i + 5] = (unsigned char) hex[cp & 0xf];

        len = len - n + 6;
        i += 5;
    }

    return len;
}


/* The length of the character at p when it is one to escape (its code
 * point in *cp), else 0. The text is UTF-8: 0xc2 and 0xe2 only lead. */
static size_t
lr_alert_control(const unsigned char *p, size_t left, unsigned *cp)
{
    if (p[0] == 0x7f) {
        *cp = 0x7f;
        return 1;
    }

    if (p[0] == 0xc2 && left >= 2 && p[1] >= 0x80 && p[1] <= 0x9f) {
        *cp = p[1];
        return 2;
    }

    if (p[0] == 0xe2 && left >= 3 && p[1] == 0x80
        && (p[2] == 0xa8 || p[2] == 0xa9))
    {
        *cp = 0x2000 | (p[2] - 0x80);
        return 3;
    }

    return 0;
}
