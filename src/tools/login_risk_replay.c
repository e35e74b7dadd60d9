/*
 * login-risk-replay: runs logins described as JSON lines through the engine
 * with the in-memory state, in time order, learning from each outcome as
 * the module does, and reports per login and, for labelled logins, how
 * well each action threshold separates attacks from the owners.
 *
 *   login-risk-replay [--summary-only] [--thresholds TAG,CHALLENGE,BLOCK]
 *                     [--expect-telemetry] [FILE]
 *
 * Input: one lr_login_json object per line, plus "success" (did the
 * password check succeed) and optional "label" ("legit", or "attack" /
 * "attack:<kind>"). A challenged login succeeds only when it is not
 * labelled as an attack: the owner passes the step-up, the attacker does
 * not. A blocked login never reaches the application: it counts as failed.
 */

#include "lr_engine.h"
#include "lr_login_json.h"
#include "lr_memstate.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#define REPLAY_SCORES  101


typedef struct {
    json_t        *obj;
    lr_login_doc   doc;
    size_t         line;
    int            success;
    const char    *label;       /* NULL: unlabelled */
} replay_event;


/* per label: logins reaching each action or more */
typedef struct {
    const char    *label;
    size_t         total;
    size_t         at_least[4];
} replay_label;


typedef struct {
    replay_label   label[64];
    size_t         nlabels;
    size_t         pos_scores[REPLAY_SCORES];
    size_t         neg_scores[REPLAY_SCORES];
    size_t         pos_at_least[4];
    size_t         neg_at_least[4];
    size_t         pos;
    size_t         neg;
    size_t         events;
} replay_stats;


static int
replay_is_attack(const char *label)
{
    return label != NULL && strncmp(label, "attack", 6) == 0
           && (label[6] == '\0' || label[6] == ':');
}


static int
replay_cmp(const void *a, const void *b)
{
    const replay_event  *x = a, *y = b;

    if (x->doc.login.time_ms != y->doc.login.time_ms) {
        return x->doc.login.time_ms < y->doc.login.time_ms ? -1 : 1;
    }

    /* stable: same time, input order */
    return x->line < y->line ? -1 : (x->line > y->line);
}


static replay_event *
replay_load(FILE *in, size_t *n)
{
    char           err[256];
    char          *line;
    size_t         cap, count, lineno, linecap;
    json_t        *obj, *v;
    ssize_t        len;
    json_error_t   jerr;
    replay_event  *events, *bigger;

    events = NULL;
    cap = count = lineno = 0;
    line = NULL;
    linecap = 0;

    while ((len = getline(&line, &linecap, in)) != -1) {
        lineno++;

        if (len <= 1) {
            continue;
        }

        obj = json_loadb(line, (size_t) len, JSON_REJECT_DUPLICATES, &jerr);
        if (obj == NULL) {
            fprintf(stderr, "login-risk-replay: line %zu: %s\n", lineno,
                    jerr.text);
            exit(2);
        }

        if (count == cap) {
            cap = cap ? cap * 2 : 1024;
            bigger = realloc(events, cap * sizeof(*events));
            if (bigger == NULL) {
                fprintf(stderr, "login-risk-replay: out of memory\n");
                exit(2);
            }
            events = bigger;
        }

        if (lr_login_from_json(obj, &events[count].doc, err, sizeof(err))
            != 0)
        {
            fprintf(stderr, "login-risk-replay: line %zu: %s\n", lineno, err);
            exit(2);
        }

        v = json_object_get(obj, "success");
        if (!json_is_boolean(v)) {
            fprintf(stderr, "login-risk-replay: line %zu: \"success\": "
                    "missing or not a boolean\n", lineno);
            exit(2);
        }

        events[count].obj = obj;
        events[count].line = lineno;
        events[count].success = json_is_true(v);
        events[count].label = json_string_value(json_object_get(obj,
                                                                "label"));
        count++;
    }

    free(line);

    /* the pointers into doc.user move with the array: set them last */
    qsort(events, count, sizeof(*events), replay_cmp);

    for (lineno = 0; lineno < count; lineno++) {
        if (events[lineno].doc.login.user) {
            events[lineno].doc.login.user = events[lineno].doc.user;
        }
    }

    *n = count;

    return events;
}


