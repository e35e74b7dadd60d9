
/*
 * nginx-login-risk: the access-phase handler. It reads the login body
 * without blocking, takes the user id out of it, describes the login (who,
 * from where, with what) and hands it on, or answers bad input itself.
 */


#include "ngx_http_login_risk_module.h"

#include <lr_field.h>


/* a raw id may be wider than the normalised one: full-width forms, spaces */
#define NGX_HTTP_LOGIN_RISK_RAW_USER_MAX  (4 * LR_USERID_MAX + 1)


typedef enum {
    NGX_HTTP_LOGIN_RISK_BODY_FORM,
    NGX_HTTP_LOGIN_RISK_BODY_JSON,
    NGX_HTTP_LOGIN_RISK_BODY_OTHER
} ngx_http_login_risk_body_e;


static ngx_http_login_risk_body_e ngx_http_login_risk_body_type(
    ngx_http_request_t *r);
static void ngx_http_login_risk_body_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_login_risk_judge(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx);
static ngx_int_t ngx_http_login_risk_take_user(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx, ngx_str_t *body);
static ngx_int_t ngx_http_login_risk_describe(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx);
static ngx_int_t ngx_http_login_risk_reject(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx, ngx_uint_t status, const char *reason,
    const char *what);
static char *ngx_http_login_risk_cstr(ngx_pool_t *pool, ngx_str_t *s);


