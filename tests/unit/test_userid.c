#include "lr_test.h"
#include "lr_userid.h"


/* Literal rows keep their length, so embedded NULs count. */
#define ROW(in, st, want)  { in, sizeof(in) - 1, st, want }
#define OK(in, want)       ROW(in, LR_USERID_OK, want)
#define BAD(in, st)        ROW(in, st, NULL)

#define FW_A   "\xef\xbc\xa1"   /* U+FF21 FULLWIDTH LATIN CAPITAL LETTER A */
#define IDSP   "\xe3\x80\x80"   /* U+3000 IDEOGRAPHIC SPACE */
#define YAMA   "\xe5\xb1\xb1"   /* U+5C71 山 */
#define DA     "\xe7\x94\xb0"   /* U+7530 田 */


typedef struct {
    const char        *in;
    size_t             len;
    lr_userid_status   status;
    const char        *want;    /* for LR_USERID_OK */
} userid_case;


static const userid_case  cases[] = {
    OK("alice", "alice"),
    OK("ALICE", "alice"),
    OK("AbC-123_x@Example.COM", "abc-123_x@example.com"),
    OK("a", "a"),
    OK("@[`{", "@[`{"),                 /* around 'A'..'Z': not letters */

    /* full-width ASCII folds, then lowercases */
    OK("\xef\xbc\xa1\xef\xbc\xac\xef\xbc\xa9\xef\xbc\xa3\xef\xbc\xa5",
       "alice"),                        /* ＡＬＩＣＥ */
    OK("\xef\xbd\x81\xef\xbd\x82\xef\xbd\x83", "abc"),      /* ａｂｃ */
    OK("\xef\xbc\x90\xef\xbc\x99", "09"),                  /* ０９ */
    OK("\xef\xbc\x81", "!"),                               /* U+FF01 */
    OK("\xef\xbd\x9e", "~"),                               /* U+FF5E */
    OK("\xef\xbc\xba\xef\xbd\x9a", "zz"),                  /* Ｚｚ */
    OK("\xef\xbc\xbb\xef\xbd\x80\xef\xbc\xa0", "[`@"),     /* ［｀＠ */
    OK("\xef\xbc\x82\xef\xbc\xbc", "\"\\"),                /* ＂＼ */
    OK("user\xef\xbc\x8e" "name", "user.name"),            /* ． */
    OK("TARO" "\xef\xbc\xbf" "Yamada", "taro_yamada"),

    /* just outside the block: kept as they are */
    OK("\xef\xbc\x80", "\xef\xbc\x80"),                    /* U+FF00 */
    OK("\xef\xbd\x9f", "\xef\xbd\x9f"),                    /* U+FF5F */
    OK("a\xef\xbc\x80" "b", "a\xef\xbc\x80" "b"),
    OK("\xef\xbd\xb1", "\xef\xbd\xb1"),                    /* ｱ half-width */
    OK("\xef\xbf\xa5", "\xef\xbf\xa5"),                    /* ￥ U+FFE5 */

    /* trimming: ASCII white space and U+3000 at both ends only */
    OK("  alice  ", "alice"),
    OK("\t\r\n alice \t\r\n", "alice"),
    OK("\x0b\x0c" "alice" "\x0c\x0b", "alice"),
    OK(IDSP "alice" IDSP, "alice"),
    OK(IDSP " " IDSP "alice" " " IDSP IDSP, "alice"),
    OK("al" IDSP "ice", "al" IDSP "ice"),
    OK("al ice", "al ice"),
    OK(" " IDSP "Taro" IDSP "Yamada" IDSP, "taro" IDSP "yamada"),
    OK("\xc2\xa0" "a" "\xc2\xa0", "\xc2\xa0" "a" "\xc2\xa0"), /* NBSP kept */

    /* non-ASCII letters keep their bytes, never lowercased */
    OK("\xc3\x84", "\xc3\x84"),                            /* Ä */
    OK("\xc3\x84" "BC", "\xc3\x84" "bc"),
    OK(YAMA DA, YAMA DA),                                  /* 山田 */
    OK(" " YAMA DA "Taro ", YAMA DA "taro"),
    OK("\xce\xa3", "\xce\xa3"),                            /* Σ */
    OK("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"),            /* 4 bytes */

    /* nothing left */
    BAD("", LR_USERID_EMPTY),
    BAD(" ", LR_USERID_EMPTY),
    BAD("   \t\r\n", LR_USERID_EMPTY),
    BAD(IDSP, LR_USERID_EMPTY),
    BAD(IDSP " " IDSP "\t", LR_USERID_EMPTY),

    /* control characters inside */
    BAD("al\tice", LR_USERID_CONTROL),
    BAD("al\rice", LR_USERID_CONTROL),
    BAD("al\nice", LR_USERID_CONTROL),
    BAD("alice\r\nX-Admin: 1", LR_USERID_CONTROL),
    BAD("al\0ice", LR_USERID_CONTROL),
    BAD("\0", LR_USERID_CONTROL),
    BAD("alice\0", LR_USERID_CONTROL),  /* NUL is not white space */
    BAD("alice\0  ", LR_USERID_CONTROL),
    BAD("\x01" "alice", LR_USERID_CONTROL),
    BAD("\x1b[31malice", LR_USERID_CONTROL),
    BAD("al\x1fice", LR_USERID_CONTROL),
    BAD("al\x7fice", LR_USERID_CONTROL),
    BAD("alice\x7f", LR_USERID_CONTROL),
    BAD("al\xc2\x85ice", LR_USERID_CONTROL),   /* U+0085 NEL */
    BAD("\xc2\x80", LR_USERID_CONTROL),        /* U+0080 */
    BAD("alice\xc2\x9f", LR_USERID_CONTROL),   /* U+009F */

    /* invalid UTF-8 anywhere, trimmed region included */
    BAD("\xc0\xaf", LR_USERID_BAD_UTF8),
    BAD("al\xe0\x80\xafice", LR_USERID_BAD_UTF8),
    BAD("al\xf0\x80\x80\xafice", LR_USERID_BAD_UTF8),
    BAD("al\xed\xa0\x80ice", LR_USERID_BAD_UTF8),
    BAD("al\xf4\x90\x80\x80ice", LR_USERID_BAD_UTF8),
    BAD("al\x80ice", LR_USERID_BAD_UTF8),
    BAD("\xff", LR_USERID_BAD_UTF8),
    BAD("alice\xe5\xb1", LR_USERID_BAD_UTF8),
    BAD("alice   \xff", LR_USERID_BAD_UTF8),
    BAD("alice   \xe3\x80", LR_USERID_BAD_UTF8),   /* cut U+3000 */
    BAD("\xc3  alice", LR_USERID_BAD_UTF8),
    BAD("  \xed\xbf\xbf  alice", LR_USERID_BAD_UTF8),
    BAD("   \x80   ", LR_USERID_BAD_UTF8),
    BAD("al\tice\xff", LR_USERID_BAD_UTF8),    /* validation comes first */
};


