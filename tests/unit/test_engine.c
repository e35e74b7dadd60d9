/*
 * The engine around the model and the rules (lr_engine.h): cold start,
 * the score as the sum of the reasons, the policy (thresholds, a block
 * needs evidence), the allow/block lists, and what lr_engine_learn writes
 * for an outcome.
 */

#include "lr_engine_test.h"


static lr_config  cfg;


static int
setup(void **state)
{
    (void) state;

    lr_config_default(&cfg);

    return 0;
}


/* setup, and a store of the test's own in *state (lr_t_env_setup) */
static int
store_setup(void **state)
{
    setup(state);

    return lr_t_env_setup(state);
}


/* l abroad (lr_t_abroad, Russia) with no timezone or languages, so that
 * only the network is unfamiliar */
static void
foreign(lr_login *l)
{
    lr_t_abroad(l, "RU");
    l->timezone = NULL;
    l->languages = NULL;
}


/*
 * The verdict for l with no profile and counters c (NULL: none): its
 * score (-1: any) and action, the verdict printed when either is wrong.
 */
static void
check_verdict(const lr_login *l, const uint32_t *c, int score,
    lr_action action)
{
    lr_verdict  v;

    lr_t_score_view(&cfg, l, NULL, 0, c, &v);

    if ((score >= 0 && v.score != score) || v.action != action) {
        print_error("want score %d action %s, got\n", score,
                    lr_action_name(action));
        lr_t_print(&v);
    }

    if (score >= 0) {
        assert_int_equal(v.score, score);
    }

    assert_int_equal(v.action, action);
}


/* l brings 45 (points or evidence) against threshold (a member of cfg):
 * a block at a threshold of 45, a challenge at 46. */
static void
check_block_at_45(const lr_login *l, int *threshold)
{
    *threshold = 45;
    check_verdict(l, NULL, -1, LR_ACTION_BLOCK);

    *threshold = 46;
    check_verdict(l, NULL, -1, LR_ACTION_CHALLENGE);
}


/* The documented policy defaults (README, "Action" and "Statistical
 * part"). */
static void
test_default_policy(void **state)
{
    (void) state;

    assert_int_equal(cfg.tag, 30);
    assert_int_equal(cfg.challenge, 45);
    assert_int_equal(cfg.block, 80);
    assert_int_equal(cfg.block_evidence, 40);
    assert_int_equal(cfg.cold_start_logins, 3);
    assert_int_equal(cfg.model_points_per_decade, 10);
    assert_int_equal(cfg.model_cap_network, 25);
    assert_int_equal(cfg.model_cap_browser, 10);
    assert_int_equal(cfg.model_cap_device, 15);
    assert_true(cfg.model_alpha == 1.0);
    assert_int_equal(cfg.profile_values, 16);
    assert_int_equal(cfg.profile_max_age_s, 180 * 86400);

    assert_string_equal(lr_action_name(LR_ACTION_ALLOW), "allow");
    assert_string_equal(lr_action_name(LR_ACTION_TAG), "tag");
    assert_string_equal(lr_action_name(LR_ACTION_CHALLENGE), "challenge");
    assert_string_equal(lr_action_name(LR_ACTION_BLOCK), "block");
    assert_string_equal(lr_action_name((lr_action) 42), "unknown");
}


/* --- cold start --- */

/*
 * alice's first login, through the store: nothing learnt, so nothing is
 * new (no new_* reason), no model points and no cold_start either, even
 * from the other side of the world on a new device.
 */
static void
test_cold_start_none(void **state)
{
    lr_t_env    *env = *state;
    lr_login     l;
    lr_verdict   v;

    /* someone else taught the population */
    lr_t_login(&l, LR_T0);
    l.user = "bob";
    lr_t_learn(env, &l, 1);

    lr_t_login(&l, LR_T0 + LR_T_HOUR);
    foreign(&l);
    lr_t_place(&l, 55.75, 37.62);
    l.device_id = "dev-z";
    l.device_attrs = FP_Z;

    assert_int_equal(lr_t_successes(env, &l), -1);

    lr_t_score(env, &l, &v);
    assert_int_equal(v.score, 0);
    assert_int_equal(v.reasons.n, 0);
}


/*
 * A store may hand back an empty profile instead of NULL (a user whose
 * whole history aged out): 0 successes is "nothing learnt" all the same.
 */
