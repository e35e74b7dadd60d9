/*
 * A user's profile as read back from Redis (lr_profile_decode), where
 * anyone who reaches Redis can write it, then used as a login uses it:
 * expired at the login's time, counted against its features, compared
 * with its device, learnt onto and written again.
 *
 * Checks: a refusal zeroes the profile; a decoded one is consistent (n[]
 * and total[] from its entries, oldest_ms the oldest entry's time, a place
 * in range) and re-encodes to exactly its bytes; after expiry and a
 * success learnt onto it, it still encodes to a profile that decodes.
 */

#include "fuzz.h"

#include "lr_config.h"
#include "lr_devattr.h"
#include "lr_engine.h"
#include "lr_profile.h"
#include "lr_profile_codec.h"


/* 2026-03-01T12:00:00Z, the login's time */
#define FUZZ_NOW_MS  1772366400000LL


static void fuzz_consistent(const lr_profile *p);


static const lr_features  fuzz_features = { {
    0x1111111111111111ULL, 0x2222222222222222ULL, 0x3333333333333333ULL,
    0x4444444444444444ULL, 0x5555555555555555ULL, 0x6666666666666666ULL,
    0x7777777777777777ULL, 0x8888888888888888ULL, 0x9999999999999999ULL,
    0x0000000012345678ULL
} };


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t          n;
    uint32_t        seen[LR_F_COUNT];
    lr_config       cfg;
    lr_profile      p, back;
    unsigned char   buf[LR_PROFILE_CODEC_MAX];

    if (lr_profile_decode(data, size, &p) != 0) {
        FUZZ_CHECK(fuzz_is_zero(&p, sizeof(p)));
        return 0;
    }

    fuzz_consistent(&p);

    /* one encoding per profile */
    n = lr_profile_encode(&p, buf);
    FUZZ_CHECK(n == size && memcmp(buf, data, size) == 0);

    /* a login's use of it */
    lr_config_default(&cfg);
    lr_profile_expire(&p, FUZZ_NOW_MS, cfg.profile_max_age_s * 1000);
    fuzz_consistent(&p);

    lr_profile_counts(&p, &fuzz_features, seen);
    FUZZ_CHECK(seen[LR_F_COUNTRY] <= lr_profile_total(&p, LR_F_COUNTRY));
    FUZZ_CHECK(lr_profile_device_like(&p, 0x12345678) <= 1000);

    lr_profile_learn(&p, &fuzz_features, FUZZ_NOW_MS, 1, 35.69, 139.69,
                     cfg.profile_values);
    fuzz_consistent(&p);
    FUZZ_CHECK(lr_profile_count(&p, LR_F_IP, fuzz_features.v[LR_F_IP]) > 0);

    n = lr_profile_encode(&p, buf);
    FUZZ_CHECK(n <= sizeof(buf));
    FUZZ_CHECK(lr_profile_decode(buf, n, &back) == 0);
    fuzz_consistent(&back);

    return 0;
}


static void
fuzz_consistent(const lr_profile *p)
{
    unsigned  f, i, j, n[LR_F_COUNT];
    uint32_t  total[LR_F_COUNT];

    FUZZ_CHECK(p->used <= LR_PROFILE_SLOTS);
    FUZZ_CHECK(p->last_has_location == 0 || p->last_has_location == 1);

    if (p->last_has_location) {
        FUZZ_CHECK(p->last_lat >= -90 && p->last_lat <= 90
                   && p->last_lon >= -180 && p->last_lon <= 180);
    }

    memset(n, 0, sizeof(n));
    memset(total, 0, sizeof(total));

    for (i = 0; i < p->used; i++) {
        f = p->value[i].feature;

        FUZZ_CHECK(f < LR_F_COUNT && p->value[i].count > 0);
        FUZZ_CHECK(p->value[i].last_ms >= p->oldest_ms);

        /* one entry per value of a feature */
        for (j = 0; j < i; j++) {
            FUZZ_CHECK(p->value[j].feature != f
                       || p->value[j].value != p->value[i].value);
        }

        n[f]++;
        total[f] += p->value[i].count;
    }

    for (f = 0; f < LR_F_COUNT; f++) {
        FUZZ_CHECK(n[f] == p->n[f] && n[f] <= LR_PROFILE_VALUES);
        FUZZ_CHECK(total[f] == p->total[f]);
    }
}
