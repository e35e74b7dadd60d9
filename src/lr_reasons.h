#ifndef LR_REASONS_H
#define LR_REASONS_H

/*
 * Reason codes: every outcome the module reaches carries the stable codes
 * that explain it. The README's reason table lists each of them.
 */

#include <stddef.h>

/* what the login body said, before any scoring */
#define LR_REASON_NO_USER           "no_user"
#define LR_REASON_BAD_USER          "bad_user"
#define LR_REASON_BAD_BODY          "bad_body"
#define LR_REASON_BODY_TOO_LARGE    "body_too_large"
#define LR_REASON_UNSUPPORTED_BODY  "unsupported_body"

/* the state store did not answer in time, or answered an error */
#define LR_REASON_STATE_UNAVAILABLE "state_unavailable"

#define LR_REASONS_MAX       32
#define LR_REASONS_TEXT_MAX  1024     /* room for any joined list */

typedef struct {
    const char  *code[LR_REASONS_MAX];  /* static strings */
    int          points[LR_REASONS_MAX];    /* its part of the score */
    size_t       n;
} lr_reasons;

/* Adds a code once; a full list keeps its first LR_REASONS_MAX codes. */
void lr_reasons_add(lr_reasons *reasons, const char *code);

/* Adds a code with its part of the score; points add up when the code is
 * already there. */
void lr_reasons_add_points(lr_reasons *reasons, const char *code,
    int points);

/* Writes the codes joined by ',' with a NUL; returns the length, or 0 when
 * the list is empty or cap is too small. */
size_t lr_reasons_format(const lr_reasons *reasons, char *buf, size_t cap);

#endif