static void
test_cold_start_empty_profile(void **state)
{
    lr_login    l;
    lr_profile  p;
    lr_verdict  v;

    (void) state;

    memset(&p, 0, sizeof(p));
    lr_t_login(&l, LR_T0);
    l.ip = "198.51.100.9";
    lr_t_country(&l, "RU");
    l.timezone = NULL;
    l.languages = NULL;

    lr_t_score_view(&cfg, &l, &p, 100, NULL, &v);
    assert_int_equal(v.score, 0);
    assert_int_equal(v.reasons.n, 0);
}


/*
 * 1, 2, 3, 10 logins at home, then one from a foreign network never seen
 * anywhere (browser and device habitual). Unscaled, the network gives
 * 10 * log10(n + 1); below cold_start_logins = 3 it is scaled by n / 3:
 *   n = 1:  10 * log10(2) / 3     = 1.003  -> 1   (unscaled 3)
 *   n = 2:  10 * log10(3) * 2 / 3 = 3.181  -> 3   (unscaled 5)
 *   n = 3:  10 * log10(4)         = 6.021  -> 6
 *   n = 10: 10 * log10(11)        = 10.41  -> 10
 * with cold_start (0 points) for n = 1 and 2 only. The device model
 * (a new cookie, one level): 10 * log10(n + 1) scaled the same way.
 */
static void
test_cold_start_scaled(void **state)
{
    size_t      i;
    lr_login    home, l;
    lr_profile  p;
    lr_verdict  v;

    static const struct {
        unsigned  n;
        int       network;
        int       device;
        int       cold;
    } rows[] = {
        { 1, 1, 1, 1 },
        { 2, 3, 3, 1 },
        { 3, 6, 6, 0 },
        { 10, 10, 10, 0 },
    };

    (void) state;

    for (i = 0; i < LR_NELEMS(rows); i++) {
        lr_t_login(&home, LR_T0);
        lr_t_profile(&p, &home, rows[i].n);
        assert_int_equal(p.successes, rows[i].n);

        l = home;
        l.time_ms = LR_T0 + 30 * LR_T_DAY;
        foreign(&l);
        l.device_id = "dev-z";

        lr_t_score_view(&cfg, &l, &p, rows[i].n, NULL, &v);

        if (lr_t_points(&v, LR_REASON_UNUSUAL_NETWORK) != rows[i].network) {
            lr_t_print(&v);
        }

        assert_int_equal(lr_t_points(&v, LR_REASON_UNUSUAL_NETWORK),
                         rows[i].network);
        assert_int_equal(lr_t_points(&v, LR_REASON_UNUSUAL_DEVICE),
                         rows[i].device);
        assert_int_equal(lr_t_points(&v, LR_REASON_COLD_START),
                         rows[i].cold ? 0 : -1);

        /* the rules are not scaled: the profile knows what is new */
        assert_int_equal(lr_t_rule_points(&v, LR_RULE_NEW_COUNTRY), 15);
        assert_int_equal(lr_t_rule_points(&v, LR_RULE_NEW_ASN), 10);
        assert_int_equal(lr_t_rule_points(&v, LR_RULE_NEW_IP), 5);
    }
}


/* The same through the store: 0, 1, 2, 3 successes, then the foreign
 * login. */
static void
test_cold_start_store(void **state)
{
    unsigned     n;
    lr_t_env    *env = *state;
    lr_login     home, l;
    lr_verdict   v;

    static const int  network[] = { -1, 1, 3, 6 };

    lr_t_login(&home, LR_T0);

    for (n = 0; n <= 3; n++) {
        if (n > 0) {
            home.time_ms = LR_T0 + n * LR_T_HOUR;
            lr_t_learn(env, &home, 1);
        }

        l = home;
        l.time_ms = LR_T0 + LR_T_DAY;
        foreign(&l);

        lr_t_score(env, &l, &v);
        assert_int_equal(lr_t_points(&v, LR_REASON_UNUSUAL_NETWORK),
                         network[n]);
        assert_int_equal(lr_t_has(&v, LR_REASON_COLD_START),
                         n == 1 || n == 2);
        assert_int_equal(lr_t_has(&v, "new_country"), n > 0);
        if (n == 0) {
            assert_int_equal(v.score, 0);
        }
    }
}


