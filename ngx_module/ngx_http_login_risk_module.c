
/*
 * nginx-login-risk: directives, configuration, process hooks, request
 * context.
 */


#include "ngx_http_login_risk_module.h"

#include <lr_geo.h>


#define NGX_HTTP_LOGIN_RISK_FIELD_MAX  128


/*
 * The location configurations of nginx's access, auth_basic and
 * auth_request modules, which nginx keeps private to their .c files:
 * mirrored from nginx 1.22.1 (Debian 12's; tests/tools/nginx-source.sh
 * unpacks it), src/http/modules/ngx_http_access_module.c (the rule types
 * and ngx_http_access_loc_conf_t), ngx_http_auth_basic_module.c
 * (ngx_http_auth_basic_loc_conf_t) and ngx_http_auth_request_module.c
 * (ngx_http_auth_request_conf_t). Only ngx_http_login_risk_protected()
 * reads them; check them against the source of any other nginx version.
 */

typedef struct {
    in_addr_t                  mask;
    in_addr_t                  addr;
    ngx_uint_t                 deny;
} ngx_http_login_risk_access_rule_t;

#if (NGX_HAVE_INET6)
typedef struct {
    struct in6_addr            addr;
    struct in6_addr            mask;
    ngx_uint_t                 deny;
} ngx_http_login_risk_access_rule6_t;
#endif

#if (NGX_HAVE_UNIX_DOMAIN)
typedef struct {
    ngx_uint_t                 deny;
} ngx_http_login_risk_access_rule_un_t;
#endif

typedef struct {
    ngx_array_t               *rules;
#if (NGX_HAVE_INET6)
    ngx_array_t               *rules6;
#endif
#if (NGX_HAVE_UNIX_DOMAIN)
    ngx_array_t               *rules_un;
#endif
} ngx_http_login_risk_access_conf_t;

typedef struct {
    ngx_http_complex_value_t  *realm;
    ngx_http_complex_value_t  *user_file;
} ngx_http_login_risk_auth_basic_conf_t;

