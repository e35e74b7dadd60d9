
/*
 * nginx-login-risk: the admin API's lists.
 *
 *   GET    lists/KIND/SIDE[?count=N&cursor=C&source=file|redis]
 *   POST   lists/KIND/SIDE          {"entry", "expires" | "ttl", "comment"}
 *   DELETE lists/KIND/SIDE/ENTRY    (URL-encoded: a CIDR has a '/')
 *
 * A list's entries are those of its files (as loaded) and those in Redis;
 * a change is one script: the entry, the version, the audit entry.
 */


#include "ngx_http_login_risk_admin.h"


#define NGX_HTTP_LOGIN_RISK_ADMIN_PAGE      1000
#define NGX_HTTP_LOGIN_RISK_ADMIN_PAGE_MAX  10000


static ngx_int_t ngx_http_login_risk_admin_files(
    ngx_http_login_risk_admin_t *a, json_t *entries, ngx_uint_t *room,
    ngx_uint_t file, size_t offset, ngx_uint_t line, json_t **next);
static json_t *ngx_http_login_risk_admin_file_entry(
    ngx_http_login_risk_admin_t *a, ngx_http_login_risk_list_file_t *f,
    lr_list_line *ln, ngx_uint_t line);
static void ngx_http_login_risk_admin_list_reply(
    ngx_http_login_risk_admin_t *a, ngx_uint_t index, redisReply *reply);
static json_t *ngx_http_login_risk_admin_redis_entry(
    ngx_http_login_risk_admin_t *a, redisReply *k, redisReply *v);
static ngx_int_t ngx_http_login_risk_admin_list_done(
    ngx_http_login_risk_admin_t *a);
static ngx_int_t ngx_http_login_risk_admin_change(
    ngx_http_login_risk_admin_t *a, int64_t expires_ms);
static void ngx_http_login_risk_admin_change_reply(
    ngx_http_login_risk_admin_t *a, ngx_uint_t index, redisReply *reply);
static ngx_int_t ngx_http_login_risk_admin_change_done(
    ngx_http_login_risk_admin_t *a);


/* --- lists ---------------------------------------------------------------- */

/*
 * GET lists/KIND/SIDE: the entries of the list files (as loaded), then
 * those in Redis, a page at a time; "next" is the cursor of the next page.
 * cursor: "f:FILE:OFFSET:LINE" in the files, "r:CURSOR" in Redis.
 */

