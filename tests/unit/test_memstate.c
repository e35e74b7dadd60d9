/*
 * The in-memory store (lr_memstate.h): what a read returns before and
 * after writes, profile and population learning, counters and their
 * windows, distinct-member counting, and growth to many keys. Writes are
 * built by hand here, so that the store is tested on its own (what the
 * engine decides to write is test_engine.c's business).
 */

#include "lr_engine_test.h"


static lr_t_env  env;           /* a new store for each test */
static lr_keys   u7;            /* the login most tests write and read */


/* keys of a login: user u, feature values base + i, counter keys
 * 1000 + i */
static void
keys_of(lr_keys *k, uint64_t u, uint64_t base)
{
    unsigned  i;

    memset(k, 0, sizeof(*k));
    k->user = u;

    for (i = 0; i < LR_F_COUNT; i++) {
        k->f.v[i] = base + i;
    }

    for (i = 0; i < LR_C_COUNT; i++) {
        k->counter[i] = 1000 + i;
    }
}


static int
setup(void **state)
{
    (void) state;

    lr_t_env_init(&env);
    keys_of(&u7, 7, 100);

    return 0;
}


static int
teardown(void **state)
{
    (void) state;

    lr_t_env_free(&env);

    return 0;
}


static void
read_view(const lr_keys *k, int64_t now, lr_view *v)
{
    /* garbage first: a read must set every field */
    memset(v, 0xa5, sizeof(*v));
    assert_int_equal(env.st.read(env.st.impl, k, now, 180 * LR_T_DAY, v), 0);
}


/* the value of counter c for keys k, read at now */
static uint32_t
counter_at(const lr_keys *k, int64_t now, lr_counter c)
{
    lr_view  v;

    read_view(k, now, &v);

    return v.counter[c];
}


/* Every counter of v is want's, the report naming the first that is not;
 * what says when. */
static void
check_counters(const char *what, const lr_view *v,
    const uint32_t want[LR_C_COUNT])
{
    unsigned  i;

    for (i = 0; i < LR_C_COUNT; i++) {
        if (v->counter[i] != want[i]) {
            print_error("%s: counter %u is %u, want %u\n", what, i,
                        v->counter[i], want[i]);
        }
        assert_int_equal(v->counter[i], want[i]);
    }
}


static void
writes_learn(lr_writes *w, const lr_keys *k, int64_t t)
{
    memset(w, 0, sizeof(*w));
    w->time_ms = t;
    w->user = k->user;
    w->learn = 1;
    w->f = k->f;
    w->has_location = 1;
    w->lat = LR_TOKYO_LAT;
    w->lon = LR_TOKYO_LON;
    w->profile_values = 16;
    w->profile_max_age_ms = 180 * LR_T_DAY;
}


/* A counter increment of counter c (key key) in a window of window_s,
 * member 0 (plain count) unless given. */
static void
writes_incr(lr_writes *w, int64_t t, lr_counter c, uint64_t key,
    uint32_t window_s, uint64_t member)
{
    memset(w, 0, sizeof(*w));
    w->time_ms = t;
    w->incr[c] = key;
    w->window_s[c] = window_s;
    w->member[c] = member;
}


static void
apply(const lr_writes *w)
{
    assert_int_equal(env.st.apply(env.st.impl, w), 0);
}


static void
test_empty_read(void **state)
{
    unsigned  i;
    lr_keys   k;
    lr_view   v;

    static const uint32_t  zero[LR_C_COUNT];

    (void) state;

    read_view(&u7, LR_T0, &v);

    assert_null(v.profile);
    assert_true(v.pop_total == 0);
    for (i = 0; i < LR_F_COUNT; i++) {
        assert_true(v.pop[i] == 0);
    }
    check_counters("empty", &v, zero);

    /* no user, no feature values, no counter keys */
    memset(&k, 0, sizeof(k));
    read_view(&k, LR_T0, &v);
    assert_null(v.profile);
    assert_true(v.pop_total == 0);
}


