/* test_sweep.c - sweep syntax (lists, ranges, steps), the matrix and its cap,
 * point names, and sweeps in configs with their FILE:LINE errors. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, open_memstream */
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "limit.h"
#include "sweep.h"
#include "units.h"

#define MiB (1LL << 20)

static void axis_ok(const char *key, const char *spec, size_t n, const int64_t *want,
		    const char *const *labels)
{
	struct sweep_axis ax;
	const char *why = NULL;
	int rc = sweep_axis_parse(&ax, key, limits_find(key), spec, &why);
	if (rc != 0)
		fail_msg("%s = %s: %s", key, spec, why);
	assert_int_equal(ax.n, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(ax.v[i], want[i]);
		if (labels)
			assert_string_equal(ax.label[i], labels[i]);
	}
	sweep_axis_free(&ax);
}

static void test_lists_and_ranges(void **state)
{
	(void)state;
	axis_ok("memory", "32M, 64M, 128M", 3, (int64_t[]){32 * MiB, 64 * MiB, 128 * MiB},
		(const char *[]){"032M", "064M", "128M"});
	/* The common unit of the axis names the values: 512K and 1M -> K. */
	axis_ok("memory", "512K,1M", 2, (int64_t[]){512 << 10, 1024 << 10},
		(const char *[]){"0512K", "1024K"});
	/* Geometric: powers of two up to 16384, then HI itself. */
	axis_ok("nofile", "256..20000 x2", 8,
		(int64_t[]){256, 512, 1024, 2048, 4096, 8192, 16384, 20000},
		(const char *[]){"00256", "00512", "01024", "02048", "04096", "08192", "16384",
				 "20000"});
	/* Arithmetic that lands on HI: HI once. */
	axis_ok("pids", "16..128 +16", 8, (int64_t[]){16, 32, 48, 64, 80, 96, 112, 128}, NULL);
	/* A step in the limit's unit; a factor with decimals. */
	axis_ok("memory", "4M..10M +4M", 3, (int64_t[]){4 * MiB, 8 * MiB, 10 * MiB},
		(const char *[]){"04M", "08M", "10M"});
	axis_ok("nofile", "10..30 x1.5", 4, (int64_t[]){10, 15, 22, 30}, NULL);
	/* Factors that round to the same value still advance. */
	axis_ok("pids", "1..4 x1.1", 4, (int64_t[]){1, 2, 3, 4}, NULL);
	axis_ok("cpu-time", "1s..3s +1s", 3, (int64_t[]){1000000000LL, 2000000000LL, 3000000000LL},
		(const char *[]){"1s", "2s", "3s"});
	axis_ok("memory", "64M, max", 2, (int64_t[]){64 * MiB, BRINK_UNLIMITED},
		(const char *[]){"64M", "max"});
	/* Placeholders: words, numbers zero-padded in names. */
	struct sweep_axis ax;
	const char *why;
	assert_int_equal(sweep_axis_parse(&ax, "workers", -1, "1, 2, 4, 16", &why), 0);
	assert_int_equal(ax.n, 4);
	assert_string_equal(ax.word[3], "16");
	assert_string_equal(ax.label[0], "01");
	sweep_axis_free(&ax);
	assert_int_equal(sweep_axis_parse(&ax, "mode", -1, "fast,slow", &why), 0);
	assert_string_equal(ax.label[1], "slow");
	sweep_axis_free(&ax);
	assert_int_equal(sweep_axis_parse(&ax, "n", -1, "8..32 x2", &why), 0);
	assert_int_equal(ax.n, 3);
	assert_string_equal(ax.word[2], "32");
	sweep_axis_free(&ax);
}

static void axis_bad(const char *key, const char *spec, const char *why_part)
{
	struct sweep_axis ax;
	const char *why = NULL;
	int lim = limits_find(key);
	if (sweep_axis_parse(&ax, key, lim, spec, &why) == 0) {
		sweep_axis_free(&ax);
		fail_msg("%s = %s was accepted", key, spec);
	}
	assert_non_null(why);
	if (!strstr(why, why_part))
		fail_msg("%s = %s: \"%s\" does not say \"%s\"", key, spec, why, why_part);
}

