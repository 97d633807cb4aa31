/* search.c - bisection for the breaking limit, and the plan that runs it
 * (see search.h). */
#include "search.h"

#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"
#include "config.h"
#include "csvread.h"
#include "json.h"
#include "limit.h"
#include "sweep.h"
#include "units.h"

const char *search_verdict_name(enum search_verdict v)
{
	static const char *const names[] = {
	    [SV_RUNNING] = "running",
	    [SV_FOUND] = "found",
	    [SV_PASSES_AT_LO] = "passes-at-lo",
	    [SV_FAILS_AT_HI] = "fails-at-hi",
	};
	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "unknown";
}

void search_init(struct search *s, int64_t lo, int64_t hi, int64_t resolution, int64_t res_ppm,
		 int repetitions)
{
	memset(s, 0, sizeof(*s));
	s->lo = lo;
	s->hi = hi;
	s->resolution = resolution;
	s->res_ppm = res_ppm;
	s->grid = resolution > 0 ? resolution : 1;
	s->repetitions = repetitions > 0 ? repetitions : 1;
	s->pass = s->fail = -1;
	s->verdict = SV_RUNNING;
}

void search_free(struct search *s)
{
	free(s->probes);
	s->probes = NULL;
	s->n = s->cap = 0;
}

static struct search_probe *probe_of(struct search *s, int64_t limit, bool create)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->probes[i].limit == limit)
			return &s->probes[i];
	if (!create)
		return NULL;
	if (s->n == s->cap) {
		size_t nc = s->cap ? 2 * s->cap : 16;
		struct search_probe *np = realloc(s->probes, nc * sizeof(*np));
		if (!np)
			return NULL;
		s->probes = np;
		s->cap = nc;
	}
	s->probes[s->n] = (struct search_probe){.limit = limit};
	return &s->probes[s->n++];
}

static bool complete(const struct search *s, const struct search_probe *p)
{
	return p && p->passes + p->fails >= s->repetitions;
}

/* A limit with all its repetitions moves the interval. */
static void settle(struct search *s, const struct search_probe *p)
{
	if (!complete(s, p))
		return;
	if (p->fails == 0) {
		if (s->pass < 0 || p->limit < s->pass)
			s->pass = p->limit;
	} else if (p->limit > s->fail) {
		s->fail = p->limit;
	}
}

static bool narrow_enough(const struct search *s)
{
	int64_t width = s->pass - s->fail;
	if (width <= s->grid)
		return true;
	if (s->resolution > 0)
		return width <= s->resolution;
	/* Relative: a width within res_ppm of the passing limit. */
	return (double)width <= (double)s->pass * (double)s->res_ppm / 1e6;
}

int search_next(struct search *s, int64_t *limit)
{
	for (;;) {
		if (s->verdict != SV_RUNNING)
			return 0;
		struct search_probe *hi = probe_of(s, s->hi, false);
		struct search_probe *lo = probe_of(s, s->lo, false);
		int64_t cand;
		if (!complete(s, hi)) {
			cand = s->hi;
		} else if (hi->fails) {
			s->verdict = SV_FAILS_AT_HI;
			return 0;
		} else if (!complete(s, lo)) {
			cand = s->lo;
		} else if (!lo->fails) {
			s->verdict = SV_PASSES_AT_LO;
			return 0;
		} else if (narrow_enough(s)) {
			s->verdict = SV_FOUND;
			return 0;
		} else {
			/* The middle, on the grid from LO; strictly inside the interval. */
			int64_t mid = s->fail + (s->pass - s->fail) / 2;
			int64_t g = s->lo + (mid - s->lo) / s->grid * s->grid;
			if (g <= s->fail)
				g += s->grid;
			if (g >= s->pass) {
				s->verdict = SV_FOUND;
				return 0;
			}
			cand = g;
		}
		struct search_probe *p = probe_of(s, cand, true);
		if (!p)
			return -1;
		if (complete(s, p)) { /* preloaded */
			settle(s, p);
			continue;
		}
		*limit = cand;
		return 1;
	}
}

static int add(struct search *s, int64_t limit, bool passed, bool reused)
{
	struct search_probe *p = probe_of(s, limit, true);
	if (!p)
		return -1;
	if (complete(s, p))
		return 0; /* more results than asked for: the first ones count */
	if (passed)
		p->passes++;
	else
		p->fails++;
	if (reused) {
		p->reused = true;
		s->reused++;
	} else {
		s->runs++;
	}
	settle(s, p);
	return 0;
}

int search_record(struct search *s, int64_t limit, bool passed)
{
	return add(s, limit, passed, false);
}

int search_preload(struct search *s, int64_t limit, bool passed)
{
	return add(s, limit, passed, true);
}

size_t search_flaky(const struct search *s, const struct search_probe **out, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->probes[i].passes && s->probes[i].fails) {
			if (k < max)
				out[k] = &s->probes[i];
			k++;
		}
	return k;
}

/* A nofile breaking point that is only a count at the limit: the process held
 * as many fds as it may, and the kernel, watched (syswatch.h), saw no call fail
 * with EMFILE or ENFILE. A program that needs exactly N fds under nofile N is
 * then at its limit but did not hit it. Without the watcher nothing can tell
 * "held N" from "met EMFILE", and the count is taken as a hit. */