ngx_int_t
ngx_http_login_risk_access_handler(ngx_http_request_t *r)
{
    ngx_int_t                        rc;
    ngx_http_login_risk_body_e       type;
    ngx_http_login_risk_ctx_t       *ctx;
    ngx_http_login_risk_loc_conf_t  *llcf;

    if (r != r->main) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_login_risk_get_ctx(r);

    if (ctx) {
        /* NGX_DONE while the body is still being read */
        return ctx->done ? NGX_DECLINED : NGX_DONE;
    }

    /*
     * In every location, with the module on or not: the client never
     * speaks for the module, and an application that reads X-Login-Risk-*
     * must be able to believe them wherever they arrive.
     */
    if (ngx_http_login_risk_strip_headers(r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    llcf = ngx_http_get_module_loc_conf(r, ngx_http_login_risk_module);

    if (!llcf->enable || r->method != NGX_HTTP_POST) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_login_risk_create_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->alert_log = llcf->alert_log;
    ctx->llcf = llcf;

    type = ngx_http_login_risk_body_type(r);

    if (type == NGX_HTTP_LOGIN_RISK_BODY_OTHER) {
        return ngx_http_login_risk_reject(r, ctx,
                                          NGX_HTTP_UNSUPPORTED_MEDIA_TYPE,
                                          LR_REASON_UNSUPPORTED_BODY,
                                          "body is neither form-urlencoded "
                                          "nor JSON");
    }

    ctx->json = (type == NGX_HTTP_LOGIN_RISK_BODY_JSON);

    if (r->headers_in.content_length_n > (off_t) llcf->body_limit) {
        return ngx_http_login_risk_reject(r, ctx,
                                          NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                          LR_REASON_BODY_TOO_LARGE,
                                          "Content-Length over "
                                          "login_risk_body_limit");
    }

    rc = ngx_http_read_client_request_body(r,
                                           ngx_http_login_risk_body_handler);
    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    ngx_http_finalize_request(r, NGX_DONE);

    return NGX_DONE;
}


static ngx_http_login_risk_body_e
ngx_http_login_risk_body_type(ngx_http_request_t *r)
{
    u_char     *p, *last;
    ngx_str_t   type;

    if (r->headers_in.content_type == NULL) {
        return NGX_HTTP_LOGIN_RISK_BODY_OTHER;
    }

    type = r->headers_in.content_type->value;
    last = type.data + type.len;

    for (p = type.data; p < last && *p != ';' && *p != ' '; p++) {
        /* void */
    }

    type.len = p - type.data;

    if (type.len == sizeof("application/x-www-form-urlencoded") - 1
        && ngx_strncasecmp(type.data,
                           (u_char *) "application/x-www-form-urlencoded",
                           type.len)
           == 0)
    {
        return NGX_HTTP_LOGIN_RISK_BODY_FORM;
    }

    if ((type.len == sizeof("application/json") - 1
         && ngx_strncasecmp(type.data, (u_char *) "application/json",
                            type.len)
            == 0)
        || (type.len > sizeof("application/+json") - 1
            && ngx_strncasecmp(type.data, (u_char *) "application/",
                               sizeof("application/") - 1)
               == 0
            && ngx_strncasecmp(type.data + type.len - 5, (u_char *) "+json",
                               5)
               == 0))
    {
        return NGX_HTTP_LOGIN_RISK_BODY_JSON;
    }

    return NGX_HTTP_LOGIN_RISK_BODY_OTHER;
}


static void
ngx_http_login_risk_body_handler(ngx_http_request_t *r)
{
    ngx_int_t                   rc;
    ngx_http_login_risk_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_login_risk_module);

    rc = ngx_http_login_risk_judge(r, ctx);

    if (rc == NGX_DECLINED) {
        rc = ngx_http_login_risk_lookup(r, ctx);

        if (rc == NGX_AGAIN) {
            /* the Redis reply or the timeout resumes the request */
            r->write_event_handler = ngx_http_request_empty_handler;
            return;
        }

        rc = ngx_http_login_risk_decide(r, ctx);
    }

    ctx->done = 1;

    if (rc != NGX_DECLINED) {
        /* finalized here, so that "satisfy any" cannot overrule it */
        ngx_http_finalize_request(r, rc);
        return;
    }

    r->write_event_handler = ngx_http_core_run_phases;
    ngx_http_core_run_phases(r);
}


/*
 * Returns NGX_DECLINED to let the login go on, or the status to answer.
 */

static ngx_int_t
ngx_http_login_risk_judge(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx)
{
    ngx_int_t   rc;
    ngx_str_t   body;

    rc = ngx_http_login_risk_read_body(r, ctx->llcf->body_limit, &body);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_DECLINED) {
        return ngx_http_login_risk_reject(r, ctx,
                                          NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                          LR_REASON_BODY_TOO_LARGE,
                                          "body over login_risk_body_limit");
    }

    rc = ngx_http_login_risk_take_user(r, ctx, &body);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    ngx_http_login_risk_identify(r, ctx, &body);

    if (ngx_http_login_risk_describe(r, ctx) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_DECLINED;
}


/*
 * Gathers the body into one buffer, from memory or from the temporary file
 * it was spooled to. NGX_DECLINED: it is over limit (a chunked body tells
 * its size only now).
 */

ngx_int_t
ngx_http_login_risk_read_body(ngx_http_request_t *r, size_t limit,
    ngx_str_t *body)
{
    off_t         len;
    u_char       *p;
    ssize_t       n;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    ngx_str_null(body);

    if (r->request_body == NULL) {
        return NGX_OK;
    }

    len = 0;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        len += ngx_buf_size(cl->buf);
    }

    if (len > (off_t) limit) {
        return NGX_DECLINED;
    }

    if (len == 0) {
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, (size_t) len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    body->data = p;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;

        if (b->in_file) {
            n = ngx_read_file(b->file, p, (size_t) (b->file_last - b->file_pos),
                              b->file_pos);

            if (n != b->file_last - b->file_pos) {
                ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                              "login_risk: could not read the request body "
                              "back from \"%V\"", &b->file->name);
                return NGX_ERROR;
            }

            p += n;
            continue;
        }

        p = ngx_cpymem(p, b->pos, b->last - b->pos);
    }

    body->len = p - body->data;

    return NGX_OK;
}


static ngx_int_t
ngx_http_login_risk_take_user(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx, ngx_str_t *body)
{
    char                             *field;
    char                              raw[NGX_HTTP_LOGIN_RISK_RAW_USER_MAX];
    size_t                            raw_len, len;
    lr_field_status                   fs;
    lr_userid_status                  us;
    ngx_http_login_risk_loc_conf_t   *llcf;

    llcf = ngx_http_get_module_loc_conf(r, ngx_http_login_risk_module);
    field = (char *) llcf->user_field.data;

    if (ctx->json) {
        fs = lr_json_field((char *) body->data, body->len, field,
                           raw, sizeof(raw), &raw_len);

    } else {
        fs = lr_form_field((char *) body->data, body->len, field,
                           raw, sizeof(raw), &raw_len);
    }

    switch (fs) {

    case LR_FIELD_OK:
        break;

    case LR_FIELD_MISSING:
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "login_risk: no user field \"%V\" in the login body, "
                      "passed on with reason \"" LR_REASON_NO_USER "\"",
                      &llcf->user_field);
        lr_reasons_add(&ctx->login.reasons, LR_REASON_NO_USER);
        return NGX_DECLINED;

    case LR_FIELD_MALFORMED:
    case LR_FIELD_DUPLICATE:
        return ngx_http_login_risk_reject(r, ctx, NGX_HTTP_BAD_REQUEST,
                                          LR_REASON_BAD_BODY,
                                          lr_field_status_text(fs));

    default:
        return ngx_http_login_risk_reject(r, ctx, NGX_HTTP_BAD_REQUEST,
                                          LR_REASON_BAD_USER,
                                          lr_field_status_text(fs));
    }

    us = lr_userid_normalize((u_char *) raw, raw_len, ctx->user, &len);

    if (us == LR_USERID_EMPTY) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "login_risk: empty user field \"%V\", passed on with "
                      "reason \"" LR_REASON_NO_USER "\"", &llcf->user_field);
        lr_reasons_add(&ctx->login.reasons, LR_REASON_NO_USER);
        return NGX_DECLINED;
    }

    if (us != LR_USERID_OK) {
        return ngx_http_login_risk_reject(r, ctx, NGX_HTTP_BAD_REQUEST,
                                          LR_REASON_BAD_USER,
                                          lr_userid_status_text(us));
    }

    ctx->login.user = ctx->user;

    return NGX_DECLINED;
}


