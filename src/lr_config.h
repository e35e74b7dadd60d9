#ifndef LR_CONFIG_H
#define LR_CONFIG_H

/*
 * The engine's settings: rule weights, thresholds, windows, profile bounds.
 * lr_config_default() gives the documented defaults (README, "Scoring").
 */

#include <stdint.h>

/* rules: each has a reason code of the same name and a weight in points */
typedef enum {
    LR_RULE_NEW_DEVICE = 0,
    LR_RULE_NEW_IP,
    LR_RULE_NEW_ASN,
    LR_RULE_NEW_COUNTRY,
    LR_RULE_IMPOSSIBLE_TRAVEL,
    LR_RULE_IP_FAILURES,
    LR_RULE_USER_FAILURES,
    LR_RULE_DEVICE_FAILURES,
    LR_RULE_IP_USER_FAILURES,
    LR_RULE_IP_MANY_USERS,
    LR_RULE_DEVICE_MANY_USERS,
    LR_RULE_AUTOMATION,
    LR_RULE_NO_TELEMETRY,
    LR_RULE_BAD_TOKEN,
    LR_RULE_REPLAYED_TOKEN,
    LR_RULE_TZ_MISMATCH,
    LR_RULE_LANG_MISMATCH,
    LR_RULE_ANONYMIZER,
    LR_RULE_UA_MISMATCH,
    LR_RULE_SCRIPTED_INPUT,
    LR_RULE_PASTE_PASSWORD,
    LR_RULE_DEVICE_CHANGED,
    LR_RULE_EXPIRED_TOKEN,
    LR_RULE_BAD_DEVICE_COOKIE,
    LR_RULE_COUNT
} lr_rule;

/* velocity counters kept per window */
typedef enum {
    LR_C_IP_FAILURES = 0,       /* failed logins from an IP */
    LR_C_USER_FAILURES,         /* failed logins of a user */
    LR_C_DEVICE_FAILURES,       /* failed logins from a device */
    LR_C_IP_USER_FAILURES,      /* failed logins of a user from an IP */
    LR_C_IP_USERS,              /* distinct users tried from an IP */
    LR_C_DEVICE_USERS,          /* distinct users tried from a device */
    LR_C_COUNT
} lr_counter;

typedef struct {
    int       weight[LR_RULE_COUNT];

    /* a counter rule fires at this many events in the counter's window */
    uint32_t  limit[LR_C_COUNT];
    uint32_t  window_s[LR_C_COUNT];

    /* statistical part: points per decade of likelihood ratio, and the
     * most each hierarchy may give */
    int       model_points_per_decade;
    int       model_cap_network;
    int       model_cap_browser;
    int       model_cap_device;
    double    model_alpha;          /* weight of the population prior */
    uint32_t  cold_start_logins;    /* below this, the model is scaled down */

    double    max_speed_kmh;        /* impossible_travel above this */
    double    min_travel_km;        /* GeoIP is not precise below this */

    uint32_t  profile_values;       /* values kept per feature, <= 16 */
    int64_t   profile_max_age_s;    /* history older than this is dropped */

    int       expect_telemetry;     /* the collector runs: no_telemetry */

    int       tag;                  /* action thresholds on the score */
    int       challenge;
    int       block;
    int       block_evidence;       /* a block also needs this many points
                                       of attack evidence */
} lr_config;

void lr_config_default(lr_config *cfg);

const char *lr_rule_code(lr_rule rule);

#endif
