#include "lr_test.h"


#define CAP  64

/* Literal rows keep their length, so embedded NULs count. */
#define ROWC(body, path, cap, st, want) \
    LR_FIELD_ROW(body, path, cap, st, want)
#define OKP(body, path, want)  ROWC(body, path, CAP, LR_FIELD_OK, want)
#define OK(body, want)         OKP(body, "username", want)
#define BADP(body, path, st)   ROWC(body, path, CAP, st, "")
#define BAD(body, st)          BADP(body, "username", st)


static const lr_field_case  cases[] = {
    /* top-level member */
    OK("{\"username\":\"alice\"}", "alice"),
    OK("{\"password\":\"x\",\"username\":\"alice\",\"n\":1}", "alice"),
    OK(" \r\n\t{ \"username\" : \"alice\" } \n", "alice"),
    OK("{\"username\":\"\"}", ""),
    OK("{\"Username\":\"a\",\"username\":\"b\"}", "b"),  /* case counts */
    OK("{\"username\":\"Taro Yamada\"}", "Taro Yamada"),

    /* dotted paths */
    OKP("{\"credentials\":{\"login\":\"bob\",\"password\":\"x\"}}",
        "credentials.login", "bob"),
    OKP("{\"a\":{\"b\":{\"c\":\"deep\"}},\"c\":\"top\"}", "a.b.c", "deep"),
    OKP("{\"a\":{\"b\":{\"c\":\"deep\"}},\"c\":\"top\"}", "c", "top"),
    BADP("{\"a\":{\"b\":{\"c\":\"deep\"}}}", "a.b", LR_FIELD_NOT_STRING),
    BADP("{\"a\":{\"b\":{\"c\":\"deep\"}}}", "a.b.c.d", LR_FIELD_MISSING),
    BADP("{\"a\":{\"b\":{\"c\":\"deep\"}}}", "a.x.c", LR_FIELD_MISSING),
    BADP("{\"credentials\":{\"login\":\"bob\"}}", "login",
         LR_FIELD_MISSING),

    /* a path through something that is not an object */
    BADP("{\"a\":\"str\"}", "a.b", LR_FIELD_MISSING),
    BADP("{\"a\":{\"b\":\"str\"}}", "a.b.c", LR_FIELD_MISSING),
    BADP("{\"a\":[{\"b\":\"x\"}]}", "a.b", LR_FIELD_MISSING),
    BADP("{\"a\":[{\"b\":\"x\"}]}", "a.0.b", LR_FIELD_MISSING),
    BADP("{\"a\":null}", "a.b", LR_FIELD_MISSING),
    BADP("{\"a\":1}", "a.b", LR_FIELD_MISSING),
    BADP("{\"a\":true}", "a.b", LR_FIELD_MISSING),

    /* a member name with a dot cannot be addressed: the dot splits */
    BADP("{\"a.b\":\"x\"}", "a.b", LR_FIELD_MISSING),

    /* empty path segments never match, not even an empty member name */
    BADP("{\"a\":{\"\":{\"b\":\"x\"}}}", "a..b", LR_FIELD_MISSING),
    BADP("{\"\":{\"a\":\"x\"}}", ".a", LR_FIELD_MISSING),
    BADP("{\"a\":{\"\":\"x\"}}", "a.", LR_FIELD_MISSING),
    BADP("{\"\":\"x\"}", "", LR_FIELD_MISSING),

    /* missing */
    BAD("{}", LR_FIELD_MISSING),
    BAD("{\"user\":\"alice\"}", LR_FIELD_MISSING),
    BAD("{\"credentials\":{\"username\":\"alice\"}}", LR_FIELD_MISSING),
    BAD("[\"username\",\"alice\"]", LR_FIELD_MISSING),
    BAD("[{\"username\":\"alice\"}]", LR_FIELD_MISSING),

    /* integers: decimal text */
    OK("{\"username\":12345}", "12345"),
    OK("{\"username\":0}", "0"),
    OK("{\"username\":-42}", "-42"),
    OK("{\"username\":-0}", "0"),
    OK("{\"username\":9223372036854775807}", "9223372036854775807"),
    OK("{\"username\":-9223372036854775808}", "-9223372036854775808"),
    BAD("{\"username\":9223372036854775808}", LR_FIELD_MALFORMED),

    /* escapes become UTF-8 bytes */
    OK("{\"username\":\"\\u5c71\\u7530\"}", "\xe5\xb1\xb1\xe7\x94\xb0"),
    OK("{\"username\":\"\\u5C71\"}", "\xe5\xb1\xb1"),
    OK("{\"username\":\"\\u00e4\\u0041\"}", "\xc3\xa4" "A"),
    OK("{\"username\":\"\\ud83d\\ude00\"}", "\xf0\x9f\x98\x80"),
    OK("{\"username\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}",
       "\"\\/\b\f\n\r\t"),
    OK("{\"username\":\"\\u0001\"}", "\x01"),  /* the user id check refuses
                                                   it, not the body */
    OK("{\"username\":\"\xe5\xb1\xb1\"}", "\xe5\xb1\xb1"),
    OK("{\"user\\u006eame\":\"bob\"}", "bob"),    /* escaped member name */

    /* \u0000 would cut the value short in C: malformed */
    BAD("{\"username\":\"\\u0000\"}", LR_FIELD_MALFORMED),
    BAD("{\"username\":\"a\\u0000b\"}", LR_FIELD_MALFORMED),
    BAD("{\"other\":\"\\u0000\",\"username\":\"a\"}", LR_FIELD_MALFORMED),
    BAD("{\"user\\u0000name\":\"a\"}", LR_FIELD_MALFORMED),

    /* duplicate member names anywhere */
    BAD("{\"username\":\"a\",\"username\":\"b\"}", LR_FIELD_MALFORMED),
    BAD("{\"username\":\"a\",\"username\":\"a\"}", LR_FIELD_MALFORMED),
    BAD("{\"username\":\"a\",\"user\\u006eame\":\"b\"}", LR_FIELD_MALFORMED),
    BAD("{\"x\":{\"k\":1,\"k\":2},\"username\":\"a\"}", LR_FIELD_MALFORMED),
    BAD("{\"username\":\"a\",\"arr\":[{\"k\":1,\"k\":1}]}",
        LR_FIELD_MALFORMED),
    BADP("{\"credentials\":{\"login\":\"a\",\"login\":\"b\"}}",
         "credentials.login", LR_FIELD_MALFORMED),
    BADP("{\"credentials\":{\"login\":\"a\"},\"credentials\":{}}",
         "credentials.login", LR_FIELD_MALFORMED),

    /* invalid JSON */
    BAD("", LR_FIELD_MALFORMED),
    BAD(" ", LR_FIELD_MALFORMED),
    BAD("{", LR_FIELD_MALFORMED),
    BAD("{\"username\":\"alice\"", LR_FIELD_MALFORMED),
    BAD("{\"username\":\"alice}", LR_FIELD_MALFORMED),
    BAD("{username:\"alice\"}", LR_FIELD_MALFORMED),
    BAD("{'username':'alice'}", LR_FIELD_MALFORMED),
    BAD("{\"username\":\"alice\",}", LR_FIELD_MALFORMED),
    BAD("{\"username\" \"alice\"}", LR_FIELD_MALFORMED),
    BAD("{\"username\":alice}", LR_FIELD_MALFORMED),
    BAD("{\"username\":\"a\tb\"}", LR_FIELD_MALFORMED),  /* raw control */
    BAD("{\"username\":\"a\nb\"}", LR_FIELD_MALFORMED),
    BAD("{\"username\":\"\\x41\"}", LR_FIELD_MALFORMED),
    BAD("{\"username\":\"\\u12\"}", LR_FIELD_MALFORMED),
    BAD("{\"username\":\"\\ud800\"}", LR_FIELD_MALFORMED), /* lone */
    BAD("{\"username\":\"\\udc00\\ud800\"}", LR_FIELD_MALFORMED),
    BAD("{\"username\":\"\xff\"}", LR_FIELD_MALFORMED),
    BAD("{\"username\":\"\xc0\xaf\"}", LR_FIELD_MALFORMED),
    BAD("{\"username\":\"\xed\xa0\x80\"}", LR_FIELD_MALFORMED),
    BAD("{\"username\":\"\xe5\xb1\"}", LR_FIELD_MALFORMED),
    BAD("{\"username\":01}", LR_FIELD_MALFORMED),
    BAD("{\"username\":+1}", LR_FIELD_MALFORMED),
    BAD("{\"username\":NaN}", LR_FIELD_MALFORMED),
    BAD("username=alice", LR_FIELD_MALFORMED),

    /* trailing garbage */
    BAD("{\"username\":\"a\"}x", LR_FIELD_MALFORMED),
    BAD("{\"username\":\"a\"}{}", LR_FIELD_MALFORMED),
    BAD("{\"username\":\"a\"}}", LR_FIELD_MALFORMED),
    BAD("{\"username\":\"a\"},", LR_FIELD_MALFORMED),
    BAD("{\"username\":\"a\"}\0", LR_FIELD_MALFORMED),
    BAD("{\"username\":\"a\"}\0{\"username\":\"b\"}", LR_FIELD_MALFORMED),

    /* not a string */
    BAD("{\"username\":true}", LR_FIELD_NOT_STRING),
    BAD("{\"username\":false}", LR_FIELD_NOT_STRING),
    BAD("{\"username\":null}", LR_FIELD_NOT_STRING),
    BAD("{\"username\":1.5}", LR_FIELD_NOT_STRING),
    BAD("{\"username\":1e3}", LR_FIELD_NOT_STRING),
    BAD("{\"username\":-0.0}", LR_FIELD_NOT_STRING),
    BAD("{\"username\":[]}", LR_FIELD_NOT_STRING),
    BAD("{\"username\":[\"alice\"]}", LR_FIELD_NOT_STRING),
    BAD("{\"username\":{}}", LR_FIELD_NOT_STRING),
    BAD("{\"username\":{\"username\":\"alice\"}}", LR_FIELD_NOT_STRING),

    /* too long for the buffer: cap counts the NUL */
    ROWC("{\"username\":\"abcdef\"}", "username", 6, LR_FIELD_TOO_LONG, ""),
    ROWC("{\"username\":\"abcde\"}", "username", 6, LR_FIELD_OK, "abcde"),
    ROWC("{\"username\":\"\\u5c71\\u7530\"}", "username", 6,
         LR_FIELD_TOO_LONG, ""),            /* 6 bytes once decoded */
    ROWC("{\"username\":\"\\u5c71a\"}", "username", 6, LR_FIELD_OK,
         "\xe5\xb1\xb1" "a"),
    ROWC("{\"username\":123456}", "username", 6, LR_FIELD_TOO_LONG, ""),
    ROWC("{\"username\":12345}", "username", 6, LR_FIELD_OK, "12345"),
    ROWC("{\"username\":-1234}", "username", 6, LR_FIELD_OK, "-1234"),
    ROWC("{\"username\":-12345}", "username", 6, LR_FIELD_TOO_LONG, ""),
    ROWC("{\"username\":\"\"}", "username", 1, LR_FIELD_OK, ""),
    ROWC("{\"username\":\"a\"}", "username", 1, LR_FIELD_TOO_LONG, ""),
    ROWC("{\"username\":7}", "username", 1, LR_FIELD_TOO_LONG, ""),
    ROWC("{\"username\":7}", "username", 2, LR_FIELD_OK, "7"),
};


