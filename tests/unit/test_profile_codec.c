/*
 * The profile codec (lr_profile_codec.h): a profile as portable bytes.
 * Round trips keep every field; the bytes are little-endian whatever the
 * host; anything that is not exactly an encoding is rejected and leaves a
 * zeroed profile; a decoded profile counts, ages, learns and scores as
 * the original does.
 */

#include "lr_engine_test.h"

#include "lr_profile_codec.h"


#define MAX_AGE  (180 * LR_T_DAY)
#define LOGINS   600

/* where the fields are, as the header documents them */
#define OFF_VERSION   3
#define OFF_SUCCESS   4
#define OFF_LAST      8
#define OFF_OLDEST    16
#define OFF_HAS_LOC   24
#define OFF_LAT       25
#define OFF_LON       33
#define OFF_USED      41
#define OFF_ENTRY(i)  (LR_PROFILE_CODEC_HEADER + (i) * LR_PROFILE_CODEC_ENTRY)
#define E_VALUE       0
#define E_COUNT       4
#define E_FEATURE     6
#define E_LAST        7


/* How a profile is built from pseudo-random logins. */
typedef struct {
    uint64_t  seed;
    unsigned  logins;
    uint32_t  max_values;
    unsigned  pool;             /* distinct values per feature */
    int       located;          /* 1: most logins have a place */
} scenario;


/* One encoding and the profile it came from. */
typedef struct {
    lr_profile     p;
    unsigned char  buf[LR_PROFILE_CODEC_MAX];
    size_t         len;
} encoded;


static uint64_t
next(uint64_t *s)
{
    /* xorshift64: the same sequence on every host */
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;

    return *s;
}


/* Learns sc->logins logins into a zeroed p: every feature drawn from a
 * pool of its own (no value is shared by two features), device and fingerprint sometimes unknown, every 7th success
 * reported three days late. The logins' features go to fs (may be NULL). */
static void
build(lr_profile *p, const scenario *sc, lr_features *fs)
{
    int          has;
    double       lat, lon;
    int64_t      t;
    uint64_t     s;
    unsigned     i, f;
    lr_features  x;

    memset(p, 0, sizeof(*p));
    s = sc->seed;

    for (i = 0; i < sc->logins; i++) {
        for (f = 0; f < LR_F_COUNT; f++) {
            x.v[f] = (f + 1) * 1000 + next(&s) % sc->pool + 1;
        }

        if (next(&s) % 4 == 0) {
            x.v[LR_F_DEVICE] = 0;
        }

        if (next(&s) % 5 == 0) {
            x.v[LR_F_FINGERPRINT] = 0;
        }

        t = LR_T0 + (int64_t) i * LR_T_HOUR;
        if (i % 7 == 3) {
            t -= 3 * LR_T_DAY;
        }

        /* the last login has a place when the scenario has places */
        has = sc->located && (next(&s) % 4 != 0 || i == sc->logins - 1);
        lat = has ? ((double) (next(&s) % 18001) - 9000) / 100 : 0;
        lon = has ? ((double) (next(&s) % 36001) - 18000) / 100 : 0;

        lr_profile_learn(p, &x, t, has, lat, lon, sc->max_values);

        if (fs != NULL) {
            fs[i] = x;
        }
    }
}


static void
encode(encoded *e)
{
    e->len = lr_profile_encode(&e->p, e->buf);
    assert_true(e->len <= LR_PROFILE_CODEC_MAX);
    assert_int_equal(e->len, OFF_ENTRY((size_t) e->p.used));
}


/* The oldest last-seen time of the entries, 0 when there are none. */
static int64_t
oldest_entry(const lr_profile *p)
{
    int64_t   oldest;
    unsigned  i;

    oldest = 0;

    for (i = 0; i < p->used; i++) {
        if (i == 0 || p->value[i].last_ms < oldest) {
            oldest = p->value[i].last_ms;
        }
    }

    return oldest;
}


