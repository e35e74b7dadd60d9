#include "lr_test.h"
#include "lr_locale.h"



#define BIG_LEN    (1024 * 1024)


typedef struct {
    const char  *a;             /* timezone or language list */
    const char  *country;
    int          want;
} locale_case;


static const locale_case  tz_cases[] = {
    { "Asia/Tokyo",            "JP",  1 },
    { "Asia/Tokyo",            "jp",  1 },     /* country: any case */
    { "Asia/Tokyo",            "US",  0 },
    { "Asia/Tokyo",            "AU",  1 },     /* zone1970: JP,AU (Eyre) */
    { "America/New_York",      "US",  1 },
    { "America/New_York",      "CA",  0 },
    { "America/Toronto",       "CA",  1 },
    { "Europe/London",         "GB",  1 },
    { "Europe/Zurich",         "CH",  1 },
    /* zone1970.tab: "CH,DE,LI Europe/Zurich Büsingen" */
    { "Europe/Zurich",         "DE",  1 },
    { "Europe/Zurich",         "LI",  1 },
    { "Europe/Zurich",         "AT",  0 },
    /* zone1970.tab: "DE,DK,NO,SE,SJ Europe/Berlin": not CH */
    { "Europe/Berlin",         "CH",  0 },
    { "Europe/Berlin",         "DE",  1 },
    { "Europe/Berlin",         "SE",  1 },
    { "Europe/Brussels",       "NL",  1 },     /* BE,LU,NL */
    { "Europe/Paris",          "MC",  1 },
    { "Europe/Paris",          "DE",  0 },
    /* a link that zone.tab lists keeps its own row: LI only */
    { "Europe/Vaduz",          "LI",  1 },
    { "Europe/Vaduz",          "CH",  0 },
    /* backward-compatible link names */
    { "Asia/Calcutta",         "IN",  1 },
    { "Asia/Calcutta",         "PK",  0 },
    { "Asia/Kolkata",          "IN",  1 },
    { "Europe/Kiev",           "UA",  1 },
    { "Europe/Kyiv",           "UA",  1 },
    { "Europe/Kiev",           "RU",  0 },
    { "US/Eastern",            "US",  1 },
    { "US/Pacific",            "US",  1 },
    { "Japan",                 "JP",  1 },
    { "PRC",                   "CN",  1 },
    { "W-SU",                  "RU",  1 },
    { "America/Buenos_Aires",  "AR",  1 },     /* CLDR's name, a tz link */
    { "Asia/Saigon",           "VN",  1 },
    { "Asia/Saigon",           "TH",  0 },     /* -> Asia/Ho_Chi_Minh: VN */
    { "Asia/Bangkok",          "VN",  1 },     /* TH,CX,KH,LA,VN */
    { "Asia/Saigon",           "JP",  0 },
    /* no place */
    { "UTC",                   "JP", -1 },
    { "Etc/UTC",               "JP", -1 },
    { "Etc/GMT-9",             "JP", -1 },
    { "GMT",                   "GB", -1 },
    { "Zulu",                  "US", -1 },
    { "CET",                   "DE", -1 },
    { "EST5EDT",               "US", -1 },
    { "Factory",               "US", -1 },
    /* unusable input */
    { "",                      "JP", -1 },
    { NULL,                    "JP", -1 },
    { "Asia/Tokyo",            "",   -1 },
    { "Asia/Tokyo",            NULL, -1 },
    { "Asia/Tokyo",            "J",  -1 },
    { "Asia/Tokyo",            "JPN", -1 },
    { "Asia/Tokyo",            "J1", -1 },
    { "Asia/Tokyo",            "XK", -1 },     /* no zone lists Kosovo */
    { "Asia/Tokyo",            "EU", -1 },
    { "Nowhere/Zone",          "JP", -1 },
    { "asia/tokyo",            "JP", -1 },     /* zone names are exact */
    { "Asia/Tokyo ",           "JP", -1 },
    { "Asia",                  "JP", -1 },
};


