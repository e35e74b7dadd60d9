#include "lr_listset.h"

#include <string.h>


static size_t
lr_listset_cap(size_t n)
{
    /* at most two thirds full: a miss stops after a few slots */
    return n ? n + n / 2 + 1 : 0;
}


size_t
lr_listset_mem(size_t n, int expiring)
{
    size_t  cap;

    cap = lr_listset_cap(n);

    return cap * sizeof(uint64_t) + (expiring ? cap * sizeof(uint32_t) : 0);
}


void
lr_listset_init(lr_listset *s, void *mem, size_t n, int expiring)
{
    s->cap = lr_listset_cap(n);
    s->max = n;
    s->n = 0;
    s->hash = NULL;
    s->expires = NULL;

    if (s->cap == 0) {
        return;
    }

    s->hash = mem;
    memset(s->hash, 0, s->cap * sizeof(uint64_t));

    if (expiring) {
        s->expires = (uint32_t *) (s->hash + s->cap);
    }
}


/* The first slot of h: mixed (the hashes of similar texts, "user1",
 * "user2", share many bits), then its high bits scaled to the capacity (a
 * multiply, not a division: the capacity need not be a power of two). */
static size_t
lr_listset_slot(const lr_listset *s, uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;

    return (size_t) (((h >> 32) * (uint64_t) s->cap) >> 32);
}


static size_t
lr_listset_next(const lr_listset *s, size_t i)
{
    return (i + 1 == s->cap) ? 0 : i + 1;
}


int
lr_listset_add(lr_listset *s, uint64_t h, uint32_t expires)
{
    size_t  i;

    if (h == 0 || s->cap == 0
        || (s->expires == NULL && expires != LR_LISTSET_NEVER))
    {
        return -1;
    }

    for (i = lr_listset_slot(s, h); s->hash[i] != 0;
         i = lr_listset_next(s, i))
    {
        if (s->hash[i] == h) {
            if (s->expires && expires > s->expires[i]) {
                s->expires[i] = expires;
            }

            return 0;
        }
    }

    /* at most two thirds full: a slot always stays empty, a miss ends */
    if (s->n >= s->max) {
        return -1;
    }

    s->hash[i] = h;

    if (s->expires) {
        s->expires[i] = expires;
    }

    s->n++;

    return 0;
}


int
lr_listset_has(const lr_listset *s, uint64_t h, uint32_t now)
{
    size_t  i;

    if (s->n == 0 || h == 0) {
        return 0;
    }

    for (i = lr_listset_slot(s, h); s->hash[i] != 0;
         i = lr_listset_next(s, i))
    {
        if (s->hash[i] == h) {
            return s->expires == NULL || now < s->expires[i];
        }
    }

    return 0;
}


uint32_t
lr_listset_expiry(int64_t expires_ms)
{
    int64_t  s;

    if (expires_ms <= 0) {
        return LR_LISTSET_NEVER;
    }

    s = (expires_ms + 999) / 1000;

    return s >= (int64_t) LR_LISTSET_NEVER ? LR_LISTSET_NEVER - 1
                                            : (uint32_t) s;
}
