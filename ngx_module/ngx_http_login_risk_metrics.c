
/*
 * nginx-login-risk: metrics. Counters in one shared memory zone, so that
 * the numbers of every worker add up and outlive a reload; each counter on
 * a cache line of its own, moved by one atomic add (no lock on the login
 * path). The location with login_risk_metrics serves them in Prometheus's
 * text format (0.0.4).
 */


#include "ngx_http_login_risk_module.h"

#include <time.h>


/* the reasons besides the rules': what the body said, the state, the
 * model's; then the rules (lr_rule_code), the lists and "other" */
#define NGX_HTTP_LOGIN_RISK_M_FIXED    10
#define NGX_HTTP_LOGIN_RISK_M_LISTS    10
#define NGX_HTTP_LOGIN_RISK_M_REASONS                                         \
    (NGX_HTTP_LOGIN_RISK_M_FIXED + LR_RULE_COUNT + NGX_HTTP_LOGIN_RISK_M_LISTS \
     + 1)
#define NGX_HTTP_LOGIN_RISK_M_OTHER    (NGX_HTTP_LOGIN_RISK_M_REASONS - 1)

#define NGX_HTTP_LOGIN_RISK_M_ACTIONS  4            /* lr_action */
#define NGX_HTTP_LOGIN_RISK_M_TOKENS   7            /* lr_token_state, and
                                                       unchecked */
#define NGX_HTTP_LOGIN_RISK_M_UNCHECKED  6
#define NGX_HTTP_LOGIN_RISK_M_BUCKETS  9            /* and +Inf */

/* the series served: logins, reasons, tokens, the histogram's buckets,
 * sum and count, Redis errors (read and write), connection failures, fail
 * open and closed, telemetry accepted and rejected, the two list gauges */
#define NGX_HTTP_LOGIN_RISK_M_SERIES                                          \
    (NGX_HTTP_LOGIN_RISK_M_ACTIONS * 2 + NGX_HTTP_LOGIN_RISK_M_REASONS         \
     + NGX_HTTP_LOGIN_RISK_M_TOKENS + NGX_HTTP_LOGIN_RISK_M_BUCKETS + 3        \
     + NGX_HTTP_LOGIN_RISK_M_READ_KINDS + 2 + 1 + 2 + 1                        \
     + NGX_HTTP_LOGIN_RISK_M_REJECTS + 2)

/* a series line: name, labels, a 20-digit value; a family's HELP and TYPE
 * lines take at most four of them */
#define NGX_HTTP_LOGIN_RISK_M_LINE     128


/* how a login's read ended without its state, as label kind= */
enum {
    NGX_HTTP_LOGIN_RISK_M_TIMEOUT = 0,
    NGX_HTTP_LOGIN_RISK_M_ERROR_REPLY,
    NGX_HTTP_LOGIN_RISK_M_BAD_REPLY,
    NGX_HTTP_LOGIN_RISK_M_LOST,
    NGX_HTTP_LOGIN_RISK_M_NOT_CONNECTED,
    NGX_HTTP_LOGIN_RISK_M_READ_KINDS
};

/* the collect endpoint's refusals, as label reason= */
enum {
    NGX_HTTP_LOGIN_RISK_M_TOO_LARGE = 0,
    NGX_HTTP_LOGIN_RISK_M_INVALID,
    NGX_HTTP_LOGIN_RISK_M_UNAVAILABLE,
    NGX_HTTP_LOGIN_RISK_M_REJECTS
};

/* the metric families, in the order they are served */
enum {
    NGX_HTTP_LOGIN_RISK_F_LOGINS = 0,
    NGX_HTTP_LOGIN_RISK_F_REASONS,
    NGX_HTTP_LOGIN_RISK_F_TOKENS,
    NGX_HTTP_LOGIN_RISK_F_READ,
    NGX_HTTP_LOGIN_RISK_F_ERRORS,
    NGX_HTTP_LOGIN_RISK_F_CONNECTION,
    NGX_HTTP_LOGIN_RISK_F_FAIL_OPEN,
    NGX_HTTP_LOGIN_RISK_F_FAIL_CLOSED,
    NGX_HTTP_LOGIN_RISK_F_ACCEPTED,
    NGX_HTTP_LOGIN_RISK_F_REJECTED,
    NGX_HTTP_LOGIN_RISK_F_LIST_ENTRIES,
    NGX_HTTP_LOGIN_RISK_F_LIST_AGE,
    NGX_HTTP_LOGIN_RISK_F_COUNT
};


