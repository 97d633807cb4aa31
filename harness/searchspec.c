/* searchspec.c - the value parsers of a search's settings (searchspec.h). */
#include "searchspec.h"

#include <stdio.h>
#include <string.h>

#include "limit.h"
#include "units.h"

bool search_resource_ok(int lim)
{
	static const int ok[] = {LIM_MEMORY, LIM_PIDS,	LIM_NOFILE,  LIM_AS,
				 LIM_DATA,   LIM_STACK, LIM_CPU_TIME};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (ok[i] == lim)
			return true;
	return false;
}

int search_parse_range(int lim, const char *s, int64_t *lo, int64_t *hi, const char **why)
{
	const char *dots = strstr(s, "..");
	char a[64];
	if (!dots || (size_t)(dots - s) >= sizeof(a)) {
		*why = "expected a range LO..HI, such as 4M..1G";
		return -1;
	}
	snprintf(a, sizeof(a), "%.*s", (int)(dots - s), s);
	if (strpbrk(dots + 2, " \t")) {
		*why = "a search range takes no step (LO..HI): the search picks its limits; "
		       "--resolution says how close";
		return -1;
	}
	struct limits l;
	limits_init(&l);
	if (limits_parse(&l, lim, a, why) != 0)
		return -1;
	*lo = l.v[lim];
	if (limits_parse(&l, lim, dots + 2, why) != 0)
		return -1;
	*hi = l.v[lim];
	if (*lo < 0 || *hi < 0) {
		*why = "expected numbers, not max, in LO..HI";
		return -1;
	}
	if (*lo >= *hi) {
		*why = "expected LO below HI in LO..HI";
		return -1;
	}
	return 0;
}

int search_parse_resolution(int lim, const char *s, int64_t *abs, int64_t *ppm, const char **why)
{
	size_t n = strlen(s);
	if (n > 1 && s[n - 1] == '%') {
		char num[32];
		int64_t milli;
		snprintf(num, sizeof(num), "%.*s", (int)(n - 1), s);
		if (n - 1 >= sizeof(num) || units_parse_fixed(num, 4, &milli) != 0 || milli <= 0 ||
		    milli > 500000) {
			*why = "expected a percentage above 0 and at most 50, such as 1% or 0.5%";
			return -1;
		}
		*abs = 0;
		*ppm = milli; /* percent x 10^4 is parts per million */
		return 0;
	}
	struct limits l;
	limits_init(&l);
	if (limits_parse(&l, lim, s, why) != 0 || l.v[lim] < 1) {
		*why = "expected a resolution in the limit's unit (1M, 16, 1s) or a percentage "
		       "(1%)";
		return -1;
	}
	*abs = l.v[lim];
	*ppm = 0;
	return 0;
}

int64_t search_default_resolution(int lim)
{
	switch (limit_table[lim].kind) {
	case LK_SIZE:
		return 1LL << 20;
	case LK_DURATION:
		return 1000000000LL;
	default:
		return 1;
	}
}
