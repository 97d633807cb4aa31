/* test_record.c - atomic CSV files, samples and summary rows against golden
 * files, and summary_read (record.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csvread.h"
#include "gate.h"
#include "record.h"

static char tmpdir[] = "/tmp/brink-test-record-XXXXXX";

/* A path inside tmpdir (static buffer per call site is not needed: callers
 * copy). */
static void tmp_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

/* Whole file into a malloc'd string (NULL if it cannot be read). */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(f);
	fclose(m);
	return buf;
}

static char *golden(const char *name)
{
	const char *dir = getenv("BRINK_GOLDEN_DIR");
	char path[4096];
	if (!dir)
		fail_msg("BRINK_GOLDEN_DIR is not set (run through ctest)");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	char *s = slurp(path);
	if (!s)
		fail_msg("cannot read golden file %s: %s", path, strerror(errno));
	return s;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* The rows of tests/golden/summary_rows.csv, field by field. */
static size_t golden_results(struct run_result *r)
{
	run_result_init(&r[0]);
	strcpy(r[0].scenario, "fd-open-c-leaky");
	r[0].rep = 1;
	r[0].outcome = OUT_EXITED;
	r[0].exit_code = 3;
	r[0].duration_s = 2.5;
	r[0].peak_rss_bytes = 1892352;
	r[0].peak_mem_bytes = 2211840;
	r[0].peak_fds = 1024;
	r[0].peak_threads = 1;
	r[0].fd_limit = 1024;
	r[0].fd_baseline = 3;
	r[0].fd_exhausted = true;
	r[0].mem_limit_bytes = 67108864;
	r[0].oom_kills = 0;
	r[0].pids_limit = 64;
	r[0].pids_limit_hits = 0;
	r[0].limit_hit = BP_NOFILE;
	r[0].limit_method = METH_EXIT_STOP;
	strcpy(r[0].cause, "exited with status 3");
	r[0].leak = LEAK_YES;
	strcpy(r[0].leak_metrics, "fds");
	r[0].rss_slope_bytes_per_s = 1234.5678;
	r[0].fd_slope_per_s = 401.25;
	r[0].thread_slope_per_s = 0;
	r[0].samples = 250;
	r[0].missed_samples = 0;
	strcpy(r[0].first_failure_syscall, "openat");
	strcpy(r[0].first_failure_errno, "EMFILE");
	r[0].first_failure_s = 1.274;
	r[0].first_failure_pid = 4711;
	r[0].emfile_count = 3;
	r[0].enfile_count = 0;
	r[0].eagain_fork_count = 0;
	r[0].enomem_count = 0;

	run_result_init(&r[1]);
	strcpy(r[1].scenario, "goroutine-go-leaky");
	r[1].rep = 2;
	r[1].outcome = OUT_OOM_KILLED;
	r[1].signal = 9;
	r[1].duration_s = 7.0123456;
	r[1].peak_rss_bytes = 268435456;
	r[1].peak_mem_bytes = 268431360;
	r[1].peak_fds = 7;
	r[1].peak_threads = 9;
	r[1].fd_limit = 4096;
	r[1].fd_baseline = 3;
	r[1].mem_limit_bytes = 268435456;
	r[1].oom_kills = 1;
	r[1].oom_onset_s = 6.75;
	r[1].limit_hit = BP_MEMORY;
	r[1].limit_method = METH_KERNEL_COUNTER;
	strcpy(r[1].cause, "SIGKILL from the OOM killer: it chose the main process pid 7 "
			   "(go) (kernel-log)");
	r[1].leak = LEAK_YES;
	strcpy(r[1].leak_metrics, "rss;mem");
	r[1].mem_slope_bytes_per_s = 36000000.5;
	r[1].rss_slope_bytes_per_s = 36700160.4;
	r[1].fd_slope_per_s = -0.0002; /* rounds to zero: "0.000", not "-0.000" */
	r[1].samples = 701;
	r[1].missed_samples = 3;
	r[1].unavailable = UNAV_PIDS | UNAV_EXIT_STOP;
	strcpy(r[1].expect_failure, "expected breaks=pids, got memory; said \"ok\"");
	r[1].ready_s = 0.25;
	strcpy(r[1].load_status, "failed");
	r[1].load_exit_code = 1;
	r[1].load_duration_s = 6.5;
	r[1].go_heap_live_bytes = 62914560;
	r[1].gc_count = 12;
	r[1].go_heap_slope_bytes_per_s = 9437184.25;
	r[1].goroutines = 150004;
	strcpy(r[1].goroutines_top, "150000 [sleep] main.main.func1 at main.go:38");

	run_result_init(&r[2]);
	strcpy(r[2].scenario, "missing");
	r[2].rep = 1;
	r[2].outcome = OUT_EXEC_FAILED;
	r[2].leak = LEAK_NONE;
	strcpy(r[2].leak_reason,
	       "too short for a trend: 0 samples after the 500 ms warm-up (8 needed)");
	r[2].duration_s = 0;
	r[2].samples = 0;
	r[2].missed_samples = 0;
	r[2].unavailable = UNAV_MEM | UNAV_OOM | UNAV_PIDS | UNAV_CGROUP_PROCS | UNAV_EXIT_STOP |
			   UNAV_CPU_LIMIT | UNAV_OOM_VICTIM | UNAV_SYSCALLS;
	strcpy(r[2].exec_error,
	       "cannot execute ./prog, tried $PATH: No such file or directory (ENOENT)");
	return 3;
}

/* ---- result.c names ---------------------------------------------------- */

static void test_result_names(void **state)
{
	(void)state;
	const char *names[] = {"exited",      "signaled",    "oom-killed", "timeout",
			       "exec-failed", "interrupted", "stopped",	   "not-ready"};
	for (int i = 0; i < OUT__COUNT; i++) {
		assert_string_equal(outcome_name((enum outcome)i), names[i]);
		assert_int_equal(outcome_from_name(names[i]), i);
	}
	assert_string_equal(outcome_name(OUT__COUNT), "unknown");
	assert_int_equal(outcome_from_name("oom"), -1);

	char buf[64];
	unavail_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "");
	unavail_format(UNAV_MEM | UNAV_CPU_LIMIT, buf, sizeof(buf));
	assert_string_equal(buf, "mem;cpus");
	unavail_format(UNAV_OOM | UNAV_CGROUP_PROCS | UNAV_EXIT_STOP, buf, sizeof(buf));
	assert_string_equal(buf, "oom;procs;exit-state");
	unavail_format(0x3f, buf, 9); /* room for "mem;oom" only: whole names */
	assert_string_equal(buf, "mem;oom");

	unsigned m = 99;
	assert_int_equal(unavail_parse("", &m), 0);
	assert_int_equal(m, 0);
	assert_int_equal(unavail_parse("exit-state;mem", &m), 0);
	assert_int_equal(m, UNAV_EXIT_STOP | UNAV_MEM);
	const char *bad[] = {"disk", "mem;", ";mem", "mem;;oom", "mem;mem", "MEM"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (unavail_parse(bad[i], &m) != -1)
			fail_msg("unavail_parse accepted \"%s\"", bad[i]);

	struct run_result r;
	memset(&r, 0x5a, sizeof(r));
	run_result_init(&r);
	assert_int_equal(r.exit_code, RES_NONE);
	assert_int_equal(r.peak_fds, RES_NONE);
	assert_int_equal(r.samples, 0);
	assert_int_equal(r.missed_samples, 0);
	assert_true(r.oom_onset_s < 0);
	assert_true(isnan(r.fd_slope_per_s));
	assert_string_equal(r.scenario, "");
	assert_string_equal(r.exec_error, "");
	assert_int_equal(r.leak, LEAK_NO);
	assert_false(r.fd_exhausted);
	assert_int_equal(r.unavailable, 0);
}

/* ---- csv_put_str ------------------------------------------------------- */

static void test_csv_put_str(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	const char *in[] = {"plain", "", "a,b", "say \"hi\"", "two\nlines", "cr\r"};
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		csv_put_str(m, in[i]);
		fputc('|', m);
	}
	fclose(m);
	assert_string_equal(buf, "plain||\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|\"cr\r\"|");
	free(buf);
}

