#include "lr_test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lr_geo.h"


#define TOKYO    "\xe6\x9d\xb1\xe4\xba\xac"     /* 東京 */
#define ZURICH   "Z\xc3\xbcrich"
#define SAOPAULO "S\xc3\xa3o Paulo"


typedef struct {
    const char  *ip;
    const char  *country;
    const char  *city;
    int          has_location;
    double       lat;
    double       lon;
    uint32_t     asn;
    const char  *org;
} geo_case;


/* tests/data/README.md, address plan */
static const geo_case  cases[] = {
    { "198.51.100.7", "DE", "Berlin", 1, 52.5244, 13.4105,
      64498, "Beispiel Netz GmbH" },
    { "192.0.2.10", "JP", TOKYO, 1, 35.6895, 139.6917,
      64496, "Example Japan Broadband KK" },
    { "192.0.2.200", "US", "New York", 1, 40.7128, -74.0060,
      64497, "Example Cable Inc." },
    { "198.51.100.130", "CH", ZURICH, 1, 47.3667, 8.5500,
      64499, "Z\xc3\xbcrcher Beispielnetz AG" },
    { "198.51.100.200", "BR", SAOPAULO, 1, -23.5475, -46.6361,
      65536, "Exemplo Telecomunica\xc3\xa7\xc3\xb5" "es Ltda" },
    { "203.0.113.10", "GB", "London", 1, 51.5085, -0.1257,
      65537, "Example Hosting Ltd" },
    { "203.0.113.70", "DE", "", 0, 0, 0,
      64498, "Beispiel Netz GmbH" },
    { "203.0.113.130", "US", "New York", 1, 40.7128, -74.0060,
      64497, "Example Cable Inc." },
    { "203.0.113.200", "", "", 0, 0, 0, 0, "" },

    /* the edges of the prefixes */
    { "192.0.2.0", "JP", TOKYO, 1, 35.6895, 139.6917,
      64496, "Example Japan Broadband KK" },
    { "192.0.2.127", "JP", TOKYO, 1, 35.6895, 139.6917,
      64496, "Example Japan Broadband KK" },
    { "192.0.2.128", "US", "New York", 1, 40.7128, -74.0060,
      64497, "Example Cable Inc." },
    { "198.51.100.127", "DE", "Berlin", 1, 52.5244, 13.4105,
      64498, "Beispiel Netz GmbH" },
    { "198.51.100.128", "CH", ZURICH, 1, 47.3667, 8.5500,
      64499, "Z\xc3\xbcrcher Beispielnetz AG" },
    { "203.0.113.191", "US", "New York", 1, 40.7128, -74.0060,
      64497, "Example Cable Inc." },
    { "203.0.113.192", "", "", 0, 0, 0, 0, "" },
    { "203.0.113.255", "", "", 0, 0, 0, 0, "" },

    /* outside the test networks */
    { "8.8.8.8", "", "", 0, 0, 0, 0, "" },
    { "127.0.0.1", "", "", 0, 0, 0, 0, "" },
    { "0.0.0.0", "", "", 0, 0, 0, 0, "" },
    { "255.255.255.255", "", "", 0, 0, 0, 0, "" },

    /* IPv6 */
    { "2001:db8:1::5", "JP", TOKYO, 1, 35.6895, 139.6917,
      64496, "Example Japan Broadband KK" },
    { "2001:db8:2::1", "US", "New York", 1, 40.7128, -74.0060,
      64497, "Example Cable Inc." },
    { "2001:db8:3::1", "DE", "Berlin", 1, 52.5244, 13.4105,
      64498, "Beispiel Netz GmbH" },
    { "2001:db8:4:ffff:ffff:ffff:ffff:ffff", "CH", ZURICH, 1, 47.3667, 8.55,
      64499, "Z\xc3\xbcrcher Beispielnetz AG" },
    { "2001:db8:5::1", "BR", SAOPAULO, 1, -23.5475, -46.6361,
      65536, "Exemplo Telecomunica\xc3\xa7\xc3\xb5" "es Ltda" },
    { "2001:db8:6::1", "GB", "London", 1, 51.5085, -0.1257,
      65537, "Example Hosting Ltd" },
    { "2001:db8:7::1", "GB", "", 0, 0, 0, 65537, "Example Hosting Ltd" },
    { "2001:db8:8::1", "JP", TOKYO, 1, 35.6895, 139.6917, 0, "" },
    { "2001:db8::1", "", "", 0, 0, 0, 0, "" },
    { "2001:db8:ffff::1", "", "", 0, 0, 0, 0, "" },
    { "::1", "", "", 0, 0, 0, 0, "" },
    { "::", "", "", 0, 0, 0, 0, "" },

    /* IPv4-mapped IPv6 */
    { "::ffff:198.51.100.7", "DE", "Berlin", 1, 52.5244, 13.4105,
      64498, "Beispiel Netz GmbH" },
    { "::ffff:192.0.2.10", "JP", TOKYO, 1, 35.6895, 139.6917,
      64496, "Example Japan Broadband KK" },
    { "::ffff:203.0.113.70", "DE", "", 0, 0, 0,
      64498, "Beispiel Netz GmbH" },
    { "::ffff:203.0.113.200", "", "", 0, 0, 0, 0, "" },
};


