#ifndef LR_LOCALE_H
#define LR_LOCALE_H

/*
 * Is the browser's locale consistent with the country of the IP address?
 * A foreign attacker who logs in through a proxy in the victim's country
 * usually keeps his own timezone and languages (rules tz_mismatch and
 * lang_mismatch). Both checks answer 1 (fits), 0 (does not fit) or -1
 * (cannot tell); only 0 is evidence.
 *
 * The tables (src/lr_locale_data.h) are generated from Debian's tzdata and
 * glibc locale list by tests/tools/gen-locale-data.py. Lookups are binary
 * searches over static tables: no allocation, O(log n) + O(input length).
 * Country codes are ISO 3166-1 alpha-2, matched case-insensitively.
 */

#include <stddef.h>

/*
 * Returns 1 when the IANA timezone name (e.g. "Asia/Tokyo") is used in the
 * country (e.g. "JP"), 0 when it is not, -1 when it cannot tell: NULL,
 * empty or unknown zone, "UTC"/"GMT"/"Etc/..." zones and non-place names
 * ("CET", "EST5EDT"), a country that is not two letters or that no zone
 * lists (e.g. "XK", "EU").
 *
 * Zone names match exactly (case-sensitive). A zone's countries are the
 * union of its zone.tab and zone1970.tab rows, so a zone shared across
 * borders since 1970 fits all of them ("Europe/Zurich": CH, DE, LI;
 * "Europe/Berlin": DE, DK, NO, SE, SJ, not CH). Backward-compatible link
 * names ("Asia/Calcutta", "Europe/Kiev", "US/Eastern", "Japan") have the
 * countries of the zone they link to; a link name that zone.tab lists
 * itself ("Europe/Vaduz": LI) keeps its own row.
 */
int lr_tz_fits_country(const char *tz, const char *country);

/*
 * languages: an Accept-Language header value or a comma-separated
 * navigator.languages list ("de-CH,de;q=0.9,en;q=0.8", "ja", "zh-Hans-CN").
 * Returns 1 when at least one listed language is commonly used in the
 * country, 0 when none is, -1 when it cannot tell.
 *
 * "Commonly used" means a glibc locale lang_CC exists (de_CH, fr_CH, ...).
 * Only the primary language subtag (2 or 3 letters, any case) counts;
 * deprecated codes are read as their successors (iw = he, in = id, ji = yi,
 * mo = ro, no = nb).
 *
 * English: it fits only the countries that have an en_CC locale (US, GB,
 * IN, ...), but a list whose only informative language would be English
 * returns -1, whatever the country: English is the default browser
 * language everywhere, and counting it would make every user of an
 * untranslated browser in a non-English country a mismatch. So
 * "en-US,en;q=0.9" gives -1 in JP and in US alike, "en-US,zh-CN;q=0.8"
 * gives 0 in JP and "en-US,fr" gives 1 in US.
 *
 * Entries that say nothing about a place are skipped: "*", weight q=0 (the
 * browser refuses that language), a malformed weight or tag, and languages
 * that no locale ties to any country ("eo", "la", made-up codes).
 *
 * -1 also when: NULL or empty list, nothing left after skipping, a country
 * that is not two letters or has no locale at all in the table (e.g. "CI").
 */
int lr_lang_fits_country(const char *languages, const char *country);

/*
 * The language of the first usable entry of languages (a list as above):
 * its primary subtag, lower-cased and de-aliased as above ("DE-ch" gives
 * "de", "iw" gives "he"), into code. "*", q=0 and malformed entries are
 * skipped, as above. Returns 1, or 0 (code "") when no entry is usable or
 * languages is NULL.
 *
 * First means first listed, whatever the weights: browsers list their
 * languages by decreasing weight, and this is the one they prefer.
 */
#define LR_LANG_CODE_SIZE  4     /* 2 or 3 letters and a NUL */

int lr_lang_first(const char *languages, char code[LR_LANG_CODE_SIZE]);

/* What the tables hold, for tests and diagnostics. */
typedef struct {
    size_t       zones;             /* zone and link names */
    size_t       zone_countries;    /* countries that some zone lists */
    size_t       lang_countries;    /* countries with at least one locale */
    size_t       languages;         /* languages that some country has */
    const char  *tzdata;            /* tzdata version they come from, "2025b" */
} lr_locale_info;

void lr_locale_table_info(lr_locale_info *out);

#endif
