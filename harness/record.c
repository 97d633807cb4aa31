/* record.c - atomic CSV files, the samples row and the summary row (see
 * record.h). */
#include "record.h"

#include "csvread.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* At 1 kHz a 64 KiB buffer means one write(2) a second or so. */
#define CSV_BUF_SIZE (64 * 1024)

int csv_open(struct csv *c, const char *path, const char *header, struct berr *err)
{
	c->f = NULL;
	if (afile_open(&c->file, path, CSV_BUF_SIZE, err) != 0)
		return -1;
	c->f = c->file.f;
	size_t hl = strlen(header);
	fputs(header, c->f);
	if (hl == 0 || header[hl - 1] != '\n')
		putc('\n', c->f);
	return 0;
}

int csv_commit(struct csv *c, struct berr *err)
{
	c->f = NULL;
	if (!c->file.f) {
		afile_abandon(&c->file);
		return berr_set(err, EBADF, "cannot commit a CSV file that is not open");
	}
	return afile_commit(&c->file, err);
}

void csv_abandon(struct csv *c)
{
	c->f = NULL;
	afile_abandon(&c->file);
}

void csv_put_str(FILE *f, const char *s)
{
	if (!s[strcspn(s, ",\"\n\r")]) {
		fputs(s, f);
		return;
	}
	putc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', f);
		putc(*s, f);
	}
	putc('"', f);
}

/* ---- samples.csv ------------------------------------------------------ */

const char samples_header[] = "t_s,rss_bytes,mem_bytes,fds,threads,procs,cpu_s";

