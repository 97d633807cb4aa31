/* units.c - strict parsing of sizes, durations and counts, and their written
 * forms (see units.h).
 *
 * One number grammar for all of them: DIGITS [ "." DIGITS ], no sign, no
 * exponent, no spaces, nothing after the unit. Arithmetic is exact (integers,
 * 128-bit where a product can exceed 64 bits), so "1.5G" is 1610612736 bytes on
 * every machine and an overflow is seen, never wrapped.
 *
 * Fractions: a fraction is allowed only together with a unit larger than the
 * base unit ("1.5K", "0.5s"); the amount is then rounded down to whole bytes or
 * nanoseconds ("1.3K" = 1331 bytes). A fraction of the base unit itself
 * ("0.5", "1.5B", "2.5ns") is an error: it cannot mean a whole amount.
 */
#include "units.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define FRAC_DIGITS_MAX 18

/* Why-sentences: they say what was expected, so a caller can print
 * `"VALUE" is not a size (WHY)`. */
static const char size_expected[] =
    "expected a number with an optional K, M, G or T suffix, or max";
static const char size_whole[] =
    "expected a whole number of bytes; a fraction needs a K, M, G or T suffix";
static const char size_overflow[] = "expected at most 8 EiB (9223372036854775807 bytes)";
static const char dur_expected[] =
    "expected a number with a unit ns, us, ms, s, m or h, such as 500ms or 2s";
static const char dur_no_unit[] =
    "expected a unit after the number: ns, us, ms, s, m or h (only 0 may go without)";
static const char dur_whole[] = "expected a whole number of nanoseconds";
static const char dur_overflow[] = "expected at most 2562047h (2^63 nanoseconds)";
static const char count_expected[] = "expected a whole number without sign, or max";
static const char count_overflow[] = "expected at most 9223372036854775807";
static const char frac_too_long[] = "expected at most 18 digits after the decimal point";
static const char bool_expected[] = "expected yes, no, true, false, on, off, 1 or 0";

/* DIGITS [ "." DIGITS ] at the start of s. On success *whole is the integer
 * part (or *overflow is set), *frac / *nfrac the fraction digits, and the return
 * value points after the number; NULL if s does not start with a number. */
static const char *scan_number(const char *s, uint64_t *whole, const char **frac, int *nfrac,
			       int *overflow)
{
	const char *p = s;
	uint64_t w = 0;
	*overflow = 0;
	if (*p < '0' || *p > '9')
		return NULL;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (w > (UINT64_MAX - d) / 10)
			*overflow = 1;
		else
			w = w * 10 + d;
	}
	*frac = NULL;
	*nfrac = 0;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return NULL; /* "1." is not a number */
		*frac = p;
		for (; *p >= '0' && *p <= '9'; p++)
			(*nfrac)++;
	}
	*whole = w;
	return p;
}

static int frac_is_zero(const char *frac, int nfrac)
{
	for (int i = 0; i < nfrac; i++)
		if (frac[i] != '0')
			return 0;
	return 1;
}

/* whole * mult + floor(0.frac * mult), exactly; -1 when above INT64_MAX. */
static int scale(uint64_t whole, const char *frac, int nfrac, uint64_t mult, int64_t *out)
{
	unsigned __int128 v = (unsigned __int128)whole * mult;
	if (nfrac > 0) {
		unsigned __int128 num = 0, den = 1;
		for (int i = 0; i < nfrac; i++) {
			num = num * 10 + (unsigned)(frac[i] - '0');
			den *= 10;
		}
		/* num < 10^18 and mult < 2^43, so num * mult fits in 128 bits. */
		v += num * mult / den;
	}
	if (v > (unsigned __int128)INT64_MAX)
		return -1;
	*out = (int64_t)v;
	return 0;
}

static int is_unlimited(const char *s)
{
	return strcmp(s, "max") == 0 || strcmp(s, "unlimited") == 0;
}

static int fail(const char **why, const char *sentence)
{
	if (why)
		*why = sentence;
	return -1;
}

