#include "lr_locale.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>


#define LR_LOCALE_NELTS(a)  (sizeof(a) / sizeof((a)[0]))


/* The row types of the generated tables. */
typedef struct {
    const char  *name;          /* IANA zone or link name */
    const char  *countries;     /* "CH DE LI": sorted, space-separated */
} lr_locale_zone;

typedef struct {
    char         country[3];    /* "CH" */
    const char  *languages;     /* "de fr it wae": sorted, space-separated */
} lr_locale_country;

/* A deprecated language code that browsers still send, and the code glibc
 * uses for that language (old Android and Java send "iw" and "in"). */
typedef struct {
    char  old[3];
    char  code[3];
} lr_locale_alias;


#include "lr_locale_data.h"


static int lr_locale_country_code(const char *s, char cc[3]);
static int lr_locale_in_list(const char *list, const char *word, size_t n);
static int lr_locale_next(const char **list, char code[4]);
static int lr_locale_entry(const char *p, const char *end, char code[4]);
static int lr_locale_weight(const char *p, const char *end);
static const char *lr_locale_ows(const char *p, const char *end);
static int lr_locale_is_alpha(char c);
static int lr_locale_is_tag_char(char c);
static int lr_locale_cmp_zone(const void *key, const void *elt);
static uint32_t lr_locale_pack(const void *code, size_t width);
static const void *lr_locale_find(const void *base, size_t n, size_t size,
    size_t width, const void *code);


static const lr_locale_alias  lr_locale_aliases[] = {
    { "in", "id" },
    { "iw", "he" },
    { "ji", "yi" },
    { "mo", "ro" },
    { "no", "nb" },             /* Norwegian: glibc has nb_NO and nn_NO */
};


int
lr_tz_fits_country(const char *tz, const char *country)
{
    const lr_locale_zone  *zone;
    char                   cc[3];

    if (tz == NULL || *tz == '\0' || lr_locale_country_code(country, cc) != 0) {
        return -1;
    }

    /* UTC, Etc/... and non-place names are not in the table: no place */
    zone = bsearch(tz, lr_locale_zones, LR_LOCALE_NELTS(lr_locale_zones),
                   sizeof(lr_locale_zones[0]), lr_locale_cmp_zone);
    if (zone == NULL) {
        return -1;
    }

    /* No zone names a country such as "XK" or "EU": nothing to compare */
    if (lr_locale_find(lr_locale_zone_countries,
                       LR_LOCALE_NELTS(lr_locale_zone_countries),
                       sizeof(lr_locale_zone_countries[0]), 2, cc)
        == NULL)
    {
        return -1;
    }

    return lr_locale_in_list(zone->countries, cc, 2);
}


int
lr_lang_fits_country(const char *languages, const char *country)
{
    const lr_locale_country  *row;
    const char               *p;
    char                      cc[3], code[LR_LANG_CODE_SIZE];
    int                       fits, informative;

    if (languages == NULL || lr_locale_country_code(country, cc) != 0) {
        return -1;
    }

    row = lr_locale_find(lr_locale_countries,
                         LR_LOCALE_NELTS(lr_locale_countries),
                         sizeof(lr_locale_countries[0]), 2, cc);
    if (row == NULL) {
        return -1;
    }

    fits = 0;
    informative = 0;

    for (p = languages; lr_locale_next(&p, code); /* void */) {
        /* A language no country has (eo, la) tells nothing about place */
        if (lr_locale_find(lr_locale_languages,
                           LR_LOCALE_NELTS(lr_locale_languages),
                           sizeof(lr_locale_languages[0]), 4, code)
            == NULL)
        {
            continue;
        }

        /* English is every browser's default: it may fit, never accuse */
        if (code[0] != 'e' || code[1] != 'n' || code[2] != '\0') {
            informative = 1;
        }

        if (lr_locale_in_list(row->languages, code, strlen(code))) {
            fits = 1;
        }

        /* the answer cannot change any more */
        if (fits && informative) {
            return 1;
        }
    }

    return informative ? fits : -1;
}


int
lr_lang_first(const char *languages, char code[LR_LANG_CODE_SIZE])
{
    const char  *p;

    code[0] = '\0';
    p = languages;

    return p != NULL && lr_locale_next(&p, code);
}


void
lr_locale_table_info(lr_locale_info *out)
{
    out->zones = LR_LOCALE_NELTS(lr_locale_zones);
    out->zone_countries = LR_LOCALE_NELTS(lr_locale_zone_countries);
    out->lang_countries = LR_LOCALE_NELTS(lr_locale_countries);
    out->languages = LR_LOCALE_NELTS(lr_locale_languages);
    out->tzdata = LR_LOCALE_TZDATA;
}


/* Exactly two ASCII letters, upper-cased into cc. */
static int
lr_locale_country_code(const char *s, char cc[3])
{
    size_t  i;

    if (s == NULL) {
        return -1;
    }

    for (i = 0; i < 2; i++) {
        if (!lr_locale_is_alpha(s[i])) {
            return -1;
        }
        cc[i] = (char) (s[i] & ~0x20);
    }

    if (s[2] != '\0') {
        return -1;
    }

    cc[2] = '\0';
    return 0;
}


/* Is the n-byte word one of the space-separated words of list? */
static int
lr_locale_in_list(const char *list, const char *word, size_t n)
{
    size_t       i;
    const char  *p;

    for (p = list; *p != '\0'; /* void */) {
        for (i = 0; i < n && p[i] == word[i]; i++) {
            /* void */
        }

        if (i == n && (p[n] == ' ' || p[n] == '\0')) {
            return 1;
        }

        while (*p != ' ' && *p != '\0') {
            p++;
        }

        if (*p == ' ') {
            p++;
        }
    }

    return 0;
}


