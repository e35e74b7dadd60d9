#include "lr_test.h"
#include "lr_devattr.h"


/* one laptop, as the collector would describe it */
static const char  *laptop[LR_DEVATTR_CELLS] = {
    "Google Inc. (Intel)\nANGLE (Intel, Mesa Intel(R) UHD Graphics 620)",
    "1920x1080",
    "Europe/Zurich",
    "Linux",
    "8/16",
    "1.25/24",
    "a1b2c3d4",
    "0f1e2d3c",
};


/* A vector of texts; NULL leaves a cell unknown. */
static uint32_t
vector(const char *const text[LR_DEVATTR_CELLS])
{
    unsigned  i;
    uint32_t  v;

    v = 0;

    for (i = 0; i < LR_DEVATTR_CELLS; i++) {
        v = lr_devattr_set(v, (lr_devattr_cell) i,
                           lr_devattr_cell_of(text[i]));
    }

    return v;
}


static unsigned
cell(uint32_t v, lr_devattr_cell c)
{
    return (v >> (4 * (unsigned) c)) & 0xf;
}


static void
test_cell_of(void **state)
{
    size_t       i;
    unsigned     c, seen;
    char         text[32];

    (void) state;

    assert_int_equal(lr_devattr_cell_of(NULL), 0);
    assert_int_equal(lr_devattr_cell_of(""), 0);

    /* 1..15, stable, and spread over all fifteen values */
    seen = 0;

    for (i = 0; i < 200; i++) {
        snprintf(text, sizeof(text), "%zux%zu", 640 + i, 480 + i);
        c = lr_devattr_cell_of(text);
        assert_in_range(c, 1, 15);
        assert_int_equal(c, lr_devattr_cell_of(text));
        seen |= 1u << c;
    }

    assert_int_equal(seen, 0xfffe);
}


static void
test_set(void **state)
{
    uint32_t  v;

    (void) state;

    v = lr_devattr_set(0, LR_DEVATTR_GPU, 0xa);
    assert_int_equal(v, 0xa);

    v = lr_devattr_set(v, LR_DEVATTR_AUDIO, 0x3);
    assert_int_equal(v, 0x3000000a);

    v = lr_devattr_set(v, LR_DEVATTR_TIMEZONE, 0xf);
    assert_int_equal(v, 0x30000f0a);

    /* overwritten, neighbours kept */
    v = lr_devattr_set(v, LR_DEVATTR_TIMEZONE, 0x1);
    assert_int_equal(v, 0x3000010a);

    /* back to unknown */
    v = lr_devattr_set(v, LR_DEVATTR_GPU, 0);
    assert_int_equal(v, 0x30000100);

    /* a value is 4 bits; a cell that does not exist changes nothing */
    assert_int_equal(lr_devattr_set(0, LR_DEVATTR_SCREEN, 0x1f), 0xf0);
    assert_int_equal(lr_devattr_set(0x12345678, (lr_devattr_cell) 8, 5),
                     0x12345678);
}


static void
test_same_vector(void **state)
{
    uint32_t  a;

    (void) state;

    a = vector(laptop);

    assert_int_equal(lr_devattr_similarity(a, a), 1000);
    assert_int_equal(lr_devattr_similarity(0xffffffff, 0xffffffff), 1000);
}


static void
test_browser_update(void **state)
{
    int          s;
    uint32_t     a, b;
    const char  *updated[LR_DEVATTR_CELLS];

    (void) state;

    /* a new browser version renders canvas and audio differently */
    memcpy(updated, laptop, sizeof(updated));
    updated[LR_DEVATTR_CANVAS] = "77aa01fe";
    updated[LR_DEVATTR_AUDIO] = "9c9c0d0d";

    a = vector(laptop);
    b = vector(updated);

    assert_int_not_equal(cell(a, LR_DEVATTR_CANVAS),
                         cell(b, LR_DEVATTR_CANVAS));
    assert_int_not_equal(cell(a, LR_DEVATTR_AUDIO),
                         cell(b, LR_DEVATTR_AUDIO));

    /* 11 of 13 */
    s = lr_devattr_similarity(a, b);
    assert_int_equal(s, 11 * 1000 / 13);
    assert_true(s >= LR_DEVATTR_SAME_DEVICE);
    assert_int_equal(lr_devattr_similarity(b, a), s);

    /* and the zoom level changed too (display) */
    updated[LR_DEVATTR_DISPLAY] = "1.5/24";
    b = vector(updated);
    assert_int_not_equal(cell(a, LR_DEVATTR_DISPLAY),
                         cell(b, LR_DEVATTR_DISPLAY));
    assert_int_equal(lr_devattr_similarity(a, b), 10 * 1000 / 13);
    assert_true(lr_devattr_similarity(a, b) >= LR_DEVATTR_SAME_DEVICE);
}


