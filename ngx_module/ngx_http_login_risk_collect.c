
/*
 * nginx-login-risk: the collector's side. The collect endpoint takes the
 * telemetry the browser posts as the login form is submitted, keeps its
 * summary in Redis and answers a token; the login hands the token back
 * and its telemetry is taken (once) with the login's reads. The device
 * cookie is read and, when absent or not ours, set on both.
 */


#include "ngx_http_login_risk_module.h"

#include <lr_field.h>


typedef struct {
    ngx_http_request_t           *request;
    ngx_http_login_risk_call_t   *call;
    ngx_event_t                   timer;
    ngx_str_t                     token;
    ngx_str_t                     device_set_cookie;
    ngx_uint_t                    stored;
} ngx_http_login_risk_collect_t;


static ngx_int_t ngx_http_login_risk_collect_handler(ngx_http_request_t *r);
static void ngx_http_login_risk_collect_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_login_risk_collect_store(ngx_http_request_t *r,
    ngx_http_login_risk_collect_t *cc, ngx_str_t *body);
static void ngx_http_login_risk_collect_reply(ngx_http_login_risk_call_t *call,
    ngx_uint_t index, redisReply *reply);
static void ngx_http_login_risk_collect_done(ngx_http_login_risk_call_t *call);
static void ngx_http_login_risk_collect_timeout(ngx_event_t *ev);
static void ngx_http_login_risk_collect_cleanup(void *data);
static void ngx_http_login_risk_collect_finish(
    ngx_http_login_risk_collect_t *cc);
static ngx_int_t ngx_http_login_risk_collect_answer(ngx_http_request_t *r,
    ngx_http_login_risk_collect_t *cc, ngx_uint_t status, ngx_str_t *error);
static ngx_http_login_risk_collect_t *ngx_http_login_risk_collect_get(
    ngx_http_request_t *r);
static void ngx_http_login_risk_header_value(ngx_http_request_t *r,
    char *name, size_t len, char **out);


/* --- configuration ------------------------------------------------------ */

char *
ngx_http_login_risk_collect(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_login_risk_loc_conf_t  *llcf = conf;

    ngx_http_core_loc_conf_t         *clcf;
    ngx_http_login_risk_main_conf_t  *lmcf;

    if (llcf->collect != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    llcf->collect = 1;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_login_risk_collect_handler;

    lmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_login_risk_module);
    lmcf->collect = 1;
    lmcf->used = 1;

    return NGX_CONF_OK;
}


/* login_risk_device_cookie NAME [max_age=TIME] [domain=DOMAIN] */