/*
 * d, decoded from a's encoding, holds every field of a: the entries in
 * order, n[] and total[] as lr_profile kept them, oldest_ms as the oldest
 * entry (a's own is only a bound: eviction does not raise it), the place
 * when there is one (bit for bit) and zeros when there is none.
 */
static void
check_same(const lr_profile *a, const lr_profile *d)
{
    unsigned  i;

    assert_int_equal(d->successes, a->successes);
    assert_true(d->last_ms == a->last_ms);
    assert_int_equal(d->last_has_location, a->last_has_location != 0);
    assert_int_equal(d->used, a->used);

    for (i = 0; i < LR_F_COUNT; i++) {
        assert_int_equal(d->n[i], a->n[i]);
        assert_int_equal(d->total[i], a->total[i]);
    }

    for (i = 0; i < a->used; i++) {
        assert_int_equal(d->value[i].value, a->value[i].value);
        assert_int_equal(d->value[i].count, a->value[i].count);
        assert_int_equal(d->value[i].feature, a->value[i].feature);
        assert_true(d->value[i].last_ms == a->value[i].last_ms);
    }

    assert_true(d->oldest_ms == oldest_entry(a));
    assert_true(a->oldest_ms <= d->oldest_ms);

    if (a->last_has_location) {
        assert_memory_equal(&d->last_lat, &a->last_lat, sizeof(double));
        assert_memory_equal(&d->last_lon, &a->last_lon, sizeof(double));

    } else {
        assert_true(d->last_lat == 0 && d->last_lon == 0);
    }

    /* nothing past the entries in use */
    for (i = a->used; i < LR_PROFILE_SLOTS; i++) {
        assert_true(d->value[i].value == 0 && d->value[i].count == 0
                    && d->value[i].feature == 0 && d->value[i].last_ms == 0);
    }
}


/* Encodes a, decodes it into a heap copy of exactly its length, checks
 * the result, and that it encodes to the same bytes again. */
static void
round_trip(const lr_profile *a, lr_profile *d)
{
    void     *in;
    encoded  *e, *again;

    e = calloc(2, sizeof(encoded));
    assert_non_null(e);
    again = e + 1;

    e->p = *a;
    encode(e);

    in = lr_heap_copy(e->buf, e->len);
    memset(d, 0x5a, sizeof(*d));
    assert_int_equal(lr_profile_decode(in, e->len, d), 0);
    free(in);

    check_same(a, d);

    again->p = *d;
    encode(again);
    assert_int_equal(again->len, e->len);
    assert_memory_equal(again->buf, e->buf, e->len);

    free(e);
}


/* b[0..len) is rejected, and leaves a zeroed profile. */
static void
reject(const unsigned char *b, size_t len, const char *what)
{
    int          rc;
    void        *in;
    lr_profile  *p, *zero;

    p = malloc(sizeof(*p));
    zero = calloc(1, sizeof(*zero));
    assert_non_null(p);
    assert_non_null(zero);

    in = lr_heap_copy(b, len);
    memset(p, 0x5a, sizeof(*p));
    rc = lr_profile_decode(in, len, p);
    free(in);

    if (rc != -1 || memcmp(p, zero, sizeof(*p)) != 0) {
        print_error("%s (len %zu): decoded %d, profile %s\n", what, len, rc,
                    memcmp(p, zero, sizeof(*p)) ? "not zeroed" : "zeroed");
    }

    assert_int_equal(rc, -1);
    assert_memory_equal(p, zero, sizeof(*p));

    free(p);
    free(zero);
}


/* b[0..len) decodes. */
static void
decodes(const unsigned char *b, size_t len, lr_profile *p)
{
    void  *in;

    in = lr_heap_copy(b, len);
    assert_int_equal(lr_profile_decode(in, len, p), 0);
    free(in);
}


static void
put_le(unsigned char *b, uint64_t v, unsigned bytes)
{
    unsigned  i;

    for (i = 0; i < bytes; i++) {
        b[i] = (unsigned char) (v >> (8 * i));
    }
}


