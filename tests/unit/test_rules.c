/*
 * The rules (lr_config.h's lr_rule), one test each, through
 * lr_engine_score: the reason fires with exactly its configured weight,
 * and does not fire in the neighbouring case.
 *
 * The setting: "alice" logged in 10 times from home (lr_t_login: Tokyo,
 * JP, AS2516, 203.0.113.7, device "dev-a", attributes FP_A), the last
 * time at LR_T0; the login scored comes a day later, the same but for what
 * a test changes. Scored against that profile and a population of her
 * logins only, the habitual login scores 0 with no reason at all.
 */

#include "lr_engine_test.h"
#include "lr_telemetry.h"
#include "lr_rules.h"


typedef struct {
    lr_config   cfg;
    lr_login    home;
    lr_profile  p;
    lr_login    l;          /* the login scored */
    uint32_t    counter[LR_C_COUNT];
    lr_verdict  v;
    lr_t_env    env;        /* the store, for the tests that learn */
} fx;


static fx  t;


/* Every rule, in lr_rule's order: its code, its documented weight (README,
 * "Rules"), and whether its points are evidence of an attack (they alone
 * may block). user_failures is not: an attacker can cause it for the
 * owner. */
static const struct {
    lr_rule      rule;
    const char  *code;
    int          weight;
    int          evidence;
} rules[] = {
    { LR_RULE_NEW_DEVICE, "new_device", 20, 0 },
    { LR_RULE_NEW_IP, "new_ip", 5, 0 },
    { LR_RULE_NEW_ASN, "new_asn", 10, 0 },
    { LR_RULE_NEW_COUNTRY, "new_country", 15, 0 },
    { LR_RULE_IMPOSSIBLE_TRAVEL, "impossible_travel", 40, 0 },
    { LR_RULE_IP_FAILURES, "ip_failures", 30, 1 },
    { LR_RULE_USER_FAILURES, "user_failures", 25, 0 },
    { LR_RULE_DEVICE_FAILURES, "device_failures", 25, 1 },
    { LR_RULE_IP_USER_FAILURES, "ip_user_failures", 45, 1 },
    { LR_RULE_IP_MANY_USERS, "ip_many_users", 45, 1 },
    { LR_RULE_DEVICE_MANY_USERS, "device_many_users", 45, 1 },
    { LR_RULE_AUTOMATION, "automation", 45, 1 },
    { LR_RULE_NO_TELEMETRY, "no_telemetry", 10, 1 },
    { LR_RULE_BAD_TOKEN, "bad_token", 30, 1 },
    { LR_RULE_REPLAYED_TOKEN, "replayed_token", 45, 1 },
    { LR_RULE_TZ_MISMATCH, "tz_mismatch", 20, 0 },
    { LR_RULE_LANG_MISMATCH, "lang_mismatch", 15, 0 },
    { LR_RULE_ANONYMIZER, "anonymizer", 25, 0 },
    { LR_RULE_UA_MISMATCH, "ua_mismatch", 35, 1 },
    { LR_RULE_SCRIPTED_INPUT, "scripted_input", 40, 1 },
    { LR_RULE_PASTE_PASSWORD, "paste_password", 5, 0 },
    { LR_RULE_DEVICE_CHANGED, "device_changed", 25, 0 },
    { LR_RULE_EXPIRED_TOKEN, "expired_token", 10, 0 },
    { LR_RULE_BAD_DEVICE_COOKIE, "bad_device_cookie", 25, 1 },
};


/* The velocity rules: the counter each one watches, its default limit and
 * the rule's weight. */
static const struct {
    lr_counter  counter;
    lr_rule     rule;
    uint32_t    limit;
    int         weight;
} counters[] = {
    { LR_C_IP_FAILURES, LR_RULE_IP_FAILURES, 10, 30 },
    { LR_C_USER_FAILURES, LR_RULE_USER_FAILURES, 5, 25 },
    { LR_C_DEVICE_FAILURES, LR_RULE_DEVICE_FAILURES, 5, 25 },
    { LR_C_IP_USER_FAILURES, LR_RULE_IP_USER_FAILURES, 5, 45 },
    { LR_C_IP_USERS, LR_RULE_IP_MANY_USERS, 5, 45 },
    { LR_C_DEVICE_USERS, LR_RULE_DEVICE_MANY_USERS, 4, 45 },
};