static void test_bad_specs(void **state)
{
	(void)state;
	axis_bad("memory", "32M,,64M", "between each pair of commas");
	axis_bad("memory", "32M,64X", "expected");
	axis_bad("memory", "32M,32M", "each value once");
	axis_bad("memory", "4M..1G", "needs a step");
	axis_bad("memory", "1G..4M x2", "LO below HI");
	axis_bad("nofile", "256..4096 x1", "factor above 1");
	axis_bad("nofile", "256..4096 x0.5", "factor above 1");
	axis_bad("pids", "16..128 +0", "above 0");
	axis_bad("nofile", "4..100003 +1", "more than 1000 values");
	axis_bad("memory", "32M, 64M..1G x2", "not both");
	axis_bad("workers", "a b, c", "letters, digits");
	axis_bad("memory", "4M..max x2", "");
}

static void test_matrix_cap(void **state)
{
	(void)state;
	struct sweep_axis ax[2];
	const char *why;
	assert_int_equal(sweep_axis_parse(&ax[0], "nofile", LIM_NOFILE, "4..103 +1", &why), 0);
	assert_int_equal(sweep_axis_parse(&ax[1], "pids", LIM_PIDS, "1..11 +1", &why), 0);
	size_t n = 0;
	assert_int_equal(sweep_matrix_size(ax, 1, &n, &why), 0);
	assert_int_equal(n, 100);
	assert_int_equal(sweep_matrix_size(ax, 2, &n, &why), -1);
	assert_string_equal(why, "the sweeps make a matrix of 100 nofile x 11 pids values, more "
				 "than 1000 points (use fewer values or larger steps)");
	sweep_axis_free(&ax[0]);
	sweep_axis_free(&ax[1]);
}

static void test_points(void **state)
{
	(void)state;
	struct scenario base;
	scenario_init(&base);
	const char *why;
	assert_int_equal(scenario_set(&base, "command", "./server --workers {workers} -v", &why),
			 0);
	snprintf(base.name, sizeof(base.name), "server");
	struct sweep_axis ax[2];
	assert_int_equal(sweep_axis_parse(&ax[0], "memory", LIM_MEMORY, "64M,128M", &why), 0);
	assert_int_equal(sweep_axis_parse(&ax[1], "workers", -1, "1,2,4", &why), 0);
	struct scenario p;
	/* Point 4: memory index 1, workers index 1 (the last axis fastest). */
	assert_int_equal(sweep_point(&base, ax, 2, 4, &p, &why), 0);
	assert_string_equal(p.name, "server.memory=128M.workers=2");
	assert_string_equal(p.sweep_of, "server");
	assert_int_equal(p.lim.v[LIM_MEMORY], 128 * MiB);
	assert_string_equal(p.argv[2], "2");
	assert_string_equal(p.command, "./server --workers 2 -v");
	assert_int_equal(p.n_sweep, 2);
	assert_string_equal(p.sweep[0].value, "134217728");
	assert_string_equal(p.sweep[1].value, "2");
	assert_true(config_name_valid(p.name));
	scenario_free(&p);
	/* A name that would pass 63 characters is refused. */
	snprintf(base.name, sizeof(base.name), "%s",
		 "a-rather-long-scenario-name-of-fifty-characters-xx");
	assert_int_equal(sweep_point(&base, ax, 2, 0, &p, &why), -1);
	assert_non_null(strstr(why, "longer than 63 characters"));
	sweep_axis_free(&ax[0]);
	sweep_axis_free(&ax[1]);
	scenario_free(&base);
}

/* ---- configs ---- */

static char tmpdir[] = "/tmp/brink-test-sweep-XXXXXX";

