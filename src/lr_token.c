#include "lr_token.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>


size_t
lr_token_make(const lr_secrets *s, int64_t expiry_s, char id[LR_TOKEN_ID + 1],
    char *out, size_t cap)
{
    char    body[LR_TOKEN_ID + 24];
    size_t  n;

    if (cap > 0) {
        out[0] = '\0';
    }

    if (expiry_s < 0 || lr_signed_random_hex(id, LR_TOKEN_ID / 2) != 0) {
        return 0;
    }

    n = (size_t) snprintf(body, sizeof(body), "%s.%" PRId64, id, expiry_s);

    return lr_signed_make(s, body, n, out, cap);
}


lr_token_status
lr_token_verify(const lr_secrets *s, const char *text, size_t len,
    int64_t now_s, char id[LR_TOKEN_ID + 1])
{
    size_t   body_len;
    int64_t  expiry;

    id[0] = '\0';

    /* id "." expiry, then the signature's part */
    if (len <= LR_TOKEN_ID + 1 || len >= LR_TOKEN_MAX
        || !lr_signed_is_hex(text, LR_TOKEN_ID) || text[LR_TOKEN_ID] != '.')
    {
        return LR_TOKEN_MALFORMED;
    }

    switch (lr_signed_verify(s, text, len, &body_len)) {
    case LR_SIGNED_OK:
        break;
    case LR_SIGNED_UNKNOWN_KEY:
        return LR_TOKEN_UNKNOWN_KEY;
    case LR_SIGNED_BAD_MAC:
        return LR_TOKEN_BAD_MAC;
    default:
        return LR_TOKEN_MALFORMED;
    }

    expiry = body_len > LR_TOKEN_ID + 1
             ? lr_signed_decimal(text + LR_TOKEN_ID + 1,
                                 body_len - LR_TOKEN_ID - 1)
             : -1;

    if (expiry < 0) {
        return LR_TOKEN_MALFORMED;
    }

    if (now_s >= expiry) {
        return LR_TOKEN_EXPIRED;
    }

    memcpy(id, text, LR_TOKEN_ID);
    id[LR_TOKEN_ID] = '\0';

    return LR_TOKEN_OK;
}
