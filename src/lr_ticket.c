#include "lr_ticket.h"
#include "lr_utf8.h"

#include <inttypes.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>


#define LR_TICKET_PARTS       5
#define LR_TICKET_USER_B64    ((LR_USERID_MAX * 4 + 2) / 3)     /* 342 */
#define LR_TICKET_MAC_BYTES   32                                /* SHA-256 */
#define LR_TICKET_MAC_B64     43
#define LR_TICKET_EXPIRY_MAX  19                                /* digits */

/* EVP_EncodeBlock writes the padded form and a NUL */
#define LR_TICKET_B64_ROOM(n)  (4 * (((n) + 2) / 3) + 1)


/* The base64url alphabet, which is also that of key ids. */
static int
lr_ticket_is_b64url(const char *s, size_t n)
{
    size_t  i;
    char    c;

    for (i = 0; i < n; i++) {
        c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '-' || c == '_'))
        {
            return 0;
        }
    }

    return 1;
}


/* Exactly 32 lowercase hex digits; s may be shorter, but NUL-terminated
 * then (the NUL stops the loop). */
static int
lr_ticket_is_attempt(const char *s)
{
    size_t  i;

    for (i = 0; i < LR_TICKET_ATTEMPT; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }

    return 1;
}


/* 1..LR_USERID_MAX bytes of UTF-8 without control characters. */
static int
lr_ticket_is_user(const unsigned char *u, size_t n)
{
    size_t    i, k;
    uint32_t  cp;

    if (n == 0 || n > LR_USERID_MAX) {
        return 0;
    }

    for (i = 0; i < n; i += k) {
        k = lr_utf8_decode(u + i, n - i, &cp);

        if (k == 0 || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
            return 0;
        }
    }

    return 1;
}


/* Decimal digits s[0..n) as they are written: 1..19 of them, no leading
 * zero, at most INT64_MAX. Returns the value, or -1. */
static int64_t
lr_ticket_expiry(const char *s, size_t n)
{
    size_t    i;
    uint64_t  v;

    if (n == 0 || n > LR_TICKET_EXPIRY_MAX || (n > 1 && s[0] == '0')) {
        return -1;
    }

    v = 0;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }

        v = v * 10 + (uint64_t) (s[i] - '0');   /* < 10^19 < 2^64 */
    }

    if (v > INT64_MAX) {
        return -1;
    }

    return (int64_t) v;
}


/* base64url of in[0..n), n <= LR_USERID_MAX, without padding, into out
 * (LR_TICKET_B64_ROOM(n) bytes). Returns the length. */
static size_t
lr_ticket_b64_encode(const unsigned char *in, size_t n, char *out)
{
    size_t  i, m;

    m = (size_t) EVP_EncodeBlock((unsigned char *) out, in, (int) n);

    while (m > 0 && out[m - 1] == '=') {
        m--;
    }

    for (i = 0; i < m; i++) {
        if (out[i] == '+') {
            out[i] = '-';

        } else if (out[i] == '/') {
            out[i] = '_';
        }
    }

    return m;
}


/*
 * Decodes base64url in[0..n) (alphabet checked, n <= LR_TICKET_USER_B64)
 * into out (LR_USERID_MAX + 2 bytes). Returns the length, or -1 unless in
 * is the one encoding that lr_ticket_b64_encode() gives for those bytes.
 */
static int
lr_ticket_b64_decode(const char *in, size_t n, unsigned char *out)
{
    int     m;
    char    b64[LR_TICKET_USER_B64 + 2];
    char    back[LR_TICKET_B64_ROOM(LR_USERID_MAX)];
    size_t  i, pad;

    if (n % 4 == 1) {
        return -1;
    }

    pad = (4 - n % 4) % 4;

    for (i = 0; i < n; i++) {
        b64[i] = in[i] == '-' ? '+' : in[i] == '_' ? '/' : in[i];
    }

    memset(b64 + n, '=', pad);

    /* it counts 3 bytes for every 4 characters, padding included */
    m = EVP_DecodeBlock(out, (unsigned char *) b64, (int) (n + pad));
    if (m < (int) pad) {
        return -1;
    }

    m -= (int) pad;

    /* the unused low bits of the last character must be zero */
    if (lr_ticket_b64_encode(out, (size_t) m, back) != n
        || memcmp(back, in, n) != 0)
    {
        return -1;
    }

    return m;
}


/* base64url of HMAC-SHA256(k, data[0..n)) into out
 * (LR_TICKET_B64_ROOM(LR_TICKET_MAC_BYTES) bytes). */
static int
lr_ticket_mac(const lr_secret_key *k, const char *data, size_t n, char *out)
{
    unsigned int   md_len;
    unsigned char  md[EVP_MAX_MD_SIZE];

    if (HMAC(EVP_sha256(), k->key, (int) k->len, (const unsigned char *) data,
             n, md, &md_len) == NULL
        || md_len != LR_TICKET_MAC_BYTES)
    {
        return -1;
    }

    lr_ticket_b64_encode(md, md_len, out);

    return 0;
}


int
lr_ticket_new_attempt(char out[LR_TICKET_ATTEMPT + 1])
{
    size_t         i;
    unsigned char  b[LR_TICKET_ATTEMPT / 2];

    static const char  hex[] = "0123456789abcdef";

    if (RAND_bytes(b, sizeof(b)) != 1) {
        out[0] = '\0';
        return -1;
    }

    for (i = 0; i < sizeof(b); i++) {
        out[2 * i] = hex[b[i] >> 4];
        out[2 * i + 1] = hex[b[i] & 0x0f];
    }

    out[LR_TICKET_ATTEMPT] = '\0';

    return 0;
}


