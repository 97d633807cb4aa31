/* curves.c - curve pages and report tables of sweeps and searches (see
 * curves.h). */
#include "curves.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "csvread.h"
#include "limit.h"
#include "quote.h"
#include "record.h"
#include "result.h"
#include "search.h"
#include "units.h"

#define CURVE_KEYS_MAX 32

struct cpoint {
	char name[SCENARIO_NAME_MAX];
	char base[SCENARIO_NAME_MAX];
	char val[CURVE_KEYS_MAX][40]; /* sweep.KEY fields as written */
	double x;		      /* first key of its base, in the axis unit */
	char group[48];		      /* KEY=VALUE of the second key, or "" */
	int reps, passed;
	double mem, fds, threads; /* largest over the repetitions, NAN: none */
	char broke[32];		  /* breaking point of the first failing repetition */
};

struct cset {
	char keys[CURVE_KEYS_MAX][SWEEP_KEY_MAX];
	int col[CURVE_KEYS_MAX];
	size_t nkeys;
	struct cpoint *p;
	size_t n, cap;
};

/* The breaking point of a run, by name. One place reads it, so that a change
 * of its representation is a change here only. */
static const char *breaking_point(const struct run_result *r)
{
	return r->limit_hit == BP_NONE ? "" : breaking_point_name(r->limit_hit);
}

static double num(const struct csv_reader *rd, int col)
{
	double v;
	if (col < 0 || csv_parse_number(rd->field[col], &v) != 0)
		return NAN;
	return v;
}

static double maxnan(double a, double b)
{
	if (isnan(a))
		return b;
	if (isnan(b))
		return a;
	return a > b ? a : b;
}

/* The points of a result directory's sweeps: each run judged from the row
 * summary_read gives (record.h), as brink search and compare judge it; the
 * sweep columns (sweep, sweep.KEY), which are not a run's, read beside it. */
static int cset_load(const char *dir, struct cset *cs, struct berr *err)
{
	memset(cs, 0, sizeof(*cs));
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s/summary.csv", dir) >= (int)sizeof(path))
		return berr_set(err, ENAMETOOLONG, "%s/summary.csv", dir);
	struct csv_reader rd = {0};
	if (csvr_open(&rd, path, err) != 0)
		return -1;
	int c_sweep = csvr_col(&rd, "sweep");
	if (c_sweep < 0) {
		csvr_close(&rd);
		return 0;
	}
	for (size_t i = 0; i < rd.nheader && cs->nkeys < CURVE_KEYS_MAX; i++) {
		if (strncmp(rd.header[i], "sweep.", 6) != 0)
			continue;
		snprintf(cs->keys[cs->nkeys], SWEEP_KEY_MAX, "%s", rd.header[i] + 6);
		cs->col[cs->nkeys++] = (int)i;
	}
	int c_name = csvr_col(&rd, "scenario");
	struct run_result *rows = NULL;
	size_t nrows = 0, row = 0;
	if (summary_read(path, &rows, &nrows, err) != 0) {
		csvr_close(&rd);
		return -1;
	}
	int rc;
	while ((rc = csvr_next(&rd, err)) == 1) {
		const struct run_result *r = row < nrows ? &rows[row++] : NULL;
		if (!r || c_name < 0 || strcmp(r->scenario, rd.field[c_name]) != 0) {
			rc = berr_set(err, 0, "%s changed while it was read", path);
			break;
		}
		if (!rd.field[c_sweep][0])
			continue;
		struct cpoint *p = NULL;
		for (size_t i = 0; i < cs->n && !p; i++)
			if (strcmp(cs->p[i].name, r->scenario) == 0)
				p = &cs->p[i];
		if (!p) {
			if (cs->n == cs->cap) {
				size_t nc = cs->cap ? 2 * cs->cap : 32;
				struct cpoint *np = realloc(cs->p, nc * sizeof(*np));
				if (!np) {
					rc = berr_set(err, ENOMEM, "cannot read %s", path);
					break;
				}
				cs->p = np;
				cs->cap = nc;
			}
			p = &cs->p[cs->n++];
			memset(p, 0, sizeof(*p));
			snprintf(p->name, sizeof(p->name), "%s", r->scenario);
			snprintf(p->base, sizeof(p->base), "%s", rd.field[c_sweep]);
			for (size_t k = 0; k < cs->nkeys; k++)
				snprintf(p->val[k], sizeof(p->val[k]), "%s", rd.field[cs->col[k]]);
			p->mem = p->fds = p->threads = NAN;
		}
		p->reps++;
		if (search_run_passes(r)) {
			p->passed++;
		} else if (!p->broke[0]) {
			const char *bp = breaking_point(r);
			snprintf(p->broke, sizeof(p->broke), "%s", bp[0] ? bp : "failed");
		}
		double m = summary_col_number(r, COL_peak_mem_bytes);
		p->mem = maxnan(p->mem, isnan(m) ? summary_col_number(r, COL_peak_rss_bytes) : m);
		p->fds = maxnan(p->fds, summary_col_number(r, COL_peak_fds));
		p->threads = maxnan(p->threads, summary_col_number(r, COL_peak_threads));
	}
	free(rows);
	csvr_close(&rd);
	return rc < 0 ? -1 : 0;
}