static void
put_double(unsigned char *b, double d)
{
    uint64_t  bits;

    memcpy(&bits, &d, sizeof(bits));
    put_le(b, bits, 8);
}


/* The index of the first entry of feature f after entry from, or -1. */
static int
entry_of(const lr_profile *p, unsigned f, int from)
{
    int  i;

    for (i = from + 1; i < p->used; i++) {
        if (p->value[i].feature == f) {
            return i;
        }
    }

    return -1;
}


/* --- tests ---------------------------------------------------------------- */

static void
test_empty(void **state)
{
    lr_profile  p, d, zero;

    (void) state;

    memset(&p, 0, sizeof(p));
    memset(&zero, 0, sizeof(zero));

    round_trip(&p, &d);
    assert_memory_equal(&d, &zero, sizeof(d));
}


/* The bytes themselves, so that a big-endian host is held to them too. */
static void
test_golden(void **state)
{
    size_t         len;
    lr_profile     p, d;
    unsigned char  out[LR_PROFILE_CODEC_MAX];

    static const unsigned char  want[] = {
        'L', 'R', 'P', 1,
        0x02, 0x00, 0x00, 0x00,                                 /* 2 */
        0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,         /* last */
        0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,         /* oldest */
        0x01,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f,         /* 1.0 */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0,         /* -2.0 */
        0x01,
        0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x01, 0x03,
        0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
    };

    (void) state;

    assert_int_equal(LR_PROFILE_CODEC_MAX, 42 + 160 * 15);

    memset(&p, 0, sizeof(p));
    p.successes = 2;
    p.last_ms = 0x0102030405060708LL;
    p.oldest_ms = 0x0102030405060708LL;
    p.last_has_location = 1;
    p.last_lat = 1.0;
    p.last_lon = -2.0;
    p.used = 1;
    p.value[0].value = 0xa1b2c3d4;
    p.value[0].count = 0x0102;
    p.value[0].feature = LR_F_IP;
    p.value[0].last_ms = 0x0102030405060708LL;
    p.n[LR_F_IP] = 1;
    p.total[LR_F_IP] = 0x0102;

    len = lr_profile_encode(&p, out);
    assert_int_equal(len, sizeof(want));
    assert_memory_equal(out, want, sizeof(want));

    decodes(want, sizeof(want), &d);
    check_same(&p, &d);
}


/* Extremes of every field: saturated count, all-ones value, the last
 * feature, the largest time, the corners of the map. */
static void
test_extremes(void **state)
{
    lr_profile  p, d;

    (void) state;

    memset(&p, 0, sizeof(p));
    p.successes = UINT32_MAX;
    p.last_ms = INT64_MAX;
    p.oldest_ms = 0;
    p.last_has_location = 1;
    p.last_lat = -90.0;
    p.last_lon = 180.0;
    p.used = 2;
    p.value[0].value = UINT32_MAX;
    p.value[0].count = UINT16_MAX;
    p.value[0].feature = LR_F_COUNT - 1;
    p.value[0].last_ms = INT64_MAX;
    p.value[1].value = 0;
    p.value[1].count = 1;
    p.value[1].feature = LR_F_COUNT - 1;
    p.value[1].last_ms = 0;
    p.n[LR_F_COUNT - 1] = 2;
    p.total[LR_F_COUNT - 1] = UINT16_MAX + 1;

    round_trip(&p, &d);

    p.last_lat = 90.0;
    p.last_lon = -180.0;
    round_trip(&p, &d);

    /* -0.0 is a place too, kept bit for bit */
    p.last_lat = -0.0;
    round_trip(&p, &d);
    assert_true(signbit(d.last_lat));
}


/* Many logins, all features, eviction, late successes, with and without
 * a place. */
