#ifndef LR_LIST_H
#define LR_LIST_H

/*
 * Allow and block lists: what an entry is, how it is written in a list
 * file, and the hashes by which entries other than addresses are matched
 * (lr_listset.h). Addresses and CIDRs are the glue's business (nginx's
 * own parser and radix trees); every other kind is matched by the 64-bit
 * hash of its canonical text.
 *
 * Kinds and their canonical entries:
 *   ip          an IPv4 or IPv6 address or CIDR (canonicalised by the glue:
 *               network address, "/LEN" unless a single address, IPv6 in
 *               its short form, an IPv4-mapped prefix as IPv4)
 *   user        a user id, normalised as on the login path (lr_userid.h)
 *   device      a device id: 32 hex digits, lower case (lr_devcookie.h)
 *   country     two letters, upper case ("JP")
 *   asn         a number, 1..4294967295; "AS64496" is read as 64496
 *   anonymizer  an address or CIDR (as ip), or an ASN written "AS64496"
 *               (a bare number is read as an ASN too); one side only
 *
 * A list file has one entry a line:
 *
 *     ENTRY [expires=YYYY-MM-DDTHH:MM:SSZ] [# comment]
 *
 * blank lines and lines starting with '#' are skipped; an entry has no
 * white space (a user id with a space goes in through the admin API); an
 * entry whose expiry is past is kept out, and one that expires while the
 * file is loaded lapses by itself.
 *
 * Redis (P the prefix; one hash tag, so that a change is one script on
 * one shard; lr_list_meta.h has the values):
 *   P{lists}:e:KIND:SIDE  hash: canonical entry -> JSON
 *                         {"expires":MS,"comment":"...","actor":"...",
 *                          "time":MS} (expires 0: never)
 *   P{lists}:x:KIND:SIDE  sorted set: the entries that expire, by expiry
 *                         (MS), so that a change removes the lapsed ones
 *   P{lists}:v            version: the time of the first change (ms), then
 *                         INCR on every change
 *   P{lists}:audit        stream of changes (capped): actor, time, op,
 *                         kind, side, entry, before, after
 * SIDE is "allow" or "block" ("list" for anonymizer).
 */

#include "lr_login.h"

#include <stddef.h>
#include <stdint.h>

typedef enum {
    LR_LK_IP = 0,
    LR_LK_USER,
    LR_LK_DEVICE,
    LR_LK_COUNTRY,
    LR_LK_ASN,
    LR_LK_ANONYMIZER,
    LR_LK_COUNT
} lr_list_kind;

/* the anonymizer kind has one side, LR_LS_ALLOW's slot, named "list" */
typedef enum {
    LR_LS_ALLOW = 0,
    LR_LS_BLOCK,
    LR_LS_COUNT
} lr_list_side;

#define LR_LIST_ENTRY_MAX    1024       /* bytes of an entry as given */
#define LR_LIST_COMMENT_MAX  256        /* bytes of a comment */

/* "ip", "user", ...; NULL out of range. lr_list_kind_of: -1 unknown. */
const char *lr_list_kind_name(lr_list_kind kind);
int lr_list_kind_of(const char *name, size_t len);

/* "allow", "block" ("list" for the anonymizer kind's one side); NULL for
 * a side the kind does not have. lr_list_side_of: -1 unknown. */
const char *lr_list_side_name(lr_list_kind kind, lr_list_side side);
int lr_list_side_of(lr_list_kind kind, const char *name, size_t len);

/* The LR_LIST_* bit of lr_login.allow and .block; 0 for anonymizer. */
unsigned lr_list_kind_bit(lr_list_kind kind);

/*
 * The canonical form of an entry of a kind matched by hash, written to out
 * (cap bytes, NUL-terminated). 0; 1 when it is an address or CIDR (kind ip,
 * or an anonymizer entry that is no ASN): the caller parses it; -1 when
 * it is not an entry of the kind, with a reason in *why.
 */
int lr_list_canon(lr_list_kind kind, const char *in, size_t len, char *out,
    size_t cap, size_t *out_len, const char **why);

/* The hash a canonical entry of a kind is matched by (never 0): an AS
 * number's is its number's, so that a login's costs no formatting. */
uint64_t lr_list_hash(lr_list_kind kind, const char *canon, size_t len);

/* The hashes of a login's values that lists match, by kind: user, device,
 * country, asn and the anonymizer kind's ASN; 0 where the login has none
 * (and for LR_LK_IP, which the glue matches by address). */
void lr_list_login_keys(const lr_login *login, uint64_t key[LR_LK_COUNT]);

/* One line of a list file. */
typedef struct {
    const char  *entry;
    size_t       entry_len;
    int64_t      expires_ms;        /* 0: never */
    const char  *comment;           /* NULL: none */
    size_t       comment_len;
} lr_list_line;

/* 0: an entry; 1: nothing (blank or comment); -1: malformed, with a reason
 * in *why. line[0..len) has no line break. */
int lr_list_line_parse(const char *line, size_t len, lr_list_line *out,
    const char **why);

#endif