int units_parse_size(const char *s, int64_t *bytes, const char **why)
{
	static const struct {
		char letter;
		uint64_t mult;
	} mults[] = {
	    {'K', 1ULL << 10},
	    {'M', 1ULL << 20},
	    {'G', 1ULL << 30},
	    {'T', 1ULL << 40},
	};
	if (is_unlimited(s)) {
		*bytes = BRINK_UNLIMITED;
		return 0;
	}
	uint64_t whole, mult = 1;
	const char *frac;
	int nfrac, overflow;
	const char *p = scan_number(s, &whole, &frac, &nfrac, &overflow);
	if (!p)
		return fail(why, size_expected);
	int has_mult = 0;
	for (size_t i = 0; i < sizeof(mults) / sizeof(mults[0]); i++) {
		if (*p == mults[i].letter || *p == mults[i].letter + ('a' - 'A')) {
			mult = mults[i].mult;
			has_mult = 1;
			p++;
			break;
		}
	}
	/* "64M", "64MB", "64MiB", "4096", "4096B"; not "4096iB". */
	if (*p == 'B')
		p++;
	else if (has_mult && p[0] == 'i' && p[1] == 'B')
		p += 2;
	if (*p)
		return fail(why, size_expected);
	if (nfrac > FRAC_DIGITS_MAX)
		return fail(why, frac_too_long);
	if (!has_mult && nfrac > 0 && !frac_is_zero(frac, nfrac))
		return fail(why, size_whole);
	int64_t v;
	if (overflow || scale(whole, frac, nfrac, mult, &v) != 0)
		return fail(why, size_overflow);
	*bytes = v;
	return 0;
}

int units_parse_duration(const char *s, int64_t *ns, const char **why)
{
	static const struct {
		const char *unit;
		uint64_t mult;
	} dunits[] = {
	    {"ns", 1ULL},
	    {"us", 1000ULL},
	    {"ms", 1000000ULL},
	    {"s", 1000000000ULL},
	    {"m", 60ULL * 1000000000ULL},
	    {"h", 3600ULL * 1000000000ULL},
	};
	if (strcmp(s, "0") == 0) {
		*ns = 0;
		return 0;
	}
	uint64_t whole;
	const char *frac;
	int nfrac, overflow;
	const char *p = scan_number(s, &whole, &frac, &nfrac, &overflow);
	if (!p)
		return fail(why, dur_expected);
	if (!*p)
		return fail(why, dur_no_unit);
	uint64_t mult = 0;
	for (size_t i = 0; i < sizeof(dunits) / sizeof(dunits[0]); i++)
		if (strcmp(p, dunits[i].unit) == 0)
			mult = dunits[i].mult;
	if (!mult)
		return fail(why, dur_expected);
	if (nfrac > FRAC_DIGITS_MAX)
		return fail(why, frac_too_long);
	if (mult == 1 && nfrac > 0 && !frac_is_zero(frac, nfrac))
		return fail(why, dur_whole);
	int64_t v;
	if (overflow || scale(whole, frac, nfrac, mult, &v) != 0)
		return fail(why, dur_overflow);
	*ns = v;
	return 0;
}

int units_parse_count(const char *s, int64_t *n, const char **why)
{
	if (is_unlimited(s)) {
		*n = BRINK_UNLIMITED;
		return 0;
	}
	uint64_t whole;
	const char *frac;
	int nfrac, overflow;
	const char *p = scan_number(s, &whole, &frac, &nfrac, &overflow);
	if (!p || nfrac > 0 || *p)
		return fail(why, count_expected);
	if (overflow || whole > (uint64_t)INT64_MAX)
		return fail(why, count_overflow);
	*n = (int64_t)whole;
	return 0;
}

int units_parse_bool(const char *s, int *b, const char **why)
{
	static const struct {
		const char *word;
		int value;
	} words[] = {
	    {"yes", 1}, {"no", 0},  {"true", 1}, {"false", 0},
	    {"on", 1},	{"off", 0}, {"1", 1},	 {"0", 0},
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcasecmp(s, words[i].word) == 0) {
			*b = words[i].value;
			return 0;
		}
	}
	return fail(why, bool_expected);
}

