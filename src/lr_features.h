#ifndef LR_FEATURES_H
#define LR_FEATURES_H

/*
 * The features of a login, as 64-bit hashes: profiles and population
 * counts keep hashes, never addresses or user agents in clear.
 *
 * Two hierarchies, each level's value including its parents, so that the
 * count of a value is never larger than its parent's (the statistical
 * model's back-off relies on it):
 *   network: country > ASN > prefix (/24, /48) > IP
 *   browser: device class > OS > browser family > family + major version
 * and two flat ones: the device cookie and the device fingerprint, whose
 * low 32 bits are the device's attribute vector (lr_devattr.h), so that
 * a profile, which keeps the low 32 bits, can compare devices attribute
 * by attribute. 0 means "unknown" (no device cookie, no attributes).
 */

#include "lr_login.h"

#include <stddef.h>
#include <stdint.h>

typedef enum {
    LR_F_COUNTRY = 0,
    LR_F_ASN,
    LR_F_PREFIX,
    LR_F_IP,
    LR_F_DEVCLASS,
    LR_F_OS,
    LR_F_BROWSER,
    LR_F_UA,
    LR_F_DEVICE,
    LR_F_FINGERPRINT,
    LR_F_COUNT
} lr_feature;

typedef struct {
    uint64_t  v[LR_F_COUNT];
} lr_features;

uint64_t lr_hash(uint64_t seed, const void *data, size_t len);
uint64_t lr_hash_u64(uint64_t seed, uint64_t v);
uint64_t lr_hash_str(uint64_t seed, const char *s);

#define LR_IP_PREFIX_MAX  17

/* Writes the /24 (IPv4) or /48 (IPv6) prefix of a textual address, as a
 * family byte and the prefix's bytes; returns their length, 0 when ip is
 * not an address. (out is 17 bytes: inet_pton writes a whole address.) */
size_t lr_ip_prefix(const char *ip, unsigned char out[LR_IP_PREFIX_MAX]);

void lr_features_of(const lr_login *login, lr_features *out);

const char *lr_feature_name(lr_feature f);

#endif