static char *load(const char *text, struct config *cfg, int *nerr)
{
	char *path, *out = NULL;
	size_t len = 0;
	assert_true(asprintf(&path, "%s/s.ini", tmpdir) > 0);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	FILE *errs = open_memstream(&out, &len);
	*nerr = config_load(path, cfg, errs);
	fclose(errs);
	unlink(path);
	/* The path replaced by F, so that messages can be compared whole. */
	char *r = malloc(strlen(out) + 1), *o = r;
	for (const char *p = out; *p;) {
		if (strncmp(p, path, strlen(path)) == 0) {
			*o++ = 'F';
			p += strlen(path);
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	free(out);
	free(path);
	return r;
}

static void test_config_matrix(void **state)
{
	(void)state;
	struct config cfg;
	int nerr;
	char *msgs = load("[defaults]\nmemory = 32M, 64M\n"
			  "[scenario srv]\ncommand = ./srv -w {workers}\nworkers = 1..4 x2\n"
			  "nofile = 100\n"
			  "[scenario plain]\ncommand = /bin/true\nmemory = 16M\n",
			  &cfg, &nerr);
	assert_string_equal(msgs, "");
	assert_int_equal(nerr, 0);
	free(msgs);
	assert_int_equal(cfg.n_scenarios, 7);
	const char *names[] = {"srv.memory=32M.workers=1",
			       "srv.memory=32M.workers=2",
			       "srv.memory=32M.workers=4",
			       "srv.memory=64M.workers=1",
			       "srv.memory=64M.workers=2",
			       "srv.memory=64M.workers=4",
			       "plain"};
	for (size_t i = 0; i < 7; i++)
		assert_string_equal(cfg.scenarios[i].name, names[i]);
	assert_int_equal(cfg.scenarios[5].lim.v[LIM_NOFILE], 100);
	assert_string_equal(cfg.scenarios[5].argv[2], "4");
	/* The scenario's own value wins over the [defaults] sweep. */
	assert_int_equal(cfg.scenarios[6].lim.v[LIM_MEMORY], 16 * MiB);
	assert_int_equal(cfg.scenarios[6].n_sweep, 0);
	struct sweep_columns cols;
	sweep_columns_of(&cfg, &cols);
	assert_int_equal(cols.n, 2);
	assert_string_equal(cols.key[0], "memory");
	assert_string_equal(cols.key[1], "workers");

	/* The effective config loads back as the same points. */
	char *eff = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&eff, &len);
	assert_int_equal(config_write_effective(&cfg, f), 0);
	fclose(f);
	config_free(&cfg);
	msgs = load(eff, &cfg, &nerr);
	assert_string_equal(msgs, "");
	assert_int_equal(cfg.n_scenarios, 7);
	assert_string_equal(cfg.scenarios[4].name, names[4]);
	assert_string_equal(cfg.scenarios[4].command, "./srv -w 2");
	free(msgs);
	free(eff);
	config_free(&cfg);
}

static void test_config_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text, *msg;
	} cases[] = {
	    {"[scenario a]\ncommand = x\nmemory = 32M,,64M\n",
	     "F:3: [scenario a] memory: \"32M,,64M\" is not a sweep (expected a value between "
	     "each pair of commas)\n"},
	    {"[scenario a]\ncommand = x\nnofile = 256..4096\n",
	     "F:3: [scenario a] nofile: \"256..4096\" is not a sweep (a range needs a step: "
	     "LO..HI xFACTOR (geometric) or LO..HI +STEP (arithmetic))\n"},
	    {"[defaults]\nmemory = 1G..4M x2\n[scenario a]\ncommand = x\n",
	     "F:2: [defaults] memory: \"1G..4M x2\" is not a sweep (expected LO below HI in "
	     "LO..HI)\n"},
	    {"[scenario a]\ncommand = x {n}\nworkers = 4\n",
	     "F:3: [scenario a] workers: unknown key (expected command, shell, memory, pids, "
	     "cpus, nofile, nproc, as, data, stack, core, cpu-time, interval, timeout, "
	     "repetitions, exit-stop, log-cap, user, expect, leak-warmup, leak-rss-slope, "
	     "leak-fd-slope, leak-thread-slope, cwd, env, load, ready, ready-timeout, stop-grace, "
	     "duration, go-runtime, metrics-url, metrics-interval, metrics)\n"},
	    {"[scenario a]\ncommand = x\nnofile = 4..103 +1\npids = 1..20 +1\n",
	     "F:1: [scenario a]: the sweeps make a matrix of 20 pids x 100 nofile values, more "
	     "than 1000 points (use fewer values or larger steps)\n"},
	    {"[scenario a]\ncommand = x {n}\nn = 1\nn = 2\n",
	     "F:4: [scenario a] n: given twice (first at line 3)\n"},
	    /* A point's name is another scenario's: before or after it. */
	    {"[scenario a]\ncommand = x\nmemory = 32M, 64M\n[scenario a.memory=32M]\ncommand = "
	     "x\n",
	     "F:4: [scenario a.memory=32M]: duplicate scenario name \"a.memory=32M\": also a "
	     "point of [scenario a] at line 1\n"},
	    {"[scenario a.memory=64M]\ncommand = x\n[scenario a]\ncommand = x\nmemory = 32M, "
	     "64M\n",
	     "F:3: [scenario a]: duplicate scenario name \"a.memory=64M\" (a point of this "
	     "sweep): also [scenario a.memory=64M] at line 1\n"},
	    /* [search] sets the limit it searches: a scenario's value of it is refused. */
	    {"[search]\nresource = nofile\nrange = 16..64\n[scenario a]\ncommand = x\nnofile = "
	     "10, 20\n",
	     "F:6: [scenario a] nofile: [search] (line 1) searches nofile and sets it for every "
	     "run: remove one\n"},
	    {"[defaults]\nworkers = 1,2\n[scenario a]\ncommand = x\n",
	     "F:2: [defaults] workers: unknown key (expected command, shell, memory, pids, "
	     "cpus, nofile, nproc, as, data, stack, core, cpu-time, interval, timeout, "
	     "repetitions, exit-stop, log-cap, user, expect, leak-warmup, leak-rss-slope, "
	     "leak-fd-slope, leak-thread-slope, cwd, env, load, ready, ready-timeout, stop-grace, "
	     "duration, go-runtime, metrics-url, metrics-interval, metrics)\n"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct config cfg;
		int nerr;
		char *msgs = load(cases[i].text, &cfg, &nerr);
		if (strcmp(msgs, cases[i].msg) != 0)
			fail_msg("case %zu:\n got: %s\nwant: %s", i, msgs, cases[i].msg);
		assert_int_equal(nerr, 1);
		free(msgs);
		config_free(&cfg);
	}
}

