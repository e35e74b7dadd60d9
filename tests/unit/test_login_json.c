/*
 * A login described in JSON (lr_login_json.h): every member parsed into
 * its field, the user id normalised, each bad input refused with a message
 * that names the member; and lr_parse_time.
 */

#include "lr_engine_test.h"
#include "lr_login_json.h"
#include "lr_telemetry.h"


#define CHROME_UA  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) " \
                   "AppleWebKit/537.36 (KHTML, like Gecko) " \
                   "Chrome/120.0.0.0 Safari/537.36"


static json_t        *obj;
static lr_login_doc   doc;
static char           err[256];


static int
teardown(void **state)
{
    (void) state;

    json_decref(obj);
    obj = NULL;

    return 0;
}


/* Parses text into obj and doc; returns lr_login_from_json's answer. */
static int
parse(const char *text)
{
    json_error_t  jerr;

    json_decref(obj);
    obj = json_loads(text, 0, &jerr);
    if (obj == NULL) {
        print_error("bad test JSON: %s: %s\n", text, jerr.text);
    }
    assert_non_null(obj);

    memset(err, 'X', sizeof(err) - 1);
    err[sizeof(err) - 1] = '\0';

    return lr_login_from_json(obj, &doc, err, sizeof(err));
}


static void
test_full(void **state)
{
    const lr_login  *l = &doc.login;

    (void) state;

    assert_int_equal(parse(
        "{\"time\": \"2026-01-01T08:00:00.250Z\","
        " \"user\": \"Alice@Example.COM\","
        " \"ip\": \"203.0.113.7\","
        " \"country\": \"JP\", \"city\": \"Tokyo\","
        " \"asn\": 2516, \"asn_org\": \"KDDI\","
        " \"lat\": 35.6762, \"lon\": 139.6503,"
        " \"ua\": \"" CHROME_UA "\","
        " \"device_id\": \"dev-a\", \"device_attrs\": \"12345aBc\","
        " \"timezone\": \"Asia/Tokyo\", \"languages\": \"ja-JP,ja;q=0.9\","
        " \"telemetry\": true, \"automation\": true, \"anonymizer\": true,"
        " \"scripted\": true, \"paste_password\": true,"
        " \"ua_mismatch\": true, \"lang_mismatch\": true,"
        " \"bad_device_cookie\": true,"
        " \"token\": \"replayed\","
        " \"allow\": [\"user\", \"asn\"],"
        " \"block\": [\"ip\", \"device\", \"country\"]}"), 0);

    assert_true(l->time_ms == LR_T0 + 8 * LR_T_HOUR + 250);
    assert_string_equal(l->user, "alice@example.com");
    assert_ptr_equal(l->user, doc.user);
    assert_string_equal(l->ip, "203.0.113.7");
    assert_string_equal(l->geo.country, "JP");
    assert_string_equal(l->geo.city, "Tokyo");
    assert_int_equal(l->geo.asn, 2516);
    assert_string_equal(l->geo.asn_org, "KDDI");
    assert_int_equal(l->geo.has_location, 1);
    assert_true(l->geo.latitude == 35.6762);
    assert_true(l->geo.longitude == 139.6503);
    assert_string_equal(l->ua.family, "Chrome");
    assert_int_equal(l->ua.major, 120);
    assert_string_equal(l->ua.os, "Windows");
    assert_string_equal(l->ua.device_class, "desktop");
    assert_string_equal(l->device_id, "dev-a");
    assert_true(l->device_attrs == 0x12345abcu);
    assert_true(l->scripted == LR_SCRIPTED_ALL);
    assert_int_equal(l->paste_password, 1);
    assert_int_equal(l->ua_mismatch, 1);
    assert_int_equal(l->lang_mismatch, 1);
    assert_int_equal(l->bad_device_cookie, 1);
    assert_string_equal(l->timezone, "Asia/Tokyo");
    assert_string_equal(l->languages, "ja-JP,ja;q=0.9");
    assert_int_equal(l->telemetry, 1);
    assert_int_equal(l->automation, 1);
    assert_int_equal(l->anonymizer, 1);
    assert_int_equal(l->token, LR_TOKEN_REPLAYED);
    assert_int_equal(l->allow, LR_LIST_USER | LR_LIST_ASN);
    assert_int_equal(l->block, LR_LIST_IP | LR_LIST_DEVICE | LR_LIST_COUNTRY);
    assert_null(l->request_id);
    assert_int_equal(l->reasons.n, 0);
    assert_int_equal(l->status, 0);
}