ngx_int_t
ngx_http_login_risk_admin_list(ngx_http_login_risk_admin_t *a)
{
    u_char                       buf[NGX_HTTP_LOGIN_RISK_ARG_MAX], *p, *end;
    u_char                       scan[32];
    json_t                      *entries, *next;
    ngx_int_t                    rc, n[3];
    ngx_str_t                    cursor, source;
    ngx_uint_t                   room, i, files, redis;
    lr_redis_cmd                 cmd;
    ngx_http_request_t          *r;
    ngx_http_login_risk_call_t  *call;

    r = a->request;

    if (ngx_http_login_risk_admin_count(r, NGX_HTTP_LOGIN_RISK_ADMIN_PAGE,
                                        NGX_HTTP_LOGIN_RISK_ADMIN_PAGE_MAX,
                                        &room)
        != NGX_OK)
    {
        return ngx_http_login_risk_admin_error(r, NGX_HTTP_BAD_REQUEST,
                                               "count is not 1 to 10000");
    }

    files = 1;
    redis = 1;

    rc = ngx_http_login_risk_admin_arg(r, "source", buf, sizeof(buf),
                                       &source);

    if (rc == NGX_OK) {
        if (source.len == 4 && ngx_strncmp(source.data, "file", 4) == 0) {
            redis = 0;

        } else if (source.len == 5
                   && ngx_strncmp(source.data, "redis", 5) == 0)
        {
            files = 0;

        } else {
            rc = NGX_ERROR;
        }
    }

    if (rc == NGX_ERROR) {
        return ngx_http_login_risk_admin_error(r, NGX_HTTP_BAD_REQUEST,
                                               "source is not file or redis");
    }

    a->answer = json_pack("{s:s,s:s,s:[],s:n,s:{s:i,s:n}}",
                          "kind", lr_list_kind_name(a->kind),
                          "side", lr_list_side_name(a->kind, a->side),
                          "entries", "next",
                          "total", "files",
                          a->lmcf->lists
                          ? (int) a->lmcf->lists->list[a->kind][a->side].n
                          : 0,
                          "redis");
    if (a->answer == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    entries = json_object_get(a->answer, "entries");
    next = NULL;

    rc = ngx_http_login_risk_admin_arg(r, "cursor", buf, sizeof(buf),
                                       &cursor);

    if (rc == NGX_ERROR) {
        goto bad_cursor;
    }

    if (rc == NGX_DECLINED) {
        ngx_str_set(&cursor, "f:0:0:1");

        if (!files) {
            ngx_str_set(&cursor, "r:0");
        }
    }

    if (cursor.len > 2 && ngx_strncmp(cursor.data, "f:", 2) == 0 && files) {
        p = cursor.data + 2;

        for (i = 0; i < 3; i++) {
            end = ngx_strlchr(p, cursor.data + cursor.len, ':');
            if (end == NULL) {
                end = cursor.data + cursor.len;
            }

            n[i] = ngx_atoi(p, end - p);
            if (n[i] == NGX_ERROR || (i < 2 && end == cursor.data + cursor.len))
            {
                goto bad_cursor;
            }

            p = end + 1;
        }

        if (ngx_http_login_risk_admin_files(a, entries, &room,
                                            (ngx_uint_t) n[0], (size_t) n[1],
                                            (ngx_uint_t) n[2], &next)
            != NGX_OK)
        {
            goto bad_cursor;
        }

        /* the files are done: Redis next */
        ngx_str_set(&cursor, "r:0");

    } else if (!(cursor.len > 2 && ngx_strncmp(cursor.data, "r:", 2) == 0
                 && redis
                 && ngx_atoi(cursor.data + 2, cursor.len - 2) != NGX_ERROR))
    {
        goto bad_cursor;
    }

    if (next) {
        json_object_set_new(a->answer, "next", next);
    }

    call = ngx_http_login_risk_admin_call(a);
    if (call == NULL) {
        return ngx_http_login_risk_admin_unavailable(a);
    }

    if (lr_redis_list_len((char *) a->lmcf->prefix.data, a->kind, a->side,
                          &cmd)
        != 0
        || ngx_http_login_risk_admin_cmd(call, &cmd) != NGX_OK)
    {
        goto failed;
    }

    if (next == NULL && redis && room) {
        /* HSCAN's count is a hint: a page may hold a few more */
        if (cursor.len - 2 >= sizeof(scan)) {
            ngx_http_login_risk_redis_release(call);
            goto bad_cursor;
        }

        *ngx_cpymem(scan, cursor.data + 2, cursor.len - 2) = '\0';

        if (lr_redis_list_scan((char *) a->lmcf->prefix.data, a->kind,
                               a->side, (char *) scan,
                               (unsigned) room, &cmd)
            != 0
            || ngx_http_login_risk_admin_cmd(call, &cmd) != NGX_OK)
        {
            goto failed;
        }
    }

    return ngx_http_login_risk_admin_wait(a, call,
                                          ngx_http_login_risk_admin_list_reply,
                                          ngx_http_login_risk_admin_list_done);

failed:

    ngx_http_login_risk_redis_release(call);
    return ngx_http_login_risk_admin_unavailable(a);

bad_cursor:

    return ngx_http_login_risk_admin_error(r, NGX_HTTP_BAD_REQUEST,
                                           "cursor is not one this API "
                                           "gave");
}


/* The entries of the list files from file, offset and line on, until
 * room is used up; *next is the cursor after the last one taken then. */

static ngx_int_t
ngx_http_login_risk_admin_files(ngx_http_login_risk_admin_t *a,
    json_t *entries, ngx_uint_t *room, ngx_uint_t file, size_t offset,
    ngx_uint_t line, json_t **next)
{
    u_char                           *p, *last, *eol;
    char                              text[64];
    const char                       *why;
    lr_list_line                      ln;
    ngx_http_login_risk_list_file_t  *f;

    *next = NULL;

    if (a->lmcf->list_files == NULL) {
        return (file == 0 && offset == 0) ? NGX_OK : NGX_ERROR;
    }

    if (file > a->lmcf->list_files->nelts) {
        return NGX_ERROR;
    }

    f = a->lmcf->list_files->elts;

    for ( /* void */ ; file < a->lmcf->list_files->nelts;
         file++, offset = 0, line = 1)
    {
        if (f[file].kind != a->kind || f[file].side != a->side) {
            continue;
        }

        /* a cursor this API gave points at the start of a line */
        if (offset > f[file].content.len
            || (offset > 0 && f[file].content.data[offset - 1] != '\n'))
        {
            return NGX_ERROR;
        }

        p = f[file].content.data + offset;
        last = f[file].content.data + f[file].content.len;

        for ( /* void */ ; p < last; line++, p = eol + 1) {
            eol = ngx_strlchr(p, last, '\n');
            if (eol == NULL) {
                eol = last;
            }

            if (lr_list_line_parse((char *) p, eol - p, &ln, &why) != 0) {
                continue;
            }

            if (*room == 0) {
                ngx_snprintf((u_char *) text, sizeof(text), "f:%ui:%uz:%ui%Z",
                             file, (size_t) (p - f[file].content.data), line);
                *next = json_string(text);
                return NGX_OK;
            }

            json_array_append_new(entries,
                      ngx_http_login_risk_admin_file_entry(a, &f[file], &ln,
                                                           line));
            (*room)--;
        }
    }

    return NGX_OK;
}


static json_t *
ngx_http_login_risk_admin_file_entry(ngx_http_login_risk_admin_t *a,
    ngx_http_login_risk_list_file_t *f, lr_list_line *ln, ngx_uint_t line)
{
    json_t                       *o;
    const char                   *why;
    ngx_http_login_risk_entry_t   e;
    u_char                        buf[NGX_HTTP_LOGIN_RISK_ENTRY_LEN];

    o = json_object();

    /* the file was checked when it was loaded */
    if (ngx_http_login_risk_list_entry(f->kind, (u_char *) ln->entry,
                                       ln->entry_len, &e, buf, &why)
        == NGX_OK)
    {
        json_object_set_new(o, "entry",
                            ngx_http_login_risk_admin_text(e.canon.data,
                                                           e.canon.len));

    } else {
        json_object_set_new(o, "entry",
                            ngx_http_login_risk_admin_text(
                                (u_char *) ln->entry, ln->entry_len));
    }

    json_object_set_new(o, "source", json_string("file"));
    json_object_set_new(o, "file",
                        ngx_http_login_risk_admin_text(f->name.data,
                                                       f->name.len));
    json_object_set_new(o, "line", json_integer((json_int_t) line));
    json_object_set_new(o, "expires", ln->expires_ms
                                      ? lr_alert_time(ln->expires_ms)
                                      : json_null());
    json_object_set_new(o, "expired",
                        json_boolean(ln->expires_ms
                                     && ln->expires_ms <= a->now_ms));
    json_object_set_new(o, "comment",
                        ngx_http_login_risk_admin_text(
                            (u_char *) ln->comment, ln->comment_len));

    return o;
}


/* HLEN, then HSCAN: [cursor, [entry, value, ...]] */

static void
ngx_http_login_risk_admin_list_reply(ngx_http_login_risk_admin_t *a,
    ngx_uint_t index, redisReply *reply)
{
    char        text[64];
    size_t      i;
    json_t     *entries;
    redisReply  *cur, *kv;

    if (index == 0) {
        if (reply->type != REDIS_REPLY_INTEGER) {
            a->unavailable = 1;
            return;
        }

        json_object_set_new(json_object_get(a->answer, "total"), "redis",
                            json_integer(reply->integer));
        return;
    }

    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2
        || reply->element[0]->type != REDIS_REPLY_STRING
        || reply->element[0]->len > 24
        || reply->element[1]->type != REDIS_REPLY_ARRAY
        || reply->element[1]->elements % 2)
    {
        a->unavailable = 1;
        return;
    }

    cur = reply->element[0];
    kv = reply->element[1];
    entries = json_object_get(a->answer, "entries");

    for (i = 0; i < kv->elements; i += 2) {
        json_array_append_new(entries,
                              ngx_http_login_risk_admin_redis_entry(a,
                                                      kv->element[i],
                                                      kv->element[i + 1]));
    }

    if (!(cur->len == 1 && cur->str[0] == '0')) {
        ngx_snprintf((u_char *) text, sizeof(text), "r:%*s%Z",
                     (size_t) cur->len, cur->str);
        json_object_set_new(a->answer, "next", json_string(text));
    }
}


