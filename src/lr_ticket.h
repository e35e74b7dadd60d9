#ifndef LR_TICKET_H
#define LR_TICKET_H

/*
 * A signed, short-lived ticket that names a user and a login attempt, for
 * the step-up ("challenge") redirect:
 *
 *     base64url(user) "." attempt "." expiry "." kid "." base64url(mac)
 *
 * base64url without padding (RFC 4648, section 5); user is the normalised
 * user id (UTF-8, 1..LR_USERID_MAX bytes, no control character); attempt
 * is 32 lowercase hex digits; expiry is Unix seconds in decimal, no sign,
 * no leading zero; kid names the key; mac is HMAC-SHA256 of everything
 * before the last dot under that key. The longest ticket is 456 bytes.
 */

#include <stddef.h>
#include <stdint.h>

#include "lr_secret.h"
#include "lr_userid.h"

#define LR_TICKET_MAX        512    /* bytes, with the NUL */
#define LR_TICKET_ATTEMPT    32     /* hex digits */

typedef enum {
    LR_TICKET_OK = 0,
    LR_TICKET_MALFORMED,        /* not the form above, or a bad field */
    LR_TICKET_UNKNOWN_KEY,      /* kid not in the key set */
    LR_TICKET_BAD_MAC,
    LR_TICKET_EXPIRED           /* now_s >= expiry, MAC good */
} lr_ticket_status;

/* Writes 32 lowercase hex digits of RAND_bytes and a NUL. Returns 0, or
 * -1 (out "") when the generator fails. */
int lr_ticket_new_attempt(char out[LR_TICKET_ATTEMPT + 1]);

/*
 * Writes the ticket signed with s->key[0], NUL-terminated, into out (cap
 * bytes). Returns its length, or 0 when it does not fit, the key set is
 * empty, or user, attempt or expiry_s (>= 0) would not verify.
 */
size_t lr_ticket_make(const lr_secrets *s, const char *user,
    const char *attempt, int64_t expiry_s, char *out, size_t cap);

/*
 * Verifies text[0..len) (no NUL needed) at now_s. The form is checked,
 * then the MAC, then the fields' meaning, then the expiry: a forged
 * expired ticket is LR_TICKET_BAD_MAC. On LR_TICKET_OK writes the user,
 * NUL-terminated (user_cap >= LR_USERID_MAX + 1 fits any; a user that does
 * not fit is LR_TICKET_MALFORMED), and the attempt; otherwise leaves both
 * "".
 */
lr_ticket_status lr_ticket_verify(const lr_secrets *s, const char *text,
    size_t len, int64_t now_s, char *user, size_t user_cap,
    char attempt[LR_TICKET_ATTEMPT + 1]);

const char *lr_ticket_status_text(lr_ticket_status st);

#endif
