
/*
 * nginx-login-risk: from a described login to a verdict. One pipelined
 * round trip to Redis reads the state the engine needs; the request waits
 * for it without blocking the worker, at most login_risk_redis timeout=;
 * then the engine scores and the verdict is carried out: pass, tag,
 * challenge (pass on, or redirect with a ticket) or block.
 */


#include "ngx_http_login_risk_module.h"


static ngx_int_t ngx_http_login_risk_send_reads(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx, ngx_uint_t evalsha);
static void ngx_http_login_risk_read_reply(ngx_http_login_risk_call_t *call,
    ngx_uint_t index, redisReply *reply);
static void ngx_http_login_risk_read_done(ngx_http_login_risk_call_t *call);
static void ngx_http_login_risk_timeout(ngx_event_t *ev);
static void ngx_http_login_risk_resume(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx);
static void ngx_http_login_risk_unavailable(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx, const char *why);
static ngx_int_t ngx_http_login_risk_make_ticket(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx);
static ngx_int_t ngx_http_login_risk_send_block(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx);
static ngx_int_t ngx_http_login_risk_send_redirect(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx);


/*
 * NGX_OK: the verdict can be reached now (no store, or the store is
 * unavailable); NGX_AGAIN: the state is on its way, the request resumes
 * when it comes or when the timeout fires.
 */

ngx_int_t
ngx_http_login_risk_lookup(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx)
{
    ngx_http_login_risk_main_conf_t  *lmcf;

    lmcf = ngx_http_get_module_main_conf(r, ngx_http_login_risk_module);

    lr_engine_keys(&ctx->login, &ctx->keys);

    if (lmcf->redis == NULL) {
        /* no state store: only what the login itself shows is scored */
        return NGX_OK;
    }

    if (ngx_http_login_risk_send_reads(r, ctx, 1) != NGX_OK) {
        ngx_http_login_risk_metrics_read(ctx, NGX_HTTP_LOGIN_RISK_READ_UNSENT);
        ngx_http_login_risk_unavailable(r, ctx, "not connected");
        return NGX_OK;
    }

    ngx_http_login_risk_metrics_read(ctx, NGX_HTTP_LOGIN_RISK_READ_SENT);

    ctx->timer.handler = ngx_http_login_risk_timeout;
    ctx->timer.data = r;
    ctx->timer.log = r->connection->log;

    ngx_add_timer(&ctx->timer, lmcf->redis->timeout);

    return NGX_AGAIN;
}


static ngx_int_t
ngx_http_login_risk_send_reads(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx, ngx_uint_t evalsha)
{
    int                               rc, i;
    ngx_uint_t                        part, n;
    lr_redis_cmd                      cmd[LR_READ_CMDS_MAX];
    ngx_http_login_risk_call_t       *call;
    ngx_http_login_risk_main_conf_t  *lmcf;

    lmcf = ngx_http_get_module_main_conf(r, ngx_http_login_risk_module);

    if (ctx->profile == NULL) {
        ctx->profile = ngx_palloc(r->pool, sizeof(lr_profile));
        if (ctx->profile == NULL) {
            return NGX_ERROR;
        }
    }

    call = ngx_http_login_risk_redis_call(lmcf->rd);
    if (call == NULL) {
        return NGX_ERROR;
    }

    call->data = r;
    call->reply = ngx_http_login_risk_read_reply;
    call->done = ngx_http_login_risk_read_done;

    ngx_memzero(&ctx->view, sizeof(lr_view));
    ctx->profile_raw = NULL;
    ctx->profile_raw_len = 0;
    n = 0;

    /* one flush: hiredis writes them together when the socket is ready */
    for (part = 0; part < LR_READ_COUNT; part++) {
        rc = lr_redis_read((char *) lmcf->prefix.data,
                           evalsha ? lmcf->sha[LR_SCRIPT_READ] : NULL,
                           part, &ctx->keys, cmd);

        for (i = 0; i < rc; i++) {
            if (ngx_http_login_risk_redis_send(call, &cmd[i]) != NGX_OK) {
                rc = -1;
                break;
            }

            ctx->parts[n++] = (u_char) (part * LR_READ_CMDS_MAX + i);
        }

        if (rc < 0) {
            ngx_http_login_risk_redis_release(call);
            return NGX_ERROR;
        }
    }

    /* the telemetry is taken once: a resend after NOSCRIPT must not take
     * it again (it would look replayed) */
    if (ctx->token_id[0] && !ctx->retried) {
        if (lr_redis_telemetry_take((char *) lmcf->prefix.data, ctx->token_id,
                                    &cmd[0])
            != 0
            || ngx_http_login_risk_redis_send(call, &cmd[0]) != NGX_OK)
        {
            ngx_http_login_risk_redis_release(call);
            return NGX_ERROR;
        }

        ctx->parts[n++] = NGX_HTTP_LOGIN_RISK_PART_TELEMETRY;
    }

    ctx->call = call;

    return NGX_OK;
}


