
/*
 * nginx-login-risk: directives, configuration, process hooks, request
 * context.
 */


#include "ngx_http_login_risk_module.h"

#include <lr_geo.h>


#define NGX_HTTP_LOGIN_RISK_FIELD_MAX  128


static void *ngx_http_login_risk_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_login_risk_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_login_risk_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static char *ngx_http_login_risk_enable(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_login_risk_user_field(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_login_risk_body_limit(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_login_risk_geoip(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_login_risk_alert_log(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static ngx_int_t ngx_http_login_risk_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_login_risk_postconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_login_risk_init_process(ngx_cycle_t *cycle);
static void ngx_http_login_risk_exit_process(ngx_cycle_t *cycle);
static ngx_uint_t ngx_http_login_risk_open_db(ngx_cycle_t *cycle,
    ngx_str_t *path, MMDB_s *db);
static void ngx_http_login_risk_cleanup(void *data);


static ngx_conf_post_t  ngx_http_login_risk_enable_post =
    { ngx_http_login_risk_enable };
static ngx_conf_post_t  ngx_http_login_risk_user_field_post =
    { ngx_http_login_risk_user_field };
static ngx_conf_post_t  ngx_http_login_risk_body_limit_post =
    { ngx_http_login_risk_body_limit };


static ngx_command_t  ngx_http_login_risk_commands[] = {

    { ngx_string("login_risk"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_login_risk_loc_conf_t, enable),
      &ngx_http_login_risk_enable_post },

    { ngx_string("login_risk_user_field"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_login_risk_loc_conf_t, user_field),
      &ngx_http_login_risk_user_field_post },

    { ngx_string("login_risk_body_limit"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_login_risk_loc_conf_t, body_limit),
      &ngx_http_login_risk_body_limit_post },

    { ngx_string("login_risk_alert_log"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_login_risk_alert_log,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("login_risk_geoip_city"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_login_risk_geoip,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_login_risk_main_conf_t, geoip_city),
      NULL },

    { ngx_string("login_risk_geoip_asn"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_login_risk_geoip,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_login_risk_main_conf_t, geoip_asn),
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_login_risk_module_ctx = {
    ngx_http_login_risk_preconfiguration,  /* preconfiguration */
    ngx_http_login_risk_postconfiguration, /* postconfiguration */

    ngx_http_login_risk_create_main_conf,  /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_login_risk_create_loc_conf,   /* create location configuration */
    ngx_http_login_risk_merge_loc_conf     /* merge location configuration */
};


ngx_module_t  ngx_http_login_risk_module = {
    NGX_MODULE_V1,
    &ngx_http_login_risk_module_ctx,       /* module context */
    ngx_http_login_risk_commands,          /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_login_risk_init_process,      /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_login_risk_exit_process,      /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static void *
ngx_http_login_risk_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_login_risk_main_conf_t  *lmcf;

    lmcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_login_risk_main_conf_t));
    if (lmcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     lmcf->geoip_city = { 0, NULL };
     *     lmcf->geoip_asn = { 0, NULL };
     *     lmcf->city_open = 0;
     *     lmcf->asn_open = 0;
     *     lmcf->used = 0;
     */

    lmcf->request_id_index = NGX_ERROR;

    return lmcf;
}


static void *
ngx_http_login_risk_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_login_risk_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_login_risk_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->user_field = { 0, NULL };
     */

    conf->enable = NGX_CONF_UNSET;
    conf->body_limit = NGX_CONF_UNSET_SIZE;
    conf->alert_log = NGX_CONF_UNSET_PTR;

    return conf;
}


static char *
ngx_http_login_risk_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_login_risk_loc_conf_t *prev = parent;
    ngx_http_login_risk_loc_conf_t *conf = child;

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_str_value(conf->user_field, prev->user_field, "username");
    ngx_conf_merge_size_value(conf->body_limit, prev->body_limit,
                              16 * 1024);
    ngx_conf_merge_ptr_value(conf->alert_log, prev->alert_log, NULL);

    return NGX_CONF_OK;
}


static char *
ngx_http_login_risk_enable(ngx_conf_t *cf, void *post, void *data)
{
    ngx_flag_t                       *enable = data;
    ngx_http_login_risk_main_conf_t  *lmcf;

    if (*enable) {
        lmcf = ngx_http_conf_get_module_main_conf(cf,
                                                  ngx_http_login_risk_module);
        lmcf->used = 1;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_login_risk_user_field(ngx_conf_t *cf, void *post, void *data)
{
    ngx_str_t  *field = data;

    ngx_uint_t  i;

    if (field->len == 0 || field->len > NGX_HTTP_LOGIN_RISK_FIELD_MAX) {
        return "must be 1 to 128 characters";
    }

    /* a dotted JSON path must not have an empty step */
    if (field->data[0] == '.' || field->data[field->len - 1] == '.') {
        return "must not start or end with \".\"";
    }

    for (i = 0; i < field->len; i++) {
        if (field->data[i] <= ' ' || field->data[i] == 0x7f) {
            return "must not contain spaces or control characters";
        }

        if (i > 0 && field->data[i] == '.' && field->data[i - 1] == '.') {
            return "must not contain \"..\"";
        }
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_login_risk_body_limit(ngx_conf_t *cf, void *post, void *data)
{
    size_t  *limit = data;

    if (*limit == 0) {
        return "must be greater than 0";
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_login_risk_geoip(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char  *p = conf;

    char              err[256];
    MMDB_s            db;
    ngx_str_t        *path, *value;
    ngx_file_info_t   fi;

    path = (ngx_str_t *) (p + cmd->offset);

    if (path->data) {
        return "is duplicate";
    }

    value = cf->args->elts;
    *path = value[1];

    if (ngx_conf_full_name(cf->cycle, path, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    /*
     * A missing database leaves its fields unknown; a database that is
     * there but unreadable is a mistake worth stopping for.
     */
    if (ngx_file_info(path->data, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_WARN, cf, ngx_errno,
                           "login_risk: GeoIP database \"%V\" is absent, "
                           "its fields will be unknown", path);
        return NGX_CONF_OK;
    }

    if (lr_geo_open(&db, (char *) path->data, err, sizeof(err)) != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "login_risk: cannot open GeoIP database \"%V\": %s",
                           path, err);
        return NGX_CONF_ERROR;
    }

    MMDB_close(&db);

    return NGX_CONF_OK;
}


static char *
ngx_http_login_risk_alert_log(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_login_risk_loc_conf_t  *llcf = conf;

    ngx_str_t  *value;

    if (llcf->alert_log != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        llcf->alert_log = NULL;
        return NGX_CONF_OK;
    }

    llcf->alert_log = ngx_conf_open_file(cf->cycle, &value[1]);
    if (llcf->alert_log == NULL) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_login_risk_preconfiguration(ngx_conf_t *cf)
{
    return ngx_http_login_risk_add_variables(cf);
}


static ngx_int_t
ngx_http_login_risk_postconfiguration(ngx_conf_t *cf)
{
    ngx_str_t                         request_id = ngx_string("request_id");
    ngx_http_handler_pt              *h;
    ngx_http_core_main_conf_t        *cmcf;
    ngx_http_login_risk_main_conf_t  *lmcf;

    lmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_login_risk_module);

    /* a configuration that never turns the module on pays nothing */
    if (!lmcf->used) {
        return NGX_OK;
    }

    lmcf->request_id_index = ngx_http_get_variable_index(cf, &request_id);
    if (lmcf->request_id_index == NGX_ERROR) {
        return NGX_ERROR;
    }

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_ACCESS_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_login_risk_access_handler;

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_LOG_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_login_risk_log_handler;

    return NGX_OK;
}


static ngx_int_t
ngx_http_login_risk_init_process(ngx_cycle_t *cycle)
{
    ngx_http_login_risk_main_conf_t  *lmcf;

    lmcf = ngx_http_cycle_get_module_main_conf(cycle,
                                               ngx_http_login_risk_module);
    if (lmcf == NULL) {
        return NGX_OK;
    }

    lmcf->city_open = ngx_http_login_risk_open_db(cycle, &lmcf->geoip_city,
                                                  &lmcf->city_db);
    lmcf->asn_open = ngx_http_login_risk_open_db(cycle, &lmcf->geoip_asn,
                                                 &lmcf->asn_db);

    return NGX_OK;
}


/* Returns 1 when the database is open. */

static ngx_uint_t
ngx_http_login_risk_open_db(ngx_cycle_t *cycle, ngx_str_t *path, MMDB_s *db)
{
    char  err[256];

    if (path->len == 0) {
        return 0;
    }

    if (lr_geo_open(db, (char *) path->data, err, sizeof(err)) != 0) {
        ngx_log_error(NGX_LOG_WARN, cycle->log, 0,
                      "login_risk: GeoIP database \"%V\" not opened (%s), "
                      "its fields are unknown", path, err);
        return 0;
    }

    return 1;
}


static void
ngx_http_login_risk_exit_process(ngx_cycle_t *cycle)
{
    ngx_http_login_risk_main_conf_t  *lmcf;

    lmcf = ngx_http_cycle_get_module_main_conf(cycle,
                                               ngx_http_login_risk_module);
    if (lmcf == NULL) {
        return;
    }

    if (lmcf->city_open) {
        MMDB_close(&lmcf->city_db);
        lmcf->city_open = 0;
    }

    if (lmcf->asn_open) {
        MMDB_close(&lmcf->asn_db);
        lmcf->asn_open = 0;
    }
}


/*
 * The context is found again after an internal redirect (error_page, ...)
 * through its pool cleanup, as the realip module does: the alert log and
 * the variables must still describe the login.
 */

ngx_http_login_risk_ctx_t *
ngx_http_login_risk_get_ctx(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t         *cln;
    ngx_http_login_risk_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_login_risk_module);

    if (ctx || !(r->internal || r->filter_finalize)) {
        return ctx;
    }

    for (cln = r->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler == ngx_http_login_risk_cleanup) {
            ctx = cln->data;
            ngx_http_set_ctx(r, ctx, ngx_http_login_risk_module);
            break;
        }
    }

    return ctx;
}


ngx_http_login_risk_ctx_t *
ngx_http_login_risk_create_ctx(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t         *cln;
    ngx_http_login_risk_ctx_t  *ctx;

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_login_risk_ctx_t));
    if (ctx == NULL) {
        return NULL;
    }

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_login_risk_cleanup;
    cln->data = ctx;

    ngx_http_set_ctx(r, ctx, ngx_http_login_risk_module);

    return ctx;
}


static void
ngx_http_login_risk_cleanup(void *data)
{
    /* nothing to free: the cleanup only marks where the context is */
}
