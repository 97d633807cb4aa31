/* gate.c - the metrics `brink compare` judges and the settings of its gate (see
 * gate.h). */
#include "gate.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "record.h"
#include "units.h"

/* ---- metrics ----------------------------------------------------------- */

/* gate_metrics from the columns' GATE (row.h): each spec becomes the tuple
 * (mode, N, unit, floor, metric name), then a row [N] = {...} of its column. */
#define GATE_SPEC_NO_GATE				 NONE, 0, NONE, 0, _
#define GATE_SPEC_RISE(n, unit, floor)			 RISE, n, unit, floor, _
#define GATE_SPEC_RISE_WHERE_MEASURED(n, unit, floor)	 RISE_WM, n, unit, floor, _
#define GATE_SPEC_APPEARS(n, metric)			 APPEARS, n, NONE, 0, metric
#define GATE_SPEC_APPEARS_WATCHED(n, metric)		 APPEARS_W, n, NONE, 0, metric
#define GATE_SPEC_TURNS_YES(n)				 TURNS_YES, n, NONE, 0, _
#define GATE_ENTRY(field, kind, req, gate, report, help) GATE_APPLY(GATE_SPEC_##gate, field)
#define GATE_APPLY(spec, field)				 GATE_EMIT(spec, field)
#define GATE_EMIT(mode, n, unit, floor, metric, field) \
	GATE_EMIT_##mode(n, unit, floor, metric, field)
#define GATE_EMIT_NONE(n, unit, floor, metric, field)
#define GATE_EMIT_RISE(n, unit, floor, metric, field) \
	[n] = {#field, MK_NUMBER, MU_##unit, COL_##field, floor, false},
#define GATE_EMIT_RISE_WM(n, unit, floor, metric, field) \
	[n] = {#field, MK_NUMBER, MU_##unit, COL_##field, floor, true},
#define GATE_EMIT_APPEARS(n, unit, floor, metric, field) \
	[n] = {#metric, MK_BREAK, MU_NONE, COL_##field, 0, false},
#define GATE_EMIT_APPEARS_W(n, unit, floor, metric, field) \
	[n] = {#metric, MK_FAILURE, MU_NONE, COL_##field, 0, false},
#define GATE_EMIT_TURNS_YES(n, unit, floor, metric, field) \
	[n] = {#field, MK_VERDICT, MU_NONE, COL_##field, 0, false},

/* A GATE number >= GATE_N_METRICS does not compile; one used twice is a
 * warning (-Woverride-init): the numbers are 0 .. GATE_N_METRICS - 1. */
const struct metric gate_metrics[GATE_N_METRICS] = {SUMMARY_COLUMNS(GATE_ENTRY)};

double gate_metric_value(const struct metric *m, const struct run_result *r)
{
	return summary_col_number(r, m->col);
}

int gate_metric_find(const char *name, size_t len)
{
	for (size_t i = 0; i < GATE_N_METRICS; i++)
		if (strlen(gate_metrics[i].name) == len &&
		    strncmp(gate_metrics[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

/* ---- settings ---------------------------------------------------------- */

const char gate_threshold_prefix[] = "threshold.", gate_min_change_prefix[] = "min-change.";

int gate_key_find(const char *key)
{
	static const struct {
		const char *prefix;
		int base;
	} per_metric[] = {{gate_threshold_prefix, SET_METRIC_THRESHOLD},
			  {gate_min_change_prefix, SET_MIN_CHANGE}};
	if (strcmp(key, "alpha") == 0)
		return SET_ALPHA;
	if (strcmp(key, "threshold") == 0)
		return SET_THRESHOLD;
	for (size_t i = 0; i < sizeof(per_metric) / sizeof(per_metric[0]); i++) {
		size_t pl = strlen(per_metric[i].prefix);
		if (strncmp(key, per_metric[i].prefix, pl) != 0)
			continue;
		int m = gate_metric_find(key + pl, strlen(key + pl));
		return m >= 0 && gate_metrics[m].kind == MK_NUMBER ? per_metric[i].base + m : -1;
	}
	return -1;
}

const char *gate_key_name(int idx, char *buf, size_t len)
{
	if (idx == SET_ALPHA || idx == SET_THRESHOLD)
		snprintf(buf, len, "%s", idx == SET_ALPHA ? "alpha" : "threshold");
	else if (idx < SET_MIN_CHANGE)
		snprintf(buf, len, "%s%s", gate_threshold_prefix,
			 gate_metrics[idx - SET_METRIC_THRESHOLD].name);
	else
		snprintf(buf, len, "%s%s", gate_min_change_prefix,
			 gate_metrics[idx - SET_MIN_CHANGE].name);
	return buf;
}

const char *gate_keys_expected(void)
{
	static char buf[1024];
	if (buf[0])
		return buf; /* the same text every time: built once */
	size_t o = (size_t)snprintf(buf, sizeof(buf),
				    "alpha, threshold, threshold.METRIC or min-change.METRIC, "
				    "METRIC one of ");
	for (size_t i = 0, first = 1; i < GATE_N_METRICS && o < sizeof(buf); i++) {
		if (gate_metrics[i].kind != MK_NUMBER)
			continue;
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s", first ? "" : ", ",
				      gate_metrics[i].name);
		first = 0;
	}
	return buf;
}

/* A decimal >= 0 with up to 9 places ("0.05", "2.5", "100000"), by units.c's
 * fixed-point parser. */
static int parse_decimal(const char *s, double *out)
{
	int64_t scaled;
	if (units_parse_fixed(s, 9, &scaled) < 0)
		return -1;
	*out = (double)scaled / 1e9;
	return 0;
}

/* "10%", "10" (both ten percent), "2.5%". */
static int parse_percent(const char *s, double *out)
{
	char buf[64];
	size_t n = strlen(s);
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n + 1);
	if (buf[n - 1] == '%')
		buf[n - 1] = '\0';
	double v;
	if (parse_decimal(buf, &v) < 0)
		return -1;
	*out = v / 100.0;
	return 0;
}

int gate_value_parse(int idx, const char *value, double *out, const char **noun, const char **why)
{
	if (idx == SET_ALPHA) {
		*noun = "a significance level";
		*why = "expected a number between 0 and 1, such as 0.05";
		return parse_decimal(value, out) < 0 || !(*out > 0 && *out < 1) ? -1 : 0;
	}
	if (idx < SET_MIN_CHANGE) {
		*noun = "a percentage";
		*why = "expected a percentage >= 0, such as 10% or 10";
		return parse_percent(value, out);
	}
	const struct metric *m = &gate_metrics[idx - SET_MIN_CHANGE];
	if (m->unit == MU_BYTES || m->unit == MU_BYTES_PER_S) {
		int64_t bytes;
		*noun = "a size";
		*why = "expected a size such as 512K or 2M";
		if (units_parse_size(value, &bytes, why) < 0)
			return -1;
		if (bytes < 0) {
			*why = "expected a size, not unlimited";
			return -1;
		}
		*out = (double)bytes;
		return 0;
	}
	*noun = "a number";
	*why = "expected a number >= 0";
	return parse_decimal(value, out);
}

int gate_value_check(int idx, const char *value, const char **noun, const char **why)
{
	double v;
	if (idx < 0 || idx >= (int)GATE_N_SETTINGS) {
		*noun = "a setting";
		*why = "unknown key";
		return -1;
	}
	return gate_value_parse(idx, value, &v, noun, why);
}
