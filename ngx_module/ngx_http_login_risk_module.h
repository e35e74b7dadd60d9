
/*
 * nginx-login-risk: the nginx glue. Everything that knows an
 * ngx_http_request_t lives under ngx_module/; the engine in src/ never does.
 */


#ifndef _NGX_HTTP_LOGIN_RISK_MODULE_H_INCLUDED_
#define _NGX_HTTP_LOGIN_RISK_MODULE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <lr_login.h>
#include <lr_userid.h>


typedef struct {
    ngx_str_t                  geoip_city;
    ngx_str_t                  geoip_asn;
    MMDB_s                     city_db;         /* opened per worker */
    MMDB_s                     asn_db;
    unsigned                   city_open:1;
    unsigned                   asn_open:1;
    ngx_int_t                  request_id_index;
    unsigned                   used:1;          /* "login_risk on" somewhere */
} ngx_http_login_risk_main_conf_t;


typedef struct {
    ngx_flag_t                 enable;
    ngx_str_t                  user_field;      /* NUL-terminated */
    size_t                     body_limit;
    ngx_open_file_t           *alert_log;       /* NULL: off */
} ngx_http_login_risk_loc_conf_t;


typedef struct {
    lr_login                   login;
    ngx_open_file_t           *alert_log;       /* of the login location */
    char                       user[LR_USERID_MAX + 1];
    char                       asn[NGX_INT32_LEN + 1];
    char                       ua_major[NGX_INT32_LEN + 1];
    char                       reasons[LR_REASONS_TEXT_MAX];
    unsigned                   json:1;          /* else form-urlencoded */
    unsigned                   inspected:1;     /* login is filled in */
    unsigned                   done:1;          /* body read and judged */
} ngx_http_login_risk_ctx_t;


ngx_http_login_risk_ctx_t *ngx_http_login_risk_get_ctx(ngx_http_request_t *r);
ngx_http_login_risk_ctx_t *ngx_http_login_risk_create_ctx(
    ngx_http_request_t *r);

ngx_int_t ngx_http_login_risk_access_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_login_risk_log_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_login_risk_add_variables(ngx_conf_t *cf);

ngx_int_t ngx_http_login_risk_strip_headers(ngx_http_request_t *r);
ngx_int_t ngx_http_login_risk_set_headers(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx);


extern ngx_module_t  ngx_http_login_risk_module;


#endif /* _NGX_HTTP_LOGIN_RISK_MODULE_H_INCLUDED_ */