static bool nofile_held_not_hit(const struct run_result *r)
{
	return r->limit_hit == BP_NOFILE && !(r->unavailable & UNAV_SYSCALLS) &&
	       r->emfile_count == 0 && r->enfile_count == 0;
}

enum search_evidence search_run_evidence(const struct run_result *r)
{
	bool hit = r->oom_kills > 0 || r->pids_limit_hits > 0 ||
		   (breaking_point_is_limit(r->limit_hit) && !nofile_held_not_hit(r));
	switch (r->outcome) {
	case OUT_INTERRUPTED:
	case OUT_TIMEOUT:
		return SE_NONE;
	case OUT_EXEC_FAILED:
		return hit ? SE_BREAK : SE_NONE;
	case OUT_EXITED:
		return r->exit_code == 0 && !hit ? SE_PASS : SE_BREAK;
	default:
		return SE_BREAK;
	}
}

bool search_run_passes(const struct run_result *r)
{
	return search_run_evidence(r) == SE_PASS;
}

/* ---- the plan ---- */

/* A base whose search a run without evidence ended (search_run_evidence). */
struct stuck {
	int outcome;   /* that run's, -1 none */
	int64_t limit; /* its limit */
};

/* A row of --from's summary.csv that was reused, as written there. */
struct kept_row {
	size_t base;
	int64_t limit;
	char **field; /* n_old_header, owned */
};

struct search_plan {
	struct search_spec spec;
	struct scenario *bases;
	size_t n_bases, cur;
	struct search *s;    /* one per base */
	int64_t unit;	     /* label unit: divides LO, HI and the grid */
	int64_t pending;     /* the limit of the probe being run */
	struct stuck *stuck; /* per base */
	char **old_header;   /* --from's summary.csv header */
	size_t n_old_header;
	struct kept_row *kept;
	size_t n_kept;
	const char *suffix;
	int width;
	char from[4096];
};

static void label_unit(struct search_plan *pl)
{
	static const struct {
		int64_t div;
		const char *suffix;
	} size_u[] = {{1LL << 30, "G"}, {1LL << 20, "M"}, {1LL << 10, "K"}, {1, ""}},
	  dur_u[] = {{1000000000LL, "s"}, {1000000LL, "ms"}, {1000LL, "us"}, {1, "ns"}};
	const struct search_spec *sp = &pl->spec;
	pl->unit = 1;
	pl->suffix = "";
	int64_t grid = pl->n_bases ? pl->s[0].grid : 1;
	size_t n = 0;
	if (limit_table[sp->lim].kind == LK_SIZE)
		n = sizeof(size_u) / sizeof(size_u[0]);
	else if (limit_table[sp->lim].kind == LK_DURATION)
		n = sizeof(dur_u) / sizeof(dur_u[0]);
	for (size_t i = 0; i < n; i++) {
		int64_t d = limit_table[sp->lim].kind == LK_SIZE ? size_u[i].div : dur_u[i].div;
		if (sp->lo % d == 0 && sp->hi % d == 0 && grid % d == 0) {
			pl->unit = d;
			pl->suffix = limit_table[sp->lim].kind == LK_SIZE ? size_u[i].suffix
									  : dur_u[i].suffix;
			break;
		}
	}
	char d[32];
	pl->width = snprintf(d, sizeof(d), "%" PRId64, sp->hi / pl->unit);
}

