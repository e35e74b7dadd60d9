#include "lr_userid.h"
#include "lr_utf8.h"

#include <stdint.h>
#include <string.h>


static int
lr_userid_is_space(uint32_t cp)
{
    return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x3000;
}


static int
lr_userid_is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}


lr_userid_status
lr_userid_normalize(const unsigned char *in, size_t len,
    char out[LR_USERID_MAX + 1], size_t *out_len)
{
    size_t             i, n, start, end, o;
    uint32_t           cp;
    lr_userid_status   status;

    *out_len = 0;
    out[0] = '\0';

    /* validate all of it first: trimming must not hide bad bytes */
    start = len;
    end = 0;

    for (i = 0; i < len; i += n) {
        n = lr_utf8_decode(in + i, len - i, &cp);
        if (n == 0) {
            return LR_USERID_BAD_UTF8;
        }

        if (!lr_userid_is_space(cp)) {
            if (start == len) {
                start = i;
            }
            end = i + n;
        }
    }

    if (start == len) {
        return LR_USERID_EMPTY;
    }

    o = 0;
    status = LR_USERID_OK;

    for (i = start; i < end; i += n) {
        n = lr_utf8_decode(in + i, end - i, &cp);

        /* a tab or line break is trimmed at the ends, refused inside */
        if (lr_userid_is_control(cp)) {
            status = LR_USERID_CONTROL;
            break;
        }

        if (cp >= 0xff01 && cp <= 0xff5e) {
            cp -= 0xfee0;
        }

        if (cp >= 'A' && cp <= 'Z') {
            cp += 'a' - 'A';
        }

        if (cp < 0x80) {
            if (o + 1 > LR_USERID_MAX) {
                status = LR_USERID_TOO_LONG;
                break;
            }
            out[o++] = (char) cp;
            continue;
        }

        /* any other character keeps its original bytes */
        if (o + n > LR_USERID_MAX) {
            status = LR_USERID_TOO_LONG;
            break;
        }

        memcpy(out + o, in + i, n);
        o += n;
    }

    /* a refused id must not leave a partial one behind */
    if (status != LR_USERID_OK) {
        out[0] = '\0';
        return status;
    }

    out[o] = '\0';
    *out_len = o;

    return LR_USERID_OK;
}


const char *
lr_userid_status_text(lr_userid_status status)
{
    switch (status) {
    case LR_USERID_OK:
        return "ok";
    case LR_USERID_EMPTY:
        return "empty user id";
    case LR_USERID_TOO_LONG:
        return "user id longer than 256 bytes";
    case LR_USERID_BAD_UTF8:
        return "user id is not valid UTF-8";
    case LR_USERID_CONTROL:
        return "user id contains a control character";
    }

    return "unknown";
}