char *
ngx_http_login_risk_device_cookie_conf(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_login_risk_main_conf_t  *lmcf = conf;

    ngx_str_t   *value, s;
    ngx_uint_t   i;

    if (lmcf->device_cookie.len) {
        return "is duplicate";
    }

    value = cf->args->elts;

    for (i = 0; i < value[1].len; i++) {
        /* an RFC 6265 token, kept to the characters nobody quotes */
        if (!ngx_http_login_risk_name_char(value[1].data[i])) {
            return "needs a NAME of letters, digits, \"_\" and \"-\"";
        }
    }

    if (value[1].len == 0 || value[1].len > 64) {
        return "needs a NAME of 1 to 64 characters";
    }

    lmcf->device_cookie = value[1];
    lmcf->device_max_age = 365 * 86400;

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "max_age=", 8) == 0) {
            s.data = value[i].data + 8;
            s.len = value[i].len - 8;
            lmcf->device_max_age = ngx_parse_time(&s, 1);

            if (lmcf->device_max_age == (time_t) NGX_ERROR
                || lmcf->device_max_age <= 0)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "login_risk_device_cookie: invalid "
                                   "max_age \"%V\"", &s);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "domain=", 7) == 0
            && value[i].len > 7)
        {
            lmcf->device_domain.data = value[i].data + 7;
            lmcf->device_domain.len = value[i].len - 7;

            if (ngx_strlchr(lmcf->device_domain.data,
                            lmcf->device_domain.data + lmcf->device_domain.len,
                            ';'))
            {
                return "has a domain with \";\"";
            }

            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "login_risk_device_cookie: unknown parameter "
                           "\"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* --- the device cookie --------------------------------------------------- */

/*
 * The device id of the request's cookie when it is one of ours. Otherwise
 * a new id and, in set_cookie, the Set-Cookie value that gives it to the
 * browser; *bad says a cookie came that was not ours (tampered, forged, or
 * signed by a key no longer in the key file). id is "" when no device
 * cookie is configured.
 */

ngx_int_t
ngx_http_login_risk_device(ngx_http_request_t *r,
    char id[LR_DEVCOOKIE_ID + 1], ngx_str_t *set_cookie, ngx_uint_t *bad)
{
    u_char                           *p;
    size_t                            len;
    ngx_str_t                         value;
    char                              signed_id[LR_DEVCOOKIE_MAX];
    ngx_http_login_risk_main_conf_t  *lmcf;

    lmcf = ngx_http_get_module_main_conf(r, ngx_http_login_risk_module);

    id[0] = '\0';
    ngx_str_null(set_cookie);
    *bad = 0;

    if (lmcf->device_cookie.len == 0 || lmcf->secrets == NULL) {
        return NGX_OK;
    }

    if (ngx_http_parse_multi_header_lines(&r->headers_in.cookies,
                                          &lmcf->device_cookie, &value)
        != NGX_DECLINED)
    {
        if (lr_devcookie_verify(lmcf->secrets, (char *) value.data,
                                value.len, id)
            == 0)
        {
            return NGX_OK;
        }

        *bad = 1;
    }

    len = lr_devcookie_make(lmcf->secrets, id, signed_id, sizeof(signed_id));
    if (len == 0) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "login_risk: could not make a device id");
        id[0] = '\0';
        return NGX_ERROR;
    }

    set_cookie->len = lmcf->device_cookie.len + 1 + len
                      + sizeof("; Max-Age=; Path=/; Secure; HttpOnly; "
                               "SameSite=Lax") - 1
                      + NGX_TIME_T_LEN
                      + (lmcf->device_domain.len
                         ? sizeof("; Domain=") - 1 + lmcf->device_domain.len
                         : 0);

    p = ngx_pnalloc(r->pool, set_cookie->len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    set_cookie->data = p;
    p = ngx_sprintf(p, "%V=%*s; Max-Age=%T; Path=/", &lmcf->device_cookie,
                    len, signed_id, lmcf->device_max_age);

    if (lmcf->device_domain.len) {
        p = ngx_sprintf(p, "; Domain=%V", &lmcf->device_domain);
    }

    p = ngx_cpymem(p, "; Secure; HttpOnly; SameSite=Lax",
                   sizeof("; Secure; HttpOnly; SameSite=Lax") - 1);
    set_cookie->len = p - set_cookie->data;

    return NGX_OK;
}


ngx_int_t
ngx_http_login_risk_set_cookie(ngx_http_request_t *r, ngx_str_t *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Set-Cookie");
    h->value = *value;

    return NGX_OK;
}


/* --- the login ----------------------------------------------------------- */

/*
 * The device cookie and the collector token of a login. The token comes as
 * a field of the body (login_risk_token_field) or, failing that, as the
 * cookie of that name which the collect endpoint set. Only its form and
 * signature are checked here; whether it was used, and by which browser,
 * the telemetry it names tells when it is taken from Redis.
 */

