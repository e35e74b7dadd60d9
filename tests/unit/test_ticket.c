#include "lr_test.h"
#include "lr_ticket.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>


#define HEX32  "000102030405060708090a0b0c0d0e0f" \
               "101112131415161718191a1b1c1d1e1f"
#define OTHER  "f0e1d2c3b4a5968778695a4b3c2d1e0f" \
               "0123456789abcdeffedcba9876543210"

#define ATT    "0123456789abcdef0123456789abcdef"
#define EXP    1700000000
#define YAMADA "\xe5\xb1\xb1\xe7\x94\xb0" "taro"     /* 山田taro */

/* computed with Python's hmac and base64 modules, key 00 01 .. 1f */
#define VEC_ALICE \
    "YWxpY2U.0123456789abcdef0123456789abcdef.1700000000.k1." \
    "HqGyian3m-x4Gr6jv4sYABupZ4A5obBdhyW2tBAxuiw"
#define VEC_YAMADA \
    "5bGx55SwdGFybw.0123456789abcdef0123456789abcdef.1700000000.k1." \
    "0qa6zhjDQ_x8zcDe0rAgdFjr9aLhVljrpvGzvvw2kGk"


static lr_secrets  keys_a;      /* k1 */
static lr_secrets  keys_b;      /* k2 signs, k1 still verifies */
static lr_secrets  keys_c;      /* k2 alone */
static lr_secrets  keys_k1x;    /* another secret under the name k1 */
static lr_secrets  keys_none;


static void
load(lr_secrets *s, const char *text)
{
    char  err[128];

    if (lr_secrets_parse(text, strlen(text), s, err, sizeof(err)) != 0) {
        print_error("key file: %s\n", err);
        fail();
    }
}


static int
setup(void **state)
{
    (void) state;

    load(&keys_a, "k1 " HEX32 "\n");
    load(&keys_b, "k2 " OTHER "\nk1 " HEX32 "\n");
    load(&keys_c, "k2 " OTHER "\n");
    load(&keys_k1x, "k1 " OTHER "\n");
    memset(&keys_none, 0, sizeof(keys_none));

    return 0;
}


static int
teardown(void **state)
{
    (void) state;

    lr_secrets_wipe(&keys_a);
    lr_secrets_wipe(&keys_b);
    lr_secrets_wipe(&keys_c);
    lr_secrets_wipe(&keys_k1x);

    return 0;
}


/*
 * Verifies a heap copy of text[0..len) (a read past len hits ASan) with
 * user and attempt first full of 'X'; checks that a failure leaves both "".
 */
static lr_ticket_status
verify(const lr_secrets *s, const char *text, size_t len, int64_t now,
    char *user, size_t user_cap, char attempt[LR_TICKET_ATTEMPT + 1])
{
    char              *in;
    lr_ticket_status   st;

    in = lr_heap_copy(text, len);
    memset(user, 'X', user_cap);
    memset(attempt, 'X', LR_TICKET_ATTEMPT + 1);

    st = lr_ticket_verify(s, in, len, now, user, user_cap, attempt);
    free(in);

    if (st != LR_TICKET_OK) {
        assert_true(user_cap == 0 || user[0] == '\0');
        assert_int_equal(attempt[0], '\0');
    }

    return st;
}


/* verify() with room for any user, at now. */
static lr_ticket_status
check(const lr_secrets *s, const char *text, size_t len, int64_t now)
{
    char  user[LR_USERID_MAX + 1], attempt[LR_TICKET_ATTEMPT + 1];

    return verify(s, text, len, now, user, sizeof(user), attempt);
}


static void
expect(size_t row, const lr_secrets *s, const char *text, size_t len,
    int64_t now, lr_ticket_status want)
{
    lr_ticket_status  st;

    st = check(s, text, len, now);

    if (st != want) {
        lr_print_failed("ticket", row, text, len);
        print_error("  got %d (%s), want %d (%s)\n", st,
                    lr_ticket_status_text(st), want,
                    lr_ticket_status_text(want));
    }

    assert_int_equal(st, want);
}


