/* compare.c - `brink compare BASE NEW`: did NEW regress against BASE?
 *
 * Scenarios are matched by name. Per scenario and metric:
 *  - numbers (peaks, slopes, duration): the median over repetitions on each
 *    side and the relative change. NEW regressed when its median is higher AND
 *    the change exceeds the relative threshold (default 10%) AND the absolute
 *    change exceeds the metric's noise floor AND, with >= 2 repetitions on both
 *    sides, a two-sided Mann-Whitney U test rejects "same distribution" at
 *    alpha (default 0.05). With a single repetition on either side there is no
 *    test: the threshold alone decides, and the output says so.
 *  - the breaking point: the limits hit (nofile, memory, pids, cpu-time) and
 *    crashes (signaled, exec-failed). One that appears in NEW and in no BASE
 *    repetition is always a regression. A timeout is brink stopping the run,
 *    not the program breaking: shown, never counted.
 *  - the leak verdict: "yes" in a NEW repetition when no BASE repetition said
 *    yes is always a regression.
 *  - the first failing call the kernel saw (eBPF): one in NEW where no BASE
 *    repetition had one is a regression, judged where every run of both sides
 *    had the syscall watch. Where one side had it and the other not
 *    (unavailable=syscalls), neither it nor a breaking point the watch decides
 *    (nofile, nproc, as, data, or one the tracepoint found) is judged: the
 *    output says the sides were measured differently, and NEW lacking the
 *    watch BASE had fails the gate like a missing column.
 * Runs brink interrupted are left out; exec-failed runs count for the
 * breaking point only (they measured nothing). A scenario none of whose NEW
 * runs measured anything (all interrupted or exec-failed) fails the gate as a
 * scenario missing in NEW does: it cannot have passed.
 *
 * Thresholds, minimum changes and alpha come from the options, over those of
 * the [compare] section of NEW's run.ini (the config NEW was made from carries
 * its own gate); the output names where each one came from.
 *
 * Exit: 0 nothing regressed, 1 something did (named on the last line) or NEW
 * lacks something of BASE (a scenario, a column, the syscall watch), 2 bad
 * input (a directory or its summary.csv missing or unreadable, NEW's run.ini
 * not loading, no scenario in common, bad options).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"
#include "csvread.h"
#include "json.h"
#include "gate.h"
#include "record.h"
#include "result.h"
#include "search.h"
#include "stats.h"
#include "units.h"

/* ---- options ----------------------------------------------------------- */

enum format { FMT_TABLE, FMT_MD, FMT_CSV, FMT_JSON };

/* A setting given (by the config or the command line) and still in force: the
 * "Settings:" line under the table names it with its source. */
struct applied {
	int idx;
	double v;
	const char *source; /* "the command line", or a run.ini path */
};

struct cmp_opts {
	double alpha;
	double threshold_all;		  /* the threshold of metrics not set one by one */
	double threshold[GATE_N_METRICS]; /* relative, 0.10 = 10% */
	double floor[GATE_N_METRICS];
	enum format format;
	struct applied applied[GATE_N_SETTINGS];
	size_t n_applied;
};

static void fmt_value(const struct metric *m, double v, char *buf, size_t len);

/* Apply setting idx = v, said to come from `source`. A later setting replaces
 * what it overrides: the same key, and for "threshold" every per-metric one. */
static void setting_apply(struct cmp_opts *o, int idx, double v, const char *source)
{
	size_t k = 0;
	for (size_t i = 0; i < o->n_applied; i++) {
		int j = o->applied[i].idx;
		bool replaced = j == idx || (idx == SET_THRESHOLD && j >= SET_METRIC_THRESHOLD &&
					     j < SET_MIN_CHANGE);
		if (!replaced)
			o->applied[k++] = o->applied[i];
	}
	o->applied[k++] = (struct applied){idx, v, source};
	o->n_applied = k;
	if (idx == SET_ALPHA) {
		o->alpha = v;
	} else if (idx == SET_THRESHOLD) {
		o->threshold_all = v;
		for (size_t i = 0; i < GATE_N_METRICS; i++)
			o->threshold[i] = v;
	} else if (idx < SET_MIN_CHANGE) {
		o->threshold[idx - SET_METRIC_THRESHOLD] = v;
	} else {
		o->floor[idx - SET_MIN_CHANGE] = v;
	}
}

/* "threshold.peak_fds 50% (from the command line), alpha 0.1 (from x/run.ini)" */
static void print_applied(FILE *f, const struct cmp_opts *o)
{
	if (!o->n_applied)
		return;
	fprintf(f, "Settings:");
	for (size_t i = 0; i < o->n_applied; i++) {
		const struct applied *a = &o->applied[i];
		char key[GATE_KEY_MAX], val[64];
		if (a->idx == SET_ALPHA)
			snprintf(val, sizeof(val), "%g", a->v);
		else if (a->idx < SET_MIN_CHANGE)
			snprintf(val, sizeof(val), "%g%%", a->v * 100);
		else
			fmt_value(&gate_metrics[a->idx - SET_MIN_CHANGE], a->v, val, sizeof(val));
		fprintf(f, "%s %s %s (from %s)", i ? "," : "",
			gate_key_name(a->idx, key, sizeof(key)), val, a->source);
	}
	fputs(".\n", f);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: brink compare [OPTIONS] BASE NEW\n"
		"Compare two result directories scenario by scenario; exit 1 when NEW regressed.\n"
		"\n"
		"  --threshold PCT           relative change that counts (default 10%%):\n"
		"                            \"10%%\" or \"10\"\n"
		"  --threshold METRIC=PCT    the same for one metric (once per metric)\n"
		"  --min-change METRIC=V     absolute change at or below which METRIC never\n"
		"                            regresses (bytes take K/M/G suffixes)\n"
		"  --alpha A                 significance level of the Mann-Whitney U test (0.05)\n"
		"  --format table|md|csv|json  output format (default table; csv and json\n"
		"                            put the verdict line on stderr)\n"
		"  -h, --help                this help\n"
		"\n"
		"The same settings can come from the [compare] section of the config that made\n"
		"NEW, read back from NEW/run.ini: alpha = A, threshold = PCT,\n"
		"threshold.METRIC = PCT, min-change.METRIC = V. The options above override them\n"
		"(--threshold PCT replaces every threshold, per-metric ones from the config too);\n"
		"the line \"Settings:\" under the table says where each one came from.\n"
		"\n"
		"Metrics and their default --min-change:\n");
	for (size_t i = 0; i < GATE_N_METRICS; i++) {
		char floor_text[64];
		if (gate_metrics[i].kind == MK_NUMBER)
			fmt_value(&gate_metrics[i], gate_metrics[i].floor, floor_text,
				  sizeof(floor_text));
		else
			snprintf(floor_text, sizeof(floor_text),
				 "(appearing is always a regression)");
		fprintf(f, "  %-24s  %s\n", gate_metrics[i].name, floor_text);
	}
	fprintf(f, "\nA number regressed when its median rose by more than the threshold and the\n"
		   "minimum change and, when the repetitions allow it, the two-sided\n"
		   "Mann-Whitney U test is significant at alpha. The test can only reach\n"
		   "p < 0.05 with 4 vs 4 repetitions (p >= 0.029), 3 vs 5 or 2 vs 8 or more;\n"
		   "with fewer (or 1 on a side) the thresholds alone decide, and the output\n"
		   "says so. A breaking point or a leak verdict that appears in NEW always\n"
		   "regressed; so did a first failing call (first_failure) where both sides\n"
		   "had the syscall watch. Between a side with the watch and one without\n"
		   "(unavailable=syscalls), what only the watch sees (a failed call, the\n"
		   "nofile, nproc, as and data breaking points) is not judged, and the output\n"
		   "says the two were measured differently.\n"
		   "\n"
		   "Exit status: 0 no regression; 1 a regression, or NEW lacks a scenario of BASE\n"
		   "(or has one none of whose runs measured anything: all interrupted or\n"
		   "exec-failed), a metric column BASE has, or the syscall watch BASE had (the\n"
		   "gate cannot pass on what was not measured); 2 bad input (a directory\n"
		   "unreadable, no scenario in common).\n");
}

