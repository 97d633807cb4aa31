/* search.h - the search for the breaking limit: by bisection over one resource,
 * the smallest limit under which a program completes and the largest under
 * which it breaks, to a resolution.
 *
 * The bisection (struct search) is a pure state machine: search_next says which
 * limit to run next, search_record takes the outcome of its repetitions. It
 * assumes what holds for resources: a program that completes under a limit
 * completes under every larger one. It probes HI first (if the program breaks
 * even there, there is nothing to find), then LO (if it completes already there,
 * neither), then the middle of the interval between the largest failing and the
 * smallest passing limit until that interval is no wider than the resolution.
 * A limit passes only if every repetition passes; one that passes some
 * repetitions and fails others is "flaky" (it counts as failing) and is
 * reported with its counts. A limit that already has results (earlier in the
 * search, or loaded from an earlier result with search_preload) is not run
 * again.
 *
 * The plan (struct search_plan) drives `brink search` and [search] configs
 * through run_set: each limit probed is a scenario named like a sweep point
 * (BASE.memory=040M) with sweep columns in summary.csv; search.csv gets the
 * answer, one row per searched scenario.
 */
#ifndef BRINK_SEARCH_H
#define BRINK_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scenario.h"
#include "error.h"
#include "searchspec.h"
#include "result.h"

enum search_verdict {
	SV_RUNNING,	 /* search_next has more to run */
	SV_FOUND,	 /* pass and fail are the answer, pass - fail <= resolution */
	SV_PASSES_AT_LO, /* the program completes already under LO */
	SV_FAILS_AT_HI,	 /* the program breaks even under HI */
};

/* "running", "found", "passes-at-lo", "fails-at-hi". */
const char *search_verdict_name(enum search_verdict v);

struct search_probe {
	int64_t limit;
	int passes, fails; /* repetitions that passed / failed */
	bool reused;	   /* the results came from search_preload */
};

struct search {
	int64_t lo, hi;	    /* the range, lo < hi, in the limit's unit */
	int64_t resolution; /* absolute, >= 1; 0 when relative */
	int64_t res_ppm;    /* relative: parts per million of the passing limit */
	int64_t grid;	    /* limits probed are LO + k x grid (default: the
			       absolute resolution, else 1) */
	int repetitions;    /* per limit, >= 1 */
	int64_t pass;	    /* smallest limit that passed, -1 none yet */
	int64_t fail;	    /* largest limit that failed, -1 none yet */
	enum search_verdict verdict;
	struct search_probe *probes; /* every limit probed, in the order asked */
	size_t n, cap;
	int runs;   /* repetitions run by this search */
	int reused; /* repetitions taken from search_preload */
};

/* A search of [lo, hi] (lo < hi) to an absolute resolution (>= 1, in the
 * limit's unit), or, when resolution is 0, a relative one of res_ppm parts per
 * million of the passing limit. */
void search_init(struct search *s, int64_t lo, int64_t hi, int64_t resolution, int64_t res_ppm,
		 int repetitions);
void search_free(struct search *s);

/* The next limit to run `repetitions` times: 1 with *limit; 0 when the search
 * is over (s->verdict says how). -1 when out of memory. */
int search_next(struct search *s, int64_t *limit);

/* One repetition's outcome under `limit` (a limit search_next gave). */
int search_record(struct search *s, int64_t limit, bool passed);

/* Results from elsewhere (an earlier result directory): counted as reused,
 * never run again. */
int search_preload(struct search *s, int64_t limit, bool passed);

/* Limits probed with both outcomes: the flaky ones. */
size_t search_flaky(const struct search *s, const struct search_probe **out, size_t max);

/* What a run says about its limit. */
enum search_evidence {
	SE_PASS,  /* it completed: exited by itself with status 0, no limit hit */
	SE_BREAK, /* it broke under the limit */
	SE_NONE,  /* no evidence: interrupted, timed out by brink, or could not be
		     executed for a reason other than its limit */
};

