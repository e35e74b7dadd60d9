#include "lr_reasons.h"

#include <string.h>


void
lr_reasons_add(lr_reasons *reasons, const char *code)
{
    lr_reasons_add_points(reasons, code, 0);
}


void
lr_reasons_add_points(lr_reasons *reasons, const char *code, int points)
{
    size_t  i;

    for (i = 0; i < reasons->n; i++) {
        /* codes are static strings: the same pointer is the usual match */
        if (reasons->code[i] == code || strcmp(reasons->code[i], code) == 0) {
            reasons->points[i] += points;
            return;
        }
    }

    if (reasons->n < LR_REASONS_MAX) {
        reasons->code[reasons->n] = code;
        reasons->points[reasons->n] = points;
        reasons->n++;
    }
}


size_t
lr_reasons_format(const lr_reasons *reasons, char *buf, size_t cap)
{
    size_t  i, len, o;

    o = 0;

    for (i = 0; i < reasons->n; i++) {
        len = strlen(reasons->code[i]);

        if (o + (i > 0) + len + 1 > cap) {
            /* callers use buf as a string even when the list did not fit */
            if (cap > 0) {
                buf[0] = '\0';
            }
            return 0;
        }

        if (i > 0) {
            buf[o++] = ',';
        }

        memcpy(buf + o, reasons->code[i], len);
        o += len;
    }

    if (o < cap) {
        buf[o] = '\0';
    }

    return o;
}