static MMDB_s  city_db, asn_db, made_db;
static int     dbs_open, made_open;
static char    tmpdir[256];


static void
open_dbs(void)
{
    char         path[1024], err[256];
    const char  *dir;

    if (dbs_open) {
        return;
    }

    dir = getenv("LR_GEOIP_DIR");
    if (dir == NULL || dir[0] == '\0') {
        fail_msg("LR_GEOIP_DIR is not set: it must name the directory with "
                 "test-city.mmdb and test-asn.mmdb (\"make unit\" builds "
                 "them in build/geoip and sets it)");
    }

    snprintf(path, sizeof(path), "%s/test-city.mmdb", dir);
    if (lr_geo_open(&city_db, path, err, sizeof(err)) != 0) {
        fail_msg("cannot open %s: %s (\"make geoip\" generates it)", path,
                 err);
    }

    snprintf(path, sizeof(path), "%s/test-asn.mmdb", dir);
    if (lr_geo_open(&asn_db, path, err, sizeof(err)) != 0) {
        MMDB_close(&city_db);
        fail_msg("cannot open %s: %s (\"make geoip\" generates it)", path,
                 err);
    }

    dbs_open = 1;
}


static void
make_sa(const char *ip, struct sockaddr_storage *ss)
{
    struct sockaddr_in   *v4;
    struct sockaddr_in6  *v6;

    memset(ss, 0, sizeof(*ss));
    v4 = (struct sockaddr_in *) ss;
    v6 = (struct sockaddr_in6 *) ss;

    if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(443);
        return;
    }

    if (inet_pton(AF_INET6, ip, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(443);
        return;
    }

    fail_msg("bad address in the test: %s", ip);
}


/* ip looked up into g, first filled with 0xa5 so every field must be set */
static void
lookup(MMDB_s *city, MMDB_s *asn, const char *ip, lr_geo *g)
{
    struct sockaddr_storage  ss;

    make_sa(ip, &ss);
    memset(g, 0xa5, sizeof(*g));
    lr_geo_lookup(city, asn, (struct sockaddr *) &ss, g);
}


/* Nothing known: no names, no location, no ASN. */
static void
assert_unknown(const lr_geo *g)
{
    assert_string_equal(g->country, "");
    assert_string_equal(g->city, "");
    assert_int_equal(g->has_location, 0);
    assert_int_equal(g->asn, 0);
    assert_string_equal(g->asn_org, "");
}


static int
near(double a, double b)
{
    double  d;

    d = a - b;

    return d < 1e-9 && d > -1e-9;
}


