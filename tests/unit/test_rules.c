/*
 * The rules (lr_config.h's lr_rule), one test each, through
 * lr_engine_score: the reason fires with exactly its configured weight,
 * and does not fire in the neighbouring case.
 *
 * The setting: "alice" logged in 10 times from home (lr_t_login: Tokyo,
 * JP, AS2516, 203.0.113.7, device "dev-a", fingerprint "fp-a"), the last
 * time at LR_T0; the login scored comes a day later, the same but for what
 * a test changes. Scored against that profile and a population of her
 * logins only, the habitual login scores 0 with no reason at all.
 */

#include "lr_engine_test.h"
#include "lr_rules.h"


typedef struct {
    lr_config   cfg;
    lr_login    home;
    lr_profile  p;
    lr_login    l;          /* the login scored */
    uint32_t    counter[LR_C_COUNT];
    lr_verdict  v;
} fx;


static fx  t;


static int
setup(void **state)
{
    (void) state;

    memset(&t, 0, sizeof(t));
    lr_config_default(&t.cfg);
    lr_t_login(&t.home, LR_T0);
    lr_t_profile(&t.p, &t.home, 10);
    t.l = t.home;
    t.l.time_ms = LR_T0 + LR_T_DAY;

    return 0;
}


static void
score(void)
{
    lr_t_score_view(&t.cfg, &t.l, &t.p, 10, t.counter, &t.v);
}


/* points of a rule's reason, -1 when it did not fire */
static int
fired(lr_rule rule)
{
    return lr_t_rule_points(&t.v, rule);
}


static int
weight(lr_rule rule)
{
    return t.cfg.weight[rule];
}


static void
test_habitual_is_silent(void **state)
{
    (void) state;

    score();
    assert_int_equal(t.v.score, 0);
    assert_int_equal(t.v.action, LR_ACTION_ALLOW);
    assert_int_equal(t.v.reasons.n, 0);
}


/* The documented weights (README, "Rules"). */
static void
test_default_weights(void **state)
{
    size_t  i;

    static const struct {
        lr_rule      rule;
        const char  *code;
        int          weight;
    } rows[] = {
        { LR_RULE_NEW_DEVICE, "new_device", 20 },
        { LR_RULE_NEW_IP, "new_ip", 5 },
        { LR_RULE_NEW_ASN, "new_asn", 10 },
        { LR_RULE_NEW_COUNTRY, "new_country", 15 },
        { LR_RULE_IMPOSSIBLE_TRAVEL, "impossible_travel", 40 },
        { LR_RULE_IP_FAILURES, "ip_failures", 30 },
        { LR_RULE_USER_FAILURES, "user_failures", 25 },
        { LR_RULE_DEVICE_FAILURES, "device_failures", 25 },
        { LR_RULE_IP_USER_FAILURES, "ip_user_failures", 45 },
        { LR_RULE_IP_MANY_USERS, "ip_many_users", 45 },
        { LR_RULE_DEVICE_MANY_USERS, "device_many_users", 45 },
        { LR_RULE_AUTOMATION, "automation", 45 },
        { LR_RULE_NO_TELEMETRY, "no_telemetry", 10 },
        { LR_RULE_BAD_TOKEN, "bad_token", 30 },
        { LR_RULE_REPLAYED_TOKEN, "replayed_token", 45 },
        { LR_RULE_TZ_MISMATCH, "tz_mismatch", 20 },
        { LR_RULE_LANG_MISMATCH, "lang_mismatch", 15 },
        { LR_RULE_ANONYMIZER, "anonymizer", 25 },
    };

    (void) state;

    assert_int_equal(LR_NELEMS(rows), LR_RULE_COUNT);

    for (i = 0; i < LR_NELEMS(rows); i++) {
        assert_int_equal(rows[i].rule, i);
        assert_string_equal(lr_rule_code(rows[i].rule), rows[i].code);
        assert_int_equal(weight(rows[i].rule), rows[i].weight);
    }

    assert_string_equal(lr_rule_code(LR_RULE_COUNT), "unknown");
}


/* --- unfamiliarity: the profile rules --- */

static void
test_new_device(void **state)
{
    (void) state;

    /* a device the profile never saw, by cookie and by fingerprint */
    t.l.device_id = "dev-b";
    t.l.fingerprint = "fp-b";
    score();
    assert_int_equal(fired(LR_RULE_NEW_DEVICE), weight(LR_RULE_NEW_DEVICE));
    assert_int_equal(fired(LR_RULE_NEW_DEVICE), 20);

    /* no identity at all while the profile knows devices: both wiped */
    t.l.device_id = NULL;
    t.l.fingerprint = NULL;
    score();
    assert_int_equal(fired(LR_RULE_NEW_DEVICE), 20);

    /* an empty cookie is no identity either */
    t.l.device_id = "";
    t.l.fingerprint = "";
    score();
    assert_int_equal(fired(LR_RULE_NEW_DEVICE), 20);

    /* cookie cleared, but the fingerprint is known: the same device */
    t.l.device_id = NULL;
    t.l.fingerprint = "fp-a";
    score();
    assert_int_equal(fired(LR_RULE_NEW_DEVICE), -1);

    /* known cookie, the fingerprint changed (a browser update) */
    t.l.device_id = "dev-a";
    t.l.fingerprint = "fp-changed";
    score();
    assert_int_equal(fired(LR_RULE_NEW_DEVICE), -1);

    /* known cookie, no fingerprint */
    t.l.fingerprint = NULL;
    score();
    assert_int_equal(fired(LR_RULE_NEW_DEVICE), -1);
}