/* Only time: everything else unknown, absent or false. */
static void
test_minimal(void **state)
{
    const lr_login  *l = &doc.login;

    (void) state;

    assert_int_equal(parse("{\"time\": 1767225600123}"), 0);
    assert_true(l->time_ms == LR_T0 + 123);
    assert_null(l->user);
    assert_null(l->ip);
    assert_string_equal(l->geo.country, "");
    assert_int_equal(l->geo.asn, 0);
    assert_int_equal(l->geo.has_location, 0);
    assert_null(l->device_id);
    assert_true(l->device_attrs == 0);
    assert_int_equal(l->scripted, 0);
    assert_int_equal(l->bad_device_cookie, 0);
    assert_null(l->timezone);
    assert_null(l->languages);
    assert_int_equal(l->telemetry, 0);
    assert_int_equal(l->automation, 0);
    assert_int_equal(l->anonymizer, 0);
    assert_int_equal(l->token, LR_TOKEN_ABSENT);
    assert_int_equal(l->allow, 0);
    assert_int_equal(l->block, 0);
    /* the parser never leaves a NULL string in the UA */
    assert_string_equal(l->ua.family, "Other");
    assert_non_null(l->ua.os);
    assert_non_null(l->ua.device_class);

    /* empty lists, explicit false, each token state */
    assert_int_equal(parse("{\"time\": 0, \"allow\": [], \"block\": [],"
                           " \"telemetry\": false, \"token\": \"valid\"}"),
                     0);
    assert_int_equal(l->allow, 0);
    assert_int_equal(l->telemetry, 0);
    assert_int_equal(l->token, LR_TOKEN_VALID);

    assert_int_equal(parse("{\"time\": 0, \"token\": \"invalid\"}"), 0);
    assert_int_equal(l->token, LR_TOKEN_INVALID);
    assert_int_equal(parse("{\"time\": 0, \"token\": \"absent\"}"), 0);
    assert_int_equal(l->token, LR_TOKEN_ABSENT);
    assert_int_equal(parse("{\"time\": 0, \"token\": \"expired\"}"), 0);
    assert_int_equal(l->token, LR_TOKEN_TOO_OLD);
    assert_int_equal(parse("{\"time\": 0, \"token\": \"other_browser\"}"),
                     0);
    assert_int_equal(l->token, LR_TOKEN_OTHER_BROWSER);
}


/*
 * Times from 1970 to the end of 9999, in either form: the engine adds
 * windows to them and subtracts them from each other, which an int64_t
 * near its ends overflows (found by tests/fuzz/fuzz_login_json.c).
 */
static void
test_time_range(void **state)
{
    size_t           i;
    const lr_login  *l = &doc.login;

    static const char  *bad[] = {
        "{\"time\": -1}",
        "{\"time\": 253402300800000}",
        "{\"time\": 9223372036854775807, \"user\": \"alice\"}",
        "{\"time\": -9223372036854775808, \"user\": \"alice\"}",
        "{\"time\": \"1969-12-31T23:59:59.999Z\"}",
        "{\"time\": \"0000-01-01T00:00:00Z\"}",
    };

    (void) state;

    assert_int_equal(parse("{\"time\": 0}"), 0);
    assert_true(l->time_ms == 0);
    assert_int_equal(parse("{\"time\": \"1970-01-01T00:00:00Z\"}"), 0);
    assert_true(l->time_ms == 0);
    assert_int_equal(parse("{\"time\": 253402300799999}"), 0);
    assert_true(l->time_ms == LR_LOGIN_TIME_MAX);
    assert_int_equal(parse("{\"time\": \"9999-12-31T23:59:59.999Z\"}"), 0);
    assert_true(l->time_ms == LR_LOGIN_TIME_MAX);

    for (i = 0; i < LR_NELEMS(bad); i++) {
        if (parse(bad[i]) != -1 || strstr(err, "\"time\"") == NULL) {
            print_error("row %zu: %s: err \"%s\"\n", i, bad[i], err);
            fail();
        }
    }
}