/* ---- samples.csv ------------------------------------------------------- */

static const struct sample golden_samples[] = {
    {0, 1892352, 2211840, 4, 1, 1, 0, 4, -1, 0, 0},
    /* 10000.499 us rounds down; 1.5 us of CPU rounds half up */
    {10000499, 2000000, -1, 5, 2, 1, 1500, 5, -1, 0, 0},
    {3600123456789, -1, -1, -1, -1, 0, -1, -1, -1, 0, 0},
    /* rounding carries into the seconds; INT64_MAX fits */
    {999999999999, INT64_MAX, 0, 20000, 32768, 7, 59999999500, 20000, -1, 0, 0},
};

static void test_samples_golden(void **state)
{
	(void)state;
	char path[512];
	tmp_path(path, sizeof(path), "samples.csv");
	struct csv c;
	struct berr err = {0};
	assert_int_equal(csv_open(&c, path, samples_header, &err), 0);
	for (size_t i = 0; i < sizeof(golden_samples) / sizeof(golden_samples[0]); i++)
		samples_put_row(c.f, &golden_samples[i]);
	assert_int_equal(csv_commit(&c, &err), 0);
	char *got = slurp(path);
	char *want = golden("samples.csv");
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
	free(want);
	unlink(path);
}

/* The same row through fprintf("%.6f") of a double: the obvious way, used as
 * the reference for correctness and speed. */
