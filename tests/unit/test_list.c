/*
 * Lists in the engine (lr_list.h, lr_listset.h, lr_list_meta.h): kinds and
 * sides, canonical entries, list-file lines, the hashes a login is matched
 * by, the hash set with its expiries, an entry's value and the admin API's
 * request.
 */

#include "lr_test.h"

#include "lr_list.h"
#include "lr_list_meta.h"
#include "lr_listset.h"
#include "lr_login_json.h"


static void
test_kinds_and_sides(void **state)
{
    int  k;

    (void) state;

    for (k = 0; k < LR_LK_COUNT; k++) {
        assert_int_equal(lr_list_kind_of(lr_list_kind_name(k),
                                         strlen(lr_list_kind_name(k))), k);
    }

    assert_int_equal(lr_list_kind_of("ipv4", 4), -1);
    assert_int_equal(lr_list_kind_of("ip", 1), -1);
    assert_null(lr_list_kind_name(LR_LK_COUNT));

    assert_int_equal(lr_list_side_of(LR_LK_IP, "allow", 5), LR_LS_ALLOW);
    assert_int_equal(lr_list_side_of(LR_LK_USER, "block", 5), LR_LS_BLOCK);
    assert_int_equal(lr_list_side_of(LR_LK_IP, "list", 4), -1);

    /* the anonymizer kind has one side, "list" */
    assert_int_equal(lr_list_side_of(LR_LK_ANONYMIZER, "list", 4),
                     LR_LS_ALLOW);
    assert_int_equal(lr_list_side_of(LR_LK_ANONYMIZER, "block", 5), -1);
    assert_string_equal(lr_list_side_name(LR_LK_ANONYMIZER, LR_LS_ALLOW),
                        "list");
    assert_null(lr_list_side_name(LR_LK_ANONYMIZER, LR_LS_BLOCK));

    assert_int_equal(lr_list_kind_bit(LR_LK_COUNTRY), LR_LIST_COUNTRY);
    assert_int_equal(lr_list_kind_bit(LR_LK_ANONYMIZER), 0);
}


typedef struct {
    lr_list_kind   kind;
    const char    *in;
    int            rc;
    const char    *out;         /* canonical, when rc is 0 */
} canon_row;


static void
test_canon(void **state)
{
    size_t       i, len;
    char         out[LR_LIST_ENTRY_MAX + 1];
    const char  *why;

    static const canon_row  rows[] = {
        { LR_LK_USER, "  ＡＬＩＣＥ ", 0, "alice" },
        { LR_LK_USER, "Bob Smith", 0, "bob smith" },
        { LR_LK_USER, "a\x01" "b", -1, NULL },
        { LR_LK_USER, "\xff", -1, NULL },
        { LR_LK_USER, "   ", -1, NULL },
        { LR_LK_DEVICE, "0123456789ABCDEF0123456789abcdef", 0,
          "0123456789abcdef0123456789abcdef" },
        { LR_LK_DEVICE, "0123456789abcdef0123456789abcde", -1, NULL },
        { LR_LK_DEVICE, "0123456789abcdef0123456789abcdeg", -1, NULL },
        { LR_LK_COUNTRY, "jp", 0, "JP" },
        { LR_LK_COUNTRY, "JPN", -1, NULL },
        { LR_LK_COUNTRY, "J1", -1, NULL },
        { LR_LK_ASN, "64496", 0, "64496" },
        { LR_LK_ASN, "AS64496", 0, "64496" },
        { LR_LK_ASN, "as0064496", 0, "64496" },
        { LR_LK_ASN, "4294967295", 0, "4294967295" },
        { LR_LK_ASN, "4294967296", -1, NULL },
        { LR_LK_ASN, "0", -1, NULL },
        { LR_LK_ASN, "000000000001", -1, NULL },
        { LR_LK_ASN, "AS", -1, NULL },
        { LR_LK_ASN, "64496x", -1, NULL },
        { LR_LK_ANONYMIZER, "as64496", 0, "AS64496" },
        { LR_LK_ANONYMIZER, "64496", 0, "AS64496" },
        { LR_LK_ANONYMIZER, "AS99999999999", -1, NULL },
        /* addresses are for the caller (nginx's parser) */
        { LR_LK_ANONYMIZER, "2001:db8::/32", 1, NULL },
        { LR_LK_ANONYMIZER, "192.0.2.0/24", 1, NULL },
        { LR_LK_IP, "192.0.2.1", 1, NULL },
        { LR_LK_IP, "", -1, NULL },
    };

    (void) state;

    for (i = 0; i < LR_NELEMS(rows); i++) {
        why = NULL;

        if (lr_list_canon(rows[i].kind, rows[i].in, strlen(rows[i].in), out,
                          sizeof(out), &len, &why)
            != rows[i].rc)
        {
            lr_print_failed("row", i, rows[i].in, strlen(rows[i].in));
            fail();
        }

        if (rows[i].rc == 0) {
            assert_string_equal(out, rows[i].out);
            assert_int_equal(len, strlen(rows[i].out));
        }

        if (rows[i].rc < 0) {
            assert_non_null(why);
        }
    }
}


