/* test_shard.c - slices of a run list (shard.h): "K/N" parsing, every run in
 * exactly one shard for every N, the slices of a known config spelled out (what
 * any machine must compute), the config digest against sha256sum of the same
 * text and independent of where the file lies, and the memory-ceiling check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "shard.h"
#include "units.h"

#define FIXTURE_NAME "shard"
#include "fixture.h"

static void load(const char *path, const char *text, struct config *cfg)
{
	write_text(path, text);
	assert_int_equal(config_load(path, cfg, stderr), 0);
}

static void test_parse(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int k, n; /* 0: refused */
	} cases[] = {
	    {"1/1", 1, 1},  {"3/5", 3, 5},  {"100000/100000", 100000, 100000},
	    {"0/3", 0, 0},  {"4/3", 0, 0},  {"3", 0, 0},
	    {"a/b", 0, 0},  {"1/0", 0, 0},  {"1/100001", 0, 0},
	    {"/3", 0, 0},   {"1/", 0, 0},   {"-1/3", 0, 0},
	    {"1/3x", 0, 0}, {" 1/3", 0, 0}, {"1/3/4", 0, 0},
	    {"", 0, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct shard sh = {0, 0};
		const char *why = NULL;
		int rc = shard_parse(cases[i].s, &sh, &why);
		if (cases[i].k) {
			assert_int_equal(rc, 0);
			assert_int_equal(sh.index, cases[i].k);
			assert_int_equal(sh.count, cases[i].n);
		} else {
			assert_int_equal(rc, -1);
			assert_non_null(why);
		}
	}
}

/* Every run of every list length in exactly one of N shards, the shards within
 * one run of each other in size. */
static void test_every_run_once(void **state)
{
	(void)state;
	for (int n = 1; n <= 12; n++) {
		for (size_t total = 0; total <= 40; total++) {
			size_t min = (size_t)-1, max = 0;
			for (int k = 1; k <= n; k++) {
				struct shard sh = {k, n};
				size_t c = 0;
				for (size_t j = 0; j < total; j++)
					c += shard_has(&sh, j);
				min = c < min ? c : min;
				max = c > max ? c : max;
			}
			assert_true(max - min <= 1);
			for (size_t j = 0; j < total; j++) {
				int owners = 0;
				for (int k = 1; k <= n; k++) {
					struct shard sh = {k, n};
					owners += shard_has(&sh, j);
				}
				assert_int_equal(owners, 1);
			}
		}
	}
}

/* The slices of abc, spelled out: what every machine computes from the config. */
static void test_known_slices(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof(path), "%s/abc.ini", tmpdir);
	struct config cfg;
	load(path, abc, &cfg);
	assert_int_equal(shard_total(&cfg), 6);
	static const char *const want[3] = {"a1 c1 ", "a2 c2 ", "b1 c3 "};
	for (int k = 1; k <= 3; k++) {
		struct shard sh = {k, 3};
		char got[256] = "";
		size_t j = 0;
		for (size_t i = 0; i < cfg.n_scenarios; i++)
			for (int r = 1; r <= cfg.scenarios[i].repetitions; r++, j++)
				if (shard_has(&sh, j))
					snprintf(got + strlen(got), sizeof(got) - strlen(got),
						 "%s%d ", cfg.scenarios[i].name, r);
		assert_string_equal(got, want[k - 1]);
		assert_int_equal(shard_runs(&sh, &cfg), 2);
	}
	struct shard s3 = {3, 3}, s1 = {1, 3};
	assert_true(shard_has_scenario(&s3, &cfg, 1));	/* b1 */
	assert_false(shard_has_scenario(&s1, &cfg, 1)); /* b is only in shard 3 */
	struct shard s5 = {5, 7};
	assert_int_equal(shard_runs(&s5, &cfg), 1); /* c2 */
	config_free(&cfg);
}

/* The digest is SHA-256 of the effective config (checked with sha256sum), the
 * same for a copy elsewhere, different when a value changes. */