/* --- the score --- */

/* No profile, and only rules that need none. */
static void
base_login(lr_login *l)
{
    lr_t_login(l, LR_T0);
}


static void
test_score_is_sum(void **state)
{
    lr_login    l;
    lr_verdict  v;

    (void) state;

    /* anonymizer 25 + tz 20 = 45 */
    base_login(&l);
    l.anonymizer = 1;
    l.timezone = "Europe/Paris";
    lr_t_score_view(&cfg, &l, NULL, 0, NULL, &v);
    assert_int_equal(v.score, 45);
    assert_int_equal(lr_t_sum(&v), 45);
    assert_int_equal(v.reasons.n, 2);
    assert_int_equal(v.action, LR_ACTION_CHALLENGE);

    /* automation 45 + replayed 45 + anonymizer 25 = 115: 100 */
    l.timezone = "Asia/Tokyo";
    l.automation = 1;
    l.token = LR_TOKEN_REPLAYED;
    lr_t_score_view(&cfg, &l, NULL, 0, NULL, &v);
    assert_int_equal(lr_t_sum(&v), 115);
    assert_int_equal(v.score, 100);
    assert_int_equal(v.action, LR_ACTION_BLOCK);

    /* nothing: 0, allow, no reason */
    base_login(&l);
    lr_t_score_view(&cfg, &l, NULL, 0, NULL, &v);
    assert_int_equal(v.score, 0);
    assert_int_equal(v.action, LR_ACTION_ALLOW);
    assert_int_equal(v.reasons.n, 0);
}


/*
 * Every score from 0 to 100 by one evidence rule of that weight (so the
 * evidence is the score): allow < 30 <= tag < 45 <= challenge < 80 <=
 * block (evidence >= 40 there).
 */
static void
test_thresholds(void **state)
{
    int         w;
    lr_login    l;
    lr_verdict  v;
    lr_action   want;

    (void) state;

    base_login(&l);
    l.automation = 1;

    for (w = 0; w <= 100; w++) {
        cfg.weight[LR_RULE_AUTOMATION] = w;
        lr_t_score_view(&cfg, &l, NULL, 0, NULL, &v);

        want = w >= 80 ? LR_ACTION_BLOCK
               : w >= 45 ? LR_ACTION_CHALLENGE
               : w >= 30 ? LR_ACTION_TAG : LR_ACTION_ALLOW;

        assert_int_equal(v.score, w);
        assert_int_equal(v.action, want);
        assert_int_equal(lr_t_rule_points(&v, LR_RULE_AUTOMATION),
                         w > 0 ? w : -1);
    }

    /* thresholds are configurable */
    cfg.weight[LR_RULE_AUTOMATION] = 45;
    cfg.tag = 10;
    cfg.challenge = 20;
    check_block_at_45(&l, &cfg.block);
}


/*
 * Unfamiliarity alone is challenged, never blocked: a new device (20),
 * address (5), ASN (10), country (15), an impossible journey (40), a
 * foreign timezone (20) and languages (15), an anonymiser (25) and the
 * model's points add to 100 with no evidence.
 */
static void
test_unfamiliar_only_challenges(void **state)
{
    lr_login    home, l;
    lr_profile  p;
    lr_verdict  v;

    (void) state;

    lr_t_login(&home, LR_T0);
    lr_t_profile(&p, &home, 10);

    l = home;
    l.time_ms = LR_T0 + LR_T_HOUR;
    lr_t_abroad(&l, "GB");
    lr_t_place(&l, LR_LONDON_LAT, LR_LONDON_LON);
    l.device_id = "dev-z";
    l.device_attrs = FP_Z;
    l.timezone = "America/New_York";
    l.languages = "ru";
    l.anonymizer = 1;

    lr_t_score_view(&cfg, &l, &p, 10, NULL, &v);
    assert_int_equal(lr_t_rule_points(&v, LR_RULE_NEW_DEVICE), 20);
    assert_int_equal(lr_t_rule_points(&v, LR_RULE_IMPOSSIBLE_TRAVEL), 40);
    assert_int_equal(lr_t_rule_points(&v, LR_RULE_TZ_MISMATCH), 20);
    assert_int_equal(lr_t_rule_points(&v, LR_RULE_LANG_MISMATCH), 15);
    assert_int_equal(v.score, 100);
    assert_int_equal(v.action, LR_ACTION_CHALLENGE);

    /* the same with the user's own failures (an attacker can cause them
     * for the owner): still a challenge */
    {
        uint32_t  c[LR_C_COUNT] = { 0 };

        c[LR_C_USER_FAILURES] = 1000;
        lr_t_score_view(&cfg, &l, &p, 10, c, &v);
        assert_int_equal(lr_t_rule_points(&v, LR_RULE_USER_FAILURES), 25);
        assert_int_equal(v.action, LR_ACTION_CHALLENGE);
    }

    /* one evidence rule of 40 or more turns it into a block */
    l.automation = 1;
    lr_t_score_view(&cfg, &l, &p, 10, NULL, &v);
    assert_int_equal(v.action, LR_ACTION_BLOCK);
}


