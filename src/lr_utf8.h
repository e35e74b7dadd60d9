#ifndef LR_UTF8_H
#define LR_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes one UTF-8 sequence at s (n bytes available). Returns its length
 * (1..4) and stores the code point, or returns 0 when the bytes are not
 * valid UTF-8 (RFC 3629: no overlong forms, no surrogates, <= U+10FFFF).
 */
size_t lr_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

#endif
