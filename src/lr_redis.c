#include "lr_redis.h"

#include <openssl/sha.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/*
 * The scripts. Each takes the keys of one hash tag; a missing key reads as
 * nothing, so a new user, IP or device needs no setup.
 */

/* KEYS: anything; ARGV[i]: what to do with KEYS[i]: g GET, h PFCOUNT,
 * t take (GET, then DEL: a single-use value) */
static const char  lr_script_read[] =
    "local r = {}\n"
    "for i, k in ipairs(KEYS) do\n"
    "  local op = ARGV[i]\n"
    "  if op == 'h' then\n"
    "    r[i] = redis.call('PFCOUNT', k)\n"
    "  else\n"
    "    r[i] = redis.call('GET', k)\n"
    "    if op == 't' then redis.call('DEL', k) end\n"
    "  end\n"
    "end\n"
    "return r\n";

/* KEYS: sketch, total; ARGV: depth, then depth cells per feature.
 * Returns the total and, per feature, its smallest cell (the estimate). */
static const char  lr_script_pop[] =
    "local depth = tonumber(ARGV[1])\n"
    "local cmd = {'BITFIELD', KEYS[1]}\n"
    "for i = 2, #ARGV do\n"
    "  cmd[#cmd + 1] = 'GET'; cmd[#cmd + 1] = 'u32'\n"
    "  cmd[#cmd + 1] = '#' .. ARGV[i]\n"
    "end\n"
    "local v = redis.call(unpack(cmd))\n"
    "local out = {tonumber(redis.call('GET', KEYS[2]) or '0')}\n"
    "for g = 0, (#ARGV - 1) / depth - 1 do\n"
    "  local m = v[g * depth + 1]\n"
    "  for j = 2, depth do\n"
    "    if v[g * depth + j] < m then m = v[g * depth + j] end\n"
    "  end\n"
    "  out[#out + 1] = m\n"
    "end\n"
    "return out\n";

/* KEYS: counters; ARGV: per key op (i INCR, h PFADD, d DEL), window in
 * seconds, member. A window starts with its first event. */
static const char  lr_script_count[] =
    "for i, k in ipairs(KEYS) do\n"
    "  local op = ARGV[3 * i - 2]\n"
    "  if op == 'd' then\n"
    "    redis.call('DEL', k)\n"
    "  else\n"
    "    if op == 'i' then redis.call('INCR', k)\n"
    "    else redis.call('PFADD', k, ARGV[3 * i]) end\n"
    "    if redis.call('TTL', k) < 0 then\n"
    "      redis.call('EXPIRE', k, ARGV[3 * i - 1])\n"
    "    end\n"
    "  end\n"
    "end\n"
    "return #KEYS\n";

/* KEYS: profile; ARGV: the encoding learnt from, the new one, TTL.
 * Another front end may have written in between: then nothing is written
 * and the current encoding comes back to learn from again. */
static const char  lr_script_profile[] =
    "local cur = redis.call('GET', KEYS[1]) or ''\n"
    "if cur ~= ARGV[1] then return {0, cur} end\n"
    "redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])\n"
    "return {1}\n";

/* KEYS: sketch, total; ARGV: the cells of a login's features */
static const char  lr_script_pop_learn[] =
    "local cmd = {'BITFIELD', KEYS[1], 'OVERFLOW', 'SAT'}\n"
    "for i = 1, #ARGV do\n"
    "  cmd[#cmd + 1] = 'INCRBY'; cmd[#cmd + 1] = 'u32'\n"
    "  cmd[#cmd + 1] = '#' .. ARGV[i]; cmd[#cmd + 1] = 1\n"
    "end\n"
    "if #ARGV > 0 then redis.call(unpack(cmd)) end\n"
    "return redis.call('INCR', KEYS[2])\n";


static const struct {
    const char  *name;
    const char  *text;
} lr_scripts[LR_SCRIPT_COUNT_ALL] = {
    { "read", lr_script_read },
    { "pop", lr_script_pop },
    { "count", lr_script_count },
    { "profile", lr_script_profile },
    { "pop_learn", lr_script_pop_learn },
};


const char *
lr_redis_script(lr_script s)
{
    return lr_scripts[s].text;
}