/* The probe of base b under `limit`, appended to cfg. */
static int add_probe(struct search_plan *pl, struct config *cfg, int64_t limit, struct berr *err)
{
	const struct scenario *base = &pl->bases[pl->cur];
	struct scenario *ns = realloc(cfg->scenarios, (cfg->n_scenarios + 1) * sizeof(*ns));
	if (!ns)
		return berr_set(err, ENOMEM, "search");
	cfg->scenarios = ns;
	struct scenario *sc = &ns[cfg->n_scenarios];
	if (scenario_copy(sc, base) != 0)
		return berr_set(err, ENOMEM, "search");
	const char *key = limit_table[pl->spec.lim].key;
	sc->lim.v[pl->spec.lim] = limit;
	pl->pending = limit;
	sc->n_sweep = 1;
	snprintf(sc->sweep_of, sizeof(sc->sweep_of), "%s", base->name);
	struct sweep_coord *c = &sc->sweep[0];
	snprintf(c->key, sizeof(c->key), "%s", key);
	snprintf(c->value, sizeof(c->value), "%" PRId64, limit);
	if (limit % pl->unit == 0)
		snprintf(c->label, sizeof(c->label), "%0*" PRId64 "%s", pl->width, limit / pl->unit,
			 pl->suffix);
	else
		snprintf(c->label, sizeof(c->label), "%" PRId64, limit);
	char name[256];
	int len = snprintf(name, sizeof(name), "%s.%s=%s", base->name, key, c->label);
	if (len >= SCENARIO_NAME_MAX) {
		scenario_free(sc);
		return berr_set(err, 0, "search: the probe name %s is longer than %d characters",
				name, SCENARIO_NAME_MAX - 1);
	}
	memcpy(sc->name, name, (size_t)len + 1);
	cfg->n_scenarios++;
	return 0;
}

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool words_eq(char *const *a, char *const *b)
{
	size_t i = 0;
	for (; a && b && a[i] && b[i]; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return (!a || !a[i]) && (!b || !b[i]);
}

/* What in `old` (a scenario of an earlier run.ini) would change the outcome of
 * `base` under the same `lim`: NULL when nothing, else what differs. */
static const char *differs(const struct scenario *old, const struct scenario *base, int lim)
{
	if (!words_eq(old->argv, base->argv) || old->shell != base->shell)
		return "the command";
	for (int k = 0; k < LIM__COUNT; k++)
		if (k != lim && old->lim.v[k] != base->lim.v[k])
			return limit_table[k].key;
	if (old->timeout_ns != base->timeout_ns)
		return "timeout";
	if (strcmp(old->user, base->user) != 0)
		return "user";
	if (!words_eq(old->env, base->env))
		return "env";
	if (!str_eq(old->cwd, base->cwd))
		return "cwd";
	return NULL;
}

/* The scenario of the earlier run named `name`, else the first probe of the
 * same search or sweep (named SWEEP.KEY=...; later probes of a search are not
 * in its run.ini, and differ from the first only in the searched limit). */
static const struct scenario *old_scenario(const struct config *old, const char *name,
					   const char *sweep, const char *key)
{
	char prefix[SCENARIO_NAME_MAX + SWEEP_KEY_MAX + 2];
	snprintf(prefix, sizeof(prefix), "%s.%s=", sweep, key);
	const struct scenario *first = NULL;
	for (size_t i = 0; i < old->n_scenarios; i++) {
		if (strcmp(old->scenarios[i].name, name) == 0)
			return &old->scenarios[i];
		if (!first && strcmp(old->scenarios[i].name, sweep) == 0)
			first = &old->scenarios[i]; /* a search's run.ini has its bases */
		if (!first && strncmp(old->scenarios[i].name, prefix, strlen(prefix)) == 0)
			first = &old->scenarios[i];
	}
	return first;
}

/* The earlier result's run.ini (the effective config of what it ran). */
static int load_old(const char *from, struct config *old, struct berr *err)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/run.ini", from);
	char *msg = NULL;
	size_t len = 0;
	FILE *errs = open_memstream(&msg, &len);
	if (!errs)
		return berr_set(err, errno, "--from %s: cannot read %s", from, path);
	memset(old, 0, sizeof(*old));
	int bad = config_load(path, old, errs);
	fclose(errs);
	if (bad) {
		char *nl = msg ? strchr(msg, '\n') : NULL;
		if (nl)
			*nl = '\0';
		berr_set(err, 0, "--from %s: cannot tell what its runs ran: %s", from,
			 msg && msg[0] ? msg : path);
		free(msg);
		config_free(old);
		return -1;
	}
	free(msg);
	return 0;
}

static int keep_row(struct search_plan *pl, const struct csv_reader *rd, size_t b, int64_t limit)
{
	struct kept_row *nk = realloc(pl->kept, (pl->n_kept + 1) * sizeof(*nk));
	if (!nk)
		return -1;
	pl->kept = nk;
	struct kept_row *k = &nk[pl->n_kept];
	k->base = b;
	k->limit = limit;
	k->field = calloc(rd->nheader, sizeof(char *));
	if (!k->field)
		return -1;
	pl->n_kept++;
	for (size_t i = 0; i < rd->nheader; i++)
		if (!(k->field[i] = strdup(rd->field[i])))
			return -1;
	return 0;
}

/* A limit with fewer reused repetitions than the search asks for is run again
 * in full (its rep folders cannot be numbered on from the earlier ones): those
 * repetitions are not reused, and at most `repetitions` rows of a limit are. */
static void drop_partial(struct search_plan *pl)
{
	for (size_t b = 0; b < pl->n_bases; b++) {
		struct search *s = &pl->s[b];
		for (size_t i = 0; i < s->n; i++) {
			struct search_probe *p = &s->probes[i];
			if (!p->reused || p->passes + p->fails >= s->repetitions)
				continue;
			s->reused -= p->passes + p->fails;
			p->passes = p->fails = 0;
			p->reused = false;
		}
	}
	size_t o = 0;
	for (size_t i = 0; i < pl->n_kept; i++) {
		struct kept_row *k = &pl->kept[i];
		const struct search_probe *p = probe_of(&pl->s[k->base], k->limit, false);
		int before = 0;
		for (size_t j = 0; j < o; j++)
			before += pl->kept[j].base == k->base && pl->kept[j].limit == k->limit;
		if (p && p->reused && before < pl->s[k->base].repetitions) {
			pl->kept[o++] = *k;
			continue;
		}
		for (size_t f = 0; f < pl->n_old_header; f++)
			free(k->field[f]);
		free(k->field);
	}
	pl->n_kept = o;
}

static const char *kept_field(const struct search_plan *pl, const struct kept_row *k,
			      const char *name)
{
	for (size_t i = 0; i < pl->n_old_header; i++)
		if (strcmp(pl->old_header[i], name) == 0)
			return k->field[i];
	return "";
}

static void put_csv_field(FILE *f, const char *v)
{
	if (!strpbrk(v, ",\"\n\r")) {
		fputs(v, f);
		return;
	}
	putc('"', f);
	for (; *v; v++) {
		if (*v == '"')
			putc('"', f);
		putc(*v, f);
	}
	putc('"', f);
}

