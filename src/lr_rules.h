#ifndef LR_RULES_H
#define LR_RULES_H

/*
 * The rules: each one that fires adds its weight under its reason code.
 *
 * Some are evidence of an attack in progress (velocity from one source,
 * a driven browser, a forged or replayed token); the others say only that
 * the login is unfamiliar for this user, which the owner can cause too
 * (a trip, a VPN, a new phone) and the attacker can cause for the owner
 * (failures of the user). *evidence gets the points of the first kind:
 * only they may block; unfamiliarity alone asks for a challenge.
 */

#include "lr_config.h"
#include "lr_login.h"
#include "lr_state.h"

void lr_rules_apply(const lr_config *cfg, const lr_login *login,
    const lr_keys *keys, const lr_view *view, lr_reasons *reasons,
    int *evidence);

#endif
