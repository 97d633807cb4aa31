/* test_search.c - the bisection against synthetic programs: a known threshold
 * (found exactly, in about log2 of the range runs), a relative resolution, the
 * ends of the range, a flaky band, results reused, and the pass rule on run
 * results. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "search.h"

/* A synthetic program: passes under `limit` on repetition `rep` (0-based). */
typedef bool (*program)(int64_t limit, int rep, const void *arg);

static bool threshold(int64_t limit, int rep, const void *arg)
{
	(void)rep;
	return limit >= *(const int64_t *)arg;
}

/* Passes at T + 5 and above; between T and T + 5 only on even repetitions. */
static bool flaky(int64_t limit, int rep, const void *arg)
{
	int64_t t = *(const int64_t *)arg;
	return limit >= t + 5 || (limit >= t && rep % 2 == 0);
}

/* Drive s to its end; returns the runs made, and counts the limits asked. */
static int drive(struct search *s, program p, const void *arg, int64_t *asked, size_t max)
{
	int64_t limit;
	int rc, runs = 0;
	size_t k = 0;
	while ((rc = search_next(s, &limit)) == 1) {
		for (size_t i = 0; i < k; i++)
			if (asked[i] == limit)
				fail_msg("limit %lld asked twice", (long long)limit);
		if (k < max)
			asked[k++] = limit;
		assert_true(limit >= s->lo && limit <= s->hi);
		for (int rep = 0; rep < s->repetitions; rep++) {
			assert_int_equal(search_record(s, limit, p(limit, rep, arg)), 0);
			runs++;
		}
		assert_true(runs < 10000);
	}
	assert_int_equal(rc, 0);
	return runs;
}

static void test_exact_threshold(void **state)
{
	(void)state;
	int64_t asked[100];
	/* Every threshold in a small range, and a few in a large one. */
	for (int64_t t = 17; t <= 64; t++) {
		struct search s;
		search_init(&s, 16, 64, 1, 0, 1);
		int runs = drive(&s, threshold, &t, asked, 100);
		assert_int_equal(s.verdict, SV_FOUND);
		assert_int_equal(s.pass, t);
		assert_int_equal(s.fail, t - 1);
		/* HI, LO, then at most ceil(log2(48)) = 6 halvings. */
		assert_true(runs <= 8);
		assert_int_equal(s.runs, runs);
		search_free(&s);
	}
	int64_t t = 303;
	struct search s;
	search_init(&s, 16, 20000, 1, 0, 1);
	int runs = drive(&s, threshold, &t, asked, 100);
	assert_int_equal(s.pass, 303);
	assert_int_equal(s.fail, 302);
	assert_true(runs <= 2 + 15); /* log2(19984) < 15 */
	search_free(&s);
}

static void test_resolution(void **state)
{
	(void)state;
	int64_t asked[100], M = 1 << 20;
	/* Absolute: 1M steps from LO; the answer brackets the threshold. */
	int64_t t = 40 * M + 12345;
	struct search s;
	search_init(&s, 4 * M, 1024 * M, M, 0, 1);
	drive(&s, threshold, &t, asked, 100);
	assert_int_equal(s.verdict, SV_FOUND);
	assert_int_equal(s.pass, 41 * M);
	assert_int_equal(s.fail, 40 * M);
	search_free(&s);
	/* Relative 1%: pass - fail within 1% of pass, pass >= t > fail. */
	search_init(&s, 4 * M, 1024 * M, 0, 10000, 1);
	s.grid = 4096;
	drive(&s, threshold, &t, asked, 100);
	assert_int_equal(s.verdict, SV_FOUND);
	assert_true(s.pass >= t && s.fail < t);
	assert_true((double)(s.pass - s.fail) <= 0.01 * (double)s.pass);
	search_free(&s);
}

static void test_ends(void **state)
{
	(void)state;
	int64_t asked[10], t = 1000;
	struct search s;
	search_init(&s, 16, 512, 1, 0, 1);
	assert_int_equal(drive(&s, threshold, &t, asked, 10), 1); /* HI alone */
	assert_int_equal(s.verdict, SV_FAILS_AT_HI);
	assert_int_equal(s.pass, -1);
	search_free(&s);
	t = 8;
	search_init(&s, 16, 512, 1, 0, 1);
	assert_int_equal(drive(&s, threshold, &t, asked, 10), 2); /* HI, LO */
	assert_int_equal(s.verdict, SV_PASSES_AT_LO);
	assert_int_equal(s.pass, 16);
	search_free(&s);
}

static void test_flaky(void **state)
{
	(void)state;
	int64_t asked[100], t = 300;
	struct search s;
	search_init(&s, 16, 1024, 1, 0, 2);
	int runs = drive(&s, flaky, &t, asked, 100);
	/* Every repetition must pass: the answer is T + 5, not T. */
	assert_int_equal(s.verdict, SV_FOUND);
	assert_int_equal(s.pass, t + 5);
	assert_int_equal(s.fail, t + 4);
	assert_int_equal(runs % 2, 0);
	const struct search_probe *fl[16];
	size_t n = search_flaky(&s, fl, 16);
	assert_true(n >= 1);
	for (size_t i = 0; i < n; i++) {
		assert_true(fl[i]->limit >= t && fl[i]->limit < t + 5);
		assert_int_equal(fl[i]->passes, 1);
		assert_int_equal(fl[i]->fails, 1);
	}
	search_free(&s);
}

