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


/* Two addresses in one /24 share country, ASN and prefix, not the IP;
 * another /24 shares country and ASN only. */
static void
test_ipv4_nesting(void **state)
{
    lr_login     l;
    lr_features  a, b, c;

    (void) state;

    lr_t_login(&l, LR_T0);
    l.ip = "203.0.113.7";
    features(&l, &a);
    l.ip = "203.0.113.250";
    features(&l, &b);
    l.ip = "203.0.114.7";
    features(&l, &c);

    assert_true(a.v[LR_F_COUNTRY] == b.v[LR_F_COUNTRY]);
    assert_true(a.v[LR_F_ASN] == b.v[LR_F_ASN]);
    assert_true(a.v[LR_F_PREFIX] == b.v[LR_F_PREFIX]);
    assert_true(a.v[LR_F_IP] != b.v[LR_F_IP]);

    assert_true(a.v[LR_F_ASN] == c.v[LR_F_ASN]);
    assert_true(a.v[LR_F_PREFIX] != c.v[LR_F_PREFIX]);
    assert_true(a.v[LR_F_IP] != c.v[LR_F_IP]);

    /* the network does not touch the other features */
    assert_true(a.v[LR_F_UA] == c.v[LR_F_UA]);
    assert_true(a.v[LR_F_DEVICE] == c.v[LR_F_DEVICE]);
}


/* A level includes its parents: the same address announced by another
 * ASN, or geolocated to another country, is another prefix and IP. */
static void
test_parents_included(void **state)
{
    lr_login     l;
    lr_features  a, b;

    (void) state;

    lr_t_login(&l, LR_T0);
    features(&l, &a);

    l.geo.asn = 4713;
    features(&l, &b);
    assert_true(a.v[LR_F_COUNTRY] == b.v[LR_F_COUNTRY]);
    assert_true(a.v[LR_F_ASN] != b.v[LR_F_ASN]);
    assert_true(a.v[LR_F_PREFIX] != b.v[LR_F_PREFIX]);
    assert_true(a.v[LR_F_IP] != b.v[LR_F_IP]);

    lr_t_login(&l, LR_T0);
    lr_t_country(&l, "KR");
    features(&l, &b);
    assert_true(a.v[LR_F_COUNTRY] != b.v[LR_F_COUNTRY]);
    assert_true(a.v[LR_F_ASN] != b.v[LR_F_ASN]);
    assert_true(a.v[LR_F_PREFIX] != b.v[LR_F_PREFIX]);
    assert_true(a.v[LR_F_IP] != b.v[LR_F_IP]);

    /* browser: device class > OS > family > family + major */
    lr_t_login(&l, LR_T0);
    l.ua.major = 121;
    features(&l, &b);
    assert_true(a.v[LR_F_DEVCLASS] == b.v[LR_F_DEVCLASS]);
    assert_true(a.v[LR_F_OS] == b.v[LR_F_OS]);
    assert_true(a.v[LR_F_BROWSER] == b.v[LR_F_BROWSER]);
    assert_true(a.v[LR_F_UA] != b.v[LR_F_UA]);

    lr_t_login(&l, LR_T0);
    l.ua.os = "Linux";
    features(&l, &b);
    assert_true(a.v[LR_F_DEVCLASS] == b.v[LR_F_DEVCLASS]);
    assert_true(a.v[LR_F_OS] != b.v[LR_F_OS]);
    assert_true(a.v[LR_F_BROWSER] != b.v[LR_F_BROWSER]);
    assert_true(a.v[LR_F_UA] != b.v[LR_F_UA]);

    lr_t_login(&l, LR_T0);
    l.ua.device_class = "mobile";
    features(&l, &b);
    assert_true(a.v[LR_F_DEVCLASS] != b.v[LR_F_DEVCLASS]);
    assert_true(a.v[LR_F_BROWSER] != b.v[LR_F_BROWSER]);
    assert_true(a.v[LR_F_UA] != b.v[LR_F_UA]);
}


/* IPv6: one /48 shares the prefix; another /48 does not; an IPv4 /24
 * never equals an IPv6 prefix. */
static void
test_ipv6_nesting(void **state)
{
    lr_login     l;
    lr_features  a, b, c;

    (void) state;

    lr_t_login(&l, LR_T0);
    l.ip = "2001:db8:abcd:1::1";
    features(&l, &a);
    l.ip = "2001:db8:abcd:ffff:1234::99";
    features(&l, &b);
    l.ip = "2001:db8:abce:1::1";
    features(&l, &c);

    assert_true(a.v[LR_F_PREFIX] == b.v[LR_F_PREFIX]);
    assert_true(a.v[LR_F_IP] != b.v[LR_F_IP]);
    assert_true(a.v[LR_F_PREFIX] != c.v[LR_F_PREFIX]);
}


static void
test_device_absent(void **state)
{
    lr_login     l;
    lr_features  f, g;

    (void) state;

    lr_t_login(&l, LR_T0);
    l.device_id = NULL;
    l.fingerprint = NULL;
    features(&l, &f);
    assert_true(f.v[LR_F_DEVICE] == 0);
    assert_true(f.v[LR_F_FINGERPRINT] == 0);
    assert_true(f.v[LR_F_IP] != 0);

    l.device_id = "";
    l.fingerprint = "";
    features(&l, &f);
    assert_true(f.v[LR_F_DEVICE] == 0);
    assert_true(f.v[LR_F_FINGERPRINT] == 0);

    /* the same string as cookie and as fingerprint: two values */
    l.device_id = "abc";
    l.fingerprint = "abc";
    features(&l, &f);
    assert_true(f.v[LR_F_DEVICE] != 0);
    assert_true(f.v[LR_F_FINGERPRINT] != 0);
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
    lr_login     l;
    lr_features  a, b, c;

    (void) state;

    lr_t_login(&l, LR_T0);
    l.ip = "::ffff:192.0.2.77";
    features(&l, &a);
    l.ip = "::ffff:198.51.100.1";
    features(&l, &b);
    l.ip = "192.0.2.1";
    features(&l, &c);

    assert_true(a.v[LR_F_PREFIX] != b.v[LR_F_PREFIX]);
    assert_true(a.v[LR_F_PREFIX] == c.v[LR_F_PREFIX]);
}


/* An address that is not one still has a (known) value: the login came
 * from somewhere. */
static void
test_bad_address(void **state)
{
    lr_login     l;
    lr_features  a, b;

    (void) state;

    lr_t_login(&l, LR_T0);
    l.ip = "not an address";
    features(&l, &a);
    assert_true(a.v[LR_F_PREFIX] != 0);
    assert_true(a.v[LR_F_IP] != 0);

    l.ip = "also not one";
    features(&l, &b);
    assert_true(a.v[LR_F_PREFIX] == b.v[LR_F_PREFIX]);
    assert_true(a.v[LR_F_IP] != b.v[LR_F_IP]);
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