void
ngx_http_login_risk_identify(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx, ngx_str_t *body)
{
    char                              text[LR_TOKEN_MAX + 1];
    size_t                            len;
    ngx_str_t                         value, cookie;
    ngx_uint_t                        bad;
    lr_field_status                   fs;
    lr_token_status                   st;
    ngx_http_login_risk_main_conf_t  *lmcf;

    lmcf = ngx_http_get_module_main_conf(r, ngx_http_login_risk_module);

    if (ngx_http_login_risk_device(r, ctx->device_id, &ctx->device_set_cookie,
                                   &bad)
        == NGX_OK
        && ctx->device_id[0])
    {
        ctx->login.device_id = ctx->device_id;
        ctx->login.device_new = (ctx->device_set_cookie.len != 0);
        ctx->login.bad_device_cookie = (int) bad;
    }

    if (lmcf->secrets == NULL || lmcf->redis == NULL) {
        return;
    }

    fs = ctx->json
         ? lr_json_field((char *) body->data, body->len,
                         (char *) lmcf->token_field.data, text, sizeof(text),
                         &len)
         : lr_form_field((char *) body->data, body->len,
                         (char *) lmcf->token_field.data, text, sizeof(text),
                         &len);

    if (fs == LR_FIELD_OK) {
        value.data = (u_char *) text;
        value.len = len;

    } else if (fs == LR_FIELD_TOO_LONG || fs == LR_FIELD_NOT_STRING) {
        ctx->login.token = LR_TOKEN_INVALID;
        return;

    } else if (ngx_http_parse_multi_header_lines(&r->headers_in.cookies,
                                                 &lmcf->token_field, &value)
               == NGX_DECLINED)
    {
        ctx->login.token = LR_TOKEN_ABSENT;
        return;
    }

    /* a token is for one login: its cookie must not ride along with the
     * next one (a retry, another form of the page) as a replay */
    if (ngx_http_parse_multi_header_lines(&r->headers_in.cookies,
                                          &lmcf->token_field, &cookie)
        != NGX_DECLINED)
    {
        len = lmcf->token_field.len + sizeof("=; Max-Age=0; Path=/; Secure; "
                                             "HttpOnly; SameSite=Strict") - 1;
        ctx->token_clear_cookie.data = ngx_pnalloc(r->pool, len);

        if (ctx->token_clear_cookie.data) {
            ctx->token_clear_cookie.len =
                ngx_sprintf(ctx->token_clear_cookie.data,
                            "%V=; Max-Age=0; Path=/; Secure; HttpOnly; "
                            "SameSite=Strict", &lmcf->token_field)
                - ctx->token_clear_cookie.data;
        }
    }

    st = lr_token_verify(lmcf->secrets, (char *) value.data, value.len,
                         ngx_time(), ctx->token_id);

    switch (st) {
    case LR_TOKEN_OK:
        /* valid or replayed: the telemetry's GETDEL tells */
        ctx->login.token = LR_TOKEN_VALID;
        break;
    case LR_TOKEN_EXPIRED:
        ctx->login.token = LR_TOKEN_TOO_OLD;
        break;
    default:
        ctx->login.token = LR_TOKEN_INVALID;
    }
}


/* The reply to the telemetry's GETDEL. */

void
ngx_http_login_risk_telemetry_reply(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx, redisReply *reply)
{
    if (reply->type == REDIS_REPLY_NIL) {
        /* a good token whose telemetry is gone: it was taken before */
        ctx->login.token = LR_TOKEN_REPLAYED;
        return;
    }

    if (reply->type != REDIS_REPLY_STRING) {
        ctx->unavailable = 1;
        return;
    }

    ctx->telemetry = ngx_palloc(r->pool, sizeof(lr_telemetry));
    if (ctx->telemetry == NULL) {
        return;
    }

    if (lr_telemetry_decode((unsigned char *) reply->str, reply->len,
                            ctx->telemetry)
        != 0)
    {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "login_risk: unreadable telemetry summary in redis, "
                      "the login is scored without it");
        ctx->telemetry = NULL;
    }
}


/*
 * The telemetry joined to the login, once every reply is in: the device's
 * attributes are a feature, so the keys and what the profile has seen of
 * them follow.
 */

void
ngx_http_login_risk_apply_telemetry(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx)
{
    char           *ua;
    lr_login       *l;
    lr_telemetry   *t;

    t = ctx->telemetry;
    l = &ctx->login;

    if (t == NULL || l->token != LR_TOKEN_VALID) {
        return;
    }

    ua = NULL;

    if (r->headers_in.user_agent) {
        ua = ngx_pnalloc(r->pool, r->headers_in.user_agent->value.len + 1);
        if (ua == NULL) {
            return;
        }

        *ngx_cpymem(ua, r->headers_in.user_agent->value.data,
                    r->headers_in.user_agent->value.len) = '\0';
    }

    /* another browser ran the collector: nothing it said is this one's */
    if (lr_telemetry_ua_hash(ua) != t->ua_hash) {
        l->token = LR_TOKEN_OTHER_BROWSER;
        return;
    }

    l->telemetry = 1;
    l->automation = (t->automation != 0);
    l->scripted = t->scripted;
    l->paste_password = t->paste_password;
    l->ua_mismatch = (t->mismatch & LR_MISMATCH_UA) != 0;
    l->lang_mismatch = (t->mismatch & LR_MISMATCH_LANG) != 0;
    l->bad_device_cookie |= (t->mismatch & LR_MISMATCH_DEVICE_COOKIE) != 0;
    l->device_attrs = t->device_attrs;
    l->timezone = t->timezone[0] ? t->timezone : NULL;
    l->languages = t->languages[0] ? t->languages : NULL;

    lr_engine_keys(l, &ctx->keys);

    if (ctx->view.profile) {
        lr_profile_counts(ctx->view.profile, &ctx->keys.f, ctx->view.seen);
    }
}