/* A command-line option as a setting: `opt` is "--threshold" etc., `arg` its
 * argument. Stored in *idx and *v, applied once the config was read. */
static int option_setting(const char *opt, const char *arg, int *idx, double *v)
{
	const char *value = arg, *noun, *why;
	char key[GATE_KEY_MAX + 16];
	const char *eq = strchr(arg, '=');
	if (strcmp(opt, "--alpha") == 0) {
		*idx = SET_ALPHA;
	} else if (strcmp(opt, "--threshold") == 0 && !eq) {
		*idx = SET_THRESHOLD;
	} else {
		bool thr = strcmp(opt, "--threshold") == 0;
		if (!eq) {
			fprintf(stderr,
				"brink compare: %s %s: expected METRIC=VALUE (see --help)\n", opt,
				arg);
			return -1;
		}
		snprintf(key, sizeof(key), "%s%.*s",
			 thr ? gate_threshold_prefix : gate_min_change_prefix, (int)(eq - arg),
			 arg);
		*idx = gate_key_find(key);
		if (*idx < 0) {
			fprintf(stderr,
				"brink compare: %s %s: %.*s is not a numeric metric (see --help)\n",
				opt, arg, (int)(eq - arg), arg);
			return -1;
		}
		value = eq + 1;
	}
	if (gate_value_parse(*idx, value, v, &noun, &why) < 0) {
		fprintf(stderr, "brink compare: %s %s: %s\n", opt, arg, why);
		return -1;
	}
	return 0;
}

/* The [compare] settings of NEW's run.ini, applied with the path as their
 * source. A result without run.ini (made by hand, or by an older brink) has
 * none; a run.ini that does not load is bad input, named. */
static int config_settings(struct cmp_opts *o, const char *dir, char *path, size_t len)
{
	struct config cfg;
	if ((size_t)snprintf(path, len, "%s/run.ini", dir) >= len) {
		fprintf(stderr, "brink compare: NEW result directory %s: path too long\n", dir);
		return -1;
	}
	if (access(path, F_OK) != 0 && errno == ENOENT)
		return 0;
	if (config_load(path, &cfg, stderr) != 0) {
		fprintf(stderr,
			"brink compare: NEW result directory %s: run.ini does not load (above), so "
			"its [compare] thresholds cannot be read\n",
			dir);
		return -1;
	}
	for (size_t i = 0; i < cfg.n_compare; i++) {
		const char *noun, *why;
		double v;
		int idx = gate_key_find(cfg.compare[i].key);
		/* config_load checked both with the functions used here */
		if (idx >= 0 && gate_value_parse(idx, cfg.compare[i].value, &v, &noun, &why) == 0)
			setting_apply(o, idx, v, path);
	}
	config_free(&cfg);
	return 0;
}

/* ---- the two sides ----------------------------------------------------- */

struct side {
	const char *dir;
	struct run_result *rows;
	size_t n;
	bool has_col[GATE_N_METRICS]; /* the metric's column is in summary.csv */
};

/* The summary.csv column a metric is read from. */
static const char *metric_column(const struct metric *m)
{
	return summary_cols[m->col].name;
}

/* Load one side; `what` is "BASE" or "NEW", for messages. */
static int side_load(struct side *s, const char *what, const char *dir)
{
	struct berr err = {0};
	char path[PATH_MAX];
	struct stat st;
	s->dir = dir;
	s->rows = NULL;
	s->n = 0;
	if (stat(dir, &st) != 0) {
		fprintf(stderr, "brink compare: %s result directory %s: %s\n", what, dir,
			strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "brink compare: %s result directory %s is not a directory\n", what,
			dir);
		return -1;
	}
	if (snprintf(path, sizeof(path), "%s/summary.csv", dir) >= (int)sizeof(path)) {
		fprintf(stderr, "brink compare: %s result directory %s: path too long\n", what,
			dir);
		return -1;
	}
	struct csv_reader rd;
	if (csvr_open_expecting(&rd, path, "the summary header", &err) == 0) {
		for (size_t m = 0; m < GATE_N_METRICS; m++)
			s->has_col[m] = csvr_col(&rd, metric_column(&gate_metrics[m])) >= 0;
		csvr_close(&rd);
	}
	if (summary_read(path, &s->rows, &s->n, &err) < 0) {
		fprintf(stderr, "brink compare: %s result directory %s is unusable: %s\n", what,
			dir, err.msg);
		return -1;
	}
	if (s->n == 0) {
		fprintf(stderr, "brink compare: %s result directory %s: summary.csv has no runs\n",
			what, dir);
		return -1;
	}
	return 0;
}

static bool side_has(const struct side *s, const char *scenario)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->rows[i].scenario, scenario) == 0)
			return true;
	return false;
}

/* Rows of one scenario that count (not interrupted). */
static size_t side_rows(const struct side *s, const char *scenario, const struct run_result **out)
{
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->rows[i].scenario, scenario) == 0 &&
		    s->rows[i].outcome != OUT_INTERRUPTED)
			out[k++] = &s->rows[i];
	return k;
}

/* ---- one comparison ---------------------------------------------------- */

enum status { ST_OK, ST_REGRESSED, ST_IMPROVED, ST_NA, ST_MISSING };
static const char *const status_names[] = {[ST_OK] = "ok",
					   [ST_REGRESSED] = "REGRESSED",
					   [ST_IMPROVED] = "improved",
					   [ST_NA] = "n/a",
					   [ST_MISSING] = "MISSING"};

struct cmp_row {
	const char *scenario;
	const struct metric *m;
	size_t mi;
	size_t nb, nn; /* repetitions with a value */
	double base, new_, change;
	bool tested; /* Mann-Whitney U was run */
	bool exact;
	bool weak; /* too few repetitions for the test to ever reach alpha */
	double p;
	enum status status;
	char base_text[96], new_text[96];
	char note[160];
	/* the syscall watch on one side and not the other (breaking point and
	 * first failure rows): "BASE without the syscall watch, NEW with it" */
	char watch[160];
};

/* What broke a run, or NULL: limits other than brink's own timeout, and
 * crashes. */
