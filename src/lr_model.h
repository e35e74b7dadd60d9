#ifndef LR_MODEL_H
#define LR_MODEL_H

/*
 * The statistical part, after Freeman et al., "Who Are You? A Statistical
 * Approach to Measuring User Authenticity" (NDSS 2016): for each hierarchy
 * of features, the likelihood ratio p(x) / p(x | user) of the login's
 * values, where p(x) (population) stands for the attacker and p(x | user)
 * for the account's owner, both learnt from successful logins only.
 *
 * A hierarchy is a list of levels from the most general to the most
 * specific (country > ASN > prefix > IP). By the chain rule
 *     p(x) = prod_l p(x_l | x_{l-1}),
 * and each conditional is smoothed towards the level above:
 *     p_pop(x_l | x_{l-1})  = (C(x_l) + 1) / (C(x_{l-1}) + K)
 *     p_user(x_l | x_{l-1}) = (c(x_l) + alpha p_pop(x_l | x_{l-1}))
 *                             / (c(x_{l-1}) + alpha)
 * with C the population counts, c the user's, C(x_0) all population logins
 * and c(x_0) all the user's logins. For a value the user never used the
 * ratio of that level is (c(x_{l-1}) + alpha) / alpha: it grows with how
 * often the user used the parent, and does not shrink when the value is
 * rare in the population — so a network never seen anywhere cannot look
 * safer than a common one (the trap of a population-frequency model).
 */

#include "lr_profile.h"
#include "lr_state.h"

#include <stddef.h>

#define LR_MODEL_K  10.0        /* pseudo-count of values under a parent */

/* log10 of the likelihood ratio of one hierarchy, from the user's counts
 * of the login's values (view->seen) and the population's (view->pop);
 * 0 when the profile is empty or the most specific value is unknown. */
double lr_model_log_ratio(const lr_profile *profile, const lr_view *view,
    const lr_features *f, const lr_feature *levels, size_t n, double alpha);

#endif
