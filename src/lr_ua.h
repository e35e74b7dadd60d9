#ifndef LR_UA_H
#define LR_UA_H

/*
 * User-Agent parser: turns a header value into a few coarse features for
 * the risk model. Every string field points at a static string.
 *
 * family (browser or client):
 *   "Chrome", "Edge", "Firefox", "Safari", "Samsung Internet", "Opera",
 *   "Yandex", "Chrome WebView", "HeadlessChrome", "PhantomJS",
 *   "curl", "Wget", "python-requests", "python-urllib", "aiohttp",
 *   "Go-http-client", "okhttp", "Java", "Apache-HttpClient", "node-fetch",
 *   "axios", "PostmanRuntime", "libwww-perl", "Googlebot", "Bingbot",
 *   "Other" (empty or unrecognised User-Agent).
 *
 * major: the major version of that family (Safari: from "Version/",
 *   Chrome WebView: from "Chrome/", Chrome/Firefox on iOS: from "CriOS/",
 *   "FxiOS/"), 0 when unknown, capped at 99999.
 *
 * os: "Windows", "macOS", "iOS", "Android", "ChromeOS", "Linux", "Other".
 *   "iPadOS" is never returned: iPadOS Safari sends a Macintosh UA by
 *   default, so it cannot be told apart reliably. A UA with an "iPad" token
 *   is "iOS" with device_class "tablet"; a desktop-mode iPad is "macOS".
 *
 * device_class:
 *   "desktop"  Windows, Macintosh, X11 (Linux or not), CrOS;
 *   "mobile"   iPhone/iPod, Android with a "Mobile" token;
 *   "tablet"   iPad, Android without a "Mobile" token;
 *   "bot"      crawlers (Googlebot, Bingbot) and automation browsers
 *              (HeadlessChrome, PhantomJS);
 *   "tool"     command-line tools and HTTP client libraries;
 *   "unknown"  family "Other", or a browser without a known platform.
 *
 * Order of checks: crawlers, then tools (a known client name as a whole
 * word anywhere, leftmost wins), then browser tokens, most specific first
 * (HeadlessChrome, PhantomJS, Edge, Opera, Samsung, Yandex, CriOS, FxiOS,
 * Android WebView "; wv)", Firefox, Chrome/Chromium), then Safari
 * ("Version/" and "Safari/" without Chrome tokens, not on Android).
 * Browser tokens are case-sensitive; crawler and tool names are not.
 */

#include <stddef.h>


typedef struct {
    const char *family;       /* browser or client family, static string, never NULL */
    unsigned    major;        /* major version, 0 when unknown */
    const char *os;           /* OS family, static string, never NULL */
    const char *device_class; /* static string, never NULL */
} lr_ua;


/*
 * Parses a User-Agent header value (not NUL-terminated; len bytes; may
 * contain any bytes, including NUL, CR/LF, invalid UTF-8; may be empty).
 * Never reads past len, never allocates. ua may be NULL when len is 0.
 */
void lr_ua_parse(const char *ua, size_t len, lr_ua *out);

#endif