/*
 * Normalises in[0..len) copied to the end of a heap block (a read past
 * len hits ASan's redzone) into an output buffer that starts full of 'X',
 * and checks the result. row is only for the report.
 */
static void
check(size_t row, const unsigned char *in, size_t len,
    lr_userid_status want_status, const char *want, size_t want_len)
{
    char               out[LR_USERID_MAX + 1];
    size_t             out_len;
    unsigned char     *buf;
    lr_userid_status   st;

    buf = lr_heap_copy(in, len);

    memset(out, 'X', sizeof(out));
    out_len = 12345;

    st = lr_userid_normalize(buf, len, out, &out_len);
    free(buf);

    if (st != want_status
        || (st == LR_USERID_OK
            && (out_len != want_len || memcmp(out, want, want_len) != 0)))
    {
        lr_print_failed("row", row, in, len);
        print_error("  got %d (%s) len %zu, want %d\n", st,
                    lr_userid_status_text(st), out_len, want_status);
    }

    assert_int_equal(st, want_status);

    if (st == LR_USERID_OK) {
        assert_int_equal(out_len, want_len);
        assert_memory_equal(out, want, want_len);
        assert_int_equal(out[out_len], '\0');
        assert_int_equal(strlen(out), out_len);

    } else {
        /* a refused id leaves nothing a careless caller could use */
        if (out_len != 0 || out[0] != '\0') {
            lr_print_failed("row", row, in, len);
            print_error("  failure left out_len %zu, out[0] 0x%02x\n",
                        out_len, (unsigned char) out[0]);
        }
        assert_int_equal(out_len, 0);
        assert_int_equal(out[0], '\0');
    }
}


static void
test_table(void **state)
{
    size_t  i;

    (void) state;

    for (i = 0; i < LR_NELEMS(cases); i++) {
        const userid_case  *c = &cases[i];

        check(i, (const unsigned char *) c->in, c->len, c->status, c->want,
              c->want ? strlen(c->want) : 0);
    }
}


/* Builds count copies of unit (ulen bytes) between pre and post spaces. */
static size_t
repeat(unsigned char *dst, const char *unit, size_t ulen, size_t count,
    size_t pad)
{
    size_t  i, o;

    o = 0;

    for (i = 0; i < pad; i++) {
        dst[o++] = ' ';
    }

    for (i = 0; i < count; i++) {
        memcpy(dst + o, unit, ulen);
        o += ulen;
    }

    for (i = 0; i < pad; i++) {
        dst[o++] = ' ';
    }

    return o;
}