/* user_failures even with a block-sized weight never blocks. */
static void
test_user_failures_never_block(void **state)
{
    lr_login  l;
    uint32_t  c[LR_C_COUNT] = { 0 };

    (void) state;

    base_login(&l);
    c[LR_C_USER_FAILURES] = 1000;
    cfg.weight[LR_RULE_USER_FAILURES] = 100;

    check_verdict(&l, c, 100, LR_ACTION_CHALLENGE);
}


/* Failures from one source can block: ip_user_failures 45 + ip_failures
 * 30 = 75 (a challenge), + no_telemetry 10 = 85 with 85 of evidence. */
static void
test_source_failures_block(void **state)
{
    unsigned     i;
    lr_t_env    *env = *state;
    lr_login     l;
    lr_verdict   v;
    uint32_t     c[LR_C_COUNT] = { 0 };

    base_login(&l);
    c[LR_C_IP_USER_FAILURES] = 5;
    c[LR_C_IP_FAILURES] = 10;
    check_verdict(&l, c, 75, LR_ACTION_CHALLENGE);

    cfg.expect_telemetry = 1;
    l.telemetry = 0;
    check_verdict(&l, c, 85, LR_ACTION_BLOCK);

    /* and through the store: alice's password tried from one address */
    env->cfg.expect_telemetry = 1;
    lr_t_login(&l, LR_T0);
    l.telemetry = 0;
    l.device_id = NULL;
    l.device_attrs = 0;

    for (i = 0; i < 10; i++) {
        l.time_ms = LR_T0 + i * 1000;
        lr_t_learn(env, &l, 0);
    }

    l.time_ms = LR_T0 + 20000;
    lr_t_score(env, &l, &v);
    /* ip_user 45 + ip 30 + user 25 + no_telemetry 10 = 110 */
    assert_int_equal(lr_t_sum(&v), 110);
    assert_int_equal(v.score, 100);
    assert_int_equal(v.action, LR_ACTION_BLOCK);
}


/* The evidence threshold is the block's second condition. */
static void
test_block_evidence(void **state)
{
    lr_login  l;

    (void) state;

    /* automation 45 (evidence) + anonymizer 25 + tz 20 = 90 */
    base_login(&l);
    l.automation = 1;
    l.anonymizer = 1;
    l.timezone = "Europe/Paris";
    check_verdict(&l, NULL, 90, LR_ACTION_BLOCK);

    /* only automation's 45 are evidence */
    check_block_at_45(&l, &cfg.block_evidence);
}


/* --- lists --- */

/* l's verdict has the one reason reason: a block entry gives 100 and a
 * block, an allow entry 0 and an allow, whatever else. */
static void
check_list(size_t row, const lr_login *l, const char *reason)
{
    int         score;
    lr_action   action;
    lr_verdict  v;

    score = strncmp(reason, "blocklist:", 10) == 0 ? 100 : 0;
    action = score ? LR_ACTION_BLOCK : LR_ACTION_ALLOW;

    lr_t_score_view(&cfg, l, NULL, 0, NULL, &v);

    if (v.reasons.n != 1 || strcmp(v.reasons.code[0], reason) != 0) {
        print_error("row %zu: want %s alone\n", row, reason);
        lr_t_print(&v);
    }

    assert_int_equal(v.score, score);
    assert_int_equal(v.action, action);
    assert_int_equal(v.reasons.n, 1);
    assert_string_equal(v.reasons.code[0], reason);
    assert_int_equal(v.reasons.points[0], score);
}