const char *
lr_redis_script_name(lr_script s)
{
    return lr_scripts[s].name;
}


int
lr_redis_script_sha(lr_script s, char sha[41])
{
    size_t         i;
    unsigned char  md[SHA_DIGEST_LENGTH];

    if (SHA1((const unsigned char *) lr_scripts[s].text,
             strlen(lr_scripts[s].text), md)
        == NULL)
    {
        return -1;
    }

    for (i = 0; i < SHA_DIGEST_LENGTH; i++) {
        snprintf(sha + 2 * i, 3, "%02x", md[i]);
    }

    return 0;
}


static void
lr_redis_cmd_init(lr_redis_cmd *cmd)
{
    cmd->argc = 0;
    cmd->used = 0;
}


int
lr_redis_cmd_arg(lr_redis_cmd *cmd, const char *data, size_t len)
{
    if (cmd->argc == LR_REDIS_ARGS_MAX) {
        return -1;
    }

    cmd->argv[cmd->argc] = data;
    cmd->argvlen[cmd->argc] = len;
    cmd->argc++;

    return 0;
}


/* An argument formatted into the command's own storage. */
int
lr_redis_cmd_argf(lr_redis_cmd *cmd, const char *fmt, ...)
{
    int       n;
    char     *p;
    size_t    room;
    va_list   args;

    p = cmd->buf + cmd->used;
    room = sizeof(cmd->buf) - cmd->used;

    va_start(args, fmt);
    n = vsnprintf(p, room, fmt, args);
    va_end(args);

    if (n < 0 || (size_t) n >= room) {
        return -1;
    }

    cmd->used += (size_t) n + 1;

    return lr_redis_cmd_arg(cmd, p, (size_t) n);
}


void
lr_redis_cmd_script(lr_redis_cmd *cmd, lr_script s, const char *sha)
{
    lr_redis_cmd_init(cmd);

    if (sha != NULL) {
        lr_redis_cmd_arg(cmd, "EVALSHA", 7);
        lr_redis_cmd_arg(cmd, sha, strlen(sha));

    } else {
        lr_redis_cmd_arg(cmd, "EVAL", 4);
        lr_redis_cmd_arg(cmd, lr_scripts[s].text, strlen(lr_scripts[s].text));
    }
}


/* the cells of feature f's value v, one per row */
static void
lr_redis_cells(unsigned f, uint64_t v, uint64_t cell[LR_CMS_DEPTH])
{
    unsigned  r;

    /* rows take different 16 bits of the value's hash */
    for (r = 0; r < LR_CMS_DEPTH; r++) {
        cell[r] = ((uint64_t) f * LR_CMS_DEPTH + r) * LR_CMS_WIDTH
                  + ((v >> (16 * r)) & (LR_CMS_WIDTH - 1));
    }
}


#define LR_HEX  "%016llx"
#define LR_U(v) ((unsigned long long) (v))


