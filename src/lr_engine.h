#ifndef LR_ENGINE_H
#define LR_ENGINE_H

/*
 * The engine: which state a login needs (lr_engine_keys), how risky it is
 * and why (lr_engine_score), and what its outcome changes
 * (lr_engine_learn). It never allocates and never talks to a store itself.
 */

#include "lr_attempt.h"
#include "lr_config.h"
#include "lr_login.h"
#include "lr_state.h"

typedef enum {
    LR_ACTION_ALLOW = 0,
    LR_ACTION_TAG,
    LR_ACTION_CHALLENGE,
    LR_ACTION_BLOCK
} lr_action;

typedef struct {
    int         score;          /* 0..100 */
    lr_action   action;
    lr_reasons  reasons;        /* every point belongs to one of them */
} lr_verdict;

/* reason codes besides the rules' (lr_rule_code) */
#define LR_REASON_COLD_START        "cold_start"
#define LR_REASON_UNUSUAL_NETWORK   "unusual_network"
#define LR_REASON_UNUSUAL_BROWSER   "unusual_browser"
#define LR_REASON_UNUSUAL_DEVICE    "unusual_device"

void lr_engine_keys(const lr_login *login, lr_keys *keys);

void lr_engine_score(const lr_config *cfg, const lr_login *login,
    const lr_keys *keys, const lr_view *view, lr_verdict *verdict);

/* success: the application accepted the login (learnt into the profile
 * and the population); otherwise it counts as a failure. */
void lr_engine_learn(const lr_config *cfg, const lr_login *login,
    const lr_keys *keys, int success, lr_writes *writes);

/* An attempt whose outcome is not known: it counts only towards "one
 * source, many accounts". */
void lr_engine_attempt(const lr_config *cfg, const lr_login *login,
    const lr_keys *keys, lr_writes *writes);

/* What a challenged login keeps for its step-up, and what passing the
 * step-up teaches: the same as a success. */
void lr_engine_attempt_of(const lr_login *login, const lr_keys *keys,
    lr_attempt *attempt);
void lr_engine_learn_attempt(const lr_config *cfg, uint64_t user,
    const lr_attempt *attempt, lr_writes *writes);

/* The key of a normalised user id, as lr_engine_keys computes it. */
uint64_t lr_engine_user_key(const char *user);

const char *lr_action_name(lr_action action);

#endif
