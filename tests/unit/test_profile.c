/*
 * The user profile (lr_profile.h): counts and last-seen times per value,
 * bounded (the least recently seen value makes room), aged (values not
 * seen for max_age are dropped), and the time and place of the last
 * success.
 */

#include "lr_engine_test.h"


#define MAX_AGE  (180 * LR_T_DAY)


/* A success with feats(value), at time t. */
typedef struct {
    uint64_t  value;
    int64_t   t;
} sighting;


/* What a profile should count of feats(value)'s value of a feature. */
typedef struct {
    uint64_t  value;
    uint32_t  count;
} value_count;


/* features whose every level is value + the feature's index, so two
 * logins with different values differ at every level; device and
 * fingerprint absent (0) when value is odd */
static void
feats(lr_features *f, uint64_t value)
{
    unsigned  i;

    for (i = 0; i < LR_F_COUNT; i++) {
        f->v[i] = value * 100 + i + 1;
    }

    if (value % 2) {
        f->v[LR_F_DEVICE] = 0;
        f->v[LR_F_FINGERPRINT] = 0;
    }
}


static void
learn(lr_profile *p, uint64_t value, int64_t t, uint32_t max_values)
{
    lr_features  f;

    feats(&f, value);
    lr_profile_learn(p, &f, t, 0, 0, 0, max_values);
}


/* learn() each sighting in turn */
static void
learn_all(lr_profile *p, const sighting *s, size_t n, uint32_t max_values)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        learn(p, s[i].value, s[i].t, max_values);
    }
}


/* the count of feats(value)'s value of a feature */
static uint32_t
count(const lr_profile *p, lr_feature feature, uint64_t value)
{
    return lr_profile_count(p, feature, value * 100 + feature + 1);
}


/* count() of each row's value is the row's count; the report names the
 * row that is not. */
static void
check_counts(const lr_profile *p, lr_feature feature,
    const value_count *rows, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if (count(p, feature, rows[i].value) != rows[i].count) {
            print_error("row %zu: %s of value %llu counts %u, want %u\n", i,
                        lr_feature_name(feature),
                        (unsigned long long) rows[i].value,
                        count(p, feature, rows[i].value), rows[i].count);
        }
        assert_int_equal(count(p, feature, rows[i].value), rows[i].count);
    }
}


/* the last-seen time of feats(value)'s value of a feature, 0: not kept */
static int64_t
last_seen(const lr_profile *p, lr_feature feature, uint64_t value)
{
    unsigned  i;
    uint32_t  v32;

    v32 = (uint32_t) (value * 100 + feature + 1);

    for (i = 0; i < p->used; i++) {
        if (p->value[i].feature == feature && p->value[i].value == v32) {
            return p->value[i].last_ms;
        }
    }

    return 0;
}


static void
test_learn_counts(void **state)
{
    lr_profile  p;

    static const sighting  seen[] = {
        { 2, LR_T0 }, { 2, LR_T0 + 1000 }, { 4, LR_T0 + 2000 },
    };
    static const value_count  ips[] = { { 2, 2 }, { 4, 1 }, { 6, 0 } };

    (void) state;

    memset(&p, 0, sizeof(p));
    learn_all(&p, seen, LR_NELEMS(seen), 16);

    assert_int_equal(p.successes, 3);
    assert_int_equal(p.n[LR_F_IP], 2);
    check_counts(&p, LR_F_IP, ips, LR_NELEMS(ips));
    assert_int_equal(count(&p, LR_F_DEVICE, 2), 2);
    assert_int_equal(lr_profile_total(&p, LR_F_IP), 3);
    assert_int_equal(lr_profile_total(&p, LR_F_COUNTRY), 3);

    /* last seen, per value */
    assert_true(last_seen(&p, LR_F_IP, 2) == LR_T0 + 1000);
    assert_true(last_seen(&p, LR_F_IP, 4) == LR_T0 + 2000);

    /* 0 is unknown: never counted, never learnt */
    assert_int_equal(lr_profile_count(&p, LR_F_IP, 0), 0);

    learn(&p, 3, LR_T0 + 3000, 16);
    assert_int_equal(p.successes, 4);
    assert_int_equal(p.n[LR_F_DEVICE], 2);
    assert_int_equal(p.n[LR_F_FINGERPRINT], 2);
    assert_int_equal(lr_profile_total(&p, LR_F_DEVICE), 3);
    assert_int_equal(lr_profile_total(&p, LR_F_IP), 4);

    /* an empty profile */
    memset(&p, 0, sizeof(p));
    assert_int_equal(lr_profile_total(&p, LR_F_IP), 0);
    assert_int_equal(count(&p, LR_F_IP, 2), 0);
}


