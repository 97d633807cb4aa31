/* units.h - strict parsing of sizes, durations and counts.
 *
 * Every parser takes the whole string (no trailing garbage, no sign, no empty
 * string) and returns 0 on success or -1 with *why pointing at a static sentence
 * describing what was expected. Overflow is an error, never a wrap or a clamp.
 */
#ifndef BRINK_UNITS_H
#define BRINK_UNITS_H

#include <stddef.h>
#include <stdint.h>

#define BRINK_UNSET	(-2) /* not given: keep the inherited value */
#define BRINK_UNLIMITED (-1) /* "max" / "unlimited" */

/* Bytes: "4096", "64K", "64M", "1.5G", "2T" (binary multiples; the letter in
 * either case; optional trailing "B", or "iB" after a letter: "64MiB", "64MB"
 * mean the same), or "max"/"unlimited" -> BRINK_UNLIMITED. A fraction needs a
 * K, M, G or T and is rounded down to whole bytes ("1.3K" = 1331); a fraction of
 * a plain byte count ("0.5", "1.5B") is an error. At most 18 decimals. */
int units_parse_size(const char *s, int64_t *bytes, const char **why);

/* Nanoseconds: a number with a unit, "ns" "us" "ms" "s" "m" "h"
 * ("500ms", "1.5s", "2m"); a bare "0" is accepted and means zero. As for sizes,
 * a fraction is rounded down to whole nanoseconds and refused with "ns". */
int units_parse_duration(const char *s, int64_t *ns, const char **why);

/* Decimal integer >= 0, or "max"/"unlimited" -> BRINK_UNLIMITED. */
int units_parse_count(const char *s, int64_t *n, const char **why);

/* Fixed-point decimal: DIGITS [ "." DIGITS ], at most 1000000 before the point;
 * *scaled = value x 10^decimals. Digits past `decimals` must be zeros. No unit,
 * no sign; -1 on anything else (the caller says what it expected). */
int units_parse_fixed(const char *s, int decimals, int64_t *scaled);

/* Boolean: yes/no, true/false, on/off, 1/0 (case-insensitive). */
int units_parse_bool(const char *s, int *b, const char **why);

/* Human-readable forms for messages: "64 MiB", "1.5 s"; "max" for
 * BRINK_UNLIMITED, "unset" for BRINK_UNSET. Return buf. */
char *units_format_size(int64_t bytes, char *buf, size_t len);
char *units_format_duration(int64_t ns, char *buf, size_t len);

#endif
