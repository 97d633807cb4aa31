/* report.c - report.md and report.html of a result directory.
 *
 * Both come from the same pieces: the summary table (summary.csv through
 * summary_read), the [machine] section of run.ini, and the plots that
 * plot_write() left in plots/. report.md links the PNG pages; report.html is
 * self-contained: CSS in a <style> element, every scenario's SVG page inline,
 * nothing loaded from anywhere, so it can be archived or mailed as one file.
 *
 * Inline SVGs share one HTML document, hence one id space: gnuplot names its
 * markers and filters the same in every file (gpPt0, textbox...), so each
 * plot's ids and references to them get a per-plot prefix.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "afile.h"
#include "commands.h"
#include "config.h"
#include "csvread.h"
#include "curves.h"
#include "plot.h"
#include "quote.h"
#include "record.h"
#include "result.h"
#include "service.h"
#include "units.h"

/* ---- cells of the summary table ---------------------------------------- */

#define CELL_MAX 512

static void cell_scenario(const struct run_result *r, char *b, size_t n)
{
	snprintf(b, n, "%s", r->scenario);
}

static void cell_rep(const struct run_result *r, char *b, size_t n)
{
	snprintf(b, n, "%d", r->rep);
}

static void cell_outcome(const struct run_result *r, char *b, size_t n)
{
	if (r->outcome == OUT_EXITED && r->exit_code != RES_NONE)
		snprintf(b, n, "exited (%d)", r->exit_code);
	else if (r->outcome == OUT_SIGNALED && r->signal != RES_NONE)
		snprintf(b, n, "signaled (%d)", r->signal);
	else
		snprintf(b, n, "%s", outcome_name(r->outcome));
}

static void cell_limit_hit(const struct run_result *r, char *b, size_t n)
{
	snprintf(b, n, "%s", r->limit_hit != BP_NONE ? breaking_point_name(r->limit_hit) : "none");
}

static void cell_duration(const struct run_result *r, char *b, size_t n)
{
	if (r->duration_s >= 0)
		units_format_measure(UM_SECONDS, r->duration_s, b, n);
	else
		snprintf(b, n, "-");
}

static void cell_size(int64_t v, char *b, size_t n)
{
	if (v < 0)
		snprintf(b, n, "-");
	else
		units_format_size(v, b, n);
}

static void cell_count(int64_t v, char *b, size_t n)
{
	if (v < 0)
		snprintf(b, n, "-");
	else
		snprintf(b, n, "%" PRId64, v);
}

static void cell_peak_rss(const struct run_result *r, char *b, size_t n)
{
	cell_size(r->peak_rss_bytes, b, n);
}

static void cell_peak_mem(const struct run_result *r, char *b, size_t n)
{
	cell_size(r->peak_mem_bytes, b, n);
}

/* peak_fds is summed over the run's processes and fd_limit holds for each
 * process: a sum above the limit ("512 / 16" of 32 processes of 16 fds) would
 * read as a process beyond its limit, so then the cell says which is which. */
static void cell_peak_fds(const struct run_result *r, char *b, size_t n)
{
	if (r->peak_fds >= 0 && r->fd_limit > 0 && r->peak_fds > r->fd_limit)
		snprintf(b, n, "%" PRId64 " (sum) / %" PRId64 " per process", r->peak_fds,
			 r->fd_limit);
	else if (r->peak_fds >= 0 && r->fd_limit > 0)
		snprintf(b, n, "%" PRId64 " / %" PRId64, r->peak_fds, r->fd_limit);
	else
		cell_count(r->peak_fds, b, n);
}

static void cell_peak_threads(const struct run_result *r, char *b, size_t n)
{
	if (r->peak_threads >= 0 && r->pids_limit > 0)
		snprintf(b, n, "%" PRId64 " / %" PRId64, r->peak_threads, r->pids_limit);
	else
		cell_count(r->peak_threads, b, n);
}

static void cell_leak(const struct run_result *r, char *b, size_t n)
{
	if (r->leak == LEAK_YES && r->leak_metrics[0])
		snprintf(b, n, "yes (%s)", r->leak_metrics);
	else if (r->leak == LEAK_NONE)
		snprintf(b, n, "none (too short)");
	else
		snprintf(b, n, "%s", leak_verdict_name(r->leak));
}

/* The kernel's first failing system call: "openat EMFILE at 1.27 s, pid 4711". */
static void cell_first_failure(const struct run_result *r, char *b, size_t n)
{
	char at[32];
	if (r->first_failure_syscall[0])
		snprintf(b, n, "%s %s at %s, pid %" PRId64, r->first_failure_syscall,
			 r->first_failure_errno,
			 units_format_measure(UM_SECONDS_MS, r->first_failure_s, at, sizeof(at)),
			 r->first_failure_pid);
	else if (r->unavailable & UNAV_SYSCALLS)
		snprintf(b, n, "-");
	else
		snprintf(b, n, "none");
}