static void
test_lists(void **state)
{
    size_t    i;
    lr_login  l;

    static const struct {
        int          driven;    /* a driven browser with a replayed token
                                   and an anonymiser */
        unsigned     block;
        unsigned     allow;
        const char  *reason;
    } rows[] = {
        { 0, LR_LIST_IP, 0, "blocklist:ip" },
        { 1, 0, LR_LIST_USER, "allowlist:user" },
        /* an IP block wins over every allow */
        { 1, LR_LIST_IP, LR_LIST_USER | LR_LIST_IP | LR_LIST_DEVICE,
          "blocklist:ip" },
        /* any allow wins over the other blocks */
        { 0, LR_LIST_COUNTRY, LR_LIST_USER, "allowlist:user" },
        { 0, LR_LIST_USER | LR_LIST_DEVICE | LR_LIST_COUNTRY | LR_LIST_ASN,
          LR_LIST_ASN, "allowlist:asn" },
        /* each kind, alone */
        { 0, LR_LIST_USER, 0, "blocklist:user" },
        { 0, LR_LIST_DEVICE, 0, "blocklist:device" },
        { 0, LR_LIST_COUNTRY, 0, "blocklist:country" },
        { 0, LR_LIST_ASN, 0, "blocklist:asn" },
        { 0, 0, LR_LIST_IP, "allowlist:ip" },
        { 0, 0, LR_LIST_DEVICE, "allowlist:device" },
        { 0, 0, LR_LIST_COUNTRY, "allowlist:country" },
        { 0, 0, LR_LIST_ASN, "allowlist:asn" },
        /* several: the first kind in the order ip, user, device, country,
         * asn names the reason */
        { 0, LR_LIST_ASN | LR_LIST_DEVICE, 0, "blocklist:device" },
        { 0, 0, LR_LIST_COUNTRY | LR_LIST_USER, "allowlist:user" },
    };

    (void) state;

    for (i = 0; i < LR_NELEMS(rows); i++) {
        base_login(&l);
        if (rows[i].driven) {
            l.automation = 1;
            l.token = LR_TOKEN_REPLAYED;
            l.anonymizer = 1;
        }
        l.block = rows[i].block;
        l.allow = rows[i].allow;
        check_list(i, &l, rows[i].reason);
    }
}


/* A blocked login is blocked even for a threshold set above 100, and an
 * allowed one with thresholds at 0. */
static void
test_lists_ignore_policy(void **state)
{
    size_t    i;
    lr_login  l;

    static const struct {
        int          tag, challenge, block, evidence;   /* cfg's */
        unsigned     block_list, allow_list;            /* the login's */
        const char  *reason;
    } rows[] = {
        { 30, 45, 1000, 1000, LR_LIST_COUNTRY, 0, "blocklist:country" },
        { 0, 0, 0, 0, 0, LR_LIST_DEVICE, "allowlist:device" },
    };

    (void) state;

    for (i = 0; i < LR_NELEMS(rows); i++) {
        cfg.tag = rows[i].tag;
        cfg.challenge = rows[i].challenge;
        cfg.block = rows[i].block;
        cfg.block_evidence = rows[i].evidence;

        base_login(&l);
        l.block = rows[i].block_list;
        l.allow = rows[i].allow_list;
        check_list(i, &l, rows[i].reason);
    }
}


/* --- keys and learning --- */