typedef struct {
    ngx_atomic_t               value;
    u_char                     pad[NGX_CPU_CACHE_LINE - sizeof(ngx_atomic_t)];
} ngx_http_login_risk_counter_t;


/* in the shared zone */
typedef struct {
    ngx_http_login_risk_counter_t  logins[NGX_HTTP_LOGIN_RISK_M_ACTIONS][2];
    ngx_http_login_risk_counter_t  reasons[NGX_HTTP_LOGIN_RISK_M_REASONS];
    ngx_http_login_risk_counter_t  tokens[NGX_HTTP_LOGIN_RISK_M_TOKENS];
    ngx_http_login_risk_counter_t  read[NGX_HTTP_LOGIN_RISK_M_BUCKETS + 1];
    ngx_http_login_risk_counter_t  read_usec;   /* the histogram's sum */
    ngx_http_login_risk_counter_t  read_errors
                                       [NGX_HTTP_LOGIN_RISK_M_READ_KINDS];
    ngx_http_login_risk_counter_t  write_errors[2];     /* error_reply, lost */
    ngx_http_login_risk_counter_t  connection_failures;
    ngx_http_login_risk_counter_t  fail_open;
    ngx_http_login_risk_counter_t  fail_closed;
    ngx_http_login_risk_counter_t  accepted;
    ngx_http_login_risk_counter_t  rejected[NGX_HTTP_LOGIN_RISK_M_REJECTS];
    ngx_http_login_risk_counter_t  list_entries;    /* as last reported */
    ngx_http_login_risk_counter_t  list_refreshed;  /* ngx_current_msec */
    ngx_http_login_risk_counter_t  list_reported;   /* 1: ever reported */
} ngx_http_login_risk_counters_t;


/* per configuration cycle */
struct ngx_http_login_risk_metrics_s {
    ngx_shm_zone_t            *zone;
    ngx_hash_t                 reason_index;    /* code -> index + 1 */
    ngx_str_t                  reason[NGX_HTTP_LOGIN_RISK_M_REASONS];
};


typedef struct {
    ngx_str_t                  name;
    char                      *type;
    char                      *help;
} ngx_http_login_risk_family_t;


static ngx_int_t ngx_http_login_risk_metrics_prepare(ngx_conf_t *cf);
static ngx_int_t ngx_http_login_risk_metrics_init_zone(
    ngx_shm_zone_t *shm_zone, void *data);
static ngx_int_t ngx_http_login_risk_metrics_log(ngx_http_request_t *r);
static ngx_http_login_risk_counters_t *ngx_http_login_risk_metrics_counters(
    void);
static uint64_t ngx_http_login_risk_metrics_usec(void);
static ngx_int_t ngx_http_login_risk_metrics_handler(ngx_http_request_t *r);
static u_char *ngx_http_login_risk_metrics_text(u_char *p, u_char *last,
    ngx_http_login_risk_metrics_t *mc, ngx_http_login_risk_counters_t *m);
static u_char *ngx_http_login_risk_metrics_family(u_char *p, u_char *last,
    ngx_uint_t family);
static u_char *ngx_http_login_risk_metrics_one(u_char *p, u_char *last,
    ngx_uint_t family, ngx_atomic_uint_t value);