/* Whatever else a reader must know about the run, in one cell. */
static void cell_notes(const struct run_result *r, char *b, size_t n)
{
	char unav[128], missed[96] = "", how[64] = "";
	size_t used = 0;
	if (r->limit_method != METH_NONE)
		snprintf(how, sizeof(how), "found by %s", method_name(r->limit_method));
	b[0] = '\0';
	unavail_format(r->unavailable, unav, sizeof(unav));
	if (run_samples_missed(r))
		snprintf(missed, sizeof(missed), "%" PRId64 " of %" PRId64 " samples missed",
			 r->missed_samples, r->samples + r->missed_samples);
	const struct {
		const char *label, *text;
	} notes[] = {
	    {"expectation failed: ", r->expect_failure},
	    {"exec error: ", r->exec_error},
	    {"", r->outcome == OUT_EXITED ? "" : r->cause}, /* an exit says itself */
	    {"limit ", how},
	    {"no leak verdict: ", r->leak_reason},
	    {"not measured: ", unav},
	    {"warning: ", missed},
	};
	for (size_t i = 0; i < sizeof(notes) / sizeof(notes[0]); i++) {
		if (!notes[i].text[0] || used >= n)
			continue;
		int w = snprintf(b + used, n - used, "%s%s%s", used ? "; " : "", notes[i].label,
				 notes[i].text);
		if (w > 0)
			used += (size_t)w;
	}
}

/* ---- the service and Go runtime table (service.h) ---------------------- */

static void cell_ready(const struct run_result *r, char *b, size_t n)
{
	if (r->ready_s >= 0)
		units_format_measure(UM_SECONDS_MS, r->ready_s, b, n);
	else
		snprintf(b, n, "-");
}

static void cell_load(const struct run_result *r, char *b, size_t n)
{
	char s[32];
	if (!r->load_status[0])
		snprintf(b, n, "-");
	else if (r->load_exit_code != RES_NONE && r->load_duration_s >= 0)
		snprintf(b, n, "%s (exit %d, %s)", r->load_status, r->load_exit_code,
			 units_format_measure(UM_SECONDS, r->load_duration_s, s, sizeof(s)));
	else
		snprintf(b, n, "%s", r->load_status);
}

static void cell_go_heap(const struct run_result *r, char *b, size_t n)
{
	cell_size(r->go_heap_live_bytes, b, n);
}

static void cell_go_heap_slope(const struct run_result *r, char *b, size_t n)
{
	units_format_measure(UM_MIB_PER_S, r->go_heap_slope_bytes_per_s, b, n); /* "-": NAN */
}

static void cell_gcs(const struct run_result *r, char *b, size_t n)
{
	cell_count(r->gc_count, b, n);
}

static void cell_goroutines(const struct run_result *r, char *b, size_t n)
{
	cell_count(r->goroutines, b, n);
}

static void cell_goroutines_top(const struct run_result *r, char *b, size_t n)
{
	snprintf(b, n, "%s", r->goroutines_top[0] ? r->goroutines_top : "-");
}

/* ---- the tables: the REPORT of the summary columns (row.h) ------------- */

struct report_col {
	const char *title;
	bool numeric; /* right-aligned */
	void (*cell)(const struct run_result *r, char *buf, size_t len);
	int col;  /* the summary column (COL_*) */
	bool key; /* the row's name, first in every table */
};

/* Each REPORT becomes the tuple (table, N, title, align, cell), then a row
 * [N] = {...} of the tables it belongs to: KEY of both, SUMMARY of
 * report_cols, SERVICES of svc_cols. An N out of range does not compile (the
 * asserts below); one used twice is a warning (-Woverride-init). */
#define REP_SPEC_NO_REPORT			 NONE, 0, "", LEFT, none
#define REP_SPEC_KEY(n, title, align, cell)	 KEY, n, title, align, cell
#define REP_SPEC_SUMMARY(n, title, align, cell)	 SUMMARY, n, title, align, cell
#define REP_SPEC_SERVICES(n, title, align, cell) SERVICES, n, title, align, cell
#define REP_APPLY(table, spec, field)		 REP_EMIT(table, spec, field)
#define REP_EMIT(table, where, n, title, align, cell, field) \
	REP_##table##_##where(n, title, align, cell, field)
