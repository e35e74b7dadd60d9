#include "lr_ua.h"

#include <string.h>


/* Hostile headers may carry endless digits; the model only compares. */
#define LR_UA_MAJOR_MAX  99999u


/* A crawler or tool name, matched as a whole word, case-insensitively. */
typedef struct {
    const char  *name;
    const char  *family;
} lr_ua_word;

/* A browser token, matched case-sensitively; first row that matches wins. */
typedef struct {
    const char  *token;
    const char  *family;
    const char  *version;       /* the major follows it; NULL: token */
    const char  *device_class;  /* NULL: from the platform */
} lr_ua_browser;


static const char *lr_ua_find(const char *s, size_t len, const char *tok);
static int lr_ua_has(const char *s, size_t len, const char *tok);
static unsigned lr_ua_number(const char *p, size_t n);
static unsigned lr_ua_version(const char *s, size_t len, const char *tok);
static int lr_ua_is_alnum(unsigned char c);
static int lr_ua_ieq(const char *a, const char *b, size_t n);
static const lr_ua_word *lr_ua_scan_words(const char *s, size_t len,
    const lr_ua_word *tab, size_t ntab, unsigned *major);
static void lr_ua_platform(const char *s, size_t len, lr_ua *out);


static const lr_ua_word  lr_ua_bots[] = {
    { "Googlebot", "Googlebot" },
    { "bingbot",   "Bingbot" },
};

/* "Java-http-client" precedes "Java" so that its version is read. */
static const lr_ua_word  lr_ua_tools[] = {
    { "curl",              "curl" },
    { "Wget",              "Wget" },
    { "python-requests",   "python-requests" },
    { "Python-urllib",     "python-urllib" },
    { "aiohttp",           "aiohttp" },
    { "Go-http-client",    "Go-http-client" },
    { "okhttp",            "okhttp" },
    { "Apache-HttpClient", "Apache-HttpClient" },
    { "Java-http-client",  "Java" },
    { "Java",              "Java" },
    { "node-fetch",        "node-fetch" },
    { "axios",             "axios" },
    { "PostmanRuntime",    "PostmanRuntime" },
    { "libwww-perl",       "libwww-perl" },
};

/*
 * Chromium-based browsers also carry "Chrome/" (and Safari "Safari/"), so
 * the more specific tokens come first.
 */
static const lr_ua_browser  lr_ua_browsers[] = {
    { "HeadlessChrome/", "HeadlessChrome",   NULL,      "bot" },
    { "PhantomJS/",      "PhantomJS",        NULL,      "bot" },
    { "Edg/",            "Edge",             NULL,      NULL },
    { "EdgA/",           "Edge",             NULL,      NULL },
    { "EdgiOS/",         "Edge",             NULL,      NULL },
    { "Edge/",           "Edge",             NULL,      NULL },
    { "OPR/",            "Opera",            NULL,      NULL },
    { "SamsungBrowser/", "Samsung Internet", NULL,      NULL },
    { "YaBrowser/",      "Yandex",           NULL,      NULL },
    { "CriOS/",          "Chrome",           NULL,      NULL },
    { "FxiOS/",          "Firefox",          NULL,      NULL },
    { "; wv)",           "Chrome WebView",   "Chrome/", NULL },
    { "Firefox/",        "Firefox",          NULL,      NULL },
    { "Chrome/",         "Chrome",           NULL,      NULL },
    { "Chromium/",       "Chrome",           NULL,      NULL },
};


void
lr_ua_parse(const char *ua, size_t len, lr_ua *out)
{
    size_t                i;
    unsigned              major;
    const lr_ua_word     *w;
    const lr_ua_browser  *b;

    if (ua == NULL) {
        len = 0;
    }

    out->family = "Other";
    out->major = 0;

    /* Sets os and device_class as a browser on that platform would be. */
    lr_ua_platform(ua, len, out);

    w = lr_ua_scan_words(ua, len, lr_ua_bots,
                         sizeof(lr_ua_bots) / sizeof(lr_ua_bots[0]), &major);
    if (w != NULL) {
        out->family = w->family;
        out->major = major;
        out->device_class = "bot";
        return;
    }

    w = lr_ua_scan_words(ua, len, lr_ua_tools,
                         sizeof(lr_ua_tools) / sizeof(lr_ua_tools[0]), &major);
    if (w != NULL) {
        out->family = w->family;
        out->major = major;
        out->device_class = "tool";
        return;
    }

    for (i = 0; i < sizeof(lr_ua_browsers) / sizeof(lr_ua_browsers[0]); i++) {
        b = &lr_ua_browsers[i];

        if (!lr_ua_has(ua, len, b->token)) {
            continue;
        }

        out->family = b->family;
        out->major = lr_ua_version(ua, len, b->version ? b->version : b->token);
        if (b->device_class != NULL) {
            out->device_class = b->device_class;
        }
        return;
    }

    /* The old Android stock browser also says "Version/4.0 ... Safari/". */
    if (lr_ua_has(ua, len, "Safari/") && lr_ua_has(ua, len, "Version/")
        && strcmp(out->os, "Android") != 0)
    {
        out->family = "Safari";
        out->major = lr_ua_version(ua, len, "Version/");
        return;
    }

    out->device_class = "unknown";
}