int search_plan_write_reused(const struct search_plan *pl, const char *header, FILE *summary,
			     const char *dir, struct berr *err)
{
	for (size_t i = 0; i < pl->n_kept; i++) {
		const struct kept_row *k = &pl->kept[i];
		const char *h = header;
		for (bool first = true; *h; first = false) {
			size_t n = strcspn(h, ",");
			char name[128];
			snprintf(name, sizeof(name), "%.*s", (int)(n < sizeof(name) ? n : 0), h);
			if (!first)
				putc(',', summary);
			put_csv_field(summary, kept_field(pl, k, name));
			h += n + (h[n] == ',');
		}
		putc('\n', summary);
		/* The run's folder: a link to the earlier one, which says it was reused. */
		const char *sc = kept_field(pl, k, "scenario"), *rep = kept_field(pl, k, "rep");
		char from[8400], to[8400], real[PATH_MAX];
		snprintf(to, sizeof(to), "%s/%s", dir, sc);
		if (mkdir(to, 0755) != 0 && errno != EEXIST)
			return berr_set(err, errno, "cannot create %s", to);
		snprintf(from, sizeof(from), "%s/%s/%s", pl->spec.from, sc, rep);
		snprintf(to, sizeof(to), "%s/%s/%s", dir, sc, rep);
		if (!realpath(from, real))
			continue; /* the row is kept, its folder was not */
		if (symlink(real, to) != 0 && errno != EEXIST)
			return berr_set(err, errno, "cannot link %s to %s", to, real);
	}
	return 0;
}

void search_plan_columns(const struct search_plan *pl, struct sweep_columns *cols)
{
	const char *key = limit_table[pl->spec.lim].key;
	for (size_t k = 0; k < cols->n; k++)
		if (strcmp(cols->key[k], key) == 0)
			return;
	if (cols->n < SWEEP_COLUMNS_MAX)
		snprintf(cols->key[cols->n++], sizeof(cols->key[0]), "%s", key);
}

bool search_plan_watch(const struct search_plan *pl)
{
	return pl->spec.watch;
}

void search_plan_bases(const struct search_plan *pl, struct config *cfg)
{
	cfg->scenarios = pl->bases;
	cfg->n_scenarios = pl->n_bases;
}

/* Rows of an earlier result whose sweep is this base and whose sweep.KEY is
 * set, run with the same command, the same other limits and settings: their
 * outcomes, as if run here. Rows of other settings are ignored and counted
 * (*ignored, with the first reason in why); rows without evidence
 * (search_run_evidence) are ignored silently. */
static int preload(struct search_plan *pl, int *ignored, char *why, size_t why_len,
		   struct berr *err)
{
	struct config old;
	if (load_old(pl->spec.from, &old, err) != 0)
		return -1;
	char path[4200];
	snprintf(path, sizeof(path), "%s/summary.csv", pl->spec.from);
	struct csv_reader rd = {0};
	if (csvr_open_expecting(&rd, path, "the summary header", err) != 0) {
		config_free(&old);
		return -1;
	}
	const char *key = limit_table[pl->spec.lim].key;
	char col[64];
	snprintf(col, sizeof(col), "sweep.%s", key);
	int c_sweep = csvr_col(&rd, "sweep"), c_v = csvr_col(&rd, col);
	int c_name = csvr_col(&rd, "scenario");
	int c_out = csvr_need_col(&rd, "outcome", err);
	int c_exit = csvr_col(&rd, "exit_code"), c_oom = csvr_col(&rd, "oom_kills");
	int c_pids = csvr_col(&rd, "pids_limit_hits"), c_hit = csvr_col(&rd, "limit_hit");
	/* whether a count at the nofile limit was a failed call (search_run_evidence) */
	int c_emf = csvr_col(&rd, "emfile_count"), c_enf = csvr_col(&rd, "enfile_count");
	int c_unav = csvr_col(&rd, "unavailable");
	int rc = 0;
	*ignored = 0;
	if (c_out < 0 || c_sweep < 0 || c_v < 0 || c_name < 0) {
		if (c_out >= 0)
			berr_set(err, 0,
				 "--from %s: no sweep or %s column: not a sweep or search of %s",
				 pl->spec.from, col, key);
		csvr_close(&rd);
		config_free(&old);
		return -1;
	}
	pl->old_header = calloc(rd.nheader, sizeof(char *));
	if (!pl->old_header) {
		csvr_close(&rd);
		config_free(&old);
		return berr_set(err, ENOMEM, "--from");
	}
	for (size_t i = 0; i < rd.nheader; i++)
		if (!(pl->old_header[pl->n_old_header++] = strdup(rd.header[i]))) {
			csvr_close(&rd);
			config_free(&old);
			return berr_set(err, ENOMEM, "--from");
		}
	while ((rc = csvr_next(&rd, err)) == 1) {
		for (size_t b = 0; b < pl->n_bases; b++) {
			if (strcmp(rd.field[c_sweep], pl->bases[b].name) != 0 || !rd.field[c_v][0])
				continue;
			const struct scenario *o =
			    old_scenario(&old, rd.field[c_name], rd.field[c_sweep], key);
			const char *d = o ? differs(o, &pl->bases[b], pl->spec.lim)
					  : "the settings (not in its run.ini)";
			if (d) {
				if (!*ignored)
					snprintf(why, why_len, "%s: %s differs", rd.field[c_name],
						 d);
				(*ignored)++;
				continue;
			}
			double v, e = -1, oo = 0, ph = 0;
			if (csvr_number(&rd, c_v, &v, err) != 0) {
				rc = -1;
				break;
			}
			if (c_exit >= 0)
				csvr_number(&rd, c_exit, &e, err);
			if (c_oom >= 0)
				csvr_number(&rd, c_oom, &oo, err);
			if (c_pids >= 0)
				csvr_number(&rd, c_pids, &ph, err);
			struct run_result r;
			run_result_init(&r);
			int out = outcome_from_name(rd.field[c_out]);
			r.outcome = out < 0 ? OUT_SIGNALED : (enum outcome)out;
			r.exit_code = (int)e;
			r.oom_kills = (int64_t)oo;
			r.pids_limit_hits = (int64_t)ph;
			int bp = c_hit >= 0 ? breaking_point_from_name(rd.field[c_hit]) : -1;
			r.limit_hit = bp < 0 ? BP_NONE : (enum breaking_point)bp;
			double emf = -1, enf = -1;
			if (c_emf >= 0 && rd.field[c_emf][0])
				csvr_number(&rd, c_emf, &emf, err);
			if (c_enf >= 0 && rd.field[c_enf][0])
				csvr_number(&rd, c_enf, &enf, err);
			r.emfile_count = (int64_t)emf;
			r.enfile_count = (int64_t)enf;
			/* an older result without the columns: not watched */
			if (c_unav < 0 || c_emf < 0 ||
			    unavail_parse(rd.field[c_unav], &r.unavailable) != 0)
				r.unavailable |= UNAV_SYSCALLS;
			/* measured with the watch or without it, as this search
			 * is: the two judge a full fd table differently */
			if (!(r.unavailable & UNAV_SYSCALLS) != pl->spec.watch) {
				if (!*ignored)
					snprintf(why, why_len,
						 "%s: the syscall watch differs (%s there)",
						 rd.field[c_name],
						 pl->spec.watch ? "unavailable=syscalls"
								: "watched");
				(*ignored)++;
				continue;
			}
			enum search_evidence ev = search_run_evidence(&r);
			if (ev == SE_NONE)
				continue;
			if (search_preload(&pl->s[b], (int64_t)v, ev == SE_PASS) != 0 ||
			    keep_row(pl, &rd, b, (int64_t)v) != 0) {
				rc = berr_set(err, ENOMEM, "--from");
				break;
			}
		}
		if (rc < 0)
			break;
	}
	csvr_close(&rd);
	config_free(&old);
	return rc < 0 ? -1 : 0;
}

