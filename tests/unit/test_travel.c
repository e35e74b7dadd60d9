/*
 * Great-circle distance (lr_travel.h), on a sphere of radius 6,371 km:
 * half the circumference is pi * 6371 = 20,015.09 km.
 */

#include "lr_engine_test.h"
#include "lr_travel.h"


#define HALF_EARTH  (3.14159265358979323846 * 6371.0)


static void
test_known_distances(void **state)
{
    double  km;

    (void) state;

    /* Tokyo - London: ~9,560 km (great circle, mean radius) */
    km = lr_travel_km(LR_TOKYO_LAT, LR_TOKYO_LON, LR_LONDON_LAT,
                      LR_LONDON_LON);
    assert_true(fabs(km - 9560.0) < 95.6);

    /* symmetric */
    LR_NEAR(km, lr_travel_km(LR_LONDON_LAT, LR_LONDON_LON, LR_TOKYO_LAT,
                             LR_TOKYO_LON));

    /* Tokyo - Yokohama: ~27 km, below min_travel_km */
    km = lr_travel_km(LR_TOKYO_LAT, LR_TOKYO_LON, LR_YOKOHAMA_LAT,
                      LR_YOKOHAMA_LON);
    assert_true(km > 20.0 && km < 35.0);

    /* one degree of latitude: 6371 * pi / 180 = 111.195 km */
    LR_NEAR(lr_travel_km(10.0, 20.0, 11.0, 20.0), 6371.0 * 3.14159265358979323846 / 180.0);

    /* one degree of longitude on the equator, the same */
    LR_NEAR(lr_travel_km(0.0, 0.0, 0.0, 1.0), 6371.0 * 3.14159265358979323846 / 180.0);

    /* across the date line: 179 E to 179 W is 2 degrees, not 358 */
    km = lr_travel_km(0.0, 179.0, 0.0, -179.0);
    assert_true(fabs(km - 2 * 111.195) < 0.01);
}


static void
test_zero(void **state)
{
    (void) state;

    assert_true(lr_travel_km(LR_TOKYO_LAT, LR_TOKYO_LON, LR_TOKYO_LAT,
                             LR_TOKYO_LON) == 0.0);
    assert_true(lr_travel_km(0, 0, 0, 0) == 0.0);

    /* the same pole from two longitudes */
    assert_true(lr_travel_km(90.0, 0.0, 90.0, 123.0) < 1e-6);

    /* 180 E and 180 W are one meridian */
    assert_true(lr_travel_km(10.0, 180.0, 10.0, -180.0) < 1e-6);
}


/* Antipodes: half the circumference, never NaN. */
static void
test_antipodes(void **state)
{
    double  km;

    (void) state;

    assert_true(fabs(HALF_EARTH - 20015.09) < 0.01);

    LR_NEAR(lr_travel_km(0.0, 0.0, 0.0, 180.0), HALF_EARTH);
    LR_NEAR(lr_travel_km(90.0, 0.0, -90.0, 0.0), HALF_EARTH);

    km = lr_travel_km(LR_TOKYO_LAT, LR_TOKYO_LON, -LR_TOKYO_LAT,
                      LR_TOKYO_LON - 180.0);
    assert_false(isnan(km));
    /* asin near 1 loses precision: within 10 m */
    assert_true(fabs(km - HALF_EARTH) < 0.01);

    /* no pair is farther apart */
    km = lr_travel_km(12.5, -170.25, -12.5, 9.75);
    assert_true(km <= HALF_EARTH + 1e-6);
    assert_true(km > HALF_EARTH - 0.01);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_known_distances),
        cmocka_unit_test(test_zero),
        cmocka_unit_test(test_antipodes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
