#include "lr_test.h"
#include "lr_secret.h"

#include <ctype.h>


/* 32 and 64 bytes: 00 01 .. 1f, and 00 .. 3f */
#define HEX32  "000102030405060708090a0b0c0d0e0f" \
               "101112131415161718191a1b1c1d1e1f"
#define HEX64  HEX32 "202122232425262728292a2b2c2d2e2f" \
                     "303132333435363738393a3b3c3d3e3f"

/* secrets for the error rows: what a message must never quote */
#define SEC31  "deadbeefcafef00d0badc0de8badf00d" \
               "5ca1ab1efeedfacec0ffee1234567a"           /* 62 digits */
#define SEC32  "deadbeefcafef00d0badc0de8badf00d" \
               "5ca1ab1efeedfacec0ffee1234567abc"
#define SEC65  SEC32 SEC32 "ab"                         /* 130 digits */


typedef struct {
    const char  *text;
    size_t       len;
    const char  *err;           /* the whole message */
} secret_bad;

#define BAD(text, err)  { text, sizeof(text) - 1, err }


static const secret_bad  bad[] = {
    BAD("k1 " SEC31, "line 1: secret shorter than 32 bytes"),
    BAD("k1 " SEC31 "\n", "line 1: secret shorter than 32 bytes"),
    BAD("# keys\n\nk1 " SEC32 "\nk2\t" SEC31 "\n",
        "line 4: secret shorter than 32 bytes"),
    BAD("# keys\r\n\r\nk1 " SEC32 "\r\nk2 " SEC31 "\r\n",
        "line 4: secret shorter than 32 bytes"),
    BAD("k1 " "00", "line 1: secret shorter than 32 bytes"),
    BAD("k1 " SEC32 "0", "line 1: secret has an odd number of hex digits"),
    BAD("k1 " SEC65, "line 1: secret longer than 64 bytes"),
    BAD("k1 " SEC32 SEC32 "00", "line 1: secret longer than 64 bytes"),

    /* not hex */
    BAD("k1 " SEC31 "g1", "line 1: secret is not hex"),
    BAD("k1 0x" SEC32, "line 1: secret is not hex"),
    BAD("k1 " SEC32 "\0", "line 1: secret is not hex"),
    BAD("k1 " SEC32 "\r\r\n", "line 1: secret is not hex"),
    BAD("k1 " SEC31 "\xc3\xa9", "line 1: secret is not hex"),
    BAD("k1 " SEC32 "\xe3\x80\x80", "line 1: secret is not hex"),

    /* the key id */
    BAD("k.1 " SEC32, "line 1: key id may hold only A-Z a-z 0-9 _ -"),
    BAD("k1, " SEC32, "line 1: key id may hold only A-Z a-z 0-9 _ -"),
    BAD("k1\r" SEC32, "line 1: key id may hold only A-Z a-z 0-9 _ -"),
    BAD("k\0 " SEC32, "line 1: key id may hold only A-Z a-z 0-9 _ -"),
    BAD("\xc3\xa9 " SEC32, "line 1: key id may hold only A-Z a-z 0-9 _ -"),
    BAD("k1=" SEC32, "line 1: key id may hold only A-Z a-z 0-9 _ -"),
    BAD("\n\n\xef\xbb\xbfk1 " SEC32,                        /* a BOM */
        "line 3: key id may hold only A-Z a-z 0-9 _ -"),
    BAD("abcdefghijklmnopq " SEC32, "line 1: key id longer than 16 characters"),
    BAD(SEC32, "line 1: key id longer than 16 characters"),
    BAD("  " SEC32 "\n", "line 1: key id longer than 16 characters"),

    /* the shape of the line */
    BAD("k1", "line 1: no secret after the key id"),
    BAD("k1 \t \r\n", "line 1: no secret after the key id"),
    BAD("k1 " SEC32 " extra", "line 1: text after the secret"),
    BAD("k1 " SEC32 " # old key", "line 1: text after the secret"),
    BAD("k1 " SEC32 " " SEC32, "line 1: text after the secret"),
    BAD("k1 deadbeefcafef00d0badc0de8badf00d 5ca1ab1efeedfacec0ffee12345678",
        "line 1: text after the secret"),

    /* the set */
    BAD("k1 " SEC32 "\nk2 " HEX32 "\nk1 " HEX64 "\n",
        "line 3: duplicate key id"),
    BAD("k1 " SEC32 "\r\n#\r\nk1 " SEC32 "\r\n", "line 3: duplicate key id"),
    BAD("", "no key in the key file"),
    BAD("\n", "no key in the key file"),
    BAD("\r\n\r\n", "no key in the key file"),
    BAD("# k1 " SEC32 "\n", "no key in the key file"),
    BAD("  # only comments\n\t#\n \t \n#", "no key in the key file"),
    BAD("a " SEC32 "\nb " SEC32 "\nc " SEC32 "\nd " SEC32 "\n"
        "e " SEC32 "\nf " SEC32 "\ng " SEC32 "\nh " SEC32 "\n"
        "i " SEC32 "\n", "line 9: more than 8 keys"),
    BAD("a " SEC32 "\nb " SEC32 "\nc " SEC32 "\nd " SEC32 "\n# x\n\n"
        "e " SEC32 "\nf " SEC32 "\ng " SEC32 "\nh " SEC32 "\n#\n"
        "i " SEC31 "\n", "line 12: more than 8 keys"),
};


