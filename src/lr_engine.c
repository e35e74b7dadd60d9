#include "lr_engine.h"
#include "lr_model.h"
#include "lr_rules.h"

#include <math.h>
#include <string.h>


static const lr_feature  lr_engine_network[] = {
    LR_F_COUNTRY, LR_F_ASN, LR_F_PREFIX, LR_F_IP
};

static const lr_feature  lr_engine_browser[] = {
    LR_F_DEVCLASS, LR_F_OS, LR_F_BROWSER, LR_F_UA
};

static const lr_feature  lr_engine_device[] = { LR_F_DEVICE };
static const lr_feature  lr_engine_fingerprint[] = { LR_F_FINGERPRINT };


/* list kinds in the order their reasons are named */
static const struct {
    unsigned     kind;
    const char  *allow;
    const char  *block;
} lr_engine_lists[] = {
    { LR_LIST_IP, "allowlist:ip", "blocklist:ip" },
    { LR_LIST_USER, "allowlist:user", "blocklist:user" },
    { LR_LIST_DEVICE, "allowlist:device", "blocklist:device" },
    { LR_LIST_COUNTRY, "allowlist:country", "blocklist:country" },
    { LR_LIST_ASN, "allowlist:asn", "blocklist:asn" },
};


void
lr_engine_keys(const lr_login *login, lr_keys *keys)
{
    uint64_t  ip, device;

    memset(keys, 0, sizeof(*keys));
    lr_features_of(login, &keys->f);

    ip = lr_hash_str(0x6970, login->ip);
    /* the cookie only: the attributes come with the telemetry, after the
     * counters are read, and are no identity of their own anyway; an id
     * issued just now has no counters to read, and a client that drops
     * its cookies would only fill the store with new ones */
    device = login->device_new ? 0 : keys->f.v[LR_F_DEVICE];

    keys->ip = ip;
    keys->device = device;
    keys->counter[LR_C_IP_FAILURES] = lr_hash_u64(0x6966, ip);
    keys->counter[LR_C_IP_USERS] = lr_hash_u64(0x6975, ip);

    if (login->user && login->user[0]) {
        keys->user = lr_engine_user_key(login->user);
        keys->counter[LR_C_USER_FAILURES] = lr_hash_u64(0x7566, keys->user);
        keys->counter[LR_C_IP_USER_FAILURES] = lr_hash_u64(ip, keys->user);
        keys->member[LR_C_IP_USERS] = keys->user;
        keys->member[LR_C_DEVICE_USERS] = keys->user;
    }

    if (device) {
        keys->counter[LR_C_DEVICE_FAILURES] = lr_hash_u64(0x6466, device);
        keys->counter[LR_C_DEVICE_USERS] = lr_hash_u64(0x6475, device);
    }
}


/* The reason of the first list kind in kinds, on the allow or block side;
 * NULL when kinds is empty. */
static const char *
lr_engine_list_reason(unsigned kinds, int block)
{
    size_t  i;

    for (i = 0; i < sizeof(lr_engine_lists) / sizeof(lr_engine_lists[0]);
         i++)
    {
        if (kinds & lr_engine_lists[i].kind) {
            return block ? lr_engine_lists[i].block
                         : lr_engine_lists[i].allow;
        }
    }

    return NULL;
}


/*
 * Lists decide alone. An IP block entry wins over everything (an attacking
 * network stays out even for a trusted user), any allow entry over the
 * other block entries (a trusted customer travelling to a blocked country).
 */
static int
lr_engine_lists_decide(const lr_login *login, lr_verdict *v)
{
    const char  *reason;

    reason = lr_engine_list_reason(login->block & LR_LIST_IP, 1);

    if (reason == NULL) {
        reason = lr_engine_list_reason(login->allow, 0);

        if (reason != NULL) {
            lr_reasons_add(&v->reasons, reason);
            v->score = 0;
            v->action = LR_ACTION_ALLOW;
            return 1;
        }

        reason = lr_engine_list_reason(login->block, 1);
    }

    if (reason == NULL) {
        return 0;
    }

    lr_reasons_add_points(&v->reasons, reason, 100);
    v->score = 100;
    v->action = LR_ACTION_BLOCK;

    return 1;
}


static int
lr_engine_model_points(const lr_config *cfg, double log_ratio, int cap,
    double scale)
{
    double  points;

    if (log_ratio <= 0.0) {
        return 0;
    }

    points = floor(log_ratio * cfg->model_points_per_decade * scale + 0.5);

    return points > cap ? cap : (int) points;
}


static void
lr_engine_model(const lr_config *cfg, const lr_keys *keys,
    const lr_view *view, lr_reasons *reasons)
{
    int                 points;
    double              scale, ratio;
    const lr_profile   *p;
    const lr_features  *f;

    p = view->profile;
    f = &keys->f;

    /* nothing learnt: no opinion, and no cold_start either (an empty
     * profile from a store is nothing learnt too) */
    if (p == NULL || p->successes == 0) {
        return;
    }

    /* cold start: a profile of one or two logins proves little either way,
     * so its evidence is scaled down rather than trusted or ignored */
    scale = 1.0;

    if (p->successes < cfg->cold_start_logins) {
        scale = (double) p->successes / cfg->cold_start_logins;
        lr_reasons_add(reasons, LR_REASON_COLD_START);
    }

    ratio = lr_model_log_ratio(p, view, f, lr_engine_network, 4,
                               cfg->model_alpha);
    points = lr_engine_model_points(cfg, ratio, cfg->model_cap_network, scale);
    if (points > 0) {
        lr_reasons_add_points(reasons, LR_REASON_UNUSUAL_NETWORK, points);
    }

    ratio = lr_model_log_ratio(p, view, f, lr_engine_browser, 4,
                               cfg->model_alpha);
    points = lr_engine_model_points(cfg, ratio, cfg->model_cap_browser, scale);
    if (points > 0) {
        lr_reasons_add_points(reasons, LR_REASON_UNUSUAL_BROWSER, points);
    }

    /* the cookie when there is one, else the fingerprint */
    ratio = f->v[LR_F_DEVICE]
            ? lr_model_log_ratio(p, view, f, lr_engine_device, 1,
                                 cfg->model_alpha)
            : lr_model_log_ratio(p, view, f, lr_engine_fingerprint, 1,
                                 cfg->model_alpha);
    points = lr_engine_model_points(cfg, ratio, cfg->model_cap_device, scale);
    if (points > 0) {
        lr_reasons_add_points(reasons, LR_REASON_UNUSUAL_DEVICE, points);
    }
}


