#include "lr_test.h"


#define CAP  64

/* Literal rows keep their length, so embedded NULs count. */
#define ROWC(body, name, cap, st, want) \
    LR_FIELD_ROW(body, name, cap, st, want)
#define OK(body, want)         ROWC(body, "username", CAP, LR_FIELD_OK, want)
#define BAD(body, st)          ROWC(body, "username", CAP, st, "")


static const lr_field_case  cases[] = {
    /* plain */
    OK("username=alice", "alice"),
    OK("username=alice&password=secret", "alice"),
    OK("password=secret&username=alice", "alice"),
    OK("a=1&username=alice&b=2", "alice"),
    OK("username=a=b", "a=b"),              /* the first '=' splits */
    OK("username=Taro+Yamada", "Taro Yamada"),
    OK("username=+++", "   "),

    /* %XX, upper and lower hex */
    OK("username=%41%62%3D%26%2B%25", "Ab=&+%"),
    OK("username=%3d%2b%7e%7E", "=+~~"),
    OK("username=%e5%b1%b1%E7%94%B0", "\xe5\xb1\xb1\xe7\x94\xb0"),
    OK("username=%ff%FE", "\xff\xfe"),     /* any bytes */
    OK("username=a%20b+c", "a b c"),
    OK("username=a%2Bb", "a+b"),           /* an encoded '+' stays '+' */
    OK("username=%0d%0a", "\r\n"),

    /* decoded NUL bytes are kept and counted */
    OK("username=a%00b", "a\0b"),
    OK("username=%00", "\0"),
    OK("username=%00%00x", "\0\0x"),

    /* names are compared after decoding */
    OK("user%6Eame=bob", "bob"),
    OK("user%6eame=bob", "bob"),
    OK("%75%73%65%72%6E%61%6D%65=bob", "bob"),
    ROWC("user+name=bob", "user name", CAP, LR_FIELD_OK, "bob"),
    ROWC("user%20name=bob", "user name", CAP, LR_FIELD_OK, "bob"),
    ROWC("login%5Bid%5D=bob", "login[id]", CAP, LR_FIELD_OK, "bob"),
    ROWC("e%3Dmail=bob", "e=mail", CAP, LR_FIELD_OK, "bob"),

    /* empty values */
    OK("username=", ""),
    OK("username", ""),
    OK("username&password=x", ""),
    OK("a=1&username", ""),
    OK("username=&password=x", ""),

    /* separators */
    OK("&&username=bob&&", "bob"),
    OK("username=bob&", "bob"),
    OK("&username=bob", "bob"),
    OK("a=1&&&username=bob&&&&b=2&", "bob"),

    /* not there */
    BAD("", LR_FIELD_MISSING),
    BAD("&", LR_FIELD_MISSING),
    BAD("&&&", LR_FIELD_MISSING),
    BAD("=", LR_FIELD_MISSING),
    BAD("=bob", LR_FIELD_MISSING),
    BAD("password=x", LR_FIELD_MISSING),
    BAD("usernam=bob", LR_FIELD_MISSING),
    BAD("usernamee=bob", LR_FIELD_MISSING),
    BAD("xusername=bob", LR_FIELD_MISSING),
    BAD("Username=bob", LR_FIELD_MISSING),
    BAD("user+name=bob", LR_FIELD_MISSING),
    BAD("username%00=bob", LR_FIELD_MISSING),
    BAD("a=username", LR_FIELD_MISSING),
    BAD("a=username=bob", LR_FIELD_MISSING),
    BAD(" username=bob", LR_FIELD_MISSING),

    /* malformed anywhere: in the field, elsewhere, before or after it */
    BAD("username=%zz", LR_FIELD_MALFORMED),
    BAD("username=%4", LR_FIELD_MALFORMED),
    BAD("username=%", LR_FIELD_MALFORMED),
    BAD("username=bob%", LR_FIELD_MALFORMED),
    BAD("username=bob%4", LR_FIELD_MALFORMED),
    BAD("username=%4g", LR_FIELD_MALFORMED),
    BAD("username=%g4", LR_FIELD_MALFORMED),
    BAD("username=% 41", LR_FIELD_MALFORMED),
    BAD("username=%%41", LR_FIELD_MALFORMED),
    BAD("us%ername=bob", LR_FIELD_MALFORMED),
    BAD("password=%G1&username=bob", LR_FIELD_MALFORMED),
    BAD("username=bob&password=%", LR_FIELD_MALFORMED),
    BAD("username=bob&password=x%4", LR_FIELD_MALFORMED),
    BAD("username=bob&x%=1", LR_FIELD_MALFORMED),
    BAD("username=bob&%4", LR_FIELD_MALFORMED),
    BAD("username=bob&a=1&b=2&c=%x0&d=4", LR_FIELD_MALFORMED),
    BAD("username=%41%4", LR_FIELD_MALFORMED),
    BAD("username=bob&username=%zz", LR_FIELD_MALFORMED),
    BAD("username=bob%00&x=%\xff\xff", LR_FIELD_MALFORMED),

    /* twice: ambiguous, whatever the spelling or the values */
    BAD("username=a&username=b", LR_FIELD_DUPLICATE),
    BAD("username=a&username=a", LR_FIELD_DUPLICATE),
    BAD("username=a&user%6eame=b", LR_FIELD_DUPLICATE),
    BAD("username&username=a", LR_FIELD_DUPLICATE),
    BAD("username=a&x=1&username=", LR_FIELD_DUPLICATE),
    BAD("username=a&username=b&username=c", LR_FIELD_DUPLICATE),

    /* too long for the buffer: cap counts the NUL */
    ROWC("username=abcdef", "username", 6, LR_FIELD_TOO_LONG, ""),
    ROWC("username=abcde", "username", 6, LR_FIELD_OK, "abcde"),
    ROWC("username=%41%42%43%44%45", "username", 6, LR_FIELD_OK, "ABCDE"),
    ROWC("username=%41%42%43%44%45%46", "username", 6, LR_FIELD_TOO_LONG,
         ""),
    ROWC("username=a+b+c", "username", 6, LR_FIELD_OK, "a b c"),
    ROWC("username=", "username", 1, LR_FIELD_OK, ""),
    ROWC("username", "username", 1, LR_FIELD_OK, ""),
    ROWC("username=a", "username", 1, LR_FIELD_TOO_LONG, ""),
    ROWC("password=a-very-long-password&username=bob", "username", 4,
         LR_FIELD_OK, "bob"),
    /* a second copy is still seen after a value that did not fit */
    ROWC("username=abcdef&username=x", "username", 6, LR_FIELD_DUPLICATE,
         ""),
    ROWC("username=abcdef&x=%", "username", 6, LR_FIELD_MALFORMED, ""),

    /* another name */
    ROWC("username=bob&token=abc.123.ff", "token", CAP, LR_FIELD_OK,
         "abc.123.ff"),
    ROWC("username=bob&token=abc&token=def", "token", CAP,
         LR_FIELD_DUPLICATE, ""),
};