/* --- the collect endpoint ------------------------------------------------ */

static ngx_int_t
ngx_http_login_risk_collect_handler(ngx_http_request_t *r)
{
    ngx_int_t                       rc;
    ngx_str_t                       error;
    ngx_pool_cleanup_t             *cln;
    ngx_http_login_risk_collect_t  *cc;

    if (r != r->main) {
        return NGX_DECLINED;
    }

    if (r->method != NGX_HTTP_POST) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_http_login_risk_collect_t));
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cc = cln->data;
    ngx_memzero(cc, sizeof(ngx_http_login_risk_collect_t));
    cc->request = r;
    cln->handler = ngx_http_login_risk_collect_cleanup;

    if (r->headers_in.content_length_n > LR_TELEMETRY_BODY_MAX) {
        ngx_str_set(&error, "telemetry larger than 8192 bytes");
        ngx_http_discard_request_body(r);
        return ngx_http_login_risk_collect_answer(r, cc,
                                              NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                              &error);
    }

    rc = ngx_http_read_client_request_body(r,
                                           ngx_http_login_risk_collect_body);
    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


static void
ngx_http_login_risk_collect_body(ngx_http_request_t *r)
{
    ngx_int_t                        rc;
    ngx_str_t                        body, error;
    ngx_http_login_risk_collect_t   *cc;

    cc = ngx_http_login_risk_collect_get(r);
    if (cc == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    rc = ngx_http_login_risk_read_body(r, LR_TELEMETRY_BODY_MAX, &body);

    if (rc == NGX_ERROR) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    if (rc == NGX_DECLINED) {
        ngx_str_set(&error, "telemetry larger than 8192 bytes");
        ngx_http_finalize_request(r,
            ngx_http_login_risk_collect_answer(r, cc,
                                              NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                              &error));
        return;
    }

    rc = ngx_http_login_risk_collect_store(r, cc, &body);

    if (rc == NGX_AGAIN) {
        r->write_event_handler = ngx_http_request_empty_handler;
        return;
    }

    ngx_http_finalize_request(r, rc);
}


/*
 * Validates the telemetry, and sends its summary to Redis under a new
 * token's id. NGX_AGAIN: waiting for Redis; otherwise the answer sent.
 */

static ngx_int_t
ngx_http_login_risk_collect_store(ngx_http_request_t *r,
    ngx_http_login_risk_collect_t *cc, ngx_str_t *body)
{
    char                              err[160], id[LR_TOKEN_ID + 1];
    size_t                            len;
    u_char                           *p;
    ngx_str_t                         error;
    ngx_uint_t                        bad;
    lr_redis_cmd                     *cmd;
    lr_telemetry                      t;
    unsigned char                     summary[LR_TELEMETRY_SUMMARY_MAX];
    lr_telemetry_headers              h;
    ngx_http_login_risk_call_t       *call;
    ngx_http_login_risk_main_conf_t  *lmcf;

    lmcf = ngx_http_get_module_main_conf(r, ngx_http_login_risk_module);

    ngx_memzero(&h, sizeof(lr_telemetry_headers));
    ngx_http_login_risk_header_value(r, "http_user_agent",
                                     sizeof("http_user_agent") - 1,
                                     (char **) &h.user_agent);
    ngx_http_login_risk_header_value(r, "http_sec_ch_ua",
                                     sizeof("http_sec_ch_ua") - 1,
                                     (char **) &h.sec_ch_ua);
    ngx_http_login_risk_header_value(r, "http_accept_language",
                                     sizeof("http_accept_language") - 1,
                                     (char **) &h.accept_language);

    if (lr_telemetry_parse((char *) body->data, body->len, &h, &t, err,
                           sizeof(err))
        != 0)
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "login_risk: telemetry refused: %s", err);
        error.data = (u_char *) err;
        error.len = ngx_strlen(err);
        return ngx_http_login_risk_collect_answer(r, cc, NGX_HTTP_BAD_REQUEST,
                                                  &error);
    }

    if (ngx_http_login_risk_device(r, id, &cc->device_set_cookie, &bad)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the fresh cookie set now will come with the login: the bad one it
     * replaces must still count there */
    if (bad) {
        t.mismatch |= LR_MISMATCH_DEVICE_COOKIE;
    }

    p = ngx_pnalloc(r->pool, LR_TOKEN_MAX);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cc->token.data = p;
    cc->token.len = lr_token_make(lmcf->secrets,
                                  ngx_time() + NGX_HTTP_LOGIN_RISK_TOKEN_TTL,
                                  id, (char *) p, LR_TOKEN_MAX);
    len = lr_telemetry_encode(&t, summary, sizeof(summary));

    cmd = ngx_palloc(r->pool, sizeof(lr_redis_cmd));

    if (cc->token.len == 0 || len == 0 || cmd == NULL
        || lr_redis_telemetry_put((char *) lmcf->prefix.data, id, summary, len,
                                  NGX_HTTP_LOGIN_RISK_TELEMETRY_TTL, cmd)
           != 0)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    call = ngx_http_login_risk_redis_call(lmcf->rd);

    if (call == NULL) {
        ngx_str_set(&error, "state store unavailable");
        return ngx_http_login_risk_collect_answer(r, cc,
                                                  NGX_HTTP_SERVICE_UNAVAILABLE,
                                                  &error);
    }

    call->data = cc;
    call->reply = ngx_http_login_risk_collect_reply;
    call->done = ngx_http_login_risk_collect_done;

    if (ngx_http_login_risk_redis_send(call, cmd) != NGX_OK) {
        ngx_http_login_risk_redis_release(call);
        ngx_str_set(&error, "state store unavailable");
        return ngx_http_login_risk_collect_answer(r, cc,
                                                  NGX_HTTP_SERVICE_UNAVAILABLE,
                                                  &error);
    }

    cc->call = call;

    cc->timer.handler = ngx_http_login_risk_collect_timeout;
    cc->timer.data = cc;
    cc->timer.log = r->connection->log;
    ngx_add_timer(&cc->timer, lmcf->redis->timeout);

    return NGX_AGAIN;
}


