/*
 * Redis replies decoded into the engine's state, as nginx gets them: the
 * input is what Redis would send (RESP), read by hiredis's own reader into
 * redisReply objects, and the replies are handed out in the order of one
 * login's pipeline and what follows it:
 *
 *   0  the user's read script       [profile, failures, ip-user failures]
 *   1  GET of the IP's failures     2  PFCOUNT of the IP's users
 *   3  GET of the device's failures 4  PFCOUNT of the device's users
 *   5  BITFIELD_RO of the population [count, cells...]
 *   6  GETDEL of the telemetry summary
 *   7  the step-up's take           [attempt, profile]
 *   8  the profile's compare-and-set [0, current] or [1]
 *
 * and round again (at most FUZZ_REPLIES in all). Parts 0..5 go to
 * lr_redis_read_reply() for a login that has every feature, and the login
 * is scored on what they gave; 6 to lr_telemetry_decode(); 7 and 8 to
 * lr_attempt_decode() and lr_redis_learn_profile(), as the learning does
 * (ngx_http_login_risk_learn.c).
 *
 * Checks: a reply is taken (0 or 1) only in the shape its command returns;
 * a profile that is kept is a learnt one that encodes and decodes again;
 * a score is 0..100; a decoded attempt re-encodes to its bytes; whatever
 * profile bytes Redis holds, learning onto them writes a valid one.
 */

#include "fuzz.h"

#include "lr_attempt.h"
#include "lr_engine.h"
#include "lr_profile_codec.h"
#include "lr_redis.h"
#include "lr_telemetry_codec.h"

#include <hiredis/hiredis.h>


/* 2026-03-01T12:00:00Z: the login's time */
#define FUZZ_NOW_MS    1772366400000LL

#define FUZZ_REPLIES   36
#define FUZZ_PARTS     9

/* hiredis 0.14 allocates an array before its elements come: no more */
#define FUZZ_ELEMENTS  1024

#define FUZZ_UA                                                               \
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "           \
    "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"


static void fuzz_init(void);
static void *fuzz_create_array(const redisReadTask *task, int elements);
static void fuzz_read(unsigned slot, const redisReply *reply);
static void fuzz_profile_ok(const lr_profile *p);
static void fuzz_score(void);
static void fuzz_telemetry(const redisReply *reply);
static void fuzz_take(const redisReply *reply);
static void fuzz_cas(const redisReply *reply);
static void fuzz_learn(const redisReply *old, const lr_writes *w);


static int                        fuzz_ready;
static lr_config                  fuzz_cfg;
static lr_login                   fuzz_login;
static lr_keys                    fuzz_keys;
static redisReplyObjectFunctions  fuzz_fn;
static void                    *(*fuzz_hiredis_array)(const redisReadTask *,
                                                      int);

/* what one round of replies built */
static lr_view                    fuzz_view;
static lr_profile                 fuzz_profile;
static int                        fuzz_view_ok;


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    void           *reply;
    unsigned        i;
    redisReader    *reader;

    if (!fuzz_ready) {
        fuzz_init();
    }

    reader = redisReaderCreate();
    FUZZ_CHECK(reader != NULL);
    reader->fn = &fuzz_fn;

    if (redisReaderFeed(reader, (const char *) data, size) != REDIS_OK) {
        redisReaderFree(reader);
        return 0;
    }

    for (i = 0; i < FUZZ_REPLIES; i++) {
        reply = NULL;

        if (redisReaderGetReply(reader, &reply) != REDIS_OK
            || reply == NULL)
        {
            break;
        }

        fuzz_read(i % FUZZ_PARTS, reply);
        freeReplyObject(reply);
    }

    redisReaderFree(reader);

    return 0;
}


