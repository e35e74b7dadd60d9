#ifndef LR_ATTEMPT_H
#define LR_ATTEMPT_H

/*
 * A challenged login, kept until its step-up is passed: what a success
 * teaches (its features, time and place), encoded for the store.
 */

#include "lr_features.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    lr_features  f;
    int64_t      time_ms;
    int          has_location;
    double       lat;
    double       lon;
} lr_attempt;

#define LR_ATTEMPT_SIZE  (1 + 8 * LR_F_COUNT + 8 + 1 + 8 + 8)

void lr_attempt_encode(const lr_attempt *a, unsigned char out[LR_ATTEMPT_SIZE]);

/* 0, or -1 when the bytes are not an attempt */
int lr_attempt_decode(const unsigned char *in, size_t len, lr_attempt *a);

#endif