/* The user id is normalised as on the login path: full-width folded,
 * lowercased, spaces (ASCII and ideographic) trimmed; blank is none. */
static void
test_user_normalised(void **state)
{
    (void) state;

    /* "　ＡＬＩＣＥ＠Ｅｘａｍｐｌｅ.com " */
    assert_int_equal(parse(
        "{\"time\": 0, \"user\": \"\xe3\x80\x80\xef\xbc\xa1\xef\xbc\xac"
        "\xef\xbc\xa9\xef\xbc\xa3\xef\xbc\xa5\xef\xbc\xa0\xef\xbc\xa5"
        "\xef\xbd\x98\xef\xbd\x81\xef\xbd\x8d\xef\xbd\x90\xef\xbd\x8c"
        "\xef\xbd\x85.com \"}"), 0);
    assert_string_equal(doc.login.user, "alice@example.com");

    assert_int_equal(parse("{\"time\": 0, \"user\": \" \xe3\x80\x80 \"}"), 0);
    assert_null(doc.login.user);

    assert_int_equal(parse("{\"time\": 0, \"user\": \"\"}"), 0);
    assert_null(doc.login.user);
}


/* UA given as parsed: these members win over the header. */
static void
test_ua_parsed(void **state)
{
    const lr_login  *l = &doc.login;

    (void) state;

    assert_int_equal(parse("{\"time\": 0, \"ua_family\": \"Safari\","
                           " \"ua_major\": 17, \"os\": \"iOS\","
                           " \"device_class\": \"mobile\"}"), 0);
    assert_string_equal(l->ua.family, "Safari");
    assert_int_equal(l->ua.major, 17);
    assert_string_equal(l->ua.os, "iOS");
    assert_string_equal(l->ua.device_class, "mobile");

    assert_int_equal(parse("{\"time\": 0, \"ua\": \"" CHROME_UA "\","
                           " \"ua_major\": 121}"), 0);
    assert_string_equal(l->ua.family, "Chrome");
    assert_int_equal(l->ua.major, 121);
    assert_string_equal(l->ua.os, "Windows");
}


/* A lowercase country code is the same country as GeoIP's uppercase. */
static void
test_country_case(void **state)
{
    (void) state;

    assert_int_equal(parse("{\"time\": 0, \"country\": \"jp\"}"), 0);
    assert_string_equal(doc.login.geo.country, "JP");
}


