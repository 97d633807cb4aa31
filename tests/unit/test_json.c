/* test_json.c - summary.json from a summary.csv written by the real summary
 * writer: the same fields in the same order, numbers as numbers, empty fields as
 * null, text escaped; a bad number is an error naming file, line and column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "record.h"
#include "result.h"

static char tmpdir[] = "/tmp/brink-test-json-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_fields(void **state)
{
	(void)state;
	struct run_result r[2];
	run_result_init(&r[0]);
	snprintf(r[0].scenario, sizeof(r[0].scenario), "fd-leaky");
	r[0].rep = 1;
	r[0].outcome = OUT_EXITED;
	r[0].exit_code = 3;
	r[0].duration_s = 1.5;
	r[0].peak_fds = 1024;
	r[0].fd_exhausted = true;
	r[0].leak = LEAK_YES;
	r[0].rss_slope_bytes_per_s = -12.25;
	r[0].limit_hit = BP_NOFILE;
	r[0].limit_method = METH_SAMPLING;
	snprintf(r[0].leak_metrics, sizeof(r[0].leak_metrics), "rss;fds");
	run_result_init(&r[1]);
	snprintf(r[1].scenario, sizeof(r[1].scenario), "x");
	r[1].rep = 2;
	r[1].outcome = OUT_EXEC_FAILED;
	snprintf(r[1].exec_error, sizeof(r[1].exec_error), "no \"such\", file\n\tat\\all");

	char dir[512], path[600];
	snprintf(dir, sizeof(dir), "%s/ok", tmpdir);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", summary_header);
	summary_put_row(f, &r[0]);
	summary_put_row(f, &r[1]);
	fclose(f);

	struct berr err = {0};
	assert_int_equal(summary_write_json(dir, &err), 0);
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	const char *j = slurp(path);
	assert_non_null(j);
	/* the first fields, in CSV order */
	assert_non_null(strstr(j, "[\n  {\"scenario\": \"fd-leaky\", \"rep\": 1, \"outcome\": "
				  "\"exited\", \"exit_code\": 3, \"signal\": null, \"duration_s\": "
				  "1.500000, \"peak_rss_bytes\": null,"));
	assert_non_null(strstr(j, "\"fd_exhausted\": 1,"));
	assert_non_null(strstr(j, "\"limit_hit\": \"nofile\", \"limit_method\": \"sampling\", "
				  "\"cause\": null, \"leak\": \"yes\", \"leak_metrics\": "
				  "\"rss;fds\", \"leak_reason\": null, \"rss_slope_bytes_per_s\": "
				  "-12.250, \"mem_slope_bytes_per_s\": null,"));
	assert_non_null(
	    strstr(j, "\"exec_error\": \"no \\\"such\\\", file\\n\\tat\\\\all\"}\n]\n"));
	assert_non_null(strstr(j, "\"scenario\": \"x\", \"rep\": 2, \"outcome\": \"exec-failed\""));
	/* one object per row, no .part left behind */
	int objects = 0;
	for (const char *p = j; (p = strstr(p, "{\"scenario\"")); p++)
		objects++;
	assert_int_equal(objects, 2);
	snprintf(path, sizeof(path), "%s/summary.json.part", dir);
	assert_int_equal(access(path, F_OK), -1);
}

static void test_no_rows(void **state)
{
	(void)state;
	char dir[512], path[600];
	snprintf(dir, sizeof(dir), "%s/empty", tmpdir);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	write_file(path, "scenario,rep\n");
	struct berr err = {0};
	assert_int_equal(summary_write_json(dir, &err), 0);
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	assert_string_equal(slurp(path), "[]\n");
}

static void test_bad_number(void **state)
{
	(void)state;
	char dir[512], path[600];
	snprintf(dir, sizeof(dir), "%s/bad", tmpdir);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	write_file(path, "scenario,rep,peak_fds\na,1,12\nb,2,lots\n");
	struct berr err = {0};
	assert_int_equal(summary_write_json(dir, &err), -1);
	assert_non_null(strstr(err.msg, "summary.csv:3: column peak_fds: expected a number, not "
					"\"lots\""));
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/summary.json.part", dir);
	assert_int_equal(access(path, F_OK), -1);

	/* a column this version does not know: a number if it reads as one */
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	write_file(path, "scenario,rep,future\na,1,0.5\nb,2,later\n");
	assert_int_equal(summary_write_json(dir, &err), 0);
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	const char *j = slurp(path);
	assert_non_null(strstr(j, "\"future\": 0.5}"));
	assert_non_null(strstr(j, "\"future\": \"later\"}"));
}

static void test_missing(void **state)
{
	(void)state;
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/nothing-here", tmpdir);
	struct berr err = {0};
	assert_int_equal(summary_write_json(dir, &err), -1);
	assert_non_null(strstr(err.msg, "cannot open"));
	assert_non_null(strstr(err.msg, "nothing-here/summary.csv"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fields),
	    cmocka_unit_test(test_no_rows),
	    cmocka_unit_test(test_bad_number),
	    cmocka_unit_test(test_missing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
