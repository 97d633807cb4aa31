/* test_stats.c - Mann-Whitney U against known values and against the
 * definition (brute-force enumeration of every split of the pooled sample). */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "stats.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void assert_close(double got, double want, double tol)
{
	if (fabs(got - want) > tol)
		fail_msg("got %.12g, want %.12g (tolerance %g)", got, want, tol);
}

/* Complete separation: U = 0 and P(U <= 0) = 1 / C(6,3) = 1/20, so the
 * two-sided p is 2/20. */
static void test_exact_separated_3_3(void **state)
{
	(void)state;
	double x[] = {1, 2, 3}, y[] = {4, 5, 6};
	struct mwu_result r;
	assert_int_equal(mann_whitney_u(x, 3, y, 3, &r), 0);
	assert_true(r.exact);
	assert_close(r.u, 0, 0);
	assert_close(r.p, 0.1, 1e-12);
	/* swapped: U of x is now nx*ny = 9, same p */
	assert_int_equal(mann_whitney_u(y, 3, x, 3, &r), 0);
	assert_close(r.u, 9, 0);
	assert_close(r.p, 0.1, 1e-12);
}

/* 4 vs 4 separated: 2 / C(8,4) = 2/70. */
static void test_exact_separated_4_4(void **state)
{
	(void)state;
	double x[] = {8, 6, 7, 5}, y[] = {3, 1, 4, 2};
	struct mwu_result r;
	assert_int_equal(mann_whitney_u(x, 4, y, 4, &r), 0);
	assert_close(r.u, 16, 0);
	assert_close(r.p, 2.0 / 70.0, 1e-12);
}

/* Interleaved 3 vs 3: ranks of x are 1,3,5, U = 3. The null distribution of U
 * for (3,3) has counts 1,1,2,3,3,3,3,2,1,1 over U = 0..9 (total 20), so
 * P(U <= 3) = 7/20 and the two-sided p is 14/20. */
static void test_exact_interleaved(void **state)
{
	(void)state;
	double x[] = {1, 3, 5}, y[] = {2, 4, 6};
	struct mwu_result r;
	assert_int_equal(mann_whitney_u(x, 3, y, 3, &r), 0);
	assert_close(r.u, 3, 0);
	assert_close(r.p, 0.7, 1e-12);
}

/* Identical samples: p must be 1, never above. */
static void test_exact_identical(void **state)
{
	(void)state;
	double x[] = {5, 6, 7}, y[] = {5, 6, 7};
	struct mwu_result r;
	assert_int_equal(mann_whitney_u(x, 3, y, 3, &r), 0);
	assert_close(r.u, 4.5, 0);
	assert_close(r.p, 1.0, 1e-12);
}

/* The textbook example of Hollander & Wolfe used by R's wilcox.test manual
 * page: W = 35, one-sided p = 0.1272, two-sided 0.2544. */
