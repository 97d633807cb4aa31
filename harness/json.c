/* json.c - summary.json from summary.csv (see json.h). */
#include "json.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "csvread.h"
#include "record.h"

/* A column's JSON type comes from its kind (row.h): text, number or boolean.
 * A column brink does not know (a newer brink's, or sweep.KEY) is a number
 * when every value of it parses as one in its row, else a string. */
enum json_type { JT_TEXT, JT_NUMBER, JT_GUESS, JT_BOOL };

struct json_col {
	enum json_type type;
	const char *no, *yes; /* the CSV's words of a boolean */
};

static struct json_col column_type(const char *name)
{
	struct json_col c = {JT_GUESS, NULL, NULL};
	int col = summary_col_find(name);
	if (col < 0)
		return c;
	switch (summary_col_json(col, &c.no, &c.yes)) {
	case CJ_TEXT:
		c.type = JT_TEXT;
		break;
	case CJ_NUMBER:
		c.type = JT_NUMBER;
		break;
	case CJ_BOOL:
		c.type = JT_BOOL;
		break;
	}
	return c;
}

void json_put_str(FILE *f, const char *s)
{
	putc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				putc(*p, f);
		}
	}
	putc('"', f);
}

/* Does s follow JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool json_number_syntax(const char *s)
{
	const char *p = s;
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return false;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0';
}

/* A number field: copied as written when it already is a JSON number (no
 * digits lost to a round trip through double), else reformatted. */
static void put_number(FILE *f, const char *s, double v)
{
	if (json_number_syntax(s))
		fputs(s, f);
	else
		fprintf(f, "%.17g", v);
}

static int write_rows(struct csv_reader *r, FILE *out, struct berr *err)
{
	struct json_col *type = calloc(r->nheader, sizeof(*type));
	if (!type)
		return berr_set(err, ENOMEM, "cannot convert %s", r->path);
	for (size_t i = 0; i < r->nheader; i++)
		type[i] = column_type(r->header[i]);

	int rc = 0, got;
	size_t rows = 0;
	fprintf(out, "{\"schema_version\": %d, \"runs\": [", SUMMARY_JSON_SCHEMA);
	while ((got = csvr_next(r, err)) == 1) {
		fputs(rows++ ? ",\n  {" : "\n  {", out);
		for (size_t i = 0; i < r->nheader; i++) {
			const char *s = r->field[i];
			if (i)
				fputs(", ", out);
			json_put_str(out, r->header[i]);
			fputs(": ", out);
			double v;
			if (!*s) {
				fputs("null", out);
			} else if (type[i].type == JT_TEXT) {
				json_put_str(out, s);
			} else if (type[i].type == JT_BOOL) {
				const struct json_col *b = &type[i];
				if (strcmp(s, b->yes) != 0 && strcmp(s, b->no) != 0) {
					rc = berr_set(
					    err, 0,
					    "%s:%ld: column %s: expected %s or %s, not \"%s\"",
					    r->path, r->line, r->header[i], b->no, b->yes, s);
					break;
				}
				fputs(strcmp(s, b->yes) == 0 ? "true" : "false", out);
			} else if (csv_parse_number(s, &v) == 0) {
				put_number(out, s, v);
			} else if (type[i].type == JT_GUESS) {
				json_put_str(out, s);
			} else {
				rc = berr_set(err, 0,
					      "%s:%ld: column %s: expected a number, not \"%s\"",
					      r->path, r->line, r->header[i], s);
				break;
			}
		}
		if (rc < 0)
			break;
		fputs("}", out);
	}
	if (got < 0)
		rc = -1;
	fputs(rows ? "\n]}\n" : "]}\n", out);
	free(type);
	return rc;
}

int summary_write_json(const char *dir, struct berr *err)
{
	char *in = NULL, *path = NULL;
	struct csv_reader r;
	struct afile out = {0};
	int rc = -1;

	memset(&r, 0, sizeof(r));
	if (asprintf(&in, "%s/summary.csv", dir) < 0) {
		in = NULL;
		goto nomem;
	}
	if (asprintf(&path, "%s/summary.json", dir) < 0) {
		path = NULL;
		goto nomem;
	}
	if (csvr_open(&r, in, err) < 0)
		goto out;
	if (afile_open(&out, path, 0, err) < 0)
		goto out;
	if (write_rows(&r, out.f, err) < 0)
		goto out;
	rc = afile_commit(&out, err);
	goto out;
nomem:
	berr_set(err, ENOMEM, "cannot write the JSON summary of %s", dir);
out:
	/* A summary that could not be rendered leaves nothing; one that could not
	 * be committed leaves its .part, as every atomic file does. */
	afile_discard(&out);
	csvr_close(&r);
	free(in);
	free(path);
	return rc;
}