struct search_plan *search_plan_new(struct config *cfg, const struct search_spec *spec,
				    struct berr *err)
{
	struct search_plan *pl = calloc(1, sizeof(*pl));
	if (!pl) {
		berr_set(err, ENOMEM, "search");
		return NULL;
	}
	pl->spec = *spec;
	if (spec->from) {
		snprintf(pl->from, sizeof(pl->from), "%s", spec->from);
		pl->spec.from = pl->from;
	}
	pl->bases = cfg->scenarios;
	pl->n_bases = cfg->n_scenarios;
	pl->s = calloc(pl->n_bases ? pl->n_bases : 1, sizeof(*pl->s));
	pl->stuck = calloc(pl->n_bases ? pl->n_bases : 1, sizeof(*pl->stuck));
	if (!pl->s || !pl->stuck) {
		berr_set(err, ENOMEM, "search");
		free(pl->s);
		free(pl->stuck);
		free(pl);
		return NULL;
	}
	for (size_t b = 0; b < pl->n_bases; b++)
		pl->stuck[b].outcome = -1;
	for (size_t b = 0; b < pl->n_bases; b++) {
		search_init(&pl->s[b], spec->lo, spec->hi, spec->resolution, spec->res_ppm,
			    pl->bases[b].repetitions);
		if (spec->resolution == 0) /* relative: steps of the label unit at least */
			pl->s[b].grid = 1;
	}
	label_unit(pl);
	if (spec->resolution == 0)
		for (size_t b = 0; b < pl->n_bases; b++)
			pl->s[b].grid = pl->unit;
	cfg->scenarios = NULL;
	cfg->n_scenarios = 0;
	if (spec->from) {
		int ignored = 0;
		char why[256] = "";
		if (preload(pl, &ignored, why, sizeof(why), err) != 0)
			goto fail;
		drop_partial(pl);
		if (ignored)
			fprintf(stderr,
				"brink search: --from %s: %d %s ignored, not run like this search "
				"(%s%s)\n",
				spec->from, ignored, ignored == 1 ? "run" : "runs", why,
				ignored > 1 ? ", ..." : "");
	}
	if (search_plan_more(pl, cfg, err) < 0)
		goto fail;
	return pl;
fail:
	for (size_t i = 0; i < cfg->n_scenarios; i++)
		scenario_free(&cfg->scenarios[i]);
	free(cfg->scenarios);
	cfg->scenarios = pl->bases;
	cfg->n_scenarios = pl->n_bases;
	pl->bases = NULL;
	pl->n_bases = 0;
	search_plan_free(pl);
	return NULL;
}

void search_plan_ran(struct search_plan *pl, const struct scenario *sc, const struct run_result *r)
{
	if (pl->cur >= pl->n_bases || sc->n_sweep != 1)
		return;
	/* The limit asked for: run_set may have dropped one it cannot apply. An
	 * interrupted run, brink's timeout or a failed exec is no evidence. */
	enum search_evidence ev = search_run_evidence(r);
	if (ev != SE_NONE)
		search_record(&pl->s[pl->cur], pl->pending, ev == SE_PASS);
	else if (pl->stuck[pl->cur].outcome < 0) { /* it would run again and again */
		pl->stuck[pl->cur].outcome = (int)r->outcome;
		pl->stuck[pl->cur].limit = pl->pending;
	}
}