static void
ngx_http_login_risk_read_reply(ngx_http_login_risk_call_t *call,
    ngx_uint_t index, redisReply *reply)
{
    int                          rc;
    ngx_uint_t                   sub;
    lr_read_part                 part;
    redisReply                  *blob;
    ngx_http_request_t          *r;
    ngx_http_login_risk_ctx_t   *ctx;

    r = call->data;
    ctx = ngx_http_get_module_ctx(r, ngx_http_login_risk_module);

    ngx_http_login_risk_metrics_reply(ctx, reply);

    if (reply == NULL) {
        ctx->unavailable = 1;
        return;
    }

    if (reply->type == REDIS_REPLY_ERROR) {
        if (ngx_strncmp(reply->str, "NOSCRIPT", 8) == 0) {
            ctx->noscript = 1;
            ngx_http_login_risk_redis_noscript(call->redis);
            return;
        }

        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "login_risk: redis answered an error: %*s",
                      (size_t) reply->len, reply->str);
        ctx->unavailable = 1;
        return;
    }

    if (ctx->parts[index] == NGX_HTTP_LOGIN_RISK_PART_TELEMETRY) {
        ngx_http_login_risk_telemetry_reply(r, ctx, reply);
        return;
    }

    part = ctx->parts[index] / LR_READ_CMDS_MAX;
    sub = ctx->parts[index] % LR_READ_CMDS_MAX;

    rc = lr_redis_read_reply(part, sub, reply, &ctx->keys, ctx->login.time_ms,
                             ctx->llcf->engine.profile_max_age_s * 1000,
                             ctx->profile, &ctx->view);

    if (rc < 0) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "login_risk: unexpected redis reply to the %s read",
                      part == LR_READ_USER ? "user"
                      : part == LR_READ_POP ? "population" : "counter");
        ctx->unavailable = 1;
        return;
    }

    if (part != LR_READ_USER) {
        return;
    }

    if (rc == 1) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "login_risk: the stored profile of user \"%s\" is "
                      "unreadable, scored as a new user; the next success "
                      "replaces it", ctx->user);
    }

    /* kept to learn from: the next write must start where this read was */
    blob = reply->element[0];

    if (blob->type == REDIS_REPLY_STRING && blob->len) {
        ctx->profile_raw = ngx_pnalloc(r->pool, blob->len);
        if (ctx->profile_raw == NULL) {
            return;
        }

        ngx_memcpy(ctx->profile_raw, blob->str, blob->len);
        ctx->profile_raw_len = blob->len;
    }
}


static void
ngx_http_login_risk_read_done(ngx_http_login_risk_call_t *call)
{
    ngx_http_request_t         *r;
    ngx_http_login_risk_ctx_t  *ctx;

    r = call->data;
    ctx = ngx_http_get_module_ctx(r, ngx_http_login_risk_module);
    ctx->call = NULL;

    /* the scripts went away (SCRIPT FLUSH, a failover): send them along
     * once; the connection is loading them again for the next requests */
    if (ctx->noscript && !ctx->retried && !ctx->unavailable) {
        ctx->noscript = 0;
        ctx->retried = 1;

        if (ngx_http_login_risk_send_reads(r, ctx, 0) == NGX_OK) {
            return;
        }

        /* not sent again: the state was never read */
        ctx->unavailable = 1;
    }

    if (ctx->noscript) {
        ctx->unavailable = 1;
    }

    if (ctx->timer.timer_set) {
        ngx_del_timer(&ctx->timer);
    }

    ngx_http_login_risk_metrics_read(ctx, NGX_HTTP_LOGIN_RISK_READ_DONE);

    if (ctx->unavailable) {
        ngx_http_login_risk_unavailable(r, ctx, "error");

    } else {
        ngx_http_login_risk_apply_telemetry(r, ctx);
    }

    ngx_http_login_risk_resume(r, ctx);
}


