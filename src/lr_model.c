#include "lr_model.h"

#include <math.h>


double
lr_model_log_ratio(const lr_profile *profile, const lr_view *view,
    const lr_features *f, const lr_feature *levels, size_t n, double alpha)
{
    size_t    l;
    double    pop_parent, user_parent, pop, user, p_pop, p_user, ratio;

    if (profile == NULL || n == 0 || f->v[levels[n - 1]] == 0) {
        return 0.0;
    }

    pop_parent = (double) view->pop_total;
    user_parent = (double) lr_profile_total(profile, levels[0]);
    ratio = 1.0;

    for (l = 0; l < n; l++) {
        pop = (double) view->pop[levels[l]];
        user = (double) view->seen[levels[l]];

        p_pop = (pop + 1.0) / (pop_parent + LR_MODEL_K);
        p_user = (user + alpha * p_pop) / (user_parent + alpha);
        ratio *= p_pop / p_user;

        pop_parent = pop;
        user_parent = user;
    }

    /* one logarithm for the whole chain */
    return log10(ratio);
}
