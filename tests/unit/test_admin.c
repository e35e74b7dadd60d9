/*
 * The admin API's engine side: its Redis commands (lr_redis_admin.h: every
 * key of the lists under one hash tag, the audit stream, the user's keys),
 * the audit stream read back as JSON, and what the API shows of a profile
 * and a verdict (lr_admin.h), the trusted device, the admin alert line.
 */

#include "lr_test.h"
#include "lr_test_redis.h"

#include "lr_admin.h"
#include "lr_alert.h"
#include "lr_engine.h"
#include "lr_profile_codec.h"
#include "lr_redis_admin.h"


static void
test_list_commands(void **state)
{
    lr_redis_cmd  cmd;
    lr_audit      a;

    (void) state;

    assert_int_equal(lr_redis_lists_version("lr:", &cmd), 0);
    assert_true(arg_is(&cmd, 0, "GET") && arg_is(&cmd, 1, "lr:{lists}:v"));

    assert_int_equal(lr_redis_list_read("lr:", LR_LK_IP, LR_LS_BLOCK, &cmd),
                     0);
    assert_true(arg_is(&cmd, 0, "HGETALL")
                && arg_is(&cmd, 1, "lr:{lists}:e:ip:block"));

    assert_int_equal(lr_redis_list_read("p:", LR_LK_ANONYMIZER, LR_LS_ALLOW,
                                        &cmd), 0);
    assert_true(arg_is(&cmd, 1, "p:{lists}:e:anonymizer:list"));

    /* the anonymizer kind has no second side */
    assert_int_equal(lr_redis_list_read("p:", LR_LK_ANONYMIZER, LR_LS_BLOCK,
                                        &cmd), -1);

    assert_int_equal(lr_redis_list_scan("lr:", LR_LK_USER, LR_LS_ALLOW, "17",
                                        50, &cmd), 0);
    assert_true(arg_is(&cmd, 0, "HSCAN")
                && arg_is(&cmd, 1, "lr:{lists}:e:user:allow")
                && arg_is(&cmd, 2, "17") && arg_is(&cmd, 3, "COUNT")
                && arg_is(&cmd, 4, "50"));

    assert_int_equal(lr_redis_list_len("lr:", LR_LK_USER, LR_LS_ALLOW, &cmd),
                     0);
    assert_true(arg_is(&cmd, 0, "HLEN"));

    /* a change: one script, four keys of one tag, then its arguments */
    memset(&a, 0, sizeof(a));
    a.time_ms = 1700000000000LL;
    a.actor = "ann";
    a.op = "add";
    a.kind = "ip";
    a.side = "block";
    a.entry = "192.0.2.0/24";
    a.before = "";
    a.after = "";

    assert_int_equal(lr_redis_list_change("lr:", NULL, LR_LK_IP, LR_LS_BLOCK,
                                          &a, "{\"expires\":5}", 5000, &cmd),
                     0);
    assert_true(arg_is(&cmd, 0, "EVAL")
                && arg_is(&cmd, 1, lr_redis_script(LR_SCRIPT_LIST_CHANGE)));
    assert_int_equal(check_keys(&cmd, "lr:", "lists"), 4);
    assert_true(arg_is(&cmd, 3, "lr:{lists}:e:ip:block")
                && arg_is(&cmd, 4, "lr:{lists}:x:ip:block")
                && arg_is(&cmd, 5, "lr:{lists}:v")
                && arg_is(&cmd, 6, "lr:{lists}:audit"));
    assert_true(arg_is(&cmd, 7, "add") && arg_is(&cmd, 8, "192.0.2.0/24")
                && arg_is(&cmd, 9, "{\"expires\":5}")
                && arg_is(&cmd, 10, "5000")
                && arg_is(&cmd, 11, "1700000000000")
                && arg_is(&cmd, 12, "ann") && arg_is(&cmd, 13, "ip")
                && arg_is(&cmd, 14, "block"));
    assert_int_equal(cmd.argc, 16);

    /* a deletion carries no value and no expiry */
    a.op = "del";
    assert_int_equal(lr_redis_list_change("lr:", "0123", LR_LK_IP,
                                          LR_LS_BLOCK, &a, NULL, 0, &cmd), 0);
    assert_true(arg_is(&cmd, 0, "EVALSHA") && arg_is(&cmd, 7, "del")
                && arg_is(&cmd, 9, "") && arg_is(&cmd, 10, "0"));
}


