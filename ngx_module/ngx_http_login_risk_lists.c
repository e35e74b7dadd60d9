
/*
 * nginx-login-risk: allow and block lists. Entries come from list files,
 * read and compiled once by the master when the configuration is read
 * (the workers share them after fork), and from Redis, compiled by each
 * worker into its own copy (ngx_http_login_risk_lists_live.c). Addresses
 * and CIDRs go into nginx's radix trees, every other kind into a hash set
 * (lr_listset.h); both hold each entry's expiry, and an expired entry
 * never matches.
 */


#include "ngx_http_login_risk_module.h"


/* a list file may be large (a feed of networks, a million users) */
#define NGX_HTTP_LOGIN_RISK_LIST_FILE_MAX  (1024 * 1024 * 1024)

/* radix nodes are handed to a tree this many at a time (512 KiB) */
#define NGX_HTTP_LOGIN_RISK_RADIX_CHUNK    16384


typedef struct {
    ngx_cidr_t                 cidr;
    ngx_uint_t                 bits;
    uint32_t                   expires;
} ngx_http_login_risk_list_cidr_t;


typedef struct {
    uint64_t                   hash;
    uint32_t                   expires;
} ngx_http_login_risk_list_hash_t;


static ngx_int_t ngx_http_login_risk_list_file(ngx_conf_t *cf,
    ngx_http_login_risk_main_conf_t *lmcf,
    ngx_http_login_risk_list_file_t *file);
static ngx_uint_t ngx_http_login_risk_cidr_bits(ngx_cidr_t *cidr);
static void ngx_http_login_risk_cidr_unmap(ngx_http_login_risk_entry_t *e);
static int ngx_libc_cdecl ngx_http_login_risk_cidr_cmp(const void *one,
    const void *two);
static ngx_int_t ngx_http_login_risk_radix_spare(ngx_pool_t *pool,
    ngx_radix_tree_t *tree, ngx_uint_t need, ngx_uint_t left);
static ngx_int_t ngx_http_login_risk_cidr_insert(ngx_pool_t *pool,
    ngx_http_login_risk_list_t *list, ngx_http_login_risk_list_cidr_t *c,
    uint32_t expires, ngx_uint_t left);
static void ngx_http_login_risk_lists_find(ngx_http_login_risk_lists_t *ls,
    uint32_t *v4, u_char *v6, uint64_t key[LR_LK_COUNT], uint32_t now,
    lr_login *login);
static ngx_uint_t ngx_http_login_risk_list_has(
    ngx_http_login_risk_list_t *list, uint32_t *v4, u_char *v6, uint64_t h,
    uint32_t now);


/* login_risk_list KIND allow|block FILE; login_risk_list anonymizer FILE; */