/* The last success's time and place; a late-arriving older success does
 * not move them back. */
static void
test_last_success(void **state)
{
    lr_profile   p;
    lr_features  f;

    (void) state;

    memset(&p, 0, sizeof(p));
    assert_true(p.last_ms == 0);

    feats(&f, 2);
    lr_profile_learn(&p, &f, LR_T0, 1, LR_TOKYO_LAT, LR_TOKYO_LON, 16);
    assert_true(p.last_ms == LR_T0);
    assert_int_equal(p.last_has_location, 1);
    assert_true(p.last_lat == LR_TOKYO_LAT && p.last_lon == LR_TOKYO_LON);

    lr_profile_learn(&p, &f, LR_T0 + LR_T_DAY, 1, LR_LONDON_LAT,
                     LR_LONDON_LON, 16);
    assert_true(p.last_ms == LR_T0 + LR_T_DAY);
    assert_true(p.last_lat == LR_LONDON_LAT && p.last_lon == LR_LONDON_LON);

    /* older than the last one: counted, but the last place stays */
    lr_profile_learn(&p, &f, LR_T0 + LR_T_HOUR, 1, LR_TOKYO_LAT,
                     LR_TOKYO_LON, 16);
    assert_int_equal(p.successes, 3);
    assert_int_equal(count(&p, LR_F_IP, 2), 3);
    assert_true(p.last_ms == LR_T0 + LR_T_DAY);
    assert_true(p.last_lat == LR_LONDON_LAT);

    /* nor the value's last-seen time */
    assert_true(last_seen(&p, LR_F_IP, 2) == LR_T0 + LR_T_DAY);

    /* a success without a place: the last place is unknown now */
    lr_profile_learn(&p, &f, LR_T0 + 2 * LR_T_DAY, 0, 0, 0, 16);
    assert_true(p.last_ms == LR_T0 + 2 * LR_T_DAY);
    assert_int_equal(p.last_has_location, 0);
}


/* At most max_values values per feature: the least recently seen one
 * makes room, the counts of the others stay. */
static void
test_eviction(void **state)
{
    lr_profile  p;

    /* A=2 (t1), B=4 (t2), C=6 (t3), A again (t4), C again (t5) */
    static const sighting  seen[] = {
        { 2, LR_T0 + 1 }, { 4, LR_T0 + 2 }, { 6, LR_T0 + 3 },
        { 2, LR_T0 + 4 }, { 6, LR_T0 + 5 },
    };
    static const value_count  abc[] = { { 2, 2 }, { 4, 1 }, { 6, 2 } };
    /* D=8: B is the least recently seen (t2), though not the least
     * counted alone */
    static const value_count  acd[] = {
        { 4, 0 }, { 2, 2 }, { 6, 2 }, { 8, 1 },
    };
    /* B comes back: it starts again from 1, and A (t4) makes room */
    static const value_count  bcd[] = {
        { 4, 1 }, { 2, 0 }, { 6, 2 }, { 8, 1 },
    };

    (void) state;

    memset(&p, 0, sizeof(p));

    learn_all(&p, seen, LR_NELEMS(seen), 3);
    assert_int_equal(p.n[LR_F_IP], 3);
    check_counts(&p, LR_F_IP, abc, LR_NELEMS(abc));

    learn(&p, 8, LR_T0 + 6, 3);
    assert_int_equal(p.n[LR_F_IP], 3);
    check_counts(&p, LR_F_IP, acd, LR_NELEMS(acd));
    assert_int_equal(p.successes, 6);

    /* every feature is bounded alike */
    assert_int_equal(p.n[LR_F_COUNTRY], 3);
    assert_int_equal(count(&p, LR_F_COUNTRY, 4), 0);

    learn(&p, 4, LR_T0 + 7, 3);
    check_counts(&p, LR_F_IP, bcd, LR_NELEMS(bcd));
}


/* max_values above LR_PROFILE_VALUES is LR_PROFILE_VALUES; the 17th value
 * evicts the first. */
