#ifndef LR_USERID_H
#define LR_USERID_H

/*
 * User id normalisation, the way people type ids on Japanese keyboards:
 * the same account must map to one id whether it was typed in half-width
 * or full-width form, with or without stray spaces.
 *
 *   - trim ASCII white space and U+3000 (ideographic space) at both ends;
 *   - fold full-width ASCII (U+FF01..U+FF5E) to ASCII (U+0021..U+007E);
 *   - lowercase ASCII letters.
 *
 * Invalid UTF-8 (overlong forms, surrogates, > U+10FFFF, truncation) and
 * control characters (C0, DEL, C1) are rejected, never repaired: an id that
 * is not text is not an id.
 */

#include <stddef.h>

#define LR_USERID_MAX  256      /* bytes of the normalised id */

typedef enum {
    LR_USERID_OK = 0,
    LR_USERID_EMPTY,            /* nothing left after trimming */
    LR_USERID_TOO_LONG,         /* more than LR_USERID_MAX bytes */
    LR_USERID_BAD_UTF8,
    LR_USERID_CONTROL           /* a control character inside the id */
} lr_userid_status;

/* Writes the normalised id, NUL-terminated, into out. */
lr_userid_status lr_userid_normalize(const unsigned char *in, size_t len,
    char out[LR_USERID_MAX + 1], size_t *out_len);

const char *lr_userid_status_text(lr_userid_status status);

#endif
