#include "lr_test.h"
#include "lr_utf8.h"


/* Literal rows keep their length, so embedded NULs count. */
#define ROW(s, ret, cp)  { s, sizeof(s) - 1, ret, cp }

#define NOCP  0xffffffffu       /* cp must stay untouched */


typedef struct {
    const char  *in;
    size_t       n;             /* bytes handed to the decoder */
    size_t       ret;
    uint32_t     cp;
} utf8_case;


static const utf8_case  cases[] = {
    /* one byte */
    ROW("\0", 1, 0x00),
    ROW("A", 1, 0x41),
    ROW("\x7f", 1, 0x7f),
    ROW("Az", 1, 0x41),                 /* stops after one character */

    /* two bytes */
    ROW("\xc2\x80", 2, 0x80),
    ROW("\xc3\xa4", 2, 0xe4),           /* ä */
    ROW("\xdf\xbf", 2, 0x7ff),

    /* three bytes */
    ROW("\xe0\xa0\x80", 3, 0x800),
    ROW("\xe5\xb1\xb1", 3, 0x5c71),     /* 山 */
    ROW("\xe3\x80\x80", 3, 0x3000),
    ROW("\xed\x9f\xbf", 3, 0xd7ff),     /* just below the surrogates */
    ROW("\xee\x80\x80", 3, 0xe000),     /* just above them */
    ROW("\xef\xbc\x81", 3, 0xff01),
    ROW("\xef\xbf\xbf", 3, 0xffff),

    /* four bytes */
    ROW("\xf0\x90\x80\x80", 4, 0x10000),
    ROW("\xf0\x9f\x98\x80", 4, 0x1f600),
    ROW("\xf4\x8f\xbf\xbf", 4, 0x10ffff),

    /* overlong forms */
    ROW("\xc0\xaf", 0, NOCP),
    ROW("\xc1\xbf", 0, NOCP),
    ROW("\xc0\x80", 0, NOCP),
    ROW("\xe0\x80\xaf", 0, NOCP),
    ROW("\xe0\x9f\xbf", 0, NOCP),
    ROW("\xf0\x80\x80\xaf", 0, NOCP),
    ROW("\xf0\x8f\xbf\xbf", 0, NOCP),

    /* surrogates */
    ROW("\xed\xa0\x80", 0, NOCP),
    ROW("\xed\xbf\xbf", 0, NOCP),
    ROW("\xed\xb0\x80", 0, NOCP),

    /* beyond U+10FFFF, and bytes that never start a sequence */
    ROW("\xf4\x90\x80\x80", 0, NOCP),
    ROW("\xf5\x80\x80\x80", 0, NOCP),
    ROW("\xf7\xbf\xbf\xbf", 0, NOCP),
    ROW("\xf8\x88\x80\x80\x80", 0, NOCP),
    ROW("\xfe", 0, NOCP),
    ROW("\xff", 0, NOCP),

    /* stray continuation bytes */
    ROW("\x80", 0, NOCP),
    ROW("\xbf", 0, NOCP),
    ROW("\x80\x41", 0, NOCP),

    /* truncated: the next byte is not a continuation */
    ROW("\xc3\x41", 0, NOCP),
    ROW("\xc3\xc3\xa4", 0, NOCP),
    ROW("\xe5\xb1\x41", 0, NOCP),
    ROW("\xe5\x41\xb1", 0, NOCP),
    ROW("\xf0\x9f\x98\x41", 0, NOCP),
    ROW("\xf0\x9f\x41\x80", 0, NOCP),
    ROW("\xc3\x00", 0, NOCP),

    /* truncated: the input ends inside the sequence */
    ROW("\xc3", 0, NOCP),
    ROW("\xe5\xb1", 0, NOCP),
    ROW("\xe5", 0, NOCP),
    ROW("\xf0\x9f\x98", 0, NOCP),
    ROW("\xf0\x9f", 0, NOCP),
    ROW("\xf0", 0, NOCP),

    /* n smaller than the sequence: the bytes after n are not looked at */
    { "\xc3\xa4", 1, 0, NOCP },
    { "\xe5\xb1\xb1", 2, 0, NOCP },
    { "\xe5\xb1\xb1", 1, 0, NOCP },
    { "\xf0\x9f\x98\x80", 3, 0, NOCP },
    { "\xf0\x9f\x98\x80", 1, 0, NOCP },
    { "A", 0, 0, NOCP },
    { "", 0, 0, NOCP },
};


