/*
 * The login body, as the access phase reads it: the user field taken out
 * of a form-urlencoded and of a JSON body (lr_field.h), with the access
 * phase's buffer and with a tiny one, then normalised (lr_userid.h); and
 * the whole input normalised as a user id of its own.
 *
 * Checks: a value is NUL-terminated within its buffer and as long as said,
 * a failure leaves "" and 0, a smaller buffer changes only "too long", and
 * a normalised id is text, lowercase, trimmed and normalised already.
 */

#include "fuzz.h"

#include "lr_field.h"
#include "lr_userid.h"


/* the access phase's buffer (ngx_http_login_risk_access.c) */
#define FUZZ_RAW_MAX    (4 * LR_USERID_MAX + 1)
#define FUZZ_SMALL      8


typedef lr_field_status (*fuzz_field_fn)(const char *body, size_t len,
    const char *name, char *out, size_t cap, size_t *out_len);


static void fuzz_field(fuzz_field_fn fn, int json, const char *body,
    size_t len, const char *name);
static void fuzz_userid(const unsigned char *in, size_t len);


static const char *const  fuzz_names[] = {
    "username", "lr_token", "credentials.login"
};


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t  i;

    for (i = 0; i < FUZZ_NELEMS(fuzz_names); i++) {
        fuzz_field(lr_form_field, 0, (const char *) data, size,
                   fuzz_names[i]);
        fuzz_field(lr_json_field, 1, (const char *) data, size,
                   fuzz_names[i]);
    }

    fuzz_userid(data, size);

    return 0;
}


static void
fuzz_field(fuzz_field_fn fn, int json, const char *body, size_t len,
    const char *name)
{
    char             *out, *small;
    size_t            out_len, small_len;
    lr_field_status   st, small_st;

    out = fuzz_out(FUZZ_RAW_MAX);
    small = fuzz_out(FUZZ_SMALL);
    out_len = 12345;
    small_len = 12345;

    st = fn(body, len, name, out, FUZZ_RAW_MAX, &out_len);
    small_st = fn(body, len, name, small, FUZZ_SMALL, &small_len);

    FUZZ_CHECK(st <= LR_FIELD_TOO_LONG);

    if (st == LR_FIELD_OK) {
        FUZZ_CHECK(out_len < FUZZ_RAW_MAX && out[out_len] == '\0');

        /* jansson refuses \u0000; a form may decode %00 */
        FUZZ_CHECK(!json || strlen(out) == out_len);

    } else {
        FUZZ_CHECK(out_len == 0 && out[0] == '\0');
    }

    /* the buffer decides "too long" and nothing else */
    if (st == LR_FIELD_OK && out_len >= FUZZ_SMALL) {
        FUZZ_CHECK(small_st == LR_FIELD_TOO_LONG);

    } else {
        FUZZ_CHECK(small_st == st);
    }

    if (small_st == LR_FIELD_OK) {
        FUZZ_CHECK(small_len == out_len
                   && memcmp(small, out, out_len + 1) == 0);

    } else {
        FUZZ_CHECK(small_len == 0 && small[0] == '\0');
    }

    if (st == LR_FIELD_OK) {
        fuzz_userid((const unsigned char *) out, out_len);
    }

    free(small);
    free(out);
}


static void
fuzz_userid(const unsigned char *in, size_t len)
{
    char              *copy, *out, *again;
    size_t             i, out_len, again_len;
    lr_userid_status   st;

    copy = fuzz_copy(in, len);
    out = fuzz_out(LR_USERID_MAX + 1);
    again = fuzz_out(LR_USERID_MAX + 1);
    out_len = 12345;

    st = lr_userid_normalize((const unsigned char *) copy, len, out, &out_len);

    FUZZ_CHECK(st <= LR_USERID_CONTROL);

    if (st != LR_USERID_OK) {
        FUZZ_CHECK(out_len == 0 && out[0] == '\0');
        goto done;
    }

    FUZZ_CHECK(out_len > 0 && out_len <= LR_USERID_MAX
               && strlen(out) == out_len);

    /* trimmed, lowercase, no full-width ASCII (EF BC 81 .. EF BD 9E) */
    FUZZ_CHECK(out[0] != ' ' && out[out_len - 1] != ' ');

    for (i = 0; i < out_len; i++) {
        FUZZ_CHECK(!(out[i] >= 'A' && out[i] <= 'Z'));
        FUZZ_CHECK((unsigned char) out[i] >= 0x20 && out[i] != 0x7f);

        if (i + 2 < out_len && (unsigned char) out[i] == 0xef) {
            FUZZ_CHECK(!((unsigned char) out[i + 1] == 0xbc
                         && (unsigned char) out[i + 2] >= 0x81)
                       && !((unsigned char) out[i + 1] == 0xbd
                            && (unsigned char) out[i + 2] <= 0x9e));
        }
    }

    /* a normalised id is its own normal form */
    again_len = 12345;
    FUZZ_CHECK(lr_userid_normalize((const unsigned char *) out, out_len,
                                   again, &again_len)
               == LR_USERID_OK);
    FUZZ_CHECK(again_len == out_len && memcmp(again, out, out_len + 1) == 0);

done:

    free(again);
    free(out);
    free(copy);
}