static const char *breaking_point(const struct run_result *r)
{
	if (breaking_point_is_limit(r->limit_hit))
		return breaking_point_name(r->limit_hit);
	if (r->outcome == OUT_SIGNALED)
		return "signaled";
	if (r->outcome == OUT_EXEC_FAILED)
		return "exec-failed";
	return NULL;
}

/* The name of what broke run r, "none" when nothing did, in buf. */
static void break_name(const struct run_result *r, char *buf, size_t len)
{
	const char *bp = breaking_point(r);
	snprintf(buf, len, "%s", bp ? bp : "none");
}

/* The first failing call of run r, "mmap ENOMEM"; "none" when the kernel saw
 * none, "not watched" without the syscall watch. */
static void failure_name(const struct run_result *r, char *buf, size_t len)
{
	if (r->unavailable & UNAV_SYSCALLS)
		snprintf(buf, len, "not watched");
	else if (!r->first_failure_errno[0])
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "%s%s%s", r->first_failure_syscall,
			 r->first_failure_syscall[0] ? " " : "", r->first_failure_errno);
}

/* "nofile 3/3", "none 2/3, pids 1/3": each distinct name (name_of) with its
 * count. */
static void describe(const struct run_result *const *r, size_t n,
		     void (*name_of)(const struct run_result *, char *, size_t), char *buf,
		     size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char name[64], o[64];
		name_of(r[i], name, sizeof(name));
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++) {
			name_of(r[k], o, sizeof(o));
			seen = strcmp(o, name) == 0;
		}
		if (seen)
			continue;
		size_t count = 0;
		for (size_t k = 0; k < n; k++) {
			name_of(r[k], o, sizeof(o));
			count += strcmp(o, name) == 0;
		}
		if (used < len) {
			int w = snprintf(buf + used, len - used, "%s%s %zu/%zu", used ? ", " : "",
					 name, count, n);
			if (w > 0)
				used += (size_t)w;
		}
	}
}

static void describe_breaks(const struct run_result *const *r, size_t n, char *buf, size_t len)
{
	describe(r, n, break_name, buf, len);
}

/* Did run r have the syscall watch (eBPF)? */
static bool watched(const struct run_result *r)
{
	return !(r->unavailable & UNAV_SYSCALLS);
}

static size_t n_watched(const struct run_result *const *r, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += watched(r[i]);
	return k;
}

/* Were the two sides measured alike: every run with the syscall watch, or
 * none? When not, what the watch alone sees (the kernel's failing calls) was
 * looked for on one side only. */
static bool watch_alike(const struct run_result *const *b, size_t nb,
			const struct run_result *const *n, size_t nn)
{
	size_t wb = n_watched(b, nb), wn = n_watched(n, nn);
	return (wb == nb && wn == nn) || (wb == 0 && wn == 0);
}

/* Does NEW lack the watch BASE had: a BASE run watched, a NEW run not? */
static bool watch_missing(const struct run_result *const *b, size_t nb,
			  const struct run_result *const *n, size_t nn)
{
	return n_watched(b, nb) > 0 && n_watched(n, nn) < nn;
}

/* "BASE without the syscall watch, NEW with it" (or mixed, "in 1 of 3 runs"). */
static void watch_text(const struct run_result *const *b, size_t nb,
		       const struct run_result *const *n, size_t nn, char *buf, size_t len)
{
	size_t wb = n_watched(b, nb), wn = n_watched(n, nn);
	char tb[48], tn[48];
	if (wb == nb || wb == 0)
		snprintf(tb, sizeof(tb), "%s", wb ? "with" : "without");
	else
		snprintf(tb, sizeof(tb), "with it in %zu of %zu runs", wb, nb);
	if (wn == nn || wn == 0)
		snprintf(tn, sizeof(tn), "%s", wn ? "with" : "without");
	else
		snprintf(tn, sizeof(tn), "with it in %zu of %zu runs", wn, nn);
	snprintf(buf, len, "BASE %s the syscall watch, NEW %s%s", tb, tn,
		 wn == nn || wn == 0 ? " it" : "");
}

/* A breaking point the syscall watch decides: nproc, as and data are only
 * ever seen by it; nofile, with the watch, needs a failed call the kernel saw
 * (a full fd table is not one), without it a count at the limit is one; and
 * any break the tracepoint found. Between a watched side and an unwatched one
 * such a break was looked for differently, and is not judged. */
static bool watch_decides(const struct run_result *r)
{
	switch (r->limit_hit) {
	case BP_NOFILE:
	case BP_NPROC:
	case BP_AS:
	case BP_DATA:
		return true;
	default:
		return r->limit_method == METH_TRACEPOINT;
	}
}

/* Does any of the runs end on breaking point bp (NULL: on none)? */
static bool has_break(const struct run_result *const *r, size_t n, const char *bp)
{
	for (size_t i = 0; i < n; i++) {
		const char *o = breaking_point(r[i]);
		if (bp ? o && strcmp(o, bp) == 0 : !o)
			return true;
	}
	return false;
}

/* Do both sides have the same set of breaking points ("none" included)? */
static bool same_breaks(const struct run_result *const *b, size_t nb,
			const struct run_result *const *n, size_t nn)
{
	for (size_t i = 0; i < nb + nn; i++) {
		const char *bp = breaking_point(i < nb ? b[i] : n[i - nb]);
		if (has_break(b, nb, bp) != has_break(n, nn, bp))
			return false;
	}
	return true;
}

/* Append "what" to the note, separated by ", ". */
static void note_add(struct cmp_row *row, size_t *used, const char *what)
{
	int w =
	    snprintf(row->note + *used, sizeof(row->note) - *used, "%s%s", *used ? ", " : "", what);
	if (w > 0 && (size_t)w < sizeof(row->note) - *used)
		*used += (size_t)w;
}

/* The breaking points of BASE's runs b[0..nb) and NEW's n[0..nn). Between
 * sides measured differently (watch_alike) a break the watch decides is
 * neither an appearance nor a disappearance: the note says it was not judged;
 * when NEW lacks the watch BASE had, something of BASE is missing in NEW and
 * the row says MISSING unless a break regressed anyway. */
