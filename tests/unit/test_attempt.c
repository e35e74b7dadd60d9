/*
 * A challenged attempt as bytes (lr_attempt.h): what the step-up learns
 * must come back exactly, and anything else must be refused.
 */

#include "lr_test.h"

#include "lr_attempt.h"


static void
full_attempt(lr_attempt *a)
{
    unsigned  i;

    memset(a, 0, sizeof(*a));

    for (i = 0; i < LR_F_COUNT; i++) {
        a->f.v[i] = 0x8877665544332211ULL + i;
    }

    a->time_ms = 1700000000123LL;
    a->has_location = 1;
    a->lat = -23.5475;
    a->lon = -46.6361;
}


static void
test_round_trip(void **state)
{
    lr_attempt     a, b;
    unsigned char  buf[LR_ATTEMPT_SIZE];

    (void) state;

    full_attempt(&a);
    lr_attempt_encode(&a, buf);
    assert_int_equal(lr_attempt_decode(buf, sizeof(buf), &b), 0);
    assert_memory_equal(&a.f, &b.f, sizeof(a.f));
    assert_true(b.time_ms == a.time_ms);
    assert_int_equal(b.has_location, 1);
    assert_true(b.lat == a.lat && b.lon == a.lon);

    /* little-endian on the wire, whatever the machine */
    assert_int_equal(buf[1], 0x11);
    assert_int_equal(buf[8], 0x88);
}


static void
test_refused(void **state)
{
    size_t         len;
    lr_attempt     a, b;
    unsigned char  buf[LR_ATTEMPT_SIZE + 1];

    (void) state;

    full_attempt(&a);
    lr_attempt_encode(&a, buf);

    /* every other length */
    for (len = 0; len <= LR_ATTEMPT_SIZE + 1; len++) {
        if (len != LR_ATTEMPT_SIZE) {
            assert_int_equal(lr_attempt_decode(buf, len, &b), -1);
        }
    }

    /* a version it does not know */
    buf[0] = 2;
    assert_int_equal(lr_attempt_decode(buf, LR_ATTEMPT_SIZE, &b), -1);

    /* a place off the globe, a negative time */
    a.lat = 91.0;
    lr_attempt_encode(&a, buf);
    assert_int_equal(lr_attempt_decode(buf, LR_ATTEMPT_SIZE, &b), -1);

    full_attempt(&a);
    a.time_ms = -1;
    lr_attempt_encode(&a, buf);
    assert_int_equal(lr_attempt_decode(buf, LR_ATTEMPT_SIZE, &b), -1);

    /* refused means zeroed */
    assert_int_equal(b.time_ms, 0);
    assert_int_equal(b.f.v[0], 0);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