static size_t
make(const lr_secrets *s, const char *user, int64_t expiry, char *out)
{
    return lr_ticket_make(s, user, ATT, expiry, out, LR_TICKET_MAX);
}


/* base64url without padding, as the test's own reference. */
static size_t
b64url(const void *in, size_t n, char *out)
{
    size_t  i, m;

    m = (size_t) EVP_EncodeBlock((unsigned char *) out, in, (int) n);

    while (m > 0 && out[m - 1] == '=') {
        m--;
    }

    for (i = 0; i < m; i++) {
        out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
    }

    out[m] = '\0';

    return m;
}


/* prefix "." base64url(HMAC-SHA256(k1 of keys_a, prefix)): a ticket with a
 * good MAC around whatever prefix holds. */
static size_t
sign(const char *prefix, char *out)
{
    char           mac[64];
    unsigned int   md_len;
    unsigned char  md[EVP_MAX_MD_SIZE];

    assert_non_null(HMAC(EVP_sha256(), keys_a.key[0].key,
                         (int) keys_a.key[0].len,
                         (const unsigned char *) prefix, strlen(prefix), md,
                         &md_len));
    b64url(md, md_len, mac);

    return (size_t) sprintf(out, "%s.%s", prefix, mac);
}


/* --- tests --------------------------------------------------------------- */


static void
test_known_answer(void **state)
{
    char    t[LR_TICKET_MAX], user[LR_USERID_MAX + 1];
    char    attempt[LR_TICKET_ATTEMPT + 1];
    size_t  n;

    (void) state;

    n = make(&keys_a, "alice", EXP, t);
    assert_int_equal(n, strlen(VEC_ALICE));
    assert_string_equal(t, VEC_ALICE);

    n = make(&keys_a, YAMADA, EXP, t);
    assert_int_equal(n, strlen(VEC_YAMADA));
    assert_string_equal(t, VEC_YAMADA);

    assert_int_equal(verify(&keys_a, VEC_ALICE, strlen(VEC_ALICE), EXP - 1,
                            user, sizeof(user), attempt),
                     LR_TICKET_OK);
    assert_string_equal(user, "alice");
    assert_string_equal(attempt, ATT);

    assert_int_equal(verify(&keys_a, VEC_YAMADA, strlen(VEC_YAMADA), 0,
                            user, sizeof(user), attempt),
                     LR_TICKET_OK);
    assert_string_equal(user, YAMADA);
    assert_string_equal(attempt, ATT);
}


static void
test_round_trip(void **state)
{
    char               t[LR_TICKET_MAX], user[LR_USERID_MAX + 1];
    char               att[LR_TICKET_ATTEMPT + 1], got[LR_TICKET_ATTEMPT + 1];
    char               big[LR_USERID_MAX + 1];
    size_t             i, n;
    const char        *users[6];
    lr_ticket_status   st;

    (void) state;

    memset(big, 'z', LR_USERID_MAX);
    big[LR_USERID_MAX] = '\0';

    users[0] = "a";                             /* 1, 2, 3 bytes: every */
    users[1] = "ab";                            /* tail of base64 */
    users[2] = "abc";
    users[3] = "\xf0\x9f\x98\x80" "@example.com";
    users[4] = "taro" "\xe3\x80\x80" "yamada";  /* U+3000 inside */
    users[5] = big;

    for (i = 0; i < LR_NELEMS(users); i++) {
        assert_int_equal(lr_ticket_new_attempt(att), 0);

        n = lr_ticket_make(&keys_a, users[i], att, 1000, t, sizeof(t));
        assert_true(n > 0 && n < LR_TICKET_MAX);
        assert_int_equal(strlen(t), n);

        /* URL-safe as it is */
        assert_null(strpbrk(t, "+/=%&?# "));

        st = verify(&keys_a, t, n, 999, user, sizeof(user), got);
        if (st != LR_TICKET_OK) {
            print_error("user %zu: %s\n", i, lr_ticket_status_text(st));
        }
        assert_int_equal(st, LR_TICKET_OK);
        assert_string_equal(user, users[i]);
        assert_string_equal(got, att);
    }

    /* the longest ticket there is */
    n = lr_ticket_make(&keys_a, big, ATT, INT64_MAX, t, sizeof(t));
    assert_int_equal(n, 342 + 1 + 32 + 1 + 19 + 1 + 2 + 1 + 43);
    expect(0, &keys_a, t, n, INT64_MAX - 1, LR_TICKET_OK);

    /* the earliest */
    n = make(&keys_a, "alice", 0, t);
    assert_true(n > 0);
    expect(1, &keys_a, t, n, -1, LR_TICKET_OK);
    expect(2, &keys_a, t, n, 0, LR_TICKET_EXPIRED);
}