static void
test_other_device(void **state)
{
    int          s;
    uint32_t     a, b;
    unsigned     i;
    const char  *other[LR_DEVATTR_CELLS];

    (void) state;

    /* same OS, same browser build, but another GPU, screen and place */
    memcpy(other, laptop, sizeof(other));
    other[LR_DEVATTR_GPU] = "Google Inc. (NVIDIA)\n"
                            "ANGLE (NVIDIA, NVIDIA GeForce RTX 3060)";
    other[LR_DEVATTR_SCREEN] = "2560x1440";
    other[LR_DEVATTR_TIMEZONE] = "Asia/Shanghai";

    a = vector(laptop);
    b = vector(other);

    for (i = LR_DEVATTR_GPU; i <= LR_DEVATTR_TIMEZONE; i++) {
        assert_int_not_equal(cell(a, (lr_devattr_cell) i),
                             cell(b, (lr_devattr_cell) i));
    }

    /* 6 of 13 */
    s = lr_devattr_similarity(a, b);
    assert_int_equal(s, 6 * 1000 / 13);
    assert_true(s < LR_DEVATTR_SAME_DEVICE);

    /* the GPU alone weighs 3 */
    other[LR_DEVATTR_SCREEN] = laptop[LR_DEVATTR_SCREEN];
    other[LR_DEVATTR_TIMEZONE] = laptop[LR_DEVATTR_TIMEZONE];
    b = vector(other);
    assert_int_equal(lr_devattr_similarity(a, b), 10 * 1000 / 13);
}


static void
test_too_little_known(void **state)
{
    uint32_t     a, b;
    const char  *some[LR_DEVATTR_CELLS];

    (void) state;

    a = vector(laptop);

    assert_int_equal(lr_devattr_similarity(0, 0), -1);
    assert_int_equal(lr_devattr_similarity(a, 0), -1);
    assert_int_equal(lr_devattr_similarity(0, a), -1);

    /* GPU and screen: 5 of weight, one short */
    memset(some, 0, sizeof(some));
    some[LR_DEVATTR_GPU] = laptop[LR_DEVATTR_GPU];
    some[LR_DEVATTR_SCREEN] = laptop[LR_DEVATTR_SCREEN];
    b = vector(some);
    assert_int_equal(lr_devattr_similarity(a, b), -1);

    /* the four light cells: 4 */
    memcpy(some, laptop, sizeof(some));
    some[LR_DEVATTR_GPU] = NULL;
    some[LR_DEVATTR_SCREEN] = NULL;
    some[LR_DEVATTR_TIMEZONE] = NULL;
    some[LR_DEVATTR_PLATFORM] = NULL;
    b = vector(some);
    assert_int_equal(lr_devattr_similarity(a, b), -1);

    /* GPU, screen and one light cell: exactly the minimum */
    memset(some, 0, sizeof(some));
    some[LR_DEVATTR_GPU] = laptop[LR_DEVATTR_GPU];
    some[LR_DEVATTR_SCREEN] = laptop[LR_DEVATTR_SCREEN];
    some[LR_DEVATTR_HARDWARE] = laptop[LR_DEVATTR_HARDWARE];
    b = vector(some);
    assert_int_equal(lr_devattr_similarity(a, b), 1000);

    /* a cell known on one side only counts for neither */
    some[LR_DEVATTR_HARDWARE] = "4/8";
    b = vector(some);
    assert_int_not_equal(cell(a, LR_DEVATTR_HARDWARE),
                         cell(b, LR_DEVATTR_HARDWARE));
    assert_int_equal(lr_devattr_similarity(a, b), 5 * 1000 / 6);
    assert_int_equal(lr_devattr_similarity(b & 0x0000ffff, a), -1);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_cell_of),
        cmocka_unit_test(test_set),
        cmocka_unit_test(test_same_vector),
        cmocka_unit_test(test_browser_update),
        cmocka_unit_test(test_other_device),
        cmocka_unit_test(test_too_little_known),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
