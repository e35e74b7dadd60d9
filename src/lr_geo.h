#ifndef LR_GEO_H
#define LR_GEO_H

/*
 * Where an address is: country, city, coordinates (a GeoIP2/GeoLite2 City
 * or Country database) and network (a GeoLite2/GeoIP2 ASN database).
 * Either database may be absent; what it would have told is then unknown.
 */

#include <maxminddb.h>
#include <stdint.h>
#include <sys/socket.h>

#define LR_GEO_NAME_MAX  128    /* bytes, with the NUL; longer names are cut
                                   at a character boundary */

typedef struct {
    char      country[3];       /* ISO 3166-1 alpha-2, "" when unknown */
    char      city[LR_GEO_NAME_MAX];        /* English name, UTF-8 */
    int       has_location;
    double    latitude;
    double    longitude;
    uint32_t  asn;              /* 0 when unknown */
    char      asn_org[LR_GEO_NAME_MAX];
} lr_geo;

/* Opens a database; on failure writes a reason into err and returns -1. */
int lr_geo_open(MMDB_s *db, const char *path, char *err, size_t err_len);

/* city and asn may be NULL. An IPv4-mapped IPv6 address is looked up as
 * IPv4, so IPv4-only databases work behind a dual-stack listener. */
void lr_geo_lookup(MMDB_s *city, MMDB_s *asn, const struct sockaddr *sa,
    lr_geo *out);

#endif
