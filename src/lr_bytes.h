#ifndef LR_BYTES_H
#define LR_BYTES_H

/*
 * Little-endian integers as bytes, the one way the codecs (a profile, a
 * telemetry summary) write what goes to Redis: byte by byte, so that any
 * front end reads it back whatever its CPU, and no struct is ever copied
 * whole. A put returns the byte after what it wrote; a get reads from a
 * buffer whose length the caller has checked.
 *
 * static inline: each is a line or two, and a codec that uses only some
 * gets no -Wunused-function.
 */

#include <stdint.h>
#include <string.h>


/* a double travels as the 64 bits of its IEEE-754 pattern: no build where
 * it is not 64 bits */
typedef char  lr_bytes_double_is_64_bits
                  [sizeof(double) == sizeof(uint64_t) ? 1 : -1];


static inline unsigned char *
lr_bytes_put_u8(unsigned char *p, unsigned v)
{
    *p++ = (unsigned char) v;

    return p;
}


static inline unsigned char *
lr_bytes_put_u16(unsigned char *p, uint16_t v)
{
    *p++ = (unsigned char) v;
    *p++ = (unsigned char) (v >> 8);

    return p;
}


static inline unsigned char *
lr_bytes_put_u32(unsigned char *p, uint32_t v)
{
    unsigned  i;

    for (i = 0; i < 4; i++) {
        *p++ = (unsigned char) (v >> (8 * i));
    }

    return p;
}


static inline unsigned char *
lr_bytes_put_u64(unsigned char *p, uint64_t v)
{
    p = lr_bytes_put_u32(p, (uint32_t) v);

    return lr_bytes_put_u32(p, (uint32_t) (v >> 32));
}


static inline unsigned char *
lr_bytes_put_f64(unsigned char *p, double v)
{
    uint64_t  bits;

    memcpy(&bits, &v, sizeof(bits));

    return lr_bytes_put_u64(p, bits);
}


static inline uint16_t
lr_bytes_get_u16(const unsigned char *p)
{
    return (uint16_t) (p[0] | (unsigned) p[1] << 8);
}


static inline uint32_t
lr_bytes_get_u32(const unsigned char *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16
           | (uint32_t) p[3] << 24;
}


static inline uint64_t
lr_bytes_get_u64(const unsigned char *p)
{
    return (uint64_t) lr_bytes_get_u32(p)
           | (uint64_t) lr_bytes_get_u32(p + 4) << 32;
}


static inline double
lr_bytes_get_f64(const unsigned char *p)
{
    double    v;
    uint64_t  bits;

    bits = lr_bytes_get_u64(p);
    memcpy(&v, &bits, sizeof(v));

    return v;
}


#endif
