#ifndef LR_TOKEN_H
#define LR_TOKEN_H

/*
 * The collector token: what the collect endpoint answers, and the login
 * carries, to name its telemetry:
 *
 *     id "." expiry "." kid "." base64url(mac)        (lr_signed.h)
 *
 * id is 32 lowercase hex digits of RAND_bytes (the telemetry's key in
 * Redis), expiry Unix seconds in decimal. The token is bound to its
 * browser's User-Agent and used once through the telemetry record, which
 * the login takes from Redis (lr_telemetry.h, ua_hash).
 */

#include "lr_secret.h"
#include "lr_signed.h"

#include <stddef.h>
#include <stdint.h>

#define LR_TOKEN_ID   32        /* hex digits */
#define LR_TOKEN_MAX  (LR_TOKEN_ID + 21 + LR_SIGNED_OVERHEAD + 1)

typedef enum {
    LR_TOKEN_OK = 0,
    LR_TOKEN_MALFORMED,
    LR_TOKEN_UNKNOWN_KEY,
    LR_TOKEN_BAD_MAC,
    LR_TOKEN_EXPIRED            /* MAC good, now_s >= expiry */
} lr_token_status;

/* Writes a new token for a new id (id is written too, NUL-terminated) into
 * out (cap bytes). Returns its length, or 0 (the generator failed, no key,
 * expiry_s < 0, or it does not fit). */
size_t lr_token_make(const lr_secrets *s, int64_t expiry_s,
    char id[LR_TOKEN_ID + 1], char *out, size_t cap);

/* Verifies text[0..len) at now_s; on LR_TOKEN_OK (only) writes its id. */
lr_token_status lr_token_verify(const lr_secrets *s, const char *text,
    size_t len, int64_t now_s, char id[LR_TOKEN_ID + 1]);

#endif
