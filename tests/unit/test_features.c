/*
 * The features of a login (lr_features.h): hashes that nest (each level's
 * value includes its parents), 0 for an absent device or fingerprint, and
 * the /24 or /48 prefix of an address.
 */

#include "lr_engine_test.h"


static void
features(const lr_login *l, lr_features *f)
{
    memset(f, 0, sizeof(*f));
    lr_features_of(l, f);
}


/* every value of a login with all its parts is known (not 0) */
static void
test_all_known(void **state)
{
    unsigned     i, j;
    lr_login     l;
    lr_features  f;

    (void) state;

    lr_t_login(&l, LR_T0);
    features(&l, &f);

    for (i = 0; i < LR_F_COUNT; i++) {
        assert_true(f.v[i] != 0);
        for (j = 0; j < i; j++) {
            assert_true(f.v[i] != f.v[j]);
        }
    }

    /* deterministic: the same login, the same values */
    {
        lr_features  g;

        features(&l, &g);
        assert_memory_equal(&f, &g, sizeof(f));
    }
}


/* The browser hierarchy of lr_features.h, parent first; the network one
 * is lr_t_network. */
#define LEVELS  LR_NELEMS(lr_t_network)

static const lr_feature  browser[LEVELS] = {
    LR_F_DEVCLASS, LR_F_OS, LR_F_BROWSER, LR_F_UA
};


/*
 * a and b agree on the levels of a hierarchy above first_new and differ
 * from it down: a level includes its parents, so once one differs every
 * level below it does. The report names the row (what) and the level.
 */
static void
check_nesting(const char *what, const lr_features *a, const lr_features *b,
    const lr_feature *levels, size_t first_new)
{
    size_t  i;
    int     same;

    for (i = 0; i < LEVELS; i++) {
        same = a->v[levels[i]] == b->v[levels[i]];

        if (same != (i < first_new)) {
            print_error("%s: %s %s, want %s\n", what,
                        lr_feature_name(levels[i]),
                        same ? "the same" : "differs",
                        i < first_new ? "the same" : "differs");
        }

        assert_int_equal(same, i < first_new);
    }
}


/* Two addresses of alice's login and the first network level they
 * differ at (LEVELS: none). */
typedef struct {
    const char  *a, *b;
    size_t       first_new;
} ip_pair;


/* the features of alice's login from ip */
static void
ip_features(const char *ip, lr_features *f)
{
    lr_login  l;

    lr_t_login(&l, LR_T0);
    l.ip = ip;
    features(&l, f);
}


static void
check_ip_pairs(const ip_pair *rows, size_t n)
{
    size_t       i;
    lr_features  a, b;

    for (i = 0; i < n; i++) {
        ip_features(rows[i].a, &a);
        ip_features(rows[i].b, &b);
        check_nesting(rows[i].b, &a, &b, lr_t_network, rows[i].first_new);
    }
}


/* Two addresses in one /24 share country, ASN and prefix, not the IP;
 * another /24 shares country and ASN only. */
static void
test_ipv4_nesting(void **state)
{
    lr_features  a, c;

    static const ip_pair  rows[] = {
        { "203.0.113.7", "203.0.113.250", 3 },
        { "203.0.113.7", "203.0.114.7", 2 },
    };

    (void) state;

    check_ip_pairs(rows, LR_NELEMS(rows));

    /* the network does not touch the other features */
    ip_features("203.0.113.7", &a);
    ip_features("203.0.114.7", &c);
    assert_true(a.v[LR_F_UA] == c.v[LR_F_UA]);
    assert_true(a.v[LR_F_DEVICE] == c.v[LR_F_DEVICE]);
}


/* A level includes its parents: the same address announced by another
 * ASN, or geolocated to another country, is another prefix and IP; so
 * for the browser, device class > OS > family > family + major. */