static void
fuzz_init(void)
{
    unsigned      i;
    redisReader  *r;

    lr_ua_parse(FUZZ_UA, sizeof(FUZZ_UA) - 1, &fuzz_login.ua);

    fuzz_login.time_ms = FUZZ_NOW_MS;
    fuzz_login.user = "alice";
    fuzz_login.ip = "192.0.2.10";
    fuzz_login.uri = "/login";
    memcpy(fuzz_login.geo.country, "JP", 3);
    snprintf(fuzz_login.geo.city, sizeof(fuzz_login.geo.city), "Tokyo");
    fuzz_login.geo.asn = 2516;
    fuzz_login.geo.has_location = 1;
    fuzz_login.geo.latitude = 35.69;
    fuzz_login.geo.longitude = 139.69;
    fuzz_login.device_id = "0123456789abcdef0123456789abcdef";
    fuzz_login.device_attrs = 0x12345678;
    fuzz_login.telemetry = 1;
    fuzz_login.token = LR_TOKEN_VALID;

    lr_config_default(&fuzz_cfg);
    lr_engine_keys(&fuzz_login, &fuzz_keys);

    /* every feature known: the population's reply has all its cells */
    for (i = 0; i < LR_F_COUNT; i++) {
        FUZZ_CHECK(fuzz_keys.f.v[i] != 0);
    }

    /* hiredis's own objects, only bounded (see FUZZ_ELEMENTS) */
    r = redisReaderCreate();
    FUZZ_CHECK(r != NULL && r->fn != NULL);
    fuzz_fn = *r->fn;
    redisReaderFree(r);

    fuzz_hiredis_array = fuzz_fn.createArray;
    fuzz_fn.createArray = fuzz_create_array;

    FUZZ_CHECK(lr_redis_read_reply(LR_READ_USER, 0, NULL, &fuzz_keys,
                                   FUZZ_NOW_MS, 1000, &fuzz_profile,
                                   &fuzz_view)
               == -1);

    fuzz_ready = 1;
}


/* NULL is out of memory to hiredis: the reader stops with an error */
static void *
fuzz_create_array(const redisReadTask *task, int elements)
{
    if (elements < 0 || elements > FUZZ_ELEMENTS) {
        return NULL;
    }

    return fuzz_hiredis_array(task, elements);
}


static void
fuzz_read(unsigned slot, const redisReply *reply)
{
    int                 rc;
    unsigned            n;
    lr_read_part        part;

    static const struct {
        lr_read_part  part;
        unsigned      n;
    } parts[6] = {
        { LR_READ_USER, 0 },
        { LR_READ_IP, 0 }, { LR_READ_IP, 1 },
        { LR_READ_DEVICE, 0 }, { LR_READ_DEVICE, 1 },
        { LR_READ_POP, 0 },
    };

    switch (slot) {
    case 6:
        fuzz_telemetry(reply);
        return;
    case 7:
        fuzz_take(reply);
        return;
    case 8:
        fuzz_cas(reply);
        return;
    default:
        break;
    }

    if (slot == 0) {
        memset(&fuzz_view, 0, sizeof(fuzz_view));
        memset(&fuzz_profile, 0, sizeof(fuzz_profile));
        fuzz_view_ok = 1;
    }

    part = parts[slot].part;
    n = parts[slot].n;

    rc = lr_redis_read_reply(part, n, reply, &fuzz_keys, FUZZ_NOW_MS,
                             fuzz_cfg.profile_max_age_s * 1000,
                             &fuzz_profile, &fuzz_view);

    FUZZ_CHECK(rc == 0 || rc == -1 || (rc == 1 && part == LR_READ_USER));

    if (rc < 0) {
        fuzz_view_ok = 0;
        return;
    }

    switch (part) {

    case LR_READ_USER:
        /* the glue keeps element[0] then */
        FUZZ_CHECK(reply->type == REDIS_REPLY_ARRAY && reply->elements == 3);

        if (rc == 1) {
            FUZZ_CHECK(fuzz_view.profile == NULL
                       && reply->element[0]->type == REDIS_REPLY_STRING);
        }

        if (fuzz_view.profile != NULL) {
            FUZZ_CHECK(fuzz_view.profile == &fuzz_profile);
            fuzz_profile_ok(&fuzz_profile);
        }

        break;

    case LR_READ_IP:
    case LR_READ_DEVICE:
        FUZZ_CHECK(n == 0 ? reply->type == REDIS_REPLY_STRING
                            || reply->type == REDIS_REPLY_NIL
                          : reply->type == REDIS_REPLY_INTEGER);
        break;

    default:
        FUZZ_CHECK(reply->type == REDIS_REPLY_ARRAY
                   && reply->elements == 1 + 2 * LR_F_COUNT);
        break;
    }

    if (slot == 5 && fuzz_view_ok) {
        fuzz_score();
    }
}


