/*
 * The collector's telemetry with the collect request's headers
 * (lr_telemetry_parse), as the collect endpoint hands them over. The input
 * is what an HTTP request would show:
 *
 *     User-Agent: Mozilla/5.0 ...
 *     Sec-CH-UA: "Chromium";v="120", ...
 *     Accept-Language: en-US,en;q=0.9
 *
 *     {"v":1,...}
 *
 * Leading lines "Name: value" of those three names (any case) are the
 * headers, up to an empty line or the first other line; the rest is the
 * body. An input without them (one that starts with '{') has no headers.
 * A value is a C string, as nginx gives it: cut at a NUL.
 *
 * Checks: a refusal zeroes the summary and names the field in a message
 * that fits the buffer; a summary has only known bits, a timezone and
 * languages of the characters kept, the User-Agent's hash, and comes back
 * the same through the summary's codec (lr_telemetry_codec.h).
 */

#include "fuzz.h"

#include "lr_telemetry.h"
#include "lr_telemetry_codec.h"

#include <strings.h>


/* the collect endpoint's message buffer */
#define FUZZ_ERR_MAX  160


static size_t fuzz_headers(const char *in, size_t len,
    char *value[3]);
static void fuzz_summary(const lr_telemetry *t, const lr_telemetry_headers *h);


static const char *const  fuzz_header_names[3] = {
    "User-Agent", "Sec-CH-UA", "Accept-Language"
};

/* what a message starts with: the body, or a field of the schema */
static const char *const  fuzz_fields[] = {
    "body", "v", "ua", "uach", "langs", "tz", "scr", "win", "outer", "dpr",
    "depth", "cores", "mem", "touch", "gl", "canvas", "audio", "plugins",
    "auto", "beh", NULL
};


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                    rc;
    char                  *value[3], *body, err[FUZZ_ERR_MAX], name[32];
    size_t                 i, skip, n;
    lr_telemetry           t;
    lr_telemetry_headers   h;

    skip = fuzz_headers((const char *) data, size, value);

    h.user_agent = value[0];
    h.sec_ch_ua = value[1];
    h.accept_language = value[2];

    body = fuzz_copy(data + skip, size - skip);
    memset(err, 'X', sizeof(err));

    rc = lr_telemetry_parse(body, size - skip, &h, &t, err, sizeof(err));

    FUZZ_CHECK(rc == 0 || rc == -1);
    FUZZ_CHECK(fuzz_has_nul(err, sizeof(err)));

    if (rc == 0) {
        FUZZ_CHECK(err[0] == '\0');
        fuzz_summary(&t, &h);

    } else {
        FUZZ_CHECK(fuzz_is_zero(&t, sizeof(t)));

        /* "field: what" or "parent.field: what" */
        n = strcspn(err, ".:");
        FUZZ_CHECK(err[n] != '\0' && n < sizeof(name));
        memcpy(name, err, n);
        name[n] = '\0';
        FUZZ_CHECK(fuzz_one_of(name, fuzz_fields));
    }

    /* no headers at all: the parser's own default */
    if (value[0] == NULL && value[1] == NULL && value[2] == NULL) {
        rc = lr_telemetry_parse(body, size - skip, NULL, &t, NULL, 0);

        if (rc == 0) {
            fuzz_summary(&t, &h);
        }
    }

    free(body);

    for (i = 0; i < 3; i++) {
        free(value[i]);
    }

    return 0;
}


/* The header lines at the start of in: their values (heap C strings, NULL
 * when absent) into value[]; returns the length of the block. */
static size_t
fuzz_headers(const char *in, size_t len, char *value[3])
{
    size_t       i, k, n, line;
    const char  *p, *end, *eol;

    for (i = 0; i < 3; i++) {
        value[i] = NULL;
    }

    p = in;
    end = in + len;

    while (p < end) {
        eol = memchr(p, '\n', (size_t) (end - p));
        line = eol ? (size_t) (eol - p) : (size_t) (end - p);

        if (line == 0 || (line == 1 && p[0] == '\r')) {
            p += line + (eol != NULL);
            break;
        }

        for (k = 0; k < 3; k++) {
            n = strlen(fuzz_header_names[k]);

            if (line > n && p[n] == ':'
                && strncasecmp(p, fuzz_header_names[k], n) == 0)
            {
                break;
            }
        }

        if (k == 3) {
            break;
        }

        /* "Name:" and blanks, the value, a CR before the LF */
        i = n + 1;

        while (i < line && (p[i] == ' ' || p[i] == '\t')) {
            i++;
        }

        if (line > i && p[line - 1] == '\r') {
            line--;
        }

        free(value[k]);
        value[k] = fuzz_cstr(p + i, line - i);

        p += (eol ? (size_t) (eol - p) + 1 : (size_t) (end - p));
    }

    return (size_t) (p - in);
}


static void
fuzz_summary(const lr_telemetry *t, const lr_telemetry_headers *h)
{
    size_t          n;
    lr_telemetry    back;
    unsigned char   buf[LR_TELEMETRY_SUMMARY_MAX];

    FUZZ_CHECK((t->automation & ~LR_AUTO_ALL) == 0);
    FUZZ_CHECK((t->scripted & ~LR_SCRIPTED_ALL) == 0);

    /* the device cookie's bit is the collect endpoint's, never the JSON's */
    FUZZ_CHECK((t->mismatch & ~(LR_MISMATCH_UA | LR_MISMATCH_LANG)) == 0);
    FUZZ_CHECK(t->paste_password == 0 || t->paste_password == 1);
    FUZZ_CHECK(t->ua_hash == lr_telemetry_ua_hash(h->user_agent));

    FUZZ_CHECK(fuzz_has_nul(t->timezone, sizeof(t->timezone)));
    FUZZ_CHECK(fuzz_has_nul(t->languages, sizeof(t->languages)));
    FUZZ_CHECK(fuzz_only(t->timezone, LR_TELEMETRY_TZ_CHARS));
    FUZZ_CHECK(fuzz_only(t->languages, LR_TELEMETRY_TAG_CHARS ","));

    /* what the collect endpoint stores, the login reads back */
    n = lr_telemetry_encode(t, buf, sizeof(buf));
    FUZZ_CHECK(n > 0 && n <= sizeof(buf));
    FUZZ_CHECK(lr_telemetry_encode(t, buf, n - 1) == 0);
    FUZZ_CHECK(lr_telemetry_decode(buf, n, &back) == 0);

    FUZZ_CHECK(back.automation == t->automation
               && back.scripted == t->scripted
               && back.mismatch == t->mismatch
               && back.paste_password == t->paste_password
               && back.device_attrs == t->device_attrs
               && back.ua_hash == t->ua_hash
               && back.keys == t->keys
               && back.moves == t->moves
               && back.submit_ms == t->submit_ms
               && strcmp(back.timezone, t->timezone) == 0
               && strcmp(back.languages, t->languages) == 0);
}