static void test_reuse(void **state)
{
	(void)state;
	int64_t asked[100], t = 303;
	struct search s;
	search_init(&s, 16, 1024, 1, 0, 1);
	int first = drive(&s, threshold, &t, asked, 100);
	/* A second search that knows every limit the first ran runs nothing. */
	struct search again;
	search_init(&again, 16, 1024, 1, 0, 1);
	for (size_t i = 0; i < s.n; i++)
		assert_int_equal(search_preload(&again, s.probes[i].limit, s.probes[i].passes > 0),
				 0);
	assert_int_equal(drive(&again, threshold, &t, asked, 100), 0);
	assert_int_equal(again.reused, first);
	assert_int_equal(again.runs, 0);
	assert_int_equal(again.pass, 303);
	search_free(&again);
	/* Knowing HI and LO saves exactly those two runs. */
	search_init(&again, 16, 1024, 1, 0, 1);
	search_preload(&again, 1024, true);
	search_preload(&again, 16, false);
	assert_int_equal(drive(&again, threshold, &t, asked, 100), first - 2);
	assert_int_equal(again.pass, 303);
	search_free(&again);
	search_free(&s);
}

static void test_pass_rule(void **state)
{
	(void)state;
	struct run_result r;
	run_result_init(&r);
	r.outcome = OUT_EXITED;
	r.exit_code = 0;
	r.oom_kills = 0;
	r.pids_limit_hits = 0;
	assert_true(search_run_passes(&r));
	assert_int_equal(search_run_evidence(&r), SE_PASS);
	/* Every fd the limit allows open (EMFILE met, or about to be) is hitting
	 * the limit: a break, even when the program then exits 0. */
	r.fd_exhausted = true;
	r.limit_hit = BP_NOFILE;
	assert_int_equal(search_run_evidence(&r), SE_BREAK);
	r.fd_exhausted = false;
	r.limit_hit = BP_NONE;
	r.exit_code = 3;
	assert_false(search_run_passes(&r));
	r.exit_code = 0;
	/* A refused clone tolerated by the program: still a break. */
	r.pids_limit_hits = 1;
	r.limit_hit = BP_PIDS;
	assert_int_equal(search_run_evidence(&r), SE_BREAK);
	r.pids_limit_hits = 0;
	r.limit_hit = BP_NONE;
	r.outcome = OUT_OOM_KILLED;
	assert_false(search_run_passes(&r));
	r.outcome = OUT_EXITED;
	r.oom_kills = 1; /* a child killed, the main process exited 0 */
	assert_false(search_run_passes(&r));
	r.oom_kills = 0;
	/* No evidence either way: brink was interrupted, its timeout, an exec
	 * that failed for another reason than the limit. */
	r.outcome = OUT_INTERRUPTED;
	assert_int_equal(search_run_evidence(&r), SE_NONE);
	r.outcome = OUT_TIMEOUT;
	assert_int_equal(search_run_evidence(&r), SE_NONE);
	r.outcome = OUT_EXEC_FAILED;
	assert_int_equal(search_run_evidence(&r), SE_NONE);
	/* An exec killed by its memory limit before it ran is a break. */
	r.oom_kills = 1;
	assert_int_equal(search_run_evidence(&r), SE_BREAK);
}

static void test_parse(void **state)
{
	(void)state;
	int64_t lo, hi, abs, ppm;
	const char *why;
	assert_int_equal(search_parse_range(0 /* memory */, "4M..1G", &lo, &hi, &why), 0);
	assert_int_equal(lo, 4 << 20);
	assert_int_equal(hi, 1 << 30);
	assert_int_equal(search_parse_range(0, "1G..4M", &lo, &hi, &why), -1);
	assert_int_equal(search_parse_range(0, "4M", &lo, &hi, &why), -1);
	assert_int_equal(search_parse_resolution(0, "1%", &abs, &ppm, &why), 0);
	assert_int_equal(abs, 0);
	assert_int_equal(ppm, 10000);
	assert_int_equal(search_parse_resolution(0, "0.5%", &abs, &ppm, &why), 0);
	assert_int_equal(ppm, 5000);
	assert_int_equal(search_parse_resolution(0, "1M", &abs, &ppm, &why), 0);
	assert_int_equal(abs, 1 << 20);
	assert_int_equal(search_parse_resolution(0, "0", &abs, &ppm, &why), -1);
	assert_int_equal(search_parse_resolution(0, "60%", &abs, &ppm, &why), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exact_threshold),
	    cmocka_unit_test(test_resolution),
	    cmocka_unit_test(test_ends),
	    cmocka_unit_test(test_flaky),
	    cmocka_unit_test(test_reuse),
	    cmocka_unit_test(test_pass_rule),
	    cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