static void
test_audit_commands(void **state)
{
    char          id[LR_AUDIT_ID_MAX + 2];
    lr_audit      a;
    lr_redis_cmd  cmd;

    (void) state;

    memset(&a, 0, sizeof(a));
    a.time_ms = 42;
    a.actor = "bob";
    a.op = "reset";
    a.kind = "user";
    a.side = "";
    a.entry = "alice";
    a.before = "{\"profile\":true}";
    a.after = "";

    assert_int_equal(lr_redis_audit_add("lr:", &a, &cmd), 0);
    assert_true(arg_is(&cmd, 0, "XADD") && arg_is(&cmd, 1, "lr:{lists}:audit")
                && arg_is(&cmd, 2, "MAXLEN") && arg_is(&cmd, 3, "~")
                && arg_is(&cmd, 5, "*") && arg_is(&cmd, 6, "actor")
                && arg_is(&cmd, 7, "bob") && arg_is(&cmd, 9, "42")
                && arg_is(&cmd, 15, "")
                && arg_is(&cmd, 17, "alice")
                && arg_is(&cmd, 19, "{\"profile\":true}"));

    /* newest first, and strictly before a given id */
    assert_int_equal(lr_redis_audit_read("lr:", NULL, 10, &cmd), 0);
    assert_true(arg_is(&cmd, 0, "XREVRANGE") && arg_is(&cmd, 2, "+")
                && arg_is(&cmd, 3, "-") && arg_is(&cmd, 5, "10"));
    assert_int_equal(lr_redis_audit_read("lr:", "1700-3", 10, &cmd), 0);
    assert_true(arg_is(&cmd, 2, "(1700-3"));

    assert_true(lr_redis_audit_id_valid("1700", 4));
    assert_true(lr_redis_audit_id_valid("1700-3", 6));
    assert_false(lr_redis_audit_id_valid("", 0));
    assert_false(lr_redis_audit_id_valid("-3", 2));
    assert_false(lr_redis_audit_id_valid("17-", 3));
    assert_false(lr_redis_audit_id_valid("1-2-3", 5));
    assert_false(lr_redis_audit_id_valid("+", 1));
    assert_false(lr_redis_audit_id_valid("1 OR 1", 6));
    memset(id, '1', sizeof(id));
    assert_false(lr_redis_audit_id_valid(id, 21));

    /* a user's reset: read and deleted by the read script ("t") */
    assert_int_equal(lr_redis_user_take("lr:", NULL, 0x42, &cmd), 0);
    assert_int_equal(check_keys(&cmd, "lr:", "u:0000000000000042"), 2);
    assert_true(arg_is(&cmd, 3, "lr:{u:0000000000000042}:p")
                && arg_is(&cmd, 4, "lr:{u:0000000000000042}:f")
                && arg_is(&cmd, 5, "t") && arg_is(&cmd, 6, "t"));

    assert_int_equal(lr_redis_user_profile("lr:", 0x42, &cmd), 0);
    assert_true(arg_is(&cmd, 0, "GET")
                && arg_is(&cmd, 1, "lr:{u:0000000000000042}:p"));
}