/* No device identity on either side (no collector): no signal; a profile
 * without devices and a login that names one: new. */
static void
test_new_device_no_identity(void **state)
{
    (void) state;

    t.home.device_id = NULL;
    t.home.fingerprint = NULL;
    lr_t_profile(&t.p, &t.home, 10);
    assert_int_equal(t.p.n[LR_F_DEVICE], 0);
    assert_int_equal(t.p.n[LR_F_FINGERPRINT], 0);

    t.l.device_id = NULL;
    t.l.fingerprint = NULL;
    score();
    assert_int_equal(fired(LR_RULE_NEW_DEVICE), -1);
    assert_int_equal(t.v.score, 0);

    t.l.device_id = "dev-b";
    score();
    assert_int_equal(fired(LR_RULE_NEW_DEVICE), 20);
}


static void
test_new_ip(void **state)
{
    (void) state;

    /* the same /24, the same ASN and country: only the address is new */
    t.l.ip = "203.0.113.8";
    score();
    assert_int_equal(fired(LR_RULE_NEW_IP), weight(LR_RULE_NEW_IP));
    assert_int_equal(fired(LR_RULE_NEW_IP), 5);
    assert_int_equal(fired(LR_RULE_NEW_ASN), -1);
    assert_int_equal(fired(LR_RULE_NEW_COUNTRY), -1);

    t.l.ip = "203.0.113.7";
    score();
    assert_int_equal(fired(LR_RULE_NEW_IP), -1);

    /* weight 0 disables the rule: no reason at all */
    t.l.ip = "203.0.113.8";
    t.cfg.weight[LR_RULE_NEW_IP] = 0;
    score();
    assert_int_equal(fired(LR_RULE_NEW_IP), -1);
}


static void
test_new_asn(void **state)
{
    (void) state;

    /* another Japanese network */
    t.l.ip = "198.51.100.20";
    t.l.geo.asn = 4713;
    score();
    assert_int_equal(fired(LR_RULE_NEW_ASN), weight(LR_RULE_NEW_ASN));
    assert_int_equal(fired(LR_RULE_NEW_ASN), 10);
    assert_int_equal(fired(LR_RULE_NEW_IP), 5);
    assert_int_equal(fired(LR_RULE_NEW_COUNTRY), -1);

    /* the habitual ASN from another address */
    t.l.geo.asn = 2516;
    score();
    assert_int_equal(fired(LR_RULE_NEW_ASN), -1);

    /* an unknown ASN (0) is never new, though the profile has none */
    t.l.geo.asn = 0;
    score();
    assert_int_equal(fired(LR_RULE_NEW_ASN), -1);

    /* not even for a profile that only ever saw unknown ASNs */
    t.home.geo.asn = 0;
    lr_t_profile(&t.p, &t.home, 10);
    score();
    assert_int_equal(fired(LR_RULE_NEW_ASN), -1);
}


static void
test_new_country(void **state)
{
    (void) state;

    lr_t_country(&t.l, "GB");
    t.l.geo.has_location = 0;
    score();
    assert_int_equal(fired(LR_RULE_NEW_COUNTRY), weight(LR_RULE_NEW_COUNTRY));
    assert_int_equal(fired(LR_RULE_NEW_COUNTRY), 15);
    /* the country is part of every lower level: all of them are new */
    assert_int_equal(fired(LR_RULE_NEW_ASN), 10);
    assert_int_equal(fired(LR_RULE_NEW_IP), 5);

    /* unknown country: never */
    lr_t_country(&t.l, "");
    score();
    assert_int_equal(fired(LR_RULE_NEW_COUNTRY), -1);

    lr_t_country(&t.l, "JP");
    score();
    assert_int_equal(fired(LR_RULE_NEW_COUNTRY), -1);
    assert_int_equal(t.v.score, 0);
}