static void samples_put_row_printf(FILE *f, const struct sample *s)
{
	if (s->t_ns >= 0)
		fprintf(f, "%.6f", (double)s->t_ns / 1e9);
	fputc(',', f);
	const int64_t v[] = {s->rss_bytes, s->mem_bytes, s->fds, s->threads, s->procs};
	for (int i = 0; i < 5; i++) {
		if (v[i] >= 0)
			fprintf(f, "%" PRId64, v[i]);
		fputc(',', f);
	}
	if (s->cpu_ns >= 0)
		fprintf(f, "%.6f", (double)s->cpu_ns / 1e9);
	fputc('\n', f);
}

static uint64_t rng = 0x1234567;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void random_sample(struct sample *s)
{
	/* avoid exact half microseconds, where %.6f of a double may round either
	 * way */
	do
		s->t_ns = (int64_t)(rnd() % 100000000000000ull); /* up to ~28 h */
	while (s->t_ns % 1000 == 500);
	do
		s->cpu_ns = (int64_t)(rnd() % 10000000000000ull);
	while (s->cpu_ns % 1000 == 500);
	s->rss_bytes = (int64_t)(rnd() % (1ull << (rnd() % 63)));
	s->mem_bytes = rnd() % 4 ? (int64_t)(rnd() >> 20) : -1;
	s->fds = (int64_t)(rnd() % 20001);
	s->threads = (int64_t)(rnd() % 100000);
	s->procs = (int64_t)(rnd() % 10);
	if (rnd() % 8 == 0)
		s->fds = -1;
	s->max_fds = s->fds;
}

static void test_samples_match_printf(void **state)
{
	(void)state;
	char *a = NULL, *b = NULL;
	size_t la = 0, lb = 0;
	FILE *fa = open_memstream(&a, &la), *fb = open_memstream(&b, &lb);
	for (int i = 0; i < 100000; i++) {
		struct sample s;
		random_sample(&s);
		samples_put_row(fa, &s);
		samples_put_row_printf(fb, &s);
	}
	fclose(fa);
	fclose(fb);
	assert_int_equal(la, lb);
	assert_true(memcmp(a, b, la) == 0);
	free(a);
	free(b);
}

/* ---- summary.csv ------------------------------------------------------- */