size_t
lr_ticket_make(const lr_secrets *s, const char *user, const char *attempt,
    int64_t expiry_s, char *out, size_t cap)
{
    /* 342 + 1 + 32 + 1 + 19 + 1 + 16 + 1 + 43, and the MAC's padding and
     * NUL while it is encoded: 458 at most */
    char                  buf[LR_TICKET_MAX];
    size_t                n, user_len;
    const lr_secret_key  *k;

    if (cap > 0) {
        out[0] = '\0';
    }

    user_len = strlen(user);

    if (s->n == 0 || expiry_s < 0
        || !lr_ticket_is_user((const unsigned char *) user, user_len)
        || !lr_ticket_is_attempt(attempt) || attempt[LR_TICKET_ATTEMPT] != '\0')
    {
        return 0;
    }

    k = &s->key[0];

    n = lr_ticket_b64_encode((const unsigned char *) user, user_len, buf);
    buf[n++] = '.';
    memcpy(buf + n, attempt, LR_TICKET_ATTEMPT);
    n += LR_TICKET_ATTEMPT;
    n += (size_t) snprintf(buf + n, sizeof(buf) - n, ".%" PRId64 ".%s",
                           expiry_s, k->kid);

    if (lr_ticket_mac(k, buf, n, buf + n + 1) != 0) {
        return 0;
    }

    buf[n] = '.';
    n += 1 + LR_TICKET_MAC_B64;

    if (n >= cap) {
        return 0;
    }

    memcpy(out, buf, n);
    out[n] = '\0';

    return n;
}


lr_ticket_status
lr_ticket_verify(const lr_secrets *s, const char *text, size_t len,
    int64_t now_s, char *user, size_t user_cap,
    char attempt[LR_TICKET_ATTEMPT + 1])
{
    int                   user_len;
    char                  mac[LR_TICKET_B64_ROOM(LR_TICKET_MAC_BYTES)];
    size_t                i, n, start, plen[LR_TICKET_PARTS];
    int64_t               expiry;
    const char           *part[LR_TICKET_PARTS];
    unsigned char         raw[LR_USERID_MAX + 2];
    const lr_secret_key  *k;

    if (user_cap > 0) {
        user[0] = '\0';
    }

    attempt[0] = '\0';

    if (len == 0 || len >= LR_TICKET_MAX) {
        return LR_TICKET_MALFORMED;
    }

    /* the form: five parts, none empty, each of its own alphabet */
    n = 0;
    start = 0;

    for (i = 0; i <= len; i++) {
        if (i < len && text[i] != '.') {
            continue;
        }

        if (n == LR_TICKET_PARTS || i == start) {
            return LR_TICKET_MALFORMED;
        }

        part[n] = text + start;
        plen[n] = i - start;
        n++;
        start = i + 1;
    }

    if (n != LR_TICKET_PARTS
        || plen[0] > LR_TICKET_USER_B64 || plen[0] % 4 == 1
        || !lr_ticket_is_b64url(part[0], plen[0])
        || plen[1] != LR_TICKET_ATTEMPT || !lr_ticket_is_attempt(part[1])
        || (expiry = lr_ticket_expiry(part[2], plen[2])) < 0
        || plen[3] > LR_SECRET_KID_MAX || !lr_ticket_is_b64url(part[3], plen[3])
        || plen[4] != LR_TICKET_MAC_B64
        || !lr_ticket_is_b64url(part[4], plen[4]))
    {
        return LR_TICKET_MALFORMED;
    }

    k = lr_secrets_find(s, part[3], plen[3]);
    if (k == NULL) {
        return LR_TICKET_UNKNOWN_KEY;
    }

    /* nothing in the ticket means anything before its MAC is good */
    if (lr_ticket_mac(k, text, (size_t) (part[4] - 1 - text), mac) != 0
        || CRYPTO_memcmp(mac, part[4], LR_TICKET_MAC_B64) != 0)
    {
        return LR_TICKET_BAD_MAC;
    }

    user_len = lr_ticket_b64_decode(part[0], plen[0], raw);

    if (user_len < 0
        || !lr_ticket_is_user(raw, (size_t) user_len)
        || (size_t) user_len >= user_cap)
    {
        return LR_TICKET_MALFORMED;
    }

    if (now_s >= expiry) {
        return LR_TICKET_EXPIRED;
    }

    memcpy(user, raw, (size_t) user_len);
    user[user_len] = '\0';
    memcpy(attempt, part[1], LR_TICKET_ATTEMPT);
    attempt[LR_TICKET_ATTEMPT] = '\0';

    return LR_TICKET_OK;
}


const char *
lr_ticket_status_text(lr_ticket_status st)
{
    switch (st) {
    case LR_TICKET_OK:
        return "ok";
    case LR_TICKET_MALFORMED:
        return "malformed ticket";
    case LR_TICKET_UNKNOWN_KEY:
        return "ticket signed with an unknown key";
    case LR_TICKET_BAD_MAC:
        return "ticket signature does not match";
    case LR_TICKET_EXPIRED:
        return "ticket expired";
    }

    return "unknown";
}
