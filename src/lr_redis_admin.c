#include "lr_redis_admin.h"
#include "lr_alert.h"

#include <stdlib.h>
#include <string.h>


#define LR_HEX  "%016llx"
#define LR_U(v) ((unsigned long long) (v))


int
lr_redis_lists_version(const char *prefix, lr_redis_cmd *cmd)
{
    lr_redis_cmd_init(cmd);

    return (lr_redis_cmd_arg(cmd, "GET", 3)
            | lr_redis_cmd_argf(cmd, "%s{lists}:v", prefix))
           ? -1 : 0;
}


static int
lr_redis_list_key(lr_redis_cmd *cmd, const char *prefix, char what,
    lr_list_kind kind, lr_list_side side)
{
    const char  *k, *s;

    k = lr_list_kind_name(kind);
    s = lr_list_side_name(kind, side);

    if (k == NULL || s == NULL) {
        return -1;
    }

    return lr_redis_cmd_argf(cmd, "%s{lists}:%c:%s:%s", prefix, what, k, s);
}


int
lr_redis_list_read(const char *prefix, lr_list_kind kind, lr_list_side side,
    lr_redis_cmd *cmd)
{
    lr_redis_cmd_init(cmd);

    return (lr_redis_cmd_arg(cmd, "HGETALL", 7)
            | lr_redis_list_key(cmd, prefix, 'e', kind, side))
           ? -1 : 0;
}


int
lr_redis_list_len(const char *prefix, lr_list_kind kind, lr_list_side side,
    lr_redis_cmd *cmd)
{
    lr_redis_cmd_init(cmd);

    return (lr_redis_cmd_arg(cmd, "HLEN", 4)
            | lr_redis_list_key(cmd, prefix, 'e', kind, side))
           ? -1 : 0;
}


int
lr_redis_list_scan(const char *prefix, lr_list_kind kind, lr_list_side side,
    const char *cursor, unsigned count, lr_redis_cmd *cmd)
{
    lr_redis_cmd_init(cmd);

    return (lr_redis_cmd_arg(cmd, "HSCAN", 5)
            | lr_redis_list_key(cmd, prefix, 'e', kind, side)
            | lr_redis_cmd_argf(cmd, "%s", cursor)
            | lr_redis_cmd_arg(cmd, "COUNT", 5)
            | lr_redis_cmd_argf(cmd, "%u", count ? count : 1))
           ? -1 : 0;
}


int
lr_redis_list_change(const char *prefix, const char *sha,
    lr_list_kind kind, lr_list_side side, const lr_audit *a,
    const char *value, int64_t expires_ms, lr_redis_cmd *cmd)
{
    int  rc;

    lr_redis_cmd_script(cmd, LR_SCRIPT_LIST_CHANGE, sha);

    rc = lr_redis_cmd_arg(cmd, "4", 1)
         | lr_redis_list_key(cmd, prefix, 'e', kind, side)
         | lr_redis_list_key(cmd, prefix, 'x', kind, side)
         | lr_redis_cmd_argf(cmd, "%s{lists}:v", prefix)
         | lr_redis_cmd_argf(cmd, "%s{lists}:audit", prefix)
         | lr_redis_cmd_argf(cmd, "%s", a->op)
         | lr_redis_cmd_arg(cmd, a->entry, strlen(a->entry))
         | lr_redis_cmd_arg(cmd, value ? value : "", value ? strlen(value) : 0)
         | lr_redis_cmd_argf(cmd, "%lld", (long long) (expires_ms > 0
                                                       ? expires_ms : 0))
         | lr_redis_cmd_argf(cmd, "%lld", (long long) a->time_ms)
         | lr_redis_cmd_arg(cmd, a->actor, strlen(a->actor))
         | lr_redis_cmd_argf(cmd, "%s", a->kind)
         | lr_redis_cmd_argf(cmd, "%s", a->side)
         | lr_redis_cmd_argf(cmd, "%d", LR_AUDIT_STREAM_MAX);

    return rc ? -1 : 0;
}


int
lr_redis_audit_add(const char *prefix, const lr_audit *a, lr_redis_cmd *cmd)
{
    int  rc;

    lr_redis_cmd_init(cmd);

    rc = lr_redis_cmd_arg(cmd, "XADD", 4)
         | lr_redis_cmd_argf(cmd, "%s{lists}:audit", prefix)
         | lr_redis_cmd_arg(cmd, "MAXLEN", 6)
         | lr_redis_cmd_arg(cmd, "~", 1)
         | lr_redis_cmd_argf(cmd, "%d", LR_AUDIT_STREAM_MAX)
         | lr_redis_cmd_arg(cmd, "*", 1)
         | lr_redis_cmd_arg(cmd, "actor", 5)
         | lr_redis_cmd_arg(cmd, a->actor, strlen(a->actor))
         | lr_redis_cmd_arg(cmd, "time", 4)
         | lr_redis_cmd_argf(cmd, "%lld", (long long) a->time_ms)
         | lr_redis_cmd_arg(cmd, "op", 2)
         | lr_redis_cmd_arg(cmd, a->op, strlen(a->op))
         | lr_redis_cmd_arg(cmd, "kind", 4)
         | lr_redis_cmd_arg(cmd, a->kind, strlen(a->kind))
         | lr_redis_cmd_arg(cmd, "side", 4)
         | lr_redis_cmd_arg(cmd, a->side, strlen(a->side))
         | lr_redis_cmd_arg(cmd, "entry", 5)
         | lr_redis_cmd_arg(cmd, a->entry, strlen(a->entry))
         | lr_redis_cmd_arg(cmd, "before", 6)
         | lr_redis_cmd_arg(cmd, a->before, strlen(a->before))
         | lr_redis_cmd_arg(cmd, "after", 5)
         | lr_redis_cmd_arg(cmd, a->after, strlen(a->after));

    return rc ? -1 : 0;
}