/* Each bad input: -1 and a message naming the member. */
static void
test_bad(void **state)
{
    size_t  i;

    static const struct {
        const char  *json;
        const char  *member;
    } rows[] = {
        /* time: missing, bad format, bad month, a real number */
        { "{}", "\"time\"" },
        { "{\"user\": \"alice\"}", "\"time\"" },
        { "{\"time\": \"2026-01-01 08:00:00Z\"}", "\"time\"" },
        { "{\"time\": \"2026-01-01T08:00:00\"}", "\"time\"" },
        { "{\"time\": \"2026-13-01T08:00:00Z\"}", "\"time\"" },
        { "{\"time\": \"yesterday\"}", "\"time\"" },
        { "{\"time\": 1.5}", "\"time\"" },
        { "{\"time\": null}", "\"time\"" },
        { "{\"time\": true}", "\"time\"" },
        /* country: not 2 letters */
        { "{\"time\": 0, \"country\": \"JPN\"}", "\"country\"" },
        { "{\"time\": 0, \"country\": \"J\"}", "\"country\"" },
        { "{\"time\": 0, \"country\": \"\"}", "\"country\"" },
        { "{\"time\": 0, \"country\": \"J1\"}", "\"country\"" },
        { "{\"time\": 0, \"country\": \"\xc3\xa9\"}", "\"country\"" },
        /* asn: a string, negative, too large, real */
        { "{\"time\": 0, \"asn\": \"2516\"}", "\"asn\"" },
        { "{\"time\": 0, \"asn\": -1}", "\"asn\"" },
        { "{\"time\": 0, \"asn\": 4294967296}", "\"asn\"" },
        { "{\"time\": 0, \"asn\": 25.16}", "\"asn\"" },
        /* lat without lon, and the reverse, out of range, not numbers */
        { "{\"time\": 0, \"lat\": 35.6}", "lat" },
        { "{\"time\": 0, \"lon\": 139.6}", "lon" },
        { "{\"time\": 0, \"lat\": 91, \"lon\": 0}", "lat" },
        { "{\"time\": 0, \"lat\": 0, \"lon\": -181}", "lon" },
        { "{\"time\": 0, \"lat\": \"35\", \"lon\": \"139\"}", "lat" },
        /* token */
        { "{\"time\": 0, \"token\": \"maybe\"}", "\"token\"" },
        { "{\"time\": 0, \"token\": \"VALID\"}", "\"token\"" },
        /* lists: unknown kind, not a string, not a list */
        { "{\"time\": 0, \"allow\": [\"ip\", \"planet\"]}", "\"allow\"" },
        { "{\"time\": 0, \"block\": [1]}", "\"block\"" },
        { "{\"time\": 0, \"block\": [\"IP\"]}", "\"block\"" },
        { "{\"time\": 0, \"allow\": \"ip\"}", "\"allow\"" },
        { "{\"time\": 0, \"block\": {\"ip\": true}}", "\"block\"" },
        /* a member of the wrong type is refused, not taken as absent */
        { "{\"time\": 0, \"token\": 1}", "\"token\": not a string" },
        { "{\"time\": 0, \"device_attrs\": \"1234567\"}",
          "\"device_attrs\": not 8 hex digits" },
        { "{\"time\": 0, \"device_attrs\": \"1234567g\"}",
          "\"device_attrs\": not 8 hex digits" },
        { "{\"time\": 0, \"scripted\": 1}", "\"scripted\": not a boolean" },
        { "{\"time\": 0, \"telemetry\": \"yes\"}",
          "\"telemetry\": not a boolean" },
        { "{\"time\": 0, \"user\": 42}", "\"user\": not a string" },
        { "{\"time\": 0, \"ip\": [\"1.2.3.4\"]}", "\"ip\": not a string" },

        /* ua_major: negative, not a number */
        { "{\"time\": 0, \"ua_major\": -1}", "\"ua_major\"" },
        { "{\"time\": 0, \"ua_major\": \"120\"}", "\"ua_major\"" },
        { "{\"time\": 0, \"ua_major\": 100000}", "\"ua_major\"" },
        /* user: not text */
        { "{\"time\": 0, \"user\": \"a\\u0001b\"}", "\"user\"" },
    };

    (void) state;

    for (i = 0; i < LR_NELEMS(rows); i++) {
        if (parse(rows[i].json) != -1 || strstr(err, rows[i].member) == NULL)
        {
            print_error("row %zu: %s: err \"%s\", want it to name %s\n", i,
                        rows[i].json, err, rows[i].member);
            fail();
        }
    }

    /* not an object */
    assert_int_equal(parse("[1, 2]"), -1);
    assert_true(strlen(err) > 0 && strlen(err) < sizeof(err) - 1);
}