/*
 * Says who, from where and with what: the client address as nginx knows it
 * (so realip decides whom to trust), its place and network, the browser,
 * and what the allow and block lists say of them.
 */

static ngx_int_t
ngx_http_login_risk_describe(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx)
{
    ngx_str_t                         ua, id;
    ngx_time_t                       *tp;
    ngx_http_variable_value_t        *vv;
    ngx_http_login_risk_main_conf_t  *lmcf;

    if (ctx->inspected) {
        return NGX_OK;
    }

    lmcf = ngx_http_get_module_main_conf(r, ngx_http_login_risk_module);

    tp = ngx_timeofday();
    ctx->login.time_ms = (int64_t) tp->sec * 1000 + tp->msec;

    ctx->login.ip = ngx_http_login_risk_cstr(r->pool,
                                             &r->connection->addr_text);
    ctx->login.uri = ngx_http_login_risk_cstr(r->pool, &r->uri);

    if (ctx->login.ip == NULL || ctx->login.uri == NULL) {
        return NGX_ERROR;
    }

    vv = ngx_http_get_indexed_variable(r, lmcf->request_id_index);

    if (vv && !vv->not_found) {
        id.len = vv->len;
        id.data = vv->data;
        ctx->login.request_id = ngx_http_login_risk_cstr(r->pool, &id);
    }

    lr_geo_lookup(lmcf->city_open ? &lmcf->city_db : NULL,
                  lmcf->asn_open ? &lmcf->asn_db : NULL,
                  r->connection->sockaddr, &ctx->login.geo);

    /* the lists, local to the worker: the address, user, device, country
     * and network are all known by now */
    ngx_http_login_risk_lists_match(lmcf, r->connection->sockaddr,
                                    &ctx->login);

    if (r->headers_in.user_agent) {
        ua = r->headers_in.user_agent->value;

    } else {
        ngx_str_null(&ua);
    }

    lr_ua_parse((char *) ua.data, ua.len, &ctx->login.ua);

    if (ctx->login.geo.asn) {
        *ngx_sprintf((u_char *) ctx->asn, "%uD", ctx->login.geo.asn) = '\0';
    }

    if (ctx->login.ua.major) {
        *ngx_sprintf((u_char *) ctx->ua_major, "%uD",
                     (uint32_t) ctx->login.ua.major) = '\0';
    }

    lr_reasons_format(&ctx->login.reasons, ctx->reasons,
                      sizeof(ctx->reasons));

    ctx->inspected = 1;

    return NGX_OK;
}


static ngx_int_t
ngx_http_login_risk_reject(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx, ngx_uint_t status, const char *reason,
    const char *what)
{
    ngx_http_login_risk_loc_conf_t  *llcf;

    llcf = ngx_http_get_module_loc_conf(r, ngx_http_login_risk_module);

    /* never the body itself: it holds the password */
    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "login_risk: %s (user field \"%V\"), answered %ui with "
                  "reason \"%s\"", what, &llcf->user_field, status, reason);

    lr_reasons_add(&ctx->login.reasons, reason);
    ctx->done = 1;

    if (ngx_http_login_risk_describe(r, ctx) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return status;
}


static char *
ngx_http_login_risk_cstr(ngx_pool_t *pool, ngx_str_t *s)
{
    u_char  *p;

    p = ngx_pnalloc(pool, s->len + 1);
    if (p == NULL) {
        return NULL;
    }

    *ngx_cpymem(p, s->data, s->len) = '\0';

    return (char *) p;
}