static void
test_canon_too_long(void **state)
{
    char         in[LR_LIST_ENTRY_MAX + 2], out[LR_LIST_ENTRY_MAX + 1];
    size_t       len;
    const char  *why;

    (void) state;

    memset(in, 'a', sizeof(in) - 1);
    in[sizeof(in) - 1] = '\0';

    assert_int_equal(lr_list_canon(LR_LK_IP, in, strlen(in), out,
                                   sizeof(out), &len, &why), -1);

    /* a user id longer than the login path takes */
    assert_int_equal(lr_list_canon(LR_LK_USER, in, 300, out, sizeof(out),
                                   &len, &why), -1);
}


typedef struct {
    const char  *line;
    int          rc;
    const char  *entry;
    int64_t      expires_ms;
    const char  *comment;
} line_row;


static void
test_line_parse(void **state)
{
    size_t        i;
    const char   *why;
    lr_list_line  ln;

    static const line_row  rows[] = {
        { "", 1, NULL, 0, NULL },
        { "   \t\r", 1, NULL, 0, NULL },
        { "# a comment", 1, NULL, 0, NULL },
        { "   # indented comment", 1, NULL, 0, NULL },
        { "192.0.2.0/24", 0, "192.0.2.0/24", 0, NULL },
        { "  alice \r", 0, "alice", 0, NULL },
        { "alice # our CEO", 0, "alice", 0, "our CEO" },
        { "a#b", 0, "a#b", 0, NULL },
        { "alice expires=2026-01-01T00:00:00Z", 0, "alice",
          1767225600000LL, NULL },
        { "alice expires=2026-01-01T00:00:00.5Z #  x  ", 0, "alice",
          1767225600500LL, "x" },
        { "alice expires=2026-13-01T00:00:00Z", -1, NULL, 0, NULL },
        { "alice expires=tomorrow", -1, NULL, 0, NULL },
        { "alice expires=", -1, NULL, 0, NULL },
        { "alice bob", -1, NULL, 0, NULL },
        { "alice expires=2026-01-01T00:00:00Z junk", -1, NULL, 0, NULL },
    };

    (void) state;

    for (i = 0; i < LR_NELEMS(rows); i++) {
        why = NULL;

        if (lr_list_line_parse(rows[i].line, strlen(rows[i].line), &ln, &why)
            != rows[i].rc)
        {
            lr_print_failed("row", i, rows[i].line, strlen(rows[i].line));
            fail();
        }

        if (rows[i].rc < 0) {
            assert_non_null(why);
        }

        if (rows[i].rc != 0) {
            continue;
        }

        assert_int_equal(ln.entry_len, strlen(rows[i].entry));
        assert_memory_equal(ln.entry, rows[i].entry, ln.entry_len);
        assert_int_equal(ln.expires_ms, rows[i].expires_ms);

        if (rows[i].comment) {
            assert_int_equal(ln.comment_len, strlen(rows[i].comment));
            assert_memory_equal(ln.comment, rows[i].comment, ln.comment_len);

        } else {
            assert_null(ln.comment);
        }
    }
}