/* "1.5", "2", "1.33": at most two decimals, trailing zeros dropped. */
static void format_scaled(char *buf, size_t len, int64_t v, int64_t unit, const char *name)
{
	if (v % unit == 0) {
		snprintf(buf, len, "%lld %s", (long long)(v / unit), name);
		return;
	}
	char num[64];
	snprintf(num, sizeof(num), "%.2f", (double)v / (double)unit);
	char *end = num + strlen(num);
	while (end > num && end[-1] == '0')
		*--end = '\0';
	if (end > num && end[-1] == '.')
		*--end = '\0';
	snprintf(buf, len, "%s %s", num, name);
}

static int special_value(int64_t v, char *buf, size_t len)
{
	if (v == BRINK_UNLIMITED)
		snprintf(buf, len, "max");
	else if (v == BRINK_UNSET)
		snprintf(buf, len, "unset");
	else if (v < 0)
		snprintf(buf, len, "invalid (%lld)", (long long)v);
	else
		return 0;
	return 1;
}

char *units_format_size(int64_t bytes, char *buf, size_t len)
{
	static const struct {
		int64_t unit;
		const char *name;
	} steps[] = {
	    {1LL << 40, "TiB"},
	    {1LL << 30, "GiB"},
	    {1LL << 20, "MiB"},
	    {1LL << 10, "KiB"},
	};
	if (special_value(bytes, buf, len))
		return buf;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (bytes >= steps[i].unit) {
			format_scaled(buf, len, bytes, steps[i].unit, steps[i].name);
			return buf;
		}
	}
	snprintf(buf, len, "%lld B", (long long)bytes);
	return buf;
}

char *units_format_duration(int64_t ns, char *buf, size_t len)
{
	static const struct {
		int64_t unit;
		const char *name;
	} steps[] = {
	    {3600LL * 1000000000LL, "h"},
	    {60LL * 1000000000LL, "min"},
	    {1000000000LL, "s"},
	    {1000000LL, "ms"},
	    {1000LL, "us"},
	};
	if (special_value(ns, buf, len))
		return buf;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (ns >= steps[i].unit) {
			format_scaled(buf, len, ns, steps[i].unit, steps[i].name);
			return buf;
		}
	}
	snprintf(buf, len, "%lld ns", (long long)ns);
	return buf;
}

int units_parse_fixed(const char *s, int decimals, int64_t *scaled)
{
	int64_t whole = 0, frac = 0;
	const char *p = s;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > 1000000)
			return -1;
	}
	int used = 0;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (used == decimals) {
				if (*p != '0')
					return -1; /* finer than the unit */
				continue;
			}
			frac = frac * 10 + (*p - '0');
			used++;
		}
	}
	if (*p)
		return -1;
	for (; used < decimals; used++)
		frac *= 10;
	int64_t unit = 1;
	for (int i = 0; i < decimals; i++)
		unit *= 10;
	*scaled = whole * unit + frac;
	return 0;
}

/* ---- exact forms ---- */

/* The multiples a size or a duration is written in, largest first; the last
 * row of each is the base unit. */
struct unit_row {
	int64_t unit;
	const char *name;
};
static const struct unit_row size_letters[] = {
    {1LL << 40, "T"}, {1LL << 30, "G"}, {1LL << 20, "M"}, {1LL << 10, "K"}, {1, ""}};
static const struct unit_row duration_names[] = {{3600LL * 1000000000LL, "h"},
						 {60LL * 1000000000LL, "m"},
						 {1000000000LL, "s"},
						 {1000000LL, "ms"},
						 {1000LL, "us"},
						 {1, "ns"}};

/* v in the largest unit of rows[0..n) that divides it (the last divides all). */
static char *format_dividing(int64_t v, const struct unit_row *rows, size_t n, char *buf,
			     size_t len)
{
	size_t i = 0;
	while (i + 1 < n && v % rows[i].unit != 0)
		i++;
	snprintf(buf, len, "%lld%s", (long long)(v / rows[i].unit), rows[i].name);
	return buf;
}

char *units_format_size_exact(int64_t bytes, char *buf, size_t len)
{
	if (bytes == BRINK_UNLIMITED)
		snprintf(buf, len, "max");
	else if (bytes == 0)
		snprintf(buf, len, "0");
	else
		format_dividing(bytes, size_letters, sizeof(size_letters) / sizeof(size_letters[0]),
				buf, len);
	return buf;
}

