/* plot.c - gnuplot pages of a result directory (see plot.h).
 *
 * Flow: summary.csv (record.h) gives the scenarios, their repetitions and their
 * limits; each repetition's samples.csv is downsampled into plots/data/ and its
 * events.csv gives the breaking points; then one gnuplot script per page is
 * generated and gnuplot is run on it as a child process (no shell), in
 * DIR/plots, so no path of the result directory ever appears in a script.
 */
#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "afile.h"
#include "commands.h"
#include "config.h"
#include "csvread.h"
#include "curves.h"
#include "quote.h"
#include "record.h"
#include "result.h"

/* P_GO is drawn only on pages with Go runtime data (go-runtime = gctrace). */
enum panel_id { P_MEM, P_FDS, P_THREADS, P_GO, P__COUNT };
enum series_id { S_RSS, S_MEM, S_FDS, S_THREADS, S_GO_HEAP, S__COUNT };

static const struct series_desc {
	const char *column; /* in samples.csv */
	const char *title;
	enum panel_id panel;
	const char *color; /* RRGGBB */
} series_table[S__COUNT] = {
    [S_RSS] = {"rss_bytes", "RSS", P_MEM, "1f77b4"},
    [S_MEM] = {"mem_bytes", "cgroup memory", P_MEM, "ff7f0e"},
    [S_FDS] = {"fds", "open fds", P_FDS, "2ca02c"},
    [S_THREADS] = {"threads", "threads", P_THREADS, "9467bd"},
    /* optional column: only runs with go-runtime = gctrace have it */
    [S_GO_HEAP] = {"go_heap_live_bytes", "Go live heap after GC", P_GO, "8c564b"},
};

static const struct panel_desc {
	const char *ylabel;
	double scale;	    /* data unit -> axis unit */
	const char *limit;  /* name of the limit drawn on this panel */
	const char *unit;   /* axis unit, for the limit's label */
	const char *column; /* the limit's summary.csv column (for messages) */
} panel_table[P__COUNT] = {
    [P_MEM] = {"memory (MiB)", 1.0 / 1048576.0, "memory limit", " MiB", "mem_limit_bytes"},
    /* fds are summed over the processes; the limit holds for each one */
    [P_FDS] = {"open fds (all processes)", 1.0, "nofile limit", " per process", "fd_limit"},
    [P_THREADS] = {"threads", 1.0, "pids limit", "", "pids_limit"},
    [P_GO] = {"Go heap (MiB)", 1.0 / 1048576.0, "", " MiB", ""},
};

#define ALL_PANELS (-1)

/* Breaking points from events.csv. */
static const struct mark_desc {
	const char *event;
	const char *label;
	int panel;	 /* ALL_PANELS: a vertical line on every panel */
	bool value_is_y; /* the event's value is a point on the panel (data unit) */
	const char *color;
	double label_y;	    /* height of a label not at its value (graph fraction): one per
			     * kind of mark that can fall at the same time, so that none
			     * covers another (pids max and the first EAGAIN) */
	const char *detail; /* NULL, or a word the event's detail must contain */
} mark_table[] = {
    {"oom", "OOM", P_MEM, true, "d62728", 0.85, NULL},		   /* value: cgroup memory then */
    {"fd-exhausted", "EMFILE", P_FDS, true, "d62728", 0.85, NULL}, /* value: fds then */
    {"pids-max", "pids max", P_THREADS, false, "d62728", 0.85, NULL},
    {"timeout", "timeout", ALL_PANELS, false, "555555", 0.85, NULL},
    /* the load window of a service (service.h): mid-height, clear of the key
     * and the limit labels */
    {"ready", "ready", ALL_PANELS, false, "2ca02c", 0.5, NULL},
    {"stop", "stop", ALL_PANELS, false, "555555", 0.5, NULL},
    /* the kernel's first failing call of each kind (value: the pid) */
    {"first-failure", "first EMFILE", P_FDS, false, "9467bd", 0.7, " EMFILE "},
    {"first-failure", "first ENFILE", P_FDS, false, "9467bd", 0.6, " ENFILE "},
    {"first-failure", "first EAGAIN", P_THREADS, false, "9467bd", 0.7, " EAGAIN "},
    {"first-failure", "first ENOMEM", P_MEM, false, "9467bd", 0.7, " ENOMEM "},
};
#define N_MARKS (sizeof(mark_table) / sizeof(mark_table[0]))

#define LIMIT_COLOR "d62728"
/* A limit more than this many times above the data is named, not drawn: the
 * data would be a flat line on the axis. */
#define LIMIT_SCALE_RATIO 2.0

struct mark {
	double t, v;
	bool has_v;
	unsigned kind; /* index in mark_table */
};

struct rep_plot {
	int rep;
	bool have_samples;
	int index[S__COUNT]; /* gnuplot index block of each series, -1: no values */
	double vmax[S__COUNT];
	double tmax;
	struct mark *marks;
	size_t nmarks;
};

struct scen_plot {
	char name[SCENARIO_NAME_MAX];
	const struct run_result *first; /* its first row, for the title */
	int64_t limit[P__COUNT];	/* <= 0: none */
	struct rep_plot *reps;
	size_t nreps;
	double dmax[P__COUNT]; /* largest value on each panel, data unit */
	double tmax;
};

/* ---- helpers ----------------------------------------------------------- */

