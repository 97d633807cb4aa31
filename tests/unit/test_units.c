/* test_units.c - the strict unit parsers, table-driven: every good input with
 * the exact value it must give, every bad input with the kind of complaint it
 * must get (syntax, overflow, fraction), and the value left untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "limit.h"
#include "units.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define KiB	 (1LL << 10)
#define MiB	 (1LL << 20)
#define GiB	 (1LL << 30)
#define TiB	 (1LL << 40)
#define MS	 1000000LL
#define SEC	 1000000000LL

struct good {
	const char *in;
	int64_t want;
};

/* A bad input and a word its why-sentence must contain, so that an overflow
 * is not reported as a syntax error or the other way round. */
struct bad {
	const char *in;
	const char *why_has;
};

typedef int (*parser)(const char *s, int64_t *v, const char **why);

static void check_good(parser parse, const struct good *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int64_t v = 12345;
		const char *why = NULL;
		if (parse(t[i].in, &v, &why) != 0)
			fail_msg("\"%s\" refused: %s", t[i].in, why ? why : "(no why)");
		if (v != t[i].want)
			fail_msg("\"%s\" gave %lld, want %lld", t[i].in, (long long)v,
				 (long long)t[i].want);
	}
}

static void check_bad(parser parse, const struct bad *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int64_t v = 12345;
		const char *why = NULL;
		if (parse(t[i].in, &v, &why) == 0)
			fail_msg("\"%s\" accepted as %lld", t[i].in, (long long)v);
		if (v != 12345)
			fail_msg("\"%s\": output changed on error", t[i].in);
		if (!why || strncmp(why, "expected", 8) != 0)
			fail_msg("\"%s\": why should start with \"expected\": %s", t[i].in,
				 why ? why : "(null)");
		if (!strstr(why, t[i].why_has))
			fail_msg("\"%s\": why \"%s\" lacks \"%s\"", t[i].in, why, t[i].why_has);
	}
}

static const char SYNTAX_SIZE[] = "K, M, G or T suffix, or max";
static const char WHOLE_BYTES[] = "whole number of bytes";
static const char SIZE_OVERFLOW[] = "at most 8 EiB";

static void test_size_good(void **state)
{
	(void)state;
	static const struct good t[] = {
	    {"0", 0},
	    {"1", 1},
	    {"007", 7},
	    {"4096", 4096},
	    {"4096B", 4096},
	    {"64K", 64 * KiB},
	    {"64k", 64 * KiB},
	    {"64KB", 64 * KiB},
	    {"64KiB", 64 * KiB},
	    {"64M", 64 * MiB},
	    {"64MiB", 64 * MiB},
	    {"64MB", 64 * MiB},
	    {"1.5G", 3 * GiB / 2},
	    {"2T", 2 * TiB},
	    {"0.5K", 512},
	    {"1.0", 1},			     /* a zero fraction is still whole bytes */
	    {"1.3K", 1331},		     /* 1331.2 rounded down */
	    {"0.0001K", 0},		     /* 0.1024 rounded down */
	    {"1.999999999999999999K", 2047}, /* 18 decimals, still rounded down */
	    {"max", BRINK_UNLIMITED},
	    {"unlimited", BRINK_UNLIMITED},
	    {"9223372036854775807", INT64_MAX},
	    {"8388607T", 8388607LL * TiB},
	    {"8388607.999999999999999999T", INT64_MAX}, /* 2^63 - 2^40 + 2^40 - 1 */
	};
	check_good(units_parse_size, t, NELEM(t));
}

