#ifndef LR_PROFILE_H
#define LR_PROFILE_H

/*
 * What a user's successful logins taught: per feature, the values seen
 * with their count and last time, bounded (at most LR_PROFILE_VALUES per
 * feature: the least recently seen value makes room) and aged (values not seen for max_age are dropped); and the time
 * and place of the last successful login.
 *
 * Compact on purpose: a profile is read for every login and there are
 * millions of them, so the values of all features share one array of
 * 16-byte entries (32-bit hashes: unique enough within one user) and a
 * typical profile fits in a few adjacent cache lines.
 */

#include "lr_features.h"

#include <stdint.h>

#define LR_PROFILE_VALUES  16       /* per feature */
#define LR_PROFILE_SLOTS   (LR_F_COUNT * LR_PROFILE_VALUES)

typedef struct {
    uint32_t          value;        /* low 32 bits of the feature hash */
    uint16_t          count;        /* saturates */
    uint8_t           feature;      /* lr_feature */
    int64_t           last_ms;      /* last seen */
} lr_profile_value;

typedef struct {
    uint32_t          successes;        /* within the kept history */
    uint32_t          total[LR_F_COUNT];    /* sum of counts per feature */
    uint8_t           n[LR_F_COUNT];    /* values kept per feature */
    uint8_t           used;             /* entries in use */
    int               last_has_location;
    int64_t           last_ms;          /* last success, 0: never */
    int64_t           oldest_ms;        /* no kept value is older;
                                           0: nothing kept */
    double            last_lat;
    double            last_lon;
    lr_profile_value  value[LR_PROFILE_SLOTS];
} lr_profile;

/* Count of a value in the profile, 0 when unseen (or v == 0). */
uint32_t lr_profile_count(const lr_profile *p, lr_feature f, uint64_t v);

/* The counts of all of a login's values, in one pass. The fingerprint's
 * is the sum of the counts of the known devices probably the same as it
 * (lr_devattr.h: its low 32 bits are the attribute vector). */
void lr_profile_counts(const lr_profile *p, const lr_features *fs,
    uint32_t seen[LR_F_COUNT]);

/* The similarity (per mille) of the known device most like the attribute
 * vector attrs; -1 when none can be compared with it. */
int lr_profile_device_like(const lr_profile *p, uint32_t attrs);

/* Sum of the counts kept for a feature. */
uint32_t lr_profile_total(const lr_profile *p, lr_feature f);

/* Teaches one successful login; keeps at most max_values per feature. */
void lr_profile_learn(lr_profile *p, const lr_features *fs, int64_t time_ms,
    int has_location, double lat, double lon, uint32_t max_values);

/* Teaches one value alone (support staff trusting a device for the user):
 * known from then on, without counting as a login (successes, the last
 * login's time and place stay as they are). */
void lr_profile_trust(lr_profile *p, lr_feature f, uint64_t v,
    int64_t time_ms, uint32_t max_values);

/* Drops values not seen for max_age_ms (scanning only when the oldest
 * kept value is that old). */
void lr_profile_expire(lr_profile *p, int64_t now_ms, int64_t max_age_ms);

#endif