static void
test_parents_included(void **state)
{
    size_t       i;
    lr_login     l;
    lr_features  a, b;

    /* one part of alice's login changed (0, NULL: kept) */
    static const struct {
        const char        *what;
        uint32_t           asn;
        const char        *country;
        int                major;
        const char        *os;
        const char        *device_class;
        const lr_feature  *levels;
        size_t             first_new;
    } rows[] = {
        { "asn", 4713, NULL, 0, NULL, NULL, lr_t_network, 1 },
        { "country", 0, "KR", 0, NULL, NULL, lr_t_network, 0 },
        { "major", 0, NULL, 121, NULL, NULL, browser, 3 },
        { "os", 0, NULL, 0, "Linux", NULL, browser, 1 },
        { "device class", 0, NULL, 0, NULL, "mobile", browser, 0 },
    };

    (void) state;

    lr_t_login(&l, LR_T0);
    features(&l, &a);

    for (i = 0; i < LR_NELEMS(rows); i++) {
        lr_t_login(&l, LR_T0);
        if (rows[i].asn) {
            l.geo.asn = rows[i].asn;
        }
        if (rows[i].country) {
            lr_t_country(&l, rows[i].country);
        }
        if (rows[i].major) {
            l.ua.major = rows[i].major;
        }
        if (rows[i].os) {
            l.ua.os = rows[i].os;
        }
        if (rows[i].device_class) {
            l.ua.device_class = rows[i].device_class;
        }
        features(&l, &b);
        check_nesting(rows[i].what, &a, &b, rows[i].levels,
                      rows[i].first_new);
    }
}


/* IPv6: one /48 shares the prefix; another /48 does not; an IPv4 /24
 * never equals an IPv6 prefix. */
static void
test_ipv6_nesting(void **state)
{
    static const ip_pair  rows[] = {
        { "2001:db8:abcd:1::1", "2001:db8:abcd:ffff:1234::99", 3 },
        { "2001:db8:abcd:1::1", "2001:db8:abce:1::1", 2 },
    };

    (void) state;

    check_ip_pairs(rows, LR_NELEMS(rows));
}


static void
test_device_absent(void **state)
{
    lr_login     l;
    lr_features  f, g;

    (void) state;

    lr_t_login(&l, LR_T0);
    l.device_id = NULL;
    l.device_attrs = 0;
    features(&l, &f);
    assert_true(f.v[LR_F_DEVICE] == 0);
    assert_true(f.v[LR_F_FINGERPRINT] == 0);
    assert_true(f.v[LR_F_IP] != 0);

    l.device_id = "";
    features(&l, &f);
    assert_true(f.v[LR_F_DEVICE] == 0);
    assert_true(f.v[LR_F_FINGERPRINT] == 0);

    /* the attribute vector is the fingerprint's low half, which is what a
     * profile keeps and compares */
    l.device_id = "abc";
    l.device_attrs = FP_A;
    features(&l, &f);
    assert_true(f.v[LR_F_DEVICE] != 0);
    assert_true((uint32_t) f.v[LR_F_FINGERPRINT] == FP_A);
    assert_true((f.v[LR_F_FINGERPRINT] >> 32) != 0);
    assert_true(f.v[LR_F_DEVICE] != f.v[LR_F_FINGERPRINT]);

    l.device_id = "abd";
    features(&l, &g);
    assert_true(g.v[LR_F_DEVICE] != f.v[LR_F_DEVICE]);
    assert_true(g.v[LR_F_FINGERPRINT] == f.v[LR_F_FINGERPRINT]);
}


static void
check_prefix(const char *ip, size_t want_len, const unsigned char *want)
{
    size_t         len;
    unsigned char  out[LR_IP_PREFIX_MAX];

    memset(out, 0xee, sizeof(out));
    len = lr_ip_prefix(ip, out);

    if (len != want_len) {
        print_error("lr_ip_prefix(\"%s\") = %zu, want %zu\n",
                    ip ? ip : "(null)", len, want_len);
    }

    assert_int_equal(len, want_len);
    if (want_len) {
        assert_memory_equal(out, want, want_len);
    }
}