/* a NUL inside a line is refused, and a long comment cut whole characters */
static void
test_line_edges(void **state)
{
    char          line[600], *heap;
    size_t        len;
    const char   *why;
    lr_list_line  ln;

    (void) state;

    assert_int_equal(lr_list_line_parse("ab\0cd", 5, &ln, &why), -1);

    /* "x # " then 200 two-byte characters: cut at 256 bytes, not inside
     * one */
    len = (size_t) snprintf(line, sizeof(line), "x # é");
    while (len + 2 < 4 + 2 + 400) {
        memcpy(line + len, "é", 2);
        len += 2;
    }

    heap = lr_heap_copy(line, len);
    assert_int_equal(lr_list_line_parse(heap, len, &ln, &why), 0);
    assert_true(ln.comment_len <= LR_LIST_COMMENT_MAX);
    assert_int_equal(ln.comment_len % 2, 0);
    free(heap);
}


static void
test_login_keys(void **state)
{
    char          canon[64];
    size_t        len;
    uint64_t      key[LR_LK_COUNT];
    lr_login      l;
    const char   *why;

    (void) state;

    memset(&l, 0, sizeof(l));
    lr_list_login_keys(&l, key);

    /* nothing known, nothing matched */
    assert_int_equal(key[LR_LK_USER] | key[LR_LK_DEVICE] | key[LR_LK_COUNTRY]
                     | key[LR_LK_ASN] | key[LR_LK_ANONYMIZER]
                     | key[LR_LK_IP], 0);

    l.user = "alice";
    l.device_id = "0123456789abcdef0123456789abcdef";
    strcpy(l.geo.country, "JP");
    l.geo.asn = 64496;
    lr_list_login_keys(&l, key);

    /* each key is the hash of the entry as a list file writes it */
    assert_int_equal(lr_list_canon(LR_LK_USER, "ALICE", 5, canon,
                                   sizeof(canon), &len, &why), 0);
    assert_true(key[LR_LK_USER] == lr_list_hash(LR_LK_USER, canon, len));

    assert_int_equal(lr_list_canon(LR_LK_DEVICE,
                                   "0123456789ABCDEF0123456789ABCDEF", 32,
                                   canon, sizeof(canon), &len, &why), 0);
    assert_true(key[LR_LK_DEVICE] == lr_list_hash(LR_LK_DEVICE, canon, len));

    assert_int_equal(lr_list_canon(LR_LK_COUNTRY, "jp", 2, canon,
                                   sizeof(canon), &len, &why), 0);
    assert_true(key[LR_LK_COUNTRY] == lr_list_hash(LR_LK_COUNTRY, canon, len));

    assert_int_equal(lr_list_canon(LR_LK_ASN, "AS64496", 7, canon,
                                   sizeof(canon), &len, &why), 0);
    assert_true(key[LR_LK_ASN] == lr_list_hash(LR_LK_ASN, canon, len));

    assert_int_equal(lr_list_canon(LR_LK_ANONYMIZER, "64496", 5, canon,
                                   sizeof(canon), &len, &why), 0);
    assert_true(key[LR_LK_ANONYMIZER]
                == lr_list_hash(LR_LK_ANONYMIZER, canon, len));

    /* the asn and the anonymizer's ASN are told apart */
    assert_true(key[LR_LK_ASN] != key[LR_LK_ANONYMIZER]);

    /* a device id that is no id matches nothing */
    l.device_id = "forged";
    lr_list_login_keys(&l, key);
    assert_true(key[LR_LK_DEVICE] == 0);
}