static void compare_breaks(struct cmp_row *row, const struct run_result *const *b, size_t nb,
			   const struct run_result *const *n, size_t nn)
{
	bool alike = watch_alike(b, nb, n, nn);
	describe_breaks(b, nb, row->base_text, sizeof(row->base_text));
	describe_breaks(n, nn, row->new_text, sizeof(row->new_text));
	if (!alike)
		watch_text(b, nb, n, nn, row->watch, sizeof(row->watch));
	row->status = ST_OK;
	size_t used = 0;
	char what[96];
	bool unjudged = false;
	for (size_t i = 0; i < nn; i++) {
		const char *bp = breaking_point(n[i]);
		if (!bp || has_break(b, nb, bp) || has_break(n, i, bp))
			continue; /* not new, or already named */
		if (!alike && watch_decides(n[i])) {
			unjudged = true;
			continue;
		}
		row->status = ST_REGRESSED;
		snprintf(what, sizeof(what), "%s appears", bp);
		note_add(row, &used, what);
	}
	if (row->status == ST_OK) {
		bool new_breaks = false, base_breaks = false;
		for (size_t i = 0; i < nn; i++)
			new_breaks |= breaking_point(n[i]) != NULL;
		for (size_t i = 0; i < nb; i++) {
			bool gone = breaking_point(b[i]) != NULL;
			if (gone && !alike && watch_decides(b[i]) &&
			    !has_break(n, nn, breaking_point(b[i])))
				unjudged = true;
			else
				base_breaks |= gone;
		}
		if (base_breaks && !new_breaks) {
			row->status = ST_IMPROVED;
			note_add(row, &used, "no longer breaks");
		}
	}
	if (unjudged)
		note_add(row, &used,
			 "not judged: a breaking point the syscall watch decides, "
			 "measured with it on one side only");
	if (row->status != ST_REGRESSED && watch_missing(b, nb, n, nn)) {
		row->status = ST_MISSING;
		note_add(row, &used, "the syscall watch missing in NEW");
	}
}

/* The first failing call the kernel saw, judged where both sides had the
 * syscall watch: one in NEW where no BASE run had one regressed (a program
 * that starts failing a call broke, limit reached or not), and so did a kind
 * of failure (its count) no BASE run met; none in NEW where BASE had one
 * improved. Measured differently, it is not judged (and NEW
 * lacking the watch is told on the breaking point's row). */
static void compare_failure(struct cmp_row *row, const struct run_result *const *b, size_t nb,
			    const struct run_result *const *n, size_t nn)
{
	describe(b, nb, failure_name, row->base_text, sizeof(row->base_text));
	describe(n, nn, failure_name, row->new_text, sizeof(row->new_text));
	row->status = ST_OK;
	size_t wb = n_watched(b, nb), wn = n_watched(n, nn);
	if (wb == 0 && wn == 0) {
		row->status = ST_NA;
		snprintf(row->note, sizeof(row->note), "not watched on either side");
		return;
	}
	if (!watch_alike(b, nb, n, nn)) {
		watch_text(b, nb, n, nn, row->watch, sizeof(row->watch));
		snprintf(row->note, sizeof(row->note), "not judged: watched on one side only");
		return;
	}
	bool base_fails = false, new_fails = false;
	for (size_t i = 0; i < nb; i++)
		base_fails |= b[i]->first_failure_errno[0] != '\0';
	size_t used = 0;
	for (size_t i = 0; i < nn; i++) {
		if (!n[i]->first_failure_errno[0])
			continue;
		new_fails = true;
		if (base_fails)
			continue;
		char name[64], o[64], what[96];
		failure_name(n[i], name, sizeof(name));
		bool told = false;
		for (size_t k = 0; k < i && !told; k++) {
			failure_name(n[k], o, sizeof(o));
			told = strcmp(o, name) == 0;
		}
		if (told)
			continue;
		row->status = ST_REGRESSED;
		snprintf(what, sizeof(what), "%s appears", name);
		note_add(row, &used, what);
	}
	/* a kind of failure no BASE run met, behind an unchanged first one */
	static const struct {
		size_t off;
		const char *what;
	} kinds[] = {
	    {offsetof(struct run_result, emfile_count), "EMFILE"},
	    {offsetof(struct run_result, enfile_count), "ENFILE"},
	    {offsetof(struct run_result, eagain_fork_count), "fork EAGAIN"},
	    {offsetof(struct run_result, enomem_count), "ENOMEM"},
	};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		int64_t most_b = 0, most_n = 0;
		for (size_t i = 0; i < nb + nn; i++) {
			const struct run_result *r = i < nb ? b[i] : n[i - nb];
			int64_t c = *(const int64_t *)((const char *)r + kinds[k].off);
			int64_t *most = i < nb ? &most_b : &most_n;
			if (c != RES_NONE && c > *most)
				*most = c;
		}
		if (most_b > 0 || most_n == 0)
			continue;
		char what[96];
		snprintf(what, sizeof(what), "%s appears (%lld call%s in a run)", kinds[k].what,
			 (long long)most_n, most_n == 1 ? "" : "s");
		if (strstr(row->note, kinds[k].what))
			continue; /* the first failure said it */
		row->status = ST_REGRESSED;
		note_add(row, &used, what);
	}
	if (base_fails && !new_fails && row->status == ST_OK) {
		row->status = ST_IMPROVED;
		snprintf(row->note, sizeof(row->note), "no longer fails a call");
	}
}

/* "yes 2/3", "no 3/3", "no 1/3, none 2/3" (none: too short for a verdict);
 * returns the number of yes. */
static size_t verdict_text(const struct run_result *const *r, size_t n, char *buf, size_t len)
{
	size_t yes = 0, none = 0;
	for (size_t i = 0; i < n; i++) {
		yes += r[i]->leak == LEAK_YES;
		none += r[i]->leak == LEAK_NONE;
	}
	if (yes)
		snprintf(buf, len, "yes %zu/%zu", yes, n);
	else if (none == 0)
		snprintf(buf, len, "no %zu/%zu", n, n);
	else if (none == n)
		snprintf(buf, len, "none %zu/%zu", n, n);
	else
		snprintf(buf, len, "no %zu/%zu, none %zu/%zu", n - none, n, none, n);
	return yes;
}

static void compare_verdict(struct cmp_row *row, const struct run_result *const *b, size_t nb,
			    const struct run_result *const *n, size_t nn)
{
	size_t yb = verdict_text(b, nb, row->base_text, sizeof(row->base_text));
	size_t yn = verdict_text(n, nn, row->new_text, sizeof(row->new_text));
	row->status = ST_OK;
	if (yb == 0 && yn > 0) {
		row->status = ST_REGRESSED;
		snprintf(row->note, sizeof(row->note), "leak verdict no -> yes");
	} else if (yb > 0 && yn == 0) {
		row->status = ST_IMPROVED;
		snprintf(row->note, sizeof(row->note), "leak verdict yes -> no");
	}
}

/* Smallest two-sided p the exact test can give for these sample sizes:
 * 2 / C(n1+n2, n1), reached by complete separation without ties. */
static double min_exact_p(size_t n1, size_t n2)
{
	double c = 1;
	for (size_t i = 1; i <= n1; i++)
		c = c * (double)(n2 + i) / (double)i;
	double p = 2.0 / c;
	return p > 1 ? 1 : p;
}

