/* csvread.c - see csvread.h. */
#include "csvread.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static int buf_put(struct csv_reader *r, char c)
{
	if (r->len == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		char *b = realloc(r->buf, cap);
		if (!b)
			return -1;
		r->buf = b;
		r->cap = cap;
	}
	r->buf[r->len++] = c;
	return 0;
}

/* Read one record into buf: the fields' text NUL-terminated one after another.
 * Returns the number of fields, 0 at end of file, -1 with err. */
static long read_record(struct csv_reader *r, struct berr *err)
{
	FILE *f = r->f;
	r->len = 0;
	r->line = r->next_line;
	int c = getc_unlocked(f);
	if (c == EOF) {
		if (ferror(f))
			return berr_set(err, errno, "cannot read %s", r->path);
		return 0;
	}
	long n = 0;
	for (;;) {
		/* at the start of a field, c is its first character */
		bool quoted = c == '"';
		if (quoted) {
			for (;;) {
				c = getc_unlocked(f);
				if (c == EOF)
					return berr_set(err, 0, "%s:%ld: unterminated quoted field",
							r->path, r->line);
				if (c == '"') {
					c = getc_unlocked(f);
					if (c != '"')
						break; /* closing quote; c is what follows */
				}
				if (c == '\n')
					r->next_line++;
				if (c == '\0')
					return berr_set(err, 0, "%s:%ld: NUL byte in a field",
							r->path, r->next_line);
				if (buf_put(r, (char)c) < 0)
					return berr_set(err, ENOMEM, "cannot read %s", r->path);
			}
		} else {
			while (c != EOF && c != ',' && c != '\n' && c != '\r') {
				if (c == '"')
					return berr_set(err, 0,
							"%s:%ld: quote inside an unquoted field",
							r->path, r->next_line);
				if (c == '\0')
					return berr_set(err, 0, "%s:%ld: NUL byte in a field",
							r->path, r->next_line);
				if (buf_put(r, (char)c) < 0)
					return berr_set(err, ENOMEM, "cannot read %s", r->path);
				c = getc_unlocked(f);
			}
		}
		if (buf_put(r, '\0') < 0)
			return berr_set(err, ENOMEM, "cannot read %s", r->path);
		n++;
		if (c == ',') {
			c = getc_unlocked(f);
			continue;
		}
		if (c == '\r') {
			c = getc_unlocked(f);
			if (c != '\n')
				return berr_set(err, 0, "%s:%ld: stray carriage return", r->path,
						r->next_line);
		}
		if (c == '\n') {
			r->next_line++;
			return n;
		}
		if (c == EOF) {
			if (ferror(f))
				return berr_set(err, errno, "cannot read %s", r->path);
			return n; /* last record without a newline */
		}
		return berr_set(err, 0, "%s:%ld: text after the closing quote of a field", r->path,
				r->next_line);
	}
}

/* Point field[] at the fields of buf. */
static int split_fields(struct csv_reader *r, long n, struct berr *err)
{
	if ((size_t)n > r->fieldcap) {
		char **v = realloc(r->field, (size_t)n * sizeof(*v));
		if (!v)
			return berr_set(err, ENOMEM, "cannot read %s", r->path);
		r->field = v;
		r->fieldcap = (size_t)n;
	}
	char *p = r->buf;
	for (long i = 0; i < n; i++) {
		r->field[i] = p;
		p += strlen(p) + 1;
	}
	r->nfield = (size_t)n;
	return 0;
}

int csvr_open(struct csv_reader *r, const char *path, struct berr *err)
{
	return csvr_open_expecting(r, path, "a header line", err);
}

int csvr_open_expecting(struct csv_reader *r, const char *path, const char *header,
			struct berr *err)
{
	memset(r, 0, sizeof(*r));
	r->next_line = 1;
	r->path = strdup(path);
	if (!r->path)
		return berr_set(err, ENOMEM, "cannot open %s", path);
	r->f = fopen(path, "re");
	if (!r->f) {
		berr_set(err, errno, "cannot open %s", path);
		csvr_close(r);
		return -1;
	}
	long n = read_record(r, err);
	if (n == 0)
		berr_set(err, 0, "%s: empty file, expected %s", path, header);
	if (n <= 0 || split_fields(r, n, err) < 0) {
		csvr_close(r);
		return -1;
	}
	r->header = calloc((size_t)n, sizeof(*r->header));
	if (!r->header) {
		csvr_close(r);
		return berr_set(err, ENOMEM, "cannot open %s", path);
	}
	r->nheader = (size_t)n;
	for (long i = 0; i < n; i++) {
		r->header[i] = strdup(r->field[i]);
		if (!r->header[i]) {
			csvr_close(r);
			return berr_set(err, ENOMEM, "cannot open %s", path);
		}
		if (!r->header[i][0]) {
			berr_set(err, 0, "%s:1: column %ld of the header has no name", path, i + 1);
			csvr_close(r);
			return -1;
		}
	}
	return 0;
}

int csvr_next(struct csv_reader *r, struct berr *err)
{
	long n = read_record(r, err);
	if (n <= 0)
		return (int)n;
	if ((size_t)n != r->nheader)
		return berr_set(err, 0, "%s:%ld: %ld fields, the header has %zu", r->path, r->line,
				n, r->nheader);
	if (split_fields(r, n, err) < 0)
		return -1;
	return 1;
}

int csvr_col(const struct csv_reader *r, const char *name)
{
	for (size_t i = 0; i < r->nheader; i++)
		if (strcmp(r->header[i], name) == 0)
			return (int)i;
	return -1;
}

int csvr_need_col(const struct csv_reader *r, const char *name, struct berr *err)
{
	int c = csvr_col(r, name);
	if (c < 0)
		return berr_set(err, 0, "%s: no column %s in the header", r->path, name);
	return c;
}

int csv_parse_number(const char *s, double *v)
{
	/* strtod alone would take blanks, '+', hex, "inf" and "nan" */
	const char *d = s + (*s == '-');
	if (!(*d >= '0' && *d <= '9') || strpbrk(s, "xXpP"))
		return -1;
	char *end;
	errno = 0;
	double x = strtod(s, &end);
	if (*end || !isfinite(x) || errno == ERANGE)
		return -1;
	*v = x;
	return 0;
}

int csvr_number(const struct csv_reader *r, int col, double *v, struct berr *err)
{
	if (col < 0 || (size_t)col >= r->nfield)
		return berr_set(err, EINVAL, "%s:%ld: no column %d", r->path, r->line, col);
	const char *s = r->field[col];
	if (!*s)
		return 1;
	if (csv_parse_number(s, v) < 0)
		return berr_set(err, 0, "%s:%ld: column %s: expected a number, not \"%s\"", r->path,
				r->line, r->header[col], s);
	return 0;
}

void csvr_close(struct csv_reader *r)
{
	if (r->f)
		fclose(r->f);
	r->f = NULL;
	if (r->header)
		for (size_t i = 0; i < r->nheader; i++)
			free(r->header[i]);
	free(r->header);
	free(r->field);
	free(r->buf);
	free(r->path);
	r->header = NULL;
	r->field = NULL;
	r->buf = NULL;
	r->path = NULL;
	r->nheader = r->nfield = r->len = r->cap = r->fieldcap = 0;
}
