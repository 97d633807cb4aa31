/* fuzz_gotrace.c - libFuzzer target for the parsers of what a program says
 * about itself: gctrace lines and goroutine dumps (gotrace.h), Prometheus text
 * and pprof totals (scrape.h). Besides "no crash, no UB", what the headers
 * promise is checked:
 * - a gctrace line that parses has heap sizes that are whole MiB and >= 0;
 * - a dump's groups are sorted by count, each count >= 1, and they add up to
 *   the total; no dump means total 0 and no groups;
 * - prom_parse calls back only with names of the metric-name alphabet and
 *   fails with a "line N: " reason;
 * - a pprof total is >= 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotrace.h"
#include "scrape.h"

static void die(const char *what)
{
	fprintf(stderr, "broken invariant: %s\n", what);
	abort();
}

static void on_sample(void *arg, const struct prom_sample *s)
{
	(void)arg;
	if (s->name_len == 0)
		die("prom_parse: empty name");
	for (size_t i = 0; i < s->name_len; i++) {
		char c = s->name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == ':'))
			die("prom_parse: name outside [a-zA-Z0-9_:]");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* gctrace: each line of the input */
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (char *line = text, *nl; line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		struct gc_line g;
		if (gctrace_parse_line(line, &g) == 1) {
			const int64_t mib = 1LL << 20;
			if (g.heap_live < 0 || g.heap_goal < 0 || g.heap_live % mib ||
			    g.heap_goal % mib)
				die("gctrace: heap sizes not whole MiB >= 0");
		}
		if (nl)
			*nl = '\n';
	}
	/* the goroutine dump, from a stream over the raw bytes */
	FILE *f = fmemopen((void *)data, size ? size : 1, "r");
	if (f) {
		struct gor_dump d;
		int rc = gor_dump_parse(f, &d);
		fclose(f);
		if (rc == 1) {
			int64_t sum = 0;
			for (size_t i = 0; i < d.n; i++) {
				if (d.groups[i].count < 1)
					die("dump: a group of no goroutine");
				if (i && d.groups[i].count > d.groups[i - 1].count)
					die("dump: groups not sorted by count");
				sum += d.groups[i].count;
			}
			if (sum != d.total)
				die("dump: groups do not add up to the total");
			gor_dump_free(&d);
		} else if (rc == 0 && (d.total != 0 || d.groups)) {
			die("dump: no dump but a total or groups");
		}
	}
	/* Prometheus text and the pprof total */
	struct berr err = {0};
	if (prom_parse((const char *)data, size, on_sample, NULL, &err) != 0 &&
	    strncmp(err.msg, "line ", 5) != 0)
		die("prom_parse: a reason without its line");
	int64_t n;
	if (pprof_goroutine_total((const char *)data, size, &n) == 1 && n < 0)
		die("pprof total < 0");
	free(text);
	return 0;
}