/* Tokyo -> London is ~9,560 km (lr_travel_km). */
static void
test_impossible_travel(void **state)
{
    (void) state;

    /* 1 h after the last success in Tokyo: 9,560 km/h */
    t.l.time_ms = LR_T0 + LR_T_HOUR;
    lr_t_place(&t.l, LR_LONDON_LAT, LR_LONDON_LON);
    score();
    assert_int_equal(fired(LR_RULE_IMPOSSIBLE_TRAVEL),
                     weight(LR_RULE_IMPOSSIBLE_TRAVEL));
    assert_int_equal(fired(LR_RULE_IMPOSSIBLE_TRAVEL), 40);

    /* 9 h: 1,062 km/h, still too fast; 10 h: 956 km/h, a flight */
    t.l.time_ms = LR_T0 + 9 * LR_T_HOUR;
    score();
    assert_int_equal(fired(LR_RULE_IMPOSSIBLE_TRAVEL), 40);

    t.l.time_ms = LR_T0 + 10 * LR_T_HOUR;
    score();
    assert_int_equal(fired(LR_RULE_IMPOSSIBLE_TRAVEL), -1);

    /* 20 h: 478 km/h */
    t.l.time_ms = LR_T0 + 20 * LR_T_HOUR;
    score();
    assert_int_equal(fired(LR_RULE_IMPOSSIBLE_TRAVEL), -1);

    /* the same instant, far away */
    t.l.time_ms = LR_T0;
    score();
    assert_int_equal(fired(LR_RULE_IMPOSSIBLE_TRAVEL), 40);

    /* scored before the last success was learnt (writes out of order):
     * the gap counts either way, 1 h before is as fast as 1 h after,
     * 20 h before is a flight */
    t.l.time_ms = LR_T0 - LR_T_HOUR;
    score();
    assert_int_equal(fired(LR_RULE_IMPOSSIBLE_TRAVEL), 40);
    t.l.time_ms = LR_T0 - 20 * LR_T_HOUR;
    score();
    assert_int_equal(fired(LR_RULE_IMPOSSIBLE_TRAVEL), -1);

    /* Tokyo -> Yokohama (~30 km, under min_travel_km) a minute later:
     * 1,800 km/h, but GeoIP is not that precise */
    t.l.time_ms = LR_T0 + 60000;
    lr_t_place(&t.l, LR_YOKOHAMA_LAT, LR_YOKOHAMA_LON);
    score();
    assert_int_equal(fired(LR_RULE_IMPOSSIBLE_TRAVEL), -1);

    /* unknown place of the login */
    t.l.time_ms = LR_T0 + LR_T_HOUR;
    t.l.geo.has_location = 0;
    t.l.geo.latitude = LR_LONDON_LAT;
    t.l.geo.longitude = LR_LONDON_LON;
    score();
    assert_int_equal(fired(LR_RULE_IMPOSSIBLE_TRAVEL), -1);
}


/* The last success's place unknown: no journey, wherever the login is. */
static void
test_impossible_travel_unknown_last(void **state)
{
    (void) state;

    t.home.geo.has_location = 0;
    lr_t_profile(&t.p, &t.home, 10);
    assert_int_equal(t.p.last_has_location, 0);

    t.l.time_ms = LR_T0 + LR_T_HOUR;
    lr_t_place(&t.l, LR_LONDON_LAT, LR_LONDON_LON);
    score();
    assert_int_equal(fired(LR_RULE_IMPOSSIBLE_TRAVEL), -1);

    /* and with no profile (nothing learnt) there is no last place */
    lr_t_score_view(&t.cfg, &t.l, NULL, 10, NULL, &t.v);
    assert_int_equal(fired(LR_RULE_IMPOSSIBLE_TRAVEL), -1);
}


/* --- velocity: counters at limit - 1, at the limit, not kept --- */

static void
test_counter_limits(void **state)
{
    size_t    i;
    uint32_t  limit;
    lr_keys   keys;
    lr_view   view;
    int       evidence;

    static const struct {
        lr_counter  counter;
        lr_rule     rule;
        uint32_t    limit;
        int         weight;
    } rows[] = {
        { LR_C_IP_FAILURES, LR_RULE_IP_FAILURES, 10, 30 },
        { LR_C_USER_FAILURES, LR_RULE_USER_FAILURES, 5, 25 },
        { LR_C_DEVICE_FAILURES, LR_RULE_DEVICE_FAILURES, 5, 25 },
        { LR_C_IP_USER_FAILURES, LR_RULE_IP_USER_FAILURES, 5, 45 },
        { LR_C_IP_USERS, LR_RULE_IP_MANY_USERS, 5, 45 },
        { LR_C_DEVICE_USERS, LR_RULE_DEVICE_MANY_USERS, 4, 45 },
    };

    (void) state;

    for (i = 0; i < LR_NELEMS(rows); i++) {
        limit = t.cfg.limit[rows[i].counter];
        assert_int_equal(limit, rows[i].limit);
        assert_int_equal(weight(rows[i].rule), rows[i].weight);

        memset(t.counter, 0, sizeof(t.counter));

        t.counter[rows[i].counter] = limit - 1;
        score();
        assert_int_equal(fired(rows[i].rule), -1);
        assert_int_equal(t.v.score, 0);

        t.counter[rows[i].counter] = limit;
        score();
        assert_int_equal(fired(rows[i].rule), rows[i].weight);
        assert_int_equal(t.v.score, rows[i].weight);
        assert_int_equal(t.v.reasons.n, 1);

        t.counter[rows[i].counter] = limit + 100;
        score();
        assert_int_equal(fired(rows[i].rule), rows[i].weight);

        /* a counter the login has no key for (no device, no user) says
         * nothing, whatever the store returned */
        lr_engine_keys(&t.l, &keys);
        keys.counter[rows[i].counter] = 0;
        memset(&view, 0, sizeof(view));
        view.counter[rows[i].counter] = limit;
        memset(&t.v, 0, sizeof(t.v));
        evidence = 0;
        lr_rules_apply(&t.cfg, &t.l, &keys, &view, &t.v.reasons, &evidence);
        assert_int_equal(t.v.reasons.n, 0);
        assert_int_equal(evidence, 0);

        /* limit 0 disables the rule */
        t.cfg.limit[rows[i].counter] = 0;
        t.counter[rows[i].counter] = 1000;
        score();
        assert_int_equal(fired(rows[i].rule), -1);
        t.cfg.limit[rows[i].counter] = limit;
    }
}


