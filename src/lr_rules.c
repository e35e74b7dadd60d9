#include "lr_rules.h"
#include "lr_locale.h"
#include "lr_travel.h"


static void
lr_rules_fire(const lr_config *cfg, lr_rule rule, lr_reasons *reasons)
{
    if (cfg->weight[rule] > 0) {
        lr_reasons_add_points(reasons, lr_rule_code(rule), cfg->weight[rule]);
    }
}


/* A device is new when the login names one the profile never saw, or names
 * none while the profile knows some (cookie and fingerprint both gone).
 * With no device identity on either side (no collector) it says nothing. */
static int
lr_rules_new_device(const lr_profile *p, const lr_features *f)
{
    int  named, known;

    named = f->v[LR_F_DEVICE] != 0 || f->v[LR_F_FINGERPRINT] != 0;
    known = p->n[LR_F_DEVICE] != 0 || p->n[LR_F_FINGERPRINT] != 0;

    if (!named) {
        return known;
    }

    return lr_profile_count(p, LR_F_DEVICE, f->v[LR_F_DEVICE]) == 0
           && lr_profile_count(p, LR_F_FINGERPRINT, f->v[LR_F_FINGERPRINT])
              == 0;
}


static int
lr_rules_impossible_travel(const lr_config *cfg, const lr_login *login,
    const lr_profile *p)
{
    double  km, hours;

    /* unknown places never make a journey */
    if (!p->last_has_location || !login->geo.has_location) {
        return 0;
    }

    km = lr_travel_km(p->last_lat, p->last_lon, login->geo.latitude,
                      login->geo.longitude);

    if (km < cfg->min_travel_km) {
        return 0;
    }

    hours = (double) (login->time_ms - p->last_ms) / 3600000.0;

    return hours <= 0.0 || km / hours > cfg->max_speed_kmh;
}


static void
lr_rules_profile(const lr_config *cfg, const lr_login *login,
    const lr_keys *keys, const lr_profile *p, lr_reasons *reasons)
{
    const lr_features  *f = &keys->f;

    if (lr_rules_new_device(p, f)) {
        lr_rules_fire(cfg, LR_RULE_NEW_DEVICE, reasons);
    }

    if (lr_profile_count(p, LR_F_IP, f->v[LR_F_IP]) == 0) {
        lr_rules_fire(cfg, LR_RULE_NEW_IP, reasons);
    }

    if (login->geo.asn != 0
        && lr_profile_count(p, LR_F_ASN, f->v[LR_F_ASN]) == 0)
    {
        lr_rules_fire(cfg, LR_RULE_NEW_ASN, reasons);
    }

    if (login->geo.country[0] != '\0'
        && lr_profile_count(p, LR_F_COUNTRY, f->v[LR_F_COUNTRY]) == 0)
    {
        lr_rules_fire(cfg, LR_RULE_NEW_COUNTRY, reasons);
    }

    if (lr_rules_impossible_travel(cfg, login, p)) {
        lr_rules_fire(cfg, LR_RULE_IMPOSSIBLE_TRAVEL, reasons);
    }
}


static void
lr_rules_counters(const lr_config *cfg, const lr_keys *keys,
    const lr_view *view, lr_reasons *reasons)
{
    static const struct {
        lr_counter  counter;
        lr_rule     rule;
    } map[] = {
        { LR_C_IP_FAILURES, LR_RULE_IP_FAILURES },
        { LR_C_USER_FAILURES, LR_RULE_USER_FAILURES },
        { LR_C_DEVICE_FAILURES, LR_RULE_DEVICE_FAILURES },
        { LR_C_IP_USER_FAILURES, LR_RULE_IP_USER_FAILURES },
        { LR_C_IP_USERS, LR_RULE_IP_MANY_USERS },
        { LR_C_DEVICE_USERS, LR_RULE_DEVICE_MANY_USERS },
    };

    size_t  i;

    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (keys->counter[map[i].counter] != 0
            && cfg->limit[map[i].counter] > 0
            && view->counter[map[i].counter] >= cfg->limit[map[i].counter])
        {
            lr_rules_fire(cfg, map[i].rule, reasons);
        }
    }
}


void
lr_rules_apply(const lr_config *cfg, const lr_login *login,
    const lr_keys *keys, const lr_view *view, lr_reasons *reasons)
{
    /* nothing learnt yet: nothing can be new */
    if (view->profile != NULL) {
        lr_rules_profile(cfg, login, keys, view->profile, reasons);
    }

    lr_rules_counters(cfg, keys, view, reasons);

    if (login->automation) {
        lr_rules_fire(cfg, LR_RULE_AUTOMATION, reasons);
    }

    if (cfg->expect_telemetry && !login->telemetry) {
        lr_rules_fire(cfg, LR_RULE_NO_TELEMETRY, reasons);
    }

    if (login->token == LR_TOKEN_INVALID) {
        lr_rules_fire(cfg, LR_RULE_BAD_TOKEN, reasons);

    } else if (login->token == LR_TOKEN_REPLAYED) {
        lr_rules_fire(cfg, LR_RULE_REPLAYED_TOKEN, reasons);
    }

    if (login->timezone
        && lr_tz_fits_country(login->timezone, login->geo.country) == 0)
    {
        lr_rules_fire(cfg, LR_RULE_TZ_MISMATCH, reasons);
    }

    if (login->languages
        && lr_lang_fits_country(login->languages, login->geo.country) == 0)
    {
        lr_rules_fire(cfg, LR_RULE_LANG_MISMATCH, reasons);
    }

    if (login->anonymizer) {
        lr_rules_fire(cfg, LR_RULE_ANONYMIZER, reasons);
    }
}