/* A name field holds a NUL inside its array and equals want exactly. */
static int
name_ok(const char *field, size_t size, const char *want)
{
    return memchr(field, '\0', size) != NULL && strcmp(field, want) == 0;
}


static int
geo_matches(const lr_geo *g, const geo_case *c, int city, int asn)
{
    int  ok;

    ok = 1;

    if (city) {
        ok = ok && name_ok(g->country, sizeof(g->country), c->country)
             && name_ok(g->city, sizeof(g->city), c->city)
             && g->has_location == c->has_location;

        if (c->has_location) {
            ok = ok && near(g->latitude, c->lat)
                 && near(g->longitude, c->lon);
        }

    } else {
        ok = ok && g->country[0] == '\0' && g->city[0] == '\0'
             && g->has_location == 0;
    }

    if (!c->has_location || !city) {
        ok = ok && g->latitude == 0 && g->longitude == 0;
    }

    if (asn) {
        ok = ok && g->asn == c->asn
             && name_ok(g->asn_org, sizeof(g->asn_org), c->org);

    } else {
        ok = ok && g->asn == 0 && g->asn_org[0] == '\0';
    }

    return ok;
}


static void
print_geo(const char *what, const char *ip, const lr_geo *g)
{
    print_error("%s %s: got country \"%.3s\" city \"%.*s\" loc %d "
                "(%.4f, %.4f) asn %u org \"%.*s\"\n", what, ip, g->country,
                (int) sizeof(g->city), g->city, g->has_location,
                g->latitude, g->longitude, (unsigned) g->asn,
                (int) sizeof(g->asn_org), g->asn_org);
}


/* Every row with both, only one and none of the databases. */
static void
test_table(void **state)
{
    int     mask;
    size_t  i;
    lr_geo  g;

    (void) state;

    open_dbs();

    for (i = 0; i < LR_NELEMS(cases); i++) {
        for (mask = 0; mask < 4; mask++) {
            lookup((mask & 1) ? &city_db : NULL, (mask & 2) ? &asn_db : NULL,
                   cases[i].ip, &g);

            if (!geo_matches(&g, &cases[i], mask & 1, mask & 2)) {
                print_geo("row", cases[i].ip, &g);
                print_error("  (row %zu, city db %s, asn db %s)\n", i,
                            (mask & 1) ? "on" : "NULL",
                            (mask & 2) ? "on" : "NULL");
            }

            assert_true(geo_matches(&g, &cases[i], mask & 1, mask & 2));
        }
    }
}


static void
test_unix_socket(void **state)
{
    lr_geo              g;
    struct sockaddr_un  un;

    (void) state;

    open_dbs();

    memset(&un, 0, sizeof(un));
    un.sun_family = AF_UNIX;
    strcpy(un.sun_path, "/run/nginx.sock");

    memset(&g, 0xa5, sizeof(g));
    lr_geo_lookup(&city_db, &asn_db, (struct sockaddr *) &un, &g);

    assert_unknown(&g);
    assert_true(g.latitude == 0 && g.longitude == 0);

    /* an unspecified family is no better */
    un.sun_family = AF_UNSPEC;
    memset(&g, 0xa5, sizeof(g));
    lr_geo_lookup(&city_db, &asn_db, (struct sockaddr *) &un, &g);
    assert_string_equal(g.country, "");
    assert_int_equal(g.asn, 0);
}


/* A database of the other kind answers nothing instead of garbage. */
static void
test_swapped_databases(void **state)
{
    lr_geo  g;

    (void) state;

    open_dbs();
    lookup(&asn_db, &city_db, "198.51.100.7", &g);
    assert_unknown(&g);
}


static void
make_tmpdir(void)
{
    const char  *t;

    if (tmpdir[0] != '\0') {
        return;
    }

    t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof(tmpdir), "%s/lr-test-geo-XXXXXX",
             t != NULL && t[0] != '\0' ? t : "/tmp");
    assert_non_null(mkdtemp(tmpdir));
}


