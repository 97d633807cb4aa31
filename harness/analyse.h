/* analyse.h - from a run's time series to a leak verdict.
 *
 * Growth is the Theil-Sen slope (median of pairwise slopes, robust to outliers
 * and start-up noise) over the samples after a warm-up window, confirmed by a
 * Mann-Kendall trend test. The series kept for this are bounded: when full, every
 * other point is dropped and the sampling stride doubles, so memory stays flat
 * over a run of any length.
 */
#ifndef BRINK_ANALYSE_H
#define BRINK_ANALYSE_H

#include <stddef.h>

#include "config.h"
#include "result.h"

#define SERIES_MAX 1024

/* t in seconds since the run started, in increasing order; v in the metric's
 * unit (bytes, fds, threads). Holds the points whose index among all points
 * offered is a multiple of `stride`, so they stay evenly spread over the run. */
struct series {
	double t[SERIES_MAX];
	double v[SERIES_MAX];
	size_t n;
	unsigned long stride; /* keep one point in `stride` */
	unsigned long seen;   /* points offered since the start */
};

void series_init(struct series *s);
void series_add(struct series *s, double t, double v);

/* Median of (v[j]-v[i])/(t[j]-t[i]) over i<j with t[j] != t[i] (the mean of
 * the two middle slopes for an even count); 0 for n < 2 or when every t is
 * equal; NAN when the n(n-1)/2 slopes cannot be allocated.
 * A single step is not growth: with a points before it and b after, the
 * a(a-1)/2 + b(b-1)/2 same-side pairs have slope 0 and outnumber the a*b
 * crossing pairs unless (a-b)^2 < n, so the median is exactly 0 unless the
 * step is within about sqrt(n)/2 points of the middle; there it reads as about
 * height / span. */
double theil_sen_slope(const double *t, const double *v, size_t n);

struct mk_result {
	double s; /* Kendall's S: sum of sign(v[j]-v[i]) over i<j */
	double z; /* normal approximation, tie-corrected variance, continuity
		   * correction (S-1 or S+1); 0 when S = 0 or the variance is 0 */
	double p; /* two-sided p-value, erfc(|z|/sqrt 2); 1 when z = 0 */
};
/* Mann-Kendall trend test of v (in time order). O(n^2), no allocation. */
void mann_kendall(const double *v, size_t n, struct mk_result *out);

#define LEAK_MIN_POINTS 8    /* fewest points a verdict uses after the warm-up */
#define LEAK_MAX_P	0.01 /* Mann-Kendall p below which a trend is real */

struct leak_series {
	struct series rss, fds, threads;
	struct series go_heap; /* Go live heap after GC (go-runtime = gctrace); empty
				  otherwise. Judged with the RSS threshold */
};

/* Fill r->leak, r->leak_metrics and the three slopes from the series and the
 * thresholds; a run that ended on a breaking point (r->limit_hit set, not
 * "timeout") is a leak whatever the slopes say.
 *
 * Each series is cut to the points with t >= warm-up; when fewer than
 * LEAK_MIN_POINTS remain, to the second half of the run instead; fewer than
 * LEAK_MIN_POINTS there give a slope but never a trend. A metric
 * grows when its Theil-Sen slope over those points is >= its threshold and
 * Mann-Kendall finds an upward trend (S > 0, p < LEAK_MAX_P). A slope is NAN
 * (empty in the CSV) when fewer than 2 points remain. leak_metrics lists, in
 * the order rss;fds;threads;go_heap, the metrics that grow plus the one the breaking
 * point belongs to (nofile or fd_exhausted -> fds, memory or an OOM kill ->
 * rss, pids -> threads; a cpu-time limit has no metric). The series are not
 * changed. */
void leak_verdict(const struct leak_thresholds *th, struct leak_series *ls, struct run_result *r);

/* Cut every series of ls to the points with t <= until_s (the end of a load
 * window, service.h): what comes after brink's stop signal is shutdown. */
void leak_series_until(struct leak_series *ls, double until_s);

/* Parse an `expect =` value into e (set = true, raw = the text); -1 with *why
 * (a static sentence) on bad input, e untouched. Grammar: words separated by
 * blanks, in any order, each at most once:
 *   leak | no-leak                                  exactly one, required
 *   breaks=nofile|memory|pids|cpu-time|timeout|none  optional: the limit_hit
 *                              the run must end with ("none": limit_hit empty)
 * Examples: "leak breaks=nofile", "no-leak", "no-leak breaks=none". */
int expect_parse(const char *s, struct expect *e, const char **why);

/* Compare r with e (nothing to do when !e->set: returns 0). e->leak (0/1;
 * -1 = any) against r->leak, e->breaks_at ("" = any) against r->limit_hit.
 * On mismatch write a sentence into r->expect_failure ("expected leak, got no
 * leak; expected breaks=nofile, got memory") and return 1; else clear it and
 * return 0. */
int expect_check(const struct expect *e, struct run_result *r);

#endif
