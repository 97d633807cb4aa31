/* test_scrape.c - the Prometheus text parser and the pprof total (scrape.h) on
 * what go-service served under Go 1.19 (tests/golden/go119-metrics.txt,
 * go119-pprof-goroutine.txt, fetched with curl) and on the exposition format's
 * documented shapes: labels with escapes, timestamps, NaN and +Inf, histogram
 * series. Every malformed line is an error naming its line. */
#include "scrape.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *name, size_t *len)
{
	const char *dir = getenv("BRINK_GOLDEN_DIR");
	char p[1024];
	snprintf(p, sizeof(p), "%s/%s", dir ? dir : "tests/golden", name);
	FILE *f = fopen(p, "r");
	if (!f)
		fail_msg("cannot open %s", p);
	char *b = malloc(1 << 20);
	*len = fread(b, 1, (1 << 20) - 1, f);
	b[*len] = '\0';
	fclose(f);
	return b;
}

struct got {
	int n;
	char names[16][64];
	char labels[16][128];
	double values[16];
	int64_t ts[16];
};

static void collect(void *arg, const struct prom_sample *s)
{
	struct got *g = arg;
	if (g->n >= 16)
		return;
	snprintf(g->names[g->n], 64, "%.*s", (int)s->name_len, s->name);
	snprintf(g->labels[g->n], 128, "%.*s", (int)s->labels_len, s->labels);
	g->values[g->n] = s->value;
	g->ts[g->n] = s->ts_ms;
	g->n++;
}

static void test_go119_metrics(void **state)
{
	(void)state;
	size_t len;
	char *text = slurp("go119-metrics.txt", &len);
	/* the values as the text has them, counted independently */
	long long gor = -1, heap = -1, req = -1;
	const char *p = strstr(text, "\ngo_goroutines ");
	assert_non_null(p);
	gor = atoll(p + 15);
	p = strstr(text, "\ngo_memstats_heap_inuse_bytes ");
	assert_non_null(p);
	heap = atoll(p + 30);
	p = strstr(text, "} ");
	assert_non_null(p);
	req = atoll(p + 2);
	struct got g = {0};
	struct berr err = {0};
	assert_int_equal(prom_parse(text, len, collect, &g, &err), 0);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.names[0], "go_goroutines");
	assert_true(g.values[0] == (double)gor);
	assert_string_equal(g.names[1], "go_memstats_heap_inuse_bytes");
	assert_true(g.values[1] == (double)heap);
	assert_string_equal(g.names[2], "service_requests_total");
	assert_string_equal(g.labels[2], "path=\"/work\"");
	assert_true(g.values[2] == (double)req);
	assert_int_equal(g.ts[0], INT64_MIN);
	free(text);
}

static void test_pprof_total(void **state)
{
	(void)state;
	size_t len;
	char *text = slurp("go119-pprof-goroutine.txt", &len);
	long long want = atoll(text + strlen("goroutine profile: total "));
	int64_t n = -1;
	assert_int_equal(pprof_goroutine_total(text, len, &n), 1);
	assert_int_equal(n, want);
	assert_true(n > 0);
	/* a pprof profile is not Prometheus text */
	struct got g = {0};
	struct berr err = {0};
	assert_int_equal(prom_parse(text, len, collect, &g, &err), -1);
	free(text);
	assert_int_equal(pprof_goroutine_total("go_goroutines 5\n", 16, &n), 0);
	assert_int_equal(pprof_goroutine_total("goroutine profile: total x\n", 27, &n), 0);
}

