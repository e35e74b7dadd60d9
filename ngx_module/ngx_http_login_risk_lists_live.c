
/*
 * nginx-login-risk: the live lists, each worker's copy of the entries in
 * Redis. A timer asks for the lists' version every login_risk_list_refresh;
 * when it changed, the worker reads every list (one pipelined flush of
 * HGETALLs), compiles a new copy in a pool of its own and swaps it in.
 * Nothing waits for it: a login matches the copy in force, and when Redis
 * is down or answers nonsense the last good copy stays.
 */


#include "ngx_http_login_risk_module.h"

#include <lr_list_meta.h>
#include <lr_redis_admin.h>


struct ngx_http_login_risk_live_s {
    ngx_http_login_risk_main_conf_t   *lmcf;
    ngx_log_t                         *log;
    ngx_event_t                        timer;
    ngx_pool_t                        *pool;        /* of the copy */
    ngx_http_login_risk_lists_t       *lists;       /* NULL: none yet */
    int64_t                            version;     /* of the copy, -1 */
    ngx_http_login_risk_call_t        *call;        /* in flight */
    int64_t                            reading;     /* version being read */
    ngx_pool_t                        *temp;        /* its entries */
    ngx_http_login_risk_list_build_t   build[LR_LK_COUNT][LR_LS_COUNT];
    ngx_uint_t                         part[LR_LK_COUNT * LR_LS_COUNT];
    ngx_uint_t                         bad;         /* unreadable entries */
    unsigned                           hashes:1;    /* reading the lists */
    unsigned                           failed:1;
};


static void ngx_http_login_risk_live_tick(ngx_event_t *ev);
static void ngx_http_login_risk_live_reply(ngx_http_login_risk_call_t *call,
    ngx_uint_t index, redisReply *reply);
static ngx_int_t ngx_http_login_risk_live_version(redisReply *reply,
    int64_t *version);
static void ngx_http_login_risk_live_entries(ngx_http_login_risk_live_t *live,
    ngx_uint_t part, redisReply *reply);
static void ngx_http_login_risk_live_done(ngx_http_login_risk_call_t *call);
static ngx_int_t ngx_http_login_risk_live_read(
    ngx_http_login_risk_live_t *live);
static void ngx_http_login_risk_live_swap(ngx_http_login_risk_live_t *live);
static void ngx_http_login_risk_live_drop(ngx_http_login_risk_live_t *live);
static void ngx_http_login_risk_live_report(ngx_http_login_risk_live_t *live);


ngx_int_t
ngx_http_login_risk_live_start(ngx_cycle_t *cycle,
    ngx_http_login_risk_main_conf_t *lmcf)
{
    ngx_http_login_risk_live_t  *live;

    live = ngx_pcalloc(cycle->pool, sizeof(ngx_http_login_risk_live_t));
    if (live == NULL) {
        return NGX_ERROR;
    }

    live->lmcf = lmcf;
    live->log = cycle->log;
    live->version = -1;

    live->timer.handler = ngx_http_login_risk_live_tick;
    live->timer.data = live;
    live->timer.log = cycle->log;
    /* a worker shutting down does not wait for the next refresh */
    live->timer.cancelable = 1;

    lmcf->live = live;

    /* at once: the commands wait for the connection being made */
    ngx_add_timer(&live->timer, 1);

    return NGX_OK;
}


void
ngx_http_login_risk_live_stop(ngx_http_login_risk_main_conf_t *lmcf)
{
    ngx_http_login_risk_live_t  *live;

    live = lmcf->live;

    if (live == NULL) {
        return;
    }

    if (live->timer.timer_set) {
        ngx_del_timer(&live->timer);
    }

    if (live->call) {
        ngx_http_login_risk_redis_release(live->call);
        live->call = NULL;
    }

    ngx_http_login_risk_live_drop(live);

    if (live->pool) {
        ngx_destroy_pool(live->pool);
        live->pool = NULL;
    }

    live->lists = NULL;
    lmcf->live = NULL;
}


ngx_http_login_risk_lists_t *
ngx_http_login_risk_live_lists(ngx_http_login_risk_main_conf_t *lmcf)
{
    return lmcf->live ? lmcf->live->lists : NULL;
}


/* Every login_risk_list_refresh: the version, unless a read is still on
 * its way (the connection's own watch ends one that is never answered). */

