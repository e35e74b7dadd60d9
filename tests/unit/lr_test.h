#ifndef LR_TEST_H
#define LR_TEST_H

/*
 * Helpers shared by the unit tests. Every test_*.c is a program of its own
 * that uses only some of them, so they are static inline: an unused one
 * gives no -Wunused-function, which -Werror would turn into a failure.
 */

/* cmocka.h needs these before it */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lr_field.h"


#define LR_NELEMS(a)  (sizeof(a) / sizeof((a)[0]))


/*
 * Reports a failed row: its bytes, printable ASCII as is and the rest as
 * \xNN (a row may hold NULs, control bytes or invalid UTF-8), cut at about
 * 120 characters.
 */
static inline void
lr_print_failed(const char *what, size_t row, const void *s, size_t len)
{
    char                  buf[120];
    size_t                j, n;
    const unsigned char  *p;

    p = s;
    n = 0;

    for (j = 0; j < len && n < sizeof(buf) - 5; j++) {
        if (p[j] >= 0x20 && p[j] < 0x7f) {
            buf[n++] = (char) p[j];
        } else {
            n += (size_t) snprintf(buf + n, sizeof(buf) - n, "\\x%02x", p[j]);
        }
    }

    buf[n] = '\0';
    print_error("%s %zu failed (len %zu): \"%s%s\"\n", what, row, len, buf,
                j < len ? "..." : "");
}


/*
 * A heap copy of s[0..len) that ends exactly at the end of its block, so
 * a read past len hits ASan's redzone (a literal would not: what follows
 * it is valid memory). The caller frees it.
 */
static inline void *
lr_heap_copy(const void *s, size_t len)
{
    void  *p;

    p = malloc(len > 0 ? len : 1);
    assert_non_null(p);
    memcpy(p, s, len);

    return p;
}


/* --- lr_form_field and lr_json_field: one signature, one set of checks --- */

typedef lr_field_status (*lr_field_fn)(const char *body, size_t len,
    const char *name, char *out, size_t cap, size_t *out_len);


typedef struct {
    const char       *body;
    size_t            len;
    const char       *name;         /* form field name or JSON path */
    size_t            cap;
    lr_field_status   status;
    const char       *want;
    size_t            want_len;
} lr_field_case;

/* Literal rows keep their length, so embedded NULs count. */
#define LR_FIELD_ROW(body, name, cap, st, want) \
    { body, sizeof(body) - 1, name, cap, st, want, sizeof(want) - 1 }


/* Runs fn on a heap copy of body[0..len) (see lr_heap_copy). */
static inline lr_field_status
lr_field_run(lr_field_fn fn, const char *body, size_t len, const char *name,
    char *out, size_t cap, size_t *out_len)
{
    char             *in;
    lr_field_status   st;

    in = lr_heap_copy(body, len);
    st = fn(in, len, name, out, cap, out_len);
    free(in);

    return st;
}


/*
 * Runs fn on row c with an output buffer of exactly c->cap bytes, first
 * filled with 'X'. Checks status, value, terminating NUL, and that a
 * failure leaves "" and 0. label is what the report calls c->name ("name"
 * or "path"); what and row name the row.
 */
static inline void
lr_field_check(lr_field_fn fn, const char *label, const char *what,
    size_t row, const lr_field_case *c)
{
    int               good;
    char             *out;
    size_t            out_len;
    lr_field_status   st;

    out = malloc(c->cap > 0 ? c->cap : 1);
    assert_non_null(out);
    memset(out, 'X', c->cap > 0 ? c->cap : 1);
    out_len = 12345;

    st = lr_field_run(fn, c->body, c->len, c->name, out, c->cap, &out_len);

    if (st == LR_FIELD_OK) {
        good = st == c->status && out_len == c->want_len && out_len < c->cap
               && memcmp(out, c->want, c->want_len) == 0
               && out[out_len] == '\0';
    } else {
        good = st == c->status && out_len == 0
               && (c->cap == 0 || out[0] == '\0');
    }

    if (!good) {
        lr_print_failed(what, row, c->body, c->len);
        print_error("  %s \"%s\" cap %zu: got %d (%s) out_len %zu, "
                    "want %d len %zu\n", label, c->name, c->cap, st,
                    lr_field_status_text(st), out_len, c->status,
                    c->want_len);
    }

    free(out);

    assert_true(good);
}


static inline void
lr_field_check_table(lr_field_fn fn, const char *label,
    const lr_field_case *cases, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        lr_field_check(fn, label, "row", i, &cases[i]);
    }
}


/* cap 0: TOO_LONG, out_len 0, and not even the NUL written. */
static inline void
lr_field_check_cap_zero(lr_field_fn fn, const char *body, size_t len)
{
    char    out[1];
    size_t  out_len;

    out[0] = 'X';
    out_len = 7;

    assert_int_equal(fn(body, len, "username", out, 0, &out_len),
                     LR_FIELD_TOO_LONG);
    assert_int_equal(out_len, 0);
    assert_int_equal(out[0], 'X');
}

#endif
