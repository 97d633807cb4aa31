/* json.h - JSON export of a result directory's summary, for CI systems and
 * scripts.
 *
 * summary.json is {"schema_version": N, "runs": [...]} with one object per
 * summary.csv row, the same fields under the same names in the same order:
 * numbers as JSON numbers, leak and fd_exhausted as true/false, text as
 * strings (lists stay ";"-separated as in the CSV), empty fields as null.
 * Schema 1 was a bare array with leak "yes"/"no" and fd_exhausted 0/1.
 */
#ifndef BRINK_JSON_H
#define BRINK_JSON_H

#include <stdio.h>

#include "error.h"

#define SUMMARY_JSON_SCHEMA 2

/* Read DIR/summary.csv, write DIR/summary.json (through summary.json.part and
 * a rename, so a reader never sees half a file). Returns 0, or -1 with err
 * naming the file, line and column of a bad value. */
int summary_write_json(const char *dir, struct berr *err);

/* Write s as a JSON string literal (quotes, escapes, control characters as
 * \u00XX; bytes >= 0x80 are copied, the input being UTF-8). */
void json_put_str(FILE *f, const char *s);

#endif
