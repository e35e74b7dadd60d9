#include "lr_test.h"

#include <jansson.h>

#include "lr_alert.h"


#define TOKYO  "\xe6\x9d\xb1\xe4\xba\xac"       /* 東京 */

/* the glue's buffer: 4096 + 6 x (uri + user), see
 * ngx_http_login_risk_alert_log.c */
#define GLUE_BASE  4096


static void
full_login(lr_login *l)
{
    memset(l, 0, sizeof(*l));

    l->time_ms = 1700000000123LL;
    l->request_id = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    l->user = "taro.yamada";
    l->ip = "192.0.2.10";
    l->uri = "/login";
    l->status = 302;

    strcpy(l->geo.country, "JP");
    strcpy(l->geo.city, TOKYO);
    l->geo.has_location = 1;
    l->geo.latitude = 35.6895;
    l->geo.longitude = 139.6917;
    l->geo.asn = 64496;
    strcpy(l->geo.asn_org, "Example Japan Broadband KK");

    l->ua.family = "Chrome";
    l->ua.major = 120;
    l->ua.os = "Windows";
    l->ua.device_class = "desktop";

    lr_reasons_add_points(&l->reasons, "new_country", 15);
    lr_reasons_add_points(&l->reasons, "new_device", 20);
    lr_reasons_add(&l->reasons, LR_REASON_NO_USER);

    l->score = 35;
    l->action = "tag";
    l->monitor = 1;
}


/*
 * Formats l into a heap buffer of exactly cap bytes (ASan sees any
 * overrun), checks the framing (one '\n', at the end, and no other) and
 * returns the parsed object.
 */
static json_t *
format_and_parse(const lr_login *l, size_t cap, size_t *len_out)
{
    char          *buf;
    size_t         len, i;
    json_t        *line;
    const char    *problem;
    json_error_t   err;

    buf = malloc(cap);
    assert_non_null(buf);

    len = lr_alert_format(l, buf, cap);
    line = NULL;
    problem = NULL;

    if (len == 0 || len > cap) {
        problem = "lr_alert_format returned 0 or more than cap";

    } else if (buf[len - 1] != '\n') {
        problem = "the line does not end in '\\n'";

    } else {
        for (i = 0; i + 1 < len; i++) {
            if (buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\0') {
                problem = "a newline, CR or NUL before the end";
                break;
            }
        }
    }

    if (problem == NULL) {
        line = json_loadb(buf, len, 0, &err);

        if (line == NULL) {
            problem = "the line is not JSON";

        } else if (!json_is_object(line)) {
            problem = "the line is not a JSON object";
            json_decref(line);
            line = NULL;
        }
    }

    if (problem != NULL) {
        print_error("cap %zu, len %zu: %s: %.*s\n", cap, len, problem,
                    (int) (len <= cap ? len : 0), buf);
    }

    free(buf);

    if (problem != NULL) {
        fail_msg("%s", problem);
    }

    if (len_out != NULL) {
        *len_out = len;
    }

    return line;
}


static void
member_string(json_t *obj, const char *key, const char *want)
{
    json_t  *v;

    v = json_object_get(obj, key);

    if (!json_is_string(v) || strcmp(json_string_value(v), want) != 0) {
        print_error("member \"%s\": want \"%s\", got %s \"%s\"\n", key, want,
                    v == NULL ? "nothing" : json_is_string(v) ? "string"
                                                              : "non-string",
                    json_is_string(v) ? json_string_value(v) : "");
    }

    assert_true(json_is_string(v));
    assert_string_equal(json_string_value(v), want);
}


static void
member_null(json_t *obj, const char *key)
{
    json_t  *v;

    v = json_object_get(obj, key);

    if (!json_is_null(v)) {
        print_error("member \"%s\" is %s, want null\n", key,
                    v == NULL ? "absent" : "not null");
    }

    assert_non_null(v);
    assert_true(json_is_null(v));
}


/* An unknown value is written as null, never left out. */
static void
members_null(json_t *obj, const char *const *keys, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        member_null(obj, keys[i]);
    }
}


