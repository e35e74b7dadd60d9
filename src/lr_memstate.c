#include "lr_memstate.h"

#include <stdlib.h>
#include <string.h>


/* distinct-count counters remember this many members; limits are lower */
#define LR_MEMSTATE_MEMBERS  16


/* a window starts with its first event and ends window_s later, as an
 * INCR + EXPIRE pair would in Redis */
typedef struct {
    int64_t            expires_ms;
    uint32_t           count;
} lr_memstate_counter;

typedef struct {
    int64_t            expires_ms;
    uint32_t           count;
    uint64_t           member[LR_MEMSTATE_MEMBERS];
} lr_memstate_set;


/*
 * Open addressing, linear probing. A slot is its 8-byte key (0: empty)
 * followed by a small value, so that a lookup touches one cache line: the
 * tables are far larger than the caches, and misses are what cost. Large
 * values (profiles) live outside the table, behind a pointer.
 */
typedef struct {
    unsigned char     *slot;
    size_t             slot_size;               /* key + value */
    size_t             cap;                     /* a power of two */
    size_t             used;
} lr_memstate_table;


struct lr_memstate {
    lr_memstate_table  profiles;                /* user -> lr_profile * */
    lr_memstate_table  population;              /* value -> uint64_t */
    lr_memstate_table  counters;                /* key -> counter */
    lr_memstate_table  sets;                    /* key -> set */
    uint64_t           pop_total;
};


static int
lr_memstate_table_init(lr_memstate_table *t, size_t value_size, size_t cap)
{
    /* values hold 64-bit fields: keep every slot 8-byte aligned */
    t->slot_size = sizeof(uint64_t) + (value_size + 7) / 8 * 8;
    t->slot = calloc(cap, t->slot_size);
    t->cap = cap;
    t->used = 0;

    return t->slot ? 0 : -1;
}


static uint64_t *
lr_memstate_slot(const lr_memstate_table *t, size_t i)
{
    return (uint64_t *) (t->slot + i * t->slot_size);
}


static size_t
lr_memstate_probe(const lr_memstate_table *t, uint64_t key)
{
    size_t  i;

    /* the keys are hashes already: the low bits are spread well */
    for (i = (size_t) key & (t->cap - 1);
         *lr_memstate_slot(t, i) != 0 && *lr_memstate_slot(t, i) != key;
         i = (i + 1) & (t->cap - 1))
    {
        /* void */
    }

    return i;
}


static void *
lr_memstate_find(const lr_memstate_table *t, uint64_t key)
{
    uint64_t  *slot;

    slot = lr_memstate_slot(t, lr_memstate_probe(t, key));

    return *slot == key ? slot + 1 : NULL;
}


static int
lr_memstate_grow(lr_memstate_table *t)
{
    size_t             i;
    uint64_t          *slot;
    lr_memstate_table  bigger;

    if (lr_memstate_table_init(&bigger, t->slot_size - sizeof(uint64_t),
                               t->cap * 2)
        != 0)
    {
        return -1;
    }

    for (i = 0; i < t->cap; i++) {
        slot = lr_memstate_slot(t, i);

        if (*slot != 0) {
            memcpy(lr_memstate_slot(&bigger, lr_memstate_probe(&bigger,
                                                               *slot)),
                   slot, t->slot_size);
        }
    }

    bigger.used = t->used;
    free(t->slot);
    *t = bigger;

    return 0;
}


/* Finds or adds a zeroed value for key; NULL when memory runs out. */
static void *
lr_memstate_get(lr_memstate_table *t, uint64_t key)
{
    uint64_t  *slot;

    if ((t->used + 1) * 10 > t->cap * 7 && lr_memstate_grow(t) != 0) {
        return NULL;
    }

    slot = lr_memstate_slot(t, lr_memstate_probe(t, key));

    if (*slot == 0) {
        *slot = key;
        t->used++;
    }

    return slot + 1;
}


lr_memstate *
lr_memstate_create(void)
{
    lr_memstate  *ms;

    ms = calloc(1, sizeof(*ms));
    if (ms == NULL) {
        return NULL;
    }

    if (lr_memstate_table_init(&ms->profiles, sizeof(lr_profile *), 1024)
        != 0
        || lr_memstate_table_init(&ms->population, sizeof(uint64_t), 4096)
           != 0
        || lr_memstate_table_init(&ms->counters, sizeof(lr_memstate_counter),
                                  4096)
           != 0
        || lr_memstate_table_init(&ms->sets, sizeof(lr_memstate_set), 1024)
           != 0)
    {
        lr_memstate_destroy(ms);
        return NULL;
    }

    return ms;
}


void
lr_memstate_destroy(lr_memstate *ms)
{
    size_t        i;
    lr_profile  **p;

    if (ms == NULL) {
        return;
    }

    for (i = 0; ms->profiles.slot && i < ms->profiles.cap; i++) {
        if (*lr_memstate_slot(&ms->profiles, i) != 0) {
            p = (lr_profile **) (lr_memstate_slot(&ms->profiles, i) + 1);
            free(*p);
        }
    }

    free(ms->profiles.slot);
    free(ms->population.slot);
    free(ms->counters.slot);
    free(ms->sets.slot);
    free(ms);
}


static int
lr_memstate_is_set(unsigned i)
{
    return i == LR_C_IP_USERS || i == LR_C_DEVICE_USERS;
}


/* Asks for the slot where a lookup of key starts, ahead of the lookup. */
static void
lr_memstate_prefetch(const lr_memstate_table *t, uint64_t key)
{
    if (key != 0) {
        __builtin_prefetch(lr_memstate_slot(t, (size_t) key & (t->cap - 1)));
    }
}


