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

enum col_kind {
	CK_STR,	    /* char[]: quoted when needed */
	CK_INT,	    /* int: RES_NONE -> empty */
	CK_I64,	    /* int64_t: RES_NONE -> empty */
	CK_SECONDS, /* double, %.6f: < 0 -> empty */
	CK_SLOPE,   /* double, %.3f: NAN -> empty */
	CK_BOOL01,  /* bool: 0/1 */
	CK_OUTCOME, /* enum outcome: outcome_name() */
	CK_UNAVAIL, /* unsigned: unavail_format() */
	CK_BREAK,   /* enum breaking_point: breaking_point_name() */
	CK_METHOD,  /* enum method: method_name() */
	CK_LEAK,    /* enum leak_verdict: yes/no/empty */
	CK__COUNT
};

struct summary_col {
	const char *name;
	enum col_kind kind;
	size_t off, size;
	bool required; /* summary_read fails without it */
};

/* The column is named after the field; the _Generic term makes a field whose C
 * type is not the kind's a compile error (char[-1]). One macro per kind ties
 * the kind to its C type. */
// clang-format off
#define COL(field, ctype, kind, req)                                                        \
	{#field, kind,                                                                      \
	 offsetof(struct run_result, field) +                                               \
	 0 * sizeof(char[_Generic(((struct run_result *)0)->field, ctype: 1, default: -1)]), \
	 sizeof(((struct run_result *)0)->field), req}
#define C_STR(f, req)     COL(f, char *, CK_STR, req)
#define C_INT(f, req)     COL(f, int, CK_INT, req)
#define C_I64(f, req)     COL(f, int64_t, CK_I64, req)
#define C_SECONDS(f, req) COL(f, double, CK_SECONDS, req)
#define C_SLOPE(f, req)   COL(f, double, CK_SLOPE, req)
#define C_BOOL01(f, req)  COL(f, bool, CK_BOOL01, req)
#define C_OUTCOME(f, req) COL(f, enum outcome, CK_OUTCOME, req)
#define C_UNAVAIL(f, req) COL(f, unsigned, CK_UNAVAIL, req)
#define C_BREAK(f, req)   COL(f, enum breaking_point, CK_BREAK, req)
#define C_METHOD(f, req)  COL(f, enum method, CK_METHOD, req)
#define C_LEAK(f, req)    COL(f, enum leak_verdict, CK_LEAK, req)

/* summary.csv's columns, in the order of the result layout. */
static const struct summary_col summary_cols[] = {
	C_STR(scenario, true),
	C_INT(rep, true),
	C_OUTCOME(outcome, true),
	C_INT(exit_code, false),
	C_INT(signal, false),
	C_SECONDS(duration_s, false),
	C_I64(peak_rss_bytes, false),
	C_I64(peak_mem_bytes, false),
	C_I64(peak_fds, false),
	C_I64(peak_threads, false),
	C_I64(fd_limit, false),
	C_I64(fd_baseline, false),
	C_BOOL01(fd_exhausted, false),
	C_I64(mem_limit_bytes, false),
	C_I64(oom_kills, false),
	C_SECONDS(oom_onset_s, false),
	C_I64(pids_limit, false),
	C_I64(pids_limit_hits, false),
	C_BREAK(limit_hit, true),
	C_METHOD(limit_method, false),
	C_STR(cause, false),
	C_LEAK(leak, true),
	C_STR(leak_metrics, false),
	C_STR(leak_reason, false),
	C_SLOPE(rss_slope_bytes_per_s, false),
	C_SLOPE(mem_slope_bytes_per_s, false),
	C_SLOPE(fd_slope_per_s, false),
	C_SLOPE(thread_slope_per_s, false),
	C_I64(samples, false),
	C_I64(missed_samples, false),
	C_STR(first_failure_syscall, false),
	C_STR(first_failure_errno, false),
	C_SECONDS(first_failure_s, false),
	C_I64(first_failure_pid, false),
	C_I64(emfile_count, false),
	C_I64(enfile_count, false),
	C_I64(eagain_fork_count, false),
	C_I64(enomem_count, false),
	C_I64(oom_victim_pid, false),
	C_UNAVAIL(unavailable, false),
	C_STR(expect_failure, false),
	C_STR(exec_error, false),
	/* a service under load (service.h) */
	C_SECONDS(ready_s, false),
	C_STR(load_status, false),
	C_INT(load_exit_code, false),
	C_SECONDS(load_duration_s, false),
	C_I64(go_heap_live_bytes, false),
	C_I64(gc_count, false),
	C_SLOPE(go_heap_slope_bytes_per_s, false),
	C_I64(goroutines, false),
	C_STR(goroutines_top, false),
};
// clang-format on

#define N_SUMMARY_COLS (sizeof(summary_cols) / sizeof(summary_cols[0]))

/* summary_cols' names in order: test_record's golden and round-trip tests fail
 * when the two disagree. */
const char summary_header[] =
    "scenario,rep,outcome,exit_code,signal,duration_s,peak_rss_bytes,peak_mem_bytes,"
    "peak_fds,peak_threads,fd_limit,fd_baseline,fd_exhausted,mem_limit_bytes,oom_kills,"
    "oom_onset_s,pids_limit,pids_limit_hits,limit_hit,limit_method,cause,leak,leak_metrics,"
    "leak_reason,"
    "rss_slope_bytes_per_s,mem_slope_bytes_per_s,fd_slope_per_s,thread_slope_per_s,samples,missed_"
    "samples,"
    "first_failure_syscall,first_failure_errno,first_failure_s,first_failure_pid,"
    "emfile_count,enfile_count,eagain_fork_count,enomem_count,oom_victim_pid,"
    "unavailable,expect_failure,exec_error,"
    "ready_s,load_status,load_exit_code,load_duration_s,go_heap_live_bytes,gc_count,"
    "go_heap_slope_bytes_per_s,goroutines,goroutines_top";

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
	for (size_t i = 0; i < N_SUMMARY_COLS; i++) {
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
	bool seen[N_SUMMARY_COLS] = {false};
	for (size_t i = 0; i < rd.nheader; i++) {
		colmap[i] = -1;
		for (size_t k = 0; k < N_SUMMARY_COLS; k++) {
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
	for (size_t k = 0; k < N_SUMMARY_COLS; k++) {
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