static void test_summary_header_golden(void **state)
{
	(void)state;
	char *want = golden("summary_header.csv");
	char *got = NULL;
	assert_int_equal(asprintf(&got, "%s\n", summary_header) > 0, 1);
	assert_string_equal(got, want);
	free(got);

	/* 51 columns (a row's field count is checked by the rows golden) */
	size_t commas = 0;
	for (const char *p = summary_header; *p; p++)
		commas += *p == ',';
	assert_int_equal(commas + 1, 51);
	free(want);
}

static void test_summary_rows_golden(void **state)
{
	(void)state;
	struct run_result r[3];
	size_t n = golden_results(r);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	for (size_t i = 0; i < n; i++)
		summary_put_row(m, &r[i]);
	fclose(m);
	char *want = golden("summary_rows.csv");
	assert_string_equal(buf, want);
	free(buf);
	free(want);
}

/* The row description's accessors agree with the writer: a column is empty
 * (summary_col_empty) exactly where its CSV field is, and a number
 * (summary_col_number) is the field's value; on the golden rows and on a row
 * that measured nothing. */
static void test_summary_col_accessors(void **state)
{
	(void)state;
	struct run_result r[4];
	size_t n = golden_results(r);
	run_result_init(&r[n]);
	strcpy(r[n].scenario, "nothing");
	r[n].rep = 1;
	n++;
	char path[256];
	tmp_path(path, sizeof(path), "accessors.csv");
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", summary_header);
	for (size_t i = 0; i < n; i++)
		summary_put_row(f, &r[i]);
	fclose(f);
	struct csv_reader rd;
	struct berr err;
	assert_int_equal(csvr_open(&rd, path, &err), 0);
	assert_int_equal(rd.nheader, SUMMARY_N_COLS);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(csvr_next(&rd, &err), 1);
		for (int c = 0; c < SUMMARY_N_COLS; c++) {
			const char *fld = rd.field[c];
			assert_string_equal(rd.header[c], summary_cols[c].name);
			assert_int_equal(summary_col_find(summary_cols[c].name), c);
			if (summary_col_empty(&r[i], c) != (fld[0] == '\0'))
				fail_msg("row %zu column %s: field \"%s\", empty %d", i,
					 summary_cols[c].name, fld, summary_col_empty(&r[i], c));
			const char *no, *yes;
			double v = summary_col_number(&r[i], c);
			if (summary_col_json(c, &no, &yes) != CJ_NUMBER || !fld[0])
				continue;
			if (fabs(v - strtod(fld, NULL)) > 0.0005 * fmax(1, fabs(v)))
				fail_msg("row %zu column %s: field %s, number %g", i,
					 summary_cols[c].name, fld, v);
		}
	}
	assert_int_equal(csvr_next(&rd, &err), 0);
	csvr_close(&rd);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(summary_col_find("no_such_column"), -1);
	for (int c = 0; c < SUMMARY_N_COLS; c++)
		assert_true(summary_cols[c].help && summary_cols[c].help[0]);
}

/* compare's metrics, from the row description: numbered without a gap, each
 * reading a column; the numbers named after their column. */
static void test_gate_metrics(void **state)
{
	(void)state;
	size_t breaks = 0, verdicts = 0, failures = 0;
	for (size_t m = 0; m < GATE_N_METRICS; m++) {
		const struct metric *g = &gate_metrics[m];
		assert_non_null(g->name);
		assert_true(g->col >= 0 && g->col < SUMMARY_N_COLS);
		assert_int_equal(gate_metric_find(g->name, strlen(g->name)), (int)m);
		if (g->kind == MK_NUMBER)
			assert_string_equal(g->name, summary_cols[g->col].name);
		breaks += g->kind == MK_BREAK;
		verdicts += g->kind == MK_VERDICT;
		failures += g->kind == MK_FAILURE;
	}
	assert_int_equal(breaks, 1);
	assert_int_equal(verdicts, 1);
	assert_int_equal(failures, 1);
	assert_string_equal(gate_metrics[0].name, "peak_rss_bytes");
	assert_string_equal(gate_metrics[GATE_N_METRICS - 2].name, "leak");
	assert_string_equal(gate_metrics[GATE_N_METRICS - 1].name, "first_failure");
	assert_string_equal(summary_cols[gate_metrics[GATE_N_METRICS - 1].col].name,
			    "first_failure_errno");
}

