#include "lr_ticket.h"
#include "lr_utf8.h"

#include "lr_signed.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>


#define LR_TICKET_PARTS       5
#define LR_TICKET_USER_B64    ((LR_USERID_MAX * 4 + 2) / 3)     /* 342 */


/* Exactly 32 lowercase hex digits; s may be shorter, but NUL-terminated
 * then (the NUL stops the loop). */
static int
lr_ticket_is_attempt(const char *s)
{
    size_t  n;

    n = strnlen(s, LR_TICKET_ATTEMPT);

    return n == LR_TICKET_ATTEMPT && lr_signed_is_hex(s, n);
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


int
lr_ticket_new_attempt(char out[LR_TICKET_ATTEMPT + 1])
{
    return lr_signed_random_hex(out, LR_TICKET_ATTEMPT / 2);
}


size_t
lr_ticket_make(const lr_secrets *s, const char *user, const char *attempt,
    int64_t expiry_s, char *out, size_t cap)
{
    /* 342 + 1 + 32 + 1 + 19, and the padding and NUL of the encoding */
    char    body[LR_TICKET_USER_B64 + LR_TICKET_ATTEMPT + 32];
    size_t  n, user_len;

    if (cap > 0) {
        out[0] = '\0';
    }

    user_len = strlen(user);

    if (expiry_s < 0
        || !lr_ticket_is_user((const unsigned char *) user, user_len)
        || !lr_ticket_is_attempt(attempt) || attempt[LR_TICKET_ATTEMPT] != '\0')
    {
        return 0;
    }

    n = lr_signed_b64_encode((const unsigned char *) user, user_len, body);
    n += (size_t) snprintf(body + n, sizeof(body) - n, ".%s.%" PRId64,
                           attempt, expiry_s);

    return lr_signed_make(s, body, n, out, cap);
}


lr_ticket_status
lr_ticket_verify(const lr_secrets *s, const char *text, size_t len,
    int64_t now_s, char *user, size_t user_cap,
    char attempt[LR_TICKET_ATTEMPT + 1])
{
    int                user_len;
    size_t             i, n, start, body_len, plen[LR_TICKET_PARTS];
    int64_t            expiry;
    const char        *part[LR_TICKET_PARTS];
    unsigned char      raw[LR_TICKET_USER_B64 + 3];
    lr_signed_status   st;

    if (user_cap > 0) {
        user[0] = '\0';
    }

    attempt[0] = '\0';

    if (len == 0 || len >= LR_TICKET_MAX) {
        return LR_TICKET_MALFORMED;
    }

    /* the form first: five parts, none empty, each of its own alphabet */
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
        || plen[1] != LR_TICKET_ATTEMPT || !lr_signed_is_hex(part[1], plen[1])
        || (expiry = lr_signed_decimal(part[2], plen[2])) < 0)
    {
        return LR_TICKET_MALFORMED;
    }

    /* nothing in the ticket means anything before its MAC is good */
    st = lr_signed_verify(s, text, len, &body_len);

    switch (st) {
    case LR_SIGNED_OK:
        break;
    case LR_SIGNED_UNKNOWN_KEY:
        return LR_TICKET_UNKNOWN_KEY;
    case LR_SIGNED_BAD_MAC:
        return LR_TICKET_BAD_MAC;
    default:
        return LR_TICKET_MALFORMED;
    }

    user_len = lr_signed_b64_decode(part[0], plen[0], raw);

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