static void
replay_count(replay_stats *st, const replay_event *e, const lr_verdict *v)
{
    size_t         i, a;
    replay_label  *l;

    st->events++;

    if (e->label == NULL) {
        return;
    }

    for (i = 0; i < st->nlabels; i++) {
        if (strcmp(st->label[i].label, e->label) == 0) {
            break;
        }
    }

    if (i == st->nlabels && st->nlabels < sizeof(st->label)
                                          / sizeof(st->label[0]))
    {
        st->label[st->nlabels++].label = e->label;
    }

    l = i < st->nlabels ? &st->label[i] : NULL;

    if (l) {
        l->total++;
    }

    for (a = 0; a < 4; a++) {
        if (v->action >= (lr_action) a) {
            if (l) {
                l->at_least[a]++;
            }

            if (replay_is_attack(e->label)) {
                st->pos_at_least[a]++;

            } else {
                st->neg_at_least[a]++;
            }
        }
    }

    if (replay_is_attack(e->label)) {
        st->pos++;
        st->pos_scores[v->score]++;

    } else {
        st->neg++;
        st->neg_scores[v->score]++;
    }
}


/* Mann-Whitney: the chance that an attack scores above an owner's login,
 * ties counting half. */
static double
replay_auc(const replay_stats *st)
{
    size_t  s, below;
    double  wins;

    if (st->pos == 0 || st->neg == 0) {
        return 0.0;
    }

    wins = 0.0;
    below = 0;

    for (s = 0; s < REPLAY_SCORES; s++) {
        wins += (double) st->pos_scores[s] * below
                + 0.5 * (double) st->pos_scores[s] * st->neg_scores[s];
        below += st->neg_scores[s];
    }

    return wins / ((double) st->pos * st->neg);
}


static void
replay_summary(const replay_stats *st, const lr_config *cfg)
{
    size_t   i, a;
    json_t  *out, *sum, *th, *labels, *l;

    static const char  *actions[] = { "allow", "tag", "challenge", "block" };

    sum = json_object();
    json_object_set_new(sum, "events", json_integer((json_int_t) st->events));
    json_object_set_new(sum, "attacks", json_integer((json_int_t) st->pos));
    json_object_set_new(sum, "legit", json_integer((json_int_t) st->neg));

    th = json_array();

    for (a = 1; a < 4; a++) {
        json_array_append_new(th, json_pack("{s:s, s:i, s:f, s:f}",
            "action", actions[a],
            "threshold", a == 1 ? cfg->tag : a == 2 ? cfg->challenge
                                                     : cfg->block,
            "tpr", st->pos ? (double) st->pos_at_least[a] / st->pos : 0.0,
            "fpr", st->neg ? (double) st->neg_at_least[a] / st->neg : 0.0));
    }

    json_object_set_new(sum, "thresholds", th);
    json_object_set_new(sum, "roc_auc", json_real(replay_auc(st)));

    labels = json_object();

    for (i = 0; i < st->nlabels; i++) {
        l = json_pack("{s:I}", "total", (json_int_t) st->label[i].total);

        for (a = 1; a < 4; a++) {
            json_object_set_new(l, actions[a],
                json_real(st->label[i].total
                          ? (double) st->label[i].at_least[a]
                            / st->label[i].total
                          : 0.0));
        }

        json_object_set_new(labels, st->label[i].label, l);
    }

    json_object_set_new(sum, "labels", labels);

    out = json_pack("{s:o}", "summary", sum);
    json_dumpf(out, stdout,
               JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(4));
    fputc('\n', stdout);
    json_decref(out);
}