static void compare_number(struct cmp_row *row, const struct cmp_opts *o,
			   const struct run_result *const *b, size_t nb,
			   const struct run_result *const *n, size_t nn)
{
	const struct metric *m = row->m;
	double *xb = calloc(nb ? nb : 1, sizeof(double)), *xn = calloc(nn ? nn : 1, sizeof(double));
	row->status = ST_NA;
	if (!xb || !xn) {
		snprintf(row->note, sizeof(row->note), "out of memory");
		goto out;
	}
	size_t kb = 0, kn = 0;
	for (size_t i = 0; i < nb; i++)
		if (b[i]->outcome != OUT_EXEC_FAILED && !isnan(gate_metric_value(m, b[i])))
			xb[kb++] = gate_metric_value(m, b[i]);
	for (size_t i = 0; i < nn; i++)
		if (n[i]->outcome != OUT_EXEC_FAILED && !isnan(gate_metric_value(m, n[i])))
			xn[kn++] = gate_metric_value(m, n[i]);
	row->nb = kb;
	row->nn = kn;
	row->base = kb ? stats_median(xb, kb) : NAN;
	row->new_ = kn ? stats_median(xn, kn) : NAN;
	row->change = NAN;
	if (!kb || !kn) {
		snprintf(row->note, sizeof(row->note), "not measured in %s",
			 !kb && !kn ? "either"
			 : !kb	    ? "BASE"
				    : "NEW");
		goto out;
	}
	double diff = row->new_ - row->base;
	if (row->base != 0)
		row->change = diff / fabs(row->base);
	else
		row->change = diff == 0 ? 0 : diff > 0 ? INFINITY : -INFINITY;

	double th = o->threshold[row->mi], fl = o->floor[row->mi];
	bool up = diff > fl && row->change > th;
	bool down = -diff > fl && -row->change > th;
	row->status = ST_OK;
	/* With too few repetitions the exact test can never reach alpha (2 vs 2
	 * gives p >= 0.33, 3 vs 3 p >= 0.1): it could only ever say "ok", so it
	 * is not asked, and the thresholds decide, as with one repetition. */
	row->weak =
	    kb >= 2 && kn >= 2 && kb + kn <= MWU_EXACT_MAX_N && min_exact_p(kb, kn) >= o->alpha;
	if (kb >= 2 && kn >= 2 && !row->weak) {
		struct mwu_result r;
		if (mann_whitney_u(xn, kn, xb, kb, &r) < 0) {
			row->status = ST_NA;
			snprintf(row->note, sizeof(row->note), "test failed: %s", strerror(errno));
			goto out;
		}
		row->tested = true;
		row->exact = r.exact;
		row->p = r.p;
		bool significant = r.p < o->alpha;
		if (up && significant)
			row->status = ST_REGRESSED;
		else if (down && significant)
			row->status = ST_IMPROVED;
		if ((up || down) && !significant)
			snprintf(row->note, sizeof(row->note), "%s beyond the threshold, p >= %g",
				 up ? "rose" : "fell", o->alpha);
	} else {
		if (up)
			row->status = ST_REGRESSED;
		else if (down)
			row->status = ST_IMPROVED;
		if (row->weak)
			snprintf(row->note, sizeof(row->note),
				 "threshold only (%zu vs %zu reps cannot reach p < %g)", kb, kn,
				 o->alpha);
		else
			snprintf(row->note, sizeof(row->note), "threshold only (1 rep), no test");
	}
out:
	free(xb);
	free(xn);
}

/* ---- formatting -------------------------------------------------------- */

/* gate.h's units as units.h's measures (units_format_measure says the forms). */
static void fmt_value(const struct metric *m, double v, char *buf, size_t len)
{
	static const enum units_measure measure[] = {
	    [MU_BYTES] = UM_BYTES, [MU_COUNT] = UM_COUNT,     [MU_BYTES_PER_S] = UM_BYTES_PER_S,
	    [MU_PER_S] = UM_PER_S, [MU_SECONDS] = UM_SECONDS, [MU_NONE] = UM_PLAIN,
	};
	units_format_measure(measure[m->unit], v, buf, len);
}

static void fmt_change(const struct cmp_row *r, char *buf, size_t len)
{
	if (r->m->kind != MK_NUMBER || isnan(r->change))
		snprintf(buf, len, "-");
	else if (isinf(r->change))
		snprintf(buf, len, r->change > 0 ? "+inf" : "-inf");
	else
		snprintf(buf, len, "%+.1f%%", r->change * 100);
}

static void fmt_p(const struct cmp_row *r, char *buf, size_t len)
{
	if (r->tested)
		snprintf(buf, len, "%.3g", r->p);
	else
		snprintf(buf, len, "-");
}

/* The cells of one output row, in the column order of `columns`. */
static const char *const columns[] = {"scenario", "metric", "reps",    "base", "new",
				      "change",	  "p",	    "verdict", "note"};
#define N_COLS (sizeof(columns) / sizeof(columns[0]))

static void row_cells(const struct cmp_row *r, char cells[N_COLS][192])
{
	snprintf(cells[0], 192, "%s", r->scenario);
	snprintf(cells[1], 192, "%s", r->m->name);
	snprintf(cells[2], 192, "%zu/%zu", r->nb, r->nn);
	if (r->m->kind == MK_NUMBER) {
		fmt_value(r->m, r->base, cells[3], 192);
		fmt_value(r->m, r->new_, cells[4], 192);
	} else {
		snprintf(cells[3], 192, "%s", r->base_text);
		snprintf(cells[4], 192, "%s", r->new_text);
	}
	fmt_change(r, cells[5], 192);
	fmt_p(r, cells[6], 192);
	snprintf(cells[7], 192, "%s", status_names[r->status]);
	snprintf(cells[8], 192, "%s", r->note);
}

static void print_table(FILE *f, const struct cmp_row *rows, size_t n)
{
	size_t w[N_COLS];
	char cells[N_COLS][192];
	for (size_t c = 0; c < N_COLS; c++)
		w[c] = strlen(columns[c]);
	for (size_t i = 0; i < n; i++) {
		row_cells(&rows[i], cells);
		for (size_t c = 0; c < N_COLS; c++)
			if (strlen(cells[c]) > w[c])
				w[c] = strlen(cells[c]);
	}
	for (size_t c = 0; c + 1 < N_COLS; c++)
		fprintf(f, "%-*s  ", (int)w[c], columns[c]);
	fprintf(f, "%s\n", columns[N_COLS - 1]);
	for (size_t i = 0; i < n; i++) {
		row_cells(&rows[i], cells);
		for (size_t c = 0; c < N_COLS; c++) {
			/* numbers right-aligned: reps, base, new, change, p */
			bool right = c >= 2 && c <= 6;
			if (c + 1 == N_COLS)
				fprintf(f, "%s\n", cells[c]);
			else
				fprintf(f, right ? "%*s  " : "%-*s  ", (int)w[c], cells[c]);
		}
	}
}

static void md_cell(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			putc('\\', f);
		putc(*s, f);
	}
}

static void print_md(FILE *f, const struct cmp_row *rows, size_t n)
{
	char cells[N_COLS][192];
	fputs("|", f);
	for (size_t c = 0; c < N_COLS; c++)
		fprintf(f, " %s |", columns[c]);
	fputs("\n|", f);
	for (size_t c = 0; c < N_COLS; c++)
		fputs(c >= 2 && c <= 6 ? "---:|" : "---|", f);
	fputs("\n", f);
	for (size_t i = 0; i < n; i++) {
		row_cells(&rows[i], cells);
		fputs("|", f);
		for (size_t c = 0; c < N_COLS; c++) {
			fputs(" ", f);
			if (c == 7 && rows[i].status == ST_REGRESSED)
				fputs("**REGRESSED**", f);
			else
				md_cell(f, cells[c]);
			fputs(" |", f);
		}
		fputs("\n", f);
	}
}