/* Addresses for logins that must each come from another one; static, so a
 * login may keep pointing at one after the loop that set it. */
static const char  *some_ips[] = {
    "198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4",
    "198.51.100.5",
};


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


/* The velocity tests through the store: t.env, freed by store_teardown. */
static int
store_setup(void **state)
{
    setup(state);
    lr_t_env_init(&t.env);

    return 0;
}


static int
store_teardown(void **state)
{
    (void) state;

    lr_t_env_free(&t.env);

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


/*
 * The rule's points in t.v are want (-1: it did not fire); a rule that
 * fires must fire with its configured weight. what and n name the case in
 * the report, with the whole verdict, as a table row would be.
 */
static void
check_fired(const char *what, long long n, lr_rule rule, int want)
{
    if (fired(rule) != want) {
        print_error("%s %lld: %s has %d points, want %d\n", what, n,
                    lr_rule_code(rule), fired(rule), want);
        lr_t_print(&t.v);
    }

    assert_int_equal(fired(rule), want);

    if (want >= 0) {
        assert_int_equal(fired(rule), weight(rule));
    }
}


/* A text field of the login and the points the rule gives for it. */
typedef struct {
    const char  *value;
    int          points;        /* -1: the rule stays silent */
} str_row;


/* Scores t.l with *field (a member of t.l) set to each row's value. */
static void
check_str_rows(const char **field, lr_rule rule, const str_row *rows,
    size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        *field = rows[i].value;
        score();
        if (fired(rule) != rows[i].points) {
            print_error("value \"%s\":\n",
                        rows[i].value ? rows[i].value : "(null)");
        }
        check_fired("row", (long long) i, rule, rows[i].points);
    }
}


/* A yes/no field of the login: set, its rule fires with points and they
 * are the whole score; cleared, the rule is silent. */
static void
check_flag(int *flag, lr_rule rule, int points)
{
    *flag = 1;
    score();
    check_fired("set", 1, rule, points);
    assert_int_equal(t.v.score, points);

    *flag = 0;
    score();
    check_fired("cleared", 0, rule, -1);
}


/* the row of counters[] whose rule is rule, -1 for a rule of no counter */
static int
counter_row(lr_rule rule)
{
    size_t  i;

    for (i = 0; i < LR_NELEMS(counters); i++) {
        if (counters[i].rule == rule) {
            return (int) i;
        }
    }

    return -1;
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

    (void) state;

    assert_int_equal(LR_NELEMS(rules), LR_RULE_COUNT);

    for (i = 0; i < LR_NELEMS(rules); i++) {
        assert_int_equal(rules[i].rule, i);
        assert_string_equal(lr_rule_code(rules[i].rule), rules[i].code);
        assert_int_equal(weight(rules[i].rule), rules[i].weight);
    }

    assert_string_equal(lr_rule_code(LR_RULE_COUNT), "unknown");
}


/* --- unfamiliarity: the profile rules --- */

/* A device identity of the login and the points new_device gives it. */
typedef struct {
    const char  *device_id;
    uint32_t     attrs;
    int          points;
    int          changed;       /* device_changed's points */
} device_row;


