
/*
 * make bench: what the allow and block lists cost a login, measured on the
 * structures the module matches with: nginx's own radix trees
 * (ngx_radix_tree.c of the nginx source, linked as it is) for addresses and
 * the engine's hash set (lr_listset) for the other kinds.
 *
 *   bench_lists [CIDRS [USERS [LOGINS]]]   (default 100000, 1000000, 2000000)
 *
 * The lists: CIDRS block entries (nine in ten IPv4, from /16 to single
 * addresses, the rest IPv6 /32 to /64), as a feed of attacking networks
 * would be, and USERS block entries of user ids. Each login then does what
 * ngx_http_login_risk_lists_match does: the hashes of its user, device,
 * country and network (lr_list_login_keys), a radix lookup of its address
 * in every address list (ip allow and block, anonymizer) and a probe of
 * every kind's hash sets, for the files' lists and the live ones. One
 * login in eight is on a list (a listed user or network), the rest miss.
 *
 * Printed: time to build the lists (what the master spends when it reads
 * the files, parsing aside), nanoseconds per login (best of five passes),
 * and the memory of the compiled lists.
 *
 * Memory comes from a pool stand-in that counts what the radix tree asks
 * for (ngx_palloc, ngx_pmemalign: in nginx, the configuration's pool);
 * the tree's nodes are handed to it in chunks, as the module does.
 */

#include <ngx_config.h>
#include <ngx_core.h>

#include "lr_list.h"
#include "lr_listset.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>


ngx_uint_t  ngx_pagesize = 4096;

static size_t  bench_pool_bytes;


/* the two pool functions ngx_radix_tree.c calls; in nginx they take from
 * the configuration's pool, which is never freed while it is in use */

void *
ngx_palloc(ngx_pool_t *pool, size_t size)
{
    bench_pool_bytes += size;

    return malloc(size);
}


void *
ngx_pmemalign(ngx_pool_t *pool, size_t size, size_t alignment)
{
    void  *p;

    bench_pool_bytes += size;

    return posix_memalign(&p, alignment, size) == 0 ? p : NULL;
}


static uint64_t  bench_rng = 0x2545f4914f6cdd1dull;


static uint32_t
bench_rand(void)
{
    bench_rng ^= bench_rng >> 12;
    bench_rng ^= bench_rng << 25;
    bench_rng ^= bench_rng >> 27;

    return (uint32_t) ((bench_rng * 0x2545f4914f6cdd1dull) >> 32);
}


static double
bench_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return ts.tv_sec + ts.tv_nsec / 1e9;
}


typedef struct {
    ngx_radix_tree_t  *v4;
    ngx_radix_tree_t  *v6;
    lr_listset         set;
    size_t             n;
} bench_list;


typedef struct {
    uint32_t  v4;
    u_char    v6[16];
    int       is_v6;
    char      user[32];
    char      country[3];
    uint32_t  asn;
} bench_login;


static bench_list  lists[2][LR_LK_COUNT][LR_LS_COUNT];    /* files, live */


/* what ngx_http_login_risk_radix_spare does: nodes in chunks, on the
 * tree's free list, before each insert */
static void
bench_spare(ngx_radix_tree_t *tree, ngx_uint_t need, ngx_uint_t left)
{
    ngx_uint_t         i, n;
    ngx_radix_node_t  *node, *chunk;

    for (i = 0, node = tree->free; node && i < need; node = node->right) {
        i++;
    }

    if (i == need) {
        return;
    }

    n = ngx_max(need, ngx_min(16384, 16 * left));
    chunk = ngx_palloc(NULL, n * sizeof(ngx_radix_node_t));

    for (i = 0; i < n; i++) {
        chunk[i].right = (i + 1 < n) ? &chunk[i + 1] : tree->free;
    }

    tree->free = chunk;
}


/* what ngx_http_login_risk_list_has does */
static int
bench_has(bench_list *l, uint32_t *v4, u_char *v6, uint64_t h, uint32_t now)
{
    uintptr_t  value;

    if (l->n == 0) {
        return 0;
    }

    if (l->v4 && v4) {
        value = ngx_radix32tree_find(l->v4, *v4);
        if (value != NGX_RADIX_NO_VALUE && (uintptr_t) now < value) {
            return 1;
        }
    }

    if (l->v6 && v6) {
        value = ngx_radix128tree_find(l->v6, v6);
        if (value != NGX_RADIX_NO_VALUE && (uintptr_t) now < value) {
            return 1;
        }
    }

    return lr_listset_has(&l->set, h, now);
}


/* what ngx_http_login_risk_lists_match does */
static unsigned
bench_match(bench_login *b, uint32_t now)
{
    int        src, k, s;
    u_char    *v6;
    uint32_t  *v4;
    uint64_t   key[LR_LK_COUNT];
    unsigned   found;
    lr_login   l;

    memset(&l, 0, sizeof(l));
    l.user = b->user;
    memcpy(l.geo.country, b->country, 3);
    l.geo.asn = b->asn;

    v4 = b->is_v6 ? NULL : &b->v4;
    v6 = b->is_v6 ? b->v6 : NULL;

    lr_list_login_keys(&l, key);
    found = 0;

    for (src = 0; src < 2; src++) {
        for (k = 0; k < LR_LK_COUNT; k++) {
            for (s = 0; s < LR_LS_COUNT; s++) {
                if (bench_has(&lists[src][k][s], v4, v6, key[k], now)) {
                    found |= 1u << (k * 2 + s);
                }
            }
        }
    }

    return found;
}


