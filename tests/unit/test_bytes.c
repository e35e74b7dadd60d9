#include "lr_test.h"
#include "lr_bytes.h"


/* each value in its little-endian place, and back */
static void
test_layout(void **state)
{
    unsigned char   buf[32], *p;

    (void) state;

    memset(buf, 0xee, sizeof(buf));

    p = buf;
    p = lr_bytes_put_u8(p, 0x1ff);                 /* the low byte only */
    p = lr_bytes_put_u16(p, 0x0201);
    p = lr_bytes_put_u32(p, 0x06050403);
    p = lr_bytes_put_u64(p, 0x0e0d0c0b0a090807ull);
    p = lr_bytes_put_f64(p, -2.0);                 /* 0xc000000000000000 */

    assert_ptr_equal(p, buf + 23);
    assert_memory_equal(buf, "\xff\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a"
                        "\x0b\x0c\x0d\x0e\x00\x00\x00\x00\x00\x00\x00\xc0",
                        23);
    assert_int_equal(buf[23], 0xee);               /* nothing past it */

    assert_int_equal(lr_bytes_get_u16(buf + 1), 0x0201);
    assert_int_equal(lr_bytes_get_u32(buf + 3), 0x06050403);
    assert_true(lr_bytes_get_u64(buf + 7) == 0x0e0d0c0b0a090807ull);
    assert_true(lr_bytes_get_f64(buf + 15) == -2.0);
}


/* the extremes: no sign extension, no lost bits */
static void
test_extremes(void **state)
{
    unsigned char  buf[8];

    (void) state;

    lr_bytes_put_u16(buf, UINT16_MAX);
    assert_int_equal(lr_bytes_get_u16(buf), UINT16_MAX);

    lr_bytes_put_u32(buf, UINT32_MAX);
    assert_true(lr_bytes_get_u32(buf) == UINT32_MAX);
    lr_bytes_put_u32(buf, 0x80000000u);
    assert_memory_equal(buf, "\x00\x00\x00\x80", 4);
    assert_true(lr_bytes_get_u32(buf) == 0x80000000u);

    lr_bytes_put_u64(buf, UINT64_MAX);
    assert_true(lr_bytes_get_u64(buf) == UINT64_MAX);
    lr_bytes_put_u64(buf, 1ull << 63);
    assert_memory_equal(buf, "\x00\x00\x00\x00\x00\x00\x00\x80", 8);
    assert_true(lr_bytes_get_u64(buf) == 1ull << 63);

    lr_bytes_put_f64(buf, 0.1);
    assert_true(lr_bytes_get_f64(buf) == 0.1);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_extremes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
