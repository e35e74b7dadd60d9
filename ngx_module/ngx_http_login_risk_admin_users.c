
/*
 * nginx-login-risk: the admin API's users and dry run.
 *
 *   GET  users/ID[?ip=ADDRESS&device=ID]   the profile the engine sees, the
 *        failure counters (of an address and a device when named), and
 *        how often the profile saw that address's network and that device
 *   POST users/ID/reset                    profile and failure counter
 *        deleted, then audited
 *   POST users/ID/trust-device             the device learnt into the
 *        profile (its compare-and-set), then audited
 *   POST score                             a described login scored
 *        against the live state with this location's settings; nothing is
 *        written
 *
 * A user's keys and the audit stream have different hash tags (Redis
 * Cluster may keep them on different shards): a change to a user is made,
 * then audited; when the audit cannot be written the answer says so and
 * the alert log and error_log keep the record.
 */


#include "ngx_http_login_risk_admin.h"

#include <lr_geo.h>
#include <lr_profile_codec.h>


#define NGX_HTTP_LOGIN_RISK_TRUST_TRIES  3

#define NGX_HTTP_LOGIN_RISK_NETWORK                                          \
    ((1u << LR_F_COUNTRY) | (1u << LR_F_ASN) | (1u << LR_F_PREFIX)           \
     | (1u << LR_F_IP))


static ngx_int_t ngx_http_login_risk_admin_address(
    ngx_http_login_risk_admin_t *a, u_char *text, size_t len);
static ngx_int_t ngx_http_login_risk_admin_reads(
    ngx_http_login_risk_admin_t *a, ngx_uint_t pop,
    ngx_http_login_risk_admin_done_pt done);
static void ngx_http_login_risk_admin_read_reply(
    ngx_http_login_risk_admin_t *a, ngx_uint_t index, redisReply *reply);
static ngx_int_t ngx_http_login_risk_admin_user_done(
    ngx_http_login_risk_admin_t *a);
static void ngx_http_login_risk_admin_reset_reply(
    ngx_http_login_risk_admin_t *a, ngx_uint_t index, redisReply *reply);
static ngx_int_t ngx_http_login_risk_admin_reset_done(
    ngx_http_login_risk_admin_t *a);
static void ngx_http_login_risk_admin_profile_reply(
    ngx_http_login_risk_admin_t *a, ngx_uint_t index, redisReply *reply);
static ngx_int_t ngx_http_login_risk_admin_trust_cas(
    ngx_http_login_risk_admin_t *a);
static void ngx_http_login_risk_admin_cas_reply(
    ngx_http_login_risk_admin_t *a, ngx_uint_t index, redisReply *reply);
static ngx_int_t ngx_http_login_risk_admin_cas_done(
    ngx_http_login_risk_admin_t *a);
static ngx_int_t ngx_http_login_risk_admin_audit_user(
    ngx_http_login_risk_admin_t *a, ngx_http_login_risk_admin_done_pt done);
static void ngx_http_login_risk_admin_xadd_reply(
    ngx_http_login_risk_admin_t *a, ngx_uint_t index, redisReply *reply);
static ngx_int_t ngx_http_login_risk_admin_audited(
    ngx_http_login_risk_admin_t *a);
static ngx_int_t ngx_http_login_risk_admin_score_done(
    ngx_http_login_risk_admin_t *a);
static ngx_int_t ngx_http_login_risk_admin_copy(ngx_http_login_risk_admin_t *a,
    redisReply *blob);


/* --- users/ID ------------------------------------------------------------- */