static void
test_round_trip_learnt(void **state)
{
    unsigned    i, f;
    lr_profile  p, d;

    static const scenario  sc[] = {
        { 0x9e3779b97f4a7c15ULL, LOGINS, 5, 24, 1 },
        { 0x9e3779b97f4a7c15ULL, LOGINS, 5, 24, 0 },
        { 0x0123456789abcdefULL, LOGINS, 16, 40, 1 },
        { 0x0123456789abcdefULL, LOGINS, 16, 40, 0 },
        { 0x00000000deadbeefULL, 3, 16, 40, 1 },
        { 0x00000000deadbeefULL, 1, 1, 2, 0 },
    };

    (void) state;

    for (i = 0; i < LR_NELEMS(sc); i++) {
        build(&p, &sc[i], NULL);

        if (sc[i].logins == LOGINS) {
            /* eviction happened: counts of dropped values are gone */
            assert_int_equal(p.n[LR_F_IP], sc[i].max_values);
            assert_true(p.total[LR_F_COUNTRY] < p.successes);
            assert_int_equal(p.last_has_location, sc[i].located);
        }

        round_trip(&p, &d);
    }

    /* 16 values of every feature: the largest encoding */
    build(&p, &sc[2], NULL);
    assert_int_equal(p.used, LR_PROFILE_SLOTS);
    for (f = 0; f < LR_F_COUNT; f++) {
        assert_int_equal(p.n[f], LR_PROFILE_VALUES);
    }
}


/* The largest encoding fits LR_PROFILE_CODEC_MAX exactly: written to a
 * heap block of that size, a byte more would be an ASan report. */
static void
test_max_size(void **state)
{
    size_t          len;
    lr_profile      p;
    unsigned char  *out;

    static const scenario  sc = { 0x0123456789abcdefULL, LOGINS, 16, 40, 1 };

    (void) state;

    build(&p, &sc, NULL);
    assert_int_equal(p.used, LR_PROFILE_SLOTS);

    out = malloc(LR_PROFILE_CODEC_MAX);
    assert_non_null(out);
    len = lr_profile_encode(&p, out);
    assert_int_equal(len, LR_PROFILE_CODEC_MAX);
    free(out);
}


/* The same profile gives the same bytes, whatever the buffer held and
 * whatever the in-memory leftovers: a stale oldest_ms bound, coordinates
 * kept without a place, a has-location flag other than 1. */
static void
test_deterministic(void **state)
{
    encoded  *e;

    static const scenario  sc = { 0x9e3779b97f4a7c15ULL, LOGINS, 5, 24, 0 };

    (void) state;

    e = calloc(3, sizeof(encoded));
    assert_non_null(e);

    build(&e[0].p, &sc, NULL);
    memset(e[0].buf, 0x00, sizeof(e[0].buf));
    encode(&e[0]);

    e[1].p = e[0].p;
    memset(e[1].buf, 0xff, sizeof(e[1].buf));
    encode(&e[1]);
    assert_int_equal(e[1].len, e[0].len);
    assert_memory_equal(e[1].buf, e[0].buf, e[0].len);

    /* past the encoding nothing was written */
    assert_int_equal(e[1].buf[e[1].len], 0xff);
    assert_int_equal(e[1].buf[LR_PROFILE_CODEC_MAX - 1], 0xff);

    /* leftovers that mean nothing do not show */
    e[2].p = e[0].p;
    e[2].p.oldest_ms = 1;
    e[2].p.last_lat = 12.5;
    e[2].p.last_lon = NAN;
    encode(&e[2]);
    assert_memory_equal(e[2].buf, e[0].buf, e[0].len);

    e[2].p.last_has_location = 1;
    e[2].p.last_lon = 7.25;
    encode(&e[2]);
    e[1].p = e[2].p;
    e[1].p.last_has_location = 42;
    encode(&e[1]);
    assert_memory_equal(e[1].buf, e[2].buf, e[2].len);

    free(e);
}


