#ifndef LR_ADMIN_H
#define LR_ADMIN_H

/*
 * What the admin API shows of the engine's state, as JSON (the caller
 * owns what is returned), and the changes support staff make to a
 * profile. Profiles keep hashes only: values are shown as 8 hex digits
 * (the 32 bits a profile keeps), and a country's value is named by trying
 * every two-letter code (lr_features.c hashes the country alone).
 */

#include "lr_engine.h"
#include "lr_profile.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define LR_ADMIN_SUMMARY_MAX  256

/* {"successes", "last_login", "last_place", "values": {FEATURE: [{"value",
 * "count", "last_seen" [, "country"]}]}} */
json_t *lr_admin_profile_json(const lr_profile *p);

/* How often the profile saw each of a login's values, for the features in
 * the mask (bits 1 << lr_feature) that the login has: {FEATURE: count}. */
json_t *lr_admin_seen_json(const lr_profile *p, const lr_features *f,
    unsigned mask);

/* {"score", "action", "reasons": [...], "points": {...}} */
json_t *lr_admin_verdict_json(const lr_verdict *v);

/* A trust-device body, {"device": "<32 hex digits>"}: 0 and the id in
 * lower case; -1 with a message in err. */
int lr_admin_trust_parse(const char *body, size_t len, char device[33],
    char *err, size_t err_len);

/* What the audit records of a user's state: {"profile": bool,
 * "successes": N, "last_login": ..., "failures": N}, written to buf (cap
 * bytes, LR_ADMIN_SUMMARY_MAX is enough); its length, 0 when it does not
 * fit. p NULL: no profile. */
size_t lr_admin_user_summary(const lr_profile *p, uint64_t failures,
    char *buf, size_t cap);

/* The feature value of a device id, as a login with its cookie has it. */
uint64_t lr_admin_device_value(const char *device_id);

/* A profile's encoding (old_len 0, or unreadable: an empty profile) with
 * the device trusted (lr_profile_trust) at time_ms, expired at max_age_ms,
 * written to out (LR_PROFILE_CODEC_MAX bytes); its length. *before and
 * *after: the device's count in the profile before and after. */
size_t lr_admin_trust_device(const unsigned char *old, size_t old_len,
    const char *device_id, int64_t time_ms, uint32_t max_values,
    int64_t max_age_ms, unsigned char *out, uint32_t *before,
    uint32_t *after);

#endif