static void
write_file(const char *path, const void *data, size_t len)
{
    FILE  *f;

    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}


/* lr_geo_open refuses path and gives a reason in err. */
static void
open_fails(const char *path, char *err, size_t size)
{
    int     rc;
    MMDB_s  db;

    memset(err, 0, size);
    rc = lr_geo_open(&db, path, err, size);
    assert_int_equal(rc, -1);
    assert_true(err[0] != '\0');
}


/* The same for a file in tmpdir holding data, removed afterwards. */
static void
file_fails(const char *name, const void *data, size_t len, char *err,
    size_t size)
{
    char  path[512];

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    write_file(path, data, len);
    open_fails(path, err, size);
    unlink(path);
}


static void
test_open_errors(void **state)
{
    int     rc;
    char    path[512], err[256], small[16];
    MMDB_s  db;

    (void) state;

    make_tmpdir();

    /* missing file: the reason says so */
    snprintf(path, sizeof(path), "%s/no-such.mmdb", tmpdir);
    open_fails(path, err, sizeof(err));
    if (strstr(err, "No such file") == NULL) {
        print_error("missing file gave \"%s\"\n", err);
    }
    assert_non_null(strstr(err, "No such file"));

    /* a text file */
    file_fails("not-a-db.mmdb", "this is not a MaxMind database\n", 31, err,
               sizeof(err));
    assert_non_null(memchr(err, '\0', sizeof(err)));

    /* an empty file */
    file_fails("empty.mmdb", "", 0, err, sizeof(err));

    /* the metadata marker alone, without metadata */
    file_fails("marker.mmdb", "\0\0\0\0\xab\xcd\xefMaxMind.com", 18, err,
               sizeof(err));

    /* a directory */
    open_fails(tmpdir, err, sizeof(err));

    /* a small error buffer is filled, terminated and not overrun */
    memset(small, 'X', sizeof(small));
    snprintf(path, sizeof(path), "%s/no-such.mmdb", tmpdir);
    rc = lr_geo_open(&db, path, small, 8);
    assert_int_equal(rc, -1);
    assert_int_equal(strlen(small), 7);
    assert_int_equal(small[8], 'X');
}


/*
 * A hand-made IPv4-only database (ip_version 4, record size 24), for what
 * the test files cannot show: IPv4-mapped lookups against an IPv4 tree,
 * names longer than LR_GEO_NAME_MAX, odd country codes, control bytes in
 * names. The format is the MaxMind DB spec, version 2.0.
 */

typedef struct {
    unsigned char  b[8192];
    size_t         n;
} mm_buf;


static void
mm_put(mm_buf *m, const void *p, size_t n)
{
    assert_true(m->n + n <= sizeof(m->b));
    memcpy(m->b + m->n, p, n);
    m->n += n;
}


static void
mm_byte(mm_buf *m, unsigned int c)
{
    unsigned char  b;

    b = (unsigned char) c;
    mm_put(m, &b, 1);
}


static void
mm_ctrl(mm_buf *m, unsigned int type, size_t size)
{
    unsigned int  first;

    first = type <= 7 ? type << 5 : 0;

    if (size < 29) {
        mm_byte(m, first | (unsigned int) size);
        if (type > 7) {
            mm_byte(m, type - 7);
        }
        return;
    }

    assert_true(size < 29 + 256);
    mm_byte(m, first | 29);
    if (type > 7) {
        mm_byte(m, type - 7);
    }
    mm_byte(m, (unsigned int) (size - 29));
}


static void
mm_str(mm_buf *m, const char *s)
{
    mm_ctrl(m, 2, strlen(s));
    mm_put(m, s, strlen(s));
}