static void
member_int(json_t *obj, const char *key, json_int_t want)
{
    json_t  *v;

    v = json_object_get(obj, key);

    if (!json_is_integer(v) || json_integer_value(v) != want) {
        print_error("member \"%s\": want %lld\n", key, (long long) want);
    }

    assert_true(json_is_integer(v));
    assert_int_equal(json_integer_value(v), want);
}


static void
member_real(json_t *obj, const char *key, double want)
{
    double   d;
    json_t  *v;

    v = json_object_get(obj, key);
    assert_true(json_is_number(v));

    d = json_number_value(v) - want;
    if (d > 1e-9 || d < -1e-9) {
        print_error("member \"%s\": want %.10g, got %.10g\n", key, want,
                    json_number_value(v));
    }

    assert_true(d <= 1e-9 && d >= -1e-9);
}


static void
test_full_line(void **state)
{
    json_t    *line, *loc, *dev, *rs, *pts;
    lr_login   l;

    (void) state;

    full_login(&l);
    line = format_and_parse(&l, 4096, NULL);

    /* exactly these members: nothing else from the request */
    assert_int_equal(json_object_size(line), 13);

    member_int(line, "score", 35);
    member_string(line, "action", "tag");
    member_string(line, "mode", "monitor");

    /* every point under its reason; a reason without points is absent */
    pts = json_object_get(line, "points");
    assert_true(json_is_object(pts));
    assert_int_equal(json_object_size(pts), 2);
    member_int(pts, "new_country", 15);
    member_int(pts, "new_device", 20);

    member_string(line, "time", "2023-11-14T22:13:20.123Z");
    member_string(line, "request_id", "0f1e2d3c4b5a69788796a5b4c3d2e1f0");
    member_string(line, "user", "taro.yamada");
    member_string(line, "ip", "192.0.2.10");
    member_string(line, "uri", "/login");
    member_int(line, "status", 302);

    loc = json_object_get(line, "location");
    assert_true(json_is_object(loc));
    assert_int_equal(json_object_size(loc), 6);
    member_string(loc, "country", "JP");
    member_string(loc, "city", TOKYO);
    member_real(loc, "lat", 35.6895);
    member_real(loc, "lon", 139.6917);
    member_int(loc, "asn", 64496);
    member_string(loc, "asn_org", "Example Japan Broadband KK");

    dev = json_object_get(line, "device");
    assert_true(json_is_object(dev));
    assert_int_equal(json_object_size(dev), 4);
    member_string(dev, "ua_family", "Chrome");
    member_int(dev, "ua_major", 120);
    member_string(dev, "os", "Windows");
    member_string(dev, "device_class", "desktop");

    rs = json_object_get(line, "reasons");
    assert_true(json_is_array(rs));
    assert_int_equal(json_array_size(rs), 3);
    assert_string_equal(json_string_value(json_array_get(rs, 0)),
                        "new_country");
    assert_string_equal(json_string_value(json_array_get(rs, 1)),
                        "new_device");
    assert_string_equal(json_string_value(json_array_get(rs, 2)), "no_user");

    json_decref(line);
}


/* Nothing known: every value null, reasons an empty array. */
static void
test_unknown_is_null(void **state)
{
    json_t    *line, *loc, *dev, *rs;
    lr_login   l;

    /* every member but "time" and "reasons", object by object */
    static const char  *top_keys[] = {
        "request_id", "user", "ip", "uri", "status", "score", "action", "mode"
    };
    static const char  *loc_keys[] = {
        "country", "city", "lat", "lon", "asn", "asn_org"
    };
    static const char  *dev_keys[] = {
        "ua_family", "ua_major", "os", "device_class"
    };

    (void) state;

    memset(&l, 0, sizeof(l));
    l.time_ms = 1700000000123LL;
    l.ip = "";                  /* empty counts as unknown too */
    l.user = "";

    line = format_and_parse(&l, 4096, NULL);

    assert_int_equal(json_object_size(line), 13);
    member_string(line, "time", "2023-11-14T22:13:20.123Z");
    members_null(line, top_keys, LR_NELEMS(top_keys));
    assert_int_equal(json_object_size(json_object_get(line, "points")), 0);

    loc = json_object_get(line, "location");
    assert_true(json_is_object(loc));
    members_null(loc, loc_keys, LR_NELEMS(loc_keys));

    dev = json_object_get(line, "device");
    assert_true(json_is_object(dev));
    members_null(dev, dev_keys, LR_NELEMS(dev_keys));

    rs = json_object_get(line, "reasons");
    assert_true(json_is_array(rs));
    assert_int_equal(json_array_size(rs), 0);

    json_decref(line);
}


