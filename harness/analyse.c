/* analyse.c - bounded series, Theil-Sen slope, Mann-Kendall test, the leak
 * verdict and run expectations (see analyse.h). */
#include "analyse.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void series_init(struct series *s)
{
	s->n = 0;
	s->stride = 1;
	s->seen = 0;
}

void series_add(struct series *s, double t, double v)
{
	unsigned long k = s->seen++;
	if (k % s->stride)
		return;
	if (s->n == SERIES_MAX) {
		/* Stored point i is offered point i*stride; keeping the even ones
		 * keeps exactly the multiples of 2*stride, so the spacing stays
		 * even and the first point (t = start) stays. */
		size_t j = 0;
		for (size_t i = 0; i < s->n; i += 2, j++) {
			s->t[j] = s->t[i];
			s->v[j] = s->v[i];
		}
		s->n = j;
		s->stride *= 2;
		if (k % s->stride)
			return;
	}
	s->t[s->n] = t;
	s->v[s->n] = v;
	s->n++;
}

/* xorshift64: a fixed-seed pivot source, so a slope is reproducible and no
 * input order (sorted, all equal) makes quickselect quadratic in practice. */
static uint64_t xorshift64(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Reorder a[0..n) so that a[k] holds the k-th smallest value, nothing larger
 * before it and nothing smaller after it. Three-way partitioning keeps runs of
 * equal values (every slope of a straight line is the same) linear. */
static void select_kth(double *a, size_t n, size_t k)
{
	size_t lo = 0, hi = n;
	uint64_t rng = 0x9e3779b97f4a7c15ull;
	while (hi - lo > 1) {
		double pivot = a[lo + xorshift64(&rng) % (hi - lo)];
		size_t lt = lo, i = lo, gt = hi;
		while (i < gt) {
			double x = a[i];
			if (x < pivot) {
				a[i++] = a[lt];
				a[lt++] = x;
			} else if (x > pivot) {
				a[i] = a[--gt];
				a[gt] = x;
			} else {
				i++;
			}
		}
		if (k < lt)
			hi = lt;
		else if (k >= gt)
			lo = gt;
		else
			return; /* a[lt..gt) all equal the pivot */
	}
}

double theil_sen_slope(const double *t, const double *v, size_t n)
{
	if (n < 2)
		return 0;
	if (n - 1 > SIZE_MAX / sizeof(double) / n * 2)
		return NAN;
	size_t pairs = n * (n - 1) / 2;
	double *sl = malloc(pairs * sizeof(*sl));
	if (!sl)
		return NAN;
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			double dt = t[j] - t[i];
			if (dt != 0)
				sl[m++] = (v[j] - v[i]) / dt;
		}
	double med = 0;
	if (m > 0) {
		size_t k = m / 2;
		select_kth(sl, m, k);
		med = sl[k];
		if (m % 2 == 0) {
			/* the lower middle is the largest value left of k */
			double lower = sl[0];
			for (size_t i = 1; i < k; i++)
				if (sl[i] > lower)
					lower = sl[i];
			med = lower + (med - lower) / 2;
		}
	}
	free(sl);
	return med;
}

void mann_kendall(const double *v, size_t n, struct mk_result *out)
{
	double s = 0, ties = 0;
	for (size_t i = 0; i < n; i++) {
		bool first = true;
		for (size_t j = 0; j < i; j++)
			if (v[j] == v[i]) {
				first = false;
				break;
			}
		double tied = 1;
		for (size_t j = i + 1; j < n; j++) {
			s += (v[j] > v[i]) - (v[j] < v[i]);
			if (first && v[j] == v[i])
				tied++;
		}
		/* each group of equal values counted once, at its first member */
		if (first && tied > 1)
			ties += tied * (tied - 1) * (2 * tied + 5);
	}
	double dn = (double)n;
	double var = (dn * (dn - 1) * (2 * dn + 5) - ties) / 18;
	double z = 0;
	if (var > 0 && s > 0)
		z = (s - 1) / sqrt(var);
	else if (var > 0 && s < 0)
		z = (s + 1) / sqrt(var);
	out->s = s;
	out->z = z;
	out->p = erfc(fabs(z) / M_SQRT2);
}

/* ---- leak verdict ------------------------------------------------------ */

enum { M_RSS, M_FDS, M_THREADS, M__COUNT };

/* The metrics in leak_metrics order, where each lives, and the limit_hit that
 * is its breaking point. */
static const struct {
	const char *name;
	size_t series, threshold, slope; /* offsets in leak_series, leak_thresholds,
					    run_result */
	const char *limit;
} metrics[M__COUNT] = {
    [M_RSS] = {"rss", offsetof(struct leak_series, rss),
	       offsetof(struct leak_thresholds, rss_bytes_per_s),
	       offsetof(struct run_result, rss_slope_bytes_per_s), "memory"},
    [M_FDS] = {"fds", offsetof(struct leak_series, fds),
	       offsetof(struct leak_thresholds, fds_per_s),
	       offsetof(struct run_result, fd_slope_per_s), "nofile"},
    [M_THREADS] = {"threads", offsetof(struct leak_series, threads),
		   offsetof(struct leak_thresholds, threads_per_s),
		   offsetof(struct run_result, thread_slope_per_s), "pids"},
};

