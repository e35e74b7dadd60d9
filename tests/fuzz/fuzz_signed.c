/*
 * Signed texts from the client (lr_signed.h): the input verified as a
 * collector token (lr_token_verify), a device cookie (lr_devcookie_verify)
 * and a step-up ticket (lr_ticket_verify), with a fixed key set of two
 * keys (the first signs, both verify: a rotation), at a fixed time; and as
 * base64url and as a decimal, the pieces they are made of.
 *
 * Checks: nothing verifies but what the signer makes: a text that does is
 * byte for byte what lr_signed_make() writes for its body under its key,
 * and no one-byte change, cut or addition of it verifies; a refusal
 * leaves the outputs ""; what a good text yields is well formed; a
 * decoded base64url or decimal is the one form that encodes to it.
 */

#include "fuzz.h"

#include "lr_devcookie.h"
#include "lr_secret.h"
#include "lr_signed.h"
#include "lr_ticket.h"
#include "lr_token.h"

#include <inttypes.h>


/* 2026-01-01T00:00:00Z: the seeds expire later, in 2030 */
#define FUZZ_NOW  1767225600

/* what the seeds in tests/fuzz/corpus/signed/ are signed with */
#define FUZZ_KEYS                                                             \
    "# test keys: never use these anywhere else\n"                            \
    "k2 7f3c2a9e5b1d4c8f0e6a2b7d9c3f1e5a8b4d6c2e0f9a7b3c5d1e8f2a6b4c0d9e\n"   \
    "k1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"

#define FUZZ_SMALL_USER  4


typedef int (*fuzz_verify_fn)(const char *text, size_t len);


static void fuzz_init(void);
static void fuzz_token(const char *text, size_t len);
static void fuzz_devcookie(const char *text, size_t len);
static void fuzz_ticket(const char *text, size_t len);
static void fuzz_canonical(const char *text, size_t len);
static void fuzz_mutants(const char *text, size_t len, fuzz_verify_fn ok);
static int fuzz_token_ok(const char *text, size_t len);
static int fuzz_devcookie_ok(const char *text, size_t len);
static int fuzz_ticket_ok(const char *text, size_t len);
static void fuzz_b64(const char *text, size_t len);
static void fuzz_decimal(const char *text, size_t len);


static lr_secrets  fuzz_keys;
static lr_secrets  fuzz_one_key[2];        /* each key alone, as signer */
static int         fuzz_ready;


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char  *text;

    if (!fuzz_ready) {
        fuzz_init();
    }

    text = fuzz_copy(data, size);

    fuzz_token(text, size);
    fuzz_devcookie(text, size);
    fuzz_ticket(text, size);
    fuzz_b64(text, size);
    fuzz_decimal(text, size);

    free(text);

    return 0;
}


static void
fuzz_init(void)
{
    size_t  i;

    FUZZ_CHECK(lr_secrets_parse(FUZZ_KEYS, sizeof(FUZZ_KEYS) - 1, &fuzz_keys,
                                NULL, 0)
               == 0);
    FUZZ_CHECK(fuzz_keys.n == 2);

    for (i = 0; i < 2; i++) {
        memset(&fuzz_one_key[i], 0, sizeof(lr_secrets));
        fuzz_one_key[i].key[0] = fuzz_keys.key[i];
        fuzz_one_key[i].n = 1;
    }

    fuzz_ready = 1;
}


static void
fuzz_token(const char *text, size_t len)
{
    char             id[LR_TOKEN_ID + 1];
    lr_token_status  st;

    memset(id, 'X', sizeof(id));

    st = lr_token_verify(&fuzz_keys, text, len, FUZZ_NOW, id);

    FUZZ_CHECK(st <= LR_TOKEN_EXPIRED);

    if (st != LR_TOKEN_OK) {
        FUZZ_CHECK(id[0] == '\0');
        return;
    }

    FUZZ_CHECK(strlen(id) == LR_TOKEN_ID && lr_signed_is_hex(id, LR_TOKEN_ID)
               && memcmp(id, text, LR_TOKEN_ID) == 0);

    /* good now, expired at the end of time */
    FUZZ_CHECK(lr_token_verify(&fuzz_keys, text, len, INT64_MAX, id)
               == LR_TOKEN_EXPIRED);

    fuzz_canonical(text, len);
    fuzz_mutants(text, len, fuzz_token_ok);
}


static void
fuzz_devcookie(const char *text, size_t len)
{
    char  id[LR_DEVCOOKIE_ID + 1];

    memset(id, 'X', sizeof(id));

    if (lr_devcookie_verify(&fuzz_keys, text, len, id) != 0) {
        FUZZ_CHECK(id[0] == '\0');
        return;
    }

    FUZZ_CHECK(strlen(id) == LR_DEVCOOKIE_ID
               && lr_signed_is_hex(id, LR_DEVCOOKIE_ID)
               && memcmp(id, text, LR_DEVCOOKIE_ID) == 0);

    fuzz_canonical(text, len);
    fuzz_mutants(text, len, fuzz_devcookie_ok);
}


