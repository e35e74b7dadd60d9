#ifndef LR_MEMSTATE_H
#define LR_MEMSTATE_H

/*
 * The in-memory store: for the replay tool, the benchmark and the tests.
 * Memory grows with the number of distinct users, values and counter keys,
 * never with the number of logins scored.
 */

#include "lr_state.h"

typedef struct lr_memstate  lr_memstate;

lr_memstate *lr_memstate_create(void);
void lr_memstate_destroy(lr_memstate *ms);

/* An lr_state that reads and writes ms. */
lr_state lr_memstate_state(lr_memstate *ms);

#endif
