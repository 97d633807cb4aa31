/* test_compare.c - `brink compare` on result directories built here with the
 * real summary writer: exit status, the regressed metrics it names, the
 * Mann-Whitney decision with repetitions, the threshold alone with one, the
 * always-regressions (leak verdict, breaking point), per-metric options and
 * bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "record.h"
#include "result.h"
#include "stats.h"

static char tmpdir[] = "/tmp/brink-test-compare-XXXXXX";
static char out[65536]; /* stdout of the last compare() */

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

/* A plain run that measured everything, no leak, no limit hit. */
static struct run_result run(const char *scenario, int rep)
{
	struct run_result r;
	run_result_init(&r);
	snprintf(r.scenario, sizeof(r.scenario), "%s", scenario);
	r.rep = rep;
	r.outcome = OUT_EXITED;
	r.exit_code = 0;
	r.duration_s = 2.0;
	r.peak_rss_bytes = 10 << 20;
	r.peak_mem_bytes = 11 << 20;
	r.peak_fds = 10;
	r.peak_threads = 4;
	r.fd_limit = 1024;
	r.rss_slope_bytes_per_s = 0;
	r.fd_slope_per_s = 0;
	r.thread_slope_per_s = 0;
	r.samples = 200;
	return r;
}

/* Write <tmpdir>/<name>/summary.csv from rows; returns the directory. */
static const char *result_dir(const char *name, const struct run_result *rows, size_t n)
{
	static char dirs[8][512];
	static int next;
	char *dir = dirs[next++ % 8];
	snprintf(dir, 512, "%s/%s", tmpdir, name);
	mkdir(dir, 0755);
	char path[600];
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", summary_header);
	for (size_t i = 0; i < n; i++)
		summary_put_row(f, &rows[i]);
	fclose(f);
	return dir;
}

/* Run cmd_compare with args (NULL-terminated); stdout into `out`. */
static int compare(const char *first, ...)
{
	char *argv[32] = {"compare"};
	int argc = 1;
	va_list ap;
	va_start(ap, first);
	for (const char *a = first; a && argc < 31; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;

	char path[600];
	snprintf(path, sizeof(path), "%s/stdout", tmpdir);
	fflush(stdout);
	int saved = dup(1);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 1);
	close(fd);
	int rc = cmd_compare(argc, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);

	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	fclose(f);
	return rc;
}

/* The "Regressed: ..." line of the output, or "" */
static const char *regressed_line(void)
{
	static char line[4096];
	const char *p = strstr(out, "Regressed:");
	line[0] = '\0';
	if (p)
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
	return line;
}

static void test_self_is_no_regression(void **state)
{
	(void)state;
	struct run_result rows[6];
	for (int i = 0; i < 3; i++) {
		rows[i] = run("a", i + 1);
		rows[3 + i] = run("b", i + 1);
		rows[3 + i].leak = LEAK_YES; /* a leak on both sides is not a regression */
		rows[3 + i].limit_hit = BP_NOFILE;
	}
	const char *d = result_dir("self", rows, 6);
	assert_int_equal(compare(d, d, NULL), EXIT_MEASURED);
	assert_non_null(strstr(out, "No regression in 2 scenarios"));
	assert_string_equal(regressed_line(), "");
}

/* Five repetitions a side, fds doubled with no overlap: the exact two-sided
 * p is 2/C(10,5) = 0.0079 < 0.05 and +100% > 10%. */
static void test_significant_increase(void **state)
{
	(void)state;
	struct run_result b[5], n[5];
	for (int i = 0; i < 5; i++) {
		b[i] = run("svc", i + 1);
		n[i] = run("svc", i + 1);
		b[i].peak_fds = 100 + i;
		n[i].peak_fds = 200 + i;
	}
	const char *db = result_dir("sig-base", b, 5), *dn = result_dir("sig-new", n, 5);
	assert_int_equal(compare(db, dn, NULL), EXIT_FAILED);
	assert_string_equal(regressed_line(), "Regressed: svc: peak_fds");
	assert_int_equal(compare("--format", "csv", db, dn, NULL), EXIT_FAILED);
	assert_non_null(strstr(out, "svc,peak_fds,5,5,102,202,0.980392,0.00793651,mwu-exact,"
				    "REGRESSED,"));
	/* the same numbers the other way round are an improvement */
	assert_int_equal(compare(dn, db, NULL), EXIT_MEASURED);
	assert_non_null(strstr(out, "improved"));
	/* a per-metric threshold above the change takes it out */
	assert_int_equal(compare("--threshold", "peak_fds=150%", db, dn, NULL), EXIT_MEASURED);
	/* so does a per-metric minimum change */
	assert_int_equal(compare("--min-change", "peak_fds=100", db, dn, NULL), EXIT_MEASURED);
	assert_int_equal(compare("--min-change", "peak_fds=99", db, dn, NULL), EXIT_FAILED);
	/* an alpha the test cannot reach with 5 + 5 (p >= 0.0079): the thresholds
	 * alone decide, and the output says so */
	assert_int_equal(compare("--alpha", "0.005", db, dn, NULL), EXIT_FAILED);
	assert_non_null(strstr(out, "threshold only (5 vs 5 reps cannot reach p < 0.005)"));
	assert_non_null(strstr(out, "judged by the thresholds alone"));
}