static void test_exact_hollander_wolfe(void **state)
{
	(void)state;
	double x[] = {0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
	double y[] = {1.15, 0.88, 0.90, 0.74, 1.21};
	struct mwu_result r;
	assert_int_equal(mann_whitney_u(x, NELEM(x), y, NELEM(y), &r), 0);
	assert_true(r.exact);
	assert_close(r.u, 35, 0);
	assert_close(r.p, 0.2544, 5e-5);
}

/* Ties by hand: values 1,1,1,2 get midranks 2,2,2,4. x = {1,1} has rank sum 4,
 * U = 4 - 3 = 1. The six splits give rank sums 4 (three ways) and 6 (three
 * ways): P(R <= 4) = 1/2, P(R >= 4) = 1, two-sided p = 1. Moving x to {1,2}
 * gives R = 6: P(R >= 6) = 1/2, p = 1. */
static void test_exact_ties_by_hand(void **state)
{
	(void)state;
	double x[] = {1, 1}, y[] = {1, 2};
	struct mwu_result r;
	assert_int_equal(mann_whitney_u(x, 2, y, 2, &r), 0);
	assert_close(r.u, 1, 0);
	assert_close(r.p, 1.0, 1e-12);

	/* values 1,2,2,3 -> midranks 1,2.5,2.5,4; x = {2,3}: R = 6.5, U = 3.5.
	 * Splits: {1,2.5}x2 = 3.5, {1,4} = 5, {2.5,2.5} = 5, {2.5,4}x2 = 6.5.
	 * P(R >= 6.5) = 2/6, P(R <= 6.5) = 1: p = 4/6. */
	double a[] = {2, 3}, b[] = {1, 2};
	assert_int_equal(mann_whitney_u(a, 2, b, 2, &r), 0);
	assert_close(r.u, 3.5, 0);
	assert_close(r.p, 4.0 / 6.0, 1e-12);
}

/* The definition: U counts pairs, p is the share of all C(n, nx) splits of the
 * pooled midranks at least as extreme in each tail, doubled. Enumerated here
 * by brute force over bit masks, independently of the counting table. */
static double midrank(const double *pool, size_t n, double v)
{
	double below = 0, equal = 0;
	for (size_t i = 0; i < n; i++) {
		below += pool[i] < v;
		equal += pool[i] == v;
	}
	return below + (equal + 1) / 2.0;
}

static void brute_force(const double *x, size_t nx, const double *y, size_t ny, double *u,
			double *p)
{
	size_t n = nx + ny;
	double pool[32], rank[32];
	for (size_t i = 0; i < n; i++)
		pool[i] = i < nx ? x[i] : y[i - nx];
	for (size_t i = 0; i < n; i++)
		rank[i] = midrank(pool, n, pool[i]);
	double obs = 0;
	for (size_t i = 0; i < nx; i++)
		obs += rank[i];
	*u = 0;
	for (size_t i = 0; i < nx; i++)
		for (size_t j = 0; j < ny; j++)
			*u += x[i] > y[j] ? 1.0 : x[i] == y[j] ? 0.5 : 0.0;
	double lo = 0, hi = 0, total = 0;
	for (uint32_t m = 0; m < (1u << n); m++) {
		if ((size_t)__builtin_popcount(m) != nx)
			continue;
		double s = 0;
		for (size_t i = 0; i < n; i++)
			if (m & (1u << i))
				s += rank[i];
		total++;
		lo += s <= obs + 1e-9;
		hi += s >= obs - 1e-9;
	}
	*p = fmin(1.0, 2 * fmin(lo, hi) / total);
}

static void test_exact_matches_definition(void **state)
{
	(void)state;
	/* fixed pseudo-random samples with many ties (values 0..4) */
	uint32_t seed = 12345;
	for (int round = 0; round < 200; round++) {
		size_t nx = 1 + round % 7, ny = 1 + (round / 7) % 7;
		double x[8], y[8];
		for (size_t i = 0; i < nx; i++) {
			seed = seed * 1103515245u + 12345u;
			x[i] = (seed >> 16) % 5;
		}
		for (size_t i = 0; i < ny; i++) {
			seed = seed * 1103515245u + 12345u;
			y[i] = (seed >> 16) % 5 + (round % 3 == 0);
		}
		double u, p;
		brute_force(x, nx, y, ny, &u, &p);
		struct mwu_result r;
		assert_int_equal(mann_whitney_u_exact(x, nx, y, ny, &r), 0);
		assert_close(r.u, u, 1e-12);
		assert_close(r.p, p, 1e-12);
	}
}

/* Normal approximation, values from the definition (U by pair counting,
 * Var = n1 n2 / 12 ((n+1) - sum(t^3-t) / (n(n-1))), |U - mu| - 0.5, erfc),
 * computed independently in Python. */
static void test_normal_separated(void **state)
{
	(void)state;
	double x[25], y[25];
	for (int i = 0; i < 25; i++) {
		x[i] = i + 1;
		y[i] = i + 26;
	}
	struct mwu_result r;
	assert_int_equal(mann_whitney_u(x, 25, y, 25, &r), 0);
	assert_false(r.exact);
	assert_close(r.u, 0, 0);
	assert_close(r.z, -6.053689200906871, 1e-9);
	assert_close(r.p, 1.4156562248495634e-09, 1e-15);
}

static void test_normal_ties(void **state)
{
	(void)state;
	double x[30], y[25];
	for (int i = 0; i < 30; i++)
		x[i] = i % 7;
	for (int i = 0; i < 25; i++)
		y[i] = i % 9 + 1;
	struct mwu_result r;
	assert_int_equal(mann_whitney_u(x, 30, y, 25, &r), 0);
	assert_false(r.exact);
	assert_close(r.u, 217.5, 0);
	assert_close(fabs(r.z), 2.6726520826278479, 1e-9);
	assert_close(r.p, 0.0075254254402242864, 1e-12);

	double a[30], b[30];
	const double pa[] = {1, 2, 2, 3, 3, 3, 4, 4, 5, 6}, pb[] = {2, 3, 3, 4, 4, 5, 5, 6, 7, 7};
	for (int i = 0; i < 30; i++) {
		a[i] = pa[i % 10];
		b[i] = pb[i % 10];
	}
	assert_int_equal(mann_whitney_u(a, 30, b, 30, &r), 0);
	assert_close(r.u, 256.5, 0);
	assert_close(r.p, 0.0037254341629963232, 1e-12);
}

/* Where both apply, the approximation should be near the exact value. */
static void test_normal_near_exact(void **state)
{
	(void)state;
	double x[20], y[20];
	for (int i = 0; i < 20; i++) {
		x[i] = i * 1.5;
		y[i] = i * 1.5 + 7.25;
	}
	struct mwu_result e, n;
	assert_int_equal(mann_whitney_u_exact(x, 20, y, 20, &e), 0);
	assert_int_equal(mann_whitney_u_normal(x, 20, y, 20, &n), 0);
	assert_close(e.u, n.u, 0);
	assert_close(n.p, e.p, 0.01);
	assert_true(e.p < 0.2 && e.p > 0.001);
}

static void test_all_tied(void **state)
{
	(void)state;
	double x[30], y[30];
	for (int i = 0; i < 30; i++)
		x[i] = y[i] = 42;
	struct mwu_result r;
	assert_int_equal(mann_whitney_u(x, 30, y, 30, &r), 0);
	assert_close(r.p, 1.0, 0);
	assert_int_equal(mann_whitney_u(x, 3, y, 3, &r), 0);
	assert_close(r.p, 1.0, 1e-12);
}

static void test_bad_input(void **state)
{
	(void)state;
	double x[] = {1, NAN}, y[] = {1, 2};
	struct mwu_result r;
	errno = 0;
	assert_int_equal(mann_whitney_u(x, 0, y, 2, &r), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(mann_whitney_u(x, 2, y, 2, &r), -1);
	assert_int_equal(errno, EINVAL);
	double big[41] = {0};
	assert_int_equal(mann_whitney_u_exact(big, 21, big, 20, &r), -1);
	assert_int_equal(errno, E2BIG);
}

static void test_median(void **state)
{
	(void)state;
	double odd[] = {5, 1, 3}, even[] = {4, 1, 3, 2};
	assert_close(stats_median(odd, 3), 3, 0);
	assert_close(stats_median(even, 4), 2.5, 0);
	assert_close(odd[0], 5, 0); /* input untouched */
	assert_true(isnan(stats_median(odd, 0)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exact_separated_3_3),
	    cmocka_unit_test(test_exact_separated_4_4),
	    cmocka_unit_test(test_exact_interleaved),
	    cmocka_unit_test(test_exact_identical),
	    cmocka_unit_test(test_exact_hollander_wolfe),
	    cmocka_unit_test(test_exact_ties_by_hand),
	    cmocka_unit_test(test_exact_matches_definition),
	    cmocka_unit_test(test_normal_separated),
	    cmocka_unit_test(test_normal_ties),
	    cmocka_unit_test(test_normal_near_exact),
	    cmocka_unit_test(test_all_tied),
	    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_median),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
