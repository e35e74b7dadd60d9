#ifndef LR_DEVCOOKIE_H
#define LR_DEVCOOKIE_H

/*
 * The device cookie's value: a random device id that only this site's
 * keys can have signed, so that a client cannot pick the id of another
 * device:
 *
 *     id "." kid "." base64url(mac)                   (lr_signed.h)
 *
 * id is 32 lowercase hex digits of RAND_bytes. It carries no expiry: the
 * cookie's Max-Age bounds its life, and a device keeps its id for as long
 * as the browser keeps the cookie.
 */

#include "lr_secret.h"
#include "lr_signed.h"

#include <stddef.h>

#define LR_DEVCOOKIE_ID   32        /* hex digits */
#define LR_DEVCOOKIE_MAX  (LR_DEVCOOKIE_ID + LR_SIGNED_OVERHEAD + 1)

/* Writes a new id (NUL-terminated) and its cookie value into out (cap
 * bytes). Returns the value's length, or 0. */
size_t lr_devcookie_make(const lr_secrets *s, char id[LR_DEVCOOKIE_ID + 1],
    char *out, size_t cap);

/* 0 and the id when text[0..len) is a device cookie value signed by one of
 * the keys; -1 (id "") otherwise. */
int lr_devcookie_verify(const lr_secrets *s, const char *text, size_t len,
    char id[LR_DEVCOOKIE_ID + 1]);

#endif