/* A profile that the view keeps: learnt, consistent, encodable. */
static void
fuzz_profile_ok(const lr_profile *p)
{
    size_t          n;
    unsigned        f, i, count[LR_F_COUNT];
    lr_profile      back;
    unsigned char   buf[LR_PROFILE_CODEC_MAX];

    FUZZ_CHECK(p->successes > 0 && p->used <= LR_PROFILE_SLOTS);

    memset(count, 0, sizeof(count));

    for (i = 0; i < p->used; i++) {
        FUZZ_CHECK(p->value[i].feature < LR_F_COUNT);
        count[p->value[i].feature]++;
    }

    for (f = 0; f < LR_F_COUNT; f++) {
        FUZZ_CHECK(count[f] == p->n[f] && p->n[f] <= LR_PROFILE_VALUES);
    }

    n = lr_profile_encode(p, buf);
    FUZZ_CHECK(n <= sizeof(buf));
    FUZZ_CHECK(lr_profile_decode(buf, n, &back) == 0);
}


static void
fuzz_score(void)
{
    lr_verdict  v;

    lr_engine_score(&fuzz_cfg, &fuzz_login, &fuzz_keys, &fuzz_view, &v);

    FUZZ_CHECK(v.score >= 0 && v.score <= 100);
    FUZZ_CHECK(v.action <= LR_ACTION_BLOCK);
    FUZZ_CHECK(v.reasons.n <= LR_REASONS_MAX);
}


/* GETDEL: a summary, or nothing (taken before) */
static void
fuzz_telemetry(const redisReply *reply)
{
    size_t          n;
    lr_telemetry    t;
    unsigned char   buf[LR_TELEMETRY_SUMMARY_MAX];

    if (reply->type != REDIS_REPLY_STRING) {
        return;
    }

    if (lr_telemetry_decode((const unsigned char *) reply->str, reply->len,
                            &t)
        != 0)
    {
        FUZZ_CHECK(fuzz_is_zero(&t, sizeof(t)));
        return;
    }

    n = lr_telemetry_encode(&t, buf, sizeof(buf));
    FUZZ_CHECK(n == reply->len && memcmp(buf, reply->str, n) == 0);
}


/* the step-up: [attempt, profile] */
static void
fuzz_take(const redisReply *reply)
{
    lr_writes       w;
    lr_attempt      a;
    unsigned char   buf[LR_ATTEMPT_SIZE];
    redisReply     *attempt;

    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
        return;
    }

    attempt = reply->element[0];

    if (attempt->type != REDIS_REPLY_STRING) {
        return;
    }

    if (lr_attempt_decode((const unsigned char *) attempt->str, attempt->len,
                          &a)
        != 0)
    {
        FUZZ_CHECK(fuzz_is_zero(&a, sizeof(a)));
        return;
    }

    FUZZ_CHECK(attempt->len == LR_ATTEMPT_SIZE);
    lr_attempt_encode(&a, buf);
    FUZZ_CHECK(memcmp(buf, attempt->str, LR_ATTEMPT_SIZE) == 0);

    lr_engine_learn_attempt(&fuzz_cfg, fuzz_keys.user, &a, &w);
    fuzz_learn(reply->element[1], &w);
}


/* the compare-and-set: [1] written, [0, current] someone was first */
static void
fuzz_cas(const redisReply *reply)
{
    lr_writes  w;

    if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 1
        || reply->element[0]->type != REDIS_REPLY_INTEGER
        || reply->element[0]->integer == 1 || reply->elements != 2)
    {
        return;
    }

    lr_engine_learn(&fuzz_cfg, &fuzz_login, &fuzz_keys, 1, &w);
    fuzz_learn(reply->element[1], &w);
}


/* Learning onto whatever Redis held writes a profile that reads back. */
static void
fuzz_learn(const redisReply *old, const lr_writes *w)
{
    size_t          n;
    lr_profile      p;
    unsigned char   out[LR_PROFILE_CODEC_MAX];

    if (old->type != REDIS_REPLY_STRING && old->type != REDIS_REPLY_NIL) {
        return;
    }

    n = old->type == REDIS_REPLY_STRING
        ? lr_redis_learn_profile((const unsigned char *) old->str, old->len,
                                 w, out)
        : lr_redis_learn_profile(NULL, 0, w, out);

    FUZZ_CHECK(n >= LR_PROFILE_CODEC_HEADER && n <= sizeof(out));
    FUZZ_CHECK(lr_profile_decode(out, n, &p) == 0);
}