static void
test_make_refuses(void **state)
{
    char        t[LR_TICKET_MAX], big[LR_USERID_MAX + 2];
    size_t      i;
    const char *bad_users[] = {
        "", "al\tice", "alice\n", "\x7f", "al\xc2\x85ice", "\xff",
        "\xc0\xaf", "alice\xe5\xb1", "\xed\xa0\x80", big,
    };
    const char *bad_attempts[] = {
        "", "0123456789ABCDEF0123456789abcdef",
        "0123456789abcdef0123456789abcde",
        "0123456789abcdef0123456789abcdef0",
        "0123456789abcdef0123456789abcdeg",
        " 0123456789abcdef0123456789abcde",
    };

    (void) state;

    memset(big, 'a', LR_USERID_MAX + 1);
    big[LR_USERID_MAX + 1] = '\0';

    for (i = 0; i < LR_NELEMS(bad_users); i++) {
        strcpy(t, "X");
        assert_int_equal(lr_ticket_make(&keys_a, bad_users[i], ATT, EXP, t,
                                        sizeof(t)), 0);
        assert_string_equal(t, "");
    }

    for (i = 0; i < LR_NELEMS(bad_attempts); i++) {
        assert_int_equal(lr_ticket_make(&keys_a, "alice", bad_attempts[i],
                                        EXP, t, sizeof(t)), 0);
    }

    assert_int_equal(lr_ticket_make(&keys_a, "alice", ATT, -1, t, sizeof(t)),
                     0);
    assert_int_equal(lr_ticket_make(&keys_a, "alice", ATT, INT64_MIN, t,
                                    sizeof(t)), 0);
    assert_int_equal(lr_ticket_make(&keys_none, "alice", ATT, EXP, t,
                                    sizeof(t)), 0);
}


static void
test_make_small_buffer(void **state)
{
    char    t[LR_TICKET_MAX], *out;
    size_t  n, cap;

    (void) state;

    n = make(&keys_a, "alice", EXP, t);
    assert_int_equal(n, strlen(VEC_ALICE));

    /* buffers of exactly cap bytes: a write past them hits ASan */
    for (cap = 0; cap <= n + 1; cap++) {
        out = malloc(cap > 0 ? cap : 1);
        assert_non_null(out);

        if (cap <= n) {
            assert_int_equal(lr_ticket_make(&keys_a, "alice", ATT, EXP, out,
                                            cap), 0);
            assert_true(cap == 0 || out[0] == '\0');

        } else {
            assert_int_equal(lr_ticket_make(&keys_a, "alice", ATT, EXP, out,
                                            cap), n);
            assert_string_equal(out, VEC_ALICE);
        }

        free(out);
    }
}


