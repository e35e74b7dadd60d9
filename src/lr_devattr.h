#ifndef LR_DEVATTR_H
#define LR_DEVATTR_H

/*
 * Device attributes as a 32-bit vector of eight 4-bit cells, one per
 * attribute, so that two browsers can be compared attribute by attribute
 * (one exact hash of everything would change at every browser update):
 *
 *   cell  attribute                                   weight
 *   0     WebGL vendor + renderer (the GPU)            3
 *   1     screen size (larger x smaller side)          2
 *   2     timezone (IANA name)                         2
 *   3     platform (client hint platform, else OS)     2
 *   4     hardware concurrency + device memory         1
 *   5     device pixel ratio + colour depth            1
 *   6     canvas rendering hash                        1
 *   7     audio rendering hash                         1
 *
 * Cell i holds bits 4i..4i+3; 0 means "attribute unknown", 1..15 a hash of
 * its value. The browser's version is deliberately no attribute: an update
 * does not make a new device; a different GPU, screen and timezone do.
 */

#include <stdint.h>

#define LR_DEVATTR_CELLS  8

typedef enum {
    LR_DEVATTR_GPU = 0,
    LR_DEVATTR_SCREEN,
    LR_DEVATTR_TIMEZONE,
    LR_DEVATTR_PLATFORM,
    LR_DEVATTR_HARDWARE,
    LR_DEVATTR_DISPLAY,
    LR_DEVATTR_CANVAS,
    LR_DEVATTR_AUDIO
} lr_devattr_cell;

/* The cell value (1..15) of an attribute's text, 0 for NULL or "". */
unsigned lr_devattr_cell_of(const char *text);

/* v with cell set to value (0..15). */
uint32_t lr_devattr_set(uint32_t v, lr_devattr_cell cell, unsigned value);

/*
 * Similarity of two vectors in per mille: the weight of the cells known on
 * both sides and equal, over the weight of the cells known on both sides.
 * -1 when fewer than LR_DEVATTR_MIN_WEIGHT of weight is known on both
 * sides (too little to say).
 */
#define LR_DEVATTR_MIN_WEIGHT  6
int lr_devattr_similarity(uint32_t a, uint32_t b);

/* At or above this similarity, two vectors are probably one device. */
#define LR_DEVATTR_SAME_DEVICE  750

#endif
