
/*
 * nginx-login-risk: the worker's Redis connection, hiredis's async API
 * driven by nginx's event loop. One connection per worker, commands of
 * many requests pipelined on it; a call groups the commands of one request
 * and may be detached when nobody waits for its replies any more (timeout,
 * request gone): its replies are then read and dropped. nginx timers bound
 * everything: the connect, every request's wait, the reconnect backoff.
 */


#include "ngx_http_login_risk_module.h"

#include <hiredis/async.h>


#define NGX_HTTP_LOGIN_RISK_BACKOFF_MIN  100
#define NGX_HTTP_LOGIN_RISK_BACKOFF_MAX  5000

/* a command formatted on the stack (a full population batch fits); a
 * bigger one goes through hiredis's own formatter */
#define NGX_HTTP_LOGIN_RISK_RESP_MAX     16384


typedef enum {
    NGX_HTTP_LOGIN_RISK_REDIS_DOWN = 0,
    NGX_HTTP_LOGIN_RISK_REDIS_CONNECTING,
    NGX_HTTP_LOGIN_RISK_REDIS_READY
} ngx_http_login_risk_redis_state_e;


struct ngx_http_login_risk_redis_s {
    ngx_http_login_risk_redis_conf_t  *conf;
    redisAsyncContext                 *ac;
    ngx_connection_t                  *conn;
    ngx_event_t                        timer;       /* connect timeout,
                                                       reconnect */
    ngx_log_t                         *log;
    ngx_msec_t                         backoff;
    ngx_msec_t                         last_reply;
    ngx_uint_t                         waiting;     /* replies due */
    ngx_uint_t                         setup;       /* setup replies due */
    ngx_http_login_risk_call_t        *free;
    ngx_pool_t                        *pool;
    ngx_msec_t                         write_error_at;
    ngx_uint_t                         write_errors;    /* not logged yet */
    ngx_http_login_risk_redis_state_e  state;
    unsigned                           reported_down:1;
    unsigned                           setup_failed:1;  /* this connection */
};


static void ngx_http_login_risk_redis_connect(
    ngx_http_login_risk_redis_t *rd);
static void ngx_http_login_risk_redis_setup(ngx_http_login_risk_redis_t *rd);
static void ngx_http_login_risk_redis_load_scripts(
    ngx_http_login_risk_redis_t *rd);
static void ngx_http_login_risk_redis_setup_reply(redisAsyncContext *ac,
    void *reply, void *privdata);
static void ngx_http_login_risk_redis_connected(const redisAsyncContext *ac,
    int status);
static void ngx_http_login_risk_redis_disconnected(
    const redisAsyncContext *ac, int status);
static void ngx_http_login_risk_redis_down(ngx_http_login_risk_redis_t *rd,
    const char *why);
static void ngx_http_login_risk_redis_timer(ngx_event_t *ev);
static void ngx_http_login_risk_redis_read(ngx_event_t *ev);
static void ngx_http_login_risk_redis_write(ngx_event_t *ev);
static void ngx_http_login_risk_redis_add_read(void *privdata);
static void ngx_http_login_risk_redis_del_read(void *privdata);
static void ngx_http_login_risk_redis_add_write(void *privdata);
static void ngx_http_login_risk_redis_del_write(void *privdata);
static void ngx_http_login_risk_redis_cleanup(void *privdata);
static void ngx_http_login_risk_redis_reply(redisAsyncContext *ac,
    void *reply, void *privdata);


ngx_http_login_risk_redis_t *
ngx_http_login_risk_redis_start(ngx_cycle_t *cycle,
    ngx_http_login_risk_redis_conf_t *conf)
{
    ngx_http_login_risk_redis_t  *rd;

    rd = ngx_pcalloc(cycle->pool, sizeof(ngx_http_login_risk_redis_t));
    if (rd == NULL) {
        return NULL;
    }

    rd->conf = conf;
    rd->log = cycle->log;
    rd->pool = cycle->pool;
    rd->backoff = NGX_HTTP_LOGIN_RISK_BACKOFF_MIN;

    rd->timer.handler = ngx_http_login_risk_redis_timer;
    rd->timer.data = rd;
    rd->timer.log = cycle->log;
    /* a worker shutting down does not wait for a reconnect */
    rd->timer.cancelable = 1;

    ngx_http_login_risk_redis_connect(rd);

    return rd;
}


