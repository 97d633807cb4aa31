/* test_procstat.c - /proc/PID/stat parsing: a command name may hold anything. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "procstat.h"

/* Fields 1..22 of a real line, with a hostile command name. */
static const char line[] = "4242 (a) b (c) d) S 1 4242 4242 0 -1 4194560 100 0 0 0 "
			   "7 5 0 0 20 0 3 0 123456 1000 200\n";

static void test_fields_after_last_paren(void **state)
{
	(void)state;
	static const int want[] = {14, 15, 20, 22};
	long long v[4];
	char st = 0;
	assert_int_equal(procstat_parse(line, want, v, 4, &st), 0);
	assert_int_equal(st, 'S');
	assert_int_equal(v[0], 7);
	assert_int_equal(v[1], 5);
	assert_int_equal(v[2], 3);
	assert_int_equal(v[3], 123456);
}

static void test_cut_short(void **state)
{
	(void)state;
	static const int want[] = {22};
	long long v;
	assert_int_equal(procstat_parse("1 (x) S 1 2 3", want, &v, 1, NULL), -1);
	assert_int_equal(procstat_parse("no paren at all", want, &v, 1, NULL), -1);
	assert_int_equal(procstat_parse("1 (x)", want, &v, 1, NULL), -1);
}

static void test_self(void **state)
{
	(void)state;
	/* Our own pid is field 1, not reachable by want; field 5 is the pgrp. */
	assert_int_equal(procstat_field(0, 5), (long long)getpgrp());
	assert_int_equal(procstat_field(getpid(), 5), (long long)getpgrp());
	assert_true(procstat_field(0, 22) > 0);
	assert_int_equal(procstat_field(-5, 22), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fields_after_last_paren),
	    cmocka_unit_test(test_cut_short),
	    cmocka_unit_test(test_self),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