static void
test_table(void **state)
{
    (void) state;

    lr_field_check_table(lr_json_field, "path", cases, LR_NELEMS(cases));
}


/* A document that is a scalar, not an object or array, holds no field. */
static void
test_top_level_scalar(void **state)
{
    size_t             i, out_len;
    char               out[CAP];
    lr_field_status    st;
    static const char *docs[] = { "\"alice\"", "42", "null", "true" };

    (void) state;

    for (i = 0; i < LR_NELEMS(docs); i++) {
        st = lr_json_field(docs[i], strlen(docs[i]), "username", out,
                           sizeof(out), &out_len);

        if (st != LR_FIELD_MALFORMED && st != LR_FIELD_MISSING) {
            print_error("document %s gave %d\n", docs[i], st);
        }

        assert_true(st == LR_FIELD_MALFORMED || st == LR_FIELD_MISSING);
        assert_int_equal(out_len, 0);
    }
}


/* Every prefix of every row: an answer, never a crash or an over-read. */
static void
test_prefixes_do_not_crash(void **state)
{
    int               whole;
    char              out[CAP];
    size_t            i, n, out_len;
    lr_field_status   st;

    (void) state;

    for (i = 0; i < LR_NELEMS(cases); i++) {
        const lr_field_case  *c = &cases[i];

        whole = c->len > 0 && c->body[0] == '{' && c->body[c->len - 1] == '}'
                && c->status != LR_FIELD_MALFORMED;

        for (n = 0; n < c->len; n++) {
            st = lr_field_run(lr_json_field, c->body, n, c->name, out,
                              sizeof(out), &out_len);

            /* a proper prefix of a valid {...} document is incomplete */
            if (whole && st != LR_FIELD_MALFORMED) {
                lr_print_failed("prefix of row", i, c->body, n);
            }

            if (whole) {
                assert_int_equal(st, LR_FIELD_MALFORMED);
            }

            if (st == LR_FIELD_OK) {
                assert_true(out_len < sizeof(out));
                assert_int_equal(out[out_len], '\0');
                continue;
            }

            assert_int_equal(out_len, 0);
            assert_int_equal(out[0], '\0');
        }
    }
}


