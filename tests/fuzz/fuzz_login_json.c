/*
 * A login described in JSON (lr_login_from_json): the replay tool's input
 * line, and what an admin API's dry run would take. A login that parses
 * goes on as the replay tool takes it: through the engine with the
 * in-memory state, after an earlier success of the same user from Tokyo
 * (so that its profile, the travel and the counters have something to
 * compare with), learnt from, scored again, and written as an alert line.
 *
 * Checks: a refusal's message fits its buffer; a parsed login has a
 * normalised user, an upper-case country and a user agent; a score is
 * 0..100 with an action and reasons; the alert line is one JSON object
 * that holds the login's user.
 */

#include "fuzz.h"

#include "lr_alert.h"
#include "lr_engine.h"
#include "lr_login_json.h"
#include "lr_memstate.h"

#include <jansson.h>


#define FUZZ_ERR_MAX    256

/* 2026-01-01T00:00:00Z, the earlier success */
#define FUZZ_BEFORE_MS  1767225600000LL


static void fuzz_check_login(const lr_login *l);
static void fuzz_run(const lr_config *cfg, lr_login *l);
static void fuzz_score(const lr_config *cfg, lr_state *state, lr_login *l,
    lr_verdict *v);
static void fuzz_alert(const lr_login *l);


/* room for any alert line of this input: its strings, each byte escaped
 * as \u00XX at worst */
static size_t  fuzz_alert_cap;


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int            rc;
    char           err[FUZZ_ERR_MAX];
    json_t        *obj;
    lr_config      cfg;
    lr_login_doc   doc;
    json_error_t   jerr;

    obj = json_loadb((const char *) data, size, JSON_REJECT_DUPLICATES, &jerr);
    if (obj == NULL) {
        return 0;
    }

    memset(err, 'X', sizeof(err));

    rc = lr_login_from_json(obj, &doc, err, sizeof(err));

    if (rc != 0) {
        FUZZ_CHECK(rc == -1);
        FUZZ_CHECK(fuzz_has_nul(err, sizeof(err)) && err[0] == '"');
        json_decref(obj);
        return 0;
    }

    fuzz_check_login(&doc.login);

    fuzz_alert_cap = 6 * size + 4096;

    /* as the replay tool: defaults, the collector expected */
    lr_config_default(&cfg);
    cfg.expect_telemetry = 1;

    fuzz_run(&cfg, &doc.login);

    json_decref(obj);

    return 0;
}


