/* test_analyse.c - slopes, trend test, bounded series, leak verdict and
 * expectations (analyse.h) against series whose answer is known. */
/* analyse.h before cmocka.h: cmocka defines a function-like macro named
 * expect_check (mock expectations) that would swallow analyse.h's prototype;
 * it is #undef'd below so the calls reach analyse.c. */
#include "analyse.h"
#include "oomsrc.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#undef expect_check

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* cmocka's assert_float_equal compares floats; these need doubles. */
#define assert_near(a, b, tol)                                                          \
	do {                                                                            \
		double a_ = (a), b_ = (b), tol_ = (tol);                                \
		if (!(fabs(a_ - b_) <= tol_))                                           \
			fail_msg("%s = %.12g, expected %.12g +- %g", #a, a_, b_, tol_); \
	} while (0)

/* splitmix64: a deterministic noise source, the same numbers on every run. */
static uint64_t rng_state;

static void rng_seed(uint64_t s)
{
	rng_state = s;
}

static double rng_uniform(void) /* [0, 1) */
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return (double)(z >> 11) / 9007199254740992.0;
}

#define N_MAX 1024
static double T[N_MAX], V[N_MAX];

/* t_i = i * dt, v_i = f(i) */
static void fill_time(size_t n, double dt)
{
	for (size_t i = 0; i < n; i++)
		T[i] = (double)i * dt;
}

/* ---- Mann-Kendall against hand computations ---------------------------- */

static void test_mk_hand_examples(void **state)
{
	(void)state;
	struct mk_result mk;

	/* v = 1 3 2 5 4. Signs of v[j]-v[i] for i<j:
	 *   i=0 (1): 3+ 2+ 5+ 4+   -> +4
	 *   i=1 (3): 2- 5+ 4+      -> +1
	 *   i=2 (2): 5+ 4+         -> +2
	 *   i=3 (5): 4-            -> -1          S = 6
	 * Var = n(n-1)(2n+5)/18 = 5*4*15/18 = 16.667 (no ties)
	 * z = (S-1)/sqrt(Var) = 5/4.0825 = 1.2247, p = erfc(z/sqrt2) = 0.22067 */
	const double a[] = {1, 3, 2, 5, 4};
	mann_kendall(a, 5, &mk);
	assert_true(mk.s == 6);
	assert_near(mk.z, 1.2247449, 1e-6);
	assert_near(mk.p, 0.2206714, 1e-6);

	/* v = 1 2 2 3. i=0: + + + (3); i=1: 0 + (1); i=2: + (1); S = 5.
	 * One tie group of t=2: t(t-1)(2t+5) = 2*1*9 = 18.
	 * Var = (4*3*13 - 18)/18 = 138/18 = 7.667; z = 4/2.7689 = 1.44463;
	 * p = 0.148562 */
	const double b[] = {1, 2, 2, 3};
	mann_kendall(b, 4, &mk);
	assert_true(mk.s == 5);
	assert_near(mk.z, 1.4446302, 1e-6);
	assert_near(mk.p, 0.1485618, 1e-6);

	/* v = 5 4 4 4 1 2 (downward, three tied 4s).
	 * i=0 (5): all five lower -> -5; i=1 (4): 0 0 - - -> -2;
	 * i=2 (4): 0 - - -> -2; i=3 (4): - - -> -2; i=4 (1): 2+ -> +1. S = -10.
	 * Ties: t=3: 3*2*11 = 66. Var = (6*5*17 - 66)/18 = 444/18 = 24.667.
	 * z = (S+1)/sqrt(Var) = -9/4.9666 = -1.81212; p = 0.069967 */
	const double c[] = {5, 4, 4, 4, 1, 2};
	mann_kendall(c, 6, &mk);
	assert_true(mk.s == -10);
	assert_near(mk.z, -1.8121213, 1e-6);
	assert_near(mk.p, 0.0699674, 1e-6);
}

static void test_mk_degenerate(void **state)
{
	(void)state;
	struct mk_result mk;
	const double one[] = {7};
	mann_kendall(one, 0, &mk);
	assert_true(mk.s == 0 && mk.z == 0 && mk.p == 1);
	mann_kendall(one, 1, &mk);
	assert_true(mk.s == 0 && mk.z == 0 && mk.p == 1);
	/* all tied: the variance is 0, no trend can be claimed */
	const double flat[] = {3, 3, 3, 3, 3, 3};
	mann_kendall(flat, 6, &mk);
	assert_true(mk.s == 0 && mk.z == 0 && mk.p == 1);
	/* S = +-1 is exactly cancelled by the continuity correction */
	const double two[] = {1, 2};
	mann_kendall(two, 2, &mk);
	assert_true(mk.s == 1 && mk.z == 0 && mk.p == 1);
}

/* ---- Theil-Sen: the median itself ------------------------------------- */