/* CSV: raw numbers (bytes, seconds, ratios) for scripts. */
static void print_csv(FILE *f, const struct cmp_row *rows, size_t n)
{
	fputs("scenario,metric,base_reps,new_reps,base,new,change,p_value,test,verdict,note\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct cmp_row *r = &rows[i];
		csv_put_str(f, r->scenario);
		fprintf(f, ",%s,%zu,%zu,", r->m->name, r->nb, r->nn);
		if (r->m->kind == MK_NUMBER) {
			if (!isnan(r->base))
				fprintf(f, "%.17g", r->base);
			putc(',', f);
			if (!isnan(r->new_))
				fprintf(f, "%.17g", r->new_);
			putc(',', f);
			if (isinf(r->change))
				fputs(r->change > 0 ? "inf" : "-inf", f);
			else if (!isnan(r->change))
				fprintf(f, "%.6g", r->change);
		} else {
			csv_put_str(f, r->base_text);
			putc(',', f);
			csv_put_str(f, r->new_text);
			putc(',', f);
		}
		putc(',', f);
		if (r->tested)
			fprintf(f, "%.6g", r->p);
		fprintf(f, ",%s,%s,",
			!r->tested ? ""
			: r->exact ? "mwu-exact"
				   : "mwu-normal",
			status_names[r->status]);
		csv_put_str(f, r->note);
		putc('\n', f);
	}
}

/* A JSON number, or null for NAN and the infinities (JSON has neither). */
static void json_num(FILE *f, double v)
{
	if (isnan(v) || isinf(v))
		fputs("null", f);
	else
		fprintf(f, "%.17g", v);
}

/* --format json: one object, raw numbers as in CSV, for scripts. The verdict
 * line goes to stderr. schema_version changes when a field changes meaning. */
static void print_json(FILE *f, const struct cmp_opts *o, const struct side *base,
		       const struct side *nw, const struct cmp_row *rows, size_t n,
		       const char *const *gone, size_t ngone, const char *const *unmeasured,
		       size_t nunmeasured)
{
	bool regressed = false, missing = ngone > 0;
	fputs("{\n  \"schema_version\": 1,\n  \"base\": ", f);
	json_put_str(f, base->dir);
	fputs(",\n  \"new\": ", f);
	json_put_str(f, nw->dir);
	fputs(",\n  \"alpha\": ", f);
	json_num(f, o->alpha);
	fputs(",\n  \"rows\": [", f);
	for (size_t i = 0; i < n; i++) {
		const struct cmp_row *r = &rows[i];
		regressed |= r->status == ST_REGRESSED;
		missing |= r->status == ST_MISSING;
		fputs(i ? ",\n    {\"scenario\": " : "\n    {\"scenario\": ", f);
		json_put_str(f, r->scenario);
		fprintf(f, ", \"metric\": \"%s\", \"base_reps\": %zu, \"new_reps\": %zu, ",
			r->m->name, r->nb, r->nn);
		fputs("\"base\": ", f);
		if (r->m->kind == MK_NUMBER)
			json_num(f, r->base);
		else
			json_put_str(f, r->base_text);
		fputs(", \"new\": ", f);
		if (r->m->kind == MK_NUMBER)
			json_num(f, r->new_);
		else
			json_put_str(f, r->new_text);
		fputs(", \"change\": ", f);
		json_num(f, r->m->kind == MK_NUMBER ? r->change : NAN);
		fputs(", \"p_value\": ", f);
		json_num(f, r->tested ? r->p : NAN);
		fprintf(f,
			", \"test\": %s, \"threshold_only\": %s, \"verdict\": \"%s\", \"note\": ",
			!r->tested ? "null"
			: r->exact ? "\"mwu-exact\""
				   : "\"mwu-normal\"",
			r->m->kind == MK_NUMBER && !r->tested && r->status != ST_NA &&
				r->status != ST_MISSING
			    ? "true"
			    : "false",
			status_names[r->status]);
		json_put_str(f, r->note);
		fputs("}", f);
	}
	fputs("\n  ],\n  \"missing_scenarios\": [", f);
	for (size_t i = 0; i < ngone; i++) {
		if (i)
			fputs(", ", f);
		json_put_str(f, gone[i]);
	}
	fputs("],\n  \"unmeasured_scenarios\": [", f);
	for (size_t i = 0; i < nunmeasured; i++) {
		if (i)
			fputs(", ", f);
		json_put_str(f, unmeasured[i]);
	}
	fprintf(f, "],\n  \"regressed\": %s,\n  \"missing\": %s\n}\n", regressed ? "true" : "false",
		missing ? "true" : "false");
}

/* ---- the command ------------------------------------------------------- */

/* The scenarios of the two sides, in BASE order: those on both sides, and
 * those of BASE that cannot pass (each array holds up to base->n). */
struct matching {
	const char **common;	 /* in both */
	const char **gone;	 /* in BASE, not in NEW or none of NEW's runs measured */
	const char **unmeasured; /* of gone, those NEW ran without measuring */
	size_t ncommon, ngone, nunmeasured;
	size_t ncompared; /* common scenarios judged (BASE not all interrupted) */
};

static bool listed(const char *const *list, size_t n, const char *s)
{
	for (size_t k = 0; k < n; k++)
		if (strcmp(list[k], s) == 0)
			return true;
	return false;
}

/* Step 1: which scenarios are compared, which of BASE are gone from NEW (a
 * scenario NEW no longer runs cannot regress: the gate fails); those only in
 * NEW are named on stderr. 0, or -1 when there is none in common. */
static int match_scenarios(const struct side *base, const struct side *nw, struct matching *mt)
{
	for (size_t i = 0; i < base->n; i++) {
		const char *s = base->rows[i].scenario;
		if (listed(mt->common, mt->ncommon, s) || listed(mt->gone, mt->ngone, s))
			continue;
		if (side_has(nw, s))
			mt->common[mt->ncommon++] = s;
		else
			mt->gone[mt->ngone++] = s;
	}
	for (size_t i = 0; i < nw->n; i++) {
		const char *s = nw->rows[i].scenario;
		bool told = false;
		for (size_t k = 0; k < i && !told; k++)
			told = strcmp(nw->rows[k].scenario, s) == 0;
		if (!told && !side_has(base, s))
			fprintf(stderr, "brink compare: warning: scenario %s is only in %s\n", s,
				nw->dir);
	}
	if (mt->ncommon == 0) {
		fprintf(stderr,
			"brink compare: %s and %s have no scenario in common: nothing to "
			"compare\n",
			base->dir, nw->dir);
		return -1;
	}
	return 0;
}

/* Does metric m apply to a scenario with BASE's runs b[0..nb) and NEW's
 * n[0..nn)? Every metric does, but one judged only where measured needs a
 * value on either side. */
static bool metric_applies(const struct metric *m, const struct run_result *const *b, size_t nb,
			   const struct run_result *const *n, size_t nn)
{
	if (!m->where_measured)
		return true;
	for (size_t i = 0; i < nb + nn; i++)
		if (!isnan(gate_metric_value(m, i < nb ? b[i] : n[i - nb])))
			return true;
	return false;
}

