#include "lr_list_meta.h"
#include "lr_login_json.h"
#include "lr_utf8.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>


size_t
lr_list_meta_format(int64_t expires_ms, const char *comment,
    size_t comment_len, const char *actor, size_t actor_len, int64_t time_ms,
    char *buf, size_t cap)
{
    size_t   n;
    json_t  *v;

    /* jansson checks that both texts are UTF-8 */
    v = json_pack("{s:I,s:s%,s:s%,s:I}", "expires", (json_int_t) expires_ms,
                  "comment", comment ? comment : "", comment ? comment_len : 0,
                  "actor", actor, actor_len, "time", (json_int_t) time_ms);
    if (v == NULL) {
        return 0;
    }

    n = json_dumpb(v, buf, cap, JSON_COMPACT);
    json_decref(v);

    return n <= cap ? n : 0;
}


int
lr_list_meta_expires(const char *value, size_t len, int64_t *expires_ms)
{
    json_t  *v, *e;

    *expires_ms = 0;

    v = json_loadb(value, len, 0, NULL);
    if (v == NULL) {
        return -1;
    }

    e = json_object_get(v, "expires");

    if (!json_is_integer(e) || json_integer_value(e) < 0) {
        json_decref(v);
        return -1;
    }

    *expires_ms = json_integer_value(e);
    json_decref(v);

    return 0;
}


static int
lr_list_request_fail(char *err, size_t err_len, const char *what)
{
    snprintf(err, err_len, "%s", what);
    return -1;
}


int
lr_list_request_parse(const char *body, size_t len, int64_t now_ms,
    lr_list_request *req, char *err, size_t err_len)
{
    int          rc;
    json_t      *obj, *v, *entry, *expires, *ttl, *comment;
    const char  *key;

    memset(req, 0, sizeof(*req));

    obj = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);

    if (!json_is_object(obj)) {
        json_decref(obj);
        return lr_list_request_fail(err, err_len,
                                    "the body is not a JSON object");
    }

    rc = -1;

    json_object_foreach(obj, key, v) {
        if (strcmp(key, "entry") != 0 && strcmp(key, "expires") != 0
            && strcmp(key, "ttl") != 0 && strcmp(key, "comment") != 0)
        {
            snprintf(err, err_len, "unknown member \"%.64s\" (expected "
                     "entry, expires, ttl, comment)", key);
            goto done;
        }
    }

    entry = json_object_get(obj, "entry");
    expires = json_object_get(obj, "expires");
    ttl = json_object_get(obj, "ttl");
    comment = json_object_get(obj, "comment");

    if (!json_is_string(entry)) {
        lr_list_request_fail(err, err_len, "\"entry\" is missing or not a "
                             "string");
        goto done;
    }

    if (json_string_length(entry) > LR_LIST_ENTRY_MAX) {
        lr_list_request_fail(err, err_len, "\"entry\" is longer than 1024 "
                             "bytes");
        goto done;
    }

    req->entry_len = json_string_length(entry);
    memcpy(req->entry, json_string_value(entry), req->entry_len);
    req->entry[req->entry_len] = '\0';

    if (expires && ttl) {
        lr_list_request_fail(err, err_len, "give \"expires\" or \"ttl\", "
                             "not both");
        goto done;
    }

    if (expires
        && (!json_is_string(expires)
            || lr_parse_time(json_string_value(expires), &req->expires_ms)
               != 0))
    {
        lr_list_request_fail(err, err_len, "\"expires\" is not "
                             "YYYY-MM-DDTHH:MM:SSZ");
        goto done;
    }

    if (ttl) {
        if (!json_is_integer(ttl) || json_integer_value(ttl) < 1
            || json_integer_value(ttl) > LR_LIST_TTL_MAX)
        {
            lr_list_request_fail(err, err_len, "\"ttl\" is not a number of "
                                 "seconds from 1 to 10 years");
            goto done;
        }

        req->expires_ms = now_ms + json_integer_value(ttl) * 1000;
    }

    if (expires && req->expires_ms <= now_ms) {
        lr_list_request_fail(err, err_len, "\"expires\" is not in the "
                             "future");
        goto done;
    }

    if (comment) {
        if (!json_is_string(comment)) {
            lr_list_request_fail(err, err_len, "\"comment\" is not a "
                                 "string");
            goto done;
        }

        if (json_string_length(comment) > LR_LIST_COMMENT_MAX) {
            lr_list_request_fail(err, err_len, "\"comment\" is longer than "
                                 "256 bytes");
            goto done;
        }

        req->comment_len = json_string_length(comment);
        memcpy(req->comment, json_string_value(comment), req->comment_len);
        req->comment[req->comment_len] = '\0';

        if (memchr(req->comment, '\0', req->comment_len)) {
            lr_list_request_fail(err, err_len, "\"comment\" has a NUL");
            goto done;
        }
    }

    rc = 0;

done:

    json_decref(obj);

    return rc;
}


size_t
lr_list_actor(const char *in, size_t len, char out[LR_LIST_ACTOR_MAX + 1])
{
    size_t    i, n, o;
    uint32_t  cp;

    o = 0;

    for (i = 0; in && i < len; i += n) {
        n = lr_utf8_decode((const unsigned char *) in + i, len - i, &cp);

        if (n == 0 || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
            n = 1;

            if (o + 1 > LR_LIST_ACTOR_MAX) {
                break;
            }

            out[o++] = '?';
            continue;
        }

        if (o + n > LR_LIST_ACTOR_MAX) {
            break;
        }

        memcpy(out + o, in + i, n);
        o += n;
    }

    if (o == 0) {
        out[o++] = '-';
    }

    out[o] = '\0';

    return o;
}