void
ngx_http_login_risk_redis_stop(ngx_http_login_risk_redis_t *rd)
{
    redisAsyncContext  *ac;

    if (rd->timer.timer_set) {
        ngx_del_timer(&rd->timer);
    }

    ac = rd->ac;

    if (ac != NULL) {
        rd->ac = NULL;
        rd->state = NGX_HTTP_LOGIN_RISK_REDIS_DOWN;
        ac->data = NULL;
        redisAsyncFree(ac);
    }
}


/*
 * Connecting never blocks: the address is numeric (resolved when the
 * configuration was read) and hiredis connects in non-blocking mode.
 */

static void
ngx_http_login_risk_redis_connect(ngx_http_login_risk_redis_t *rd)
{
    ngx_connection_t                  *c;
    redisAsyncContext                 *ac;
    ngx_http_login_risk_redis_conf_t  *conf;

    conf = rd->conf;

    if (conf->unix_path) {
        ac = redisAsyncConnectUnix(conf->unix_path);

    } else {
        ac = redisAsyncConnect(conf->host, (int) conf->port);
    }

    if (ac == NULL) {
        ngx_http_login_risk_redis_down(rd, "out of memory");
        return;
    }

    if (ac->err) {
        ngx_http_login_risk_redis_down(rd, ac->errstr);
        redisAsyncFree(ac);
        return;
    }

    c = ngx_get_connection(ac->c.fd, rd->log);
    if (c == NULL) {
        ngx_http_login_risk_redis_down(rd, "no free connection");
        redisAsyncFree(ac);
        return;
    }

    c->data = rd;
    c->read->handler = ngx_http_login_risk_redis_read;
    c->write->handler = ngx_http_login_risk_redis_write;
    c->read->log = rd->log;
    c->write->log = rd->log;

    rd->conn = c;
    rd->ac = ac;
    ac->data = rd;

    ac->ev.data = rd;
    ac->ev.addRead = ngx_http_login_risk_redis_add_read;
    ac->ev.delRead = ngx_http_login_risk_redis_del_read;
    ac->ev.addWrite = ngx_http_login_risk_redis_add_write;
    ac->ev.delWrite = ngx_http_login_risk_redis_del_write;
    ac->ev.cleanup = ngx_http_login_risk_redis_cleanup;

    redisAsyncSetConnectCallback(ac, ngx_http_login_risk_redis_connected);
    redisAsyncSetDisconnectCallback(ac,
                                    ngx_http_login_risk_redis_disconnected);

    rd->state = NGX_HTTP_LOGIN_RISK_REDIS_CONNECTING;
    rd->waiting = 0;
    rd->last_reply = ngx_current_msec;

    /* the connect completes when the socket becomes writable */
    ngx_http_login_risk_redis_add_write(rd);

    ngx_http_login_risk_redis_setup(rd);

    ngx_add_timer(&rd->timer, conf->connect_timeout);
}


/*
 * AUTH, SELECT and the scripts go first on a new connection: a command
 * queued after them finds them done, since Redis answers in order.
 */

