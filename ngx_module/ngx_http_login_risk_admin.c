
/*
 * nginx-login-risk: the admin API, JSON over HTTP under the location that
 * has login_risk_admin. This file: the handler, its routes, the answers,
 * the Redis calls of a request (a timer on every one) and the audit. The
 * lists are in ngx_http_login_risk_admin_lists.c, users and the dry run in
 * ngx_http_login_risk_admin_users.c.
 *
 *   GET    lists/KIND/SIDE[?count=N&cursor=C&source=file|redis]
 *   POST   lists/KIND/SIDE          {"entry", "expires" | "ttl", "comment"}
 *   DELETE lists/KIND/SIDE/ENTRY    (URL-encoded: a CIDR has a '/')
 *   GET    audit[?count=N&before=ID]
 *   GET    users/ID[?ip=ADDRESS&device=ID]
 *   POST   users/ID/reset
 *   POST   users/ID/trust-device    {"device"}
 *   POST   score                    a login, as the replay tool reads one
 *
 * Whatever is wrong with a request is answered before anything is sent to
 * Redis: nothing changes on an error.
 */


#include "ngx_http_login_risk_admin.h"


#define NGX_HTTP_LOGIN_RISK_AUDIT_PAGE      100
#define NGX_HTTP_LOGIN_RISK_AUDIT_PAGE_MAX  1000


static ngx_int_t ngx_http_login_risk_admin_handler(ngx_http_request_t *r);
static void ngx_http_login_risk_admin_body(ngx_http_request_t *r);
static ngx_http_login_risk_admin_t *ngx_http_login_risk_admin_create(
    ngx_http_request_t *r);
static ngx_http_login_risk_admin_t *ngx_http_login_risk_admin_get(
    ngx_http_request_t *r);
static void ngx_http_login_risk_admin_cleanup(void *data);
static ngx_uint_t ngx_http_login_risk_admin_route(ngx_http_request_t *r,
    ngx_http_login_risk_admin_t *a, const char **error, const char **allow);
static ngx_uint_t ngx_http_login_risk_admin_segment(u_char **p, u_char *last,
    ngx_str_t *seg);
static ngx_int_t ngx_http_login_risk_admin_dispatch(
    ngx_http_login_risk_admin_t *a);
static ngx_int_t ngx_http_login_risk_admin_not_allowed(ngx_http_request_t *r,
    const char *allow);
static void ngx_http_login_risk_admin_actor(ngx_http_request_t *r,
    ngx_http_login_risk_admin_t *a);
static void ngx_http_login_risk_admin_call_reply(
    ngx_http_login_risk_call_t *call, ngx_uint_t index, redisReply *reply);
static void ngx_http_login_risk_admin_call_done(
    ngx_http_login_risk_call_t *call);
static void ngx_http_login_risk_admin_timeout(ngx_event_t *ev);
static void ngx_http_login_risk_admin_finish(ngx_http_login_risk_admin_t *a,
    ngx_int_t rc);

static ngx_int_t ngx_http_login_risk_admin_audit(
    ngx_http_login_risk_admin_t *a);
static void ngx_http_login_risk_admin_audit_reply(
    ngx_http_login_risk_admin_t *a, ngx_uint_t index, redisReply *reply);
static ngx_int_t ngx_http_login_risk_admin_audit_done(
    ngx_http_login_risk_admin_t *a);


/* --- configuration -------------------------------------------------------- */

