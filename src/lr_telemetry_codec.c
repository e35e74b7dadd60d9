#include "lr_telemetry_codec.h"

#include "lr_bytes.h"

#include <string.h>


/* version, automation, scripted, mismatch, paste_password (a byte each),
 * device_attrs (4), ua_hash (8), keys, moves, submit_ms (4 each) */
#define LR_TELEMETRY_FIXED        29

#define LR_TELEMETRY_LANGS_CHARS  LR_TELEMETRY_TAG_CHARS ","


/* a summary fits in what the header promises */
typedef char  lr_telemetry_summary_fits
    [LR_TELEMETRY_FIXED + 2 + LR_TELEMETRY_TZ_MAX + LR_TELEMETRY_LANGS_MAX
     <= LR_TELEMETRY_SUMMARY_MAX ? 1 : -1];


static unsigned char *lr_telemetry_put_str(unsigned char *p, const char *s,
    size_t n);
static int lr_telemetry_unpack(const unsigned char *buf, size_t len,
    lr_telemetry *out);
static const unsigned char *lr_telemetry_get_str(const unsigned char *p,
    const unsigned char *end, char *out, size_t max, const char *chars);
static int lr_telemetry_langs_ok(const char *s);


size_t
lr_telemetry_encode(const lr_telemetry *t, unsigned char *buf, size_t cap)
{
    size_t          tz, langs, n;
    unsigned char  *p;

    tz = strnlen(t->timezone, LR_TELEMETRY_TZ_MAX);
    langs = strnlen(t->languages, LR_TELEMETRY_LANGS_MAX);
    n = LR_TELEMETRY_FIXED + 1 + tz + 1 + langs;

    if (buf == NULL || cap < n) {
        return 0;
    }

    p = buf;
    p = lr_bytes_put_u8(p, LR_TELEMETRY_CODEC_VERSION);
    p = lr_bytes_put_u8(p, t->automation);
    p = lr_bytes_put_u8(p, t->scripted);
    p = lr_bytes_put_u8(p, t->mismatch);
    p = lr_bytes_put_u8(p, t->paste_password != 0);
    p = lr_bytes_put_u32(p, t->device_attrs);
    p = lr_bytes_put_u64(p, t->ua_hash);
    p = lr_bytes_put_u32(p, t->keys);
    p = lr_bytes_put_u32(p, t->moves);
    p = lr_bytes_put_u32(p, t->submit_ms);
    p = lr_telemetry_put_str(p, t->timezone, tz);
    (void) lr_telemetry_put_str(p, t->languages, langs);

    return n;
}


int
lr_telemetry_decode(const unsigned char *buf, size_t len, lr_telemetry *out)
{
    memset(out, 0, sizeof(*out));

    if (lr_telemetry_unpack(buf, len, out) != 0) {
        memset(out, 0, sizeof(*out));
        return -1;
    }

    return 0;
}


/* a length byte and the n bytes of s */
static unsigned char *
lr_telemetry_put_str(unsigned char *p, const char *s, size_t n)
{
    p = lr_bytes_put_u8(p, (unsigned) n);
    memcpy(p, s, n);

    return p + n;
}


/* Everything is checked: a summary comes back from Redis, which anyone
 * who reaches it can write. */
static int
lr_telemetry_unpack(const unsigned char *buf, size_t len, lr_telemetry *out)
{
    const unsigned char  *p, *end;

    if (buf == NULL || len < LR_TELEMETRY_FIXED + 2
        || len > LR_TELEMETRY_SUMMARY_MAX
        || buf[0] != LR_TELEMETRY_CODEC_VERSION)
    {
        return -1;
    }

    if ((buf[1] & ~LR_AUTO_ALL) != 0
        || (buf[2] & ~LR_SCRIPTED_ALL) != 0
        || (buf[3] & ~LR_MISMATCH_ALL) != 0
        || buf[4] > 1)
    {
        return -1;
    }

    out->automation = buf[1];
    out->scripted = buf[2];
    out->mismatch = buf[3];
    out->paste_password = buf[4];
    out->device_attrs = lr_bytes_get_u32(buf + 5);
    out->ua_hash = lr_bytes_get_u64(buf + 9);
    out->keys = lr_bytes_get_u32(buf + 17);
    out->moves = lr_bytes_get_u32(buf + 21);
    out->submit_ms = lr_bytes_get_u32(buf + 25);

    p = buf + LR_TELEMETRY_FIXED;
    end = buf + len;

    p = lr_telemetry_get_str(p, end, out->timezone, LR_TELEMETRY_TZ_MAX,
                             LR_TELEMETRY_TZ_CHARS);
    if (p == NULL) {
        return -1;
    }

    p = lr_telemetry_get_str(p, end, out->languages, LR_TELEMETRY_LANGS_MAX,
                             LR_TELEMETRY_LANGS_CHARS);
    if (p == NULL || p != end || !lr_telemetry_langs_ok(out->languages)) {
        return -1;
    }

    return 0;
}


/* A length byte and that many bytes, each one of chars, into out (max
 * bytes and a NUL); the byte after it, or NULL. */
static const unsigned char *
lr_telemetry_get_str(const unsigned char *p, const unsigned char *end,
    char *out, size_t max, const char *chars)
{
    size_t  n, i;

    if (p >= end) {
        return NULL;
    }

    n = *p++;

    if (n > max || n > (size_t) (end - p)) {
        return NULL;
    }

    for (i = 0; i < n; i++) {
        if (p[i] == '\0' || strchr(chars, p[i]) == NULL) {
            return NULL;
        }

        out[i] = (char) p[i];
    }

    out[n] = '\0';

    return p + n;
}


/* what lr_telemetry_parse() keeps: no empty tag, "" or "en,fr", never
 * ",en" or "en,,fr" or "en," */
static int
lr_telemetry_langs_ok(const char *s)
{
    size_t  n;

    if (*s == '\0') {
        return 1;
    }

    for ( ;; ) {
        n = strspn(s, LR_TELEMETRY_TAG_CHARS);

        if (n == 0) {
            return 0;
        }

        s += n;

        if (*s == '\0') {
            return 1;
        }

        s++;                    /* the ',' */
    }
}