int search_plan_more(struct search_plan *pl, struct config *cfg, struct berr *err)
{
	while (pl->cur < pl->n_bases) {
		int64_t limit;
		if (pl->stuck[pl->cur].outcome >= 0) {
			pl->cur++;
			continue;
		}
		int rc = search_next(&pl->s[pl->cur], &limit);
		if (rc < 0)
			return berr_set(err, ENOMEM, "search");
		if (rc == 1) {
			/* Repetitions come from the base; the probe runs them all. */
			if (add_probe(pl, cfg, limit, err) != 0)
				return -1;
			return 1;
		}
		pl->cur++;
	}
	return 0;
}

size_t search_plan_estimate(const struct search_plan *pl)
{
	size_t total = 0;
	for (size_t b = 0; b < pl->n_bases; b++) {
		int64_t w = (pl->spec.hi - pl->spec.lo) / (pl->s[b].grid ? pl->s[b].grid : 1);
		size_t steps = 2;
		while (w > 1) {
			w /= 2;
			steps++;
		}
		total += steps * (size_t)pl->bases[b].repetitions;
	}
	return total;
}

static void fmt_limit(int lim, int64_t v, char *buf, size_t len)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else
		limits_format(lim, v, true, buf, len);
}

int search_plan_write(struct search_plan *pl, const char *dir, FILE *f, struct berr *err)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/search.csv", dir);
	struct afile af;
	if (afile_open(&af, path, 0, err) != 0)
		return -1;
	FILE *o = af.f;
	const int lim = pl->spec.lim;
	const char *key = limit_table[lim].key;
	fprintf(o, "scenario,resource,lo,hi,resolution,repetitions,verdict,pass_limit,fail_limit,"
		   "runs,reused,flaky\n");
	for (size_t b = 0; b < pl->n_bases; b++) {
		const struct search *s = &pl->s[b];
		char res[32];
		if (s->resolution > 0)
			snprintf(res, sizeof(res), "%" PRId64, s->resolution);
		else
			snprintf(res, sizeof(res), "%g%%", (double)s->res_ppm / 1e4);
		fprintf(o, "%s,%s,%" PRId64 ",%" PRId64 ",%s,%d,%s,", pl->bases[b].name, key, s->lo,
			s->hi, res, s->repetitions, search_verdict_name(s->verdict));
		if (s->pass >= 0)
			fprintf(o, "%" PRId64, s->pass);
		putc(',', o);
		if (s->fail >= 0)
			fprintf(o, "%" PRId64, s->fail);
		fprintf(o, ",%d,%d,", s->runs, s->reused);
		const struct search_probe *fl[64];
		size_t nf = search_flaky(s, fl, 64);
		for (size_t i = 0; i < nf && i < 64; i++)
			fprintf(o, "%s%" PRId64 ":%d/%d", i ? ";" : "", fl[i]->limit, fl[i]->passes,
				fl[i]->passes + fl[i]->fails);
		putc('\n', o);

		/* The answer, for people. */
		char p[32], q[32];
		fmt_limit(lim, s->pass, p, sizeof(p));
		fmt_limit(lim, s->fail, q, sizeof(q));
		switch (s->verdict) {
		case SV_FOUND:
			fprintf(
			    f,
			    "brink search: %s: completes with %s = %s, breaks with %s = %s (%d %s",
			    pl->bases[b].name, key, p, key, q, s->runs,
			    s->runs == 1 ? "run" : "runs");
			break;
		case SV_PASSES_AT_LO:
			fprintf(
			    f,
			    "brink search: %s: completes already with %s = %s, the low end (%d %s",
			    pl->bases[b].name, key, p, s->runs, s->runs == 1 ? "run" : "runs");
			break;
		case SV_FAILS_AT_HI:
			fprintf(f,
				"brink search: %s: breaks even with %s = %s, the high end (%d %s",
				pl->bases[b].name, key, q, s->runs, s->runs == 1 ? "run" : "runs");
			break;
		default:
			if (pl->stuck[b].outcome >= 0)
				fprintf(f,
					"brink search: %s: not finished: a run under %s = %s was "
					"%s, which says nothing about the limit (%d %s",
					pl->bases[b].name, key,
					(fmt_limit(lim, pl->stuck[b].limit, p, sizeof(p)), p),
					outcome_name((enum outcome)pl->stuck[b].outcome), s->runs,
					s->runs == 1 ? "run" : "runs");
			else
				fprintf(f, "brink search: %s: not finished (%d %s",
					pl->bases[b].name, s->runs, s->runs == 1 ? "run" : "runs");
		}
		if (s->reused)
			fprintf(f, ", %d reused", s->reused);
		fprintf(f, ")\n");
		for (size_t i = 0; i < nf && i < 64; i++) {
			fmt_limit(lim, fl[i]->limit, p, sizeof(p));
			fprintf(
			    f, "brink search: %s: flaky at %s = %s: %d of %d repetitions passed\n",
			    pl->bases[b].name, key, p, fl[i]->passes, fl[i]->passes + fl[i]->fails);
		}
	}
	return afile_commit(&af, err);
}

int search_plan_lim(const struct search_plan *pl)
{
	return pl->spec.lim;
}