#define REP_ALIGN_LEFT	false
#define REP_ALIGN_RIGHT true
#define REP_COL(n, title, align, cell, field, key) \
	[n] = {title, REP_ALIGN_##align, cell_##cell, COL_##field, key},
#define REP_SUM_NONE(n, t, a, c, f)
#define REP_SUM_KEY(n, t, a, c, f)     REP_COL(n, t, a, c, f, true)
#define REP_SUM_SUMMARY(n, t, a, c, f) REP_COL(n, t, a, c, f, false)
#define REP_SUM_SERVICES(n, t, a, c, f)
#define REP_SVC_NONE(n, t, a, c, f)
#define REP_SVC_KEY(n, t, a, c, f) REP_COL(n, t, a, c, f, true)
#define REP_SVC_SUMMARY(n, t, a, c, f)
#define REP_SVC_SERVICES(n, t, a, c, f)			    REP_COL(n, t, a, c, f, false)
#define REP_SUM_ENTRY(field, kind, req, gate, report, help) REP_APPLY(SUM, REP_SPEC_##report, field)
#define REP_SVC_ENTRY(field, kind, req, gate, report, help) REP_APPLY(SVC, REP_SPEC_##report, field)
/* How many columns each table has. */
#define REP_IN_NO_REPORT				0, 0
#define REP_IN_KEY(n, t, a, c)				1, 1
#define REP_IN_SUMMARY(n, t, a, c)			1, 0
#define REP_IN_SERVICES(n, t, a, c)			0, 1
#define REP_FIRST(sum, svc)				sum
#define REP_SECOND(sum, svc)				svc
#define REP_PICK(which, in)				which(in)
#define REP_N_SUM(field, kind, req, gate, report, help) +REP_PICK(REP_FIRST, REP_IN_##report)
#define REP_N_SVC(field, kind, req, gate, report, help) +REP_PICK(REP_SECOND, REP_IN_##report)

/* The summary table. */
static const struct report_col report_cols[] = {SUMMARY_COLUMNS(REP_SUM_ENTRY)};
#define N_REPORT_COLS (sizeof(report_cols) / sizeof(report_cols[0]))
_Static_assert(N_REPORT_COLS == 0 SUMMARY_COLUMNS(REP_N_SUM), "SUMMARY numbers without a gap");

/* The service and Go runtime table (service.h). */
static const struct report_col svc_cols[] = {SUMMARY_COLUMNS(REP_SVC_ENTRY)};
#define N_SVC_COLS (sizeof(svc_cols) / sizeof(svc_cols[0]))
_Static_assert(N_SVC_COLS == 0 SUMMARY_COLUMNS(REP_N_SVC), "SERVICES numbers without a gap");

/* Does the row have anything for the service table: a column of its own that
 * is not empty? */
static bool svc_row(const struct run_result *r)
{
	for (size_t c = 0; c < N_SVC_COLS; c++)
		if (!svc_cols[c].key && !summary_col_empty(r, svc_cols[c].col))
			return true;
	return false;
}

/* ---- the result directory ---------------------------------------------- */

struct kv {
	char *key, *value;
};

struct report_data {
	const char *dir;
	char name[256]; /* base name of dir, for titles */
	struct run_result *rows;
	size_t nrows;
	/* distinct scenarios, in order of first appearance (pointers into rows) */
	const char **scen;
	size_t nscen;
	size_t *order; /* rows grouped by scenario, repetitions in file order */
	struct kv *machine;
	size_t nmachine;
	char machine_problem[256]; /* why the machine section is missing */
	bool have_plots;	   /* plots/ exists */
	bool plots_cut;		   /* their drawing was interrupted (PLOT_CUT_NOTE) */
};

static int machine_handler(void *user, const char *section, const char *name, const char *value)
{
	struct report_data *d = user;
	/* A merged result (merge.c) has one [machine shard K] per shard: its keys
	 * are shown as "shard K: key". */
	const char *shard = strncmp(section, "machine shard ", 14) == 0 ? section + 8 : NULL;
	if (strcmp(section, "machine") != 0 && !shard)
		return 1;
	struct kv *m = realloc(d->machine, (d->nmachine + 1) * sizeof(*m));
	if (!m)
		return 0;
	d->machine = m;
	m[d->nmachine].key = NULL;
	if (!shard)
		m[d->nmachine].key = strdup(name);
	else if (asprintf(&m[d->nmachine].key, "%s: %s", shard, name) < 0)
		m[d->nmachine].key = NULL;
	m[d->nmachine].value = strdup(value);
	if (!m[d->nmachine].key || !m[d->nmachine].value) {
		free(m[d->nmachine].key);
		free(m[d->nmachine].value);
		return 0;
	}
	d->nmachine++;
	return 1;
}

static void report_data_free(struct report_data *d)
{
	for (size_t i = 0; i < d->nmachine; i++) {
		free(d->machine[i].key);
		free(d->machine[i].value);
	}
	free(d->machine);
	free(d->scen);
	free(d->order);
	free(d->rows);
}

static bool has_scenario(const struct report_data *d, const char *name)
{
	for (size_t i = 0; i < d->nscen; i++)
		if (strcmp(d->scen[i], name) == 0)
			return true;
	return false;
}

static bool file_exists(const char *dir, const char *fmt, const char *name)
{
	char rel[PATH_MAX], path[PATH_MAX];
	snprintf(rel, sizeof(rel), fmt, name);
	if (snprintf(path, sizeof(path), "%s/%s", dir, rel) >= (int)sizeof(path))
		return false;
	return access(path, F_OK) == 0;
}

static int report_data_load(const char *dir, struct report_data *d, struct berr *err)
{
	char path[PATH_MAX];
	memset(d, 0, sizeof(*d));
	d->dir = dir;
	/* the directory's own name, without trailing slashes */
	size_t len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	size_t start = len;
	while (start > 0 && dir[start - 1] != '/')
		start--;
	snprintf(d->name, sizeof(d->name), "%.*s", (int)(len - start), dir + start);

	if (snprintf(path, sizeof(path), "%s/summary.csv", dir) >= (int)sizeof(path))
		return berr_set(err, ENAMETOOLONG, "result directory name too long");
	if (summary_read(path, &d->rows, &d->nrows, err) < 0)
		return -1;
	d->scen = calloc(d->nrows ? d->nrows : 1, sizeof(*d->scen));
	if (!d->scen)
		return berr_set(err, ENOMEM, "cannot read %s", path);
	for (size_t i = 0; i < d->nrows; i++)
		if (!has_scenario(d, d->rows[i].scenario))
			d->scen[d->nscen++] = d->rows[i].scenario;
	d->order = calloc(d->nrows ? d->nrows : 1, sizeof(*d->order));
	if (!d->order)
		return berr_set(err, ENOMEM, "cannot read %s", path);
	size_t k = 0;
	for (size_t s = 0; s < d->nscen; s++)
		for (size_t i = 0; i < d->nrows; i++)
			if (strcmp(d->rows[i].scenario, d->scen[s]) == 0)
				d->order[k++] = i;

	snprintf(path, sizeof(path), "%s/run.ini", dir);
	if (access(path, F_OK) != 0) {
		snprintf(d->machine_problem, sizeof(d->machine_problem),
			 "no run.ini in the result directory");
	} else {
		int line = config_ini_parse(path, machine_handler, d);
		if (line != 0)
			snprintf(d->machine_problem, sizeof(d->machine_problem),
				 line < 0 ? "cannot read run.ini"
					  : "run.ini: line %d: cannot parse",
				 line);
		else if (d->nmachine == 0)
			snprintf(d->machine_problem, sizeof(d->machine_problem),
				 "run.ini has no [machine] section");
	}
	snprintf(path, sizeof(path), "%s/plots", dir);
	struct stat st;
	d->have_plots = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
	snprintf(path, sizeof(path), "%s/plots/" PLOT_CUT_NOTE, dir);
	d->plots_cut = d->have_plots && stat(path, &st) == 0;
	return 0;
}

/* The k-th row of the summary table: grouped by scenario, in order of first
 * appearance, so that a scenario's repetitions sit together. */
static const struct run_result *row_in_order(const struct report_data *d, size_t k)
{
	return &d->rows[d->order[k]];
}

/* The plot groups of the report: a twin pair together (leaky first), every
 * other scenario alone, in summary order. Returns the number of scenarios in
 * the group starting at scenario i (0: already shown with its twin). */
static size_t plot_group(const struct report_data *d, size_t i, const char **a, const char **b,
			 char *twin_page, size_t len)
{
	char base[SCENARIO_NAME_MAX], other[SCENARIO_NAME_MAX + 8];
	*a = d->scen[i];
	*b = NULL;
	int kind = plot_twin_of(*a, base, sizeof(base));
	if (kind == 0)
		return 1;
	snprintf(other, sizeof(other), "%s-%s", base, kind == 1 ? "fixed" : "leaky");
	if (!has_scenario(d, other))
		return 1;
	/* the group is shown where the first of the two appears in the summary */
	for (size_t k = 0; k < i; k++)
		if (strcmp(d->scen[k], other) == 0)
			return 0;
	for (size_t k = 0; k < d->nscen; k++) {
		if (strcmp(d->scen[k], other) == 0) {
			*a = kind == 1 ? d->scen[i] : d->scen[k];
			*b = kind == 1 ? d->scen[k] : d->scen[i];
		}
	}
	plot_twin_page(base, has_scenario(d, base), twin_page, len);
	return 2;
}

/* ---- writing files atomically ------------------------------------------ */

/* DIR/NAME as an atomic file (afile.h). */
static int out_open(struct afile *o, const char *dir, const char *name, struct berr *err)
{
	char path[PATH_MAX];
	o->f = NULL;
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return berr_set(err, ENAMETOOLONG, "result directory name too long");
	return afile_open(o, path, 0, err);
}

/* ---- report.md --------------------------------------------------------- */

/* A Markdown table cell: '|' escaped, line breaks flattened. */
static void md_cell(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r')
			putc(' ', f);
		else
			putc(*s, f);
	}
}

