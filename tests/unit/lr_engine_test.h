#ifndef LR_ENGINE_TEST_H
#define LR_ENGINE_TEST_H

/*
 * Helpers shared by the engine's unit tests (test_model.c, test_rules.c,
 * test_engine.c, test_profile.c, test_memstate.c, test_features.c): a
 * habitual login and one from abroad, a profile learnt from it, verdict
 * checks, and a memstate harness (with cmocka setup and teardown) that
 * runs keys -> read -> score -> learn -> apply as the replay tool does.
 * static inline, as in lr_test.h: a helper a test does not use costs no
 * warning.
 */

#include "lr_test.h"

#include "lr_config.h"
#include "lr_engine.h"
#include "lr_features.h"
#include "lr_memstate.h"
#include "lr_profile.h"
#include "lr_state.h"

#include <math.h>


#define LR_T_HOUR    3600000LL
#define LR_T_DAY     (24 * LR_T_HOUR)
#define LR_T0        1767225600000LL        /* 2026-01-01T00:00:00.000Z */

#define LR_TOKYO_LAT    35.6762
#define LR_TOKYO_LON    139.6503
#define LR_LONDON_LAT   51.5074
#define LR_LONDON_LON   -0.1278
#define LR_YOKOHAMA_LAT 35.4437             /* ~30 km from Tokyo */
#define LR_YOKOHAMA_LON 139.6380

#define LR_NEAR(a, b)  assert_true(fabs((a) - (b)) < 1e-9)


/* Device attribute vectors (lr_devattr.h): FP_A, the same device after a
 * browser update (canvas and audio changed), and two others that share no
 * attribute with it. */
#define FP_A          0x12345678u
#define FP_A_UPDATED  0xab345678u
#define FP_B          0x9abcdef1u
#define FP_Z          0xedcba987u


/* The network hierarchy of lr_features.h, parent first. (A static const
 * in a header costs no -Wunused warning where it is not used.) */
static const lr_feature  lr_t_network[4] = {
    LR_F_COUNTRY, LR_F_ASN, LR_F_PREFIX, LR_F_IP
};


/*
 * The habitual login of "alice": Tokyo, JP, AS2516, 203.0.113.7, Chrome
 * 120 on Windows desktop, device cookie "dev-a", attributes FP_A,
 * Asia/Tokyo, Japanese, telemetry and a valid token.
 */
static inline void
lr_t_login(lr_login *l, int64_t time_ms)
{
    memset(l, 0, sizeof(*l));

    l->time_ms = time_ms;
    l->user = "alice";
    l->ip = "203.0.113.7";
    memcpy(l->geo.country, "JP", 3);
    l->geo.asn = 2516;
    l->geo.has_location = 1;
    l->geo.latitude = LR_TOKYO_LAT;
    l->geo.longitude = LR_TOKYO_LON;
    l->ua.family = "Chrome";
    l->ua.major = 120;
    l->ua.os = "Windows";
    l->ua.device_class = "desktop";
    l->device_id = "dev-a";
    l->device_attrs = FP_A;
    l->timezone = "Asia/Tokyo";
    l->languages = "ja-JP,ja;q=0.9";
    l->telemetry = 1;
    l->token = LR_TOKEN_VALID;
}


static inline void
lr_t_country(lr_login *l, const char *country)
{
    snprintf(l->geo.country, sizeof(l->geo.country), "%s", country);
}


static inline void
lr_t_place(lr_login *l, double lat, double lon)
{
    l->geo.has_location = 1;
    l->geo.latitude = lat;
    l->geo.longitude = lon;
}


/* Moves l to a network never seen anywhere: 198.51.100.9, AS64999 in
 * country, its place unknown. */
static inline void
lr_t_abroad(lr_login *l, const char *country)
{
    l->ip = "198.51.100.9";
    lr_t_country(l, country);
    l->geo.asn = 64999;
    l->geo.has_location = 0;
}


/* A zeroed profile that learnt login n times, an hour apart, the last at
 * login->time_ms; at most 16 values per feature. */
static inline void
lr_t_profile(lr_profile *p, const lr_login *l, unsigned n)
{
    unsigned     i;
    lr_features  f;

    memset(p, 0, sizeof(*p));
    lr_features_of(l, &f);

    for (i = 0; i < n; i++) {
        lr_profile_learn(p, &f, l->time_ms - (int64_t) (n - 1 - i) * LR_T_HOUR,
                         l->geo.has_location, l->geo.latitude,
                         l->geo.longitude, LR_PROFILE_VALUES);
    }
}


/* Points of a reason, -1 when it is not in the verdict. */
static inline int
lr_t_points(const lr_verdict *v, const char *code)
{
    size_t  i;

    for (i = 0; i < v->reasons.n; i++) {
        if (strcmp(v->reasons.code[i], code) == 0) {
            return v->reasons.points[i];
        }
    }

    return -1;
}