char *units_format_duration_exact(int64_t ns, char *buf, size_t len)
{
	if (ns == 0)
		snprintf(buf, len, "0");
	else
		format_dividing(ns, duration_names,
				sizeof(duration_names) / sizeof(duration_names[0]), buf, len);
	return buf;
}

char *units_format_size_whole(int64_t bytes, char *buf, size_t len)
{
	static const struct unit_row u[] = {
	    {1LL << 30, "GiB"}, {1LL << 20, "MiB"}, {1LL << 10, "KiB"}};
	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		if (bytes > 0 && bytes % u[i].unit == 0) {
			snprintf(buf, len, "%lld %s", (long long)(bytes / u[i].unit), u[i].name);
			return buf;
		}
	snprintf(buf, len, "%lld bytes", (long long)bytes);
	return buf;
}

char *units_format_decimal(double v, int decimals, char *buf, size_t len)
{
	snprintf(buf, len, "%.*f", decimals, v);
	if (!strchr(buf, '.'))
		return buf;
	char *end = buf + strlen(buf);
	while (end[-1] == '0')
		*--end = '\0';
	if (end[-1] == '.')
		end[-1] = '\0';
	return buf;
}

/* ---- short forms ---- */

char *units_format_size_short(double bytes, const char *suffix, char *buf, size_t len)
{
	static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double a = fabs(bytes), v = bytes;
	size_t u = 0;
	while (a >= 1024 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		a /= 1024;
		v /= 1024;
		u++;
	}
	snprintf(buf, len, u == 0 || a >= 100 ? "%.0f %s%s" : "%.1f %s%s", v, unit[u], suffix);
	return buf;
}

char *units_format_count_rate(double v, char *buf, size_t len)
{
	static const char *const prefix[] = {"k", "M", "G", "T"};
	double a = fabs(v);
	if (a >= 9999.5) {
		size_t p = 0;
		v /= 1e3;
		a /= 1e3;
		while (a >= 999.5 && p + 1 < sizeof(prefix) / sizeof(prefix[0])) {
			v /= 1e3;
			a /= 1e3;
			p++;
		}
		snprintf(buf, len, a < 9.95 ? "%.1f%s/s" : "%.0f%s/s", v, prefix[p]);
		return buf;
	}
	snprintf(buf, len, a >= 99.5 ? "%.0f/s" : a >= 9.995 ? "%.1f/s" : "%.2f/s", v);
	if (strcmp(buf, "-0.00/s") == 0)
		snprintf(buf, len, "0.00/s");
	return buf;
}

char *units_format_cpus(int64_t milli, char *buf, size_t len)
{
	snprintf(buf, len, "%g", (double)milli / 1000);
	return buf;
}

char *units_format_measure(enum units_measure what, double v, char *buf, size_t len)
{
	char tmp[64];
	if (isnan(v)) {
		snprintf(buf, len, "-");
		return buf;
	}
	switch (what) {
	case UM_BYTES:
		return units_format_size((int64_t)llround(v), buf, len);
	case UM_BYTES_PER_S:
		units_format_size((int64_t)llround(fabs(v)), tmp, sizeof(tmp));
		snprintf(buf, len, "%s%s/s", v < 0 ? "-" : "", tmp);
		return buf;
	case UM_COUNT:
		snprintf(buf, len, v == floor(v) ? "%.0f" : "%.1f", v);
		return buf;
	case UM_PER_S:
		snprintf(buf, len, "%.3f/s", v);
		return buf;
	case UM_SECONDS:
		snprintf(buf, len, "%.2f s", v);
		return buf;
	case UM_SECONDS_TIGHT:
		snprintf(buf, len, "%.2fs", v);
		return buf;
	case UM_SECONDS_MS:
		snprintf(buf, len, "%.3f s", v);
		return buf;
	case UM_MIB:
		snprintf(buf, len, "%.1f MiB", v / 1048576.0);
		return buf;
	case UM_MIB_PER_S:
		snprintf(buf, len, "%.2f MiB/s", v / 1048576.0);
		return buf;
	case UM_PLAIN:
		break;
	}
	snprintf(buf, len, "%g", v);
	return buf;
}

char *units_trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}
