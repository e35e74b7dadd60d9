#include "lr_test.h"
#include "lr_client_hints.h"


/*
 * lr_ch_ua_matches() on its own; test_telemetry.c runs the many header
 * forms through the collect request's mismatch bit.
 */

#define CHROME                                                                \
    "\"Chromium\";v=\"156\", \"Not-A.Brand\";v=\"24\", "                      \
    "\"Google Chrome\";v=\"156\""


static const char *const  chrome[] = {
    "Chromium/156", "Not-A.Brand/24", "Google Chrome/156"
};


typedef struct {
    const char  *value;
    int          match;
} ch_case;


static const ch_case  cases[] = {
    { CHROME, 1 },
    { "\"Google Chrome\";v=\"156\",\"Not-A.Brand\";v=\"24\","
      "\"Chromium\";v=\"156\"", 1 },
    { " \t" CHROME " \t", 1 },
    { CHROME ", \"Chromium\";v=\"156\"", 1 },           /* a repeat */
    { "\"Chromium\";x=1;v=\"156\";y=\"z\";w, \"Not-A.Brand\";v=\"24\", "
      "\"Google Chrome\";v=\"156\"", 1 },               /* other parameters */

    { "\"Chromium\";v=\"156\", \"Not-A.Brand\";v=\"24\"", 0 },  /* fewer */
    { CHROME ", \"Microsoft Edge\";v=\"156\"", 0 },             /* more */
    { "\"Chromium\";v=\"155\", \"Not-A.Brand\";v=\"24\", "
      "\"Google Chrome\";v=\"156\"", 0 },
    { "", 0 },

    /* not Sec-CH-UA */
    { CHROME ",", 0 },
    { CHROME ";", 0 },
    { "\"Chromium\", \"Not-A.Brand\";v=\"24\", \"Google Chrome\";v=\"156\"",
      0 },
    { "\"Chromium\";v=156, \"Not-A.Brand\";v=\"24\", "
      "\"Google Chrome\";v=\"156\"", 0 },
    { "\"Chromium", 0 },
};


static void
test_table(void **state)
{
    char    *value;
    size_t   i, len;

    (void) state;

    for (i = 0; i < LR_NELEMS(cases); i++) {
        len = strlen(cases[i].value);
        value = lr_heap_copy(cases[i].value, len + 1);

        if (lr_ch_ua_matches(value, chrome, LR_NELEMS(chrome))
            != cases[i].match)
        {
            lr_print_failed("row", i, cases[i].value, len);
            free(value);
            fail();
        }

        free(value);
    }
}


static void
test_sets(void **state)
{
    static const char *const  repeated[] = {
        "Chromium/156", "Chromium/156", "Not-A.Brand/24", "Google Chrome/156"
    };
    static const char *const  escaped[] = { "a\"b\\c/1" };

    (void) state;

    /* the list side may repeat and reorder too */
    assert_int_equal(lr_ch_ua_matches(CHROME, repeated, 4), 1);
    assert_int_equal(lr_ch_ua_matches(CHROME, chrome + 1, 2), 0);

    /* empty on both sides */
    assert_int_equal(lr_ch_ua_matches("", NULL, 0), 1);
    assert_int_equal(lr_ch_ua_matches(" ", chrome, 0), 1);
    assert_int_equal(lr_ch_ua_matches(CHROME, chrome, 0), 0);

    /* escapes are read */
    assert_int_equal(lr_ch_ua_matches("\"a\\\"b\\\\c\";v=\"1\"", escaped, 1),
                     1);
}


static void
test_limits(void **state)
{
    char         value[256], brand[LR_CH_BRAND_MAX + 2];
    const char  *list[1];
    size_t       i;

    (void) state;

    /* "Brand/major" of LR_CH_BRAND_MAX characters, then one more */
    memset(brand, 'a', LR_CH_BRAND_MAX - 2);
    memcpy(brand + LR_CH_BRAND_MAX - 2, "/1", 3);
    list[0] = brand;
    snprintf(value, sizeof(value), "\"%.*s\";v=\"1\"", LR_CH_BRAND_MAX - 2,
             brand);
    assert_int_equal(lr_ch_ua_matches(value, list, 1), 1);

    memset(brand, 'a', LR_CH_BRAND_MAX - 1);
    memcpy(brand + LR_CH_BRAND_MAX - 1, "/1", 3);
    snprintf(value, sizeof(value), "\"%.*s\";v=\"1\"", LR_CH_BRAND_MAX - 1,
             brand);
    assert_int_equal(lr_ch_ua_matches(value, list, 1), 0);

    /* LR_CH_BRANDS_MAX brands, then one more (a repeat, still too many) */
    list[0] = "A/1";
    value[0] = '\0';

    for (i = 0; i < LR_CH_BRANDS_MAX; i++) {
        strcat(value, i ? ", \"A\";v=\"1\"" : "\"A\";v=\"1\"");
    }

    assert_int_equal(lr_ch_ua_matches(value, list, 1), 1);
    strcat(value, ", \"A\";v=\"1\"");
    assert_int_equal(lr_ch_ua_matches(value, list, 1), 0);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_sets),
        cmocka_unit_test(test_limits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
