#ifndef LR_FUZZ_H
#define LR_FUZZ_H

/*
 * What every harness shares. A harness is one file, tests/fuzz/fuzz_NAME.c,
 * with LLVMFuzzerTestOneInput() and nothing else that the build must know:
 * the Makefile finds it, builds it twice (with libFuzzer for `make fuzz`,
 * with tests/fuzz/replay.c for `make fuzz-replay`) and feeds it
 * tests/fuzz/corpus/NAME/ and tests/fuzz/crashes/NAME/.
 *
 * A harness checks what the parser promises (bounds, NUL-terminated
 * output, a round trip through the encoder, ...) with FUZZ_CHECK, which
 * aborts: libFuzzer then keeps the input as a crash. Any state a harness
 * needs is built once, on the first input, and never changed afterwards,
 * so that an input gives the same run alone as in a long session.
 *
 * static inline, as tests/unit/lr_test.h: a harness that uses only some
 * of these gets no -Wunused-function.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


#define FUZZ_CHECK(cond)                                                      \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__,        \
                    __LINE__, #cond);                                         \
            abort();                                                          \
        }                                                                     \
    } while (0)

#define FUZZ_NELEMS(a)  (sizeof(a) / sizeof((a)[0]))


/* A heap copy of s[0..n) of exactly n bytes (ASan sees a read past n);
 * never NULL. */
static inline void *
fuzz_copy(const void *s, size_t n)
{
    void  *p;

    p = malloc(n > 0 ? n : 1);
    FUZZ_CHECK(p != NULL);

    if (n > 0) {
        memcpy(p, s, n);
    }

    return p;
}


/* A heap copy of s[0..n) with a NUL after it, up to its first NUL: what a
 * C string taken from those bytes would be. */
static inline char *
fuzz_cstr(const void *s, size_t n)
{
    char        *p;
    const char  *nul;

    nul = memchr(s, '\0', n);
    if (nul != NULL) {
        n = (size_t) (nul - (const char *) s);
    }

    p = malloc(n + 1);
    FUZZ_CHECK(p != NULL);
    memcpy(p, s, n);
    p[n] = '\0';

    return p;
}


/* A buffer of cap bytes filled with 'X', so that a missing NUL shows. */
static inline char *
fuzz_out(size_t cap)
{
    char  *p;

    p = malloc(cap > 0 ? cap : 1);
    FUZZ_CHECK(p != NULL);
    memset(p, 'X', cap > 0 ? cap : 1);

    return p;
}


/* Whether s holds a NUL within its first cap bytes. */
static inline int
fuzz_has_nul(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}


/* Whether every byte of s[0..n) is zero. */
static inline int
fuzz_is_zero(const void *s, size_t n)
{
    size_t               i;
    const unsigned char  *p;

    p = s;

    for (i = 0; i < n; i++) {
        if (p[i] != 0) {
            return 0;
        }
    }

    return 1;
}


/* Whether the NUL-terminated s consists of characters of set only. */
static inline int
fuzz_only(const char *s, const char *set)
{
    return s[strspn(s, set)] == '\0';
}


/* Whether s is one of the NULL-terminated list of strings. */
static inline int
fuzz_one_of(const char *s, const char *const *list)
{
    for ( /* void */ ; *list != NULL; list++) {
        if (strcmp(s, *list) == 0) {
            return 1;
        }
    }

    return 0;
}


#endif