void
lr_engine_score(const lr_config *cfg, const lr_login *login,
    const lr_keys *keys, const lr_view *view, lr_verdict *verdict)
{
    int     sum, evidence;
    size_t  i;

    memset(verdict, 0, sizeof(*verdict));

    if (lr_engine_lists_decide(login, verdict)) {
        return;
    }

    evidence = 0;
    lr_engine_model(cfg, keys, view, &verdict->reasons);
    lr_rules_apply(cfg, login, keys, view, &verdict->reasons, &evidence);

    sum = 0;

    for (i = 0; i < verdict->reasons.n; i++) {
        sum += verdict->reasons.points[i];
    }

    verdict->score = sum > 100 ? 100 : sum;

    /* unfamiliarity alone asks for a step-up; a block needs evidence of an
     * attack (lr_rules.h), so that neither a trip nor an attacker failing
     * on purpose can lock the owner out */
    if (verdict->score >= cfg->block && evidence >= cfg->block_evidence) {
        verdict->action = LR_ACTION_BLOCK;

    } else if (verdict->score >= cfg->challenge) {
        verdict->action = LR_ACTION_CHALLENGE;

    } else if (verdict->score >= cfg->tag) {
        verdict->action = LR_ACTION_TAG;

    } else {
        verdict->action = LR_ACTION_ALLOW;
    }
}


void
lr_engine_learn(const lr_config *cfg, const lr_login *login,
    const lr_keys *keys, int success, lr_writes *w)
{
    unsigned  i;

    memset(w, 0, sizeof(*w));

    w->time_ms = login->time_ms;
    w->user = keys->user;
    w->f = keys->f;
    w->profile_values = cfg->profile_values;
    w->profile_max_age_ms = cfg->profile_max_age_s * 1000;

    for (i = 0; i < LR_C_COUNT; i++) {
        w->window_s[i] = cfg->window_s[i];
        w->member[i] = keys->member[i];
    }

    /* every attempt counts towards "one source, many accounts" */
    w->incr[LR_C_IP_USERS] = keys->user ? keys->counter[LR_C_IP_USERS] : 0;
    w->incr[LR_C_DEVICE_USERS] = keys->user
                                 ? keys->counter[LR_C_DEVICE_USERS] : 0;

    if (success) {
        /* only the owner's successes teach what is normal */
        w->learn = keys->user != 0;
        w->has_location = login->geo.has_location;
        w->lat = login->geo.latitude;
        w->lon = login->geo.longitude;
        w->reset[LR_C_USER_FAILURES] = keys->counter[LR_C_USER_FAILURES];
        w->reset[LR_C_IP_USER_FAILURES] = keys->counter[LR_C_IP_USER_FAILURES];
        return;
    }

    w->incr[LR_C_IP_FAILURES] = keys->counter[LR_C_IP_FAILURES];
    w->incr[LR_C_USER_FAILURES] = keys->counter[LR_C_USER_FAILURES];
    w->incr[LR_C_DEVICE_FAILURES] = keys->counter[LR_C_DEVICE_FAILURES];
    w->incr[LR_C_IP_USER_FAILURES] = keys->counter[LR_C_IP_USER_FAILURES];
}


void
lr_engine_attempt(const lr_config *cfg, const lr_login *login,
    const lr_keys *keys, lr_writes *w)
{
    unsigned  i;

    lr_engine_learn(cfg, login, keys, 0, w);

    for (i = 0; i < LR_C_COUNT; i++) {
        if (i != LR_C_IP_USERS && i != LR_C_DEVICE_USERS) {
            w->incr[i] = 0;
        }
    }
}


void
lr_engine_attempt_of(const lr_login *login, const lr_keys *keys,
    lr_attempt *a)
{
    memset(a, 0, sizeof(*a));

    a->f = keys->f;
    a->time_ms = login->time_ms;
    a->has_location = login->geo.has_location;
    a->lat = login->geo.latitude;
    a->lon = login->geo.longitude;
}


void
lr_engine_learn_attempt(const lr_config *cfg, uint64_t user,
    const lr_attempt *a, lr_writes *w)
{
    memset(w, 0, sizeof(*w));

    w->time_ms = a->time_ms;
    w->user = user;
    w->learn = user != 0;
    w->f = a->f;
    w->has_location = a->has_location;
    w->lat = a->lat;
    w->lon = a->lon;
    w->profile_values = cfg->profile_values;
    w->profile_max_age_ms = cfg->profile_max_age_s * 1000;
}


uint64_t
lr_engine_user_key(const char *user)
{
    return lr_hash_str(0x75736572, user);
}


const char *
lr_action_name(lr_action action)
{
    switch (action) {
    case LR_ACTION_ALLOW:
        return "allow";
    case LR_ACTION_TAG:
        return "tag";
    case LR_ACTION_CHALLENGE:
        return "challenge";
    case LR_ACTION_BLOCK:
        return "block";
    }

    return "unknown";
}
