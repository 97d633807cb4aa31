/* fuzz_units.c - libFuzzer target for the value parsers (units.h, limit.h).
 *
 * The input, up to its first NUL byte (callers pass C strings), goes to every
 * parser. Besides "no crash, no UB", each success is checked against what the
 * headers promise:
 * - a size is >= 0 or BRINK_UNLIMITED, and its exact form
 *   (units_format_size_exact, as the effective config writes it) parses back to
 *   the same value; the unit letter means the same in either case; a plain number
 *   means the same as a size and as a count;
 * - a duration is >= 0 and its exact form (units_format_duration_exact: "90s",
 *   "1500us", "7ns") parses back;
 * - a count is >= 0 or BRINK_UNLIMITED and its decimal form parses back;
 * - a boolean is 0 or 1, whatever the case of the word;
 * - limits_parse agrees with the parser of the limit's kind, never yields 0
 *   pids or less than one milli-CPU, and leaves the limits untouched on error;
 * - every failure gives a non-empty reason;
 * - the human-readable formatters accept whatever the parsers return.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limit.h"
#include "units.h"

static const char *input;

static void die(const char *what)
{
	fprintf(stderr, "fuzz_units: %s; input \"%s\"\n", what, input);
	abort();
}

static void check_why(int rc, const char *why)
{
	if (rc != 0 && rc != -1)
		die("a parser returned something other than 0 or -1");
	if (rc == -1 && (!why || !*why))
		die("a parser failed without a reason");
}

static void fuzz_size(const char *s)
{
	int64_t v = 0, w = 0;
	const char *why = NULL;
	char buf[64];
	int rc = units_parse_size(s, &v, &why);
	check_why(rc, why);
	if (rc == 0) {
		if (v < 0 && v != BRINK_UNLIMITED)
			die("a size parsed to a negative amount");
		if (!units_format_size(v, buf, sizeof(buf))[0])
			die("units_format_size gave nothing");
		if (v >= 0) {
			units_format_size_exact(v, buf, sizeof(buf));
			if (units_parse_size(buf, &w, &why) != 0 || w != v)
				die("the exact form of a size does not parse back");
		}
	}

	/* The multiplier letter in the other case means the same. */
	size_t digits = strspn(s, "0123456789.");
	if (digits > 0 && s[digits] && strchr("kmgtKMGT", s[digits])) {
		char *t = strdup(s);
		if (!t)
			abort();
		t[digits] = (char)(islower((unsigned char)t[digits]) ? toupper(t[digits])
								     : tolower(t[digits]));
		int rc2 = units_parse_size(t, &w, &why);
		free(t);
		if (rc2 != rc || (rc == 0 && w != v))
			die("the case of the unit letter changes a size");
	}

	/* A plain number (or max) is the same amount as a size and as a count. */
	if (strspn(s, "0123456789") == strlen(s) || strcmp(s, "max") == 0) {
		int rc2 = units_parse_count(s, &w, &why);
		if (rc2 != rc || (rc == 0 && w != v))
			die("a plain number differs as a size and as a count");
	}
}

static void fuzz_duration(const char *s)
{
	int64_t v = 0, w = 0;
	const char *why = NULL;
	char buf[64];
	int rc = units_parse_duration(s, &v, &why);
	check_why(rc, why);
	if (rc != 0)
		return;
	if (v < 0)
		die("a duration parsed to a negative amount");
	if (!units_format_duration(v, buf, sizeof(buf))[0])
		die("units_format_duration gave nothing");
	units_format_duration_exact(v, buf, sizeof(buf));
	if (units_parse_duration(buf, &w, &why) != 0 || w != v)
		die("the exact form of a duration does not parse back");
}

static void fuzz_count(const char *s)
{
	int64_t v = 0, w = 0;
	const char *why = NULL;
	char buf[32];
	int rc = units_parse_count(s, &v, &why);
	check_why(rc, why);
	if (rc != 0)
		return;
	if (v < 0 && v != BRINK_UNLIMITED)
		die("a count parsed to a negative number");
	if (v >= 0) {
		snprintf(buf, sizeof(buf), "%lld", (long long)v);
		if (units_parse_count(buf, &w, &why) != 0 || w != v)
			die("the decimal form of a count does not parse back");
		if (strtoll(s, NULL, 10) != v)
			die("a count differs from strtoll's reading");
	}
}

static void fuzz_bool(const char *s)
{
	int b = -1, c = -1;
	const char *why = NULL;
	int rc = units_parse_bool(s, &b, &why);
	check_why(rc, why);
	char *t = strdup(s);
	if (!t)
		abort();
	for (char *p = t; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	int rc2 = units_parse_bool(t, &c, &why);
	free(t);
	if (rc2 != rc || (rc == 0 && c != b))
		die("the case of a boolean word changes its meaning");
	if (rc == 0 && b != 0 && b != 1)
		die("a boolean is neither 0 nor 1");
}

static void fuzz_limits(const char *s)
{
	for (int id = 0; id < LIM__COUNT; id++) {
		struct limits l;
		const char *why = NULL, *why2 = NULL;
		int64_t w = 0;
		int rc2;
		limits_init(&l);
		int rc = limits_parse(&l, id, s, &why);
		check_why(rc, why);
		for (int j = 0; j < LIM__COUNT; j++)
			if ((j != id || rc != 0) && l.v[j] != BRINK_UNSET)
				die("limits_parse changed a limit it was not asked to set");
		if (rc != 0)
			continue;
		int64_t v = l.v[id];
		if (v < 0 && v != BRINK_UNLIMITED)
			die("a limit parsed to a negative amount");
		switch (limit_table[id].kind) {
		case LK_SIZE:
			rc2 = units_parse_size(s, &w, &why2);
			break;
		case LK_COUNT:
			rc2 = units_parse_count(s, &w, &why2);
			break;
		case LK_DURATION:
			rc2 = units_parse_duration(s, &w, &why2);
			break;
		case LK_CPUS: {
			if (v != BRINK_UNLIMITED && v < 1)
				die("cpus parsed to less than one milli-CPU");
			char buf[48];
			/* as the effective config writes it (config.c: write_limit) */
			if (v == BRINK_UNLIMITED)
				snprintf(buf, sizeof(buf), "max");
			else
				units_format_decimal((double)v / 1000.0, 3, buf, sizeof(buf));
			struct limits m;
			limits_init(&m);
			rc2 = limits_parse(&m, id, buf, &why2);
			w = m.v[id];
			break;
		}
		default:
			die("a limit of unknown kind");
		}
		if (rc2 != 0 || w != v)
			die("limits_parse disagrees with the parser of the limit's kind");
		if (id == LIM_PIDS && v == 0)
			die("a pids limit of 0 was accepted");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = strndup((const char *)data, size);
	if (!s)
		return 0;
	input = s;
	fuzz_size(s);
	fuzz_duration(s);
	fuzz_count(s);
	fuzz_bool(s);
	fuzz_limits(s);
	free(s);
	return 0;
}