static const locale_case  lang_cases[] = {
    { "ja-JP,ja;q=0.9",                     "JP",  1 },
    { "ja",                                 "JP",  1 },
    { "zh-CN,zh;q=0.9",                     "JP",  0 },
    { "de-CH",                              "CH",  1 },
    { "fr",                                 "CH",  1 },
    { "it-CH",                              "CH",  1 },
    { "de-CH,de;q=0.9,en;q=0.8",            "CH",  1 },
    { "pt-BR",                              "BR",  1 },
    { "pt-BR",                              "PT",  1 },     /* primary only */
    { "ko-KR,ko;q=0.9",                     "KR",  1 },
    { "ru-RU,ru;q=0.9",                     "DE",  0 },
    { "JA-jp",                              "jp",  1 },     /* any case */
    { "zh-Hans-CN",                         "CN",  1 },
    { "zh-Hant-TW",                         "TW",  1 },
    { "sr-Latn-RS",                         "RS",  1 },
    { "fil",                                "PH",  1 },
    { "ja_JP",                              "JP",  1 },     /* '_' too */
    /* English: fits some countries, but alone it tells nothing */
    { "en-US,en;q=0.9",                     "JP", -1 },
    { "en-US,en;q=0.9",                     "US", -1 },
    { "en-GB",                              "GB", -1 },
    { "en-US,zh-CN;q=0.8",                  "JP",  0 },
    { "en-US,ja;q=0.5",                     "JP",  1 },
    { "en-US,fr;q=0.5",                     "US",  1 },     /* en_US */
    { "en-US,fr;q=0.5",                     "JP",  0 },
    { "en-US,*;q=0.5",                      "JP", -1 },
    /* deprecated codes */
    { "iw",                                 "IL",  1 },
    { "in-ID",                              "ID",  1 },
    { "no",                                 "NO",  1 },
    { "nb-NO",                              "NO",  1 },
    { "ji",                                 "US",  1 },     /* yi_US */
    /* languages no country has: no information */
    { "eo",                                 "JP", -1 },
    { "eo,en",                              "JP", -1 },
    { "eo,ja",                              "JP",  1 },
    { "deu",                                "DE", -1 },     /* ISO 639-2 */
    { "x-klingon",                          "JP", -1 },
    { "i-klingon",                          "JP", -1 },
    /* weights: q=0 is a refusal */
    { "ja;q=0,zh-CN",                       "JP",  0 },
    { "ja;q=0.000",                         "JP", -1 },
    { "zh-CN, ja;q=0.0",                    "JP",  0 },
    { "ja;q=0.",                            "JP", -1 },
    { "ja;q=0.001",                         "JP",  1 },
    { "ja;q=1",                             "JP",  1 },
    { "ja;q=1.000",                         "JP",  1 },
    { "ja;Q=0.5",                           "JP",  1 },
    { "ja-JP;foo=bar",                      "JP",  1 },     /* other params */
    { "ja;q=1.5",                           "JP", -1 },     /* malformed */
    { "ja;q=abc",                           "JP", -1 },
    { "ja;q=",                              "JP", -1 },
    { "ja;q=0.9999",                        "JP", -1 },
    { "ja;q=-1",                            "JP", -1 },
    { "ja;q",                               "JP", -1 },
    { "ja;",                                "JP", -1 },
    { "ja;q=0.5 x",                         "JP", -1 },
    /* whitespace and empty elements */
    { "de ; q=0.9 , fr",                    "CH",  1 },
    { "de-CH\t,\tfr;q=0.5",                 "FR",  1 },
    { ",,,ja,,",                            "JP",  1 },
    { " ja ",                               "JP",  1 },
    /* junk */
    { "ja<script>",                         "JP", -1 },
    { "ja JP",                              "JP", -1 },
    { "j",                                  "JP", -1 },
    { "jpan",                               "JP", -1 },
    { "1a",                                 "JP", -1 },
    { "ja1",                                "JP", -1 },
    { "\xe6\x97\xa5\xe6\x9c\xac",          "JP", -1 },
    { ";q=0.9",                             "JP", -1 },
    /* unusable input */
    { "*",                                  "JP", -1 },
    { "",                                   "JP", -1 },
    { " , ,",                               "JP", -1 },
    { NULL,                                 "JP", -1 },
    { "ja",                                 "",   -1 },
    { "ja",                                 NULL, -1 },
    { "ja",                                 "JPN", -1 },
    { "ja",                                 "ZZ", -1 },
    { "fr-FR",                              "CI", -1 },     /* no fr_CI... */
};


