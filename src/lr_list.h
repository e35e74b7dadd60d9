#ifndef LR_LIST_H
#define LR_LIST_H

/*
 * Allow and block lists: what an entry is, how it is written in a list
 * file and in Redis, and the set that holds the entries of one kind and
 * side for matching. Addresses and CIDRs are the glue's business (nginx's
 * own parser and radix trees); every other kind is matched here by the
 * 64-bit hash of its canonical text.
 *
 * Kinds and their canonical entries:
 *   ip          an IPv4 or IPv6 address or CIDR (canonicalised by the glue)
 *   user        a user id, normalised as on the login path (lr_userid.h)
 *   device      a device id: 32 lowercase hex digits (lr_devcookie.h)
 *   country     two letters, upper case ("JP")
 *   asn         a number, 1..4294967295; "AS64496" is read as 64496
 *   anonymizer  an address or CIDR, or an ASN ("AS64496"); one side only
 *
 * A list file has one entry a line:
 *
 *     ENTRY [expires=YYYY-MM-DDTHH:MM:SSZ] [# comment]
 *
 * blank lines and lines starting with '#' are skipped; an entry whose
 * expiry is past is kept out (and lapses by itself while the file is
 * loaded).
 *
 * Redis (P the prefix; one hash tag, so that a change is one script on
 * one shard):
 *   P{lists}:e:KIND:SIDE  hash: canonical entry -> JSON
 *                         {"expires":MS,"comment":"...","actor":"...",
 *                          "time":MS} (expires 0: never)
 *   P{lists}:v            version, INCR on every change
 *   P{lists}:audit        stream of changes (capped): actor, time, op,
 *                         kind, side, entry, before, after
 * SIDE is "allow" or "block" ("list" for anonymizer).
 */

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

typedef enum {
    LR_LS_ALLOW = 0,
    LR_LS_BLOCK,
    LR_LS_COUNT
} lr_list_side;

#define LR_LIST_ENTRY_MAX    1024       /* bytes of a canonical entry */
#define LR_LIST_COMMENT_MAX  256

/* "ip", "user", ...; NULL out of range. lr_list_kind_of: -1 unknown. */
const char *lr_list_kind_name(lr_list_kind kind);
int lr_list_kind_of(const char *name, size_t len);

/* "allow", "block" ("list" for the anonymizer kind's one side). */
const char *lr_list_side_name(lr_list_kind kind, lr_list_side side);
int lr_list_side_of(lr_list_kind kind, const char *name, size_t len);

#endif
