#include "lr_geo.h"
#include "lr_utf8.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>


int
lr_geo_open(MMDB_s *db, const char *path, char *err, size_t err_len)
{
    int  rc, e;

    rc = MMDB_open(path, MMDB_MODE_MMAP, db);
    if (rc != MMDB_SUCCESS) {
        e = errno;

        /* the errno text is the useful part: no such file, permission */
        if (rc == MMDB_IO_ERROR || rc == MMDB_FILE_OPEN_ERROR) {
            snprintf(err, err_len, "%s: %s", MMDB_strerror(rc), strerror(e));

        } else {
            snprintf(err, err_len, "%s", MMDB_strerror(rc));
        }

        return -1;
    }

    return 0;
}


/* Copies a UTF-8 string, cutting it at a character boundary to fit. */
static void
lr_geo_copy_name(char *dst, size_t cap, const char *src, size_t len)
{
    size_t    n, i;
    uint32_t  cp;

    i = 0;

    while (i < len) {
        n = lr_utf8_decode((const unsigned char *) src + i, len - i, &cp);
        if (n == 0 || cp < 0x20 || i + n >= cap) {
            break;
        }
        i += n;
    }

    memcpy(dst, src, i);
    dst[i] = '\0';
}


static int
lr_geo_string(MMDB_entry_s *entry, char *dst, size_t cap, const char **path)
{
    MMDB_entry_data_s  data;

    if (MMDB_aget_value(entry, &data, path) != MMDB_SUCCESS
        || !data.has_data || data.type != MMDB_DATA_TYPE_UTF8_STRING)
    {
        return -1;
    }

    lr_geo_copy_name(dst, cap, data.utf8_string, data.data_size);

    return 0;
}


/* An ISO code of exactly two characters: a longer one must not be cut
 * into a different, valid-looking code. */
static int
lr_geo_country(MMDB_entry_s *entry, char *dst, const char **path)
{
    char  code[4];

    if (lr_geo_string(entry, code, sizeof(code), path) != 0
        || strlen(code) != 2)
    {
        return -1;
    }

    memcpy(dst, code, 3);

    return 0;
}


static int
lr_geo_double(MMDB_entry_s *entry, double *dst, const char **path)
{
    MMDB_entry_data_s  data;

    if (MMDB_aget_value(entry, &data, path) != MMDB_SUCCESS
        || !data.has_data || data.type != MMDB_DATA_TYPE_DOUBLE)
    {
        return -1;
    }

    *dst = data.double_value;

    return 0;
}


static int
lr_geo_find(MMDB_s *db, const struct sockaddr *sa, MMDB_entry_s *entry)
{
    int                    mmdb_error;
    MMDB_lookup_result_s   res;

    res = MMDB_lookup_sockaddr(db, sa, &mmdb_error);
    if (mmdb_error != MMDB_SUCCESS || !res.found_entry) {
        return -1;
    }

    *entry = res.entry;

    return 0;
}


static void
lr_geo_city(MMDB_s *db, const struct sockaddr *sa, lr_geo *out)
{
    MMDB_entry_s  entry;
    const char   *country[] = { "country", "iso_code", NULL };
    const char   *registered[] = { "registered_country", "iso_code", NULL };
    const char   *city[] = { "city", "names", "en", NULL };
    const char   *lat[] = { "location", "latitude", NULL };
    const char   *lon[] = { "location", "longitude", NULL };

    if (lr_geo_find(db, sa, &entry) != 0) {
        return;
    }

    if (lr_geo_country(&entry, out->country, country) != 0
        && lr_geo_country(&entry, out->country, registered) != 0)
    {
        out->country[0] = '\0';
    }

    lr_geo_string(&entry, out->city, sizeof(out->city), city);

    out->has_location = lr_geo_double(&entry, &out->latitude, lat) == 0
                        && lr_geo_double(&entry, &out->longitude, lon) == 0;

    /* half a coordinate is no place: leave both unknown (zero) */
    if (!out->has_location) {
        out->latitude = 0;
        out->longitude = 0;
    }
}


static void
lr_geo_asn(MMDB_s *db, const struct sockaddr *sa, lr_geo *out)
{
    MMDB_entry_s       entry;
    MMDB_entry_data_s  data;
    const char        *number[] = { "autonomous_system_number", NULL };
    const char        *org[] = { "autonomous_system_organization", NULL };

    if (lr_geo_find(db, sa, &entry) != 0) {
        return;
    }

    if (MMDB_aget_value(&entry, &data, number) == MMDB_SUCCESS
        && data.has_data && data.type == MMDB_DATA_TYPE_UINT32)
    {
        out->asn = data.uint32;
    }

    lr_geo_string(&entry, out->asn_org, sizeof(out->asn_org), org);
}


void
lr_geo_lookup(MMDB_s *city, MMDB_s *asn, const struct sockaddr *sa,
    lr_geo *out)
{
    struct sockaddr_in          v4;
    const struct sockaddr_in6  *v6;

    memset(out, 0, sizeof(*out));

    if (sa->sa_family == AF_INET6) {
        v6 = (const struct sockaddr_in6 *) sa;

        if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
            memset(&v4, 0, sizeof(v4));
            v4.sin_family = AF_INET;
            memcpy(&v4.sin_addr, &v6->sin6_addr.s6_addr[12], 4);
            sa = (const struct sockaddr *) &v4;
        }

    } else if (sa->sa_family != AF_INET) {
        return;                 /* unix sockets have no place */
    }

    if (city != NULL) {
        lr_geo_city(city, sa, out);
    }

    if (asn != NULL) {
        lr_geo_asn(asn, sa, out);
    }
}