static void
ngx_http_login_risk_redis_setup(ngx_http_login_risk_redis_t *rd)
{
    const char                        *argv[3];
    size_t                             argvlen[3];
    ngx_http_login_risk_redis_conf_t  *conf;

    conf = rd->conf;
    rd->setup = 0;
    rd->setup_failed = 0;

    if (conf->password.len) {
        argv[0] = "AUTH";
        argvlen[0] = 4;
        argv[1] = (char *) conf->password.data;
        argvlen[1] = conf->password.len;

        if (redisAsyncCommandArgv(rd->ac,
                                  ngx_http_login_risk_redis_setup_reply,
                                  (void *) "AUTH", 2, argv, argvlen)
            == REDIS_OK)
        {
            rd->setup++;
        }
    }

    if (conf->db) {
        argv[0] = "SELECT";
        argvlen[0] = 6;
        argv[1] = (char *) conf->db_text;
        argvlen[1] = ngx_strlen(conf->db_text);

        if (redisAsyncCommandArgv(rd->ac,
                                  ngx_http_login_risk_redis_setup_reply,
                                  (void *) "SELECT", 2, argv, argvlen)
            == REDIS_OK)
        {
            rd->setup++;
        }
    }

    ngx_http_login_risk_redis_load_scripts(rd);
}


static void
ngx_http_login_risk_redis_load_scripts(ngx_http_login_risk_redis_t *rd)
{
    ngx_uint_t   i;
    const char  *argv[3];
    size_t       argvlen[3];

    for (i = 0; i < LR_SCRIPT_COUNT_ALL; i++) {
        argv[0] = "SCRIPT";
        argvlen[0] = 6;
        argv[1] = "LOAD";
        argvlen[1] = 4;
        argv[2] = lr_redis_script(i);
        argvlen[2] = ngx_strlen(argv[2]);

        if (redisAsyncCommandArgv(rd->ac,
                                  ngx_http_login_risk_redis_setup_reply,
                                  (void *) "SCRIPT LOAD", 3, argv, argvlen)
            == REDIS_OK)
        {
            rd->setup++;
        }
    }
}


static void
ngx_http_login_risk_redis_setup_reply(redisAsyncContext *ac, void *reply,
    void *privdata)
{
    redisReply                   *rr = reply;
    ngx_http_login_risk_redis_t  *rd;

    rd = ac->data;

    if (rd == NULL || reply == NULL) {
        return;
    }

    rd->last_reply = ngx_current_msec;

    if (rr->type == REDIS_REPLY_ERROR) {
        /* the first error of the first failed connection says why (what
         * Redis said, never the password); the replies after it (NOAUTH)
         * and the reconnects that fail alike add nothing */
        if (!rd->setup_failed && !rd->reported_down) {
            ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                          "login_risk: redis %s failed: %*s",
                          (char *) privdata, (size_t) rr->len, rr->str);
        }

        if (!rd->setup_failed) {
            rd->setup_failed = 1;
            rd->state = NGX_HTTP_LOGIN_RISK_REDIS_DOWN;
            redisAsyncDisconnect(ac);
        }

        return;
    }

    if (--rd->setup == 0 && rd->state == NGX_HTTP_LOGIN_RISK_REDIS_CONNECTING)
    {
        rd->state = NGX_HTTP_LOGIN_RISK_REDIS_READY;
        rd->backoff = NGX_HTTP_LOGIN_RISK_BACKOFF_MIN;

        if (rd->timer.timer_set) {
            ngx_del_timer(&rd->timer);
        }

        if (rd->reported_down) {
            rd->reported_down = 0;
            ngx_log_error(NGX_LOG_NOTICE, rd->log, 0,
                          "login_risk: redis %V is back", &rd->conf->address);
        }
    }
}


static void
ngx_http_login_risk_redis_connected(const redisAsyncContext *ac, int status)
{
    ngx_http_login_risk_redis_t  *rd;

    rd = ac->data;

    if (rd == NULL || status == REDIS_OK) {
        return;
    }

    /* hiredis frees the context after this callback */
    rd->ac = NULL;
    ngx_http_login_risk_redis_down(rd, ac->errstr);
}