static void
fuzz_ticket(const char *text, size_t len)
{
    char              user[LR_USERID_MAX + 1], small[FUZZ_SMALL_USER];
    char              attempt[LR_TICKET_ATTEMPT + 1];
    size_t            user_len;
    lr_ticket_status  st, small_st;

    memset(user, 'X', sizeof(user));
    memset(attempt, 'X', sizeof(attempt));

    st = lr_ticket_verify(&fuzz_keys, text, len, FUZZ_NOW, user, sizeof(user),
                          attempt);

    FUZZ_CHECK(st <= LR_TICKET_EXPIRED);
    FUZZ_CHECK(strcmp(lr_ticket_status_text(st), "unknown") != 0);

    memset(small, 'X', sizeof(small));
    small_st = lr_ticket_verify(&fuzz_keys, text, len, FUZZ_NOW, small,
                                sizeof(small), attempt);

    if (st != LR_TICKET_OK) {
        FUZZ_CHECK(user[0] == '\0' && attempt[0] == '\0');
        FUZZ_CHECK(small[0] == '\0');

        /* the user is read before the expiry is looked at */
        FUZZ_CHECK(small_st == st
                   || (st == LR_TICKET_EXPIRED
                       && small_st == LR_TICKET_MALFORMED));
        return;
    }

    user_len = strlen(user);

    /* a user that does not fit the caller's buffer is malformed for it */
    FUZZ_CHECK(small_st == (user_len < sizeof(small) ? LR_TICKET_OK
                                                     : LR_TICKET_MALFORMED));
    FUZZ_CHECK(fuzz_has_nul(small, sizeof(small)));

    FUZZ_CHECK(lr_ticket_verify(&fuzz_keys, text, len, FUZZ_NOW, user,
                                sizeof(user), attempt)
               == LR_TICKET_OK);
    FUZZ_CHECK(user_len > 0 && user_len <= LR_USERID_MAX);
    FUZZ_CHECK(strlen(attempt) == LR_TICKET_ATTEMPT
               && lr_signed_is_hex(attempt, LR_TICKET_ATTEMPT));

    fuzz_canonical(text, len);
    fuzz_mutants(text, len, fuzz_ticket_ok);
}


/* A text that verified is what the signer writes: its body, up to the
 * kid, signed by the key the kid names. */
static void
fuzz_canonical(const char *text, size_t len)
{
    char    out[1100];
    size_t  i, n, kid_at, mac_at;

    mac_at = len - LR_SIGNED_MAC_B64;
    kid_at = mac_at - 1;

    while (kid_at > 0 && text[kid_at - 1] != '.') {
        kid_at--;
    }

    for (i = 0; i < 2; i++) {
        if (strlen(fuzz_keys.key[i].kid) == mac_at - 1 - kid_at
            && memcmp(fuzz_keys.key[i].kid, text + kid_at,
                      mac_at - 1 - kid_at) == 0)
        {
            break;
        }
    }

    FUZZ_CHECK(i < 2);

    n = lr_signed_make(&fuzz_one_key[i], text, kid_at - 1, out, sizeof(out));
    FUZZ_CHECK(n == len && memcmp(out, text, len) == 0);
}


/* No text one byte away from a good one verifies. */
static void
fuzz_mutants(const char *text, size_t len, fuzz_verify_fn ok)
{
    char    *m;
    size_t   i;

    m = malloc(len + 1);
    FUZZ_CHECK(m != NULL);

    for (i = 0; i < len; i++) {
        memcpy(m, text, len);
        m[i] ^= 0x01;
        FUZZ_CHECK(!ok(m, len));

        m[i] = text[i] == '.' ? 'A' : '.';
        FUZZ_CHECK(!ok(m, len));
    }

    memcpy(m, text, len);
    FUZZ_CHECK(!ok(m, len - 1));
    FUZZ_CHECK(!ok(m + 1, len - 1));

    m[len] = 'A';
    FUZZ_CHECK(!ok(m, len + 1));

    free(m);
}


static int
fuzz_token_ok(const char *text, size_t len)
{
    char  id[LR_TOKEN_ID + 1];

    return lr_token_verify(&fuzz_keys, text, len, FUZZ_NOW, id)
           == LR_TOKEN_OK;
}


static int
fuzz_devcookie_ok(const char *text, size_t len)
{
    char  id[LR_DEVCOOKIE_ID + 1];

    return lr_devcookie_verify(&fuzz_keys, text, len, id) == 0;
}


static int
fuzz_ticket_ok(const char *text, size_t len)
{
    char  user[LR_USERID_MAX + 1], attempt[LR_TICKET_ATTEMPT + 1];

    return lr_ticket_verify(&fuzz_keys, text, len, FUZZ_NOW, user,
                            sizeof(user), attempt)
           == LR_TICKET_OK;
}


/* base64url: what decodes is the one encoding of those bytes. */
static void
fuzz_b64(const char *text, size_t len)
{
    int             n;
    char           *back;
    unsigned char  *raw;

    raw = malloc(len * 3 / 4 + 3);
    back = malloc(4 * ((len * 3 / 4 + 3 + 2) / 3) + 1);
    FUZZ_CHECK(raw != NULL && back != NULL);

    n = lr_signed_b64_decode(text, len, raw);

    if (n >= 0) {
        FUZZ_CHECK((size_t) n <= len * 3 / 4);
        FUZZ_CHECK(lr_signed_b64_encode(raw, (size_t) n, back) == len
                   && memcmp(back, text, len) == 0);
    }

    free(back);
    free(raw);
}


/* a decimal: what is taken is what "%" PRId64 writes */
static void
fuzz_decimal(const char *text, size_t len)
{
    char     buf[24];
    int64_t  v;

    v = lr_signed_decimal(text, len);

    if (v >= 0) {
        snprintf(buf, sizeof(buf), "%" PRId64, v);
        FUZZ_CHECK(strlen(buf) == len && memcmp(buf, text, len) == 0);

    } else {
        FUZZ_CHECK(v == -1);
    }
}