static void
replay_print(const replay_event *e, const lr_verdict *v)
{
    size_t   i;
    json_t  *out, *reasons;

    reasons = json_array();

    for (i = 0; i < v->reasons.n; i++) {
        json_array_append_new(reasons, json_pack("{s:s, s:i}",
            "code", v->reasons.code[i], "points", v->reasons.points[i]));
    }

    out = json_pack("{s:O?, s:O?, s:O?, s:b, s:O?, s:i, s:s, s:o}",
                    "time", json_object_get(e->obj, "time"),
                    "user", json_object_get(e->obj, "user"),
                    "ip", json_object_get(e->obj, "ip"),
                    "success", e->success,
                    "label", json_object_get(e->obj, "label"),
                    "score", v->score,
                    "action", lr_action_name(v->action),
                    "reasons", reasons);

    json_dumpf(out, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(out);
}


static void
usage(void)
{
    fprintf(stderr, "usage: login-risk-replay [--summary-only] "
            "[--thresholds TAG,CHALLENGE,BLOCK] [--expect-telemetry] "
            "[FILE]\n");
    exit(2);
}


int
main(int argc, char **argv)
{
    int             i, summary_only, outcome;
    FILE           *in;
    size_t          n, k;
    lr_keys         keys;
    lr_view         view;
    lr_state        state;
    lr_config       cfg;
    lr_writes       writes;
    lr_verdict      verdict;
    lr_memstate    *ms;
    replay_stats   *st;
    replay_event   *events;

    lr_config_default(&cfg);
    summary_only = 0;
    in = stdin;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--summary-only") == 0) {
            summary_only = 1;

        } else if (strcmp(argv[i], "--expect-telemetry") == 0) {
            cfg.expect_telemetry = 1;

        } else if (strcmp(argv[i], "--thresholds") == 0 && i + 1 < argc) {
            if (sscanf(argv[++i], "%d,%d,%d", &cfg.tag, &cfg.challenge,
                       &cfg.block) != 3
                || cfg.tag < 0 || cfg.tag > cfg.challenge
                || cfg.challenge > cfg.block || cfg.block > 100)
            {
                fprintf(stderr, "login-risk-replay: --thresholds wants "
                        "0 <= TAG <= CHALLENGE <= BLOCK <= 100\n");
                return 2;
            }

        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            usage();

        } else if (in != stdin) {
            usage();

        } else if (strcmp(argv[i], "-") != 0) {
            in = fopen(argv[i], "r");
            if (in == NULL) {
                fprintf(stderr, "login-risk-replay: %s: %s\n", argv[i],
                        strerror(errno));
                return 2;
            }
        }
    }

    events = replay_load(in, &n);

    ms = lr_memstate_create();
    st = calloc(1, sizeof(*st));
    if (ms == NULL || st == NULL) {
        fprintf(stderr, "login-risk-replay: out of memory\n");
        return 2;
    }

    state = lr_memstate_state(ms);

    for (k = 0; k < n; k++) {
        lr_login  *l = &events[k].doc.login;

        lr_engine_keys(l, &keys);

        if (state.read(state.impl, &keys, l->time_ms,
                       cfg.profile_max_age_s * 1000, &view)
            != 0)
        {
            fprintf(stderr, "login-risk-replay: state read failed\n");
            return 1;
        }

        lr_engine_score(&cfg, l, &keys, &view, &verdict);

        outcome = events[k].success
                  && verdict.action != LR_ACTION_BLOCK
                  && !(verdict.action == LR_ACTION_CHALLENGE
                       && replay_is_attack(events[k].label));

        lr_engine_learn(&cfg, l, &keys, outcome, &writes);

        if (state.apply(state.impl, &writes) != 0) {
            fprintf(stderr, "login-risk-replay: out of memory\n");
            return 1;
        }

        replay_count(st, &events[k], &verdict);

        if (!summary_only) {
            replay_print(&events[k], &verdict);
        }
    }

    replay_summary(st, &cfg);

    for (k = 0; k < n; k++) {
        json_decref(events[k].obj);
    }

    free(events);
    free(st);
    lr_memstate_destroy(ms);

    return 0;
}
