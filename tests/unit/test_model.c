/*
 * The statistical part (lr_model.h): hand-computed likelihood ratios for
 * small profiles, the smoothing of unseen values, and the trap of a
 * population-frequency model (a value never seen anywhere must not look
 * safer than a common one).
 *
 * The formula, per level l of a hierarchy, alpha = 1, K = 10:
 *   p_pop  = (C_l + 1) / (C_{l-1} + K)
 *   p_user = (c_l + alpha p_pop) / (c_{l-1} + alpha)
 *   ratio  = p_pop / p_user
 * For c_l = c_{l-1} = 10 (every login of the user had this value):
 *   ratio  = 11 p_pop / (10 + p_pop)
 * For c_l = 0:
 *   ratio  = (c_{l-1} + alpha) / alpha, whatever C_l.
 */

#include "lr_engine_test.h"
#include "lr_model.h"


/* the user's habitual values: small numbers are good enough hashes */
#define HOME_COUNTRY  11
#define HOME_ASN      12
#define HOME_PREFIX   13
#define HOME_IP       14


static void
home_features(lr_features *f)
{
    memset(f, 0, sizeof(*f));
    f->v[LR_F_COUNTRY] = HOME_COUNTRY;
    f->v[LR_F_ASN] = HOME_ASN;
    f->v[LR_F_PREFIX] = HOME_PREFIX;
    f->v[LR_F_IP] = HOME_IP;
}


/* A profile of n logins, all from the home network. */
static void
home_profile(lr_profile *p, unsigned n)
{
    unsigned     i;
    lr_features  f;

    memset(p, 0, sizeof(*p));
    home_features(&f);

    for (i = 0; i < n; i++) {
        lr_profile_learn(p, &f, LR_T0 + i * LR_T_HOUR, 0, 0, 0, 16);
    }

    assert_int_equal(lr_profile_total(p, LR_F_COUNTRY), n);
    assert_int_equal(lr_profile_count(p, LR_F_IP, HOME_IP), n);
}


/* The population's counts of the network values (the four levels). */
static void
network_pop(lr_view *view, uint64_t country, uint64_t asn, uint64_t prefix,
    uint64_t ip)
{
    view->pop[LR_F_COUNTRY] = country;
    view->pop[LR_F_ASN] = asn;
    view->pop[LR_F_PREFIX] = prefix;
    view->pop[LR_F_IP] = ip;
}


/* Population: 100 logins; 40 from the country, 20 from the ASN, 10 from
 * the prefix, 5 from the IP. */
static void
home_view(lr_view *view, const lr_profile *p)
{
    memset(view, 0, sizeof(*view));
    view->profile = p;
    view->pop_total = 100;
    network_pop(view, 40, 20, 10, 5);
}


/* A network the user never logged in from, at every level. */
static void
foreign_features(lr_features *f)
{
    memset(f, 0, sizeof(*f));
    f->v[LR_F_COUNTRY] = 81;
    f->v[LR_F_ASN] = 82;
    f->v[LR_F_PREFIX] = 83;
    f->v[LR_F_IP] = 84;
}


/* Where most tests start (setup): 10 logins at home, home_view, the home
 * features; a test changes what it is about. */
static struct {
    lr_profile   p;
    lr_view      view;
    lr_features  f;
} h;


static int
setup(void **state)
{
    (void) state;

    home_profile(&h.p, 10);
    home_view(&h.view, &h.p);
    home_features(&h.f);

    return 0;
}


/* the store fills seen[] from the profile for the login's values */
static double
ratio(const lr_profile *p, const lr_view *view, const lr_features *f,
    size_t levels, double alpha)
{
    lr_view  v;

    v = *view;

    if (p != NULL) {
        lr_profile_counts(p, f, v.seen);
    }

    return lr_model_log_ratio(p, &v, f, lr_t_network, levels, alpha);
}


/* ratio of h's profile and view for f over every level, alpha 1 */
static double
home_ratio(const lr_features *f)
{
    return ratio(&h.p, &h.view, f, 4, 1.0);
}


/* The user's own habitual values: every level is more likely for the
 * owner than for the population, so the log ratio is negative. */