/* Country known, place not: lat/lon null, the rest as given. */
static void
test_country_only(void **state)
{
    json_t    *line, *loc;
    lr_login   l;

    static const char  *unknown[] = { "city", "lat", "lon", "asn" };

    (void) state;

    full_login(&l);
    strcpy(l.geo.country, "DE");
    l.geo.city[0] = '\0';
    l.geo.has_location = 0;
    l.geo.latitude = 52.0;      /* ignored without has_location */
    l.geo.longitude = 13.0;
    l.geo.asn = 0;

    line = format_and_parse(&l, 4096, NULL);
    loc = json_object_get(line, "location");

    member_string(loc, "country", "DE");
    members_null(loc, unknown, LR_NELEMS(unknown));
    member_string(loc, "asn_org", "Example Japan Broadband KK");

    json_decref(line);

    /* southern and western coordinates keep their sign */
    full_login(&l);
    l.geo.latitude = -23.5475;
    l.geo.longitude = -46.6361;
    line = format_and_parse(&l, 4096, NULL);
    loc = json_object_get(line, "location");
    member_real(loc, "lat", -23.5475);
    member_real(loc, "lon", -46.6361);
    json_decref(line);
}


typedef struct {
    int64_t      ms;
    const char  *want;
} time_case;


static void
test_time(void **state)
{
    size_t     i;
    json_t    *line, *t;
    lr_login   l;

    static const time_case  cases[] = {
        { 1700000000123LL, "2023-11-14T22:13:20.123Z" },
        { 1700000000000LL, "2023-11-14T22:13:20.000Z" },
        { 1700000000005LL, "2023-11-14T22:13:20.005Z" },
        { 1700000000999LL, "2023-11-14T22:13:20.999Z" },
        { 0, "1970-01-01T00:00:00.000Z" },
        { 1, "1970-01-01T00:00:00.001Z" },
        { 951782400000LL, "2000-02-29T00:00:00.000Z" },    /* leap day */
        { 4102444799999LL, "2099-12-31T23:59:59.999Z" },
        { 253402300799999LL, "9999-12-31T23:59:59.999Z" },
        /* before 1970 the milliseconds still count up within the second */
        { -1, "1969-12-31T23:59:59.999Z" },
        { -1000, "1969-12-31T23:59:59.000Z" },
        { -1001, "1969-12-31T23:59:58.999Z" },
        { -86400000LL + 250, "1969-12-31T00:00:00.250Z" },
    };
    static const int64_t  extremes[] = { INT64_MAX, INT64_MIN };

    (void) state;

    for (i = 0; i < LR_NELEMS(cases); i++) {
        memset(&l, 0, sizeof(l));
        l.time_ms = cases[i].ms;

        line = format_and_parse(&l, 4096, NULL);
        t = json_object_get(line, "time");

        if (!json_is_string(t) || strcmp(json_string_value(t),
                                         cases[i].want) != 0)
        {
            print_error("time %lld: got %s, want %s\n",
                        (long long) cases[i].ms,
                        json_is_string(t) ? json_string_value(t) : "?",
                        cases[i].want);
        }

        assert_true(json_is_string(t));
        assert_string_equal(json_string_value(t), cases[i].want);
        json_decref(line);
    }

    /* the extremes still give a valid line, the time a string or null */
    for (i = 0; i < LR_NELEMS(extremes); i++) {
        memset(&l, 0, sizeof(l));
        l.time_ms = extremes[i];
        line = format_and_parse(&l, 4096, NULL);
        t = json_object_get(line, "time");
        assert_true(json_is_string(t) || json_is_null(t));
        json_decref(line);
    }
}


