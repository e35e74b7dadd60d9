#include "lr_features.h"

#include <arpa/inet.h>
#include <string.h>


#define LR_FNV_PRIME  0x100000001b3ull


/* FNV-1a: small, fast, good enough for keys that are not secret. */
uint64_t
lr_hash(uint64_t seed, const void *data, size_t len)
{
    size_t                i;
    uint64_t              h;
    const unsigned char  *p;

    h = seed ^ 0xcbf29ce484222325ull;
    p = data;

    for (i = 0; i < len; i++) {
        h ^= p[i];
        h *= LR_FNV_PRIME;
    }

    /* 0 is reserved for "unknown" */
    return h ? h : 1;
}


/* One 64-bit value: a multiply-xorshift mix, far cheaper than FNV's byte
 * loop for the keys built from other hashes. */
uint64_t
lr_hash_u64(uint64_t seed, uint64_t v)
{
    uint64_t  h;

    h = (seed ^ v) * 0x9e3779b97f4a7c15ull;
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ull;
    h ^= h >> 32;

    /* 0 is reserved for "unknown" */
    return h ? h : 1;
}


uint64_t
lr_hash_str(uint64_t seed, const char *s)
{
    /* the terminating NUL separates "ab"+"c" from "a"+"bc" */
    return lr_hash(seed, s ? s : "", s ? strlen(s) + 1 : 1);
}


size_t
lr_ip_prefix(const char *ip, unsigned char out[LR_IP_PREFIX_MAX])
{
    if (ip == NULL) {
        return 0;
    }

    /* the family byte keeps 1.2.3.0/24 apart from an IPv6 prefix */
    if (inet_pton(AF_INET, ip, out + 1) == 1) {
        out[0] = 4;
        return 4;
    }

    if (inet_pton(AF_INET6, ip, out + 1) == 1) {
        /* an IPv4-mapped address (a dual-stack listener's view of an IPv4
         * client, ::ffff:a.b.c.d) is an IPv4 address: its /48 would put
         * every IPv4 client into one prefix */
        if (memcmp(out + 1, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0) {
            out[0] = 4;
            memmove(out + 1, out + 13, 3);
            return 4;
        }

        out[0] = 6;
        return 7;
    }

    return 0;
}


void
lr_features_of(const lr_login *login, lr_features *out)
{
    size_t         len;
    uint64_t       h;
    unsigned char  prefix[LR_IP_PREFIX_MAX];

    /* network: each level hashes on from its parent */
    h = lr_hash_str(0x6e6574, login->geo.country);
    out->v[LR_F_COUNTRY] = h;
    h = lr_hash_u64(h, login->geo.asn);
    out->v[LR_F_ASN] = h;
    len = lr_ip_prefix(login->ip, prefix);
    h = lr_hash(h, prefix, len);
    out->v[LR_F_PREFIX] = h;
    out->v[LR_F_IP] = lr_hash_str(h, login->ip);

    /* browser */
    h = lr_hash_str(0x756167, login->ua.device_class);
    out->v[LR_F_DEVCLASS] = h;
    h = lr_hash_str(h, login->ua.os);
    out->v[LR_F_OS] = h;
    h = lr_hash_str(h, login->ua.family);
    out->v[LR_F_BROWSER] = h;
    out->v[LR_F_UA] = lr_hash_u64(h, login->ua.major);

    out->v[LR_F_DEVICE] = login->device_id && login->device_id[0]
                          ? lr_hash_str(0x646576, login->device_id) : 0;
    /* the vector itself in the low half, which is what a profile keeps:
     * the engine compares known devices attribute by attribute */
    out->v[LR_F_FINGERPRINT] = login->device_attrs
        ? (lr_hash_u64(0x667072, login->device_attrs) << 32)
          | login->device_attrs
        : 0;
}


const char *
lr_feature_name(lr_feature f)
{
    static const char  *names[LR_F_COUNT] = {
        "country", "asn", "prefix", "ip", "device_class", "os", "browser",
        "ua", "device", "fingerprint"
    };

    return f < LR_F_COUNT ? names[f] : "unknown";
}