void search_plan_free(struct search_plan *pl)
{
	if (!pl)
		return;
	for (size_t b = 0; b < pl->n_bases; b++) {
		search_free(&pl->s[b]);
		scenario_free(&pl->bases[b]);
	}
	free(pl->bases);
	free(pl->s);
	free(pl->stuck);
	for (size_t i = 0; i < pl->n_kept; i++) {
		for (size_t f = 0; f < pl->n_old_header; f++)
			free(pl->kept[i].field[f]);
		free(pl->kept[i].field);
	}
	free(pl->kept);
	for (size_t f = 0; f < pl->n_old_header; f++)
		free(pl->old_header[f]);
	free(pl->old_header);
	free(pl);
}

/* ---- brink compare ---- */

struct answer {
	char scenario[SCENARIO_NAME_MAX];
	char resource[32];
	char verdict[32];
	double pass;
};

static int answers_load(const char *dir, struct answer **out, size_t *n, struct berr *err)
{
	*out = NULL;
	*n = 0;
	char path[4200];
	snprintf(path, sizeof(path), "%s/search.csv", dir);
	struct csv_reader rd = {0};
	if (csvr_open(&rd, path, err) != 0)
		return -1;
	int c_s = csvr_need_col(&rd, "scenario", err), c_r = csvr_need_col(&rd, "resource", err);
	int c_v = csvr_need_col(&rd, "verdict", err), c_p = csvr_need_col(&rd, "pass_limit", err);
	int rc = c_s < 0 || c_r < 0 || c_v < 0 || c_p < 0 ? -1 : 0;
	while (rc == 0 && (rc = csvr_next(&rd, err)) == 1) {
		struct answer *na = realloc(*out, (*n + 1) * sizeof(*na));
		if (!na) {
			rc = berr_set(err, ENOMEM, "cannot read %s", path);
			break;
		}
		*out = na;
		struct answer *a = &na[(*n)++];
		snprintf(a->scenario, sizeof(a->scenario), "%s", rd.field[c_s]);
		snprintf(a->resource, sizeof(a->resource), "%s", rd.field[c_r]);
		snprintf(a->verdict, sizeof(a->verdict), "%s", rd.field[c_v]);
		a->pass = NAN;
		if (csvr_number(&rd, c_p, &a->pass, err) < 0)
			rc = -1;
		else
			rc = 0;
	}
	csvr_close(&rd);
	return rc < 0 ? -1 : 0;
}

bool search_compare_possible(const char *base, const char *nw)
{
	(void)nw;
	char a[4200];
	snprintf(a, sizeof(a), "%s/search.csv", base);
	return access(a, R_OK) == 0;
}

/* One search of BASE against NEW. */
enum cmp_status { CS_OK, CS_REGRESSED, CS_MISSING, CS_NOT_COMPARED };

static enum cmp_status judge_answer(const struct answer *a, const struct answer *b,
				    double threshold, double *change, const char **note)
{
	*change = NAN;
	*note = "";
	if (!b) {
		*note = "not searched in NEW";
		return CS_MISSING;
	}
	if (strcmp(a->verdict, "running") == 0) {
		*note = "not finished in BASE: no answer to compare with";
		return CS_NOT_COMPARED;
	}
	if (strcmp(b->verdict, "running") == 0) {
		*note = "not finished in NEW: no answer";
		return CS_MISSING;
	}
	if (strcmp(b->verdict, "fails-at-hi") == 0) {
		if (strcmp(a->verdict, "fails-at-hi") == 0)
			return CS_OK;
		*note = "breaks even at the high end now";
		return CS_REGRESSED;
	}
	if (isnan(a->pass) || isnan(b->pass) || a->pass <= 0)
		return CS_OK;
	*change = (b->pass - a->pass) / a->pass;
	return *change > threshold ? CS_REGRESSED : CS_OK;
}

/* NEW's answer (of an[0..nn)) to the search a of BASE, or NULL. */
static const struct answer *answer_in(const struct answer *an, size_t nn, const struct answer *a)
{
	for (size_t k = 0; k < nn; k++)
		if (strcmp(an[k].scenario, a->scenario) == 0 &&
		    strcmp(an[k].resource, a->resource) == 0)
			return &an[k];
	return NULL;
}

/* One verdict line: `head`, then "search SCENARIO RESOURCE" (with the note in
 * parentheses if `notes`) for each search of BASE judged `st`, then `tail`. */
static void verdict_list(FILE *verdict, const char *head, enum cmp_status st, bool notes,
			 const char *tail, const struct answer *ab, size_t nb,
			 const struct answer *an, size_t nn, double threshold)
{
	const char *sep = " ";
	fputs(head, verdict);
	for (size_t i = 0; i < nb; i++) {
		double c;
		const char *note;
		if (judge_answer(&ab[i], answer_in(an, nn, &ab[i]), threshold, &c, &note) != st)
			continue;
		fprintf(verdict, "%ssearch %s %s", sep, ab[i].scenario, ab[i].resource);
		if (notes)
			fprintf(verdict, " (%s)", note);
		sep = ", ";
	}
	fputs(tail, verdict);
}