static void
ngx_http_login_risk_collect_reply(ngx_http_login_risk_call_t *call,
    ngx_uint_t index, redisReply *reply)
{
    ngx_http_login_risk_collect_t  *cc;

    cc = call->data;

    cc->stored = (reply && reply->type == REDIS_REPLY_STATUS);
}


static void
ngx_http_login_risk_collect_done(ngx_http_login_risk_call_t *call)
{
    ngx_http_login_risk_collect_t  *cc;

    cc = call->data;
    cc->call = NULL;

    ngx_http_login_risk_collect_finish(cc);
}


static void
ngx_http_login_risk_collect_timeout(ngx_event_t *ev)
{
    ngx_http_login_risk_collect_t    *cc;
    ngx_http_login_risk_main_conf_t  *lmcf;

    cc = ev->data;
    lmcf = ngx_http_get_module_main_conf(cc->request,
                                         ngx_http_login_risk_module);

    if (cc->call) {
        ngx_http_login_risk_redis_release(cc->call);
        cc->call = NULL;
    }

    cc->stored = 0;
    ngx_http_login_risk_redis_check(lmcf->rd);

    ngx_http_login_risk_collect_finish(cc);
}


static void
ngx_http_login_risk_collect_finish(ngx_http_login_risk_collect_t *cc)
{
    ngx_int_t            rc;
    ngx_str_t            error;
    ngx_connection_t    *c;
    ngx_http_request_t  *r;

    r = cc->request;
    c = r->connection;

    if (cc->timer.timer_set) {
        ngx_del_timer(&cc->timer);
    }

    if (cc->stored) {
        rc = ngx_http_login_risk_collect_answer(r, cc, NGX_HTTP_OK, NULL);

    } else {
        ngx_str_set(&error, "state store unavailable");
        rc = ngx_http_login_risk_collect_answer(r, cc,
                                                NGX_HTTP_SERVICE_UNAVAILABLE,
                                                &error);
    }

    ngx_http_finalize_request(r, rc);
    ngx_http_run_posted_requests(c);
}