static void
test_new_device(void **state)
{
    size_t  i;

    static const device_row  rows[] = {
        /* a device the profile never saw, by cookie and by attributes */
        { "dev-b", FP_B, 20, -1 },
        /* no identity at all while the profile knows devices: both wiped */
        { NULL, 0, 20, -1 },
        /* an empty cookie is no identity either */
        { "", 0, 20, -1 },
        /* cookie cleared, the same attributes: the same device */
        { NULL, FP_A, -1, -1 },
        /* cookie cleared after a browser update: still the same device */
        { NULL, FP_A_UPDATED, -1, -1 },
        /* known cookie, a browser update */
        { "dev-a", FP_A_UPDATED, -1, -1 },
        /* known cookie, no attributes */
        { "dev-a", 0, -1, -1 },
        /* known cookie on a device unlike any the user has: the cookie
         * was copied, or GPU, screen and timezone all changed */
        { "dev-a", FP_B, -1, 25 },
        /* a new cookie on such a device is simply a new device */
        { "dev-b", FP_Z, 20, -1 },
        /* a known cookie with too few attributes to compare: no opinion */
        { "dev-a", 0x00000003u, -1, -1 },
    };

    (void) state;

    for (i = 0; i < LR_NELEMS(rows); i++) {
        t.l.device_id = rows[i].device_id;
        t.l.device_attrs = rows[i].attrs;
        score();
        check_fired("row", (long long) i, LR_RULE_NEW_DEVICE, rows[i].points);
        check_fired("row", (long long) i, LR_RULE_DEVICE_CHANGED,
                    rows[i].changed);
    }
}


/* No device identity on either side (no collector): no signal; a profile
 * without devices and a login that names one: new. */