static ngx_http_login_risk_family_t  ngx_http_login_risk_metric_families[] = {

    { ngx_string("login_risk_logins_total"), "counter",
      "Logins scored, by action (the verdict) and mode (enforce, or "
      "monitor: logged, not enforced)." },

    { ngx_string("login_risk_login_reasons_total"), "counter",
      "Inspected logins carrying each reason code, once per code; "
      "other: a code missing from this list." },

    { ngx_string("login_risk_login_tokens_total"), "counter",
      "Scored logins by the state of their collector token; unchecked: "
      "well signed, but the state could not be read." },

    { ngx_string("login_risk_redis_read_duration_seconds"), "histogram",
      "Round trip of a login's read from Redis, from the first command "
      "sent to the last reply, for reads answered in full." },

    { ngx_string("login_risk_redis_errors_total"), "counter",
      "Redis failures: op=read, a login's read that ended without its "
      "state; op=write, a learning write refused or lost." },

    { ngx_string("login_risk_redis_connection_failures_total"), "counter",
      "Redis connections of the workers that could not be made or were "
      "lost, each failed reconnect attempt included." },

    { ngx_string("login_risk_fail_open_total"), "counter",
      "Logins let through unexamined by login_risk_on_error allow: "
      "their state could not be read." },

    { ngx_string("login_risk_fail_closed_total"), "counter",
      "Logins refused by login_risk_on_error block: their state could "
      "not be read." },

    { ngx_string("login_risk_telemetry_accepted_total"), "counter",
      "Collector telemetry stored and answered with a token." },

    { ngx_string("login_risk_telemetry_rejected_total"), "counter",
      "Collector telemetry refused: too_large (413), invalid (400, JSON "
      "or schema), unavailable (503, Redis)." },

    { ngx_string("login_risk_list_entries"), "gauge",
      "Allow and block list entries in force, as a worker last reported." },

    { ngx_string("login_risk_list_refresh_age_seconds"), "gauge",
      "Seconds since a worker last reported the lists refreshed." },

    { ngx_null_string, NULL, NULL }
};


static char  *ngx_http_login_risk_fixed_reasons[NGX_HTTP_LOGIN_RISK_M_FIXED] = {
    LR_REASON_NO_USER,
    LR_REASON_BAD_USER,
    LR_REASON_BAD_BODY,
    LR_REASON_BODY_TOO_LARGE,
    LR_REASON_UNSUPPORTED_BODY,
    LR_REASON_STATE_UNAVAILABLE,
    LR_REASON_COLD_START,
    LR_REASON_UNUSUAL_NETWORK,
    LR_REASON_UNUSUAL_BROWSER,
    LR_REASON_UNUSUAL_DEVICE
};


/* the engine's list reasons (lr_engine.c) */
static char  *ngx_http_login_risk_list_reasons[NGX_HTTP_LOGIN_RISK_M_LISTS] = {
    "allowlist:ip", "allowlist:user", "allowlist:device",
    "allowlist:country", "allowlist:asn",
    "blocklist:ip", "blocklist:user", "blocklist:device",
    "blocklist:country", "blocklist:asn"
};


/* by lr_token_state, then unchecked */
static char  *ngx_http_login_risk_token_names[NGX_HTTP_LOGIN_RISK_M_TOKENS] = {
    "absent", "valid", "invalid", "replayed", "expired", "other_browser",
    "unchecked"
};


static char  *ngx_http_login_risk_read_kinds[NGX_HTTP_LOGIN_RISK_M_READ_KINDS]
    = { "timeout", "error_reply", "bad_reply", "connection_lost",
        "not_connected" };


static char  *ngx_http_login_risk_rejects[NGX_HTTP_LOGIN_RISK_M_REJECTS] = {
    "too_large", "invalid", "unavailable"
};


/* the histogram's upper bounds, in microseconds and as written */
static uint64_t  ngx_http_login_risk_bucket_usec[NGX_HTTP_LOGIN_RISK_M_BUCKETS]
    = { 500, 1000, 2000, 5000, 10000, 25000, 50000, 100000, 250000 };

static char  *ngx_http_login_risk_bucket_le[NGX_HTTP_LOGIN_RISK_M_BUCKETS + 1]
    = { "0.0005", "0.001", "0.002", "0.005", "0.01", "0.025", "0.05", "0.1",
        "0.25", "+Inf" };


/* --- configuration ------------------------------------------------------ */