int
lr_redis_read(const char *prefix, const char *sha, lr_read_part part,
    const lr_keys *keys, lr_redis_cmd *cmd)
{
    int       rc;
    unsigned  f, r;
    uint64_t  cell[LR_CMS_DEPTH];

    switch (part) {

    case LR_READ_USER:
        if (keys->user == 0) {
            return 0;
        }

        lr_redis_cmd_script(cmd, LR_SCRIPT_READ, sha);
        rc = lr_redis_cmd_argf(cmd, "3")
             | lr_redis_cmd_argf(cmd, "%s{u:" LR_HEX "}:p", prefix,
                                 LR_U(keys->user))
             | lr_redis_cmd_argf(cmd, "%s{u:" LR_HEX "}:f", prefix,
                                 LR_U(keys->user))
             | lr_redis_cmd_argf(cmd, "%s{u:" LR_HEX "}:if:" LR_HEX, prefix,
                                 LR_U(keys->user),
                                 LR_U(keys->counter[LR_C_IP_USER_FAILURES]))
             | lr_redis_cmd_argf(cmd, "g")
             | lr_redis_cmd_argf(cmd, "g")
             | lr_redis_cmd_argf(cmd, "g");
        return rc ? -1 : 1;

    case LR_READ_IP:
    case LR_READ_DEVICE:
        if (part == LR_READ_DEVICE && keys->device == 0) {
            return 0;
        }

        lr_redis_cmd_script(cmd, LR_SCRIPT_READ, sha);
        rc = lr_redis_cmd_argf(cmd, "2")
             | lr_redis_cmd_argf(cmd, "%s{%s:" LR_HEX "}:f", prefix,
                                 part == LR_READ_IP ? "ip" : "d",
                                 LR_U(part == LR_READ_IP ? keys->ip
                                                         : keys->device))
             | lr_redis_cmd_argf(cmd, "%s{%s:" LR_HEX "}:u", prefix,
                                 part == LR_READ_IP ? "ip" : "d",
                                 LR_U(part == LR_READ_IP ? keys->ip
                                                         : keys->device))
             | lr_redis_cmd_argf(cmd, "g")
             | lr_redis_cmd_argf(cmd, "h");
        return rc ? -1 : 1;

    case LR_READ_POP:
        lr_redis_cmd_script(cmd, LR_SCRIPT_POP, sha);
        rc = lr_redis_cmd_argf(cmd, "2")
             | lr_redis_cmd_argf(cmd, "%s{pop}:cms", prefix)
             | lr_redis_cmd_argf(cmd, "%s{pop}:n", prefix)
             | lr_redis_cmd_argf(cmd, "%u", (unsigned) LR_CMS_DEPTH);

        for (f = 0; f < LR_F_COUNT; f++) {
            lr_redis_cells(f, keys->f.v[f], cell);

            for (r = 0; r < LR_CMS_DEPTH; r++) {
                rc |= lr_redis_cmd_argf(cmd, "%llu", LR_U(cell[r]));
            }
        }

        return rc ? -1 : 1;

    default:
        return 0;
    }
}


/* A count as the scripts return it: an integer, a decimal string, or
 * nothing (a key that does not exist). */
static int
lr_redis_number(const redisReply *r, uint64_t *out)
{
    char                *end;
    unsigned long long   v;

    switch (r->type) {

    case REDIS_REPLY_NIL:
        *out = 0;
        return 0;

    case REDIS_REPLY_INTEGER:
        if (r->integer < 0) {
            return -1;
        }

        *out = (uint64_t) r->integer;
        return 0;

    case REDIS_REPLY_STRING:
        if (r->len == 0 || r->len > 20 || r->str[0] < '0'
            || r->str[0] > '9')
        {
            return -1;
        }

        v = strtoull(r->str, &end, 10);
        if (end != r->str + r->len) {
            return -1;
        }

        *out = v;
        return 0;

    default:
        return -1;
    }
}


static uint32_t
lr_redis_clamp(uint64_t v)
{
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t) v;
}


int
lr_redis_read_reply(lr_read_part part, const redisReply *reply,
    const lr_keys *keys, int64_t now_ms, int64_t profile_max_age_ms,
    lr_profile *profile, lr_view *view)
{
    size_t               f;
    uint64_t             a, b;
    const redisReply    *blob;

    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY) {
        return -1;
    }

    switch (part) {

    case LR_READ_USER:
        if (reply->elements != 3
            || lr_redis_number(reply->element[1], &a) != 0
            || lr_redis_number(reply->element[2], &b) != 0)
        {
            return -1;
        }

        view->counter[LR_C_USER_FAILURES] = lr_redis_clamp(a);
        view->counter[LR_C_IP_USER_FAILURES] = lr_redis_clamp(b);

        blob = reply->element[0];

        if (blob->type == REDIS_REPLY_NIL) {
            return 0;
        }

        if (blob->type != REDIS_REPLY_STRING) {
            return -1;
        }

        /* an unreadable profile counts as none: the next success writes a
         * good one over it (the caller logs it) */
        if (lr_profile_decode((const unsigned char *) blob->str, blob->len,
                              profile)
            != 0)
        {
            return 1;
        }

        lr_profile_expire(profile, now_ms, profile_max_age_ms);

        if (profile->successes) {
            view->profile = profile;
            lr_profile_counts(profile, &keys->f, view->seen);
        }

        return 0;

    case LR_READ_IP:
    case LR_READ_DEVICE:
        if (reply->elements != 2
            || lr_redis_number(reply->element[0], &a) != 0
            || lr_redis_number(reply->element[1], &b) != 0)
        {
            return -1;
        }

        if (part == LR_READ_IP) {
            view->counter[LR_C_IP_FAILURES] = lr_redis_clamp(a);
            view->counter[LR_C_IP_USERS] = lr_redis_clamp(b);

        } else {
            view->counter[LR_C_DEVICE_FAILURES] = lr_redis_clamp(a);
            view->counter[LR_C_DEVICE_USERS] = lr_redis_clamp(b);
        }

        return 0;

    case LR_READ_POP:
        if (reply->elements != 1 + LR_F_COUNT
            || lr_redis_number(reply->element[0], &a) != 0)
        {
            return -1;
        }

        view->pop_total = a;

        for (f = 0; f < LR_F_COUNT; f++) {
            if (lr_redis_number(reply->element[1 + f], &b) != 0) {
                return -1;
            }

            view->pop[f] = keys->f.v[f] ? b : 0;
        }

        return 0;

    default:
        return -1;
    }
}


