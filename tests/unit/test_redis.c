/*
 * The Redis store's commands and replies (lr_redis.h), without a Redis:
 * the commands a login sends (keys under one hash tag per command, the
 * prefix, EVALSHA or EVAL), how replies become the engine's view, and
 * which replies are refused. The real Redis runs the same commands in the
 * integration tests.
 */

#include "lr_test.h"

#include "lr_engine.h"
#include "lr_redis.h"

#include <openssl/sha.h>


static lr_keys  keys;


static void
some_keys(lr_keys *k)
{
    unsigned  i;

    memset(k, 0, sizeof(*k));
    k->user = 0x1111111111111111ULL;
    k->ip = 0x2222222222222222ULL;
    k->device = 0x3333333333333333ULL;

    for (i = 0; i < LR_F_COUNT; i++) {
        k->f.v[i] = 0x0102030405060708ULL * (i + 1);
    }

    for (i = 0; i < LR_C_COUNT; i++) {
        k->counter[i] = 0xa000 + i;
        k->member[i] = k->user;
    }
}


static int
setup(void **state)
{
    (void) state;
    some_keys(&keys);
    return 0;
}


static int
arg_is(const lr_redis_cmd *cmd, int i, const char *s)
{
    return i < cmd->argc && cmd->argvlen[i] == strlen(s)
           && memcmp(cmd->argv[i], s, cmd->argvlen[i]) == 0;
}


/* the hash tag of a key: what is between its first '{' and the next '}' */
static void
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
static int
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


static void
test_script_sha(void **state)
{
    int            s, i;
    char           sha[41], hex[41];
    unsigned char  md[SHA_DIGEST_LENGTH];

    (void) state;

    for (s = 0; s < LR_SCRIPT_COUNT_ALL; s++) {
        assert_int_equal(lr_redis_script_sha(s, sha), 0);
        assert_int_equal(strlen(sha), 40);

        /* what Redis computes for SCRIPT LOAD: SHA1 of the text */
        SHA1((const unsigned char *) lr_redis_script(s),
             strlen(lr_redis_script(s)), md);
        for (i = 0; i < SHA_DIGEST_LENGTH; i++) {
            snprintf(hex + 2 * i, 3, "%02x", md[i]);
        }
        assert_string_equal(sha, hex);
        assert_non_null(lr_redis_script_name(s));
    }
}


static void
test_read_commands(void **state)
{
    lr_redis_cmd  cmd;
    uint64_t      cell;
    int           i;

    (void) state;

    /* the user's keys */
    assert_int_equal(lr_redis_read("lr:", "s1", LR_READ_USER, &keys, &cmd), 1);
    assert_true(arg_is(&cmd, 0, "EVALSHA") && arg_is(&cmd, 1, "s1"));
    assert_int_equal(check_keys(&cmd, "lr:", "u:1111111111111111"), 3);
    assert_true(arg_is(&cmd, 3, "lr:{u:1111111111111111}:p"));
    assert_true(arg_is(&cmd, 4, "lr:{u:1111111111111111}:f"));
    assert_true(arg_is(&cmd, 5, "lr:{u:1111111111111111}:if:000000000000a003"));
    assert_true(arg_is(&cmd, 6, "g") && arg_is(&cmd, 7, "g")
                && arg_is(&cmd, 8, "g"));
    assert_int_equal(cmd.argc, 9);

    /* the IP's and the device's, distinct users by HyperLogLog */
    assert_int_equal(lr_redis_read("p:", "s1", LR_READ_IP, &keys, &cmd), 1);
    assert_int_equal(check_keys(&cmd, "p:", "ip:2222222222222222"), 2);
    assert_true(arg_is(&cmd, 5, "g") && arg_is(&cmd, 6, "h"));
    assert_int_equal(lr_redis_read("p:", "s1", LR_READ_DEVICE, &keys, &cmd),
                     1);
    assert_int_equal(check_keys(&cmd, "p:", "d:3333333333333333"), 2);

    /* EVAL with the text when the script is not known (NOSCRIPT) */
    assert_int_equal(lr_redis_read("p:", NULL, LR_READ_POP, &keys, &cmd), 1);
    assert_true(arg_is(&cmd, 0, "EVAL")
                && arg_is(&cmd, 1, lr_redis_script(LR_SCRIPT_POP)));
    assert_int_equal(check_keys(&cmd, "p:", "pop"), 2);
    assert_true(arg_is(&cmd, 5, "4"));
    assert_int_equal(cmd.argc, 6 + LR_F_COUNT * LR_CMS_DEPTH);

    /* each feature's cells stay in its own rows */
    for (i = 0; i < LR_F_COUNT * LR_CMS_DEPTH; i++) {
        cell = strtoull(cmd.argv[6 + i], NULL, 10);
        assert_true(cell / LR_CMS_WIDTH == (uint64_t) i);
    }

    /* nothing to read: no user id, no device */
    keys.user = 0;
    keys.device = 0;
    assert_int_equal(lr_redis_read("p:", "s", LR_READ_USER, &keys, &cmd), 0);
    assert_int_equal(lr_redis_read("p:", "s", LR_READ_DEVICE, &keys, &cmd),
                     0);
}