/* Format a path into buf[PATH_MAX]; one that does not fit is an error, never
 * silently truncated. */
static int pathf(char *buf, struct berr *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int pathf(char *buf, struct berr *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_MAX)
		return berr_set(err, ENAMETOOLONG, "path too long: %.200s...", buf);
	return 0;
}

static int make_dir(const char *path, struct berr *err)
{
	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return 0;
	return berr_set(err, errno, "cannot create directory %s", path);
}

int plot_twin_of(const char *scenario, char *base, size_t len)
{
	static const char *const suffix[] = {"-leaky", "-fixed"};
	size_t n = strlen(scenario);
	for (int i = 0; i < 2; i++) {
		size_t k = strlen(suffix[i]);
		if (n > k && strcmp(scenario + n - k, suffix[i]) == 0) {
			snprintf(base, len, "%.*s", (int)(n - k), scenario);
			return i + 1;
		}
	}
	return 0;
}

void plot_twin_page(const char *base, bool base_is_scenario, char *page, size_t len)
{
	snprintf(page, len, base_is_scenario ? "%s.twins" : "%s", base);
}

bool plot_have_gnuplot(void)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		char file[4096];
		/* an empty PATH entry means the current directory */
		snprintf(file, sizeof(file), "%.*s/gnuplot", (int)n, n ? path : ".");
		struct stat st;
		if (stat(file, &st) == 0 && S_ISREG(st.st_mode) && access(file, X_OK) == 0)
			return true;
		path += n;
		if (*path == ':')
			path++;
	}
	return false;
}

/* ---- downsampling ------------------------------------------------------ */

struct points {
	double *t, *v;
	size_t n, cap;
};

static int points_add(struct points *p, double t, double v)
{
	/* the first and last samples are added besides their buckets' extremes:
	 * never twice */
	if (p->n && p->t[p->n - 1] == t && p->v[p->n - 1] == v)
		return 0;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 256;
		double *nt = realloc(p->t, cap * sizeof(*nt));
		if (!nt)
			return -1;
		p->t = nt;
		double *nv = realloc(p->v, cap * sizeof(*nv));
		if (!nv)
			return -1;
		p->v = nv;
		p->cap = cap;
	}
	p->t[p->n] = t;
	p->v[p->n] = v;
	p->n++;
	return 0;
}

/* The extremes of one bucket of consecutive samples. */
struct bucket {
	bool have;
	double t_lo, lo, t_hi, hi;
};

static void bucket_add(struct bucket *b, double t, double v)
{
	if (!b->have) {
		*b = (struct bucket){true, t, v, t, v};
		return;
	}
	if (v < b->lo) {
		b->lo = v;
		b->t_lo = t;
	}
	if (v > b->hi) {
		b->hi = v;
		b->t_hi = t;
	}
}

/* Emit the bucket's minimum and maximum in time order (one point when they are
 * the same sample). */
static int bucket_flush(struct bucket *b, struct points *p)
{
	int rc = 0;
	if (!b->have)
		return 0;
	if (b->t_lo == b->t_hi)
		rc = points_add(p, b->t_lo, b->lo);
	else if (b->t_lo < b->t_hi)
		rc = points_add(p, b->t_lo, b->lo) | points_add(p, b->t_hi, b->hi);
	else
		rc = points_add(p, b->t_hi, b->hi) | points_add(p, b->t_lo, b->lo);
	b->have = false;
	return rc ? -1 : 0;
}

static int count_rows(const char *path, size_t *rows, struct berr *err)
{
	struct csv_reader r;
	if (csvr_open(&r, path, err) < 0)
		return -1;
	int got;
	size_t n = 0;
	while ((got = csvr_next(&r, err)) == 1)
		n++;
	csvr_close(&r);
	*rows = n;
	return got < 0 ? -1 : 0;
}

/* Read samples.csv of one repetition, keep at most PLOT_MAX_POINTS points per
 * series (min/max per bucket) and write them to data_path. */
static int downsample(const char *samples, const char *data_path, struct rep_plot *rp,
		      struct berr *err)
{
	struct points pts[S__COUNT];
	struct bucket bk[S__COUNT];
	int col[S__COUNT], tcol;
	struct csv_reader r;
	FILE *out = NULL;
	size_t rows;
	int rc = -1;

	memset(pts, 0, sizeof(pts));
	memset(bk, 0, sizeof(bk));
	memset(&r, 0, sizeof(r));
	if (count_rows(samples, &rows, err) < 0)
		return -1;
	if (csvr_open(&r, samples, err) < 0)
		return -1;
	if ((tcol = csvr_need_col(&r, "t_s", err)) < 0)
		goto out;
	for (int s = 0; s < S__COUNT; s++)
		if (s == S_GO_HEAP)
			col[s] = csvr_col(&r, series_table[s].column); /* -1: not there */
		else if ((col[s] = csvr_need_col(&r, series_table[s].column, err)) < 0)
			goto out;