/* The keys a base sweeps: the columns set on its points, first two. */
static size_t base_keys(const struct cset *cs, const char *base, size_t *k1, size_t *k2)
{
	size_t n = 0;
	for (size_t k = 0; k < cs->nkeys && n < 2; k++) {
		for (size_t i = 0; i < cs->n; i++) {
			if (strcmp(cs->p[i].base, base) == 0 && cs->p[i].val[k][0]) {
				*(n == 0 ? k1 : k2) = k;
				n++;
				break;
			}
		}
	}
	return n;
}

/* Axis unit of a key: MiB for sizes, seconds for durations, CPUs. */
static double key_scale(const char *key, const char **unit)
{
	int lim = limits_find(key);
	*unit = "";
	if (lim < 0)
		return 1;
	switch (limit_table[lim].kind) {
	case LK_SIZE:
		*unit = " (MiB)";
		return 1.0 / 1048576.0;
	case LK_DURATION:
		*unit = " (s)";
		return 1e-9;
	case LK_CPUS:
		return 1e-3;
	default:
		return 1;
	}
}

struct search_row {
	bool found;
	double pass, fail;
	char resource[32];
	char verdict[32];
	int runs, reused;
	char flaky[256];
};

static bool search_row_of(const char *dir, const char *base, struct search_row *sr)
{
	memset(sr, 0, sizeof(*sr));
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s/search.csv", dir) >= (int)sizeof(path))
		return false;
	struct csv_reader rd = {0};
	struct berr err;
	if (csvr_open(&rd, path, &err) != 0)
		return false;
	int c_s = csvr_col(&rd, "scenario"), c_r = csvr_col(&rd, "resource");
	int c_v = csvr_col(&rd, "verdict"), c_p = csvr_col(&rd, "pass_limit");
	int c_f = csvr_col(&rd, "fail_limit"), c_n = csvr_col(&rd, "runs");
	int c_u = csvr_col(&rd, "reused"), c_fl = csvr_col(&rd, "flaky");
	bool got = false;
	while (!got && c_s >= 0 && c_r >= 0 && c_v >= 0 && csvr_next(&rd, &err) == 1) {
		if (strcmp(rd.field[c_s], base) != 0)
			continue;
		got = true;
		sr->found = true;
		snprintf(sr->resource, sizeof(sr->resource), "%s", rd.field[c_r]);
		snprintf(sr->verdict, sizeof(sr->verdict), "%s", rd.field[c_v]);
		sr->pass = num(&rd, c_p);
		sr->fail = num(&rd, c_f);
		sr->runs = (int)maxnan(0, num(&rd, c_n));
		sr->reused = (int)maxnan(0, num(&rd, c_u));
		if (c_fl >= 0)
			snprintf(sr->flaky, sizeof(sr->flaky), "%s", rd.field[c_fl]);
	}
	csvr_close(&rd);
	return got;
}

/* Groups "KEY=VALUE" in value order: numbers as numbers (k=8 before k=16),
 * words as text. */
static int cmp_group(const char *a, const char *b)
{
	const char *ea = strchr(a, '='), *eb = strchr(b, '=');
	double va, vb;
	if (ea && eb && csv_parse_number(ea + 1, &va) == 0 && csv_parse_number(eb + 1, &vb) == 0 &&
	    va != vb)
		return (va > vb) - (va < vb);
	return strcmp(a, b);
}