static void
lr_ua_platform(const char *s, size_t len, lr_ua *out)
{
    /* iOS UAs say "like Mac OS X" and Android UAs say "Linux": check first. */
    if (lr_ua_has(s, len, "iPad")) {
        out->os = "iOS";
        out->device_class = "tablet";

    } else if (lr_ua_has(s, len, "iPhone") || lr_ua_has(s, len, "iPod")) {
        out->os = "iOS";
        out->device_class = "mobile";

    } else if (lr_ua_has(s, len, "CrOS")) {
        out->os = "ChromeOS";
        out->device_class = "desktop";

    } else if (lr_ua_has(s, len, "Android")) {
        out->os = "Android";
        out->device_class = lr_ua_has(s, len, "Mobile") ? "mobile" : "tablet";

    } else if (lr_ua_has(s, len, "Windows")) {
        out->os = "Windows";
        out->device_class = "desktop";

    } else if (lr_ua_has(s, len, "Macintosh")) {
        out->os = "macOS";
        out->device_class = "desktop";

    } else if (lr_ua_has(s, len, "Linux")) {
        out->os = "Linux";
        out->device_class = "desktop";

    } else if (lr_ua_has(s, len, "X11")) {
        out->os = "Other";          /* BSDs, Solaris */
        out->device_class = "desktop";

    } else {
        out->os = "Other";
        out->device_class = "unknown";
    }
}


/*
 * Finds the leftmost word of s that equals a name of tab, ignoring ASCII
 * case; a word is bounded by non-alphanumerics, so "libcurl" is not "curl".
 * Stores the number after "name/" (0 when there is none) in *major.
 */
static const lr_ua_word *
lr_ua_scan_words(const char *s, size_t len, const lr_ua_word *tab,
    size_t ntab, unsigned *major)
{
    size_t  i, k, n, end;

    for (i = 0; i < len; i++) {
        if (i > 0 && lr_ua_is_alnum((unsigned char) s[i - 1])) {
            continue;
        }

        for (k = 0; k < ntab; k++) {
            /* cheap first-byte test before measuring the name */
            if (!lr_ua_ieq(s + i, tab[k].name, 1)) {
                continue;
            }

            n = strlen(tab[k].name);
            if (n > len - i || !lr_ua_ieq(s + i, tab[k].name, n)) {
                continue;
            }

            end = i + n;
            if (end < len && lr_ua_is_alnum((unsigned char) s[end])) {
                continue;
            }

            *major = (end < len && s[end] == '/')
                     ? lr_ua_number(s + end + 1, len - end - 1) : 0;
            return &tab[k];
        }
    }

    return NULL;
}


/* memmem() is not C11; tok is one of our literals, s is any bytes. */
static const char *
lr_ua_find(const char *s, size_t len, const char *tok)
{
    size_t       n;
    const char  *p, *last;

    n = strlen(tok);
    if (n == 0 || len < n) {
        return NULL;
    }

    p = s;
    last = s + (len - n);

    while (p <= last) {
        p = memchr(p, tok[0], (size_t) (last - p) + 1);
        if (p == NULL) {
            return NULL;
        }

        if (memcmp(p, tok, n) == 0) {
            return p;
        }

        p++;
    }

    return NULL;
}


static int
lr_ua_has(const char *s, size_t len, const char *tok)
{
    return lr_ua_find(s, len, tok) != NULL;
}


/* Major version after the first occurrence of tok (which ends in '/'). */
static unsigned
lr_ua_version(const char *s, size_t len, const char *tok)
{
    size_t       off;
    const char  *p;

    p = lr_ua_find(s, len, tok);
    if (p == NULL) {
        return 0;
    }

    off = (size_t) (p - s) + strlen(tok);

    return lr_ua_number(s + off, len - off);
}


static unsigned
lr_ua_number(const char *p, size_t n)
{
    size_t    i;
    unsigned  v;

    v = 0;

    for (i = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
        /* v <= 99999 here, so v * 10 + 9 cannot wrap */
        v = v * 10 + (unsigned) (p[i] - '0');
        if (v > LR_UA_MAJOR_MAX) {
            v = LR_UA_MAJOR_MAX;
        }
    }

    return v;
}


static int
lr_ua_is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
           || (c >= 'A' && c <= 'Z');
}


/* ASCII-only, unlike tolower(), which depends on the locale. */
static int
lr_ua_ieq(const char *a, const char *b, size_t n)
{
    size_t         i;
    unsigned char  x, y;

    for (i = 0; i < n; i++) {
        x = (unsigned char) a[i];
        y = (unsigned char) b[i];

        if (x >= 'A' && x <= 'Z') {
            x = (unsigned char) (x + ('a' - 'A'));
        }

        if (y >= 'A' && y <= 'Z') {
            y = (unsigned char) (y + ('a' - 'A'));
        }

        if (x != y) {
            return 0;
        }
    }

    return 1;
}
