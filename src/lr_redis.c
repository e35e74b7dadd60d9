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

/* KEYS: anything; ARGV[i]: what to do with KEYS[i]: g GET, t take (GET,
 * then DEL: a single-use value) */
static const char  lr_script_read[] =
    "local r = {}\n"
    "for i, k in ipairs(KEYS) do\n"
    "  r[i] = redis.call('GET', k)\n"
    "  if ARGV[i] == 't' then redis.call('DEL', k) end\n"
    "end\n"
    "return r\n";

/* KEYS: profile; ARGV: the encoding learnt from, the new one, TTL.
 * Another front end may have written in between: then nothing is written
 * and the current encoding comes back to learn from again. */
static const char  lr_script_profile[] =
    "local cur = redis.call('GET', KEYS[1]) or ''\n"
    "if cur ~= ARGV[1] then return {0, cur} end\n"
    "redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])\n"
    "return {1}\n";

/* KEYS: a live list's hash and its expiry set, the lists' version, the
 * audit stream (lr_list.h); ARGV: op ("add" or "del"), entry, its value,
 * its expiry (ms, 0: never), now (ms), actor, kind, side, the stream's
 * length. One change, whole or not at all: the entry, the entries of the
 * list that lapsed, the version, the audit. Deleting what is not there
 * changes nothing. The version starts at the time of the first change
 * (ms), so that it never comes back to a number the front ends have seen
 * after Redis lost its data. Returns {1, before, audit id, version} or
 * {0, ""}. */
static const char  lr_script_list_change[] =
    "local before = redis.call('HGET', KEYS[1], ARGV[2]) or ''\n"
    "if ARGV[1] == 'del' and before == '' then return {0, ''} end\n"
    "local lapsed = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[5])\n"
    "for _, e in ipairs(lapsed) do\n"
    "  if e ~= ARGV[2] then redis.call('HDEL', KEYS[1], e) end\n"
    "end\n"
    "redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[5])\n"
    "local after = ''\n"
    "if ARGV[1] == 'add' then\n"
    "  redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])\n"
    "  if ARGV[4] ~= '0' then\n"
    "    redis.call('ZADD', KEYS[2], ARGV[4], ARGV[2])\n"
    "  else\n"
    "    redis.call('ZREM', KEYS[2], ARGV[2])\n"
    "  end\n"
    "  after = ARGV[3]\n"
    "else\n"
    "  redis.call('HDEL', KEYS[1], ARGV[2])\n"
    "  redis.call('ZREM', KEYS[2], ARGV[2])\n"
    "end\n"
    "local v\n"
    "if redis.call('EXISTS', KEYS[3]) == 0 then\n"
    "  v = tonumber(ARGV[5])\n"
    "  redis.call('SET', KEYS[3], ARGV[5])\n"
    "else\n"
    "  v = redis.call('INCR', KEYS[3])\n"
    "end\n"
    "local id = redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[9], '*',\n"
    "  'actor', ARGV[6], 'time', ARGV[5], 'op', ARGV[1], 'kind', ARGV[7],\n"
    "  'side', ARGV[8], 'entry', ARGV[2], 'before', before,\n"
    "  'after', after)\n"
    "return {1, before, id, v}\n";


