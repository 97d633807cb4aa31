/* test_progress.c - live progress: on a pipe one line per finished run and
 * nothing while it runs; on a terminal a status line redrawn in place, at most
 * about ten times a second however often samples arrive. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "progress.h"
#include "result.h"
#include "sample.h"

static void scenario(struct scenario *sc)
{
	scenario_init(sc);
	snprintf(sc->name, sizeof(sc->name), "fd-leaky");
	sc->repetitions = 2;
	sc->lim.v[LIM_NOFILE] = 1024;
	sc->lim.v[LIM_MEMORY] = 64 << 20;
}

static struct run_result result(void)
{
	struct run_result r;
	run_result_init(&r);
	snprintf(r.scenario, sizeof(r.scenario), "fd-leaky");
	r.rep = 1;
	r.outcome = OUT_EXITED;
	r.exit_code = 3;
	r.duration_s = 0.25;
	r.peak_rss_bytes = 3 << 20;
	r.peak_fds = 1024;
	r.peak_threads = 1;
	r.leak = LEAK_YES;
	r.limit_hit = BP_NOFILE;
	return r;
}

static struct sample sample(int64_t t_ns)
{
	struct sample s = {.t_ns = t_ns,
			   .rss_bytes = 2 << 20,
			   .mem_bytes = 5 << 20,
			   .fds = 512,
			   .max_fds = 512,
			   .threads = 1,
			   .procs = 1};
	return s;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void test_pipe_one_line_per_run(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct scenario sc;
	scenario(&sc);
	struct progress *p = progress_new(f, 0, 2);
	assert_non_null(p);
	for (int rep = 1; rep <= 2; rep++) {
		progress_run_start(p, &sc, rep);
		for (int i = 0; i < 1000; i++) {
			struct sample s = sample(i * 1000000LL);
			progress_sample(p, &s);
		}
		fflush(f);
		assert_int_equal(count(buf, "\n"), (size_t)(rep - 1)); /* silent while running */
		struct run_result r = result();
		r.rep = rep;
		progress_run_end(p, &r);
	}
	progress_free(p);
	fclose(f);
	assert_int_equal(count(buf, "\n"), 2);
	assert_int_equal(count(buf, "\033"), 0);
	assert_non_null(strstr(buf, "[1/2] fd-leaky rep 1: exited (3), limit hit: nofile, peak rss "
				    "3.0 MiB, fds 1024, threads 1, leak yes, 0.25 s\n"));
	assert_non_null(strstr(buf, "[2/2] fd-leaky rep 2: "));
	free(buf);
	scenario_free(&sc);
}

static void test_tty_rate_limited(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct scenario sc;
	scenario(&sc);
	struct progress *p = progress_new(f, 1, 1);
	progress_run_start(p, &sc, 1);
	/* 20000 samples as fast as they come, for at least 0.35 s of wall time */
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int n = 0;
	double elapsed;
	do {
		struct sample s = sample(n * 1000000LL);
		progress_sample(p, &s);
		n++;
		clock_gettime(CLOCK_MONOTONIC, &t);
		elapsed = (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9;
	} while (n < 20000 || elapsed < 0.35);
	fflush(f);
	size_t draws = count(buf, "\r\033[K");
	/* one for "starting", then at most one per 100 ms */
	assert_true(draws >= 2);
	assert_true((double)draws <= 2 + elapsed * 10 + 1);
	assert_non_null(strstr(buf, "\r\033[K[1/1] fd-leaky rep 1/2  "));
	assert_non_null(strstr(buf, "mem 5.0 MiB/64.0 MiB  fds 512/1024  threads 1"));
	assert_int_equal(count(buf, "\n"), 0); /* redrawn in place */

	struct run_result r = result();
	progress_run_end(p, &r);
	fflush(f);
	/* the status line is erased before the finished line */
	assert_non_null(strstr(buf, "\r\033[K[1/1] fd-leaky rep 1: exited (3)"));
	assert_int_equal(count(buf, "\n"), 1);
	progress_free(p);
	fclose(f);
	free(buf);
	scenario_free(&sc);
}

static void test_null_is_harmless(void **state)
{
	(void)state;
	struct scenario sc;
	scenario(&sc);
	struct sample s = sample(0);
	struct run_result r = result();
	progress_run_start(NULL, &sc, 1);
	progress_sample(NULL, &s);
	progress_run_end(NULL, &r);
	progress_free(NULL);
	scenario_free(&sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pipe_one_line_per_run),
	    cmocka_unit_test(test_tty_rate_limited),
	    cmocka_unit_test(test_null_is_harmless),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