/* The evidence of one run. A pass is an exit with status 0 by itself
 * (OUT_EXITED) without an OOM kill, a refused fork or clone, or any breaking
 * point of the program's limits (limit_hit: nofile when every fd the limit
 * allows was open, memory, pids, cpu-time). Everything else the program did
 * is a break, also an exec that failed because of its limit (an OOM kill or
 * a limit hit before exec). Interrupted runs, brink's timeout and other exec
 * failures are no evidence: a search neither records nor reuses them. */
enum search_evidence search_run_evidence(const struct run_result *r);
/* search_run_evidence(r) == SE_PASS. */
bool search_run_passes(const struct run_result *r);

/* ---- brink search / [search] ---- */

struct search_plan;

/* A plan over the scenarios of cfg: cfg->scenarios are the bases, replaced by
 * the first probe of the first base. Returns NULL with err. */
struct search_plan *search_plan_new(struct config *cfg, const struct search_spec *spec,
				    struct berr *err);
/* run_set calls these: after each run; after the last scenario of cfg (appends
 * the next probe: 1, none left: 0, -1 with err). */
void search_plan_ran(struct search_plan *pl, const struct scenario *sc, const struct run_result *r);
int search_plan_more(struct search_plan *pl, struct config *cfg, struct berr *err);
struct sweep_columns;
/* The summary columns: the sweep column of the searched limit added to cols
 * (a search that reuses every run has no probe to take it from). */
void search_plan_columns(const struct search_plan *pl, struct sweep_columns *cols);
/* The rows of --from's summary.csv the search reused, written to summary
 * (whose header is `header`: fields matched by column name, empty when the
 * earlier file had no such column), and each run's folder DIR/SCENARIO/REP
 * made a symbolic link to the earlier one (a reused run is one whose folder is
 * a link). 0, or -1 with err naming the path. */
int search_plan_write_reused(const struct search_plan *pl, const char *header, FILE *summary,
			     const char *dir, struct berr *err);
/* Were the plan's runs to have the syscall watch (search_spec.watch)? */
bool search_plan_watch(const struct search_plan *pl);
/* cfg's scenarios pointed at the plan's bases (for run.ini: what was
 * searched; not to be freed through cfg). */
void search_plan_bases(const struct search_plan *pl, struct config *cfg);
/* Probes expected (an estimate for the progress line). */
size_t search_plan_estimate(const struct search_plan *pl);
/* Write DIR/search.csv and print the answers to f. */
int search_plan_write(struct search_plan *pl, const char *dir, FILE *f, struct berr *err);
void search_plan_free(struct search_plan *pl);
/* The limit searched (limit.h). */
int search_plan_lim(const struct search_plan *pl);

/* BASE has a search.csv: a comparison with it is one of searches. */
bool search_compare_possible(const char *base, const char *nw);

enum search_cmp_format {
	SCF_TEXT, /* a table for people */
	SCF_CSV,  /* scenario,resource,base_verdict,new_verdict,base_pass_limit,
		     new_pass_limit,change,verdict,note */
	SCF_JSON, /* {"schema_version": 1, "base", "new", "threshold",
		     "searches": [...], "regressed", "missing"} */
};

/* brink compare of two searches: the answers, matched by scenario and
 * resource, not the limits the bisections happened to visit. A smallest
 * passing limit that rose by more than `threshold` (0.10 = 10%), or a search
 * that now breaks even at HI, is a regression; a search of BASE that NEW did
 * not run, or did not finish (verdict running), is missing (*missing counts
 * them; the gate fails on either). A search BASE did not finish is not
 * compared. Writes the comparison to f in fmt and the verdict lines ("Missing
 * in NEW: ...", "Regressed: ...", "No regression ...") to `verdict`. Returns
 * the number of regressions, or -1 with err (a search.csv that cannot be
 * read). */
int search_compare(const char *base, const char *nw, double threshold, enum search_cmp_format fmt,
		   FILE *f, FILE *verdict, int *missing, struct berr *err);

#endif
