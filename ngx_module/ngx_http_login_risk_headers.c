
/*
 * nginx-login-risk: what the application is told, as request headers.
 * Client-sent headers of the module's prefix are removed first: the
 * application must be able to believe every X-Login-Risk-* it sees.
 */


#include "ngx_http_login_risk_module.h"


#define NGX_HTTP_LOGIN_RISK_PREFIX  "x-login-risk-"


typedef struct {
    const char                *name;
    const char                *value;           /* "" adds no header */
    ngx_uint_t                 escape;
} ngx_http_login_risk_header_t;


static ngx_int_t ngx_http_login_risk_is_ours(ngx_table_elt_t *h);
static ngx_int_t ngx_http_login_risk_add_header(ngx_http_request_t *r,
    ngx_http_login_risk_header_t *header);


ngx_int_t
ngx_http_login_risk_strip_headers(ngx_http_request_t *r)
{
    ngx_uint_t        i, found;
    ngx_table_elt_t  *h, *copy;
    ngx_list_part_t   old, *part;

    found = 0;
    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        found += ngx_http_login_risk_is_ours(&h[i]);
    }

    if (found == 0) {
        return NGX_OK;
    }

    /*
     * An ngx_list_t cannot drop an element: start the list again and copy
     * the others back. The first part is copied out because the list head
     * is reinitialised; pointers such as headers_in.host still point into
     * the old elements, which live as long as the request pool.
     */

    old = r->headers_in.headers.part;

    if (ngx_list_init(&r->headers_in.headers, r->pool, 20,
                      sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    part = &old;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (ngx_http_login_risk_is_ours(&h[i])) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "login_risk: removed client-sent header \"%V\"",
                          &h[i].key);
            continue;
        }

        copy = ngx_list_push(&r->headers_in.headers);
        if (copy == NULL) {
            return NGX_ERROR;
        }

        *copy = h[i];
    }

    return NGX_OK;
}


/*
 * "_" counts as "-": with underscores_in_headers on, X_Login_Risk_Action
 * reaches the application, and CGI, FastCGI and WSGI name both spellings
 * HTTP_X_LOGIN_RISK_ACTION.
 */

static ngx_int_t
ngx_http_login_risk_is_ours(ngx_table_elt_t *h)
{
    u_char      c;
    ngx_uint_t  i;

    if (h->key.len < sizeof(NGX_HTTP_LOGIN_RISK_PREFIX) - 1) {
        return 0;
    }

    for (i = 0; i < sizeof(NGX_HTTP_LOGIN_RISK_PREFIX) - 1; i++) {
        c = ngx_tolower(h->key.data[i]);

        if (c == '_') {
            c = '-';
        }

        if (c != NGX_HTTP_LOGIN_RISK_PREFIX[i]) {
            return 0;
        }
    }

    return 1;
}


ngx_int_t
ngx_http_login_risk_set_headers(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx)
{
    ngx_uint_t                     i;
    ngx_http_login_risk_header_t   headers[] = {
        { "X-Login-Risk-User", ctx->user, 1 },
        { "X-Login-Risk-Country", ctx->login.geo.country, 0 },
        { "X-Login-Risk-City", ctx->login.geo.city, 1 },
        { "X-Login-Risk-ASN", ctx->asn, 0 },
        { "X-Login-Risk-ASN-Org", ctx->login.geo.asn_org, 1 },
        { "X-Login-Risk-UA-Family", ctx->login.ua.family, 0 },
        { "X-Login-Risk-OS", ctx->login.ua.os, 0 },
        { "X-Login-Risk-Device-Class", ctx->login.ua.device_class, 0 },
        { "X-Login-Risk-Reasons", ctx->reasons, 0 },
        { "X-Login-Risk-Score", ctx->score, 0 },
        { "X-Login-Risk-Action", ctx->scored
                                 ? lr_action_name(ctx->enforced) : "", 0 },
        { "X-Login-Risk-Ticket", ctx->ticket ? ctx->ticket : "", 0 }
    };

    for (i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
        if (ngx_http_login_risk_add_header(r, &headers[i]) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/*
 * Adds one header; an empty value adds none. Values that may hold any
 * UTF-8 text (user id, city, organisation) are percent-encoded as in a
 * URI, so a header line can carry neither a control byte nor raw UTF-8.
 */

static ngx_int_t
ngx_http_login_risk_add_header(ngx_http_request_t *r,
    ngx_http_login_risk_header_t *header)
{
    size_t            n;
    ngx_str_t         value;
    ngx_table_elt_t  *h;

    value.data = (u_char *) header->value;
    value.len = ngx_strlen(value.data);

    if (value.len == 0) {
        return NGX_OK;
    }

    h = ngx_list_push(&r->headers_in.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->key.data = (u_char *) header->name;
    h->key.len = ngx_strlen(header->name);

    h->lowcase_key = ngx_pnalloc(r->pool, h->key.len);
    if (h->lowcase_key == NULL) {
        return NGX_ERROR;
    }

    h->hash = ngx_hash_strlow(h->lowcase_key, h->key.data, h->key.len);

    n = header->escape ? ngx_escape_uri(NULL, value.data, value.len,
                                        NGX_ESCAPE_URI)
                       : 0;

    if (n == 0) {
        h->value = value;
        return NGX_OK;
    }

    h->value.data = ngx_pnalloc(r->pool, value.len + 2 * n);
    if (h->value.data == NULL) {
        return NGX_ERROR;
    }

    h->value.len = (u_char *) ngx_escape_uri(h->value.data, value.data,
                                             value.len, NGX_ESCAPE_URI)
                   - h->value.data;

    return NGX_OK;
}
