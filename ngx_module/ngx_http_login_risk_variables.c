
/*
 * nginx-login-risk: $login_risk_* variables. They are found only on a
 * request the module inspected; elsewhere they are "not found".
 */


#include "ngx_http_login_risk_module.h"


typedef enum {
    NGX_HTTP_LOGIN_RISK_VAR_USER,
    NGX_HTTP_LOGIN_RISK_VAR_COUNTRY,
    NGX_HTTP_LOGIN_RISK_VAR_CITY,
    NGX_HTTP_LOGIN_RISK_VAR_ASN,
    NGX_HTTP_LOGIN_RISK_VAR_ASN_ORG,
    NGX_HTTP_LOGIN_RISK_VAR_UA_FAMILY,
    NGX_HTTP_LOGIN_RISK_VAR_UA_MAJOR,
    NGX_HTTP_LOGIN_RISK_VAR_OS,
    NGX_HTTP_LOGIN_RISK_VAR_DEVICE_CLASS,
    NGX_HTTP_LOGIN_RISK_VAR_REASONS,
    NGX_HTTP_LOGIN_RISK_VAR_SCORE,
    NGX_HTTP_LOGIN_RISK_VAR_ACTION
} ngx_http_login_risk_var_e;


static ngx_int_t ngx_http_login_risk_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


static ngx_http_variable_t  ngx_http_login_risk_vars[] = {

    { ngx_string("login_risk_user"), NULL, ngx_http_login_risk_variable,
      NGX_HTTP_LOGIN_RISK_VAR_USER, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("login_risk_country"), NULL, ngx_http_login_risk_variable,
      NGX_HTTP_LOGIN_RISK_VAR_COUNTRY, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("login_risk_city"), NULL, ngx_http_login_risk_variable,
      NGX_HTTP_LOGIN_RISK_VAR_CITY, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("login_risk_asn"), NULL, ngx_http_login_risk_variable,
      NGX_HTTP_LOGIN_RISK_VAR_ASN, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("login_risk_asn_org"), NULL, ngx_http_login_risk_variable,
      NGX_HTTP_LOGIN_RISK_VAR_ASN_ORG, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("login_risk_ua_family"), NULL, ngx_http_login_risk_variable,
      NGX_HTTP_LOGIN_RISK_VAR_UA_FAMILY, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("login_risk_ua_major"), NULL, ngx_http_login_risk_variable,
      NGX_HTTP_LOGIN_RISK_VAR_UA_MAJOR, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("login_risk_os"), NULL, ngx_http_login_risk_variable,
      NGX_HTTP_LOGIN_RISK_VAR_OS, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("login_risk_device_class"), NULL,
      ngx_http_login_risk_variable, NGX_HTTP_LOGIN_RISK_VAR_DEVICE_CLASS,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("login_risk_reasons"), NULL, ngx_http_login_risk_variable,
      NGX_HTTP_LOGIN_RISK_VAR_REASONS, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("login_risk_score"), NULL, ngx_http_login_risk_variable,
      NGX_HTTP_LOGIN_RISK_VAR_SCORE, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("login_risk_action"), NULL, ngx_http_login_risk_variable,
      NGX_HTTP_LOGIN_RISK_VAR_ACTION, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


ngx_int_t
ngx_http_login_risk_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_login_risk_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_login_risk_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    const char                 *s;
    ngx_http_login_risk_ctx_t  *ctx;

    ctx = ngx_http_login_risk_get_ctx(r);

    if (ctx == NULL || !ctx->inspected) {
        v->not_found = 1;
        return NGX_OK;
    }

    switch ((ngx_http_login_risk_var_e) data) {

    case NGX_HTTP_LOGIN_RISK_VAR_USER:
        s = ctx->user;
        break;

    case NGX_HTTP_LOGIN_RISK_VAR_COUNTRY:
        s = ctx->login.geo.country;
        break;

    case NGX_HTTP_LOGIN_RISK_VAR_CITY:
        s = ctx->login.geo.city;
        break;

    case NGX_HTTP_LOGIN_RISK_VAR_ASN:
        s = ctx->asn;
        break;

    case NGX_HTTP_LOGIN_RISK_VAR_ASN_ORG:
        s = ctx->login.geo.asn_org;
        break;

    case NGX_HTTP_LOGIN_RISK_VAR_UA_FAMILY:
        s = ctx->login.ua.family;
        break;

    case NGX_HTTP_LOGIN_RISK_VAR_UA_MAJOR:
        s = ctx->ua_major;
        break;

    case NGX_HTTP_LOGIN_RISK_VAR_OS:
        s = ctx->login.ua.os;
        break;

    case NGX_HTTP_LOGIN_RISK_VAR_DEVICE_CLASS:
        s = ctx->login.ua.device_class;
        break;

    case NGX_HTTP_LOGIN_RISK_VAR_SCORE:
        s = ctx->score;
        break;

    case NGX_HTTP_LOGIN_RISK_VAR_ACTION:
        /* the verdict, also when monitor mode did not enforce it */
        s = ctx->login.action ? ctx->login.action : "";
        break;

    default: /* NGX_HTTP_LOGIN_RISK_VAR_REASONS */
        s = ctx->reasons;
        break;
    }

    v->len = ngx_strlen(s);

    if (v->len == 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->data = (u_char *) s;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}