static void
test_new_device_no_identity(void **state)
{
    (void) state;

    t.home.device_id = NULL;
    t.home.device_attrs = 0;
    lr_t_profile(&t.p, &t.home, 10);
    assert_int_equal(t.p.n[LR_F_DEVICE], 0);
    assert_int_equal(t.p.n[LR_F_FINGERPRINT], 0);

    t.l.device_id = NULL;
    t.l.device_attrs = 0;
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
    size_t  i;

    /* from London, this long after the last success in Tokyo (LR_T0) */
    static const struct {
        int64_t  after;
        int      points;
    } rows[] = {
        { LR_T_HOUR, 40 },              /* 1 h: 9,560 km/h */
        { 9 * LR_T_HOUR, 40 },          /* 9 h: 1,062 km/h, still too fast */
        { 10 * LR_T_HOUR, -1 },         /* 10 h: 956 km/h, a flight */
        { 20 * LR_T_HOUR, -1 },         /* 20 h: 478 km/h */
        { 0, 40 },                      /* the same instant, far away */
        /* scored before the last success was learnt (writes out of
         * order): the gap counts either way, 1 h before is as fast as
         * 1 h after, 20 h before is a flight */
        { -LR_T_HOUR, 40 },
        { -20 * LR_T_HOUR, -1 },
    };

    (void) state;

    lr_t_place(&t.l, LR_LONDON_LAT, LR_LONDON_LON);

    for (i = 0; i < LR_NELEMS(rows); i++) {
        t.l.time_ms = LR_T0 + rows[i].after;
        score();
        check_fired("row", (long long) i, LR_RULE_IMPOSSIBLE_TRAVEL,
                    rows[i].points);
    }

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

    (void) state;

    for (i = 0; i < LR_NELEMS(counters); i++) {
        limit = t.cfg.limit[counters[i].counter];
        assert_int_equal(limit, counters[i].limit);
        assert_int_equal(weight(counters[i].rule), counters[i].weight);

        memset(t.counter, 0, sizeof(t.counter));

        t.counter[counters[i].counter] = limit - 1;
        score();
        assert_int_equal(fired(counters[i].rule), -1);
        assert_int_equal(t.v.score, 0);

        t.counter[counters[i].counter] = limit;
        score();
        assert_int_equal(fired(counters[i].rule), counters[i].weight);
        assert_int_equal(t.v.score, counters[i].weight);
        assert_int_equal(t.v.reasons.n, 1);

        t.counter[counters[i].counter] = limit + 100;
        score();
        assert_int_equal(fired(counters[i].rule), counters[i].weight);

        /* a counter the login has no key for (no device, no user) says
         * nothing, whatever the store returned */
        lr_engine_keys(&t.l, &keys);
        keys.counter[counters[i].counter] = 0;
        memset(&view, 0, sizeof(view));
        view.counter[counters[i].counter] = limit;
        memset(&t.v, 0, sizeof(t.v));
        evidence = 0;
        lr_rules_apply(&t.cfg, &t.l, &keys, &view, &t.v.reasons, &evidence);
        assert_int_equal(t.v.reasons.n, 0);
        assert_int_equal(evidence, 0);

        /* limit 0 disables the rule */
        t.cfg.limit[counters[i].counter] = 0;
        t.counter[counters[i].counter] = 1000;
        score();
        assert_int_equal(fired(counters[i].rule), -1);
        t.cfg.limit[counters[i].counter] = limit;
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
    t.l.device_attrs = 0;
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

/* t.l is alice's login at LR_T0 with user and device (NULL: none) and no
 * fingerprint: each test picks the counters it moves. */
static void
store_login(const char *user, const char *device)
{
    lr_t_login(&t.l, LR_T0);
    t.l.user = user;
    t.l.device_id = device;
    t.l.device_attrs = 0;
}


/* n failed logins of t.l, one second apart from t0 */
static void
fail_n(unsigned n, int64_t t0)
{
    unsigned  i;

    for (i = 0; i < n; i++) {
        t.l.time_ms = t0 + i * 1000;
        lr_t_learn(&t.env, &t.l, 0);
    }
}


/* t.l learnt at time at, a success or a failure */
static void
learn_at(int64_t at, int success)
{
    t.l.time_ms = at;
    lr_t_learn(&t.env, &t.l, success);
}


static void
score_at(int64_t at)
{
    t.l.time_ms = at;
    lr_t_score(&t.env, &t.l, &t.v);
}


/* The score of t.l at time at, where rule must give want; the report
 * names the time (ms after LR_T0). */
static void
expect_at(int64_t at, lr_rule rule, int want)
{
    score_at(at);
    check_fired("at LR_T0 +", (long long) (at - LR_T0), rule, want);
}


/* 5 failures of t.l, each from another address (some_ips), each scored
 * half a second later from score_ip (NULL: the same address): rule fires
 * at the fifth, while the IP's and the ip+user counters stay at 1. */
static void
fail_from_each_ip(const char *score_ip, lr_rule rule)
{
    unsigned  i;
    int64_t   at;

    for (i = 0; i < LR_NELEMS(some_ips); i++) {
        t.l.ip = some_ips[i];
        learn_at(LR_T0 + i * 1000, 0);

        if (score_ip != NULL) {
            t.l.ip = score_ip;
        }

        at = LR_T0 + i * 1000 + 500;
        expect_at(at, rule, i + 1 < 5 ? -1 : 25);
        check_fired("at LR_T0 +", (long long) (at - LR_T0),
                    LR_RULE_IP_USER_FAILURES, -1);
        check_fired("at LR_T0 +", (long long) (at - LR_T0),
                    LR_RULE_IP_FAILURES, -1);
    }
}


/* 10 failures from one IP without a user id (so no other counter moves)
 * in its one-hour window: at 9 no, at 10 yes, until the window that the
 * first failure opened ends. */
static void
test_ip_failures_window(void **state)
{
    (void) state;

    store_login(NULL, NULL);

    fail_n(9, LR_T0);
    expect_at(LR_T0 + 10000, LR_RULE_IP_FAILURES, -1);

    fail_n(1, LR_T0 + 10000);
    expect_at(LR_T0 + 20000, LR_RULE_IP_FAILURES, 30);
    assert_int_equal(t.v.score, 30);

    expect_at(LR_T0 + LR_T_HOUR - 1, LR_RULE_IP_FAILURES, 30);
    expect_at(LR_T0 + LR_T_HOUR, LR_RULE_IP_FAILURES, -1);

    /* another address is another counter */
    fail_n(10, LR_T0 + 2 * LR_T_HOUR);
    t.l.ip = "203.0.113.99";
    expect_at(LR_T0 + 2 * LR_T_HOUR + 20000, LR_RULE_IP_FAILURES, -1);
}


/* 5 failures of alice, each from another address (so ip_user_failures
 * stays at 1 each), scored from a sixth. */
static void
test_user_failures_window(void **state)
{
    (void) state;

    store_login("alice", NULL);
    fail_from_each_ip("192.0.2.1", LR_RULE_USER_FAILURES);

    expect_at(LR_T0 + LR_T_HOUR, LR_RULE_USER_FAILURES, -1);
}


/* 5 failures from one device cookie without a user id, each from another
 * address. */
static void
test_device_failures_window(void **state)
{
    (void) state;

    store_login(NULL, "dev-x");
    fail_from_each_ip(NULL, LR_RULE_DEVICE_FAILURES);

    /* without its cookie a device has no counters: its attributes are no
     * identity of their own */
    t.l.device_id = NULL;
    t.l.device_attrs = FP_A;
    expect_at(LR_T0 + 10000, LR_RULE_DEVICE_FAILURES, -1);

    t.l.device_id = "dev-x";
    expect_at(LR_T0 + LR_T_HOUR, LR_RULE_DEVICE_FAILURES, -1);
}


/* 5 failures of alice from one IP: ip_user_failures (and user_failures,
 * which count the same failures). */
static void
test_ip_user_failures_window(void **state)
{
    (void) state;

    store_login("alice", NULL);

    fail_n(4, LR_T0);
    score_at(LR_T0 + 10000);
    assert_int_equal(fired(LR_RULE_IP_USER_FAILURES), -1);
    assert_int_equal(fired(LR_RULE_USER_FAILURES), -1);

    fail_n(1, LR_T0 + 10000);
    score_at(LR_T0 + 20000);
    assert_int_equal(fired(LR_RULE_IP_USER_FAILURES), 45);
    assert_int_equal(fired(LR_RULE_USER_FAILURES), 25);
    assert_int_equal(t.v.score, 70);

    /* bob from the same IP: his own ip+user and user counters are 0 */
    t.l.user = "bob";
    score_at(LR_T0 + 20000);
    assert_int_equal(fired(LR_RULE_IP_USER_FAILURES), -1);
    assert_int_equal(fired(LR_RULE_USER_FAILURES), -1);

    t.l.user = "alice";
    score_at(LR_T0 + LR_T_HOUR);
    assert_int_equal(fired(LR_RULE_IP_USER_FAILURES), -1);
    assert_int_equal(fired(LR_RULE_USER_FAILURES), -1);
}


/* A success clears the user's failures and the ip+user ones, not the
 * IP's or the device's. */
static void
test_success_resets(void **state)
{
    (void) state;

    store_login("alice", "dev-a");
    t.env.cfg.limit[LR_C_IP_FAILURES] = 5;

    fail_n(5, LR_T0);
    score_at(LR_T0 + 10000);
    assert_int_equal(fired(LR_RULE_USER_FAILURES), 25);
    assert_int_equal(fired(LR_RULE_IP_USER_FAILURES), 45);
    assert_int_equal(fired(LR_RULE_IP_FAILURES), 30);
    assert_int_equal(fired(LR_RULE_DEVICE_FAILURES), 25);

    learn_at(LR_T0 + 10000, 1);

    score_at(LR_T0 + 20000);
    assert_int_equal(fired(LR_RULE_USER_FAILURES), -1);
    assert_int_equal(fired(LR_RULE_IP_USER_FAILURES), -1);
    assert_int_equal(fired(LR_RULE_IP_FAILURES), 30);
    assert_int_equal(fired(LR_RULE_DEVICE_FAILURES), 25);

    /* and the count starts again from 0: 4 more do not fire */
    fail_n(4, LR_T0 + 30000);
    score_at(LR_T0 + 40000);
    assert_int_equal(fired(LR_RULE_USER_FAILURES), -1);
    assert_int_equal(fired(LR_RULE_IP_USER_FAILURES), -1);
}


/* Distinct users tried from one IP (limit 5 an hour), failed or not. */
static void
test_ip_many_users(void **state)
{
    unsigned  i;

    static const char  *users[] = { "u1", "u2", "u3", "u4", "u5", "u6" };

    (void) state;

    store_login("alice", NULL);

    /* 4 distinct users, u1 three times (successes and failures) */
    for (i = 0; i < 4; i++) {
        t.l.user = users[i];
        learn_at(LR_T0 + i * 1000, i % 2);
    }

    t.l.user = users[0];
    learn_at(LR_T0 + 5000, 1);
    learn_at(LR_T0 + 6000, 0);

    t.l.user = users[5];
    expect_at(LR_T0 + 7000, LR_RULE_IP_MANY_USERS, -1);

    /* the fifth distinct one */
    t.l.user = users[4];
    learn_at(LR_T0 + 8000, 1);

    t.l.user = users[5];
    expect_at(LR_T0 + 9000, LR_RULE_IP_MANY_USERS, 45);

    /* even for one of the five */
    t.l.user = users[0];
    expect_at(LR_T0 + 9000, LR_RULE_IP_MANY_USERS, 45);

    /* the window opened by the first attempt ends */
    expect_at(LR_T0 + LR_T_HOUR, LR_RULE_IP_MANY_USERS, -1);

    /* attempts without a user id count nobody */
    t.l.user = NULL;
    fail_n(20, LR_T0 + 2 * LR_T_HOUR);
    t.l.user = "u1";
    expect_at(LR_T0 + 2 * LR_T_HOUR + 30000, LR_RULE_IP_MANY_USERS, -1);
}


/* Distinct users tried from one device (limit 4 a day), from different
 * addresses. */
static void
test_device_many_users(void **state)
{
    unsigned  i;

    static const char  *users[] = { "u1", "u2", "u3", "u4", "u5" };

    (void) state;

    store_login("alice", "dev-shared");

    for (i = 0; i < 3; i++) {
        t.l.ip = some_ips[i];
        t.l.user = users[i];
        learn_at(LR_T0 + i * LR_T_HOUR, 1);
        /* the same user again */
        learn_at(LR_T0 + i * LR_T_HOUR + 1000, 1);
    }

    t.l.ip = "192.0.2.1";
    t.l.user = users[4];
    expect_at(LR_T0 + 5 * LR_T_HOUR, LR_RULE_DEVICE_MANY_USERS, -1);

    t.l.ip = "198.51.100.77";
    t.l.user = users[3];
    learn_at(LR_T0 + 6 * LR_T_HOUR, 0);

    t.l.ip = "192.0.2.1";
    t.l.user = users[4];
    expect_at(LR_T0 + 7 * LR_T_HOUR, LR_RULE_DEVICE_MANY_USERS, 45);

    /* 24 h after the first attempt */
    expect_at(LR_T0 + 24 * LR_T_HOUR - 1, LR_RULE_DEVICE_MANY_USERS, 45);
    expect_at(LR_T0 + 24 * LR_T_HOUR, LR_RULE_DEVICE_MANY_USERS, -1);
}


/* --- what the browser and the token show --- */

static void
test_automation(void **state)
{
    (void) state;

    check_flag(&t.l.automation, LR_RULE_AUTOMATION, 45);
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
    size_t  i;

    static const struct {
        lr_token_state  token;
        int             bad;        /* bad_token's points */
        int             replayed;   /* replayed_token's */
        int             expired;    /* expired_token's */
        int             other;      /* ua_mismatch's */
    } rows[] = {
        { LR_TOKEN_INVALID, 30, -1, -1, -1 },
        { LR_TOKEN_REPLAYED, -1, 45, -1, -1 },
        { LR_TOKEN_TOO_OLD, -1, -1, 10, -1 },
        { LR_TOKEN_OTHER_BROWSER, -1, -1, -1, 35 },
        { LR_TOKEN_VALID, -1, -1, -1, -1 },
        /* no token (no collector): that is no_telemetry's business */
        { LR_TOKEN_ABSENT, -1, -1, -1, -1 },
    };

    (void) state;

    for (i = 0; i < LR_NELEMS(rows); i++) {
        t.l.token = rows[i].token;
        score();
        check_fired("row", (long long) i, LR_RULE_BAD_TOKEN, rows[i].bad);
        check_fired("row", (long long) i, LR_RULE_REPLAYED_TOKEN,
                    rows[i].replayed);
        check_fired("row", (long long) i, LR_RULE_EXPIRED_TOKEN,
                    rows[i].expired);
        check_fired("row", (long long) i, LR_RULE_UA_MISMATCH, rows[i].other);
    }

    assert_int_equal(t.v.score, 0);
}


static void
test_tz_mismatch(void **state)
{
    static const str_row  rows[] = {
        { "Asia/Shanghai", 20 },
        { "Asia/Tokyo", -1 },
        { "Japan", -1 },                /* links to Asia/Tokyo */
        /* cannot tell: unknown zone, UTC, none */
        { "Mars/Olympus_Mons", -1 },
        { "UTC", -1 },
        { NULL, -1 },
    };

    (void) state;

    check_str_rows(&t.l.timezone, LR_RULE_TZ_MISMATCH, rows,
                   LR_NELEMS(rows));

    /* unknown country */
    t.l.timezone = "Asia/Shanghai";
    lr_t_country(&t.l, "");
    score();
    assert_int_equal(fired(LR_RULE_TZ_MISMATCH), -1);
}


static void
test_lang_mismatch(void **state)
{
    static const str_row  rows[] = {
        { "zh-CN,zh;q=0.9", 15 },
        { "ja-JP,ja;q=0.9", -1 },
        { "zh-CN,ja;q=0.5", -1 },       /* one fitting language is enough */
        /* English only says nothing; neither does no list */
        { "en-US,en;q=0.9", -1 },
        { NULL, -1 },
    };

    (void) state;

    check_str_rows(&t.l.languages, LR_RULE_LANG_MISMATCH, rows,
                   LR_NELEMS(rows));
}


static void
test_anonymizer(void **state)
{
    (void) state;

    check_flag(&t.l.anonymizer, LR_RULE_ANONYMIZER, 25);
}


static void
test_collector_signals(void **state)
{
    (void) state;

    check_flag(&t.l.ua_mismatch, LR_RULE_UA_MISMATCH, 35);
    check_flag(&t.l.paste_password, LR_RULE_PASTE_PASSWORD, 5);
    check_flag(&t.l.bad_device_cookie, LR_RULE_BAD_DEVICE_COOKIE, 25);

    /* scripted input: key timing no hand has is enough alone; the other
     * signs need a second one (a person may show one of them) */
    {
        size_t  i;

        static const struct {
            unsigned  signs;
            int       points;
        } rows[] = {
            { LR_SCRIPTED_TOO_FAST, 40 },
            { LR_SCRIPTED_UNIFORM, 40 },
            { LR_SCRIPTED_NO_KEYS, -1 },
            { LR_SCRIPTED_BLIND_CLICK, -1 },
            { LR_SCRIPTED_STRAIGHT, -1 },
            { LR_SCRIPTED_NO_KEYS | LR_SCRIPTED_BLIND_CLICK, 40 },
            { LR_SCRIPTED_BLIND_CLICK | LR_SCRIPTED_STRAIGHT, 40 },
            { LR_SCRIPTED_NO_KEYS | LR_SCRIPTED_TOO_FAST
              | LR_SCRIPTED_STRAIGHT, 40 },
            { 0, -1 },
        };

        for (i = 0; i < LR_NELEMS(rows); i++) {
            t.l.scripted = rows[i].signs;
            score();
            check_fired("signs", (long long) rows[i].signs,
                        LR_RULE_SCRIPTED_INPUT, rows[i].points);
        }
    }
    t.l.scripted = 0;

    /* Accept-Language against navigator.languages, even when the
     * languages fit the country */
    t.l.lang_mismatch = 1;
    score();
    assert_int_equal(fired(LR_RULE_LANG_MISMATCH), 15);
}


/*
 * Which rules are evidence of an attack (rules[].evidence): each rule made
 * to fire alone through lr_rules_apply, its points checked against
 * *evidence.
 */
static void
test_evidence(void **state)
{
    int         evidence, want, c;
    unsigned    r;
    lr_keys     keys;
    lr_view     view;
    lr_login    l;
    lr_reasons  reasons;

    (void) state;

    t.cfg.expect_telemetry = 1;

    for (r = 0; r < LR_RULE_COUNT; r++) {
        assert_int_equal(rules[r].rule, r);     /* rules[] is in order */

        l = t.l;
        memset(&view, 0, sizeof(view));
        view.profile = &t.p;

        switch ((lr_rule) r) {
        case LR_RULE_NEW_DEVICE:
            l.device_id = "dev-b";
            l.device_attrs = FP_B;
            break;
        case LR_RULE_NEW_IP:
            l.ip = "203.0.113.8";
            break;
        case LR_RULE_NEW_ASN:
            /* a new ASN is a new IP: the evidence stays 0 either way */
            l.geo.asn = 4713;
            break;
        case LR_RULE_NEW_COUNTRY:
            lr_t_country(&l, "KR");
            break;
        case LR_RULE_IMPOSSIBLE_TRAVEL:
            l.time_ms = LR_T0 + LR_T_HOUR;
            lr_t_place(&l, LR_LONDON_LAT, LR_LONDON_LON);
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
        case LR_RULE_UA_MISMATCH:
            l.token = LR_TOKEN_OTHER_BROWSER;
            break;
        case LR_RULE_SCRIPTED_INPUT:
            l.scripted = LR_SCRIPTED_TOO_FAST;
            break;
        case LR_RULE_PASTE_PASSWORD:
            l.paste_password = 1;
            break;
        case LR_RULE_DEVICE_CHANGED:
            l.device_attrs = FP_B;
            break;
        case LR_RULE_EXPIRED_TOKEN:
            l.token = LR_TOKEN_TOO_OLD;
            break;
        case LR_RULE_BAD_DEVICE_COOKIE:
            l.bad_device_cookie = 1;
            break;
        default:
            /* a velocity rule: its counter far past the limit */
            c = counter_row((lr_rule) r);
            assert_true(c >= 0);
            view.counter[counters[c].counter] = 100;
        }

        /* after the changes: the keys follow the login's identity, and
         * what the profile has seen of it */
        lr_engine_keys(&l, &keys);
        lr_profile_counts(&t.p, &keys.f, view.seen);
        memset(&reasons, 0, sizeof(reasons));
        evidence = 0;
        lr_rules_apply(&t.cfg, &l, &keys, &view, &reasons, &evidence);

        want = rules[r].evidence ? t.cfg.weight[r] : 0;

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
        cmocka_unit_test_setup_teardown(test_ip_failures_window,
                                        store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_user_failures_window,
                                        store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_device_failures_window,
                                        store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_ip_user_failures_window,
                                        store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_success_resets,
                                        store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_ip_many_users,
                                        store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_device_many_users,
                                        store_setup, store_teardown),
        cmocka_unit_test_setup(test_automation, setup),
        cmocka_unit_test_setup(test_no_telemetry, setup),
        cmocka_unit_test_setup(test_tokens, setup),
        cmocka_unit_test_setup(test_tz_mismatch, setup),
        cmocka_unit_test_setup(test_lang_mismatch, setup),
        cmocka_unit_test_setup(test_anonymizer, setup),
        cmocka_unit_test_setup(test_collector_signals, setup),
        cmocka_unit_test_setup(test_evidence, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