static void test_digest(void **state)
{
	(void)state;
	char p1[256], p2[300], dir2[256], eff[256];
	snprintf(p1, sizeof(p1), "%s/abc.ini", tmpdir);
	snprintf(dir2, sizeof(dir2), "%s/elsewhere", tmpdir);
	mkdir(dir2, 0755);
	snprintf(p2, sizeof(p2), "%s/abc.ini", dir2);
	snprintf(eff, sizeof(eff), "%s/effective.ini", tmpdir);
	struct config c1, c2;
	load(p1, abc, &c1);
	load(p2, abc, &c2);
	char d1[SHARD_DIGEST_LEN], d2[SHARD_DIGEST_LEN];
	assert_int_equal(shard_digest(&c1, d1, sizeof(d1), NULL), 0);
	assert_int_equal(shard_digest(&c2, d2, sizeof(d2), NULL), 0);
	assert_string_equal(d1, d2);
	assert_int_equal(strlen(d1), 71);

	FILE *f = fopen(eff, "w");
	assert_non_null(f);
	assert_int_equal(config_write_effective(&c1, f), 0);
	fclose(f);
	char cmd[512], line[256] = "";
	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", eff);
	FILE *p = popen(cmd, "r");
	if (!p || !fgets(line, sizeof(line), p)) {
		if (p)
			pclose(p);
		fprintf(stderr, "note: no sha256sum (coreutils) here\n");
		skip();
	}
	pclose(p);
	line[64] = '\0';
	assert_string_equal(d1 + 7, line);
	assert_memory_equal(d1, "sha256:", 7);
	config_free(&c2);

	/* One value changed: another digest. */
	char changed[sizeof(abc) + 16];
	snprintf(changed, sizeof(changed), "%s", abc);
	char *m = strstr(changed, "100M");
	assert_non_null(m);
	m[0] = '2';
	load(p2, changed, &c2);
	assert_int_equal(shard_digest(&c2, d2, sizeof(d2), NULL), 0);
	assert_string_not_equal(d1, d2);
	config_free(&c1);
	config_free(&c2);
}

static void test_memory_check(void **state)
{
	(void)state;
	struct scenario sc;
	scenario_init(&sc);
	struct berr err = {0};
	const int64_t M = 1 << 20;
	/* no ceiling, no limit: nothing to check */
	assert_int_equal(shard_memory_check(&sc, BRINK_UNLIMITED, "x", &err), 0);
	assert_int_equal(shard_memory_check(&sc, 200 * M, "x", &err), 0);
	sc.lim.v[LIM_MEMORY] = 100 * M;
	assert_int_equal(shard_memory_check(&sc, BRINK_UNLIMITED, "x", &err), 0);
	assert_int_equal(shard_memory_check(&sc, 100 * M + SHARD_SELF_MEMORY, "x", &err), 0);
	assert_int_equal(shard_memory_check(&sc, 100 * M + SHARD_SELF_MEMORY - 1, "job", &err), -1);
	assert_non_null(strstr(err.msg, "memory 100 MiB is above"));
	assert_non_null(strstr(err.msg, "(job)"));
	sc.lim.v[LIM_MEMORY] = BRINK_UNLIMITED; /* memory = max under a ceiling */
	assert_int_equal(shard_memory_check(&sc, 1024 * M, "job", &err), -1);
	assert_non_null(strstr(err.msg, "memory max is above"));
	scenario_free(&sc);
}

/* A shard above the number of runs would be empty: refused, saying why; the
 * last shard that holds a run is accepted. A config's out holds the shards. */
static void test_nonempty_and_out(void **state)
{
	(void)state;
	char p[256], out[64];
	snprintf(p, sizeof(p), "%s/abc.ini", tmpdir);
	struct config cfg;
	load(p, abc, &cfg); /* 6 runs */
	struct berr err = {0};
	struct shard s6 = {6, 6}, s7 = {7, 7}, s1 = {1, 12};
	assert_int_equal(shard_check_nonempty(&s6, &cfg, &err), 0);
	assert_int_equal(shard_check_nonempty(&s1, &cfg, &err), 0);
	assert_int_equal(shard_check_nonempty(&s7, &cfg, &err), -1);
	assert_string_equal(err.msg, "shard 7 of 7 would hold no run: the config has 6 runs (cut "
				     "it into at most 6 shards)");
	assert_int_equal(shard_out_dir("/x", &s6, out, sizeof(out)), 0);
	assert_string_equal(out, "/x/shard-6-of-6");
	assert_int_equal(shard_out_dir("/x", &s6, out, 8), -1); /* too long */
	config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),	 cmocka_unit_test(test_every_run_once),
	    cmocka_unit_test(test_known_slices), cmocka_unit_test(test_digest),
	    cmocka_unit_test(test_memory_check), cmocka_unit_test(test_nonempty_and_out),
	};
	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