	/* buckets of two points each, plus the first and the last sample of each
	 * series, so that the line spans the whole run */
	size_t nb = (PLOT_MAX_POINTS - 2) / 2, cur = (size_t)-1;
	struct bucket edge[S__COUNT]; /* t_lo/lo: first sample, t_hi/hi: last */
	memset(edge, 0, sizeof(edge));
	for (size_t i = 0;; i++) {
		int got = csvr_next(&r, err);
		if (got < 0)
			goto out;
		if (got == 0)
			break;
		/* few rows: every row is its own bucket, nothing is dropped */
		size_t b =
		    rows <= PLOT_MAX_POINTS ? i : (size_t)((double)i * (double)nb / (double)rows);
		if (b != cur) {
			for (int s = 0; s < S__COUNT; s++)
				if (bucket_flush(&bk[s], &pts[s]) < 0)
					goto nomem;
			cur = b;
		}
		double t, v;
		int e = csvr_number(&r, tcol, &t, err);
		if (e < 0)
			goto out;
		if (e > 0)
			continue; /* a row without a time cannot be placed */
		if (t > rp->tmax)
			rp->tmax = t;
		for (int s = 0; s < S__COUNT; s++) {
			if (col[s] < 0)
				continue;
			e = csvr_number(&r, col[s], &v, err);
			if (e < 0)
				goto out;
			if (e != 0)
				continue;
			if (!edge[s].have) {
				edge[s] = (struct bucket){true, t, v, t, v};
				if (points_add(&pts[s], t, v) < 0)
					goto nomem;
			}
			edge[s].t_hi = t;
			edge[s].hi = v;
			bucket_add(&bk[s], t, v);
		}
	}
	for (int s = 0; s < S__COUNT; s++) {
		if (bucket_flush(&bk[s], &pts[s]) < 0)
			goto nomem;
		if (edge[s].have && points_add(&pts[s], edge[s].t_hi, edge[s].hi) < 0)
			goto nomem;
	}

	out = fopen(data_path, "we");
	if (!out) {
		berr_set(err, errno, "cannot create %s", data_path);
		goto out;
	}
	int index = 0;
	for (int s = 0; s < S__COUNT; s++) {
		rp->index[s] = -1;
		if (pts[s].n == 0)
			continue;
		/* index blocks are separated by two blank lines */
		fprintf(out, "%s# %s\n", index ? "\n\n" : "", series_table[s].column);
		for (size_t k = 0; k < pts[s].n; k++) {
			fprintf(out, "%.6f %.15g\n", pts[s].t[k], pts[s].v[k]);
			if (pts[s].v[k] > rp->vmax[s])
				rp->vmax[s] = pts[s].v[k];
		}
		rp->index[s] = index++;
	}
	if (fflush(out) != 0 || ferror(out)) {
		berr_set(err, errno, "cannot write %s", data_path);
		goto out;
	}
	rp->have_samples = index > 0;
	rc = 0;
	goto out;
nomem:
	berr_set(err, ENOMEM, "cannot downsample %s", samples);
out:
	if (out)
		fclose(out);
	csvr_close(&r);
	for (int s = 0; s < S__COUNT; s++) {
		free(pts[s].t);
		free(pts[s].v);
	}
	return rc;
}

static int read_marks(const char *events, struct rep_plot *rp, struct berr *err)
{
	struct csv_reader r;
	if (access(events, F_OK) != 0)
		return 0; /* a run that could not start has no events: nothing to mark */
	if (csvr_open(&r, events, err) < 0)
		return -1;
	int tcol, ecol, vcol, dcol, got, rc = -1;
	if ((tcol = csvr_need_col(&r, "t_s", err)) < 0 ||
	    (ecol = csvr_need_col(&r, "event", err)) < 0 ||
	    (vcol = csvr_need_col(&r, "value", err)) < 0 ||
	    (dcol = csvr_need_col(&r, "detail", err)) < 0)
		goto out;
	while ((got = csvr_next(&r, err)) == 1) {
		unsigned k;
		for (k = 0; k < N_MARKS; k++)
			if (strcmp(r.field[ecol], mark_table[k].event) == 0 &&
			    (!mark_table[k].detail || strstr(r.field[dcol], mark_table[k].detail)))
				break;
		if (k == N_MARKS)
			continue;
		struct mark m = {.kind = k};
		int e = csvr_number(&r, tcol, &m.t, err);
		if (e < 0)
			goto out;
		if (e > 0)
			continue;
		e = csvr_number(&r, vcol, &m.v, err);
		if (e < 0)
			goto out;
		m.has_v = e == 0;
		struct mark *nm = realloc(rp->marks, (rp->nmarks + 1) * sizeof(*nm));
		if (!nm) {
			berr_set(err, ENOMEM, "cannot read %s", events);
			goto out;
		}
		rp->marks = nm;
		rp->marks[rp->nmarks++] = m;
		if (m.t > rp->tmax)
			rp->tmax = m.t;
	}
	if (got == 0)
		rc = 0;
out:
	csvr_close(&r);
	return rc;
}

/* ---- the scenarios of a result directory ---------------------------------- */

struct plot_set {
	struct run_result *rows;
	size_t nrows;
	struct scen_plot *sc;
	size_t nsc;
};

static void plot_set_free(struct plot_set *ps)
{
	for (size_t i = 0; i < ps->nsc; i++) {
		for (size_t k = 0; k < ps->sc[i].nreps; k++)
			free(ps->sc[i].reps[k].marks);
		free(ps->sc[i].reps);
	}
	free(ps->sc);
	free(ps->rows);
	memset(ps, 0, sizeof(*ps));
}

static struct scen_plot *find_scen(struct plot_set *ps, const char *name)
{
	for (size_t i = 0; i < ps->nsc; i++)
		if (strcmp(ps->sc[i].name, name) == 0)
			return &ps->sc[i];
	return NULL;
}

