/* stats.h - two-sample statistics for `brink compare`.
 *
 * Mann-Whitney U (Wilcoxon rank-sum) test, two-sided. Ties get midranks.
 * Small samples (nx + ny <= MWU_EXACT_MAX_N) get the exact p-value: the
 * permutation distribution of the rank sum, counted over all C(nx+ny, nx) ways
 * of splitting the pooled midranks, so it is exact with ties too (conditional on
 * the tie pattern). Larger samples get the normal approximation with the tie
 * correction of the variance and a continuity correction of 0.5.
 */
#ifndef BRINK_STATS_H
#define BRINK_STATS_H

#include <stdbool.h>
#include <stddef.h>

#define MWU_EXACT_MAX_N 40

struct mwu_result {
	double u;   /* U of sample x: pairs (x_i, y_j) with x_i > y_j, ties count 1/2 */
	double z;   /* normal approximation (continuity-corrected); 0 when exact */
	double p;   /* two-sided p-value, in [0, 1] */
	bool exact; /* p comes from the exact permutation distribution */
};

/* Test x against y; picks exact or normal as described above. Returns 0, or -1
 * (errno EINVAL) when a sample is empty or holds a NaN, (ENOMEM) when out of
 * memory. */
int mann_whitney_u(const double *x, size_t nx, const double *y, size_t ny, struct mwu_result *out);

/* The two methods, forced (for tests and for explaining a result). The exact one
 * refuses nx + ny > MWU_EXACT_MAX_N (errno E2BIG): its counts would lose
 * precision and its table grows as (nx + ny)^3. */
int mann_whitney_u_exact(const double *x, size_t nx, const double *y, size_t ny,
			 struct mwu_result *out);
int mann_whitney_u_normal(const double *x, size_t nx, const double *y, size_t ny,
			  struct mwu_result *out);

/* Median of v[0..n) (mean of the two middle values for even n); v is not
 * modified. NaN for n == 0 or on allocation failure. */
double stats_median(const double *v, size_t n);

#endif