static void test_size_bad(void **state)
{
	(void)state;
	static const struct bad t[] = {
	    {"", SYNTAX_SIZE},
	    {" 1", SYNTAX_SIZE},
	    {"1 ", SYNTAX_SIZE},
	    {"1 K", SYNTAX_SIZE},
	    {"-1", SYNTAX_SIZE},
	    {"+1", SYNTAX_SIZE},
	    {"1e3", SYNTAX_SIZE},
	    {"0x10", SYNTAX_SIZE},
	    {"64Q", SYNTAX_SIZE},
	    {"64KK", SYNTAX_SIZE},
	    {"64Kb", SYNTAX_SIZE},
	    {"64iB", SYNTAX_SIZE},
	    {"64KiBx", SYNTAX_SIZE},
	    {"K", SYNTAX_SIZE},
	    {".5K", SYNTAX_SIZE},
	    {"1.K", SYNTAX_SIZE},
	    {"1..5K", SYNTAX_SIZE},
	    {"MAX", SYNTAX_SIZE},
	    {"max ", SYNTAX_SIZE},
	    {"1P", SYNTAX_SIZE},
	    {"0.5B", WHOLE_BYTES},
	    {"1.5", WHOLE_BYTES},
	    {"0.5", WHOLE_BYTES},
	    {"1.0000000000000000001K", "18 digits"},
	    {"9223372036854775808", SIZE_OVERFLOW},
	    {"9223372036854775807K", SIZE_OVERFLOW},
	    {"8388608T", SIZE_OVERFLOW},
	    {"18446744073709551616", SIZE_OVERFLOW}, /* 2^64: overflows the scan too */
	    {"99999999999999999999999999T", SIZE_OVERFLOW},
	};
	check_bad(units_parse_size, t, NELEM(t));
}

static void test_duration_good(void **state)
{
	(void)state;
	static const struct good t[] = {
	    {"0", 0},
	    {"0s", 0},
	    {"0ms", 0},
	    {"1ns", 1},
	    {"1us", 1000},
	    {"500ms", 500 * MS},
	    {"10ms", 10 * MS},
	    {"2s", 2 * SEC},
	    {"1.5s", 3 * SEC / 2},
	    {"0.5ms", 500000},
	    {"1m", 60 * SEC},
	    {"1.5m", 90 * SEC},
	    {"1h", 3600 * SEC},
	    {"1.0000000005s", SEC}, /* 1000000000.5ns rounded down */
	    {"2562047h", 2562047LL * 3600 * SEC},
	    {"9223372036854775807ns", INT64_MAX},
	};
	check_good(units_parse_duration, t, NELEM(t));
}

static void test_duration_bad(void **state)
{
	(void)state;
	static const char UNIT[] = "unit ns, us, ms, s, m or h";
	static const char NO_UNIT[] = "a unit after the number";
	static const struct bad t[] = {
	    {"", UNIT},
	    {"s", UNIT},
	    {"ms", UNIT},
	    {"5", NO_UNIT},
	    {"1.5", NO_UNIT},
	    {"00", NO_UNIT},
	    {"-1s", UNIT},
	    {"+1s", UNIT},
	    {" 1s", UNIT},
	    {"1s ", UNIT},
	    {"1 s", UNIT},
	    {"1e3ms", UNIT},
	    {"1S", UNIT},
	    {"1sec", UNIT},
	    {"1min", UNIT},
	    {"1d", UNIT},
	    {"1ms5", UNIT},
	    {"0.5ns", "whole number of nanoseconds"},
	    {"1.5ns", "whole number of nanoseconds"},
	    {"2562048h", "at most 2562047h"},
	    {"9223372036854775808ns", "at most 2562047h"},
	    {"99999999999999999999s", "at most 2562047h"},
	};
	check_bad(units_parse_duration, t, NELEM(t));
}

static void test_count(void **state)
{
	(void)state;
	static const struct good good[] = {
	    {"0", 0},
	    {"1", 1},
	    {"42", 42},
	    {"1024", 1024},
	    {"max", BRINK_UNLIMITED},
	    {"unlimited", BRINK_UNLIMITED},
	    {"9223372036854775807", INT64_MAX},
	};
	static const char SYNTAX[] = "whole number without sign";
	static const struct bad bad[] = {
	    {"", SYNTAX},
	    {"-1", SYNTAX},
	    {"+1", SYNTAX},
	    {"1.5", SYNTAX},
	    {"1.0", SYNTAX},
	    {"1e3", SYNTAX},
	    {" 1", SYNTAX},
	    {"1 ", SYNTAX},
	    {"1K", SYNTAX},
	    {"0x10", SYNTAX},
	    {"MAX", SYNTAX},
	    {"9223372036854775808", "at most 9223372036854775807"},
	    {"18446744073709551616", "at most 9223372036854775807"},
	};
	check_good(units_parse_count, good, NELEM(good));
	check_bad(units_parse_count, bad, NELEM(bad));
}

