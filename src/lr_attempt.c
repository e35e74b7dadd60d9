#include "lr_attempt.h"

#include <math.h>
#include <string.h>


#define LR_ATTEMPT_VERSION  1


/* little-endian, so that any front end reads what another wrote */
static unsigned char *
lr_attempt_put64(unsigned char *p, uint64_t v)
{
    unsigned  i;

    for (i = 0; i < 8; i++) {
        *p++ = (unsigned char) (v >> (8 * i));
    }

    return p;
}


static const unsigned char *
lr_attempt_get64(const unsigned char *p, uint64_t *v)
{
    unsigned  i;

    *v = 0;

    for (i = 0; i < 8; i++) {
        *v |= (uint64_t) p[i] << (8 * i);
    }

    return p + 8;
}


static uint64_t
lr_attempt_bits(double d)
{
    uint64_t  v;

    memcpy(&v, &d, sizeof(v));

    return v;
}


void
lr_attempt_encode(const lr_attempt *a, unsigned char out[LR_ATTEMPT_SIZE])
{
    unsigned        i;
    unsigned char  *p;

    p = out;
    *p++ = LR_ATTEMPT_VERSION;

    for (i = 0; i < LR_F_COUNT; i++) {
        p = lr_attempt_put64(p, a->f.v[i]);
    }

    p = lr_attempt_put64(p, (uint64_t) a->time_ms);
    *p++ = a->has_location ? 1 : 0;
    p = lr_attempt_put64(p, lr_attempt_bits(a->lat));
    lr_attempt_put64(p, lr_attempt_bits(a->lon));
}


int
lr_attempt_decode(const unsigned char *in, size_t len, lr_attempt *a)
{
    unsigned              i;
    uint64_t              v;
    const unsigned char  *p;

    memset(a, 0, sizeof(*a));

    if (len != LR_ATTEMPT_SIZE || in[0] != LR_ATTEMPT_VERSION
        || in[1 + 8 * LR_F_COUNT + 8] > 1)
    {
        return -1;
    }

    p = in + 1;

    for (i = 0; i < LR_F_COUNT; i++) {
        p = lr_attempt_get64(p, &a->f.v[i]);
    }

    p = lr_attempt_get64(p, &v);
    a->time_ms = (int64_t) v;
    a->has_location = *p++;
    p = lr_attempt_get64(p, &v);
    memcpy(&a->lat, &v, sizeof(v));
    lr_attempt_get64(p, &v);
    memcpy(&a->lon, &v, sizeof(v));

    if (a->time_ms < 0
        || (a->has_location
            && !(fabs(a->lat) <= 90.0 && fabs(a->lon) <= 180.0)))
    {
        memset(a, 0, sizeof(*a));
        return -1;
    }

    return 0;
}
