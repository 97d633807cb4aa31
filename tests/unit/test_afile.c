/* test_afile.c - atomic result files: the content appears under the final name
 * only at commit; a write the kernel refuses (RLIMIT_FSIZE: EFBIG) fails the
 * commit and leaves no file under the final name; abandon keeps the .part and
 * discard removes it. */
#include <errno.h>
#include <stdbool.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "afile.h"

static char dir[] = "/tmp/brink-afile-XXXXXX";

static bool exists(const char *p)
{
	return access(p, F_OK) == 0;
}

static void paths(const char *name, char *path, char *part, size_t n)
{
	snprintf(path, n, "%s/%s", dir, name);
	snprintf(part, n, "%s/%s.part", dir, name);
}

static void test_commit(void **state)
{
	(void)state;
	char path[256], part[256];
	paths("a.txt", path, part, sizeof(path));
	struct afile a;
	struct berr err = {0};
	assert_int_equal(afile_open(&a, path, 4096, &err), 0);
	fputs("hello\n", a.f);
	fflush(a.f);
	assert_true(exists(part));
	assert_false(exists(path)); /* nothing under the final name before commit */
	assert_int_equal(afile_commit(&a, &err), 0);
	assert_null(a.f);
	assert_false(exists(part));
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char got[16] = {0};
	assert_non_null(fgets(got, sizeof(got), f));
	fclose(f);
	assert_string_equal(got, "hello\n");
}

static void test_write_error(void **state)
{
	(void)state;
	char path[256], part[256];
	paths("big.txt", path, part, sizeof(path));
	struct rlimit old, small;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = (struct rlimit){4096, old.rlim_max}; /* the soft limit alone: raised back after */
	signal(SIGXFSZ, SIG_IGN);		     /* the write then fails with EFBIG */
	struct afile a;
	struct berr err = {0};
	assert_int_equal(afile_open(&a, path, 0, &err), 0);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	for (int i = 0; i < 1000; i++)
		fputs("0123456789abcdef\n", a.f);
	int rc = afile_commit(&a, &err);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err.msg, part));
	assert_false(exists(path));
	assert_true(exists(part)); /* what was written, for a look */
	unlink(part);
}

static void test_abandon_discard(void **state)
{
	(void)state;
	char path[256], part[256];
	paths("c.txt", path, part, sizeof(path));
	struct afile a;
	struct berr err = {0};
	assert_int_equal(afile_open(&a, path, 0, &err), 0);
	afile_abandon(&a);
	afile_abandon(&a); /* twice is harmless */
	assert_true(exists(part));
	assert_false(exists(path));
	assert_int_equal(afile_open(&a, path, 0, &err), 0);
	afile_discard(&a);
	afile_discard(&a);
	assert_false(exists(part));
	assert_false(exists(path));
	/* a directory that does not exist: the .part path and ENOENT */
	paths("no/such/x", path, part, sizeof(path));
	assert_int_equal(afile_open(&a, path, 0, &err), -1);
	assert_int_equal(err.errnum, ENOENT);
	assert_non_null(strstr(err.msg, part));
	afile_abandon(&a);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_commit),
	    cmocka_unit_test(test_write_error),
	    cmocka_unit_test(test_abandon_discard),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