static void
test_tz_table(void **state)
{
    size_t  i;
    int     got;

    (void) state;

    for (i = 0; i < LR_NELEMS(tz_cases); i++) {
        got = lr_tz_fits_country(tz_cases[i].a, tz_cases[i].country);
        if (got != tz_cases[i].want) {
            fail_msg("tz \"%s\" in \"%s\": got %d, want %d",
                     tz_cases[i].a ? tz_cases[i].a : "(null)",
                     tz_cases[i].country ? tz_cases[i].country : "(null)",
                     got, tz_cases[i].want);
        }
    }
}


static void
test_lang_table(void **state)
{
    size_t  i;
    int     got;

    (void) state;

    for (i = 0; i < LR_NELEMS(lang_cases); i++) {
        got = lr_lang_fits_country(lang_cases[i].a, lang_cases[i].country);
        if (got != lang_cases[i].want) {
            fail_msg("languages \"%s\" in \"%s\": got %d, want %d",
                     lang_cases[i].a ? lang_cases[i].a : "(null)",
                     lang_cases[i].country ? lang_cases[i].country : "(null)",
                     got, lang_cases[i].want);
        }
    }
}


typedef struct {
    const char  *languages;
    const char  *want;          /* "": none */
} first_case;


static const first_case  first_cases[] = {
    { "de-CH,de;q=0.9,en;q=0.8",    "de" },
    { "DE-at",                      "de" },
    { "de_CH",                      "de" },
    { "zh-Hant-TW",                 "zh" },
    { "deu",                        "deu" },
    { "  fr-CH ; q=0.5 , de",       "fr" },
    /* first listed, whatever the weights */
    { "en;q=0.1, de;q=0.9",         "en" },
    /* deprecated codes are their successors */
    { "iw-IL",                      "he" },
    { "NO",                         "nb" },
    /* what lr_lang_fits_country() skips */
    { "*, fr",                      "fr" },
    { "fr;q=0, de",                 "de" },
    { "fr;q=0.000, de",             "de" },
    { "fr;q=x, de",                 "de" },
    { "fr;q=1.5, de",               "de" },
    { "fr;x, de",                   "de" },
    { "d, x-klingon, i-klingon, 1de, de!, -CH, ,, ja", "ja" },
    /* none */
    { "",                           "" },
    { "*",                          "" },
    { " , ;q=1",                    "" },
    { "d",                          "" },
    { "fr;q=0",                     "" },
    { NULL,                         "" },
};


static void
test_lang_first(void **state)
{
    char    code[LR_LANG_CODE_SIZE];
    size_t  i;
    int     got;

    (void) state;

    for (i = 0; i < LR_NELEMS(first_cases); i++) {
        memset(code, 'x', sizeof(code));
        got = lr_lang_first(first_cases[i].languages, code);

        if (got != (first_cases[i].want[0] != '\0')
            || strcmp(code, first_cases[i].want) != 0)
        {
            fail_msg("languages \"%s\": got %d \"%.4s\", want \"%s\"",
                     first_cases[i].languages ? first_cases[i].languages
                                              : "(null)",
                     got, code, first_cases[i].want);
        }
    }
}


static void
test_table_sizes(void **state)
{
    lr_locale_info  info;

    (void) state;

    lr_locale_table_info(&info);

    assert_true(info.zones > 300);
    assert_true(info.zone_countries > 200);     /* 247 in tzdata 2025b */
    /* glibc 2.36 has locales for 148 countries, not every country */
    assert_true(info.lang_countries > 140);
    assert_true(info.languages > 150);
    assert_non_null(info.tzdata);
    assert_true(strlen(info.tzdata) > 0);
}