/* Parses a heap copy of text[0..len) (a read past len hits ASan). */
static int
parse(const char *text, size_t len, lr_secrets *out, char *err,
    size_t err_len)
{
    int    rc;
    char  *in;

    in = lr_heap_copy(text, len);
    rc = lr_secrets_parse(in, len, out, err, err_len);
    free(in);

    return rc;
}


/* No run of 6 hex digits: no piece of a secret is quoted. */
static int
quotes_hex(const char *s)
{
    size_t  run;

    for (run = 0; *s != '\0'; s++) {
        run = isxdigit((unsigned char) *s) ? run + 1 : 0;

        if (run >= 6) {
            return 1;
        }
    }

    return 0;
}


static int
all_zero(const void *p, size_t n)
{
    const unsigned char  *b;

    for (b = p; n > 0; n--, b++) {
        if (*b != 0) {
            return 0;
        }
    }

    return 1;
}


static void
test_valid(void **state)
{
    char        err[128];
    size_t      i;
    lr_secrets  s;

    static const char  text[] =
        "# login-risk keys: the first one signs\r\n"
        "\r\n"
        "   # indented comment\n"
        "new-2024_b\t" HEX64 "\r\n"
        "\n"
        "  old  \t " HEX32 " \t\r\n"
        "\t\n"
        "X 000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"
        "2021222324252627";                           /* no final newline */

    (void) state;

    strcpy(err, "untouched");
    assert_int_equal(parse(text, sizeof(text) - 1, &s, err, sizeof(err)), 0);
    assert_string_equal(err, "");

    assert_int_equal(s.n, 3);
    assert_string_equal(s.key[0].kid, "new-2024_b");
    assert_string_equal(s.key[1].kid, "old");
    assert_string_equal(s.key[2].kid, "X");
    assert_int_equal(s.key[0].len, 64);
    assert_int_equal(s.key[1].len, 32);
    assert_int_equal(s.key[2].len, 40);

    for (i = 0; i < 64; i++) {
        assert_int_equal(s.key[0].key[i], i);
    }

    for (i = 0; i < 32; i++) {
        assert_int_equal(s.key[1].key[i], i);
    }

    for (i = 0; i < 40; i++) {
        assert_int_equal(s.key[2].key[i], i);
    }

    lr_secrets_wipe(&s);
}


