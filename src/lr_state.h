#ifndef LR_STATE_H
#define LR_STATE_H

/*
 * What the engine reads about a login before scoring it (lr_view) and what
 * an outcome changes afterwards (lr_writes), and the store interface that
 * does both. The engine decides what is read and written (lr_engine.c); a
 * store only keeps it: in memory (lr_memstate.c) or in Redis.
 */

#include "lr_config.h"
#include "lr_features.h"
#include "lr_profile.h"

#include <stdint.h>

/* the keys one login touches */
typedef struct {
    lr_features        f;
    uint64_t           user;                    /* 0: no user id */
    uint64_t           ip;                      /* who a store groups an */
    uint64_t           device;                  /* IP's or device's keys
                                                   under; 0: no device */
    uint64_t           counter[LR_C_COUNT];     /* 0: counter not kept */
    uint64_t           member[LR_C_COUNT];      /* what a distinct-count
                                                   counter counts */
} lr_keys;

typedef struct {
    const lr_profile  *profile;                 /* NULL: nothing learnt;
                                                   valid until the store's
                                                   next call */
    uint32_t           seen[LR_F_COUNT];        /* the user's count of each
                                                   of the login's values */
    uint64_t           pop[LR_F_COUNT];         /* population count of each
                                                   of the login's values */
    uint64_t           pop_total;               /* population logins */
    uint32_t           counter[LR_C_COUNT];     /* current window values */
} lr_view;

typedef struct {
    int64_t            time_ms;
    uint64_t           user;
    int                learn;                   /* teach profile and
                                                   population */
    lr_features        f;
    int                has_location;
    double             lat;
    double             lon;
    uint32_t           profile_values;
    int64_t            profile_max_age_ms;
    uint64_t           incr[LR_C_COUNT];        /* count the login in */
    uint64_t           member[LR_C_COUNT];
    uint32_t           window_s[LR_C_COUNT];
    uint64_t           reset[LR_C_COUNT];       /* clear these counters */
} lr_writes;

typedef struct {
    void  *impl;
    int  (*read)(void *impl, const lr_keys *keys, int64_t now_ms,
                 int64_t profile_max_age_ms, lr_view *view);
    int  (*apply)(void *impl, const lr_writes *writes);
} lr_state;

#endif