/* A login without a user id or device has no user, ip+user, device
 * counters: their rules cannot fire. */
static void
test_counter_keys(void **state)
{
    lr_keys  keys;

    (void) state;

    lr_engine_keys(&t.l, &keys);
    for (size_t i = 0; i < LR_C_COUNT; i++) {
        assert_true(keys.counter[i] != 0);
    }

    t.l.user = NULL;
    t.l.device_id = NULL;
    t.l.fingerprint = NULL;
    lr_engine_keys(&t.l, &keys);
    assert_true(keys.counter[LR_C_IP_FAILURES] != 0);
    assert_true(keys.counter[LR_C_IP_USERS] != 0);
    assert_true(keys.counter[LR_C_USER_FAILURES] == 0);
    assert_true(keys.counter[LR_C_IP_USER_FAILURES] == 0);
    assert_true(keys.counter[LR_C_DEVICE_FAILURES] == 0);
    assert_true(keys.counter[LR_C_DEVICE_USERS] == 0);

    for (size_t i = 0; i < LR_C_COUNT; i++) {
        t.counter[i] = 1000;
    }

    lr_t_score_view(&t.cfg, &t.l, NULL, 10, t.counter, &t.v);
    assert_int_equal(fired(LR_RULE_IP_FAILURES), 30);
    assert_int_equal(fired(LR_RULE_IP_MANY_USERS), 45);
    assert_int_equal(fired(LR_RULE_USER_FAILURES), -1);
    assert_int_equal(fired(LR_RULE_IP_USER_FAILURES), -1);
    assert_int_equal(fired(LR_RULE_DEVICE_FAILURES), -1);
    assert_int_equal(fired(LR_RULE_DEVICE_MANY_USERS), -1);
}


/* --- velocity through the in-memory store: learn failures, score --- */

/* n failed logins, one second apart from t0, then the score of one more
 * at time at. */
static void
fail_n(lr_t_env *env, lr_login *l, unsigned n, int64_t t0)
{
    unsigned  i;

    for (i = 0; i < n; i++) {
        l->time_ms = t0 + i * 1000;
        lr_t_learn(env, l, 0);
    }
}


static void
score_at(lr_t_env *env, lr_login *l, int64_t at)
{
    l->time_ms = at;
    lr_t_score(env, l, &t.v);
}


/* 10 failures from one IP without a user id (so no other counter moves)
 * in its one-hour window: at 9 no, at 10 yes, until the window that the
 * first failure opened ends. */
static void
test_ip_failures_window(void **state)
{
    lr_t_env  env;
    lr_login  l;

    (void) state;

    lr_t_env_init(&env);
    lr_t_login(&l, LR_T0);
    l.user = NULL;
    l.device_id = NULL;
    l.fingerprint = NULL;

    fail_n(&env, &l, 9, LR_T0);
    score_at(&env, &l, LR_T0 + 10000);
    assert_int_equal(fired(LR_RULE_IP_FAILURES), -1);

    fail_n(&env, &l, 1, LR_T0 + 10000);
    score_at(&env, &l, LR_T0 + 20000);
    assert_int_equal(fired(LR_RULE_IP_FAILURES), 30);
    assert_int_equal(t.v.score, 30);

    score_at(&env, &l, LR_T0 + LR_T_HOUR - 1);
    assert_int_equal(fired(LR_RULE_IP_FAILURES), 30);

    score_at(&env, &l, LR_T0 + LR_T_HOUR);
    assert_int_equal(fired(LR_RULE_IP_FAILURES), -1);

    /* another address is another counter */
    fail_n(&env, &l, 10, LR_T0 + 2 * LR_T_HOUR);
    l.ip = "203.0.113.99";
    score_at(&env, &l, LR_T0 + 2 * LR_T_HOUR + 20000);
    assert_int_equal(fired(LR_RULE_IP_FAILURES), -1);

    lr_t_env_free(&env);
}


/* 5 failures of alice, each from another address (so ip_user_failures
 * stays at 1 each). */
static void
test_user_failures_window(void **state)
{
    unsigned  i;
    char      ip[32];
    lr_t_env  env;
    lr_login  l;

    (void) state;

    lr_t_env_init(&env);
    lr_t_login(&l, LR_T0);
    l.device_id = NULL;
    l.fingerprint = NULL;

    for (i = 0; i < 5; i++) {
        snprintf(ip, sizeof(ip), "198.51.100.%u", i + 1);
        l.ip = ip;
        l.time_ms = LR_T0 + i * 1000;
        lr_t_learn(&env, &l, 0);

        l.ip = "192.0.2.1";
        score_at(&env, &l, LR_T0 + i * 1000 + 500);
        assert_int_equal(fired(LR_RULE_USER_FAILURES), i + 1 < 5 ? -1 : 25);
        assert_int_equal(fired(LR_RULE_IP_USER_FAILURES), -1);
        assert_int_equal(fired(LR_RULE_IP_FAILURES), -1);
    }

    score_at(&env, &l, LR_T0 + LR_T_HOUR);
    assert_int_equal(fired(LR_RULE_USER_FAILURES), -1);

    lr_t_env_free(&env);
}