static void test_bool(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int want; /* -1: refused */
	} t[] = {
	    {"yes", 1}, {"YES", 1},   {"Yes", 1},  {"true", 1},	   {"on", 1},
	    {"1", 1},	{"no", 0},    {"No", 0},   {"false", 0},   {"FALSE", 0},
	    {"off", 0}, {"0", 0},     {"", -1},	   {"y", -1},	   {"n", -1},
	    {"2", -1},	{"yes ", -1}, {" no", -1}, {"enable", -1}, {"01", -1},
	};
	for (size_t i = 0; i < NELEM(t); i++) {
		int b = 7;
		const char *why = NULL;
		int rc = units_parse_bool(t[i].in, &b, &why);
		if (t[i].want < 0) {
			if (rc == 0)
				fail_msg("\"%s\" accepted as a boolean", t[i].in);
			assert_int_equal(b, 7);
			assert_non_null(why);
			assert_non_null(strstr(why, "yes, no"));
		} else {
			if (rc != 0)
				fail_msg("\"%s\" refused", t[i].in);
			assert_int_equal(b, t[i].want);
		}
	}
}

/* NULL is allowed for why: a caller that only wants yes/no. */
static void test_why_optional(void **state)
{
	(void)state;
	int64_t v = 5;
	assert_int_equal(units_parse_size("x", &v, NULL), -1);
	assert_int_equal(units_parse_duration("x", &v, NULL), -1);
	assert_int_equal(units_parse_count("x", &v, NULL), -1);
	assert_int_equal(v, 5);
}

static void test_format(void **state)
{
	(void)state;
	static const struct {
		int64_t v;
		const char *size, *duration;
	} t[] = {
	    {0, "0 B", "0 ns"},
	    {999, "999 B", "999 ns"},
	    {1024, "1 KiB", "1.02 us"},
	    {1536, "1.5 KiB", "1.54 us"},
	    /* 1536 KiB = 1.5 x 1024 KiB; 1572864 ns = 1.572864 ms, two decimals */
	    {1536 * KiB, "1.5 MiB", "1.57 ms"},
	    {64 * MiB, "64 MiB", "67.11 ms"},
	    {3 * GiB / 2, "1.5 GiB", "1.61 s"},
	    {10 * MS, "9.54 MiB", "10 ms"},
	    {90 * SEC, "83.82 GiB", "1.5 min"},
	    {2 * 3600 * SEC, "6.55 TiB", "2 h"},
	    {BRINK_UNLIMITED, "max", "max"},
	    {BRINK_UNSET, "unset", "unset"},
	};
	for (size_t i = 0; i < NELEM(t); i++) {
		char buf[64];
		assert_string_equal(units_format_size(t[i].v, buf, sizeof(buf)), t[i].size);
		assert_string_equal(units_format_duration(t[i].v, buf, sizeof(buf)), t[i].duration);
	}
	/* Truncation keeps a terminated string. */
	char small[4];
	units_format_size(64 * MiB, small, sizeof(small));
	assert_int_equal(strlen(small), 3);
}

/* The exact forms: the largest unit that divides the amount, each expected
 * string worked out from the amount by hand; and each reads back to it. */
static void test_format_exact(void **state)
{
	(void)state;
	static const struct {
		int64_t v;
		const char *want;
	} sizes[] =
	    {
		{0, "0"},
		{1, "1"},
		{1025, "1025"},	       /* no unit divides it */
		{1536, "1536"},	       /* 1.5 KiB: K does not divide it */
		{3072, "3K"},	       /* 3 x 1024 */
		{1025 * KiB, "1025K"}, /* 1 MiB + 1 KiB */
		{64 * MiB, "64M"},
		{5 * GiB, "5G"},
		{3 * GiB / 2, "1536M"}, /* 1.5 GiB */
		{2 * TiB, "2T"},
		{BRINK_UNLIMITED, "max"},
	    },
	  durations[] = {
	      {0, "0"},
	      {7, "7ns"},
	      {1001, "1001ns"},
	      {1500 * 1000, "1500us"}, /* 1.5 ms */
	      {10 * MS, "10ms"},
	      {90 * SEC, "90s"}, /* 1.5 min: m does not divide it */
	      {120 * SEC, "2m"},
	      {90 * 60 * SEC, "90m"},
	      {2 * 3600 * SEC, "2h"},
	  };
	char buf[64];
	int64_t back;
	for (size_t i = 0; i < NELEM(sizes); i++) {
		assert_string_equal(units_format_size_exact(sizes[i].v, buf, sizeof(buf)),
				    sizes[i].want);
		assert_int_equal(units_parse_size(buf, &back, NULL), 0);
		assert_int_equal(back, sizes[i].v);
	}
	for (size_t i = 0; i < NELEM(durations); i++) {
		assert_string_equal(units_format_duration_exact(durations[i].v, buf, sizeof(buf)),
				    durations[i].want);
		assert_int_equal(units_parse_duration(buf, &back, NULL), 0);
		assert_int_equal(back, durations[i].v);
	}
}