static void
test_table(void **state)
{
    (void) state;

    lr_field_check_table(lr_form_field, "name", cases, LR_NELEMS(cases));
}


/* Every prefix of every row is either an answer or MALFORMED, never a
 * crash or an over-read (the copy ends at the end of its heap block). */
static void
test_prefixes_do_not_crash(void **state)
{
    char              out[CAP];
    size_t            i, n, out_len;
    lr_field_status   st;

    (void) state;

    for (i = 0; i < LR_NELEMS(cases); i++) {
        const lr_field_case  *c = &cases[i];

        for (n = 0; n <= c->len; n++) {
            st = lr_field_run(lr_form_field, c->body, n, c->name, out,
                              sizeof(out), &out_len);

            assert_true(st <= LR_FIELD_TOO_LONG);
            assert_true(st != LR_FIELD_NOT_STRING);
            assert_true(out_len < sizeof(out));
            assert_int_equal(out[out_len], '\0');
        }
    }
}


static void
test_cap_zero(void **state)
{
    (void) state;

    lr_field_check_cap_zero(lr_form_field, "username=a", 10);
}


/* The body length is what counts, not a NUL inside or after it. */
static void
test_len_not_strlen(void **state)
{
    char    out[CAP];
    size_t  out_len;

    (void) state;

    /* only "username=bo" is the body */
    assert_int_equal(lr_form_field("username=bob", 11, "username", out,
                                   sizeof(out), &out_len),
                     LR_FIELD_OK);
    assert_int_equal(out_len, 2);
    assert_string_equal(out, "bo");

    /* a raw NUL in the body is just a byte of the value */
    assert_int_equal(lr_form_field("username=a\0b&x=1", 16, "username", out,
                                   sizeof(out), &out_len),
                     LR_FIELD_OK);
    assert_int_equal(out_len, 3);
    assert_memory_equal(out, "a\0b", 4);

    /* "%4" cut by len is truncated even though "1" follows in memory */
    assert_int_equal(lr_form_field("username=%41", 11, "username", out,
                                   sizeof(out), &out_len),
                     LR_FIELD_MALFORMED);
}