static void
test_eviction_bound(void **state)
{
    uint64_t    v;
    lr_profile  p;

    static const value_count  ips[] = {
        { 2 * 24, 0 }, { 2 * 25, 1 }, { 2 * 40, 1 },
    };

    (void) state;

    memset(&p, 0, sizeof(p));

    for (v = 1; v <= 40; v++) {
        learn(&p, v * 2, LR_T0 + (int64_t) v, 1000);
        assert_true(p.n[LR_F_IP] <= LR_PROFILE_VALUES);
    }

    assert_int_equal(p.n[LR_F_IP], LR_PROFILE_VALUES);
    check_counts(&p, LR_F_IP, ips, LR_NELEMS(ips));
    assert_int_equal(lr_profile_total(&p, LR_F_IP), LR_PROFILE_VALUES);
    assert_int_equal(p.successes, 40);
}


/* Values not seen for max_age are dropped; exactly max_age old stays. */
static void
test_expire(void **state)
{
    lr_profile  p;

    /* A twice (last at T0 + 1 s), B on day 10, C on day 20 */
    static const sighting  seen[] = {
        { 2, LR_T0 }, { 2, LR_T0 + 1000 }, { 4, LR_T0 + 10 * LR_T_DAY },
        { 6, LR_T0 + 20 * LR_T_DAY },
    };
    static const value_count  bc[] = { { 2, 0 }, { 4, 1 }, { 6, 1 } };

    (void) state;

    memset(&p, 0, sizeof(p));
    learn_all(&p, seen, LR_NELEMS(seen), 16);
    assert_int_equal(p.successes, 4);

    /* A (last seen at T0 + 1 s) is exactly max_age old: kept */
    lr_profile_expire(&p, LR_T0 + 1000 + MAX_AGE, MAX_AGE);
    assert_int_equal(count(&p, LR_F_IP, 2), 2);
    assert_int_equal(p.successes, 4);

    /* a millisecond later A is gone, with both its logins */
    lr_profile_expire(&p, LR_T0 + 1001 + MAX_AGE, MAX_AGE);
    check_counts(&p, LR_F_IP, bc, LR_NELEMS(bc));
    assert_int_equal(count(&p, LR_F_COUNTRY, 2), 0);
    assert_int_equal(count(&p, LR_F_DEVICE, 2), 0);
    assert_int_equal(p.n[LR_F_IP], 2);
    assert_int_equal(p.n[LR_F_COUNTRY], 2);
    assert_int_equal(p.successes, 2);
    assert_true(p.last_ms == LR_T0 + 20 * LR_T_DAY);

    /* B next, then C */
    lr_profile_expire(&p, LR_T0 + 10 * LR_T_DAY + MAX_AGE + 1, MAX_AGE);
    assert_int_equal(count(&p, LR_F_IP, 4), 0);
    assert_int_equal(count(&p, LR_F_IP, 6), 1);
    assert_int_equal(p.successes, 1);

    /* everything old: empty, no last success */
    lr_profile_expire(&p, LR_T0 + 400 * LR_T_DAY, MAX_AGE);
    assert_int_equal(p.successes, 0);
    assert_true(p.last_ms == 0);
    assert_int_equal(p.last_has_location, 0);
    for (unsigned f = 0; f < LR_F_COUNT; f++) {
        assert_int_equal(p.n[f], 0);
    }

    /* an empty profile stays empty, and learns again */
    lr_profile_expire(&p, LR_T0 + 800 * LR_T_DAY, MAX_AGE);
    assert_int_equal(p.successes, 0);
    learn(&p, 8, LR_T0 + 800 * LR_T_DAY, 16);
    assert_int_equal(p.successes, 1);
    assert_int_equal(count(&p, LR_F_IP, 8), 1);
}


/* Expiry is by each value's last sighting: a value seen again stays
 * however old its first sighting; one evicted and seen again is as new.
 * A scan that finds nothing too old changes nothing. */