static void
test_habitual(void **state)
{
    double  want;

    (void) state;

    /*
     * country: p_pop = 41/110, ratio = 11 (41/110) / (10 + 41/110)
     *                                = 451 / 1141
     * ASN:     p_pop = 21/50,  ratio = 231 / 521
     * prefix:  p_pop = 11/30,  ratio = 121 / 311
     * IP:      p_pop = 6/20,   ratio = 66 / 206
     * product ~ 0.39527 * 0.44338 * 0.38907 * 0.32039 ~ 0.021846,
     * log10 ~ -1.6606
     */
    want = log10((451.0 / 1141) * (231.0 / 521) * (121.0 / 311)
                 * (66.0 / 206));
    LR_NEAR(home_ratio(&h.f), want);
    assert_true(want < -1.66 && want > -1.67);

    /* the country level alone */
    LR_NEAR(ratio(&h.p, &h.view, &h.f, 1, 1.0), log10(451.0 / 1141));
}


/* A user who used the value 2 times in 10: country B with C(B) = 10 in a
 * population of 100 gives p_pop = 11/110 = 0.1,
 * p_user = (2 + 0.1) / 11, ratio = 0.1 * 11 / 2.1 = 1.1 / 2.1. */
static void
test_occasional(void **state)
{
    unsigned     i;
    lr_view      view;
    lr_profile   p;
    lr_features  a, b;

    (void) state;

    memset(&p, 0, sizeof(p));
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    a.v[LR_F_COUNTRY] = 101;
    b.v[LR_F_COUNTRY] = 102;

    for (i = 0; i < 10; i++) {
        lr_profile_learn(&p, i < 8 ? &a : &b, LR_T0 + i, 0, 0, 0, 16);
    }

    memset(&view, 0, sizeof(view));
    view.profile = &p;
    view.pop_total = 100;
    view.pop[LR_F_COUNTRY] = 10;

    LR_NEAR(ratio(&p, &view, &b, 1, 1.0), log10(1.1 / 2.1));

    /* the habitual one, 8 in 10: ratio = 0.1 * 11 / 8.1 */
    LR_NEAR(ratio(&p, &view, &a, 1, 1.0), log10(1.1 / 8.1));
}


/* A new address in the user's own /24: the first three levels as in
 * test_habitual, the IP level (c_prefix + 1) / 1 = 11, whether the
 * address is new to everyone or common. */
static void
test_unseen_ip_in_seen_prefix(void **state)
{
    double  want;

    (void) state;

    h.f.v[LR_F_IP] = 99;

    /* 0.068186 * 11 ~ 0.75: still below 1 (the prefix is habitual) */
    want = log10((451.0 / 1141) * (231.0 / 521) * (121.0 / 311) * 11.0);

    h.view.pop[LR_F_IP] = 0;
    LR_NEAR(home_ratio(&h.f), want);

    h.view.pop[LR_F_IP] = 9;
    LR_NEAR(home_ratio(&h.f), want);

    assert_true(want < 0.0 && want > -0.13);
}


/* A new ASN in the user's country: country 451/1141, ASN (10 + 1) / 1,
 * and below it the user has nothing (c_parent = 0): each lower level
 * gives (0 + alpha p_pop) / alpha = p_pop, ratio 1. */
static void
test_unseen_asn_in_seen_country(void **state)
{
    double  want;

    (void) state;

    h.f.v[LR_F_ASN] = 98;
    h.f.v[LR_F_PREFIX] = 97;
    h.f.v[LR_F_IP] = 96;

    /* 451/1141 * 11 ~ 4.348, log10 ~ 0.638 */
    want = log10(451.0 / 1141 * 11.0);

    network_pop(&h.view, 40, 0, 0, 0);
    LR_NEAR(home_ratio(&h.f), want);

    network_pop(&h.view, 40, 15, 7, 3);
    LR_NEAR(home_ratio(&h.f), want);

    assert_true(want > 0.63 && want < 0.64);
}


