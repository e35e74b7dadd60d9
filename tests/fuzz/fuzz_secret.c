/*
 * The key file (lr_secrets_parse), read at start and at every reload.
 *
 * Checks: a good file gives 1..8 keys of well-formed, distinct ids and
 * 32..64 bytes each, which sign and verify; a refused one leaves the set
 * wiped and a message that fits its buffer (a small one too) and never
 * quotes a secret.
 */

#include "fuzz.h"

#include "lr_secret.h"
#include "lr_signed.h"

#include <ctype.h>


#define FUZZ_ERR_MAX    128
#define FUZZ_ERR_SMALL  8

/* a secret is 64+ hex digits: a message may hold a line number, not this */
#define FUZZ_HEX_RUN    16


static void fuzz_good(const lr_secrets *s);
static int fuzz_hex_run(const char *s);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int          rc;
    char        *text, err[FUZZ_ERR_MAX], small[FUZZ_ERR_SMALL];
    lr_secrets   s, again;

    text = fuzz_copy(data, size);
    memset(err, 'X', sizeof(err));
    memset(&s, 0xa5, sizeof(s));

    rc = lr_secrets_parse(text, size, &s, err, sizeof(err));

    FUZZ_CHECK(rc == 0 || rc == -1);
    FUZZ_CHECK(fuzz_has_nul(err, sizeof(err)));

    if (rc == 0) {
        FUZZ_CHECK(err[0] == '\0');
        fuzz_good(&s);

    } else {
        FUZZ_CHECK(s.n == 0 && fuzz_is_zero(&s, sizeof(s)));
        FUZZ_CHECK(err[0] != '\0' && !fuzz_hex_run(err));
    }

    /* the same answer with a tiny message buffer, or none */
    memset(small, 'X', sizeof(small));
    FUZZ_CHECK(lr_secrets_parse(text, size, &again, small, sizeof(small))
               == rc);
    FUZZ_CHECK(fuzz_has_nul(small, sizeof(small)));
    FUZZ_CHECK(rc != 0 || memcmp(&again, &s, sizeof(s)) == 0);

    FUZZ_CHECK(lr_secrets_parse(text, size, &again, NULL, 0) == rc);

    lr_secrets_wipe(&again);
    lr_secrets_wipe(&s);
    FUZZ_CHECK(s.n == 0);

    free(text);

    return 0;
}


static void
fuzz_good(const lr_secrets *s)
{
    char                  text[200];
    size_t                i, j, n, kid_len, body_len;
    lr_secrets            one;
    const lr_secret_key  *k;

    FUZZ_CHECK(s->n >= 1 && s->n <= LR_SECRET_KEYS_MAX);

    for (i = 0; i < s->n; i++) {
        k = &s->key[i];
        kid_len = strnlen(k->kid, sizeof(k->kid));

        FUZZ_CHECK(kid_len >= 1 && kid_len <= LR_SECRET_KID_MAX);
        FUZZ_CHECK(fuzz_only(k->kid, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                     "abcdefghijklmnopqrstuvwxyz0123456789_-"));
        FUZZ_CHECK(k->len >= LR_SECRET_MIN && k->len <= LR_SECRET_MAX);
        FUZZ_CHECK(lr_secrets_find(s, k->kid, kid_len) == k);

        for (j = 0; j < i; j++) {
            FUZZ_CHECK(strcmp(s->key[j].kid, k->kid) != 0);
        }

        /* each key signs what the whole set verifies */
        memset(&one, 0, sizeof(one));
        one.key[0] = *k;
        one.n = 1;

        n = lr_signed_make(&one, "fuzz.body", 9, text, sizeof(text));
        FUZZ_CHECK(n > 0 && strlen(text) == n);
        FUZZ_CHECK(lr_signed_verify(s, text, n, &body_len) == LR_SIGNED_OK
                   && body_len == 9);
    }
}


static int
fuzz_hex_run(const char *s)
{
    size_t  run;

    for (run = 0; *s != '\0'; s++) {
        run = isxdigit((unsigned char) *s) ? run + 1 : 0;

        if (run >= FUZZ_HEX_RUN) {
            return 1;
        }
    }

    return 0;
}