static int cmp_rep(const void *a, const void *b)
{
	return ((const struct rep_plot *)a)->rep - ((const struct rep_plot *)b)->rep;
}

/* Group the summary rows by scenario, in order of first appearance. */
static int plot_set_load(const char *dir, struct plot_set *ps, struct berr *err)
{
	char path[PATH_MAX];
	memset(ps, 0, sizeof(*ps));
	if (pathf(path, err, "%s/summary.csv", dir) < 0)
		return -1;
	if (summary_read(path, &ps->rows, &ps->nrows, err) < 0)
		return -1;
	ps->sc = calloc(ps->nrows ? ps->nrows : 1, sizeof(*ps->sc));
	if (!ps->sc)
		return berr_set(err, ENOMEM, "cannot read %s", path);
	for (size_t i = 0; i < ps->nrows; i++) {
		const struct run_result *r = &ps->rows[i];
		struct scen_plot *sc = find_scen(ps, r->scenario);
		if (!sc) {
			sc = &ps->sc[ps->nsc++];
			snprintf(sc->name, sizeof(sc->name), "%s", r->scenario);
			sc->first = r;
			sc->reps = calloc(ps->nrows, sizeof(*sc->reps));
			if (!sc->reps)
				return berr_set(err, ENOMEM, "cannot read %s", path);
		}
		for (size_t k = 0; k < sc->nreps; k++)
			if (sc->reps[k].rep == r->rep)
				return berr_set(err, 0, "%s: scenario %s has repetition %d twice",
						path, r->scenario, r->rep);
		struct rep_plot *rp = &sc->reps[sc->nreps++];
		rp->rep = r->rep;
		if (r->rep < sc->first->rep)
			sc->first = r;
		/* the limits are the scenario's, the same in every row; take the
		 * first row that has one */
		const int64_t lim[P__COUNT] = {r->mem_limit_bytes, r->fd_limit, r->pids_limit, 0};
		for (int p = 0; p < P__COUNT; p++)
			if (sc->limit[p] <= 0 && lim[p] > 0)
				sc->limit[p] = lim[p];
	}
	for (size_t i = 0; i < ps->nsc; i++)
		qsort(ps->sc[i].reps, ps->sc[i].nreps, sizeof(struct rep_plot), cmp_rep);
	return 0;
}

static int load_series(const char *dir, const char *plotdir, struct scen_plot *sc, struct berr *err)
{
	for (size_t k = 0; k < sc->nreps; k++) {
		struct rep_plot *rp = &sc->reps[k];
		char samples[PATH_MAX], events[PATH_MAX], data[PATH_MAX];
		if (pathf(samples, err, "%s/%s/%d/samples.csv", dir, sc->name, rp->rep) < 0 ||
		    pathf(events, err, "%s/%s/%d/events.csv", dir, sc->name, rp->rep) < 0 ||
		    pathf(data, err, "%s/data/%s.rep%d.dat", plotdir, sc->name, rp->rep) < 0)
			return -1;
		for (int s = 0; s < S__COUNT; s++)
			rp->index[s] = -1;
		/* exec-failed runs, and runs brink was interrupted in before the
		 * first sample, have no samples: the page says so */
		if (access(samples, F_OK) == 0 && downsample(samples, data, rp, err) < 0)
			return -1;
		if (read_marks(events, rp, err) < 0)
			return -1;
		for (int s = 0; s < S__COUNT; s++) {
			enum panel_id p = series_table[s].panel;
			if (rp->vmax[s] > sc->dmax[p])
				sc->dmax[p] = rp->vmax[s];
		}
		for (size_t m = 0; m < rp->nmarks; m++) {
			const struct mark_desc *md = &mark_table[rp->marks[m].kind];
			if (md->value_is_y && rp->marks[m].has_v &&
			    rp->marks[m].v > sc->dmax[md->panel])
				sc->dmax[md->panel] = rp->marks[m].v;
		}
		if (rp->tmax > sc->tmax)
			sc->tmax = rp->tmax;
	}
	return 0;
}

/* ---- gnuplot script ---------------------------------------------------- */

/* The top of the y axis of panel p on a page of ncols scenarios sharing it. */
static double panel_ymax(struct scen_plot *const *cols, size_t ncols, int p)
{
	const struct panel_desc *pd = &panel_table[p];
	double dmax = 0;
	for (size_t c = 0; c < ncols; c++)
		if (cols[c]->dmax[p] * pd->scale > dmax)
			dmax = cols[c]->dmax[p] * pd->scale;
	double top = dmax;
	for (size_t c = 0; c < ncols; c++) {
		double lim = (double)cols[c]->limit[p] * pd->scale;
		if (lim > 0 && lim <= LIMIT_SCALE_RATIO * dmax && lim > top)
			top = lim;
	}
	return top > 0 ? top * 1.08 : 1.0;
}

static void put_panel_title(FILE *g, const struct scen_plot *sc)
{
	const struct run_result *r = sc->first;
	char title[512];
	int n = snprintf(title, sizeof(title), "%s: %s, limit hit: %s, leak: %s", sc->name,
			 outcome_name(r->outcome),
			 r->limit_hit != BP_NONE ? breaking_point_name(r->limit_hit) : "none",
			 r->leak == LEAK_NONE ? "none (too short)" : leak_verdict_name(r->leak));
	if (sc->nreps > 1 && n > 0 && (size_t)n < sizeof(title))
		snprintf(title + n, sizeof(title) - (size_t)n,
			 " (rep %d; %zu reps overlaid, light)", r->rep, sc->nreps);
	fputs("set title ", g);
	quote_gnuplot(g, title);
	fputs("\n", g);
}