static void
test_audit_json(void **state)
{
    char         last[LR_AUDIT_ID_MAX + 1];
    char        *text;
    json_t      *list;
    redisReply  *r, *bad;

    (void) state;

    r = rarr(2,
             rarr(2, rstr("1700000000001-0", 15),
                  rarr(8, rstr("actor", 5), rstr("ann", 3),
                       rstr("time", 4), rstr("1700000000000", 13),
                       rstr("before", 6), rstr("", 0),
                       rstr("after", 5), rstr("{\"expires\":0}", 13))),
             rarr(2, rstr("1699999999999-0", 15),
                  rarr(2, rstr("op", 2), rstr("del", 3))));

    list = lr_redis_audit_json(r, last);
    assert_non_null(list);
    assert_string_equal(last, "1699999999999-0");

    text = json_dumps(list, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(text,
                        "[{\"actor\":\"ann\",\"after\":{\"expires\":0},"
                        "\"before\":null,\"id\":\"1700000000001-0\","
                        "\"time\":\"2023-11-14T22:13:20.000Z\"},"
                        "{\"id\":\"1699999999999-0\",\"op\":\"del\"}]");
    free(text);
    json_decref(list);
    rfree(r);

    /* what is not a stream's answer */
    bad = rarr(1, rarr(1, rstr("x", 1)));
    assert_null(lr_redis_audit_json(bad, last));
    rfree(bad);

    bad = rnum(3);
    assert_null(lr_redis_audit_json(bad, last));
    rfree(bad);

    bad = rarr(0);
    list = lr_redis_audit_json(bad, last);
    assert_int_equal(json_array_size(list), 0);
    assert_string_equal(last, "");
    json_decref(list);
    rfree(bad);
}


/* a profile of two logins from Japan and one from Germany */
static void
some_profile(lr_profile *p, lr_features *jp)
{
    lr_login     l;
    lr_features  de;

    memset(p, 0, sizeof(*p));
    memset(&l, 0, sizeof(l));

    l.ip = "192.0.2.10";
    strcpy(l.geo.country, "JP");
    l.geo.asn = 64496;
    l.device_id = "0123456789abcdef0123456789abcdef";
    lr_features_of(&l, jp);

    lr_profile_learn(p, jp, 1700000000000LL, 1, 35.68, 139.69, 16);
    lr_profile_learn(p, jp, 1700000100000LL, 1, 35.68, 139.69, 16);

    l.ip = "198.51.100.7";
    strcpy(l.geo.country, "DE");
    l.geo.asn = 64498;
    lr_features_of(&l, &de);
    lr_profile_learn(p, &de, 1690000000000LL, 0, 0, 0, 16);
}


static void
test_profile_json(void **state)
{
    json_t       *o, *countries, *c;
    size_t        i;
    lr_profile    p;
    lr_features   jp;
    const char   *code;
    int           seen_jp, seen_de;

    (void) state;

    some_profile(&p, &jp);
    o = lr_admin_profile_json(&p);

    assert_int_equal(json_integer_value(json_object_get(o, "successes")), 3);
    assert_string_equal(json_string_value(json_object_get(o, "last_login")),
                        "2023-11-14T22:15:00.000Z");
    assert_true(json_is_object(json_object_get(o, "last_place")));

    /* countries are named, with their counts */
    countries = json_object_get(json_object_get(o, "values"), "country");
    assert_int_equal(json_array_size(countries), 2);
    seen_jp = seen_de = 0;

    json_array_foreach(countries, i, c) {
        code = json_string_value(json_object_get(c, "country"));
        assert_non_null(code);
        assert_int_equal(strlen(json_string_value(json_object_get(c,
                                                                  "value"))),
                         8);

        if (strcmp(code, "JP") == 0) {
            seen_jp = (int) json_integer_value(json_object_get(c, "count"));
        }

        if (strcmp(code, "DE") == 0) {
            seen_de = (int) json_integer_value(json_object_get(c, "count"));
        }
    }

    assert_int_equal(seen_jp, 2);
    assert_int_equal(seen_de, 1);

    /* every feature learnt has its values, hashes as hex */
    assert_int_equal(json_array_size(json_object_get(
                         json_object_get(o, "values"), "device")), 1);
    assert_int_equal(json_array_size(json_object_get(
                         json_object_get(o, "values"), "ip")), 2);
    json_decref(o);

    /* how often the profile saw a login's values */
    o = lr_admin_seen_json(&p, &jp, (1u << LR_F_COUNTRY) | (1u << LR_F_IP)
                                    | (1u << LR_F_DEVICE));
    assert_int_equal(json_integer_value(json_object_get(o, "country")), 2);
    assert_int_equal(json_integer_value(json_object_get(o, "ip")), 2);
    /* the device came with every login, the German one too */
    assert_int_equal(json_integer_value(json_object_get(o, "device")), 3);
    assert_null(json_object_get(o, "asn"));
    json_decref(o);
}


static void
test_trust_device(void **state)
{
    size_t          len, len2;
    uint32_t        before, after;
    lr_profile      p, q;
    lr_features     jp;
    unsigned char   old[LR_PROFILE_CODEC_MAX], out[LR_PROFILE_CODEC_MAX];
    unsigned char   out2[LR_PROFILE_CODEC_MAX];

    static const char  dev[] = "ffffffffffffffffffffffffffffffff";

    (void) state;

    some_profile(&p, &jp);
    len = lr_profile_encode(&p, old);

    len2 = lr_admin_trust_device(old, len, dev, 1700000200000LL, 16,
                                 180LL * 86400 * 1000, out, &before, &after);
    assert_int_equal(before, 0);
    assert_int_equal(after, 1);
    assert_int_equal(lr_profile_decode(out, len2, &q), 0);

    /* known from now on, and it is no login: the rest stays */
    assert_int_equal(lr_profile_count(&q, LR_F_DEVICE,
                                      lr_admin_device_value(dev)), 1);
    assert_int_equal(q.successes, 3);
    assert_true(q.last_ms == p.last_ms);
    assert_int_equal(lr_profile_count(&q, LR_F_COUNTRY, jp.v[LR_F_COUNTRY]),
                     2);

    /* the device of a login with that cookie is that value */
    assert_true(lr_admin_device_value(dev) != 0);

    /* no profile yet: one with the device alone, no login counted */
    len2 = lr_admin_trust_device(NULL, 0, dev, 1700000200000LL, 16,
                                 180LL * 86400 * 1000, out2, &before, &after);
    assert_int_equal(lr_profile_decode(out2, len2, &q), 0);
    assert_int_equal(q.successes, 0);
    assert_int_equal(after, 1);
}


static int
trust(const char *body, char dev[33])
{
    char  err[128];

    return lr_admin_trust_parse(body, strlen(body), dev, err, sizeof(err));
}


static void
test_verdict_and_bodies(void **state)
{
    char         dev[33], buf[LR_ADMIN_SUMMARY_MAX], *text;
    json_t      *o;
    size_t       n;
    lr_profile   p;
    lr_verdict   v;
    lr_features  jp;

    (void) state;

    memset(&v, 0, sizeof(v));
    v.score = 35;
    v.action = LR_ACTION_TAG;
    lr_reasons_add_points(&v.reasons, "new_device", 20);
    lr_reasons_add_points(&v.reasons, "new_country", 15);
    lr_reasons_add(&v.reasons, "cold_start");

    o = lr_admin_verdict_json(&v);
    text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(text, "{\"action\":\"tag\",\"points\":"
                        "{\"new_country\":15,\"new_device\":20},"
                        "\"reasons\":[\"new_device\",\"new_country\","
                        "\"cold_start\"],\"score\":35}");
    free(text);
    json_decref(o);

    assert_int_equal(trust("{\"device\":\"0123456789ABCDEF"
                           "0123456789abcdef\"}", dev), 0);
    assert_string_equal(dev, "0123456789abcdef0123456789abcdef");
    assert_int_equal(trust("{\"device\":\"0123\"}", dev), -1);
    assert_int_equal(trust("{\"device\":\"0123456789abcdef"
                           "0123456789abcdeg\"}", dev), -1);
    assert_int_equal(trust("{\"device\":\"0123456789abcdef"
                           "0123456789abcdef\",\"x\":1}", dev), -1);
    assert_int_equal(trust("", dev), -1);
    assert_int_equal(trust("{\"device\":7}", dev), -1);

    some_profile(&p, &jp);
    n = lr_admin_user_summary(&p, 4, buf, sizeof(buf));
    assert_true(n > 0);
    buf[n] = '\0';
    assert_string_equal(buf, "{\"profile\":true,\"successes\":3,"
                        "\"last_login\":\"2023-11-14T22:15:00.000Z\","
                        "\"failures\":4}");

    n = lr_admin_user_summary(NULL, 0, buf, sizeof(buf));
    buf[n] = '\0';
    assert_string_equal(buf, "{\"profile\":false,\"successes\":0,"
                        "\"last_login\":null,\"failures\":0}");
}


static void
test_admin_alert_line(void **state)
{
    char      buf[2048];
    size_t    n;
    json_t   *line;
    lr_audit  a;

    (void) state;

    memset(&a, 0, sizeof(a));
    a.time_ms = 1700000000000LL;
    a.actor = "ann";
    a.op = "add";
    a.kind = "ip";
    a.side = "block";
    a.entry = "192.0.2.0/24";
    a.before = "";
    a.after = "{\"expires\":0,\"comment\":\"x\"}";

    n = lr_alert_admin_format(&a, "abc", "127.0.0.1", buf, sizeof(buf));
    assert_true(n > 0);
    assert_int_equal(buf[n - 1], '\n');
    assert_null(memchr(buf, '\n', n - 1));

    line = json_loadb(buf, n, 0, NULL);
    assert_non_null(line);
    assert_string_equal(json_string_value(json_object_get(line, "event")),
                        "admin");
    assert_string_equal(json_string_value(json_object_get(line, "actor")),
                        "ann");
    assert_true(json_is_null(json_object_get(line, "before")));
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(line, "after"), "comment")), "x");
    json_decref(line);

    /* no room: nothing */
    assert_int_equal(lr_alert_admin_format(&a, NULL, NULL, buf, 20), 0);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_list_commands),
        cmocka_unit_test(test_audit_commands),
        cmocka_unit_test(test_audit_json),
        cmocka_unit_test(test_profile_json),
        cmocka_unit_test(test_trust_device),
        cmocka_unit_test(test_verdict_and_bodies),
        cmocka_unit_test(test_admin_alert_line),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
