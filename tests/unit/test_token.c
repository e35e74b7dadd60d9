/* The collector token and the device cookie (lr_token.h, lr_devcookie.h),
 * both signed texts of lr_signed.h (whose form the ticket tests cover). */

#include "lr_test.h"
#include "lr_devcookie.h"
#include "lr_token.h"


#define HEX32  "000102030405060708090a0b0c0d0e0f" \
               "101112131415161718191a1b1c1d1e1f"
#define OTHER  "f0e1d2c3b4a5968778695a4b3c2d1e0f" \
               "0123456789abcdeffedcba9876543210"

/* computed with Python's hmac and base64 modules, key 00 01 .. 1f */
#define VEC_TOKEN \
    "0123456789abcdef0123456789abcdef.1700000000.k1." \
    "U6Fo5TCXWn-Gez1ThvdhZjijIi9Nd4uyAlDzmyXXh2g"
#define VEC_DEVICE \
    "fedcba9876543210fedcba9876543210.k1." \
    "f3QwLwJrQa9SwQJvNRHsdgG_cZSafU5mfZZ0cF_WDx0"

#define NOW    1700000000


static lr_secrets  keys_a;      /* k1 */
static lr_secrets  keys_b;      /* k2 signs, k1 still verifies */
static lr_secrets  keys_c;      /* k2 alone */


static void
load(lr_secrets *s, const char *text)
{
    char  err[128];

    if (lr_secrets_parse(text, strlen(text), s, err, sizeof(err)) != 0) {
        print_error("key file: %s\n", err);
        fail();
    }
}


static int
setup(void **state)
{
    (void) state;

    load(&keys_a, "k1 " HEX32 "\n");
    load(&keys_b, "k2 " OTHER "\nk1 " HEX32 "\n");
    load(&keys_c, "k2 " OTHER "\n");

    return 0;
}


static int
teardown(void **state)
{
    (void) state;

    lr_secrets_wipe(&keys_a);
    lr_secrets_wipe(&keys_b);
    lr_secrets_wipe(&keys_c);

    return 0;
}


/* lr_token_verify on a heap copy of text (a read past len hits ASan); a
 * failure must leave the id "". */
static lr_token_status
token(const lr_secrets *s, const char *text, size_t len, int64_t now,
    char id[LR_TOKEN_ID + 1])
{
    char             *in;
    lr_token_status   st;

    in = lr_heap_copy(text, len);
    memset(id, 'X', LR_TOKEN_ID + 1);
    st = lr_token_verify(s, in, len, now, id);
    free(in);

    if (st != LR_TOKEN_OK) {
        assert_int_equal(id[0], '\0');
    }

    return st;
}


static int
device(const lr_secrets *s, const char *text, size_t len,
    char id[LR_DEVCOOKIE_ID + 1])
{
    int    rc;
    char  *in;

    in = lr_heap_copy(text, len);
    memset(id, 'X', LR_DEVCOOKIE_ID + 1);
    rc = lr_devcookie_verify(s, in, len, id);
    free(in);

    if (rc != 0) {
        assert_int_equal(id[0], '\0');
    }

    return rc;
}


static void
test_token_known_answer(void **state)
{
    char  id[LR_TOKEN_ID + 1];

    (void) state;

    assert_int_equal(token(&keys_a, VEC_TOKEN, strlen(VEC_TOKEN), NOW - 1, id),
                     LR_TOKEN_OK);
    assert_string_equal(id, "0123456789abcdef0123456789abcdef");

    /* the expiry is the first second it is no longer good */
    assert_int_equal(token(&keys_a, VEC_TOKEN, strlen(VEC_TOKEN), NOW, id),
                     LR_TOKEN_EXPIRED);
    assert_int_equal(token(&keys_c, VEC_TOKEN, strlen(VEC_TOKEN), 0, id),
                     LR_TOKEN_UNKNOWN_KEY);
}


static void
test_token_round_trip_and_rotation(void **state)
{
    char    out[LR_TOKEN_MAX], id[LR_TOKEN_ID + 1], got[LR_TOKEN_ID + 1];
    char    other[LR_TOKEN_MAX], id2[LR_TOKEN_ID + 1];
    size_t  n;

    (void) state;

    n = lr_token_make(&keys_b, NOW + 120, id, out, sizeof(out));
    assert_true(n > 0);
    assert_int_equal(n, strlen(out));
    assert_int_equal(strlen(id), LR_TOKEN_ID);
    assert_memory_equal(out, id, LR_TOKEN_ID);
    assert_non_null(strstr(out, ".k2."));

    assert_int_equal(token(&keys_b, out, n, NOW, got), LR_TOKEN_OK);
    assert_string_equal(got, id);
    assert_int_equal(token(&keys_c, out, n, NOW, got), LR_TOKEN_OK);
    assert_int_equal(token(&keys_a, out, n, NOW, got), LR_TOKEN_UNKNOWN_KEY);

    /* ids are random: two tokens never share one */
    assert_true(lr_token_make(&keys_b, NOW + 120, id2, other, sizeof(other))
                > 0);
    assert_string_not_equal(id, id2);

    /* no key, a negative expiry, no room: no token */
    {
        lr_secrets  none;

        memset(&none, 0, sizeof(none));
        assert_int_equal(lr_token_make(&none, NOW, id, out, sizeof(out)), 0);
    }
    assert_int_equal(lr_token_make(&keys_a, -1, id, out, sizeof(out)), 0);
    assert_int_equal(lr_token_make(&keys_a, NOW, id, out, 40), 0);
    assert_string_equal(out, "");
}