static void test_ts_small_exact(void **state)
{
	(void)state;
	/* odd count: slopes 1 (0-1), 2 (0-2), 3 (1-2) -> 2 */
	const double t1[] = {0, 1, 2}, v1[] = {0, 1, 4};
	assert_true(theil_sen_slope(t1, v1, 3) == 2);
	/* even count: 1, 0.5, 4/3, 0, 1.5, 3 -> sorted 0 .5 1 4/3 1.5 3,
	 * median = (1 + 4/3) / 2 = 7/6 */
	const double t2[] = {0, 1, 2, 3}, v2[] = {0, 1, 1, 4};
	assert_near(theil_sen_slope(t2, v2, 4), 7.0 / 6.0, 1e-12);
	/* pairs with equal times are skipped: only (0,2)=3 and (1,2)=1 count */
	const double t3[] = {0, 0, 1}, v3[] = {0, 2, 3};
	assert_true(theil_sen_slope(t3, v3, 3) == 2);
	/* nothing to compare */
	assert_true(theil_sen_slope(t3, v3, 0) == 0);
	assert_true(theil_sen_slope(t3, v3, 1) == 0);
	const double t4[] = {5, 5, 5};
	assert_true(theil_sen_slope(t4, v3, 3) == 0);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median found by quickselect equals the median of the sorted slopes, for
 * distinct values, heavy ties and sorted inputs, odd and even pair counts. */
static void test_ts_matches_sorted_median(void **state)
{
	(void)state;
	const size_t sizes[] = {2, 3, 4, 5, 17, 64, 101, 300};
	for (int kind = 0; kind < 4; kind++) {
		for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
			size_t n = sizes[si];
			rng_seed(1000 + (uint64_t)kind * 100 + si);
			for (size_t i = 0; i < n; i++) {
				T[i] = (double)i * 0.01 + (kind == 3 ? rng_uniform() * 0.005 : 0);
				switch (kind) {
				case 0: /* continuous noise */
					V[i] = rng_uniform() * 1000;
					break;
				case 1: /* few distinct values: many equal slopes */
					V[i] = (double)(int)(rng_uniform() * 4);
					break;
				case 2: /* monotone: slopes arrive in structured order */
					V[i] = (double)(i * i);
					break;
				default: /* jittered times, trend plus noise */
					V[i] = 5 * T[i] + rng_uniform();
				}
			}
			size_t m = 0;
			double *sl = malloc(n * n * sizeof(*sl));
			assert_non_null(sl);
			for (size_t i = 0; i < n; i++)
				for (size_t j = i + 1; j < n; j++)
					if (T[j] != T[i])
						sl[m++] = (V[j] - V[i]) / (T[j] - T[i]);
			qsort(sl, m, sizeof(*sl), cmp_double);
			double want = m % 2 ? sl[m / 2] : (sl[m / 2 - 1] + sl[m / 2]) / 2;
			free(sl);
			double got = theil_sen_slope(T, V, n);
			assert_near(got, want, fabs(want) * 1e-12 + 1e-12);
		}
	}
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_ts_timing_1024(void **state)
{
	(void)state;
	rng_seed(42);
	fill_time(N_MAX, 0.01);
	for (size_t i = 0; i < N_MAX; i++)
		V[i] = 1e6 + 4096 * T[i] + rng_uniform() * 16384;
	double t0 = now_s();
	double slope = theil_sen_slope(T, V, N_MAX);
	double t1 = now_s();
	struct mk_result mk;
	mann_kendall(V, N_MAX, &mk);
	double t2 = now_s();
	print_message("theil_sen_slope n=1024 (523776 slopes): %.2f ms; mann_kendall: %.2f ms\n",
		      (t1 - t0) * 1e3, (t2 - t1) * 1e3);
	assert_near(slope, 4096, 4096 * 0.05);
}

/* ---- Theil-Sen and Mann-Kendall on the shapes ------------------ */

static void test_flat(void **state)
{
	(void)state;
	fill_time(500, 0.01);
	for (size_t i = 0; i < 500; i++)
		V[i] = 12345;
	struct mk_result mk;
	assert_true(theil_sen_slope(T, V, 500) == 0);
	mann_kendall(V, 500, &mk);
	assert_true(mk.s == 0);
	assert_true(mk.p == 1);

	/* flat plus noise: no trend to find */
	rng_seed(7);
	for (size_t i = 0; i < 500; i++)
		V[i] = 100 + rng_uniform() * 10;
	double slope = theil_sen_slope(T, V, 500);
	mann_kendall(V, 500, &mk);
	assert_true(fabs(slope) < 0.5); /* noise amplitude 10 over 5 s = 2/s */
	assert_true(mk.p > 0.01);
}

static void test_linear(void **state)
{
	(void)state;
	fill_time(400, 0.025);
	for (size_t i = 0; i < 400; i++)
		V[i] = 3 + 2.5 * T[i];
	struct mk_result mk;
	assert_near(theil_sen_slope(T, V, 400), 2.5, 1e-9);
	mann_kendall(V, 400, &mk);
	assert_true(mk.s == 400.0 * 399 / 2); /* every pair rises */
	assert_true(mk.p < 1e-12);

	/* uneven sampling does not bias it */
	for (size_t i = 0; i < 400; i++) {
		T[i] = (double)i * 0.01 + (i % 3) * 0.004;
		V[i] = -7 * T[i];
	}
	assert_near(theil_sen_slope(T, V, 400), -7, 1e-9);
	mann_kendall(V, 400, &mk);
	assert_true(mk.s == -400.0 * 399 / 2);
	assert_true(mk.z < 0 && mk.p < 1e-12);
}

static void test_noisy_linear(void **state)
{
	(void)state;
	/* slope 50/s over 10 s with uniform noise of +-200 (noise range 400 is
	 * 80% of the total rise of 500) */
	rng_seed(20240611);
	fill_time(1000, 0.01);
	for (size_t i = 0; i < 1000; i++)
		V[i] = 1000 + 50 * T[i] + (rng_uniform() - 0.5) * 400;
	struct mk_result mk;
	double slope = theil_sen_slope(T, V, 1000);
	mann_kendall(V, 1000, &mk);
	assert_near(slope, 50, 50 * 0.05);
	assert_true(mk.s > 0);
	assert_true(mk.p < 1e-6);

	/* 5% of the points replaced by huge spikes (a GC pause, a burst): the
	 * median ignores them */
	for (size_t i = 0; i < 1000; i += 20)
		V[i] += 1e6;
	slope = theil_sen_slope(T, V, 1000);
	assert_near(slope, 50, 50 * 0.1);
}

static void test_step(void **state)
{
	(void)state;
	struct mk_result mk;
	fill_time(400, 0.01);

	/* One step of +1000 after the first quarter (a cache filled once). The
	 * pairs on the same side of the step (1/16 + 9/16 of them) all have slope
	 * 0, more than half, so the median slope is exactly 0: a single step is
	 * not read as growth. Mann-Kendall still sees an upward change. */
	for (size_t i = 0; i < 400; i++)
		V[i] = i < 100 ? 0 : 1000;
	assert_true(theil_sen_slope(T, V, 400) == 0);
	mann_kendall(V, 400, &mk);
	assert_true(mk.s == 100.0 * 300);
	assert_true(mk.p < 1e-6);

	/* the same at three quarters */
	for (size_t i = 0; i < 400; i++)
		V[i] = i < 300 ? 0 : 1000;
	assert_true(theil_sen_slope(T, V, 400) == 0);

	/* Exactly in the middle the cross pairs (n^2/4) are just over half of
	 * all pairs: the median is a cross slope over a long distance, about
	 * height / span = 1000 / 4 s = 250/s (documented in analyse.h). */
	for (size_t i = 0; i < 400; i++)
		V[i] = i < 200 ? 0 : 1000;
	double mid = theil_sen_slope(T, V, 400);
	assert_true(mid > 250 && mid < 300);
}

static void test_sawtooth(void **state)
{
	(void)state;
	struct mk_result mk;
	fill_time(1000, 0.02);

	/* A heap that grows for 0.4 s then is collected back, 50 times over
	 * 20 s: no trend. Each tooth rises 0..950 in 20 points (2500/s). */
	for (size_t i = 0; i < 1000; i++)
		V[i] = (double)(i % 20) * 50;
	double slope = theil_sen_slope(T, V, 1000);
	mann_kendall(V, 1000, &mk);
	assert_near(slope, 0, 1);
	assert_true(mk.p > 0.1);

	/* Few long teeth (5 of 4 s, rising 250/s): every pair inside a tooth
	 * rises while pairs across teeth cancel, so both statistics lean
	 * upward: Mann-Kendall calls it a trend and the slope is a few percent
	 * of the in-tooth rate. What keeps this from being a leak is the
	 * threshold, which must sit above that lean. */
	for (size_t i = 0; i < 1000; i++)
		V[i] = (double)(i % 200) * 5;
	slope = theil_sen_slope(T, V, 1000);
	mann_kendall(V, 1000, &mk);
	assert_true(mk.p < 0.01);
	assert_true(slope > 0 && slope < 0.1 * 250);
}

/* ---- bounded series ---------------------------------------------------- */

static void test_series_small(void **state)
{
	(void)state;
	static struct series s;
	series_init(&s);
	assert_int_equal(s.n, 0);
	for (int i = 0; i < 10; i++)
		series_add(&s, i * 0.5, i * 2);
	assert_int_equal(s.n, 10);
	assert_int_equal(s.stride, 1);
	for (size_t i = 0; i < 10; i++) {
		assert_true(s.t[i] == (double)i * 0.5);
		assert_true(s.v[i] == (double)i * 2);
	}
	/* exactly full: no decimation yet */
	series_init(&s);
	for (int i = 0; i < SERIES_MAX; i++)
		series_add(&s, i, i);
	assert_int_equal(s.n, SERIES_MAX);
	assert_int_equal(s.stride, 1);
	series_add(&s, SERIES_MAX, SERIES_MAX);
	assert_int_equal(s.stride, 2);
	assert_int_equal(s.n, SERIES_MAX / 2 + 1);
	assert_true(s.t[s.n - 1] == SERIES_MAX);
}

static void test_series_decimation(void **state)
{
	(void)state;
	static struct series s;
	const unsigned long total = 100000;
	series_init(&s);
	for (unsigned long k = 0; k < total; k++) {
		series_add(&s, (double)k * 0.001, (double)k);
		assert_true(s.n <= SERIES_MAX);
	}
	assert_int_equal(s.seen, total);
	assert_true(s.n > SERIES_MAX / 2);
	/* stride is a power of two and every kept point is offered point
	 * i*stride, so the series is evenly spread from the very start */
	assert_true((s.stride & (s.stride - 1)) == 0);
	for (size_t i = 0; i < s.n; i++) {
		assert_true(s.v[i] == (double)(i * s.stride));
		assert_near(s.t[i], (double)(i * s.stride) * 0.001, 1e-9);
	}
	/* it spans the whole run: first point at 0, last within one stride of
	 * the end */
	assert_true(s.t[0] == 0);
	assert_true((double)(total - 1) - s.v[s.n - 1] < (double)s.stride);
	/* and the slope over the decimated series is still the real one */
	assert_near(theil_sen_slope(s.t, s.v, s.n), 1000, 1e-6);
}

/* ---- leak verdict ------------------------------------------------------ */

static struct leak_series LS;

static const struct leak_thresholds TH = {
    .warmup_ns = 1000000000, /* 1 s */
    .rss_bytes_per_s = 64 * 1024,
    .fds_per_s = 0.5,
    .threads_per_s = 0.2,
};

typedef double (*shape_fn)(double t);

/* Fill the three series at `hz` for `secs` seconds. */
static void make_series(shape_fn rss, shape_fn fds, shape_fn threads, double secs, double hz)
{
	series_init(&LS.rss);
	series_init(&LS.mem);
	series_init(&LS.fds);
	series_init(&LS.threads);
	LS.mem_reclaimable_bytes = -1;
	for (long i = 0; (double)i < secs * hz; i++) {
		double t = (double)i / hz;
		series_add(&LS.rss, t, rss(t));
		series_add(&LS.fds, t, fds(t));
		series_add(&LS.threads, t, threads(t));
	}
}

static double rss_flat_noisy(double t)
{
	(void)t;
	return 8 * 1048576.0 + floor(rng_uniform() * 64) * 4096;
}

static double rss_growing(double t) /* 2 MiB/s plus page-sized noise */
{
	return 8 * 1048576.0 + t * 2 * 1048576.0 + floor(rng_uniform() * 16) * 4096;
}

static double rss_sawtooth(double t) /* a GC cycle every 0.5 s, up to 4 MiB */
{
	return 8 * 1048576.0 + floor(fmod(t, 0.5) / 0.5 * 1024) * 4096;
}

static double fds_flat(double t)
{
	(void)t;
	return 5;
}

static double fds_growing(double t) /* 20 files a second, whole numbers */
{
	return 5 + floor(t * 20);
}

static double fds_slow(double t) /* one more fd every 10 s: 0.1/s */
{
	return 5 + floor(t / 10);
}

static double fds_startup(double t) /* opens a pool for 4 s, then flat */
{
	return 5 + floor((t < 4 ? t : 4) * 25);
}

static double threads_flat(double t)
{
	(void)t;
	return 1;
}

static double threads_growing(double t) /* a thread every 0.5 s */
{
	return 1 + floor(t * 2);
}

static double fds_falling(double t)
{
	return 500 - floor(t * 20);
}

static void verdict(struct run_result *r, const struct leak_thresholds *th)
{
	leak_verdict(th, &LS, r);
}

static void test_verdict_fd_leak(void **state)
{
	(void)state;
	struct run_result r;
	run_result_init(&r);
	rng_seed(1);
	make_series(rss_flat_noisy, fds_growing, threads_flat, 5, 100);
	verdict(&r, &TH);
	assert_int_equal(r.leak, LEAK_YES);
	assert_string_equal(r.leak_metrics, "fds");
	assert_near(r.fd_slope_per_s, 20, 0.5);
	assert_true(fabs(r.rss_slope_bytes_per_s) < TH.rss_bytes_per_s);
	assert_true(r.thread_slope_per_s == 0);
}

static void test_verdict_flat(void **state)
{
	(void)state;
	struct run_result r;
	run_result_init(&r);
	rng_seed(2);
	make_series(rss_flat_noisy, fds_flat, threads_flat, 10, 100);
	r.outcome = OUT_EXITED;
	verdict(&r, &TH);
	assert_int_equal(r.leak, LEAK_NO);
	assert_string_equal(r.leak_metrics, "");
	assert_true(r.fd_slope_per_s == 0);
	assert_true(isfinite(r.rss_slope_bytes_per_s));
}

static void test_verdict_sawtooth(void **state)
{
	(void)state;
	struct run_result r;
	run_result_init(&r);
	/* 20 collections of 4 MiB in 10 s: memory churns, it does not grow */
	make_series(rss_sawtooth, fds_flat, threads_flat, 10, 100);
	verdict(&r, &TH);
	assert_int_equal(r.leak, LEAK_NO);
	assert_string_equal(r.leak_metrics, "");
	assert_true(fabs(r.rss_slope_bytes_per_s) < TH.rss_bytes_per_s);
}

static void test_verdict_below_threshold(void **state)
{
	(void)state;
	struct run_result r;
	run_result_init(&r);
	rng_seed(3);
	/* a real but slow upward trend (0.1 fd/s): significant, under 0.5/s */
	make_series(rss_flat_noisy, fds_slow, threads_flat, 60, 50);
	verdict(&r, &TH);
	assert_int_equal(r.leak, LEAK_NO);
	assert_string_equal(r.leak_metrics, "");
	assert_true(r.fd_slope_per_s > 0 && r.fd_slope_per_s < TH.fds_per_s);
	/* the same series with a lower threshold is a leak */
	struct leak_thresholds th = TH;
	th.fds_per_s = 0.05;
	verdict(&r, &th);
	assert_int_equal(r.leak, LEAK_YES);
	assert_string_equal(r.leak_metrics, "fds");
}

static void test_verdict_two_metrics(void **state)
{
	(void)state;
	struct run_result r;
	run_result_init(&r);
	rng_seed(4);
	make_series(rss_growing, fds_flat, threads_growing, 8, 100);
	verdict(&r, &TH);
	assert_int_equal(r.leak, LEAK_YES);
	assert_string_equal(r.leak_metrics, "rss;threads");
	assert_near(r.rss_slope_bytes_per_s, 2 * 1048576.0, 2 * 1048576.0 * 0.05);
	assert_near(r.thread_slope_per_s, 2, 0.1);
}

static void test_verdict_decreasing(void **state)
{
	(void)state;
	struct run_result r;
	run_result_init(&r);
	rng_seed(5);
	make_series(rss_flat_noisy, fds_falling, threads_flat, 5, 100);
	struct leak_thresholds th = TH;
	th.fds_per_s = -100; /* even a threshold below the slope needs S > 0 */
	verdict(&r, &th);
	assert_int_equal(r.leak, LEAK_NO);
	assert_near(r.fd_slope_per_s, -20, 0.5);
}

static void test_verdict_warmup(void **state)
{
	(void)state;
	struct run_result r;
	run_result_init(&r);
	rng_seed(6);
	/* fds climb for the first 4 s of 10 s, then stay: a start-up pool */
	make_series(rss_flat_noisy, fds_startup, threads_flat, 10, 100);
	struct leak_thresholds th = TH;
	th.warmup_ns = 0;
	verdict(&r, &th);
	/* without a warm-up the climb dominates the pairs: read as growth */
	assert_int_equal(r.leak, LEAK_YES);
	assert_string_equal(r.leak_metrics, "fds");
	th.warmup_ns = 5000000000; /* 5 s: past the climb */
	verdict(&r, &th);
	assert_int_equal(r.leak, LEAK_NO);
	assert_true(r.fd_slope_per_s == 0);
}

static double rss_startup(double t) /* a runtime mapping its heap: 9 MiB in 30 ms */
{
	return 1048576.0 + t / 0.03 * 9 * 1048576.0;
}

static void test_verdict_short_run(void **state)
{
	(void)state;
	struct run_result r;
	run_result_init(&r);
	rng_seed(7);
	/* a 2 s run with a 100 s warm-up: nothing left after the warm-up, so
	 * no verdict and no slope, with the reason, even though fds climb */
	make_series(rss_flat_noisy, fds_growing, threads_flat, 2, 100);
	struct leak_thresholds th = TH;
	th.warmup_ns = 100000000000;
	verdict(&r, &th);
	assert_int_equal(r.leak, LEAK_NONE);
	assert_string_equal(r.leak_metrics, "");
	assert_true(isnan(r.fd_slope_per_s) && isnan(r.rss_slope_bytes_per_s));
	assert_string_equal(
	    r.leak_reason,
	    "too short for a trend: 0 samples after the 100000 ms warm-up (8 needed)");

	/* `python3 -c pass` at 1 ms: 30 samples of start-up growth, all before
	 * the 500 ms warm-up. Without one it would read as a leak. */
	run_result_init(&r);
	make_series(rss_startup, fds_flat, threads_flat, 0.03, 1000);
	th.warmup_ns = 500000000;
	verdict(&r, &th);
	assert_int_equal(r.leak, LEAK_NONE);
	assert_true(isnan(r.rss_slope_bytes_per_s));
	assert_non_null(strstr(r.leak_reason, "0 samples after the 500 ms warm-up"));
	th.warmup_ns = 0;
	verdict(&r, &th);
	assert_int_equal(r.leak, LEAK_YES); /* the coin toss the warm-up prevents */

	/* 7 samples after the warm-up are too few, 8 are enough */
	run_result_init(&r);
	th.warmup_ns = 1000000000;
	make_series(rss_flat_noisy, fds_flat, threads_flat, 1.07, 100);
	verdict(&r, &th);
	assert_int_equal(r.leak, LEAK_NONE);
	assert_non_null(strstr(r.leak_reason, ": 7 samples"));
	make_series(rss_flat_noisy, fds_flat, threads_flat, 1.08, 100);
	verdict(&r, &th);
	assert_int_equal(r.leak, LEAK_NO);
	assert_string_equal(r.leak_reason, "");
	assert_true(r.fd_slope_per_s == 0);

	/* a breaking point of a growing resource needs no trend */
	run_result_init(&r);
	make_series(rss_flat_noisy, fds_growing, threads_flat, 0.05, 1000);
	r.limit_hit = BP_NOFILE;
	r.fd_exhausted = true;
	verdict(&r, &th);
	assert_int_equal(r.leak, LEAK_YES);
	assert_string_equal(r.leak_metrics, "fds");
	assert_string_equal(r.leak_reason, "");
	/* cpu-time is not one: still too short */
	run_result_init(&r);
	r.limit_hit = BP_CPU_TIME;
	verdict(&r, &th);
	assert_int_equal(r.leak, LEAK_NONE);
}

static double mem_tmpfs(double t) /* 1 MiB appended to a tmpfs file every 50 ms */
{
	return 4 * 1048576.0 + floor(t / 0.05) * 1048576.0;
}

static double anon_flat(double t) /* the shell appending it: flat anon RSS */
{
	(void)t;
	return 600 * 1024.0;
}

static void test_verdict_cgroup_memory(void **state)
{
	(void)state;
	struct run_result r;
	run_result_init(&r);
	/* tmpfs growth is charged to the cgroup, in nobody's RSS: the mem
	 * series alone shows it, at 20 MiB/s */
	make_series(anon_flat, fds_flat, threads_flat, 3, 100);
	for (long i = 0; i < 300; i++)
		series_add(&LS.mem, (double)i / 100, mem_tmpfs((double)i / 100));
	verdict(&r, &TH);
	assert_int_equal(r.leak, LEAK_YES);
	assert_string_equal(r.leak_metrics, "mem");
	assert_near(r.mem_slope_bytes_per_s, 20 * 1048576.0, 1048576.0);
	assert_true(r.rss_slope_bytes_per_s == 0);

	/* the same growth as page cache (a log written to disk): the kernel
	 * can drop 40 MiB of it at the end, more than the 30 MiB it grew by
	 * after the warm-up */
	run_result_init(&r);
	LS.mem_reclaimable_bytes = 40 * 1048576.0;
	verdict(&r, &TH);
	assert_int_equal(r.leak, LEAK_NO);
	assert_string_equal(r.leak_metrics, "");
	assert_near(r.mem_slope_bytes_per_s, 20 * 1048576.0, 1048576.0);
	/* ... but tmpfs is not droppable: 1 MiB of cache is not the growth */
	LS.mem_reclaimable_bytes = 1048576.0;
	verdict(&r, &TH);
	assert_int_equal(r.leak, LEAK_YES);
	LS.mem_reclaimable_bytes = -1;

	/* a clean 96 MiB file mapping read once: anon stays flat, the page
	 * cache was charged elsewhere, so the cgroup stays flat too */
	run_result_init(&r);
	make_series(anon_flat, fds_flat, threads_flat, 3, 100);
	for (long i = 0; i < 300; i++)
		series_add(&LS.mem, (double)i / 100, 2 * 1048576.0);
	verdict(&r, &TH);
	assert_int_equal(r.leak, LEAK_NO);
	assert_string_equal(r.leak_metrics, "");

	/* 40 zombies in 1.6 s: their kernel stacks grow the cgroup by 300 KiB/s,
	 * under 4 x the default 256 KiB/s */
	run_result_init(&r);
	struct leak_thresholds th = TH;
	th.rss_bytes_per_s = 256 * 1024;
	make_series(anon_flat, fds_flat, threads_flat, 1.6, 1000);
	for (long i = 0; i < 1600; i++)
		series_add(&LS.mem, (double)i / 1000, 300 * 1024.0 * floor((double)i / 40) / 25);
	verdict(&r, &th);
	assert_int_equal(r.leak, LEAK_NO);
	assert_near(r.mem_slope_bytes_per_s, 300 * 1024.0, 20 * 1024.0);

	/* an OOM kill names mem, the cgroup's memory that ran out */
	run_result_init(&r);
	r.limit_hit = BP_MEMORY;
	r.outcome = OUT_OOM_KILLED;
	verdict(&r, &TH);
	assert_int_equal(r.leak, LEAK_YES);
	assert_string_equal(r.leak_metrics, "mem");
}

static void test_verdict_breaking_points(void **state)
{
	(void)state;
	struct run_result r;

	/* fd exhaustion after 3 samples: too short for a trend, still a leak,
	 * and fds is named */
	run_result_init(&r);
	rng_seed(8);
	make_series(rss_flat_noisy, fds_growing, threads_flat, 0.03, 100);
	r.limit_hit = BP_NOFILE;
	r.fd_exhausted = true;
	verdict(&r, &TH);
	assert_int_equal(r.leak, LEAK_YES);
	assert_string_equal(r.leak_metrics, "fds");

	/* OOM kill while rss grows: rss by its trend, mem by the limit */
	run_result_init(&r);
	make_series(rss_growing, fds_flat, threads_flat, 5, 100);
	r.outcome = OUT_OOM_KILLED;
	r.limit_hit = BP_MEMORY;
	verdict(&r, &TH);
	assert_int_equal(r.leak, LEAK_YES);
	assert_string_equal(r.leak_metrics, "rss;mem");

	/* the OOM kill and fd exhaustion alone (limit_hit left empty) are
	 * breaking points too, with their metrics */
	run_result_init(&r);
	make_series(rss_flat_noisy, fds_flat, threads_flat, 2, 100);
	r.outcome = OUT_OOM_KILLED;
	verdict(&r, &TH);
	assert_int_equal(r.leak, LEAK_YES);
	assert_string_equal(r.leak_metrics, "mem");
	run_result_init(&r);
	r.fd_exhausted = true;
	verdict(&r, &TH);
	assert_int_equal(r.leak, LEAK_YES);
	assert_string_equal(r.leak_metrics, "fds");

	/* pids limit with flat series (the threads were created before the
	 * first sample) */
	run_result_init(&r);
	make_series(rss_flat_noisy, fds_flat, threads_flat, 2, 100);
	r.limit_hit = BP_PIDS;
	verdict(&r, &TH);
	assert_int_equal(r.leak, LEAK_YES);
	assert_string_equal(r.leak_metrics, "threads");

	/* pids limit 32 filled by zombies: 2 threads at most, so tasks broke
	 * the limit, not threads; still a leak (of tasks), and said so */
	run_result_init(&r);
	make_series(rss_flat_noisy, fds_flat, threads_flat, 2, 100);
	r.limit_hit = BP_PIDS;
	r.pids_limit = 32;
	r.peak_threads = 2;
	verdict(&r, &TH);
	assert_int_equal(r.leak, LEAK_YES);
	assert_string_equal(r.leak_metrics, "");
	assert_non_null(strstr(r.leak_reason, "tasks and not threads"));
	assert_null(strchr(r.leak_reason, ','));
	/* forkmax under --pids 10: 9 paused children live until fork fails,
	 * killed before a sample: the kernel counted 10 tasks at the refusal.
	 * Nothing seen says zombies or short-lived: the reason gives the
	 * counts, and blames neither alone */
	run_result_init(&r);
	make_series(rss_flat_noisy, fds_flat, threads_flat, 1, 100);
	r.limit_hit = BP_PIDS;
	r.pids_limit = 10;
	r.peak_threads = 1;
	LS.tasks_at_refusal = 10;
	verdict(&r, &TH);
	LS.tasks_at_refusal = -1;
	assert_non_null(strstr(r.leak_reason, "(10 tasks in the group at the refused fork)"));
	assert_non_null(strstr(r.leak_reason, "at most 1 thread;"));
	assert_null(strstr(r.leak_reason, "short-lived"));
	assert_null(strchr(r.leak_reason, ','));
	/* the same limit reached by 32 threads: threads */
	run_result_init(&r);
	make_series(rss_flat_noisy, fds_flat, threads_flat, 2, 100);
	r.limit_hit = BP_PIDS;
	r.pids_limit = 32;
	r.peak_threads = 32;
	verdict(&r, &TH);
	assert_string_equal(r.leak_metrics, "threads");
	assert_string_equal(r.leak_reason, "");

	/* nofile limit while rss grows: both named, in rss;fds order */
	run_result_init(&r);
	make_series(rss_growing, fds_flat, threads_flat, 5, 100);
	r.limit_hit = BP_NOFILE;
	verdict(&r, &TH);
	assert_int_equal(r.leak, LEAK_YES);
	assert_string_equal(r.leak_metrics, "rss;fds");

	/* limits brink keeps no series of (address space, data segment, the
	 * user's tasks) with flat series: a leak, no metric, and why */
	const enum breaking_point unsampled[] = {BP_AS, BP_DATA, BP_NPROC};
	const char *const rlimit[] = {"RLIMIT_AS", "RLIMIT_DATA", "RLIMIT_NPROC"};
	for (size_t i = 0; i < 3; i++) {
		run_result_init(&r);
		make_series(rss_flat_noisy, fds_flat, threads_flat, 2, 100);
		r.limit_hit = unsampled[i];
		verdict(&r, &TH);
		assert_int_equal(r.leak, LEAK_YES);
		assert_string_equal(r.leak_metrics, "");
		assert_non_null(strstr(r.leak_reason, rlimit[i]));
	}
	/* ... and where a series grew, it is named and no reason is needed */
	run_result_init(&r);
	make_series(rss_growing, fds_flat, threads_flat, 5, 100);
	r.limit_hit = BP_AS;
	verdict(&r, &TH);
	assert_string_equal(r.leak_metrics, "rss");
	assert_string_equal(r.leak_reason, "");

	/* a busy loop stopped by its CPU-time limit grows nothing: no leak */
	run_result_init(&r);
	make_series(rss_flat_noisy, fds_flat, threads_flat, 2, 100);
	r.limit_hit = BP_CPU_TIME;
	verdict(&r, &TH);
	assert_int_equal(r.leak, LEAK_NO);
	assert_string_equal(r.leak_metrics, "");

	/* a timeout is not a breaking point: flat stays no leak ... */
	run_result_init(&r);
	make_series(rss_flat_noisy, fds_flat, threads_flat, 5, 100);
	r.outcome = OUT_TIMEOUT;
	r.limit_hit = BP_TIMEOUT;
	verdict(&r, &TH);
	assert_int_equal(r.leak, LEAK_NO);
	assert_string_equal(r.leak_metrics, "");
	/* ... and growth until the timeout is a leak by its slope */
	make_series(rss_flat_noisy, fds_growing, threads_flat, 5, 100);
	verdict(&r, &TH);
	assert_int_equal(r.leak, LEAK_YES);
	assert_string_equal(r.leak_metrics, "fds");
}

static void test_verdict_empty_series(void **state)
{
	(void)state;
	struct run_result r;
	run_result_init(&r);
	series_init(&LS.rss);
	series_init(&LS.mem);
	series_init(&LS.fds);
	series_init(&LS.threads);
	series_add(&LS.threads, 0, 1); /* one point: no slope either */
	verdict(&r, &TH);
	assert_int_equal(r.leak, LEAK_NONE);
	assert_string_equal(r.leak_metrics, "");
	assert_true(isnan(r.rss_slope_bytes_per_s));
	assert_true(isnan(r.fd_slope_per_s));
	assert_true(isnan(r.thread_slope_per_s));
}

/* ---- classification ---------------------------------------------------- */

#define MAIN 4100

static int w_exit(int code)
{
	return (code & 0xff) << 8;
}

static int w_signal(int sig)
{
	return sig & 0x7f;
}

/* Facts of a run whose main process ended with wstatus. */
static struct run_facts ended(int wstatus)
{
	struct run_facts f;
	run_facts_init(&f);
	f.main_pid = MAIN;
	f.ended = true;
	f.wstatus = wstatus;
	return f;
}

static void classify(const struct run_facts *f, struct run_result *r)
{
	run_result_init(r);
	run_classify(f, r);
}

static void add_victim(struct run_facts *f, pid_t pid, const char *comm)
{
	f->victims[f->n_victims].pid = pid;
	snprintf(f->victims[f->n_victims].comm, sizeof(f->victims[0].comm), "%s", comm);
	f->n_victims++;
}

/* Facts of a run with `kills` OOM kills counted and victims read by `m`. */
static struct run_facts oom_run(int wstatus, int64_t kills, enum method m)
{
	struct run_facts f = ended(wstatus);
	f.oom_kills = kills;
	f.victims_method = m;
	return f;
}

static void test_classify_exit(void **state)
{
	(void)state;
	struct run_result r;
	struct run_facts f = ended(w_exit(3));
	classify(&f, &r);
	assert_int_equal(r.outcome, OUT_EXITED);
	assert_int_equal(r.exit_code, 3);
	assert_int_equal(r.signal, RES_NONE);
	assert_int_equal(r.limit_hit, BP_NONE);
	assert_int_equal(r.limit_method, METH_NONE);
	assert_string_equal(r.cause, "exited with status 3");
	assert_int_equal(r.oom_kills, RES_NONE);

	f = oom_run(w_signal(SIGSEGV), 0, METH_NONE);
	classify(&f, &r);
	assert_int_equal(r.outcome, OUT_SIGNALED);
	assert_int_equal(r.signal, SIGSEGV);
	assert_int_equal(r.exit_code, RES_NONE);
	assert_int_equal(r.oom_kills, 0);
	assert_non_null(strstr(r.cause, "killed by signal 11"));

	/* a SIGKILL with no OOM kill counted is just a signal */
	f = oom_run(w_signal(SIGKILL), 0, METH_KERNEL_LOG);
	classify(&f, &r);
	assert_int_equal(r.outcome, OUT_SIGNALED);
	assert_int_equal(r.limit_hit, BP_NONE);
	assert_false(r.unavailable & UNAV_OOM_VICTIM);
}

static void test_classify_oom_victim(void **state)
{
	(void)state;
	struct run_result r;

	/* sh -c 'hog; kill -KILL $$' under --memory 32M: the kernel chose the
	 * hog (pid MAIN+1), then the shell killed itself */
	struct run_facts f = oom_run(w_signal(SIGKILL), 1, METH_KERNEL_LOG);
	add_victim(&f, MAIN + 1, "hog");
	classify(&f, &r);
	assert_int_equal(r.outcome, OUT_SIGNALED);
	assert_int_equal(r.signal, SIGKILL);
	assert_int_equal(r.limit_hit, BP_MEMORY);
	assert_int_equal(r.limit_method, METH_KERNEL_COUNTER);
	assert_int_equal(r.oom_kills, 1);
	assert_string_equal(
	    r.cause, "SIGKILL not from the OOM killer: it chose pid 4101 (hog) (kernel-log)");
	assert_false(r.unavailable & UNAV_OOM_VICTIM);

	/* the main process itself chosen */
	f = oom_run(w_signal(SIGKILL), 1, METH_KERNEL_LOG);
	add_victim(&f, MAIN, "mem-hog");
	classify(&f, &r);
	assert_int_equal(r.outcome, OUT_OOM_KILLED);
	assert_int_equal(r.limit_hit, BP_MEMORY);
	assert_non_null(strstr(r.cause, "chose the main process pid 4100 (mem-hog)"));

	/* the log cannot be read (no CAP_SYSLOG): inferred from the counter,
	 * and the row says the victim is unavailable */
	f = oom_run(w_signal(SIGKILL), 1, METH_NONE);
	classify(&f, &r);
	assert_int_equal(r.outcome, OUT_OOM_KILLED);
	assert_int_equal(r.limit_hit, BP_MEMORY);
	assert_true(r.unavailable & UNAV_OOM_VICTIM);
	assert_non_null(strstr(r.cause, "unavailable"));

	/* the log was read but named nobody of the run (its oom-kill lines are
	 * rate-limited): not the main process, whose record is never limited */
	f = oom_run(w_signal(SIGKILL), 2, METH_KERNEL_LOG);
	classify(&f, &r);
	assert_int_equal(r.outcome, OUT_SIGNALED);
	assert_int_equal(r.limit_hit, BP_MEMORY);
	assert_non_null(strstr(r.cause, "another process of the run"));

	/* a child OOM-killed while the main process exits 0 */
	f = oom_run(w_exit(0), 1, METH_KERNEL_LOG);
	add_victim(&f, MAIN + 7, "worker");
	classify(&f, &r);
	assert_int_equal(r.outcome, OUT_EXITED);
	assert_int_equal(r.limit_hit, BP_MEMORY);

	/* no memory cgroup: the global OOM killer chose the main process */
	f = ended(w_signal(SIGKILL));
	f.victims_method = METH_KERNEL_LOG;
	add_victim(&f, MAIN, "big");
	classify(&f, &r);
	assert_int_equal(r.outcome, OUT_OOM_KILLED);
	assert_int_equal(r.limit_hit, BP_MEMORY);
	assert_int_equal(r.limit_method, METH_KERNEL_LOG);
	assert_int_equal(r.oom_kills, RES_NONE);
	assert_false(r.unavailable & UNAV_OOM_VICTIM);
}

static struct run_facts cpu_run(int sig, double soft, double hard, double cpu)
{
	struct run_facts f = ended(w_signal(sig));
	f.cpu_soft_s = soft;
	f.cpu_hard_s = hard;
	f.main_cpu_s = cpu;
	f.main_cpu_method = METH_EXIT_STOP;
	return f;
}

static void test_classify_cpu_time(void **state)
{
	(void)state;
	struct run_result r;

	/* --cpu-time 10s (soft 10 s, hard 11 s), SIGKILLs itself after 0.2 s
	 * of CPU: not the limit */
	struct run_facts f = cpu_run(SIGKILL, 10, 11, 0.2);
	classify(&f, &r);
	assert_int_equal(r.outcome, OUT_SIGNALED);
	assert_int_equal(r.limit_hit, BP_NONE);
	assert_string_equal(r.cause, "SIGKILL with 0.20 s of CPU: short of its cpu-time limit "
				     "(10 s soft; 11 s hard)");

	/* a busy loop that ignores SIGXCPU: SIGKILL when its CPU time reaches
	 * the hard limit, read exactly in the exit stop */
	f = cpu_run(SIGKILL, 1, 2, 2.004);
	classify(&f, &r);
	assert_int_equal(r.outcome, OUT_SIGNALED);
	assert_int_equal(r.limit_hit, BP_CPU_TIME);
	assert_int_equal(r.limit_method, METH_EXIT_STOP);
	assert_non_null(strstr(r.cause, "SIGKILL at the cpu-time limit (2.00 s of CPU"));
	f = cpu_run(SIGKILL, 1, 2, 1.99);
	classify(&f, &r);
	assert_int_equal(r.limit_hit, BP_NONE);
	/* from wait4's rusage (the scheduler's runtime, behind the tick count
	 * the kernel compares): within a tenth of the limit */
	f = cpu_run(SIGKILL, 1, 2, 1.85);
	f.main_cpu_method = METH_EXIT_STATUS;
	classify(&f, &r);
	assert_int_equal(r.limit_hit, BP_CPU_TIME);
	assert_int_equal(r.limit_method, METH_EXIT_STATUS);
	f.main_cpu_s = 1.7;
	classify(&f, &r);
	assert_int_equal(r.limit_hit, BP_NONE);

	/* SIGXCPU seen in the traced program's signal stop: sent by the kernel
	 * (at the soft limit, whatever the time reads) or by kill(1) */
	f = cpu_run(SIGXCPU, 1, 2, 1.0);
	f.kernel_sigxcpu = 1;
	classify(&f, &r);
	assert_int_equal(r.limit_hit, BP_CPU_TIME);
	assert_int_equal(r.limit_method, METH_SIGNAL_STOP);
	assert_non_null(strstr(r.cause, "SIGXCPU at the cpu-time limit (1.00 s of CPU"));
	f = cpu_run(SIGXCPU, 1, 2, 0.3);
	f.kernel_sigxcpu = 0;
	classify(&f, &r);
	assert_int_equal(r.limit_hit, BP_NONE);
	assert_non_null(strstr(r.cause, "SIGXCPU with 0.30 s of CPU"));
	assert_non_null(strstr(r.cause, "(1 s soft; 2 s hard)"));

	/* a program that set its own soft limit to 1 s under hard 2 s: SIGXCPU
	 * at 1 s is the limit, a SIGKILL at 1 s is not */
	f = cpu_run(SIGXCPU, 1, 2, 1.0);
	classify(&f, &r);
	assert_int_equal(r.limit_hit, BP_CPU_TIME);
	f = cpu_run(SIGKILL, 1, 2, 1.0);
	classify(&f, &r);
	assert_int_equal(r.limit_hit, BP_NONE);
	f = cpu_run(SIGKILL, 1, 2, 2.0);
	classify(&f, &r);
	assert_int_equal(r.limit_hit, BP_CPU_TIME);

	/* CPU time unknown: SIGXCPU is the limit's own signal, SIGKILL is not */
	f = cpu_run(SIGXCPU, 1, 1, -1);
	classify(&f, &r);
	assert_int_equal(r.limit_hit, BP_CPU_TIME);
	assert_int_equal(r.limit_method, METH_EXIT_STATUS);
	assert_string_equal(r.cause, "SIGXCPU at the cpu-time limit");
	f = cpu_run(SIGKILL, 1, 1, -1);
	classify(&f, &r);
	assert_int_equal(r.limit_hit, BP_NONE);

	/* no cpu-time limit at all: a SIGXCPU from kill(1) is only a signal */
	f = cpu_run(SIGXCPU, -1, -1, 5);
	classify(&f, &r);
	assert_int_equal(r.limit_hit, BP_NONE);
	assert_int_equal(r.outcome, OUT_SIGNALED);
}

static void test_classify_nofile_pids(void **state)
{
	(void)state;
	struct run_result r;

	/* the fd-exhaust shape: 1024 fds of 1024, counted in the exit stop */
	struct run_facts f = ended(w_exit(1));
	f.fd_limit = 1024;
	f.max_fds_one = 1024;
	f.max_fds_method = METH_EXIT_STOP;
	classify(&f, &r);
	assert_true(r.fd_exhausted);
	assert_int_equal(r.limit_hit, BP_NOFILE);
	assert_int_equal(r.limit_method, METH_EXIT_STOP);
	f.max_fds_one = 1023;
	classify(&f, &r);
	assert_false(r.fd_exhausted);
	assert_int_equal(r.limit_hit, BP_NONE);
	/* bash's fds start at 10: EMFILE at 249 fds, seen another way */
	f.max_fds_one = 249;
	f.fd_limit = 256;
	f.emfile_method = METH_SAMPLING;
	classify(&f, &r);
	assert_true(r.fd_exhausted);
	assert_int_equal(r.limit_hit, BP_NOFILE);
	assert_int_equal(r.limit_method, METH_SAMPLING);

	/* the thread bomb: pids.events counted refused clones */
	f = ended(w_exit(0));
	f.pids_limit_hits = 3;
	classify(&f, &r);
	assert_int_equal(r.limit_hit, BP_PIDS);
	assert_int_equal(r.limit_method, METH_KERNEL_COUNTER);
	assert_int_equal(r.pids_limit_hits, 3);
	f.pids_limit_hits = 0;
	classify(&f, &r);
	assert_int_equal(r.limit_hit, BP_NONE);

	/* the order: memory before nofile before pids */
	f = oom_run(w_exit(0), 1, METH_KERNEL_LOG);
	f.fd_limit = 10;
	f.max_fds_one = 10;
	f.pids_limit_hits = 1;
	classify(&f, &r);
	assert_int_equal(r.limit_hit, BP_MEMORY);
	assert_true(r.fd_exhausted);
	f.oom_kills = 0;
	classify(&f, &r);
	assert_int_equal(r.limit_hit, BP_NOFILE);

	/* `opener 61` under nofile 64: the table full to the limit (61 and
	 * stdin, stdout, stderr), no call failed. With the syscall watch that is
	 * no exhaustion (search's rule); without it the count is the evidence. */
	f = ended(w_exit(0));
	f.fd_limit = 64;
	f.max_fds_one = 64;
	f.max_fds_method = METH_SAMPLING;
	f.emfile_method = METH_SAMPLING; /* a sample saw a process at its limit */
	f.syscalls_watched = true;
	classify(&f, &r);
	assert_false(r.fd_exhausted);
	assert_int_equal(r.limit_hit, BP_NONE);
	/* ... an EMFILE (or ENFILE) the kernel saw is */
	f.emfile_method = METH_TRACEPOINT;
	classify(&f, &r);
	assert_true(r.fd_exhausted);
	assert_int_equal(r.limit_hit, BP_NOFILE);
	assert_int_equal(r.limit_method, METH_TRACEPOINT);
	f.emfile_method = METH_SAMPLING;
	f.syscalls_watched = false;
	classify(&f, &r);
	assert_true(r.fd_exhausted);
	assert_int_equal(r.limit_hit, BP_NOFILE);
}

/* What the kernel saw (syswatch.h): its record of an EMFILE names the method
 * of fd exhaustion even where a sample saw the limit too (the fd-exhausted
 * event shows that record); EAGAIN from a fork under a finite RLIMIT_NPROC is
 * nproc unless the pids limit refused a fork; OOM victims the tracepoint named
 * in a memory cgroup whose counter did not move (v1: a kill in a group below
 * the run's) are OOM kills of the run. */
static void test_classify_kernel_seen(void **state)
{
	(void)state;
	struct run_result r;

	/* survives EMFILE holding its 256 fds a while: sampled at the limit */
	struct run_facts f = ended(w_exit(0));
	f.fd_limit = 256;
	f.max_fds_one = 256;
	f.max_fds_method = METH_SAMPLING;
	f.emfile_method = METH_TRACEPOINT;
	classify(&f, &r);
	assert_int_equal(r.limit_hit, BP_NOFILE);
	assert_int_equal(r.limit_method, METH_TRACEPOINT);

	/* a fork bomb under --user nobody --nproc 5 */
	f = ended(w_exit(0));
	f.pids_limit_hits = 0;
	f.eagain_under_nproc = true;
	classify(&f, &r);
	assert_int_equal(r.limit_hit, BP_NPROC);
	assert_int_equal(r.limit_method, METH_TRACEPOINT);
	f.pids_limit_hits = 2; /* the pids limit refused it */
	classify(&f, &r);
	assert_int_equal(r.limit_hit, BP_PIDS);

	/* a self-lowered RLIMIT_DATA, then RLIMIT_AS too: as first */
	f = ended(w_exit(0));
	f.enomem_count = 1;
	f.data_limited = true;
	classify(&f, &r);
	assert_int_equal(r.limit_hit, BP_DATA);
	f.as_limited = true;
	classify(&f, &r);
	assert_int_equal(r.limit_hit, BP_AS);
	assert_int_equal(r.limit_method, METH_TRACEPOINT);

	/* a child OOM-killed in a nested group on v1: the counter stayed 0 */
	f = oom_run(w_exit(0), 0, METH_TRACEPOINT);
	add_victim(&f, MAIN + 1, "child");
	add_victim(&f, MAIN + 2, "child");
	classify(&f, &r);
	assert_int_equal(r.oom_kills, 2);
	assert_int_equal(r.limit_hit, BP_MEMORY);
	assert_int_equal(r.limit_method, METH_TRACEPOINT);
	assert_int_equal(r.outcome, OUT_EXITED);
	/* the counter ahead of the victims named: the counter */
	f.oom_kills = 3;
	classify(&f, &r);
	assert_int_equal(r.oom_kills, 3);
	assert_int_equal(r.limit_method, METH_KERNEL_COUNTER);
	/* no memory cgroup: the machine's OOM killer took a child, not the
	 * run's limit */
	f.oom_kills = RES_NONE;
	classify(&f, &r);
	assert_int_equal(r.oom_kills, RES_NONE);
	assert_int_equal(r.limit_hit, BP_NONE);
	/* victims from the kernel log are not counted over the counter (it
	 * names the machine's kills, the run's group read from its record) */
	f = oom_run(w_exit(0), 0, METH_KERNEL_LOG);
	add_victim(&f, MAIN + 1, "child");
	classify(&f, &r);
	assert_int_equal(r.oom_kills, 0);
}

static void test_classify_brink_ends(void **state)
{
	(void)state;
	struct run_result r;

	/* killed at the timeout: brink's SIGKILL, not the OOM killer's and not
	 * the cpu-time limit's */
	struct run_facts f = cpu_run(SIGKILL, 1, 1, 1.5);
	f.timed_out = true;
	classify(&f, &r);
	assert_int_equal(r.outcome, OUT_TIMEOUT);
	assert_int_equal(r.limit_hit, BP_TIMEOUT);
	assert_int_equal(r.limit_method, METH_TIMER);
	assert_int_equal(r.signal, SIGKILL);
	assert_string_equal(r.cause, "killed by brink at the timeout");

	/* interrupted while timing out: interrupted wins */
	f.interrupted = true;
	classify(&f, &r);
	assert_int_equal(r.outcome, OUT_INTERRUPTED);

	/* a real breaking point before the timeout is kept */
	f = ended(w_signal(SIGKILL));
	f.timed_out = true;
	f.pids_limit_hits = 1;
	classify(&f, &r);
	assert_int_equal(r.outcome, OUT_TIMEOUT);
	assert_int_equal(r.limit_hit, BP_PIDS);

	/* never ended (brink failed mid-run): nothing is made up */
	struct run_facts none;
	run_facts_init(&none);
	classify(&none, &r);
	assert_int_equal(r.exit_code, RES_NONE);
	assert_int_equal(r.signal, RES_NONE);
	assert_int_equal(r.limit_hit, BP_NONE);
	assert_string_equal(r.cause, "");
}

static void test_names(void **state)
{
	(void)state;
	for (int b = 0; b < BP__COUNT; b++)
		assert_int_equal(breaking_point_from_name(breaking_point_name(b)), b);
	assert_string_equal(breaking_point_name(BP_NONE), "");
	assert_string_equal(breaking_point_name(BP_CPU_TIME), "cpu-time");
	assert_string_equal(breaking_point_name(BP_NPROC), "nproc");
	assert_true(breaking_point_is_growth(BP_NPROC) && breaking_point_is_limit(BP_NPROC));
	assert_int_equal(breaking_point_from_name("none"), -1);
	assert_int_equal(breaking_point_from_name("Memory"), -1);
	assert_string_equal(breaking_point_name(BP__COUNT), "unknown");
	assert_true(breaking_point_is_growth(BP_NOFILE) && breaking_point_is_growth(BP_MEMORY) &&
		    breaking_point_is_growth(BP_PIDS));
	assert_false(breaking_point_is_growth(BP_CPU_TIME) ||
		     breaking_point_is_growth(BP_TIMEOUT) || breaking_point_is_growth(BP_NONE));
	assert_true(breaking_point_is_limit(BP_CPU_TIME));
	assert_false(breaking_point_is_limit(BP_TIMEOUT) || breaking_point_is_limit(BP_NONE));
	for (int m = 0; m < METH__COUNT; m++)
		assert_int_equal(method_from_name(method_name(m)), m);
	assert_string_equal(method_name(METH_KERNEL_LOG), "kernel-log");
	for (int v = 0; v < LEAK__COUNT; v++)
		assert_int_equal(leak_verdict_from_name(leak_verdict_name(v)), v);
	assert_int_equal(leak_verdict_from_name("maybe"), -1);
	char buf[128];
	unavail_format(UNAV_OOM_VICTIM | UNAV_MEM, buf, sizeof(buf));
	assert_string_equal(buf, "mem;oom-victim");
	unsigned mask;
	assert_int_equal(unavail_parse("oom-victim", &mask), 0);
	assert_int_equal(mask, UNAV_OOM_VICTIM);
}

static void test_oom_parse_kmsg(void **state)
{
	(void)state;
	pid_t pid = 0;
	char comm[16], memcg[256];
	/* lines as this kernel (6.18) writes them */
	assert_int_equal(
	    oom_parse_kmsg("oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,"
			   "mems_allowed=0,oom_memcg=/a/brink-1291-49260/run-1,task_memcg=/a/"
			   "brink-1291-49260/run-1/x,task=hog,pid=1292,uid=0",
			   &pid, comm, memcg, sizeof(memcg)),
	    1);
	assert_int_equal(pid, 1292);
	assert_string_equal(comm, "hog");
	assert_string_equal(memcg, "/a/brink-1291-49260/run-1/x");
	assert_int_equal(oom_parse_kmsg("Memory cgroup out of memory: Killed process 429 (a) b) "
					"total-vm:68276kB, anon-rss:65280kB, file-rss:1128kB, "
					"shmem-rss:0kB, UID:0 pgtables:180kB oom_score_adj:0",
					&pid, comm, memcg, sizeof(memcg)),
			 1);
	assert_int_equal(pid, 429);
	assert_string_equal(comm, "a) b"); /* a name may hold ") " */
	assert_string_equal(memcg, "");
	assert_int_equal(oom_parse_kmsg("Out of memory: Killed process 77 (java) total-vm:1kB",
					&pid, comm, memcg, sizeof(memcg)),
			 1);
	assert_int_equal(pid, 77);
	/* lines that name no victim */
	assert_int_equal(oom_parse_kmsg("brink invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL)",
					&pid, comm, memcg, sizeof(memcg)),
			 0);
	assert_int_equal(oom_parse_kmsg("oom-kill:constraint=CONSTRAINT_NONE,task=x", &pid, comm,
					memcg, sizeof(memcg)),
			 0);
	assert_int_equal(oom_parse_kmsg("Killed process abc (x)", &pid, comm, memcg, sizeof(memcg)),
			 0);
}

/* ---- expectations ------------------------------------------------------ */

static void test_expect_parse_ok(void **state)
{
	(void)state;
	struct expect e;
	const char *why = NULL;
	assert_int_equal(expect_parse("leak", &e, &why), 0);
	assert_true(e.set);
	assert_int_equal(e.leak, 1);
	assert_int_equal(e.breaks, -1);
	assert_string_equal(e.raw, "leak");

	assert_int_equal(expect_parse("no-leak", &e, &why), 0);
	assert_int_equal(e.leak, 0);
	assert_int_equal(e.breaks, -1);

	assert_int_equal(expect_parse("leak breaks=nofile", &e, &why), 0);
	assert_int_equal(e.leak, 1);
	assert_int_equal(e.breaks, BP_NOFILE);
	assert_string_equal(e.raw, "leak breaks=nofile");

	assert_int_equal(expect_parse("  breaks=none\tno-leak  ", &e, &why), 0);
	assert_int_equal(e.leak, 0);
	assert_int_equal(e.breaks, BP_NONE);
	assert_string_equal(e.raw, "  breaks=none\tno-leak  ");

	const char *limits[] = {"memory", "pids", "cpu-time", "as", "data", "nproc", "timeout"};
	const enum breaking_point bps[] = {BP_MEMORY, BP_PIDS,	BP_CPU_TIME, BP_AS,
					   BP_DATA,   BP_NPROC, BP_TIMEOUT};
	for (size_t i = 0; i < sizeof(bps) / sizeof(bps[0]); i++) {
		char buf[64];
		snprintf(buf, sizeof(buf), "leak breaks=%s", limits[i]);
		assert_int_equal(expect_parse(buf, &e, &why), 0);
		assert_int_equal(e.breaks, bps[i]);
	}
}

static void test_expect_parse_errors(void **state)
{
	(void)state;
	const char *bad[] = {
	    "",
	    "   ",
	    "maybe",
	    "Leak",
	    "leak no-leak",
	    "leak leak",
	    "breaks=nofile",
	    "leak breaks=",
	    "leak breaks=disk",
	    "leak breaks=nofile breaks=pids",
	    "leak,breaks=nofile",
	    "leak breaks=nofile,",
	    "leak breaks = nofile",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct expect e = {.leak = 42};
		const char *why = NULL;
		if (expect_parse(bad[i], &e, &why) != -1)
			fail_msg("expect_parse accepted \"%s\"", bad[i]);
		assert_non_null(why);
		assert_true(strlen(why) > 10);
		assert_int_equal(e.leak, 42); /* untouched */
	}
	char longs[200];
	memset(longs, ' ', sizeof(longs) - 6);
	strcpy(longs + sizeof(longs) - 6, "leak");
	struct expect e;
	const char *why = NULL;
	assert_int_equal(expect_parse(longs, &e, &why), -1);
}

static void test_expect_check(void **state)
{
	(void)state;
	struct expect e;
	const char *why;
	struct run_result r;

	/* no expectation: nothing to check, whatever happened */
	run_result_init(&r);
	memset(&e, 0, sizeof(e));
	r.leak = LEAK_YES;
	assert_int_equal(expect_check(&e, &r), 0);
	assert_string_equal(r.expect_failure, "");

	assert_int_equal(expect_parse("leak breaks=nofile", &e, &why), 0);
	r.limit_hit = BP_NOFILE;
	r.leak = LEAK_YES;
	assert_int_equal(expect_check(&e, &r), 0);
	assert_string_equal(r.expect_failure, "");

	r.leak = LEAK_NO;
	assert_int_equal(expect_check(&e, &r), 1);
	assert_string_equal(r.expect_failure, "expected leak, got no leak");

	r.leak = LEAK_YES;
	r.limit_hit = BP_MEMORY;
	assert_int_equal(expect_check(&e, &r), 1);
	assert_string_equal(r.expect_failure, "expected breaks=nofile, got memory");

	r.limit_hit = BP_NONE;
	assert_int_equal(expect_check(&e, &r), 1);
	assert_string_equal(r.expect_failure, "expected breaks=nofile, got none");

	r.leak = LEAK_NO;
	r.limit_hit = BP_PIDS;
	assert_int_equal(expect_check(&e, &r), 1);
	assert_string_equal(r.expect_failure,
			    "expected leak, got no leak; expected breaks=nofile, got pids");

	/* a passing check clears an earlier failure */
	assert_int_equal(expect_parse("no-leak", &e, &why), 0);
	r.limit_hit = BP_TIMEOUT; /* any breaking point is fine here */
	assert_int_equal(expect_check(&e, &r), 0);
	assert_string_equal(r.expect_failure, "");
	r.leak = LEAK_YES;
	assert_int_equal(expect_check(&e, &r), 1);
	assert_string_equal(r.expect_failure, "expected no leak, got leak");

	/* too short for a verdict: no leak was found, so no-leak holds and
	 * leak does not, and the message says why */
	r.leak = LEAK_NONE;
	r.limit_hit = BP_NONE;
	assert_int_equal(expect_check(&e, &r), 0);
	assert_int_equal(expect_parse("leak", &e, &why), 0);
	assert_int_equal(expect_check(&e, &r), 1);
	assert_string_equal(r.expect_failure, "expected leak, got no verdict (run too short)");

	/* breaks=none: no limit may end the run */
	assert_int_equal(expect_parse("no-leak breaks=none", &e, &why), 0);
	r.leak = LEAK_NO;
	r.limit_hit = BP_NONE;
	assert_int_equal(expect_check(&e, &r), 0);
	r.limit_hit = BP_NOFILE;
	assert_int_equal(expect_check(&e, &r), 1);
	assert_string_equal(r.expect_failure, "expected breaks=none, got nofile");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mk_hand_examples),
	    cmocka_unit_test(test_mk_degenerate),
	    cmocka_unit_test(test_ts_small_exact),
	    cmocka_unit_test(test_ts_matches_sorted_median),
	    cmocka_unit_test(test_ts_timing_1024),
	    cmocka_unit_test(test_flat),
	    cmocka_unit_test(test_linear),
	    cmocka_unit_test(test_noisy_linear),
	    cmocka_unit_test(test_step),
	    cmocka_unit_test(test_sawtooth),
	    cmocka_unit_test(test_series_small),
	    cmocka_unit_test(test_series_decimation),
	    cmocka_unit_test(test_verdict_fd_leak),
	    cmocka_unit_test(test_verdict_flat),
	    cmocka_unit_test(test_verdict_sawtooth),
	    cmocka_unit_test(test_verdict_below_threshold),
	    cmocka_unit_test(test_verdict_two_metrics),
	    cmocka_unit_test(test_verdict_decreasing),
	    cmocka_unit_test(test_verdict_warmup),
	    cmocka_unit_test(test_verdict_short_run),
	    cmocka_unit_test(test_verdict_cgroup_memory),
	    cmocka_unit_test(test_classify_exit),
	    cmocka_unit_test(test_classify_oom_victim),
	    cmocka_unit_test(test_classify_cpu_time),
	    cmocka_unit_test(test_classify_nofile_pids),
	    cmocka_unit_test(test_classify_kernel_seen),
	    cmocka_unit_test(test_classify_brink_ends),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_oom_parse_kmsg),
	    cmocka_unit_test(test_verdict_breaking_points),
	    cmocka_unit_test(test_verdict_empty_series),
	    cmocka_unit_test(test_expect_parse_ok),
	    cmocka_unit_test(test_expect_parse_errors),
	    cmocka_unit_test(test_expect_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