static void
ngx_http_login_risk_live_tick(ngx_event_t *ev)
{
    lr_redis_cmd                      cmd;
    ngx_http_login_risk_call_t       *call;
    ngx_http_login_risk_live_t       *live;
    ngx_http_login_risk_main_conf_t  *lmcf;

    live = ev->data;
    lmcf = live->lmcf;

    if (ngx_exiting || ngx_terminate || ngx_quit) {
        return;
    }

    ngx_add_timer(&live->timer, lmcf->list_refresh);

    if (live->call) {
        return;
    }

    call = ngx_http_login_risk_redis_call(lmcf->rd);
    if (call == NULL) {
        /* Redis is down: the copy in force stays */
        return;
    }

    call->data = live;
    call->reply = ngx_http_login_risk_live_reply;
    call->done = ngx_http_login_risk_live_done;

    live->hashes = 0;
    live->failed = 0;

    if (lr_redis_lists_version((char *) lmcf->prefix.data, &cmd) != 0
        || ngx_http_login_risk_redis_send(call, &cmd) != NGX_OK)
    {
        ngx_http_login_risk_redis_release(call);
        return;
    }

    live->call = call;
}


static void
ngx_http_login_risk_live_reply(ngx_http_login_risk_call_t *call,
    ngx_uint_t index, redisReply *reply)
{
    ngx_http_login_risk_live_t  *live;

    live = call->data;

    if (live->failed) {
        return;
    }

    if (reply == NULL || reply->type == REDIS_REPLY_ERROR) {
        if (reply) {
            ngx_log_error(NGX_LOG_WARN, live->log, 0,
                          "login_risk: the live lists could not be read: "
                          "%*s", (size_t) reply->len, reply->str);
        }

        live->failed = 1;
        return;
    }

    if (!live->hashes) {
        if (ngx_http_login_risk_live_version(reply, &live->reading)
            != NGX_OK)
        {
            ngx_log_error(NGX_LOG_WARN, live->log, 0,
                          "login_risk: the live lists' version in redis is "
                          "not a number");
            live->failed = 1;
        }

        return;
    }

    if (index < LR_LK_COUNT * LR_LS_COUNT) {
        ngx_http_login_risk_live_entries(live, live->part[index], reply);
    }
}


/* a missing version is 0: nothing was ever written */

static ngx_int_t
ngx_http_login_risk_live_version(redisReply *reply, int64_t *version)
{
    ngx_int_t  n;

    if (reply->type == REDIS_REPLY_NIL) {
        *version = 0;
        return NGX_OK;
    }

    if (reply->type != REDIS_REPLY_STRING) {
        return NGX_ERROR;
    }

    n = ngx_atoi((u_char *) reply->str, reply->len);
    if (n == NGX_ERROR) {
        return NGX_ERROR;
    }

    *version = n;

    return NGX_OK;
}


/* One list's HGETALL: entry, value, entry, value... */

static void
ngx_http_login_risk_live_entries(ngx_http_login_risk_live_t *live,
    ngx_uint_t part, redisReply *reply)
{
    int64_t                       expires_ms;
    uint32_t                      now, expires;
    ngx_uint_t                    i;
    const char                   *why;
    lr_list_kind                  kind;
    redisReply                   *k, *v;
    ngx_http_login_risk_entry_t   e;
    u_char                        buf[NGX_HTTP_LOGIN_RISK_ENTRY_LEN];

    if (reply->type != REDIS_REPLY_ARRAY || reply->elements % 2) {
        live->failed = 1;
        return;
    }

    kind = (lr_list_kind) (part / LR_LS_COUNT);
    now = (uint32_t) ngx_time();

    for (i = 0; i < reply->elements; i += 2) {
        k = reply->element[i];
        v = reply->element[i + 1];

        if (k->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING
            || ngx_http_login_risk_list_entry(kind, (u_char *) k->str, k->len,
                                              &e, buf, &why)
               != NGX_OK
            || lr_list_meta_expires(v->str, v->len, &expires_ms) != 0)
        {
            /* written by hand, not through the API: left out */
            live->bad++;
            continue;
        }

        expires = lr_listset_expiry(expires_ms);

        if (expires <= now) {
            continue;
        }

        if (ngx_http_login_risk_list_add(live->temp,
                                         &live->build[kind][part
                                                            % LR_LS_COUNT],
                                         &e, expires)
            != NGX_OK)
        {
            live->failed = 1;
            return;
        }
    }
}


static void
ngx_http_login_risk_live_done(ngx_http_login_risk_call_t *call)
{
    ngx_http_login_risk_live_t  *live;

    live = call->data;
    live->call = NULL;

    if (live->failed) {
        ngx_http_login_risk_live_drop(live);
        return;
    }

    if (live->hashes) {
        ngx_http_login_risk_live_swap(live);
        return;
    }

    if (live->reading == live->version) {
        /* checked: the copy in force is current */
        ngx_http_login_risk_live_report(live);
        return;
    }

    if (ngx_http_login_risk_live_read(live) != NGX_OK) {
        ngx_http_login_risk_live_drop(live);
    }
}


/* The version changed: every list, in one flush. */