/* Significant but small: +3% is under the 10% threshold. */
static void test_small_change_is_not_a_regression(void **state)
{
	(void)state;
	struct run_result b[5], n[5];
	for (int i = 0; i < 5; i++) {
		b[i] = run("svc", i + 1);
		n[i] = run("svc", i + 1);
		b[i].peak_fds = 1000 + i;
		n[i].peak_fds = 1030 + i;
	}
	const char *db = result_dir("small-base", b, 5), *dn = result_dir("small-new", n, 5);
	assert_int_equal(compare(db, dn, NULL), EXIT_MEASURED);
	/* ... unless the threshold is lowered for that metric */
	assert_int_equal(compare("--threshold", "peak_fds=2%", db, dn, NULL), EXIT_FAILED);
	assert_string_equal(regressed_line(), "Regressed: svc: peak_fds");
	assert_int_equal(compare("--threshold", "2", db, dn, NULL), EXIT_FAILED);
}

/* A large median change that the test cannot tell from noise: overlapping
 * samples. U of NEW = 17 of 25 pairs; exact p = 0.42. */
static void test_large_but_not_significant(void **state)
{
	(void)state;
	const int64_t bv[5] = {100, 200, 300, 400, 500}, nv[5] = {120, 240, 360, 480, 600};
	struct run_result b[5], n[5];
	for (int i = 0; i < 5; i++) {
		b[i] = run("svc", i + 1);
		n[i] = run("svc", i + 1);
		b[i].peak_fds = bv[i];
		n[i].peak_fds = nv[i];
	}
	double x[5], y[5];
	for (int i = 0; i < 5; i++) {
		x[i] = (double)nv[i];
		y[i] = (double)bv[i];
	}
	struct mwu_result r;
	assert_int_equal(mann_whitney_u(x, 5, y, 5, &r), 0);
	assert_true(r.p > 0.05);
	const char *db = result_dir("ns-base", b, 5), *dn = result_dir("ns-new", n, 5);
	assert_int_equal(compare(db, dn, NULL), EXIT_MEASURED);
	assert_non_null(strstr(out, "rose beyond the threshold, p >= 0.05"));
}

/* One repetition: the threshold alone, said as such. */
static void test_single_rep_threshold_only(void **state)
{
	(void)state;
	struct run_result b = run("one", 1), n = run("one", 1);
	n.peak_rss_bytes = b.peak_rss_bytes * 12 / 10; /* +20%, +2 MiB > 1 MiB floor */
	n.peak_threads = 5;			       /* +25% but within the 2-thread floor */
	const char *db = result_dir("one-base", &b, 1), *dn = result_dir("one-new", &n, 1);
	assert_int_equal(compare(db, dn, NULL), EXIT_FAILED);
	assert_string_equal(regressed_line(), "Regressed: one: peak_rss_bytes");
	assert_non_null(strstr(out, "threshold only (1 rep)"));
}

