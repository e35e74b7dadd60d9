#include "lr_field.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>


#define LR_JSON_MEMBER_MAX  128


static json_t *
lr_json_walk(json_t *node, const char *path)
{
    char        member[LR_JSON_MEMBER_MAX + 1];
    size_t      n;
    const char *dot;

    while (node != NULL) {
        if (!json_is_object(node)) {
            return NULL;
        }

        dot = strchr(path, '.');
        n = dot ? (size_t) (dot - path) : strlen(path);

        if (n == 0 || n > LR_JSON_MEMBER_MAX) {
            return NULL;
        }

        memcpy(member, path, n);
        member[n] = '\0';
        node = json_object_get(node, member);

        if (dot == NULL) {
            return node;
        }

        path = dot + 1;
    }

    return NULL;
}


lr_field_status
lr_json_field(const char *body, size_t len, const char *path,
    char *out, size_t cap, size_t *out_len)
{
    int              n;
    json_t          *root, *value;
    size_t           vlen;
    json_error_t     error;
    lr_field_status  status;

    *out_len = 0;

    if (cap == 0) {
        return LR_FIELD_TOO_LONG;
    }

    out[0] = '\0';

    root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &error);
    if (root == NULL) {
        return LR_FIELD_MALFORMED;
    }

    value = lr_json_walk(root, path);

    if (value == NULL) {
        status = LR_FIELD_MISSING;

    } else if (json_is_string(value)) {
        vlen = json_string_length(value);

        if (vlen >= cap) {
            status = LR_FIELD_TOO_LONG;

        } else {
            memcpy(out, json_string_value(value), vlen);
            out[vlen] = '\0';
            *out_len = vlen;
            status = LR_FIELD_OK;
        }

    } else if (json_is_integer(value)) {
        n = snprintf(out, cap, "%" JSON_INTEGER_FORMAT,
                     json_integer_value(value));

        if (n < 0 || (size_t) n >= cap) {
            out[0] = '\0';
            status = LR_FIELD_TOO_LONG;

        } else {
            *out_len = (size_t) n;
            status = LR_FIELD_OK;
        }

    } else {
        status = LR_FIELD_NOT_STRING;
    }

    json_decref(root);

    return status;
}