/* Do the x values of base's first group grow by one factor (a geometric
 * sweep, LO..HI xF)? Three values at least. */
static bool geometric(const struct cset *cs, const char *base)
{
	double prev = NAN, ratio = NAN;
	int n = 0;
	const char *group = NULL;
	for (size_t i = 0; i < cs->n; i++) {
		const struct cpoint *p = &cs->p[i];
		if (strcmp(p->base, base) != 0 || isnan(p->x))
			continue;
		if (!group)
			group = p->group;
		else if (strcmp(group, p->group) != 0)
			break;
		if (!isnan(prev) && p->x != prev) {
			if (prev <= 0)
				return false;
			double r = p->x / prev;
			if (!isnan(ratio) && fabs(r - ratio) > 1e-6 * ratio)
				return false;
			ratio = r;
		}
		if (isnan(prev) || p->x != prev)
			n++;
		prev = p->x;
	}
	return n >= 3 && ratio > 1;
}

static int cmp_point(const void *a, const void *b)
{
	const struct cpoint *x = a, *y = b;
	int c = strcmp(x->base, y->base);
	if (c)
		return c;
	c = cmp_group(x->group, y->group);
	if (c)
		return c;
	return (x->x > y->x) - (x->x < y->x);
}

/* x and group of every point; a key whose values are not numbers is drawn at
 * the index of each value. */
static void place(struct cset *cs)
{
	for (size_t i = 0; i < cs->n; i++) {
		struct cpoint *p = &cs->p[i];
		size_t k1 = 0, k2 = 0;
		size_t nk = base_keys(cs, p->base, &k1, &k2);
		const char *unit;
		double v;
		p->x = NAN;
		if (nk >= 1 && csv_parse_number(p->val[k1], &v) == 0) {
			p->x = v * key_scale(cs->keys[k1], &unit);
		} else if (nk >= 1) {
			/* words: their order of appearance */
			int idx = 0;
			for (size_t j = 0; j < i; j++)
				if (strcmp(cs->p[j].base, p->base) == 0 &&
				    strcmp(cs->p[j].val[k1], p->val[k1]) != 0)
					idx++;
			p->x = idx;
		}
		if (nk == 2)
			snprintf(p->group, sizeof(p->group), "%s=%s", cs->keys[k2], p->val[k2]);
	}
	if (cs->n)
		qsort(cs->p, cs->n, sizeof(*cs->p), cmp_point);
}

static void put_val(FILE *f, double v)
{
	if (isnan(v))
		fputs(" ?", f);
	else
		fprintf(f, " %.6g", v);
}

static const char *const palette[] = {"1f77b4", "2ca02c", "9467bd", "ff7f0e",
				      "8c564b", "e377c2", "17becf", "7f7f7f"};

static int write_base(const struct cset *cs, const char *dir, const char *plotdir, const char *base,
		      struct berr *err)
{
	char path[PATH_MAX], page[SCENARIO_NAME_MAX + 16];
	snprintf(page, sizeof(page), "%s.curve", base);
	size_t k1 = 0, k2 = 0;
	size_t nk = base_keys(cs, base, &k1, &k2);
	if (nk == 0)
		return 0;
	/* data: one index block per group */
	if (snprintf(path, sizeof(path), "%s/data/%s.dat", plotdir, page) >= (int)sizeof(path))
		return berr_set(err, ENAMETOOLONG, "%s/data/%s.dat", plotdir, page);
	FILE *d = fopen(path, "we");
	if (!d)
		return berr_set(err, errno, "cannot create %s", path);
	char groups[16][48];
	size_t ng = 0;
	double xmin = INFINITY, xmax = -INFINITY, ymax[3] = {0, 0, 0};
	for (size_t i = 0; i < cs->n; i++) {
		const struct cpoint *p = &cs->p[i];
		if (strcmp(p->base, base) != 0 || isnan(p->x))
			continue;
		if (ng == 0 || strcmp(groups[ng - 1], p->group) != 0) {
			if (ng == 16)
				break; /* more lines than a reader can tell apart */
			if (ng)
				fputs("\n\n", d);
			snprintf(groups[ng++], sizeof(groups[0]), "%s", p->group);
			fprintf(d, "# %s\n", p->group[0] ? p->group : base);
		}
		fprintf(d, "%.6g", p->x);
		put_val(d, isnan(p->mem) ? NAN : p->mem / 1048576.0);
		put_val(d, p->fds);
		put_val(d, p->threads);
		fprintf(d, " %d\n", p->passed == p->reps ? 1 : 0);
		double y[3] = {p->mem / 1048576.0, p->fds, p->threads};
		for (int k = 0; k < 3; k++)
			if (!isnan(y[k]) && y[k] > ymax[k])
				ymax[k] = y[k];
		if (p->x < xmin)
			xmin = p->x;
		if (p->x > xmax)
			xmax = p->x;
	}
	if (fclose(d) != 0)
		return berr_set(err, errno, "cannot write %s", path);