/* Coordinates learnt without a place come back as zeros. */
static void
test_no_place(void **state)
{
    lr_profile   p, d;
    lr_features  f;

    (void) state;

    memset(&p, 0, sizeof(p));
    memset(&f, 0, sizeof(f));
    f.v[LR_F_COUNTRY] = 81;

    lr_profile_learn(&p, &f, LR_T0, 1, LR_TOKYO_LAT, LR_TOKYO_LON, 16);
    lr_profile_learn(&p, &f, LR_T0 + 1, 0, LR_LONDON_LAT, LR_LONDON_LON, 16);
    assert_int_equal(p.last_has_location, 0);

    round_trip(&p, &d);
    assert_int_equal(d.last_has_location, 0);
    assert_true(d.last_lat == 0 && d.last_lon == 0);
}


/* Every prefix of a valid encoding is rejected, and so is one byte
 * more. */
static void
test_truncated_and_trailing(void **state)
{
    size_t    len;
    encoded  *e;

    static const scenario  sc[] = {
        { 0x9e3779b97f4a7c15ULL, LOGINS, 5, 24, 1 },
        { 0x00000000deadbeefULL, 0, 16, 40, 0 },            /* empty */
    };

    (void) state;

    e = calloc(1, sizeof(encoded));
    assert_non_null(e);

    for (size_t i = 0; i < LR_NELEMS(sc); i++) {
        build(&e->p, &sc[i], NULL);
        encode(e);

        for (len = 0; len < e->len; len++) {
            reject(e->buf, len, "truncated");
        }

        /* a byte past the end, whatever it is */
        assert_true(e->len < LR_PROFILE_CODEC_MAX);
        e->buf[e->len] = 0x00;
        reject(e->buf, e->len + 1, "trailing 0x00");
        e->buf[e->len] = 0xff;
        reject(e->buf, e->len + 1, "trailing 0xff");
    }

    free(e);
}


static void
test_magic_version(void **state)
{
    unsigned    i;
    encoded    *e;
    lr_profile  d;

    static const scenario  sc = { 0x0123456789abcdefULL, 50, 16, 40, 1 };

    (void) state;

    e = calloc(1, sizeof(encoded));
    assert_non_null(e);
    build(&e->p, &sc, NULL);
    encode(e);
    decodes(e->buf, e->len, &d);

    for (i = 0; i < 3; i++) {
        e->buf[i] ^= 0x20;                  /* "lRP", "LrP", "LRp" */
        reject(e->buf, e->len, "magic");
        e->buf[i] ^= 0x20;
    }

    e->buf[OFF_VERSION] = 0;
    reject(e->buf, e->len, "version 0");
    e->buf[OFF_VERSION] = 2;
    reject(e->buf, e->len, "version 2");
    e->buf[OFF_VERSION] = 0xff;
    reject(e->buf, e->len, "version 255");
    e->buf[OFF_VERSION] = 1;
    decodes(e->buf, e->len, &d);

    free(e);
}