/*
 * A login's lookups hit a dozen places in tables larger than the caches;
 * started together, their misses overlap instead of queueing one by one.
 */
static void
lr_memstate_prefetch_all(const lr_memstate *ms, const lr_keys *keys)
{
    unsigned  i;

    lr_memstate_prefetch(&ms->profiles, keys->user);

    for (i = 0; i < LR_F_COUNT; i++) {
        lr_memstate_prefetch(&ms->population, keys->f.v[i]);
    }

    for (i = 0; i < LR_C_COUNT; i++) {
        lr_memstate_prefetch(lr_memstate_is_set(i) ? &ms->sets
                                                   : &ms->counters,
                             keys->counter[i]);
    }
}


static int
lr_memstate_read(void *impl, const lr_keys *keys, int64_t now_ms,
    int64_t profile_max_age_ms, lr_view *view)
{
    unsigned              i;
    uint64_t             *n;
    lr_profile          **p;
    lr_memstate          *ms;
    lr_memstate_counter  *c;

    ms = impl;
    lr_memstate_prefetch_all(ms, keys);
    memset(view, 0, sizeof(*view));

    p = keys->user ? lr_memstate_find(&ms->profiles, keys->user) : NULL;

    /* *p is NULL when a learn ran out of memory after adding the key */
    if (p != NULL && *p != NULL) {
        lr_profile_expire(*p, now_ms, profile_max_age_ms);

        if ((*p)->successes) {
            view->profile = *p;
            lr_profile_counts(*p, &keys->f, view->seen);
        }
    }

    for (i = 0; i < LR_F_COUNT; i++) {
        n = keys->f.v[i] ? lr_memstate_find(&ms->population, keys->f.v[i])
                         : NULL;
        view->pop[i] = n ? *n : 0;
    }

    view->pop_total = ms->pop_total;

    for (i = 0; i < LR_C_COUNT; i++) {
        if (keys->counter[i] == 0) {
            continue;
        }

        /* a set starts like a counter: expiry, then count */
        c = lr_memstate_find(lr_memstate_is_set(i) ? &ms->sets
                                                   : &ms->counters,
                             keys->counter[i]);
        view->counter[i] = (c && now_ms < c->expires_ms) ? c->count : 0;
    }

    return 0;
}


static void
lr_memstate_count(lr_memstate_counter *c, const lr_writes *w, unsigned i)
{
    if (w->time_ms >= c->expires_ms) {
        c->count = 0;
        c->expires_ms = w->time_ms + (int64_t) w->window_s[i] * 1000;
    }

    c->count++;
}


static void
lr_memstate_add(lr_memstate_set *s, const lr_writes *w, unsigned i)
{
    unsigned  j;

    if (w->time_ms >= s->expires_ms) {
        memset(s, 0, sizeof(*s));
        s->expires_ms = w->time_ms + (int64_t) w->window_s[i] * 1000;
    }

    for (j = 0; j < s->count && j < LR_MEMSTATE_MEMBERS; j++) {
        if (s->member[j] == w->member[i]) {
            return;
        }
    }

    if (s->count < LR_MEMSTATE_MEMBERS) {
        s->member[s->count] = w->member[i];
    }

    s->count++;
}


static int
lr_memstate_learn(lr_memstate *ms, const lr_writes *w)
{
    unsigned      i;
    uint64_t     *n;
    lr_profile  **p;

    if (w->user) {
        p = lr_memstate_get(&ms->profiles, w->user);
        if (p == NULL) {
            return -1;
        }

        if (*p == NULL) {
            *p = calloc(1, sizeof(lr_profile));
            if (*p == NULL) {
                return -1;
            }
        }

        lr_profile_expire(*p, w->time_ms, w->profile_max_age_ms);
        lr_profile_learn(*p, &w->f, w->time_ms, w->has_location, w->lat,
                         w->lon, w->profile_values);
    }

    for (i = 0; i < LR_F_COUNT; i++) {
        if (w->f.v[i] == 0) {
            continue;
        }

        n = lr_memstate_get(&ms->population, w->f.v[i]);
        if (n == NULL) {
            return -1;
        }

        (*n)++;
    }

    ms->pop_total++;

    return 0;
}


static int
lr_memstate_apply(void *impl, const lr_writes *w)
{
    void                 *v;
    unsigned              i;
    lr_memstate          *ms;
    lr_memstate_table    *t;

    ms = impl;

    if (w->learn && lr_memstate_learn(ms, w) != 0) {
        return -1;
    }

    for (i = 0; i < LR_C_COUNT; i++) {
        t = lr_memstate_is_set(i) ? &ms->sets : &ms->counters;

        if (w->reset[i]) {
            v = lr_memstate_find(t, w->reset[i]);
            if (v != NULL) {
                memset(v, 0, t->slot_size - sizeof(uint64_t));
            }
        }

        if (w->incr[i] == 0) {
            continue;
        }

        v = lr_memstate_get(t, w->incr[i]);
        if (v == NULL) {
            return -1;
        }

        if (lr_memstate_is_set(i)) {
            lr_memstate_add(v, w, i);

        } else {
            lr_memstate_count(v, w, i);
        }
    }

    return 0;
}


lr_state
lr_memstate_state(lr_memstate *ms)
{
    lr_state  state;

    state.impl = ms;
    state.read = lr_memstate_read;
    state.apply = lr_memstate_apply;

    return state;
}