static void
test_lengths(void **state)
{
    char           want[LR_USERID_MAX + 1];
    size_t         len;
    unsigned char  in[2048];

    (void) state;

    memset(want, 'a', LR_USERID_MAX);
    want[LR_USERID_MAX] = '\0';

    /* exactly 256 bytes, and 257 */
    len = repeat(in, "a", 1, 256, 0);
    check(1000, in, len, LR_USERID_OK, want, 256);

    len = repeat(in, "a", 1, 257, 0);
    check(1001, in, len, LR_USERID_TOO_LONG, NULL, 0);

    /* the limit counts the trimmed id, not the input */
    len = repeat(in, "A", 1, 256, 40);
    check(1002, in, len, LR_USERID_OK, want, 256);

    len = repeat(in, IDSP, 3, 50, 0);
    memcpy(in + len, want, 256);
    len += 256;
    len += repeat(in + len, IDSP, 3, 50, 0);
    check(1003, in, len, LR_USERID_OK, want, 256);

    /* 256 full-width letters are 768 bytes in, 256 out */
    len = repeat(in, FW_A, 3, 256, 0);
    assert_int_equal(len, 768);
    check(1004, in, len, LR_USERID_OK, want, 256);

    len = repeat(in, FW_A, 3, 257, 0);
    check(1005, in, len, LR_USERID_TOO_LONG, NULL, 0);

    /* multi-byte characters count in bytes: 85 x 3 + 1 = 256 */
    len = repeat(in, YAMA, 3, 85, 0);
    in[len++] = 'a';
    {
        char  w[257];

        repeat((unsigned char *) w, YAMA, 3, 85, 0);
        w[255] = 'a';
        w[256] = '\0';
        check(1006, in, len, LR_USERID_OK, w, 256);
    }

    /* 86 x 3 = 258: the last character does not fit whole */
    len = repeat(in, YAMA, 3, 86, 0);
    check(1007, in, len, LR_USERID_TOO_LONG, NULL, 0);

    /* 255 ASCII bytes then a 2-byte character */
    len = repeat(in, "a", 1, 255, 0);
    memcpy(in + len, "\xc3\x84", 2);
    len += 2;
    check(1008, in, len, LR_USERID_TOO_LONG, NULL, 0);

    /* a long id with a control character past the limit is still refused */
    len = repeat(in, "a", 1, 300, 0);
    in[280] = '\t';
    {
        lr_userid_status  st;
        char              out[LR_USERID_MAX + 1];
        size_t            out_len;

        st = lr_userid_normalize(in, len, out, &out_len);
        assert_true(st == LR_USERID_TOO_LONG || st == LR_USERID_CONTROL);
    }
}


static void
test_status_text(void **state)
{
    int          s;
    const char  *t;

    (void) state;

    for (s = LR_USERID_OK; s <= LR_USERID_CONTROL; s++) {
        t = lr_userid_status_text((lr_userid_status) s);
        assert_non_null(t);
        assert_true(t[0] != '\0');
    }

    /* distinct texts, so a log line tells them apart */
    assert_string_not_equal(lr_userid_status_text(LR_USERID_BAD_UTF8),
                            lr_userid_status_text(LR_USERID_CONTROL));
    assert_string_not_equal(lr_userid_status_text(LR_USERID_EMPTY),
                            lr_userid_status_text(LR_USERID_TOO_LONG));
    assert_string_equal(lr_userid_status_text(LR_USERID_OK), "ok");
}


/* Different spellings of one account give one id. */
static void
test_same_account(void **state)
{
    size_t             i, a_len, b_len;
    char               a[LR_USERID_MAX + 1], b[LR_USERID_MAX + 1];
    static const char *spellings[] = {
        "taro.yamada01",
        "Taro.Yamada01",
        "  TARO.YAMADA01\t",
        IDSP "\xef\xbd\x94\xef\xbd\x81\xef\xbd\x92\xef\xbd\x8f"
        "\xef\xbc\x8e"
        "\xef\xbc\xb9\xef\xbc\xa1\xef\xbc\xad\xef\xbc\xa1\xef\xbc\xa4"
        "\xef\xbc\xa1\xef\xbc\x90\xef\xbc\x91" IDSP,
        "taro\xef\xbc\x8eyamada\xef\xbc\x90" "1",
    };

    (void) state;

    assert_int_equal(lr_userid_normalize(
                         (const unsigned char *) spellings[0],
                         strlen(spellings[0]), a, &a_len),
                     LR_USERID_OK);

    for (i = 1; i < LR_NELEMS(spellings); i++) {
        assert_int_equal(lr_userid_normalize(
                             (const unsigned char *) spellings[i],
                             strlen(spellings[i]), b, &b_len),
                         LR_USERID_OK);

        if (b_len != a_len || strcmp(a, b) != 0) {
            print_error("spelling %zu gave \"%s\"\n", i, b);
        }

        assert_string_equal(a, b);
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_status_text),
        cmocka_unit_test(test_same_account),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
