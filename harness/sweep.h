/* sweep.h - sweeps: a limit, or a placeholder of the command, that takes several
 * values, and the matrix of scenarios ("points") they make.
 *
 * Syntax of a sweep value (config key or `brink exec --sweep KEY=SPEC`):
 *   a, b, c          a list, in the order written (no value twice)
 *   LO..HI xF        geometric: LO, LO*F, LO*F^2, ... and HI itself (F > 1,
 *                    at most 3 decimals: x2, x1.5)
 *   LO..HI +STEP     arithmetic: LO, LO+STEP, ... and HI itself (STEP in the
 *                    limit's unit: +16, +64M, +1s)
 * Values are read by the limit's own parser (limits_parse: 64M, 1.5G, 30s, max
 * in lists); a placeholder's values are words of letters, digits, '.', '_' and
 * '-' (ranges: whole numbers). A range always ends at HI, whether or not the
 * steps land on it.
 *
 * A placeholder NAME is a key of a scenario section that is not a scenario
 * key, whose {NAME} the command contains: `command = ./server --workers
 * {workers}` with `workers = 1, 2, 4`. Each {NAME} is replaced in every word of
 * the command (after splitting, so a value is always one word or part of one).
 *
 * Several sweeps in one scenario make a matrix: limits first, in limit_table
 * order, then placeholders in file order; the last axis varies fastest. A point
 * is named BASE.KEY=VALUE[.KEY=VALUE]..., VALUE in the unit common to the
 * whole axis and padded with zeros to one width ("srv.memory=064M.workers=4"),
 * so that names sort in the order of the values.
 */
#ifndef BRINK_SWEEP_H
#define BRINK_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scenario.h"
#include "error.h"
#include "result.h"

#define SWEEP_VALUES_MAX 1000 /* values of one axis */
#define SWEEP_POINTS_MAX 1000 /* points of one scenario's matrix */

struct sweep_axis {
	char key[SWEEP_KEY_MAX]; /* limit key or placeholder name */
	int lim;		 /* limit id (limit.h), or -1 for a placeholder */
	size_t n;		 /* values, >= 1 */
	int64_t *v;		 /* limits: the values in the limit's unit (BRINK_UNLIMITED
				    for max); placeholders: the number, or INT64_MIN */
	char **word;		 /* placeholders: the values as written; NULL for limits */
	char **label;		 /* the value as point names show it: common unit,
				    zero-padded ("064M", "00256", "max") */
};

/* 1 when `value` is written as a sweep: a ',' or a "..". (A single value of a
 * limit is never either.) */
bool sweep_spec_is_sweep(const char *value);

/* 1 if `name` may be a placeholder: 1 to 31 of a-z 0-9 _, starting with a
 * letter (so {NAME} cannot be mistaken for shell or JSON text). */
bool sweep_placeholder_valid(const char *name);

/* Parse `spec` for the limit `lim` (limit.h), or for a placeholder `key` when
 * lim is -1. A placeholder also takes a single value. Returns 0, or -1 with
 * *why a sentence ("expected ..."; "a range needs a step: LO..HI xFACTOR or
 * LO..HI +STEP"; "makes more than 1000 values") that does not repeat the value.
 * ax is ready for sweep_axis_free either way. */
int sweep_axis_parse(struct sweep_axis *ax, const char *key, int lim, const char *spec,
		     const char **why);
void sweep_axis_free(struct sweep_axis *ax);

/* Points of the matrix of `n` axes, in *points. -1 with *why (a thread-local
 * sentence naming each axis and its count) when more than SWEEP_POINTS_MAX. */
int sweep_matrix_size(const struct sweep_axis *axes, size_t n, size_t *points, const char **why);

/* Point number i (0-based; the last axis varies fastest) of base: a deep copy
 * with the limits set, the placeholders replaced in argv and command, the name
 * and sweep coordinates set. Returns 0, or -1 with *why (name too long, out of
 * memory); out then needs no freeing. */
int sweep_point(const struct scenario *base, const struct sweep_axis *axes, size_t n, size_t i,
		struct scenario *out, const char **why);

/* {NAME} occurs in the command or argv of sc. */
bool sweep_command_uses(const struct scenario *sc, const char *name);

/* Expand every scenario of cfg that sweep settings apply to (brink exec
 * --sweep): `specs` are "KEY=SPEC" strings. Returns 0, or -1 with err saying
 * which spec is wrong and why. cfg->scenarios is replaced by the points. */
int sweep_expand_exec(struct config *cfg, char *const *specs, size_t n, struct berr *err);

/* ---- results ---- */

/* The sweep columns of summary.csv for the scenarios of cfg: "sweep" (the
 * swept scenario's name) and "sweep.KEY" per key swept anywhere, in the order
 * first seen; none when nothing is swept. Written after summary_header. */
#define SWEEP_COLUMNS_MAX 32 /* distinct swept keys in one config */
struct sweep_columns {
	size_t n;
	char key[SWEEP_COLUMNS_MAX][SWEEP_KEY_MAX];
};
void sweep_columns_of(const struct config *cfg, struct sweep_columns *cols);
/* summary_header followed by ",sweep,sweep.KEY..." (nothing more when cols->n
 * is 0), malloc'd; NULL when out of memory. */
char *sweep_summary_header(const struct sweep_columns *cols);
/* The summary row of r (a run of sc) with its sweep fields, and the newline:
 * sweep is sc's sweep_of; limits as numbers in their unit (bytes, count,
 * nanoseconds, milli-CPUs) or max, placeholders as written; empty fields for
 * what does not apply to sc. */
void sweep_summary_row(FILE *f, const struct sweep_columns *cols, const struct run_result *r,
		       const struct scenario *sc);

#endif