static void
mm_uint(mm_buf *m, unsigned int type, uint64_t v)
{
    int  n, i;

    for (n = 0; n < 8 && (v >> (8 * n)) != 0; n++) {
        /* count the bytes */
    }

    mm_ctrl(m, type, (size_t) n);

    for (i = n - 1; i >= 0; i--) {
        mm_byte(m, (unsigned int) (v >> (8 * i)) & 0xff);
    }
}


static void
mm_double(mm_buf *m, double d)
{
    int       i;
    uint64_t  u;

    memcpy(&u, &d, sizeof(u));
    mm_ctrl(m, 3, 8);

    for (i = 7; i >= 0; i--) {
        mm_byte(m, (unsigned int) (u >> (8 * i)) & 0xff);
    }
}


/* {"names": {"en": s}} under key */
static void
mm_names(mm_buf *m, const char *key, const char *s)
{
    mm_str(m, key);
    mm_ctrl(m, 7, 1);
    mm_str(m, "names");
    mm_ctrl(m, 7, 1);
    mm_str(m, "en");
    mm_str(m, s);
}


static void
mm_iso(mm_buf *m, const char *key, const char *code)
{
    mm_str(m, key);
    mm_ctrl(m, 7, 1);
    mm_str(m, "iso_code");
    mm_str(m, code);
}


#define MM_NODES  256

typedef struct {
    int       nodes;
    int       kind[MM_NODES][2];        /* 0 empty, 1 node, 2 data */
    uint32_t  val[MM_NODES][2];
} mm_tree;


static void
mm_insert(mm_tree *t, const char *net, int plen, uint32_t data_off)
{
    int       i, bit, node;
    uint32_t  a;
    struct in_addr  in;

    assert_int_equal(inet_pton(AF_INET, net, &in), 1);
    a = ntohl(in.s_addr);
    node = 0;

    for (i = 0; i < plen; i++) {
        bit = (int) (a >> (31 - i)) & 1;

        if (i == plen - 1) {
            t->kind[node][bit] = 2;
            t->val[node][bit] = data_off;
            return;
        }

        if (t->kind[node][bit] == 0) {
            assert_true(t->nodes < MM_NODES);
            t->kind[node][bit] = 1;
            t->val[node][bit] = (uint32_t) t->nodes++;
        }

        assert_int_equal(t->kind[node][bit], 1);
        node = (int) t->val[node][bit];
    }
}


static char  long_city[200], long_org[220], cut_city[200], cut_org[220];


