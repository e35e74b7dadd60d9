#include "lr_test.h"
#include "lr_ua.h"


#define BIG_LEN  10240

/* Literal rows keep their length, so embedded NULs count. */
#define ROW(s, fam, maj, os, cls)  { s, sizeof(s) - 1, fam, maj, os, cls }


typedef struct {
    const char  *ua;            /* NULL: the generated 10 KB string */
    size_t       len;
    const char  *family;
    unsigned     major;
    const char  *os;
    const char  *device_class;
} ua_case;


static char  big[BIG_LEN];

static const ua_case  cases[] = {
    /* Chrome */
    ROW("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        "Chrome", 120, "Windows", "desktop"),
    ROW("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        "Chrome", 120, "macOS", "desktop"),
    ROW("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36",
        "Chrome", 119, "Linux", "desktop"),
    ROW("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Ubuntu Chromium/83.0.4103.61 "
        "Chrome/83.0.4103.61 Safari/537.36",
        "Chrome", 83, "Linux", "desktop"),
    ROW("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36",
        "Chrome", 120, "Android", "mobile"),
    ROW("Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36",
        "Chrome", 116, "Android", "mobile"),
    ROW("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/120.0.6099.144 Safari/537.36",
        "Chrome", 120, "Android", "tablet"),
    ROW("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        "Chrome", 120, "ChromeOS", "desktop"),
    ROW("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) "
        "AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 "
        "Mobile/15E148 Safari/604.1",
        "Chrome", 120, "iOS", "mobile"),
    ROW("Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) "
        "AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/119.0.6045.169 "
        "Mobile/15E148 Safari/604.1",
        "Chrome", 119, "iOS", "tablet"),

    /* Safari */
    ROW("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) "
        "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 "
        "Safari/605.1.15",
        "Safari", 17, "macOS", "desktop"),
    ROW("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) "
        "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1.2 "
        "Mobile/15E148 Safari/604.1",
        "Safari", 17, "iOS", "mobile"),
    ROW("Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) "
        "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 "
        "Mobile/15E148 Safari/604.1",
        "Safari", 16, "iOS", "tablet"),

    /* Firefox */
    ROW("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) "
        "Gecko/20100101 Firefox/121.0",
        "Firefox", 121, "Windows", "desktop"),
    ROW("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:120.0) "
        "Gecko/20100101 Firefox/120.0",
        "Firefox", 120, "macOS", "desktop"),
    ROW("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) "
        "Gecko/20100101 Firefox/121.0",
        "Firefox", 121, "Linux", "desktop"),
    ROW("Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 "
        "Firefox/121.0",
        "Firefox", 121, "Android", "mobile"),
    ROW("Mozilla/5.0 (Android 13; Tablet; rv:120.0) Gecko/120.0 "
        "Firefox/120.0",
        "Firefox", 120, "Android", "tablet"),
    ROW("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) "
        "AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/121.0 "
        "Mobile/15E148 Safari/605.1.15",
        "Firefox", 121, "iOS", "mobile"),

    /* Edge */
    ROW("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 "
        "Edg/120.0.2210.91",
        "Edge", 120, "Windows", "desktop"),
    ROW("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) "
        "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 "
        "Safari/537.36 Edg/119.0.2151.97",
        "Edge", 119, "macOS", "desktop"),
    ROW("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36 "
        "EdgA/120.0.2210.84",
        "Edge", 120, "Android", "mobile"),
    ROW("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) "
        "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 "
        "EdgiOS/120.2210.89 Mobile/15E148 Safari/605.1.15",
        "Edge", 120, "iOS", "mobile"),
    ROW("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 "
        "Edge/18.19045",
        "Edge", 18, "Windows", "desktop"),

    /* Other Chromium browsers */
    ROW("Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) "
        "AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 "
        "Chrome/115.0.0.0 Mobile Safari/537.36",
        "Samsung Internet", 23, "Android", "mobile"),
    ROW("Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-X700) "
        "AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/22.0 "
        "Chrome/111.0.5563.116 Safari/537.36",
        "Samsung Internet", 22, "Android", "tablet"),
    ROW("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36 "
        "OPR/105.0.0.0",
        "Opera", 105, "Windows", "desktop"),
    ROW("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 "
        "OPR/79.1.4195.76505",
        "Opera", 79, "Android", "mobile"),
    ROW("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/118.0.0.0 YaBrowser/23.11.0.0 "
        "Safari/537.36",
        "Yandex", 23, "Windows", "desktop"),
    ROW("Mozilla/5.0 (Linux; Android 13; SM-G991B "
        "Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Version/4.0 Chrome/120.0.6099.43 Mobile Safari/537.36",
        "Chrome WebView", 120, "Android", "mobile"),
    ROW("Mozilla/5.0 (Linux; Android 14; Pixel 8 Pro "
        "Build/UQ1A.231205.015; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 "
        "[FB_IAB/FB4A;FBAV/444.0.0.37.108;]",
        "Chrome WebView", 120, "Android", "mobile"),

    /* Automation browsers */
    ROW("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) HeadlessChrome/120.0.6099.71 Safari/537.36",
        "HeadlessChrome", 120, "Linux", "bot"),
    ROW("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) HeadlessChrome/119.0.6045.105 Safari/537.36",
        "HeadlessChrome", 119, "Windows", "bot"),
    ROW("Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 "
        "(KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1",
        "PhantomJS", 2, "Linux", "bot"),

    /* Tools and HTTP libraries */
    ROW("curl/8.4.0", "curl", 8, "Other", "tool"),
    ROW("Wget/1.21.3", "Wget", 1, "Other", "tool"),
    ROW("python-requests/2.31.0", "python-requests", 2, "Other", "tool"),
    ROW("Python-urllib/3.11", "python-urllib", 3, "Other", "tool"),
    ROW("Python/3.11 aiohttp/3.9.1", "aiohttp", 3, "Other", "tool"),
    ROW("Go-http-client/1.1", "Go-http-client", 1, "Other", "tool"),
    ROW("Go-http-client/2.0", "Go-http-client", 2, "Other", "tool"),
    ROW("okhttp/4.12.0", "okhttp", 4, "Other", "tool"),
    ROW("Java/17.0.9", "Java", 17, "Other", "tool"),
    ROW("Java-http-client/17.0.9", "Java", 17, "Other", "tool"),
    ROW("Apache-HttpClient/4.5.14 (Java/17.0.9)",
        "Apache-HttpClient", 4, "Other", "tool"),
    ROW("Apache-HttpClient/5.2.1 (Java/11.0.21)",
        "Apache-HttpClient", 5, "Other", "tool"),
    ROW("node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
        "node-fetch", 1, "Other", "tool"),
    ROW("node-fetch", "node-fetch", 0, "Other", "tool"),
    ROW("axios/1.6.2", "axios", 1, "Other", "tool"),
    ROW("PostmanRuntime/7.36.0", "PostmanRuntime", 7, "Other", "tool"),
    ROW("libwww-perl/6.72", "libwww-perl", 6, "Other", "tool"),

    /* Crawlers */
    ROW("Mozilla/5.0 (compatible; Googlebot/2.1; "
        "+http://www.google.com/bot.html)",
        "Googlebot", 2, "Other", "bot"),
    ROW("Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) "
        "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.129 "
        "Mobile Safari/537.36 (compatible; Googlebot/2.1; "
        "+http://www.google.com/bot.html)",
        "Googlebot", 2, "Android", "bot"),
    ROW("Googlebot-Image/1.0", "Googlebot", 0, "Other", "bot"),
    ROW("Mozilla/5.0 (compatible; bingbot/2.0; "
        "+http://www.bing.com/bingbot.htm)",
        "Bingbot", 2, "Other", "bot"),
    ROW("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; "
        "bingbot/2.0; +http://www.bing.com/bingbot.htm) "
        "Chrome/116.0.1938.76 Safari/537.36",
        "Bingbot", 2, "Other", "bot"),

    /* Unrecognised clients: platform known, family not */
    ROW("Dalvik/2.1.0 (Linux; U; Android 13; SM-S918B "
        "Build/TP1A.220624.014)",
        "Other", 0, "Android", "unknown"),
    ROW("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) "
        "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
        "Other", 0, "iOS", "unknown"),
    ROW("Mozilla/5.0 (Linux; U; Android 4.0.3; ko-kr; LG-L160L "
        "Build/IML74K) AppleWebkit/534.30 (KHTML, like Gecko) "
        "Version/4.0 Mobile Safari/534.30",
        "Other", 0, "Android", "unknown"),
    /* "libcurl" is not the word "curl" */
    ROW("PycURL/7.45.2 libcurl/8.4.0 OpenSSL/3.0.11 zlib/1.2.13",
        "Other", 0, "Other", "unknown"),

    /* Hostile and degenerate values */
    ROW("", "Other", 0, "Other", "unknown"),
    ROW("\xff\xfe\x00\x80\x01zz\xc3(\xa0\xa1\xf0\x28\x8c\xbc\x1b[0m",
        "Other", 0, "Other", "unknown"),
    ROW("Mozilla/5.0 (Windows NT 10.0; Win64; x64)\0\r\n"
        "X-Injected: 1\r\n AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36",
        "Chrome", 120, "Windows", "desktop"),
    ROW("\0curl/7.88.1\r\n", "curl", 7, "Other", "tool"),
    ROW("curl/99999999999999999999999999.1", "curl", 99999, "Other", "tool"),
    ROW("Mozilla/5.0 (Macintosh) Chrome/4294967297.0",
        "Chrome", 99999, "macOS", "desktop"),
    ROW("Chrome/", "Chrome", 0, "Other", "unknown"),
    { NULL, BIG_LEN, "Chrome", 120, "Windows", "desktop" },
};


static const char *
case_text(const ua_case *c)
{
    return c->ua != NULL ? c->ua : big;
}


/* A realistic head, 10 KB of word-rich filler, then the browser token. */
static void
fill_big(void)
{
    static const char  head[] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) ";
    static const char  tail[] = " Chrome/120.0.0.0 Safari/537.36";
    static const char  fill[] = "AppleWebKit/537.36 (KHTML, like Gecko) ";
    size_t             i;

    memcpy(big, head, sizeof(head) - 1);

    for (i = sizeof(head) - 1; i < BIG_LEN - (sizeof(tail) - 1); i++) {
        big[i] = fill[i % (sizeof(fill) - 1)];
    }

    memcpy(big + BIG_LEN - (sizeof(tail) - 1), tail, sizeof(tail) - 1);
}


static void
test_table(void **state)
{
    size_t   i;
    lr_ua    got;

    (void) state;

    assert_true(LR_NELEMS(cases) >= 45);

    for (i = 0; i < LR_NELEMS(cases); i++) {
        const ua_case  *c = &cases[i];

        memset(&got, 0, sizeof(got));
        lr_ua_parse(case_text(c), c->len, &got);

        if (got.family == NULL || got.os == NULL || got.device_class == NULL
            || strcmp(got.family, c->family) != 0 || got.major != c->major
            || strcmp(got.os, c->os) != 0
            || strcmp(got.device_class, c->device_class) != 0)
        {
            lr_print_failed("row", i, case_text(c), c->len);
        }

        assert_non_null(got.family);
        assert_non_null(got.os);
        assert_non_null(got.device_class);
        assert_string_equal(got.family, c->family);
        assert_int_equal(got.major, c->major);
        assert_string_equal(got.os, c->os);
        assert_string_equal(got.device_class, c->device_class);
    }
}


/*
 * Every prefix is copied to the very end of a heap block of the row's
 * size, so reading one byte past the given length hits ASan's redzone
 * (a prefix of a literal would not: the rest of the literal is valid).
 */
static void
test_truncated_prefixes(void **state)
{
    char        *buf, *p;
    size_t       i, n;
    lr_ua        got;
    const char  *s;

    (void) state;

    for (i = 0; i < LR_NELEMS(cases); i++) {
        s = case_text(&cases[i]);
        buf = malloc(cases[i].len > 0 ? cases[i].len : 1);
        assert_non_null(buf);

        for (n = 0; n <= cases[i].len; n++) {
            p = buf + (cases[i].len - n);
            memcpy(p, s, n);

            memset(&got, 0, sizeof(got));
            lr_ua_parse(p, n, &got);

            assert_non_null(got.family);
            assert_non_null(got.os);
            assert_non_null(got.device_class);
            assert_true(got.major <= 99999);
        }

        free(buf);
    }
}


static void
test_null_empty(void **state)
{
    lr_ua  got;

    (void) state;

    lr_ua_parse(NULL, 0, &got);
    assert_string_equal(got.family, "Other");
    assert_int_equal(got.major, 0);
    assert_string_equal(got.os, "Other");
    assert_string_equal(got.device_class, "unknown");
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_truncated_prefixes),
        cmocka_unit_test(test_null_empty),
    };

    fill_big();

    return cmocka_run_group_tests(tests, NULL, NULL);
}