/* Every column the writer knows, read back by name: the header and the reader
 * agree on all of them. */
static void assert_same_result(const struct run_result *a, const struct run_result *b)
{
	assert_string_equal(a->scenario, b->scenario);
	assert_int_equal(a->rep, b->rep);
	assert_int_equal(a->outcome, b->outcome);
	assert_int_equal(a->exit_code, b->exit_code);
	assert_int_equal(a->signal, b->signal);
	assert_true(fabs(a->duration_s - b->duration_s) <= 5e-7);
	assert_int_equal(a->peak_rss_bytes, b->peak_rss_bytes);
	assert_int_equal(a->peak_mem_bytes, b->peak_mem_bytes);
	assert_int_equal(a->peak_fds, b->peak_fds);
	assert_int_equal(a->peak_threads, b->peak_threads);
	assert_int_equal(a->fd_limit, b->fd_limit);
	assert_int_equal(a->fd_baseline, b->fd_baseline);
	assert_int_equal(a->fd_exhausted, b->fd_exhausted);
	assert_int_equal(a->mem_limit_bytes, b->mem_limit_bytes);
	assert_int_equal(a->oom_kills, b->oom_kills);
	if (a->oom_onset_s < 0)
		assert_true(b->oom_onset_s < 0);
	else
		assert_true(fabs(a->oom_onset_s - b->oom_onset_s) <= 5e-7);
	assert_int_equal(a->pids_limit, b->pids_limit);
	assert_int_equal(a->pids_limit_hits, b->pids_limit_hits);
	assert_int_equal(a->limit_hit, b->limit_hit);
	assert_int_equal(a->limit_method, b->limit_method);
	assert_string_equal(a->cause, b->cause);
	assert_string_equal(a->leak_reason, b->leak_reason);
	assert_int_equal(a->leak, b->leak);
	assert_string_equal(a->leak_metrics, b->leak_metrics);
	const double sa[] = {a->rss_slope_bytes_per_s, a->fd_slope_per_s, a->thread_slope_per_s};
	const double sb[] = {b->rss_slope_bytes_per_s, b->fd_slope_per_s, b->thread_slope_per_s};
	for (int i = 0; i < 3; i++) {
		if (isnan(sa[i]))
			assert_true(isnan(sb[i]));
		else
			assert_true(fabs(sa[i] - sb[i]) <= 5e-4);
	}
	assert_int_equal(a->samples, b->samples);
	assert_int_equal(a->missed_samples, b->missed_samples);
	assert_int_equal(a->unavailable, b->unavailable);
	assert_string_equal(a->expect_failure, b->expect_failure);
	assert_string_equal(a->exec_error, b->exec_error);
	assert_true(fabs(a->ready_s - b->ready_s) <= 5e-7);
	assert_string_equal(a->load_status, b->load_status);
	assert_int_equal(a->load_exit_code, b->load_exit_code);
	assert_true(fabs(a->load_duration_s - b->load_duration_s) <= 5e-7);
	assert_int_equal(a->go_heap_live_bytes, b->go_heap_live_bytes);
	assert_int_equal(a->gc_count, b->gc_count);
	if (isnan(a->go_heap_slope_bytes_per_s))
		assert_true(isnan(b->go_heap_slope_bytes_per_s));
	else
		assert_true(fabs(a->go_heap_slope_bytes_per_s - b->go_heap_slope_bytes_per_s) <=
			    5e-4);
	assert_int_equal(a->goroutines, b->goroutines);
	assert_string_equal(a->goroutines_top, b->goroutines_top);
}