static void test_format_size_whole(void **state)
{
	(void)state;
	static const struct {
		int64_t v;
		const char *want;
	} t[] = {
	    {0, "0 bytes"},
	    {1234, "1234 bytes"},
	    {41 * MiB, "41 MiB"},
	    {41988 * KiB, "41988 KiB"}, /* 41988 = 41 x 1024 + 4: not whole MiB */
	    {3 * GiB, "3 GiB"},
	    {2 * TiB, "2048 GiB"}, /* GiB is the largest unit */
	};
	char buf[64];
	for (size_t i = 0; i < NELEM(t); i++)
		assert_string_equal(units_format_size_whole(t[i].v, buf, sizeof(buf)), t[i].want);
}

static void test_format_decimal(void **state)
{
	(void)state;
	/* 100 with no decimals keeps its zeros: they are digits, not decimals. */
	static const struct {
		double v;
		int decimals;
		const char *want;
	} t[] = {
	    {0.5, 9, "0.5"}, {2.0, 3, "2"},   {0.125, 3, "0.125"},   {0.25, 3, "0.25"},
	    {0, 3, "0"},     {100, 0, "100"}, {1.0 / 3, 3, "0.333"}, {1000000, 9, "1000000"},
	};
	char buf[64];
	for (size_t i = 0; i < NELEM(t); i++)
		assert_string_equal(units_format_decimal(t[i].v, t[i].decimals, buf, sizeof(buf)),
				    t[i].want);
}

/* Sizes: 1536 / 1024 = 1.5 KiB; from 100 of a unit on no decimal, below it one;
 * the sign kept, the unit chosen by |v|; TiB the largest unit. */
static void test_format_size_short(void **state)
{
	(void)state;
	static const struct {
		double v;
		const char *suffix, *want;
	} t[] = {
	    {0, "", "0 B"},
	    {512, "", "512 B"},
	    {1023, "", "1023 B"},
	    {1536, "", "1.5 KiB"},
	    {100 * KiB, "", "100 KiB"},
	    {64 * MiB, "", "64.0 MiB"},
	    {106 * MiB, "", "106 MiB"},
	    {-1.5 * MiB, "/s", "-1.5 MiB/s"},
	    {2 * TiB, "", "2.0 TiB"},
	    {5000.0 * TiB, "", "5000 TiB"},
	};
	char buf[64];
	for (size_t i = 0; i < NELEM(t); i++)
		assert_string_equal(units_format_size_short(t[i].v, t[i].suffix, buf, sizeof(buf)),
				    t[i].want);
}

/* Counts per second: -0.001 is "0.00/s", not "-0.00/s"; 9999.6 is 9.9996
 * thousand, which has no decimal from 9.95 on; 1400000 is 1.4 million. */
static void test_format_count_rate(void **state)
{
	(void)state;
	static const struct {
		double v;
		const char *want;
	} t[] = {
	    {0.4, "0.40/s"},   {-3, "-3.00/s"},	      {-0.001, "0.00/s"}, {12.5, "12.5/s"},
	    {9810, "9810/s"},  {9999.4, "9999/s"},    {9999.6, "10k/s"},  {13000, "13k/s"},
	    {136e6, "136M/s"}, {-1400000, "-1.4M/s"},
	};
	char buf[64];
	for (size_t i = 0; i < NELEM(t); i++)
		assert_string_equal(units_format_count_rate(t[i].v, buf, sizeof(buf)), t[i].want);
}