/* The pool goes: no Redis reply or timer may find the request any more. */

static void
ngx_http_login_risk_collect_cleanup(void *data)
{
    ngx_http_login_risk_collect_t  *cc = data;

    if (cc->timer.timer_set) {
        ngx_del_timer(&cc->timer);
    }

    if (cc->call) {
        ngx_http_login_risk_redis_release(cc->call);
        cc->call = NULL;
    }
}


/*
 * 200 with {"token": ..., "field": ...} and the token as a cookie, or an
 * error as {"error": ...}. Never cached: a token is for one login.
 */

static ngx_int_t
ngx_http_login_risk_collect_answer(ngx_http_request_t *r,
    ngx_http_login_risk_collect_t *cc, ngx_uint_t status, ngx_str_t *error)
{
    size_t                            len;
    u_char                           *p;
    ngx_buf_t                        *b;
    ngx_str_t                         cookie, type;
    ngx_http_login_risk_main_conf_t  *lmcf;

    lmcf = ngx_http_get_module_main_conf(r, ngx_http_login_risk_module);

    ngx_http_login_risk_metrics_collect(status);

    if (error) {
        len = sizeof("{\"error\":\"\"}\n") - 1
              + error->len + ngx_escape_json(NULL, error->data, error->len);

    } else {
        len = sizeof("{\"token\":\"\",\"field\":\"\"}\n") - 1
              + cc->token.len + lmcf->token_field.len;
    }

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (error) {
        p = ngx_cpymem(b->last, "{\"error\":\"", sizeof("{\"error\":\"") - 1);
        p = (u_char *) ngx_escape_json(p, error->data, error->len);
        p = ngx_cpymem(p, "\"}\n", 3);

    } else {
        /* the token and the field name are of URL- and JSON-safe
         * characters (lr_token.h, login_risk_token_field) */
        p = ngx_sprintf(b->last, "{\"token\":\"%V\",\"field\":\"%V\"}\n",
                        &cc->token, &lmcf->token_field);

        cookie.len = lmcf->token_field.len + 1 + cc->token.len
                     + sizeof("; Max-Age=; Path=/; Secure; HttpOnly; "
                              "SameSite=Strict") - 1 + NGX_INT_T_LEN;
        cookie.data = ngx_pnalloc(r->pool, cookie.len);
        if (cookie.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        cookie.len = ngx_sprintf(cookie.data, "%V=%V; Max-Age=%d; Path=/; "
                                 "Secure; HttpOnly; SameSite=Strict",
                                 &lmcf->token_field, &cc->token,
                                 NGX_HTTP_LOGIN_RISK_TOKEN_TTL)
                     - cookie.data;

        if (ngx_http_login_risk_set_cookie(r, &cookie) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    b->last = p;
    if (cc->device_set_cookie.len
        && ngx_http_login_risk_set_cookie(r, &cc->device_set_cookie) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_str_set(&type, "application/json");

    return ngx_http_login_risk_answer(r, status, &type, b);
}


static ngx_http_login_risk_collect_t *
ngx_http_login_risk_collect_get(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t  *cln;

    for (cln = r->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler == ngx_http_login_risk_collect_cleanup) {
            return cln->data;
        }
    }

    return NULL;
}


/* A request header as a C string (NULL when absent), by nginx's own
 * lookup of $http_NAME. */

static void
ngx_http_login_risk_header_value(ngx_http_request_t *r, char *name,
    size_t len, char **out)
{
    ngx_str_t                   var;
    ngx_http_variable_value_t   vv;

    *out = NULL;
    var.data = (u_char *) name;
    var.len = len;

    ngx_memzero(&vv, sizeof(ngx_http_variable_value_t));

    if (ngx_http_variable_unknown_header(&vv, &var, &r->headers_in.headers.part,
                                         sizeof("http_") - 1)
        != NGX_OK
        || vv.not_found)
    {
        return;
    }

    *out = ngx_pnalloc(r->pool, vv.len + 1);
    if (*out == NULL) {
        return;
    }

    *ngx_cpymem(*out, vv.data, vv.len) = '\0';
}