static void html_text(FILE *f, const char *s)
{
	quote_html(f, s);
}

/* ---- one table writer for report.md and report.html --------------------- */

/* What a table is made of in one format; [0] left-aligned, [1] numeric. */
struct dialect {
	void (*text)(FILE *f, const char *s); /* a cell's text, escaped */
	const char *open;		      /* printf format of the table id */
	const char *head_row[2];	      /* before and after the titles */
	const char *head_cell[2];	      /* before and after a title */
	const char *rule_row[2];	      /* the alignment row; NULL: none */
	const char *rule_cell[2];
	const char *row[2];
	const char *cell_open[2];
	const char *cell_close;
	const char *close;
	/* the services section: its heading, and each goroutine dump's largest
	 * groups (a heading that names the run, then the lines as they are) */
	const char *services_head;
	void (*dump_head)(FILE *f, const struct run_result *r);
	void (*pre_text)(FILE *f, const char *s);
	const char *pre_close;
};

static void md_dump_head(FILE *f, const struct run_result *r)
{
	/* linked to the whole list */
	fprintf(f, "\n%s, repetition %d ([goroutines.txt](%s/%d/goroutines.txt)):\n\n```\n",
		r->scenario, r->rep, r->scenario, r->rep);
}

static void html_dump_head(FILE *f, const struct run_result *r)
{
	fputs("<p>", f);
	html_text(f, r->scenario);
	fprintf(f, ", repetition %d (goroutines.txt):</p>\n<pre>", r->rep);
}