typedef struct {
    char      key[LR_REDIS_KEY_MAX];
    char      op;
    uint32_t  window_s;
    uint64_t  member;
} lr_redis_op;


static int
lr_redis_count_group(const char *prefix, const char *sha,
    const lr_redis_op *ops, size_t n, lr_redis_cmd *cmd)
{
    int     rc;
    size_t  i;

    lr_redis_cmd_script(cmd, LR_SCRIPT_COUNT, sha);
    rc = lr_redis_cmd_argf(cmd, "%u", (unsigned) n);

    for (i = 0; i < n; i++) {
        rc |= lr_redis_cmd_argf(cmd, "%s%s", prefix, ops[i].key);
    }

    for (i = 0; i < n; i++) {
        rc |= lr_redis_cmd_argf(cmd, "%c", ops[i].op)
              | lr_redis_cmd_argf(cmd, "%u", (unsigned) ops[i].window_s)
              | lr_redis_cmd_argf(cmd, LR_HEX, LR_U(ops[i].member));
    }

    return rc ? -1 : 0;
}


int
lr_redis_count(const char *prefix, const char *sha, const lr_keys *keys,
    const lr_writes *w, lr_redis_cmd cmd[3])
{
    int           filled;
    size_t        n[3], g;
    unsigned      i;
    lr_redis_op   ops[3][4], *op;

    static const struct {
        unsigned     group;             /* 0 user, 1 IP, 2 device */
        const char  *fmt;               /* after the prefix */
    } where[LR_C_COUNT] = {
        [LR_C_IP_FAILURES] = { 1, "{ip:" LR_HEX "}:f" },
        [LR_C_USER_FAILURES] = { 0, "{u:" LR_HEX "}:f" },
        [LR_C_DEVICE_FAILURES] = { 2, "{d:" LR_HEX "}:f" },
        [LR_C_IP_USER_FAILURES] = { 0, "{u:" LR_HEX "}:if:" LR_HEX },
        [LR_C_IP_USERS] = { 1, "{ip:" LR_HEX "}:u" },
        [LR_C_DEVICE_USERS] = { 2, "{d:" LR_HEX "}:u" },
    };

    n[0] = n[1] = n[2] = 0;

    for (i = 0; i < LR_C_COUNT; i++) {
        if (w->incr[i] == 0 && w->reset[i] == 0) {
            continue;
        }

        g = where[i].group;
        op = &ops[g][n[g]++];

        snprintf(op->key, sizeof(op->key), where[i].fmt,
                 LR_U(g == 0 ? keys->user : g == 1 ? keys->ip : keys->device),
                 LR_U(keys->counter[i]));

        op->op = w->reset[i] ? 'd'
                 : (i == LR_C_IP_USERS || i == LR_C_DEVICE_USERS) ? 'h' : 'i';
        op->window_s = w->window_s[i] ? w->window_s[i] : 1;
        op->member = w->member[i];
    }

    filled = 0;

    for (g = 0; g < 3; g++) {
        if (n[g] == 0) {
            continue;
        }

        if (lr_redis_count_group(prefix, sha, ops[g], n[g], &cmd[filled])
            != 0)
        {
            return -1;
        }

        filled++;
    }

    return filled;
}