/* The next usable entry of the list at *list: its code, and *list past
 * it; 0 at the end of the list. */
static int
lr_locale_next(const char **list, char code[4])
{
    const char  *p, *end;

    for (p = *list; *p != '\0'; p = (*end == ',') ? end + 1 : end) {
        end = p + strcspn(p, ",");

        if (lr_locale_entry(p, end, code)) {
            *list = (*end == ',') ? end + 1 : end;
            return 1;
        }
    }

    *list = p;
    return 0;
}


/*
 * One element of the list, [p, end): OWS tag OWS *( ";" OWS name "=" value
 * OWS ). On a usable language writes its primary subtag, lower-cased and
 * de-aliased, to code and returns 1. Returns 0 for "*", q=0, a malformed
 * tag or weight, or a primary subtag that is not 2-3 letters ("x-...",
 * "i-klingon").
 */
static int
lr_locale_entry(const char *p, const char *end, char code[4])
{
    const char  *tag, *tag_end, *name, *val;
    size_t       n, i;

    p = lr_locale_ows(p, end);
    tag = p;
    while (p < end && lr_locale_is_tag_char(*p)) {
        p++;
    }
    tag_end = p;
    p = lr_locale_ows(p, end);

    /* "*" stops the tag here and is rejected as junk, like any other */
    while (p < end) {
        if (*p != ';') {
            return 0;
        }

        p = lr_locale_ows(p + 1, end);
        name = p;
        while (p < end && *p != '=' && *p != ';' && *p != ' ' && *p != '\t') {
            p++;
        }
        n = (size_t) (p - name);

        p = lr_locale_ows(p, end);
        if (p == end || *p != '=') {
            return 0;
        }

        p = lr_locale_ows(p + 1, end);
        val = p;
        while (p < end && *p != ';' && *p != ' ' && *p != '\t') {
            p++;
        }

        /* q=0 means "not this language"; a weight we cannot read, too */
        if (n == 1 && (*name == 'q' || *name == 'Q')
            && lr_locale_weight(val, p) != 1)
        {
            return 0;
        }

        p = lr_locale_ows(p, end);
    }

    for (n = 0; tag + n < tag_end && lr_locale_is_alpha(tag[n]); n++) {
        /* void */
    }

    if (n < 2 || n > 3
        || (tag + n < tag_end && tag[n] != '-' && tag[n] != '_'))
    {
        return 0;
    }

    /* NUL-padded to 4 bytes: the tables are compared 4 bytes at a time */
    memset(code, 0, 4);

    for (i = 0; i < n; i++) {
        code[i] = (char) (tag[i] | 0x20);
    }

    for (i = 0; n == 2 && i < LR_LOCALE_NELTS(lr_locale_aliases); i++) {
        if (code[0] == lr_locale_aliases[i].old[0]
            && code[1] == lr_locale_aliases[i].old[1])
        {
            memcpy(code, lr_locale_aliases[i].code, 3);
            break;
        }
    }

    return 1;
}


/*
 * RFC 9110 qvalue: "0" [ "." 0*3DIGIT ] / "1" [ "." 0*3("0") ].
 * Returns 1 for a positive weight, 0 for zero, -1 when malformed.
 */
static int
lr_locale_weight(const char *p, const char *end)
{
    char    lead;
    size_t  n;
    int     nonzero;

    if (p == end || (*p != '0' && *p != '1')) {
        return -1;
    }

    lead = *p++;
    nonzero = 0;

    if (p < end) {
        if (*p++ != '.') {
            return -1;
        }

        for (n = 0; p < end; p++, n++) {
            if (n == 3 || *p < '0' || *p > '9') {
                return -1;
            }
            if (*p != '0') {
                nonzero = 1;
            }
        }
    }

    if (lead == '1') {
        return nonzero ? -1 : 1;
    }

    return nonzero;
}


static const char *
lr_locale_ows(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t')) {
        p++;
    }

    return p;
}


static int
lr_locale_is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}


static int
lr_locale_is_tag_char(char c)
{
    return lr_locale_is_alpha(c) || (c >= '0' && c <= '9')
           || c == '-' || c == '_';
}


static int
lr_locale_cmp_zone(const void *key, const void *elt)
{
    return strcmp(key, ((const lr_locale_zone *) elt)->name);
}


/*
 * Country codes (2 letters) and language codes (NUL-padded to 4 bytes)
 * packed into integers: a binary search on them costs no call per step.
 * base points to rows of size bytes that start with the code.
 */

static uint32_t
lr_locale_pack(const void *code, size_t width)
{
    const unsigned char  *p = code;

    return width == 2 ? (uint32_t) p[0] << 8 | p[1]
                      : (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16
                        | (uint32_t) p[2] << 8 | p[3];
}


static const void *
lr_locale_find(const void *base, size_t n, size_t size, size_t width,
    const void *code)
{
    size_t                lo, hi, mid;
    uint32_t              key, v;
    const unsigned char  *row;

    key = lr_locale_pack(code, width);
    lo = 0;
    hi = n;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        row = (const unsigned char *) base + mid * size;
        v = lr_locale_pack(row, width);

        if (v == key) {
            return row;
        }

        if (v < key) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    return NULL;
}
