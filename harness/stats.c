/* stats.c - see stats.h. */
#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct pooled {
	double v;
	int from_x;
};

static int cmp_pooled(const void *a, const void *b)
{
	double x = ((const struct pooled *)a)->v, y = ((const struct pooled *)b)->v;
	return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The pooled sample with doubled midranks: a tie group at 1-based sorted
 * positions i..j gets rank (i+j)/2, doubled to the integer i+j so that the
 * exact distribution can be counted over integer sums. */
struct ranking {
	size_t n;
	long *rank2;	  /* doubled midrank of each pooled value, in sorted order */
	int *from_x;	  /* 1 when the value came from x */
	long rank2_sum_x; /* doubled rank sum of x */
	double tie_term;  /* sum over tie groups of t^3 - t */
};

static void ranking_free(struct ranking *r)
{
	free(r->rank2);
	free(r->from_x);
}

static int ranking_build(const double *x, size_t nx, const double *y, size_t ny, struct ranking *r)
{
	memset(r, 0, sizeof(*r));
	if (nx == 0 || ny == 0) {
		errno = EINVAL;
		return -1;
	}
	size_t n = nx + ny;
	struct pooled *p = calloc(n, sizeof(*p));
	r->rank2 = calloc(n, sizeof(*r->rank2));
	r->from_x = calloc(n, sizeof(*r->from_x));
	if (!p || !r->rank2 || !r->from_x) {
		free(p);
		ranking_free(r);
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		p[i].v = i < nx ? x[i] : y[i - nx];
		p[i].from_x = i < nx;
		if (isnan(p[i].v)) {
			free(p);
			ranking_free(r);
			errno = EINVAL;
			return -1;
		}
	}
	qsort(p, n, sizeof(*p), cmp_pooled);
	r->n = n;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && p[j + 1].v == p[i].v)
			j++;
		/* positions i..j (0-based) are ranks i+1..j+1: doubled midrank i+j+2 */
		double t = (double)(j - i + 1);
		r->tie_term += t * t * t - t;
		for (size_t k = i; k <= j; k++) {
			r->rank2[k] = (long)(i + j + 2);
			r->from_x[k] = p[k].from_x;
			if (p[k].from_x)
				r->rank2_sum_x += r->rank2[k];
		}
		i = j + 1;
	}
	free(p);
	return 0;
}

/* U of x from its rank sum R: U = R - nx(nx+1)/2, here from the doubled sum. */
static double u_from_rank2(long rank2_sum, size_t nx)
{
	return (double)rank2_sum / 2.0 - (double)nx * (double)(nx + 1) / 2.0;
}

int mann_whitney_u_exact(const double *x, size_t nx, const double *y, size_t ny,
			 struct mwu_result *out)
{
	if (nx + ny > MWU_EXACT_MAX_N) {
		errno = E2BIG;
		return -1;
	}
	struct ranking r;
	if (ranking_build(x, nx, y, ny, &r) < 0)
		return -1;

	/* count[k][s]: ways to pick k of the values seen so far with doubled rank
	 * sum s. The doubled sum of all ranks is n(n+1). */
	size_t n = r.n;
	size_t smax = n * (n + 1);
	size_t width = smax + 1;
	double *count = calloc((nx + 1) * width, sizeof(*count));
	if (!count) {
		ranking_free(&r);
		errno = ENOMEM;
		return -1;
	}
	count[0] = 1.0;
	size_t seen = 0;
	for (size_t i = 0; i < n; i++) {
		size_t w = (size_t)r.rank2[i];
		seen++;
		size_t kmax = seen < nx ? seen : nx;
		for (size_t k = kmax; k >= 1; k--) {
			double *dst = count + k * width;
			const double *src = count + (k - 1) * width;
			for (size_t s = smax; s >= w; s--) {
				dst[s] += src[s - w];
				if (s == w)
					break;
			}
		}
	}
	const double *dist = count + nx * width;
	double total = 0, low = 0, high = 0;
	size_t obs = (size_t)r.rank2_sum_x;
	for (size_t s = 0; s <= smax; s++) {
		total += dist[s];
		if (s <= obs)
			low += dist[s];
		if (s >= obs)
			high += dist[s];
	}
	double p = 2.0 * (low < high ? low : high) / total;
	out->u = u_from_rank2(r.rank2_sum_x, nx);
	out->z = 0;
	out->p = p > 1.0 ? 1.0 : p;
	out->exact = true;
	free(count);
	ranking_free(&r);
	return 0;
}

int mann_whitney_u_normal(const double *x, size_t nx, const double *y, size_t ny,
			  struct mwu_result *out)
{
	struct ranking r;
	if (ranking_build(x, nx, y, ny, &r) < 0)
		return -1;
	double n1 = (double)nx, n2 = (double)ny, n = n1 + n2;
	double u = u_from_rank2(r.rank2_sum_x, nx);
	double mu = n1 * n2 / 2.0;
	/* Var(U) = n1 n2 / 12 * ((n + 1) - sum(t^3 - t) / (n (n - 1))) */
	double var = n1 * n2 / 12.0 * ((n + 1.0) - r.tie_term / (n * (n - 1.0)));
	out->u = u;
	out->exact = false;
	if (!(var > 0)) {
		/* every value tied: no evidence of a difference at all */
		out->z = 0;
		out->p = 1.0;
	} else {
		double d = fabs(u - mu) - 0.5;
		if (d < 0)
			d = 0;
		double z = d / sqrt(var);
		out->z = u < mu ? -z : z;
		out->p = erfc(z / sqrt(2.0));
		if (out->p > 1.0)
			out->p = 1.0;
	}
	ranking_free(&r);
	return 0;
}

int mann_whitney_u(const double *x, size_t nx, const double *y, size_t ny, struct mwu_result *out)
{
	if (nx + ny <= MWU_EXACT_MAX_N)
		return mann_whitney_u_exact(x, nx, y, ny, out);
	return mann_whitney_u_normal(x, nx, y, ny, out);
}

double stats_median(const double *v, size_t n)
{
	if (n == 0)
		return NAN;
	double *c = malloc(n * sizeof(*c));
	if (!c)
		return NAN;
	memcpy(c, v, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_double);
	double m = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2.0;
	free(c);
	return m;
}