/* --- replies ---------------------------------------------------------- */

static redisReply *
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


static redisReply *
rnum(long long v)
{
    redisReply  *r = calloc(1, sizeof(*r));

    r->type = REDIS_REPLY_INTEGER;
    r->integer = v;

    return r;
}


static redisReply *
rnil(void)
{
    redisReply  *r = calloc(1, sizeof(*r));

    r->type = REDIS_REPLY_NIL;

    return r;
}


static redisReply *
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


static void
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


static int
decode(lr_read_part part, redisReply *r, lr_profile *p, lr_view *v)
{
    int  rc;

    memset(v, 0, sizeof(*v));
    rc = lr_redis_read_reply(part, r, &keys, 1000000, 86400000LL * 180, p, v);
    rfree(r);

    return rc;
}


static void
test_user_reply(void **state)
{
    size_t         len;
    lr_view        v;
    lr_profile     learnt, p;
    unsigned char  enc[LR_PROFILE_CODEC_MAX];

    (void) state;

    /* a new user: no profile, no failures */
    assert_int_equal(decode(LR_READ_USER, rarr(3, rnil(), rnil(), rnil()),
                            &p, &v), 0);
    assert_null(v.profile);
    assert_int_equal(v.counter[LR_C_USER_FAILURES], 0);

    /* counters come back as GET strings */
    assert_int_equal(decode(LR_READ_USER,
                            rarr(3, rnil(), rstr("3", 1), rstr("12", 2)),
                            &p, &v), 0);
    assert_int_equal(v.counter[LR_C_USER_FAILURES], 3);
    assert_int_equal(v.counter[LR_C_IP_USER_FAILURES], 12);

    /* a profile: decoded, and the login's values counted in it */
    memset(&learnt, 0, sizeof(learnt));
    lr_profile_learn(&learnt, &keys.f, 900000, 0, 0, 0, 16);
    lr_profile_learn(&learnt, &keys.f, 950000, 0, 0, 0, 16);
    len = lr_profile_encode(&learnt, enc);

    assert_int_equal(decode(LR_READ_USER,
                            rarr(3, rstr((char *) enc, len), rnil(), rnil()),
                            &p, &v), 0);
    assert_ptr_equal(v.profile, &p);
    assert_int_equal(p.successes, 2);
    assert_int_equal(v.seen[LR_F_COUNTRY], 2);
    assert_int_equal(v.seen[LR_F_FINGERPRINT], 2);

    /* an unreadable profile: reported (1), scored as none */
    assert_int_equal(decode(LR_READ_USER,
                            rarr(3, rstr("garbage", 7), rnil(), rnil()),
                            &p, &v), 1);
    assert_null(v.profile);
}


