#ifndef LR_FIELD_H
#define LR_FIELD_H

/*
 * Taking one field out of a login body. The body decides nothing else:
 * what a field means (user id, token) is the caller's business.
 */

#include <stddef.h>

typedef enum {
    LR_FIELD_OK = 0,
    LR_FIELD_MISSING,           /* no such field */
    LR_FIELD_MALFORMED,         /* the body is not valid for its type */
    LR_FIELD_DUPLICATE,         /* the field appears twice: ambiguous */
    LR_FIELD_NOT_STRING,        /* JSON value is an object, array, ... */
    LR_FIELD_TOO_LONG           /* value longer than the output buffer */
} lr_field_status;

/*
 * application/x-www-form-urlencoded. The whole body must be well formed
 * ('%' followed by two hex digits); names are compared after decoding.
 * The decoded value (any bytes) goes to out, NUL-terminated, cap includes
 * the NUL.
 */
lr_field_status lr_form_field(const char *body, size_t len, const char *name,
    char *out, size_t cap, size_t *out_len);

/*
 * application/json. path is a member name or a dotted path of member
 * names ("credentials.login"). A string value is copied as is; an integer
 * is written in decimal (account numbers); duplicate member names anywhere
 * in the document make it malformed, because two parsers could disagree on
 * which one counts.
 */
lr_field_status lr_json_field(const char *body, size_t len, const char *path,
    char *out, size_t cap, size_t *out_len);

const char *lr_field_status_text(lr_field_status status);

#endif