static void
test_keys(void **state)
{
    unsigned  i, j;
    lr_keys   k, k2;
    lr_login  l;

    (void) state;

    lr_t_login(&l, LR_T0);
    lr_engine_keys(&l, &k);

    assert_true(k.user != 0);
    assert_int_equal(k.member[LR_C_IP_USERS], k.user);
    assert_int_equal(k.member[LR_C_DEVICE_USERS], k.user);
    assert_int_equal(k.member[LR_C_IP_FAILURES], 0);
    assert_int_equal(k.member[LR_C_USER_FAILURES], 0);

    /* every counter has a key of its own */
    for (i = 0; i < LR_C_COUNT; i++) {
        assert_true(k.counter[i] != 0);
        for (j = 0; j < i; j++) {
            assert_true(k.counter[i] != k.counter[j]);
        }
    }

    /* the same user id, the same key; another, another */
    l.time_ms += LR_T_DAY;
    l.ip = "198.51.100.1";
    lr_engine_keys(&l, &k2);
    assert_true(k2.user == k.user);
    assert_true(k2.counter[LR_C_USER_FAILURES]
                == k.counter[LR_C_USER_FAILURES]);
    assert_true(k2.counter[LR_C_IP_FAILURES] != k.counter[LR_C_IP_FAILURES]);
    assert_true(k2.counter[LR_C_IP_USER_FAILURES]
                != k.counter[LR_C_IP_USER_FAILURES]);
    assert_true(k2.counter[LR_C_DEVICE_FAILURES]
                == k.counter[LR_C_DEVICE_FAILURES]);

    l.user = "bob";
    lr_engine_keys(&l, &k2);
    assert_true(k2.user != k.user);

    /* the device counters follow the cookie only (the attributes come
     * after the counters are read) */
    lr_t_login(&l, LR_T0);
    l.device_attrs = FP_B;
    lr_engine_keys(&l, &k2);
    assert_true(k2.counter[LR_C_DEVICE_FAILURES]
                == k.counter[LR_C_DEVICE_FAILURES]);

    /* an id issued with this login: a feature (learnt on success), but no
     * counters */
    l.device_new = 1;
    lr_engine_keys(&l, &k2);
    assert_true(k2.f.v[LR_F_DEVICE] == k.f.v[LR_F_DEVICE]);
    assert_true(k2.device == 0);
    assert_true(k2.counter[LR_C_DEVICE_FAILURES] == 0);
    l.device_new = 0;

    l.device_id = NULL;
    lr_engine_keys(&l, &k2);
    assert_true(k2.device == 0);
    assert_true(k2.counter[LR_C_DEVICE_FAILURES] == 0);
    assert_true(k2.counter[LR_C_DEVICE_USERS] == 0);
    lr_engine_keys(&l, &k);

    /* an empty user id is none */
    l.user = "";
    lr_engine_keys(&l, &k);
    assert_true(k.user == 0);
    assert_true(k.member[LR_C_IP_USERS] == 0);
}


/* a set of counters, for check_counters */
#define C(counter)  (1u << (counter))
#define C_ALL       ((1u << LR_C_COUNT) - 1)


/* What lr_engine_learn writes for l's outcome; *k gets l's keys. */
static void
writes_of(const lr_login *l, int success, lr_keys *k, lr_writes *w)
{
    lr_engine_keys(l, k);
    lr_engine_learn(&cfg, l, k, success, w);
}


/*
 * The counters a write counts the login in (incr) and clears (reset):
 * for those in the set the login's key of that counter (never 0), for
 * the others none. Every counter has the configured window and the
 * login's member, whatever the outcome.
 */
static void
check_counters(const lr_writes *w, const lr_keys *k, unsigned incr,
    unsigned reset)
{
    unsigned  i;
    uint64_t  want_incr, want_reset;

    for (i = 0; i < LR_C_COUNT; i++) {
        assert_int_equal(w->window_s[i], cfg.window_s[i]);
        assert_true(w->member[i] == k->member[i]);

        want_incr = incr & C(i) ? k->counter[i] : 0;
        want_reset = reset & C(i) ? k->counter[i] : 0;

        if (w->incr[i] != want_incr || w->reset[i] != want_reset) {
            print_error("counter %u: incr %s, reset %s\n", i,
                        w->incr[i] == 0 ? "none" : "a key",
                        w->reset[i] == 0 ? "none" : "a key");
        }

        assert_true(w->incr[i] == want_incr);
        assert_true(w->reset[i] == want_reset);

        if (incr & C(i)) {
            assert_true(w->incr[i] != 0);
        }

        if (reset & C(i)) {
            assert_true(w->reset[i] != 0);
        }
    }
}