/* 5 failures from one device cookie without a user id, each from another
 * address. */
static void
test_device_failures_window(void **state)
{
    unsigned  i;
    char      ip[32];
    lr_t_env  env;
    lr_login  l;

    (void) state;

    lr_t_env_init(&env);
    lr_t_login(&l, LR_T0);
    l.user = NULL;
    l.device_id = "dev-x";
    l.fingerprint = NULL;

    for (i = 0; i < 5; i++) {
        snprintf(ip, sizeof(ip), "198.51.100.%u", i + 1);
        l.ip = ip;
        l.time_ms = LR_T0 + i * 1000;
        lr_t_learn(&env, &l, 0);

        score_at(&env, &l, LR_T0 + i * 1000 + 500);
        assert_int_equal(fired(LR_RULE_DEVICE_FAILURES), i + 1 < 5 ? -1 : 25);
        assert_int_equal(fired(LR_RULE_IP_FAILURES), -1);
    }

    /* the same device known by its fingerprint only is another key */
    l.device_id = NULL;
    l.fingerprint = "dev-x";
    score_at(&env, &l, LR_T0 + 10000);
    assert_int_equal(fired(LR_RULE_DEVICE_FAILURES), -1);

    l.device_id = "dev-x";
    score_at(&env, &l, LR_T0 + LR_T_HOUR);
    assert_int_equal(fired(LR_RULE_DEVICE_FAILURES), -1);

    lr_t_env_free(&env);
}


/* 5 failures of alice from one IP: ip_user_failures (and user_failures,
 * which count the same failures). */
static void
test_ip_user_failures_window(void **state)
{
    lr_t_env  env;
    lr_login  l;

    (void) state;

    lr_t_env_init(&env);
    lr_t_login(&l, LR_T0);
    l.device_id = NULL;
    l.fingerprint = NULL;

    fail_n(&env, &l, 4, LR_T0);
    score_at(&env, &l, LR_T0 + 10000);
    assert_int_equal(fired(LR_RULE_IP_USER_FAILURES), -1);
    assert_int_equal(fired(LR_RULE_USER_FAILURES), -1);

    fail_n(&env, &l, 1, LR_T0 + 10000);
    score_at(&env, &l, LR_T0 + 20000);
    assert_int_equal(fired(LR_RULE_IP_USER_FAILURES), 45);
    assert_int_equal(fired(LR_RULE_USER_FAILURES), 25);
    assert_int_equal(t.v.score, 70);

    /* bob from the same IP: his own ip+user and user counters are 0 */
    l.user = "bob";
    score_at(&env, &l, LR_T0 + 20000);
    assert_int_equal(fired(LR_RULE_IP_USER_FAILURES), -1);
    assert_int_equal(fired(LR_RULE_USER_FAILURES), -1);

    l.user = "alice";
    score_at(&env, &l, LR_T0 + LR_T_HOUR);
    assert_int_equal(fired(LR_RULE_IP_USER_FAILURES), -1);
    assert_int_equal(fired(LR_RULE_USER_FAILURES), -1);

    lr_t_env_free(&env);
}


/* A success clears the user's failures and the ip+user ones, not the
 * IP's or the device's. */
static void
test_success_resets(void **state)
{
    lr_t_env  env;
    lr_login  l;

    (void) state;

    lr_t_env_init(&env);
    lr_t_login(&l, LR_T0);
    l.fingerprint = NULL;
    env.cfg.limit[LR_C_IP_FAILURES] = 5;

    fail_n(&env, &l, 5, LR_T0);
    score_at(&env, &l, LR_T0 + 10000);
    assert_int_equal(fired(LR_RULE_USER_FAILURES), 25);
    assert_int_equal(fired(LR_RULE_IP_USER_FAILURES), 45);
    assert_int_equal(fired(LR_RULE_IP_FAILURES), 30);
    assert_int_equal(fired(LR_RULE_DEVICE_FAILURES), 25);

    l.time_ms = LR_T0 + 10000;
    lr_t_learn(&env, &l, 1);

    score_at(&env, &l, LR_T0 + 20000);
    assert_int_equal(fired(LR_RULE_USER_FAILURES), -1);
    assert_int_equal(fired(LR_RULE_IP_USER_FAILURES), -1);
    assert_int_equal(fired(LR_RULE_IP_FAILURES), 30);
    assert_int_equal(fired(LR_RULE_DEVICE_FAILURES), 25);

    /* and the count starts again from 0: 4 more do not fire */
    fail_n(&env, &l, 4, LR_T0 + 30000);
    score_at(&env, &l, LR_T0 + 40000);
    assert_int_equal(fired(LR_RULE_USER_FAILURES), -1);
    assert_int_equal(fired(LR_RULE_IP_USER_FAILURES), -1);

    lr_t_env_free(&env);
}


