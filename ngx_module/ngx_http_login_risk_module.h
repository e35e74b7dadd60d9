
/*
 * nginx-login-risk: the nginx glue. Everything that knows an
 * ngx_http_request_t lives under ngx_module/; the engine in src/ never does.
 */


#ifndef _NGX_HTTP_LOGIN_RISK_MODULE_H_INCLUDED_
#define _NGX_HTTP_LOGIN_RISK_MODULE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <lr_devcookie.h>
#include <lr_engine.h>
#include <lr_list.h>
#include <lr_listset.h>
#include <lr_login.h>
#include <lr_redis.h>
#include <lr_secret.h>
#include <lr_telemetry.h>
#include <lr_telemetry_codec.h>
#include <lr_ticket.h>
#include <lr_token.h>
#include <lr_userid.h>


typedef struct ngx_http_login_risk_redis_s  ngx_http_login_risk_redis_t;
typedef struct ngx_http_login_risk_call_s   ngx_http_login_risk_call_t;
typedef struct ngx_http_login_risk_metrics_s  ngx_http_login_risk_metrics_t;
typedef struct ngx_http_login_risk_live_s   ngx_http_login_risk_live_t;

typedef void (*ngx_http_login_risk_reply_pt)(ngx_http_login_risk_call_t *call,
    ngx_uint_t index, redisReply *reply);
typedef void (*ngx_http_login_risk_done_pt)(ngx_http_login_risk_call_t *call);


/* the commands of one request or job; replies come back in order */
struct ngx_http_login_risk_call_s {
    ngx_http_login_risk_redis_t   *redis;
    void                          *data;        /* NULL: detached */
    ngx_http_login_risk_reply_pt   reply;       /* reply NULL: connection
                                                   lost */
    ngx_http_login_risk_done_pt    done;
    ngx_uint_t                     sent;
    ngx_uint_t                     received;
    ngx_http_login_risk_call_t    *next;        /* free list */
};


typedef struct {
    ngx_str_t                  address;         /* as configured */
    char                      *host;            /* numeric */
    ngx_uint_t                 port;
    char                      *unix_path;
    ngx_uint_t                 db;
    char                       db_text[NGX_INT_T_LEN + 1];
    ngx_str_t                  password;
    ngx_msec_t                 timeout;
    ngx_msec_t                 connect_timeout;
    ngx_msec_t                 stuck_after;
} ngx_http_login_risk_redis_conf_t;


typedef enum {
    NGX_HTTP_LOGIN_RISK_OUTCOME_UNKNOWN = 0,
    NGX_HTTP_LOGIN_RISK_OUTCOME_SUCCESS,
    NGX_HTTP_LOGIN_RISK_OUTCOME_FAILURE,
    NGX_HTTP_LOGIN_RISK_OUTCOME_CHALLENGE_PASSED
} ngx_http_login_risk_outcome_e;


/* the population's learning, batched per worker: one BITFIELD for the
 * logins of one turn of the event loop (or LR_POP_BATCH of them) */
typedef struct {
    ngx_event_t                flush;           /* posted */
    lr_features                f[LR_POP_BATCH];
    ngx_uint_t                 n;
} ngx_http_login_risk_pop_batch_t;


/* the entries of one kind and side from one source (the list files, or
 * Redis), compiled: radix trees for addresses, a hash set for the rest;
 * a value or slot holds the entry's expiry in Unix seconds */
typedef struct {
    ngx_radix_tree_t          *v4;              /* NULL: no address */
    ngx_radix_tree_t          *v6;
    lr_listset                 set;
    ngx_uint_t                 n;               /* entries compiled */
} ngx_http_login_risk_list_t;


typedef struct {
    ngx_http_login_risk_list_t  list[LR_LK_COUNT][LR_LS_COUNT];
} ngx_http_login_risk_lists_t;


/* entries gathered (from files or from Redis), before they are compiled */
typedef struct {
    ngx_array_t               *cidrs;           /* of ..._list_cidr_t */
    ngx_array_t               *hashes;          /* of ..._list_hash_t */
    ngx_uint_t                 expiring;        /* some entry expires */
} ngx_http_login_risk_list_build_t;


/* an entry as parsed: an address or CIDR, or the hash of its canonical
 * text; canon is its canonical text either way */
typedef struct {
    ngx_uint_t                 address;
    ngx_cidr_t                 cidr;
    ngx_uint_t                 bits;            /* prefix length */
    uint64_t                   hash;
    ngx_str_t                  canon;
} ngx_http_login_risk_entry_t;

/* room for a canonical entry: a user id's, or an address's and "/128" */
#define NGX_HTTP_LOGIN_RISK_ENTRY_LEN  (LR_LIST_ENTRY_MAX + 1)