static void
test_learn_success(void **state)
{
    lr_keys    k;
    lr_login   l;
    lr_writes  w;

    (void) state;

    lr_t_login(&l, LR_T0 + 123);
    writes_of(&l, 1, &k, &w);

    assert_true(w.learn);
    assert_true(w.user == k.user);
    assert_true(w.time_ms == LR_T0 + 123);
    assert_memory_equal(&w.f, &k.f, sizeof(w.f));
    assert_int_equal(w.has_location, 1);
    assert_true(w.lat == LR_TOKYO_LAT && w.lon == LR_TOKYO_LON);
    assert_int_equal(w.profile_values, 16);
    assert_true(w.profile_max_age_ms == 180LL * 86400 * 1000);

    /* distinct users per source count every attempt; a success is no
     * failure, and clears the user's */
    check_counters(&w, &k, C(LR_C_IP_USERS) | C(LR_C_DEVICE_USERS),
                   C(LR_C_USER_FAILURES) | C(LR_C_IP_USER_FAILURES));
}


static void
test_learn_failure(void **state)
{
    lr_keys    k;
    lr_login   l;
    lr_writes  w;

    (void) state;

    lr_t_login(&l, LR_T0);
    writes_of(&l, 0, &k, &w);

    /* every counter counts a failure, none is cleared */
    assert_false(w.learn);
    check_counters(&w, &k, C_ALL, 0);
}


/* No user id: nothing to learn, no per-user counter, no distinct-user
 * count; the IP's failures still count. No device: no device counter. */
static void
test_learn_no_user(void **state)
{
    lr_keys    k;
    lr_login   l;
    lr_writes  w;

    (void) state;

    lr_t_login(&l, LR_T0);
    l.user = NULL;
    l.device_id = NULL;
    l.device_attrs = 0;

    writes_of(&l, 1, &k, &w);
    assert_true(k.user == 0);
    assert_false(w.learn);
    assert_true(w.user == 0);
    check_counters(&w, &k, 0, 0);

    writes_of(&l, 0, &k, &w);
    assert_false(w.learn);
    check_counters(&w, &k, C(LR_C_IP_FAILURES), 0);
}


/* Learning through the store: the second login from home is familiar,
 * and the learnt values are exactly the login's. */
static void
test_learn_teaches(void **state)
{
    lr_t_env    *env = *state;
    lr_login     l;
    lr_view      view;
    lr_keys      k;
    lr_verdict   v;

    lr_t_login(&l, LR_T0);
    lr_engine_keys(&l, &k);

    /* a failure teaches nothing */
    lr_t_learn(env, &l, 0);
    lr_t_read(env, &l, &view);
    assert_null(view.profile);
    assert_true(view.pop_total == 0);

    lr_t_learn(env, &l, 1);
    lr_t_read(env, &l, &view);
    assert_non_null(view.profile);
    assert_int_equal(view.profile->successes, 1);
    assert_int_equal(lr_profile_count(view.profile, LR_F_IP, k.f.v[LR_F_IP]),
                     1);
    assert_true(view.profile->last_ms == LR_T0);

    l.time_ms = LR_T0 + LR_T_DAY;
    lr_t_score(env, &l, &v);
    assert_int_equal(lr_t_points(&v, LR_REASON_COLD_START), 0);
    assert_int_equal(v.score, 0);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup(test_default_policy, setup),
        cmocka_unit_test_setup_teardown(test_cold_start_none, store_setup,
                                        lr_t_env_teardown),
        cmocka_unit_test_setup(test_cold_start_empty_profile, setup),
        cmocka_unit_test_setup(test_cold_start_scaled, setup),
        cmocka_unit_test_setup_teardown(test_cold_start_store, store_setup,
                                        lr_t_env_teardown),
        cmocka_unit_test_setup(test_score_is_sum, setup),
        cmocka_unit_test_setup(test_thresholds, setup),
        cmocka_unit_test_setup(test_unfamiliar_only_challenges, setup),
        cmocka_unit_test_setup(test_user_failures_never_block, setup),
        cmocka_unit_test_setup_teardown(test_source_failures_block,
                                        store_setup, lr_t_env_teardown),
        cmocka_unit_test_setup(test_block_evidence, setup),
        cmocka_unit_test_setup(test_lists, setup),
        cmocka_unit_test_setup(test_lists_ignore_policy, setup),
        cmocka_unit_test_setup(test_keys, setup),
        cmocka_unit_test_setup(test_learn_success, setup),
        cmocka_unit_test_setup(test_learn_failure, setup),
        cmocka_unit_test_setup(test_learn_no_user, setup),
        cmocka_unit_test_setup_teardown(test_learn_teaches, store_setup,
                                        lr_t_env_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