static json_t *
ngx_http_login_risk_admin_redis_entry(ngx_http_login_risk_admin_t *a,
    redisReply *k, redisReply *v)
{
    json_t      *o, *meta, *e, *t, *c, *who;
    json_int_t   expires;

    o = json_object();

    json_object_set_new(o, "entry",
                        ngx_http_login_risk_admin_text((u_char *) k->str,
                                                       k->len));
    json_object_set_new(o, "source", json_string("redis"));

    meta = (v->type == REDIS_REPLY_STRING)
           ? json_loadb(v->str, v->len, 0, NULL) : NULL;

    e = json_object_get(meta, "expires");
    t = json_object_get(meta, "time");
    c = json_object_get(meta, "comment");
    who = json_object_get(meta, "actor");

    expires = json_is_integer(e) ? json_integer_value(e) : 0;

    json_object_set_new(o, "expires", expires > 0 ? lr_alert_time(expires)
                                                  : json_null());
    json_object_set_new(o, "expired",
                        json_boolean(expires > 0 && expires <= a->now_ms));
    json_object_set_new(o, "comment",
                        json_is_string(c) && json_string_length(c)
                        ? json_incref(c) : json_null());
    json_object_set_new(o, "actor", json_is_string(who) ? json_incref(who)
                                                        : json_null());
    json_object_set_new(o, "time", json_is_integer(t)
                                   ? lr_alert_time(json_integer_value(t))
                                   : json_null());

    json_decref(meta);

    return o;
}