	struct search_row sr;
	bool searched = search_row_of(dir, base, &sr) && !isnan(sr.pass);
	const char *unit;
	double scale = key_scale(cs->keys[k1], &unit);

	char *body = NULL;
	size_t blen = 0;
	FILE *b = open_memstream(&body, &blen);
	if (!b)
		return berr_set(err, ENOMEM, "cannot generate %s", page);
	fputs("reset\nset datafile missing '?'\nset grid\nset key top left\n", b);
	fputs("set multiplot layout 3,1 title ", b);
	char title[256];
	snprintf(title, sizeof(title), "%s: peaks over %s (dots survived, red crosses broke)", base,
		 cs->keys[k1]);
	quote_gnuplot(b, title);
	putc('\n', b);
	/* Ranges set here, not autoscaled: gnuplot refuses a page whose points
	 * are all missing or all at one x, and one gnuplot draws every page. */
	if (!isfinite(xmin)) {
		xmin = 0;
		xmax = 1;
	}
	bool logx = xmin > 0 && (xmax / xmin > 16 || geometric(cs, base));
	if (logx)
		fputs("set logscale x 2\n", b);
	if (xmax <= xmin)
		fprintf(b, "set xrange [%.6g:%.6g]\n", logx ? xmin / 2 : xmin - 1,
			logx ? xmax * 2 : xmax + 1);
	else
		fprintf(b, "set xrange [%.6g:%.6g]\n", xmin, xmax);
	if (searched) {
		double x = sr.pass * scale;
		fprintf(b,
			"set arrow 1 from %.6g, graph 0 to %.6g, graph 1 nohead dt 2 lw 2 "
			"lc rgb '#d62728'\n",
			x, x);
		/* " (MiB)" -> " MiB" */
		char lab[96], u[16] = "";
		if (unit[0])
			snprintf(u, sizeof(u), " %.*s", (int)strlen(unit) - 3, unit + 2);
		snprintf(lab, sizeof(lab), "smallest passing %s: %.6g%s", cs->keys[k1], x, u);
		fprintf(b, "set label 1 ");
		quote_gnuplot(b, lab);
		fprintf(b, " at %.6g, graph 0.5 left offset 1,0 tc rgb '#d62728'\n", x);
	}
	static const char *const ylabels[] = {"peak memory (MiB)", "peak fds", "peak threads"};
	char dat[SCENARIO_NAME_MAX + 32];
	snprintf(dat, sizeof(dat), "data/%s.dat", page);
	for (int panel = 0; panel < 3; panel++) {
		/* From 0, so that a flat series reads as flat, not as noise; the
		 * legend once, on the top panel. */
		fprintf(b, "set ylabel '%s'\nset yrange [0:%.6g]\n%s", ylabels[panel],
			ymax[panel] > 0 ? ymax[panel] * 1.1 : 1,
			panel ? "unset key\nunset label 1\n" : "");
		if (panel == 2) {
			char xl[96];
			snprintf(xl, sizeof(xl), "%s%s", cs->keys[k1], unit);
			fputs("set xlabel ", b);
			quote_gnuplot(b, xl);
			putc('\n', b);
		}
		fputs("plot ", b);
		int col = panel + 2;
		for (size_t g = 0; g < ng; g++) {
			const char *c = palette[g % (sizeof(palette) / sizeof(palette[0]))];
			if (g)
				fputs(", ", b);
			quote_gnuplot(b, dat);
			fprintf(b, " index %zu using 1:%d with lines lc rgb '#%s' title ", g, col,
				c);
			quote_gnuplot(b, groups[g][0] ? groups[g] : base);
			fputs(", ", b);
			quote_gnuplot(b, dat);
			fprintf(b,
				" index %zu using 1:($5==1?$%d:1/0) with points pt 7 ps 1 lc rgb "
				"'#%s' notitle",
				g, col, c);
			fputs(", ", b);
			quote_gnuplot(b, dat);
			fprintf(b,
				" index %zu using 1:($5==0?$%d:1/0) with points pt 2 ps 1.5 lw 2 "
				"lc rgb '#d62728' notitle",
				g, col);
		}
		putc('\n', b);
	}
	fputs("unset multiplot\n", b);
	if (fclose(b) != 0) {
		free(body);
		return berr_set(err, ENOMEM, "cannot generate %s", page);
	}
	if (snprintf(path, sizeof(path), "%s/data/%s.gp", plotdir, page) >= (int)sizeof(path)) {
		free(body);
		return berr_set(err, ENAMETOOLONG, "%s/data/%s.gp", plotdir, page);
	}
	FILE *g = fopen(path, "we");
	if (!g) {
		free(body);
		return berr_set(err, errno, "cannot create %s", path);
	}
	fprintf(g, "# generated by brink plot; run in the plots directory\n");
	static const struct {
		const char *term, *ext;
	} terms[] = {{"pngcairo size 900,900 noenhanced font 'sans,10'", "png"},
		     {"svg size 900,900 noenhanced font 'sans,10' background 'white'", "svg"}};
	for (size_t t = 0; t < 2; t++) {
		fprintf(g, "set terminal %s\n", terms[t].term);
		quote_gnuplot_output(g, page, terms[t].ext);
		fprintf(g, "%s\nunset output\n", body);
	}
	free(body);
	if (fclose(g) != 0)
		return berr_set(err, errno, "cannot write %s", path);
	return 0;
}

