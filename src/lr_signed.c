#include "lr_signed.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <string.h>


#define LR_SIGNED_MAC_BYTES   32        /* SHA-256 */
#define LR_SIGNED_TEXT_MAX    1024      /* longest signed text handled */
#define LR_SIGNED_DECIMAL_MAX 19        /* digits of INT64_MAX */

/* EVP_EncodeBlock writes the padded form and a NUL */
#define LR_SIGNED_B64_ROOM(n)  (4 * (((n) + 2) / 3) + 1)


/* The base64url alphabet, which is also that of key ids. */
static int
lr_signed_is_b64url(const char *s, size_t n)
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


static int
lr_signed_is_body(const char *s, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if (s[i] != '.' && !lr_signed_is_b64url(s + i, 1)) {
            return 0;
        }
    }

    return 1;
}


int
lr_signed_is_hex(const char *s, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }

    return 1;
}


int64_t
lr_signed_decimal(const char *s, size_t n)
{
    size_t    i;
    uint64_t  v;

    if (n == 0 || n > LR_SIGNED_DECIMAL_MAX || (n > 1 && s[0] == '0')) {
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


size_t
lr_signed_b64_encode(const unsigned char *in, size_t n, char *out)
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


int
lr_signed_b64_decode(const char *in, size_t n, unsigned char *out)
{
    int     m;
    char    b64[LR_SIGNED_TEXT_MAX + 4];
    char    back[LR_SIGNED_B64_ROOM(LR_SIGNED_TEXT_MAX)];
    size_t  i, pad;

    if (n > LR_SIGNED_TEXT_MAX || n % 4 == 1 || !lr_signed_is_b64url(in, n)) {
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
    if (lr_signed_b64_encode(out, (size_t) m, back) != n
        || memcmp(back, in, n) != 0)
    {
        return -1;
    }

    return m;
}


/* base64url of HMAC-SHA256(k, data[0..n)) into out
 * (LR_SIGNED_B64_ROOM(LR_SIGNED_MAC_BYTES) bytes). */
static int
lr_signed_mac(const lr_secret_key *k, const char *data, size_t n, char *out)
{
    unsigned int   md_len;
    unsigned char  md[EVP_MAX_MD_SIZE];

    if (HMAC(EVP_sha256(), k->key, (int) k->len, (const unsigned char *) data,
             n, md, &md_len) == NULL
        || md_len != LR_SIGNED_MAC_BYTES)
    {
        return -1;
    }

    lr_signed_b64_encode(md, md_len, out);

    return 0;
}


size_t
lr_signed_make(const lr_secrets *s, const char *body, size_t body_len,
    char *out, size_t cap)
{
    char                  buf[LR_SIGNED_TEXT_MAX + 2];
    size_t                n, kid_len;
    const lr_secret_key  *k;

    if (cap > 0) {
        out[0] = '\0';
    }

    if (s->n == 0 || body_len == 0 || !lr_signed_is_body(body, body_len)) {
        return 0;
    }

    k = &s->key[0];
    kid_len = strlen(k->kid);

    /* the MAC's padding and NUL are written while it is encoded */
    if (body_len + LR_SIGNED_OVERHEAD + 2 > sizeof(buf)) {
        return 0;
    }

    memcpy(buf, body, body_len);
    n = body_len;
    buf[n++] = '.';
    memcpy(buf + n, k->kid, kid_len);
    n += kid_len;

    if (lr_signed_mac(k, buf, n, buf + n + 1) != 0) {
        return 0;
    }

    buf[n] = '.';
    n += 1 + LR_SIGNED_MAC_B64;

    if (n >= cap) {
        return 0;
    }

    memcpy(out, buf, n);
    out[n] = '\0';

    return n;
}


lr_signed_status
lr_signed_verify(const lr_secrets *s, const char *text, size_t len,
    size_t *body_len)
{
    char                  mac[LR_SIGNED_B64_ROOM(LR_SIGNED_MAC_BYTES)];
    size_t                mac_at, kid_at;
    const lr_secret_key  *k;

    *body_len = 0;

    if (len > LR_SIGNED_TEXT_MAX || len < LR_SIGNED_MAC_B64 + 4) {
        return LR_SIGNED_MALFORMED;
    }

    /* from the end: the MAC, the kid, then the body */
    mac_at = len - LR_SIGNED_MAC_B64;

    if (text[mac_at - 1] != '.'
        || !lr_signed_is_b64url(text + mac_at, LR_SIGNED_MAC_B64))
    {
        return LR_SIGNED_MALFORMED;
    }

    kid_at = mac_at - 1;

    while (kid_at > 0 && text[kid_at - 1] != '.') {
        kid_at--;
    }

    if (kid_at < 2 || kid_at == mac_at - 1
        || mac_at - 1 - kid_at > LR_SECRET_KID_MAX
        || !lr_signed_is_b64url(text + kid_at, mac_at - 1 - kid_at)
        || !lr_signed_is_body(text, kid_at - 1))
    {
        return LR_SIGNED_MALFORMED;
    }

    k = lr_secrets_find(s, text + kid_at, mac_at - 1 - kid_at);
    if (k == NULL) {
        return LR_SIGNED_UNKNOWN_KEY;
    }

    if (lr_signed_mac(k, text, mac_at - 1, mac) != 0
        || CRYPTO_memcmp(mac, text + mac_at, LR_SIGNED_MAC_B64) != 0)
    {
        return LR_SIGNED_BAD_MAC;
    }

    *body_len = kid_at - 1;

    return LR_SIGNED_OK;
}


int
lr_signed_random_hex(char *out, size_t bytes)
{
    size_t         i;
    unsigned char  b[32];

    static const char  hex[] = "0123456789abcdef";

    if (bytes > sizeof(b) || RAND_bytes(b, (int) bytes) != 1) {
        out[0] = '\0';
        return -1;
    }

    for (i = 0; i < bytes; i++) {
        out[2 * i] = hex[b[i] >> 4];
        out[2 * i + 1] = hex[b[i] & 0x0f];
    }

    out[2 * bytes] = '\0';

    return 0;
}