static void test_verdict_and_breaking_point_always_regress(void **state)
{
	(void)state;
	struct run_result b[2] = {run("x", 1), run("x", 2)}, n[2] = {run("x", 1), run("x", 2)};
	n[1].leak = LEAK_YES; /* one repetition says leak, numbers unchanged */
	const char *db = result_dir("v-base", b, 2), *dn = result_dir("v-new", n, 2);
	assert_int_equal(compare(db, dn, NULL), EXIT_FAILED);
	assert_string_equal(regressed_line(), "Regressed: x: leak");

	/* runs too short for a verdict on one side: no leak found there, so a
	 * leak on the other is still a regression, and none -> none is not */
	b[0].leak = b[1].leak = LEAK_NONE;
	db = result_dir("none-base", b, 2);
	dn = result_dir("none-new", n, 2);
	assert_int_equal(compare(db, dn, NULL), EXIT_FAILED);
	assert_string_equal(regressed_line(), "Regressed: x: leak");
	assert_non_null(strstr(out, "none 2/2"));
	assert_int_equal(compare(db, db, NULL), EXIT_MEASURED);
	b[0].leak = b[1].leak = LEAK_NO;
	db = result_dir("v-base2", b, 2);

	/* a limit hit appears */
	n[1].leak = LEAK_NO;
	n[0].limit_hit = BP_PIDS;
	dn = result_dir("bp-new", n, 2);
	assert_int_equal(compare(db, dn, NULL), EXIT_FAILED);
	assert_string_equal(regressed_line(), "Regressed: x: breaking_point");
	assert_non_null(strstr(out, "pids appears"));

	/* brink's own timeout is not a breaking point */
	n[0].limit_hit = BP_TIMEOUT;
	n[0].outcome = OUT_TIMEOUT;
	dn = result_dir("to-new", n, 2);
	assert_int_equal(compare(db, dn, NULL), EXIT_MEASURED);

	/* a crash is */
	n[0].limit_hit = BP_NONE;
	n[0].outcome = OUT_SIGNALED;
	n[0].signal = 11;
	dn = result_dir("crash-new", n, 2);
	assert_int_equal(compare(db, dn, NULL), EXIT_FAILED);
	assert_string_equal(regressed_line(), "Regressed: x: breaking_point");
}

/* A Go service whose goroutines grow while nothing else does: 11 goroutines
 * in each BASE dump (go-service's idle count), 11 + 40 + i in NEW's, the
 * other columns equal. Four repetitions a side: complete separation gives
 * the exact two-sided p = 2/C(8,4) = 0.029 < 0.05, and +40 is over the floor
 * of 10 and the 10% threshold. */
static void test_goroutines_grow(void **state)
{
	(void)state;
	struct run_result b[4], n[4];
	for (int i = 0; i < 4; i++) {
		b[i] = run("svc", i + 1);
		n[i] = run("svc", i + 1);
		b[i].goroutines = 11;
		n[i].goroutines = 11 + 40 + i;
	}
	const char *db = result_dir("gor-base", b, 4), *dn = result_dir("gor-new", n, 4);
	assert_int_equal(compare(db, dn, NULL), EXIT_FAILED);
	assert_string_equal(regressed_line(), "Regressed: svc: goroutines");
	assert_int_equal(compare("--format", "csv", db, dn, NULL), EXIT_FAILED);
	assert_non_null(strstr(out, "\nsvc,goroutines,4,4,11,52.5,"));
	/* the way back is an improvement */
	assert_int_equal(compare(dn, db, NULL), EXIT_MEASURED);

	/* 11 -> 21: +10 is within the floor of 10 goroutines */
	for (int i = 0; i < 4; i++)
		n[i].goroutines = 21;
	dn = result_dir("gor-floor", n, 4);
	assert_int_equal(compare(db, dn, NULL), EXIT_MEASURED);
	assert_int_equal(compare("--min-change", "goroutines=9", db, dn, NULL), EXIT_FAILED);

	/* a program without a goroutine dump on either side (a C program) has
	 * no goroutines row at all */
	struct run_result c = run("c", 1);
	const char *dc = result_dir("gor-c", &c, 1);
	assert_int_equal(compare("--format", "csv", dc, dc, NULL), EXIT_MEASURED);
	assert_null(strstr(out, "goroutines"));
	assert_non_null(strstr(out, "\nc,peak_fds,"));
}

/* The goroutines column measured in BASE and missing from NEW's summary.csv
 * fails the gate; when BASE has no value there is nothing to miss. */