/* Every prefix, in a buffer of its exact size, so ASan sees over-reads. */
static void
test_prefixes(void **state)
{
    static const char *const  lists[] = {
        "de-CH,de;q=0.9,en;q=0.8,fr-CH;q=0.7, it ;q=0.600",
        "zh-Hans-CN\t;\tq=1.000,*;q=0.1,x-klingon;q=0",
    };
    static const char *const  zones[] = {
        "America/Argentina/ComodRivadavia",
        "Europe/Zurich",
    };
    size_t   i, n, len;
    char    *buf, code[LR_LANG_CODE_SIZE];
    int      got;

    (void) state;

    for (i = 0; i < LR_NELEMS(lists); i++) {
        len = strlen(lists[i]);
        for (n = 0; n <= len; n++) {
            buf = malloc(n + 1);
            assert_non_null(buf);
            memcpy(buf, lists[i], n);
            buf[n] = '\0';
            got = lr_lang_fits_country(buf, "CH");
            assert_true(got >= -1 && got <= 1);
            got = lr_lang_first(buf, code);
            assert_true(got == 0 || strlen(code) >= 2);
            free(buf);
        }
    }

    for (i = 0; i < LR_NELEMS(zones); i++) {
        len = strlen(zones[i]);
        for (n = 0; n <= len; n++) {
            buf = malloc(n + 1);
            assert_non_null(buf);
            memcpy(buf, zones[i], n);
            buf[n] = '\0';
            got = lr_tz_fits_country(buf, "CH");
            assert_true(got >= -1 && got <= 1);
            free(buf);
        }
    }

    /* a one-letter country code in a buffer of its size */
    buf = malloc(2);
    assert_non_null(buf);
    buf[0] = 'J';
    buf[1] = '\0';
    assert_int_equal(lr_tz_fits_country("Asia/Tokyo", buf), -1);
    assert_int_equal(lr_lang_fits_country("ja", buf), -1);
    free(buf);
}


static void
fill_repeated(char *buf, size_t len, const char *unit)
{
    size_t  i, n;

    n = strlen(unit);
    for (i = 0; i < len; i++) {
        buf[i] = unit[i % n];
    }
    buf[len] = '\0';
}


static void
test_big_and_garbage(void **state)
{
    static const char *const  units[] = {
        "a", "ja-JP;q=0.9,", ";", ",", "q=", ";q=0.5", "-", "*,", " ",
        "zh,", "ja;q=", "\t;", "=;=",
    };
    char      *buf;
    size_t     i;
    uint32_t   x;
    int        got;

    (void) state;

    buf = malloc(BIG_LEN + 1);
    assert_non_null(buf);

    for (i = 0; i < LR_NELEMS(units); i++) {
        fill_repeated(buf, BIG_LEN, units[i]);
        got = lr_lang_fits_country(buf, "JP");
        assert_true(got >= -1 && got <= 1);
        got = lr_tz_fits_country(buf, "JP");
        assert_int_equal(got, -1);
    }

    /* the last element of a long list still counts */
    fill_repeated(buf, BIG_LEN, "zh,");
    assert_int_equal(lr_lang_fits_country(buf, "JP"), 0);
    memcpy(buf + BIG_LEN - 3, ",ja", 3);
    assert_int_equal(lr_lang_fits_country(buf, "JP"), 1);

    /* random non-NUL bytes */
    x = 2463534242u;
    for (i = 0; i < BIG_LEN; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (char) ((x & 0xff) == 0 ? 1 : (x & 0xff));
    }
    buf[BIG_LEN] = '\0';
    got = lr_lang_fits_country(buf, "JP");
    assert_true(got >= -1 && got <= 1);
    assert_int_equal(lr_tz_fits_country(buf, "JP"), -1);

    /* a zone name that runs on past a real one */
    fill_repeated(buf, BIG_LEN, "x");
    memcpy(buf, "Asia/Tokyo", 10);
    assert_int_equal(lr_tz_fits_country(buf, "JP"), -1);

    free(buf);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_tz_table),
        cmocka_unit_test(test_lang_table),
        cmocka_unit_test(test_lang_first),
        cmocka_unit_test(test_table_sizes),
        cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_big_and_garbage),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