static void
make_name(char *s, size_t n, char c)
{
    memset(s, c, n);
    s[n] = '\0';
}


/* The long-name rows are built at run time, so they are checked one by
 * one rather than from the table. */
static void
check_long(size_t row, const char *body, size_t len, const char *name,
    lr_field_status st, const char *want, size_t want_len)
{
    const lr_field_case  c = { body, len, name, CAP, st, want, want_len };

    lr_field_check(lr_form_field, "name", "long", row, &c);
}


/*
 * Field names longer than 256 bytes: the decoder keeps at most 256 bytes
 * of a name, so a longer name in the body never equals a short one and
 * never overflows. A configured name longer than 256 bytes can never match
 * at all: lr_form_field answers MISSING even when the body has exactly
 * that name. (Such a name is a configuration mistake; nothing real uses
 * it.)
 */
static void
test_long_names(void **state)
{
    size_t       len;
    static char  n256[257], n257[258], n300[301], body[4096];

    (void) state;

    make_name(n256, 256, 'n');
    make_name(n257, 257, 'n');
    make_name(n300, 300, 'n');

    /* a 300-byte name in the body next to the real field */
    len = (size_t) sprintf(body, "%s=x&username=bob&%s=y", n300, n257);
    check_long(0, body, len, "username", LR_FIELD_OK, "bob", 3);

    /* a body name whose first 256 bytes equal a 256-byte configured name */
    check_long(1, body, len, n256, LR_FIELD_MISSING, "", 0);

    /* 256 bytes is the longest name that matches */
    len = (size_t) sprintf(body, "username=bob&%s=val", n256);
    check_long(2, body, len, n256, LR_FIELD_OK, "val", 3);

    /* 257 and 300: documented as never matching */
    len = (size_t) sprintf(body, "username=bob&%s=val", n257);
    check_long(3, body, len, n257, LR_FIELD_MISSING, "", 0);

    len = (size_t) sprintf(body, "username=bob&%s=val", n300);
    check_long(4, body, len, n300, LR_FIELD_MISSING, "", 0);

    /* a percent-encoded 300-byte name (900 bytes) decodes without harm */
    len = 0;
    while (len < 900) {
        memcpy(body + len, "%6e", 3);
        len += 3;
    }
    len += (size_t) sprintf(body + len, "=v&username=bob");
    check_long(5, body, len, "username", LR_FIELD_OK, "bob", 3);
    check_long(6, body, len, n300, LR_FIELD_MISSING, "", 0);

    /* a malformed escape past the 256th byte of a long name is still seen */
    len = (size_t) sprintf(body, "username=bob&%s%%zz=1", n300);
    check_long(7, body, len, "username", LR_FIELD_MALFORMED, "", 0);
}


/* A large body: the field at the very end, a 1 MB value elsewhere. */
static void
test_large_body(void **state)
{
    char    *body, out[CAP];
    size_t   len, out_len;

    (void) state;

    len = 1024 * 1024;
    body = malloc(len + 64);
    assert_non_null(body);

    memcpy(body, "blob=", 5);
    memset(body + 5, 'z', len - 5);
    len += (size_t) sprintf(body + len, "&username=%%41lice");

    assert_int_equal(lr_form_field(body, len, "username", out, sizeof(out),
                                   &out_len),
                     LR_FIELD_OK);
    assert_int_equal(out_len, 5);
    assert_string_equal(out, "Alice");

    /* the 1 MB value itself does not fit */
    assert_int_equal(lr_form_field(body, len, "blob", out, sizeof(out),
                                   &out_len),
                     LR_FIELD_TOO_LONG);
    assert_int_equal(out_len, 0);

    free(body);
}


static void
test_status_text(void **state)
{
    int  s;

    (void) state;

    for (s = LR_FIELD_OK; s <= LR_FIELD_TOO_LONG; s++) {
        assert_non_null(lr_field_status_text((lr_field_status) s));
        assert_string_not_equal(lr_field_status_text((lr_field_status) s),
                                "unknown");
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_prefixes_do_not_crash),
        cmocka_unit_test(test_cap_zero),
        cmocka_unit_test(test_len_not_strlen),
        cmocka_unit_test(test_long_names),
        cmocka_unit_test(test_large_body),
        cmocka_unit_test(test_status_text),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