ngx_int_t
ngx_http_login_risk_admin_user(ngx_http_login_risk_admin_t *a)
{
    u_char               buf[LR_LIST_ENTRY_MAX + 1];
    size_t               len;
    ngx_int_t            rc;
    ngx_str_t            v;
    const char          *why;
    lr_login            *l;
    ngx_http_request_t  *r;

    r = a->request;
    l = &a->doc.login;

    rc = ngx_http_login_risk_admin_arg(r, "ip", buf, sizeof(buf), &v);

    if (rc == NGX_ERROR
        || (rc == NGX_OK
            && ngx_http_login_risk_admin_address(a, v.data, v.len) != NGX_OK))
    {
        return ngx_http_login_risk_admin_error(r, NGX_HTTP_BAD_REQUEST,
                                               "ip is not an IPv4 or IPv6 "
                                               "address");
    }

    if (a->has_ip) {
        l->ip = a->ip;
        lr_geo_lookup(a->lmcf->city_open ? &a->lmcf->city_db : NULL,
                      a->lmcf->asn_open ? &a->lmcf->asn_db : NULL,
                      a->addr.sockaddr, &l->geo);
    }

    rc = ngx_http_login_risk_admin_arg(r, "device", buf, sizeof(buf), &v);

    if (rc == NGX_ERROR
        || (rc == NGX_OK
            && lr_list_canon(LR_LK_DEVICE, (char *) v.data, v.len, a->device,
                             sizeof(a->device), &len, &why)
               != 0))
    {
        return ngx_http_login_risk_admin_error(r, NGX_HTTP_BAD_REQUEST,
                                               "device is not a device id "
                                               "(32 hex digits)");
    }

    if (rc == NGX_OK) {
        a->has_device = 1;
        l->device_id = a->device;
    }

    l->user = a->user;
    l->time_ms = a->now_ms;

    return ngx_http_login_risk_admin_reads(a, 0,
                                        ngx_http_login_risk_admin_user_done);
}


/* An address named in a request, in the text form of the login path's
 * $remote_addr: the counters of an address are kept under its hash. */

static ngx_int_t
ngx_http_login_risk_admin_address(ngx_http_login_risk_admin_t *a,
    u_char *text, size_t len)
{
    size_t  n;

    if (ngx_parse_addr(a->request->pool, &a->addr, text, len) != NGX_OK) {
        return NGX_ERROR;
    }

    n = ngx_sock_ntop(a->addr.sockaddr, a->addr.socklen, (u_char *) a->ip,
                      NGX_SOCKADDR_STRLEN, 0);
    a->ip[n] = '\0';
    a->has_ip = 1;

    return NGX_OK;
}


/*
 * The reads of a login (lr_redis_read), the user's by EVAL (nothing is
 * ever written: the script's "g" only reads): the user's always, the
 * address's and the device's when the login names them, the population's
 * for a dry run.
 */