static void
write_handmade_db(const char *path)
{
    int       i, j;
    size_t    off[5];
    uint32_t  r;
    mm_buf   *data, *file;
    mm_tree  *t;

    data = calloc(1, sizeof(*data));
    file = calloc(1, sizeof(*file));
    t = calloc(1, sizeof(*t));
    assert_non_null(data);
    assert_non_null(file);
    assert_non_null(t);

    /* 0: 198.51.100.0/24, a full record that also carries an ASN */
    off[0] = data->n;
    mm_ctrl(data, 7, 5);
    mm_iso(data, "country", "DE");
    mm_names(data, "city", "Mapped");
    mm_str(data, "location");
    mm_ctrl(data, 7, 2);
    mm_str(data, "latitude");
    mm_double(data, 1.5);
    mm_str(data, "longitude");
    mm_double(data, -2.25);
    mm_str(data, "autonomous_system_number");
    mm_uint(data, 6, 64500);
    mm_str(data, "autonomous_system_organization");
    mm_str(data, "Mapped Org");

    /* 1: 192.0.2.0/24, a three-letter country code */
    off[1] = data->n;
    mm_ctrl(data, 7, 1);
    mm_iso(data, "country", "DEU");

    /* 2: 203.0.113.0/24: a city cut inside a character; an org of 127
     * bytes that just fits */
    memset(long_city, 'a', 126);
    memcpy(long_city + 126, "\xe6\x9d\xb1", 4);     /* 129 bytes */
    memset(cut_city, 'a', 126);
    cut_city[126] = '\0';
    memset(long_org, 'o', 127);
    long_org[127] = '\0';

    off[2] = data->n;
    mm_ctrl(data, 7, 4);
    mm_iso(data, "country", "JP");
    mm_names(data, "city", long_city);
    mm_str(data, "autonomous_system_number");
    mm_uint(data, 6, 4200000000u);
    mm_str(data, "autonomous_system_organization");
    mm_str(data, long_org);

    /* 3: 10.0.0.0/8: registered country only, latitude only, a 128-byte
     * city, an org of 100 two-byte characters */
    off[3] = data->n;
    mm_ctrl(data, 7, 5);
    mm_iso(data, "registered_country", "FR");
    mm_str(data, "location");
    mm_ctrl(data, 7, 1);
    mm_str(data, "latitude");
    mm_double(data, 48.85);
    {
        char  c[129];

        memset(c, 'c', 128);
        c[128] = '\0';
        mm_names(data, "city", c);
    }
    for (i = 0, j = 0; i < 100; i++) {
        long_org[j++] = (char) 0xc3;
        long_org[j++] = (char) 0xbc;
    }
    long_org[j] = '\0';
    memcpy(cut_org, long_org, 126);                 /* 63 characters */
    cut_org[126] = '\0';
    mm_str(data, "autonomous_system_organization");
    mm_str(data, long_org);
    mm_str(data, "autonomous_system_number");
    mm_uint(data, 6, 1);

    /* 4: 100.64.0.0/10: a control byte and bad UTF-8 in names, a
     * one-letter country */
    off[4] = data->n;
    mm_ctrl(data, 7, 3);
    mm_iso(data, "country", "D");
    mm_names(data, "city", "Ber\x01lin");
    mm_str(data, "autonomous_system_organization");
    mm_str(data, "Bad\xff" "UTF");

    t->nodes = 1;
    mm_insert(t, "198.51.100.0", 24, (uint32_t) off[0]);
    mm_insert(t, "192.0.2.0", 24, (uint32_t) off[1]);
    mm_insert(t, "203.0.113.0", 24, (uint32_t) off[2]);
    mm_insert(t, "10.0.0.0", 8, (uint32_t) off[3]);
    mm_insert(t, "100.64.0.0", 10, (uint32_t) off[4]);

    /* the tree: 24-bit records; empty -> node_count, data -> node_count +
     * 16 + offset */
    for (i = 0; i < t->nodes; i++) {
        for (j = 0; j < 2; j++) {
            r = t->kind[i][j] == 0 ? (uint32_t) t->nodes
                : t->kind[i][j] == 1 ? t->val[i][j]
                : (uint32_t) t->nodes + 16 + t->val[i][j];
            mm_byte(file, (r >> 16) & 0xff);
            mm_byte(file, (r >> 8) & 0xff);
            mm_byte(file, r & 0xff);
        }
    }

    for (i = 0; i < 16; i++) {
        mm_byte(file, 0);
    }

    mm_put(file, data->b, data->n);
    mm_put(file, "\xab\xcd\xefMaxMind.com", 14);

    mm_ctrl(file, 7, 9);
    mm_str(file, "node_count");
    mm_uint(file, 6, (uint64_t) t->nodes);
    mm_str(file, "record_size");
    mm_uint(file, 5, 24);
    mm_str(file, "ip_version");
    mm_uint(file, 5, 4);
    mm_str(file, "database_type");
    mm_str(file, "LR-Test-Handmade");
    mm_str(file, "languages");
    mm_ctrl(file, 11, 1);
    mm_str(file, "en");
    mm_str(file, "binary_format_major_version");
    mm_uint(file, 5, 2);
    mm_str(file, "binary_format_minor_version");
    mm_uint(file, 5, 0);
    mm_str(file, "build_epoch");
    mm_uint(file, 9, 1700000000);
    mm_str(file, "description");
    mm_ctrl(file, 7, 1);
    mm_str(file, "en");
    mm_str(file, "hand-made test database");

    write_file(path, file->b, file->n);

    free(data);
    free(file);
    free(t);
}