static const struct {
    const char  *name;
    const char  *text;
} lr_scripts[LR_SCRIPT_COUNT_ALL] = {
    { "read", lr_script_read },
    { "profile", lr_script_profile },
    { "list_change", lr_script_list_change },
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


void
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


/* writes n in decimal (at most 20 digits) and returns the end: commands
 * carry dozens of numbers per login, and a generic formatter costs more
 * than the rest of building them */
static char *
lr_redis_decimal(char *p, uint64_t n)
{
    char    digits[20];
    size_t  i;

    i = 0;

    do {
        digits[i++] = (char) ('0' + n % 10);
        n /= 10;
    } while (n);

    while (i) {
        *p++ = digits[--i];
    }

    return p;
}


/* writes "<c><n>\r\n" and returns the end */
static char *
lr_redis_resp_len(char *p, char c, size_t n)
{
    *p++ = c;
    p = lr_redis_decimal(p, n);
    *p++ = '\r';
    *p++ = '\n';

    return p;
}


size_t
lr_redis_cmd_resp(const lr_redis_cmd *cmd, char *out, size_t cap)
{
    int     i;
    char   *p;
    size_t  need;

    /* "*argc\r\n", then "$len\r\narg\r\n" per argument */
    need = 1 + 20 + 2;

    for (i = 0; i < cmd->argc; i++) {
        need += 1 + 20 + 2 + cmd->argvlen[i] + 2;
    }

    if (need > cap) {
        return 0;
    }

    p = lr_redis_resp_len(out, '*', (size_t) cmd->argc);

    for (i = 0; i < cmd->argc; i++) {
        p = lr_redis_resp_len(p, '$', cmd->argvlen[i]);
        memcpy(p, cmd->argv[i], cmd->argvlen[i]);
        p += cmd->argvlen[i];
        *p++ = '\r';
        *p++ = '\n';
    }

    return (size_t) (p - out);
}


/* A cell argument, "#n". */
static int
lr_redis_cmd_cell(lr_redis_cmd *cmd, uint64_t n)
{
    char  *start, *p;

    if (sizeof(cmd->buf) - cmd->used < 1 + 20) {
        return -1;
    }

    start = cmd->buf + cmd->used;
    p = start;
    *p++ = '#';
    p = lr_redis_decimal(p, n);

    cmd->used += (size_t) (p - start);

    return lr_redis_cmd_arg(cmd, start, (size_t) (p - start));
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

    /* rows take different bits of the value's hash */
    for (r = 0; r < LR_CMS_DEPTH; r++) {
        cell[r] = LR_CMS_FIRST
                  + ((uint64_t) f * LR_CMS_DEPTH + r) * LR_CMS_WIDTH
                  + ((v >> (32 * r)) & (LR_CMS_WIDTH - 1));
    }
}


#define LR_HEX  "%016llx"
#define LR_U(v) ((unsigned long long) (v))


int
lr_redis_read(const char *prefix, const char *sha, lr_read_part part,
    const lr_keys *keys, lr_redis_cmd cmd[LR_READ_CMDS_MAX])
{
    int          rc;
    unsigned     f, r;
    uint64_t     cell[LR_CMS_DEPTH], id;
    const char  *tag;

    switch (part) {

    case LR_READ_USER:
        if (keys->user == 0) {
            return 0;
        }

        lr_redis_cmd_script(&cmd[0], LR_SCRIPT_READ, sha);
        rc = lr_redis_cmd_argf(&cmd[0], "3")
             | lr_redis_cmd_argf(&cmd[0], "%s{u:" LR_HEX "}:p", prefix,
                                 LR_U(keys->user))
             | lr_redis_cmd_argf(&cmd[0], "%s{u:" LR_HEX "}:f", prefix,
                                 LR_U(keys->user))
             | lr_redis_cmd_argf(&cmd[0], "%s{u:" LR_HEX "}:if:" LR_HEX,
                                 prefix, LR_U(keys->user),
                                 LR_U(keys->counter[LR_C_IP_USER_FAILURES]))
             | lr_redis_cmd_argf(&cmd[0], "g")
             | lr_redis_cmd_argf(&cmd[0], "g")
             | lr_redis_cmd_argf(&cmd[0], "g");
        return rc ? -1 : 1;

    case LR_READ_IP:
    case LR_READ_DEVICE:
        if (part == LR_READ_DEVICE && keys->device == 0) {
            return 0;
        }

        tag = part == LR_READ_IP ? "ip" : "d";
        id = part == LR_READ_IP ? keys->ip : keys->device;

        lr_redis_cmd_init(&cmd[0]);
        lr_redis_cmd_init(&cmd[1]);
        rc = lr_redis_cmd_arg(&cmd[0], "GET", 3)
             | lr_redis_cmd_argf(&cmd[0], "%s{%s:" LR_HEX "}:f", prefix, tag,
                                 LR_U(id))
             | lr_redis_cmd_arg(&cmd[1], "PFCOUNT", 7)
             | lr_redis_cmd_argf(&cmd[1], "%s{%s:" LR_HEX "}:u", prefix, tag,
                                 LR_U(id));
        return rc ? -1 : 2;

    case LR_READ_POP:
        lr_redis_cmd_init(&cmd[0]);
        rc = lr_redis_cmd_arg(&cmd[0], "BITFIELD_RO", 11)
             | lr_redis_cmd_argf(&cmd[0], "%s{pop}:cms", prefix)
             | lr_redis_cmd_arg(&cmd[0], "GET", 3)
             | lr_redis_cmd_arg(&cmd[0], "i64", 3)
             | lr_redis_cmd_arg(&cmd[0], "0", 1);

        /* only the values the login has: an unknown one counts 0 */
        for (f = 0; f < LR_F_COUNT; f++) {
            if (keys->f.v[f] == 0) {
                continue;
            }

            lr_redis_cells(f, keys->f.v[f], cell);

            for (r = 0; r < LR_CMS_DEPTH; r++) {
                rc |= lr_redis_cmd_arg(&cmd[0], "GET", 3)
                      | lr_redis_cmd_arg(&cmd[0], "u32", 3)
                      | lr_redis_cmd_cell(&cmd[0], cell[r]);
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
lr_redis_read_reply(lr_read_part part, unsigned n, const redisReply *reply,
    const lr_keys *keys, int64_t now_ms, int64_t profile_max_age_ms,
    lr_profile *profile, lr_view *view)
{
    size_t               f, i;
    unsigned             r;
    uint64_t             a, b, min;
    const redisReply    *blob;

    if (reply == NULL) {
        return -1;
    }

    switch (part) {

    case LR_READ_USER:
        if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3
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
        /* GET of the failures (a string or nothing), PFCOUNT (a number) */
        if (n > 1
            || (n == 0 && reply->type == REDIS_REPLY_INTEGER)
            || (n == 1 && reply->type != REDIS_REPLY_INTEGER)
            || lr_redis_number(reply, &a) != 0)
        {
            return -1;
        }

        view->counter[part == LR_READ_IP
                      ? (n == 0 ? LR_C_IP_FAILURES : LR_C_IP_USERS)
                      : (n == 0 ? LR_C_DEVICE_FAILURES : LR_C_DEVICE_USERS)]
            = lr_redis_clamp(a);

        return 0;

    case LR_READ_POP:
        /* the login count, then LR_CMS_DEPTH cells per known value */
        if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 1
            || lr_redis_number(reply->element[0], &a) != 0)
        {
            return -1;
        }

        view->pop_total = a;
        i = 1;

        for (f = 0; f < LR_F_COUNT; f++) {
            view->pop[f] = 0;

            if (keys->f.v[f] == 0) {
                continue;
            }

            min = UINT64_MAX;

            for (r = 0; r < LR_CMS_DEPTH; r++, i++) {
                if (i >= reply->elements
                    || reply->element[i]->type != REDIS_REPLY_INTEGER
                    || lr_redis_number(reply->element[i], &b) != 0)
                {
                    return -1;
                }

                min = b < min ? b : min;
            }

            view->pop[f] = min;
        }

        return i == reply->elements ? 0 : -1;

    default:
        return -1;
    }
}


int
lr_redis_count(const char *prefix, const lr_keys *keys, const lr_writes *w,
    unsigned *pos, lr_redis_cmd *cmd)
{
    int        rc;
    char       key[LR_REDIS_KEY_MAX];
    unsigned   i, expire;
    uint64_t   id;

    /* where each counter lives: the user's, the IP's or the device's tag */
    static const struct {
        char         group;             /* u user, i IP, d device */
        const char  *fmt;               /* after the prefix */
    } where[LR_C_COUNT] = {
        [LR_C_IP_FAILURES] = { 'i', "%s{ip:" LR_HEX "}:f" },
        [LR_C_USER_FAILURES] = { 'u', "%s{u:" LR_HEX "}:f" },
        [LR_C_DEVICE_FAILURES] = { 'd', "%s{d:" LR_HEX "}:f" },
        [LR_C_IP_USER_FAILURES] = { 'u', "%s{u:" LR_HEX "}:if:" LR_HEX },
        [LR_C_IP_USERS] = { 'i', "%s{ip:" LR_HEX "}:u" },
        [LR_C_DEVICE_USERS] = { 'd', "%s{d:" LR_HEX "}:u" },
    };

    /* *pos: counter * 2, + 1 for the EXPIRE after its INCR or PFADD */
    for (i = *pos / 2; i < LR_C_COUNT; i++, *pos = 2 * i) {
        if (w->incr[i] != 0 || w->reset[i] != 0) {
            break;
        }
    }

    if (i == LR_C_COUNT) {
        return 0;
    }

    expire = *pos % 2;

    id = where[i].group == 'u' ? keys->user
         : where[i].group == 'i' ? keys->ip : keys->device;

    rc = snprintf(key, sizeof(key), where[i].fmt, prefix, LR_U(id),
                  LR_U(keys->counter[i]));
    if (rc < 0 || (size_t) rc >= sizeof(key)) {
        return -1;
    }

    lr_redis_cmd_init(cmd);

    if (w->reset[i]) {
        rc = lr_redis_cmd_arg(cmd, "DEL", 3)
             | lr_redis_cmd_argf(cmd, "%s", key);
        *pos = 2 * (i + 1);

    } else if (!expire) {
        rc = (i == LR_C_IP_USERS || i == LR_C_DEVICE_USERS)
             ? lr_redis_cmd_arg(cmd, "PFADD", 5)
               | lr_redis_cmd_argf(cmd, "%s", key)
               | lr_redis_cmd_argf(cmd, LR_HEX, LR_U(w->member[i]))
             : lr_redis_cmd_arg(cmd, "INCR", 4)
               | lr_redis_cmd_argf(cmd, "%s", key);
        *pos = 2 * i + 1;

    } else {
        /* the window starts with the first event: a TTL only when the key
         * has none */
        rc = lr_redis_cmd_arg(cmd, "EXPIRE", 6)
             | lr_redis_cmd_argf(cmd, "%s", key)
             | lr_redis_cmd_argf(cmd, "%u", (unsigned) (w->window_s[i]
                                                        ? w->window_s[i]
                                                        : 1))
             | lr_redis_cmd_arg(cmd, "NX", 2);
        *pos = 2 * (i + 1);
    }

    return rc ? -1 : 1;
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
lr_redis_pop_learn(const char *prefix, const lr_features *f, size_t n,
    lr_redis_cmd *cmd)
{
    int       rc;
    size_t    k;
    unsigned  i, r;
    uint64_t  cell[LR_CMS_DEPTH];

    if (n == 0 || n > LR_POP_BATCH) {
        return -1;
    }

    lr_redis_cmd_init(cmd);
    rc = lr_redis_cmd_arg(cmd, "BITFIELD", 8)
         | lr_redis_cmd_argf(cmd, "%s{pop}:cms", prefix)
         | lr_redis_cmd_arg(cmd, "INCRBY", 6)
         | lr_redis_cmd_arg(cmd, "i64", 3)
         | lr_redis_cmd_arg(cmd, "0", 1)
         | lr_redis_cmd_argf(cmd, "%zu", n)
         | lr_redis_cmd_arg(cmd, "OVERFLOW", 8)
         | lr_redis_cmd_arg(cmd, "SAT", 3);

    for (k = 0; k < n; k++) {
        for (i = 0; i < LR_F_COUNT; i++) {
            if (f[k].v[i] == 0) {
                continue;
            }

            lr_redis_cells(i, f[k].v[i], cell);

            for (r = 0; r < LR_CMS_DEPTH; r++) {
                rc |= lr_redis_cmd_arg(cmd, "INCRBY", 6)
                      | lr_redis_cmd_arg(cmd, "u32", 3)
                      | lr_redis_cmd_cell(cmd, cell[r])
                      | lr_redis_cmd_arg(cmd, "1", 1);
            }
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
lr_redis_telemetry_put(const char *prefix, const char *id,
    const unsigned char *data, size_t len, int64_t ttl_s, lr_redis_cmd *cmd)
{
    int  rc;

    lr_redis_cmd_init(cmd);
    rc = lr_redis_cmd_arg(cmd, "SET", 3)
         | lr_redis_cmd_argf(cmd, "%s{t:%s}", prefix, id)
         | lr_redis_cmd_arg(cmd, (const char *) data, len)
         | lr_redis_cmd_arg(cmd, "EX", 2)
         | lr_redis_cmd_argf(cmd, "%lld", (long long) ttl_s);

    return rc ? -1 : 0;
}


int
lr_redis_telemetry_take(const char *prefix, const char *id,
    lr_redis_cmd *cmd)
{
    int  rc;

    lr_redis_cmd_init(cmd);
    rc = lr_redis_cmd_arg(cmd, "GETDEL", 6)
         | lr_redis_cmd_argf(cmd, "%s{t:%s}", prefix, id);

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