static void
test_rotation(void **state)
{
    char    t[LR_TICKET_MAX];
    size_t  n;

    (void) state;

    /* signed before the rotation, verified after it */
    n = make(&keys_a, "alice", EXP, t);
    expect(0, &keys_b, t, n, EXP - 1, LR_TICKET_OK);

    /* the new key signs */
    n = make(&keys_b, "alice", EXP, t);
    assert_non_null(strstr(t, ".k2."));
    expect(1, &keys_b, t, n, EXP - 1, LR_TICKET_OK);
    expect(2, &keys_c, t, n, EXP - 1, LR_TICKET_OK);

    /* a front end that has not got the new key yet; the old key retired */
    expect(3, &keys_a, t, n, EXP - 1, LR_TICKET_UNKNOWN_KEY);
    n = make(&keys_a, "alice", EXP, t);
    expect(4, &keys_c, t, n, EXP - 1, LR_TICKET_UNKNOWN_KEY);

    /* the same name, another secret */
    expect(5, &keys_k1x, t, n, EXP - 1, LR_TICKET_BAD_MAC);
    expect(6, &keys_none, t, n, EXP - 1, LR_TICKET_UNKNOWN_KEY);
}


/* Replaces the first occurrence of from in t with to. */
static size_t
edit(const char *t, const char *from, const char *to, char *out)
{
    const char  *p;

    p = strstr(t, from);
    assert_non_null(p);

    return (size_t) sprintf(out, "%.*s%s%s", (int) (p - t), t, to,
                            p + strlen(from));
}


