#ifndef LR_PROFILE_H
#define LR_PROFILE_H

/*
 * What a user's successful logins taught: per feature, the values seen
 * with their count and last time, bounded (the least recently seen value
 * makes room) and aged (values not seen for max_age are dropped); and the
 * time and place of the last successful login.
 */

#include "lr_features.h"

#include <stdint.h>

#define LR_PROFILE_VALUES  16

typedef struct {
    uint64_t  value;
    uint32_t  count;
    int64_t   last_ms;
} lr_profile_value;

typedef struct {
    lr_profile_value  value[LR_F_COUNT][LR_PROFILE_VALUES];
    uint8_t           n[LR_F_COUNT];
    uint32_t          successes;        /* within the kept history */
    int64_t           last_ms;          /* last success, 0: never */
    int64_t           oldest_ms;        /* no value was seen before this;
                                           0: nothing kept */
    int               last_has_location;
    double            last_lat;
    double            last_lon;
} lr_profile;

/* Count of a value in the profile, 0 when unseen (or v == 0). */
uint32_t lr_profile_count(const lr_profile *p, lr_feature f, uint64_t v);

/* Sum of the counts kept for a feature. */
uint32_t lr_profile_total(const lr_profile *p, lr_feature f);

/* Teaches one successful login; keeps at most max_values per feature. */
void lr_profile_learn(lr_profile *p, const lr_features *fs, int64_t time_ms,
    int has_location, double lat, double lon, uint32_t max_values);

/* Drops values not seen since now - max_age_ms (scanning only when the
 * oldest kept value is that old). */
void lr_profile_expire(lr_profile *p, int64_t now_ms, int64_t max_age_ms);

#endif