/* Step 3: one metric of one scenario, BASE's runs b[0..nb) against NEW's
 * n[0..nn), into *r. */
static void judge_metric(struct cmp_row *r, const struct cmp_opts *o, const struct side *base,
			 const struct side *nw, size_t m, const struct run_result *const *b,
			 size_t nb, const struct run_result *const *n, size_t nn)
{
	r->m = &gate_metrics[m];
	r->mi = m;
	r->nb = nb;
	r->nn = nn;
	r->base = r->new_ = r->change = NAN;
	if (base->has_col[m] && !nw->has_col[m]) {
		/* measured in BASE, no column in NEW: nothing can regress there, so
		 * the gate fails */
		r->status = ST_MISSING;
		snprintf(r->note, sizeof(r->note), "column %s missing in NEW", metric_column(r->m));
		return;
	}
	switch (r->m->kind) {
	case MK_NUMBER:
		compare_number(r, o, b, nb, n, nn);
		if (r->m->col == COL_duration_s && r->status != ST_NA &&
		    !same_breaks(b, nb, n, nn)) {
			/* a run that no longer breaks runs longer: not a slowdown */
			r->status = ST_OK;
			snprintf(r->note, sizeof(r->note),
				 "not judged: the runs ended differently");
		}
		break;
	case MK_BREAK:
		compare_breaks(r, b, nb, n, nn);
		break;
	case MK_VERDICT:
		compare_verdict(r, b, nb, n, nn);
		break;
	case MK_FAILURE:
		compare_failure(r, b, nb, n, nn);
		break;
	}
}

/* Step 2: every metric of every common scenario, appended to rows (room for
 * GATE_N_METRICS per scenario); *nrows counts them. A scenario none of whose
 * NEW runs measured anything (^C, or a command that could not start) cannot
 * have passed: it joins the gone ones. rb and rn have room for a side's rows.
 */
static void judge_scenarios(const struct cmp_opts *o, const struct side *base,
			    const struct side *nw, struct matching *mt,
			    const struct run_result **rb, const struct run_result **rn,
			    struct cmp_row *rows, size_t *nrows)
{
	for (size_t s = 0; s < mt->ncommon; s++) {
		const char *scenario = mt->common[s];
		size_t nb = side_rows(base, scenario, rb), nn = side_rows(nw, scenario, rn);
		size_t measured = 0;
		for (size_t i = 0; i < nn; i++)
			measured += rn[i]->outcome != OUT_EXEC_FAILED;
		if (measured == 0) {
			mt->unmeasured[mt->nunmeasured++] = scenario;
			mt->gone[mt->ngone++] = scenario;
			continue;
		}
		if (nb == 0) {
			fprintf(stderr,
				"brink compare: warning: scenario %s: every run in %s was "
				"interrupted, not compared\n",
				scenario, base->dir);
			continue;
		}
		mt->ncompared++;
		for (size_t m = 0; m < GATE_N_METRICS; m++) {
			if (!metric_applies(&gate_metrics[m], rb, nb, rn, nn))
				continue;
			struct cmp_row *r = &rows[(*nrows)++];
			r->scenario = scenario;
			judge_metric(r, o, base, nw, m, rb, nb, rn, nn);
		}
	}
}

/* Step 4: the rows in the chosen format, on stdout. */
static void print_rows(const struct cmp_opts *o, const struct side *base, const struct side *nw,
		       const struct cmp_row *rows, size_t nrows, const struct matching *mt)
{
	if (o->format == FMT_JSON) {
		print_json(stdout, o, base, nw, rows, nrows, mt->gone, mt->ngone, mt->unmeasured,
			   mt->nunmeasured);
		return;
	}
	static void (*const printers[])(FILE *, const struct cmp_row *, size_t) = {
	    [FMT_TABLE] = print_table, [FMT_MD] = print_md, [FMT_CSV] = print_csv};
	printers[o->format](stdout, rows, nrows);
}

/* Step 5: the verdict, named, on f: the note on too few repetitions, the
 * settings in force, what is missing in NEW, then "No regression ..." or
 * "Regressed: ...". Returns the exit status. */
static int print_verdict(FILE *f, const struct cmp_opts *o, const struct cmp_row *rows,
			 size_t nrows, const struct matching *mt)
{
	size_t regressed = 0, missing = mt->ngone;
	for (size_t i = 0; i < nrows; i++) {
		regressed += rows[i].status == ST_REGRESSED;
		missing += rows[i].status == ST_MISSING;
	}
	if (o->format == FMT_MD)
		fputs("\n", f);
	for (size_t i = 0; i < nrows; i++) {
		if (!rows[i].weak)
			continue;
		fprintf(f,
			"Note: with %zu vs %zu repetitions the two-sided test cannot reach p < %g "
			"(smallest possible p %.3g), so numbers were judged by the thresholds "
			"alone; 4 vs 4 can (p 0.029).\n",
			rows[i].nb, rows[i].nn, o->alpha, min_exact_p(rows[i].nb, rows[i].nn));
		break;
	}
	print_applied(f, o);
	/* sides measured differently, said once per scenario */
	for (size_t i = 0; i < nrows; i++) {
		if (rows[i].m->kind != MK_BREAK || !rows[i].watch[0])
			continue;
		fprintf(f,
			"Measured differently: %s: %s; a breaking point or first failing call "
			"only the watch sees is not judged.\n",
			rows[i].scenario, rows[i].watch);
	}
	if (missing) {
		fprintf(f, "Missing in NEW:");
		const char *sep = " ";
		for (size_t i = 0; i < mt->ngone; i++, sep = ", ") {
			fprintf(f, "%sscenario %s", sep, mt->gone[i]);
			for (size_t k = 0; k < mt->nunmeasured; k++)
				if (mt->unmeasured[k] == mt->gone[i])
					fputs(" (no run measured: all interrupted or exec-failed)",
					      f);
		}
		for (size_t i = 0; i < nrows; i++) {
			if (rows[i].status != ST_MISSING)
				continue;
			if (rows[i].m->kind == MK_BREAK && rows[i].watch[0])
				fprintf(f, "%s%s: the syscall watch (unavailable=syscalls in NEW)",
					sep, rows[i].scenario);
			else
				fprintf(f, "%s%s: column %s", sep, rows[i].scenario,
					metric_column(rows[i].m));
			sep = ", ";
		}
		fputs(" (NEW must have every scenario, column and watch of BASE)\n", f);
	}
	if (!regressed && !missing) {
		fprintf(f,
			"No regression in %zu scenario%s (alpha %g, threshold %g%% unless set "
			"per metric).\n",
			mt->ncompared, mt->ncompared == 1 ? "" : "s", o->alpha,
			o->threshold_all * 100);
		return EXIT_MEASURED;
	}
	if (!regressed)
		return EXIT_FAILED;
	fprintf(f, "Regressed:");
	const char *last = NULL;
	for (size_t i = 0; i < nrows; i++) {
		if (rows[i].status != ST_REGRESSED)
			continue;
		if (!last || strcmp(last, rows[i].scenario) != 0)
			fprintf(f, "%s %s: %s", last ? ";" : "", rows[i].scenario, rows[i].m->name);
		else
			fprintf(f, ", %s", rows[i].m->name);
		last = rows[i].scenario;
	}
	fputs("\n", f);
	return EXIT_FAILED;
}