static void
test_listset(void **state)
{
    void        *mem;
    size_t       i;
    lr_listset   s, never;

    (void) state;

    /* an empty set needs no memory and holds nothing */
    lr_listset_init(&s, NULL, 0, 0);
    assert_int_equal(lr_listset_mem(0, 1), 0);
    assert_int_equal(lr_listset_has(&s, 42, 0), 0);
    assert_int_equal(lr_listset_add(&s, 42, LR_LISTSET_NEVER), -1);

    mem = malloc(lr_listset_mem(1000, 1));
    lr_listset_init(&s, mem, 1000, 1);

    for (i = 1; i <= 1000; i++) {
        assert_int_equal(lr_listset_add(&s, i * 0x9e3779b97f4a7c15ULL,
                                        i % 2 ? LR_LISTSET_NEVER
                                              : (uint32_t) (1000 + i)),
                         0);
    }

    assert_int_equal(s.n, 1000);

    /* full: made for 1000 */
    assert_int_equal(lr_listset_add(&s, 7, LR_LISTSET_NEVER), -1);

    for (i = 1; i <= 1000; i++) {
        /* an entry is in force until its expiry, never after */
        assert_int_equal(lr_listset_has(&s, i * 0x9e3779b97f4a7c15ULL,
                                         (uint32_t) (999 + i)), 1);
        assert_int_equal(lr_listset_has(&s, i * 0x9e3779b97f4a7c15ULL,
                                         (uint32_t) (1000 + i)), i % 2);
    }

    assert_int_equal(lr_listset_has(&s, 12345, 0), 0);
    assert_int_equal(lr_listset_has(&s, 0, 0), 0);

    /* the same entry twice keeps the later expiry */
    assert_int_equal(lr_listset_add(&s, 2 * 0x9e3779b97f4a7c15ULL, 5000), 0);
    assert_int_equal(lr_listset_has(&s, 2 * 0x9e3779b97f4a7c15ULL, 4999), 1);
    assert_int_equal(lr_listset_add(&s, 2 * 0x9e3779b97f4a7c15ULL, 10), 0);
    assert_int_equal(lr_listset_has(&s, 2 * 0x9e3779b97f4a7c15ULL, 4999), 1);
    assert_int_equal(s.n, 1000);
    free(mem);

    /* a set made without expiries refuses one, and takes less memory */
    assert_true(lr_listset_mem(10, 0) < lr_listset_mem(10, 1));
    mem = malloc(lr_listset_mem(10, 0));
    lr_listset_init(&never, mem, 10, 0);
    assert_int_equal(lr_listset_add(&never, 99, 5), -1);
    assert_int_equal(lr_listset_add(&never, 99, LR_LISTSET_NEVER), 0);
    assert_int_equal(lr_listset_has(&never, 99, UINT32_MAX - 1), 1);
    free(mem);

    assert_int_equal(lr_listset_expiry(0), LR_LISTSET_NEVER);
    assert_int_equal(lr_listset_expiry(1001), 2);
    assert_int_equal(lr_listset_expiry(2000), 2);
}


static void
test_meta(void **state)
{
    char     buf[LR_LIST_META_MAX];
    size_t   n;
    int64_t  e;

    (void) state;

    n = lr_list_meta_format(1767225600000LL, "partner \"office\"", 16,
                            "ann", 3, 1700000000000LL, buf, sizeof(buf));
    assert_true(n > 0);
    buf[n] = '\0';
    assert_string_equal(buf, "{\"expires\":1767225600000,\"comment\":"
                        "\"partner \\\"office\\\"\",\"actor\":\"ann\","
                        "\"time\":1700000000000}");
    assert_int_equal(lr_list_meta_expires(buf, n, &e), 0);
    assert_true(e == 1767225600000LL);

    /* no comment, never expires */
    n = lr_list_meta_format(0, NULL, 0, "-", 1, 1, buf, sizeof(buf));
    assert_int_equal(lr_list_meta_expires(buf, n, &e), 0);
    assert_true(e == 0);

    /* a text that is not UTF-8, or no room */
    assert_int_equal(lr_list_meta_format(0, "\xff", 1, "a", 1, 1, buf,
                                         sizeof(buf)), 0);
    assert_int_equal(lr_list_meta_format(0, NULL, 0, "a", 1, 1, buf, 10), 0);

    assert_int_equal(lr_list_meta_expires("nope", 4, &e), -1);
    assert_int_equal(lr_list_meta_expires("{\"expires\":-1}", 14, &e), -1);
    assert_int_equal(lr_list_meta_expires("{}", 2, &e), -1);
}


typedef struct {
    const char  *body;
    int          rc;
    const char  *entry;
    int64_t      expires_ms;
    const char  *comment;
} request_row;