char *
ngx_http_login_risk_admin_conf(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_login_risk_loc_conf_t  *llcf = conf;

    ngx_str_t                        *value;
    ngx_http_core_loc_conf_t         *clcf;
    ngx_http_login_risk_main_conf_t  *lmcf;

    if (llcf->admin != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    llcf->admin = 1;

    if (cf->args->nelts == 2) {
        value = cf->args->elts;

        if (ngx_strcmp(value[1].data, "insecure") != 0) {
            return "takes no parameter but \"insecure\"";
        }

        llcf->admin = 2;
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_login_risk_admin_handler;

    lmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_login_risk_module);
    lmcf->admin = 1;
    lmcf->used = 1;

    return NGX_CONF_OK;
}


/* login_risk_admin_actor $variable ...; */

char *
ngx_http_login_risk_admin_actor_conf(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_login_risk_loc_conf_t  *llcf = conf;

    ngx_str_t                         *value;
    ngx_http_compile_complex_value_t   ccv;

    if (llcf->admin_actor != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    llcf->admin_actor = ngx_palloc(cf->pool,
                                   sizeof(ngx_http_complex_value_t));
    if (llcf->admin_actor == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

    ccv.cf = cf;
    ccv.value = &value[1];
    ccv.complex_value = llcf->admin_actor;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* --- the request ---------------------------------------------------------- */

static ngx_int_t
ngx_http_login_risk_admin_handler(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    ngx_uint_t                    status;
    const char                   *error, *allow;
    ngx_http_login_risk_admin_t  *a;

    if (r != r->main) {
        return NGX_DECLINED;
    }

    a = ngx_http_login_risk_admin_create(r);
    if (a == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    status = ngx_http_login_risk_admin_route(r, a, &error, &allow);

    if (status != NGX_OK || r->method != NGX_HTTP_POST) {
        if (ngx_http_discard_request_body(r) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    if (status == NGX_HTTP_NOT_ALLOWED) {
        return ngx_http_login_risk_admin_not_allowed(r, allow);
    }

    if (status != NGX_OK) {
        return ngx_http_login_risk_admin_error(r, status, error);
    }

    if (r->method == NGX_HTTP_POST) {
        if (r->headers_in.content_length_n
            > NGX_HTTP_LOGIN_RISK_ADMIN_BODY_MAX)
        {
            if (ngx_http_discard_request_body(r) != NGX_OK) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            return ngx_http_login_risk_admin_error(r,
                                         NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                         "body larger than 16384 bytes");
        }

        rc = ngx_http_read_client_request_body(r,
                                               ngx_http_login_risk_admin_body);
        if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
            return rc;
        }

        return NGX_DONE;
    }

    rc = ngx_http_login_risk_admin_dispatch(a);

    if (rc == NGX_AGAIN) {
        /* Redis answers later: the request stays until it does */
        r->main->count++;
        return NGX_DONE;
    }

    return rc;
}


static void
ngx_http_login_risk_admin_body(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    ngx_http_login_risk_admin_t  *a;

    a = ngx_http_login_risk_admin_get(r);
    if (a == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    rc = ngx_http_login_risk_read_body(r, NGX_HTTP_LOGIN_RISK_ADMIN_BODY_MAX,
                                       &a->body);

    if (rc == NGX_ERROR) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    if (rc == NGX_DECLINED) {
        ngx_http_finalize_request(r,
            ngx_http_login_risk_admin_error(r,
                                         NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                         "body larger than 16384 bytes"));
        return;
    }

    rc = ngx_http_login_risk_admin_dispatch(a);

    if (rc == NGX_AGAIN) {
        r->write_event_handler = ngx_http_request_empty_handler;
        return;
    }

    ngx_http_finalize_request(r, rc);
}


static ngx_http_login_risk_admin_t *
ngx_http_login_risk_admin_create(ngx_http_request_t *r)
{
    ngx_time_t                   *tp;
    ngx_pool_cleanup_t           *cln;
    ngx_http_login_risk_admin_t  *a;

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_http_login_risk_admin_t));
    if (cln == NULL) {
        return NULL;
    }

    a = cln->data;
    ngx_memzero(a, sizeof(ngx_http_login_risk_admin_t));
    cln->handler = ngx_http_login_risk_admin_cleanup;

    a->request = r;
    a->llcf = ngx_http_get_module_loc_conf(r, ngx_http_login_risk_module);
    a->lmcf = ngx_http_get_module_main_conf(r, ngx_http_login_risk_module);

    tp = ngx_timeofday();
    a->now_ms = (int64_t) tp->sec * 1000 + tp->msec;

    ngx_http_login_risk_admin_actor(r, a);

    /* what an audit says, filled in as the change is made */
    a->audit.time_ms = a->now_ms;
    a->audit.actor = a->actor;
    a->audit.op = "";
    a->audit.kind = "";
    a->audit.side = "";
    a->audit.entry = "";
    a->audit.before = "";
    a->audit.after = "";

    return a;
}


/* The context is found through its pool cleanup: the module's request
 * context is the login's. */

static ngx_http_login_risk_admin_t *
ngx_http_login_risk_admin_get(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t  *cln;

    for (cln = r->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler == ngx_http_login_risk_admin_cleanup) {
            return cln->data;
        }
    }

    return NULL;
}


/* The pool goes: no Redis reply or timer may find the request any more. */

static void
ngx_http_login_risk_admin_cleanup(void *data)
{
    ngx_http_login_risk_admin_t  *a = data;

    if (a->timer.timer_set) {
        ngx_del_timer(&a->timer);
    }

    if (a->call) {
        ngx_http_login_risk_redis_release(a->call);
        a->call = NULL;
    }

    if (a->answer) {
        json_decref(a->answer);
        a->answer = NULL;
    }

    if (a->input) {
        json_decref(a->input);
        a->input = NULL;
    }
}


/* Who makes the change: login_risk_admin_actor, else $remote_user. */

static void
ngx_http_login_risk_admin_actor(ngx_http_request_t *r,
    ngx_http_login_risk_admin_t *a)
{
    ngx_str_t  v;

    ngx_str_null(&v);

    if (a->llcf->admin_actor) {
        if (ngx_http_complex_value(r, a->llcf->admin_actor, &v) != NGX_OK) {
            ngx_str_null(&v);
        }

    } else if (ngx_http_auth_basic_user(r) == NGX_OK) {
        v = r->headers_in.user;
    }

    lr_list_actor((char *) v.data, v.len, a->actor);
}


/*
 * The route of the URI, as sent (not decoded: an entry may hold an
 * encoded '/'), after the location's prefix. NGX_OK, or the status to
 * answer with a message in *error (and the methods in *allow for 405).
 */

static ngx_uint_t
ngx_http_login_risk_admin_route(ngx_http_request_t *r,
    ngx_http_login_risk_admin_t *a, const char **error, const char **allow)
{
    int                        k, s;
    u_char                    *p, *last, *q;
    u_char                     buf[4 * LR_USERID_MAX + 1];
    size_t                     len;
    ngx_str_t                  seg, id;
    ngx_uint_t                 method, more;
    lr_userid_status           us;
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    *error = "no such route (see the README, Admin API)";
    *allow = "";

    p = r->unparsed_uri.data;
    last = p + r->unparsed_uri.len;

    q = ngx_strlchr(p, last, '?');
    if (q) {
        last = q;
    }

    if ((size_t) (last - p) < clcf->name.len
        || ngx_strncmp(p, clcf->name.data, clcf->name.len) != 0)
    {
        return NGX_HTTP_NOT_FOUND;
    }

    p += clcf->name.len;

    if (p < last && *p == '/') {
        p++;
    }

    if (last > p && last[-1] == '/') {
        last--;
    }

    method = r->method;

    if (method == NGX_HTTP_HEAD) {
        method = NGX_HTTP_GET;
    }

    ngx_http_login_risk_admin_segment(&p, last, &seg);

    if (seg.len == 5 && ngx_strncmp(seg.data, "lists", 5) == 0) {
        more = ngx_http_login_risk_admin_segment(&p, last, &seg);
        k = lr_list_kind_of((char *) seg.data, seg.len);

        if (k < 0) {
            *error = "unknown list kind (ip, user, device, country, asn, "
                     "anonymizer)";
            return NGX_HTTP_NOT_FOUND;
        }

        more = more && ngx_http_login_risk_admin_segment(&p, last, &seg);
        s = more ? lr_list_side_of((lr_list_kind) k, (char *) seg.data,
                                   seg.len)
                 : -1;

        if (s < 0) {
            *error = (k == LR_LK_ANONYMIZER)
                     ? "unknown list side (the anonymizer kind has one: "
                       "list)"
                     : "unknown list side (allow, block)";
            return NGX_HTTP_NOT_FOUND;
        }

        a->kind = (lr_list_kind) k;
        a->side = (lr_list_side) s;

        if (p >= last) {
            a->route = NGX_HTTP_LOGIN_RISK_ROUTE_LIST;
            *allow = "GET, HEAD, POST";
            return (method == NGX_HTTP_GET || method == NGX_HTTP_POST)
                   ? NGX_OK : NGX_HTTP_NOT_ALLOWED;
        }

        /* the rest is the entry, '/' and all */
        a->route = NGX_HTTP_LOGIN_RISK_ROUTE_LIST_ENTRY;
        a->entry.data = p;
        a->entry.len = last - p;
        *allow = "DELETE";

        return method == NGX_HTTP_DELETE ? NGX_OK : NGX_HTTP_NOT_ALLOWED;
    }

    if (seg.len == 5 && ngx_strncmp(seg.data, "audit", 5) == 0 && p >= last)
    {
        a->route = NGX_HTTP_LOGIN_RISK_ROUTE_AUDIT;
        *allow = "GET, HEAD";
        return method == NGX_HTTP_GET ? NGX_OK : NGX_HTTP_NOT_ALLOWED;
    }

    if (seg.len == 5 && ngx_strncmp(seg.data, "score", 5) == 0 && p >= last)
    {
        a->route = NGX_HTTP_LOGIN_RISK_ROUTE_SCORE;
        *allow = "POST";
        return method == NGX_HTTP_POST ? NGX_OK : NGX_HTTP_NOT_ALLOWED;
    }

    if (!(seg.len == 5 && ngx_strncmp(seg.data, "users", 5) == 0)
        || !ngx_http_login_risk_admin_segment(&p, last, &id)
        || id.len == 0)
    {
        return NGX_HTTP_NOT_FOUND;
    }

    if (p >= last) {
        a->route = NGX_HTTP_LOGIN_RISK_ROUTE_USER;
        *allow = "GET, HEAD";

    } else {
        ngx_http_login_risk_admin_segment(&p, last, &seg);

        if (p < last) {
            return NGX_HTTP_NOT_FOUND;
        }

        if (seg.len == 5 && ngx_strncmp(seg.data, "reset", 5) == 0) {
            a->route = NGX_HTTP_LOGIN_RISK_ROUTE_USER_RESET;

        } else if (seg.len == 12
                   && ngx_strncmp(seg.data, "trust-device", 12) == 0)
        {
            a->route = NGX_HTTP_LOGIN_RISK_ROUTE_USER_TRUST;

        } else {
            return NGX_HTTP_NOT_FOUND;
        }

        *allow = "POST";
    }

    if (method != (a->route == NGX_HTTP_LOGIN_RISK_ROUTE_USER
                   ? NGX_HTTP_GET : NGX_HTTP_POST))
    {
        return NGX_HTTP_NOT_ALLOWED;
    }

    /* the user id, decoded, then normalised as on the login path */
    if (id.len > sizeof(buf) - 1) {
        *error = "user id longer than 256 bytes";
        return NGX_HTTP_BAD_REQUEST;
    }

    q = buf;
    ngx_unescape_uri(&q, &id.data, id.len, 0);
    len = q - buf;

    us = lr_userid_normalize(buf, len, a->user, &len);

    if (us != LR_USERID_OK) {
        *error = lr_userid_status_text(us);
        return NGX_HTTP_BAD_REQUEST;
    }

    return NGX_OK;
}


/* The next segment of a path; 0 when there is none. */

static ngx_uint_t
ngx_http_login_risk_admin_segment(u_char **p, u_char *last, ngx_str_t *seg)
{
    u_char  *slash;

    if (*p >= last) {
        ngx_str_null(seg);
        return 0;
    }

    slash = ngx_strlchr(*p, last, '/');

    seg->data = *p;
    seg->len = (slash ? slash : last) - *p;

    *p = slash ? slash + 1 : last;

    return 1;
}


static ngx_int_t
ngx_http_login_risk_admin_dispatch(ngx_http_login_risk_admin_t *a)
{
    if (a->lmcf->rd == NULL) {
        return ngx_http_login_risk_admin_unavailable(a);
    }

    switch (a->route) {

    case NGX_HTTP_LOGIN_RISK_ROUTE_LIST:
        return a->request->method == NGX_HTTP_POST
               ? ngx_http_login_risk_admin_add(a)
               : ngx_http_login_risk_admin_list(a);

    case NGX_HTTP_LOGIN_RISK_ROUTE_LIST_ENTRY:
        return ngx_http_login_risk_admin_delete(a);

    case NGX_HTTP_LOGIN_RISK_ROUTE_AUDIT:
        return ngx_http_login_risk_admin_audit(a);

    case NGX_HTTP_LOGIN_RISK_ROUTE_USER:
        return ngx_http_login_risk_admin_user(a);

    case NGX_HTTP_LOGIN_RISK_ROUTE_USER_RESET:
        return ngx_http_login_risk_admin_reset(a);

    case NGX_HTTP_LOGIN_RISK_ROUTE_USER_TRUST:
        return ngx_http_login_risk_admin_trust(a);

    default: /* NGX_HTTP_LOGIN_RISK_ROUTE_SCORE */
        return ngx_http_login_risk_admin_score(a);
    }
}


/* --- answers -------------------------------------------------------------- */

/* Sends body (taken: it is freed here) as the JSON answer. */

ngx_int_t
ngx_http_login_risk_admin_send(ngx_http_request_t *r, ngx_uint_t status,
    json_t *body)
{
    size_t      len, flags;
    ngx_str_t   type;
    ngx_buf_t  *b;

    if (body == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    flags = JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10);

    len = json_dumpb(body, NULL, 0, flags);

    b = (len == 0) ? NULL : ngx_create_temp_buf(r->pool, len + 1);
    if (b == NULL) {
        json_decref(body);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last += json_dumpb(body, (char *) b->last, len, flags);
    *b->last++ = '\n';
    json_decref(body);

    ngx_str_set(&type, "application/json");

    return ngx_http_login_risk_answer(r, status, &type, b);
}


ngx_int_t
ngx_http_login_risk_admin_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *message)
{
    json_t  *j;

    j = json_object();
    json_object_set_new(j, "error", json_string(message));

    return ngx_http_login_risk_admin_send(r, status, j);
}


static ngx_int_t
ngx_http_login_risk_admin_not_allowed(ngx_http_request_t *r,
    const char *allow)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Allow");
    h->value.data = (u_char *) allow;
    h->value.len = ngx_strlen(allow);

    return ngx_http_login_risk_admin_error(r, NGX_HTTP_NOT_ALLOWED,
                                           "method not allowed here");
}


ngx_int_t
ngx_http_login_risk_admin_unavailable(ngx_http_login_risk_admin_t *a)
{
    return ngx_http_login_risk_admin_error(a->request,
                                           NGX_HTTP_SERVICE_UNAVAILABLE,
                                           "state store unavailable");
}


/*
 * A user's change was made but its audit entry could not be written (Redis
 * went away between the two): the alert log and error_log keep the record,
 * and the answer says so.
 */

ngx_int_t
ngx_http_login_risk_admin_unaudited(ngx_http_login_risk_admin_t *a)
{
    a->written = 0;

    ngx_log_error(NGX_LOG_ERR, a->request->connection->log, 0,
                  "login_risk: admin: %s of %s \"%s\" by \"%s\" was made, "
                  "but its audit entry could not be written to redis",
                  a->audit.op, a->audit.kind, a->audit.entry, a->audit.actor);

    ngx_http_login_risk_admin_log(a);

    return ngx_http_login_risk_admin_error(a->request,
                                           NGX_HTTP_INTERNAL_SERVER_ERROR,
                                           "the change was made, but its "
                                           "audit entry could not be "
                                           "written (the alert log has it)");
}


/* A text as a JSON string, or null when it is not UTF-8. */

json_t *
ngx_http_login_risk_admin_text(const u_char *s, size_t len)
{
    json_t  *j;

    j = s ? json_stringn((const char *) s, len) : NULL;

    return j ? j : json_null();
}


/*
 * A query argument, decoded into buf (cap bytes, NUL-terminated): NGX_OK,
 * NGX_DECLINED when absent, NGX_ERROR when longer than buf.
 */

ngx_int_t
ngx_http_login_risk_admin_arg(ngx_http_request_t *r, char *name, u_char *buf,
    size_t cap, ngx_str_t *value)
{
    u_char     *dst, *src;
    ngx_str_t   raw;

    if (ngx_http_arg(r, (u_char *) name, ngx_strlen(name), &raw) != NGX_OK) {
        return NGX_DECLINED;
    }

    if (raw.len + 1 > cap) {
        return NGX_ERROR;
    }

    dst = buf;
    src = raw.data;
    ngx_unescape_uri(&dst, &src, raw.len, 0);
    *dst = '\0';

    value->data = buf;
    value->len = dst - buf;

    return NGX_OK;
}


/* ?count=N: def when absent; NGX_ERROR when not 1 to max */

ngx_int_t
ngx_http_login_risk_admin_count(ngx_http_request_t *r, ngx_uint_t def,
    ngx_uint_t max, ngx_uint_t *count)
{
    u_char     buf[NGX_HTTP_LOGIN_RISK_ARG_MAX];
    ngx_int_t  n, rc;
    ngx_str_t  v;

    *count = def;

    rc = ngx_http_login_risk_admin_arg(r, "count", buf, sizeof(buf), &v);

    if (rc == NGX_DECLINED) {
        return NGX_OK;
    }

    n = (rc == NGX_OK) ? ngx_atoi(v.data, v.len) : NGX_ERROR;

    if (n == NGX_ERROR || n < 1 || (ngx_uint_t) n > max) {
        return NGX_ERROR;
    }

    *count = (ngx_uint_t) n;

    return NGX_OK;
}


/* The change, as one line in the alert log of the admin location. */

void
ngx_http_login_risk_admin_log(ngx_http_login_risk_admin_t *a)
{
    char                       *id;
    u_char                     *buf, *client;
    size_t                      cap, len;
    ngx_http_request_t         *r;
    ngx_http_variable_value_t  *vv;

    r = a->request;

    if (a->llcf->alert_log == NULL) {
        return;
    }

    id = NULL;
    vv = ngx_http_get_indexed_variable(r, a->lmcf->request_id_index);

    if (vv && !vv->not_found) {
        id = ngx_pnalloc(r->pool, vv->len + 1);
        if (id) {
            *ngx_cpymem(id, vv->data, vv->len) = '\0';
        }
    }

    client = ngx_pnalloc(r->pool, r->connection->addr_text.len + 1);
    if (client == NULL) {
        return;
    }

    *ngx_cpymem(client, r->connection->addr_text.data,
                r->connection->addr_text.len) = '\0';

    /* a text can grow six-fold when escaped (\u00XX) */
    cap = 1024 + 6 * (ngx_strlen(a->audit.actor) + ngx_strlen(a->audit.entry)
                      + ngx_strlen(a->audit.before)
                      + ngx_strlen(a->audit.after));

    buf = ngx_pnalloc(r->pool, cap);
    if (buf == NULL) {
        return;
    }

    len = lr_alert_admin_format(&a->audit, id, (char *) client, (char *) buf,
                                cap);

    if (len == 0) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "login_risk: admin alert line could not be formatted");
        return;
    }

    ngx_http_login_risk_alert_write(r, a->llcf->alert_log, buf, len);
}


/* --- Redis calls ---------------------------------------------------------- */

ngx_http_login_risk_call_t *
ngx_http_login_risk_admin_call(ngx_http_login_risk_admin_t *a)
{
    ngx_http_login_risk_call_t  *call;

    call = ngx_http_login_risk_redis_call(a->lmcf->rd);
    if (call == NULL) {
        return NULL;
    }

    call->data = a;
    call->reply = ngx_http_login_risk_admin_call_reply;
    call->done = ngx_http_login_risk_admin_call_done;

    return call;
}


ngx_int_t
ngx_http_login_risk_admin_cmd(ngx_http_login_risk_call_t *call,
    lr_redis_cmd *cmd)
{
    return ngx_http_login_risk_redis_send(call, cmd);
}


/*
 * The request waits for the call's replies: each goes to reply, then done
 * says what to answer (or NGX_AGAIN: another call was sent). One timer
 * bounds the request's every call.
 */

ngx_int_t
ngx_http_login_risk_admin_wait(ngx_http_login_risk_admin_t *a,
    ngx_http_login_risk_call_t *call,
    ngx_http_login_risk_admin_reply_pt reply,
    ngx_http_login_risk_admin_done_pt done)
{
    a->call = call;
    a->reply = reply;
    a->done = done;

    if (!a->timer.timer_set) {
        a->timer.handler = ngx_http_login_risk_admin_timeout;
        a->timer.data = a;
        a->timer.log = a->request->connection->log;

        ngx_add_timer(&a->timer,
                      ngx_max(a->lmcf->redis->timeout,
                              NGX_HTTP_LOGIN_RISK_ADMIN_TIMEOUT));
    }

    return NGX_AGAIN;
}


static void
ngx_http_login_risk_admin_call_reply(ngx_http_login_risk_call_t *call,
    ngx_uint_t index, redisReply *reply)
{
    ngx_http_login_risk_admin_t  *a;

    a = call->data;

    if (a->unavailable) {
        return;
    }

    if (reply == NULL) {
        a->unavailable = 1;
        return;
    }

    if (reply->type == REDIS_REPLY_ERROR) {
        ngx_log_error(NGX_LOG_ERR, a->request->connection->log, 0,
                      "login_risk: admin: redis answered an error: %*s",
                      (size_t) reply->len, reply->str);
        a->unavailable = 1;
        return;
    }

    a->reply(a, index, reply);
}


static void
ngx_http_login_risk_admin_call_done(ngx_http_login_risk_call_t *call)
{
    ngx_int_t                     rc;
    ngx_http_login_risk_admin_t  *a;

    a = call->data;
    a->call = NULL;

    if (!a->unavailable) {
        rc = a->done(a);

    } else if (a->written) {
        rc = ngx_http_login_risk_admin_unaudited(a);

    } else {
        rc = ngx_http_login_risk_admin_unavailable(a);
    }

    if (rc == NGX_AGAIN) {
        return;
    }

    ngx_http_login_risk_admin_finish(a, rc);
}


static void
ngx_http_login_risk_admin_timeout(ngx_event_t *ev)
{
    ngx_http_login_risk_admin_t  *a;

    a = ev->data;

    /* the replies may still come: they find nobody */
    if (a->call) {
        ngx_http_login_risk_redis_release(a->call);
        a->call = NULL;
    }

    ngx_log_error(NGX_LOG_WARN, a->request->connection->log, 0,
                  "login_risk: admin: redis did not answer in time");

    ngx_http_login_risk_redis_check(a->lmcf->rd);

    if (a->written) {
        ngx_http_login_risk_admin_finish(a,
                                    ngx_http_login_risk_admin_unaudited(a));
        return;
    }

    /* a change may still be made: the audit says whether it was */
    ngx_http_login_risk_admin_finish(a,
        ngx_http_login_risk_admin_error(a->request,
                                        NGX_HTTP_SERVICE_UNAVAILABLE,
                                        "state store did not answer in "
                                        "time"));
}


static void
ngx_http_login_risk_admin_finish(ngx_http_login_risk_admin_t *a,
    ngx_int_t rc)
{
    ngx_connection_t    *c;
    ngx_http_request_t  *r;

    r = a->request;
    c = r->connection;

    if (a->timer.timer_set) {
        ngx_del_timer(&a->timer);
    }

    ngx_http_finalize_request(r, rc);
    ngx_http_run_posted_requests(c);
}


/* --- the audit ------------------------------------------------------------ */

/* GET audit?count=N&before=ID: newest first */

static ngx_int_t
ngx_http_login_risk_admin_audit(ngx_http_login_risk_admin_t *a)
{
    u_char                       buf[NGX_HTTP_LOGIN_RISK_ARG_MAX];
    ngx_int_t                    rc;
    ngx_str_t                    before;
    ngx_uint_t                   count;
    lr_redis_cmd                 cmd;
    ngx_http_request_t          *r;
    ngx_http_login_risk_call_t  *call;

    r = a->request;

    if (ngx_http_login_risk_admin_count(r, NGX_HTTP_LOGIN_RISK_AUDIT_PAGE,
                                        NGX_HTTP_LOGIN_RISK_AUDIT_PAGE_MAX,
                                        &count)
        != NGX_OK)
    {
        return ngx_http_login_risk_admin_error(r, NGX_HTTP_BAD_REQUEST,
                                               "count is not 1 to 1000");
    }

    rc = ngx_http_login_risk_admin_arg(r, "before", buf, sizeof(buf),
                                       &before);

    if (rc == NGX_ERROR
        || (rc == NGX_OK
            && !lr_redis_audit_id_valid((char *) before.data, before.len)))
    {
        return ngx_http_login_risk_admin_error(r, NGX_HTTP_BAD_REQUEST,
                                               "before is not an audit id");
    }

    a->count = count;

    call = ngx_http_login_risk_admin_call(a);
    if (call == NULL) {
        return ngx_http_login_risk_admin_unavailable(a);
    }

    if (lr_redis_audit_read((char *) a->lmcf->prefix.data,
                            rc == NGX_OK ? (char *) before.data : NULL,
                            (unsigned) count, &cmd)
        != 0
        || ngx_http_login_risk_admin_cmd(call, &cmd) != NGX_OK)
    {
        ngx_http_login_risk_redis_release(call);
        return ngx_http_login_risk_admin_unavailable(a);
    }

    return ngx_http_login_risk_admin_wait(a, call,
                                        ngx_http_login_risk_admin_audit_reply,
                                        ngx_http_login_risk_admin_audit_done);
}


static void
ngx_http_login_risk_admin_audit_reply(ngx_http_login_risk_admin_t *a,
    ngx_uint_t index, redisReply *reply)
{
    json_t  *entries;

    entries = lr_redis_audit_json(reply, a->audit_id);

    if (entries == NULL) {
        a->unavailable = 1;
        return;
    }

    a->answer = json_pack("{s:o,s:o}", "entries", entries,
                          "next", json_array_size(entries) == a->count
                                  ? json_string(a->audit_id) : json_null());
}


static ngx_int_t
ngx_http_login_risk_admin_audit_done(ngx_http_login_risk_admin_t *a)
{
    json_t  *answer;

    answer = a->answer;
    a->answer = NULL;

    return ngx_http_login_risk_admin_send(a->request, NGX_HTTP_OK, answer);
}
