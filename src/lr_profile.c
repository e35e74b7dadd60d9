#include "lr_profile.h"

#include <string.h>


uint32_t
lr_profile_count(const lr_profile *p, lr_feature f, uint64_t v)
{
    unsigned  i;

    if (v == 0) {
        return 0;
    }

    for (i = 0; i < p->n[f]; i++) {
        if (p->value[f][i].value == v) {
            return p->value[f][i].count;
        }
    }

    return 0;
}


uint32_t
lr_profile_total(const lr_profile *p, lr_feature f)
{
    unsigned  i;
    uint32_t  total;

    total = 0;

    for (i = 0; i < p->n[f]; i++) {
        total += p->value[f][i].count;
    }

    return total;
}


static void
lr_profile_add(lr_profile *p, lr_feature f, uint64_t v, int64_t time_ms,
    uint32_t max_values)
{
    unsigned           i, oldest;
    lr_profile_value  *pv;

    pv = p->value[f];

    for (i = 0; i < p->n[f]; i++) {
        if (pv[i].value == v) {
            pv[i].count++;
            /* a success reported late (learning writes of concurrent
             * logins may arrive out of order) must not make the value
             * look older than it is: it would be evicted or expired
             * early, and could predate oldest_ms */
            if (time_ms > pv[i].last_ms) {
                pv[i].last_ms = time_ms;
            }
            return;
        }
    }

    if (max_values > LR_PROFILE_VALUES) {
        max_values = LR_PROFILE_VALUES;
    }

    if (p->n[f] < max_values) {
        i = p->n[f]++;

    } else {
        oldest = 0;

        for (i = 1; i < p->n[f]; i++) {
            if (pv[i].last_ms < pv[oldest].last_ms) {
                oldest = i;
            }
        }

        i = oldest;
    }

    pv[i].value = v;
    pv[i].count = 1;
    pv[i].last_ms = time_ms;

    if (p->oldest_ms == 0 || time_ms < p->oldest_ms) {
        p->oldest_ms = time_ms;
    }
}


void
lr_profile_learn(lr_profile *p, const lr_features *fs, int64_t time_ms,
    int has_location, double lat, double lon, uint32_t max_values)
{
    unsigned  f;

    for (f = 0; f < LR_F_COUNT; f++) {
        if (fs->v[f] != 0) {
            lr_profile_add(p, (lr_feature) f, fs->v[f], time_ms, max_values);
        }
    }

    p->successes++;

    if (time_ms >= p->last_ms) {
        p->last_ms = time_ms;
        p->last_has_location = has_location;
        p->last_lat = lat;
        p->last_lon = lon;
    }
}


void
lr_profile_expire(lr_profile *p, int64_t now_ms, int64_t max_age_ms)
{
    unsigned  f, i, kept;
    uint32_t  total;

    int64_t   oldest;

    /* oldest_ms is never later than the oldest value kept, so this skips
     * the scan only when nothing can be too old */
    if (p->oldest_ms == 0 || now_ms - p->oldest_ms <= max_age_ms) {
        return;
    }

    oldest = 0;

    for (f = 0; f < LR_F_COUNT; f++) {
        kept = 0;

        for (i = 0; i < p->n[f]; i++) {
            if (now_ms - p->value[f][i].last_ms <= max_age_ms) {
                if (oldest == 0 || p->value[f][i].last_ms < oldest) {
                    oldest = p->value[f][i].last_ms;
                }
                p->value[f][kept++] = p->value[f][i];
            }
        }

        p->n[f] = (uint8_t) kept;
    }

    p->oldest_ms = oldest;

    /* the country feature is known for every login: its total is the
     * number of successes still in the history */
    total = lr_profile_total(p, LR_F_COUNTRY);
    p->successes = total;

    if (total == 0) {
        p->last_ms = 0;
        p->last_has_location = 0;
    }
}
