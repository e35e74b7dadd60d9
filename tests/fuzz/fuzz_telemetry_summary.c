/*
 * The telemetry summary as the login reads it back from Redis
 * (lr_telemetry_decode), where anyone who reaches Redis can write it.
 *
 * Checks: a refusal zeroes the summary; a decoded summary has only known
 * bits, strings of the characters the parser keeps, NUL-terminated, and
 * re-encodes to exactly the bytes it came from (one encoding per summary).
 */

#include "fuzz.h"

#include "lr_telemetry.h"
#include "lr_telemetry_codec.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t          n;
    lr_telemetry    t;
    unsigned char   buf[LR_TELEMETRY_SUMMARY_MAX];

    if (lr_telemetry_decode(data, size, &t) != 0) {
        FUZZ_CHECK(fuzz_is_zero(&t, sizeof(t)));
        return 0;
    }

    FUZZ_CHECK((t.automation & ~LR_AUTO_ALL) == 0);
    FUZZ_CHECK((t.scripted & ~LR_SCRIPTED_ALL) == 0);
    FUZZ_CHECK((t.mismatch & ~LR_MISMATCH_ALL) == 0);
    FUZZ_CHECK(t.paste_password == 0 || t.paste_password == 1);

    FUZZ_CHECK(fuzz_has_nul(t.timezone, sizeof(t.timezone)));
    FUZZ_CHECK(fuzz_has_nul(t.languages, sizeof(t.languages)));
    FUZZ_CHECK(fuzz_only(t.timezone, LR_TELEMETRY_TZ_CHARS));
    FUZZ_CHECK(fuzz_only(t.languages, LR_TELEMETRY_TAG_CHARS ","));

    n = lr_telemetry_encode(&t, buf, sizeof(buf));
    FUZZ_CHECK(n == size && memcmp(buf, data, size) == 0);

    return 0;
}
