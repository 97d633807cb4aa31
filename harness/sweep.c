/* sweep.c - sweep syntax, the matrix of points and the sweep columns (see
 * sweep.h). */
#include "sweep.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "limit.h"
#include "record.h"
#include "units.h"

static __thread char why_buf[512];

bool sweep_spec_is_sweep(const char *value)
{
	return strchr(value, ',') || strstr(value, "..");
}

bool sweep_placeholder_valid(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n >= SWEEP_KEY_MAX || !(name[0] >= 'a' && name[0] <= 'z'))
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

/* A placeholder's value goes into the point's name: the name characters. */
static bool word_valid(const char *w)
{
	size_t n = strlen(w);
	return n > 0 && n < 24 && w[0] != '-' &&
	       strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

void sweep_axis_free(struct sweep_axis *ax)
{
	for (size_t i = 0; i < ax->n; i++) {
		if (ax->word)
			free(ax->word[i]);
		if (ax->label)
			free(ax->label[i]);
	}
	free(ax->word);
	free(ax->label);
	free(ax->v);
	ax->word = ax->label = NULL;
	ax->v = NULL;
	ax->n = 0;
}

/* Parse one value of the axis: a limit through limits_parse, a placeholder as
 * a word (and its number when it is one). */
static int parse_value(const struct sweep_axis *ax, const char *s, int64_t *v, const char **why)
{
	if (ax->lim >= 0) {
		struct limits l;
		limits_init(&l);
		if (limits_parse(&l, ax->lim, s, why) != 0)
			return -1;
		*v = l.v[ax->lim];
		return 0;
	}
	if (!word_valid(s)) {
		*why = "expected words of 1 to 23 letters, digits, '.', '_' or '-' (a value "
		       "becomes part of the point's name)";
		return -1;
	}
	const char *ignored;
	if (units_parse_count(s, v, &ignored) != 0 || *v < 0)
		*v = INT64_MIN;
	return 0;
}

static int push(struct sweep_axis *ax, int64_t v, const char *word, const char **why)
{
	if (ax->n == SWEEP_VALUES_MAX) {
		snprintf(why_buf, sizeof(why_buf), "makes more than %d values (use a larger step)",
			 SWEEP_VALUES_MAX);
		*why = why_buf;
		return -1;
	}
	for (size_t i = 0; i < ax->n; i++) {
		if (ax->lim >= 0 ? ax->v[i] == v : strcmp(ax->word[i], word) == 0) {
			*why = "expected each value once (a value is given twice)";
			return -1;
		}
	}
	int64_t *nv = realloc(ax->v, (ax->n + 1) * sizeof(*nv));
	if (!nv)
		goto oom;
	ax->v = nv;
	if (ax->lim < 0) {
		char **nw = realloc(ax->word, (ax->n + 1) * sizeof(*nw));
		if (!nw)
			goto oom;
		ax->word = nw;
		if (!(nw[ax->n] = strdup(word)))
			goto oom;
	}
	ax->v[ax->n++] = v;
	return 0;
oom:
	*why = "out of memory";
	return -1;
}

/* LO..HI xF / LO..HI +STEP */
static int parse_range(struct sweep_axis *ax, char *spec, const char **why)
{
	static const char need_step[] = "a range needs a step: LO..HI xFACTOR (geometric) or "
					"LO..HI +STEP (arithmetic)";
	char *dots = strstr(spec, "..");
	*dots = '\0';
	char *lo_s = units_trim(spec), *rest = dots + 2;
	char *step = strpbrk(rest, "x+");
	if (!step) {
		*why = need_step;
		return -1;
	}
	char kind = *step;
	*step = '\0';
	char *hi_s = units_trim(rest), *step_s = units_trim(step + 1);
	int64_t lo, hi;
	if (parse_value(ax, lo_s, &lo, why) != 0 || parse_value(ax, hi_s, &hi, why) != 0)
		return -1;
	if (lo < 0 || hi < 0) {
		*why = "expected a range of numbers: LO and HI cannot be max or words";
		return -1;
	}
	if (lo >= hi) {
		*why = "expected LO below HI in LO..HI";
		return -1;
	}
	int64_t factor_milli = 0, add = 0;
	if (kind == 'x') {
		if (units_parse_fixed(step_s, 3, &factor_milli) != 0 || factor_milli <= 1000) {
			*why = "expected a factor above 1 after x, such as x2 or x1.5";
			return -1;
		}
	} else {
		int bad = ax->lim >= 0 ? limits_parse_amount(ax->lim, step_s, &add, why)
				       : parse_value(ax, step_s, &add, why);
		if (bad != 0 || add <= 0) {
			if (add <= 0)
				*why = "expected a step above 0 after +, in the unit of the values";
			return -1;
		}
	}
	char num[24];
	for (int64_t v = lo; v < hi;) {
		snprintf(num, sizeof(num), "%" PRId64, v); /* a placeholder's word */
		if (push(ax, v, num, why) != 0)
			return -1;
		int64_t next;
		if (kind == 'x') {
			/* v * F rounded down, at least v + 1; no overflow below HI. */
			if (v > INT64_MAX / factor_milli)
				break;
			next = v * factor_milli / 1000;
			if (next <= v)
				next = v + 1;
		} else {
			if (v > INT64_MAX - add)
				break;
			next = v + add;
		}
		v = next;
	}
	snprintf(num, sizeof(num), "%" PRId64, hi);
	return push(ax, hi, num, why);
}

/* Labels: the unit that divides every value of the axis, digits zero-padded to
 * one width, so that names sort in value order. */
static const struct unit {
	int64_t div;
	const char *suffix;
} size_units[] = {{1LL << 40, "T"}, {1LL << 30, "G"}, {1LL << 20, "M"}, {1LL << 10, "K"}, {1, ""}},
  dur_units[] = {{3600000000000LL, "h"}, {60000000000LL, "m"}, {1000000000LL, "s"},
		 {1000000LL, "ms"},	 {1000LL, "us"},       {1, "ns"}},
  one_unit[] = {{1, ""}};

static int make_labels(struct sweep_axis *ax, const char **why)
{
	ax->label = calloc(ax->n, sizeof(*ax->label));
	if (!ax->label)
		goto oom;
	bool numeric = true;
	for (size_t i = 0; i < ax->n; i++)
		if (ax->v[i] < 0 && ax->v[i] != BRINK_UNLIMITED)
			numeric = false;
	if (ax->lim < 0 && !numeric) {
		for (size_t i = 0; i < ax->n; i++)
			if (!(ax->label[i] = strdup(ax->word[i])))
				goto oom;
		return 0;
	}
	const struct unit *units = one_unit;
	size_t nunits = 1;
	bool cpus = false;
	if (ax->lim >= 0) {
		switch (limit_table[ax->lim].kind) {
		case LK_SIZE:
			units = size_units;
			nunits = sizeof(size_units) / sizeof(size_units[0]);
			break;
		case LK_DURATION:
			units = dur_units;
			nunits = sizeof(dur_units) / sizeof(dur_units[0]);
			break;
		case LK_CPUS:
			cpus = true;
			break;
		default:
			break;
		}
	}
	const struct unit *u = &units[nunits - 1];
	for (size_t k = 0; k < nunits; k++) {
		bool all = true;
		for (size_t i = 0; i < ax->n; i++)
			if (ax->v[i] >= 0 && ax->v[i] % units[k].div != 0)
				all = false;
		if (all) {
			u = &units[k];
			break;
		}
	}
	int width = 1;
	for (size_t i = 0; i < ax->n; i++) {
		char d[24];
		int w = snprintf(d, sizeof(d), "%" PRId64, ax->v[i] / u->div);
		if (ax->v[i] >= 0 && !cpus && w > width)
			width = w;
	}
	for (size_t i = 0; i < ax->n; i++) {
		char l[40];
		if (ax->v[i] == BRINK_UNLIMITED)
			snprintf(l, sizeof(l), "max");
		else if (cpus) /* milli-CPUs: 0.5, 2 */
			units_format_cpus(ax->v[i], l, sizeof(l));
		else
			snprintf(l, sizeof(l), "%0*" PRId64 "%s", width, ax->v[i] / u->div,
				 u->suffix);
		if (!(ax->label[i] = strdup(l)))
			goto oom;
	}
	return 0;
oom:
	*why = "out of memory";
	return -1;
}

int sweep_axis_parse(struct sweep_axis *ax, const char *key, int lim, const char *spec,
		     const char **why)
{
	memset(ax, 0, sizeof(*ax));
	ax->lim = lim;
	snprintf(ax->key, sizeof(ax->key), "%s", key);
	char *copy = strdup(spec);
	if (!copy) {
		*why = "out of memory";
		return -1;
	}
	int rc = 0;
	if (strstr(copy, "..") && !strchr(copy, ',')) {
		rc = parse_range(ax, copy, why);
	} else {
		/* strtok_r would skip empty items: walk the commas by hand. */
		for (char *p = copy;;) {
			char *comma = strchr(p, ',');
			if (comma)
				*comma = '\0';
			char *item = units_trim(p);
			int64_t v;
			if (!*item) {
				*why = "expected a value between each pair of commas";
				rc = -1;
				break;
			}
			if (strstr(item, "..")) {
				*why = "expected either a list (a, b, c) or one range (LO..HI xF), "
				       "not both";
				rc = -1;
				break;
			}
			if (parse_value(ax, item, &v, why) != 0 || push(ax, v, item, why) != 0) {
				rc = -1;
				break;
			}
			if (!comma)
				break;
			p = comma + 1;
		}
		if (rc == 0 && lim >= 0 && ax->n < 2) {
			*why = "expected two values or more";
			rc = -1;
		}
	}
	free(copy);
	if (rc == 0)
		rc = make_labels(ax, why);
	if (rc != 0)
		sweep_axis_free(ax);
	return rc;
}

int sweep_matrix_size(const struct sweep_axis *axes, size_t n, size_t *points, const char **why)
{
	size_t total = 1;
	bool over = false;
	for (size_t i = 0; i < n; i++) {
		total *= axes[i].n;
		if (total > SWEEP_POINTS_MAX)
			over = true;
	}
	if (!over) {
		*points = total;
		return 0;
	}
	size_t o = (size_t)snprintf(why_buf, sizeof(why_buf), "the sweeps make a matrix of ");
	for (size_t i = 0; i < n && o < sizeof(why_buf); i++)
		o += (size_t)snprintf(why_buf + o, sizeof(why_buf) - o, "%s%zu %s", i ? " x " : "",
				      axes[i].n, axes[i].key);
	if (o < sizeof(why_buf))
		snprintf(why_buf + o, sizeof(why_buf) - o,
			 " values, more than %d points (use fewer values or larger steps)",
			 SWEEP_POINTS_MAX);
	*why = why_buf;
	return -1;
}

/* s with every {name} replaced by value, malloc'd; NULL on allocation failure. */
static char *replace(const char *s, const char *name, const char *value)
{
	char pat[SWEEP_KEY_MAX + 2];
	snprintf(pat, sizeof(pat), "{%s}", name);
	size_t pl = strlen(pat), vl = strlen(value), count = 0;
	for (const char *p = s; (p = strstr(p, pat)); p += pl)
		count++;
	char *out = malloc(strlen(s) + count * vl + 1);
	if (!out)
		return NULL;
	char *o = out;
	for (const char *p = s;;) {
		const char *q = strstr(p, pat);
		if (!q) {
			strcpy(o, p);
			break;
		}
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		memcpy(o, value, vl);
		o += vl;
		p = q + pl;
	}
	return out;
}

static int replace_in_place(char **s, const char *name, const char *value)
{
	char *r = replace(*s, name, value);
	if (!r)
		return -1;
	free(*s);
	*s = r;
	return 0;
}

bool sweep_command_uses(const struct scenario *sc, const char *name)
{
	char pat[SWEEP_KEY_MAX + 2];
	snprintf(pat, sizeof(pat), "{%s}", name);
	if (sc->command && strstr(sc->command, pat))
		return true;
	for (char **p = sc->argv; p && *p; p++)
		if (strstr(*p, pat))
			return true;
	return false;
}

int sweep_point(const struct scenario *base, const struct sweep_axis *axes, size_t n, size_t i,
		struct scenario *out, const char **why)
{
	if (n > SCENARIO_SWEEP_MAX) {
		snprintf(why_buf, sizeof(why_buf), "more than %d sweeps in one scenario",
			 SCENARIO_SWEEP_MAX);
		*why = why_buf;
		return -1;
	}
	if (scenario_copy(out, base) != 0) {
		*why = "out of memory";
		return -1;
	}
	char name[256];
	size_t o = (size_t)snprintf(name, sizeof(name), "%s", base->name);
	out->n_sweep = 0;
	/* Index of each axis: the last varies fastest. */
	size_t idx[SCENARIO_SWEEP_MAX], rest = i;
	for (size_t a = n; a-- > 0;) {
		idx[a] = rest % axes[a].n;
		rest /= axes[a].n;
	}
	for (size_t a = 0; a < n; a++) {
		const struct sweep_axis *ax = &axes[a];
		size_t k = idx[a];
		/* A placeholder with one value is a setting, not a sweep: it is
		 * replaced, but names no point. */
		struct sweep_coord scratch, *c = &scratch;
		if (ax->n > 1 || ax->lim >= 0) {
			c = &out->sweep[out->n_sweep++];
			snprintf(out->sweep_of, sizeof(out->sweep_of), "%s", base->name);
			if (o < sizeof(name))
				o += (size_t)snprintf(name + o, sizeof(name) - o, ".%s=%s", ax->key,
						      ax->label[k]);
		}
		snprintf(c->key, sizeof(c->key), "%s", ax->key);
		snprintf(c->label, sizeof(c->label), "%s", ax->label[k]);
		if (ax->lim >= 0) {
			out->lim.v[ax->lim] = ax->v[k];
			if (ax->v[k] == BRINK_UNLIMITED)
				snprintf(c->value, sizeof(c->value), "max");
			else
				snprintf(c->value, sizeof(c->value), "%" PRId64, ax->v[k]);
			continue;
		}
		snprintf(c->value, sizeof(c->value), "%s", ax->word[k]);
		if (out->command && replace_in_place(&out->command, ax->key, ax->word[k]) != 0)
			goto oom;
		for (char **p = out->argv; p && *p; p++)
			if (replace_in_place(p, ax->key, ax->word[k]) != 0)
				goto oom;
	}
	if (o >= SCENARIO_NAME_MAX) {
		snprintf(why_buf, sizeof(why_buf),
			 "the point name \"%.80s\" is longer than %d characters (use a shorter "
			 "scenario name)",
			 name, SCENARIO_NAME_MAX - 1);
		*why = why_buf;
		scenario_free(out);
		return -1;
	}
	memcpy(out->name, name, o + 1);
	return 0;
oom:
	*why = "out of memory";
	scenario_free(out);
	return -1;
}

int sweep_expand_exec(struct config *cfg, char *const *specs, size_t n, struct berr *err)
{
	if (n == 0)
		return 0;
	if (n > SCENARIO_SWEEP_MAX)
		return berr_set(err, 0, "--sweep: at most %d sweeps", SCENARIO_SWEEP_MAX);
	struct sweep_axis axes[SCENARIO_SWEEP_MAX];
	size_t na = 0;
	int rc = -1;
	struct scenario *points = NULL;
	size_t np = 0;
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(specs[i], '=');
		char key[SWEEP_KEY_MAX];
		const char *why = NULL;
		if (!eq || eq == specs[i] || (size_t)(eq - specs[i]) >= sizeof(key)) {
			berr_set(err, 0,
				 "--sweep \"%s\": expected KEY=VALUES, such as memory=32M,64M",
				 specs[i]);
			goto out;
		}
		snprintf(key, sizeof(key), "%.*s", (int)(eq - specs[i]), specs[i]);
		int lim = limits_find(key);
		if (lim < 0 && !sweep_placeholder_valid(key)) {
			berr_set(err, 0,
				 "--sweep %s: not a limit and not a placeholder name (a-z 0-9 _)",
				 key);
			goto out;
		}
		for (size_t k = 0; k < na; k++) {
			if (strcmp(axes[k].key, key) == 0) {
				berr_set(err, 0, "--sweep %s: given twice", key);
				goto out;
			}
		}
		if (lim < 0 && !sweep_command_uses(&cfg->scenarios[0], key)) {
			berr_set(err, 0, "--sweep %s: the command has no {%s}", key, key);
			goto out;
		}
		if (sweep_axis_parse(&axes[na], key, lim, eq + 1, &why) != 0) {
			berr_set(err, 0, "--sweep %s: \"%s\": %s", key, eq + 1, why);
			goto out;
		}
		na++;
	}
	/* Limits first, in limit_table order, as in a config. */
	for (size_t a = 1; a < na; a++) {
		for (size_t b = a; b > 0; b--) {
			int x = axes[b - 1].lim < 0 ? LIM__COUNT : axes[b - 1].lim;
			int y = axes[b].lim < 0 ? LIM__COUNT : axes[b].lim;
			if (x <= y)
				break;
			struct sweep_axis t = axes[b - 1];
			axes[b - 1] = axes[b];
			axes[b] = t;
		}
	}
	const char *why = NULL;
	if (sweep_matrix_size(axes, na, &np, &why) != 0) {
		berr_set(err, 0, "--sweep: %s", why);
		goto out;
	}
	if (!(points = calloc(np, sizeof(*points)))) {
		berr_set(err, ENOMEM, "--sweep");
		goto out;
	}
	for (size_t i = 0; i < np; i++) {
		if (sweep_point(&cfg->scenarios[0], axes, na, i, &points[i], &why) != 0) {
			berr_set(err, 0, "--sweep: %s", why);
			for (size_t k = 0; k < i; k++)
				scenario_free(&points[k]);
			free(points);
			points = NULL;
			goto out;
		}
	}
	/* The base scenario belongs to the caller (brink exec's own). */
	cfg->scenarios = points;
	cfg->n_scenarios = np;
	rc = 0;
out:
	for (size_t k = 0; k < na; k++)
		sweep_axis_free(&axes[k]);
	return rc;
}

