#include "lr_rules.h"
#include "lr_devattr.h"
#include "lr_telemetry.h"
#include "lr_locale.h"
#include "lr_travel.h"

#include <math.h>


typedef struct {
    const lr_config  *cfg;
    lr_reasons       *reasons;
    int              *evidence;
} lr_rules_ctx;


static int
lr_rules_is_evidence(lr_rule rule)
{
    switch (rule) {
    case LR_RULE_IP_FAILURES:
    case LR_RULE_DEVICE_FAILURES:
    case LR_RULE_IP_USER_FAILURES:
    case LR_RULE_IP_MANY_USERS:
    case LR_RULE_DEVICE_MANY_USERS:
    case LR_RULE_AUTOMATION:
    case LR_RULE_NO_TELEMETRY:
    case LR_RULE_BAD_TOKEN:
    case LR_RULE_REPLAYED_TOKEN:
    case LR_RULE_UA_MISMATCH:
    case LR_RULE_SCRIPTED_INPUT:
    case LR_RULE_BAD_DEVICE_COOKIE:
        return 1;
    default:
        return 0;
    }
}


static void
lr_rules_fire(lr_rules_ctx *rc, lr_rule rule)
{
    int  w;

    w = rc->cfg->weight[rule];

    if (w <= 0) {
        return;
    }

    lr_reasons_add_points(rc->reasons, lr_rule_code(rule), w);

    if (lr_rules_is_evidence(rule)) {
        *rc->evidence += w;
    }
}


/* A device is new when the login names one the profile never saw (neither
 * its cookie nor a device like it: seen[] counts similar attributes), or
 * names none while the profile knows some (cookie and attributes both
 * gone). With no device identity on either side (no collector) it says
 * nothing. */
static int
lr_rules_new_device(const lr_profile *p, const lr_features *f,
    const uint32_t *seen)
{
    int  named, known;

    named = f->v[LR_F_DEVICE] != 0 || f->v[LR_F_FINGERPRINT] != 0;
    known = p->n[LR_F_DEVICE] != 0 || p->n[LR_F_FINGERPRINT] != 0;

    if (!named) {
        return known;
    }

    return seen[LR_F_DEVICE] == 0 && seen[LR_F_FINGERPRINT] == 0;
}


/* A known cookie on a device unlike every device the user logged in from:
 * a cookie copied to another machine, or a new GPU, screen and timezone.
 * Too few attributes to compare say nothing. */
static int
lr_rules_device_changed(const lr_login *login, const lr_profile *p,
    const uint32_t *seen)
{
    int  best;

    if (seen[LR_F_DEVICE] == 0 || login->device_attrs == 0
        || seen[LR_F_FINGERPRINT] != 0)
    {
        return 0;
    }

    best = lr_profile_device_like(p, login->device_attrs);

    return best >= 0 && best < LR_DEVATTR_SAME_DEVICE;
}


/* One sign of scripted input alone can be a person (a password manager's
 * extension typing for her, a click with the mouse already in place); two
 * together cannot, and key timing that no hand has is enough alone. */
static int
lr_rules_scripted(unsigned signs)
{
    unsigned  n;

    if (signs & (LR_SCRIPTED_TOO_FAST | LR_SCRIPTED_UNIFORM)) {
        return 1;
    }

    for (n = 0; signs; signs &= signs - 1) {
        n++;
    }

    return n >= 2;
}


static int
lr_rules_impossible_travel(const lr_config *cfg, const lr_login *login,
    const lr_profile *p)
{
    double  km, hours;

    /* unknown places never make a journey; the same place is no journey
     * either (most logins: no trigonometry for them) */
    if (!p->last_has_location || !login->geo.has_location
        || (p->last_lat == login->geo.latitude
            && p->last_lon == login->geo.longitude))
    {
        return 0;
    }

    km = lr_travel_km(p->last_lat, p->last_lon, login->geo.latitude,
                      login->geo.longitude);

    if (km < cfg->min_travel_km) {
        return 0;
    }

    /* learning writes may land out of order: the gap counts either way */
    hours = fabs((double) (login->time_ms - p->last_ms)) / 3600000.0;

    return hours == 0.0 || km / hours > cfg->max_speed_kmh;
}