static void
test_handmade_db(void **state)
{
    char    path[512], err[256];
    lr_geo  g;

    (void) state;

    make_tmpdir();
    snprintf(path, sizeof(path), "%s/handmade.mmdb", tmpdir);
    write_handmade_db(path);

    if (lr_geo_open(&made_db, path, err, sizeof(err)) != 0) {
        unlink(path);
        fail_msg("hand-made database refused: %s", err);
    }

    made_open = 1;

    unlink(path);               /* mapped: stays readable */

    /* IPv4 against the IPv4 tree */
    lookup(&made_db, &made_db, "198.51.100.7", &g);
    assert_string_equal(g.country, "DE");
    assert_string_equal(g.city, "Mapped");
    assert_int_equal(g.has_location, 1);
    assert_true(g.latitude == 1.5 && g.longitude == -2.25);
    assert_int_equal(g.asn, 64500);
    assert_string_equal(g.asn_org, "Mapped Org");

    /* IPv4-mapped IPv6: an IPv4 tree cannot take an IPv6 lookup, so this
     * only works when the address is turned into IPv4 first */
    lookup(&made_db, &made_db, "::ffff:198.51.100.7", &g);
    assert_string_equal(g.country, "DE");
    assert_string_equal(g.city, "Mapped");
    assert_int_equal(g.asn, 64500);

    /* a real IPv6 address in an IPv4 database: unknown, not an error */
    lookup(&made_db, &made_db, "2001:db8:1::5", &g);
    assert_unknown(&g);

    /* a country code that is not two letters is unknown, not cut */
    lookup(&made_db, &made_db, "192.0.2.1", &g);
    if (g.country[0] != '\0') {
        print_geo("three-letter code", "192.0.2.1", &g);
    }
    assert_string_equal(g.country, "");

    lookup(&made_db, &made_db, "100.64.1.1", &g);
    assert_string_equal(g.country, "");
    /* names stop before a control byte or invalid UTF-8 */
    assert_string_equal(g.city, "Ber");
    assert_string_equal(g.asn_org, "Bad");
    assert_int_equal(g.asn, 0);

    /* long names: cut at a character boundary, always terminated */
    lookup(&made_db, &made_db, "203.0.113.5", &g);
    assert_string_equal(g.country, "JP");
    assert_string_equal(g.city, cut_city);          /* 126 of 129 bytes */
    assert_int_equal(strlen(g.asn_org), 127);       /* just fits */
    assert_int_equal(g.asn, 4200000000u);
    assert_int_equal(g.has_location, 0);

    lookup(&made_db, &made_db, "10.200.3.4", &g);
    assert_string_equal(g.country, "FR");           /* registered */
    assert_int_equal(strlen(g.city), LR_GEO_NAME_MAX - 1);
    assert_string_equal(g.asn_org, cut_org);        /* 63 whole chars */
    assert_int_equal(g.has_location, 0);            /* no longitude */
    assert_true(g.latitude == 0 && g.longitude == 0);
    assert_int_equal(g.asn, 1);

    /* not in the tree */
    lookup(&made_db, &made_db, "8.8.8.8", &g);
    assert_string_equal(g.country, "");
    assert_int_equal(g.asn, 0);

    MMDB_close(&made_db);
    made_open = 0;
}


static int
teardown(void **state)
{
    (void) state;

    if (dbs_open) {
        MMDB_close(&city_db);
        MMDB_close(&asn_db);
        dbs_open = 0;
    }

    if (made_open) {
        MMDB_close(&made_db);
        made_open = 0;
    }

    if (tmpdir[0] != '\0') {
        rmdir(tmpdir);
    }

    return 0;
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_unix_socket),
        cmocka_unit_test(test_swapped_databases),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_handmade_db),
    };

    return cmocka_run_group_tests(tests, NULL, teardown);
}
