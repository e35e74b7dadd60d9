#include "lr_field.h"

#include <string.h>


#define LR_FORM_NAME_MAX  256


static int
lr_form_hex(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return -1;
}


/*
 * Decodes s[0..n) ('+' is a space, %XX a byte) into out, writing at most
 * cap bytes. Returns the decoded length, which may exceed cap, or -1 when
 * a '%' is not followed by two hex digits.
 */
static long
lr_form_decode(const char *s, size_t n, char *out, size_t cap)
{
    int     hi, lo;
    char    c;
    size_t  i, o;

    o = 0;

    for (i = 0; i < n; i++) {
        c = s[i];

        if (c == '+') {
            c = ' ';

        } else if (c == '%') {
            if (n - i < 3) {
                return -1;
            }

            hi = lr_form_hex((unsigned char) s[i + 1]);
            lo = lr_form_hex((unsigned char) s[i + 2]);

            if (hi < 0 || lo < 0) {
                return -1;
            }

            c = (char) (hi << 4 | lo);
            i += 2;
        }

        if (o < cap) {
            out[o] = c;
        }
        o++;
    }

    return (long) o;
}


lr_field_status
lr_form_field(const char *body, size_t len, const char *name,
    char *out, size_t cap, size_t *out_len)
{
    long             nlen, vlen;
    char             dname[LR_FORM_NAME_MAX];
    size_t           name_len;
    const char      *p, *end, *amp, *eq;
    lr_field_status  status;

    status = LR_FIELD_MISSING;
    name_len = strlen(name);
    *out_len = 0;

    if (cap == 0) {
        return LR_FIELD_TOO_LONG;
    }

    out[0] = '\0';
    end = body + len;

    /* scan to the end even after a hit: a malformed tail or a second copy
     * of the field must still be seen */

    for (p = body; p < end; p = amp + 1) {
        amp = memchr(p, '&', (size_t) (end - p));
        if (amp == NULL) {
            amp = end;
        }

        eq = memchr(p, '=', (size_t) (amp - p));
        if (eq == NULL) {
            eq = amp;
        }

        nlen = lr_form_decode(p, (size_t) (eq - p), dname, sizeof(dname));
        vlen = (eq < amp) ? lr_form_decode(eq + 1, (size_t) (amp - eq - 1),
                                           NULL, 0)
                          : 0;

        /* break, not return: a value already copied must be wiped */
        if (nlen < 0 || vlen < 0) {
            status = LR_FIELD_MALFORMED;
            break;
        }

        if ((size_t) nlen != name_len || name_len > sizeof(dname)
            || memcmp(dname, name, name_len) != 0)
        {
            continue;
        }

        if (status != LR_FIELD_MISSING) {
            status = LR_FIELD_DUPLICATE;
            continue;
        }

        if ((size_t) vlen >= cap) {
            status = LR_FIELD_TOO_LONG;
            continue;
        }

        if (eq < amp) {
            lr_form_decode(eq + 1, (size_t) (amp - eq - 1), out, cap);
        }

        out[vlen] = '\0';
        *out_len = (size_t) vlen;
        status = LR_FIELD_OK;
    }

    if (status != LR_FIELD_OK) {
        *out_len = 0;
        out[0] = '\0';
    }

    return status;
}