static void
print_row(size_t i, const utf8_case *c)
{
    char    buf[64];
    size_t  j, o;

    o = 0;

    for (j = 0; j < c->n && o + 5 < sizeof(buf); j++) {
        o += (size_t) snprintf(buf + o, sizeof(buf) - o, "%02x ",
                               (unsigned char) c->in[j]);
    }

    buf[o] = '\0';
    print_error("row %zu failed: n %zu bytes [ %s]\n", i, c->n, buf);
}


/*
 * Each row's n bytes are copied to the very end of a heap block, so a
 * read past n hits ASan's redzone.
 */
static void
test_table(void **state)
{
    size_t          i, ret;
    uint32_t        cp;
    unsigned char  *buf;

    (void) state;

    for (i = 0; i < LR_NELEMS(cases); i++) {
        const utf8_case  *c = &cases[i];

        buf = lr_heap_copy(c->in, c->n);

        cp = NOCP;
        ret = lr_utf8_decode(buf, c->n, &cp);

        if (ret != c->ret || (c->ret != 0 && cp != c->cp)) {
            print_row(i, c);
            print_error("  got ret %zu cp U+%04X, want ret %zu cp U+%04X\n",
                        ret, (unsigned) cp, c->ret, (unsigned) c->cp);
        }

        assert_int_equal(ret, c->ret);

        if (c->ret != 0) {
            assert_int_equal(cp, c->cp);
        }

        free(buf);
    }
}


/*
 * Every code point from 0 to U+10FFFF, encoded here independently, must
 * decode to itself with the right length; surrogates must be refused.
 */
static void
test_round_trip_all(void **state)
{
    size_t         len, ret;
    uint32_t       c, cp;
    unsigned char  b[4];

    (void) state;

    for (c = 0; c <= 0x10ffff; c++) {
        if (c < 0x80) {
            b[0] = (unsigned char) c;
            len = 1;

        } else if (c < 0x800) {
            b[0] = (unsigned char) (0xc0 | (c >> 6));
            b[1] = (unsigned char) (0x80 | (c & 0x3f));
            len = 2;

        } else if (c < 0x10000) {
            b[0] = (unsigned char) (0xe0 | (c >> 12));
            b[1] = (unsigned char) (0x80 | ((c >> 6) & 0x3f));
            b[2] = (unsigned char) (0x80 | (c & 0x3f));
            len = 3;

        } else {
            b[0] = (unsigned char) (0xf0 | (c >> 18));
            b[1] = (unsigned char) (0x80 | ((c >> 12) & 0x3f));
            b[2] = (unsigned char) (0x80 | ((c >> 6) & 0x3f));
            b[3] = (unsigned char) (0x80 | (c & 0x3f));
            len = 4;
        }

        cp = NOCP;
        ret = lr_utf8_decode(b, len, &cp);

        if (c >= 0xd800 && c <= 0xdfff) {
            if (ret != 0) {
                print_error("surrogate U+%04X accepted\n", (unsigned) c);
            }
            assert_int_equal(ret, 0);
            continue;
        }

        if (ret != len || cp != c) {
            print_error("U+%04X: got ret %zu cp U+%04X\n", (unsigned) c, ret,
                        (unsigned) cp);
        }

        assert_int_equal(ret, len);
        assert_int_equal(cp, c);

        /* one byte short is always a truncation */
        if (len > 1) {
            assert_int_equal(lr_utf8_decode(b, len - 1, &cp), 0);
        }
    }
}


/* No lead byte from 0x80 to 0xc1 or from 0xf5 to 0xff starts anything,
 * whatever follows it. */
static void
test_bad_lead_bytes(void **state)
{
    unsigned int   lead;
    uint32_t       cp;
    unsigned char  b[4];

    (void) state;

    for (lead = 0x80; lead <= 0xff; lead++) {
        if (lead >= 0xc2 && lead <= 0xf4) {
            continue;
        }

        b[0] = (unsigned char) lead;
        b[1] = 0x80;
        b[2] = 0x80;
        b[3] = 0x80;

        if (lr_utf8_decode(b, sizeof(b), &cp) != 0) {
            print_error("lead byte %02x accepted\n", lead);
        }

        assert_int_equal(lr_utf8_decode(b, sizeof(b), &cp), 0);
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_round_trip_all),
        cmocka_unit_test(test_bad_lead_bytes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