int search_compare(const char *base, const char *nw, double threshold, enum search_cmp_format fmt,
		   FILE *f, FILE *verdict, int *missing, struct berr *err)
{
	static const char *const status_names[] = {
	    [CS_OK] = "ok",
	    [CS_REGRESSED] = "regressed",
	    [CS_MISSING] = "missing",
	    [CS_NOT_COMPARED] = "not-compared",
	};
	struct answer *ab = NULL, *an = NULL;
	size_t nb = 0, nn = 0;
	int regressed = 0;
	*missing = 0;
	char nwcsv[4200];
	snprintf(nwcsv, sizeof(nwcsv), "%s/search.csv", nw);
	/* A NEW without any search has none of BASE's answers. */
	if (answers_load(base, &ab, &nb, err) != 0 ||
	    (access(nwcsv, F_OK) == 0 && answers_load(nw, &an, &nn, err) != 0)) {
		free(ab);
		free(an);
		return -1;
	}
	if (fmt == SCF_TEXT)
		fprintf(f,
			"\nSearches (smallest passing limit; regressed when it rose by more than "
			"%g%%):\n",
			threshold * 100);
	else if (fmt == SCF_CSV)
		fputs("scenario,resource,base_verdict,new_verdict,base_pass_limit,new_pass_limit,"
		      "change,verdict,note\n",
		      f);
	else {
		fputs("{\n  \"schema_version\": 1,\n  \"base\": ", f);
		json_put_str(f, base);
		fputs(",\n  \"new\": ", f);
		json_put_str(f, nw);
		fprintf(f, ",\n  \"threshold\": %.17g,\n  \"searches\": [", threshold);
	}
	for (size_t i = 0; i < nb; i++) {
		const struct answer *a = &ab[i], *b = answer_in(an, nn, a);
		double change;
		const char *note;
		enum cmp_status st = judge_answer(a, b, threshold, &change, &note);
		regressed += st == CS_REGRESSED;
		*missing += st == CS_MISSING;
		double bp = b ? b->pass : NAN;
		if (fmt == SCF_CSV) {
			fprintf(f, "%s,%s,%s,%s,", a->scenario, a->resource, a->verdict,
				b ? b->verdict : "");
			if (!isnan(a->pass))
				fprintf(f, "%.0f", a->pass);
			putc(',', f);
			if (!isnan(bp))
				fprintf(f, "%.0f", bp);
			putc(',', f);
			if (!isnan(change))
				fprintf(f, "%.6g", change);
			fprintf(f, ",%s,%s\n", status_names[st], note);
			continue;
		}
		if (fmt == SCF_JSON) {
			fputs(i ? ",\n    {\"scenario\": " : "\n    {\"scenario\": ", f);
			json_put_str(f, a->scenario);
			fputs(", \"resource\": ", f);
			json_put_str(f, a->resource);
			fputs(", \"base_verdict\": ", f);
			json_put_str(f, a->verdict);
			fputs(", \"new_verdict\": ", f);
			if (b)
				json_put_str(f, b->verdict);
			else
				fputs("null", f);
			const double nums[] = {a->pass, bp, change};
			const char *const names[] = {"base_pass_limit", "new_pass_limit", "change"};
			for (size_t k = 0; k < 3; k++) {
				fprintf(f, ", \"%s\": ", names[k]);
				if (isnan(nums[k]))
					fputs("null", f);
				else
					fprintf(f, "%.17g", nums[k]);
			}
			fprintf(f, ", \"verdict\": \"%s\", \"note\": ", status_names[st]);
			json_put_str(f, note);
			fputs("}", f);
			continue;
		}
		int lim = limits_find(a->resource);
		char x[32], y[32], chg[48] = "";
		fmt_limit(lim < 0 ? LIM_NOFILE : lim, isnan(a->pass) ? -1 : (int64_t)a->pass, x,
			  sizeof(x));
		fmt_limit(lim < 0 ? LIM_NOFILE : lim, isnan(bp) ? -1 : (int64_t)bp, y, sizeof(y));
		if (!isnan(change))
			snprintf(chg, sizeof(chg), " (%+.1f%%)", change * 100);
		fprintf(f, "  %s %s: %s -> %s%s: %s%s%s%s\n", a->scenario, a->resource, x, y, chg,
			st == CS_OK	     ? "ok"
			: st == CS_REGRESSED ? "REGRESSED"
			: st == CS_MISSING   ? "MISSING"
					     : "not compared",
			note[0] ? " (" : "", note, note[0] ? ")" : "");
	}
	if (fmt == SCF_JSON)
		fprintf(f, "\n  ],\n  \"regressed\": %s,\n  \"missing\": %s\n}\n",
			regressed ? "true" : "false", *missing ? "true" : "false");
	for (size_t k = 0; k < nn; k++)
		if (!answer_in(ab, nb, &an[k]))
			fprintf(stderr, "brink compare: warning: search %s %s is only in %s\n",
				an[k].scenario, an[k].resource, nw);
	/* The verdict, one line each, as for scenarios. */
	if (*missing)
		verdict_list(verdict, "Missing in NEW:", CS_MISSING, true,
			     " (NEW must answer every search of BASE)\n", ab, nb, an, nn,
			     threshold);
	if (regressed)
		verdict_list(verdict, "Regressed:", CS_REGRESSED, false, "\n", ab, nb, an, nn,
			     threshold);
	if (!regressed && !*missing)
		fprintf(verdict, "No regression in %zu search%s (threshold %g%%).\n", nb,
			nb == 1 ? "" : "es", threshold * 100);
	free(ab);
	free(an);
	return regressed;
}