static void raw_text(FILE *f, const char *s)
{
	fputs(s, f);
}

static const struct dialect md = {
    .text = md_cell,
    .open = "",
    .head_row = {"|", "\n"},
    .head_cell = {" ", " |"},
    .rule_row = {"|", "\n"},
    .rule_cell = {"---|", "---:|"},
    .row = {"|", "\n"},
    .cell_open = {" ", " "},
    .cell_close = " |",
    .close = "",
    .services_head =
	"\n## Services and the Go runtime\n\n"
	"The load, the Go live heap after GC (go-runtime = gctrace) and the goroutines "
	"of the SIGQUIT dump (go-runtime = dump; every group in "
	"SCENARIO/REP/goroutines.txt).\n\n",
    .dump_head = md_dump_head,
    .pre_text = raw_text,
    .pre_close = "```\n",
};

static const struct dialect html = {
    .text = html_text,
    .open = "<table id=\"%s\">\n<thead>",
    .head_row = {"<tr>", "</tr></thead>\n<tbody>\n"},
    .head_cell = {"<th>", "</th>"},
    .row = {"<tr>", "</tr>\n"},
    .cell_open = {"<td>", "<td class=\"num\">"},
    .cell_close = "</td>",
    .close = "</tbody>\n</table>\n",
    .services_head = "<h2>Services and the Go runtime</h2>\n",
    .dump_head = html_dump_head,
    .pre_text = html_text,
    .pre_close = "</pre>\n",
};

/* The rows of d (those `keep` accepts; NULL: all), in summary order, in the
 * columns cols[0..n). `id` names the table where the format can. */
/* The OOM killer's first victim of run r (oom_victim_pid), with the name and
 * the source its oom-victim event in RUN/events.csv gives ("comm
 * source=tracepoint|kernel-log"), appended to the notes cell b: "OOM victim:
 * pid 4711 (failcall, from the tracepoint)"; the pid alone when the event
 * cannot be read. Nothing when the run has no victim. */
static void note_oom_victim(const struct report_data *d, const struct run_result *r, char *b,
			    size_t n)
{
	if (r->oom_victim_pid == RES_NONE || r->oom_victim_pid <= 0)
		return;
	char path[PATH_MAX], comm[64] = "", source[32] = "";
	struct csv_reader rd;
	struct berr e = {0};
	if (snprintf(path, sizeof(path), "%s/%s/%d/events.csv", d->dir, r->scenario, r->rep) <
		(int)sizeof(path) &&
	    csvr_open(&rd, path, &e) == 0) {
		int ce = csvr_col(&rd, "event"), cv = csvr_col(&rd, "value"),
		    cd = csvr_col(&rd, "detail");
		char pid[32];
		snprintf(pid, sizeof(pid), "%" PRId64, r->oom_victim_pid);
		while (ce >= 0 && cv >= 0 && cd >= 0 && csvr_next(&rd, &e) == 1) {
			if (strcmp(rd.field[ce], "oom-victim") != 0 ||
			    strcmp(rd.field[cv], pid) != 0)
				continue;
			/* the name may hold blanks; the source is the last word */
			const char *det = rd.field[cd], *src = strstr(det, "source=");
			while (src && strstr(src + 1, " source="))
				src = strstr(src + 1, " source=") + 1;
			size_t clen = src ? (size_t)(src - det) : strlen(det);
			while (clen > 0 && det[clen - 1] == ' ')
				clen--;
			snprintf(comm, sizeof(comm), "%.*s", (int)clen, det);
			if (src)
				snprintf(source, sizeof(source), "%s", src + 7);
			break;
		}
		csvr_close(&rd);
	}
	size_t used = strlen(b);
	if (used >= n)
		return;
	int w = snprintf(b + used, n - used, "%sOOM victim: pid %" PRId64, used ? "; " : "",
			 r->oom_victim_pid);
	used += w > 0 ? (size_t)w : 0;
	if (used < n && (comm[0] || source[0]))
		snprintf(b + used, n - used, " (%s%s%s%s)", comm, comm[0] && source[0] ? ", " : "",
			 source[0] ? "from the " : "", source);
}

