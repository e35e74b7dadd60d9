#ifndef LR_SECRET_H
#define LR_SECRET_H

/*
 * The HMAC keys of the module, read from a key file. One key a line:
 *
 *     # comment
 *     KID  SECRET
 *
 * KID is 1..16 characters of [A-Za-z0-9_-]; SECRET is 64..128 hex digits
 * (32..64 bytes), an even number of them. Spaces or tabs separate the two
 * and may surround them; blank lines and lines whose first non-blank
 * character is '#' are ignored; a line may end in CRLF. The first key
 * signs, every key verifies, so a key is rotated by putting the new one
 * first and keeping the old one second until what it signed has expired.
 */

#include <stddef.h>

#define LR_SECRET_KEYS_MAX  8
#define LR_SECRET_KID_MAX   16      /* characters */
#define LR_SECRET_MIN       32      /* bytes */
#define LR_SECRET_MAX       64      /* bytes */

typedef struct {
    char           kid[LR_SECRET_KID_MAX + 1];     /* NUL-terminated */
    unsigned char  key[LR_SECRET_MAX];
    size_t         len;
} lr_secret_key;

typedef struct {
    lr_secret_key  key[LR_SECRET_KEYS_MAX];        /* key[0] signs */
    size_t         n;
} lr_secrets;

/*
 * Parses text[0..len) (no NUL needed) into out. Returns 0, or -1 with a
 * reason such as "line 3: secret shorter than 32 bytes" in err (err may be
 * NULL) and out wiped. A reason never quotes a secret.
 */
int lr_secrets_parse(const char *text, size_t len, lr_secrets *out,
    char *err, size_t err_len);

/* The key named kid[0..kid_len), or NULL. */
const lr_secret_key *lr_secrets_find(const lr_secrets *s, const char *kid,
    size_t kid_len);

/* Overwrites every key (OPENSSL_cleanse) and empties the set. */
void lr_secrets_wipe(lr_secrets *s);

#endif
