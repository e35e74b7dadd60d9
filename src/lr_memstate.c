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
    uint64_t           member[LR_MEMSTATE_MEMBERS];
} lr_memstate_counter;


/* open addressing, linear probing; key 0 marks an empty slot */
typedef struct {
    uint64_t          *key;
    unsigned char     *slot;
    size_t             slot_size;
    size_t             cap;                     /* a power of two */
    size_t             used;
} lr_memstate_table;


struct lr_memstate {
    lr_memstate_table  profiles;                /* user -> lr_profile */
    lr_memstate_table  population;              /* value -> uint64_t */
    lr_memstate_table  counters;                /* key -> counter */
    uint64_t           pop_total;
};


static int
lr_memstate_table_init(lr_memstate_table *t, size_t slot_size, size_t cap)
{
    t->key = calloc(cap, sizeof(uint64_t));
    t->slot = calloc(cap, slot_size);
    t->slot_size = slot_size;
    t->cap = cap;
    t->used = 0;

    return (t->key && t->slot) ? 0 : -1;
}


static void
lr_memstate_table_free(lr_memstate_table *t)
{
    free(t->key);
    free(t->slot);
}


static size_t
lr_memstate_probe(const lr_memstate_table *t, uint64_t key)
{
    size_t  i;

    /* the keys are hashes already: the low bits are spread well */
    for (i = (size_t) key & (t->cap - 1);
         t->key[i] != 0 && t->key[i] != key;
         i = (i + 1) & (t->cap - 1))
    {
        /* void */
    }

    return i;
}


static void *
lr_memstate_find(const lr_memstate_table *t, uint64_t key)
{
    size_t  i;

    i = lr_memstate_probe(t, key);

    return t->key[i] == key ? t->slot + i * t->slot_size : NULL;
}


static int
lr_memstate_grow(lr_memstate_table *t)
{
    size_t             i, j;
    lr_memstate_table  bigger;

    if (lr_memstate_table_init(&bigger, t->slot_size, t->cap * 2) != 0) {
        lr_memstate_table_free(&bigger);
        return -1;
    }

    for (i = 0; i < t->cap; i++) {
        if (t->key[i] != 0) {
            j = lr_memstate_probe(&bigger, t->key[i]);
            bigger.key[j] = t->key[i];
            memcpy(bigger.slot + j * t->slot_size,
                   t->slot + i * t->slot_size, t->slot_size);
        }
    }

    bigger.used = t->used;
    lr_memstate_table_free(t);
    *t = bigger;

    return 0;
}


/* Finds or adds a zeroed slot for key; NULL when memory runs out. */
static void *
lr_memstate_get(lr_memstate_table *t, uint64_t key)
{
    size_t  i;

    if ((t->used + 1) * 10 > t->cap * 7 && lr_memstate_grow(t) != 0) {
        return NULL;
    }

    i = lr_memstate_probe(t, key);

    if (t->key[i] == 0) {
        t->key[i] = key;
        t->used++;
    }

    return t->slot + i * t->slot_size;
}


lr_memstate *
lr_memstate_create(void)
{
    lr_memstate  *ms;

    ms = calloc(1, sizeof(*ms));
    if (ms == NULL) {
        return NULL;
    }

    if (lr_memstate_table_init(&ms->profiles, sizeof(lr_profile), 1024) != 0
        || lr_memstate_table_init(&ms->population, sizeof(uint64_t), 4096)
           != 0
        || lr_memstate_table_init(&ms->counters, sizeof(lr_memstate_counter),
                                  4096)
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
    if (ms == NULL) {
        return;
    }

    lr_memstate_table_free(&ms->profiles);
    lr_memstate_table_free(&ms->population);
    lr_memstate_table_free(&ms->counters);
    free(ms);
}


static int
lr_memstate_read(void *impl, const lr_keys *keys, int64_t now_ms,
    int64_t profile_max_age_ms, lr_view *view)
{
    unsigned              i;
    uint64_t             *n;
    lr_profile           *p;
    lr_memstate          *ms;
    lr_memstate_counter  *c;

    ms = impl;
    memset(view, 0, sizeof(*view));

    p = keys->user ? lr_memstate_find(&ms->profiles, keys->user) : NULL;

    if (p != NULL) {
        lr_profile_expire(p, now_ms, profile_max_age_ms);
        view->profile = p->successes ? p : NULL;
    }

    for (i = 0; i < LR_F_COUNT; i++) {
        n = keys->f.v[i] ? lr_memstate_find(&ms->population, keys->f.v[i])
                         : NULL;
        view->pop[i] = n ? *n : 0;
    }

    view->pop_total = ms->pop_total;

    for (i = 0; i < LR_C_COUNT; i++) {
        c = keys->counter[i] ? lr_memstate_find(&ms->counters,
                                                keys->counter[i])
                             : NULL;
        view->counter[i] = (c && now_ms < c->expires_ms) ? c->count : 0;
    }

    return 0;
}


static void
lr_memstate_count(lr_memstate_counter *c, const lr_writes *w, unsigned i)
{
    unsigned  j;

    if (w->time_ms >= c->expires_ms) {
        memset(c, 0, sizeof(*c));
        c->expires_ms = w->time_ms + (int64_t) w->window_s[i] * 1000;
    }

    if (w->member[i] == 0) {
        c->count++;
        return;
    }

    for (j = 0; j < c->count && j < LR_MEMSTATE_MEMBERS; j++) {
        if (c->member[j] == w->member[i]) {
            return;
        }
    }

    if (c->count < LR_MEMSTATE_MEMBERS) {
        c->member[c->count] = w->member[i];
    }

    c->count++;
}


static int
lr_memstate_apply(void *impl, const lr_writes *w)
{
    unsigned              i;
    uint64_t             *n;
    lr_profile           *p;
    lr_memstate          *ms;
    lr_memstate_counter  *c;

    ms = impl;

    if (w->learn && w->user) {
        p = lr_memstate_get(&ms->profiles, w->user);
        if (p == NULL) {
            return -1;
        }

        lr_profile_expire(p, w->time_ms, w->profile_max_age_ms);
        lr_profile_learn(p, &w->f, w->time_ms, w->has_location, w->lat,
                         w->lon, w->profile_values);
    }

    if (w->learn) {
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
    }

    for (i = 0; i < LR_C_COUNT; i++) {
        if (w->reset[i]) {
            c = lr_memstate_find(&ms->counters, w->reset[i]);
            if (c != NULL) {
                memset(c, 0, sizeof(*c));
            }
        }

        if (w->incr[i]) {
            c = lr_memstate_get(&ms->counters, w->incr[i]);
            if (c == NULL) {
                return -1;
            }

            lr_memstate_count(c, w, i);
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