/* A success teaches the user's profile and the population. */
static void
test_learn(void **state)
{
    unsigned    i;
    lr_keys     b, a2;
    lr_view     v;
    lr_writes   w;

    (void) state;

    writes_learn(&w, &u7, LR_T0);
    apply(&w);

    read_view(&u7, LR_T0 + 1000, &v);
    assert_non_null(v.profile);
    assert_int_equal(v.profile->successes, 1);
    assert_true(v.profile->last_ms == LR_T0);
    assert_int_equal(v.profile->last_has_location, 1);
    assert_true(v.pop_total == 1);
    for (i = 0; i < LR_F_COUNT; i++) {
        assert_true(v.pop[i] == 1);
        assert_int_equal(lr_profile_count(v.profile, (lr_feature) i,
                                          100 + i), 1);
    }

    /* user 8 shares the first five values (base 100 vs 100: same), then
     * differs: keys_of(b, 8, 100) with the last five changed */
    keys_of(&b, 8, 100);
    for (i = 5; i < LR_F_COUNT; i++) {
        b.f.v[i] = 200 + i;
    }
    writes_learn(&w, &b, LR_T0 + 2000);
    apply(&w);

    read_view(&b, LR_T0 + 3000, &v);
    assert_int_equal(v.profile->successes, 1);
    assert_true(v.pop_total == 2);
    for (i = 0; i < LR_F_COUNT; i++) {
        assert_true(v.pop[i] == (i < 5 ? 2 : 1));
    }

    /* user 7 again: 2 successes; a value nobody used counts 0 */
    writes_learn(&w, &u7, LR_T0 + 4000);
    apply(&w);
    a2 = u7;
    a2.f.v[LR_F_IP] = 999;
    read_view(&a2, LR_T0 + 5000, &v);
    assert_int_equal(v.profile->successes, 2);
    assert_true(v.pop_total == 3);
    assert_true(v.pop[LR_F_COUNTRY] == 3);
    assert_true(v.pop[LR_F_IP] == 0);
    assert_true(v.pop[LR_F_DEVICE] == 2);

    /* an unknown value (0) has no population count */
    a2.f.v[LR_F_DEVICE] = 0;
    read_view(&a2, LR_T0 + 5000, &v);
    assert_true(v.pop[LR_F_DEVICE] == 0);

    /* a value 0 in a write is not learnt */
    keys_of(&b, 9, 300);
    b.f.v[LR_F_FINGERPRINT] = 0;
    writes_learn(&w, &b, LR_T0 + 6000);
    apply(&w);
    read_view(&b, LR_T0 + 7000, &v);
    assert_int_equal(v.profile->n[LR_F_FINGERPRINT], 0);
    assert_int_equal(v.profile->n[LR_F_DEVICE], 1);
}


/* Without learn, or without a user, no profile; learn without a user
 * still counts in the population (the store does what it is told). */
static void
test_no_learn(void **state)
{
    unsigned   i;
    lr_view    v;
    lr_writes  w;

    (void) state;

    /* i = 0: learn cleared; i = 1: no user, which is the first login
     * the population counts */
    for (i = 0; i < 2; i++) {
        writes_learn(&w, &u7, LR_T0);
        if (i == 0) {
            w.learn = 0;
        } else {
            w.user = 0;
        }
        apply(&w);

        read_view(&u7, LR_T0, &v);
        assert_null(v.profile);
        assert_true(v.pop_total == i);
    }
}


/* Through the engine: failures feed the counters, not the profile; a
 * success clears the user's and the IP+user's failures. */