static void
test_token_every_byte_change(void **state)
{
    char             buf[sizeof(VEC_TOKEN)], id[LR_TOKEN_ID + 1];
    size_t           i, len;
    lr_token_status  st;

    (void) state;

    len = strlen(VEC_TOKEN);

    for (i = 0; i < len; i++) {
        memcpy(buf, VEC_TOKEN, len + 1);
        buf[i] = buf[i] == 'a' ? 'b' : 'a';

        st = token(&keys_a, buf, len, NOW - 1, id);

        if (st == LR_TOKEN_OK) {
            print_error("byte %zu changed and still verifies\n", i);
        }

        assert_int_not_equal(st, LR_TOKEN_OK);
    }

    /* every truncation, and trailing garbage */
    for (i = 0; i < len; i++) {
        assert_int_not_equal(token(&keys_a, VEC_TOKEN, i, NOW - 1, id),
                             LR_TOKEN_OK);
    }

    memcpy(buf, VEC_TOKEN, len);
    buf[len] = 'x';
    assert_int_not_equal(token(&keys_a, buf, len + 1, NOW - 1, id),
                         LR_TOKEN_OK);
}


static void
test_token_malformed(void **state)
{
    size_t  i;
    char    id[LR_TOKEN_ID + 1];

    static const char  *bad[] = {
        "",
        ".",
        "0123456789ABCDEF0123456789abcdef.1700000000.k1."
            "U6Fo5TCXWn-Gez1ThvdhZjijIi9Nd4uyAlDzmyXXh2g",
        "0123456789abcdef0123456789abcde.1700000000.k1."
            "U6Fo5TCXWn-Gez1ThvdhZjijIi9Nd4uyAlDzmyXXh2g",
        "0123456789abcdef0123456789abcdef..k1."
            "U6Fo5TCXWn-Gez1ThvdhZjijIi9Nd4uyAlDzmyXXh2g",
        "0123456789abcdef0123456789abcdef.1700000000.."
            "U6Fo5TCXWn-Gez1ThvdhZjijIi9Nd4uyAlDzmyXXh2g",
        "0123456789abcdef0123456789abcdef.1700000000.k1."
            "U6Fo5TCXWn-Gez1ThvdhZjijIi9Nd4uyAlDzmyXXh2",
        "0123456789abcdef0123456789abcdef.1700000000.k1."
            "U6Fo5TCXWn+Gez1ThvdhZjijIi9Nd4uyAlDzmyXXh2g",
        "0123456789abcdef0123456789abcdef.1700000000.k1",
        "0123456789abcdef0123456789abcdef.k1."
            "U6Fo5TCXWn-Gez1ThvdhZjijIi9Nd4uyAlDzmyXXh2g",
        "0123456789abcdef0123456789abcdef 1700000000.k1."
            "U6Fo5TCXWn-Gez1ThvdhZjijIi9Nd4uyAlDzmyXXh2g",
    };

    (void) state;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (token(&keys_a, bad[i], strlen(bad[i]), 0, id) == LR_TOKEN_OK) {
            print_error("row %zu verifies: %s\n", i, bad[i]);
            fail();
        }
    }
}


static void
test_device_cookie(void **state)
{
    char    out[LR_DEVCOOKIE_MAX], id[LR_DEVCOOKIE_ID + 1];
    char    got[LR_DEVCOOKIE_ID + 1], buf[sizeof(VEC_DEVICE)];
    size_t  i, n, len;

    (void) state;

    assert_int_equal(device(&keys_a, VEC_DEVICE, strlen(VEC_DEVICE), got), 0);
    assert_string_equal(got, "fedcba9876543210fedcba9876543210");
    assert_int_equal(device(&keys_c, VEC_DEVICE, strlen(VEC_DEVICE), got), -1);

    n = lr_devcookie_make(&keys_b, id, out, sizeof(out));
    assert_true(n > 0);
    assert_int_equal(strlen(id), LR_DEVCOOKIE_ID);
    assert_int_equal(device(&keys_b, out, n, got), 0);
    assert_string_equal(got, id);

    /* a token is no device cookie, nor the other way round */
    assert_int_equal(device(&keys_a, VEC_TOKEN, strlen(VEC_TOKEN), got), -1);
    assert_int_not_equal(token(&keys_a, VEC_DEVICE, strlen(VEC_DEVICE), 0, got),
                         LR_TOKEN_OK);

    /* a client cannot choose its id, nor keep any byte changed */
    len = strlen(VEC_DEVICE);

    for (i = 0; i < len; i++) {
        memcpy(buf, VEC_DEVICE, len + 1);
        buf[i] = buf[i] == 'a' ? 'b' : 'a';
        assert_int_equal(device(&keys_a, buf, len, got), -1);
        assert_int_equal(device(&keys_a, VEC_DEVICE, i, got), -1);
    }

    assert_int_equal(device(&keys_a, "garbage", 7, got), -1);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_token_known_answer),
        cmocka_unit_test(test_token_round_trip_and_rotation),
        cmocka_unit_test(test_token_every_byte_change),
        cmocka_unit_test(test_token_malformed),
        cmocka_unit_test(test_device_cookie),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