static void
test_request(void **state)
{
    size_t           i;
    char             err[160];
    lr_list_request  req;

    static const int64_t  now = 1700000000000LL;

    static const request_row  rows[] = {
        { "{\"entry\":\"192.0.2.0/24\"}", 0, "192.0.2.0/24", 0, NULL },
        { "{\"entry\":\"x\",\"ttl\":60,\"comment\":\"c\"}", 0, "x",
          1700000060000LL, "c" },
        { "{\"entry\":\"x\",\"expires\":\"2026-01-01T00:00:00Z\"}", 0, "x",
          1767225600000LL, NULL },
        { "{\"entry\":\"x\",\"expires\":\"2020-01-01T00:00:00Z\"}", -1,
          NULL, 0, NULL },
        { "{\"entry\":\"x\",\"expires\":\"soon\"}", -1, NULL, 0, NULL },
        { "{\"entry\":\"x\",\"ttl\":0}", -1, NULL, 0, NULL },
        { "{\"entry\":\"x\",\"ttl\":\"60\"}", -1, NULL, 0, NULL },
        { "{\"entry\":\"x\",\"ttl\":60,\"expires\":\"2026-01-01T00:00:00Z\"}",
          -1, NULL, 0, NULL },
        { "{\"entry\":\"x\",\"colour\":\"red\"}", -1, NULL, 0, NULL },
        { "{\"entry\":\"x\",\"entry\":\"y\"}", -1, NULL, 0, NULL },
        { "{\"entry\":5}", -1, NULL, 0, NULL },
        { "{\"comment\":\"c\"}", -1, NULL, 0, NULL },
        { "[\"x\"]", -1, NULL, 0, NULL },
        { "{\"entry\":\"x\"", -1, NULL, 0, NULL },
        { "", -1, NULL, 0, NULL },
        { "{\"entry\":\"a\\u0000b\"}", -1, NULL, 0, NULL },
        { "{\"entry\":\"x\",\"comment\":7}", -1, NULL, 0, NULL },
    };

    (void) state;

    for (i = 0; i < LR_NELEMS(rows); i++) {
        err[0] = '\0';

        if (lr_list_request_parse(rows[i].body, strlen(rows[i].body), now,
                                  &req, err, sizeof(err))
            != rows[i].rc)
        {
            lr_print_failed("row", i, rows[i].body, strlen(rows[i].body));
            fail();
        }

        if (rows[i].rc != 0) {
            assert_true(strlen(err) > 0);
            continue;
        }

        assert_string_equal(req.entry, rows[i].entry);
        assert_true(req.expires_ms == rows[i].expires_ms);
        assert_string_equal(req.comment,
                            rows[i].comment ? rows[i].comment : "");
    }
}


static void
test_request_limits(void **state)
{
    char             body[2048], err[160];
    size_t           n;
    lr_list_request  req;

    (void) state;

    n = (size_t) snprintf(body, sizeof(body), "{\"entry\":\"x\","
                          "\"comment\":\"%0257d\"}", 0);
    assert_int_equal(lr_list_request_parse(body, n, 0, &req, err,
                                           sizeof(err)), -1);

    n = (size_t) snprintf(body, sizeof(body), "{\"entry\":\"x\","
                          "\"comment\":\"%0256d\"}", 0);
    assert_int_equal(lr_list_request_parse(body, n, 0, &req, err,
                                           sizeof(err)), 0);
    assert_int_equal(req.comment_len, 256);

    n = (size_t) snprintf(body, sizeof(body), "{\"entry\":\"%01025d\"}", 0);
    assert_int_equal(lr_list_request_parse(body, n, 0, &req, err,
                                           sizeof(err)), -1);
}


static void
test_actor(void **state)
{
    char  out[LR_LIST_ACTOR_MAX + 1];
    char  long_name[300];

    (void) state;

    assert_int_equal(lr_list_actor("ann", 3, out), 3);
    assert_string_equal(out, "ann");

    assert_int_equal(lr_list_actor(NULL, 0, out), 1);
    assert_string_equal(out, "-");

    lr_list_actor("山田", strlen("山田"), out);
    assert_string_equal(out, "山田");

    /* no control byte or broken UTF-8 reaches a log */
    lr_list_actor("a\nb\xff", 4, out);
    assert_string_equal(out, "a?b?");

    memset(long_name, 'x', sizeof(long_name));
    assert_int_equal(lr_list_actor(long_name, sizeof(long_name), out),
                     LR_LIST_ACTOR_MAX);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_kinds_and_sides),
        cmocka_unit_test(test_canon),
        cmocka_unit_test(test_canon_too_long),
        cmocka_unit_test(test_line_parse),
        cmocka_unit_test(test_line_edges),
        cmocka_unit_test(test_login_keys),
        cmocka_unit_test(test_listset),
        cmocka_unit_test(test_meta),
        cmocka_unit_test(test_request),
        cmocka_unit_test(test_request_limits),
        cmocka_unit_test(test_actor),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
