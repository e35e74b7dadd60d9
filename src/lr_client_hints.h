#ifndef LR_CLIENT_HINTS_H
#define LR_CLIENT_HINTS_H

/*
 * User-agent client hints: the Sec-CH-UA request header, an RFC 8941 list
 * of strings with a "v" parameter each,
 *
 *     "Chromium";v="156", "Not-A.Brand";v="24", "Google Chrome";v="156"
 *
 * read as the brand/major pairs that navigator.userAgentData.brands gives
 * the collector ("Chromium/156", js-collector/TELEMETRY.md, uach.brands).
 */

#include <stddef.h>

#define LR_CH_BRANDS_MAX  8     /* brands of a header, as uach.brands */
#define LR_CH_BRAND_MAX   64    /* characters of "Brand/major", as there */

/*
 * Whether the Sec-CH-UA value names the same brand/major pairs as
 * brands[0..n) ("Brand/major" each), as sets: order and repeats aside. A
 * value that is not such a list, or holds more than LR_CH_BRANDS_MAX
 * brands or a "Brand/major" longer than LR_CH_BRAND_MAX characters (the
 * collector could not send it), is no match. Parameters other than "v"
 * are read past; an empty value matches an empty set.
 */
int lr_ch_ua_matches(const char *value, const char *const *brands, size_t n);

#endif
