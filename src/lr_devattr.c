#include "lr_devattr.h"

#include "lr_features.h"


/* its own seed: a cell must not equal some other feature's hash bits */
#define LR_DEVATTR_SEED  0x646576617474ull     /* "devatt" */


static unsigned lr_devattr_get(uint32_t v, unsigned cell);


/* what one attribute says about the device: the GPU most, a hash of a
 * rendering least (those change with browser updates) */
static const unsigned  lr_devattr_weights[LR_DEVATTR_CELLS] = {
    3, 2, 2, 2, 1, 1, 1, 1
};


unsigned
lr_devattr_cell_of(const char *text)
{
    if (text == NULL || text[0] == '\0') {
        return 0;
    }

    /* 1..15: 0 is kept for "unknown" */
    return 1 + (unsigned) (lr_hash_str(LR_DEVATTR_SEED, text) % 15);
}


uint32_t
lr_devattr_set(uint32_t v, lr_devattr_cell cell, unsigned value)
{
    unsigned  shift;

    if ((unsigned) cell >= LR_DEVATTR_CELLS) {
        return v;
    }

    shift = 4 * (unsigned) cell;

    return (v & ~(0xfu << shift)) | ((uint32_t) (value & 0xfu) << shift);
}


int
lr_devattr_similarity(uint32_t a, uint32_t b)
{
    unsigned  i, ca, cb, known, equal;

    known = 0;
    equal = 0;

    for (i = 0; i < LR_DEVATTR_CELLS; i++) {
        ca = lr_devattr_get(a, i);
        cb = lr_devattr_get(b, i);

        if (ca == 0 || cb == 0) {
            continue;
        }

        known += lr_devattr_weights[i];

        if (ca == cb) {
            equal += lr_devattr_weights[i];
        }
    }

    if (known < LR_DEVATTR_MIN_WEIGHT) {
        return -1;
    }

    return (int) (equal * 1000 / known);
}


static unsigned
lr_devattr_get(uint32_t v, unsigned cell)
{
    return (v >> (4 * cell)) & 0xfu;
}
