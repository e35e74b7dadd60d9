#include "lr_config.h"

#include <string.h>


void
lr_config_default(lr_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));

    cfg->weight[LR_RULE_NEW_DEVICE] = 20;
    cfg->weight[LR_RULE_NEW_IP] = 5;
    cfg->weight[LR_RULE_NEW_ASN] = 10;
    cfg->weight[LR_RULE_NEW_COUNTRY] = 15;
    cfg->weight[LR_RULE_IMPOSSIBLE_TRAVEL] = 40;
    cfg->weight[LR_RULE_IP_FAILURES] = 30;
    cfg->weight[LR_RULE_USER_FAILURES] = 25;
    cfg->weight[LR_RULE_DEVICE_FAILURES] = 25;
    cfg->weight[LR_RULE_IP_USER_FAILURES] = 45;
    cfg->weight[LR_RULE_IP_MANY_USERS] = 45;
    cfg->weight[LR_RULE_DEVICE_MANY_USERS] = 45;
    cfg->weight[LR_RULE_AUTOMATION] = 45;
    cfg->weight[LR_RULE_NO_TELEMETRY] = 10;
    cfg->weight[LR_RULE_BAD_TOKEN] = 30;
    cfg->weight[LR_RULE_REPLAYED_TOKEN] = 45;
    cfg->weight[LR_RULE_TZ_MISMATCH] = 20;
    cfg->weight[LR_RULE_LANG_MISMATCH] = 15;
    cfg->weight[LR_RULE_ANONYMIZER] = 25;
    cfg->weight[LR_RULE_UA_MISMATCH] = 35;
    cfg->weight[LR_RULE_SCRIPTED_INPUT] = 40;
    cfg->weight[LR_RULE_PASTE_PASSWORD] = 5;
    cfg->weight[LR_RULE_DEVICE_CHANGED] = 25;
    cfg->weight[LR_RULE_EXPIRED_TOKEN] = 10;
    cfg->weight[LR_RULE_BAD_DEVICE_COOKIE] = 25;

    cfg->limit[LR_C_IP_FAILURES] = 10;
    cfg->window_s[LR_C_IP_FAILURES] = 3600;
    cfg->limit[LR_C_USER_FAILURES] = 5;
    cfg->window_s[LR_C_USER_FAILURES] = 3600;
    cfg->limit[LR_C_DEVICE_FAILURES] = 5;
    cfg->window_s[LR_C_DEVICE_FAILURES] = 3600;
    cfg->limit[LR_C_IP_USER_FAILURES] = 5;
    cfg->window_s[LR_C_IP_USER_FAILURES] = 3600;
    cfg->limit[LR_C_IP_USERS] = 5;
    cfg->window_s[LR_C_IP_USERS] = 3600;
    cfg->limit[LR_C_DEVICE_USERS] = 4;
    cfg->window_s[LR_C_DEVICE_USERS] = 86400;

    cfg->model_points_per_decade = 10;
    cfg->model_cap_network = 25;
    cfg->model_cap_browser = 10;
    cfg->model_cap_device = 15;
    cfg->model_alpha = 1.0;
    cfg->cold_start_logins = 3;

    cfg->max_speed_kmh = 1000.0;
    cfg->min_travel_km = 300.0;

    cfg->profile_values = 16;
    cfg->profile_max_age_s = 180 * 86400;

    cfg->expect_telemetry = 0;

    cfg->tag = 30;
    cfg->challenge = 45;
    cfg->block = 80;
    cfg->block_evidence = 40;
}


const char *
lr_rule_code(lr_rule rule)
{
    static const char  *codes[LR_RULE_COUNT] = {
        "new_device", "new_ip", "new_asn", "new_country",
        "impossible_travel", "ip_failures", "user_failures",
        "device_failures", "ip_user_failures", "ip_many_users",
        "device_many_users", "automation", "no_telemetry", "bad_token",
        "replayed_token", "tz_mismatch", "lang_mismatch", "anonymizer",
        "ua_mismatch", "scripted_input", "paste_password", "device_changed",
        "expired_token", "bad_device_cookie"
    };

    return rule < LR_RULE_COUNT ? codes[rule] : "unknown";
}