static void
ngx_http_login_risk_timeout(ngx_event_t *ev)
{
    ngx_http_request_t               *r;
    ngx_http_login_risk_ctx_t        *ctx;
    ngx_http_login_risk_main_conf_t  *lmcf;

    r = ev->data;
    ctx = ngx_http_get_module_ctx(r, ngx_http_login_risk_module);
    lmcf = ngx_http_get_module_main_conf(r, ngx_http_login_risk_module);

    /* the replies may still come: they find nobody */
    ngx_http_login_risk_forget(ctx);

    ngx_http_login_risk_metrics_read(ctx, NGX_HTTP_LOGIN_RISK_READ_TIMEOUT);

    ngx_http_login_risk_unavailable(r, ctx, "timed out");
    ngx_http_login_risk_redis_check(lmcf->rd);

    ngx_http_login_risk_resume(r, ctx);
}


/* Detaches the request from Redis: its pool is about to go, or it moved
 * on without the answer. */

void
ngx_http_login_risk_forget(ngx_http_login_risk_ctx_t *ctx)
{
    if (ctx->call) {
        ngx_http_login_risk_redis_release(ctx->call);
        ctx->call = NULL;
    }

    if (ctx->timer.timer_set) {
        ngx_del_timer(&ctx->timer);
    }
}


static void
ngx_http_login_risk_unavailable(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx, const char *why)
{
    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "login_risk: state unavailable (%s), decided by "
                  "login_risk_on_error", why);

    ctx->unavailable = 1;
}


static void
ngx_http_login_risk_resume(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx)
{
    ngx_int_t          rc;
    ngx_connection_t  *c;

    c = r->connection;

    rc = ngx_http_login_risk_decide(r, ctx);

    if (rc == NGX_DECLINED) {
        r->write_event_handler = ngx_http_core_run_phases;
        ngx_http_core_run_phases(r);

    } else {
        ngx_http_finalize_request(r, rc);
    }

    ngx_http_run_posted_requests(c);
}


/*
 * Scores, tells the upstream and the variables, and carries the verdict
 * out. NGX_DECLINED: the login goes on to the application; otherwise the
 * module answered it and the result is what to finalize with.
 */

ngx_int_t
ngx_http_login_risk_decide(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx)
{
    size_t                           i;
    lr_verdict                      *v;
    ngx_http_login_risk_loc_conf_t  *llcf;

    llcf = ctx->llcf;
    v = &ctx->verdict;

    if (ctx->unavailable && !(ctx->login.allow || ctx->login.block)) {
        ngx_memzero(v, sizeof(lr_verdict));
        lr_reasons_add(&v->reasons, LR_REASON_STATE_UNAVAILABLE);
        v->action = (lr_action) llcf->on_error;
        v->score = v->action == LR_ACTION_BLOCK ? 100 : 0;

    } else {
        /* the lists are local: they decide even when the state could not
         * be read (the engine reads nothing else for a listed login) */
        lr_engine_score(&llcf->engine, &ctx->login, &ctx->keys, &ctx->view,
                        v);
    }

    for (i = 0; i < v->reasons.n; i++) {
        lr_reasons_add_points(&ctx->login.reasons, v->reasons.code[i],
                              v->reasons.points[i]);
    }

    ctx->login.score = v->score;
    ctx->login.action = lr_action_name(v->action);
    ctx->login.monitor = (llcf->mode == NGX_HTTP_LOGIN_RISK_MODE_MONITOR);

    /* monitor: everything is computed and logged, nothing is enforced
     * beyond a tag the application may log */
    ctx->enforced = v->action;

    if (ctx->login.monitor && ctx->enforced > LR_ACTION_TAG) {
        ctx->enforced = LR_ACTION_TAG;
    }

    *ngx_sprintf((u_char *) ctx->score, "%i", (ngx_int_t) v->score) = '\0';
    lr_reasons_format(&ctx->login.reasons, ctx->reasons,
                      sizeof(ctx->reasons));

    ctx->scored = 1;
    ctx->done = 1;

    if (ctx->enforced == LR_ACTION_CHALLENGE
        && ngx_http_login_risk_make_ticket(r, ctx) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_login_risk_set_headers(r, ctx) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    switch (ctx->enforced) {

    case LR_ACTION_BLOCK:
        return ngx_http_login_risk_send_block(r, ctx);

    case LR_ACTION_CHALLENGE:
        if (llcf->challenge_mode == NGX_HTTP_LOGIN_RISK_CHALLENGE_REDIRECT) {
            return ngx_http_login_risk_send_redirect(r, ctx);
        }

        return NGX_DECLINED;

    default:
        return NGX_DECLINED;
    }
}


/*
 * A challenged login gets a ticket naming the user and the attempt; the
 * attempt is kept in Redis until the step-up passes or the ticket expires.
 */

static ngx_int_t
ngx_http_login_risk_make_ticket(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx)
{
    size_t                            len;
    ngx_http_login_risk_main_conf_t  *lmcf;

    lmcf = ngx_http_get_module_main_conf(r, ngx_http_login_risk_module);

    if (lmcf->secrets == NULL || ctx->login.user == NULL) {
        return NGX_OK;
    }

    if (lr_ticket_new_attempt(ctx->attempt) != 0) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "login_risk: no random bytes for a ticket");
        return NGX_ERROR;
    }

    ctx->ticket = ngx_pnalloc(r->pool, LR_TICKET_MAX);
    if (ctx->ticket == NULL) {
        return NGX_ERROR;
    }

    len = lr_ticket_make(lmcf->secrets, ctx->login.user, ctx->attempt,
                         ctx->login.time_ms / 1000
                         + NGX_HTTP_LOGIN_RISK_TICKET_TTL,
                         ctx->ticket, LR_TICKET_MAX);
    if (len == 0) {
        return NGX_ERROR;
    }

    ngx_http_login_risk_store_attempt(r, ctx);

    return NGX_OK;
}