static void
test_failures_and_reset(void **state)
{
    unsigned   i;
    lr_login   l;
    lr_view    v;

    /* 3 failures: every failure counter at 3, one distinct user */
    static const uint32_t  failed[LR_C_COUNT] = {
        [LR_C_IP_FAILURES] = 3, [LR_C_USER_FAILURES] = 3,
        [LR_C_DEVICE_FAILURES] = 3, [LR_C_IP_USER_FAILURES] = 3,
        [LR_C_IP_USERS] = 1, [LR_C_DEVICE_USERS] = 1,
    };
    /* then a success: the user's and the IP+user's cleared */
    static const uint32_t  succeeded[LR_C_COUNT] = {
        [LR_C_IP_FAILURES] = 3, [LR_C_USER_FAILURES] = 0,
        [LR_C_DEVICE_FAILURES] = 3, [LR_C_IP_USER_FAILURES] = 0,
        [LR_C_IP_USERS] = 1, [LR_C_DEVICE_USERS] = 1,
    };

    (void) state;

    lr_t_login(&l, LR_T0);

    for (i = 0; i < 3; i++) {
        l.time_ms = LR_T0 + i * 1000;
        lr_t_learn(&env, &l, 0);
    }

    lr_t_read(&env, &l, &v);
    assert_null(v.profile);
    assert_true(v.pop_total == 0);
    check_counters("after 3 failures", &v, failed);

    l.time_ms = LR_T0 + 5000;
    lr_t_learn(&env, &l, 1);

    lr_t_read(&env, &l, &v);
    assert_non_null(v.profile);
    check_counters("after the success", &v, succeeded);

    /* counting starts again, in a new window */
    l.time_ms = LR_T0 + 6000;
    lr_t_learn(&env, &l, 0);
    lr_t_read(&env, &l, &v);
    assert_int_equal(v.counter[LR_C_USER_FAILURES], 1);
    assert_int_equal(v.counter[LR_C_IP_USER_FAILURES], 1);
    assert_int_equal(v.counter[LR_C_IP_FAILURES], 4);

    /* a reset of a counter that was never written is harmless */
    l.user = "nobody";
    lr_t_learn(&env, &l, 1);
    lr_t_read(&env, &l, &v);
    assert_int_equal(v.counter[LR_C_USER_FAILURES], 0);
}


/* A window opens with its first event and lasts window_s: a read at its
 * end returns 0, and the next event opens a new one. */
static void
test_window(void **state)
{
    lr_writes  w;

    (void) state;

    writes_incr(&w, LR_T0, LR_C_IP_FAILURES, u7.counter[LR_C_IP_FAILURES],
                60, 0);
    apply(&w);
    w.time_ms = LR_T0 + 30000;
    apply(&w);
    w.time_ms = LR_T0 + 59999;
    apply(&w);

    assert_int_equal(counter_at(&u7, LR_T0 + 59999, LR_C_IP_FAILURES), 3);
    /* the others are untouched */
    assert_int_equal(counter_at(&u7, LR_T0 + 59999, LR_C_USER_FAILURES), 0);

    /* the window opened at T0 ends at T0 + 60 s, whatever came later */
    assert_int_equal(counter_at(&u7, LR_T0 + 60000, LR_C_IP_FAILURES), 0);

    w.time_ms = LR_T0 + 70000;
    apply(&w);
    assert_int_equal(counter_at(&u7, LR_T0 + 70000, LR_C_IP_FAILURES), 1);
    assert_int_equal(counter_at(&u7, LR_T0 + 129999, LR_C_IP_FAILURES), 1);
    assert_int_equal(counter_at(&u7, LR_T0 + 130000, LR_C_IP_FAILURES), 0);
}


/* A counter with members counts distinct members: the same one twice
 * counts once; past the members remembered it keeps counting. */