static void put_table(FILE *f, const struct dialect *t, const struct report_data *d, const char *id,
		      const struct report_col *cols, size_t n,
		      bool (*keep)(const struct run_result *))
{
	char cell[CELL_MAX];
	fprintf(f, t->open, id);
	fputs(t->head_row[0], f);
	for (size_t c = 0; c < n; c++) {
		fputs(t->head_cell[0], f);
		t->text(f, cols[c].title);
		fputs(t->head_cell[1], f);
	}
	fputs(t->head_row[1], f);
	if (t->rule_row[0]) {
		fputs(t->rule_row[0], f);
		for (size_t c = 0; c < n; c++)
			fputs(t->rule_cell[cols[c].numeric], f);
		fputs(t->rule_row[1], f);
	}
	for (size_t k = 0; k < d->nrows; k++) {
		const struct run_result *r = row_in_order(d, k);
		if (keep && !keep(r))
			continue;
		fputs(t->row[0], f);
		for (size_t c = 0; c < n; c++) {
			cols[c].cell(r, cell, sizeof(cell));
			if (cols[c].col == COL_cause) /* the victim's name is in events.csv */
				note_oom_victim(d, r, cell, sizeof(cell));
			fputs(t->cell_open[cols[c].numeric], f);
			t->text(f, cell);
			fputs(t->cell_close, f);
		}
		fputs(t->row[1], f);
	}
	fputs(t->close, f);
}

#define GOR_REPORT_LINES 6

/* The first lines of SCENARIO/REP/goroutines.txt (its header and the largest
 * groups), without newlines; 0 when there is none. */
static size_t goroutine_groups(const struct report_data *d, const struct run_result *r,
			       char lines[][400])
{
	char p[PATH_MAX];
	if (r->goroutines < 0 || snprintf(p, sizeof(p), "%s/%s/%d/goroutines.txt", d->dir,
					  r->scenario, r->rep) >= (int)sizeof(p))
		return 0;
	FILE *g = fopen(p, "re");
	if (!g)
		return 0;
	size_t n = 0;
	while (n < GOR_REPORT_LINES && fgets(lines[n], 400, g)) {
		lines[n][strcspn(lines[n], "\n")] = '\0';
		n++;
	}
	fclose(g);
	return n;
}

/* metrics-url problems, per run: how many scrapes failed and the first
 * reason (RUN/events.csv); nothing when none did. */
static void md_scrapes(FILE *f, const struct report_data *d)
{
	bool head = false;
	for (size_t k = 0; k < d->nrows; k++) {
		const struct run_result *r = row_in_order(d, k);
		char rd[PATH_MAX], first[400];
		if (snprintf(rd, sizeof(rd), "%s/%s/%d", d->dir, r->scenario, r->rep) >=
		    (int)sizeof(rd))
			continue;
		int64_t nfail = service_scrape_failures(rd, first, sizeof(first));
		if (nfail <= 0)
			continue;
		if (!head)
			fputs("\n## Failed scrapes of metrics-url\n\n", f);
		head = true;
		fprintf(f,
			"- %s, repetition %d: %lld failed (`scrape-failed` in events.csv); the "
			"first: ",
			r->scenario, r->rep, (long long)nfail);
		md_cell(f, first);
		fputs("\n", f);
	}
}

/* The services table and the largest groups of each goroutine dump, in
 * either format (nothing when no run has a column of the table). */
static void put_services(FILE *f, const struct dialect *t, const struct report_data *d)
{
	bool any = false;
	for (size_t k = 0; k < d->nrows; k++)
		any |= svc_row(row_in_order(d, k));
	if (!any)
		return;
	fputs(t->services_head, f);
	put_table(f, t, d, "services", svc_cols, N_SVC_COLS, svc_row);
	for (size_t k = 0; k < d->nrows; k++) {
		const struct run_result *r = row_in_order(d, k);
		char lines[GOR_REPORT_LINES][400];
		size_t n = goroutine_groups(d, r, lines);
		if (n == 0)
			continue;
		t->dump_head(f, r);
		for (size_t i = 0; i < n; i++) {
			t->pre_text(f, lines[i]);
			fputs("\n", f);
		}
		fputs(t->pre_close, f);
	}
}

static void md_plots(FILE *f, const struct report_data *d)
{
	fputs("\n## Plots\n\n", f);
	if (!d->have_plots) {
		fputs("No plots: this result was written with --no-plots or without gnuplot. "
		      "Run `brink plot DIR` (gnuplot-nox installed), then `brink report DIR`.\n",
		      f);
		return;
	}
	if (d->plots_cut)
		fputs("**The plots are incomplete**: drawing them was interrupted. "
		      "Run `brink plot DIR`, then `brink report DIR`.\n\n",
		      f);
	for (size_t i = 0; i < d->nscen; i++) {
		const char *a, *b;
		char twin[SCENARIO_NAME_MAX + 8];
		size_t n = plot_group(d, i, &a, &b, twin, sizeof(twin));
		if (n == 0)
			continue;
		if (n == 2) {
			fprintf(f, "### %s and %s\n\n", a, b);
			if (file_exists(d->dir, "plots/%s.png", twin))
				fprintf(f, "![%s: leaky and fixed](plots/%s.png)\n\n", twin, twin);
			fprintf(f,
				"Pages of their own: [%s](plots/%s.png) ([SVG](plots/%s.svg)), "
				"[%s](plots/%s.png) ([SVG](plots/%s.svg))\n\n",
				a, a, a, b, b, b);
		} else {
			fprintf(f, "### %s\n\n", a);
			if (file_exists(d->dir, "plots/%s.png", a))
				fprintf(f, "![%s](plots/%s.png)\n\n[SVG](plots/%s.svg)\n\n", a, a,
					a);
			else
				fputs("(no plot drawn)\n\n", f);
		}
	}
}

