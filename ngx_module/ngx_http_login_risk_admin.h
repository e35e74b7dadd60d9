
/*
 * nginx-login-risk: the admin API's request, shared by its files: the
 * handler, answers, calls and audit (ngx_http_login_risk_admin.c), the
 * lists (_admin_lists.c), users and the dry run (_admin_users.c).
 */


#ifndef _NGX_HTTP_LOGIN_RISK_ADMIN_H_INCLUDED_
#define _NGX_HTTP_LOGIN_RISK_ADMIN_H_INCLUDED_


#include "ngx_http_login_risk_module.h"

#include <jansson.h>
#include <lr_admin.h>
#include <lr_alert.h>
#include <lr_audit.h>
#include <lr_list_meta.h>
#include <lr_login_json.h>
#include <lr_redis_admin.h>


#define NGX_HTTP_LOGIN_RISK_ADMIN_BODY_MAX  16384
/* an admin call waits at least this long for Redis (ms) */
#define NGX_HTTP_LOGIN_RISK_ADMIN_TIMEOUT   1000
/* room for a query argument other than an address */
#define NGX_HTTP_LOGIN_RISK_ARG_MAX         128


typedef enum {
    NGX_HTTP_LOGIN_RISK_ROUTE_LIST = 0,         /* lists/KIND/SIDE */
    NGX_HTTP_LOGIN_RISK_ROUTE_LIST_ENTRY,       /* lists/KIND/SIDE/ENTRY */
    NGX_HTTP_LOGIN_RISK_ROUTE_AUDIT,            /* audit */
    NGX_HTTP_LOGIN_RISK_ROUTE_USER,             /* users/ID */
    NGX_HTTP_LOGIN_RISK_ROUTE_USER_RESET,       /* users/ID/reset */
    NGX_HTTP_LOGIN_RISK_ROUTE_USER_TRUST,       /* users/ID/trust-device */
    NGX_HTTP_LOGIN_RISK_ROUTE_SCORE             /* score */
} ngx_http_login_risk_route_e;


typedef struct ngx_http_login_risk_admin_s  ngx_http_login_risk_admin_t;

typedef void (*ngx_http_login_risk_admin_reply_pt)(
    ngx_http_login_risk_admin_t *a, ngx_uint_t index, redisReply *reply);
typedef ngx_int_t (*ngx_http_login_risk_admin_done_pt)(
    ngx_http_login_risk_admin_t *a);


struct ngx_http_login_risk_admin_s {
    ngx_http_request_t                  *request;
    ngx_http_login_risk_loc_conf_t      *llcf;
    ngx_http_login_risk_main_conf_t     *lmcf;
    ngx_http_login_risk_call_t          *call;
    ngx_event_t                          timer;
    ngx_http_login_risk_admin_reply_pt   reply;
    ngx_http_login_risk_admin_done_pt    done;

    ngx_http_login_risk_route_e          route;
    lr_list_kind                         kind;
    lr_list_side                         side;
    ngx_str_t                            entry;     /* as in the URI */
    ngx_str_t                            body;
    int64_t                              now_ms;
    char                                 actor[LR_LIST_ACTOR_MAX + 1];
    char                                 user[LR_USERID_MAX + 1];

    json_t                              *answer;    /* being built */
    json_t                              *input;     /* a parsed body */
    ngx_uint_t                           status;    /* of the answer */

    /* a list change */
    ngx_http_login_risk_entry_t          e;
    u_char                               canon[NGX_HTTP_LOGIN_RISK_ENTRY_LEN];
    char                                *value;
    lr_audit                             audit;

    /* a user, a dry run */
    lr_login_doc                         doc;
    lr_keys                              keys;
    lr_view                              view;
    lr_profile                          *profile;
    u_char                              *raw;       /* its encoding */
    size_t                               raw_len;
    uint64_t                             failures;
    int64_t                              version;   /* of the lists */
    ngx_uint_t                           count;     /* asked for */
    ngx_uint_t                           parts[LR_READ_COUNT
                                               * LR_READ_CMDS_MAX];
    ngx_uint_t                           tries;
    uint32_t                             known_before;
    uint32_t                             known_after;
    char                                 device[LR_DEVCOOKIE_ID + 1];
    char                                 ip[NGX_SOCKADDR_STRLEN + 1];
    ngx_addr_t                           addr;
    char                                 summary[LR_ADMIN_SUMMARY_MAX];
    char                                 audit_id[LR_AUDIT_ID_MAX + 1];

    unsigned                             unavailable:1;
    unsigned                             has_profile:1;
    unsigned                             bad_profile:1;
    unsigned                             has_ip:1;
    unsigned                             has_device:1;
    unsigned                             written:1; /* a change made,
                                                       its audit due */
    unsigned                             again:1;
};


ngx_int_t ngx_http_login_risk_admin_send(ngx_http_request_t *r,
    ngx_uint_t status, json_t *body);
ngx_int_t ngx_http_login_risk_admin_error(ngx_http_request_t *r,
    ngx_uint_t status, const char *message);
ngx_http_login_risk_call_t *ngx_http_login_risk_admin_call(
    ngx_http_login_risk_admin_t *a);
ngx_int_t ngx_http_login_risk_admin_cmd(ngx_http_login_risk_call_t *call,
    lr_redis_cmd *cmd);
ngx_int_t ngx_http_login_risk_admin_wait(ngx_http_login_risk_admin_t *a,
    ngx_http_login_risk_call_t *call,
    ngx_http_login_risk_admin_reply_pt reply,
    ngx_http_login_risk_admin_done_pt done);
ngx_int_t ngx_http_login_risk_admin_unavailable(
    ngx_http_login_risk_admin_t *a);
ngx_int_t ngx_http_login_risk_admin_unaudited(ngx_http_login_risk_admin_t *a);
void ngx_http_login_risk_admin_log(ngx_http_login_risk_admin_t *a);
ngx_int_t ngx_http_login_risk_admin_arg(ngx_http_request_t *r, char *name,
    u_char *buf, size_t cap, ngx_str_t *value);
ngx_int_t ngx_http_login_risk_admin_count(ngx_http_request_t *r,
    ngx_uint_t def, ngx_uint_t max, ngx_uint_t *count);
json_t *ngx_http_login_risk_admin_text(const u_char *s, size_t len);

ngx_int_t ngx_http_login_risk_admin_list(ngx_http_login_risk_admin_t *a);
ngx_int_t ngx_http_login_risk_admin_add(ngx_http_login_risk_admin_t *a);
ngx_int_t ngx_http_login_risk_admin_delete(ngx_http_login_risk_admin_t *a);

ngx_int_t ngx_http_login_risk_admin_user(ngx_http_login_risk_admin_t *a);
ngx_int_t ngx_http_login_risk_admin_reset(ngx_http_login_risk_admin_t *a);
ngx_int_t ngx_http_login_risk_admin_trust(ngx_http_login_risk_admin_t *a);
ngx_int_t ngx_http_login_risk_admin_score(ngx_http_login_risk_admin_t *a);


#endif /* _NGX_HTTP_LOGIN_RISK_ADMIN_H_INCLUDED_ */
