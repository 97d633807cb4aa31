/* scrape.h - values a program serves over HTTP, read while it runs.
 *
 * `metrics-url = http://127.0.0.1:PORT/metrics` is fetched every
 * `metrics-interval` with libcurl (non-blocking: the transfer advances on the
 * service's ticks, so sampling never waits on it). The body is read as
 *  - Prometheus text exposition format 0.0.4 (https://prometheus.io/docs/
 *    instrumenting/exposition_formats/): the values of the `metrics` names
 *    (samples without labels, or the sum over every label set of the name);
 *  - or a pprof goroutine profile (net/http/pprof's /debug/pprof/goroutine?debug=1,
 *    first line "goroutine profile: total N"): N is the series
 *    `pprof_goroutines`.
 * Each scrape is a row of metrics.csv: t_s, then one column per name (empty
 * when the body did not have it). A failed fetch or a body that cannot be
 * read is an event (scrape-failed) with the reason, never a zero.
 */
#ifndef BRINK_SCRAPE_H
#define BRINK_SCRAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* ---- the text exposition format ---------------------------------------- */

/* One sample: name, its labels as written between the braces ("" without),
 * unescaped values not needed here, the value (NaN and +-Inf allowed), the
 * timestamp in ms or INT64_MIN when absent. */
struct prom_sample {
	const char *name;
	size_t name_len;
	const char *labels;
	size_t labels_len;
	double value;
	int64_t ts_ms;
};

typedef void (*prom_fn)(void *arg, const struct prom_sample *s);

/* Parse a whole body strictly: every line is blank, a comment ("# HELP name
 * text", "# TYPE name counter|gauge|histogram|summary|untyped", any other "#"
 * line), or a sample "name[{label="value",...}] value [timestamp]" with label
 * values escaped as \\, \" and \n. Calls fn for each sample in order. 0, or -1
 * with err "line N: expected ..." for the first line that is none of these
 * (samples before it were passed to fn). */
int prom_parse(const char *text, size_t len, prom_fn fn, void *arg, struct berr *err);

/* "goroutine profile: total N" at the start of text: 1 with *n, else 0. */
int pprof_goroutine_total(const char *text, size_t len, int64_t *n);

/* ---- scraping -------------------------------------------------------------- */

#define SCRAPE_NAMES_MAX 8

/* The `metrics` key: names separated by ','; default below. -1 with *why. */
int scrape_parse_names(const char *v, char names[][64], int *n, const char **why);
#define SCRAPE_DEFAULT_NAMES "go_goroutines,go_memstats_heap_inuse_bytes"

/* Is http(s) scraping available in this build (libcurl linked)? */
bool scrape_available(void);

struct scrape;
/* Start scraping url into DIR/metrics.csv for the names given. NULL with err. */
struct scrape *scrape_new(const char *url, const char names[][64], int n, const char *dir,
			  struct berr *err);
/* Advance: start a fetch when `now` has passed the next due time (first at
 * once, then every interval), and move a running one on without blocking. A
 * finished fetch writes its row (t_s from t0) and returns 1; a failed one
 * returns -1 with why (the fetch or the parse); else 0. */
int scrape_step(struct scrape *s, int64_t now, int64_t t0, int64_t interval, char *why,
		size_t whylen);
/* Close metrics.csv (renamed from its .part) and free. Accepts NULL. */
void scrape_free(struct scrape *s);

#endif