static void put_limit(FILE *g, const struct scen_plot *sc, int p, double ymax)
{
	const struct panel_desc *pd = &panel_table[p];
	if (sc->limit[p] <= 0)
		return;
	double lim = (double)sc->limit[p] * pd->scale;
	char text[128];
	snprintf(text, sizeof(text), "%s %.10g%s", pd->limit, lim, pd->unit);
	if (lim <= ymax) {
		fprintf(g,
			"set arrow from graph 0, first %.10g to graph 1, first %.10g nohead dt 2 "
			"lw 1.5 lc rgb '#%s' back\n",
			lim, lim, LIMIT_COLOR);
		fputs("set label ", g);
		quote_gnuplot(g, text);
		fprintf(g, " at graph 0.99, first %.10g right offset 0,-0.8 tc rgb '#%s' front\n",
			lim, LIMIT_COLOR);
	} else {
		strncat(text, " (off scale)", sizeof(text) - strlen(text) - 1);
		fputs("set label ", g);
		quote_gnuplot(g, text);
		fprintf(g, " at graph 0.99, graph 0.08 right tc rgb '#%s' front\n", LIMIT_COLOR);
	}
}

static void put_marks(FILE *g, const struct scen_plot *sc, int p)
{
	bool labelled[N_MARKS] = {false};
	for (size_t k = 0; k < sc->nreps; k++) {
		const struct rep_plot *rp = &sc->reps[k];
		for (size_t i = 0; i < rp->nmarks; i++) {
			const struct mark *m = &rp->marks[i];
			const struct mark_desc *md = &mark_table[m->kind];
			if (md->panel != ALL_PANELS && md->panel != p)
				continue;
			fprintf(g,
				"set arrow from first %.10g, graph 0 to first %.10g, graph 1 "
				"nohead dt 3 lw 1 lc rgb '#%s' back\n",
				m->t, m->t, md->color);
			const char *text = labelled[m->kind] ? "" : md->label;
			labelled[m->kind] = true;
			/* near the right edge the label goes left of the mark */
			bool right = m->t > 0.75 * sc->tmax;
			const char *place = right ? "right offset -0.8" : "left offset 0.8";
			fputs("set label ", g);
			quote_gnuplot(g, text);
			if (md->value_is_y && m->has_v)
				fprintf(g,
					" at first %.10g, first %.10g %s,0.8 point pt 7 ps 1 "
					"lc rgb '#%s' tc rgb '#%s' front\n",
					m->t, m->v * panel_table[p].scale, place, md->color,
					md->color);
			else
				fprintf(g, " at first %.10g, graph %.2f %s,0 tc rgb '#%s' front\n",
					m->t, md->label_y, place, md->color);
		}
	}
}

static void put_panel(FILE *g, const struct scen_plot *sc, int p, double ymax, bool top,
		      bool bottom)
{
	const struct panel_desc *pd = &panel_table[p];
	fputs("unset arrow\nunset label\nunset title\n", g);
	if (top)
		put_panel_title(g, sc);
	fprintf(g, "set xrange [0:%.10g]\nset yrange [0:%.10g]\n",
		sc->tmax > 0 ? sc->tmax * 1.02 : 1.0, ymax);
	/* counts: no 0.5 fd ticks on a small axis */
	fputs(p != P_MEM && ymax <= 10 ? "set ytics 1\n" : "set ytics autofreq\n", g);
	fputs("set ylabel ", g);
	quote_gnuplot(g, pd->ylabel);
	fputs(bottom ? "\nset xlabel 'time (s)'\n" : "\nunset xlabel\n", g);
	put_limit(g, sc, p, ymax);
	put_marks(g, sc, p);

	/* later repetitions first and translucent, the first on top and solid */
	int clauses = 0;
	for (size_t pass = 0; pass < 2; pass++) {
		for (size_t k = pass ? 0 : 1; k < (pass ? 1 : sc->nreps); k++) {
			const struct rep_plot *rp = &sc->reps[k];
			for (int s = 0; s < S__COUNT; s++) {
				const struct series_desc *sd = &series_table[s];
				if (sd->panel != (enum panel_id)p || rp->index[s] < 0)
					continue;
				char file[SCENARIO_NAME_MAX + 32];
				snprintf(file, sizeof(file), "data/%s.rep%d.dat", sc->name,
					 rp->rep);
				fputs(clauses++ ? ", \\\n  " : "plot ", g);
				quote_gnuplot(g, file);
				fprintf(g, " index %d using 1:($2*%.10g) with lines ", rp->index[s],
					pd->scale);
				if (pass) {
					fprintf(g, "lw 1.6 lc rgb '#%s' title ", sd->color);
					quote_gnuplot(g, sd->title);
				} else {
					/* gnuplot's ARGB: the high byte is transparency */
					fprintf(g, "lw 1 lc rgb '#A0%s' notitle", sd->color);
				}
			}
		}
	}
	if (!clauses) {
		fputs("set label 'no samples' at graph 0.5, graph 0.5 center\n", g);
		fputs("set key off\nplot 2 notitle\nset key on\n", g);
	} else {
		fputs("\n", g);
	}
}