/* Two loaded sides: match their scenarios, judge every metric, print the
 * rows and the verdict. Returns the exit status. */
static int compare_sides(const struct cmp_opts *o, const struct side *base, const struct side *nw)
{
	struct matching mt = {
	    .common = calloc(base->n, sizeof(*mt.common)),
	    .gone = calloc(base->n, sizeof(*mt.gone)),
	    .unmeasured = calloc(base->n, sizeof(*mt.unmeasured)),
	};
	const struct run_result **rb = calloc(base->n, sizeof(*rb));
	const struct run_result **rn = calloc(nw->n, sizeof(*rn));
	struct cmp_row *rows = calloc(base->n * GATE_N_METRICS, sizeof(*rows));
	size_t nrows = 0;
	int rc = EXIT_BAD_INPUT;
	if (!mt.common || !mt.gone || !mt.unmeasured || !rb || !rn || !rows) {
		fprintf(stderr, "brink compare: out of memory\n");
		goto out;
	}
	if (match_scenarios(base, nw, &mt) < 0)
		goto out;
	judge_scenarios(o, base, nw, &mt, rb, rn, rows, &nrows);
	if (nrows == 0 && mt.ngone == 0) {
		fprintf(stderr,
			"brink compare: no scenario of %s and %s has a complete run on both "
			"sides\n",
			base->dir, nw->dir);
		goto out;
	}
	print_rows(o, base, nw, rows, nrows, &mt);
	/* the verdict on stdout with the table (CI logs keep it next to the
	 * numbers); for CSV and JSON on stderr, keeping them clean */
	rc = print_verdict(o->format == FMT_CSV || o->format == FMT_JSON ? stderr : stdout, o, rows,
			   nrows, &mt);
out:
	fflush(stdout);
	free(mt.common);
	free(mt.gone);
	free(mt.unmeasured);
	free(rb);
	free(rn);
	free(rows);
	return rc;
}

/* Searches (search.h): two searches are compared by their answers, not by the
 * limits their bisections happened to visit (the probes). */
static int search_compare_hook(const struct cmp_opts *o, const struct side *base,
			       const struct side *nw)
{
	if (!search_compare_possible(base->dir, nw->dir))
		return compare_sides(o, base, nw);
	static const enum search_cmp_format fmts[] = {[FMT_TABLE] = SCF_TEXT,
						      [FMT_MD] = SCF_TEXT,
						      [FMT_CSV] = SCF_CSV,
						      [FMT_JSON] = SCF_JSON};
	FILE *verdict = o->format == FMT_CSV || o->format == FMT_JSON ? stderr : stdout;
	struct berr err;
	int missing = 0;
	int s = search_compare(base->dir, nw->dir, o->threshold_all, fmts[o->format], stdout,
			       verdict, &missing, &err);
	fflush(stdout);
	if (s < 0) {
		fprintf(stderr, "brink compare: %s\n", err.msg);
		return EXIT_BAD_INPUT;
	}
	return s > 0 || missing > 0 ? EXIT_FAILED : EXIT_MEASURED;
}

int cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"threshold", required_argument, NULL, 't'},
	    {"min-change", required_argument, NULL, 'm'},
	    {"alpha", required_argument, NULL, 'a'},
	    {"format", required_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	static const char *const formats[] = {
	    [FMT_TABLE] = "table", [FMT_MD] = "md", [FMT_CSV] = "csv", [FMT_JSON] = "json"};
	struct cmp_opts o = {.alpha = 0.05, .threshold_all = 0.10, .format = FMT_TABLE};
	for (size_t i = 0; i < GATE_N_METRICS; i++) {
		o.threshold[i] = 0.10;
		o.floor[i] = gate_metrics[i].floor;
	}
	/* Options are checked here and applied after NEW's config, which they
	 * override. */
	struct {
		int idx;
		double v;
	} given[64];
	size_t n_given = 0;
	int c;
	bool format_given = false;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:m:a:f:h", opts, NULL)) != -1) {
		if (option_value_check("brink compare", argv) != 0)
			return EXIT_BAD_INPUT;
		switch (c) {
		case 't':
		case 'm':
		case 'a': {
			const char *opt = c == 't'   ? "--threshold"
					  : c == 'm' ? "--min-change"
						     : "--alpha";
			if (n_given == sizeof(given) / sizeof(given[0])) {
				fprintf(stderr, "brink compare: %s %s: more than %zu settings\n",
					opt, optarg, n_given);
				return EXIT_BAD_INPUT;
			}
			if (option_setting(opt, optarg, &given[n_given].idx, &given[n_given].v) < 0)
				return EXIT_BAD_INPUT;
			/* a repeat is refused as run and exec refuse one; the same
			 * setting, that is: --threshold A=.. and --threshold B=.. are
			 * two settings */
			for (size_t i = 0; i < n_given; i++) {
				if (given[i].idx != given[n_given].idx)
					continue;
				const char *eq = strchr(optarg, '=');
				if (eq)
					fprintf(stderr,
						"brink compare: option %s given twice for %.*s\n",
						opt, (int)(eq - optarg), optarg);
				else
					fprintf(stderr, "brink compare: option %s given twice\n",
						opt);
				return EXIT_BAD_INPUT;
			}
			n_given++;
			break;
		}
		case 'f': {
			size_t i;
			if (format_given) {
				fprintf(stderr, "brink compare: option --format given twice\n");
				return EXIT_BAD_INPUT;
			}
			format_given = true;
			for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
				if (strcmp(optarg, formats[i]) == 0)
					break;
			if (i == sizeof(formats) / sizeof(formats[0])) {
				fprintf(
				    stderr,
				    "brink compare: --format %s: expected table, md, csv or json\n",
				    optarg);
				return EXIT_BAD_INPUT;
			}
			o.format = (enum format)i;
			break;
		}
		case 'h':
			usage(stdout);
			return EXIT_MEASURED;
		default:
			option_error("brink compare", c, argv);
			fprintf(stderr, "(brink compare --help lists them)\n");
			return EXIT_BAD_INPUT;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr,
			"brink compare: expected two result directories, BASE and NEW, "
			"got %d\n",
			argc - optind);
		usage(stderr);
		return EXIT_BAD_INPUT;
	}
	struct side base = {0}, nw = {0};
	char ini[PATH_MAX];
	int rc = EXIT_BAD_INPUT;
	if (side_load(&base, "BASE", argv[optind]) == 0 &&
	    side_load(&nw, "NEW", argv[optind + 1]) == 0 &&
	    config_settings(&o, nw.dir, ini, sizeof(ini)) == 0) {
		for (size_t i = 0; i < n_given; i++)
			setting_apply(&o, given[i].idx, given[i].v, "the command line");
		rc = search_compare_hook(&o, &base, &nw);
	}
	free(base.rows);
	free(nw.rows);
	return rc;
}