static void
test_cap_zero(void **state)
{
    (void) state;

    lr_field_check_cap_zero(lr_json_field, "{\"username\":\"a\"}", 16);
}


static char *
repeat(const char *unit, size_t n, const char *tail, size_t *len)
{
    char    *s;
    size_t   ulen, tlen, i;

    ulen = strlen(unit);
    tlen = strlen(tail);
    s = malloc(ulen * n + tlen + 1);
    assert_non_null(s);

    for (i = 0; i < n; i++) {
        memcpy(s + i * ulen, unit, ulen);
    }

    memcpy(s + n * ulen, tail, tlen + 1);
    *len = n * ulen + tlen;

    return s;
}


/* lr_json_field on doc, a heap block built here, which it then frees;
 * out has CAP bytes. */
static lr_field_status
field_and_free(char *doc, size_t len, const char *path, char *out,
    size_t *out_len)
{
    lr_field_status  st;

    st = lr_json_field(doc, len, path, out, CAP, out_len);
    free(doc);

    return st;
}


/* Deep documents are refused (or walked), never overflow the stack. */
static void
test_deep_nesting(void **state)
{
    char             *doc, *path, out[CAP];
    size_t            len, i, out_len;
    lr_field_status   st;

    (void) state;

    /* 10000 '[': unterminated and far too deep */
    doc = repeat("[", 10000, "", &len);
    st = field_and_free(doc, len, "username", out, &out_len);
    assert_int_equal(st, LR_FIELD_MALFORMED);

    /* 10000 '[' then 10000 ']': well formed, far too deep for jansson
     * (JSON_PARSER_MAX_DEPTH 2048), and in any case holds no field */
    doc = malloc(20000);
    assert_non_null(doc);
    memset(doc, '[', 10000);
    memset(doc + 10000, ']', 10000);
    st = field_and_free(doc, 20000, "username", out, &out_len);
    assert_true(st == LR_FIELD_MALFORMED || st == LR_FIELD_MISSING);

    /* 10000 nested objects */
    doc = repeat("{\"a\":", 10000, "1", &len);
    st = field_and_free(doc, len, "a.a.a", out, &out_len);
    assert_int_equal(st, LR_FIELD_MALFORMED);

    /* 100 nested objects and a 100-step path to the value: found */
    doc = malloc(2000);
    assert_non_null(doc);
    len = 0;
    for (i = 0; i < 100; i++) {
        len += (size_t) sprintf(doc + len, "{\"k\":");
    }
    len += (size_t) sprintf(doc + len, "\"bottom\"");
    for (i = 0; i < 100; i++) {
        doc[len++] = '}';
    }

    path = repeat("k.", 99, "k", &i);
    st = field_and_free(doc, len, path, out, &out_len);
    free(path);

    assert_int_equal(st, LR_FIELD_OK);
    assert_string_equal(out, "bottom");
    assert_int_equal(out_len, 6);
}


