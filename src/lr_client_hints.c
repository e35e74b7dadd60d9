#include "lr_client_hints.h"

#include <string.h>


#define LR_CH_OWS  " \t"


/* "Brand/major", from the header */
typedef struct {
    char    text[LR_CH_BRAND_MAX + 1];
    size_t  len;
} lr_ch_brand;


static int lr_ch_in(const char *text, const char *const *list, size_t n);
static int lr_ch_ua_parse(const char *p, lr_ch_brand *b, size_t *n);
static const char *lr_ch_item(const char *p, lr_ch_brand *b);
static const char *lr_ch_string(const char *p, char *buf, size_t cap,
    size_t *len);
static const char *lr_ch_key(const char *p, int *is_v);


int
lr_ch_ua_matches(const char *value, const char *const *brands, size_t n)
{
    size_t        i, k;
    const char   *text[LR_CH_BRANDS_MAX];
    lr_ch_brand   b[LR_CH_BRANDS_MAX];

    if (lr_ch_ua_parse(value, b, &k) != 0) {
        return 0;
    }

    for (i = 0; i < k; i++) {
        text[i] = b[i].text;

        if (!lr_ch_in(b[i].text, brands, n)) {
            return 0;
        }
    }

    for (i = 0; i < n; i++) {
        if (!lr_ch_in(brands[i], text, k)) {
            return 0;
        }
    }

    return 1;
}


static int
lr_ch_in(const char *text, const char *const *list, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if (strcmp(text, list[i]) == 0) {
            return 1;
        }
    }

    return 0;
}


/* The brands of the list at p into b[], *n of them; -1 when it is not a
 * list of them or holds too many. */
static int
lr_ch_ua_parse(const char *p, lr_ch_brand *b, size_t *n)
{
    *n = 0;
    p += strspn(p, LR_CH_OWS);

    if (*p == '\0') {
        return 0;
    }

    for ( ;; ) {
        if (*n == LR_CH_BRANDS_MAX) {
            return -1;
        }

        p = lr_ch_item(p, &b[*n]);
        if (p == NULL) {
            return -1;
        }

        (*n)++;
        p += strspn(p, LR_CH_OWS);

        if (*p == '\0') {
            return 0;
        }

        if (*p != ',') {
            return -1;
        }

        /* after a trailing comma no item follows: malformed */
        p++;
        p += strspn(p, LR_CH_OWS);
    }
}


/* One brand: sf-string *( ";" *SP key [ "=" value ] ), "v" a string. */
static const char *
lr_ch_item(const char *p, lr_ch_brand *b)
{
    int     is_v, has_v;
    char    brand[LR_CH_BRAND_MAX], major[LR_CH_BRAND_MAX];
    char    other[LR_CH_BRAND_MAX];
    size_t  brand_len, major_len, other_len;

    p = lr_ch_string(p, brand, sizeof(brand), &brand_len);
    if (p == NULL) {
        return NULL;
    }

    has_v = 0;
    major_len = 0;

    while (*p == ';') {
        p++;
        p += strspn(p, " ");

        p = lr_ch_key(p, &is_v);
        if (p == NULL) {
            return NULL;
        }

        if (*p != '=') {
            /* a bare key is boolean true: no version */
            if (is_v) {
                return NULL;
            }
            continue;
        }

        p++;

        if (*p == '"') {
            /* another parameter's string is read past, not kept */
            p = is_v ? lr_ch_string(p, major, sizeof(major), &major_len)
                     : lr_ch_string(p, other, sizeof(other), &other_len);
            if (p == NULL) {
                return NULL;
            }
            has_v |= is_v;
            continue;
        }

        /* another parameter's token, number or byte sequence: skipped;
         * a "v" that is not a string is not Sec-CH-UA */
        if (is_v || *p <= ' ' || *p >= 0x7f || strchr(",;\"", *p) != NULL) {
            return NULL;
        }

        while (*p > ' ' && *p < 0x7f && strchr(",;\"", *p) == NULL) {
            p++;
        }
    }

    if (!has_v || brand_len + 1 + major_len > LR_CH_BRAND_MAX) {
        return NULL;
    }

    memcpy(b->text, brand, brand_len);
    b->text[brand_len] = '/';
    memcpy(b->text + brand_len + 1, major, major_len);
    b->len = brand_len + 1 + major_len;
    b->text[b->len] = '\0';

    return p;
}


/* An RFC 8941 sf-string at p, unescaped into buf (at most cap bytes);
 * returns the byte after it, or NULL when malformed or longer. */
static const char *
lr_ch_string(const char *p, char *buf, size_t cap, size_t *len)
{
    size_t         n;
    unsigned char  c;

    if (*p++ != '"') {
        return NULL;
    }

    for (n = 0; ; n++) {
        c = (unsigned char) *p++;

        if (c == '"') {
            break;
        }

        if (c == '\\') {
            c = (unsigned char) *p++;

            if (c != '"' && c != '\\') {
                return NULL;
            }

        } else if (c < 0x20 || c > 0x7e) {
            return NULL;        /* the NUL at the end too */
        }

        if (n == cap) {
            return NULL;
        }

        buf[n] = (char) c;
    }

    *len = n;

    return p;
}


/* key = ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" ) */
static const char *
lr_ch_key(const char *p, int *is_v)
{
    const char  *start;

    start = p;

    if (!((*p >= 'a' && *p <= 'z') || *p == '*')) {
        return NULL;
    }

    p++;
    p += strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_-.*");

    *is_v = (p - start == 1 && *start == 'v');

    return p;
}