/* a list file as loaded: the admin API lists its entries */
typedef struct {
    lr_list_kind               kind;
    lr_list_side               side;
    ngx_str_t                  name;
    ngx_str_t                  content;
} ngx_http_login_risk_list_file_t;


typedef struct {
    ngx_str_t                  geoip_city;
    ngx_str_t                  geoip_asn;
    MMDB_s                     city_db;         /* opened per worker */
    MMDB_s                     asn_db;
    unsigned                   city_open:1;
    unsigned                   asn_open:1;
    ngx_int_t                  request_id_index;
    ngx_http_login_risk_redis_conf_t  *redis;   /* NULL: no state store */
    ngx_http_login_risk_redis_t       *rd;      /* the worker's connection */
    ngx_http_login_risk_pop_batch_t   *pop;     /* the worker's batch */
    ngx_str_t                  prefix;          /* NUL-terminated */
    char                       sha[LR_SCRIPT_COUNT_ALL][41];
    ngx_str_t                  secret_file;
    lr_secrets                *secrets;         /* NULL: no tickets */
    ngx_str_t                  token_field;     /* NUL-terminated */
    ngx_str_t                  device_cookie;   /* name, "": no cookie */
    time_t                     device_max_age;
    ngx_str_t                  device_domain;
    unsigned                   collect:1;       /* a collect endpoint */
    lr_config                  engine;          /* defaults, for what no
                                                   location decides */
    ngx_array_t               *list_files;      /* of ..._list_file_t */
    ngx_http_login_risk_list_build_t  *list_build;  /* [kind][side], while
                                                   the configuration is
                                                   read */
    ngx_http_login_risk_lists_t       *lists;   /* of the files, compiled in
                                                   the master */
    ngx_msec_t                 list_refresh;
    ngx_http_login_risk_live_t        *live;    /* the worker's copy of the
                                                   live lists */
    unsigned                   admin:1;         /* an admin location */
    unsigned                   used:1;          /* "login_risk on" somewhere */
    ngx_http_login_risk_metrics_t     *metrics; /* the counters' zone, NULL:
                                                   none */
} ngx_http_login_risk_main_conf_t;


typedef struct {
    ngx_flag_t                 enable;
    ngx_str_t                  user_field;      /* NUL-terminated */
    size_t                     body_limit;
    ngx_open_file_t           *alert_log;       /* NULL: off */

    lr_config                  engine;          /* merged settings */
    ngx_int_t                  tag;             /* as configured */
    ngx_int_t                  challenge;
    ngx_int_t                  block;
    ngx_int_t                  limit[LR_C_COUNT];
    ngx_int_t                  window[LR_C_COUNT];

    ngx_uint_t                 on_error;        /* LR_ACTION_ALLOW/BLOCK */
    ngx_uint_t                 block_status;
    ngx_uint_t                 challenge_mode;
    ngx_str_t                  challenge_uri;
    ngx_uint_t                 mode;
    ngx_array_t               *success_status;  /* of ngx_uint_t */
    ngx_str_t                  success_header;
    ngx_str_t                  success_value;
    ngx_flag_t                 collect;         /* the collect endpoint */
    ngx_flag_t                 expect_telemetry;
    ngx_flag_t                 admin;           /* the admin API; 2: insecure */
    ngx_http_complex_value_t  *admin_actor;     /* NULL: $remote_user */
    unsigned                   metrics:1;       /* the metrics handler, */
    unsigned                   metrics_insecure:1;  /* open to anyone */
} ngx_http_login_risk_loc_conf_t;


/* the characters of cookie and field names the module is given: nobody
 * quotes or escapes them in a cookie, a form, a JSON member or a URL */