static void
test_distinct(void **state)
{
    uint64_t   m, key;
    lr_writes  w;

    (void) state;

    key = u7.counter[LR_C_IP_USERS];

    for (m = 1; m <= 3; m++) {
        writes_incr(&w, LR_T0 + (int64_t) m, LR_C_IP_USERS, key, 3600, m);
        apply(&w);
        apply(&w);
    }

    writes_incr(&w, LR_T0 + 10, LR_C_IP_USERS, key, 3600, 2);
    apply(&w);

    assert_int_equal(counter_at(&u7, LR_T0 + 100, LR_C_IP_USERS), 3);

    /* 40 distinct in all */
    for (m = 4; m <= 40; m++) {
        writes_incr(&w, LR_T0 + 100 + (int64_t) m, LR_C_IP_USERS, key, 3600,
                    m);
        apply(&w);
    }

    assert_int_equal(counter_at(&u7, LR_T0 + 1000, LR_C_IP_USERS), 40);

    /* the window (opened at T0 + 1 ms) ends: members are forgotten with
     * it; a millisecond before, member 1 is still counted */
    writes_incr(&w, LR_T0 + 3600000, LR_C_IP_USERS, key, 3600, 1);
    apply(&w);
    assert_int_equal(counter_at(&u7, LR_T0 + 3600000, LR_C_IP_USERS), 40);

    w.time_ms = LR_T0 + 3600001;
    apply(&w);
    assert_int_equal(counter_at(&u7, LR_T0 + 3600001, LR_C_IP_USERS), 1);
}


/* Reset and increment of one counter in one write: cleared first. */
static void
test_reset_then_incr(void **state)
{
    lr_writes  w;

    (void) state;

    writes_incr(&w, LR_T0, LR_C_USER_FAILURES,
                u7.counter[LR_C_USER_FAILURES], 3600, 0);
    apply(&w);
    apply(&w);

    w.reset[LR_C_USER_FAILURES] = u7.counter[LR_C_USER_FAILURES];
    apply(&w);
    assert_int_equal(counter_at(&u7, LR_T0 + 1, LR_C_USER_FAILURES), 1);
}


/* The profile a read returns is aged as of the read's time. */
static void
test_read_ages(void **state)
{
    lr_view    v;
    lr_writes  w;

    (void) state;

    writes_learn(&w, &u7, LR_T0);
    apply(&w);

    read_view(&u7, LR_T0 + 180 * LR_T_DAY, &v);
    assert_non_null(v.profile);

    read_view(&u7, LR_T0 + 181 * LR_T_DAY, &v);
    assert_null(v.profile);

    /* the population does not age */
    assert_true(v.pop_total == 1);
    assert_true(v.pop[LR_F_COUNTRY] == 1);
}


/* 100,000 users learnt, 100,000 counter keys: the tables grow and keep
 * every entry. */
static void
test_growth(void **state)
{
    uint64_t   u;
    lr_keys    k;
    lr_view    v;
    lr_writes  w;

    (void) state;

    for (u = 1; u <= 100000; u++) {
        /* each user its own IP (a new population value), one shared
         * country */
        keys_of(&k, u * 0x9e3779b97f4a7c15ull, 100);
        k.f.v[LR_F_IP] = u * 0xc2b2ae3d27d4eb4full;
        writes_learn(&w, &k, LR_T0 + (int64_t) u);
        w.incr[LR_C_USER_FAILURES] = u * 0x165667b19e3779f9ull;
        w.window_s[LR_C_USER_FAILURES] = 3600;
        apply(&w);
    }

    for (u = 1; u <= 100000; u += 997) {
        keys_of(&k, u * 0x9e3779b97f4a7c15ull, 100);
        k.f.v[LR_F_IP] = u * 0xc2b2ae3d27d4eb4full;
        k.counter[LR_C_USER_FAILURES] = u * 0x165667b19e3779f9ull;
        read_view(&k, LR_T0 + 200000, &v);

        assert_non_null(v.profile);
        assert_int_equal(v.profile->successes, 1);
        assert_int_equal(lr_profile_count(v.profile, LR_F_IP,
                                          k.f.v[LR_F_IP]), 1);
        assert_true(v.profile->last_ms == LR_T0 + (int64_t) u);
        assert_true(v.pop[LR_F_IP] == 1);
        assert_true(v.pop[LR_F_COUNTRY] == 100000);
        assert_true(v.pop_total == 100000);
        assert_int_equal(v.counter[LR_C_USER_FAILURES], 1);
    }

    /* and one never written is still absent */
    keys_of(&k, 12345, 100);
    read_view(&k, LR_T0 + 200000, &v);
    assert_null(v.profile);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_empty_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_learn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_learn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failures_and_reset, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_distinct, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_then_incr, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_read_ages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_growth, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