static void
test_expire_last_seen(void **state)
{
    lr_profile  p, before;

    /* A on day 0 and day 100, B on day 1 */
    static const sighting  seen[] = {
        { 2, LR_T0 }, { 4, LR_T0 + LR_T_DAY }, { 2, LR_T0 + 100 * LR_T_DAY },
    };

    (void) state;

    memset(&p, 0, sizeof(p));
    learn_all(&p, seen, LR_NELEMS(seen), 16);

    memcpy(&before, &p, sizeof(p));
    lr_profile_expire(&p, LR_T0 + 150 * LR_T_DAY, MAX_AGE);
    assert_memory_equal(&p, &before, sizeof(p));

    /* at T0 + 190 days: B (day 1) is too old, A (day 100) is not */
    lr_profile_expire(&p, LR_T0 + 190 * LR_T_DAY, MAX_AGE);
    assert_int_equal(count(&p, LR_F_IP, 2), 2);
    assert_int_equal(count(&p, LR_F_IP, 4), 0);
    assert_int_equal(p.successes, 2);

    /* nothing else is due until A is: no change */
    memcpy(&before, &p, sizeof(p));
    lr_profile_expire(&p, LR_T0 + 280 * LR_T_DAY, MAX_AGE);
    assert_memory_equal(&p, &before, sizeof(p));

    lr_profile_expire(&p, LR_T0 + 281 * LR_T_DAY, MAX_AGE);
    assert_int_equal(p.successes, 0);
}


/* A success reported late (out of order) is counted, but does not make a
 * value look older than it is: it is neither expired nor evicted early. */
static void
test_late_success(void **state)
{
    lr_profile  p;

    static const sighting  a[] = {
        { 2, LR_T0 }, { 2, LR_T0 + 100 * LR_T_DAY },
        { 2, LR_T0 + 10 * LR_T_DAY },                   /* late */
    };
    /* B (day 150), A (day 170), C (day 160, reported late but new), A
     * again reported late (day 120): A stays last seen on day 170, so D
     * evicts B, the least recently seen, not A */
    static const sighting  bacad[] = {
        { 4, LR_T0 + 150 * LR_T_DAY }, { 2, LR_T0 + 170 * LR_T_DAY },
        { 6, LR_T0 + 160 * LR_T_DAY }, { 2, LR_T0 + 120 * LR_T_DAY },
        { 8, LR_T0 + 180 * LR_T_DAY },
    };
    static const value_count  acd[] = {
        { 4, 0 },       /* day 150: oldest */
        { 2, 5 },       /* day 170 */
        { 6, 1 },
        { 8, 1 },
    };

    (void) state;

    memset(&p, 0, sizeof(p));
    learn_all(&p, a, LR_NELEMS(a), 3);
    assert_int_equal(count(&p, LR_F_IP, 2), 3);
    assert_true(last_seen(&p, LR_F_IP, 2) == LR_T0 + 100 * LR_T_DAY);

    /* day 200: A was seen on day 100, it stays */
    lr_profile_expire(&p, LR_T0 + 200 * LR_T_DAY, MAX_AGE);
    assert_int_equal(count(&p, LR_F_IP, 2), 3);

    learn_all(&p, bacad, LR_NELEMS(bacad), 3);
    check_counts(&p, LR_F_IP, acd, LR_NELEMS(acd));
}


/* Through the store: a user back after 200 days is new again. */
static void
test_expire_store(void **state)
{
    unsigned     i;
    lr_t_env    *env = *state;
    lr_login     l;
    lr_verdict   v;

    /* two successes, an hour apart */
    lr_t_login(&l, LR_T0);
    for (i = 0; i < 2; i++) {
        l.time_ms = LR_T0 + i * LR_T_HOUR;
        lr_t_learn(env, &l, 1);
    }

    l.time_ms = LR_T0 + 179 * LR_T_DAY;
    assert_int_equal(lr_t_successes(env, &l), 2);

    /* aged out: no profile at all */
    l.time_ms = LR_T0 + 200 * LR_T_DAY;
    assert_int_equal(lr_t_successes(env, &l), -1);

    /* nothing learnt: nothing is new */
    l.ip = "198.51.100.1";
    lr_t_score(env, &l, &v);
    assert_false(lr_t_has(&v, "new_ip"));

    /* learning again starts a new history */
    lr_t_learn(env, &l, 1);
    assert_int_equal(lr_t_successes(env, &l), 1);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_learn_counts),
        cmocka_unit_test(test_last_success),
        cmocka_unit_test(test_eviction),
        cmocka_unit_test(test_eviction_bound),
        cmocka_unit_test(test_expire),
        cmocka_unit_test(test_expire_last_seen),
        cmocka_unit_test(test_late_success),
        cmocka_unit_test_setup_teardown(test_expire_store, lr_t_env_setup,
                                        lr_t_env_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