static void
fuzz_check_login(const lr_login *l)
{
    char    again[LR_USERID_MAX + 1];
    size_t  n, len;

    if (l->user != NULL) {
        n = strlen(l->user);
        FUZZ_CHECK(n > 0 && n <= LR_USERID_MAX);
        FUZZ_CHECK(lr_userid_normalize((const unsigned char *) l->user, n,
                                       again, &len)
                   == LR_USERID_OK);
        FUZZ_CHECK(len == n && memcmp(again, l->user, n) == 0);
    }

    FUZZ_CHECK(fuzz_has_nul(l->geo.country, sizeof(l->geo.country)));
    FUZZ_CHECK(fuzz_only(l->geo.country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
    FUZZ_CHECK(l->geo.country[0] == '\0' || strlen(l->geo.country) == 2);
    FUZZ_CHECK(fuzz_has_nul(l->geo.city, sizeof(l->geo.city)));
    FUZZ_CHECK(fuzz_has_nul(l->geo.asn_org, sizeof(l->geo.asn_org)));

    FUZZ_CHECK(!l->geo.has_location
               || (l->geo.latitude >= -90 && l->geo.latitude <= 90
                   && l->geo.longitude >= -180 && l->geo.longitude <= 180));

    FUZZ_CHECK(l->ua.family != NULL && l->ua.os != NULL
               && l->ua.device_class != NULL && l->ua.major <= 99999);
    FUZZ_CHECK(l->token <= LR_TOKEN_OTHER_BROWSER);
    FUZZ_CHECK((l->allow & ~0x1fu) == 0 && (l->block & ~0x1fu) == 0);
}


static void
fuzz_run(const lr_config *cfg, lr_login *l)
{
    lr_keys       keys;
    lr_login      before;
    lr_state      state;
    lr_writes     w;
    lr_verdict    v;
    lr_memstate  *ms;

    ms = lr_memstate_create();
    FUZZ_CHECK(ms != NULL);
    state = lr_memstate_state(ms);

    /* the user's earlier success, from Tokyo, with the same browser */
    before = *l;
    before.time_ms = FUZZ_BEFORE_MS;
    before.geo.has_location = 1;
    before.geo.latitude = 35.69;
    before.geo.longitude = 139.69;
    memcpy(before.geo.country, "JP", 3);
    before.geo.asn = 2516;

    lr_engine_keys(&before, &keys);
    lr_engine_learn(cfg, &before, &keys, 1, &w);
    FUZZ_CHECK(state.apply(state.impl, &w) == 0);

    /* the login, then what its outcome teaches, then the login again */
    fuzz_score(cfg, &state, l, &v);
    fuzz_alert(l);

    lr_engine_keys(l, &keys);
    lr_engine_learn(cfg, l, &keys, v.action != LR_ACTION_BLOCK, &w);
    FUZZ_CHECK(state.apply(state.impl, &w) == 0);

    fuzz_score(cfg, &state, l, &v);
    fuzz_alert(l);

    lr_memstate_destroy(ms);
}


static void
fuzz_score(const lr_config *cfg, lr_state *state, lr_login *l, lr_verdict *v)
{
    int       sum;
    char      text[LR_REASONS_TEXT_MAX];
    size_t    i;
    lr_keys   keys;
    lr_view   view;

    lr_engine_keys(l, &keys);
    FUZZ_CHECK(state->read(state->impl, &keys, l->time_ms,
                           cfg->profile_max_age_s * 1000, &view)
               == 0);

    lr_engine_score(cfg, l, &keys, &view, v);

    FUZZ_CHECK(v->score >= 0 && v->score <= 100);
    FUZZ_CHECK(v->action <= LR_ACTION_BLOCK);
    FUZZ_CHECK(v->reasons.n <= LR_REASONS_MAX);

    /* every point of the score under a reason */
    for (sum = 0, i = 0; i < v->reasons.n; i++) {
        FUZZ_CHECK(v->reasons.points[i] >= 0);
        sum += v->reasons.points[i];
    }

    FUZZ_CHECK(v->score == (sum > 100 ? 100 : sum));

    if (v->reasons.n > 0) {
        FUZZ_CHECK(lr_reasons_format(&v->reasons, text, sizeof(text)) > 0);
    }

    l->reasons = v->reasons;
    l->score = v->score;
    l->action = lr_action_name(v->action);
}


static void
fuzz_alert(const lr_login *l)
{
    char          *buf;
    size_t         n;
    json_t        *line, *user;
    json_error_t   jerr;

    buf = fuzz_out(fuzz_alert_cap);

    n = lr_alert_format(l, buf, fuzz_alert_cap);
    FUZZ_CHECK(n > 0 && n < fuzz_alert_cap && buf[n - 1] == '\n');

    /* one JSON object on one line, whatever the strings held */
    FUZZ_CHECK(memchr(buf, '\n', n - 1) == NULL);

    line = json_loadb(buf, n - 1, JSON_REJECT_DUPLICATES, &jerr);
    FUZZ_CHECK(json_is_object(line));

    user = json_object_get(line, "user");

    if (l->user != NULL) {
        FUZZ_CHECK(json_is_string(user)
                   && strcmp(json_string_value(user), l->user) == 0);

    } else {
        FUZZ_CHECK(json_is_null(user));
    }

    json_decref(line);
    free(buf);
}
