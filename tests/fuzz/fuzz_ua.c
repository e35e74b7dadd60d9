/*
 * The User-Agent header (lr_ua_parse): any bytes, NULs and line breaks
 * included, of any length.
 *
 * Checks: every field is one of the values lr_ua.h lists, the major is
 * capped, the class goes with the family (bots, tools, "Other"), and the
 * bytes alone decide (a second parse agrees).
 */

#include "fuzz.h"

#include "lr_ua.h"


static const char *const  fuzz_browsers[] = {
    "Chrome", "Edge", "Firefox", "Safari", "Samsung Internet", "Opera",
    "Yandex", "Chrome WebView", NULL
};

static const char *const  fuzz_automation[] = {
    "HeadlessChrome", "PhantomJS", NULL
};

static const char *const  fuzz_crawlers[] = {
    "Googlebot", "Bingbot", NULL
};

static const char *const  fuzz_tools[] = {
    "curl", "Wget", "python-requests", "python-urllib", "aiohttp",
    "Go-http-client", "okhttp", "Java", "Apache-HttpClient", "node-fetch",
    "axios", "PostmanRuntime", "libwww-perl", NULL
};

static const char *const  fuzz_os[] = {
    "Windows", "macOS", "iOS", "Android", "ChromeOS", "Linux", "Other", NULL
};

static const char *const  fuzz_platform_classes[] = {
    "desktop", "mobile", "tablet", "unknown", NULL
};


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lr_ua  ua, again;

    lr_ua_parse((const char *) data, size, &ua);

    FUZZ_CHECK(ua.family != NULL && ua.os != NULL && ua.device_class != NULL);
    FUZZ_CHECK(ua.major <= 99999);
    FUZZ_CHECK(fuzz_one_of(ua.os, fuzz_os));

    if (fuzz_one_of(ua.family, fuzz_crawlers)
        || fuzz_one_of(ua.family, fuzz_automation))
    {
        FUZZ_CHECK(strcmp(ua.device_class, "bot") == 0);

    } else if (fuzz_one_of(ua.family, fuzz_tools)) {
        FUZZ_CHECK(strcmp(ua.device_class, "tool") == 0);

    } else if (fuzz_one_of(ua.family, fuzz_browsers)) {
        FUZZ_CHECK(fuzz_one_of(ua.device_class, fuzz_platform_classes));

    } else {
        FUZZ_CHECK(strcmp(ua.family, "Other") == 0 && ua.major == 0
                   && strcmp(ua.device_class, "unknown") == 0);
    }

    lr_ua_parse((const char *) data, size, &again);

    FUZZ_CHECK(again.family == ua.family && again.major == ua.major
               && again.os == ua.os && again.device_class == ua.device_class);

    return 0;
}
