/* record.h - result files: CSV written atomically, the summary row format.
 *
 * A CSV is an atomic file (afile.h): written to "NAME.part" and renamed to NAME
 * only by csv_commit(), after fflush + fsync: a brink killed mid-run leaves
 * ".part" files, never a truncated CSV under its final name.
 */
#ifndef BRINK_RECORD_H
#define BRINK_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "afile.h"
#include "error.h"
#include "result.h"
#include "row.h"
#include "sample.h"

/* An atomic file (afile.h) that starts with its header line. */
struct csv {
	FILE *f;	   /* the rows go here: file.f while open, else NULL */
	struct afile file; /* 64 KiB stdio buffer: samples stream at up to 1 kHz */
};

/* Create PATH.part (O_CLOEXEC, so no scenario inherits it) and write `header`
 * (one line; a newline is added unless it ends in one). Returns 0, or -1 with
 * err naming the path; on failure nothing is left open and csv_abandon(c) is a
 * harmless no-op. */
int csv_open(struct csv *c, const char *path, const char *header, struct berr *err);
/* Flush, fsync, close and rename PATH.part to PATH. Returns 0, or -1 with err
 * naming the failing step and path (a write error of any earlier row is caught
 * here); then the .part file stays. Either way c is released. */
int csv_commit(struct csv *c, struct berr *err);
/* Close without renaming (the .part file stays, marking an incomplete file).
 * Accepts a c that failed to open or was already committed or abandoned. */
void csv_abandon(struct csv *c);

/* Write s as a CSV field, quoted when it holds a comma, quote or newline. */
void csv_put_str(FILE *f, const char *s);

/* samples.csv: t_s,rss_bytes,mem_bytes,fds,threads,procs,cpu_s. t_s and cpu_s
 * are seconds with six decimals (rounded half up to the microsecond); a negative
 * value (-1: not measured) is an empty field. Formats by hand: it runs per
 * sample. */
extern const char samples_header[];
void samples_put_row(FILE *f, const struct sample *s);
/* The same row followed by n more count columns (negative: empty), for the
 * series a run adds after samples_header (go_heap_live_bytes,gc_count). */
#define SAMPLES_EXTRA_MAX 8
void samples_put_row_extra(FILE *f, const struct sample *s, const int64_t *extra, size_t n);

/* summary.csv: its columns, one per line of SUMMARY_COLUMNS (row.h), in file
 * order; COL_<field> is a column's index in summary_cols. */
enum summary_col_id {
#define ROW_COL_ID(field, kind, req, gate, report, help) COL_##field,
	SUMMARY_COLUMNS(ROW_COL_ID)
#undef ROW_COL_ID
	    SUMMARY_N_COLS
};

/* How a column is written and read (row.h, KIND). */
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
	const char *name; /* the header name, the field's */
	enum col_kind kind;
	size_t off, size; /* the field in struct run_result */
	bool required;	  /* summary_read fails without it */
	const char *help; /* its meaning, one line (brink help results) */
};
extern const struct summary_col summary_cols[SUMMARY_N_COLS];

/* The header line, the column names joined by commas (no newline). */
extern const char *const summary_header;

/* The index of the column named `name`, or -1. */
int summary_col_find(const char *name);

/* Is column col of r an empty field in summary.csv ("does not apply" or "was
 * not measured")? fd_exhausted and outcome never are. */
bool summary_col_empty(const struct run_result *r, int col);

/* Column col of r as a number: counts, seconds and slopes as written (a
 * negative count or duration is none), fd_exhausted 0 or 1; NAN for an empty
 * field and for columns that are not numbers. */
double summary_col_number(const struct run_result *r, int col);

/* Its type in summary.json: a number, text, or a boolean written *no / *yes
 * in the CSV (set only for CJ_BOOL). */
enum col_json { CJ_NUMBER, CJ_TEXT, CJ_BOOL };
enum col_json summary_col_json(int col, const char **no, const char **yes);

/* One row per run. Integers equal to RES_NONE, durations below 0 and NAN
 * slopes are empty fields; duration_s and oom_onset_s have six decimals,
 * slopes three; fd_exhausted is 0/1, leak yes/no or empty (no verdict),
 * limit_hit and limit_method their names; strings are quoted when they need
 * it. */
void summary_put_row(FILE *f, const struct run_result *r);
/* The same row without its newline, for columns that follow (sweep.h). */
void summary_put_fields(FILE *f, const struct run_result *r);

/* Read a summary.csv back. Columns are found by header name, in any order;
 * unknown columns are ignored (files from newer versions read). scenario, rep,
 * outcome, limit_hit and leak are required; any other missing column keeps
 * run_result_init's value. Errors name the file and column, and the line for a
 * bad value. On success *rows is a malloc'd array of *n results (free() it;
 * NULL when there are no rows); on error *rows = NULL, *n = 0. */
int summary_read(const char *path, struct run_result **rows, size_t *n, struct berr *err);

#endif