static ngx_int_t
ngx_http_login_risk_admin_list_done(ngx_http_login_risk_admin_t *a)
{
    json_t  *answer;

    answer = a->answer;
    a->answer = NULL;

    return ngx_http_login_risk_admin_send(a->request, NGX_HTTP_OK, answer);
}


/* POST lists/KIND/SIDE */

ngx_int_t
ngx_http_login_risk_admin_add(ngx_http_login_risk_admin_t *a)
{
    char                 err[160];
    size_t               n;
    const char          *why;
    lr_list_request     *req;
    ngx_http_request_t  *r;

    r = a->request;

    req = ngx_palloc(r->pool, sizeof(lr_list_request));
    if (req == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (lr_list_request_parse((char *) a->body.data, a->body.len, a->now_ms,
                              req, err, sizeof(err))
        != 0)
    {
        return ngx_http_login_risk_admin_error(r, NGX_HTTP_BAD_REQUEST, err);
    }

    if (ngx_http_login_risk_list_entry(a->kind, (u_char *) req->entry,
                                       req->entry_len, &a->e, a->canon, &why)
        != NGX_OK)
    {
        ngx_snprintf((u_char *) err, sizeof(err), "\"entry\": %s%Z", why);
        return ngx_http_login_risk_admin_error(r, NGX_HTTP_BAD_REQUEST, err);
    }

    a->value = ngx_pnalloc(r->pool, LR_LIST_META_MAX);
    if (a->value == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    n = lr_list_meta_format(req->expires_ms, req->comment, req->comment_len,
                            a->actor, ngx_strlen(a->actor), a->now_ms,
                            a->value, LR_LIST_META_MAX - 1);
    if (n == 0) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    a->value[n] = '\0';

    a->audit.op = "add";
    a->audit.after = a->value;

    return ngx_http_login_risk_admin_change(a, req->expires_ms);
}


/* DELETE lists/KIND/SIDE/ENTRY */

ngx_int_t
ngx_http_login_risk_admin_delete(ngx_http_login_risk_admin_t *a)
{
    u_char              *dst, *src, *text;
    char                 err[160];
    const char          *why;
    ngx_http_request_t  *r;

    r = a->request;

    if (a->entry.len > 3 * LR_LIST_ENTRY_MAX) {
        return ngx_http_login_risk_admin_error(r, NGX_HTTP_BAD_REQUEST,
                                               "entry longer than 1024 "
                                               "bytes");
    }

    text = ngx_pnalloc(r->pool, a->entry.len + 1);
    if (text == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    dst = text;
    src = a->entry.data;
    ngx_unescape_uri(&dst, &src, a->entry.len, 0);

    if (ngx_strlchr(text, dst, '\0')
        || ngx_http_login_risk_list_entry(a->kind, text, dst - text, &a->e,
                                          a->canon, &why)
           != NGX_OK)
    {
        if (ngx_strlchr(text, dst, '\0')) {
            why = "a NUL byte in the entry";
        }

        ngx_snprintf((u_char *) err, sizeof(err), "entry: %s%Z", why);
        return ngx_http_login_risk_admin_error(r, NGX_HTTP_BAD_REQUEST, err);
    }

    a->audit.op = "del";
    a->audit.after = "";

    return ngx_http_login_risk_admin_change(a, 0);
}


/* One change in one script: the entry, the version, the audit. */

static ngx_int_t
ngx_http_login_risk_admin_change(ngx_http_login_risk_admin_t *a,
    int64_t expires_ms)
{
    lr_redis_cmd                 cmd;
    ngx_http_login_risk_call_t  *call;

    a->audit.time_ms = a->now_ms;
    a->audit.actor = a->actor;
    a->audit.kind = lr_list_kind_name(a->kind);
    a->audit.side = lr_list_side_name(a->kind, a->side);
    a->audit.entry = (char *) a->canon;
    a->audit.before = "";

    call = ngx_http_login_risk_admin_call(a);
    if (call == NULL) {
        return ngx_http_login_risk_admin_unavailable(a);
    }

    if (lr_redis_list_change((char *) a->lmcf->prefix.data, NULL, a->kind,
                             a->side, &a->audit, a->value, expires_ms, &cmd)
        != 0
        || ngx_http_login_risk_admin_cmd(call, &cmd) != NGX_OK)
    {
        ngx_http_login_risk_redis_release(call);
        return ngx_http_login_risk_admin_unavailable(a);
    }

    return ngx_http_login_risk_admin_wait(a, call,
                                       ngx_http_login_risk_admin_change_reply,
                                       ngx_http_login_risk_admin_change_done);
}


/* {1, before, audit id, version} or {0, ""} */

static void
ngx_http_login_risk_admin_change_reply(ngx_http_login_risk_admin_t *a,
    ngx_uint_t index, redisReply *reply)
{
    char        *before;
    redisReply  *e;

    if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 2
        || reply->element[0]->type != REDIS_REPLY_INTEGER
        || reply->element[1]->type != REDIS_REPLY_STRING)
    {
        a->unavailable = 1;
        return;
    }

    if (reply->element[0]->integer != 1) {
        return;
    }

    if (reply->elements != 4
        || reply->element[2]->type != REDIS_REPLY_STRING
        || reply->element[2]->len > LR_AUDIT_ID_MAX
        || reply->element[3]->type != REDIS_REPLY_INTEGER)
    {
        a->unavailable = 1;
        return;
    }

    e = reply->element[1];

    before = ngx_pnalloc(a->request->pool, e->len + 1);
    if (before == NULL) {
        a->unavailable = 1;
        return;
    }

    *ngx_cpymem(before, e->str, e->len) = '\0';

    a->audit.before = before;
    a->written = 1;
    a->version = reply->element[3]->integer;

    ngx_memcpy(a->audit_id, reply->element[2]->str, reply->element[2]->len);
    a->audit_id[reply->element[2]->len] = '\0';
}


static ngx_int_t
ngx_http_login_risk_admin_change_done(ngx_http_login_risk_admin_t *a)
{
    json_t  *answer;

    if (!a->written) {
        return ngx_http_login_risk_admin_error(a->request,
                                               NGX_HTTP_NOT_FOUND,
                                               "no such entry in Redis (the "
                                               "entries of a list file are "
                                               "changed in the file)");
    }

    ngx_http_login_risk_admin_log(a);

    answer = json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:I}",
                       "op", a->audit.op,
                       "kind", a->audit.kind,
                       "side", a->audit.side,
                       "entry", a->audit.entry,
                       "before", lr_redis_audit_value(a->audit.before,
                                                ngx_strlen(a->audit.before)),
                       "after", lr_redis_audit_value(a->audit.after,
                                                ngx_strlen(a->audit.after)),
                       "audit_id", a->audit_id,
                       "version", (json_int_t) a->version);

    return ngx_http_login_risk_admin_send(a->request,
                                          (a->audit.op[0] == 'a'
                                           && a->audit.before[0] == '\0')
                                          ? NGX_HTTP_CREATED : NGX_HTTP_OK,
                                          answer);
}