static void
test_bad_replies(void **state)
{
    lr_view     v;
    lr_profile  p;

    (void) state;

    /* not what the scripts return: the state is unavailable */
    assert_int_equal(lr_redis_read_reply(LR_READ_USER, NULL, &keys, 0, 0,
                                         &p, &v), -1);
    assert_int_equal(decode(LR_READ_USER, rnum(1), &p, &v), -1);
    assert_int_equal(decode(LR_READ_USER, rarr(2, rnil(), rnil()), &p, &v),
                     -1);
    assert_int_equal(decode(LR_READ_USER,
                            rarr(3, rnum(5), rnil(), rnil()), &p, &v), -1);
    assert_int_equal(decode(LR_READ_USER,
                            rarr(3, rnil(), rstr("-1", 2), rnil()), &p, &v),
                     -1);
    assert_int_equal(decode(LR_READ_USER,
                            rarr(3, rnil(), rstr("3x", 2), rnil()), &p, &v),
                     -1);
    assert_int_equal(decode(LR_READ_USER,
                            rarr(3, rnil(), rstr("", 0), rnil()), &p, &v),
                     -1);
    assert_int_equal(decode(LR_READ_IP, rarr(2, rnil(), rnum(-4)), &p, &v),
                     -1);
    assert_int_equal(decode(LR_READ_POP, rarr(1, rnum(3)), &p, &v), -1);
}


static void
test_counter_and_pop_replies(void **state)
{
    size_t       i;
    lr_view      v;
    lr_profile   p;
    redisReply  *pop;

    (void) state;

    assert_int_equal(decode(LR_READ_IP, rarr(2, rstr("7", 1), rnum(4)),
                            &p, &v), 0);
    assert_int_equal(v.counter[LR_C_IP_FAILURES], 7);
    assert_int_equal(v.counter[LR_C_IP_USERS], 4);

    assert_int_equal(decode(LR_READ_DEVICE,
                            rarr(2, rnil(), rnum(5000000000LL)), &p, &v), 0);
    assert_int_equal(v.counter[LR_C_DEVICE_FAILURES], 0);
    assert_int_equal(v.counter[LR_C_DEVICE_USERS], UINT32_MAX);

    pop = rarr(1 + LR_F_COUNT, rnum(1000), rnum(10), rnum(11), rnum(12),
               rnum(13), rnum(14), rnum(15), rnum(16), rnum(17), rnum(18),
               rnum(19));

    /* an unknown value (no device cookie) counts 0 whatever the sketch */
    keys.f.v[LR_F_DEVICE] = 0;
    assert_int_equal(decode(LR_READ_POP, pop, &p, &v), 0);
    assert_int_equal(v.pop_total, 1000);

    for (i = 0; i < LR_F_COUNT; i++) {
        assert_int_equal(v.pop[i], i == LR_F_DEVICE ? 0 : 10 + i);
    }
}


/* --- writes ----------------------------------------------------------- */

static void
test_failure_writes(void **state)
{
    int           n, i, j;
    lr_login      login;
    lr_config     cfg;
    lr_writes     w;
    lr_redis_cmd  cmd[3];

    (void) state;

    lr_config_default(&cfg);
    memset(&login, 0, sizeof(login));
    login.time_ms = 1000;
    login.user = "mallory";
    login.ip = "192.0.2.1";
    login.device_id = "dev-1";
    lr_engine_keys(&login, &keys);

    lr_engine_learn(&cfg, &login, &keys, 0, &w);
    n = lr_redis_count("lr:", "c1", &keys, &w, cmd);
    assert_int_equal(n, 3);

    /* one command per hash tag: user, IP, device */
    assert_int_equal(check_keys(&cmd[0], "lr:", "u:"), 2);
    assert_int_equal(check_keys(&cmd[1], "lr:", "ip:"), 2);
    assert_int_equal(check_keys(&cmd[2], "lr:", "d:"), 2);

    /* per key: op, window, member after the keys */
    for (i = 0; i < 3; i++) {
        for (j = 0; j < 2; j++) {
            assert_int_equal(cmd[i].argvlen[5 + 3 * j], 1);
            assert_true(strchr("ih", cmd[i].argv[5 + 3 * j][0]) != NULL);
            assert_true(atoi(cmd[i].argv[6 + 3 * j]) > 0);
        }
    }

    assert_true(arg_is(&cmd[1], 5, "i") && arg_is(&cmd[1], 8, "h"));
    assert_true(arg_is(&cmd[1], 6, "3600"));

    /* a success clears the user's failures and counts the user for the IP
     * and the device, nothing else */
    lr_engine_learn(&cfg, &login, &keys, 1, &w);
    n = lr_redis_count("lr:", "c1", &keys, &w, cmd);
    assert_int_equal(n, 3);
    assert_true(arg_is(&cmd[0], 5, "d") && arg_is(&cmd[0], 8, "d"));
    assert_int_equal(check_keys(&cmd[1], "lr:", "ip:"), 1);
    assert_true(arg_is(&cmd[1], 4, "h"));
}


