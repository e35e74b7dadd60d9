#ifndef LR_LISTSET_H
#define LR_LISTSET_H

/*
 * A set of 64-bit hashes, each with an expiry: the compiled form of one
 * allow or block list of a kind matched by hash (user, device, country,
 * ASN). Open addressing with linear probing in two flat arrays, sized once
 * for the number of entries (at most two thirds full), so that a lookup
 * is one or two cache lines. The memory is the caller's (an nginx pool):
 * nothing here allocates.
 *
 * Expiry is in Unix seconds; an entry is in force while now < expiry.
 * LR_LISTSET_NEVER never lapses. A set whose entries never lapse keeps no
 * expiry array at all.
 */

#include <stddef.h>
#include <stdint.h>

#define LR_LISTSET_NEVER  UINT32_MAX

typedef struct {
    uint64_t  *hash;            /* 0: an empty slot */
    uint32_t  *expires;         /* NULL: every entry is LR_LISTSET_NEVER */
    size_t     cap;             /* slots */
    size_t     max;             /* entries it was made for */
    size_t     n;               /* entries */
} lr_listset;

/* The bytes lr_listset_init needs for up to n entries, with or without
 * expiries. */
size_t lr_listset_mem(size_t n, int expiring);

/* An empty set for up to n entries in mem (lr_listset_mem bytes, aligned
 * for uint64_t). n 0 needs no memory (mem may be NULL). */
void lr_listset_init(lr_listset *s, void *mem, size_t n, int expiring);

/* Adds h (0 is not a hash: lr_hash never returns it). An entry already
 * there keeps the later of the two expiries. 0; -1 when the set is full
 * (more entries than it was made for), or when an expiry is given to a
 * set made without them. */
int lr_listset_add(lr_listset *s, uint64_t h, uint32_t expires);

/* 1 when h is in the set and in force at now, else 0. */
int lr_listset_has(const lr_listset *s, uint64_t h, uint32_t now);

/* Seconds from milliseconds, rounded up (an entry lasts at least as long
 * as it was given); 0 ms (never) is LR_LISTSET_NEVER. */
uint32_t lr_listset_expiry(int64_t expires_ms);

#endif
