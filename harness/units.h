/* units.h - strict parsing of sizes, durations and counts, and every written
 * form of them (exact for configs, human for messages, short for tables).
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

/* ---- formatters ---------------------------------------------------------
 * Every one writes a terminated string into buf (cut to len - 1 characters if
 * need be) and returns buf. Sizes are binary (1 KiB = 1024 bytes), durations
 * decimal (1 s = 10^9 ns). */

/* Human-readable forms for messages and reports: "64 MiB", "1.5 KiB", "999 B";
 * "10 ms", "1.5 min", "2 h". The largest unit (TiB GiB MiB KiB B; h min s ms us
 * ns) not above the amount, at most two decimals (printf's rounding of the
 * quotient as a double), trailing zeros dropped: 1536 -> "1.5 KiB", 1300 ns ->
 * "1.3 us". "max" for BRINK_UNLIMITED, "unset" for BRINK_UNSET, "invalid (N)"
 * for another negative N. */
char *units_format_size(int64_t bytes, char *buf, size_t len);
char *units_format_duration(int64_t ns, char *buf, size_t len);

/* Exact forms, as the effective config writes them: units_parse_size and
 * units_parse_duration read them back to the same amount. The largest unit
 * that divides the amount, no space. Sizes: T G M K or none: 64 MiB -> "64M",
 * 3072 -> "3K", 1536 -> "1536" (no unit divides it), 0 -> "0", BRINK_UNLIMITED
 * -> "max". Durations: h m s ms us ns: 120 s -> "2m", 90 s -> "90s", 1500 us
 * -> "1500us", 7 -> "7ns", 0 -> "0". Other negative amounts are not meant to
 * be written (they come out as the signed number of that unit). */
char *units_format_size_exact(int64_t bytes, char *buf, size_t len);
char *units_format_duration_exact(int64_t ns, char *buf, size_t len);

/* A size exactly, for people: in the largest of GiB, MiB, KiB that divides it,
 * with a space and the unit ("41 MiB", "41988 KiB"), else "1234 bytes". Never
 * rounded; 0 is "0 bytes". */
char *units_format_size_whole(int64_t bytes, char *buf, size_t len);

/* A decimal number with at most `decimals` places (0 to 17): printf's "%.*f"
 * rounding to that many, then trailing zeros and a trailing point dropped:
 * (0.5, 9) -> "0.5", (2.0, 3) -> "2", (1/3.0, 3) -> "0.333", (100, 0) -> "100".
 * For v >= 0 units_parse_fixed with the same `decimals` reads it back. */
char *units_format_decimal(double v, int decimals, char *buf, size_t len);

/* Short forms for table cells and status lines (at most 8 characters before
 * `suffix` for amounts below 1000 TiB). A size, sign kept: the largest unit
 * (TiB GiB MiB KiB B) whose amount is >= 1, one decimal below 100 of it, none
 * from 100 on, none for bytes: 512 -> "512 B", 1536 -> "1.5 KiB", 64 MiB ->
 * "64.0 MiB", 106 MiB -> "106 MiB", -1.5 MiB -> "-1.5 MiB"; then `suffix`
 * ("/s" for a rate, "" for none). */
char *units_format_size_short(double bytes, const char *suffix, char *buf, size_t len);

/* A count per second in at most 7 characters, sign kept: below 10000 two
 * decimals below 10, one below 100, none above ("0.40/s", "12.5/s", "9810/s";
 * -0.004 is "0.00/s"); from 10000 on a decimal prefix k M G T with one decimal
 * below 10 of it, none above ("13k/s", "-1.4M/s", "136M/s"). The cut-offs sit
 * where printf's rounding would add a digit, so 9999.6 is "10k/s", not
 * "10000/s". */
char *units_format_count_rate(double per_s, char *buf, size_t len);

/* A number of CPUs given in thousandths (the unit of the cpus limit), as
 * printf's %g of the CPUs: 500 -> "0.5", 2000 -> "2", 1500 -> "1.5". */
char *units_format_cpus(int64_t milli, char *buf, size_t len);

/* What a number measures, for units_format_measure. */
enum units_measure {
	UM_BYTES,	  /* bytes: units_format_size of the nearest whole byte */
	UM_BYTES_PER_S,	  /* bytes per second: the same, signed, then "/s" ("-1.5 MiB/s") */
	UM_COUNT,	  /* a count: no decimals when whole, else one ("3", "2.5") */
	UM_PER_S,	  /* a count per second: three decimals ("0.500/s") */
	UM_SECONDS,	  /* seconds: two decimals ("1.25 s") */
	UM_SECONDS_TIGHT, /* seconds: two decimals, no space ("1.25s"), status lines */
	UM_SECONDS_MS,	  /* seconds to the millisecond: three decimals ("1.270 s") */
	UM_MIB,		  /* bytes in MiB: one decimal ("64.0 MiB"), table cells */
	UM_MIB_PER_S,	  /* bytes per second in MiB/s: two decimals ("0.25 MiB/s") */
	UM_PLAIN,	  /* no unit: printf's %g ("0.05", "1e+06") */
};

/* v in the form of `what`; "-" for NaN. */
char *units_format_measure(enum units_measure what, double v, char *buf, size_t len);

/* A value's text as the parsers above take it: s without the blanks
 * (isspace) around it, cut in place (the end) and returned (the start). */
char *units_trim(char *s);

#endif