/*
 * A country the user never logged in from: ratio (10 + 1) / 1 = 11 at the
 * country level and 1 below, so log10(11) ~ 1.0414 whatever the
 * population says: a network never seen anywhere (C = 0) and a common one
 * (C = 50 of 100) score the same. A population-only model would call the
 * first one 51 times less likely for an attacker: p_pop 1/110 vs 51/110.
 */
static void
test_unseen_country_ignores_population(void **state)
{
    (void) state;

    foreign_features(&h.f);

    /* never seen anywhere */
    network_pop(&h.view, 0, 0, 0, 0);
    LR_NEAR(home_ratio(&h.f), log10(11.0));

    /* half the population comes from there */
    network_pop(&h.view, 50, 50, 30, 20);
    LR_NEAR(home_ratio(&h.f), log10(11.0));

    /* the population's size does not matter either */
    h.view.pop_total = 1000000;
    LR_NEAR(home_ratio(&h.f), log10(11.0));
}


/* A never-seen foreign network is positive evidence, and the more history
 * the user has at home, the stronger: log10(n + 1) for n logins. */
static void
test_unseen_grows_with_history(void **state)
{
    double       prev, r;
    unsigned     i;
    lr_view      view;
    lr_profile   p;
    lr_features  f;

    static const unsigned  n[] = { 1, 2, 5, 10, 20, 100 };

    (void) state;

    foreign_features(&f);
    prev = 0.0;

    for (i = 0; i < LR_NELEMS(n); i++) {
        home_profile(&p, n[i]);
        home_view(&view, &p);
        network_pop(&view, 0, 0, 0, 0);

        r = ratio(&p, &view, &f, 4, 1.0);
        LR_NEAR(r, log10(n[i] + 1.0));
        assert_true(r > 0.0);
        assert_true(r > prev);
        prev = r;
    }
}


/* alpha weighs the population prior: an unseen value gives
 * (c_parent + alpha) / alpha; for 10 logins and alpha 2: 12 / 2 = 6.
 * A habitual country with alpha 2: p_pop = 41/110,
 * p_user = (10 + 2 * 41/110) / 12, ratio = 12 * 41 / (1100 + 82). */
static void
test_alpha(void **state)
{
    lr_features  f;

    (void) state;

    memset(&f, 0, sizeof(f));
    f.v[LR_F_COUNTRY] = 81;
    LR_NEAR(ratio(&h.p, &h.view, &f, 1, 2.0), log10(6.0));

    LR_NEAR(ratio(&h.p, &h.view, &h.f, 1, 2.0), log10(12.0 * 41 / 1182));
}


/* Nothing learnt, or nothing known about the value: no opinion (0). */
static void
test_no_opinion(void **state)
{
    lr_profile  empty;

    (void) state;

    memset(&empty, 0, sizeof(empty));

    /* an unseen network, so that a wrong answer would not be 0 */
    foreign_features(&h.f);
    assert_true(home_ratio(&h.f) > 1.0);

    /* no profile, an empty one */
    assert_true(lr_model_log_ratio(NULL, &h.view, &h.f, lr_t_network, 4, 1.0)
                == 0.0);
    LR_NEAR(ratio(&empty, &h.view, &h.f, 4, 1.0), 0.0);

    /* most specific level unknown (0): 0, even with parents known */
    h.f.v[LR_F_IP] = 0;
    assert_true(home_ratio(&h.f) == 0.0);

    /* a hierarchy of no level */
    assert_true(ratio(&h.p, &h.view, &h.f, 0, 1.0) == 0.0);
}


/*
 * Through the engine: a user with n logins at home logs in from a country
 * never seen anywhere: unusual_network = round(10 * log10(n + 1)), capped
 * at 25 (the browser and device are habitual: their ratios are below 1
 * and give nothing):
 *   n = 10:   10 * 1.0414 = 10.4  -> 10
 *   n = 99:   10 * 2      = 20    -> 20
 *   n = 1000: 10 * 3.0004 = 30.0  -> 25 (cap)
 */
