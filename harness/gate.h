/* gate.h - what `brink compare` judges, and the settings of its gate.
 *
 * The metric table (name, kind, unit, the summary column it reads, noise floor),
 * made from the GATE of the summary columns (row.h), and the settings a config's [compare] section
 * and compare's options share: "alpha", "threshold", "threshold.METRIC" and "min-change.METRIC" for
 * each numeric METRIC, with one parser for both. config.c checks a [compare] section with these and
 * compare.c applies them: neither needs the other. A new metric is the GATE of its column in row.h;
 * its keys follow.
 */
#ifndef BRINK_GATE_H
#define BRINK_GATE_H

#include <stdbool.h>
#include <stddef.h>

#include "result.h"
#include "row.h"

/* MK_FAILURE: the first failing call the kernel saw, judged where both sides
 * had the syscall watch (APPEARS_WATCHED in row.h). */
enum metric_kind { MK_NUMBER, MK_BREAK, MK_VERDICT, MK_FAILURE };
enum metric_unit { MU_BYTES, MU_COUNT, MU_BYTES_PER_S, MU_PER_S, MU_SECONDS, MU_NONE };

struct metric {
	const char *name; /* the column's, or the breaking point's "breaking_point", or
			     "first_failure" */
	enum metric_kind kind;
	enum metric_unit unit;
	int col; /* the summary column it reads (record.h, COL_*) */
	/* Changes at or below this absolute amount are noise, whatever their
	 * relative size: a Go runtime's RSS moves by a few hundred KiB between
	 * identical runs, its thread count by one or two; the fd count of a
	 * 3-fd C fixture was seen as 3 or 4 in identical runs (a sample taken
	 * while the launcher's exec pipe is still open). A Go program's
	 * goroutine count moves by the GC's background workers (one per P,
	 * started at the first GC) and the handlers of connections still open
	 * at the dump: go-service's was 11 in each of three identical runs, its
	 * leaky twin's 3009 to 3011. The slope floors are the leak verdict's
	 * default rates (config.c). */
	double floor;
	/* Judged only for a scenario with a value on either side: a column only
	 * some programs fill (RISE_WHERE_MEASURED). */
	bool where_measured;
};

/* The metrics in the order compare shows them (GATE's N in row.h). */
enum { GATE_N_METRICS = ROW_N_GATED };
extern const struct metric gate_metrics[GATE_N_METRICS];

/* The metric's value in run r (MK_NUMBER only): NAN when not measured. */
double gate_metric_value(const struct metric *m, const struct run_result *r);

/* Index of the metric named by the len bytes at name, or -1. */
int gate_metric_find(const char *name, size_t len);

/* The settings, numbered: alpha, threshold, then threshold.METRIC and
 * min-change.METRIC by metric index (only numeric metrics have them). */
enum gate_setting {
	SET_ALPHA,
	SET_THRESHOLD,
	SET_METRIC_THRESHOLD,
	SET_MIN_CHANGE = SET_METRIC_THRESHOLD + GATE_N_METRICS,
	GATE_N_SETTINGS = SET_MIN_CHANGE + GATE_N_METRICS
};

/* Longest key name, NUL included. */
#define GATE_KEY_MAX 48

/* "threshold." and "min-change.", the prefixes of the per-metric keys. */
extern const char gate_threshold_prefix[], gate_min_change_prefix[];

/* Index of the setting `key`, or -1 if there is none. */
int gate_key_find(const char *key);

/* The name of setting idx (a valid index) in buf, which is returned. */
const char *gate_key_name(int idx, char *buf, size_t len);

/* The keys for an "unknown key" message: "alpha, threshold, threshold.METRIC
 * or min-change.METRIC, METRIC one of ...". A static string. */
const char *gate_keys_expected(void);

/* Parse the value of setting idx into *out: alpha as is (0 < alpha < 1); a
 * threshold as a fraction ("10%" or "10" -> 0.10); a minimum change in the
 * metric's unit (bytes from a size such as 512K, else a decimal >= 0). Decimals
 * have at most 9 places. Returns 0, or -1 with *noun ("a percentage") and *why
 * ("expected ..."), static strings. */
int gate_value_parse(int idx, const char *value, double *out, const char **noun, const char **why);

/* gate_value_parse() for checking only; an index out of range is "unknown key". */
int gate_value_check(int idx, const char *value, const char **noun, const char **why);

#endif