int curves_scripts(const char *dir, const char *plotdir, char ***pages, size_t *n, struct berr *err)
{
	struct cset cs;
	if (cset_load(dir, &cs, err) != 0) {
		free(cs.p);
		return -1;
	}
	place(&cs);
	int rc = 0;
	for (size_t i = 0; i < cs.n && rc == 0; i++) {
		if (i && strcmp(cs.p[i].base, cs.p[i - 1].base) == 0)
			continue;
		if ((rc = write_base(&cs, dir, plotdir, cs.p[i].base, err)) != 0)
			break;
		char **np = realloc(*pages, (*n + 1) * sizeof(*np));
		if (!np || asprintf(&np[*n], "%s.curve", cs.p[i].base) < 0) {
			if (np)
				*pages = np;
			rc = berr_set(err, ENOMEM, "curves");
			break;
		}
		*pages = np;
		(*n)++;
	}
	free(cs.p);
	return rc;
}

static void fmt_x(const char *key, const char *raw, char *buf, size_t len)
{
	int lim = limits_find(key);
	double v;
	if (lim < 0 || csv_parse_number(raw, &v) != 0)
		snprintf(buf, len, "%s", raw);
	else
		limits_format(lim, (int64_t)v, false, buf, len);
}

/* s as it is, or as HTML text (quote.h) for the HTML page. */
static void put_text(FILE *f, bool html, const char *s)
{
	if (html)
		quote_html(f, s);
	else
		fputs(s, f);
}

#define CELLS_MAX 8
static void put_row(FILE *f, bool html, char cells[][64], size_t n, bool header)
{
	fputs(html ? "<tr>" : "|", f);
	for (size_t i = 0; i < n; i++) {
		fputs(html ? (header ? "<th>" : "<td>") : " ", f);
		put_text(f, html, cells[i]);
		fputs(html ? (header ? "</th>" : "</td>") : " |", f);
	}
	fputs(html ? "</tr>\n" : "\n", f);
	if (header && !html) {
		putc('|', f);
		for (size_t i = 0; i < n; i++)
			fputs("---|", f);
		putc('\n', f);
	}
}

static void fmt_num(double v, double scale, const char *suffix, const char *fmt, char *buf,
		    size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, fmt, v * scale, suffix);
}

static int cmp_name(const void *a, const void *b)
{
	const struct cpoint *x = a, *y = b;
	int c = strcmp(x->base, y->base);
	return c ? c : strcmp(x->name, y->name);
}

