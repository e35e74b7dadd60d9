#ifndef LR_PROFILE_CODEC_H
#define LR_PROFILE_CODEC_H

/*
 * A profile as bytes: one Redis string value that any front end reads
 * back, whatever its CPU. Every field is written byte by byte,
 * little-endian, and a double as its IEEE-754 bit pattern; no struct is
 * ever copied whole.
 *
 *   "LRP" version(1)
 *   successes u32, last_ms i64, oldest_ms i64, last_has_location u8,
 *   last_lat f64, last_lon f64, used u8,
 *   used x { value u32, count u16, feature u8, last_ms i64 }
 *
 * Entries keep the order of the in-memory array. n[] and total[] are not
 * stored but recomputed from the entries, and oldest_ms is checked
 * against them, so a decoded profile can never contradict itself.
 */

#include "lr_profile.h"

#include <stddef.h>

#define LR_PROFILE_CODEC_VERSION  1
#define LR_PROFILE_CODEC_HEADER   42    /* magic and version to used */
#define LR_PROFILE_CODEC_ENTRY    15
#define LR_PROFILE_CODEC_MAX                                                  \
    (LR_PROFILE_CODEC_HEADER + LR_PROFILE_SLOTS * LR_PROFILE_CODEC_ENTRY)

/*
 * Writes p to out (LR_PROFILE_CODEC_MAX bytes are always enough); returns
 * the bytes written. The encoding is deterministic: oldest_ms is written
 * as the oldest entry's time, and the place as zeros when there is none.
 */
size_t lr_profile_encode(const lr_profile *p, unsigned char *out);

/*
 * Reads exactly len bytes into p: 0, or -1 when they are not a valid
 * encoding (wrong magic or version, truncated, trailing bytes, used above
 * LR_PROFILE_SLOTS, an unknown feature, more than LR_PROFILE_VALUES
 * values of one feature, a value twice, a count of 0, a negative time,
 * oldest_ms not the oldest entry's time, a place not finite or out of
 * range, or present without last_has_location); p is all zeros then.
 */
int lr_profile_decode(const unsigned char *in, size_t len, lr_profile *p);

#endif