typedef struct {
    ngx_str_t                  uri;
    ngx_array_t               *vars;
} ngx_http_login_risk_auth_request_conf_t;


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
static char *ngx_http_login_risk_token_field(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_login_risk_list_refresh(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_login_risk_geoip(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_login_risk_alert_log(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_login_risk_redis(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_login_risk_prefix(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_login_risk_secret_file(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_login_risk_thresholds(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_login_risk_limit(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_login_risk_challenge(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_login_risk_success(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_login_risk_merge_engine(ngx_conf_t *cf,
    ngx_http_login_risk_loc_conf_t *prev,
    ngx_http_login_risk_loc_conf_t *conf);
static ngx_int_t ngx_http_login_risk_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_login_risk_postconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_login_risk_init_process(ngx_cycle_t *cycle);
static void ngx_http_login_risk_exit_process(ngx_cycle_t *cycle);
static ngx_uint_t ngx_http_login_risk_open_db(ngx_cycle_t *cycle,
    ngx_str_t *path, MMDB_s *db);
static void ngx_http_login_risk_cleanup(void *data);
static void *ngx_http_login_risk_module_loc_conf(ngx_conf_t *cf,
    const char *name);
static ngx_uint_t ngx_http_login_risk_denies(ngx_array_t *rules,
    size_t size, size_t deny);


static ngx_conf_post_t  ngx_http_login_risk_enable_post =
    { ngx_http_login_risk_enable };
static ngx_conf_post_t  ngx_http_login_risk_user_field_post =
    { ngx_http_login_risk_user_field };
static ngx_conf_post_t  ngx_http_login_risk_body_limit_post =
    { ngx_http_login_risk_body_limit };
static ngx_conf_post_t  ngx_http_login_risk_prefix_post =
    { ngx_http_login_risk_prefix };
static ngx_conf_post_t  ngx_http_login_risk_token_field_post =
    { ngx_http_login_risk_token_field };
static ngx_conf_post_t  ngx_http_login_risk_list_refresh_post =
    { ngx_http_login_risk_list_refresh };


static ngx_conf_enum_t  ngx_http_login_risk_on_error_values[] = {
    { ngx_string("allow"), LR_ACTION_ALLOW },
    { ngx_string("block"), LR_ACTION_BLOCK },
    { ngx_null_string, 0 }
};


static ngx_conf_enum_t  ngx_http_login_risk_mode_values[] = {
    { ngx_string("enforce"), NGX_HTTP_LOGIN_RISK_MODE_ENFORCE },
    { ngx_string("monitor"), NGX_HTTP_LOGIN_RISK_MODE_MONITOR },
    { ngx_null_string, 0 }
};


static ngx_conf_num_bounds_t  ngx_http_login_risk_block_status_bounds = {
    ngx_conf_check_num_bounds, 400, 599
};


/* the counters login_risk_limit names, in lr_counter order */
static ngx_str_t  ngx_http_login_risk_counters[LR_C_COUNT] = {
    ngx_string("ip_failures"),
    ngx_string("user_failures"),
    ngx_string("device_failures"),
    ngx_string("ip_user_failures"),
    ngx_string("ip_users"),
    ngx_string("device_users")
};


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

    { ngx_string("login_risk_redis"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_1MORE,
      ngx_http_login_risk_redis,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("login_risk_prefix"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_login_risk_main_conf_t, prefix),
      &ngx_http_login_risk_prefix_post },

    { ngx_string("login_risk_secret_file"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_login_risk_secret_file,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("login_risk_on_error"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_login_risk_loc_conf_t, on_error),
      &ngx_http_login_risk_on_error_values },

    { ngx_string("login_risk_mode"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_login_risk_loc_conf_t, mode),
      &ngx_http_login_risk_mode_values },

    { ngx_string("login_risk_thresholds"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_login_risk_thresholds,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("login_risk_limit"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE23,
      ngx_http_login_risk_limit,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("login_risk_block_status"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_login_risk_loc_conf_t, block_status),
      &ngx_http_login_risk_block_status_bounds },

    { ngx_string("login_risk_challenge"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_login_risk_challenge,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("login_risk_collect"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_login_risk_collect,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("login_risk_token_field"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_login_risk_main_conf_t, token_field),
      &ngx_http_login_risk_token_field_post },

    { ngx_string("login_risk_device_cookie"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_1MORE,
      ngx_http_login_risk_device_cookie_conf,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("login_risk_expect_telemetry"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_login_risk_loc_conf_t, expect_telemetry),
      NULL },

    { ngx_string("login_risk_metrics"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS|NGX_CONF_TAKE1,
      ngx_http_login_risk_metrics,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("login_risk_success"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_login_risk_success,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("login_risk_list"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE23,
      ngx_http_login_risk_list_conf,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("login_risk_list_refresh"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_login_risk_main_conf_t, list_refresh),
      &ngx_http_login_risk_list_refresh_post },

    { ngx_string("login_risk_admin"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS|NGX_CONF_TAKE1,
      ngx_http_login_risk_admin_conf,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("login_risk_admin_actor"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_login_risk_admin_actor_conf,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
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
    lmcf->list_refresh = NGX_CONF_UNSET_MSEC;
    lr_config_default(&lmcf->engine);

    return lmcf;
}


static void *
ngx_http_login_risk_create_loc_conf(ngx_conf_t *cf)
{
    ngx_uint_t                       i;
    ngx_http_login_risk_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_login_risk_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->user_field = { 0, NULL };
     *     conf->challenge_uri = { 0, NULL };
     *     conf->success_header = { 0, NULL };
     *     conf->success_value = { 0, NULL };
     */

    conf->enable = NGX_CONF_UNSET;
    conf->body_limit = NGX_CONF_UNSET_SIZE;
    conf->alert_log = NGX_CONF_UNSET_PTR;
    conf->tag = NGX_CONF_UNSET;
    conf->challenge = NGX_CONF_UNSET;
    conf->block = NGX_CONF_UNSET;

    for (i = 0; i < LR_C_COUNT; i++) {
        conf->limit[i] = NGX_CONF_UNSET;
        conf->window[i] = NGX_CONF_UNSET;
    }

    conf->on_error = NGX_CONF_UNSET_UINT;
    conf->block_status = NGX_CONF_UNSET_UINT;
    conf->challenge_mode = NGX_CONF_UNSET_UINT;
    conf->mode = NGX_CONF_UNSET_UINT;
    conf->success_status = NGX_CONF_UNSET_PTR;
    conf->collect = NGX_CONF_UNSET;
    conf->expect_telemetry = NGX_CONF_UNSET;
    conf->admin = NGX_CONF_UNSET;
    conf->admin_actor = NGX_CONF_UNSET_PTR;

    return conf;
}


static char *
ngx_http_login_risk_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_login_risk_loc_conf_t *prev = parent;
    ngx_http_login_risk_loc_conf_t *conf = child;

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_value(conf->expect_telemetry, prev->expect_telemetry, 0);

    /* not inherited: it is the location's handler */
    if (conf->collect == NGX_CONF_UNSET) {
        conf->collect = 0;
    }

    if (conf->collect && conf->enable) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"login_risk_collect\" and \"login_risk on\" "
                           "cannot share a location: the collect endpoint is "
                           "no login");
        return NGX_CONF_ERROR;
    }

    /* not inherited either */
    if (conf->admin == NGX_CONF_UNSET) {
        conf->admin = 0;
    }

    if (conf->admin && (conf->enable || conf->collect)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"login_risk_admin\" cannot share a location "
                           "with \"login_risk on\" or "
                           "\"login_risk_collect\"");
        return NGX_CONF_ERROR;
    }

    ngx_conf_merge_ptr_value(conf->admin_actor, prev->admin_actor, NULL);

    /* whoever reaches the admin API can lift a block: never by default */
    if (conf->admin
        && ngx_http_login_risk_protected(cf, "login_risk_admin",
                                         conf->admin == 2)
           != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    /* not inherited either; nobody may read the counts unless told */
    if (conf->metrics
        && ngx_http_login_risk_protected(cf, "login_risk_metrics",
                                         conf->metrics_insecure)
           != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    ngx_conf_merge_str_value(conf->user_field, prev->user_field, "username");
    ngx_conf_merge_size_value(conf->body_limit, prev->body_limit,
                              16 * 1024);
    ngx_conf_merge_ptr_value(conf->alert_log, prev->alert_log, NULL);

    ngx_conf_merge_uint_value(conf->on_error, prev->on_error, LR_ACTION_ALLOW);
    ngx_conf_merge_uint_value(conf->block_status, prev->block_status,
                              NGX_HTTP_FORBIDDEN);
    ngx_conf_merge_uint_value(conf->mode, prev->mode,
                              NGX_HTTP_LOGIN_RISK_MODE_ENFORCE);

    if (conf->challenge_mode == NGX_CONF_UNSET_UINT) {
        conf->challenge_mode = prev->challenge_mode;
        conf->challenge_uri = prev->challenge_uri;
    }

    if (conf->challenge_mode == NGX_CONF_UNSET_UINT) {
        conf->challenge_mode = NGX_HTTP_LOGIN_RISK_CHALLENGE_PASS;
    }

    if (conf->success_status == NGX_CONF_UNSET_PTR
        && conf->success_header.len == 0)
    {
        conf->success_status = prev->success_status;
        conf->success_header = prev->success_header;
        conf->success_value = prev->success_value;
    }

    if (conf->success_status == NGX_CONF_UNSET_PTR) {
        conf->success_status = NULL;
    }

    return ngx_http_login_risk_merge_engine(cf, prev, conf);
}


/*
 * Does the location being merged keep strangers out? nginx merges its own
 * modules' location configurations before any addon's (they come first in
 * the module list, static or dynamic), so what they hold here is final,
 * inherited values included. The modules are found by name, not linked:
 * an nginx built without auth_request still loads this module.
 */

char *
ngx_http_login_risk_protected(ngx_conf_t *cf, const char *directive,
    ngx_flag_t insecure)
{
    ngx_http_conf_ctx_t                      *ctx;
    ngx_http_core_loc_conf_t                 *clcf;
    ngx_http_login_risk_access_conf_t        *access;
    ngx_http_login_risk_auth_basic_conf_t    *basic;
    ngx_http_login_risk_auth_request_conf_t  *request;

    if (insecure) {
        return NGX_CONF_OK;
    }

    access = ngx_http_login_risk_module_loc_conf(cf, "ngx_http_access_module");

    if (access) {
        if (ngx_http_login_risk_denies(access->rules,
                sizeof(ngx_http_login_risk_access_rule_t),
                offsetof(ngx_http_login_risk_access_rule_t, deny)))
        {
            return NGX_CONF_OK;
        }

#if (NGX_HAVE_INET6)
        if (ngx_http_login_risk_denies(access->rules6,
                sizeof(ngx_http_login_risk_access_rule6_t),
                offsetof(ngx_http_login_risk_access_rule6_t, deny)))
        {
            return NGX_CONF_OK;
        }
#endif

#if (NGX_HAVE_UNIX_DOMAIN)
        if (ngx_http_login_risk_denies(access->rules_un,
                sizeof(ngx_http_login_risk_access_rule_un_t),
                offsetof(ngx_http_login_risk_access_rule_un_t, deny)))
        {
            return NGX_CONF_OK;
        }
#endif
    }

    /* "auth_basic off" is the literal realm "off" */
    basic = ngx_http_login_risk_module_loc_conf(cf,
                                                "ngx_http_auth_basic_module");

    if (basic && basic->realm && basic->user_file
        && !(basic->realm->lengths == NULL
             && basic->realm->value.len == 3
             && ngx_strncmp(basic->realm->value.data, "off", 3) == 0))
    {
        return NGX_CONF_OK;
    }

    /* "auth_request off" is an empty uri */
    request = ngx_http_login_risk_module_loc_conf(cf,
                                               "ngx_http_auth_request_module");

    if (request && request->uri.len) {
        return NGX_CONF_OK;
    }

    ctx = cf->ctx;
    clcf = ctx->loc_conf[ngx_http_core_module.ctx_index];

    ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                  "\"%s\" in location \"%V\" is open to anyone who reaches "
                  "it: restrict it there or in an enclosing block with "
                  "\"allow\" and \"deny\" rules (\"allow\" alone lets "
                  "everyone in), \"auth_basic\" or \"auth_request\", or "
                  "write \"%s insecure;\" to serve it unrestricted",
                  directive, &clcf->name, directive);

    return NGX_CONF_ERROR;
}


/* The merged location configuration of nginx's module "name", or NULL
 * when this nginx was built without it. */

static void *
ngx_http_login_risk_module_loc_conf(ngx_conf_t *cf, const char *name)
{
    ngx_uint_t            i;
    ngx_module_t        **modules;
    ngx_http_conf_ctx_t  *ctx;

    ctx = cf->ctx;
    modules = cf->cycle->modules;

    for (i = 0; modules[i]; i++) {
        if (modules[i]->type == NGX_HTTP_MODULE
            && ngx_strcmp(modules[i]->name, name) == 0)
        {
            return ctx->loc_conf[modules[i]->ctx_index];
        }
    }

    return NULL;
}


/*
 * Whether access rules say "deny" somewhere: "allow" alone lets everyone
 * in. Rules of another size than nginx 1.22's cannot be read; having any
 * is then taken as a restriction.
 */

static ngx_uint_t
ngx_http_login_risk_denies(ngx_array_t *rules, size_t size, size_t deny)
{
    u_char      *rule;
    ngx_uint_t   i;

    if (rules == NULL || rules->nelts == 0) {
        return 0;
    }

    if (rules->size != size) {
        return 1;
    }

    rule = rules->elts;

    for (i = 0; i < rules->nelts; i++) {
        if (*(ngx_uint_t *) (rule + i * size + deny)) {
            return 1;
        }
    }

    return 0;
}


/* The engine's settings: the defaults, then what the location says. */

static char *
ngx_http_login_risk_merge_engine(ngx_conf_t *cf,
    ngx_http_login_risk_loc_conf_t *prev,
    ngx_http_login_risk_loc_conf_t *conf)
{
    ngx_uint_t                        i;
    ngx_http_login_risk_main_conf_t  *lmcf;

    lr_config_default(&conf->engine);

    ngx_conf_merge_value(conf->tag, prev->tag, conf->engine.tag);
    ngx_conf_merge_value(conf->challenge, prev->challenge,
                         conf->engine.challenge);
    ngx_conf_merge_value(conf->block, prev->block, conf->engine.block);

    if (!(conf->tag <= conf->challenge && conf->challenge <= conf->block)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "login_risk_thresholds: need tag <= challenge <= "
                           "block, got tag=%i challenge=%i block=%i",
                           conf->tag, conf->challenge, conf->block);
        return NGX_CONF_ERROR;
    }

    conf->engine.expect_telemetry = (int) conf->expect_telemetry;
    conf->engine.tag = (int) conf->tag;
    conf->engine.challenge = (int) conf->challenge;
    conf->engine.block = (int) conf->block;

    for (i = 0; i < LR_C_COUNT; i++) {
        ngx_conf_merge_value(conf->limit[i], prev->limit[i],
                             (ngx_int_t) conf->engine.limit[i]);
        ngx_conf_merge_value(conf->window[i], prev->window[i],
                             (ngx_int_t) conf->engine.window_s[i]);

        conf->engine.limit[i] = (uint32_t) conf->limit[i];
        conf->engine.window_s[i] = (uint32_t) conf->window[i];
    }

    if (conf->challenge_mode == NGX_HTTP_LOGIN_RISK_CHALLENGE_REDIRECT) {
        lmcf = ngx_http_conf_get_module_main_conf(cf,
                                                  ngx_http_login_risk_module);

        if (lmcf->secret_file.len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"login_risk_challenge redirect\" needs "
                               "\"login_risk_secret_file\" to sign its "
                               "tickets");
            return NGX_CONF_ERROR;
        }
    }

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


/* A token field is a form or JSON member name and a cookie name at once. */

static char *
ngx_http_login_risk_token_field(ngx_conf_t *cf, void *post, void *data)
{
    ngx_str_t  *field = data;

    ngx_uint_t  i;

    if (field->len == 0 || field->len > 64) {
        return "must be 1 to 64 characters";
    }

    for (i = 0; i < field->len; i++) {
        if (!ngx_http_login_risk_name_char(field->data[i])) {
            return "must be letters, digits, \"_\" and \"-\"";
        }
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_login_risk_list_refresh(ngx_conf_t *cf, void *post, void *data)
{
    ngx_msec_t  *refresh = data;

    if (*refresh < 100 || *refresh > 3600 * 1000) {
        return "must be 100ms to 1h";
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


/*
 * login_risk_redis ADDRESS [db=N] [password=S | password_file=F]
 *     [timeout=T] [connect_timeout=T];
 * A host name is resolved here, once: connecting must never wait on DNS.
 */

static char *
ngx_http_login_risk_redis(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_login_risk_main_conf_t  *lmcf = conf;

    u_char                            *p;
    ngx_int_t                          n;
    ngx_str_t                         *value, s, file;
    ngx_url_t                          u;
    ngx_uint_t                         i;
    ngx_http_login_risk_redis_conf_t  *rc;

    if (lmcf->redis) {
        return "is duplicate";
    }

    rc = ngx_pcalloc(cf->pool, sizeof(ngx_http_login_risk_redis_conf_t));
    if (rc == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;
    rc->address = value[1];
    rc->timeout = 50;
    rc->connect_timeout = 1000;
    ngx_str_null(&file);

    if (value[1].len > 5 && ngx_strncmp(value[1].data, "unix:", 5) == 0) {
        rc->unix_path = (char *) value[1].data + 5;

    } else {
        ngx_memzero(&u, sizeof(ngx_url_t));
        u.url = value[1];
        u.default_port = 6379;

        if (ngx_parse_url(cf->pool, &u) != NGX_OK || u.naddrs == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "login_risk_redis: %s in \"%V\"",
                               u.err ? u.err : "no address", &u.url);
            return NGX_CONF_ERROR;
        }

        p = ngx_pnalloc(cf->pool, NGX_SOCKADDR_STRLEN + 1);
        if (p == NULL) {
            return NGX_CONF_ERROR;
        }

        p[ngx_sock_ntop(u.addrs[0].sockaddr, u.addrs[0].socklen, p,
                        NGX_SOCKADDR_STRLEN, 0)] = '\0';

        rc->host = (char *) p;
        rc->port = ngx_inet_get_port(u.addrs[0].sockaddr);
    }

    for (i = 2; i < cf->args->nelts; i++) {
        s = value[i];

        if (s.len > 3 && ngx_strncmp(s.data, "db=", 3) == 0) {
            n = ngx_atoi(s.data + 3, s.len - 3);
            if (n == NGX_ERROR || n > 1000000) {
                goto invalid;
            }

            rc->db = (ngx_uint_t) n;
            ngx_cpystrn((u_char *) rc->db_text, s.data + 3,
                        ngx_min(s.len - 3 + 1, sizeof(rc->db_text)));
            continue;
        }

        if (s.len > 9 && ngx_strncmp(s.data, "password=", 9) == 0) {
            rc->password.data = s.data + 9;
            rc->password.len = s.len - 9;
            continue;
        }

        if (s.len > 14 && ngx_strncmp(s.data, "password_file=", 14) == 0) {
            file.data = s.data + 14;
            file.len = s.len - 14;
            continue;
        }

        if (s.len > 8 && ngx_strncmp(s.data, "timeout=", 8) == 0) {
            s.data += 8;
            s.len -= 8;
            n = ngx_parse_time(&s, 0);
            if (n == NGX_ERROR || n == 0) {
                goto invalid;
            }

            rc->timeout = (ngx_msec_t) n;
            continue;
        }

        if (s.len > 16 && ngx_strncmp(s.data, "connect_timeout=", 16) == 0)
        {
            s.data += 16;
            s.len -= 16;
            n = ngx_parse_time(&s, 0);
            if (n == NGX_ERROR || n == 0) {
                goto invalid;
            }

            rc->connect_timeout = (ngx_msec_t) n;
            continue;
        }

        goto invalid;
    }

    if (file.len) {
        if (rc->password.len) {
            return "takes password= or password_file=, not both";
        }

        if (ngx_http_login_risk_read_file(cf, "login_risk_redis", &file,
                                          4096, 1, &rc->password)
            != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }

        /* one line: the trailing newline is not part of the password */
        while (rc->password.len
               && (rc->password.data[rc->password.len - 1] == '\n'
                   || rc->password.data[rc->password.len - 1] == '\r'))
        {
            rc->password.len--;
        }

        if (rc->password.len == 0) {
            return "password_file holds no password";
        }
    }

    /* a Redis that answers nothing for this long is given up on */
    rc->stuck_after = ngx_max(10 * rc->timeout, 500);

    lmcf->redis = rc;

    return NGX_CONF_OK;

invalid:

    /* never echo a password back */
    if (value[i].len > 8 && ngx_strncmp(value[i].data, "password", 8) == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "login_risk_redis: invalid password parameter");

    } else {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "login_risk_redis: invalid parameter \"%V\"",
                           &value[i]);
    }

    return NGX_CONF_ERROR;
}


/*
 * Reads a small file whole, when the configuration is read: 1 to max
 * bytes (0 with NGX_HTTP_LOGIN_RISK_FILE_EMPTY_OK). The caller wipes the
 * copy of a secret when it is done with it; a file of secrets everyone may
 * read is warned about (NGX_HTTP_LOGIN_RISK_FILE_SECRET).
 */

ngx_int_t
ngx_http_login_risk_read_file(ngx_conf_t *cf, const char *directive,
    ngx_str_t *name, size_t max, ngx_uint_t flags, ngx_str_t *content)
{
    u_char           *buf;
    ssize_t           n;
    ngx_file_t        f;
    ngx_file_info_t   fi;

    if (ngx_conf_full_name(cf->cycle, name, 1) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_memzero(&f, sizeof(ngx_file_t));
    f.name = *name;
    f.log = cf->log;

    f.fd = ngx_open_file(name->data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (f.fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "%s: cannot open \"%V\"", directive, name);
        return NGX_ERROR;
    }

    buf = NULL;
    n = NGX_ERROR;

    if ((flags & NGX_HTTP_LOGIN_RISK_FILE_EMPTY_OK)
        && ngx_fd_info(f.fd, &fi) != NGX_FILE_ERROR
        && ngx_file_size(&fi) == 0)
    {
        ngx_close_file(f.fd);
        ngx_str_null(content);
        return NGX_OK;
    }

    if (ngx_fd_info(f.fd, &fi) != NGX_FILE_ERROR
        && ngx_file_size(&fi) > 0 && (size_t) ngx_file_size(&fi) <= max)
    {
        if ((flags & NGX_HTTP_LOGIN_RISK_FILE_SECRET)
            && (fi.st_mode & S_IROTH))
        {
            ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                               "%s: \"%V\" is readable by everyone; make it "
                               "readable by root and nginx only", directive,
                               name);
        }

        buf = ngx_pnalloc(cf->pool, (size_t) ngx_file_size(&fi));
        if (buf) {
            n = ngx_read_file(&f, buf, (size_t) ngx_file_size(&fi), 0);
        }
    }

    ngx_close_file(f.fd);

    if (n <= 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "%s: \"%V\" is empty, unreadable or over %uz "
                           "bytes", directive, name, max);
        return NGX_ERROR;
    }

    content->data = buf;
    content->len = (size_t) n;

    return NGX_OK;
}


static char *
ngx_http_login_risk_prefix(ngx_conf_t *cf, void *post, void *data)
{
    ngx_str_t  *prefix = data;

    ngx_uint_t  i;

    if (prefix->len == 0 || prefix->len > LR_REDIS_PREFIX_MAX) {
        return "must be 1 to 64 characters";
    }

    for (i = 0; i < prefix->len; i++) {
        /* braces would change the keys' hash tag */
        if (prefix->data[i] <= ' ' || prefix->data[i] >= 0x7f
            || prefix->data[i] == '{' || prefix->data[i] == '}')
        {
            return "must be printable ASCII without spaces or braces";
        }
    }

    return NGX_CONF_OK;
}


/*
 * The keys that sign the step-up tickets; a key file that is missing,
 * malformed or holds a short key stops nginx here.
 */

static char *
ngx_http_login_risk_secret_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_login_risk_main_conf_t  *lmcf = conf;

    char        err[128];
    ngx_str_t  *value, text;

    if (lmcf->secret_file.len) {
        return "is duplicate";
    }

    value = cf->args->elts;
    lmcf->secret_file = value[1];

    if (ngx_http_login_risk_read_file(cf, "login_risk_secret_file",
                                      &lmcf->secret_file, 65536,
                                      NGX_HTTP_LOGIN_RISK_FILE_SECRET, &text)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    lmcf->secrets = ngx_pcalloc(cf->pool, sizeof(lr_secrets));
    if (lmcf->secrets == NULL) {
        return NGX_CONF_ERROR;
    }

    if (lr_secrets_parse((char *) text.data, text.len, lmcf->secrets, err,
                         sizeof(err))
        != 0)
    {
        ngx_explicit_memzero(text.data, text.len);
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "login_risk_secret_file: \"%V\": %s",
                           &lmcf->secret_file, err);
        return NGX_CONF_ERROR;
    }

    ngx_explicit_memzero(text.data, text.len);

    return NGX_CONF_OK;
}


/* login_risk_thresholds tag=N challenge=N block=N; (any of them) */

static char *
ngx_http_login_risk_thresholds(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_login_risk_loc_conf_t  *llcf = conf;

    ngx_int_t   n, *slot;
    ngx_str_t  *value, s;
    ngx_uint_t  i;

    if (llcf->tag != NGX_CONF_UNSET || llcf->challenge != NGX_CONF_UNSET
        || llcf->block != NGX_CONF_UNSET)
    {
        return "is duplicate";
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {
        s = value[i];

        if (s.len > 4 && ngx_strncmp(s.data, "tag=", 4) == 0) {
            slot = &llcf->tag;
            s.data += 4;
            s.len -= 4;

        } else if (s.len > 10 && ngx_strncmp(s.data, "challenge=", 10) == 0) {
            slot = &llcf->challenge;
            s.data += 10;
            s.len -= 10;

        } else if (s.len > 6 && ngx_strncmp(s.data, "block=", 6) == 0) {
            slot = &llcf->block;
            s.data += 6;
            s.len -= 6;

        } else {
            goto invalid;
        }

        n = ngx_atoi(s.data, s.len);

        /* 101: never, as no score exceeds 100 */
        if (n == NGX_ERROR || n < 1 || n > 101 || *slot != NGX_CONF_UNSET) {
            goto invalid;
        }

        *slot = n;
    }

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\", expected tag=N, "
                       "challenge=N or block=N with N from 1 to 101, "
                       "each once", &value[i]);

    return NGX_CONF_ERROR;
}


/* login_risk_limit COUNTER COUNT [WINDOW]; */

static char *
ngx_http_login_risk_limit(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_login_risk_loc_conf_t  *llcf = conf;

    ngx_int_t   n, w;
    ngx_str_t  *value;
    ngx_uint_t  i;

    value = cf->args->elts;

    for (i = 0; i < LR_C_COUNT; i++) {
        if (value[1].len == ngx_http_login_risk_counters[i].len
            && ngx_strncmp(value[1].data, ngx_http_login_risk_counters[i].data,
                           value[1].len)
               == 0)
        {
            break;
        }
    }

    if (i == LR_C_COUNT) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "unknown counter \"%V\", expected ip_failures, "
                           "user_failures, device_failures, "
                           "ip_user_failures, ip_users or device_users",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    if (llcf->limit[i] != NGX_CONF_UNSET) {
        return "is duplicate for this counter";
    }

    /* 0 turns the rule off */
    n = ngx_atoi(value[2].data, value[2].len);
    if (n == NGX_ERROR || n > 1000000) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid count \"%V\"", &value[2]);
        return NGX_CONF_ERROR;
    }

    llcf->limit[i] = n;

    if (cf->args->nelts == 4) {
        w = ngx_parse_time(&value[3], 1);
        if (w == NGX_ERROR || w < 1 || w > 30 * 86400) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid window \"%V\", expected 1s to 30d",
                               &value[3]);
            return NGX_CONF_ERROR;
        }

        llcf->window[i] = w;
    }

    return NGX_CONF_OK;
}


/* login_risk_challenge pass | redirect URI; */

static char *
ngx_http_login_risk_challenge(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_login_risk_loc_conf_t  *llcf = conf;

    ngx_str_t  *value;

    if (llcf->challenge_mode != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (cf->args->nelts == 2 && ngx_strcmp(value[1].data, "pass") == 0) {
        llcf->challenge_mode = NGX_HTTP_LOGIN_RISK_CHALLENGE_PASS;
        return NGX_CONF_OK;
    }

    if (cf->args->nelts == 3 && ngx_strcmp(value[1].data, "redirect") == 0) {
        if (value[2].len == 0 || value[2].data[0] != '/') {
            return "redirect needs a URI that starts with \"/\"";
        }

        llcf->challenge_mode = NGX_HTTP_LOGIN_RISK_CHALLENGE_REDIRECT;
        llcf->challenge_uri = value[2];
        return NGX_CONF_OK;
    }

    return "takes \"pass\" or \"redirect URI\"";
}


/* login_risk_success [status=CODE[,CODE...]] [header=NAME:VALUE]; */

static char *
ngx_http_login_risk_success(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_login_risk_loc_conf_t  *llcf = conf;

    u_char      *p, *last, *comma;
    ngx_int_t    n;
    ngx_str_t   *value, s;
    ngx_uint_t   i, *code;

    if (llcf->success_status != NGX_CONF_UNSET_PTR
        || llcf->success_header.len)
    {
        return "is duplicate";
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {
        s = value[i];

        if (s.len > 7 && ngx_strncmp(s.data, "status=", 7) == 0
            && llcf->success_status == NGX_CONF_UNSET_PTR)
        {
            llcf->success_status = ngx_array_create(cf->pool, 4,
                                                    sizeof(ngx_uint_t));
            if (llcf->success_status == NULL) {
                return NGX_CONF_ERROR;
            }

            p = s.data + 7;
            last = s.data + s.len;

            while (p < last) {
                comma = ngx_strlchr(p, last, ',');
                if (comma == NULL) {
                    comma = last;
                }

                n = ngx_atoi(p, comma - p);
                if (n < 100 || n > 599) {
                    goto invalid;
                }

                code = ngx_array_push(llcf->success_status);
                if (code == NULL) {
                    return NGX_CONF_ERROR;
                }

                *code = (ngx_uint_t) n;
                p = comma + 1;
            }

            continue;
        }

        if (s.len > 7 && ngx_strncmp(s.data, "header=", 7) == 0
            && llcf->success_header.len == 0)
        {
            p = s.data + 7;
            last = s.data + s.len;
            comma = ngx_strlchr(p, last, ':');

            if (comma == NULL || comma == p || comma + 1 == last) {
                goto invalid;
            }

            llcf->success_header.data = p;
            llcf->success_header.len = comma - p;
            llcf->success_value.data = comma + 1;
            llcf->success_value.len = last - comma - 1;
            continue;
        }

        goto invalid;
    }

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\", expected "
                       "status=CODE[,CODE...] or header=NAME:VALUE",
                       &value[i]);

    return NGX_CONF_ERROR;
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
    ngx_uint_t                        i;
    ngx_http_handler_pt              *h;
    ngx_http_core_main_conf_t        *cmcf;
    ngx_http_login_risk_main_conf_t  *lmcf;

    lmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_login_risk_module);

    /* a configuration that never turns the module on pays nothing */
    if (!lmcf->used) {
        return NGX_OK;
    }

    if (ngx_http_login_risk_lists_init(cf, lmcf) != NGX_OK) {
        return NGX_ERROR;
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

    if (ngx_http_login_risk_metrics_init(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    if (lmcf->prefix.data == NULL) {
        ngx_str_set(&lmcf->prefix, "lr:");
    }

    if (lmcf->token_field.data == NULL) {
        ngx_str_set(&lmcf->token_field, "lr_token");
    }

    /* a token or a device id that nobody can check is worse than none */
    if (lmcf->collect && (lmcf->secrets == NULL || lmcf->redis == NULL)) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"login_risk_collect\" needs \"login_risk_redis\" "
                      "to keep the telemetry and \"login_risk_secret_file\" "
                      "to sign its tokens");
        return NGX_ERROR;
    }

    if (lmcf->admin && lmcf->redis == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"login_risk_admin\" needs \"login_risk_redis\": the "
                      "live lists, profiles and audit are there");
        return NGX_ERROR;
    }

    if (lmcf->device_cookie.len && lmcf->secrets == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"login_risk_device_cookie\" needs "
                      "\"login_risk_secret_file\" to sign the device ids");
        return NGX_ERROR;
    }

    /* ngx_conf_set_str_slot values end in '\0': the prefix is a C string */

    for (i = 0; i < LR_SCRIPT_COUNT_ALL; i++) {
        if (lr_redis_script_sha(i, lmcf->sha[i]) != 0) {
            return NGX_ERROR;
        }
    }

    return ngx_http_login_risk_filter_init(cf);
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

    /* workers only: not the cache manager and loader processes */
    if (lmcf->used && lmcf->redis
        && (ngx_process == NGX_PROCESS_WORKER
            || ngx_process == NGX_PROCESS_SINGLE))
    {
        lmcf->rd = ngx_http_login_risk_redis_start(cycle, lmcf->redis);
        if (lmcf->rd == NULL) {
            return NGX_ERROR;
        }

        if (ngx_http_login_risk_live_start(cycle, lmcf) != NGX_OK) {
            return NGX_ERROR;
        }
    }

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

    /* the live lists' read first: its replies must find nobody */
    ngx_http_login_risk_live_stop(lmcf);

    if (lmcf->rd) {
        ngx_http_login_risk_redis_stop(lmcf->rd);
        lmcf->rd = NULL;
    }
}


/*
 * The context is found again after an internal redirect (error_page, ...)
 * through its pool cleanup, as the realip module does: the alert log and
 * the variables must still describe the login.
 */

/*
 * The answer of the module's own endpoints (collect, admin, metrics): b
 * whole, of that type and status, never cached.
 */

ngx_int_t
ngx_http_login_risk_answer(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_buf_t *b)
{
    ngx_int_t         rc;
    ngx_chain_t       out;
    ngx_table_elt_t  *h;

    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Cache-Control");
    ngx_str_set(&h->value, "no-store");

    r->headers_out.content_type = *type;
    r->headers_out.content_type_len = type->len;
    r->headers_out.status = status;
    r->headers_out.content_length_n = b->last - b->pos;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


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
    ngx_http_login_risk_ctx_t  *ctx = data;

    /* a Redis reply still due must not find a freed request; the cleanup
     * also marks where the context is (ngx_http_login_risk_get_ctx) */
    ngx_http_login_risk_forget(ctx);
}