static void
ngx_http_login_risk_redis_disconnected(const redisAsyncContext *ac,
    int status)
{
    ngx_http_login_risk_redis_t  *rd;

    rd = ac->data;

    if (rd == NULL) {
        return;
    }

    rd->ac = NULL;
    ngx_http_login_risk_redis_down(rd, status == REDIS_OK
                                       ? "connection closed" : ac->errstr);
}


/*
 * Says once that Redis is unavailable (not once per request) and tries
 * again later, waiting longer after each failure: a Redis that is down is
 * not hammered by every worker of every front end.
 */

static void
ngx_http_login_risk_redis_down(ngx_http_login_risk_redis_t *rd,
    const char *why)
{
    ngx_http_login_risk_metrics_redis_down();

    rd->state = NGX_HTTP_LOGIN_RISK_REDIS_DOWN;

    if (!rd->reported_down) {
        rd->reported_down = 1;
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "login_risk: redis %V unavailable (%s), logins are "
                      "decided by login_risk_on_error until it is back",
                      &rd->conf->address, why);
    }

    if (ngx_exiting || ngx_terminate || ngx_quit) {
        return;
    }

    if (rd->timer.timer_set) {
        ngx_del_timer(&rd->timer);
    }

    /* with some jitter: the workers of every front end lost Redis at the
     * same moment, and must not all come back at the same moment */
    ngx_add_timer(&rd->timer, rd->backoff + ngx_random() % (rd->backoff / 2));

    rd->backoff *= 2;
    if (rd->backoff > NGX_HTTP_LOGIN_RISK_BACKOFF_MAX) {
        rd->backoff = NGX_HTTP_LOGIN_RISK_BACKOFF_MAX;
    }
}


/*
 * One timer, by state: down, it reconnects; connecting, it gives up the
 * connect; ready, it watches that replies keep coming while some are due
 * (the writes that no request waits for have no timer of their own).
 */

static void
ngx_http_login_risk_redis_timer(ngx_event_t *ev)
{
    redisAsyncContext            *ac;
    ngx_http_login_risk_redis_t  *rd;

    rd = ev->data;

    if (rd->ac == NULL) {
        ngx_http_login_risk_redis_connect(rd);
        return;
    }

    if (rd->state == NGX_HTTP_LOGIN_RISK_REDIS_READY) {
        ngx_http_login_risk_redis_check(rd);

        if (rd->ac && rd->waiting && !rd->timer.timer_set) {
            ngx_add_timer(&rd->timer, rd->conf->stuck_after);
        }

        return;
    }

    /* not connected, or the setup not answered, in time */
    ac = rd->ac;
    rd->ac = NULL;
    ac->data = NULL;
    redisAsyncFree(ac);
    ngx_http_login_risk_redis_down(rd, "connect timed out");
}


/*
 * A Redis that stopped answering (paused, overloaded, a dead network)
 * does not close the connection: after stuck_after without any reply while
 * replies are due, the connection is dropped and made again, so that
 * requests fail fast instead of piling up behind it.
 */

void
ngx_http_login_risk_redis_check(ngx_http_login_risk_redis_t *rd)
{
    redisAsyncContext  *ac;

    if (rd->ac == NULL || rd->waiting == 0
        || ngx_current_msec - rd->last_reply < rd->conf->stuck_after)
    {
        return;
    }

    ac = rd->ac;
    rd->ac = NULL;
    ac->data = NULL;
    redisAsyncFree(ac);

    ngx_http_login_risk_redis_down(rd, "no answer in time");
}


/*
 * Redis answered NOSCRIPT: its scripts went away (SCRIPT FLUSH, a failover
 * to a replica that never saw them). Loads them again, once per loss: the
 * commands after the reloads find them.
 */

void
ngx_http_login_risk_redis_noscript(ngx_http_login_risk_redis_t *rd)
{
    if (rd->ac == NULL || rd->state != NGX_HTTP_LOGIN_RISK_REDIS_READY
        || rd->setup > 0)
    {
        return;
    }

    ngx_log_error(NGX_LOG_WARN, rd->log, 0,
                  "login_risk: redis %V lost the scripts, loading them again",
                  &rd->conf->address);

    ngx_http_login_risk_redis_load_scripts(rd);
}


