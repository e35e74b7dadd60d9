/*
 * make bench: scores logins with the in-memory state, as the replay tool
 * does (keys, read, score, learn, apply), and reports scored logins per
 * second on one core and whether memory grew while scoring.
 *
 *   bench_engine [EVENTS] [USERS]      (default 1000000 logins, 20000 users)
 *
 * The logins are made up front (a realistic mix: mostly habitual devices
 * and networks, some new ones, some failures), so only the engine is
 * timed. A first pass over the same logins warms the state; the timed
 * second pass must not allocate: its memory use is reported.
 */

#include "lr_engine.h"
#include "lr_memstate.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


typedef struct {
    lr_login  login;
    int       success;
    char      user[24];
    char      ip[24];
    char      device[24];
} bench_login;


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
bench_make(bench_login *b, size_t i, uint32_t users)
{
    uint32_t  u, home;

    static const char  *countries[] = { "JP", "JP", "JP", "US", "DE", "GB" };
    static const char  *families[] = { "Chrome", "Safari", "Edge", "Firefox" };
    static const char  *oses[] = { "Windows", "iOS", "macOS", "Android" };

    memset(b, 0, sizeof(*b));
    u = bench_rand(users);
    home = u % 6;

    snprintf(b->user, sizeof(b->user), "user%u", u);

    /* 90 % from home, 10 % from somewhere new */
    if (bench_rand(10) != 0) {
        snprintf(b->ip, sizeof(b->ip), "10.%u.%u.%u", u % 250, u / 250 % 250,
                 bench_rand(4));
        memcpy(b->login.geo.country, countries[home], 3);
        b->login.geo.asn = 64500 + home;

    } else {
        snprintf(b->ip, sizeof(b->ip), "100.%u.%u.%u", bench_rand(250),
                 bench_rand(250), bench_rand(250));
        memcpy(b->login.geo.country, countries[bench_rand(6)], 3);
        b->login.geo.asn = 65000 + bench_rand(100);
    }

    snprintf(b->device, sizeof(b->device), "dev%u-%u", u,
             bench_rand(20) == 0 ? bench_rand(1000) : 0);

    b->login.time_ms = 1767225600000LL + (int64_t) i * 5000;
    b->login.user = b->user;
    b->login.ip = b->ip;
    b->login.device_id = b->device;
    b->login.geo.has_location = 1;
    b->login.geo.latitude = 35.0 + home;
    b->login.geo.longitude = 139.0 - 20.0 * home;
    b->login.ua.family = families[u % 4];
    b->login.ua.os = oses[u % 4];
    b->login.ua.device_class = u % 2 ? "mobile" : "desktop";
    b->login.ua.major = 120 + (unsigned) (i / 200000);
    b->login.timezone = home < 3 ? "Asia/Tokyo" : "Europe/Berlin";
    b->login.languages = home < 3 ? "ja-JP,ja;q=0.9" : "de-DE,de;q=0.9";
    b->success = bench_rand(30) != 0;
}


static size_t
bench_run(lr_state *state, const lr_config *cfg, bench_login *logins,
    size_t n, size_t *flagged)
{
    size_t      i, sum;
    lr_keys     keys;
    lr_view     view;
    lr_writes   writes;
    lr_verdict  verdict;

    sum = 0;
    *flagged = 0;

    for (i = 0; i < n; i++) {
        lr_login  *l = &logins[i].login;

        lr_engine_keys(l, &keys);
        state->read(state->impl, &keys, l->time_ms,
                    cfg->profile_max_age_s * 1000, &view);
        lr_engine_score(cfg, l, &keys, &view, &verdict);
        lr_engine_learn(cfg, l, &keys,
                        logins[i].success
                        && verdict.action != LR_ACTION_BLOCK,
                        &writes);
        state->apply(state->impl, &writes);

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
    double          t0, t1;
    lr_state        state;
    lr_config       cfg;
    bench_login    *logins;
    lr_memstate    *ms;
    struct mallinfo2  before, after;

    n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    users = argc > 2 ? strtoul(argv[2], NULL, 10) : 20000;

    logins = malloc(n * sizeof(*logins));
    ms = lr_memstate_create();
    if (logins == NULL || ms == NULL || n == 0 || users == 0) {
        fprintf(stderr, "bench_engine: out of memory or bad arguments\n");
        return 1;
    }

    for (i = 0; i < n; i++) {
        bench_make(&logins[i], i, (uint32_t) users);
    }

    lr_config_default(&cfg);
    state = lr_memstate_state(ms);

    /* warm: every user, value and counter key gets its place */
    bench_run(&state, &cfg, logins, n, &flagged);

    /* the same logins a day later: same keys, nothing new to allocate */
    for (i = 0; i < n; i++) {
        logins[i].login.time_ms += 86400000LL;
    }

    before = mallinfo2();
    t0 = bench_now();
    sum = bench_run(&state, &cfg, logins, n, &flagged);
    t1 = bench_now();
    after = mallinfo2();

    printf("{\"logins\":%zu,\"users\":%zu,\"seconds\":%.3f,"
           "\"logins_per_second\":%.0f,\"allocated_bytes_growth\":%ld,"
           "\"challenged_or_blocked\":%zu,\"score_sum\":%zu}\n",
           n, users, t1 - t0, n / (t1 - t0),
           (long) after.uordblks - (long) before.uordblks, flagged, sum);

    lr_memstate_destroy(ms);
    free(logins);

    return 0;
}