static char *put_u64(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* A count; negative (not measured) is an empty field. */
static char *put_count(char *p, int64_t v)
{
	return v < 0 ? p : put_u64(p, (uint64_t)v);
}

/* Nanoseconds as seconds with six decimals, rounded half up to the microsecond
 * in integer arithmetic (exact, unlike going through a double). */
static char *put_ns_as_s(char *p, int64_t ns)
{
	if (ns < 0)
		return p;
	uint64_t us = ((uint64_t)ns + 500) / 1000;
	uint32_t frac = (uint32_t)(us % 1000000);
	p = put_u64(p, us / 1000000);
	*p++ = '.';
	for (int i = 5; i >= 0; i--) {
		p[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	return p + 6;
}

/* The 7 fields of a samples row, without the newline. */
static char *put_sample(char *p, const struct sample *s)
{
	p = put_ns_as_s(p, s->t_ns);
	*p++ = ',';
	p = put_count(p, s->rss_bytes);
	*p++ = ',';
	p = put_count(p, s->mem_bytes);
	*p++ = ',';
	p = put_count(p, s->fds);
	*p++ = ',';
	p = put_count(p, s->threads);
	*p++ = ',';
	p = put_count(p, s->procs);
	*p++ = ',';
	p = put_ns_as_s(p, s->cpu_ns);
	return p;
}

void samples_put_row(FILE *f, const struct sample *s)
{
	/* 7 fields of at most 20 digits, a point, 6 commas and a newline. */
	char line[7 * 21 + 8];
	char *p = put_sample(line, s);
	*p++ = '\n';
	fwrite(line, 1, (size_t)(p - line), f);
}

void samples_put_row_extra(FILE *f, const struct sample *s, const int64_t *extra, size_t n)
{
	char line[7 * 21 + 8 + SAMPLES_EXTRA_MAX * 21];
	char *p = put_sample(line, s);
	for (size_t i = 0; i < n && i < SAMPLES_EXTRA_MAX; i++) {
		*p++ = ',';
		p = put_count(p, extra[i]);
	}
	*p++ = '\n';
	fwrite(line, 1, (size_t)(p - line), f);
}

/* ---- summary.csv: one column table drives the writer and the reader ---- */

/* The C type of each kind: a field whose type is not its kind's is a compile
 * error (char[-1] in COL_ENTRY). */
#define CK_CTYPE_STR	 char *
#define CK_CTYPE_INT	 int
#define CK_CTYPE_I64	 int64_t
#define CK_CTYPE_SECONDS double
#define CK_CTYPE_SLOPE	 double
#define CK_CTYPE_BOOL01	 bool
#define CK_CTYPE_OUTCOME enum outcome
#define CK_CTYPE_UNAVAIL unsigned
#define CK_CTYPE_BREAK	 enum breaking_point
#define CK_CTYPE_METHOD	 enum method
#define CK_CTYPE_LEAK	 enum leak_verdict
#define ROW_REQ		 true
#define ROW_OPT		 false

// clang-format off
#define COL_ENTRY(field, kind, req, gate, report, help)                                             \
	[COL_##field] = {#field, CK_##kind,                                                         \
			 offsetof(struct run_result, field) +                                       \
			 0 * sizeof(char[_Generic(((struct run_result *)0)->field,                  \
						  CK_CTYPE_##kind: 1, default: -1)]),               \
			 sizeof(((struct run_result *)0)->field), ROW_##req, help},
const struct summary_col summary_cols[SUMMARY_N_COLS] = {SUMMARY_COLUMNS(COL_ENTRY)};
#undef COL_ENTRY

/* "scenario,rep,...": every name with a comma before it, the first one's skipped. */
#define COL_HEADER(field, kind, req, gate, report, help) "," #field
const char *const summary_header = &(SUMMARY_COLUMNS(COL_HEADER))[1];
#undef COL_HEADER
// clang-format on

int summary_col_find(const char *name)
{
	for (size_t i = 0; i < SUMMARY_N_COLS; i++)
		if (strcmp(summary_cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

bool summary_col_empty(const struct run_result *r, int col)
{
	const struct summary_col *c = &summary_cols[col];
	const void *p = (const char *)r + c->off;
	switch (c->kind) {
	case CK_STR:
		return *(const char *)p == '\0';
	case CK_INT:
		return *(const int *)p == RES_NONE;
	case CK_I64:
		return *(const int64_t *)p == RES_NONE;
	case CK_SECONDS:
		return !(isfinite(*(const double *)p) && *(const double *)p >= 0);
	case CK_SLOPE:
		return !isfinite(*(const double *)p);
	case CK_UNAVAIL:
		return *(const unsigned *)p == 0;
	case CK_BREAK:
		return *(const enum breaking_point *)p == BP_NONE;
	case CK_METHOD:
		return *(const enum method *)p == METH_NONE;
	case CK_LEAK:
		return *(const enum leak_verdict *)p == LEAK_NONE;
	case CK_BOOL01:
	case CK_OUTCOME:
	case CK__COUNT:
		break;
	}
	return false;
}

double summary_col_number(const struct run_result *r, int col)
{
	const struct summary_col *c = &summary_cols[col];
	const void *p = (const char *)r + c->off;
	switch (c->kind) {
	case CK_INT:
		return *(const int *)p >= 0 ? *(const int *)p : NAN;
	case CK_I64:
		return *(const int64_t *)p >= 0 ? (double)*(const int64_t *)p : NAN;
	case CK_SECONDS:
		return *(const double *)p >= 0 ? *(const double *)p : NAN;
	case CK_SLOPE:
		return isfinite(*(const double *)p) ? *(const double *)p : NAN;
	case CK_BOOL01:
		return *(const bool *)p ? 1 : 0;
	default:
		return NAN;
	}
}

enum col_json summary_col_json(int col, const char **no, const char **yes)
{
	switch (summary_cols[col].kind) {
	case CK_BOOL01:
		*no = "0";
		*yes = "1";
		return CJ_BOOL;
	case CK_LEAK:
		*no = leak_verdict_name(LEAK_NO);
		*yes = leak_verdict_name(LEAK_YES);
		return CJ_BOOL;
	case CK_STR:
	case CK_OUTCOME:
	case CK_UNAVAIL:
	case CK_BREAK:
	case CK_METHOD:
		return CJ_TEXT;
	default:
		return CJ_NUMBER;
	}
}

static void put_str(FILE *f, const void *p, size_t size)
{
	(void)size;
	csv_put_str(f, p);
}

static void put_int(FILE *f, const void *p, size_t size)
{
	(void)size;
	int v = *(const int *)p;
	if (v != RES_NONE)
		fprintf(f, "%d", v);
}

static void put_i64(FILE *f, const void *p, size_t size)
{
	(void)size;
	int64_t v = *(const int64_t *)p;
	if (v != RES_NONE)
		fprintf(f, "%" PRId64, v);
}

static void put_seconds(FILE *f, const void *p, size_t size)
{
	(void)size;
	double v = *(const double *)p;
	if (isfinite(v) && v >= 0)
		fprintf(f, "%.6f", v);
}

static void put_slope(FILE *f, const void *p, size_t size)
{
	(void)size;
	double v = *(const double *)p;
	if (!isfinite(v))
		return;
	if (fabs(v) < 0.0005)
		v = 0; /* no "-0.000" for a slope that rounds to zero */
	fprintf(f, "%.3f", v);
}

static void put_bool01(FILE *f, const void *p, size_t size)
{
	(void)size;
	putc(*(const bool *)p ? '1' : '0', f);
}

static void put_outcome(FILE *f, const void *p, size_t size)
{
	(void)size;
	fputs(outcome_name(*(const enum outcome *)p), f);
}

static void put_break(FILE *f, const void *p, size_t size)
{
	(void)size;
	fputs(breaking_point_name(*(const enum breaking_point *)p), f);
}

static void put_method(FILE *f, const void *p, size_t size)
{
	(void)size;
	fputs(method_name(*(const enum method *)p), f);
}

static void put_leak(FILE *f, const void *p, size_t size)
{
	(void)size;
	fputs(leak_verdict_name(*(const enum leak_verdict *)p), f);
}

static void put_unavail(FILE *f, const void *p, size_t size)
{
	(void)size;
	char buf[128];
	unavail_format(*(const unsigned *)p, buf, sizeof(buf));
	fputs(buf, f);
}

/* Readers: parse the whole field s into *p; -1 with *why on bad input. */

static int get_str(const char *s, void *p, size_t size, const char **why)
{
	size_t len = strlen(s);
	if (len >= size) {
		*why = "text too long for this column";
		return -1;
	}
	memcpy(p, s, len + 1);
	return 0;
}

static int parse_i64(const char *s, int64_t *v, const char **why)
{
	static const char expected[] = "expected an integer or an empty field";
	if (*s == '\0') {
		*v = RES_NONE;
		return 0;
	}
	/* strtoll skips leading blanks and accepts '+': neither is ours. */
	if (!(*s == '-' || (*s >= '0' && *s <= '9'))) {
		*why = expected;
		return -1;
	}
	char *end;
	errno = 0;
	long long x = strtoll(s, &end, 10);
	if (end == s || *end) {
		*why = expected;
		return -1;
	}
	if (errno == ERANGE) {
		*why = "integer out of range";
		return -1;
	}
	*v = x;
	return 0;
}

static int get_int(const char *s, void *p, size_t size, const char **why)
{
	(void)size;
	int64_t v;
	if (parse_i64(s, &v, why) < 0)
		return -1;
	if (v < INT_MIN || v > INT_MAX) {
		*why = "integer out of range";
		return -1;
	}
	*(int *)p = (int)v;
	return 0;
}

static int get_i64(const char *s, void *p, size_t size, const char **why)
{
	(void)size;
	return parse_i64(s, p, why);
}

/* A finite decimal number; empty gives `none`. */
static int parse_double(const char *s, double *v, double none, const char **why)
{
	static const char expected[] = "expected a decimal number or an empty field";
	if (*s == '\0') {
		*v = none;
		return 0;
	}
	/* strtod would also take blanks, '+', hex, "inf" and "nan". */
	const char *d = s + (*s == '-');
	if (!(*d >= '0' && *d <= '9') || strpbrk(s, "xXpP")) {
		*why = expected;
		return -1;
	}
	char *end;
	errno = 0;
	double x = strtod(s, &end);
	if (end == s || *end || !isfinite(x) || errno == ERANGE) {
		*why = expected;
		return -1;
	}
	*v = x;
	return 0;
}

static int get_seconds(const char *s, void *p, size_t size, const char **why)
{
	(void)size;
	if (parse_double(s, p, -1, why) < 0)
		return -1;
	if (*s && *(double *)p < 0) {
		*why = "expected seconds >= 0 or an empty field";
		return -1;
	}
	return 0;
}

static int get_slope(const char *s, void *p, size_t size, const char **why)
{
	(void)size;
	return parse_double(s, p, NAN, why);
}

static int get_bool_words(const char *s, void *p, const char *no, const char *yes,
			  const char *expected, const char **why)
{
	if (strcmp(s, yes) == 0)
		*(bool *)p = true;
	else if (strcmp(s, no) == 0)
		*(bool *)p = false;
	else {
		*why = expected;
		return -1;
	}
	return 0;
}

static int get_bool01(const char *s, void *p, size_t size, const char **why)
{
	(void)size;
	return get_bool_words(s, p, "0", "1", "expected 0 or 1", why);
}

/* An enum column: *p = from_name(s), or -1 with *why = expected. Every enum
 * here is int-sized and non-negative. */
static int get_named(const char *s, void *p, int (*from_name)(const char *), const char *expected,
		     const char **why)
{
	int v = from_name(s);
	if (v < 0) {
		*why = expected;
		return -1;
	}
	*(int *)p = v;
	return 0;
}

static int get_outcome(const char *s, void *p, size_t size, const char **why)
{
	(void)size;
	return get_named(s, p, outcome_from_name,
			 "expected exited, signaled, oom-killed, timeout, exec-failed or "
			 "interrupted",
			 why);
}

static int get_break(const char *s, void *p, size_t size, const char **why)
{
	(void)size;
	return get_named(s, p, breaking_point_from_name,
			 "expected nofile, memory, pids, cpu-time, timeout or an empty field", why);
}

static int get_method(const char *s, void *p, size_t size, const char **why)
{
	(void)size;
	return get_named(s, p, method_from_name,
			 "expected exit-stop, sampling, kernel-counter, kernel-log, tracepoint, "
			 "exit-status, signal-stop, fd-numbers, timer or an empty field",
			 why);
}

static int get_leak(const char *s, void *p, size_t size, const char **why)
{
	(void)size;
	return get_named(s, p, leak_verdict_from_name, "expected yes, no or an empty field", why);
}

_Static_assert(sizeof(enum outcome) == sizeof(int) && sizeof(enum breaking_point) == sizeof(int) &&
		   sizeof(enum method) == sizeof(int) && sizeof(enum leak_verdict) == sizeof(int),
	       "get_named() stores an int");

static int get_unavail(const char *s, void *p, size_t size, const char **why)
{
	(void)size;
	if (unavail_parse(s, p) < 0) {
		*why = "expected a ';'-separated list of mem, oom, pids, procs, exit-state, "
		       "cpus, oom-victim";
		return -1;
	}
	return 0;
}

static const struct {
	void (*put)(FILE *f, const void *field, size_t size);
	int (*get)(const char *s, void *field, size_t size, const char **why);
} col_kinds[CK__COUNT] = {
    [CK_STR] = {put_str, get_str},
    [CK_INT] = {put_int, get_int},
    [CK_I64] = {put_i64, get_i64},
    [CK_SECONDS] = {put_seconds, get_seconds},
    [CK_SLOPE] = {put_slope, get_slope},
    [CK_BOOL01] = {put_bool01, get_bool01},
    [CK_OUTCOME] = {put_outcome, get_outcome},
    [CK_UNAVAIL] = {put_unavail, get_unavail},
    [CK_BREAK] = {put_break, get_break},
    [CK_METHOD] = {put_method, get_method},
    [CK_LEAK] = {put_leak, get_leak},
};

void summary_put_fields(FILE *f, const struct run_result *r)
{
	for (size_t i = 0; i < SUMMARY_N_COLS; i++) {
		const struct summary_col *c = &summary_cols[i];
		if (i)
			putc(',', f);
		col_kinds[c->kind].put(f, (const char *)r + c->off, c->size);
	}
}

void summary_put_row(FILE *f, const struct run_result *r)
{
	summary_put_fields(f, r);
	putc('\n', f);
}

/* ---- summary.csv reader ----------------------------------------------- */

int summary_read(const char *path, struct run_result **rows, size_t *n, struct berr *err)
{
	struct csv_reader rd;
	int *colmap = NULL; /* header field -> summary_cols index, or -1 */
	struct run_result *out = NULL;
	size_t n_out = 0, cap_out = 0;
	const char *why = NULL;
	int rc = -1;

	*rows = NULL;
	*n = 0;
	if (csvr_open_expecting(&rd, path, "the summary header", err) != 0)
		return -1;
	colmap = malloc(rd.nheader * sizeof(*colmap));
	if (!colmap)
		goto nomem;
	bool seen[SUMMARY_N_COLS] = {false};
	for (size_t i = 0; i < rd.nheader; i++) {
		colmap[i] = -1;
		for (size_t k = 0; k < SUMMARY_N_COLS; k++) {
			if (strcmp(rd.header[i], summary_cols[k].name) != 0)
				continue;
			if (seen[k]) {
				berr_set(err, 0, "%s:1: column %s appears twice", path,
					 summary_cols[k].name);
				goto out;
			}
			seen[k] = true;
			colmap[i] = (int)k;
		}
	}
	for (size_t k = 0; k < SUMMARY_N_COLS; k++) {
		if (summary_cols[k].required && !seen[k]) {
			berr_set(err, 0, "%s: missing column %s", path, summary_cols[k].name);
			goto out;
		}
	}

	int got;
	while ((got = csvr_next(&rd, err)) == 1) {
		if (n_out == cap_out) {
			size_t cap = cap_out ? cap_out * 2 : 16;
			struct run_result *nr = realloc(out, cap * sizeof(*nr));
			if (!nr)
				goto nomem;
			out = nr;
			cap_out = cap;
		}
		struct run_result *r = &out[n_out];
		run_result_init(r);
		for (size_t i = 0; i < rd.nheader; i++) {
			if (colmap[i] < 0)
				continue;
			const struct summary_col *c = &summary_cols[colmap[i]];
			if (col_kinds[c->kind].get(rd.field[i], (char *)r + c->off, c->size, &why) <
			    0) {
				berr_set(err, 0, "%s:%ld: column %s: %s, not \"%s\"", path, rd.line,
					 c->name, why, rd.field[i]);
				goto out;
			}
		}
		if (r->scenario[0] == '\0' || r->rep < 1) {
			berr_set(err, 0, "%s:%ld: column %s: expected %s", path, rd.line,
				 r->scenario[0] ? "rep" : "scenario",
				 r->scenario[0] ? "a repetition number >= 1" : "a scenario name");
			goto out;
		}
		n_out++;
	}
	if (got < 0)
		goto out;
	*rows = out;
	*n = n_out;
	out = NULL;
	rc = 0;
	goto out;

nomem:
	berr_set(err, ENOMEM, "cannot read %s", path);
out:
	free(out);
	free(colmap);
	csvr_close(&rd);
	return rc;
}