static void test_goroutines_column_missing(void **state)
{
	(void)state;
	char path[700], line[8192];
	struct run_result b = run("svc", 1);
	b.goroutines = 11;
	const char *db = result_dir("gmc-base", &b, 1);
	struct run_result n = run("svc", 1);
	const char *dn = result_dir("gmc-new", &n, 1);
	/* NEW without its last two columns, goroutines and goroutines_top */
	snprintf(path, sizeof(path), "%s/summary.csv", dn);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	const char *cut = strstr(summary_header, ",goroutines,");
	assert_non_null(cut);
	fprintf(f, "%.*s\n", (int)(cut - summary_header), summary_header);
	FILE *m = fmemopen(line, sizeof(line), "w");
	assert_non_null(m);
	summary_put_row(m, &n);
	fclose(m);
	/* the row's last two fields are empty: ",,\n" */
	size_t len = strlen(line);
	assert_true(len > 3 && strcmp(line + len - 3, ",,\n") == 0);
	fprintf(f, "%.*s\n", (int)(len - 3), line);
	fclose(f);
	assert_int_equal(compare(db, dn, NULL), EXIT_FAILED);
	assert_non_null(strstr(out, "Missing in NEW: svc: column goroutines"));
	b.goroutines = RES_NONE;
	db = result_dir("gmc-base2", &b, 1);
	assert_int_equal(compare(db, dn, NULL), EXIT_MEASURED);
}

/* Scenarios are matched by name; interrupted runs do not count. */
static void test_matching(void **state)
{
	(void)state;
	struct run_result b[3] = {run("a", 1), run("only-base", 1), run("c", 1)};
	struct run_result n[3] = {run("c", 1), run("a", 1), run("only-new", 1)};
	n[1].peak_fds = 50; /* a: 10 -> 50 */
	struct run_result extra = run("c", 2);
	extra.outcome = OUT_INTERRUPTED;
	extra.peak_fds = 9999;
	struct run_result nn[4] = {n[0], n[1], n[2], extra};
	const char *db = result_dir("m-base", b, 3), *dn = result_dir("m-new", nn, 4);
	assert_int_equal(compare(db, dn, NULL), EXIT_FAILED);
	assert_string_equal(regressed_line(), "Regressed: a: peak_fds");
	assert_int_equal(compare("--format", "csv", db, dn, NULL), EXIT_FAILED);
	assert_non_null(strstr(out, "\na,peak_fds,1,1,10,50,4,"));
	/* c's interrupted repetition 2 (9999 fds) is left out */
	assert_non_null(strstr(out, "\nc,peak_fds,1,1,10,10,0,"));
	assert_null(strstr(out, "only-base,"));
	assert_null(strstr(out, "only-new,"));
}

static void test_bad_input(void **state)
{
	(void)state;
	struct run_result a = run("a", 1), z = run("z", 1);
	const char *da = result_dir("bad-a", &a, 1), *dz = result_dir("bad-z", &z, 1);
	char missing[600], empty[600];
	snprintf(missing, sizeof(missing), "%s/does-not-exist", tmpdir);
	snprintf(empty, sizeof(empty), "%s/empty", tmpdir);
	mkdir(empty, 0755);
	assert_int_equal(compare(da, dz, NULL), EXIT_BAD_INPUT); /* nothing in common */
	assert_int_equal(compare(da, missing, NULL), EXIT_BAD_INPUT);
	assert_int_equal(compare(empty, da, NULL), EXIT_BAD_INPUT);
	assert_int_equal(compare(da, NULL), EXIT_BAD_INPUT);
	assert_int_equal(compare("--threshold", "-5%", da, da, NULL), EXIT_BAD_INPUT);
	assert_int_equal(compare("--threshold", "leak=5%", da, da, NULL), EXIT_BAD_INPUT);
	assert_int_equal(compare("--alpha", "1.5", da, da, NULL), EXIT_BAD_INPUT);
	assert_int_equal(compare("--format", "xml", da, da, NULL), EXIT_BAD_INPUT);

	/* a garbled summary.csv */
	char path[700];
	snprintf(path, sizeof(path), "%s/summary.csv", empty);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\na,1,exploded\n", summary_header);
	fclose(f);
	assert_int_equal(compare(da, empty, NULL), EXIT_BAD_INPUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_self_is_no_regression),
	    cmocka_unit_test(test_significant_increase),
	    cmocka_unit_test(test_small_change_is_not_a_regression),
	    cmocka_unit_test(test_large_but_not_significant),
	    cmocka_unit_test(test_single_rep_threshold_only),
	    cmocka_unit_test(test_verdict_and_breaking_point_always_regress),
	    cmocka_unit_test(test_goroutines_grow),
	    cmocka_unit_test(test_goroutines_column_missing),
	    cmocka_unit_test(test_matching),
	    cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