static void
test_valid_edges(void **state)
{
    lr_secrets  s;

    static const char  eight[] =
        "a " HEX32 "\nb " HEX32 "\nc " HEX32 "\nd " HEX32 "\n"
        "e " HEX32 "\nf " HEX32 "\ng " HEX32 "\nh " HEX32 "\n";
    static const char  long_kid[] = "abcdefghijklmnop " HEX64 "\n";
    static const char  one[] = "k " HEX32;
    static const char  crlf_only[] = "\r\nk1 " HEX32 "\r\n\r\n";

    (void) state;

    assert_int_equal(parse(eight, sizeof(eight) - 1, &s, NULL, 0), 0);
    assert_int_equal(s.n, 8);
    assert_string_equal(s.key[7].kid, "h");

    assert_int_equal(parse(long_kid, sizeof(long_kid) - 1, &s, NULL, 0), 0);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.key[0].kid, "abcdefghijklmnop");
    assert_int_equal(s.key[0].len, 64);

    assert_int_equal(parse(one, sizeof(one) - 1, &s, NULL, 0), 0);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.key[0].kid, "k");

    assert_int_equal(parse(crlf_only, sizeof(crlf_only) - 1, &s, NULL, 0), 0);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.key[0].kid, "k1");

    /* only len bytes are read: a key past len does not count */
    assert_int_equal(parse(eight, strlen("a " HEX32 "\n"), &s, NULL, 0), 0);
    assert_int_equal(s.n, 1);

    lr_secrets_wipe(&s);
}


static void
test_errors(void **state)
{
    int         rc;
    char        err[128];
    size_t      i;
    lr_secrets  s;

    (void) state;

    for (i = 0; i < LR_NELEMS(bad); i++) {
        /* a good set first: a failure must not leave any of it */
        assert_int_equal(parse("k0 " HEX32, sizeof("k0 " HEX32) - 1, &s,
                               NULL, 0), 0);

        memset(err, 'X', sizeof(err));
        rc = parse(bad[i].text, bad[i].len, &s, err, sizeof(err));

        if (rc != -1 || strcmp(err, bad[i].err) != 0 || quotes_hex(err)) {
            lr_print_failed("row", i, bad[i].text, bad[i].len);
            print_error("  rc %d err \"%.120s\", want \"%s\"\n", rc,
                        memchr(err, '\0', sizeof(err)) ? err : "(no NUL)",
                        bad[i].err);
        }

        assert_int_equal(rc, -1);
        assert_string_equal(err, bad[i].err);
        assert_false(quotes_hex(err));

        assert_int_equal(s.n, 0);
        assert_true(all_zero(&s, sizeof(s)));
    }
}


static void
test_err_buffer(void **state)
{
    char        err[8];
    lr_secrets  s;

    (void) state;

    /* no room for a message, or a short one: still -1, cut, terminated */
    assert_int_equal(parse("k1 00", 5, &s, NULL, 0), -1);
    assert_int_equal(parse("k1 00", 5, &s, err, 0), -1);

    assert_int_equal(parse("k1 00", 5, &s, err, sizeof(err)), -1);
    assert_string_equal(err, "line 1:");
}


static void
test_find(void **state)
{
    lr_secrets  s;

    static const char  text[] = "k1 " HEX32 "\nk12 " HEX64 "\nK1 " HEX32;

    (void) state;

    assert_int_equal(parse(text, sizeof(text) - 1, &s, NULL, 0), 0);
    assert_int_equal(s.n, 3);

    assert_ptr_equal(lr_secrets_find(&s, "k1", 2), &s.key[0]);
    assert_ptr_equal(lr_secrets_find(&s, "k12", 3), &s.key[1]);
    assert_ptr_equal(lr_secrets_find(&s, "K1", 2), &s.key[2]);   /* case */
    assert_ptr_equal(lr_secrets_find(&s, "k1xyz", 2), &s.key[0]);

    assert_null(lr_secrets_find(&s, "k", 1));
    assert_null(lr_secrets_find(&s, "k123", 4));
    assert_null(lr_secrets_find(&s, "k2", 2));
    assert_null(lr_secrets_find(&s, "", 0));
    assert_null(lr_secrets_find(&s, "k1\0", 3));
    assert_null(lr_secrets_find(&s, "abcdefghijklmnopq", 17));

    lr_secrets_wipe(&s);
    assert_null(lr_secrets_find(&s, "k1", 2));
}


static void
test_wipe(void **state)
{
    lr_secrets  s;

    (void) state;

    assert_int_equal(parse("k1 " HEX64, sizeof("k1 " HEX64) - 1, &s, NULL,
                           0), 0);
    assert_false(all_zero(s.key[0].key, sizeof(s.key[0].key)));

    lr_secrets_wipe(&s);

    assert_int_equal(s.n, 0);
    assert_true(all_zero(&s, sizeof(s)));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_valid_edges),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_err_buffer),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_wipe),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
