#include "lr_telemetry.h"

#include "lr_client_hints.h"
#include "lr_devattr.h"
#include "lr_features.h"
#include "lr_locale.h"
#include "lr_ua.h"
#include "lr_utf8.h"

#include <ctype.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>


/*
 * When the operation of the form looks scripted (lr_telemetry.scripted);
 * js-collector/TELEMETRY.md, "How the module reads it", says the same.
 */
#define LR_TELEMETRY_FAST_KEYS       4    /* fewer keys: too few to time */
#define LR_TELEMETRY_FAST_HOLD_MS    20   /* no finger holds a key shorter */
#define LR_TELEMETRY_FAST_FLIGHT_MS  30   /* nor reaches the next key sooner */
#define LR_TELEMETRY_FAST_KEY_MS     30   /* a whole form at < 30 ms a key */
#define LR_TELEMETRY_UNIFORM_KEYS    8    /* fewer keys: a narrow spread is
                                             chance */
#define LR_TELEMETRY_UNIFORM_MS      10   /* p10..p90 this narrow: a timer
                                             (timings come in 4 ms steps) */
#define LR_TELEMETRY_STRAIGHT_MOVES  10   /* fewer moves are straight by
                                             chance */
#define LR_TELEMETRY_STRAIGHT_MIN    990  /* per mille: a ruler line */
#define LR_TELEMETRY_SPEEDVAR_MAX    100  /* per mille: a constant speed */


#define LR_TELEMETRY_VERSION     1        /* "v" */

/* the User-Agent hash is a binding of its own: no feature hash's seed */
#define LR_TELEMETRY_UA_SEED     0x746c6d7561ull   /* "tlmua" */

/* gl: two strings of at most 128 characters, 4 bytes each, a '\n', NUL */
#define LR_TELEMETRY_GL_TEXT     (2 * 4 * 128 + 2)


/* what a schema field is (js-collector/TELEMETRY.md) */
typedef enum {
    LR_TELEMETRY_INT = 0,       /* integer in 0..max */
    LR_TELEMETRY_NUMBER,        /* number in 0..max */
    LR_TELEMETRY_BOOL,
    LR_TELEMETRY_STRING,        /* at most len characters */
    LR_TELEMETRY_HEX8,          /* exactly 8 hex digits */
    LR_TELEMETRY_INTS,          /* exactly count integers in 0..max */
    LR_TELEMETRY_STRINGS,       /* exactly count strings, each <= len */
    LR_TELEMETRY_LIST,          /* at most count strings, each <= len */
    LR_TELEMETRY_OBJECT         /* its members */
} lr_telemetry_type;

typedef struct lr_telemetry_field_s  lr_telemetry_field;

struct lr_telemetry_field_s {
    const char                *name;
    lr_telemetry_type          type;
    json_int_t                 max;
    size_t                     count;
    size_t                     len;
    const char                *chars;    /* characters allowed, NULL: any */
    const char *const         *words;    /* strings allowed, NULL: any */
    const lr_telemetry_field  *members;  /* ended by a NULL name */
    const char                *want;     /* the error message */
};


static int lr_telemetry_read(json_t *root, const lr_telemetry_headers *h,
    lr_telemetry *out, char *err, size_t err_len);
static int lr_telemetry_fail(char *err, size_t err_len, const char *parent,
    const char *name, const char *what);
static int lr_telemetry_check(json_t *obj, const lr_telemetry_field *fields,
    const char *parent, char *err, size_t err_len);
static int lr_telemetry_valid(json_t *v, const lr_telemetry_field *f);
static int lr_telemetry_int_ok(json_t *v, json_int_t max);
static int lr_telemetry_string_ok(json_t *v, const lr_telemetry_field *f);
static int lr_telemetry_hex8_ok(json_t *v);
static json_int_t lr_telemetry_int(json_t *obj, const char *name);
static const char *lr_telemetry_str(json_t *obj, const char *name);
static int lr_telemetry_triple(json_t *obj, const char *name,
    json_int_t p[3]);
static uint32_t lr_telemetry_u32(json_int_t v);
static void lr_telemetry_ua(const char *s, lr_ua *ua);
static int lr_telemetry_headless(const char *s);
static unsigned lr_telemetry_automation(json_t *root,
    const lr_telemetry_headers *h);