static void
test_tamper_parts(void **state)
{
    char    t[LR_TICKET_MAX];
    size_t  n;

    (void) state;

#define TAMPER(row, from, to, want)                                           \
    n = edit(VEC_ALICE, from, to, t);                                         \
    expect(row, &keys_a, t, n, EXP - 1, want)

    /* user */
    TAMPER(0, "YWxpY2U.", "YWxpY2X.", LR_TICKET_BAD_MAC);
    TAMPER(1, "YWxpY2U.", "Ym9i.", LR_TICKET_BAD_MAC);            /* bob */
    TAMPER(2, "YWxpY2U.", "QUxJQ0U.", LR_TICKET_BAD_MAC);         /* ALICE */
    TAMPER(3, "YWxpY2U.", "YWxpY2U=.", LR_TICKET_MALFORMED);
    TAMPER(4, "YWxpY2U.", "YWxp+2U.", LR_TICKET_MALFORMED);
    TAMPER(5, "YWxpY2U.", "YWxpY.", LR_TICKET_MALFORMED);     /* 4n + 1 */
    TAMPER(6, "YWxpY2U.", "YWxp Y2U.", LR_TICKET_MALFORMED);
    TAMPER(7, "YWxpY2U.", ".", LR_TICKET_MALFORMED);

    /* attempt */
    TAMPER(10, ".0123", ".1123", LR_TICKET_BAD_MAC);
    TAMPER(11, "cdef.17", "cdee.17", LR_TICKET_BAD_MAC);
    TAMPER(12, ".0123456789abcdef0", ".0123456789ABCDEF0", LR_TICKET_MALFORMED);
    TAMPER(13, "cdef.17", "cde.17", LR_TICKET_MALFORMED);
    TAMPER(14, "cdef.17", "cdef0.17", LR_TICKET_MALFORMED);
    TAMPER(15, "cdef.17", "cdeg.17", LR_TICKET_MALFORMED);

    /* expiry */
    TAMPER(20, ".1700000000.", ".1700000001.", LR_TICKET_BAD_MAC);
    TAMPER(21, ".1700000000.", ".9999999999.", LR_TICKET_BAD_MAC);
    TAMPER(22, ".1700000000.", ".01700000000.", LR_TICKET_MALFORMED);
    TAMPER(23, ".1700000000.", ".+1700000000.", LR_TICKET_MALFORMED);
    TAMPER(24, ".1700000000.", ".-1700000000.", LR_TICKET_MALFORMED);
    TAMPER(25, ".1700000000.", ". 1700000000.", LR_TICKET_MALFORMED);
    TAMPER(26, ".1700000000.", ".1700000000 .", LR_TICKET_MALFORMED);
    TAMPER(27, ".1700000000.", ".17e8.", LR_TICKET_MALFORMED);
    TAMPER(28, ".1700000000.", ".0x6553f100.", LR_TICKET_MALFORMED);
    TAMPER(29, ".1700000000.", ".10000000000000000000.", LR_TICKET_MALFORMED);
    TAMPER(30, ".1700000000.", ".9223372036854775808.", LR_TICKET_MALFORMED);
    TAMPER(31, ".1700000000.", ".9999999999999999999.", LR_TICKET_MALFORMED);
    TAMPER(32, ".1700000000.", ".9223372036854775807.", LR_TICKET_BAD_MAC);
    TAMPER(33, ".1700000000.", "..", LR_TICKET_MALFORMED);

    /* kid */
    TAMPER(40, ".k1.", ".k9.", LR_TICKET_UNKNOWN_KEY);
    TAMPER(41, ".k1.", ".K1.", LR_TICKET_UNKNOWN_KEY);
    TAMPER(42, ".k1.", ".k1 .", LR_TICKET_MALFORMED);
    TAMPER(43, ".k1.", ".k!.", LR_TICKET_MALFORMED);
    TAMPER(44, ".k1.", "..", LR_TICKET_MALFORMED);
    TAMPER(45, ".k1.", ".abcdefghijklmnopq.", LR_TICKET_MALFORMED);
    TAMPER(46, ".k1.", ".abcdefghijklmnop.", LR_TICKET_UNKNOWN_KEY);

    /* mac */
    TAMPER(50, ".HqGy", ".HqGz", LR_TICKET_BAD_MAC);
    TAMPER(51, "tBAxuiw", "tBAxuix", LR_TICKET_BAD_MAC);  /* unused bits */
    TAMPER(52, "tBAxuiw", "tBAxuiw=", LR_TICKET_MALFORMED);
    TAMPER(53, "tBAxuiw", "tBAxui", LR_TICKET_MALFORMED);
    TAMPER(54, "tBAxuiw", "tBAxuiwA", LR_TICKET_MALFORMED);
    TAMPER(55, ".HqGy", ".H+Gy", LR_TICKET_MALFORMED);
    TAMPER(56, ".HqGy", ".HqG/", LR_TICKET_MALFORMED);

#undef TAMPER

    /* the other key's MAC under its own name */
    n = make(&keys_b, "alice", EXP, t);
    expect(60, &keys_b, t, n, EXP - 1, LR_TICKET_OK);
    assert_int_equal(t[n - 45], '2');
    t[n - 45] = '1';                            /* ".k2." -> ".k1." */
    expect(61, &keys_b, t, n, EXP - 1, LR_TICKET_BAD_MAC);
}


/* No change of one byte, to any value, passes. */
static void
test_every_byte_change(void **state)
{
    int               b;
    char              t[LR_TICKET_MAX];
    size_t            i, n;
    lr_ticket_status  st;

    (void) state;

    n = make(&keys_a, YAMADA, EXP, t);

    for (i = 0; i < n; i++) {
        for (b = 0; b < 256; b++) {
            if (b == (unsigned char) VEC_YAMADA[i]) {
                continue;
            }

            t[i] = (char) b;
            st = check(&keys_a, t, n, EXP - 1);

            if (st == LR_TICKET_OK) {
                lr_print_failed("byte", i, t, n);
            }

            assert_int_not_equal(st, LR_TICKET_OK);
        }

        t[i] = VEC_YAMADA[i];
    }

    expect(0, &keys_a, t, n, EXP - 1, LR_TICKET_OK);
}


