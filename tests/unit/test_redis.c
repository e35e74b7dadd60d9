/*
 * The Redis store's commands and replies (lr_redis.h), without a Redis:
 * the commands a login sends (keys under one hash tag per command, the
 * prefix, EVALSHA or EVAL), how replies become the engine's view, and
 * which replies are refused. The real Redis runs the same commands in the
 * integration tests.
 */

#include "lr_test.h"
#include "lr_test_redis.h"

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
    int           i;
    uint64_t      cell;
    lr_redis_cmd  cmd[LR_READ_CMDS_MAX];

    (void) state;

    /* the user's keys: one script call, one hash tag */
    assert_int_equal(lr_redis_read("lr:", "s1", LR_READ_USER, &keys, cmd), 1);
    assert_true(arg_is(&cmd[0], 0, "EVALSHA") && arg_is(&cmd[0], 1, "s1"));
    assert_int_equal(check_keys(&cmd[0], "lr:", "u:1111111111111111"), 3);
    assert_true(arg_is(&cmd[0], 3, "lr:{u:1111111111111111}:p"));
    assert_true(arg_is(&cmd[0], 4, "lr:{u:1111111111111111}:f"));
    assert_true(arg_is(&cmd[0], 5,
                       "lr:{u:1111111111111111}:if:000000000000a003"));
    assert_true(arg_is(&cmd[0], 6, "g") && arg_is(&cmd[0], 7, "g")
                && arg_is(&cmd[0], 8, "g"));
    assert_int_equal(cmd[0].argc, 9);

    /* EVAL with the text when the script is not known (NOSCRIPT) */
    assert_int_equal(lr_redis_read("lr:", NULL, LR_READ_USER, &keys, cmd), 1);
    assert_true(arg_is(&cmd[0], 0, "EVAL")
                && arg_is(&cmd[0], 1, lr_redis_script(LR_SCRIPT_READ)));

    /* the IP's and the device's: plain GET and PFCOUNT */
    assert_int_equal(lr_redis_read("p:", "s1", LR_READ_IP, &keys, cmd), 2);
    assert_true(arg_is(&cmd[0], 0, "GET")
                && arg_is(&cmd[0], 1, "p:{ip:2222222222222222}:f"));
    assert_true(arg_is(&cmd[1], 0, "PFCOUNT")
                && arg_is(&cmd[1], 1, "p:{ip:2222222222222222}:u"));
    assert_int_equal(lr_redis_read("p:", "s1", LR_READ_DEVICE, &keys, cmd),
                     2);
    assert_true(arg_is(&cmd[0], 1, "p:{d:3333333333333333}:f"));

    /* the population: the login count, then two cells per value */
    assert_int_equal(lr_redis_read("p:", "s1", LR_READ_POP, &keys, cmd), 1);
    assert_true(arg_is(&cmd[0], 0, "BITFIELD_RO")
                && arg_is(&cmd[0], 1, "p:{pop}:cms")
                && arg_is(&cmd[0], 2, "GET") && arg_is(&cmd[0], 3, "i64")
                && arg_is(&cmd[0], 4, "0"));
    assert_int_equal(cmd[0].argc, 5 + 3 * LR_F_COUNT * LR_CMS_DEPTH);

    /* each feature's cells stay in its own rows, after the count */
    for (i = 0; i < LR_F_COUNT * LR_CMS_DEPTH; i++) {
        assert_true(arg_is(&cmd[0], 5 + 3 * i, "GET")
                    && arg_is(&cmd[0], 6 + 3 * i, "u32"));
        assert_int_equal(cmd[0].argv[7 + 3 * i][0], '#');
        cell = strtoull(cmd[0].argv[7 + 3 * i] + 1, NULL, 10);
        assert_true(cell >= LR_CMS_FIRST);
        assert_true((cell - LR_CMS_FIRST) / LR_CMS_WIDTH == (uint64_t) i);
    }

    /* an unknown value is not read */
    keys.f.v[LR_F_DEVICE] = 0;
    assert_int_equal(lr_redis_read("p:", "s1", LR_READ_POP, &keys, cmd), 1);
    assert_int_equal(cmd[0].argc, 5 + 3 * (LR_F_COUNT - 1) * LR_CMS_DEPTH);

    /* nothing to read: no user id, no device */
    keys.user = 0;
    keys.device = 0;
    assert_int_equal(lr_redis_read("p:", "s", LR_READ_USER, &keys, cmd), 0);
    assert_int_equal(lr_redis_read("p:", "s", LR_READ_DEVICE, &keys, cmd), 0);
}


/* --- replies ---------------------------------------------------------- */

static int
decode_n(lr_read_part part, unsigned n, redisReply *r, lr_profile *p,
    lr_view *v)
{
    int  rc;

    rc = lr_redis_read_reply(part, n, r, &keys, 1000000, 86400000LL * 180,
                             p, v);
    rfree(r);

    return rc;
}