/*
 * A write that failed (an error reply: out of memory, a wrong type): said
 * at most once every 10 s with the number of others, so that a Redis out
 * of memory does not write one line per login. A write lost with its
 * connection says nothing: the outage has its own line.
 */

void
ngx_http_login_risk_redis_write_failed(ngx_http_login_risk_redis_t *rd,
    redisReply *reply, const char *what)
{
    ngx_http_login_risk_metrics_write(reply);

    if (reply == NULL || reply->type != REDIS_REPLY_ERROR) {
        return;
    }

    if (ngx_strncmp(reply->str, "NOSCRIPT", 8) == 0) {
        ngx_http_login_risk_redis_noscript(rd);
    }

    if (rd->write_error_at != 0
        && ngx_current_msec - rd->write_error_at < 10000)
    {
        rd->write_errors++;
        return;
    }

    ngx_log_error(NGX_LOG_WARN, rd->log, 0,
                  "login_risk: %s failed: %*s (and %ui other writes since "
                  "the last such line)", what, (size_t) reply->len,
                  reply->str, rd->write_errors);

    rd->write_error_at = ngx_current_msec;
    rd->write_errors = 0;
}


ngx_uint_t
ngx_http_login_risk_redis_usable(ngx_http_login_risk_redis_t *rd)
{
    return rd != NULL && rd->ac != NULL
           && rd->state != NGX_HTTP_LOGIN_RISK_REDIS_DOWN;
}


/* --- calls ---------------------------------------------------------------- */

ngx_http_login_risk_call_t *
ngx_http_login_risk_redis_call(ngx_http_login_risk_redis_t *rd)
{
    ngx_http_login_risk_call_t  *call;

    if (!ngx_http_login_risk_redis_usable(rd)) {
        return NULL;
    }

    call = rd->free;

    if (call) {
        rd->free = call->next;

    } else {
        /* calls are reused: their number follows the peak of requests in
         * flight, not the number of requests */
        call = ngx_palloc(rd->pool, sizeof(ngx_http_login_risk_call_t));
        if (call == NULL) {
            return NULL;
        }
    }

    ngx_memzero(call, sizeof(ngx_http_login_risk_call_t));
    call->redis = rd;

    return call;
}


ngx_int_t
ngx_http_login_risk_redis_send(ngx_http_login_risk_call_t *call,
    lr_redis_cmd *cmd)
{
    int                           rc;
    char                          buf[NGX_HTTP_LOGIN_RISK_RESP_MAX];
    size_t                        len;
    ngx_http_login_risk_redis_t  *rd;

    rd = call->redis;

    if (rd->ac == NULL) {
        return NGX_ERROR;
    }

    len = lr_redis_cmd_resp(cmd, buf, sizeof(buf));

    rc = len ? redisAsyncFormattedCommand(rd->ac,
                                          ngx_http_login_risk_redis_reply,
                                          call, buf, len)
             : redisAsyncCommandArgv(rd->ac, ngx_http_login_risk_redis_reply,
                                     call, cmd->argc, cmd->argv,
                                     cmd->argvlen);
    if (rc != REDIS_OK) {
        return NGX_ERROR;
    }

    if (rd->waiting++ == 0) {
        /* the stuck clock starts with the first reply due */
        rd->last_reply = ngx_current_msec;
    }

    if (rd->state == NGX_HTTP_LOGIN_RISK_REDIS_READY && !rd->timer.timer_set)
    {
        ngx_add_timer(&rd->timer, rd->conf->stuck_after);
    }

    call->sent++;

    return NGX_OK;
}


/* A call with nothing sent goes straight back to the free list. */