static ngx_int_t
ngx_http_login_risk_live_read(ngx_http_login_risk_live_t *live)
{
    ngx_uint_t                        k, s, n;
    lr_redis_cmd                      cmd;
    ngx_http_login_risk_call_t       *call;
    ngx_http_login_risk_main_conf_t  *lmcf;

    lmcf = live->lmcf;

    live->temp = ngx_create_pool(NGX_DEFAULT_POOL_SIZE, live->log);
    if (live->temp == NULL) {
        return NGX_ERROR;
    }

    ngx_memzero(live->build, sizeof(live->build));
    live->bad = 0;
    live->hashes = 1;
    live->failed = 0;

    call = ngx_http_login_risk_redis_call(lmcf->rd);
    if (call == NULL) {
        return NGX_ERROR;
    }

    call->data = live;
    call->reply = ngx_http_login_risk_live_reply;
    call->done = ngx_http_login_risk_live_done;

    n = 0;

    for (k = 0; k < LR_LK_COUNT; k++) {
        for (s = 0; s < LR_LS_COUNT; s++) {
            if (lr_list_side_name((lr_list_kind) k, (lr_list_side) s) == NULL)
            {
                continue;
            }

            if (lr_redis_list_read((char *) lmcf->prefix.data,
                                   (lr_list_kind) k, (lr_list_side) s, &cmd)
                != 0
                || ngx_http_login_risk_redis_send(call, &cmd) != NGX_OK)
            {
                /* what was sent is answered to nobody */
                ngx_http_login_risk_redis_release(call);
                return NGX_ERROR;
            }

            live->part[n++] = k * LR_LS_COUNT + s;
        }
    }

    live->call = call;

    return NGX_OK;
}


/* A complete read: compiled into a pool of its own, then in force. */

static void
ngx_http_login_risk_live_swap(ngx_http_login_risk_live_t *live)
{
    ngx_uint_t                    k, s, n;
    ngx_pool_t                   *pool;
    ngx_http_login_risk_lists_t  *lists;

    pool = ngx_create_pool(NGX_DEFAULT_POOL_SIZE, live->log);
    if (pool == NULL) {
        ngx_http_login_risk_live_drop(live);
        return;
    }

    lists = ngx_pcalloc(pool, sizeof(ngx_http_login_risk_lists_t));
    if (lists == NULL) {
        goto failed;
    }

    n = 0;

    for (k = 0; k < LR_LK_COUNT; k++) {
        for (s = 0; s < LR_LS_COUNT; s++) {
            if (ngx_http_login_risk_list_compile(pool, &live->build[k][s],
                                                 &lists->list[k][s])
                != NGX_OK)
            {
                goto failed;
            }

            n += lists->list[k][s].n;
        }
    }

    if (live->bad) {
        ngx_log_error(NGX_LOG_WARN, live->log, 0,
                      "login_risk: %ui live list entries in redis are not "
                      "entries of their list, left out", live->bad);
    }

    ngx_log_error(NGX_LOG_INFO, live->log, 0,
                  "login_risk: live lists version %L in force, %ui entries",
                  live->reading, n);

    ngx_http_login_risk_live_drop(live);

    if (live->pool) {
        ngx_destroy_pool(live->pool);
    }

    live->pool = pool;
    live->lists = lists;
    live->version = live->reading;

    ngx_http_login_risk_live_report(live);

    return;

failed:

    ngx_log_error(NGX_LOG_ERR, live->log, 0,
                  "login_risk: the live lists could not be compiled, the "
                  "copy in force stays");
    ngx_destroy_pool(pool);
    ngx_http_login_risk_live_drop(live);
}


/* Forgets a read that is over or given up. */

static void
ngx_http_login_risk_live_drop(ngx_http_login_risk_live_t *live)
{
    if (live->temp) {
        ngx_destroy_pool(live->temp);
        live->temp = NULL;
    }

    live->hashes = 0;
}


/* The metrics' list gauges: the entries in force in this worker (files and
 * live ones) and when they were last known current. */

static void
ngx_http_login_risk_live_report(ngx_http_login_risk_live_t *live)
{
    ngx_uint_t                    k, s, n;
    ngx_http_login_risk_lists_t  *sources[2];
    ngx_uint_t                    i;

    sources[0] = live->lmcf->lists;
    sources[1] = live->lists;
    n = 0;

    for (i = 0; i < 2; i++) {
        if (sources[i] == NULL) {
            continue;
        }

        for (k = 0; k < LR_LK_COUNT; k++) {
            for (s = 0; s < LR_LS_COUNT; s++) {
                n += sources[i]->list[k][s].n;
            }
        }
    }

    ngx_http_login_risk_metrics_lists(n, ngx_current_msec);
}
