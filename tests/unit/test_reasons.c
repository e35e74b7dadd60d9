#include "lr_test.h"
#include "lr_reasons.h"


/* distinct static codes, "r00".."r49" */
static char  codes[50][4];


static void
fill_codes(void)
{
    int  i;

    for (i = 0; i < 50; i++) {
        codes[i][0] = 'r';
        codes[i][1] = (char) ('0' + i / 10);
        codes[i][2] = (char) ('0' + i % 10);
        codes[i][3] = '\0';
    }
}


/* Empties r, then adds the codes in order; the list ends with NULL. */
static void
reasons_set(lr_reasons *r, ...)
{
    va_list      ap;
    const char  *code;

    memset(r, 0, sizeof(*r));
    va_start(ap, r);

    while ((code = va_arg(ap, const char *)) != NULL) {
        lr_reasons_add(r, code);
    }

    va_end(ap);
}


/* Formats r into buf, first filled with 'X' (size bytes), with cap bytes
 * of room, so the tests see what was written and where it stopped. */
static size_t
format_into(const lr_reasons *r, char *buf, size_t size, size_t cap)
{
    memset(buf, 'X', size);

    return lr_reasons_format(r, buf, cap);
}


static void
test_add_keeps_order(void **state)
{
    lr_reasons  r;

    (void) state;

    reasons_set(&r, LR_REASON_NO_USER, LR_REASON_BAD_BODY, LR_REASON_BAD_USER,
                NULL);

    assert_int_equal(r.n, 3);
    assert_string_equal(r.code[0], "no_user");
    assert_string_equal(r.code[1], "bad_body");
    assert_string_equal(r.code[2], "bad_user");
}


static void
test_add_dedups(void **state)
{
    lr_reasons   r;
    static char  copy[] = "bad_body";   /* same text, other address */

    (void) state;

    reasons_set(&r, LR_REASON_BAD_BODY, LR_REASON_NO_USER, LR_REASON_BAD_BODY,
                copy, LR_REASON_NO_USER, NULL);

    assert_int_equal(r.n, 2);
    assert_string_equal(r.code[0], "bad_body");
    assert_ptr_equal(r.code[0], LR_REASON_BAD_BODY);   /* first one kept */
    assert_string_equal(r.code[1], "no_user");

    /* a prefix or an extension of a code is another code */
    lr_reasons_add(&r, "bad_bod");
    lr_reasons_add(&r, "bad_body_x");
    assert_int_equal(r.n, 4);
    assert_string_equal(r.code[2], "bad_bod");
    assert_string_equal(r.code[3], "bad_body_x");
}


static void
test_add_caps(void **state)
{
    int         i;
    lr_reasons  r;

    (void) state;

    memset(&r, 0, sizeof(r));

    for (i = 0; i < 50; i++) {
        lr_reasons_add(&r, codes[i]);
        assert_int_equal(r.n, i < LR_REASONS_MAX ? (size_t) i + 1
                                                 : LR_REASONS_MAX);
    }

    /* the first LR_REASONS_MAX are kept, in order */
    for (i = 0; i < LR_REASONS_MAX; i++) {
        assert_ptr_equal(r.code[i], codes[i]);
    }

    /* a code already there, added to a full list: no change */
    lr_reasons_add(&r, codes[0]);
    lr_reasons_add(&r, codes[LR_REASONS_MAX - 1]);
    assert_int_equal(r.n, LR_REASONS_MAX);
    assert_ptr_equal(r.code[LR_REASONS_MAX - 1], codes[LR_REASONS_MAX - 1]);
}


static void
test_format(void **state)
{
    char        buf[64];
    size_t      n;
    lr_reasons  r;

    (void) state;

    reasons_set(&r, "a", "bb", "ccc", NULL);

    n = format_into(&r, buf, sizeof(buf), sizeof(buf));
    assert_int_equal(n, 8);
    assert_string_equal(buf, "a,bb,ccc");

    /* exactly enough room: 8 bytes and the NUL */
    n = format_into(&r, buf, sizeof(buf), 9);
    assert_int_equal(n, 8);
    assert_string_equal(buf, "a,bb,ccc");

    /* one byte short, and shorter: 0, and an empty string, no overrun */
    for (n = 1; n <= 8; n++) {
        assert_int_equal(format_into(&r, buf, sizeof(buf), n), 0);
        assert_int_equal(buf[0], '\0');
        assert_int_equal(buf[n], 'X');
    }

    /* cap 0: nothing written */
    assert_int_equal(format_into(&r, buf, sizeof(buf), 0), 0);
    assert_int_equal(buf[0], 'X');

    /* one code: no separator */
    reasons_set(&r, LR_REASON_BODY_TOO_LARGE, NULL);
    n = lr_reasons_format(&r, buf, sizeof(buf));
    assert_int_equal(n, strlen("body_too_large"));
    assert_string_equal(buf, "body_too_large");
}


static void
test_format_empty(void **state)
{
    char        buf[8];
    lr_reasons  r;

    (void) state;

    memset(&r, 0, sizeof(r));

    assert_int_equal(format_into(&r, buf, sizeof(buf), sizeof(buf)), 0);
    assert_int_equal(buf[0], '\0');
    assert_int_equal(buf[1], 'X');

    assert_int_equal(format_into(&r, buf, sizeof(buf), 1), 0);
    assert_int_equal(buf[0], '\0');

    assert_int_equal(format_into(&r, buf, sizeof(buf), 0), 0);
    assert_int_equal(buf[0], 'X');
}


/* A full list of the codes this engine defines and of 30-byte codes fits
 * LR_REASONS_TEXT_MAX. */
static void
test_format_full(void **state)
{
    int          i;
    char         buf[LR_REASONS_TEXT_MAX], want[LR_REASONS_TEXT_MAX];
    size_t       n, o;
    lr_reasons   r;
    static char  longc[LR_REASONS_MAX][31];

    (void) state;

    reasons_set(&r, LR_REASON_NO_USER, LR_REASON_BAD_USER, LR_REASON_BAD_BODY,
                LR_REASON_BODY_TOO_LARGE, LR_REASON_UNSUPPORTED_BODY, NULL);

    n = lr_reasons_format(&r, buf, sizeof(buf));
    assert_string_equal(buf, "no_user,bad_user,bad_body,body_too_large,"
                             "unsupported_body");
    assert_int_equal(n, strlen(buf));

    memset(&r, 0, sizeof(r));
    o = 0;

    for (i = 0; i < LR_REASONS_MAX; i++) {
        /* "code_" + 23 'x' + two digits: 30 bytes */
        memcpy(longc[i], "code_", 5);
        memset(longc[i] + 5, 'x', 23);
        longc[i][28] = (char) ('0' + i / 10);
        longc[i][29] = (char) ('0' + i % 10);
        longc[i][30] = '\0';
        lr_reasons_add(&r, longc[i]);
        o += (size_t) sprintf(want + o, "%s%s", i ? "," : "", longc[i]);
    }

    n = lr_reasons_format(&r, buf, sizeof(buf));
    assert_int_equal(n, o);
    assert_int_equal(n, LR_REASONS_MAX * 31 - 1);
    assert_string_equal(buf, want);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_add_keeps_order),
        cmocka_unit_test(test_add_dedups),
        cmocka_unit_test(test_add_caps),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_empty),
        cmocka_unit_test(test_format_full),
    };

    fill_codes();

    return cmocka_run_group_tests(tests, NULL, NULL);
}