static void
test_engine_points(void **state)
{
    size_t      i;
    lr_login    home, abroad;
    lr_config   cfg;
    lr_verdict  v;
    lr_profile  p;

    static const struct {
        unsigned  n;
        int       points;
    } rows[] = { { 10, 10 }, { 99, 20 }, { 1000, 25 } };

    (void) state;

    lr_config_default(&cfg);

    for (i = 0; i < LR_NELEMS(rows); i++) {
        lr_t_login(&home, LR_T0);
        lr_t_profile(&p, &home, rows[i].n);

        abroad = home;
        abroad.time_ms = LR_T0 + 30 * LR_T_DAY;
        lr_t_abroad(&abroad, "RU");

        /* lr_t_score_view counts every value of the login n times, the
         * foreign ones too: the unseen-level factor does not depend on
         * it, and below an unseen level every factor is 1 */
        lr_t_score_view(&cfg, &abroad, &p, rows[i].n, NULL, &v);

        assert_int_equal(lr_t_points(&v, LR_REASON_UNUSUAL_NETWORK),
                         rows[i].points);
        assert_false(lr_t_has(&v, LR_REASON_UNUSUAL_BROWSER));
        assert_false(lr_t_has(&v, LR_REASON_UNUSUAL_DEVICE));
        assert_false(lr_t_has(&v, LR_REASON_COLD_START));
    }

    /* at home: nothing from the model */
    lr_t_login(&home, LR_T0);
    lr_t_profile(&p, &home, 10);
    home.time_ms += LR_T_DAY;
    lr_t_score_view(&cfg, &home, &p, 10, NULL, &v);
    assert_int_equal(v.score, 0);
    assert_int_equal(v.reasons.n, 0);
}


/*
 * A user with 10 logins on one device and browser; population 10 of 10
 * for each value (lr_t_score_view).
 * A new device cookie: the device hierarchy has one level, (10 + 1) / 1,
 * 10 * log10(11) = 10.4 -> 10 points.
 * A new browser family on the same OS: device class and OS are habitual,
 * p_pop = 11 / 20 = 0.55, ratio = 11 * 0.55 / 10.55 ~ 0.57346 each; the
 * family is unseen: 11; the version below it: 1. Product ~ 3.6174,
 * 10 * log10 ~ 5.58 -> 6 points (cap 10).
 */
static void
test_engine_device_browser(void **state)
{
    lr_login    home, l;
    lr_config   cfg;
    lr_verdict  v;
    lr_profile  p;

    (void) state;

    lr_config_default(&cfg);
    lr_t_login(&home, LR_T0);
    lr_t_profile(&p, &home, 10);

    l = home;
    l.time_ms += LR_T_HOUR;
    l.device_id = "dev-new";
    l.device_attrs = FP_Z;
    lr_t_score_view(&cfg, &l, &p, 10, NULL, &v);
    assert_int_equal(lr_t_points(&v, LR_REASON_UNUSUAL_DEVICE), 10);
    assert_false(lr_t_has(&v, LR_REASON_UNUSUAL_NETWORK));

    /* no cookie: the fingerprint decides, and it is known */
    l.device_id = NULL;
    l.device_attrs = FP_A;
    lr_t_score_view(&cfg, &l, &p, 10, NULL, &v);
    assert_false(lr_t_has(&v, LR_REASON_UNUSUAL_DEVICE));

    l = home;
    l.time_ms += LR_T_HOUR;
    l.ua.family = "Firefox";
    lr_t_score_view(&cfg, &l, &p, 10, NULL, &v);
    assert_int_equal(lr_t_points(&v, LR_REASON_UNUSUAL_BROWSER), 6);
    assert_int_equal((int) floor(10 * log10(11 * 0.55 / 10.55 * 11 * 0.55
                                            / 10.55 * 11) + 0.5), 6);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup(test_habitual, setup),
        cmocka_unit_test(test_occasional),
        cmocka_unit_test_setup(test_unseen_ip_in_seen_prefix, setup),
        cmocka_unit_test_setup(test_unseen_asn_in_seen_country, setup),
        cmocka_unit_test_setup(test_unseen_country_ignores_population, setup),
        cmocka_unit_test(test_unseen_grows_with_history),
        cmocka_unit_test_setup(test_alpha, setup),
        cmocka_unit_test_setup(test_no_opinion, setup),
        cmocka_unit_test(test_engine_points),
        cmocka_unit_test(test_engine_device_browser),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
