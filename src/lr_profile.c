#include "lr_profile.h"
#include "lr_devattr.h"

#include <string.h>


uint32_t
lr_profile_count(const lr_profile *p, lr_feature f, uint64_t v)
{
    unsigned  i;
    uint32_t  v32;

    if (v == 0) {
        return 0;
    }

    v32 = (uint32_t) v;

    for (i = 0; i < p->used; i++) {
        if (p->value[i].value == v32 && p->value[i].feature == f) {
            return p->value[i].count;
        }
    }

    return 0;
}


void
lr_profile_counts(const lr_profile *p, const lr_features *fs,
    uint32_t seen[LR_F_COUNT])
{
    unsigned                 i;
    uint64_t                 v;
    const lr_profile_value  *pv;

    memset(seen, 0, LR_F_COUNT * sizeof(uint32_t));

    for (i = 0; i < p->used; i++) {
        pv = &p->value[i];
        v = fs->v[pv->feature];

        if (v == 0) {
            continue;
        }

        /* a device is known when one like it is: an update changes a few
         * of a browser's attributes, not the device (lr_devattr.h) */
        if (pv->feature == LR_F_FINGERPRINT) {
            if (lr_devattr_similarity(pv->value, (uint32_t) v)
                >= LR_DEVATTR_SAME_DEVICE)
            {
                seen[LR_F_FINGERPRINT] += pv->count;
            }

        } else if (pv->value == (uint32_t) v) {
            seen[pv->feature] = pv->count;
        }
    }
}


int
lr_profile_device_like(const lr_profile *p, uint32_t attrs)
{
    int       sim, best;
    unsigned  i;

    best = -1;

    for (i = 0; attrs != 0 && i < p->used; i++) {
        if (p->value[i].feature == LR_F_FINGERPRINT) {
            sim = lr_devattr_similarity(p->value[i].value, attrs);
            best = sim > best ? sim : best;
        }
    }

    return best;
}


uint32_t
lr_profile_total(const lr_profile *p, lr_feature f)
{
    return p->total[f];
}


static void
lr_profile_drop(lr_profile *p, unsigned i)
{
    unsigned  last;

    p->n[p->value[i].feature]--;
    p->total[p->value[i].feature] -= p->value[i].count;

    last = --p->used;
    p->value[i] = p->value[last];
}


/* The least recently seen value of feature f. */
static unsigned
lr_profile_oldest(const lr_profile *p, lr_feature f)
{
    unsigned  i, oldest;

    oldest = p->used;

    for (i = 0; i < p->used; i++) {
        if (p->value[i].feature == f
            && (oldest == p->used
                || p->value[i].last_ms < p->value[oldest].last_ms))
        {
            oldest = i;
        }
    }

    return oldest;
}


static void
lr_profile_add(lr_profile *p, lr_feature f, uint64_t v, int64_t time_ms,
    uint32_t max_values)
{
    unsigned           i;
    uint32_t           v32;
    lr_profile_value  *pv;

    v32 = (uint32_t) v;

    for (i = 0; i < p->used; i++) {
        if (p->value[i].value == v32 && p->value[i].feature == f) {
            pv = &p->value[i];

            if (pv->count < UINT16_MAX) {
                pv->count++;
                p->total[f]++;
            }

            /* a success reported late (learning writes of concurrent
             * logins may arrive out of order) must not make the value
             * look older than it is */
            if (time_ms > pv->last_ms) {
                pv->last_ms = time_ms;
            }

            return;
        }
    }

    if (max_values > LR_PROFILE_VALUES) {
        max_values = LR_PROFILE_VALUES;
    }

    /* every feature within its bound keeps the array within its size */
    if (p->n[f] >= max_values) {
        lr_profile_drop(p, lr_profile_oldest(p, f));
    }

    i = p->used++;
    p->value[i].value = v32;
    p->value[i].count = 1;
    p->value[i].feature = (uint8_t) f;
    p->value[i].last_ms = time_ms;
    p->n[f]++;
    p->total[f]++;

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
lr_profile_trust(lr_profile *p, lr_feature f, uint64_t v, int64_t time_ms,
    uint32_t max_values)
{
    if (v != 0) {
        lr_profile_add(p, f, v, time_ms, max_values);
    }
}


void
lr_profile_expire(lr_profile *p, int64_t now_ms, int64_t max_age_ms)
{
    unsigned  i;
    int64_t   oldest;

    /* oldest_ms is never later than the oldest value kept, so this skips
     * the scan only when nothing can be too old */
    if (p->oldest_ms == 0 || now_ms - p->oldest_ms <= max_age_ms) {
        return;
    }

    oldest = 0;

    for (i = 0; i < p->used; /* void */) {
        if (now_ms - p->value[i].last_ms > max_age_ms) {
            lr_profile_drop(p, i);
            continue;
        }

        if (oldest == 0 || p->value[i].last_ms < oldest) {
            oldest = p->value[i].last_ms;
        }

        i++;
    }

    p->oldest_ms = oldest;

    /* the country is known for every login: its total is the number of
     * successes still in the history */
    p->successes = p->total[LR_F_COUNTRY];

    if (p->successes == 0) {
        p->last_ms = 0;
        p->last_has_location = 0;
    }
}
