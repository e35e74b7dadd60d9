#include "lr_list.h"
#include "lr_devcookie.h"
#include "lr_features.h"
#include "lr_login_json.h"
#include "lr_userid.h"

#include <stdio.h>
#include <string.h>


#define LR_LIST_SEED      0x6c697374ull     /* "list" */
#define LR_LIST_SEED_ASN  0x6c697361ull
#define LR_LIST_SEED_ANON 0x6c697376ull


static const char  *lr_list_kinds[LR_LK_COUNT] = {
    "ip", "user", "device", "country", "asn", "anonymizer"
};


const char *
lr_list_kind_name(lr_list_kind kind)
{
    return (unsigned) kind < LR_LK_COUNT ? lr_list_kinds[kind] : NULL;
}


int
lr_list_kind_of(const char *name, size_t len)
{
    int  k;

    for (k = 0; k < LR_LK_COUNT; k++) {
        if (strlen(lr_list_kinds[k]) == len
            && memcmp(lr_list_kinds[k], name, len) == 0)
        {
            return k;
        }
    }

    return -1;
}


const char *
lr_list_side_name(lr_list_kind kind, lr_list_side side)
{
    if ((unsigned) kind >= LR_LK_COUNT) {
        return NULL;
    }

    if (kind == LR_LK_ANONYMIZER) {
        return side == LR_LS_ALLOW ? "list" : NULL;
    }

    switch (side) {
    case LR_LS_ALLOW:
        return "allow";
    case LR_LS_BLOCK:
        return "block";
    default:
        return NULL;
    }
}


int
lr_list_side_of(lr_list_kind kind, const char *name, size_t len)
{
    int          s;
    const char  *n;

    for (s = 0; s < LR_LS_COUNT; s++) {
        n = lr_list_side_name(kind, (lr_list_side) s);

        if (n && strlen(n) == len && memcmp(n, name, len) == 0) {
            return s;
        }
    }

    return -1;
}


unsigned
lr_list_kind_bit(lr_list_kind kind)
{
    switch (kind) {
    case LR_LK_IP:
        return LR_LIST_IP;
    case LR_LK_USER:
        return LR_LIST_USER;
    case LR_LK_DEVICE:
        return LR_LIST_DEVICE;
    case LR_LK_COUNTRY:
        return LR_LIST_COUNTRY;
    case LR_LK_ASN:
        return LR_LIST_ASN;
    default:
        return 0;
    }
}


static int
lr_list_digit(char c)
{
    return c >= '0' && c <= '9';
}


static int
lr_list_hex(char c)
{
    return lr_list_digit(c) || (c >= 'a' && c <= 'f')
           || (c >= 'A' && c <= 'F');
}


static int
lr_list_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}


/* An AS number, "64496" or "AS64496": 1 with *asn; 0 when the text is no
 * AS number at all; -1 when it is one out of range. */
static int
lr_list_asn(const char *in, size_t len, uint32_t *asn)
{
    size_t    i;
    uint64_t  v;

    if (len > 2 && (in[0] == 'A' || in[0] == 'a')
        && (in[1] == 'S' || in[1] == 's'))
    {
        in += 2;
        len -= 2;
    }

    if (len == 0) {
        return 0;
    }

    v = 0;

    for (i = 0; i < len; i++) {
        if (!lr_list_digit(in[i])) {
            return 0;
        }

        /* more than 10 digits is out of range: stop before it overflows */
        if (i < 10) {
            v = v * 10 + (uint64_t) (in[i] - '0');
        }
    }

    if (len > 10 || v == 0 || v > UINT32_MAX) {
        return -1;
    }

    *asn = (uint32_t) v;

    return 1;
}


int
lr_list_canon(lr_list_kind kind, const char *in, size_t len, char *out,
    size_t cap, size_t *out_len, const char **why)
{
    int               rc;
    char              user[LR_USERID_MAX + 1];
    size_t            i, n;
    uint32_t          asn;
    lr_userid_status  us;

    *out_len = 0;

    if (cap > 0) {
        out[0] = '\0';
    }

    if (len == 0) {
        *why = "empty entry";
        return -1;
    }

    if (len > LR_LIST_ENTRY_MAX) {
        *why = "entry longer than 1024 bytes";
        return -1;
    }

    switch (kind) {

    case LR_LK_IP:
        return 1;

    case LR_LK_USER:
        us = lr_userid_normalize((const unsigned char *) in, len, user, &n);
        if (us != LR_USERID_OK) {
            *why = lr_userid_status_text(us);
            return -1;
        }

        if (n + 1 > cap) {
            *why = "entry too long";
            return -1;
        }

        memcpy(out, user, n + 1);
        *out_len = n;
        return 0;

    case LR_LK_DEVICE:
        if (len != 32 || cap < 33) {
            *why = "not a device id (32 hex digits)";
            return -1;
        }

        for (i = 0; i < 32; i++) {
            if (!lr_list_hex(in[i])) {
                *why = "not a device id (32 hex digits)";
                return -1;
            }

            out[i] = (char) ((in[i] >= 'A' && in[i] <= 'F') ? in[i] + 32
                                                             : in[i]);
        }

        out[32] = '\0';
        *out_len = 32;
        return 0;

    case LR_LK_COUNTRY:
        if (len != 2 || cap < 3 || !lr_list_letter(in[0])
            || !lr_list_letter(in[1]))
        {
            *why = "not a country code (two letters)";
            return -1;
        }

        out[0] = (char) (in[0] & ~0x20);
        out[1] = (char) (in[1] & ~0x20);
        out[2] = '\0';
        *out_len = 2;
        return 0;

    case LR_LK_ASN:
    case LR_LK_ANONYMIZER:
        rc = lr_list_asn(in, len, &asn);

        if (rc == 0 && kind == LR_LK_ANONYMIZER) {
            return 1;
        }

        if (rc != 1) {
            *why = "not an AS number (1 to 4294967295, or AS1 to "
                   "AS4294967295)";
            return -1;
        }

        n = (size_t) snprintf(out, cap, "%s%u",
                              kind == LR_LK_ANONYMIZER ? "AS" : "", asn);
        if (n >= cap) {
            *why = "entry too long";
            return -1;
        }

        *out_len = n;
        return 0;

    default:
        *why = "unknown list kind";
        return -1;
    }
}