int
lr_redis_profile_cas(const char *prefix, const char *sha, uint64_t user,
    const unsigned char *old, size_t old_len, const unsigned char *new_enc,
    size_t new_len, int64_t ttl_s, lr_redis_cmd *cmd)
{
    int  rc;

    lr_redis_cmd_script(cmd, LR_SCRIPT_PROFILE, sha);
    rc = lr_redis_cmd_argf(cmd, "1")
         | lr_redis_cmd_argf(cmd, "%s{u:" LR_HEX "}:p", prefix, LR_U(user))
         | lr_redis_cmd_arg(cmd, (const char *) old, old_len)
         | lr_redis_cmd_arg(cmd, (const char *) new_enc, new_len)
         | lr_redis_cmd_argf(cmd, "%lld", (long long) (ttl_s > 0 ? ttl_s
                                                                  : 1));

    return rc ? -1 : 0;
}


int
lr_redis_pop_learn(const char *prefix, const char *sha,
    const lr_features *f, lr_redis_cmd *cmd)
{
    int       rc;
    unsigned  i, r;
    uint64_t  cell[LR_CMS_DEPTH];

    lr_redis_cmd_script(cmd, LR_SCRIPT_POP_LEARN, sha);
    rc = lr_redis_cmd_argf(cmd, "2")
         | lr_redis_cmd_argf(cmd, "%s{pop}:cms", prefix)
         | lr_redis_cmd_argf(cmd, "%s{pop}:n", prefix);

    for (i = 0; i < LR_F_COUNT; i++) {
        if (f->v[i] == 0) {
            continue;
        }

        lr_redis_cells(i, f->v[i], cell);

        for (r = 0; r < LR_CMS_DEPTH; r++) {
            rc |= lr_redis_cmd_argf(cmd, "%llu", LR_U(cell[r]));
        }
    }

    return rc ? -1 : 0;
}


int
lr_redis_attempt_put(const char *prefix, uint64_t user,
    const char *attempt, const unsigned char *data, size_t len,
    int64_t ttl_s, lr_redis_cmd *cmd)
{
    int  rc;

    lr_redis_cmd_init(cmd);
    rc = lr_redis_cmd_arg(cmd, "SET", 3)
         | lr_redis_cmd_argf(cmd, "%s{u:" LR_HEX "}:c:%s", prefix,
                             LR_U(user), attempt)
         | lr_redis_cmd_arg(cmd, (const char *) data, len)
         | lr_redis_cmd_arg(cmd, "EX", 2)
         | lr_redis_cmd_argf(cmd, "%lld", (long long) ttl_s);

    return rc ? -1 : 0;
}


int
lr_redis_attempt_take(const char *prefix, const char *sha, uint64_t user,
    const char *attempt, lr_redis_cmd *cmd)
{
    int  rc;

    lr_redis_cmd_script(cmd, LR_SCRIPT_READ, sha);
    rc = lr_redis_cmd_argf(cmd, "2")
         | lr_redis_cmd_argf(cmd, "%s{u:" LR_HEX "}:c:%s", prefix,
                             LR_U(user), attempt)
         | lr_redis_cmd_argf(cmd, "%s{u:" LR_HEX "}:p", prefix, LR_U(user))
         | lr_redis_cmd_argf(cmd, "t")
         | lr_redis_cmd_argf(cmd, "g");

    return rc ? -1 : 0;
}


size_t
lr_redis_learn_profile(const unsigned char *old, size_t old_len,
    const lr_writes *w, unsigned char *out)
{
    lr_profile  p;

    if (old_len == 0 || lr_profile_decode(old, old_len, &p) != 0) {
        memset(&p, 0, sizeof(p));
    }

    lr_profile_expire(&p, w->time_ms, w->profile_max_age_ms);
    lr_profile_learn(&p, &w->f, w->time_ms, w->has_location, w->lat, w->lon,
                     w->profile_values);

    return lr_profile_encode(&p, out);
}