static void test_config_search(void **state)
{
	(void)state;
	struct config cfg;
	int nerr;
	char *msgs = load("[search]\nresource = memory\nrange = 4M..1G\nresolution = 2%\n"
			  "[scenario a]\ncommand = x\n",
			  &cfg, &nerr);
	assert_string_equal(msgs, "");
	free(msgs);
	assert_true(cfg.search.set);
	assert_int_equal(cfg.search.lim, LIM_MEMORY);
	assert_int_equal(cfg.search.lo, 4 * MiB);
	assert_int_equal(cfg.search.hi, 1024 * MiB);
	assert_int_equal(cfg.search.resolution, 0);
	assert_int_equal(cfg.search.res_ppm, 20000);
	config_free(&cfg);
	msgs = load("[search]\nresource = nofile\nrange = 16..4096\n[scenario a]\ncommand = x\n",
		    &cfg, &nerr);
	assert_string_equal(msgs, "");
	free(msgs);
	assert_int_equal(cfg.search.resolution, 1); /* counts: exact by default */
	config_free(&cfg);
	msgs = load("[search]\nresource = threads\nrange = 1..2\n[scenario a]\ncommand = x\n"
		    "[search]\n",
		    &cfg, &nerr);
	assert_string_equal(msgs, "F:2: [search] resource: \"threads\" is not a resource "
				  "(expected memory, pids, nofile, as, data, stack or cpu-time)\n"
				  "F:6: [search]: given twice (first at line 1)\n");
	free(msgs);
	config_free(&cfg);
	msgs = load("[search]\nrange = 1..2\nresolution = 0\n[scenario a]\ncommand = x\n", &cfg,
		    &nerr);
	assert_string_equal(msgs, "F:1: [search]: expected resource = RESOURCE and range = LO..HI "
				  "(resolution is optional)\n");
	free(msgs);
	config_free(&cfg);
}

int main(void)
{
	if (!mkdtemp(tmpdir))
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lists_and_ranges), cmocka_unit_test(test_bad_specs),
	    cmocka_unit_test(test_matrix_cap),	     cmocka_unit_test(test_points),
	    cmocka_unit_test(test_config_matrix),    cmocka_unit_test(test_config_errors),
	    cmocka_unit_test(test_config_search),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(tmpdir);
	return rc;
}
