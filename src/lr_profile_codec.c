#include "lr_profile_codec.h"

#include "lr_bytes.h"

#include <math.h>
#include <string.h>


static const unsigned char  lr_profile_codec_magic[3] = { 'L', 'R', 'P' };


/* a time as its two's complement bits: well defined for any int64_t */
static unsigned char *
lr_profile_put_time(unsigned char *out, int64_t v)
{
    return lr_bytes_put_u64(out, (uint64_t) v);
}


/* A time, never negative: -1 for any pattern above INT64_MAX (which a
 * negative time was written as), so no out-of-range conversion happens. */
static int64_t
lr_profile_get_time(const unsigned char *in)
{
    uint64_t  v;

    v = lr_bytes_get_u64(in);

    return v > INT64_MAX ? -1 : (int64_t) v;
}


/* ------------------------------------------------------------------------- */

size_t
lr_profile_encode(const lr_profile *p, unsigned char *out)
{
    double                   lat, lon;
    int64_t                  oldest;
    unsigned                 i;
    unsigned char           *o;
    const lr_profile_value  *pv;

    /*
     * In memory oldest_ms is only a bound (an evicted value may have been
     * the oldest); what is written is the oldest entry's time, which the
     * decoder recomputes and checks, so the bytes depend on the entries
     * alone.
     */
    oldest = 0;

    for (i = 0; i < p->used; i++) {
        if (i == 0 || p->value[i].last_ms < oldest) {
            oldest = p->value[i].last_ms;
        }
    }

    /* without a place the coordinates mean nothing: zeros, so that stale
     * ones do not make two equal profiles encode differently */
    lat = p->last_has_location ? p->last_lat : 0.0;
    lon = p->last_has_location ? p->last_lon : 0.0;

    o = out;

    memcpy(o, lr_profile_codec_magic, sizeof(lr_profile_codec_magic));
    o += sizeof(lr_profile_codec_magic);
    o = lr_bytes_put_u8(o, LR_PROFILE_CODEC_VERSION);

    o = lr_bytes_put_u32(o, p->successes);
    o = lr_profile_put_time(o, p->last_ms);
    o = lr_profile_put_time(o, oldest);
    o = lr_bytes_put_u8(o, p->last_has_location != 0);
    o = lr_bytes_put_f64(o, lat);
    o = lr_bytes_put_f64(o, lon);
    o = lr_bytes_put_u8(o, p->used);

    for (i = 0; i < p->used; i++) {
        pv = &p->value[i];

        o = lr_bytes_put_u32(o, pv->value);
        o = lr_bytes_put_u16(o, pv->count);
        o = lr_bytes_put_u8(o, pv->feature);
        o = lr_profile_put_time(o, pv->last_ms);
    }

    return (size_t) (o - out);
}


/* Reads the place; -1 when it is not a valid one, or when coordinates
 * come without a place. */
static int
lr_profile_decode_place(const unsigned char *in, lr_profile *p)
{
    double  lat, lon;

    if (in[0] > 1) {
        return -1;
    }

    p->last_has_location = in[0];

    if (!p->last_has_location) {
        /* the encoder writes zeros: anything else is not an encoding */
        return lr_bytes_get_u64(in + 1) == 0 && lr_bytes_get_u64(in + 9) == 0
               ? 0 : -1;
    }

    lat = lr_bytes_get_f64(in + 1);
    lon = lr_bytes_get_f64(in + 9);

    /* NaN fails every comparison; infinities are out of range */
    if (!(lat >= -90.0 && lat <= 90.0 && lon >= -180.0 && lon <= 180.0)) {
        return -1;
    }

    p->last_lat = lat;
    p->last_lon = lon;

    return 0;
}


/* Reads the entries, rebuilding n[] and total[]; -1 on an invalid one. */
static int
lr_profile_decode_values(const unsigned char *in, lr_profile *p)
{
    unsigned           i, j, f;
    uint32_t           seen[LR_F_COUNT][LR_PROFILE_VALUES];
    lr_profile_value  *pv;

    for (i = 0; i < p->used; i++, in += LR_PROFILE_CODEC_ENTRY) {
        pv = &p->value[i];

        pv->value = lr_bytes_get_u32(in);
        pv->count = lr_bytes_get_u16(in + 4);
        pv->feature = in[6];
        pv->last_ms = lr_profile_get_time(in + 7);

        f = pv->feature;

        if (f >= LR_F_COUNT || pv->count == 0 || pv->last_ms < 0
            || p->n[f] >= LR_PROFILE_VALUES)
        {
            return -1;
        }

        /* at most 16 values per feature: a short scan finds a repeat */
        for (j = 0; j < p->n[f]; j++) {
            if (seen[f][j] == pv->value) {
                return -1;
            }
        }

        seen[f][p->n[f]++] = pv->value;
        p->total[f] += pv->count;

        if (i == 0 || pv->last_ms < p->oldest_ms) {
            p->oldest_ms = pv->last_ms;
        }
    }

    return 0;
}


int
lr_profile_decode(const unsigned char *in, size_t len, lr_profile *p)
{
    int64_t  oldest;

    memset(p, 0, sizeof(*p));

    if (len < LR_PROFILE_CODEC_HEADER
        || memcmp(in, lr_profile_codec_magic, sizeof(lr_profile_codec_magic))
           != 0
        || in[3] != LR_PROFILE_CODEC_VERSION)
    {
        return -1;
    }

    p->successes = lr_bytes_get_u32(in + 4);
    p->last_ms = lr_profile_get_time(in + 8);
    oldest = lr_profile_get_time(in + 16);
    p->used = in[41];

    if (p->used > LR_PROFILE_SLOTS
        || len != LR_PROFILE_CODEC_HEADER
                  + (size_t) p->used * LR_PROFILE_CODEC_ENTRY
        || p->last_ms < 0 || oldest < 0
        || lr_profile_decode_place(in + 24, p) != 0
        || lr_profile_decode_values(in + LR_PROFILE_CODEC_HEADER, p) != 0
        /* oldest_ms is recomputed from the entries, never trusted: it
         * decides whether lr_profile_expire() scans, so a later one
         * would keep values past their age; the stored copy must agree */
        || oldest != p->oldest_ms)
    {
        memset(p, 0, sizeof(*p));
        return -1;
    }

    return 0;
}