static void test_summary_roundtrip(void **state)
{
	(void)state;
	struct run_result r[5];
	size_t n = golden_results(r);
	/* plus one with every list full, a newline in a message and negative
	 * slopes and numbers */
	run_result_init(&r[n]);
	strcpy(r[n].scenario, "x.y_z-1");
	r[n].rep = 12;
	r[n].outcome = OUT_INTERRUPTED;
	r[n].exit_code = 0;
	r[n].signal = 2;
	r[n].duration_s = 123456.789012;
	r[n].peak_rss_bytes = INT64_MAX;
	r[n].fd_limit = 20000;
	r[n].pids_limit = -2;
	strcpy(r[n].leak_metrics, "rss;fds;threads");
	r[n].rss_slope_bytes_per_s = -4096.125;
	r[n].fd_slope_per_s = 3.5;
	r[n].thread_slope_per_s = -1;
	strcpy(r[n].expect_failure, "line one\nline two, \"quoted\"");
	strcpy(r[n].exec_error, ",");
	n++;

	char path[512];
	tmp_path(path, sizeof(path), "summary.csv");
	char part[520];
	snprintf(part, sizeof(part), "%s.part", path);
	struct csv c;
	struct berr err = {0};
	assert_int_equal(csv_open(&c, path, summary_header, &err), 0);
	for (size_t i = 0; i < n; i++)
		summary_put_row(c.f, &r[i]);
	assert_true(exists(part));
	assert_false(exists(path)); /* nothing under the final name until commit */
	assert_int_equal(csv_commit(&c, &err), 0);
	assert_false(exists(part));
	assert_true(exists(path));
	assert_null(c.f);

	struct run_result *rows = NULL;
	size_t nrows = 0;
	if (summary_read(path, &rows, &nrows, &err) != 0)
		fail_msg("summary_read: %s", err.msg);
	assert_int_equal(nrows, n);
	for (size_t i = 0; i < n; i++)
		assert_same_result(&r[i], &rows[i]);
	free(rows);

	/* the golden rows read back as the structs they were written from */
	char *hdr = golden("summary_header.csv"), *body = golden("summary_rows.csv");
	char *both = NULL;
	assert_true(asprintf(&both, "%s%s", hdr, body) > 0);
	write_file(path, both);
	assert_int_equal(summary_read(path, &rows, &nrows, &err), 0);
	assert_int_equal(nrows, 3);
	for (size_t i = 0; i < 3; i++)
		assert_same_result(&r[i], &rows[i]);
	free(rows);
	free(hdr);
	free(body);
	free(both);
	unlink(path);
}