static void
test_ip_prefix(void **state)
{
    size_t  i;

    static const char  *bad[] = {
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", " 1.2.3.4",
        "01.2.3.4x", "abc", "1.2.3.4/24", "2001:db8::1::2", "2001:db8:::1",
        "gggg::1", "[::1]", "::1%eth0", "1.2.3.-4",
    };

    (void) state;

    check_prefix("192.0.2.77", 4, (const unsigned char *) "\x04\xc0\x00\x02");
    check_prefix("10.255.1.0", 4, (const unsigned char *) "\x04\x0a\xff\x01");
    check_prefix("2001:db8:abcd:12::1", 7,
                 (const unsigned char *) "\x06\x20\x01\x0d\xb8\xab\xcd");
    check_prefix("::1", 7, (const unsigned char *) "\x06\0\0\0\0\0\0");

    /* an IPv4-mapped address (a dual-stack listener) is its IPv4 /24, not
     * ::/48 shared by every IPv4 client */
    check_prefix("::ffff:192.0.2.77", 4,
                 (const unsigned char *) "\x04\xc0\x00\x02");
    check_prefix("::ffff:198.51.100.1", 4,
                 (const unsigned char *) "\x04\xc6\x33\x64");

    check_prefix(NULL, 0, NULL);

    for (i = 0; i < LR_NELEMS(bad); i++) {
        check_prefix(bad[i], 0, NULL);
    }
}


/* Two IPv4 clients seen through a dual-stack listener are in different
 * prefixes, and in the one of their plain IPv4 form. */
static void
test_mapped_prefix(void **state)
{
    static const ip_pair  rows[] = {
        { "::ffff:192.0.2.77", "::ffff:198.51.100.1", 2 },
        { "::ffff:192.0.2.77", "192.0.2.1", 3 },
    };

    (void) state;

    check_ip_pairs(rows, LR_NELEMS(rows));
}


/* An address that is not one still has a (known) value: the login came
 * from somewhere. */
static void
test_bad_address(void **state)
{
    lr_features  a;

    static const ip_pair  rows[] = {
        { "not an address", "also not one", 3 },
    };

    (void) state;

    ip_features("not an address", &a);
    assert_true(a.v[LR_F_PREFIX] != 0);
    assert_true(a.v[LR_F_IP] != 0);

    check_ip_pairs(rows, LR_NELEMS(rows));
}


static void
test_hash(void **state)
{
    (void) state;

    /* the NUL separates: "ab" then "c" is not "a" then "bc" */
    assert_true(lr_hash_str(lr_hash_str(0, "ab"), "c")
                != lr_hash_str(lr_hash_str(0, "a"), "bc"));
    assert_true(lr_hash_str(1, "x") != lr_hash_str(2, "x"));
    assert_true(lr_hash_str(0, NULL) == lr_hash_str(0, ""));
    assert_true(lr_hash(0, "abc", 3) != lr_hash(0, "abd", 3));
    assert_true(lr_hash(7, "", 0) != 0);

    assert_string_equal(lr_feature_name(LR_F_COUNTRY), "country");
    assert_string_equal(lr_feature_name(LR_F_PREFIX), "prefix");
    assert_string_equal(lr_feature_name(LR_F_FINGERPRINT), "fingerprint");
    assert_string_equal(lr_feature_name(LR_F_COUNT), "unknown");
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_all_known),
        cmocka_unit_test(test_ipv4_nesting),
        cmocka_unit_test(test_parents_included),
        cmocka_unit_test(test_ipv6_nesting),
        cmocka_unit_test(test_device_absent),
        cmocka_unit_test(test_ip_prefix),
        cmocka_unit_test(test_mapped_prefix),
        cmocka_unit_test(test_bad_address),
        cmocka_unit_test(test_hash),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