/* Does any repetition on the page have a Go live-heap series? */
static bool go_data(struct scen_plot *const *cols, size_t ncols)
{
	for (size_t c = 0; c < ncols; c++)
		for (size_t k = 0; k < cols[c]->nreps; k++)
			if (cols[c]->reps[k].index[S_GO_HEAP] >= 0)
				return true;
	return false;
}

/* The drawing commands of one page; written twice, for PNG and for SVG. A
 * single scenario's page needs no title above its panels' own. */
static void put_page_body(FILE *g, const char *title, struct scen_plot *const *cols, size_t ncols)
{
	double ymax[P__COUNT];
	int used[P__COUNT], nused = 0;
	for (int p = 0; p < P__COUNT; p++) {
		ymax[p] = panel_ymax(cols, ncols, p);
		if (p == P_GO && !go_data(cols, ncols))
			continue;
		used[nused++] = p;
	}
	fputs("reset\nset grid\nset key top left box opaque Left reverse samplen 2 width 1\n"
	      "set lmargin 12\nset rmargin 4\nset tics nomirror\n",
	      g);
	fprintf(g, "set multiplot layout %d,%zu rowsfirst", nused, ncols);
	if (title) {
		fputs(" title ", g);
		quote_gnuplot(g, title);
	}
	fputs("\n", g);
	for (int i = 0; i < nused; i++)
		for (size_t c = 0; c < ncols; c++)
			put_panel(g, cols[c], used[i], ymax[used[i]], i == 0, i == nused - 1);
	fputs("unset multiplot\n", g);
}

static int write_script(const char *script, const char *page, const char *title,
			struct scen_plot *const *cols, size_t ncols, struct berr *err)
{
	char *body = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&body, &len);
	if (!m)
		return berr_set(err, errno, "cannot generate %s", script);
	put_page_body(m, title, cols, ncols);
	if (fclose(m) != 0) {
		free(body);
		return berr_set(err, ENOMEM, "cannot generate %s", script);
	}

	FILE *g = fopen(script, "we");
	if (!g) {
		free(body);
		return berr_set(err, errno, "cannot create %s", script);
	}
	int w = 700 * (int)ncols + 100, h = go_data(cols, ncols) ? 1150 : 900;
	fprintf(g, "# generated by brink plot; run in the plots directory\n");
	fprintf(g, "set terminal pngcairo size %d,%d noenhanced font 'sans,10'\n", w, h);
	quote_gnuplot_output(g, page, "png");
	fprintf(g, "%s\nunset output\n", body);
	fprintf(g, "set terminal svg size %d,%d noenhanced font 'sans,10' background 'white'\n", w,
		h);
	quote_gnuplot_output(g, page, "svg");
	fprintf(g, "%s\nunset output\n", body);
	free(body);
	if (fflush(g) != 0 || ferror(g)) {
		int e = errno;
		fclose(g);
		return berr_set(err, e, "cannot write %s", script);
	}
	fclose(g);
	return 0;
}

/* Last non-empty line of a (small) log file, for an error message. */
static void log_tail(const char *path, char *buf, size_t len)
{
	buf[0] = '\0';
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0])
			snprintf(buf, len, "%s", line);
	}
	fclose(f);
}

/* The gnuplot being waited for (its own process group), 0 for none. */
static volatile sig_atomic_t gnuplot_pid;
/* plot_abort() was called: no gnuplot to start any more. */
static volatile sig_atomic_t plot_cut;

bool plot_interrupted(void)
{
	return plot_cut != 0;
}

void plot_cut_signal(int sig)
{
	static volatile sig_atomic_t signals;
	(void)sig;
	plot_abort();
	if (signals++ > 0)
		_exit(EXIT_INTERRUPT);
}

void plot_abort(void)
{
	plot_cut = 1;
	pid_t pid = (pid_t)gnuplot_pid;
	if (pid <= 0)
		return;
	gnuplot_pid = 0;
	kill(-pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* Run `gnuplot data/<page>.gp` in plotdir, its output into data/<page>.log. */
static int run_gnuplot(const char *plotdir, const char *page, struct berr *err)
{
	char script[SCENARIO_NAME_MAX + 32], log[SCENARIO_NAME_MAX + 32];
	snprintf(script, sizeof(script), "data/%s.gp", page);
	snprintf(log, sizeof(log), "data/%s.log", page);

	fflush(NULL);
	/* No termination signal between the fork and gnuplot_pid's setting: its
	 * handler must find the child to kill (plot_abort). */
	sigset_t term, old;
	sigemptyset(&term);
	sigaddset(&term, SIGINT);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGHUP);
	sigprocmask(SIG_BLOCK, &term, &old);
	if (plot_cut) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return berr_set(err, EINTR, "drawing the plots was interrupted");
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		return berr_set(err, e, "cannot start gnuplot for %s/%s", plotdir, script);
	}
	if (pid == 0) {
		/* Its own process group, so that plot_abort() ends what it started
		 * too; killed if brink dies without a word (SIGKILL). The run
		 * engine may block signals for its signalfd; gnuplot must die on a
		 * signal like any other child. */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent) /* brink died before the prctl */
			_exit(126);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (chdir(plotdir) != 0)
			_exit(126);
		int logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (logfd < 0 || nullfd < 0 || dup2(nullfd, 0) < 0 || dup2(logfd, 1) < 0 ||
		    dup2(logfd, 2) < 0)
			_exit(126);
		char *argv[] = {"gnuplot", script, NULL};
		execvp("gnuplot", argv);
		_exit(127);
	}
	setpgid(pid, pid); /* the group exists before plot_abort() can kill it */
	gnuplot_pid = pid;
	sigprocmask(SIG_SETMASK, &old, NULL);
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (plot_cut) /* reaped by plot_abort() */
			return berr_set(err, EINTR, "drawing the plots was interrupted");
		if (errno != EINTR) {
			gnuplot_pid = 0;
			return berr_set(err, errno, "cannot wait for gnuplot on %s/%s", plotdir,
					script);
		}
	}
	gnuplot_pid = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	char logpath[PATH_MAX], tail[512] = "";
	if (pathf(logpath, NULL, "%s/%s", plotdir, log) == 0)
		log_tail(logpath, tail, sizeof(tail));
	if (WIFSIGNALED(status))
		return berr_set(err, 0, "gnuplot was killed by signal %d on %s/%s",
				WTERMSIG(status), plotdir, script);
	if (WEXITSTATUS(status) == 126)
		return berr_set(err, 0, "cannot set up gnuplot in %s (directory or %s)", plotdir,
				log);
	if (WEXITSTATUS(status) == 127)
		return berr_set(err, 0, "cannot execute gnuplot");
	return berr_set(err, 0, "gnuplot failed (exit %d) on %s/%s: %s", WEXITSTATUS(status),
			plotdir, script, tail[0] ? tail : "no message");
}

