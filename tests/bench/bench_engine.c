/*
 * make bench: scores logins with the in-memory state and reports logins
 * per second on one core, twice: scoring alone (keys, read, score: what a
 * login waits for) and scoring with learning (the outcome's writes
 * applied, as the replay tool does), and whether memory grew.
 *
 *   bench_engine [EVENTS] [USERS]      (default 1000000 logins, 20000 users)
 *
 * The logins are made up front as compact records (a realistic mix:
 * mostly habitual devices and networks, some new ones, some failures) and
 * turned into the lr_login the engine reads just before scoring, so that,
 * as in nginx, the login at hand is in the cache and only the engine is
 * timed. A first pass warms the state; the timed passes must not
 * allocate: their memory use is reported.
 */

#include "lr_engine.h"
#include "lr_memstate.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


typedef struct {
    char      ip[24];
    char      device[24];
    int64_t   time_ms;
    uint32_t  user;
    uint32_t  asn;
    uint16_t  major;
    uint8_t   country;
    uint8_t   home;
    uint8_t   success;
} bench_event;


static const char  *bench_countries[] = { "JP", "JP", "JP", "US", "DE", "GB" };
static const char  *bench_families[] = { "Chrome", "Safari", "Edge", "Firefox" };
static const char  *bench_oses[] = { "Windows", "iOS", "macOS", "Android" };


static uint64_t  bench_rng = 0x9e3779b97f4a7c15ull;


static uint32_t
bench_rand(uint32_t n)
{
    /* xorshift64*: deterministic, fast, no libc state */
    bench_rng ^= bench_rng >> 12;
    bench_rng ^= bench_rng << 25;
    bench_rng ^= bench_rng >> 27;

    return (uint32_t) ((bench_rng * 0x2545f4914f6cdd1dull) >> 33) % n;
}


static void
bench_make(bench_event *e, size_t i, uint32_t users)
{
    uint32_t  u;

    u = bench_rand(users);
    e->user = u;
    e->home = (uint8_t) (u % 6);

    /* 90 % from home, 10 % from somewhere new */
    if (bench_rand(10) != 0) {
        snprintf(e->ip, sizeof(e->ip), "10.%u.%u.%u", u % 250, u / 250 % 250,
                 bench_rand(4));
        e->country = e->home;
        e->asn = 64500 + e->home;

    } else {
        snprintf(e->ip, sizeof(e->ip), "100.%u.%u.%u", bench_rand(250),
                 bench_rand(250), bench_rand(250));
        e->country = (uint8_t) bench_rand(6);
        e->asn = 65000 + bench_rand(100);
    }

    snprintf(e->device, sizeof(e->device), "dev%u-%u", u,
             bench_rand(20) == 0 ? bench_rand(1000) : 0);

    e->time_ms = 1767225600000LL + (int64_t) i * 5000;
    e->major = (uint16_t) (120 + i / 200000);
    e->success = bench_rand(30) != 0;
}


/* What the module's access handler does for the engine: fill the login. */
static void
bench_login(lr_login *l, const bench_event *e, char (*names)[16])
{
    l->time_ms = e->time_ms;
    l->user = names[e->user];
    l->ip = e->ip;
    l->device_id = e->device;
    memcpy(l->geo.country, bench_countries[e->country], 3);
    l->geo.asn = e->asn;
    l->geo.has_location = 1;
    l->geo.latitude = 35.0 + e->country;
    l->geo.longitude = 139.0 - 20.0 * e->country;
    l->ua.family = bench_families[e->user % 4];
    l->ua.os = bench_oses[e->user % 4];
    l->ua.device_class = e->user % 2 ? "mobile" : "desktop";
    l->ua.major = e->major;
    l->timezone = e->home < 3 ? "Asia/Tokyo" : "Europe/Berlin";
    l->languages = e->home < 3 ? "ja-JP,ja;q=0.9" : "de-DE,de;q=0.9";
}


static size_t
bench_run(lr_state *state, const lr_config *cfg, const bench_event *events,
    size_t n, char (*names)[16], int learn, size_t *flagged)
{
    size_t      i, sum;
    lr_keys     keys;
    lr_view     view;
    lr_login    login;
    lr_writes   writes;
    lr_verdict  verdict;

    sum = 0;
    *flagged = 0;
    memset(&login, 0, sizeof(login));

    for (i = 0; i < n; i++) {
        bench_login(&login, &events[i], names);

        lr_engine_keys(&login, &keys);
        state->read(state->impl, &keys, login.time_ms,
                    cfg->profile_max_age_s * 1000, &view);
        lr_engine_score(cfg, &login, &keys, &view, &verdict);

        if (learn) {
            lr_engine_learn(cfg, &login, &keys,
                            events[i].success
                            && verdict.action != LR_ACTION_BLOCK,
                            &writes);
            state->apply(state->impl, &writes);
        }

        sum += (size_t) verdict.score;
        *flagged += verdict.action >= LR_ACTION_CHALLENGE;
    }

    return sum;
}


static double
bench_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return ts.tv_sec + ts.tv_nsec / 1e9;
}


int
main(int argc, char **argv)
{
    size_t          n, users, i, sum, flagged;
    double          t0, t1, t2;
    lr_state        state;
    lr_config       cfg;
    char          (*names)[16];
    bench_event    *events;
    lr_memstate    *ms;
    struct mallinfo2  before, after;

    n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    users = argc > 2 ? strtoul(argv[2], NULL, 10) : 20000;

    events = malloc(n * sizeof(*events));
    names = malloc(users * sizeof(*names));
    ms = lr_memstate_create();
    if (events == NULL || names == NULL || ms == NULL || n == 0
        || users == 0)
    {
        fprintf(stderr, "bench_engine: out of memory or bad arguments\n");
        return 1;
    }

    for (i = 0; i < users; i++) {
        snprintf(names[i], sizeof(names[i]), "user%u", (unsigned) i % 10000000);
    }

    for (i = 0; i < n; i++) {
        bench_make(&events[i], i, (uint32_t) users);
    }

    lr_config_default(&cfg);
    state = lr_memstate_state(ms);

    /* warm: every user, value and counter key gets its place */
    bench_run(&state, &cfg, events, n, names, 1, &flagged);

    /* the same logins a day later: same keys, nothing new to allocate */
    for (i = 0; i < n; i++) {
        events[i].time_ms += 86400000LL;
    }

    before = mallinfo2();
    t0 = bench_now();
    bench_run(&state, &cfg, events, n, names, 0, &flagged);
    t1 = bench_now();
    sum = bench_run(&state, &cfg, events, n, names, 1, &flagged);
    t2 = bench_now();
    after = mallinfo2();

    printf("{\"logins\":%zu,\"users\":%zu,"
           "\"scored_per_second\":%.0f,"
           "\"scored_and_learnt_per_second\":%.0f,"
           "\"allocated_bytes_growth\":%ld,"
           "\"challenged_or_blocked\":%zu,\"score_sum\":%zu}\n",
           n, users, n / (t1 - t0), n / (t2 - t1),
           (long) after.uordblks - (long) before.uordblks, flagged, sum);

    lr_memstate_destroy(ms);
    free(events);
    free(names);

    return 0;
}
