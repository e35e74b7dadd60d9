#ifndef LR_TEST_REDIS_H
#define LR_TEST_REDIS_H

/*
 * Redis commands checked and replies made by hand, as hiredis hands them
 * over, for the unit tests of the store's commands (static inline: see
 * lr_test.h). Include after lr_test.h.
 */

#include "lr_redis.h"

#include <hiredis/hiredis.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>


static inline redisReply *
rstr(const char *s, size_t len)
{
    redisReply  *r = calloc(1, sizeof(*r));

    r->type = REDIS_REPLY_STRING;
    r->str = malloc(len + 1);
    memcpy(r->str, s, len);
    r->str[len] = '\0';
    r->len = len;

    return r;
}


static inline redisReply *
rnum(long long v)
{
    redisReply  *r = calloc(1, sizeof(*r));

    r->type = REDIS_REPLY_INTEGER;
    r->integer = v;

    return r;
}


static inline redisReply *
rnil(void)
{
    redisReply  *r = calloc(1, sizeof(*r));

    r->type = REDIS_REPLY_NIL;

    return r;
}


static inline redisReply *
rarr(size_t n, ...)
{
    size_t       i;
    va_list      ap;
    redisReply  *r = calloc(1, sizeof(*r));

    r->type = REDIS_REPLY_ARRAY;
    r->elements = n;
    r->element = calloc(n ? n : 1, sizeof(redisReply *));

    va_start(ap, n);
    for (i = 0; i < n; i++) {
        r->element[i] = va_arg(ap, redisReply *);
    }
    va_end(ap);

    return r;
}


static inline void
rfree(redisReply *r)
{
    size_t  i;

    for (i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
        rfree(r->element[i]);
    }

    free(r->element);
    free(r->str);
    free(r);
}



static inline int
arg_is(const lr_redis_cmd *cmd, int i, const char *s)
{
    return i < cmd->argc && cmd->argvlen[i] == strlen(s)
           && memcmp(cmd->argv[i], s, cmd->argvlen[i]) == 0;
}


/* the hash tag of a key: what is between its first '{' and the next '}' */
static inline void
tag_of(const char *key, size_t len, char *out, size_t cap)
{
    const char  *open, *close;

    open = memchr(key, '{', len);
    assert_non_null(open);
    close = memchr(open, '}', len - (size_t) (open - key));
    assert_non_null(close);
    assert_true((size_t) (close - open) < cap);
    memcpy(out, open + 1, (size_t) (close - open - 1));
    out[close - open - 1] = '\0';
}


/* A script call's keys all have the prefix and one hash tag (Redis
 * Cluster runs it on one shard); returns the number of keys. */
static inline int
check_keys(const lr_redis_cmd *cmd, const char *prefix, const char *tag)
{
    int    i, n;
    char   t[64], first[64];

    n = atoi(cmd->argv[2]);
    assert_true(n >= 1 && 3 + n <= cmd->argc);

    for (i = 0; i < n; i++) {
        assert_memory_equal(cmd->argv[3 + i], prefix, strlen(prefix));
        tag_of(cmd->argv[3 + i], cmd->argvlen[3 + i], t, sizeof(t));

        if (i == 0) {
            strcpy(first, t);
            assert_memory_equal(t, tag, strlen(tag));

        } else {
            assert_string_equal(t, first);
        }
    }

    return n;
}


#endif
