#include "lr_secret.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>


static int
lr_secret_is_blank(unsigned char c)
{
    return c == ' ' || c == '\t';
}


static int
lr_secret_is_kid_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9') || c == '_' || c == '-';
}


static int
lr_secret_hex(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }

    return -1;
}


/* Wipes out and writes "line N: what" (or what alone for line 0). */
static int
lr_secret_fail(lr_secrets *out, char *err, size_t err_len, size_t line,
    const char *what)
{
    lr_secrets_wipe(out);

    if (err != NULL && err_len > 0) {
        if (line > 0) {
            snprintf(err, err_len, "line %zu: %s", line, what);

        } else {
            snprintf(err, err_len, "%s", what);
        }
    }

    return -1;
}


/*
 * One key line, p[0..n) from its first non-blank character, without the
 * line end, into k. Returns NULL, or what is wrong (never the secret).
 */
static const char *
lr_secret_line(const unsigned char *p, size_t n, lr_secret_key *k)
{
    size_t  i, j, kid_len, hex, hex_len;

    for (i = 0; i < n && !lr_secret_is_blank(p[i]); i++) {
        if (!lr_secret_is_kid_char(p[i])) {
            return "key id may hold only A-Z a-z 0-9 _ -";
        }
    }

    kid_len = i;

    if (kid_len > LR_SECRET_KID_MAX) {
        return "key id longer than 16 characters";
    }

    while (i < n && lr_secret_is_blank(p[i])) {
        i++;
    }

    if (i == n) {
        return "no secret after the key id";
    }

    hex = i;

    while (i < n && !lr_secret_is_blank(p[i])) {
        if (lr_secret_hex(p[i]) < 0) {
            return "secret is not hex";
        }
        i++;
    }

    hex_len = i - hex;

    while (i < n && lr_secret_is_blank(p[i])) {
        i++;
    }

    if (i < n) {
        return "text after the secret";
    }

    if (hex_len % 2 != 0) {
        return "secret has an odd number of hex digits";
    }

    if (hex_len < 2 * LR_SECRET_MIN) {
        return "secret shorter than 32 bytes";
    }

    if (hex_len > 2 * LR_SECRET_MAX) {
        return "secret longer than 64 bytes";
    }

    memcpy(k->kid, p, kid_len);
    k->kid[kid_len] = '\0';

    for (j = 0; j < hex_len / 2; j++) {
        k->key[j] = (unsigned char) (lr_secret_hex(p[hex + 2 * j]) << 4
                                     | lr_secret_hex(p[hex + 2 * j + 1]));
    }

    k->len = hex_len / 2;

    return NULL;
}


int
lr_secrets_parse(const char *text, size_t len, lr_secrets *out,
    char *err, size_t err_len)
{
    char                  msg[32];
    size_t                i, end, n, line;
    const char           *what;
    lr_secret_key        *k;
    const unsigned char  *p;

    lr_secrets_wipe(out);

    if (err != NULL && err_len > 0) {
        err[0] = '\0';
    }

    p = (const unsigned char *) text;
    line = 0;

    for (i = 0; i < len; i = end + 1) {
        line++;

        for (end = i; end < len && p[end] != '\n'; end++) {
            /* void */
        }

        n = end;

        if (n > i && p[n - 1] == '\r') {
            n--;
        }

        while (i < n && lr_secret_is_blank(p[i])) {
            i++;
        }

        if (i == n || p[i] == '#') {
            continue;
        }

        if (out->n == LR_SECRET_KEYS_MAX) {
            snprintf(msg, sizeof(msg), "more than %d keys",
                     LR_SECRET_KEYS_MAX);
            return lr_secret_fail(out, err, err_len, line, msg);
        }

        k = &out->key[out->n];

        what = lr_secret_line(p + i, n - i, k);
        if (what != NULL) {
            return lr_secret_fail(out, err, err_len, line, what);
        }

        if (lr_secrets_find(out, k->kid, strlen(k->kid)) != NULL) {
            return lr_secret_fail(out, err, err_len, line,
                                  "duplicate key id");
        }

        out->n++;
    }

    if (out->n == 0) {
        return lr_secret_fail(out, err, err_len, 0, "no key in the key file");
    }

    return 0;
}


const lr_secret_key *
lr_secrets_find(const lr_secrets *s, const char *kid, size_t kid_len)
{
    size_t  i;

    if (kid_len == 0 || kid_len > LR_SECRET_KID_MAX) {
        return NULL;
    }

    for (i = 0; i < s->n; i++) {
        if (strlen(s->key[i].kid) == kid_len
            && memcmp(s->key[i].kid, kid, kid_len) == 0)
        {
            return &s->key[i];
        }
    }

    return NULL;
}


void
lr_secrets_wipe(lr_secrets *s)
{
    OPENSSL_cleanse(s, sizeof(*s));
    s->n = 0;
}