static ngx_int_t
ngx_http_login_risk_send_block(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx)
{
    size_t                           len;
    u_char                          *p;
    ngx_int_t                        rc;
    ngx_buf_t                       *b;
    ngx_str_t                        id;
    ngx_chain_t                      out;
    ngx_http_login_risk_loc_conf_t  *llcf;

    llcf = ctx->llcf;

    /* no reason in the answer: the attacker learns nothing to tune on;
     * the request id lets the customer's call be found in the logs */
    if (ctx->login.request_id) {
        id.data = (u_char *) ctx->login.request_id;
        id.len = ngx_strlen(ctx->login.request_id);

    } else {
        ngx_str_set(&id, "-");
    }

    len = sizeof("{\"error\":\"login_refused\",\"request_id\":\"\"}\n") - 1
          + sizeof("<!DOCTYPE html><title>Login refused</title>"
                   "<p>This login was refused. If it was you, contact us "
                   "and quote reference .</p>\n")
          + id.len;

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ctx->json) {
        p = ngx_sprintf(b->last, "{\"error\":\"login_refused\","
                        "\"request_id\":\"%V\"}\n", &id);
        ngx_str_set(&r->headers_out.content_type, "application/json");

    } else {
        p = ngx_sprintf(b->last, "<!DOCTYPE html><title>Login refused</title>"
                        "<p>This login was refused. If it was you, contact "
                        "us and quote reference %V.</p>\n", &id);
        ngx_str_set(&r->headers_out.content_type, "text/html");
    }

    b->last = p;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.status = llcf->block_status;
    r->headers_out.content_length_n = b->last - b->pos;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


static ngx_int_t
ngx_http_login_risk_send_redirect(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx)
{
    size_t                           len;
    u_char                          *p;
    ngx_table_elt_t                 *h;
    ngx_http_login_risk_loc_conf_t  *llcf;

    llcf = ctx->llcf;

    len = llcf->challenge_uri.len + sizeof("?lr_ticket=") - 1
          + (ctx->ticket ? ngx_strlen(ctx->ticket) : 0);

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Location");
    h->value.data = p;

    p = ngx_cpymem(p, llcf->challenge_uri.data, llcf->challenge_uri.len);

    if (ctx->ticket) {
        /* the ticket is URL-safe as it is */
        p = ngx_sprintf(p, "%slr_ticket=%s",
                        ngx_strlchr(llcf->challenge_uri.data,
                                    llcf->challenge_uri.data
                                    + llcf->challenge_uri.len, '?')
                        ? "&" : "?",
                        ctx->ticket);
    }

    h->value.len = p - h->value.data;
    r->headers_out.location = h;

    r->headers_out.status = NGX_HTTP_SEE_OTHER;
    r->headers_out.content_length_n = 0;
    r->header_only = 1;

    return ngx_http_send_header(r);
}