/* First point used for the verdict: after the warm-up, or the second half of
 * the run when the warm-up leaves too few (a run shorter than its warm-up):
 * start-up (loader, runtime, heap arenas) is growth that is not a leak. */
static size_t verdict_start(const struct series *s, double warmup_s)
{
	size_t i = 0;
	while (i < s->n && s->t[i] < warmup_s)
		i++;
	if (s->n - i < LEAK_MIN_POINTS)
		i = s->n / 2;
	return i;
}

void leak_verdict(const struct leak_thresholds *th, struct leak_series *ls, struct run_result *r)
{
	double warmup_s = (double)th->warmup_ns / 1e9;
	bool broke[M__COUNT];
	for (int m = 0; m < M__COUNT; m++)
		broke[m] = strcmp(r->limit_hit, metrics[m].limit) == 0;
	broke[M_RSS] |= r->outcome == OUT_OOM_KILLED;
	broke[M_FDS] |= r->fd_exhausted;
	bool breaking = (r->limit_hit[0] && strcmp(r->limit_hit, "timeout") != 0) ||
			r->outcome == OUT_OOM_KILLED || r->fd_exhausted;

	bool any = false;
	size_t used = 0;
	r->leak_metrics[0] = '\0';
	for (int m = 0; m < M__COUNT; m++) {
		const struct series *s =
		    (const struct series *)((const char *)ls + metrics[m].series);
		double thr = *(const double *)((const char *)th + metrics[m].threshold);
		double *slope = (double *)((char *)r + metrics[m].slope);
		size_t from = verdict_start(s, warmup_s);
		size_t n = s->n - from;
		bool grows = false;
		*slope = NAN;
		if (n >= 2) {
			struct mk_result mk;
			*slope = theil_sen_slope(s->t + from, s->v + from, n);
			mann_kendall(s->v + from, n, &mk);
			/* Too few points make no trend, only a slope to show. */
			grows =
			    n >= LEAK_MIN_POINTS && *slope >= thr && mk.s > 0 && mk.p < LEAK_MAX_P;
		}
		any |= grows;
		if (grows || broke[m]) {
			int w = snprintf(r->leak_metrics + used, sizeof(r->leak_metrics) - used,
					 "%s%s", used ? ";" : "", metrics[m].name);
			if (w > 0)
				used += (size_t)w;
		}
	}
	r->leak = any || breaking;
}

/* ---- expectations ------------------------------------------------------ */

static const char *const breaks_values[] = {
    "nofile", "memory", "pids", "cpu-time", "as", "data", "timeout", "none",
};

int expect_parse(const char *s, struct expect *e, const char **why)
{
	struct expect x = {.set = true, .leak = -1};
	bool have_breaks = false;
	if (strlen(s) >= sizeof(x.raw)) {
		*why = "too long for an expectation (at most 127 characters)";
		return -1;
	}
	strcpy(x.raw, s);
	for (const char *p = s;;) {
		p += strspn(p, " \t");
		if (!*p)
			break;
		size_t w = strcspn(p, " \t");
		if ((w == 4 && memcmp(p, "leak", 4) == 0) ||
		    (w == 7 && memcmp(p, "no-leak", 7) == 0)) {
			if (x.leak != -1) {
				*why = "give leak or no-leak once";
				return -1;
			}
			x.leak = w == 4;
		} else if (w >= 7 && memcmp(p, "breaks=", 7) == 0) {
			size_t vl = w - 7, i;
			if (have_breaks) {
				*why = "give breaks= once";
				return -1;
			}
			for (i = 0; i < sizeof(breaks_values) / sizeof(breaks_values[0]); i++)
				if (strlen(breaks_values[i]) == vl &&
				    memcmp(breaks_values[i], p + 7, vl) == 0)
					break;
			if (i == sizeof(breaks_values) / sizeof(breaks_values[0])) {
				*why = "breaks= takes nofile, memory, pids, cpu-time, as, data, "
				       "timeout or none";
				return -1;
			}
			strcpy(x.breaks_at, breaks_values[i]);
			have_breaks = true;
		} else {
			*why = "expected leak or no-leak, optionally with breaks=LIMIT";
			return -1;
		}
		p += w;
	}
	if (x.leak == -1) {
		*why = "expected leak or no-leak";
		return -1;
	}
	*e = x;
	return 0;
}

int expect_check(const struct expect *e, struct run_result *r)
{
	char *buf = r->expect_failure;
	size_t len = sizeof(r->expect_failure), used = 0;
	buf[0] = '\0';
	if (!e->set)
		return 0;
	if (e->leak >= 0 && (e->leak == 1) != r->leak) {
		int w = snprintf(buf, len, "expected %s, got %s", e->leak ? "leak" : "no leak",
				 r->leak ? "leak" : "no leak");
		used = w > 0 ? (size_t)w : 0;
	}
	if (e->breaks_at[0] && used < len) {
		/* "none" is the expectation that no limit ended the run */
		const char *want = strcmp(e->breaks_at, "none") == 0 ? "" : e->breaks_at;
		if (strcmp(want, r->limit_hit) != 0) {
			int w = snprintf(buf + used, len - used, "%sexpected breaks=%s, got %s",
					 used ? "; " : "", e->breaks_at,
					 r->limit_hit[0] ? r->limit_hit : "none");
			used += w > 0 ? (size_t)w : 0;
		}
	}
	return buf[0] != '\0';
}