int
lr_redis_audit_id_valid(const char *id, size_t len)
{
    size_t  i, dash;

    if (len == 0 || len > LR_AUDIT_ID_MAX) {
        return 0;
    }

    dash = 0;

    for (i = 0; i < len; i++) {
        if (id[i] == '-' && dash == 0 && i > 0 && i + 1 < len) {
            dash = i;
            continue;
        }

        if (id[i] < '0' || id[i] > '9') {
            return 0;
        }
    }

    /* each part a 64-bit number: at most 20 digits */
    return (dash ? dash : len) <= 20 && (dash == 0 || len - dash - 1 <= 20);
}


int
lr_redis_audit_read(const char *prefix, const char *before_id,
    unsigned count, lr_redis_cmd *cmd)
{
    int  rc;

    lr_redis_cmd_init(cmd);

    rc = lr_redis_cmd_arg(cmd, "XREVRANGE", 9)
         | lr_redis_cmd_argf(cmd, "%s{lists}:audit", prefix)
         | (before_id ? lr_redis_cmd_argf(cmd, "(%s", before_id)
                      : lr_redis_cmd_arg(cmd, "+", 1))
         | lr_redis_cmd_arg(cmd, "-", 1)
         | lr_redis_cmd_arg(cmd, "COUNT", 5)
         | lr_redis_cmd_argf(cmd, "%u", count ? count : 1);

    return rc ? -1 : 0;
}


json_t *
lr_redis_audit_value(const char *text, size_t len)
{
    json_t  *v;

    if (len == 0) {
        return json_null();
    }

    v = json_loadb(text, len, JSON_DECODE_ANY, NULL);
    if (v) {
        return v;
    }

    v = json_stringn(text, len);

    return v ? v : json_null();
}


static json_t *
lr_redis_audit_entry(const redisReply *e)
{
    size_t             i;
    char               num[24];
    json_t            *o, *v;
    const redisReply  *id, *fields, *k, *val;

    if (e->type != REDIS_REPLY_ARRAY || e->elements != 2) {
        return NULL;
    }

    id = e->element[0];
    fields = e->element[1];

    if (id->type != REDIS_REPLY_STRING || id->len > LR_AUDIT_ID_MAX
        || fields->type != REDIS_REPLY_ARRAY || fields->elements % 2)
    {
        return NULL;
    }

    o = json_object();
    json_object_set_new(o, "id", json_stringn(id->str, id->len));

    for (i = 0; i < fields->elements; i += 2) {
        k = fields->element[i];
        val = fields->element[i + 1];

        if (k->type != REDIS_REPLY_STRING || val->type != REDIS_REPLY_STRING)
        {
            continue;
        }

        if (k->len == 4 && memcmp(k->str, "time", 4) == 0
            && val->len < sizeof(num))
        {
            memcpy(num, val->str, val->len);
            num[val->len] = '\0';
            v = lr_alert_time(strtoll(num, NULL, 10));

        } else if ((k->len == 6 && memcmp(k->str, "before", 6) == 0)
                   || (k->len == 5 && memcmp(k->str, "after", 5) == 0))
        {
            v = lr_redis_audit_value(val->str, val->len);

        } else {
            v = json_stringn(val->str, val->len);
        }

        if (v) {
            json_object_set_new(o, k->str, v);
        }
    }

    return o;
}


json_t *
lr_redis_audit_json(const redisReply *reply,
    char last_id[LR_AUDIT_ID_MAX + 1])
{
    size_t   i;
    json_t  *list, *o;

    last_id[0] = '\0';

    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY) {
        return NULL;
    }

    list = json_array();

    for (i = 0; i < reply->elements; i++) {
        o = lr_redis_audit_entry(reply->element[i]);
        if (o == NULL) {
            json_decref(list);
            return NULL;
        }

        json_array_append_new(list, o);

        memcpy(last_id, reply->element[i]->element[0]->str,
               reply->element[i]->element[0]->len);
        last_id[reply->element[i]->element[0]->len] = '\0';
    }

    return list;
}


int
lr_redis_user_take(const char *prefix, const char *sha, uint64_t user,
    lr_redis_cmd *cmd)
{
    int  rc;

    lr_redis_cmd_script(cmd, LR_SCRIPT_READ, sha);

    rc = lr_redis_cmd_arg(cmd, "2", 1)
         | lr_redis_cmd_argf(cmd, "%s{u:" LR_HEX "}:p", prefix, LR_U(user))
         | lr_redis_cmd_argf(cmd, "%s{u:" LR_HEX "}:f", prefix, LR_U(user))
         | lr_redis_cmd_arg(cmd, "t", 1)
         | lr_redis_cmd_arg(cmd, "t", 1);

    return rc ? -1 : 0;
}


int
lr_redis_user_profile(const char *prefix, uint64_t user, lr_redis_cmd *cmd)
{
    lr_redis_cmd_init(cmd);

    return (lr_redis_cmd_arg(cmd, "GET", 3)
            | lr_redis_cmd_argf(cmd, "%s{u:" LR_HEX "}:p", prefix,
                                LR_U(user)))
           ? -1 : 0;
}