static inline int
lr_t_has(const lr_verdict *v, const char *code)
{
    return lr_t_points(v, code) >= 0;
}


static inline int
lr_t_rule_points(const lr_verdict *v, lr_rule rule)
{
    return lr_t_points(v, lr_rule_code(rule));
}


static inline int
lr_t_sum(const lr_verdict *v)
{
    int     sum;
    size_t  i;

    sum = 0;

    for (i = 0; i < v->reasons.n; i++) {
        sum += v->reasons.points[i];
    }

    return sum;
}


/* Every point belongs to a reason: the score is their sum, capped at 100,
 * and no reason has negative points. */
static inline void
lr_t_check_sum(const lr_verdict *v)
{
    int     sum;
    size_t  i;

    for (i = 0; i < v->reasons.n; i++) {
        assert_true(v->reasons.points[i] >= 0);
    }

    sum = lr_t_sum(v);
    assert_int_equal(v->score, sum > 100 ? 100 : sum);
    assert_true(v->score >= 0 && v->score <= 100);
}


static inline void
lr_t_print(const lr_verdict *v)
{
    size_t  i;

    print_message("score %d action %s:", v->score, lr_action_name(v->action));

    for (i = 0; i < v->reasons.n; i++) {
        print_message(" %s=%d", v->reasons.code[i], v->reasons.points[i]);
    }

    print_message("\n");
}


/*
 * Scores login against a view built by hand: profile p (may be NULL), the
 * population as if only this profile's logins were in it (each of the
 * login's values counted pop times, pop_total logins), counters from
 * counters (NULL: all 0).
 */
static inline void
lr_t_score_view(const lr_config *cfg, const lr_login *l, const lr_profile *p,
    uint64_t pop, const uint32_t *counters, lr_verdict *v)
{
    unsigned  i;
    lr_keys   keys;
    lr_view   view;

    lr_engine_keys(l, &keys);
    memset(&view, 0, sizeof(view));
    view.profile = p;
    view.pop_total = pop;

    if (p != NULL) {
        lr_profile_counts(p, &keys.f, view.seen);
    }

    for (i = 0; i < LR_F_COUNT; i++) {
        view.pop[i] = keys.f.v[i] ? pop : 0;
    }

    for (i = 0; counters && i < LR_C_COUNT; i++) {
        view.counter[i] = counters[i];
    }

    lr_engine_score(cfg, l, &keys, &view, v);
    lr_t_check_sum(v);
}


/* --- the in-memory store, driven as the replay tool drives it --- */

typedef struct {
    lr_config     cfg;
    lr_memstate  *ms;
    lr_state      st;
} lr_t_env;


static inline void
lr_t_env_init(lr_t_env *env)
{
    lr_config_default(&env->cfg);
    env->ms = lr_memstate_create();
    assert_non_null(env->ms);
    env->st = lr_memstate_state(env->ms);
}


static inline void
lr_t_env_free(lr_t_env *env)
{
    lr_memstate_destroy(env->ms);
}


/* cmocka setup and teardown for a test that drives a store of its own:
 * *state is its lr_t_env. */
static inline int
lr_t_env_setup(void **state)
{
    lr_t_env  *env;

    env = malloc(sizeof(*env));
    if (env == NULL) {
        return -1;
    }

    lr_t_env_init(env);
    *state = env;

    return 0;
}


static inline int
lr_t_env_teardown(void **state)
{
    lr_t_env_free(*state);
    free(*state);

    return 0;
}


static inline void
lr_t_read(lr_t_env *env, const lr_login *l, lr_view *view)
{
    lr_keys  keys;

    lr_engine_keys(l, &keys);
    assert_int_equal(env->st.read(env->st.impl, &keys, l->time_ms,
                                  env->cfg.profile_max_age_s * 1000, view),
                     0);
}


/* The successes of the profile the store reads for l at l's time, -1 when
 * it reads none. */
static inline int
lr_t_successes(lr_t_env *env, const lr_login *l)
{
    lr_view  view;

    lr_t_read(env, l, &view);

    return view.profile != NULL ? (int) view.profile->successes : -1;
}


static inline void
lr_t_score(lr_t_env *env, const lr_login *l, lr_verdict *v)
{
    lr_keys  keys;
    lr_view  view;

    lr_engine_keys(l, &keys);
    assert_int_equal(env->st.read(env->st.impl, &keys, l->time_ms,
                                  env->cfg.profile_max_age_s * 1000, &view),
                     0);
    lr_engine_score(&env->cfg, l, &keys, &view, v);
    lr_t_check_sum(v);
}


static inline void
lr_t_learn(lr_t_env *env, const lr_login *l, int success)
{
    lr_keys    keys;
    lr_writes  w;

    lr_engine_keys(l, &keys);
    lr_engine_learn(&env->cfg, l, &keys, success, &w);
    assert_int_equal(env->st.apply(env->st.impl, &w), 0);
}

#endif