/* The shapes of the format's documentation, written here. */
static void test_documented_shapes(void **state)
{
	(void)state;
	static const char text[] =
	    "# A plain comment\n"
	    "\n"
	    "# HELP http_requests_total Requests, by method and code.\n"
	    "# TYPE http_requests_total counter\n"
	    "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
	    "http_requests_total{method=\"post\",code=\"400\"}    3 1395066363000\n"
	    "\n"
	    "msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find "
	    "file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n"
	    "metric_without_timestamp_and_labels 12.47\n"
	    "something_weird{problem=\"division by zero\"} +Inf -3982045\n"
	    "  nan_value NaN\n"
	    "# TYPE req_duration_seconds histogram\n"
	    "req_duration_seconds_bucket{le=\"0.05\",} 24054\n"
	    "req_duration_seconds_bucket{le=\"+Inf\"} 144320\n"
	    "req_duration_seconds_sum 53423\n"
	    "req_duration_seconds_count 144320";
	struct got g = {0};
	struct berr err = {0};
	assert_int_equal(prom_parse(text, sizeof(text) - 1, collect, &g, &err), 0);
	assert_int_equal(g.n, 10);
	assert_true(g.values[0] == 1027);
	assert_int_equal(g.ts[0], 1395066363000LL);
	assert_string_equal(g.labels[1], "method=\"post\",code=\"400\"");
	assert_true(g.values[2] == 1.458255915e9);
	assert_true(g.values[3] == 12.47);
	assert_true(isinf(g.values[4]) && g.values[4] > 0);
	assert_int_equal(g.ts[4], -3982045);
	assert_true(isnan(g.values[5]));
	assert_string_equal(g.names[6], "req_duration_seconds_bucket");
	assert_true(g.values[9] == 144320);
}

static void test_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		const char *msg;
	} bad[] = {
	    {"ok 1\n9lives 1\n", "line 2: expected a metric name"},
	    {"x{a=\"1\" 2\n", "line 1: expected , or } after a label"},
	    {"x{a=1} 2\n", "line 1: expected a quoted label value"},
	    {"x{a=\"\\t\"} 2\n", "line 1: expected \\\\, \\\" or \\n in a label value"},
	    {"x{a=\"open} 2\n", "line 1: expected the closing quote"},
	    {"x{1a=\"v\"} 2\n", "line 1: expected a label name or }"},
	    {"x 1.2.3x\n", "line 1: expected a value"},
	    {"x inf\n", "line 1: expected a value"},
	    {"x\n", "line 1: expected a blank before the value"},
	    {"x 1 12.5\n", "line 1: expected a timestamp"},
	    {"x 1 2 3\n", "line 1: expected the end of the line"},
	    {"# TYPE x gaugey\n", "line 1: expected a type"},
	    {"# TYPE\n", "line 1: expected a metric name after # TYPE"},
	    {"x 1\r\n", "line 1: expected text lines ended by \\n"},
	    {"<html>\n", "line 1: expected a metric name"},
	    /* a series twice is an error, not a sum (exposition_formats.md: "Each
	     * line must have a unique combination of a metric name and labels") */
	    {"# TYPE x gauge\nx 5\nx 7\n", "line 3: x a second time (first on line 2)"},
	    {"x{a=\"1\"} 1\nx{a=\"2\"} 1\ny 1\nx{a=\"1\"} 2 17\n",
	     "line 4: x{a=\"1\"} a second time (first on line 1)"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct got g = {0};
		struct berr err = {0};
		if (prom_parse(bad[i].text, strlen(bad[i].text), collect, &g, &err) != -1)
			fail_msg("accepted \"%s\"", bad[i].text);
		if (strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)) != 0)
			fail_msg("\"%s\": got \"%s\", want \"%s...\"", bad[i].text, err.msg,
				 bad[i].msg);
	}
}

static void test_names(void **state)
{
	(void)state;
	char names[SCRAPE_NAMES_MAX][64];
	int n;
	const char *why;
	assert_int_equal(scrape_parse_names(SCRAPE_DEFAULT_NAMES, names, &n, &why), 0);
	assert_int_equal(n, 2);
	assert_string_equal(names[1], "go_memstats_heap_inuse_bytes");
	assert_int_equal(scrape_parse_names("a,,b", names, &n, &why), -1);
	assert_int_equal(scrape_parse_names("a b", names, &n, &why), -1);
	assert_int_equal(scrape_parse_names("", names, &n, &why), -1);
	assert_int_equal(scrape_parse_names("a,b,c,d,e,f,g,h,i", names, &n, &why), -1);
	assert_int_equal(scrape_parse_names("a,b,c,d,e,f,g,h", names, &n, &why), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_go119_metrics),
	    cmocka_unit_test(test_pprof_total),
	    cmocka_unit_test(test_documented_shapes),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