/* Distinct users tried from one IP (limit 5 an hour), failed or not. */
static void
test_ip_many_users(void **state)
{
    unsigned     i;
    lr_t_env     env;
    lr_login     l;

    static const char  *users[] = { "u1", "u2", "u3", "u4", "u5", "u6" };

    (void) state;

    lr_t_env_init(&env);
    lr_t_login(&l, LR_T0);
    l.device_id = NULL;
    l.fingerprint = NULL;

    /* 4 distinct users, u1 three times (successes and failures) */
    for (i = 0; i < 4; i++) {
        l.user = users[i];
        l.time_ms = LR_T0 + i * 1000;
        lr_t_learn(&env, &l, i % 2);
    }

    l.user = users[0];
    l.time_ms = LR_T0 + 5000;
    lr_t_learn(&env, &l, 1);
    l.time_ms = LR_T0 + 6000;
    lr_t_learn(&env, &l, 0);

    l.user = users[5];
    score_at(&env, &l, LR_T0 + 7000);
    assert_int_equal(fired(LR_RULE_IP_MANY_USERS), -1);

    /* the fifth distinct one */
    l.user = users[4];
    l.time_ms = LR_T0 + 8000;
    lr_t_learn(&env, &l, 1);

    l.user = users[5];
    score_at(&env, &l, LR_T0 + 9000);
    assert_int_equal(fired(LR_RULE_IP_MANY_USERS), 45);

    /* even for one of the five */
    l.user = users[0];
    score_at(&env, &l, LR_T0 + 9000);
    assert_int_equal(fired(LR_RULE_IP_MANY_USERS), 45);

    /* the window opened by the first attempt ends */
    score_at(&env, &l, LR_T0 + LR_T_HOUR);
    assert_int_equal(fired(LR_RULE_IP_MANY_USERS), -1);

    /* attempts without a user id count nobody */
    l.user = NULL;
    fail_n(&env, &l, 20, LR_T0 + 2 * LR_T_HOUR);
    l.user = "u1";
    score_at(&env, &l, LR_T0 + 2 * LR_T_HOUR + 30000);
    assert_int_equal(fired(LR_RULE_IP_MANY_USERS), -1);

    lr_t_env_free(&env);
}


/* Distinct users tried from one device (limit 4 a day), from different
 * addresses. */
static void
test_device_many_users(void **state)
{
    unsigned  i;
    char      ip[32];
    lr_t_env  env;
    lr_login  l;

    static const char  *users[] = { "u1", "u2", "u3", "u4", "u5" };

    (void) state;

    lr_t_env_init(&env);
    lr_t_login(&l, LR_T0);
    l.device_id = "dev-shared";
    l.fingerprint = NULL;

    for (i = 0; i < 3; i++) {
        snprintf(ip, sizeof(ip), "198.51.100.%u", i + 1);
        l.ip = ip;
        l.user = users[i];
        l.time_ms = LR_T0 + i * LR_T_HOUR;
        lr_t_learn(&env, &l, 1);
        /* the same user again */
        l.time_ms += 1000;
        lr_t_learn(&env, &l, 1);
    }

    l.ip = "192.0.2.1";
    l.user = users[4];
    score_at(&env, &l, LR_T0 + 5 * LR_T_HOUR);
    assert_int_equal(fired(LR_RULE_DEVICE_MANY_USERS), -1);

    l.ip = "198.51.100.77";
    l.user = users[3];
    l.time_ms = LR_T0 + 6 * LR_T_HOUR;
    lr_t_learn(&env, &l, 0);

    l.ip = "192.0.2.1";
    l.user = users[4];
    score_at(&env, &l, LR_T0 + 7 * LR_T_HOUR);
    assert_int_equal(fired(LR_RULE_DEVICE_MANY_USERS), 45);

    /* 24 h after the first attempt */
    score_at(&env, &l, LR_T0 + 24 * LR_T_HOUR - 1);
    assert_int_equal(fired(LR_RULE_DEVICE_MANY_USERS), 45);
    score_at(&env, &l, LR_T0 + 24 * LR_T_HOUR);
    assert_int_equal(fired(LR_RULE_DEVICE_MANY_USERS), -1);

    lr_t_env_free(&env);
}


/* --- what the browser and the token show --- */

static void
test_automation(void **state)
{
    (void) state;

    t.l.automation = 1;
    score();
    assert_int_equal(fired(LR_RULE_AUTOMATION), weight(LR_RULE_AUTOMATION));
    assert_int_equal(fired(LR_RULE_AUTOMATION), 45);
    assert_int_equal(t.v.score, 45);

    t.l.automation = 0;
    score();
    assert_int_equal(fired(LR_RULE_AUTOMATION), -1);
}


static void
test_no_telemetry(void **state)
{
    (void) state;

    /* the collector is not deployed: its absence says nothing */
    t.l.telemetry = 0;
    score();
    assert_int_equal(fired(LR_RULE_NO_TELEMETRY), -1);

    t.cfg.expect_telemetry = 1;
    score();
    assert_int_equal(fired(LR_RULE_NO_TELEMETRY), weight(LR_RULE_NO_TELEMETRY));
    assert_int_equal(fired(LR_RULE_NO_TELEMETRY), 10);

    t.l.telemetry = 1;
    score();
    assert_int_equal(fired(LR_RULE_NO_TELEMETRY), -1);
}


