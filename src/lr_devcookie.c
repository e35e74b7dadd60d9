#include "lr_devcookie.h"

#include <string.h>


size_t
lr_devcookie_make(const lr_secrets *s, char id[LR_DEVCOOKIE_ID + 1],
    char *out, size_t cap)
{
    if (cap > 0) {
        out[0] = '\0';
    }

    if (lr_signed_random_hex(id, LR_DEVCOOKIE_ID / 2) != 0) {
        return 0;
    }

    return lr_signed_make(s, id, LR_DEVCOOKIE_ID, out, cap);
}


int
lr_devcookie_verify(const lr_secrets *s, const char *text, size_t len,
    char id[LR_DEVCOOKIE_ID + 1])
{
    size_t  body_len;

    id[0] = '\0';

    if (len <= LR_DEVCOOKIE_ID || len >= LR_DEVCOOKIE_MAX
        || lr_signed_verify(s, text, len, &body_len) != LR_SIGNED_OK
        || body_len != LR_DEVCOOKIE_ID
        || !lr_signed_is_hex(text, LR_DEVCOOKIE_ID))
    {
        return -1;
    }

    memcpy(id, text, LR_DEVCOOKIE_ID);
    id[LR_DEVCOOKIE_ID] = '\0';

    return 0;
}