static int write_md(const struct report_data *d, struct berr *err)
{
	struct afile o;
	if (out_open(&o, d->dir, "report.md", err) < 0)
		return -1;
	FILE *f = o.f;
	fprintf(f, "# brink report: %s\n\n", d->name);
	fprintf(f,
		"%zu runs of %zu scenarios. Data: [summary.csv](summary.csv)%s, [run.ini](run.ini) "
		"(the effective configuration).\n\n",
		d->nrows, d->nscen,
		file_exists(d->dir, "%s", "summary.json") ? ", [summary.json](summary.json)" : "");
	fputs("## Summary\n\n", f);
	put_table(f, &md, d, "summary", report_cols, N_REPORT_COLS, NULL);
	curves_md(d->dir, f);
	put_services(f, &md, d);
	md_scrapes(f, d);
	fputs("\n## Machine\n\n", f);
	if (d->nmachine) {
		fputs("| key | value |\n|---|---|\n", f);
		for (size_t i = 0; i < d->nmachine; i++) {
			fputs("| ", f);
			md_cell(f, d->machine[i].key);
			fputs(" | ", f);
			md_cell(f, d->machine[i].value);
			fputs(" |\n", f);
		}
	} else {
		fprintf(f, "Not available: %s.\n", d->machine_problem);
	}
	md_plots(f, d);
	return afile_commit(&o, err);
}

/* ---- report.html ------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (cap - n < 65536) {
			char *nb = realloc(buf, cap + 65536 + 1);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap += 65536;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The ids already written for one inline SVG (gnuplot repeats its
 * "gnuplot_plot_1a" group ids on every panel of a multiplot). */
struct id_set {
	char **v;
	size_t n;
};

/* How many times `id` was seen before (0 the first time); -1 out of memory. */
static long id_seen(struct id_set *s, const char *id, size_t len)
{
	long seen = 0;
	for (size_t i = 0; i < s->n; i++)
		if (strlen(s->v[i]) == len && memcmp(s->v[i], id, len) == 0)
			seen++;
	char **v = realloc(s->v, (s->n + 1) * sizeof(*v));
	if (!v)
		return -1;
	s->v = v;
	if (!(s->v[s->n] = strndup(id, len)))
		return -1;
	s->n++;
	return seen;
}