char *
ngx_http_login_risk_list_conf(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_login_risk_main_conf_t  *lmcf = conf;

    int                               kind, side;
    ngx_str_t                        *value;
    ngx_uint_t                        i, n;
    ngx_http_login_risk_list_file_t  *file, *files;

    value = cf->args->elts;

    kind = lr_list_kind_of((char *) value[1].data, value[1].len);
    if (kind < 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "login_risk_list: unknown kind \"%V\", expected "
                           "ip, user, device, country, asn or anonymizer",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    if (kind == LR_LK_ANONYMIZER) {
        if (cf->args->nelts != 3) {
            return "takes \"anonymizer FILE\"";
        }

        side = LR_LS_ALLOW;

    } else {
        side = (cf->args->nelts == 4)
               ? lr_list_side_of((lr_list_kind) kind, (char *) value[2].data,
                                 value[2].len)
               : -1;

        if (side < 0) {
            return "takes \"KIND allow|block FILE\"";
        }
    }

    if (lmcf->list_files == NULL) {
        lmcf->list_files = ngx_array_create(cf->pool, 4,
                                    sizeof(ngx_http_login_risk_list_file_t));
        if (lmcf->list_files == NULL) {
            return NGX_CONF_ERROR;
        }

        n = LR_LK_COUNT * LR_LS_COUNT;

        /* gathered in the temporary pool: only the compiled lists stay */
        lmcf->list_build = ngx_pcalloc(cf->temp_pool,
                                n * sizeof(ngx_http_login_risk_list_build_t));
        if (lmcf->list_build == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    file = ngx_array_push(lmcf->list_files);
    if (file == NULL) {
        return NGX_CONF_ERROR;
    }

    file->kind = (lr_list_kind) kind;
    file->side = (lr_list_side) side;
    file->name = value[cf->args->nelts - 1];

    if (ngx_http_login_risk_read_file(cf, "login_risk_list", &file->name,
                                      NGX_HTTP_LOGIN_RISK_LIST_FILE_MAX,
                                      NGX_HTTP_LOGIN_RISK_FILE_EMPTY_OK,
                                      &file->content)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    files = lmcf->list_files->elts;

    for (i = 0; i < lmcf->list_files->nelts - 1; i++) {
        if (files[i].name.len == file->name.len
            && ngx_strncmp(files[i].name.data, file->name.data,
                           file->name.len)
               == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "login_risk_list: \"%V\" is named twice",
                               &file->name);
            return NGX_CONF_ERROR;
        }
    }

    if (ngx_http_login_risk_list_file(cf, lmcf, file) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* Every line of a list file, checked and gathered; the first bad one
 * stops the configuration with its file and line number. */

static ngx_int_t
ngx_http_login_risk_list_file(ngx_conf_t *cf,
    ngx_http_login_risk_main_conf_t *lmcf,
    ngx_http_login_risk_list_file_t *file)
{
    u_char                            *p, *last, *eol;
    uint32_t                           now, expires;
    ngx_int_t                          rc;
    ngx_uint_t                         line;
    const char                        *why;
    lr_list_line                       ln;
    ngx_http_login_risk_entry_t        e;
    ngx_http_login_risk_list_build_t  *b;
    u_char                             buf[NGX_HTTP_LOGIN_RISK_ENTRY_LEN];

    b = &lmcf->list_build[file->kind * LR_LS_COUNT + file->side];
    now = (uint32_t) ngx_time();

    p = file->content.data;
    last = p + file->content.len;

    for (line = 1; p < last; line++, p = eol + 1) {
        eol = ngx_strlchr(p, last, '\n');
        if (eol == NULL) {
            eol = last;
        }

        rc = lr_list_line_parse((char *) p, eol - p, &ln, &why);

        if (rc == 1) {
            continue;
        }

        if (rc == 0
            && ngx_http_login_risk_list_entry(file->kind, (u_char *) ln.entry,
                                              ln.entry_len, &e, buf, &why)
               != NGX_OK)
        {
            rc = -1;
        }

        if (rc != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "login_risk_list: %V:%ui: %s", &file->name,
                               line, why);
            return NGX_ERROR;
        }

        expires = lr_listset_expiry(ln.expires_ms);

        /* an entry that has expired already is kept out */
        if (expires <= now) {
            continue;
        }

        if (ngx_http_login_risk_list_add(cf->temp_pool, b, &e, expires)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/* The lists of the files, compiled once by the master into the cycle's
 * pool: every worker shares them. */

ngx_int_t
ngx_http_login_risk_lists_init(ngx_conf_t *cf,
    ngx_http_login_risk_main_conf_t *lmcf)
{
    ngx_uint_t  k, s;

    if (lmcf->list_refresh == NGX_CONF_UNSET_MSEC) {
        lmcf->list_refresh = 1000;
    }

    if (lmcf->list_files == NULL) {
        return NGX_OK;
    }

    lmcf->lists = ngx_pcalloc(cf->pool, sizeof(ngx_http_login_risk_lists_t));
    if (lmcf->lists == NULL) {
        return NGX_ERROR;
    }

    for (k = 0; k < LR_LK_COUNT; k++) {
        for (s = 0; s < LR_LS_COUNT; s++) {
            if (ngx_http_login_risk_list_compile(cf->pool,
                                        &lmcf->list_build[k * LR_LS_COUNT + s],
                                        &lmcf->lists->list[k][s])
                != NGX_OK)
            {
                return NGX_ERROR;
            }
        }
    }

    lmcf->list_build = NULL;

    return NGX_OK;
}


/*
 * An entry of a kind, parsed: an address or CIDR by nginx's own parser
 * (host bits beyond the prefix are dropped, an IPv4-mapped IPv6 prefix is
 * taken as IPv4), anything else canonicalised and hashed by the engine.
 * buf holds the canonical text (NGX_HTTP_LOGIN_RISK_ENTRY_LEN bytes).
 */

ngx_int_t
ngx_http_login_risk_list_entry(lr_list_kind kind, u_char *text, size_t len,
    ngx_http_login_risk_entry_t *e, u_char *buf, const char **why)
{
    int        rc;
    u_char    *p;
    size_t     n;
    ngx_str_t  s;

    ngx_memzero(e, sizeof(ngx_http_login_risk_entry_t));

    rc = lr_list_canon(kind, (char *) text, len, (char *) buf,
                       NGX_HTTP_LOGIN_RISK_ENTRY_LEN, &n, why);

    if (rc < 0) {
        return NGX_ERROR;
    }

    if (rc == 0) {
        e->hash = lr_list_hash(kind, (char *) buf, n);
        e->canon.data = buf;
        e->canon.len = n;
        return NGX_OK;
    }

    s.data = text;
    s.len = len;

    if (ngx_ptocidr(&s, &e->cidr) == NGX_ERROR) {
        *why = (kind == LR_LK_IP)
               ? "not an IPv4 or IPv6 address or CIDR"
               : "not an address, a CIDR or an AS number (AS64496)";
        return NGX_ERROR;
    }

    e->address = 1;
    e->bits = ngx_http_login_risk_cidr_bits(&e->cidr);
    ngx_http_login_risk_cidr_unmap(e);

    if (e->cidr.family == AF_INET) {
        p = buf + ngx_inet_ntop(AF_INET, &e->cidr.u.in.addr, buf,
                                NGX_INET_ADDRSTRLEN);
        if (e->bits != 32) {
            p = ngx_sprintf(p, "/%ui", e->bits);
        }

    } else {
        p = buf + ngx_inet_ntop(AF_INET6, e->cidr.u.in6.addr.s6_addr, buf,
                                NGX_INET6_ADDRSTRLEN);
        if (e->bits != 128) {
            p = ngx_sprintf(p, "/%ui", e->bits);
        }
    }

    *p = '\0';
    e->canon.data = buf;
    e->canon.len = p - buf;

    return NGX_OK;
}


static ngx_uint_t
ngx_http_login_risk_cidr_bits(ngx_cidr_t *cidr)
{
    u_char      *m;
    uint32_t     v;
    ngx_uint_t   i, bits;

    bits = 0;

    if (cidr->family == AF_INET) {
        for (v = ntohl(cidr->u.in.mask); v & 0x80000000; v <<= 1) {
            bits++;
        }

        return bits;
    }

    m = cidr->u.in6.mask.s6_addr;

    for (i = 0; i < 16 * 8 && (m[i / 8] & (0x80 >> (i % 8))); i++) {
        bits++;
    }

    return bits;
}


/* ::ffff:192.0.2.0/120 is 192.0.2.0/24: clients are matched as IPv4 */

static void
ngx_http_login_risk_cidr_unmap(ngx_http_login_risk_entry_t *e)
{
    u_char     *a;
    ngx_uint_t  bits;

    if (e->cidr.family != AF_INET6 || e->bits < 96
        || !IN6_IS_ADDR_V4MAPPED(&e->cidr.u.in6.addr))
    {
        return;
    }

    a = e->cidr.u.in6.addr.s6_addr;
    bits = e->bits - 96;

    e->cidr.family = AF_INET;
    ngx_memcpy(&e->cidr.u.in.addr, a + 12, 4);
    e->cidr.u.in.mask = bits ? htonl((uint32_t) (0xffffffffu << (32 - bits)))
                             : 0;
    e->bits = bits;
}


ngx_int_t
ngx_http_login_risk_list_add(ngx_pool_t *pool,
    ngx_http_login_risk_list_build_t *b, ngx_http_login_risk_entry_t *e,
    uint32_t expires)
{
    ngx_http_login_risk_list_cidr_t  *c;
    ngx_http_login_risk_list_hash_t  *h;

    if (expires != LR_LISTSET_NEVER) {
        b->expiring = 1;
    }

    if (e->address) {
        if (b->cidrs == NULL) {
            b->cidrs = ngx_array_create(pool, 16,
                                    sizeof(ngx_http_login_risk_list_cidr_t));
            if (b->cidrs == NULL) {
                return NGX_ERROR;
            }
        }

        c = ngx_array_push(b->cidrs);
        if (c == NULL) {
            return NGX_ERROR;
        }

        c->cidr = e->cidr;
        c->bits = e->bits;
        c->expires = expires;

        return NGX_OK;
    }

    if (b->hashes == NULL) {
        b->hashes = ngx_array_create(pool, 16,
                                     sizeof(ngx_http_login_risk_list_hash_t));
        if (b->hashes == NULL) {
            return NGX_ERROR;
        }
    }

    h = ngx_array_push(b->hashes);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = e->hash;
    h->expires = expires;

    return NGX_OK;
}


/*
 * Compiles what was gathered into list, in pool. Addresses go in from the
 * shortest prefix to the longest: a prefix inside another then takes the
 * later of the two expiries, so that the radix tree's longest match (the
 * innermost prefix) says whether any entry covering the address is still
 * in force.
 */

ngx_int_t
ngx_http_login_risk_list_compile(ngx_pool_t *pool,
    ngx_http_login_risk_list_build_t *b, ngx_http_login_risk_list_t *list)
{
    void                             *mem;
    uint32_t                          expires;
    ngx_uint_t                        i, n;
    ngx_http_login_risk_list_cidr_t  *c;
    ngx_http_login_risk_list_hash_t  *h;

    ngx_memzero(list, sizeof(ngx_http_login_risk_list_t));

    if (b->hashes && b->hashes->nelts) {
        n = b->hashes->nelts;
        mem = ngx_palloc(pool, lr_listset_mem(n, (int) b->expiring));
        if (mem == NULL) {
            return NGX_ERROR;
        }

        lr_listset_init(&list->set, mem, n, (int) b->expiring);
        h = b->hashes->elts;

        for (i = 0; i < n; i++) {
            if (lr_listset_add(&list->set, h[i].hash, h[i].expires) != 0) {
                return NGX_ERROR;
            }
        }

        list->n += list->set.n;
    }

    if (b->cidrs == NULL || b->cidrs->nelts == 0) {
        return NGX_OK;
    }

    c = b->cidrs->elts;
    n = b->cidrs->nelts;

    ngx_qsort(c, n, sizeof(ngx_http_login_risk_list_cidr_t),
              ngx_http_login_risk_cidr_cmp);

    for (i = 0; i < n; i++) {
        expires = c[i].expires;

        /* the same prefix twice: it lasts as long as the later one */
        while (i + 1 < n && ngx_http_login_risk_cidr_cmp(&c[i], &c[i + 1]) == 0)
        {
            i++;
            expires = ngx_max(expires, c[i].expires);
        }

        if (ngx_http_login_risk_cidr_insert(pool, list, &c[i], expires,
                                            n - i)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        list->n++;
    }

    return NGX_OK;
}


/* by family, then prefix length, then address */

static int ngx_libc_cdecl
ngx_http_login_risk_cidr_cmp(const void *one, const void *two)
{
    const ngx_http_login_risk_list_cidr_t  *a = one;
    const ngx_http_login_risk_list_cidr_t  *b = two;

    if (a->cidr.family != b->cidr.family) {
        return a->cidr.family < b->cidr.family ? -1 : 1;
    }

    if (a->bits != b->bits) {
        return a->bits < b->bits ? -1 : 1;
    }

    if (a->cidr.family == AF_INET) {
        return ngx_memcmp(&a->cidr.u.in.addr, &b->cidr.u.in.addr, 4);
    }

    return ngx_memcmp(a->cidr.u.in6.addr.s6_addr, b->cidr.u.in6.addr.s6_addr,
                      16);
}


static ngx_int_t
ngx_http_login_risk_cidr_insert(ngx_pool_t *pool,
    ngx_http_login_risk_list_t *list, ngx_http_login_risk_list_cidr_t *c,
    uint32_t expires, ngx_uint_t left)
{
    uintptr_t          outer;
    ngx_int_t          rc;
    ngx_radix_tree_t  *tree;

    if (c->cidr.family == AF_INET) {
        if (list->v4 == NULL) {
            list->v4 = ngx_radix_tree_create(pool, -1);
            if (list->v4 == NULL) {
                return NGX_ERROR;
            }
        }

        tree = list->v4;

        if (ngx_http_login_risk_radix_spare(pool, tree, c->bits + 1, left)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        /* what covers it already is a shorter prefix: inserted before */
        outer = ngx_radix32tree_find(tree, ntohl(c->cidr.u.in.addr));
        if (outer != NGX_RADIX_NO_VALUE && outer > (uintptr_t) expires) {
            expires = (uint32_t) outer;
        }

        rc = ngx_radix32tree_insert(tree, ntohl(c->cidr.u.in.addr),
                                    ntohl(c->cidr.u.in.mask),
                                    (uintptr_t) expires);

    } else {
        if (list->v6 == NULL) {
            list->v6 = ngx_radix_tree_create(pool, -1);
            if (list->v6 == NULL) {
                return NGX_ERROR;
            }
        }

        tree = list->v6;

        if (ngx_http_login_risk_radix_spare(pool, tree, c->bits + 1, left)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        outer = ngx_radix128tree_find(tree, c->cidr.u.in6.addr.s6_addr);
        if (outer != NGX_RADIX_NO_VALUE && outer > (uintptr_t) expires) {
            expires = (uint32_t) outer;
        }

        rc = ngx_radix128tree_insert(tree, c->cidr.u.in6.addr.s6_addr,
                                     c->cidr.u.in6.mask.s6_addr,
                                     (uintptr_t) expires);
    }

    /* NGX_BUSY cannot happen: a prefix comes once, after its duplicates
     * were merged */
    return rc == NGX_ERROR ? NGX_ERROR : NGX_OK;
}


/*
 * Makes sure the tree has need nodes on its free list, which
 * ngx_radix_alloc() takes from before it asks its pool for a page: nodes
 * handed over in large chunks lie together and cost no more than their
 * size, where a page of nodes from ngx_pmemalign() costs the heap about
 * two (a list of 100,000 CIDRs: half the memory).
 */

static ngx_int_t
ngx_http_login_risk_radix_spare(ngx_pool_t *pool, ngx_radix_tree_t *tree,
    ngx_uint_t need, ngx_uint_t left)
{
    ngx_uint_t         i, n;
    ngx_radix_node_t  *node, *chunk;

    for (i = 0, node = tree->free; node && i < need; node = node->right) {
        i++;
    }

    if (i == need) {
        return NGX_OK;
    }

    /* a short list gets a short chunk: about 16 nodes an entry left */
    n = ngx_max(need, ngx_min(NGX_HTTP_LOGIN_RISK_RADIX_CHUNK, 16 * left));

    chunk = ngx_palloc(pool, n * sizeof(ngx_radix_node_t));
    if (chunk == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < n; i++) {
        chunk[i].right = (i + 1 < n) ? &chunk[i + 1] : tree->free;
    }

    tree->free = chunk;

    return NGX_OK;
}


/*
 * Sets what the lists say of a login (lr_login.allow, .block, .anonymizer)
 * from the client address and the login's user, device, country and
 * network: the files' lists and the worker's copy of Redis's.
 */

void
ngx_http_login_risk_lists_match(ngx_http_login_risk_main_conf_t *lmcf,
    struct sockaddr *sa, lr_login *login)
{
    u_char                       *v6;
    uint32_t                      now, addr, *v4;
    uint64_t                      key[LR_LK_COUNT];
    struct in6_addr              *a6;
    ngx_http_login_risk_lists_t  *live;

    live = ngx_http_login_risk_live_lists(lmcf);

    if (lmcf->lists == NULL && live == NULL) {
        return;
    }

    v4 = NULL;
    v6 = NULL;

    if (sa && sa->sa_family == AF_INET) {
        addr = ntohl(((struct sockaddr_in *) sa)->sin_addr.s_addr);
        v4 = &addr;

    } else if (sa && sa->sa_family == AF_INET6) {
        a6 = &((struct sockaddr_in6 *) sa)->sin6_addr;

        if (IN6_IS_ADDR_V4MAPPED(a6)) {
            addr = ((uint32_t) a6->s6_addr[12] << 24)
                   | ((uint32_t) a6->s6_addr[13] << 16)
                   | ((uint32_t) a6->s6_addr[14] << 8) | a6->s6_addr[15];
            v4 = &addr;

        } else {
            v6 = a6->s6_addr;
        }
    }

    lr_list_login_keys(login, key);
    now = (uint32_t) ngx_time();

    if (lmcf->lists) {
        ngx_http_login_risk_lists_find(lmcf->lists, v4, v6, key, now, login);
    }

    if (live) {
        ngx_http_login_risk_lists_find(live, v4, v6, key, now, login);
    }
}


static void
ngx_http_login_risk_lists_find(ngx_http_login_risk_lists_t *ls, uint32_t *v4,
    u_char *v6, uint64_t key[LR_LK_COUNT], uint32_t now, lr_login *login)
{
    ngx_uint_t  k, s;

    for (k = 0; k < LR_LK_ANONYMIZER; k++) {
        for (s = 0; s < LR_LS_COUNT; s++) {
            if (ngx_http_login_risk_list_has(&ls->list[k][s], v4, v6, key[k],
                                             now))
            {
                if (s == LR_LS_ALLOW) {
                    login->allow |= lr_list_kind_bit((lr_list_kind) k);

                } else {
                    login->block |= lr_list_kind_bit((lr_list_kind) k);
                }
            }
        }
    }

    if (ngx_http_login_risk_list_has(&ls->list[LR_LK_ANONYMIZER][LR_LS_ALLOW],
                                     v4, v6, key[LR_LK_ANONYMIZER], now))
    {
        login->anonymizer = 1;
    }
}


static ngx_uint_t
ngx_http_login_risk_list_has(ngx_http_login_risk_list_t *list, uint32_t *v4,
    u_char *v6, uint64_t h, uint32_t now)
{
    uintptr_t  value;

    if (list->n == 0) {
        return 0;
    }

    if (list->v4 && v4) {
        value = ngx_radix32tree_find(list->v4, *v4);

        if (value != NGX_RADIX_NO_VALUE && (uintptr_t) now < value) {
            return 1;
        }
    }

    if (list->v6 && v6) {
        value = ngx_radix128tree_find(list->v6, v6);

        if (value != NGX_RADIX_NO_VALUE && (uintptr_t) now < value) {
            return 1;
        }
    }

    return lr_listset_has(&list->set, h, now);
}