static ngx_int_t
ngx_http_login_risk_admin_reads(ngx_http_login_risk_admin_t *a,
    ngx_uint_t pop, ngx_http_login_risk_admin_done_pt done)
{
    int                          rc, i;
    ngx_uint_t                   part, n;
    lr_redis_cmd                 cmd[LR_READ_CMDS_MAX];
    ngx_http_login_risk_call_t  *call;

    a->profile = ngx_pcalloc(a->request->pool, sizeof(lr_profile));
    if (a->profile == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    lr_engine_keys(&a->doc.login, &a->keys);

    call = ngx_http_login_risk_admin_call(a);
    if (call == NULL) {
        return ngx_http_login_risk_admin_unavailable(a);
    }

    n = 0;

    for (part = 0; part < LR_READ_COUNT; part++) {
        if ((part == LR_READ_IP && !a->has_ip && !pop)
            || (part == LR_READ_POP && !pop))
        {
            continue;
        }

        rc = lr_redis_read((char *) a->lmcf->prefix.data, NULL,
                           (lr_read_part) part, &a->keys, cmd);

        for (i = 0; i < rc; i++) {
            if (ngx_http_login_risk_admin_cmd(call, &cmd[i]) != NGX_OK) {
                rc = -1;
                break;
            }

            a->parts[n++] = part * LR_READ_CMDS_MAX + i;
        }

        if (rc < 0) {
            ngx_http_login_risk_redis_release(call);
            return ngx_http_login_risk_admin_unavailable(a);
        }
    }

    return ngx_http_login_risk_admin_wait(a, call,
                                        ngx_http_login_risk_admin_read_reply,
                                        done);
}


static void
ngx_http_login_risk_admin_read_reply(ngx_http_login_risk_admin_t *a,
    ngx_uint_t index, redisReply *reply)
{
    int           rc;
    ngx_uint_t    part, sub;

    if (index >= LR_READ_COUNT * LR_READ_CMDS_MAX) {
        a->unavailable = 1;
        return;
    }

    part = a->parts[index] / LR_READ_CMDS_MAX;
    sub = a->parts[index] % LR_READ_CMDS_MAX;

    rc = lr_redis_read_reply((lr_read_part) part, sub, reply, &a->keys,
                             a->now_ms,
                             a->llcf->engine.profile_max_age_s * 1000,
                             a->profile, &a->view);

    if (rc < 0) {
        ngx_log_error(NGX_LOG_ERR, a->request->connection->log, 0,
                      "login_risk: admin: unexpected redis reply");
        a->unavailable = 1;
        return;
    }

    if (part == LR_READ_USER) {
        a->has_profile = (reply->element[0]->type == REDIS_REPLY_STRING
                          && reply->element[0]->len > 0);
        a->bad_profile = (rc == 1);
    }
}


static ngx_int_t
ngx_http_login_risk_admin_user_done(ngx_http_login_risk_admin_t *a)
{
    json_t    *answer, *failures, *login;
    lr_view   *v;
    lr_login  *l;

    v = &a->view;
    l = &a->doc.login;

    failures = json_pack("{s:i}", "user",
                         (int) v->counter[LR_C_USER_FAILURES]);
    login = json_object();

    if (a->has_ip) {
        json_object_set_new(failures, "ip_user",
                            json_integer(v->counter[LR_C_IP_USER_FAILURES]));
        json_object_set_new(failures, "ip",
                            json_integer(v->counter[LR_C_IP_FAILURES]));
        json_object_set_new(failures, "ip_users",
                            json_integer(v->counter[LR_C_IP_USERS]));
        json_object_set_new(login, "ip", json_string(a->ip));
        json_object_set_new(login, "country", l->geo.country[0]
                                              ? json_string(l->geo.country)
                                              : json_null());
        json_object_set_new(login, "asn", l->geo.asn
                                          ? json_integer(l->geo.asn)
                                          : json_null());
    }

    if (a->has_device) {
        json_object_set_new(failures, "device",
                            json_integer(v->counter[LR_C_DEVICE_FAILURES]));
        json_object_set_new(failures, "device_users",
                            json_integer(v->counter[LR_C_DEVICE_USERS]));
        json_object_set_new(login, "device", json_string(a->device));
    }

    if ((a->has_ip || a->has_device) && a->has_profile && !a->bad_profile) {
        json_object_set_new(login, "seen",
            lr_admin_seen_json(a->profile, &a->keys.f,
                               (a->has_ip ? NGX_HTTP_LOGIN_RISK_NETWORK : 0)
                               | (a->has_device ? 1u << LR_F_DEVICE : 0)));
    }

    answer = json_object();

    json_object_set_new(answer, "user", json_string(a->user));
    json_object_set_new(answer, "profile",
                        !a->has_profile ? json_null()
                        : a->bad_profile ? json_string("unreadable")
                        : lr_admin_profile_json(a->profile));
    json_object_set_new(answer, "failures", failures);

    if (a->has_ip || a->has_device) {
        json_object_set_new(answer, "login", login);

    } else {
        json_decref(login);
        json_object_set_new(answer, "hint",
                            json_string("add ?ip=ADDRESS and/or "
                                        "?device=DEVICE_ID for the failure "
                                        "counters of an address and a "
                                        "device, and how often this profile "
                                        "saw them"));
    }

    return ngx_http_login_risk_admin_send(a->request, NGX_HTTP_OK, answer);
}


/* --- users/ID/reset ------------------------------------------------------- */

ngx_int_t
ngx_http_login_risk_admin_reset(ngx_http_login_risk_admin_t *a)
{
    lr_redis_cmd                 cmd;
    ngx_http_login_risk_call_t  *call;

    a->profile = ngx_pcalloc(a->request->pool, sizeof(lr_profile));
    if (a->profile == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    call = ngx_http_login_risk_admin_call(a);
    if (call == NULL) {
        return ngx_http_login_risk_admin_unavailable(a);
    }

    /* read and deleted in one script: the audit says what was there */
    if (lr_redis_user_take((char *) a->lmcf->prefix.data, NULL,
                           lr_engine_user_key(a->user), &cmd)
        != 0
        || ngx_http_login_risk_admin_cmd(call, &cmd) != NGX_OK)
    {
        ngx_http_login_risk_redis_release(call);
        return ngx_http_login_risk_admin_unavailable(a);
    }

    return ngx_http_login_risk_admin_wait(a, call,
                                        ngx_http_login_risk_admin_reset_reply,
                                        ngx_http_login_risk_admin_reset_done);
}


/* {profile, failures} */

static void
ngx_http_login_risk_admin_reset_reply(ngx_http_login_risk_admin_t *a,
    ngx_uint_t index, redisReply *reply)
{
    ngx_int_t    n;
    redisReply  *p, *f;

    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
        a->unavailable = 1;
        return;
    }

    p = reply->element[0];
    f = reply->element[1];

    if (p->type == REDIS_REPLY_STRING && p->len
        && lr_profile_decode((u_char *) p->str, p->len, a->profile) == 0)
    {
        a->has_profile = 1;
    }

    if (f->type == REDIS_REPLY_STRING) {
        n = ngx_atoi((u_char *) f->str, f->len);
        a->failures = (n == NGX_ERROR) ? 0 : (uint64_t) n;
    }

    /* the deletion is done: what follows is its audit */
    a->written = 1;
}


static ngx_int_t
ngx_http_login_risk_admin_reset_done(ngx_http_login_risk_admin_t *a)
{
    if (lr_admin_user_summary(a->has_profile ? a->profile : NULL, a->failures,
                              a->summary, sizeof(a->summary) - 1)
        == 0)
    {
        ngx_cpystrn((u_char *) a->summary, (u_char *) "{}", 3);
    }

    a->audit.op = "reset";
    a->audit.before = a->summary;
    a->audit.after = "";

    return ngx_http_login_risk_admin_audit_user(a,
                                            ngx_http_login_risk_admin_audited);
}


/* --- users/ID/trust-device ------------------------------------------------ */

ngx_int_t
ngx_http_login_risk_admin_trust(ngx_http_login_risk_admin_t *a)
{
    char                         err[128];
    lr_redis_cmd                 cmd;
    ngx_http_login_risk_call_t  *call;

    if (lr_admin_trust_parse((char *) a->body.data, a->body.len, a->device,
                             err, sizeof(err))
        != 0)
    {
        return ngx_http_login_risk_admin_error(a->request,
                                               NGX_HTTP_BAD_REQUEST, err);
    }

    call = ngx_http_login_risk_admin_call(a);
    if (call == NULL) {
        return ngx_http_login_risk_admin_unavailable(a);
    }

    if (lr_redis_user_profile((char *) a->lmcf->prefix.data,
                              lr_engine_user_key(a->user), &cmd)
        != 0
        || ngx_http_login_risk_admin_cmd(call, &cmd) != NGX_OK)
    {
        ngx_http_login_risk_redis_release(call);
        return ngx_http_login_risk_admin_unavailable(a);
    }

    return ngx_http_login_risk_admin_wait(a, call,
                                      ngx_http_login_risk_admin_profile_reply,
                                      ngx_http_login_risk_admin_trust_cas);
}


static void
ngx_http_login_risk_admin_profile_reply(ngx_http_login_risk_admin_t *a,
    ngx_uint_t index, redisReply *reply)
{
    if (reply->type == REDIS_REPLY_NIL) {
        return;
    }

    if (reply->type != REDIS_REPLY_STRING
        || ngx_http_login_risk_admin_copy(a, reply) != NGX_OK)
    {
        a->unavailable = 1;
    }
}


/* The device learnt onto the encoding read, written back only if nobody
 * wrote in between (else learnt again onto what is there). */

static ngx_int_t
ngx_http_login_risk_admin_trust_cas(ngx_http_login_risk_admin_t *a)
{
    size_t                       len;
    u_char                      *enc;
    lr_config                   *cfg;
    lr_redis_cmd                 cmd;
    ngx_http_login_risk_call_t  *call;

    if (a->tries == NGX_HTTP_LOGIN_RISK_TRUST_TRIES) {
        return ngx_http_login_risk_admin_error(a->request,
                                               NGX_HTTP_SERVICE_UNAVAILABLE,
                                               "the profile changed under "
                                               "every try: try again");
    }

    cfg = &a->llcf->engine;

    enc = ngx_pnalloc(a->request->pool, LR_PROFILE_CODEC_MAX);
    if (enc == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    len = lr_admin_trust_device(a->raw, a->raw_len, a->device, a->now_ms,
                                cfg->profile_values,
                                cfg->profile_max_age_s * 1000, enc,
                                &a->known_before, &a->known_after);

    a->tries++;
    a->again = 0;

    call = ngx_http_login_risk_admin_call(a);
    if (call == NULL) {
        return ngx_http_login_risk_admin_unavailable(a);
    }

    if (lr_redis_profile_cas((char *) a->lmcf->prefix.data, NULL,
                             lr_engine_user_key(a->user), a->raw, a->raw_len,
                             enc, len, cfg->profile_max_age_s, &cmd)
        != 0
        || ngx_http_login_risk_admin_cmd(call, &cmd) != NGX_OK)
    {
        ngx_http_login_risk_redis_release(call);
        return ngx_http_login_risk_admin_unavailable(a);
    }

    return ngx_http_login_risk_admin_wait(a, call,
                                          ngx_http_login_risk_admin_cas_reply,
                                          ngx_http_login_risk_admin_cas_done);
}


/* [1]: written; [0, current]: someone was first */

static void
ngx_http_login_risk_admin_cas_reply(ngx_http_login_risk_admin_t *a,
    ngx_uint_t index, redisReply *reply)
{
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 1
        || reply->element[0]->type != REDIS_REPLY_INTEGER)
    {
        a->unavailable = 1;
        return;
    }

    if (reply->element[0]->integer == 1) {
        a->written = 1;
        return;
    }

    if (reply->elements != 2
        || reply->element[1]->type != REDIS_REPLY_STRING
        || ngx_http_login_risk_admin_copy(a, reply->element[1]) != NGX_OK)
    {
        a->unavailable = 1;
        return;
    }

    a->again = 1;
}


static ngx_int_t
ngx_http_login_risk_admin_cas_done(ngx_http_login_risk_admin_t *a)
{
    u_char  *p;

    if (a->again) {
        return ngx_http_login_risk_admin_trust_cas(a);
    }

    p = ngx_pnalloc(a->request->pool, 2 * LR_ADMIN_SUMMARY_MAX);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    a->audit.op = "trust-device";
    a->audit.before = (char *) p;
    p = ngx_sprintf(p, "{\"device\":\"%s\",\"count\":%uD}%Z", a->device,
                    a->known_before);
    a->audit.after = (char *) p;
    ngx_sprintf(p, "{\"device\":\"%s\",\"count\":%uD}%Z", a->device,
                a->known_after);

    return ngx_http_login_risk_admin_audit_user(a,
                                            ngx_http_login_risk_admin_audited);
}


/* A copy of a profile's encoding, to learn onto. */

static ngx_int_t
ngx_http_login_risk_admin_copy(ngx_http_login_risk_admin_t *a,
    redisReply *blob)
{
    a->raw_len = 0;

    if (blob->len == 0) {
        return NGX_OK;
    }

    a->raw = ngx_pnalloc(a->request->pool, blob->len);
    if (a->raw == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(a->raw, blob->str, blob->len);
    a->raw_len = blob->len;

    return NGX_OK;
}


/* --- a user's change, audited --------------------------------------------- */

static ngx_int_t
ngx_http_login_risk_admin_audit_user(ngx_http_login_risk_admin_t *a,
    ngx_http_login_risk_admin_done_pt done)
{
    lr_redis_cmd                 cmd;
    ngx_http_login_risk_call_t  *call;

    a->audit.time_ms = a->now_ms;
    a->audit.actor = a->actor;
    a->audit.kind = "user";
    a->audit.side = "";
    a->audit.entry = a->user;
    a->written = 1;

    call = ngx_http_login_risk_admin_call(a);

    if (call == NULL
        || lr_redis_audit_add((char *) a->lmcf->prefix.data, &a->audit, &cmd)
           != 0
        || ngx_http_login_risk_admin_cmd(call, &cmd) != NGX_OK)
    {
        if (call) {
            ngx_http_login_risk_redis_release(call);
        }

        return ngx_http_login_risk_admin_unaudited(a);
    }

    return ngx_http_login_risk_admin_wait(a, call,
                                          ngx_http_login_risk_admin_xadd_reply,
                                          done);
}


static void
ngx_http_login_risk_admin_xadd_reply(ngx_http_login_risk_admin_t *a,
    ngx_uint_t index, redisReply *reply)
{
    if (reply->type != REDIS_REPLY_STRING || reply->len > LR_AUDIT_ID_MAX) {
        a->unavailable = 1;
        return;
    }

    ngx_memcpy(a->audit_id, reply->str, reply->len);
    a->audit_id[reply->len] = '\0';
}


static ngx_int_t
ngx_http_login_risk_admin_audited(ngx_http_login_risk_admin_t *a)
{
    json_t  *answer;

    a->written = 0;

    ngx_http_login_risk_admin_log(a);

    answer = json_pack("{s:s,s:s,s:o,s:o,s:s}",
                       "op", a->audit.op,
                       "user", a->user,
                       "before", lr_redis_audit_value(a->audit.before,
                                                ngx_strlen(a->audit.before)),
                       "after", lr_redis_audit_value(a->audit.after,
                                                ngx_strlen(a->audit.after)),
                       "audit_id", a->audit_id);

    return ngx_http_login_risk_admin_send(a->request, NGX_HTTP_OK, answer);
}


/* --- score ---------------------------------------------------------------- */

/* POST score: a login in the replay tool's form; "time" defaults to now. */

ngx_int_t
ngx_http_login_risk_admin_score(ngx_http_login_risk_admin_t *a)
{
    char                 err[160];
    const char          *ip;
    lr_login            *l;
    ngx_http_request_t  *r;

    r = a->request;

    a->input = json_loadb((char *) a->body.data, a->body.len,
                          JSON_REJECT_DUPLICATES, NULL);

    if (!json_is_object(a->input)) {
        return ngx_http_login_risk_admin_error(r, NGX_HTTP_BAD_REQUEST,
                                               "the body is not a JSON "
                                               "object");
    }

    if (json_object_get(a->input, "time") == NULL) {
        json_object_set_new(a->input, "time",
                            json_integer((json_int_t) a->now_ms));
    }

    if (lr_login_from_json(a->input, &a->doc, err, sizeof(err)) != 0) {
        return ngx_http_login_risk_admin_error(r, NGX_HTTP_BAD_REQUEST, err);
    }

    l = &a->doc.login;
    ip = l->ip;

    if (ip) {
        if (ngx_http_login_risk_admin_address(a, (u_char *) ip,
                                              ngx_strlen(ip))
            != NGX_OK)
        {
            return ngx_http_login_risk_admin_error(r, NGX_HTTP_BAD_REQUEST,
                                                   "\"ip\": not an IPv4 or "
                                                   "IPv6 address");
        }

        l->ip = a->ip;

        /* where it is, as the login path would find it, unless said */
        if (json_object_get(a->input, "country") == NULL
            && json_object_get(a->input, "asn") == NULL
            && json_object_get(a->input, "city") == NULL
            && json_object_get(a->input, "lat") == NULL)
        {
            lr_geo_lookup(a->lmcf->city_open ? &a->lmcf->city_db : NULL,
                          a->lmcf->asn_open ? &a->lmcf->asn_db : NULL,
                          a->addr.sockaddr, &l->geo);
        }
    }

    ngx_http_login_risk_lists_match(a->lmcf,
                                    a->has_ip ? a->addr.sockaddr : NULL, l);

    return ngx_http_login_risk_admin_reads(a, 1,
                                       ngx_http_login_risk_admin_score_done);
}


static ngx_int_t
ngx_http_login_risk_admin_score_done(ngx_http_login_risk_admin_t *a)
{
    lr_verdict  v;

    lr_engine_score(&a->llcf->engine, &a->doc.login, &a->keys, &a->view, &v);

    return ngx_http_login_risk_admin_send(a->request, NGX_HTTP_OK,
                                          lr_admin_verdict_json(&v));
}