uint64_t
lr_list_hash(lr_list_kind kind, const char *canon, size_t len)
{
    uint32_t  asn;

    /* "64496" and "AS64496", as lr_list_canon writes them */
    if ((kind == LR_LK_ASN || kind == LR_LK_ANONYMIZER)
        && lr_list_asn(canon, len, &asn) == 1)
    {
        return lr_hash_u64(kind == LR_LK_ASN ? LR_LIST_SEED_ASN
                                             : LR_LIST_SEED_ANON, asn);
    }

    return lr_hash(LR_LIST_SEED, canon, len);
}


void
lr_list_login_keys(const lr_login *login, uint64_t key[LR_LK_COUNT])
{
    size_t       len;
    const char  *d, *why;
    char         text[LR_DEVCOOKIE_ID + 1];

    memset(key, 0, LR_LK_COUNT * sizeof(uint64_t));

    if (login->user && login->user[0]) {
        key[LR_LK_USER] = lr_hash(LR_LIST_SEED, login->user,
                                  strlen(login->user));
    }

    d = login->device_id;

    if (d && lr_list_canon(LR_LK_DEVICE, d, strlen(d), text, sizeof(text),
                           &len, &why)
             == 0)
    {
        key[LR_LK_DEVICE] = lr_hash(LR_LIST_SEED, text, len);
    }

    if (login->geo.country[0]) {
        key[LR_LK_COUNTRY] = lr_hash(LR_LIST_SEED, login->geo.country,
                                     strlen(login->geo.country));
    }

    if (login->geo.asn) {
        key[LR_LK_ASN] = lr_hash_u64(LR_LIST_SEED_ASN, login->geo.asn);
        key[LR_LK_ANONYMIZER] = lr_hash_u64(LR_LIST_SEED_ANON,
                                            login->geo.asn);
    }
}


static int
lr_list_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}


int
lr_list_line_parse(const char *line, size_t len, lr_list_line *out,
    const char **why)
{
    char         when[40];
    size_t       i, start;
    const char  *end;

    memset(out, 0, sizeof(*out));

    end = line + len;

    while (line < end && lr_list_space(*line)) {
        line++;
    }

    while (end > line && lr_list_space(end[-1])) {
        end--;
    }

    if (line == end || *line == '#') {
        return 1;
    }

    for (i = 0; line + i < end && !lr_list_space(line[i]); i++) {
        if (line[i] == '\0') {
            *why = "a NUL byte in the line";
            return -1;
        }
    }

    out->entry = line;
    out->entry_len = i;
    line += i;

    while (line < end && lr_list_space(*line)) {
        line++;
    }

    if (end - line > 8 && memcmp(line, "expires=", 8) == 0) {
        line += 8;

        for (start = 0; line + start < end && !lr_list_space(line[start]);
             start++)
        {
            /* void */
        }

        if (start >= sizeof(when)) {
            *why = "expires= is not YYYY-MM-DDTHH:MM:SSZ";
            return -1;
        }

        memcpy(when, line, start);
        when[start] = '\0';

        if (lr_parse_time(when, &out->expires_ms) != 0
            || out->expires_ms <= 0)
        {
            *why = "expires= is not YYYY-MM-DDTHH:MM:SSZ";
            return -1;
        }

        line += start;

        while (line < end && lr_list_space(*line)) {
            line++;
        }
    }

    if (line == end) {
        return 0;
    }

    if (*line != '#') {
        *why = "unexpected text after the entry (a comment starts with "
               "\"#\"; an entry has no white space)";
        return -1;
    }

    line++;

    while (line < end && lr_list_space(*line)) {
        line++;
    }

    len = (size_t) (end - line);

    /* a long comment is cut, at a character boundary */
    if (len > LR_LIST_COMMENT_MAX) {
        len = LR_LIST_COMMENT_MAX;

        while (len > 0 && ((unsigned char) line[len] & 0xc0) == 0x80) {
            len--;
        }
    }

    if (len) {
        out->comment = line;
        out->comment_len = len;
    }

    return 0;
}