/* ---- results ---- */

void sweep_columns_of(const struct config *cfg, struct sweep_columns *cols)
{
	cols->n = 0;
	for (size_t i = 0; i < cfg->n_scenarios; i++) {
		const struct scenario *sc = &cfg->scenarios[i];
		for (int a = 0; a < sc->n_sweep; a++) {
			bool seen = false;
			for (size_t k = 0; k < cols->n && !seen; k++)
				seen = strcmp(cols->key[k], sc->sweep[a].key) == 0;
			if (!seen && cols->n < SWEEP_COLUMNS_MAX)
				snprintf(cols->key[cols->n++], SWEEP_KEY_MAX, "%s",
					 sc->sweep[a].key);
		}
	}
}

char *sweep_summary_header(const struct sweep_columns *cols)
{
	size_t len = strlen(summary_header) + 8 + cols->n * (SWEEP_KEY_MAX + 8);
	char *h = malloc(len);
	if (!h)
		return NULL;
	size_t o = (size_t)snprintf(h, len, "%s", summary_header);
	if (cols->n)
		o += (size_t)snprintf(h + o, len - o, ",sweep");
	for (size_t k = 0; k < cols->n; k++)
		o += (size_t)snprintf(h + o, len - o, ",sweep.%s", cols->key[k]);
	return h;
}

void sweep_summary_row(FILE *f, const struct sweep_columns *cols, const struct run_result *r,
		       const struct scenario *sc)
{
	summary_put_fields(f, r);
	if (!cols->n) {
		putc('\n', f);
		return;
	}
	putc(',', f);
	csv_put_str(f, sc->sweep_of);
	for (size_t k = 0; k < cols->n; k++) {
		putc(',', f);
		for (int a = 0; a < sc->n_sweep; a++)
			if (strcmp(sc->sweep[a].key, cols->key[k]) == 0)
				csv_put_str(f, sc->sweep[a].value);
	}
	putc('\n', f);
}