/* A message longer than err is cut, NUL-terminated. */
static void
test_err_small(void **state)
{
    char          small[8];
    json_error_t  jerr;

    (void) state;

    obj = json_loads("{\"token\": \"maybe\", \"time\": 0}", 0, &jerr);
    assert_non_null(obj);
    memset(small, 'X', sizeof(small));
    assert_int_equal(lr_login_from_json(obj, &doc, small, sizeof(small)), -1);
    assert_int_equal(small[sizeof(small) - 1], '\0');
    assert_memory_equal(small, "\"token\"", 7);
}


static void
test_parse_time(void **state)
{
    size_t   i;
    int64_t  ms;

    static const struct {
        const char  *s;
        int64_t      ms;
    } good[] = {
        /* 2026-01-01: 56 years of 365 days + 14 leap days = 20,454 days,
         * 20454 * 86400 = 1,767,225,600 s */
        { "2026-01-01T00:00:00.123Z", 1767225600123LL },
        { "2026-01-01T00:00:00Z", 1767225600000LL },
        { "2026-01-01T00:00:00.1Z", 1767225600100LL },
        { "2026-01-01T00:00:00.12Z", 1767225600120LL },
        { "2026-01-01T00:00:00.1239Z", 1767225600123LL },
        { "2026-01-01T08:30:15Z", 1767225600000LL + 30615000 },
        { "1970-01-01T00:00:00Z", 0 },
        { "1969-12-31T23:59:59.999Z", -1 },
        /* 2024 is a leap year */
        { "2024-02-29T00:00:00Z", 1709164800000LL },
        { "2026-12-31T23:59:59Z", 1798761599000LL },
    };

    static const char  *bad[] = {
        "2026-01-01T00:00:00",          /* no Z */
        "2026-01-01T00:00:00z",
        "2026-01-01T00:00:00+09:00",
        "2026-01-01T00:00:00ZZ",
        "2026-01-01T00:00:00.Z",        /* no digit after the dot */
        "2026-13-01T00:00:00Z",         /* month 13 */
        "2026-00-01T00:00:00Z",         /* month 0 */
        "2026-01-00T00:00:00Z",
        "2026-01-32T00:00:00Z",
        "2026-02-29T00:00:00Z",         /* not a leap year */
        "2026-04-31T00:00:00Z",
        "2026-01-01T24:00:00Z",
        "2026-01-01T00:60:00Z",
        "2026-01-01T00:00:61Z",
        "2026-01-01T00:00:-1Z",         /* signs, spaces: not digits */
        "2026-01-01T-1:00:00Z",
        "2026-01-01T 1:00:00Z",
        "+026-01-01T00:00:00Z",
        "2026-1-01T00:00:00Z",
        "2026-01-01 00:00:00Z",
        "2026-01-01",
        "",
        "20260101T000000Z",
    };

    (void) state;

    for (i = 0; i < LR_NELEMS(good); i++) {
        ms = 42;
        if (lr_parse_time(good[i].s, &ms) != 0 || ms != good[i].ms) {
            print_error("\"%s\": got %lld, want %lld\n", good[i].s,
                        (long long) ms, (long long) good[i].ms);
            fail();
        }
    }

    for (i = 0; i < LR_NELEMS(bad); i++) {
        if (lr_parse_time(bad[i], &ms) != -1) {
            print_error("\"%s\" was accepted\n", bad[i]);
            fail();
        }
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_teardown(test_full, teardown),
        cmocka_unit_test_teardown(test_minimal, teardown),
        cmocka_unit_test_teardown(test_time_range, teardown),
        cmocka_unit_test_teardown(test_user_normalised, teardown),
        cmocka_unit_test_teardown(test_ua_parsed, teardown),
        cmocka_unit_test_teardown(test_country_case, teardown),
        cmocka_unit_test_teardown(test_bad, teardown),
        cmocka_unit_test_teardown(test_err_small, teardown),
        cmocka_unit_test_teardown(test_parse_time, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