static void
test_truncations(void **state)
{
    char    t[LR_TICKET_MAX];
    size_t  n, k;

    (void) state;

    n = make(&keys_a, YAMADA, EXP, t);

    /* every prefix */
    for (k = 0; k < n; k++) {
        expect(k, &keys_a, t, k, EXP - 1, LR_TICKET_MALFORMED);
    }

    /* every suffix */
    for (k = 1; k <= n; k++) {
        assert_int_not_equal(check(&keys_a, t + k, n - k, EXP - 1),
                             LR_TICKET_OK);
    }

    /* every cut of one byte from inside */
    for (k = 0; k < n; k++) {
        char  cut[LR_TICKET_MAX];

        memcpy(cut, t, k);
        memcpy(cut + k, t + k + 1, n - k - 1);
        assert_int_not_equal(check(&keys_a, cut, n - 1, EXP - 1),
                             LR_TICKET_OK);
    }
}


static void
test_trailing_garbage(void **state)
{
    char        t[LR_TICKET_MAX * 2];
    size_t      i, n;
    const char *tails[] = {
        ".", "A", "=", "\0", " ", "\n", "\r\n", ".x", ".k1",
        "&next=/", "\xff", "HqGyian3m-x4Gr6jv4sYABupZ4A5obBdhyW2tBAxuiw",
    };

    (void) state;

    for (i = 0; i < LR_NELEMS(tails); i++) {
        n = (size_t) sprintf(t, "%s", VEC_ALICE);
        memcpy(t + n, tails[i], strlen(tails[i]) + (tails[i][0] == '\0'));
        n += strlen(tails[i]) + (tails[i][0] == '\0');

        expect(i, &keys_a, t, n, EXP - 1, LR_TICKET_MALFORMED);
    }

    /* leading garbage as well */
    n = (size_t) sprintf(t, " %s", VEC_ALICE);
    expect(100, &keys_a, t, n, EXP - 1, LR_TICKET_MALFORMED);
    n = (size_t) sprintf(t, ".%s", VEC_ALICE);
    expect(101, &keys_a, t, n, EXP - 1, LR_TICKET_MALFORMED);
}


static void
test_malformed(void **state)
{
    char        t[LR_TICKET_MAX * 2];
    size_t      i;
    const char *rows[] = {
        "", ".", "....", ".....", "a.b.c.d.e",
        "YWxpY2U", "YWxpY2U." ATT, "YWxpY2U." ATT ".1700000000",
        "YWxpY2U." ATT ".1700000000.k1",
        "YWxpY2U." ATT ".1700000000.k1.",
        ".." ATT ".1700000000.k1.HqGyian3m-x4Gr6jv4sYABupZ4A5obBdhyW2tBAxuiw",
        "YWxpY2U." ATT ".1700000000.k1.x."
        "HqGyian3m-x4Gr6jv4sYABupZ4A5obBdhyW2tBAxuiw",
        "YWxpY2U.." ATT ".1700000000.k1."
        "HqGyian3m-x4Gr6jv4sYABupZ4A5obBdhyW2tBAxuiw",
    };

    (void) state;

    for (i = 0; i < LR_NELEMS(rows); i++) {
        expect(i, &keys_a, rows[i], strlen(rows[i]), EXP - 1,
               LR_TICKET_MALFORMED);
    }

    /* longer than any ticket */
    memset(t, 'A', sizeof(t));
    expect(100, &keys_a, t, LR_TICKET_MAX, EXP - 1, LR_TICKET_MALFORMED);
    expect(101, &keys_a, t, sizeof(t), EXP - 1, LR_TICKET_MALFORMED);

    /* a user part longer than any user, all else good */
    memset(t, 'A', 344);
    strcpy(t + 344, "." ATT ".1700000000.k1."
           "HqGyian3m-x4Gr6jv4sYABupZ4A5obBdhyW2tBAxuiw");
    expect(102, &keys_a, t, strlen(t), EXP - 1, LR_TICKET_MALFORMED);
}