static void test_summary_read_by_name(void **state)
{
	(void)state;
	char path[512];
	tmp_path(path, sizeof(path), "byname.csv");
	/* reordered, an unknown column, only the required ones plus two, CRLF
	 * line ends and no newline at the end */
	write_file(path, "leak,future_column,rep,peak_fds,limit_hit,outcome,scenario,"
			 "fd_slope_per_s\r\n"
			 "yes,whatever,3,1024,nofile,exited,fd-open,12.5\r\n"
			 "no,\"a,b\",1,,,timeout,\"quoted name\",");
	struct run_result *rows = NULL;
	size_t n = 0;
	struct berr err = {0};
	if (summary_read(path, &rows, &n, &err) != 0)
		fail_msg("summary_read: %s", err.msg);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].scenario, "fd-open");
	assert_int_equal(rows[0].rep, 3);
	assert_int_equal(rows[0].outcome, OUT_EXITED);
	assert_int_equal(rows[0].peak_fds, 1024);
	assert_int_equal(rows[0].limit_hit, BP_NOFILE);
	assert_int_equal(rows[0].leak, LEAK_YES);
	assert_true(rows[0].fd_slope_per_s == 12.5);
	/* columns not in the file keep run_result_init's values */
	assert_int_equal(rows[0].peak_rss_bytes, RES_NONE);
	assert_true(isnan(rows[0].rss_slope_bytes_per_s));
	assert_string_equal(rows[1].scenario, "quoted name");
	assert_int_equal(rows[1].outcome, OUT_TIMEOUT);
	assert_int_equal(rows[1].peak_fds, RES_NONE);
	assert_int_equal(rows[1].limit_hit, BP_NONE);
	assert_int_equal(rows[1].leak, LEAK_NO);
	assert_true(isnan(rows[1].fd_slope_per_s));
	free(rows);

	/* a header alone: no rows, no allocation */
	write_file(path, summary_header);
	rows = (struct run_result *)&err; /* must be overwritten */
	assert_int_equal(summary_read(path, &rows, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_null(rows);
	unlink(path);
}

static void test_summary_read_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		const char *msg; /* after "PATH" */
	} cases[] = {
	    {"", ": empty file, expected the summary header"},
	    {"scenario,rep,outcome,limit_hit\nx,1,exited,\n", ": missing column leak"},
	    {"rep,outcome,limit_hit,leak\n", ": missing column scenario"},
	    {"scenario,rep,outcome,limit_hit,leak,rep\n", ":1: column rep appears twice"},
	    {"scenario,rep,outcome,limit_hit,leak,peak_fds\n"
	     "a,1,exited,,no,12\n"
	     "a,2,exited,,no,12x\n",
	     ":3: column peak_fds: expected an integer or an empty field, not \"12x\""},
	    {"scenario,rep,outcome,limit_hit,leak,peak_fds\na,1,exited,,no, 12\n",
	     ":2: column peak_fds: expected an integer or an empty field, not \" 12\""},
	    {"scenario,rep,outcome,limit_hit,leak,peak_fds\na,1,exited,,no,99999999999999999999\n",
	     ":2: column peak_fds: integer out of range, not \"99999999999999999999\""},
	    {"scenario,rep,outcome,limit_hit,leak,rep2\na,1,exited,,no\n",
	     ":2: 5 fields, the header has 6"},
	    {"scenario,rep,outcome,limit_hit,leak\na,1,exited,,no\n\n",
	     ":3: 1 fields, the header has 5"},
	    {"scenario,rep,outcome,limit_hit,leak\na,1,died,,no\n",
	     ":2: column outcome: expected exited, signaled, oom-killed, timeout, "
	     "exec-failed or interrupted, not \"died\""},
	    {"scenario,rep,outcome,limit_hit,leak\na,1,exited,,maybe\n",
	     ":2: column leak: expected yes, no or an empty field, not \"maybe\""},
	    {"scenario,rep,outcome,limit_hit,leak,duration_s\na,1,exited,,no,nan\n",
	     ":2: column duration_s: expected a decimal number or an empty field, not \"nan\""},
	    {"scenario,rep,outcome,limit_hit,leak,duration_s\na,1,exited,,no,-3\n",
	     ":2: column duration_s: expected seconds >= 0 or an empty field, not \"-3\""},
	    {"scenario,rep,outcome,limit_hit,leak\na,0,exited,,no\n",
	     ":2: column rep: expected a repetition number >= 1"},
	    {"scenario,rep,outcome,limit_hit,leak\n,1,exited,,no\n",
	     ":2: column scenario: expected a scenario name"},
	    {"scenario,rep,outcome,limit_hit,leak\n\"a,1,exited,,no\n",
	     ":2: unterminated quoted field"},
	    {"scenario,rep,outcome,limit_hit,leak\n\"a\"b,1,exited,,no\n",
	     ":2: text after the closing quote of a field"},
	    {"scenario,rep,outcome,limit_hit,leak\na\"b,1,exited,,no\n",
	     ":2: quote inside an unquoted field"},
	    {"scenario,rep,outcome,limit_hit,leak,unavailable\na,1,exited,,no,mem;disk\n",
	     ":2: column unavailable: expected a ';'-separated list of mem, oom, pids, procs, "
	     "exit-state, cpus, oom-victim, not \"mem;disk\""},
	    /* a multi-line quoted field: the error names the line of the
	     * record after it */
	    {"scenario,rep,outcome,limit_hit,leak,exec_error\n"
	     "a,1,exited,,no,\"two\nlines\"\n"
	     "a,x,exited,,no,\n",
	     ":4: column rep: expected an integer or an empty field, not \"x\""},
	};
	char path[512];
	tmp_path(path, sizeof(path), "bad.csv");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_file(path, cases[i].text);
		struct run_result *rows = (struct run_result *)&i;
		size_t n = 99;
		struct berr err = {0};
		if (summary_read(path, &rows, &n, &err) != -1)
			fail_msg("case %zu: summary_read accepted bad input", i);
		assert_null(rows);
		assert_int_equal(n, 0);
		char want[1024];
		snprintf(want, sizeof(want), "%s%s", path, cases[i].msg);
		if (strcmp(err.msg, want) != 0)
			fail_msg("case %zu:\n got  %s\n want %s", i, err.msg, want);
	}
	unlink(path);

	/* a file that is not there: the path and the errno */
	struct run_result *rows;
	size_t n;
	struct berr err = {0};
	assert_int_equal(summary_read(path, &rows, &n, &err), -1);
	assert_int_equal(err.errnum, ENOENT);
	assert_non_null(strstr(err.msg, path));
	assert_non_null(strstr(err.msg, "(ENOENT)"));
}

