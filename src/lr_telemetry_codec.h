#ifndef LR_TELEMETRY_CODEC_H
#define LR_TELEMETRY_CODEC_H

/*
 * A telemetry summary (lr_telemetry.h) as bytes: the value kept in Redis
 * between the collect request and the login, which any front end reads
 * back. Field by field, little-endian (lr_bytes.h):
 *
 *   version(1) automation u8, scripted u8, mismatch u8, paste_password u8,
 *   device_attrs u32, ua_hash u64, keys u32, moves u32, submit_ms u32,
 *   timezone and languages: each a length byte and its characters
 */

#include "lr_telemetry.h"

#include <stddef.h>

#define LR_TELEMETRY_CODEC_VERSION  1
#define LR_TELEMETRY_SUMMARY_MAX    256     /* bytes of an encoded summary */

/*
 * encode returns the length written (at most LR_TELEMETRY_SUMMARY_MAX),
 * or 0 when cap is too small; decode returns 0, or -1 for anything that
 * is not a summary of this version (out zeroed): unknown bits, a length
 * past the buffer or the field, characters lr_telemetry_parse() never
 * keeps, trailing bytes.
 */
size_t lr_telemetry_encode(const lr_telemetry *t, unsigned char *buf,
    size_t cap);
int lr_telemetry_decode(const unsigned char *buf, size_t len,
    lr_telemetry *out);

#endif