void
ngx_http_login_risk_redis_release(ngx_http_login_risk_call_t *call)
{
    ngx_http_login_risk_redis_t  *rd;

    if (call->sent > call->received) {
        /* replies are due: the last one releases it */
        call->data = NULL;
        return;
    }

    rd = call->redis;
    call->next = rd->free;
    rd->free = call;
}


static void
ngx_http_login_risk_redis_reply(redisAsyncContext *ac, void *reply,
    void *privdata)
{
    ngx_uint_t                    index;
    ngx_http_login_risk_call_t   *call;
    ngx_http_login_risk_redis_t  *rd;

    call = privdata;
    rd = call->redis;

    /* a NULL reply: the connection went away with this command */
    if (reply) {
        rd->last_reply = ngx_current_msec;
    }

    if (rd->waiting) {
        rd->waiting--;
    }

    index = call->received++;

    if (call->data && call->reply) {
        call->reply(call, index, reply);
    }

    if (call->received < call->sent) {
        return;
    }

    if (call->data && call->done) {
        call->done(call);
    }

    call->next = rd->free;
    rd->free = call;
}


/* --- hiredis event hooks -------------------------------------------------- */

/*
 * Level-triggered: hiredis 0.14 reads at most 16 KB per call, so with
 * edge-triggered epoll a bigger answer would wait for the next packet.
 */

static void
ngx_http_login_risk_redis_read(ngx_event_t *ev)
{
    ngx_connection_t             *c;
    ngx_http_login_risk_redis_t  *rd;

    c = ev->data;
    rd = c->data;

    if (rd->ac) {
        redisAsyncHandleRead(rd->ac);
    }
}


static void
ngx_http_login_risk_redis_write(ngx_event_t *ev)
{
    ngx_connection_t             *c;
    ngx_http_login_risk_redis_t  *rd;

    c = ev->data;
    rd = c->data;

    if (rd->ac) {
        redisAsyncHandleWrite(rd->ac);
    }
}


static void
ngx_http_login_risk_redis_add_read(void *privdata)
{
    ngx_http_login_risk_redis_t  *rd = privdata;

    if (rd->conn && !rd->conn->read->active) {
        ngx_add_event(rd->conn->read, NGX_READ_EVENT, NGX_LEVEL_EVENT);
    }
}


static void
ngx_http_login_risk_redis_del_read(void *privdata)
{
    ngx_http_login_risk_redis_t  *rd = privdata;

    if (rd->conn && rd->conn->read->active) {
        ngx_del_event(rd->conn->read, NGX_READ_EVENT, 0);
    }
}


static void
ngx_http_login_risk_redis_add_write(void *privdata)
{
    ngx_http_login_risk_redis_t  *rd = privdata;

    if (rd->conn && !rd->conn->write->active) {
        ngx_add_event(rd->conn->write, NGX_WRITE_EVENT, NGX_LEVEL_EVENT);
    }
}


static void
ngx_http_login_risk_redis_del_write(void *privdata)
{
    ngx_http_login_risk_redis_t  *rd = privdata;

    if (rd->conn && rd->conn->write->active) {
        ngx_del_event(rd->conn->write, NGX_WRITE_EVENT, 0);
    }
}


/* hiredis is freeing the context and will close the socket itself */

static void
ngx_http_login_risk_redis_cleanup(void *privdata)
{
    ngx_connection_t             *c;
    ngx_http_login_risk_redis_t  *rd = privdata;

    c = rd->conn;

    if (c == NULL) {
        return;
    }

    rd->conn = NULL;

    if (c->read->posted) {
        ngx_delete_posted_event(c->read);
    }

    if (c->write->posted) {
        ngx_delete_posted_event(c->write);
    }

    if (c->read->active) {
        ngx_del_event(c->read, NGX_READ_EVENT, NGX_CLOSE_EVENT);
    }

    if (c->write->active) {
        ngx_del_event(c->write, NGX_WRITE_EVENT, NGX_CLOSE_EVENT);
    }

    c->fd = (ngx_socket_t) -1;
    ngx_free_connection(c);
}
