#ifndef LR_RULES_H
#define LR_RULES_H

/* The rules: each one that fires adds its weight under its reason code. */

#include "lr_config.h"
#include "lr_login.h"
#include "lr_state.h"

void lr_rules_apply(const lr_config *cfg, const lr_login *login,
    const lr_keys *keys, const lr_view *view, lr_reasons *reasons);

#endif