static void test_format_measure(void **state)
{
	(void)state;
	static const struct {
		enum units_measure what;
		double v;
		const char *want;
	} t[] = {
	    {UM_BYTES, 1536.4, "1.5 KiB"}, /* 1536 bytes, the nearest whole byte */
	    {UM_BYTES_PER_S, -1.5 * MiB, "-1.5 MiB/s"},
	    {UM_COUNT, 3, "3"},
	    {UM_COUNT, 2.5, "2.5"},
	    {UM_PER_S, 0.5, "0.500/s"},
	    {UM_SECONDS, 1.25, "1.25 s"},
	    {UM_PLAIN, 0.05, "0.05"},
	    {UM_SECONDS, NAN, "-"},
	    {UM_SECONDS_TIGHT, 0.125, "0.12s"}, /* printf rounds 0.125 (exact) to even */
	    {UM_SECONDS_MS, 1.27, "1.270 s"},
	    {UM_SECONDS_MS, 0.0004, "0.000 s"},
	    {UM_MIB, 64 * MiB, "64.0 MiB"},
	    {UM_MIB, 1.25 * MiB, "1.2 MiB"},
	    {UM_MIB_PER_S, 0.25 * MiB, "0.25 MiB/s"},
	    {UM_MIB_PER_S, NAN, "-"},
	};
	char buf[64];
	for (size_t i = 0; i < NELEM(t); i++)
		assert_string_equal(units_format_measure(t[i].what, t[i].v, buf, sizeof(buf)),
				    t[i].want);
}

static void test_format_cpus(void **state)
{
	(void)state;
	char buf[32];
	assert_string_equal(units_format_cpus(500, buf, sizeof(buf)), "0.5");
	assert_string_equal(units_format_cpus(2000, buf, sizeof(buf)), "2");
	assert_string_equal(units_format_cpus(10, buf, sizeof(buf)), "0.01");
}

/* One value per limit kind, as `brink search` (whole) and the sweep tables
 * write it. */
static void test_limits_format(void **state)
{
	(void)state;
	char buf[32];
	assert_string_equal(limits_format(LIM_MEMORY, 1536, false, buf, sizeof(buf)), "1.5 KiB");
	assert_string_equal(limits_format(LIM_MEMORY, 1536, true, buf, sizeof(buf)), "1536 bytes");
	assert_string_equal(limits_format(LIM_MEMORY, 64 * MiB, true, buf, sizeof(buf)), "64 MiB");
	assert_string_equal(limits_format(LIM_CPU_TIME, 1500000000, true, buf, sizeof(buf)),
			    "1.5 s");
	assert_string_equal(limits_format(LIM_CPUS, 250, false, buf, sizeof(buf)), "0.25");
	assert_string_equal(limits_format(LIM_NOFILE, 64, true, buf, sizeof(buf)), "64");
}

static void test_fixed(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int decimals;
		int64_t want; /* -1: refused */
	} cases[] = {
	    {"0.5", 3, 500},
	    {"2", 3, 2000},
	    {"1.25", 3, 1250},
	    {"0.001", 3, 1},
	    {"0.0010", 3, 1},
	    {"0.0005", 3, -1},
	    {"1000000", 0, 1000000},
	    {"1000001", 0, -1},
	    {"0.5", 9, 500000000},
	    {"0.123456789", 9, 123456789},
	    {"", 3, -1},
	    {".5", 3, -1},
	    {"5.", 3, -1},
	    {"-1", 3, -1},
	    {"1e3", 3, -1},
	    {" 1", 3, -1},
	    {"1 ", 3, -1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = -7;
		int rc = units_parse_fixed(cases[i].in, cases[i].decimals, &v);
		if (cases[i].want < 0) {
			assert_int_equal(rc, -1);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(v, cases[i].want);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_size_good),
	    cmocka_unit_test(test_size_bad),
	    cmocka_unit_test(test_duration_good),
	    cmocka_unit_test(test_duration_bad),
	    cmocka_unit_test(test_count),
	    cmocka_unit_test(test_bool),
	    cmocka_unit_test(test_fixed),
	    cmocka_unit_test(test_why_optional),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_format_exact),
	    cmocka_unit_test(test_format_size_whole),
	    cmocka_unit_test(test_format_decimal),
	    cmocka_unit_test(test_format_size_short),
	    cmocka_unit_test(test_format_count_rate),
	    cmocka_unit_test(test_format_measure),
	    cmocka_unit_test(test_format_cpus),
	    cmocka_unit_test(test_limits_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
