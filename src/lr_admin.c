#include "lr_admin.h"
#include "lr_alert.h"
#include "lr_profile_codec.h"

#include <stdio.h>
#include <string.h>


/* the low 32 bits of a country's feature value, for each two-letter code
 * and for the unknown country ("") */
typedef struct {
    uint32_t  value[26 * 26 + 1];
} lr_admin_countries;


static void
lr_admin_countries_init(lr_admin_countries *c)
{
    int          i;
    lr_login     l;
    lr_features  f;

    memset(&l, 0, sizeof(l));

    for (i = 0; i <= 26 * 26; i++) {
        if (i < 26 * 26) {
            l.geo.country[0] = (char) ('A' + i / 26);
            l.geo.country[1] = (char) ('A' + i % 26);
            l.geo.country[2] = '\0';

        } else {
            l.geo.country[0] = '\0';
        }

        lr_features_of(&l, &f);
        c->value[i] = (uint32_t) f.v[LR_F_COUNTRY];
    }
}


static json_t *
lr_admin_country(const lr_admin_countries *c, uint32_t value)
{
    int   i;
    char  code[3];

    for (i = 0; i <= 26 * 26; i++) {
        if (c->value[i] != value) {
            continue;
        }

        if (i == 26 * 26) {
            return json_string("unknown");
        }

        code[0] = (char) ('A' + i / 26);
        code[1] = (char) ('A' + i % 26);
        code[2] = '\0';

        return json_string(code);
    }

    return NULL;
}


json_t *
lr_admin_profile_json(const lr_profile *p)
{
    char                 hex[9];
    json_t              *o, *values, *list, *v, *c;
    unsigned             i, f;
    lr_admin_countries   countries;

    lr_admin_countries_init(&countries);

    o = json_object();
    values = json_object();

    json_object_set_new(o, "successes", json_integer(p->successes));
    json_object_set_new(o, "last_login", p->last_ms ? lr_alert_time(p->last_ms)
                                                    : json_null());
    json_object_set_new(o, "last_place",
                        p->last_has_location
                        ? json_pack("{s:f,s:f}", "lat", p->last_lat,
                                    "lon", p->last_lon)
                        : json_null());

    for (f = 0; f < LR_F_COUNT; f++) {
        list = NULL;

        for (i = 0; i < p->used; i++) {
            if (p->value[i].feature != f) {
                continue;
            }

            if (list == NULL) {
                list = json_array();
            }

            snprintf(hex, sizeof(hex), "%08x", (unsigned) p->value[i].value);

            v = json_pack("{s:s,s:i,s:o}", "value", hex,
                          "count", (int) p->value[i].count,
                          "last_seen", lr_alert_time(p->value[i].last_ms));

            if (f == LR_F_COUNTRY) {
                c = lr_admin_country(&countries, p->value[i].value);
                if (c) {
                    json_object_set_new(v, "country", c);
                }
            }

            json_array_append_new(list, v);
        }

        if (list) {
            json_object_set_new(values, lr_feature_name((lr_feature) f),
                                list);
        }
    }

    json_object_set_new(o, "values", values);

    return o;
}


json_t *
lr_admin_seen_json(const lr_profile *p, const lr_features *f, unsigned mask)
{
    unsigned  i;
    uint32_t  seen[LR_F_COUNT];
    json_t   *o;

    lr_profile_counts(p, f, seen);

    o = json_object();

    for (i = 0; i < LR_F_COUNT; i++) {
        if ((mask & (1u << i)) && f->v[i] != 0) {
            json_object_set_new(o, lr_feature_name((lr_feature) i),
                                json_integer(seen[i]));
        }
    }

    return o;
}


json_t *
lr_admin_verdict_json(const lr_verdict *v)
{
    json_t  *o, *reasons, *points;

    reasons = json_array();
    points = json_object();
    lr_alert_reasons(&v->reasons, reasons, points);

    o = json_object();
    json_object_set_new(o, "score", json_integer(v->score));
    json_object_set_new(o, "action", json_string(lr_action_name(v->action)));
    json_object_set_new(o, "reasons", reasons);
    json_object_set_new(o, "points", points);

    return o;
}


int
lr_admin_trust_parse(const char *body, size_t len, char device[33],
    char *err, size_t err_len)
{
    size_t       i;
    json_t      *obj, *d;
    const char  *s;

    device[0] = '\0';

    obj = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
    d = json_object_get(obj, "device");

    if (!json_is_object(obj) || json_object_size(obj) != 1
        || !json_is_string(d) || json_string_length(d) != 32)
    {
        json_decref(obj);
        snprintf(err, err_len, "the body is not {\"device\": \"<32 hex "
                 "digits>\"}");
        return -1;
    }

    s = json_string_value(d);

    for (i = 0; i < 32; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')
              || (s[i] >= 'A' && s[i] <= 'F')))
        {
            json_decref(obj);
            snprintf(err, err_len, "\"device\" is not 32 hex digits");
            return -1;
        }

        device[i] = (char) ((s[i] >= 'A' && s[i] <= 'F') ? s[i] + 32 : s[i]);
    }

    device[32] = '\0';
    json_decref(obj);

    return 0;
}


size_t
lr_admin_user_summary(const lr_profile *p, uint64_t failures, char *buf,
    size_t cap)
{
    size_t   n;
    json_t  *o;

    o = json_pack("{s:b,s:i,s:o,s:I}", "profile", p != NULL,
                  "successes", p ? (int) p->successes : 0,
                  "last_login", p && p->last_ms ? lr_alert_time(p->last_ms)
                                                : json_null(),
                  "failures", (json_int_t) failures);
    if (o == NULL) {
        return 0;
    }

    n = json_dumpb(o, buf, cap, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);

    return n <= cap ? n : 0;
}


uint64_t
lr_admin_device_value(const char *device_id)
{
    lr_login     l;
    lr_features  f;

    memset(&l, 0, sizeof(l));
    l.device_id = device_id;
    lr_features_of(&l, &f);

    return f.v[LR_F_DEVICE];
}


size_t
lr_admin_trust_device(const unsigned char *old, size_t old_len,
    const char *device_id, int64_t time_ms, uint32_t max_values,
    int64_t max_age_ms, unsigned char *out, uint32_t *before,
    uint32_t *after)
{
    uint64_t    v;
    lr_profile  p;

    if (old_len == 0 || lr_profile_decode(old, old_len, &p) != 0) {
        memset(&p, 0, sizeof(p));
    }

    v = lr_admin_device_value(device_id);

    lr_profile_expire(&p, time_ms, max_age_ms);
    *before = lr_profile_count(&p, LR_F_DEVICE, v);
    lr_profile_trust(&p, LR_F_DEVICE, v, time_ms, max_values);
    *after = lr_profile_count(&p, LR_F_DEVICE, v);

    return lr_profile_encode(&p, out);
}