/* A good MAC does not make a bad field good. */
static void
test_signed_bad_fields(void **state)
{
    char        prefix[LR_TICKET_MAX * 2], t[LR_TICKET_MAX * 3];
    char        u[LR_TICKET_MAX], big[LR_USERID_MAX + 1];
    size_t      i, n;
    const char *bad_users[] = {
        "al\tice", "alice\r\nX-Admin: 1", "\x01", "a\0b", "\x7f",
        "\xc2\x85", "\xff", "\xc0\xaf", "\xed\xa0\x80", "alice\xe5\xb1",
    };
    size_t      bad_lens[] = { 6, 18, 1, 3, 1, 2, 1, 2, 3, 7 };

    (void) state;

    /* the helper signs as the module does */
    b64url("alice", 5, u);
    sprintf(prefix, "%s.%s.%d.k1", u, ATT, EXP);
    n = sign(prefix, t);
    assert_string_equal(t, VEC_ALICE);
    expect(0, &keys_a, t, n, EXP - 1, LR_TICKET_OK);

    for (i = 0; i < LR_NELEMS(bad_users); i++) {
        b64url(bad_users[i], bad_lens[i], u);
        sprintf(prefix, "%s.%s.%d.k1", u, ATT, EXP);
        n = sign(prefix, t);
        expect(10 + i, &keys_a, t, n, EXP - 1, LR_TICKET_MALFORMED);
    }

    /* not the one encoding: "YQ" is "a", "YR" the same with a stray bit */
    sprintf(prefix, "YQ.%s.%d.k1", ATT, EXP);
    n = sign(prefix, t);
    expect(30, &keys_a, t, n, EXP - 1, LR_TICKET_OK);

    sprintf(prefix, "YR.%s.%d.k1", ATT, EXP);
    n = sign(prefix, t);
    expect(31, &keys_a, t, n, EXP - 1, LR_TICKET_MALFORMED);

    sprintf(prefix, "YWJ.%s.%d.k1", ATT, EXP);         /* "ab" is YWI */
    n = sign(prefix, t);
    expect(32, &keys_a, t, n, EXP - 1, LR_TICKET_MALFORMED);

    /* 256 bytes is the most; 257 is refused before the MAC */
    memset(big, 'q', sizeof(big));
    b64url(big, LR_USERID_MAX, u);
    sprintf(prefix, "%s.%s.%d.k1", u, ATT, EXP);
    n = sign(prefix, t);
    expect(40, &keys_a, t, n, EXP - 1, LR_TICKET_OK);

    b64url(big, LR_USERID_MAX + 1, u);
    sprintf(prefix, "%s.%s.%d.k1", u, ATT, EXP);
    n = sign(prefix, t);
    expect(41, &keys_a, t, n, EXP - 1, LR_TICKET_MALFORMED);

    /* the expiry at the edge of int64_t */
    sprintf(prefix, "YWxpY2U.%s.9223372036854775807.k1", ATT);
    n = sign(prefix, t);
    expect(50, &keys_a, t, n, INT64_MAX - 1, LR_TICKET_OK);
    expect(51, &keys_a, t, n, INT64_MAX, LR_TICKET_EXPIRED);

    sprintf(prefix, "YWxpY2U.%s.9223372036854775808.k1", ATT);
    n = sign(prefix, t);
    expect(52, &keys_a, t, n, 0, LR_TICKET_MALFORMED);

    sprintf(prefix, "YWxpY2U.%s.01700000000.k1", ATT);
    n = sign(prefix, t);
    expect(53, &keys_a, t, n, 0, LR_TICKET_MALFORMED);

    sprintf(prefix, "YWxpY2U.%s.0.k1", ATT);
    n = sign(prefix, t);
    expect(54, &keys_a, t, n, -1, LR_TICKET_OK);
    expect(55, &keys_a, t, n, 0, LR_TICKET_EXPIRED);
}


