/* test_error.c - errors that travel: berr_set names the errno, berr_wrap adds the
 * caller's context in front and keeps the errno; a message too long keeps the
 * context and the errno text at its end. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "error.h"

static void test_set(void **state)
{
	(void)state;
	struct berr e = {0};
	assert_int_equal(berr_set(&e, ENOENT, "cannot open %s", "/x"), -1);
	assert_string_equal(e.msg, "cannot open /x: No such file or directory (ENOENT)");
	assert_int_equal(e.errnum, ENOENT);
	assert_int_equal(berr_set(NULL, ENOENT, "nothing"), -1);
}

/* The errno of a real failing call travels up through two wraps unchanged, each
 * caller's context in front of its callee's. */
static void test_wrap_chain(void **state)
{
	(void)state;
	char dir[] = "/tmp/brink-error-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct berr e = {0};
	/* mkdir of an existing directory: EEXIST from the kernel */
	if (mkdir(dir, 0755) != 0)
		berr_set(&e, errno, "cannot create %s", dir);
	assert_int_equal(berr_wrap(&e, "cannot make run group %d", 3), -1);
	assert_int_equal(berr_wrap(&e, "mem-hog: run %d", 1), -1);
	char want[256];
	snprintf(want, sizeof(want),
		 "mem-hog: run 1: cannot make run group 3: cannot create %s: File exists (EEXIST)",
		 dir);
	assert_string_equal(e.msg, want);
	assert_int_equal(e.errnum, EEXIST);
	rmdir(dir);
	assert_int_equal(berr_wrap(NULL, "nothing"), -1);
}

/* An empty message gives the context alone; errnum stays as it was. */
static void test_wrap_empty(void **state)
{
	(void)state;
	struct berr e = {0};
	berr_wrap(&e, "cannot move back");
	assert_string_equal(e.msg, "cannot move back");
	assert_int_equal(e.errnum, 0);
}

/* Too long for msg: the whole is as long as msg allows, begins with the context
 * and ends with the old message's end (the errno text), "..." between. */
static void test_wrap_too_long(void **state)
{
	(void)state;
	struct berr e = {0};
	char path[700];
	memset(path, 'p', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	berr_set(&e, EBUSY, "cannot remove /%s", path);
	berr_wrap(&e, "cannot remove brink's group %s", "brink-1-2");
	assert_int_equal(strlen(e.msg), sizeof(e.msg) - 1);
	const char *ctx = "cannot remove brink's group brink-1-2: ...";
	assert_memory_equal(e.msg, ctx, strlen(ctx));
	const char *end = "ppp: Device or resource busy (EBUSY)";
	assert_string_equal(e.msg + strlen(e.msg) - strlen(end), end);
	assert_int_equal(e.errnum, EBUSY);

	/* A context longer than half of msg is cut to half; the end still stays. */
	char ctxlong[900];
	memset(ctxlong, 'c', sizeof(ctxlong) - 1);
	ctxlong[sizeof(ctxlong) - 1] = '\0';
	berr_set(&e, EBUSY, "cannot remove /%s", path);
	berr_wrap(&e, "%s", ctxlong);
	assert_int_equal(strlen(e.msg), sizeof(e.msg) - 1);
	assert_int_equal(strspn(e.msg, "c"), (sizeof(e.msg) - 1) / 2);
	assert_string_equal(e.msg + strlen(e.msg) - strlen(end), end);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_set),
	    cmocka_unit_test(test_wrap_chain),
	    cmocka_unit_test(test_wrap_empty),
	    cmocka_unit_test(test_wrap_too_long),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