/* Pages whose scripts are written, drawn by one gnuplot at the end. */
struct page_list {
	char **page;
	size_t n;
};

static int draw_page(const char *plotdir, const char *page, const char *title,
		     struct scen_plot *const *cols, size_t ncols, struct page_list *pl,
		     struct berr *err)
{
	char script[PATH_MAX];
	if (pathf(script, err, "%s/data/%s.gp", plotdir, page) < 0)
		return -1;
	if (write_script(script, page, title, cols, ncols, err) < 0)
		return -1;
	char **np = realloc(pl->page, (pl->n + 1) * sizeof(*np));
	if (!np)
		return berr_set(err, ENOMEM, "cannot plot %s", page);
	pl->page = np;
	if (!(np[pl->n] = strdup(page)))
		return berr_set(err, ENOMEM, "cannot plot %s", page);
	pl->n++;
	return 0;
}

/* One gnuplot process draws every page: data/+pages.gp loads each page's
 * script after a reset ('+' is in no scenario name, so no page has this
 * name). Starting gnuplot costs more than drawing a page. */
static int draw_all(const char *plotdir, struct page_list *pl, struct berr *err)
{
	if (pl->n == 0)
		return 0;
	char script[PATH_MAX];
	if (pathf(script, err, "%s/data/+pages.gp", plotdir) < 0)
		return -1;
	FILE *g = fopen(script, "we");
	if (!g)
		return berr_set(err, errno, "cannot create %s", script);
	fputs("# generated by brink plot: every page, in one gnuplot\n", g);
	for (size_t i = 0; i < pl->n; i++) {
		char rel[SCENARIO_NAME_MAX + 32];
		snprintf(rel, sizeof(rel), "data/%s.gp", pl->page[i]);
		fputs("reset\nload ", g);
		quote_gnuplot(g, rel);
		putc('\n', g);
	}
	if (fclose(g) != 0)
		return berr_set(err, errno, "cannot write %s", script);
	return run_gnuplot(plotdir, "+pages", err);
}

/* Move the pages gnuplot drew from data/<page>.<ext>.part to <page>.<ext>.
 * When gnuplot did not finish (`whole` false: killed, or stopped at an error),
 * it wrote the files in order, each page's png then its svg, so the last file
 * it started may be half-written: that one, and every page without both its
 * files, is removed instead. Each file is fsynced before its rename and its
 * folder after (afile_publish). Returns the number of pages moved. */
static size_t publish_pages(const char *plotdir, const struct page_list *pl, bool whole)
{
	static const char *const ext[2] = {"png", "svg"};
	size_t last = 0; /* 1 + the index of the last file started, 0 for none */
	for (size_t i = 0; i < 2 * pl->n; i++) {
		char part[PATH_MAX];
		if (pathf(part, NULL, "%s/data/%s.%s.part", plotdir, pl->page[i / 2], ext[i % 2]) ==
			0 &&
		    access(part, F_OK) == 0)
			last = i + 1;
	}
	size_t moved = 0;
	for (size_t i = 0; i < pl->n; i++) {
		char part[2][PATH_MAX], final[2][PATH_MAX];
		bool ok = whole || 2 * i + 2 < last;
		for (int e = 0; e < 2; e++)
			if (pathf(part[e], NULL, "%s/data/%s.%s.part", plotdir, pl->page[i],
				  ext[e]) < 0 ||
			    pathf(final[e], NULL, "%s/%s.%s", plotdir, pl->page[i], ext[e]) < 0 ||
			    access(part[e], F_OK) != 0)
				ok = false;
		for (int e = 0; e < 2; e++)
			if (!ok || afile_publish(part[e], final[e], NULL) != 0)
				unlink(part[e]);
		moved += ok;
	}
	return moved;
}

/* ---- entry points ------------------------------------------------------ */