static void
test_tokens(void **state)
{
    (void) state;

    t.l.token = LR_TOKEN_INVALID;
    score();
    assert_int_equal(fired(LR_RULE_BAD_TOKEN), weight(LR_RULE_BAD_TOKEN));
    assert_int_equal(fired(LR_RULE_BAD_TOKEN), 30);
    assert_int_equal(fired(LR_RULE_REPLAYED_TOKEN), -1);

    t.l.token = LR_TOKEN_REPLAYED;
    score();
    assert_int_equal(fired(LR_RULE_REPLAYED_TOKEN),
                     weight(LR_RULE_REPLAYED_TOKEN));
    assert_int_equal(fired(LR_RULE_REPLAYED_TOKEN), 45);
    assert_int_equal(fired(LR_RULE_BAD_TOKEN), -1);

    t.l.token = LR_TOKEN_VALID;
    score();
    assert_int_equal(fired(LR_RULE_BAD_TOKEN), -1);
    assert_int_equal(fired(LR_RULE_REPLAYED_TOKEN), -1);

    /* no token (no collector): that is no_telemetry's business */
    t.l.token = LR_TOKEN_ABSENT;
    score();
    assert_int_equal(fired(LR_RULE_BAD_TOKEN), -1);
    assert_int_equal(fired(LR_RULE_REPLAYED_TOKEN), -1);
    assert_int_equal(t.v.score, 0);
}


static void
test_tz_mismatch(void **state)
{
    (void) state;

    t.l.timezone = "Asia/Shanghai";
    score();
    assert_int_equal(fired(LR_RULE_TZ_MISMATCH), weight(LR_RULE_TZ_MISMATCH));
    assert_int_equal(fired(LR_RULE_TZ_MISMATCH), 20);

    t.l.timezone = "Asia/Tokyo";
    score();
    assert_int_equal(fired(LR_RULE_TZ_MISMATCH), -1);

    /* "Japan" links to Asia/Tokyo */
    t.l.timezone = "Japan";
    score();
    assert_int_equal(fired(LR_RULE_TZ_MISMATCH), -1);

    /* cannot tell: unknown zone, UTC, none */
    t.l.timezone = "Mars/Olympus_Mons";
    score();
    assert_int_equal(fired(LR_RULE_TZ_MISMATCH), -1);

    t.l.timezone = "UTC";
    score();
    assert_int_equal(fired(LR_RULE_TZ_MISMATCH), -1);

    t.l.timezone = NULL;
    score();
    assert_int_equal(fired(LR_RULE_TZ_MISMATCH), -1);

    /* unknown country */
    t.l.timezone = "Asia/Shanghai";
    lr_t_country(&t.l, "");
    score();
    assert_int_equal(fired(LR_RULE_TZ_MISMATCH), -1);
}


static void
test_lang_mismatch(void **state)
{
    (void) state;

    t.l.languages = "zh-CN,zh;q=0.9";
    score();
    assert_int_equal(fired(LR_RULE_LANG_MISMATCH),
                     weight(LR_RULE_LANG_MISMATCH));
    assert_int_equal(fired(LR_RULE_LANG_MISMATCH), 15);

    t.l.languages = "ja-JP,ja;q=0.9";
    score();
    assert_int_equal(fired(LR_RULE_LANG_MISMATCH), -1);

    /* one fitting language is enough */
    t.l.languages = "zh-CN,ja;q=0.5";
    score();
    assert_int_equal(fired(LR_RULE_LANG_MISMATCH), -1);

    /* English only says nothing; neither does no list */
    t.l.languages = "en-US,en;q=0.9";
    score();
    assert_int_equal(fired(LR_RULE_LANG_MISMATCH), -1);

    t.l.languages = NULL;
    score();
    assert_int_equal(fired(LR_RULE_LANG_MISMATCH), -1);
}


static void
test_anonymizer(void **state)
{
    (void) state;

    t.l.anonymizer = 1;
    score();
    assert_int_equal(fired(LR_RULE_ANONYMIZER), weight(LR_RULE_ANONYMIZER));
    assert_int_equal(fired(LR_RULE_ANONYMIZER), 25);
    assert_int_equal(t.v.score, 25);

    t.l.anonymizer = 0;
    score();
    assert_int_equal(fired(LR_RULE_ANONYMIZER), -1);
}


/*
 * Which rules are evidence of an attack (they alone may block): each rule
 * made to fire alone through lr_rules_apply, its points checked against
 * *evidence. user_failures is not: an attacker can cause it for the owner.
 */