/* Hostile user and uri values: escaped, one line, read back unchanged. */
static void
test_escaping(void **state)
{
    size_t     i;
    json_t    *line;
    lr_login   l;

    static const char  *values[] = {
        "a\"b",
        "back\\slash",
        "new\nline",
        "cr\rlf\n",
        "\n",
        "tab\there",
        "ctl\x01\x1f\x7f",
        "\x1b[31mred",
        "}\n{\"user\":\"admin\"}",
        "\"\\\"\\\\\n",
        "line\xe2\x80\xa8sep",          /* U+2028 */
        TOKYO "\xf0\x9f\x98\x80",
    };

    (void) state;

    for (i = 0; i < LR_NELEMS(values); i++) {
        full_login(&l);
        l.user = values[i];
        l.uri = values[i];
        l.request_id = values[i];

        line = format_and_parse(&l, 4096, NULL);

        if (!json_is_string(json_object_get(line, "user"))
            || strcmp(json_string_value(json_object_get(line, "user")),
                      values[i]) != 0)
        {
            print_error("value %zu did not survive\n", i);
        }

        member_string(line, "user", values[i]);
        member_string(line, "uri", values[i]);
        member_string(line, "request_id", values[i]);
        member_string(line, "ip", "192.0.2.10");
        json_decref(line);
    }
}


static int
has_bytes(const char *buf, size_t len, const char *bytes, size_t n)
{
    size_t  i;

    for (i = 0; i + n <= len; i++) {
        if (memcmp(buf + i, bytes, n) == 0) {
            return 1;
        }
    }

    return 0;
}


/*
 * DEL, the C1 controls and U+2028/U+2029 (valid JSON as they are, but a
 * terminal or log viewer may act on them) are written as \uXXXX: none of
 * their bytes is in the line, and the value reads back the same.
 */
static void
test_controls_beyond_json(void **state)
{
    char        *buf;
    size_t       i, len, cap, got;
    json_t      *line;
    lr_login     l;

    static const char  *values[] = {
        "del\x7f",
        "nel\xc2\x85 csi\xc2\x9b[31m pad\xc2\x80",
        "ls\xe2\x80\xa8ps\xe2\x80\xa9",
        "\x7f\x7f\xc2\x9f\xe2\x80\xa8",
        "kept: \xc2\xa0nbsp \xc2\xa9 \xe2\x80\xa7 \xe2\x80\xaa " TOKYO,
    };

    (void) state;

    for (i = 0; i < LR_NELEMS(values); i++) {
        full_login(&l);
        l.user = values[i];
        l.uri = values[i];

        line = format_and_parse(&l, 4096, &len);
        member_string(line, "user", values[i]);
        member_string(line, "uri", values[i]);
        json_decref(line);

        /* the exact length fits; one byte less does not */
        for (cap = len - 1; cap <= len; cap++) {
            buf = malloc(cap);
            assert_non_null(buf);
            got = lr_alert_format(&l, buf, cap);

            if (cap == len) {
                assert_int_equal(got, len);
                assert_false(has_bytes(buf, len, "\x7f", 1));
                assert_false(has_bytes(buf, len, "\xc2\x85", 2));
                assert_false(has_bytes(buf, len, "\xc2\x9b", 2));
                assert_false(has_bytes(buf, len, "\xe2\x80\xa8", 3));
                assert_false(has_bytes(buf, len, "\xe2\x80\xa9", 3));

            } else {
                assert_int_equal(got, 0);
            }

            free(buf);
        }
    }
}