#define ngx_http_login_risk_name_char(c)                                      \
    (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z')                 \
     || ((c) >= '0' && (c) <= '9') || (c) == '_' || (c) == '-')

#define NGX_HTTP_LOGIN_RISK_CHALLENGE_PASS      1
#define NGX_HTTP_LOGIN_RISK_CHALLENGE_REDIRECT  2

#define NGX_HTTP_LOGIN_RISK_MODE_ENFORCE        1
#define NGX_HTTP_LOGIN_RISK_MODE_MONITOR        2

/* a challenged attempt waits this long for its step-up */
#define NGX_HTTP_LOGIN_RISK_TICKET_TTL          300
/* a collector token is good this long (it is fetched as the login form is
 * submitted); its telemetry stays a little longer, so that a token still
 * good whose telemetry is gone was used */
#define NGX_HTTP_LOGIN_RISK_TOKEN_TTL           120
#define NGX_HTTP_LOGIN_RISK_TELEMETRY_TTL       180
/* the reply slot of the telemetry's GETDEL among a login's reads */
#define NGX_HTTP_LOGIN_RISK_PART_TELEMETRY      0xff

/* what became of a login's read from Redis, for the metrics */
#define NGX_HTTP_LOGIN_RISK_READ_SENT           0
#define NGX_HTTP_LOGIN_RISK_READ_DONE           1
#define NGX_HTTP_LOGIN_RISK_READ_TIMEOUT        2
#define NGX_HTTP_LOGIN_RISK_READ_UNSENT         3


typedef struct {
    lr_login                   login;
    ngx_open_file_t           *alert_log;       /* of the login location */
    char                       user[LR_USERID_MAX + 1];
    char                       asn[NGX_INT32_LEN + 1];
    char                       ua_major[NGX_INT32_LEN + 1];
    char                       reasons[LR_REASONS_TEXT_MAX];
    char                       score[NGX_INT_T_LEN + 1];
    ngx_http_login_risk_loc_conf_t  *llcf;      /* of the login location */

    lr_keys                    keys;
    lr_view                    view;
    lr_verdict                 verdict;
    lr_action                  enforced;        /* what was done about it */
    lr_profile                *profile;         /* as read */
    u_char                    *profile_raw;     /* its encoding */
    size_t                     profile_raw_len;
    ngx_http_login_risk_call_t  *call;          /* waiting for Redis */
    ngx_event_t                timer;
    u_char                     parts[LR_READ_COUNT * LR_READ_CMDS_MAX + 1];
                                                /* part * 2 + command, by
                                                   reply */
    char                       attempt[33];
    char                      *ticket;
    char                       device_id[LR_DEVCOOKIE_ID + 1];
    ngx_str_t                  device_set_cookie;   /* a new device id's
                                                       Set-Cookie value */
    ngx_str_t                  token_clear_cookie;  /* the token cookie's
                                                       removal */
    char                       token_id[LR_TOKEN_ID + 1];   /* "": none */
    lr_telemetry              *telemetry;       /* taken from Redis */
    uint64_t                   read_start;      /* microseconds (metrics) */

    unsigned                   json:1;          /* else form-urlencoded */
    unsigned                   scored:1;        /* verdict reached */
    unsigned                   unavailable:1;   /* state could not be read */
    unsigned                   noscript:1;
    unsigned                   retried:1;
    unsigned                   learnt:1;
    unsigned                   inspected:1;     /* login is filled in */
    unsigned                   done:1;          /* body read and judged */
    unsigned                   cookie_sent:1;
    unsigned                   read_error:3;    /* why the read brought no
                                                   state (metrics) */
} ngx_http_login_risk_ctx_t;


ngx_http_login_risk_ctx_t *ngx_http_login_risk_get_ctx(ngx_http_request_t *r);
ngx_http_login_risk_ctx_t *ngx_http_login_risk_create_ctx(
    ngx_http_request_t *r);

ngx_int_t ngx_http_login_risk_access_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_login_risk_log_handler(ngx_http_request_t *r);
void ngx_http_login_risk_alert_write(ngx_http_request_t *r,
    ngx_open_file_t *file, u_char *buf, size_t len);
ngx_int_t ngx_http_login_risk_add_variables(ngx_conf_t *cf);

ngx_int_t ngx_http_login_risk_strip_headers(ngx_http_request_t *r);
ngx_int_t ngx_http_login_risk_set_headers(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx);

ngx_int_t ngx_http_login_risk_lookup(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx);
ngx_int_t ngx_http_login_risk_decide(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx);
void ngx_http_login_risk_forget(ngx_http_login_risk_ctx_t *ctx);
ngx_int_t ngx_http_login_risk_filter_init(ngx_conf_t *cf);
void ngx_http_login_risk_store_attempt(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx);

char *ngx_http_login_risk_collect(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_login_risk_device_cookie_conf(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
ngx_int_t ngx_http_login_risk_device(ngx_http_request_t *r,
    char id[LR_DEVCOOKIE_ID + 1], ngx_str_t *set_cookie, ngx_uint_t *bad);
ngx_int_t ngx_http_login_risk_set_cookie(ngx_http_request_t *r,
    ngx_str_t *value);
ngx_int_t ngx_http_login_risk_answer(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_buf_t *b);
void ngx_http_login_risk_identify(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx, ngx_str_t *body);
void ngx_http_login_risk_telemetry_reply(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx, redisReply *reply);
void ngx_http_login_risk_apply_telemetry(ngx_http_request_t *r,
    ngx_http_login_risk_ctx_t *ctx);
ngx_int_t ngx_http_login_risk_read_body(ngx_http_request_t *r, size_t limit,
    ngx_str_t *body);

/*
 * For a handler that must not be open to anyone (metrics, admin, ...): from
 * this module's merge_loc_conf only, where cf->ctx is the location's and
 * nginx's own modules have merged. NGX_CONF_OK when the location, with what
 * it inherits, restricts access ("deny" rules, auth_basic, auth_request) or
 * when "insecure" says to serve anyone; else it says so for "directive" and
 * returns NGX_CONF_ERROR.
 */
char *ngx_http_login_risk_protected(ngx_conf_t *cf, const char *directive,
    ngx_flag_t insecure);

char *ngx_http_login_risk_metrics(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_login_risk_metrics_init(ngx_conf_t *cf);
void ngx_http_login_risk_metrics_read(ngx_http_login_risk_ctx_t *ctx,
    ngx_uint_t event);
void ngx_http_login_risk_metrics_reply(ngx_http_login_risk_ctx_t *ctx,
    redisReply *reply);
void ngx_http_login_risk_metrics_write(redisReply *reply);
void ngx_http_login_risk_metrics_redis_down(void);
void ngx_http_login_risk_metrics_collect(ngx_uint_t status);
/* for the lists, in a worker: the entries of its compiled copy (every kind
 * and side) and ngx_current_msec of its last good load or check against
 * Redis (unchanged version included), after each; served as
 * login_risk_list_entries and login_risk_list_refresh_age_seconds */
void ngx_http_login_risk_metrics_lists(ngx_uint_t entries,
    ngx_msec_t refreshed_at);
#define NGX_HTTP_LOGIN_RISK_FILE_SECRET    1
#define NGX_HTTP_LOGIN_RISK_FILE_EMPTY_OK  2

ngx_int_t ngx_http_login_risk_read_file(ngx_conf_t *cf,
    const char *directive, ngx_str_t *name, size_t max, ngx_uint_t flags,
    ngx_str_t *content);

char *ngx_http_login_risk_list_conf(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_login_risk_lists_init(ngx_conf_t *cf,
    ngx_http_login_risk_main_conf_t *lmcf);
ngx_int_t ngx_http_login_risk_list_entry(lr_list_kind kind, u_char *text,
    size_t len, ngx_http_login_risk_entry_t *e, u_char *buf,
    const char **why);
ngx_int_t ngx_http_login_risk_list_add(ngx_pool_t *pool,
    ngx_http_login_risk_list_build_t *b, ngx_http_login_risk_entry_t *e,
    uint32_t expires);
ngx_int_t ngx_http_login_risk_list_compile(ngx_pool_t *pool,
    ngx_http_login_risk_list_build_t *b, ngx_http_login_risk_list_t *list);
void ngx_http_login_risk_lists_match(ngx_http_login_risk_main_conf_t *lmcf,
    struct sockaddr *sa, lr_login *login);
ngx_int_t ngx_http_login_risk_live_start(ngx_cycle_t *cycle,
    ngx_http_login_risk_main_conf_t *lmcf);
void ngx_http_login_risk_live_stop(ngx_http_login_risk_main_conf_t *lmcf);
ngx_http_login_risk_lists_t *ngx_http_login_risk_live_lists(
    ngx_http_login_risk_main_conf_t *lmcf);

char *ngx_http_login_risk_admin_conf(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_login_risk_admin_actor_conf(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);

ngx_http_login_risk_redis_t *ngx_http_login_risk_redis_start(
    ngx_cycle_t *cycle, ngx_http_login_risk_redis_conf_t *conf);
void ngx_http_login_risk_redis_stop(ngx_http_login_risk_redis_t *rd);
void ngx_http_login_risk_redis_check(ngx_http_login_risk_redis_t *rd);
void ngx_http_login_risk_redis_noscript(ngx_http_login_risk_redis_t *rd);
void ngx_http_login_risk_redis_write_failed(ngx_http_login_risk_redis_t *rd,
    redisReply *reply, const char *what);
ngx_uint_t ngx_http_login_risk_redis_usable(ngx_http_login_risk_redis_t *rd);
ngx_http_login_risk_call_t *ngx_http_login_risk_redis_call(
    ngx_http_login_risk_redis_t *rd);
ngx_int_t ngx_http_login_risk_redis_send(ngx_http_login_risk_call_t *call,
    lr_redis_cmd *cmd);
void ngx_http_login_risk_redis_release(ngx_http_login_risk_call_t *call);


extern ngx_module_t  ngx_http_login_risk_module;


#endif /* _NGX_HTTP_LOGIN_RISK_MODULE_H_INCLUDED_ */