/* Entries that no profile can hold. */
static void
test_bad_entries(void **state)
{
    int            a, b;
    size_t         len;
    encoded       *e;
    lr_profile     d;
    unsigned char  *copy;

    static const scenario  sc = { 0x0123456789abcdefULL, 12, 16, 40, 1 };

    (void) state;

    e = calloc(1, sizeof(encoded));
    assert_non_null(e);
    build(&e->p, &sc, NULL);
    encode(e);
    len = e->len;

    copy = malloc(LR_PROFILE_CODEC_MAX + 2 * LR_PROFILE_CODEC_ENTRY);
    assert_non_null(copy);

    /* an unknown feature */
    memcpy(copy, e->buf, len);
    copy[OFF_ENTRY(2) + E_FEATURE] = LR_F_COUNT;
    reject(copy, len, "feature LR_F_COUNT");
    copy[OFF_ENTRY(2) + E_FEATURE] = 0xff;
    reject(copy, len, "feature 255");

    /* a count of 0 */
    memcpy(copy, e->buf, len);
    put_le(copy + OFF_ENTRY(3) + E_COUNT, 0, 2);
    reject(copy, len, "count 0");

    /* the same value of the same feature twice */
    a = entry_of(&e->p, LR_F_IP, -1);
    b = entry_of(&e->p, LR_F_IP, a);
    assert_true(a >= 0 && b > a);
    memcpy(copy, e->buf, len);
    memcpy(copy + OFF_ENTRY(b) + E_VALUE, copy + OFF_ENTRY(a) + E_VALUE, 4);
    reject(copy, len, "duplicate");

    /* the same value in two features is no duplicate */
    b = entry_of(&e->p, LR_F_ASN, -1);
    assert_true(b >= 0);
    memcpy(copy, e->buf, len);
    memcpy(copy + OFF_ENTRY(b) + E_VALUE, copy + OFF_ENTRY(a) + E_VALUE, 4);
    decodes(copy, len, &d);
    assert_int_equal(d.value[a].value, d.value[b].value);

    /* a negative time: of an entry, of the last success */
    memcpy(copy, e->buf, len);
    put_le(copy + OFF_ENTRY(0) + E_LAST, (uint64_t) -1, 8);
    reject(copy, len, "entry time -1");
    memcpy(copy, e->buf, len);
    put_le(copy + OFF_LAST, (uint64_t) INT64_MIN, 8);
    reject(copy, len, "last time INT64_MIN");

    /* oldest_ms that is not the oldest entry's time, either way */
    memcpy(copy, e->buf, len);
    put_le(copy + OFF_OLDEST, (uint64_t) oldest_entry(&e->p) + 1, 8);
    reject(copy, len, "oldest later");
    put_le(copy + OFF_OLDEST, (uint64_t) oldest_entry(&e->p) - 1, 8);
    reject(copy, len, "oldest earlier");
    put_le(copy + OFF_OLDEST, (uint64_t) -5, 8);
    reject(copy, len, "oldest negative");

    /* an entry moved to a feature with room (12 logins: every feature
     * has) is fine; n[] and total[] follow */
    a = entry_of(&e->p, LR_F_IP, -1);
    memcpy(copy, e->buf, len);
    copy[OFF_ENTRY(a) + E_FEATURE] = LR_F_DEVICE;
    decodes(copy, len, &d);
    assert_int_equal(d.n[LR_F_IP], e->p.n[LR_F_IP] - 1);
    assert_int_equal(d.n[LR_F_DEVICE], e->p.n[LR_F_DEVICE] + 1);
    assert_int_equal(d.total[LR_F_DEVICE],
                     e->p.total[LR_F_DEVICE] + e->p.value[a].count);
    assert_int_equal(d.total[LR_F_IP],
                     e->p.total[LR_F_IP] - e->p.value[a].count);

    /* used above LR_PROFILE_SLOTS, with the bytes for it */
    memset(copy, 0, LR_PROFILE_CODEC_MAX + 2 * LR_PROFILE_CODEC_ENTRY);
    memcpy(copy, e->buf, LR_PROFILE_CODEC_HEADER);
    copy[OFF_USED] = LR_PROFILE_SLOTS + 1;
    reject(copy, OFF_ENTRY(LR_PROFILE_SLOTS + 1), "used 161");

    /* used disagreeing with the length */
    memcpy(copy, e->buf, len);
    copy[OFF_USED]--;
    reject(copy, len, "used - 1");

    free(copy);
    free(e);
}


/* A 17th value of one feature, in a full profile. */
static void
test_feature_overflow(void **state)
{
    int       a;
    encoded  *e;

    static const scenario  sc = { 0x0123456789abcdefULL, LOGINS, 16, 40, 0 };

    (void) state;

    e = calloc(1, sizeof(encoded));
    assert_non_null(e);
    build(&e->p, &sc, NULL);
    assert_int_equal(e->p.used, LR_PROFILE_SLOTS);
    encode(e);

    /* no value of the IP is one of the ASN's: not a duplicate */
    a = entry_of(&e->p, LR_F_IP, -1);
    e->buf[OFF_ENTRY(a) + E_FEATURE] = LR_F_ASN;
    reject(e->buf, e->len, "17 values of a feature");

    free(e);
}