static void
test_learn_profile_matches_memory(void **state)
{
    size_t         len, len2;
    lr_writes      w;
    lr_profile     mem, got;
    unsigned char  a[LR_PROFILE_CODEC_MAX], b[LR_PROFILE_CODEC_MAX];

    (void) state;

    memset(&w, 0, sizeof(w));
    w.time_ms = 5000;
    w.f = keys.f;
    w.profile_values = 16;
    w.profile_max_age_ms = 86400000LL;
    w.has_location = 1;
    w.lat = 35.0;
    w.lon = 139.0;

    /* onto nothing, then onto its own result */
    len = lr_redis_learn_profile(NULL, 0, &w, a);
    w.time_ms = 6000;
    len2 = lr_redis_learn_profile(a, len, &w, b);

    memset(&mem, 0, sizeof(mem));
    lr_profile_learn(&mem, &keys.f, 5000, 1, 35.0, 139.0, 16);
    lr_profile_learn(&mem, &keys.f, 6000, 1, 35.0, 139.0, 16);

    assert_int_equal(lr_profile_decode(b, len2, &got), 0);
    assert_int_equal(got.successes, mem.successes);
    assert_int_equal(got.last_ms, 6000);
    assert_int_equal(lr_profile_count(&got, LR_F_IP, keys.f.v[LR_F_IP]), 2);

    /* unreadable bytes are learnt onto as nothing */
    len = lr_redis_learn_profile((const unsigned char *) "junk", 4, &w, a);
    assert_int_equal(lr_profile_decode(a, len, &got), 0);
    assert_int_equal(got.successes, 1);
}


static void
test_cas_and_attempt_commands(void **state)
{
    lr_redis_cmd  cmd;

    (void) state;

    assert_int_equal(lr_redis_profile_cas("lr:", "s", 0x42,
                                          (const unsigned char *) "old", 3,
                                          (const unsigned char *) "new", 3,
                                          600, &cmd), 0);
    assert_int_equal(check_keys(&cmd, "lr:", "u:0000000000000042"), 1);
    assert_true(arg_is(&cmd, 4, "old") && arg_is(&cmd, 5, "new")
                && arg_is(&cmd, 6, "600"));

    assert_int_equal(lr_redis_attempt_put("lr:", 0x42, "ab12",
                                          (const unsigned char *) "x", 1,
                                          300, &cmd), 0);
    assert_true(arg_is(&cmd, 0, "SET")
                && arg_is(&cmd, 1, "lr:{u:0000000000000042}:c:ab12")
                && arg_is(&cmd, 3, "EX") && arg_is(&cmd, 4, "300"));

    /* the step-up takes the attempt (single use) and reads the profile */
    assert_int_equal(lr_redis_attempt_take("lr:", "s", 0x42, "ab12", &cmd),
                     0);
    assert_int_equal(check_keys(&cmd, "lr:", "u:0000000000000042"), 2);
    assert_true(arg_is(&cmd, 5, "t") && arg_is(&cmd, 6, "g"));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_script_sha),
        cmocka_unit_test_setup(test_read_commands, setup),
        cmocka_unit_test_setup(test_user_reply, setup),
        cmocka_unit_test_setup(test_bad_replies, setup),
        cmocka_unit_test_setup(test_counter_and_pop_replies, setup),
        cmocka_unit_test_setup(test_failure_writes, setup),
        cmocka_unit_test_setup(test_learn_profile_matches_memory, setup),
        cmocka_unit_test_setup(test_cas_and_attempt_commands, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