/* ---- csv_open / csv_commit failures ------------------------------------ */

static void test_csv_failures(void **state)
{
	(void)state;
	struct csv c;
	struct berr err = {0};
	char path[512], want[2048];

	/* a directory that does not exist: the .part path and ENOENT */
	tmp_path(path, sizeof(path), "no/such/dir/x.csv");
	assert_int_equal(csv_open(&c, path, samples_header, &err), -1);
	assert_null(c.f);
	snprintf(want, sizeof(want), "cannot create %s.part: ", path);
	assert_true(strncmp(err.msg, want, strlen(want)) == 0);
	assert_int_equal(err.errnum, ENOENT);
	csv_abandon(&c); /* harmless after a failed open */

	/* the final name is a non-empty directory: rename fails, the .part file
	 * stays and the message names both */
	tmp_path(path, sizeof(path), "taken");
	assert_int_equal(mkdir(path, 0755), 0);
	char inner[600], part[600];
	snprintf(inner, sizeof(inner), "%s/file", path);
	write_file(inner, "x");
	snprintf(part, sizeof(part), "%s.part", path);
	assert_int_equal(csv_open(&c, path, samples_header, &err), 0);
	assert_int_equal(csv_commit(&c, &err), -1);
	snprintf(want, sizeof(want), "cannot rename %s to %s: ", part, path);
	if (strncmp(err.msg, want, strlen(want)) != 0)
		fail_msg("got %s", err.msg);
	assert_true(exists(part));
	assert_null(c.f);
	unlink(inner);
	rmdir(path);

	/* abandon keeps the .part file, with what was written so far */
	unlink(part);
	assert_int_equal(csv_open(&c, path, "a,b", &err), 0);
	fputs("1,2\n", c.f);
	csv_abandon(&c);
	csv_abandon(&c); /* twice is fine */
	assert_false(exists(path));
	char *got = slurp(part);
	assert_non_null(got);
	assert_string_equal(got, "a,b\n1,2\n");
	free(got);
	unlink(part);

	/* committing what is not open is an error, not a crash */
	assert_int_equal(csv_commit(&c, &err), -1);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return rmdir(tmpdir); /* every test removes its files: fails if one did not */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_result_names),
	    cmocka_unit_test(test_csv_put_str),
	    cmocka_unit_test(test_samples_golden),
	    cmocka_unit_test(test_samples_match_printf),
	    cmocka_unit_test(test_summary_header_golden),
	    cmocka_unit_test(test_summary_rows_golden),
	    cmocka_unit_test(test_summary_col_accessors),
	    cmocka_unit_test(test_gate_metrics),
	    cmocka_unit_test(test_summary_roundtrip),
	    cmocka_unit_test(test_summary_read_by_name),
	    cmocka_unit_test(test_summary_read_errors),
	    cmocka_unit_test(test_csv_failures),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