int
main(int argc, char **argv)
{
    int          i, pass, hits;
    char         user[32];
    size_t       ncidr, nuser, nlogin, tree_bytes, set_bytes, len;
    u_char       v6[16], mask6[16];
    double       t0, t, best;
    uint32_t     now, a, mask, bits;
    bench_list  *ip, *users;
    bench_login *logins;
    const char  *why;
    char         canon[64];

    ncidr = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
    nuser = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000;
    nlogin = argc > 3 ? strtoul(argv[3], NULL, 10) : 2000000;

    now = (uint32_t) time(NULL);
    ip = &lists[0][LR_LK_IP][LR_LS_BLOCK];
    users = &lists[0][LR_LK_USER][LR_LS_BLOCK];

    /* the address list: as the module compiles one, shortest prefixes
     * first (the entries here do not nest, so the order is that of the
     * draw) */
    t0 = bench_now();

    ip->v4 = ngx_radix_tree_create(NULL, -1);
    ip->v6 = ngx_radix_tree_create(NULL, -1);

    for (i = 0; (size_t) i < ncidr; i++) {
        if (i % 10 == 9) {
            memset(v6, 0, 16);
            memset(mask6, 0, 16);
            v6[0] = 0x20;
            v6[1] = 0x01;
            a = bench_rand();
            memcpy(v6 + 2, &a, 4);
            bits = 32 + bench_rand() % 33;
            for (a = 0; a < bits; a++) {
                mask6[a / 8] |= (u_char) (0x80 >> (a % 8));
            }
            for (a = 0; a < 16; a++) {
                v6[a] &= mask6[a];
            }
            bench_spare(ip->v6, bits + 1, ncidr - i);
            ngx_radix128tree_insert(ip->v6, v6, mask6, LR_LISTSET_NEVER);

        } else {
            bits = (i % 2) ? 32 : (i % 5) ? 24 : 16 + bench_rand() % 7;
            mask = (uint32_t) (0xffffffffu << (32 - bits));
            a = (bench_rand() | 0x01000000u) & mask;
            bench_spare(ip->v4, bits + 1, ncidr - i);
            ngx_radix32tree_insert(ip->v4, a, mask, LR_LISTSET_NEVER);
        }
        ip->n++;
    }

    tree_bytes = bench_pool_bytes;

    /* the user list: the canonical ids, hashed into a set made for them */
    set_bytes = lr_listset_mem(nuser, 0);
    lr_listset_init(&users->set, malloc(set_bytes), nuser, 0);

    for (i = 0; (size_t) i < nuser; i++) {
        snprintf(user, sizeof(user), "listed-%d", i);
        if (lr_list_canon(LR_LK_USER, user, strlen(user), canon,
                          sizeof(canon), &len, &why) != 0
            || lr_listset_add(&users->set,
                              lr_list_hash(LR_LK_USER, canon, len),
                              LR_LISTSET_NEVER) != 0)
        {
            fprintf(stderr, "bench_lists: could not add %s\n", user);
            return 1;
        }
    }
    users->n = nuser;

    t = bench_now() - t0;

    /* the logins: one in eight listed (user or address) */
    logins = calloc(nlogin, sizeof(bench_login));

    for (i = 0; (size_t) i < nlogin; i++) {
        if (i % 16 == 3 && nuser) {
            snprintf(logins[i].user, sizeof(logins[i].user), "listed-%u",
                     bench_rand() % (uint32_t) nuser);
        } else {
            snprintf(logins[i].user, sizeof(logins[i].user), "user%u",
                     bench_rand() % 1000000);
        }

        logins[i].is_v6 = (i % 10 == 7);
        logins[i].v4 = bench_rand() | 0x01000000u;
        memset(logins[i].v6, 0, 16);
        logins[i].v6[0] = 0x20;
        logins[i].v6[1] = 0x01;
        a = bench_rand();
        memcpy(logins[i].v6 + 2, &a, 4);
        memcpy(logins[i].country, i % 3 ? "JP" : "US", 3);
        logins[i].asn = 64496 + (uint32_t) i % 16;
    }

    best = 1e9;
    hits = 0;

    for (pass = 0; pass < 5; pass++) {
        hits = 0;
        t0 = bench_now();

        for (i = 0; (size_t) i < nlogin; i++) {
            hits += bench_match(&logins[i], now) != 0;
        }

        t0 = bench_now() - t0;
        best = t0 < best ? t0 : best;
    }

    printf("bench_lists: %zu CIDR entries (radix trees: %.1f MiB), %zu user "
           "entries (hash set: %.1f MiB), built in %.2f s\n",
           ncidr, tree_bytes / 1048576.0, nuser, set_bytes / 1048576.0, t);
    printf("bench_lists: %zu logins matched against every list (files and "
           "live), %d on a list: %.0f ns per login (best of 5; target: "
           "under 2000 ns)\n", nlogin, hits, best * 1e9 / nlogin);

    return 0;
}