/* The sweeps section, as markdown or as HTML. */
static void curves_section(const char *dir, FILE *f, bool html)
{
	struct cset cs;
	struct berr err;
	if (cset_load(dir, &cs, &err) != 0 || cs.n == 0) {
		free(cs.p);
		return;
	}
	place(&cs);
	/* The table in the order of the points' names (sweep.h: value order). */
	qsort(cs.p, cs.n, sizeof(*cs.p), cmp_name);
	fputs(html ? "<h2>Sweeps</h2>\n" : "\n## Sweeps\n", f);
	for (size_t i = 0; i < cs.n; i++) {
		const char *base = cs.p[i].base;
		if (i && strcmp(base, cs.p[i - 1].base) == 0)
			continue;
		size_t k1 = 0, k2 = 0;
		size_t nk = base_keys(&cs, base, &k1, &k2);
		fputs(html ? "<h3>" : "\n### ", f);
		put_text(f, html, base);
		fputs(html ? "</h3>\n" : "\n\n", f);
		struct search_row sr;
		if (search_row_of(dir, base, &sr)) {
			char p[32], q[32], raw[32], line[512];
			snprintf(raw, sizeof(raw), "%.0f", sr.pass);
			fmt_x(sr.resource, raw, p, sizeof(p));
			snprintf(raw, sizeof(raw), "%.0f", sr.fail);
			fmt_x(sr.resource, raw, q, sizeof(q));
			snprintf(line, sizeof(line),
				 "Search over %s: %s; smallest passing limit %s, largest breaking "
				 "%s; %d runs, %d reused%s%s.",
				 sr.resource, sr.verdict, isnan(sr.pass) ? "-" : p,
				 isnan(sr.fail) ? "-" : q, sr.runs, sr.reused,
				 sr.flaky[0] ? "; flaky (limit:passed/runs): " : "", sr.flaky);
			fputs(html ? "<p>" : "", f);
			put_text(f, html, line);
			fputs(html ? "</p>\n" : "\n\n", f);
		}
		char cells[CELLS_MAX][64];
		size_t n = 0;
		snprintf(cells[n++], 64, "point");
		snprintf(cells[n++], 64, "%s", nk ? cs.keys[k1] : "value");
		if (nk == 2)
			snprintf(cells[n++], 64, "%s", cs.keys[k2]);
		snprintf(cells[n++], 64, "outcome");
		snprintf(cells[n++], 64, "peak memory");
		snprintf(cells[n++], 64, "peak fds");
		snprintf(cells[n++], 64, "peak threads");
		if (html)
			fputs("<table class=\"sweep\">\n<thead>", f);
		put_row(f, html, cells, n, true);
		if (html)
			fputs("</thead>\n<tbody>\n", f);
		for (size_t j = i; j < cs.n && strcmp(cs.p[j].base, base) == 0; j++) {
			const struct cpoint *p = &cs.p[j];
			n = 0;
			snprintf(cells[n++], 64, "%s", p->name);
			fmt_x(cs.keys[k1], p->val[k1], cells[n++], 64);
			if (nk == 2)
				fmt_x(cs.keys[k2], p->val[k2], cells[n++], 64);
			if (p->passed == p->reps)
				snprintf(cells[n++], 64, "survived (%d/%d)", p->passed, p->reps);
			else
				snprintf(cells[n++], 64, "broke: %s (%d/%d passed)", p->broke,
					 p->passed, p->reps);
			units_format_measure(UM_MIB, p->mem, cells[n++], 64);
			fmt_num(p->fds, 1, "", "%.0f%s", cells[n++], 64);
			fmt_num(p->threads, 1, "", "%.0f%s", cells[n++], 64);
			put_row(f, html, cells, n, false);
		}
		if (html)
			fputs("</tbody>\n</table>\n", f);
		char png[PATH_MAX];
		if (snprintf(png, sizeof(png), "%s/plots/%s.curve.png", dir, base) <
			(int)sizeof(png) &&
		    access(png, R_OK) == 0) {
			if (html)
				fprintf(
				    f, "<p><img src=\"plots/%s.curve.svg\" alt=\"%s curve\"></p>\n",
				    base, base);
			else
				fprintf(f, "\n![%s curve](plots/%s.curve.png)\n", base, base);
		}
	}
	free(cs.p);
}

void curves_md(const char *dir, FILE *f)
{
	curves_section(dir, f, false);
}

void curves_html(const char *dir, FILE *f)
{
	curves_section(dir, f, true);
}
