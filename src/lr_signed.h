#ifndef LR_SIGNED_H
#define LR_SIGNED_H

/*
 * Signed text, the form shared by the step-up ticket, the collector token
 * and the device cookie:
 *
 *     BODY "." kid "." base64url(HMAC-SHA256(key[kid], BODY "." kid))
 *
 * base64url without padding (RFC 4648, section 5). The body's own form is
 * its user's business (lr_ticket.h, lr_token.h); here it is any text of
 * the cookie-safe characters [A-Za-z0-9._-]. The first key of the set
 * signs; every key verifies, so keys rotate (lr_secret.h).
 */

#include "lr_secret.h"

#include <stddef.h>
#include <stdint.h>

#define LR_SIGNED_MAC_B64   43      /* characters of a SHA-256 MAC */
#define LR_SIGNED_OVERHEAD  (2 + LR_SECRET_KID_MAX + LR_SIGNED_MAC_B64)

typedef enum {
    LR_SIGNED_OK = 0,
    LR_SIGNED_MALFORMED,        /* not BODY.kid.mac of the alphabets */
    LR_SIGNED_UNKNOWN_KEY,      /* kid not in the key set */
    LR_SIGNED_BAD_MAC
} lr_signed_status;

/*
 * Writes body[0..body_len) signed with s->key[0], NUL-terminated, into out
 * (cap bytes). Returns its length, or 0 when the key set is empty, the
 * body is empty or not of the alphabet, or it does not fit.
 */
size_t lr_signed_make(const lr_secrets *s, const char *body, size_t body_len,
    char *out, size_t cap);

/*
 * Checks text[0..len) (no NUL needed): the form, the key, the MAC (in
 * constant time). On LR_SIGNED_OK *body_len is the length of the body,
 * which starts at text.
 */
lr_signed_status lr_signed_verify(const lr_secrets *s, const char *text,
    size_t len, size_t *body_len);

/* Writes 2 * bytes lowercase hex digits of RAND_bytes and a NUL (out holds
 * 2 * bytes + 1, bytes <= 32). Returns 0, or -1 (out "") when the
 * generator fails. */
int lr_signed_random_hex(char *out, size_t bytes);

/* 1 when s[0..n) is n lowercase hex digits. */
int lr_signed_is_hex(const char *s, size_t n);

/* Decimal digits s[0..n) as lr_signed writes them: 1..19 of them, no
 * sign, no leading zero, at most INT64_MAX. Returns the value, or -1. */
int64_t lr_signed_decimal(const char *s, size_t n);

/* base64url without padding of in[0..n) into out, which holds
 * 4 * ((n + 2) / 3) + 1 bytes (the padded form and a NUL are written on
 * the way). Returns the length. */
size_t lr_signed_b64_encode(const unsigned char *in, size_t n, char *out);

/* Decodes base64url in[0..n) into out (n * 3 / 4 + 3 bytes). Returns the
 * length, or -1 unless in is the one encoding lr_signed_b64_encode() gives
 * for those bytes. */
int lr_signed_b64_decode(const char *in, size_t n, unsigned char *out);

#endif