/* A place that is no place. */
static void
test_bad_place(void **state)
{
    unsigned    i;
    encoded    *e;
    lr_profile  d;

    static const struct {
        double       lat, lon;
        const char  *what;
    } bad[] = {
        { NAN, 0, "NaN latitude" },
        { 0, NAN, "NaN longitude" },
        { -NAN, 0, "-NaN latitude" },
        { INFINITY, 0, "infinite latitude" },
        { 0, -INFINITY, "infinite longitude" },
        { 90.000001, 0, "latitude above 90" },
        { -90.5, 0, "latitude below -90" },
        { 0, 180.000001, "longitude above 180" },
        { 0, -181, "longitude below -180" },
    };

    static const scenario  sc = { 0x0123456789abcdefULL, 20, 16, 40, 1 };

    (void) state;

    e = calloc(1, sizeof(encoded));
    assert_non_null(e);
    build(&e->p, &sc, NULL);
    assert_int_equal(e->p.last_has_location, 1);
    encode(e);

    for (i = 0; i < LR_NELEMS(bad); i++) {
        put_double(e->buf + OFF_LAT, bad[i].lat);
        put_double(e->buf + OFF_LON, bad[i].lon);
        reject(e->buf, e->len, bad[i].what);
    }

    put_double(e->buf + OFF_LAT, 90);
    put_double(e->buf + OFF_LON, -180);
    decodes(e->buf, e->len, &d);
    assert_true(d.last_lat == 90 && d.last_lon == -180);

    /* a flag other than 0 or 1 */
    e->buf[OFF_HAS_LOC] = 2;
    reject(e->buf, e->len, "has_location 2");

    /* coordinates without a place */
    e->buf[OFF_HAS_LOC] = 0;
    reject(e->buf, e->len, "coordinates without a place");
    put_double(e->buf + OFF_LAT, 0);
    put_double(e->buf + OFF_LON, -0.0);
    reject(e->buf, e->len, "-0.0 without a place");
    put_double(e->buf + OFF_LON, 0);
    decodes(e->buf, e->len, &d);
    assert_int_equal(d.last_has_location, 0);

    free(e);
}


/* Any single flipped byte: decoded or rejected, never a profile that
 * breaks lr_profile's rules (ASan/UBSan watch the decoder meanwhile). */
static void
test_flipped_bytes(void **state)
{
    size_t      i;
    unsigned    j, f, n[LR_F_COUNT];
    encoded    *e;
    lr_profile  d;

    static const scenario  sc = { 0x9e3779b97f4a7c15ULL, LOGINS, 5, 24, 1 };

    (void) state;

    e = calloc(1, sizeof(encoded));
    assert_non_null(e);
    build(&e->p, &sc, NULL);
    encode(e);

    for (i = 0; i < e->len; i++) {
        e->buf[i] ^= 0x81;

        if (lr_profile_decode(e->buf, e->len, &d) == 0) {
            memset(n, 0, sizeof(n));

            for (j = 0; j < d.used; j++) {
                f = d.value[j].feature;
                assert_true(f < LR_F_COUNT);
                assert_true(d.value[j].count > 0);
                assert_true(d.value[j].last_ms >= d.oldest_ms);
                n[f]++;
            }

            for (f = 0; f < LR_F_COUNT; f++) {
                assert_int_equal(n[f], d.n[f]);
                assert_true(n[f] <= LR_PROFILE_VALUES);
            }
        }

        e->buf[i] ^= 0x81;
    }

    free(e);
}