char *
ngx_http_login_risk_metrics(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_login_risk_loc_conf_t  *llcf = conf;

    ngx_str_t                 *value;
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->handler == ngx_http_login_risk_metrics_handler) {
        return "is duplicate";
    }

    /* the location's access restriction is checked once it is merged */
    if (cf->args->nelts == 2) {
        value = cf->args->elts;

        if (ngx_strcmp(value[1].data, "insecure") != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\", expected "
                               "\"insecure\" or none", &value[1]);
            return NGX_CONF_ERROR;
        }

        llcf->metrics_insecure = 1;
    }

    llcf->metrics = 1;
    clcf->handler = ngx_http_login_risk_metrics_handler;

    if (ngx_http_login_risk_metrics_prepare(cf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* From the postconfiguration, when some location has "login_risk on". */

ngx_int_t
ngx_http_login_risk_metrics_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    if (ngx_http_login_risk_metrics_prepare(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_LOG_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_login_risk_metrics_log;

    return NGX_OK;
}


/*
 * Once per configuration: the zone (of a fixed size, so that a reload
 * finds it again) and the index of every reason code.
 */

static ngx_int_t
ngx_http_login_risk_metrics_prepare(ngx_conf_t *cf)
{
    size_t                            size;
    ngx_str_t                         name = ngx_string("login_risk_metrics");
    ngx_uint_t                        i, n;
    ngx_array_t                       keys;
    ngx_hash_key_t                   *k;
    ngx_hash_init_t                   hinit;
    ngx_http_login_risk_metrics_t    *mc;
    ngx_http_login_risk_main_conf_t  *lmcf;

    lmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_login_risk_module);

    if (lmcf->metrics) {
        return NGX_OK;
    }

    mc = ngx_pcalloc(cf->pool, sizeof(ngx_http_login_risk_metrics_t));
    if (mc == NULL) {
        return NGX_ERROR;
    }

    n = 0;

    for (i = 0; i < NGX_HTTP_LOGIN_RISK_M_FIXED; i++) {
        mc->reason[n++].data = (u_char *) ngx_http_login_risk_fixed_reasons[i];
    }

    for (i = 0; i < LR_RULE_COUNT; i++) {
        mc->reason[n++].data = (u_char *) lr_rule_code((lr_rule) i);
    }

    for (i = 0; i < NGX_HTTP_LOGIN_RISK_M_LISTS; i++) {
        mc->reason[n++].data = (u_char *) ngx_http_login_risk_list_reasons[i];
    }

    mc->reason[n++].data = (u_char *) "other";

    if (ngx_array_init(&keys, cf->temp_pool, n, sizeof(ngx_hash_key_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    for (i = 0; i < n; i++) {
        mc->reason[i].len = ngx_strlen(mc->reason[i].data);

        if (i == NGX_HTTP_LOGIN_RISK_M_OTHER) {
            break;
        }

        k = ngx_array_push(&keys);
        if (k == NULL) {
            return NGX_ERROR;
        }

        k->key = mc->reason[i];
        k->key_hash = ngx_hash_key(k->key.data, k->key.len);
        k->value = (void *) (uintptr_t) (i + 1);
    }

    hinit.hash = &mc->reason_index;
    hinit.key = ngx_hash_key;
    hinit.max_size = 1024;
    hinit.bucket_size = ngx_align(64, ngx_cacheline_size);
    hinit.name = "login_risk_reasons";
    hinit.pool = cf->pool;
    hinit.temp_pool = NULL;

    if (ngx_hash_init(&hinit, keys.elts, keys.nelts) != NGX_OK) {
        return NGX_ERROR;
    }

    /* the slab allocator's own pages, and room to spare */
    size = ngx_align(sizeof(ngx_http_login_risk_counters_t), ngx_pagesize)
           + 8 * ngx_pagesize;

    mc->zone = ngx_shared_memory_add(cf, &name, size,
                                     &ngx_http_login_risk_module);
    if (mc->zone == NULL) {
        return NGX_ERROR;
    }

    mc->zone->init = ngx_http_login_risk_metrics_init_zone;

    lmcf->metrics = mc;

    return NGX_OK;
}


/*
 * A reload that keeps the zone (same name, size and module) passes the
 * counters of the old cycle in data: they go on from there, and the old
 * workers, still finishing their requests, count into them too.
 */

static ngx_int_t
ngx_http_login_risk_metrics_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_slab_pool_t                 *shpool;
    ngx_http_login_risk_counters_t  *m;

    if (data) {
        shm_zone->data = data;
        return NGX_OK;
    }

    shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        shm_zone->data = shpool->data;
        return NGX_OK;
    }

    /* more than a page: the slab allocator gives whole pages, so every
     * counter starts a cache line */
    m = ngx_slab_calloc(shpool, sizeof(ngx_http_login_risk_counters_t));
    if (m == NULL) {
        return NGX_ERROR;
    }

    shpool->data = m;
    shm_zone->data = m;

    return NGX_OK;
}


/* --- counting ----------------------------------------------------------- */

static ngx_http_login_risk_counters_t *
ngx_http_login_risk_metrics_counters(void)
{
    ngx_http_login_risk_main_conf_t  *lmcf;

    lmcf = ngx_http_cycle_get_module_main_conf(ngx_cycle,
                                               ngx_http_login_risk_module);

    if (lmcf == NULL || lmcf->metrics == NULL) {
        return NULL;
    }

    return lmcf->metrics->zone->data;
}


#define ngx_http_login_risk_count(c)  (void) ngx_atomic_fetch_add(&(c).value, 1)


/*
 * A login, once its response is done (the log phase): its verdict, its
 * reasons, its token. A login refused as bad input has no verdict, only
 * its reason.
 */

static ngx_int_t
ngx_http_login_risk_metrics_log(ngx_http_request_t *r)
{
    size_t                            len;
    void                             *index;
    ngx_uint_t                        i, t;
    const char                       *code;
    ngx_http_login_risk_ctx_t        *ctx;
    ngx_http_login_risk_metrics_t    *mc;
    ngx_http_login_risk_counters_t   *m;
    ngx_http_login_risk_main_conf_t  *lmcf;

    ctx = ngx_http_login_risk_get_ctx(r);

    if (ctx == NULL || !ctx->inspected) {
        return NGX_OK;
    }

    lmcf = ngx_http_get_module_main_conf(r, ngx_http_login_risk_module);
    mc = lmcf->metrics;
    m = mc->zone->data;

    for (i = 0; i < ctx->login.reasons.n; i++) {
        code = ctx->login.reasons.code[i];
        len = ngx_strlen(code);
        index = ngx_hash_find(&mc->reason_index,
                              ngx_hash_key((u_char *) code, len),
                              (u_char *) code, len);

        ngx_http_login_risk_count(m->reasons[index
                                             ? (uintptr_t) index - 1
                                             : NGX_HTTP_LOGIN_RISK_M_OTHER]);
    }

    if (!ctx->scored) {
        return NGX_OK;
    }

    if ((ngx_uint_t) ctx->verdict.action < NGX_HTTP_LOGIN_RISK_M_ACTIONS) {
        ngx_http_login_risk_count(
            m->logins[ctx->verdict.action][ctx->login.monitor ? 1 : 0]);
    }

    if (ctx->unavailable) {
        if (ctx->verdict.action == LR_ACTION_BLOCK) {
            ngx_http_login_risk_count(m->fail_closed);

        } else {
            ngx_http_login_risk_count(m->fail_open);
        }
    }

    /* tokens exist only where the collector can work */
    if (lmcf->secrets && lmcf->redis) {
        t = (ngx_uint_t) ctx->login.token;

        if (t == LR_TOKEN_VALID && ctx->unavailable) {
            t = NGX_HTTP_LOGIN_RISK_M_UNCHECKED;
        }

        if (t < NGX_HTTP_LOGIN_RISK_M_TOKENS) {
            ngx_http_login_risk_count(m->tokens[t]);
        }
    }

    return NGX_OK;
}


/*
 * The login's read from Redis: SENT starts its clock; DONE (every reply
 * in) observes its round trip, or counts why it brought no state;
 * TIMEOUT and NOT_CONNECTED count themselves.
 */

void
ngx_http_login_risk_metrics_read(ngx_http_login_risk_ctx_t *ctx,
    ngx_uint_t event)
{
    uint64_t                         usec;
    ngx_uint_t                       i;
    ngx_http_login_risk_counters_t  *m;

    if (event == NGX_HTTP_LOGIN_RISK_READ_SENT) {
        ctx->read_start = ngx_http_login_risk_metrics_usec();
        ctx->read_error = 0;
        return;
    }

    m = ngx_http_login_risk_metrics_counters();
    if (m == NULL) {
        return;
    }

    switch (event) {

    case NGX_HTTP_LOGIN_RISK_READ_TIMEOUT:
        ngx_http_login_risk_count(
            m->read_errors[NGX_HTTP_LOGIN_RISK_M_TIMEOUT]);
        return;

    case NGX_HTTP_LOGIN_RISK_READ_UNSENT:
        ngx_http_login_risk_count(
            m->read_errors[NGX_HTTP_LOGIN_RISK_M_NOT_CONNECTED]);
        return;
    }

    if (ctx->unavailable) {
        /* read_error is the kind + 1; an unexpected reply sets none */
        ngx_http_login_risk_count(m->read_errors[ctx->read_error
                                        ? ctx->read_error - 1
                                        : NGX_HTTP_LOGIN_RISK_M_BAD_REPLY]);
        return;
    }

    usec = ngx_http_login_risk_metrics_usec() - ctx->read_start;

    for (i = 0; i < NGX_HTTP_LOGIN_RISK_M_BUCKETS; i++) {
        if (usec <= ngx_http_login_risk_bucket_usec[i]) {
            break;
        }
    }

    /* one bucket each, made cumulative when served */
    ngx_http_login_risk_count(m->read[i]);
    (void) ngx_atomic_fetch_add(&m->read_usec.value, usec);
}


/* A reply to the login's read: says why it will bring no state. */

void
ngx_http_login_risk_metrics_reply(ngx_http_login_risk_ctx_t *ctx,
    redisReply *reply)
{
    if (ctx->read_error) {
        return;
    }

    if (reply == NULL) {
        ctx->read_error = NGX_HTTP_LOGIN_RISK_M_LOST + 1;

    } else if (reply->type == REDIS_REPLY_ERROR
               && ngx_strncmp(reply->str, "NOSCRIPT", 8) != 0)
    {
        /* NOSCRIPT is answered by sending the read again */
        ctx->read_error = NGX_HTTP_LOGIN_RISK_M_ERROR_REPLY + 1;
    }
}


/* A reply to a learning write (every one of them comes here). */

void
ngx_http_login_risk_metrics_write(redisReply *reply)
{
    ngx_http_login_risk_counters_t  *m;

    if (reply && reply->type != REDIS_REPLY_ERROR) {
        return;
    }

    m = ngx_http_login_risk_metrics_counters();
    if (m == NULL) {
        return;
    }

    ngx_http_login_risk_count(m->write_errors[reply ? 0 : 1]);
}


void
ngx_http_login_risk_metrics_redis_down(void)
{
    ngx_http_login_risk_counters_t  *m;

    m = ngx_http_login_risk_metrics_counters();
    if (m == NULL) {
        return;
    }

    ngx_http_login_risk_count(m->connection_failures);
}


/* The collect endpoint's answer. */

void
ngx_http_login_risk_metrics_collect(ngx_uint_t status)
{
    ngx_http_login_risk_counters_t  *m;

    m = ngx_http_login_risk_metrics_counters();
    if (m == NULL) {
        return;
    }

    switch (status) {

    case NGX_HTTP_OK:
        ngx_http_login_risk_count(m->accepted);
        break;

    case NGX_HTTP_REQUEST_ENTITY_TOO_LARGE:
        ngx_http_login_risk_count(m->rejected[NGX_HTTP_LOGIN_RISK_M_TOO_LARGE]);
        break;

    case NGX_HTTP_BAD_REQUEST:
        ngx_http_login_risk_count(m->rejected[NGX_HTTP_LOGIN_RISK_M_INVALID]);
        break;

    case NGX_HTTP_SERVICE_UNAVAILABLE:
        ngx_http_login_risk_count(
            m->rejected[NGX_HTTP_LOGIN_RISK_M_UNAVAILABLE]);
        break;
    }
}


/*
 * For the lists: a worker that has compiled its lists says how many
 * entries are in force and when it last refreshed them (ngx_current_msec).
 * The last report of any worker is served.
 */

void
ngx_http_login_risk_metrics_lists(ngx_uint_t entries, ngx_msec_t refreshed_at)
{
    ngx_http_login_risk_counters_t  *m;

    m = ngx_http_login_risk_metrics_counters();
    if (m == NULL) {
        return;
    }

    m->list_entries.value = entries;
    m->list_refreshed.value = refreshed_at;
    m->list_reported.value = 1;
}


/* Microseconds of the monotonic clock: nginx's cached time counts
 * milliseconds, coarser than a Redis round trip. */

static uint64_t
ngx_http_login_risk_metrics_usec(void)
{
    struct timespec  ts;

    (void) clock_gettime(CLOCK_MONOTONIC, &ts);

    return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}


/* --- the handler ------------------------------------------------------- */

static ngx_int_t
ngx_http_login_risk_metrics_handler(ngx_http_request_t *r)
{
    size_t                            len;
    ngx_int_t                         rc;
    ngx_buf_t                        *b;
    ngx_str_t                         type;
    ngx_http_login_risk_metrics_t    *mc;
    ngx_http_login_risk_main_conf_t  *lmcf;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    lmcf = ngx_http_get_module_main_conf(r, ngx_http_login_risk_module);
    mc = lmcf->metrics;

    len = (NGX_HTTP_LOGIN_RISK_M_SERIES + 4 * NGX_HTTP_LOGIN_RISK_F_COUNT)
          * NGX_HTTP_LOGIN_RISK_M_LINE;

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last = ngx_http_login_risk_metrics_text(b->last, b->end, mc,
                                               mc->zone->data);

    if (b->last == b->end) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "login_risk: the metrics do not fit in %uz bytes", len);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_str_set(&type, "text/plain; version=0.0.4");

    return ngx_http_login_risk_answer(r, NGX_HTTP_OK, &type, b);
}


/*
 * The exposition text. Each counter is read once; a histogram's buckets
 * are summed up to each bound here, so that its +Inf bucket and its count
 * are the same number.
 */

static u_char *
ngx_http_login_risk_metrics_text(u_char *p, u_char *last,
    ngx_http_login_risk_metrics_t *mc, ngx_http_login_risk_counters_t *m)
{
    ngx_str_t            *name;
    ngx_uint_t            i, j;
    ngx_msec_t            age, at;
    ngx_atomic_uint_t     sum, usec;

    name = &ngx_http_login_risk_metric_families[NGX_HTTP_LOGIN_RISK_F_LOGINS]
                .name;
    p = ngx_http_login_risk_metrics_family(p, last,
                                           NGX_HTTP_LOGIN_RISK_F_LOGINS);

    for (j = 0; j < 2; j++) {
        for (i = 0; i < NGX_HTTP_LOGIN_RISK_M_ACTIONS; i++) {
            p = ngx_slprintf(p, last, "%V{action=\"%s\",mode=\"%s\"} %uA\n",
                             name, lr_action_name((lr_action) i),
                             j ? "monitor" : "enforce",
                             m->logins[i][j].value);
        }
    }

    name = &ngx_http_login_risk_metric_families[NGX_HTTP_LOGIN_RISK_F_REASONS]
                .name;
    p = ngx_http_login_risk_metrics_family(p, last,
                                           NGX_HTTP_LOGIN_RISK_F_REASONS);

    for (i = 0; i < NGX_HTTP_LOGIN_RISK_M_REASONS; i++) {
        p = ngx_slprintf(p, last, "%V{reason=\"%V\"} %uA\n", name,
                         &mc->reason[i], m->reasons[i].value);
    }

    name = &ngx_http_login_risk_metric_families[NGX_HTTP_LOGIN_RISK_F_TOKENS]
                .name;
    p = ngx_http_login_risk_metrics_family(p, last,
                                           NGX_HTTP_LOGIN_RISK_F_TOKENS);

    for (i = 0; i < NGX_HTTP_LOGIN_RISK_M_TOKENS; i++) {
        p = ngx_slprintf(p, last, "%V{token=\"%s\"} %uA\n", name,
                         ngx_http_login_risk_token_names[i],
                         m->tokens[i].value);
    }

    name = &ngx_http_login_risk_metric_families[NGX_HTTP_LOGIN_RISK_F_READ]
                .name;
    p = ngx_http_login_risk_metrics_family(p, last,
                                           NGX_HTTP_LOGIN_RISK_F_READ);
    sum = 0;

    for (i = 0; i <= NGX_HTTP_LOGIN_RISK_M_BUCKETS; i++) {
        sum += m->read[i].value;
        p = ngx_slprintf(p, last, "%V_bucket{le=\"%s\"} %uA\n", name,
                         ngx_http_login_risk_bucket_le[i], sum);
    }

    usec = m->read_usec.value;
    p = ngx_slprintf(p, last, "%V_sum %uA.%06uA\n%V_count %uA\n", name,
                     usec / 1000000, usec % 1000000, name, sum);

    name = &ngx_http_login_risk_metric_families[NGX_HTTP_LOGIN_RISK_F_ERRORS]
                .name;
    p = ngx_http_login_risk_metrics_family(p, last,
                                           NGX_HTTP_LOGIN_RISK_F_ERRORS);

    for (i = 0; i < NGX_HTTP_LOGIN_RISK_M_READ_KINDS; i++) {
        p = ngx_slprintf(p, last, "%V{op=\"read\",kind=\"%s\"} %uA\n", name,
                         ngx_http_login_risk_read_kinds[i],
                         m->read_errors[i].value);
    }

    p = ngx_slprintf(p, last, "%V{op=\"write\",kind=\"error_reply\"} %uA\n"
                     "%V{op=\"write\",kind=\"connection_lost\"} %uA\n",
                     name, m->write_errors[0].value,
                     name, m->write_errors[1].value);

    p = ngx_http_login_risk_metrics_one(p, last,
                                        NGX_HTTP_LOGIN_RISK_F_CONNECTION,
                                        m->connection_failures.value);
    p = ngx_http_login_risk_metrics_one(p, last,
                                        NGX_HTTP_LOGIN_RISK_F_FAIL_OPEN,
                                        m->fail_open.value);
    p = ngx_http_login_risk_metrics_one(p, last,
                                        NGX_HTTP_LOGIN_RISK_F_FAIL_CLOSED,
                                        m->fail_closed.value);
    p = ngx_http_login_risk_metrics_one(p, last,
                                        NGX_HTTP_LOGIN_RISK_F_ACCEPTED,
                                        m->accepted.value);

    name = &ngx_http_login_risk_metric_families[NGX_HTTP_LOGIN_RISK_F_REJECTED]
                .name;
    p = ngx_http_login_risk_metrics_family(p, last,
                                           NGX_HTTP_LOGIN_RISK_F_REJECTED);

    for (i = 0; i < NGX_HTTP_LOGIN_RISK_M_REJECTS; i++) {
        p = ngx_slprintf(p, last, "%V{reason=\"%s\"} %uA\n", name,
                         ngx_http_login_risk_rejects[i],
                         m->rejected[i].value);
    }

    /* nothing until the lists say something */
    if (m->list_reported.value) {
        at = (ngx_msec_t) m->list_refreshed.value;
        age = (ngx_msec_int_t) (ngx_current_msec - at) > 0
              ? ngx_current_msec - at : 0;

        p = ngx_http_login_risk_metrics_one(p, last,
                                            NGX_HTTP_LOGIN_RISK_F_LIST_ENTRIES,
                                            m->list_entries.value);

        p = ngx_http_login_risk_metrics_family(p, last,
                                               NGX_HTTP_LOGIN_RISK_F_LIST_AGE);
        p = ngx_slprintf(p, last, "%V %M.%03M\n",
                         &ngx_http_login_risk_metric_families
                             [NGX_HTTP_LOGIN_RISK_F_LIST_AGE].name,
                         age / 1000, age % 1000);
    }

    return p;
}


static u_char *
ngx_http_login_risk_metrics_family(u_char *p, u_char *last, ngx_uint_t family)
{
    ngx_http_login_risk_family_t  *f;

    f = &ngx_http_login_risk_metric_families[family];

    return ngx_slprintf(p, last, "# HELP %V %s\n# TYPE %V %s\n",
                        &f->name, f->help, &f->name, f->type);
}


/* A family of one series without labels. */

static u_char *
ngx_http_login_risk_metrics_one(u_char *p, u_char *last, ngx_uint_t family,
    ngx_atomic_uint_t value)
{
    p = ngx_http_login_risk_metrics_family(p, last, family);

    return ngx_slprintf(p, last, "%V %uA\n",
                        &ngx_http_login_risk_metric_families[family].name,
                        value);
}