/* Bytes that are not UTF-8 give null, never a broken line. */
static void
test_invalid_utf8(void **state)
{
    size_t     i;
    json_t    *line;
    lr_login   l;

    static const char  *bad[] = {
        "/login\xff",
        "/\xc0\xaf",
        "/\xed\xa0\x80",
        "/\xe6\x9d",
        "\x80",
        "/ok\xf4\x90\x80\x80",
    };

    (void) state;

    for (i = 0; i < LR_NELEMS(bad); i++) {
        full_login(&l);
        l.uri = bad[i];
        line = format_and_parse(&l, 4096, NULL);
        member_null(line, "uri");
        member_string(line, "user", "taro.yamada");
        json_decref(line);

        full_login(&l);
        l.user = bad[i];
        l.request_id = bad[i];
        line = format_and_parse(&l, 4096, NULL);
        member_null(line, "user");
        member_null(line, "request_id");
        member_string(line, "uri", "/login");
        json_decref(line);
    }
}


/* Every cap below the line's length gives 0 and writes inside cap only;
 * the exact length fits. */
static void
test_cap(void **state)
{
    char      *buf;
    size_t     len, cap, got;
    json_t    *line;
    lr_login   l;

    (void) state;

    full_login(&l);
    line = format_and_parse(&l, 4096, &len);
    json_decref(line);

    for (cap = 0; cap < len; cap++) {
        buf = malloc(cap > 0 ? cap : 1);
        assert_non_null(buf);
        got = lr_alert_format(&l, buf, cap);
        free(buf);

        if (got != 0) {
            print_error("cap %zu of %zu gave %zu\n", cap, len, got);
        }

        assert_int_equal(got, 0);
    }

    line = format_and_parse(&l, len, &got);
    assert_int_equal(got, len);
    json_decref(line);
}


/*
 * The largest line the engine can make, against the glue's buffer:
 * 256-byte user and a long uri of characters that escape six-fold,
 * 127-byte names that escape two-fold, 32 reasons of 30 bytes, a long
 * IPv6 text.
 */
static void
test_worst_case_fits_glue_buffer(void **state)
{
    int         i;
    char        user[257], uri[2001];
    size_t      len;
    json_t     *line;
    lr_login    l;
    static char codes[LR_REASONS_MAX][31];

    (void) state;

    memset(&l, 0, sizeof(l));
    l.time_ms = 253402300799999LL;
    l.request_id = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    memset(user, '"', 256);
    user[256] = '\0';
    memset(uri, '\x01', 2000);
    uri[2000] = '\0';
    l.user = user;
    l.uri = uri;
    l.ip = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255";
    l.status = 599;

    strcpy(l.geo.country, "JP");
    memset(l.geo.city, '\\', LR_GEO_NAME_MAX - 1);
    l.geo.city[LR_GEO_NAME_MAX - 1] = '\0';
    memset(l.geo.asn_org, '"', LR_GEO_NAME_MAX - 1);
    l.geo.asn_org[LR_GEO_NAME_MAX - 1] = '\0';
    l.geo.has_location = 1;
    l.geo.latitude = -89.123456789;
    l.geo.longitude = -179.123456789;
    l.geo.asn = 4294967295u;

    l.ua.family = "Samsung Internet";
    l.ua.major = 99999;
    l.ua.os = "ChromeOS";
    l.ua.device_class = "unknown";

    for (i = 0; i < LR_REASONS_MAX; i++) {
        memset(codes[i], 'r', 28);
        codes[i][28] = (char) ('0' + i / 10);
        codes[i][29] = (char) ('0' + i % 10);
        codes[i][30] = '\0';
        lr_reasons_add(&l.reasons, codes[i]);
    }

    line = format_and_parse(&l, GLUE_BASE + 6 * (strlen(uri) + strlen(user)),
                            &len);
    member_string(line, "user", user);
    member_string(line, "uri", uri);
    member_int(json_object_get(line, "location"), "asn", 4294967295LL);
    assert_int_equal(json_array_size(json_object_get(line, "reasons")),
                     LR_REASONS_MAX);
    json_decref(line);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_full_line),
        cmocka_unit_test(test_unknown_is_null),
        cmocka_unit_test(test_country_only),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_controls_beyond_json),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_worst_case_fits_glue_buffer),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
