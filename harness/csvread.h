/* csvread.h - reading result CSV files back, one record at a time, fields found
 * by header name.
 *
 * RFC 4180 rules as record.c writes them: a field is quoted when it holds a
 * comma, quote or newline; "" inside quotes is one quote; records end at "\n" or
 * "\r\n". Streaming (a samples.csv of a day-long run is never held in memory).
 * Every record must have as many fields as the header; a file that breaks the
 * rules is an error naming the file and line, never a silently skipped row.
 *
 * summary.csv into struct run_result is record.h's summary_read(), built on this
 * reader; the others use it directly (samples.csv, events.csv, and exports that
 * carry every column through as text, summary.json).
 */
#ifndef BRINK_CSVREAD_H
#define BRINK_CSVREAD_H

#include <stdio.h>

#include "error.h"

struct csv_reader {
	FILE *f;
	char *path;
	long line;	/* line on which the current record starts (1-based) */
	long next_line; /* line of the next unread character */
	char *buf;	/* the current record, fields NUL-terminated one after another */
	size_t len, cap;
	char **field; /* the current record's fields (point into buf) */
	size_t nfield, fieldcap;
	char **header; /* the header's names (own copies) */
	size_t nheader;
};

/* Open path and read its header line. Returns 0, or -1 with err (cannot open,
 * empty file, malformed header). */
int csvr_open(struct csv_reader *r, const char *path, struct berr *err);
/* The same, naming the header expected in the empty-file message ("the summary
 * header"). */
int csvr_open_expecting(struct csv_reader *r, const char *path, const char *header,
			struct berr *err);

/* Read the next record into r->field[0..r->nheader). Returns 1 with a record, 0
 * at the end of the file, -1 with err ("PATH:LINE: why"). */
int csvr_next(struct csv_reader *r, struct berr *err);

/* Index of the header column `name`, or -1. */
int csvr_col(const struct csv_reader *r, const char *name);

/* Like csvr_col, but a missing column is an error naming the file. */
int csvr_need_col(const struct csv_reader *r, const char *name, struct berr *err);

/* Parse field `col` of the current record as a finite decimal number (no blanks,
 * no '+', no hex, inf or nan). Returns 0 with *v, 1 when the field is empty (*v
 * untouched), -1 with err naming file, line, column and the text. */
int csvr_number(const struct csv_reader *r, int col, double *v, struct berr *err);

/* Accepts a reader that failed to open, or was already closed. */
void csvr_close(struct csv_reader *r);

/* The same number syntax, for text from elsewhere: 0 with *v or -1. */
int csv_parse_number(const char *s, double *v);

#endif