static unsigned lr_telemetry_scripted(json_t *beh);
static int lr_telemetry_paste_password(json_t *beh);
static unsigned lr_telemetry_mismatch(json_t *root,
    const lr_telemetry_headers *h);
static int lr_telemetry_brands_match(json_t *brands, const char *header);
static int lr_telemetry_lang_differs(const char *lang, const char *header);
static uint32_t lr_telemetry_device(json_t *root);
static unsigned lr_telemetry_hex_cell(const char *hex);
static void lr_telemetry_timezone(const char *tz, char *out);
static void lr_telemetry_languages(json_t *langs, char *out);


#define LR_T_COUNT(name)                                                      \
    { name, LR_TELEMETRY_INT, LLONG_MAX, 0, 0, NULL, NULL, NULL,              \
      "not a non-negative integer" }
#define LR_T_INT(name, max)                                                   \
    { name, LR_TELEMETRY_INT, max, 0, 0, NULL, NULL, NULL,                    \
      "not an integer in 0.." #max }
#define LR_T_NUMBER(name, max)                                                \
    { name, LR_TELEMETRY_NUMBER, max, 0, 0, NULL, NULL, NULL,                 \
      "not a number in 0.." #max }
#define LR_T_BOOL(name)                                                       \
    { name, LR_TELEMETRY_BOOL, 0, 0, 0, NULL, NULL, NULL, "not a boolean" }
#define LR_T_STRING(name, len)                                                \
    { name, LR_TELEMETRY_STRING, 0, 0, len, NULL, NULL, NULL,                 \
      "not a string of at most " #len " characters" }
#define LR_T_HEX8(name)                                                       \
    { name, LR_TELEMETRY_HEX8, 0, 0, 0, NULL, NULL, NULL,                     \
      "not a string of 8 hex digits" }
#define LR_T_PAIR(name, max)                                                  \
    { name, LR_TELEMETRY_INTS, max, 2, 0, NULL, NULL, NULL,                   \
      "not an array of 2 integers in 0.." #max }
#define LR_T_TRIPLE(name)                                                     \
    { name, LR_TELEMETRY_INTS, LLONG_MAX, 3, 0, NULL, NULL, NULL,             \
      "not an array of 3 non-negative integers" }
#define LR_T_LIST(name, count, len)                                           \
    { name, LR_TELEMETRY_LIST, 0, count, len, NULL, NULL, NULL,               \
      "not an array of at most " #count " strings of at most " #len           \
      " characters" }
#define LR_T_OBJECT(name, members)                                            \
    { name, LR_TELEMETRY_OBJECT, 0, 0, 0, NULL, NULL, members,                \
      "not an object" }
#define LR_T_END                                                              \
    { NULL, LR_TELEMETRY_INT, 0, 0, 0, NULL, NULL, NULL, NULL }


static const lr_telemetry_headers  lr_telemetry_no_headers;

static const char *const  lr_telemetry_paste_kinds[] = {
    "user", "password", "other", NULL
};

static const char *const  lr_telemetry_pointers[] = {
    "mouse", "touch", "pen", "", NULL
};

static const lr_telemetry_field  lr_telemetry_uach[] = {
    LR_T_LIST("brands", 8, 64),
    LR_T_BOOL("mobile"),
    LR_T_STRING("platform", 32),
    LR_T_END
};

static const lr_telemetry_field  lr_telemetry_beh[] = {
    LR_T_COUNT("t_first"),
    LR_T_COUNT("t_submit"),
    LR_T_COUNT("keys"),
    LR_T_COUNT("bksp"),
    LR_T_TRIPLE("hold"),
    LR_T_TRIPLE("flight"),
    LR_T_COUNT("overlap"),
    LR_T_COUNT("nokey"),
    LR_T_COUNT("autofill"),
    { "paste", LR_TELEMETRY_LIST, 0, SIZE_MAX, SIZE_MAX, NULL,
      lr_telemetry_paste_kinds, NULL,
      "not an array of \"user\", \"password\" or \"other\"" },
    { "focus", LR_TELEMETRY_STRING, 0, 0, 16, "upo", NULL, NULL,
      "not a string of at most 16 of the characters u, p, o" },
    LR_T_COUNT("tab"),
    LR_T_COUNT("clickfocus"),
    LR_T_COUNT("blur"),
    LR_T_COUNT("moves"),
    LR_T_INT("straight", 1000),
    LR_T_INT("speedvar", 100000),
    LR_T_COUNT("pauses"),
    LR_T_COUNT("clicks"),
    LR_T_COUNT("blind"),
    { "ptr", LR_TELEMETRY_STRING, 0, 0, 5, NULL, lr_telemetry_pointers, NULL,
      "not \"mouse\", \"touch\", \"pen\" or \"\"" },
    LR_T_COUNT("tap"),
    LR_T_END
};

/* "v" is checked before these: it is the one required field */
static const lr_telemetry_field  lr_telemetry_schema[] = {
    LR_T_STRING("ua", 512),
    LR_T_OBJECT("uach", lr_telemetry_uach),
    LR_T_LIST("langs", 8, 35),
    LR_T_STRING("tz", 64),
    LR_T_PAIR("scr", 100000),
    LR_T_PAIR("win", 100000),
    LR_T_PAIR("outer", 100000),
    LR_T_NUMBER("dpr", 100),
    LR_T_INT("depth", 256),
    LR_T_INT("cores", 4096),
    LR_T_NUMBER("mem", 4096),
    LR_T_INT("touch", 256),
    { "gl", LR_TELEMETRY_STRINGS, 0, 2, 128, NULL, NULL, NULL,
      "not an array of 2 strings of at most 128 characters" },
    LR_T_HEX8("canvas"),
    LR_T_HEX8("audio"),
    LR_T_INT("plugins", 1000),
    { "auto", LR_TELEMETRY_LIST, 0, 8, SIZE_MAX, NULL, NULL, NULL,
      "not an array of at most 8 strings" },
    LR_T_OBJECT("beh", lr_telemetry_beh),
    LR_T_END
};

static const struct {
    const char  *name;
    unsigned     bit;
} lr_telemetry_autos[] = {
    { "webdriver",          LR_AUTO_WEBDRIVER },
    { "headless_ua",        LR_AUTO_HEADLESS_UA },
    { "screen_is_viewport", LR_AUTO_SCREEN_VIEWPORT },
    { "zero_outer",         LR_AUTO_ZERO_OUTER },
    { "automation_global",  LR_AUTO_GLOBALS },
    { "patched_native",     LR_AUTO_PATCHED },
};


int
lr_telemetry_parse(const char *json, size_t len,
    const lr_telemetry_headers *headers, lr_telemetry *out, char *err,
    size_t err_len)
{
    int            rc;
    json_t        *root;
    json_error_t   error;

    memset(out, 0, sizeof(*out));

    if (err != NULL && err_len > 0) {
        err[0] = '\0';
    }

    /* before jansson: an oversized body costs no parsing */
    if (len > LR_TELEMETRY_BODY_MAX) {
        if (err != NULL && err_len > 0) {
            snprintf(err, err_len, "body: larger than %d bytes",
                     LR_TELEMETRY_BODY_MAX);
        }
        return -1;
    }

    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &error);

    if (root == NULL) {
        if (err != NULL && err_len > 0) {
            snprintf(err, err_len, "body: not JSON: %s (line %d, column %d)",
                     error.text, error.line, error.column);
        }
        return -1;
    }

    rc = lr_telemetry_read(root, headers ? headers : &lr_telemetry_no_headers,
                           out, err, err_len);

    json_decref(root);

    if (rc != 0) {
        memset(out, 0, sizeof(*out));
    }

    return rc;
}


uint64_t
lr_telemetry_ua_hash(const char *user_agent)
{
    return user_agent ? lr_hash_str(LR_TELEMETRY_UA_SEED, user_agent) : 0;
}


/* --- validation ---------------------------------------------------------- */

static int
lr_telemetry_read(json_t *root, const lr_telemetry_headers *h,
    lr_telemetry *out, char *err, size_t err_len)
{
    json_t  *v, *beh;

    if (!json_is_object(root)) {
        return lr_telemetry_fail(err, err_len, NULL, "body",
                                 "not a JSON object");
    }

    v = json_object_get(root, "v");

    if (!json_is_integer(v) || json_integer_value(v) != LR_TELEMETRY_VERSION)
    {
        return lr_telemetry_fail(err, err_len, NULL, "v", "missing or not 1");
    }

    if (lr_telemetry_check(root, lr_telemetry_schema, NULL, err, err_len)
        != 0)
    {
        return -1;
    }

    /* valid: from here on every field present has its type and range */
    beh = json_object_get(root, "beh");

    out->automation = lr_telemetry_automation(root, h);
    out->scripted = lr_telemetry_scripted(beh);
    out->mismatch = lr_telemetry_mismatch(root, h);
    out->paste_password = lr_telemetry_paste_password(beh);
    out->device_attrs = lr_telemetry_device(root);
    out->ua_hash = lr_telemetry_ua_hash(h->user_agent);
    out->keys = lr_telemetry_u32(lr_telemetry_int(beh, "keys"));
    out->moves = lr_telemetry_u32(lr_telemetry_int(beh, "moves"));
    out->submit_ms = lr_telemetry_u32(lr_telemetry_int(beh, "t_submit"));

    lr_telemetry_timezone(lr_telemetry_str(root, "tz"), out->timezone);
    lr_telemetry_languages(json_object_get(root, "langs"), out->languages);

    return 0;
}


static int
lr_telemetry_fail(char *err, size_t err_len, const char *parent,
    const char *name, const char *what)
{
    if (err != NULL && err_len > 0) {
        snprintf(err, err_len, "%s%s%s: %s", parent ? parent : "",
                 parent ? "." : "", name, what);
    }

    return -1;
}


/* Unknown members are skipped: a newer collector may send more. */
static int
lr_telemetry_check(json_t *obj, const lr_telemetry_field *fields,
    const char *parent, char *err, size_t err_len)
{
    json_t                    *v;
    const lr_telemetry_field  *f;

    for (f = fields; f->name != NULL; f++) {
        v = json_object_get(obj, f->name);

        if (v == NULL) {
            continue;
        }

        if (f->type == LR_TELEMETRY_OBJECT) {
            if (!json_is_object(v)) {
                return lr_telemetry_fail(err, err_len, parent, f->name,
                                         f->want);
            }

            if (lr_telemetry_check(v, f->members, f->name, err, err_len)
                != 0)
            {
                return -1;
            }

            continue;
        }

        if (!lr_telemetry_valid(v, f)) {
            return lr_telemetry_fail(err, err_len, parent, f->name, f->want);
        }
    }

    return 0;
}


static int
lr_telemetry_valid(json_t *v, const lr_telemetry_field *f)
{
    size_t   i;
    json_t  *e;

    switch (f->type) {

    case LR_TELEMETRY_INT:
        return lr_telemetry_int_ok(v, f->max);

    case LR_TELEMETRY_NUMBER:
        return json_is_number(v) && json_number_value(v) >= 0
               && json_number_value(v) <= (double) f->max;

    case LR_TELEMETRY_BOOL:
        return json_is_boolean(v);

    case LR_TELEMETRY_STRING:
        return lr_telemetry_string_ok(v, f);

    case LR_TELEMETRY_HEX8:
        return lr_telemetry_hex8_ok(v);

    case LR_TELEMETRY_INTS:
        if (!json_is_array(v) || json_array_size(v) != f->count) {
            return 0;
        }

        json_array_foreach(v, i, e) {
            if (!lr_telemetry_int_ok(e, f->max)) {
                return 0;
            }
        }

        return 1;

    case LR_TELEMETRY_STRINGS:
    case LR_TELEMETRY_LIST:
        if (!json_is_array(v)
            || (f->type == LR_TELEMETRY_STRINGS
                ? json_array_size(v) != f->count
                : json_array_size(v) > f->count))
        {
            return 0;
        }

        json_array_foreach(v, i, e) {
            if (!lr_telemetry_string_ok(e, f)) {
                return 0;
            }
        }

        return 1;

    default:
        return 0;
    }
}


static int
lr_telemetry_int_ok(json_t *v, json_int_t max)
{
    return json_is_integer(v) && json_integer_value(v) >= 0
           && json_integer_value(v) <= max;
}


/* Lengths count characters (code points), never more than the UTF-16
 * units that the collector trims by: what it trimmed always fits. */
static int
lr_telemetry_string_ok(json_t *v, const lr_telemetry_field *f)
{
    size_t                i, n, k, chars;
    uint32_t              cp;
    const char           *const *w;
    const unsigned char  *s;

    if (!json_is_string(v)) {
        return 0;
    }

    s = (const unsigned char *) json_string_value(v);
    n = json_string_length(v);

    for (i = 0, chars = 0; i < n; i += k, chars++) {
        k = lr_utf8_decode(s + i, n - i, &cp);

        /* jansson gives valid UTF-8 without NUL; C strings need both */
        if (k == 0 || cp == 0 || chars == f->len) {
            return 0;
        }

        if (f->chars != NULL
            && (cp > 0x7f || strchr(f->chars, (int) cp) == NULL))
        {
            return 0;
        }
    }

    if (f->words == NULL) {
        return 1;
    }

    for (w = f->words; *w != NULL; w++) {
        if (strcmp((const char *) s, *w) == 0) {
            return 1;
        }
    }

    return 0;
}


static int
lr_telemetry_hex8_ok(json_t *v)
{
    return json_is_string(v) && json_string_length(v) == 8
           && strspn(json_string_value(v), "0123456789abcdefABCDEF") == 8;
}


/* --- reading what has been validated ------------------------------------- */

/* an integer member, -1 when absent */
static json_int_t
lr_telemetry_int(json_t *obj, const char *name)
{
    json_t  *v;

    v = json_object_get(obj, name);

    return json_is_integer(v) ? json_integer_value(v) : -1;
}


static const char *
lr_telemetry_str(json_t *obj, const char *name)
{
    return json_string_value(json_object_get(obj, name));
}


/* [p10, p50, p90]; 0 when absent */
static int
lr_telemetry_triple(json_t *obj, const char *name, json_int_t p[3])
{
    size_t   i;
    json_t  *v;

    v = json_object_get(obj, name);

    if (json_array_size(v) != 3) {
        return 0;
    }

    for (i = 0; i < 3; i++) {
        p[i] = json_integer_value(json_array_get(v, i));
    }

    return 1;
}


static uint32_t
lr_telemetry_u32(json_int_t v)
{
    if (v <= 0) {
        return 0;
    }

    return v > (json_int_t) UINT32_MAX ? UINT32_MAX : (uint32_t) v;
}


static void
lr_telemetry_ua(const char *s, lr_ua *ua)
{
    lr_ua_parse(s, s ? strlen(s) : 0, ua);
}


static int
lr_telemetry_headless(const char *s)
{
    lr_ua  ua;

    if (s == NULL) {
        return 0;
    }

    lr_telemetry_ua(s, &ua);

    return strcmp(ua.family, "HeadlessChrome") == 0
           || strcmp(ua.family, "PhantomJS") == 0;
}


/* --- derivations ------------------------------------------------------- */

static unsigned
lr_telemetry_automation(json_t *root, const lr_telemetry_headers *h)
{
    size_t       i, j;
    json_t      *list, *v;
    unsigned     bits;
    const char  *s;

    bits = 0;
    list = json_object_get(root, "auto");

    json_array_foreach(list, i, v) {
        s = json_string_value(v);

        for (j = 0; j < sizeof(lr_telemetry_autos)
                        / sizeof(lr_telemetry_autos[0]); j++)
        {
            if (strcmp(s, lr_telemetry_autos[j].name) == 0) {
                bits |= lr_telemetry_autos[j].bit;
                break;
            }
        }
    }

    /* a collector that has been tampered with says nothing: see for
     * ourselves */
    if (lr_telemetry_headless(lr_telemetry_str(root, "ua"))
        || lr_telemetry_headless(h->user_agent))
    {
        bits |= LR_AUTO_HEADLESS_UA;
    }

    return bits;
}


static unsigned
lr_telemetry_scripted(json_t *beh)
{
    int         has_hold, has_flight;
    unsigned    bits;
    json_int_t  keys, submit, moves, straight, speedvar, hold[3], flight[3];

    if (beh == NULL) {
        return 0;
    }

    bits = 0;
    keys = lr_telemetry_int(beh, "keys");
    submit = lr_telemetry_int(beh, "t_submit");
    moves = lr_telemetry_int(beh, "moves");
    straight = lr_telemetry_int(beh, "straight");
    speedvar = lr_telemetry_int(beh, "speedvar");
    has_hold = lr_telemetry_triple(beh, "hold", hold);
    has_flight = lr_telemetry_triple(beh, "flight", flight);

    if (lr_telemetry_int(beh, "nokey") > 0) {
        bits |= LR_SCRIPTED_NO_KEYS;
    }

    if (lr_telemetry_int(beh, "blind") > 0) {
        bits |= LR_SCRIPTED_BLIND_CLICK;
    }

    /* submit / FAST_KEY_MS < keys is submit < FAST_KEY_MS * keys, without
     * the product that a huge keys would overflow */
    if (keys >= LR_TELEMETRY_FAST_KEYS
        && ((has_hold && hold[1] < LR_TELEMETRY_FAST_HOLD_MS)
            || (has_flight && flight[1] < LR_TELEMETRY_FAST_FLIGHT_MS)
            || (submit >= 0 && submit / LR_TELEMETRY_FAST_KEY_MS < keys)))
    {
        bits |= LR_SCRIPTED_TOO_FAST;
    }

    if (keys >= LR_TELEMETRY_UNIFORM_KEYS && has_hold && has_flight
        && flight[2] - flight[0] < LR_TELEMETRY_UNIFORM_MS
        && hold[2] - hold[0] < LR_TELEMETRY_UNIFORM_MS)
    {
        bits |= LR_SCRIPTED_UNIFORM;
    }

    if (moves >= LR_TELEMETRY_STRAIGHT_MOVES
        && straight >= LR_TELEMETRY_STRAIGHT_MIN
        && speedvar >= 0 && speedvar < LR_TELEMETRY_SPEEDVAR_MAX)
    {
        bits |= LR_SCRIPTED_STRAIGHT;
    }

    return bits;
}


static int
lr_telemetry_paste_password(json_t *beh)
{
    size_t   i;
    json_t  *list, *v;

    list = json_object_get(beh, "paste");

    json_array_foreach(list, i, v) {
        if (strcmp(json_string_value(v), "password") == 0) {
            return 1;
        }
    }

    return 0;
}


static unsigned
lr_telemetry_mismatch(json_t *root, const lr_telemetry_headers *h)
{
    json_t      *brands;
    unsigned     bits;
    const char  *ua, *lang;

    bits = 0;

    ua = lr_telemetry_str(root, "ua");

    if (ua != NULL && h->user_agent != NULL
        && strcmp(ua, h->user_agent) != 0)
    {
        bits |= LR_MISMATCH_UA;
    }

    brands = json_object_get(json_object_get(root, "uach"), "brands");

    if (brands != NULL && h->sec_ch_ua != NULL
        && !lr_telemetry_brands_match(brands, h->sec_ch_ua))
    {
        bits |= LR_MISMATCH_UA;
    }

    lang = json_string_value(json_array_get(json_object_get(root, "langs"),
                                            0));

    if (lang != NULL && h->accept_language != NULL
        && lr_telemetry_lang_differs(lang, h->accept_language))
    {
        bits |= LR_MISMATCH_LANG;
    }

    return bits;
}


/* The brand/major pairs of uach.brands (at most LR_CH_BRANDS_MAX strings,
 * the schema says) and of Sec-CH-UA are one set. */
static int
lr_telemetry_brands_match(json_t *brands, const char *header)
{
    size_t       i, n;
    json_t      *v;
    const char  *b[LR_CH_BRANDS_MAX];

    n = 0;

    json_array_foreach(brands, i, v) {
        if (n == LR_CH_BRANDS_MAX) {
            return 0;
        }

        b[n++] = json_string_value(v);
    }

    return lr_ch_ua_matches(header, b, n);
}


/* Whether navigator.languages[0] and the first language of
 * Accept-Language differ; 0 when either names none. */
static int
lr_telemetry_lang_differs(const char *lang, const char *header)
{
    char  a[LR_LANG_CODE_SIZE], b[LR_LANG_CODE_SIZE];

    return lr_lang_first(lang, a) && lr_lang_first(header, b)
           && strcmp(a, b) != 0;
}


static uint32_t
lr_telemetry_device(json_t *root)
{
    char         text[LR_TELEMETRY_GL_TEXT], a[32], b[32];
    json_t      *gl, *scr, *x, *y;
    lr_ua        ua;
    uint32_t     v;
    json_int_t   w, h;
    const char  *vendor, *renderer, *s;

    v = 0;

    gl = json_object_get(root, "gl");

    if (gl != NULL) {
        vendor = json_string_value(json_array_get(gl, 0));
        renderer = json_string_value(json_array_get(gl, 1));

        /* ["", ""]: WebGL there, its GPU hidden: unknown */
        if (vendor[0] != '\0' || renderer[0] != '\0') {
            snprintf(text, sizeof(text), "%s\n%s", vendor, renderer);
            v = lr_devattr_set(v, LR_DEVATTR_GPU, lr_devattr_cell_of(text));
        }
    }

    scr = json_object_get(root, "scr");

    if (scr != NULL) {
        /* larger side first: a rotated phone is one screen */
        w = json_integer_value(json_array_get(scr, 0));
        h = json_integer_value(json_array_get(scr, 1));
        snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT "x%"
                 JSON_INTEGER_FORMAT, w > h ? w : h, w > h ? h : w);
        v = lr_devattr_set(v, LR_DEVATTR_SCREEN, lr_devattr_cell_of(text));
    }

    v = lr_devattr_set(v, LR_DEVATTR_TIMEZONE,
                       lr_devattr_cell_of(lr_telemetry_str(root, "tz")));

    s = lr_telemetry_str(json_object_get(root, "uach"), "platform");

    if (s == NULL || s[0] == '\0') {
        lr_telemetry_ua(lr_telemetry_str(root, "ua"), &ua);
        s = strcmp(ua.os, "Other") != 0 ? ua.os : NULL;
    }

    v = lr_devattr_set(v, LR_DEVATTR_PLATFORM, lr_devattr_cell_of(s));

    /* "8/16", "8/", "/0.5": an absent half is empty, not 0 */
    x = json_object_get(root, "cores");
    y = json_object_get(root, "mem");

    if (x != NULL || y != NULL) {
        a[0] = '\0';
        b[0] = '\0';

        if (x != NULL) {
            snprintf(a, sizeof(a), "%" JSON_INTEGER_FORMAT,
                     json_integer_value(x));
        }

        if (y != NULL) {
            snprintf(b, sizeof(b), "%g", json_number_value(y));
        }

        snprintf(text, sizeof(text), "%s/%s", a, b);
        v = lr_devattr_set(v, LR_DEVATTR_HARDWARE, lr_devattr_cell_of(text));
    }

    x = json_object_get(root, "dpr");
    y = json_object_get(root, "depth");

    if (x != NULL || y != NULL) {
        a[0] = '\0';
        b[0] = '\0';

        if (x != NULL) {
            snprintf(a, sizeof(a), "%g", json_number_value(x));
        }

        if (y != NULL) {
            snprintf(b, sizeof(b), "%" JSON_INTEGER_FORMAT,
                     json_integer_value(y));
        }

        snprintf(text, sizeof(text), "%s/%s", a, b);
        v = lr_devattr_set(v, LR_DEVATTR_DISPLAY, lr_devattr_cell_of(text));
    }

    s = lr_telemetry_str(root, "canvas");
    v = lr_devattr_set(v, LR_DEVATTR_CANVAS, lr_telemetry_hex_cell(s));
    s = lr_telemetry_str(root, "audio");
    v = lr_devattr_set(v, LR_DEVATTR_AUDIO, lr_telemetry_hex_cell(s));

    return v;
}


/* hex digits in either case are one hash */
static unsigned
lr_telemetry_hex_cell(const char *hex)
{
    char    text[9];
    size_t  i;

    if (hex == NULL) {
        return 0;
    }

    for (i = 0; i < 8; i++) {
        text[i] = (char) tolower((unsigned char) hex[i]);
    }

    text[8] = '\0';

    return lr_devattr_cell_of(text);
}


/* Only a name that looks like an IANA zone is kept: the summary goes to
 * logs and headers. */
static void
lr_telemetry_timezone(const char *tz, char *out)
{
    size_t  n;

    if (tz == NULL) {
        return;
    }

    n = strlen(tz);

    if (n > LR_TELEMETRY_TZ_MAX || strspn(tz, LR_TELEMETRY_TZ_CHARS) != n) {
        return;
    }

    memcpy(out, tz, n + 1);
}


/* Tags of [A-Za-z0-9-] only (others are skipped), joined by ',', up to
 * the first that would not fit. */
static void
lr_telemetry_languages(json_t *langs, char *out)
{
    size_t       i, n, len;
    json_t      *v;
    const char  *s;

    len = 0;

    json_array_foreach(langs, i, v) {
        s = json_string_value(v);
        n = json_string_length(v);

        if (n == 0 || strspn(s, LR_TELEMETRY_TAG_CHARS) != n) {
            continue;
        }

        if (len + (len > 0) + n > LR_TELEMETRY_LANGS_MAX) {
            break;
        }

        if (len > 0) {
            out[len++] = ',';
        }

        memcpy(out + len, s, n);
        len += n;
    }

    out[len] = '\0';
}