/* Plot everything; *missing set when gnuplot is absent (nothing drawn).
 * Returns 0, PLOT_BAD_INPUT (summary.csv unreadable) or PLOT_FAILED. */
#define PLOT_BAD_INPUT (-1)
#define PLOT_FAILED    (-2)
static int plot_dir(const char *dir, bool *missing, struct berr *err)
{
	struct plot_set ps;
	char plotdir[PATH_MAX], datadir[PATH_MAX];
	int rc = PLOT_FAILED;
	struct page_list pages = {0};

	*missing = false;
	if (plot_set_load(dir, &ps, err) < 0) {
		rc = PLOT_BAD_INPUT;
		goto out;
	}
	if (!plot_have_gnuplot()) {
		*missing = true;
		rc = 0;
		goto out;
	}
	if (pathf(plotdir, err, "%s/plots", dir) < 0 ||
	    pathf(datadir, err, "%s/plots/data", dir) < 0)
		goto out;
	if (make_dir(plotdir, err) < 0 || make_dir(datadir, err) < 0)
		goto out;
	char note[PATH_MAX];
	if (pathf(note, err, "%s/" PLOT_CUT_NOTE, plotdir) < 0)
		goto out;
	unlink(note);
	for (size_t i = 0; i < ps.nsc; i++)
		if (load_series(dir, plotdir, &ps.sc[i], err) < 0)
			goto out;
	for (size_t i = 0; i < ps.nsc; i++) {
		struct scen_plot *cols[1] = {&ps.sc[i]};
		if (draw_page(plotdir, ps.sc[i].name, NULL, cols, 1, &pages, err) < 0)
			goto out;
	}
	/* twins: found from the leaky one, drawn once */
	for (size_t i = 0; i < ps.nsc; i++) {
		char base[SCENARIO_NAME_MAX], other[SCENARIO_NAME_MAX + 8];
		if (plot_twin_of(ps.sc[i].name, base, sizeof(base)) != 1)
			continue;
		snprintf(other, sizeof(other), "%s-fixed", base);
		struct scen_plot *fixed = find_scen(&ps, other);
		if (!fixed)
			continue;
		char page[SCENARIO_NAME_MAX + 8], title[SCENARIO_NAME_MAX + 32];
		plot_twin_page(base, find_scen(&ps, base) != NULL, page, sizeof(page));
		snprintf(title, sizeof(title), "%s: leaky and fixed", base);
		struct scen_plot *cols[2] = {&ps.sc[i], fixed};
		if (draw_page(plotdir, page, title, cols, 2, &pages, err) < 0)
			goto out;
	}
	/* sweeps and searches: one curve page per swept scenario (curves.h) */
	if (curves_scripts(dir, plotdir, &pages.page, &pages.n, err) < 0)
		goto out;
	int drawn = draw_all(plotdir, &pages, err);
	size_t moved = publish_pages(plotdir, &pages, drawn == 0 && !plot_cut);
	if (plot_cut) {
		/* the report says so until the plots are drawn again */
		struct afile f; /* best effort: the error below is what matters */
		if (afile_open(&f, note, 0, NULL) == 0) {
			fprintf(f.f,
				"Drawing the plots was interrupted: %zu of %zu pages drawn.\n"
				"`brink plot DIR` draws them all.\n",
				moved, pages.n);
			afile_commit(&f, NULL);
		}
		berr_set(err, EINTR, "drawing the plots was interrupted (%zu of %zu pages drawn)",
			 moved, pages.n);
		goto out;
	}
	if (drawn < 0)
		goto out;
	rc = 0;
out:
	for (size_t i = 0; i < pages.n; i++)
		free(pages.page[i]);
	free(pages.page);
	plot_set_free(&ps);
	return rc;
}

static void warn_no_gnuplot(void)
{
	fprintf(stderr, "brink: warning: gnuplot not found on PATH, no plots drawn "
			"(Debian: apt-get install gnuplot-nox)\n");
}

int plot_write(const char *dir, struct berr *err)
{
	bool missing;
	if (plot_dir(dir, &missing, err) != 0)
		return -1;
	if (missing)
		warn_no_gnuplot();
	return 0;
}

static void plot_usage(FILE *f)
{
	fprintf(f, "usage: brink plot DIR\n"
		   "Redraw the plots of result directory DIR into DIR/plots (gnuplot needed).\n"
		   "\n"
		   "  -h, --help   this help\n");
}

int cmd_plot(int argc, char **argv)
{
	const char *dir;
	int ret = command_result_dir("brink plot", argc, argv, plot_usage, &dir);
	if (ret >= 0)
		return ret;
	struct berr err = {0};
	bool missing;
	/* ^C: the pages drawn completely kept, the rest removed, exit 130 */
	signal(SIGINT, plot_cut_signal);
	signal(SIGTERM, plot_cut_signal);
	signal(SIGHUP, plot_cut_signal);
	int rc = plot_dir(dir, &missing, &err);
	if (plot_interrupted()) {
		fprintf(stderr, "brink plot: %s\n", err.msg);
		return EXIT_INTERRUPT;
	}
	if (rc != 0) {
		fprintf(stderr, "brink plot: %s\n", err.msg);
		return rc == PLOT_BAD_INPUT ? EXIT_BAD_INPUT : EXIT_FAILED;
	}
	if (missing) {
		warn_no_gnuplot();
		return EXIT_FAILED;
	}
	printf("%s/plots\n", dir);
	return EXIT_MEASURED;
}