static void
test_expired(void **state)
{
    char    t[LR_TICKET_MAX];
    size_t  n;

    (void) state;

    n = make(&keys_a, "alice", EXP, t);

    expect(0, &keys_a, t, n, EXP - 1, LR_TICKET_OK);
    expect(1, &keys_a, t, n, EXP, LR_TICKET_EXPIRED);
    expect(2, &keys_a, t, n, EXP + 1, LR_TICKET_EXPIRED);
    expect(3, &keys_a, t, n, INT64_MAX, LR_TICKET_EXPIRED);
    expect(4, &keys_a, t, n, INT64_MIN, LR_TICKET_OK);

    /* the MAC first: a forged expired ticket is a forgery */
    t[n - 1] = t[n - 1] == 'A' ? 'B' : 'A';
    expect(5, &keys_a, t, n, EXP + 1, LR_TICKET_BAD_MAC);
    expect(6, &keys_k1x, VEC_ALICE, strlen(VEC_ALICE), EXP + 1,
           LR_TICKET_BAD_MAC);
    expect(7, &keys_c, VEC_ALICE, strlen(VEC_ALICE), EXP + 1,
           LR_TICKET_UNKNOWN_KEY);
}


static void
test_user_cap(void **state)
{
    char              user[8], attempt[LR_TICKET_ATTEMPT + 1];
    size_t            n;
    lr_ticket_status  st;

    (void) state;

    n = strlen(VEC_ALICE);

    st = verify(&keys_a, VEC_ALICE, n, EXP - 1, user, 6, attempt);
    assert_int_equal(st, LR_TICKET_OK);
    assert_string_equal(user, "alice");

    st = verify(&keys_a, VEC_ALICE, n, EXP - 1, user, 5, attempt);
    assert_int_equal(st, LR_TICKET_MALFORMED);

    user[0] = 'X';
    st = verify(&keys_a, VEC_ALICE, n, EXP - 1, user, 0, attempt);
    assert_int_equal(st, LR_TICKET_MALFORMED);
    assert_int_equal(user[0], 'X');
}


static void
test_new_attempt(void **state)
{
    char    a[LR_TICKET_ATTEMPT + 1], b[LR_TICKET_ATTEMPT + 1];
    size_t  i, k;

    (void) state;

    for (k = 0; k < 100; k++) {
        memset(a, 'X', sizeof(a));
        memset(b, 'X', sizeof(b));

        assert_int_equal(lr_ticket_new_attempt(a), 0);
        assert_int_equal(lr_ticket_new_attempt(b), 0);

        assert_int_equal(strlen(a), LR_TICKET_ATTEMPT);
        assert_int_equal(strlen(b), LR_TICKET_ATTEMPT);

        for (i = 0; i < LR_TICKET_ATTEMPT; i++) {
            assert_true(isdigit((unsigned char) a[i])
                        || (a[i] >= 'a' && a[i] <= 'f'));
            assert_true(isdigit((unsigned char) b[i])
                        || (b[i] >= 'a' && b[i] <= 'f'));
        }

        assert_string_not_equal(a, b);
    }
}


static void
test_status_text(void **state)
{
    int  i, j;

    (void) state;

    for (i = LR_TICKET_OK; i <= LR_TICKET_EXPIRED; i++) {
        assert_true(lr_ticket_status_text((lr_ticket_status) i)[0] != '\0');

        for (j = LR_TICKET_OK; j < i; j++) {
            assert_string_not_equal(lr_ticket_status_text((lr_ticket_status) i),
                                    lr_ticket_status_text((lr_ticket_status) j));
        }
    }

    assert_string_equal(lr_ticket_status_text(LR_TICKET_OK), "ok");
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_known_answer),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_make_refuses),
        cmocka_unit_test(test_make_small_buffer),
        cmocka_unit_test(test_rotation),
        cmocka_unit_test(test_tamper_parts),
        cmocka_unit_test(test_every_byte_change),
        cmocka_unit_test(test_truncations),
        cmocka_unit_test(test_trailing_garbage),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_signed_bad_fields),
        cmocka_unit_test(test_expired),
        cmocka_unit_test(test_user_cap),
        cmocka_unit_test(test_new_attempt),
        cmocka_unit_test(test_status_text),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