static int
decode(lr_read_part part, redisReply *r, lr_profile *p, lr_view *v)
{
    memset(v, 0, sizeof(*v));

    return decode_n(part, 0, r, p, v);
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
    assert_int_equal(lr_redis_read_reply(LR_READ_USER, 0, NULL, &keys, 0, 0,
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
    assert_int_equal(decode_n(LR_READ_IP, 1, rnum(-4), &p, &v), -1);
    assert_int_equal(decode_n(LR_READ_IP, 1, rstr("4", 1), &p, &v), -1);
    assert_int_equal(decode_n(LR_READ_IP, 0, rnum(4), &p, &v), -1);
    assert_int_equal(decode(LR_READ_POP, rarr(1, rnum(3)), &p, &v), -1);
    assert_int_equal(decode(LR_READ_POP, rnum(3), &p, &v), -1);
}


static void
test_counter_and_pop_replies(void **state)
{
    size_t       i;
    lr_view      v;
    lr_profile   p;
    redisReply  *pop;

    (void) state;

    memset(&v, 0, sizeof(v));
    assert_int_equal(decode_n(LR_READ_IP, 0, rstr("7", 1), &p, &v), 0);
    assert_int_equal(decode_n(LR_READ_IP, 1, rnum(4), &p, &v), 0);
    assert_int_equal(v.counter[LR_C_IP_FAILURES], 7);
    assert_int_equal(v.counter[LR_C_IP_USERS], 4);

    assert_int_equal(decode_n(LR_READ_DEVICE, 0, rnil(), &p, &v), 0);
    assert_int_equal(decode_n(LR_READ_DEVICE, 1, rnum(5000000000LL), &p, &v),
                     0);
    assert_int_equal(v.counter[LR_C_DEVICE_FAILURES], 0);
    assert_int_equal(v.counter[LR_C_DEVICE_USERS], UINT32_MAX);

    /* an unknown value (no device cookie) is not in the reply; the others
     * get the smaller of their two cells */
    keys.f.v[LR_F_DEVICE] = 0;
    pop = rarr(1 + (LR_F_COUNT - 1) * LR_CMS_DEPTH, rnum(1000),
               rnum(10), rnum(12), rnum(11), rnum(11), rnum(14), rnum(12),
               rnum(13), rnum(13), rnum(14), rnum(40), rnum(15), rnum(16),
               rnum(16), rnum(17), rnum(17), rnum(17), rnum(19), rnum(18));
    assert_int_equal(decode(LR_READ_POP, pop, &p, &v), 0);
    assert_int_equal(v.pop_total, 1000);

    for (i = 0; i < LR_F_COUNT; i++) {
        assert_int_equal(v.pop[i], i == LR_F_DEVICE ? 0
                                   : 10 + i - (i > LR_F_DEVICE));
    }

    /* one cell too few or too many */
    pop = rarr(2, rnum(1000), rnum(10));
    assert_int_equal(decode(LR_READ_POP, pop, &p, &v), -1);
}


/* --- writes ----------------------------------------------------------- */

/* The commands of writes, as "OP key [args]" lines. */
static int
count_lines(const lr_writes *w, char lines[][160])
{
    int           n, j;
    size_t        len;
    unsigned      pos;
    lr_redis_cmd  cmd;

    n = 0;
    pos = 0;

    while (lr_redis_count("lr:", &keys, w, &pos, &cmd) == 1) {
        len = 0;
        for (j = 0; j < cmd.argc; j++) {
            len += (size_t) snprintf(lines[n] + len, 160 - len, "%s%.*s",
                                     j ? " " : "", (int) cmd.argvlen[j],
                                     cmd.argv[j]);
        }
        n++;
    }

    return n;
}


static void
test_failure_writes(void **state)
{
    int        n, i;
    char       lines[16][160], tag[64], first[64];
    lr_login   login;
    lr_config  cfg;
    lr_writes  w;

    (void) state;

    lr_config_default(&cfg);
    memset(&login, 0, sizeof(login));
    login.time_ms = 1000;
    login.user = "mallory";
    login.ip = "192.0.2.1";
    login.device_id = "dev-1";
    lr_engine_keys(&login, &keys);

    /* a failure: every counter, each INCR or PFADD then EXPIRE NX on the
     * same key */
    lr_engine_learn(&cfg, &login, &keys, 0, &w);
    n = count_lines(&w, lines);
    assert_int_equal(n, 12);

    for (i = 0; i < n; i += 2) {
        assert_true(strncmp(lines[i], "INCR lr:{", 9) == 0
                    || strncmp(lines[i], "PFADD lr:{", 10) == 0);
        assert_true(strncmp(lines[i + 1], "EXPIRE ", 7) == 0);
        assert_memory_equal(lines[i + 1] + 7, strchr(lines[i], ' ') + 1,
                            strcspn(strchr(lines[i], ' ') + 1, " "));
        assert_non_null(strstr(lines[i + 1], " NX"));
        tag_of(lines[i], strlen(lines[i]), tag, sizeof(tag));
        assert_true(strncmp(tag, "u:", 2) == 0 || strncmp(tag, "ip:", 3) == 0
                    || strncmp(tag, "d:", 2) == 0);
    }

    assert_non_null(strstr(lines[0], "INCR lr:{ip:"));
    assert_non_null(strstr(lines[1], " 3600 NX"));

    /* a success: the user's failures cleared, the user counted for the IP
     * and the device, nothing else */
    lr_engine_learn(&cfg, &login, &keys, 1, &w);
    n = count_lines(&w, lines);
    assert_int_equal(n, 6);
    assert_true(strncmp(lines[0], "DEL lr:{u:", 10) == 0);
    assert_true(strncmp(lines[1], "DEL lr:{u:", 10) == 0);
    tag_of(lines[0], strlen(lines[0]), first, sizeof(first));
    tag_of(lines[1], strlen(lines[1]), tag, sizeof(tag));
    assert_string_equal(first, tag);
    assert_true(strncmp(lines[2], "PFADD lr:{ip:", 13) == 0);
    assert_true(strncmp(lines[4], "PFADD lr:{d:", 12) == 0);
}


static void
test_pop_learn_command(void **state)
{
    int           i;
    static lr_redis_cmd  cmd;

    (void) state;

    lr_features  two[2];

    assert_int_equal(lr_redis_pop_learn("lr:", &keys.f, 1, &cmd), 0);
    assert_true(arg_is(&cmd, 0, "BITFIELD") && arg_is(&cmd, 1, "lr:{pop}:cms")
                && arg_is(&cmd, 2, "INCRBY") && arg_is(&cmd, 3, "i64")
                && arg_is(&cmd, 4, "0") && arg_is(&cmd, 5, "1")
                && arg_is(&cmd, 6, "OVERFLOW") && arg_is(&cmd, 7, "SAT"));
    assert_int_equal(cmd.argc, 8 + 4 * LR_F_COUNT * LR_CMS_DEPTH);

    for (i = 0; i < LR_F_COUNT * LR_CMS_DEPTH; i++) {
        assert_true(arg_is(&cmd, 8 + 4 * i, "INCRBY")
                    && arg_is(&cmd, 9 + 4 * i, "u32")
                    && arg_is(&cmd, 11 + 4 * i, "1"));
    }

    /* a batch: the login count by n, every login's cells */
    two[0] = keys.f;
    two[1] = keys.f;
    two[1].v[LR_F_DEVICE] = 0;
    assert_int_equal(lr_redis_pop_learn("lr:", two, 2, &cmd), 0);
    assert_true(arg_is(&cmd, 5, "2"));
    assert_int_equal(cmd.argc, 8 + 4 * (2 * LR_F_COUNT - 1) * LR_CMS_DEPTH);

    /* a full batch fits; more is refused */
    {
        lr_features  many[LR_POP_BATCH + 1];

        for (i = 0; i <= LR_POP_BATCH; i++) {
            many[i] = keys.f;
        }

        assert_int_equal(lr_redis_pop_learn("lr:", many, LR_POP_BATCH, &cmd),
                         0);
        assert_int_equal(lr_redis_pop_learn("lr:", many, LR_POP_BATCH + 1,
                                            &cmd), -1);
    }
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
test_resp(void **state)
{
    char          out[256];
    size_t        len;
    lr_redis_cmd  cmd;

    (void) state;

    /* what Redis reads: binary-safe, lengths in bytes */
    assert_int_equal(lr_redis_profile_cas("p:", "abc", 0x42,
                                          (const unsigned char *) "", 0,
                                          (const unsigned char *) "a\r\n\0b",
                                          5, 60, &cmd), 0);
    len = lr_redis_cmd_resp(&cmd, out, sizeof(out));
    assert_int_equal(len, strlen("*7\r\n$7\r\nEVALSHA\r\n$3\r\nabc\r\n"
                                 "$1\r\n1\r\n$24\r\np:{u:0000000000000042}:p"
                                 "\r\n$0\r\n\r\n") + 4 + 5 + 2 + 8);
    assert_memory_equal(out, "*7\r\n$7\r\nEVALSHA\r\n$3\r\nabc\r\n$1\r\n1\r\n"
                        "$24\r\np:{u:0000000000000042}:p\r\n$0\r\n\r\n"
                        "$5\r\na\r\n\0b\r\n$2\r\n60\r\n", len);

    /* too small a buffer: nothing */
    assert_int_equal(lr_redis_cmd_resp(&cmd, out, 20), 0);
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
        cmocka_unit_test_setup(test_pop_learn_command, setup),
        cmocka_unit_test_setup(test_learn_profile_matches_memory, setup),
        cmocka_unit_test_setup(test_cas_and_attempt_commands, setup),
        cmocka_unit_test(test_resp),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