/* Member names up to 128 bytes can be addressed; longer path steps are
 * MISSING (the module refuses such a field name in its configuration). */
static void
test_long_member_names(void **state)
{
    char              name[200], doc[512], out[CAP];
    size_t            len, out_len;
    lr_field_status   st;

    (void) state;

    memset(name, 'm', 128);
    name[128] = '\0';
    len = (size_t) sprintf(doc, "{\"%s\":\"v128\"}", name);
    st = lr_json_field(doc, len, name, out, sizeof(out), &out_len);
    assert_int_equal(st, LR_FIELD_OK);
    assert_string_equal(out, "v128");

    memset(name, 'm', 129);
    name[129] = '\0';
    len = (size_t) sprintf(doc, "{\"%s\":\"v129\"}", name);
    st = lr_json_field(doc, len, name, out, sizeof(out), &out_len);
    assert_int_equal(st, LR_FIELD_MISSING);
    assert_int_equal(out_len, 0);
}


/* A large document with the field at the end and a big value elsewhere. */
static void
test_large_document(void **state)
{
    char             *doc, out[CAP];
    size_t            len, out_len;
    lr_field_status   st;

    (void) state;

    doc = malloc(1024 * 1024 + 64);
    assert_non_null(doc);
    len = (size_t) sprintf(doc, "{\"blob\":\"");
    memset(doc + len, 'z', 1024 * 1024);
    len += 1024 * 1024;
    len += (size_t) sprintf(doc + len, "\",\"username\":\"alice\"}");

    st = lr_json_field(doc, len, "username", out, sizeof(out), &out_len);
    assert_int_equal(st, LR_FIELD_OK);
    assert_string_equal(out, "alice");

    st = lr_json_field(doc, len, "blob", out, sizeof(out), &out_len);
    assert_int_equal(st, LR_FIELD_TOO_LONG);
    assert_int_equal(out_len, 0);

    free(doc);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_top_level_scalar),
        cmocka_unit_test(test_prefixes_do_not_crash),
        cmocka_unit_test(test_cap_zero),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_long_member_names),
        cmocka_unit_test(test_large_document),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
