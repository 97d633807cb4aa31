/* record.h - result files: CSV written atomically, the summary row format.
 *
 * A CSV is written to "NAME.part" and renamed to NAME only by csv_commit(),
 * after fflush + fsync: a brink killed mid-run leaves ".part" files, never a
 * truncated CSV under its final name.
 */
#ifndef BRINK_RECORD_H
#define BRINK_RECORD_H

#include <stdio.h>

#include "error.h"
#include "result.h"
#include "sample.h"

struct csv {
	FILE *f;
	char *path; /* final name */
	char *tmp;  /* NAME.part */
	char *buf;  /* stdio buffer (64 KiB: samples stream at up to 1 kHz) */
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

/* summary.csv: the header line and one row per run, from one column table (the
 * column order is the result layout's). Integers equal to RES_NONE, durations
 * below 0 and NAN slopes are empty fields; duration_s and oom_onset_s have six
 * decimals, slopes three; fd_exhausted is 0/1, leak yes/no or empty
 * (no verdict), limit_hit and limit_method their names; strings are quoted
 * when they need it. */
extern const char summary_header[];
void summary_put_row(FILE *f, const struct run_result *r);

/* Read a summary.csv back. Columns are found by header name, in any order;
 * unknown columns are ignored (files from newer versions read). scenario, rep,
 * outcome, limit_hit and leak are required; any other missing column keeps
 * run_result_init's value. Errors name the file and column, and the line for a
 * bad value. On success *rows is a malloc'd array of *n results (free() it;
 * NULL when there are no rows); on error *rows = NULL, *n = 0. */
int summary_read(const char *path, struct run_result **rows, size_t *n, struct berr *err);

#endif