static void id_set_free(struct id_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

/* Copy an SVG file's <svg> element into the page: the XML declaration and
 * doctype dropped, every id and every local reference (href="#x", url(#x))
 * prefixed, and an id repeated inside the file made unique with a suffix
 * (nothing refers to gnuplot's repeated ones). Returns false when the file
 * cannot be read or is not SVG. */
static bool html_inline_svg(FILE *f, const char *path, const char *prefix)
{
	size_t len;
	char *svg = slurp(path, &len);
	if (!svg)
		return false;
	char *p = strstr(svg, "<svg");
	if (!p) {
		free(svg);
		return false;
	}
	static const char *const refs[] = {"id=\"", "id='", "href=\"#", "href='#", "url(#"};
	struct id_set ids = {0};
	bool ok = true;
	while (*p && ok) {
		size_t i, n = sizeof(refs) / sizeof(refs[0]);
		for (i = 0; i < n; i++) {
			if (!starts_with(p, refs[i]))
				continue;
			/* an attribute name follows a blank, or the ':' of
			 * "xlink:href"; "url(" is not an attribute */
			if (refs[i][0] == 'u' || (p > svg && strchr(" \t\n:", p[-1])))
				break;
		}
		if (i == n) {
			putc(*p++, f);
			continue;
		}
		fputs(refs[i], f);
		fputs(prefix, f);
		p += strlen(refs[i]);
		if (refs[i][0] != 'i')
			continue;
		char quote = refs[i][3];
		size_t vlen = strcspn(p, quote == '"' ? "\"" : "'");
		long seen = id_seen(&ids, p, vlen);
		fwrite(p, 1, vlen, f);
		if (seen > 0)
			fprintf(f, "-%ld", seen);
		ok = seen >= 0;
		p += vlen;
	}
	putc('\n', f);
	id_set_free(&ids);
	free(svg);
	return ok;
}

static void html_figure(FILE *f, const struct report_data *d, const char *scenario, size_t n)
{
	char path[PATH_MAX], prefix[32];
	fputs("<figure class=\"plot\" id=\"plot-", f);
	html_text(f, scenario);
	fputs("\" data-scenario=\"", f);
	html_text(f, scenario);
	fputs("\">\n<figcaption>", f);
	html_text(f, scenario);
	fputs("</figcaption>\n", f);
	snprintf(prefix, sizeof(prefix), "p%zu-", n);
	bool ok =
	    snprintf(path, sizeof(path), "%s/plots/%s.svg", d->dir, scenario) < (int)sizeof(path) &&
	    html_inline_svg(f, path, prefix);
	if (!ok) {
		fputs("<p class=\"missing\">No plot: plots/", f);
		html_text(f, scenario);
		fputs(".svg is missing (run brink plot, then brink report).</p>\n", f);
	}
	fputs("</figure>\n", f);
}

static const char html_style[] =
    "body{font-family:sans-serif;margin:1.5em;color:#222}"
    "table{border-collapse:collapse;margin:1em 0;font-size:90%}"
    "th,td{border:1px solid #bbb;padding:0.25em 0.6em;text-align:left;vertical-align:top}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "th{background:#eee}"
    ".twins{display:flex;gap:1em;flex-wrap:wrap}"
    ".twins figure{flex:1 1 40em}"
    "figure{margin:1em 0}"
    "figure svg{width:100%;height:auto;max-width:60em}"
    "figcaption{font-weight:bold;margin-bottom:0.3em}"
    ".missing{color:#a00}";

static int write_html(const struct report_data *d, struct berr *err)
{
	struct afile o;
	if (out_open(&o, d->dir, "report.html", err) < 0)
		return -1;
	FILE *f = o.f;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>brink "
	      "report: ",
	      f);
	html_text(f, d->name);
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>brink report: ", html_style);
	html_text(f, d->name);
	fprintf(f, "</h1>\n<p>%zu runs of %zu scenarios.</p>\n", d->nrows, d->nscen);

	fputs("<h2>Summary</h2>\n", f);
	put_table(f, &html, d, "summary", report_cols, N_REPORT_COLS, NULL);
	curves_html(d->dir, f);
	put_services(f, &html, d);

	fputs("<h2>Machine</h2>\n", f);
	if (d->nmachine) {
		fputs("<table id=\"machine\">\n<tbody>\n", f);
		for (size_t i = 0; i < d->nmachine; i++) {
			fputs("<tr><th>", f);
			html_text(f, d->machine[i].key);
			fputs("</th><td>", f);
			html_text(f, d->machine[i].value);
			fputs("</td></tr>\n", f);
		}
		fputs("</tbody>\n</table>\n", f);
	} else {
		fputs("<p>Not available: ", f);
		html_text(f, d->machine_problem);
		fputs(".</p>\n", f);
	}

	fputs("<h2>Plots</h2>\n", f);
	if (!d->have_plots)
		fputs("<p class=\"missing\">No plots: this result was written with "
		      "<code>--no-plots</code> or without gnuplot. Run <code>brink plot DIR</code> "
		      "(gnuplot-nox installed), then <code>brink report DIR</code>.</p>\n",
		      f);
	else if (d->plots_cut)
		fputs("<p class=\"missing\">The plots are incomplete: drawing them was "
		      "interrupted. Run <code>brink plot DIR</code>, then <code>brink report "
		      "DIR</code>.</p>\n",
		      f);
	size_t fig = 0;
	for (size_t i = 0; i < d->nscen && d->have_plots; i++) {
		const char *a, *b;
		char twin[SCENARIO_NAME_MAX + 8];
		size_t n = plot_group(d, i, &a, &b, twin, sizeof(twin));
		if (n == 2) {
			fputs("<div class=\"twins\">\n", f);
			html_figure(f, d, a, fig++);
			html_figure(f, d, b, fig++);
			fputs("</div>\n", f);
		} else if (n == 1) {
			html_figure(f, d, a, fig++);
		}
	}
	fputs("</body>\n</html>\n", f);
	return afile_commit(&o, err);
}

/* ---- entry points ------------------------------------------------------ */

/* 0, or -1 with err; *bad_input tells a missing/garbled summary from a write
 * failure. */
static int report_dir(const char *dir, bool *bad_input, struct berr *err)
{
	struct report_data d;
	*bad_input = false;
	if (report_data_load(dir, &d, err) < 0) {
		*bad_input = true;
		report_data_free(&d);
		return -1;
	}
	int rc = write_md(&d, err);
	if (rc == 0)
		rc = write_html(&d, err);
	report_data_free(&d);
	return rc;
}

int report_write(const char *dir, struct berr *err)
{
	bool bad;
	return report_dir(dir, &bad, err);
}

static void report_usage(FILE *f)
{
	fprintf(f, "usage: brink report DIR\n"
		   "Rewrite DIR/report.md and DIR/report.html from DIR/summary.csv,\n"
		   "DIR/run.ini and the plots in DIR/plots.\n"
		   "\n"
		   "  -h, --help   this help\n");
}

int cmd_report(int argc, char **argv)
{
	const char *dir;
	int ret = command_result_dir("brink report", argc, argv, report_usage, &dir);
	if (ret >= 0)
		return ret;
	struct berr err = {0};
	bool bad;
	if (report_dir(dir, &bad, &err) < 0) {
		fprintf(stderr, "brink report: %s\n", err.msg);
		return bad ? EXIT_BAD_INPUT : EXIT_FAILED;
	}
	printf("%s/report.md\n%s/report.html\n", dir, dir);
	return EXIT_MEASURED;
}