/* A decoded profile counts, ages and learns as the original. */
static void
test_same_behaviour(void **state)
{
    int64_t       now;
    unsigned      i, k, f;
    uint32_t      seen_a[LR_F_COUNT], seen_d[LR_F_COUNT];
    lr_profile   *a, *d;
    lr_features  *fs, x;

    static const scenario  sc[] = {
        { 0x9e3779b97f4a7c15ULL, LOGINS, 5, 24, 1 },
        { 0x0123456789abcdefULL, LOGINS, 16, 40, 0 },
    };

    (void) state;

    a = malloc(2 * sizeof(lr_profile));
    fs = malloc(LOGINS * sizeof(lr_features));
    assert_non_null(a);
    assert_non_null(fs);
    d = a + 1;

    for (k = 0; k < LR_NELEMS(sc); k++) {
        build(a, &sc[k], fs);
        round_trip(a, d);

        /* every login learnt, and one never seen */
        for (i = 0; i <= LOGINS; i++) {
            if (i == LOGINS) {
                for (f = 0; f < LR_F_COUNT; f++) {
                    x.v[f] = 999999937ULL * (f + 1);
                }

            } else {
                x = fs[i];
            }

            lr_profile_counts(a, &x, seen_a);
            lr_profile_counts(d, &x, seen_d);
            assert_memory_equal(seen_a, seen_d, sizeof(seen_a));

            for (f = 0; f < LR_F_COUNT; f++) {
                assert_int_equal(lr_profile_count(d, f, x.v[f]),
                                 lr_profile_count(a, f, x.v[f]));
                assert_int_equal(lr_profile_total(d, f),
                                 lr_profile_total(a, f));
            }
        }

        /* ageing that drops values: the same survivors, in the same
         * order, and from then on even the same bound */
        now = oldest_entry(a) + MAX_AGE + LR_T_DAY;
        lr_profile_expire(a, now, MAX_AGE);
        lr_profile_expire(d, now, MAX_AGE);
        assert_true(d->used < LR_PROFILE_SLOTS && d->used > 0);
        assert_memory_equal(a, d, sizeof(lr_profile));

        /* learning more: the same evictions */
        for (i = 0; i < 50; i++) {
            lr_profile_learn(a, &fs[i], now + i, 0, 0, 0,
                             sc[k].max_values);
            lr_profile_learn(d, &fs[i], now + i, 0, 0, 0,
                             sc[k].max_values);
        }

        assert_memory_equal(a, d, sizeof(lr_profile));
    }

    free(a);
    free(fs);
}


/* The engine's verdict on a decoded profile is the original's. */
static void
test_same_verdict(void **state)
{
    unsigned     i, j;
    lr_login     habit, l;
    lr_config    cfg;
    lr_profile   p, d;
    lr_verdict   va, vd;

    (void) state;

    lr_config_default(&cfg);
    lr_t_login(&habit, LR_T0);
    lr_t_profile(&p, &habit, 20);
    round_trip(&p, &d);

    for (i = 0; i < 3; i++) {
        l = habit;
        l.time_ms = LR_T0 + LR_T_HOUR;

        if (i == 1) {
            lr_t_place(&l, LR_LONDON_LAT, LR_LONDON_LON);
            lr_t_country(&l, "GB");

        } else if (i == 2) {
            lr_t_abroad(&l, "RU");
        }

        lr_t_score_view(&cfg, &l, &p, 1000, NULL, &va);
        lr_t_score_view(&cfg, &l, &d, 1000, NULL, &vd);

        assert_int_equal(vd.score, va.score);
        assert_int_equal(vd.action, va.action);
        assert_int_equal(vd.reasons.n, va.reasons.n);

        for (j = 0; j < va.reasons.n; j++) {
            assert_string_equal(vd.reasons.code[j], va.reasons.code[j]);
            assert_int_equal(vd.reasons.points[j], va.reasons.points[j]);
        }
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_extremes),
        cmocka_unit_test(test_round_trip_learnt),
        cmocka_unit_test(test_max_size),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_no_place),
        cmocka_unit_test(test_truncated_and_trailing),
        cmocka_unit_test(test_magic_version),
        cmocka_unit_test(test_bad_entries),
        cmocka_unit_test(test_feature_overflow),
        cmocka_unit_test(test_bad_place),
        cmocka_unit_test(test_flipped_bytes),
        cmocka_unit_test(test_same_behaviour),
        cmocka_unit_test(test_same_verdict),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