static void
test_evidence(void **state)
{
    int         evidence, want;
    unsigned    r;
    lr_keys     keys;
    lr_view     view;
    lr_login    l;
    lr_reasons  reasons;

    (void) state;

    t.cfg.expect_telemetry = 1;

    for (r = 0; r < LR_RULE_COUNT; r++) {
        l = t.l;
        lr_engine_keys(&l, &keys);
        memset(&view, 0, sizeof(view));
        view.profile = &t.p;

        switch ((lr_rule) r) {
        case LR_RULE_NEW_DEVICE:
            l.device_id = "dev-b";
            l.fingerprint = "fp-b";
            lr_engine_keys(&l, &keys);
            break;
        case LR_RULE_NEW_IP:
            l.ip = "203.0.113.8";
            lr_engine_keys(&l, &keys);
            break;
        case LR_RULE_NEW_ASN:
            /* a new ASN is a new IP: the evidence stays 0 either way */
            l.geo.asn = 4713;
            lr_engine_keys(&l, &keys);
            break;
        case LR_RULE_NEW_COUNTRY:
            lr_t_country(&l, "KR");
            lr_engine_keys(&l, &keys);
            break;
        case LR_RULE_IMPOSSIBLE_TRAVEL:
            l.time_ms = LR_T0 + LR_T_HOUR;
            lr_t_place(&l, LR_LONDON_LAT, LR_LONDON_LON);
            break;
        case LR_RULE_IP_FAILURES:
            view.counter[LR_C_IP_FAILURES] = 100;
            break;
        case LR_RULE_USER_FAILURES:
            view.counter[LR_C_USER_FAILURES] = 100;
            break;
        case LR_RULE_DEVICE_FAILURES:
            view.counter[LR_C_DEVICE_FAILURES] = 100;
            break;
        case LR_RULE_IP_USER_FAILURES:
            view.counter[LR_C_IP_USER_FAILURES] = 100;
            break;
        case LR_RULE_IP_MANY_USERS:
            view.counter[LR_C_IP_USERS] = 100;
            break;
        case LR_RULE_DEVICE_MANY_USERS:
            view.counter[LR_C_DEVICE_USERS] = 100;
            break;
        case LR_RULE_AUTOMATION:
            l.automation = 1;
            break;
        case LR_RULE_NO_TELEMETRY:
            l.telemetry = 0;
            break;
        case LR_RULE_BAD_TOKEN:
            l.token = LR_TOKEN_INVALID;
            break;
        case LR_RULE_REPLAYED_TOKEN:
            l.token = LR_TOKEN_REPLAYED;
            break;
        case LR_RULE_TZ_MISMATCH:
            l.timezone = "Europe/Berlin";
            break;
        case LR_RULE_LANG_MISMATCH:
            l.languages = "de-DE";
            break;
        case LR_RULE_ANONYMIZER:
            l.anonymizer = 1;
            break;
        case LR_RULE_COUNT:
            break;
        }

        memset(&reasons, 0, sizeof(reasons));
        evidence = 0;
        lr_rules_apply(&t.cfg, &l, &keys, &view, &reasons, &evidence);

        switch ((lr_rule) r) {
        case LR_RULE_IP_FAILURES:
        case LR_RULE_DEVICE_FAILURES:
        case LR_RULE_IP_USER_FAILURES:
        case LR_RULE_IP_MANY_USERS:
        case LR_RULE_DEVICE_MANY_USERS:
        case LR_RULE_AUTOMATION:
        case LR_RULE_NO_TELEMETRY:
        case LR_RULE_BAD_TOKEN:
        case LR_RULE_REPLAYED_TOKEN:
            want = t.cfg.weight[r];
            break;
        default:
            want = 0;
        }

        /* the rule fired, with its weight */
        memset(&t.v, 0, sizeof(t.v));
        t.v.reasons = reasons;
        if (fired((lr_rule) r) != t.cfg.weight[r] || evidence != want) {
            print_error("rule %s: points %d evidence %d, want %d and %d\n",
                        lr_rule_code((lr_rule) r), fired((lr_rule) r),
                        evidence, t.cfg.weight[r], want);
        }
        assert_int_equal(fired((lr_rule) r), t.cfg.weight[r]);
        assert_int_equal(evidence, want);
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup(test_habitual_is_silent, setup),
        cmocka_unit_test_setup(test_default_weights, setup),
        cmocka_unit_test_setup(test_new_device, setup),
        cmocka_unit_test_setup(test_new_device_no_identity, setup),
        cmocka_unit_test_setup(test_new_ip, setup),
        cmocka_unit_test_setup(test_new_asn, setup),
        cmocka_unit_test_setup(test_new_country, setup),
        cmocka_unit_test_setup(test_impossible_travel, setup),
        cmocka_unit_test_setup(test_impossible_travel_unknown_last, setup),
        cmocka_unit_test_setup(test_counter_limits, setup),
        cmocka_unit_test_setup(test_counter_keys, setup),
        cmocka_unit_test_setup(test_ip_failures_window, setup),
        cmocka_unit_test_setup(test_user_failures_window, setup),
        cmocka_unit_test_setup(test_device_failures_window, setup),
        cmocka_unit_test_setup(test_ip_user_failures_window, setup),
        cmocka_unit_test_setup(test_success_resets, setup),
        cmocka_unit_test_setup(test_ip_many_users, setup),
        cmocka_unit_test_setup(test_device_many_users, setup),
        cmocka_unit_test_setup(test_automation, setup),
        cmocka_unit_test_setup(test_no_telemetry, setup),
        cmocka_unit_test_setup(test_tokens, setup),
        cmocka_unit_test_setup(test_tz_mismatch, setup),
        cmocka_unit_test_setup(test_lang_mismatch, setup),
        cmocka_unit_test_setup(test_anonymizer, setup),
        cmocka_unit_test_setup(test_evidence, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