static void
lr_rules_profile(lr_rules_ctx *rc, const lr_login *login,
    const lr_keys *keys, const lr_profile *p, const uint32_t *seen)
{
    const lr_features  *f = &keys->f;

    if (lr_rules_new_device(p, f, seen)) {
        lr_rules_fire(rc, LR_RULE_NEW_DEVICE);

    } else if (lr_rules_device_changed(login, p, seen)) {
        lr_rules_fire(rc, LR_RULE_DEVICE_CHANGED);
    }

    if (seen[LR_F_IP] == 0) {
        lr_rules_fire(rc, LR_RULE_NEW_IP);
    }

    if (login->geo.asn != 0
        && seen[LR_F_ASN] == 0)
    {
        lr_rules_fire(rc, LR_RULE_NEW_ASN);
    }

    if (login->geo.country[0] != '\0'
        && seen[LR_F_COUNTRY] == 0)
    {
        lr_rules_fire(rc, LR_RULE_NEW_COUNTRY);
    }

    if (lr_rules_impossible_travel(rc->cfg, login, p)) {
        lr_rules_fire(rc, LR_RULE_IMPOSSIBLE_TRAVEL);
    }
}


static void
lr_rules_counters(lr_rules_ctx *rc, const lr_keys *keys,
    const lr_view *view)
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
            && rc->cfg->limit[map[i].counter] > 0
            && view->counter[map[i].counter]
               >= rc->cfg->limit[map[i].counter])
        {
            lr_rules_fire(rc, map[i].rule);
        }
    }
}


void
lr_rules_apply(const lr_config *cfg, const lr_login *login,
    const lr_keys *keys, const lr_view *view, lr_reasons *reasons,
    int *evidence)
{
    lr_rules_ctx   ctx = { cfg, reasons, evidence };
    lr_rules_ctx  *rc = &ctx;

    /* nothing learnt yet: nothing can be new (a store may hand back an
     * empty profile rather than NULL, e.g. once all history aged out) */
    if (view->profile != NULL && view->profile->successes > 0) {
        lr_rules_profile(rc, login, keys, view->profile, view->seen);
    }

    lr_rules_counters(rc, keys, view);

    if (login->automation) {
        lr_rules_fire(rc, LR_RULE_AUTOMATION);
    }

    if (cfg->expect_telemetry && !login->telemetry) {
        lr_rules_fire(rc, LR_RULE_NO_TELEMETRY);
    }

    switch (login->token) {
    case LR_TOKEN_INVALID:
        lr_rules_fire(rc, LR_RULE_BAD_TOKEN);
        break;
    case LR_TOKEN_REPLAYED:
        lr_rules_fire(rc, LR_RULE_REPLAYED_TOKEN);
        break;
    case LR_TOKEN_TOO_OLD:
        lr_rules_fire(rc, LR_RULE_EXPIRED_TOKEN);
        break;
    default:
        break;
    }

    /* the browser that ran the collector is not the one that logs in */
    if (login->ua_mismatch || login->token == LR_TOKEN_OTHER_BROWSER) {
        lr_rules_fire(rc, LR_RULE_UA_MISMATCH);
    }

    if (lr_rules_scripted(login->scripted)) {
        lr_rules_fire(rc, LR_RULE_SCRIPTED_INPUT);
    }

    if (login->paste_password) {
        lr_rules_fire(rc, LR_RULE_PASTE_PASSWORD);
    }

    if (login->bad_device_cookie) {
        lr_rules_fire(rc, LR_RULE_BAD_DEVICE_COOKIE);
    }

    if (login->timezone
        && lr_tz_fits_country(login->timezone, login->geo.country) == 0)
    {
        lr_rules_fire(rc, LR_RULE_TZ_MISMATCH);
    }

    if (login->lang_mismatch
        || (login->languages
            && lr_lang_fits_country(login->languages, login->geo.country)
               == 0))
    {
        lr_rules_fire(rc, LR_RULE_LANG_MISMATCH);
    }

    if (login->anonymizer) {
        lr_rules_fire(rc, LR_RULE_ANONYMIZER);
    }
}
