/* test_merge.c - `brink merge` on shard results built here the way brink run
 * writes them (config_write_effective, a [machine] probe, shard_write_ini, the
 * real summary writer, run folders): a merge of the three shards of a config, in
 * any order, equals the unsharded result (rows, config, folders); missing, overlapping, mismatched
 * and incomplete shards are refused with the shard named and nothing written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"
#include "merge.h"
#include "record.h"
#include "result.h"
#include "shard.h"

#define FIXTURE_NAME "merge"
#include "fixture.h"

static char err_out[65536]; /* stderr of the last merge() */

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	static char bufs[4][65536];
	static int next;
	char *b = bufs[next++ % 4];
	size_t n = fread(b, 1, sizeof(bufs[0]) - 1, f);
	b[n] = '\0';
	fclose(f);
	return b;
}

struct opts {
	const char *config;	    /* text; abc by default */
	int skip_rep;		    /* leave this run (scenario c, this rep) out of summary.csv */
	const char *expect_failure; /* on row a/1 */
};

/* A result of `brink run --shard K/N` of the config (N = 1: unsharded), at dir. */
static void make_result(const char *dir, int k, int n, const struct opts *o)
{
	char path[1024];
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s.ini", dir);
	write_text(path, o && o->config ? o->config : abc);
	struct config cfg;
	assert_int_equal(config_load(path, &cfg, stderr), 0);
	struct shard sh = {k, n};
	char digest[SHARD_DIGEST_LEN];
	assert_int_equal(shard_digest(&cfg, digest, sizeof(digest), NULL), 0);

	snprintf(path, sizeof(path), "%s/run.ini", dir);
	FILE *ini = fopen(path, "w");
	assert_non_null(ini);
	config_write_effective(&cfg, ini);
	fprintf(ini, "\n[machine]\nkernel = test kernel of shard %d\ncpus = %d\n", k, k);
	shard_write_ini(ini, &sh, digest, shard_runs(&sh, &cfg), shard_total(&cfg));
	fclose(ini);

	struct csv sum = {0};
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	assert_int_equal(csv_open(&sum, path, summary_header, NULL), 0);
	size_t j = 0;
	for (size_t i = 0; i < cfg.n_scenarios; i++) {
		for (int rep = 1; rep <= cfg.scenarios[i].repetitions; rep++, j++) {
			if (!shard_has(&sh, j))
				continue;
			if (o && o->skip_rep == rep && strcmp(cfg.scenarios[i].name, "c") == 0)
				continue;
			struct run_result r;
			run_result_init(&r);
			snprintf(r.scenario, sizeof(r.scenario), "%s", cfg.scenarios[i].name);
			r.rep = rep;
			r.exit_code = 0;
			r.duration_s = 1.5;
			r.peak_fds = 100 * (int64_t)i + rep; /* names the run */
			snprintf(r.exec_error, sizeof(r.exec_error), "a, \"quoted\" field");
			if (o && o->expect_failure && i == 0 && rep == 1)
				snprintf(r.expect_failure, sizeof(r.expect_failure), "%s",
					 o->expect_failure);
			summary_put_row(sum.f, &r);
			/* the run folder: samples.csv naming the run, a work/ with a
			 * file and a link */
			char rd[512];
			snprintf(rd, sizeof(rd), "%s/%s", dir, r.scenario);
			mkdir(rd, 0755);
			snprintf(rd, sizeof(rd), "%s/%s/%d", dir, r.scenario, rep);
			mkdir(rd, 0755);
			snprintf(path, sizeof(path), "%s/samples.csv", rd);
			char text[128];
			snprintf(text, sizeof(text), "t_s\n%s %d\n", r.scenario, rep);
			write_text(path, text);
			snprintf(path, sizeof(path), "%s/work", rd);
			mkdir(path, 0755);
			snprintf(path, sizeof(path), "%s/work/data", rd);
			write_text(path, "data\n");
			snprintf(path, sizeof(path), "%s/work/link", rd);
			assert_int_equal(symlink("data", path), 0);
			snprintf(path, sizeof(path), "%s/work/read-only", rd);
			assert_int_equal(mkdir(path, 0555), 0);
		}
	}
	assert_int_equal(csv_commit(&sum, NULL), 0);
	config_free(&cfg);
}

static char out_out[65536]; /* stdout of the last merge_loud() */

/* The file at path into buf (NUL-terminated; "" when it cannot be read). */
static void read_into(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, len - 1, f) : 0;
	buf[n] = '\0';
	if (f)
		fclose(f);
}

/* brink merge --no-plots [--quiet] ARGS: exit status, stderr in err_out (and
 * stdout in out_out when not quiet). */
static int merge_v(bool quiet, const char *first, va_list ap)
{
	char *argv[32] = {"merge", "--no-plots", "--quiet"};
	int argc = quiet ? 3 : 2;
	for (const char *a = first; a && argc < 31; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	argv[argc] = NULL;
	char path[600], opath[600];
	snprintf(path, sizeof(path), "%s/stderr", tmpdir);
	snprintf(opath, sizeof(opath), "%s/stdout", tmpdir);
	fflush(stderr);
	fflush(stdout);
	int saved = dup(2), osaved = dup(1);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int ofd = open(opath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(saved >= 0 && fd >= 0 && osaved >= 0 && ofd >= 0);
	dup2(fd, 2);
	close(fd);
	if (!quiet)
		dup2(ofd, 1);
	close(ofd);
	int rc = cmd_merge(argc, argv);
	fflush(stderr);
	fflush(stdout);
	dup2(saved, 2);
	dup2(osaved, 1);
	close(saved);
	close(osaved);
	read_into(path, err_out, sizeof(err_out));
	read_into(opath, out_out, sizeof(out_out));
	return rc;
}

static int merge(const char *first, ...)
{
	va_list ap;
	va_start(ap, first);
	int rc = merge_v(true, first, ap);
	va_end(ap);
	return rc;
}

static int merge_loud(const char *first, ...)
{
	va_list ap;
	va_start(ap, first);
	int rc = merge_v(false, first, ap);
	va_end(ap);
	return rc;
}

static char d_all[300], d1[300], d2[300], d3[300];

static void paths(const char *tag)
{
	snprintf(d_all, sizeof(d_all), "%s/%s-all", tmpdir, tag);
	snprintf(d1, sizeof(d1), "%s/%s-s1", tmpdir, tag);
	snprintf(d2, sizeof(d2), "%s/%s-s2", tmpdir, tag);
	snprintf(d3, sizeof(d3), "%s/%s-s3", tmpdir, tag);
}

/* The config part of a run.ini: before the first [machine...] or [shard]. */
static const char *config_part(const char *dir)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/run.ini", dir);
	char *t = read_text(path);
	assert_non_null(t);
	char *m = strstr(t, "\n[machine");
	char *s = strstr(t, "\n[shard]");
	char *end = m && (!s || m < s) ? m : s;
	assert_non_null(end);
	while (end > t && end[-1] == '\n')
		end--;
	*end = '\0';
	return t;
}

static void test_merge_equals_unsharded(void **state)
{
	(void)state;
	paths("ok");
	make_result(d_all, 1, 1, NULL);
	make_result(d1, 1, 3, NULL);
	make_result(d2, 2, 3, NULL);
	make_result(d3, 3, 3, NULL);
	char out[400], out12[400], p[600], q[700];
	snprintf(out, sizeof(out), "%s/ok-merged", tmpdir);
	/* any order of the directories */
	assert_int_equal(merge(out, d3, d1, d2, NULL), 0);
	snprintf(p, sizeof(p), "%s/summary.csv", out);
	snprintf(q, sizeof(q), "%s/summary.csv", d_all);
	static char want[65536]; /* read_text's buffers are reused */
	char *got = read_text(p);
	snprintf(want, sizeof(want), "%s", read_text(q));
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_string_equal(config_part(out), config_part(d_all));
	/* every run's folder, from the shard that ran it */
	static const char *const runs[] = {"a/1", "a/2", "b/1", "c/1", "c/2", "c/3"};
	for (size_t i = 0; i < 6; i++) {
		char text[64];
		snprintf(p, sizeof(p), "%s/%s/samples.csv", out, runs[i]);
		snprintf(text, sizeof(text), "t_s\n%.1s %s\n", runs[i], runs[i] + 2);
		got = read_text(p);
		assert_non_null(got);
		assert_string_equal(got, text);
		snprintf(p, sizeof(p), "%s/%s/work/link", out, runs[i]);
		char target[16] = "";
		assert_int_equal(readlink(p, target, sizeof(target) - 1), 4);
		assert_string_equal(target, "data");
		struct stat st;
		snprintf(p, sizeof(p), "%s/%s/work/read-only", out, runs[i]);
		assert_int_equal(stat(p, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0555);
	}
	/* run.ini: the whole set, each shard's probe */
	snprintf(p, sizeof(p), "%s/run.ini", out);
	got = read_text(p);
	assert_non_null(strstr(got, "\n[shard]\n"));
	assert_non_null(strstr(got, "\ncount = 3\nshards = 1,2,3\nruns = 6\ntotal = 6\n"));
	for (int k = 1; k <= 3; k++) {
		char sec[128];
		snprintf(sec, sizeof(sec),
			 "[machine shard %d]\nkernel = test kernel of shard %d\ncpus = %d\n", k, k,
			 k);
		assert_non_null(strstr(got, sec));
	}
	struct config cfg;
	assert_int_equal(config_load(p, &cfg, stderr), 0); /* still loads as a config */
	config_free(&cfg);

	/* a part of the set alone is refused */
	snprintf(out12, sizeof(out12), "%s/ok-12", tmpdir);
	assert_int_equal(merge(out12, d1, d2, NULL), 2); /* shard 3 missing */
	assert_int_equal(access(out12, F_OK), -1);	 /* nothing written */
	/* an unsharded result is shard 1 of 1 and merges alone */
	snprintf(p, sizeof(p), "%s/ok-alone", tmpdir);
	assert_int_equal(merge(p, d_all, NULL), 0);
	snprintf(q, sizeof(q), "%s/summary.csv", p);
	assert_string_equal(read_text(q), want);
}

static void test_refusals(void **state)
{
	(void)state;
	paths("bad");
	make_result(d1, 1, 3, NULL);
	make_result(d2, 2, 3, NULL);
	make_result(d3, 3, 3, NULL);
	char out[400], other[400], four[400], part[400];
	snprintf(out, sizeof(out), "%s/bad-merged", tmpdir);

	/* missing: named */
	assert_int_equal(merge(out, d1, d3, NULL), 2);
	assert_non_null(strstr(err_out, "missing shard 2 of 3"));
	assert_int_equal(merge(out, d2, NULL), 2);
	assert_non_null(strstr(err_out, "missing shards 1, 3 of 3"));

	/* overlapping: the same shard twice */
	assert_int_equal(merge(out, d1, d2, d2, d3, NULL), 2);
	assert_non_null(strstr(err_out, "shard 2 of 3 is in both"));

	/* another config (one value differs) */
	snprintf(other, sizeof(other), "%s/bad-other", tmpdir);
	char changed[sizeof(abc)];
	snprintf(changed, sizeof(changed), "%s", abc);
	strstr(changed, "100M")[0] = '2';
	struct opts o = {.config = changed};
	make_result(other, 2, 3, &o);
	assert_int_equal(merge(out, d1, other, d3, NULL), 2);
	assert_non_null(strstr(err_out, "were made from different configs"));
	assert_non_null(strstr(err_out, other));

	/* the same config cut differently */
	snprintf(four, sizeof(four), "%s/bad-four", tmpdir);
	make_result(four, 2, 4, NULL);
	assert_int_equal(merge(out, d1, four, d3, NULL), 2);
	assert_non_null(strstr(err_out, "different numbers of shards (3 and 4)"));

	/* a shard whose brink stopped early: a run missing from its summary */
	snprintf(part, sizeof(part), "%s/bad-partial", tmpdir);
	struct opts skip = {.skip_rep = 3}; /* c3 is shard 3's */
	make_result(part, 3, 3, &skip);
	assert_int_equal(merge(out, d1, d2, part, NULL), 2);
	assert_non_null(strstr(err_out, "is incomplete: 1 of its 2 runs are missing"));
	assert_non_null(strstr(err_out, "scenario c rep 3"));

	/* not a result */
	assert_int_equal(merge(out, d1, d2, tmpdir, NULL), 2);
	assert_non_null(strstr(err_out, "/run.ini"));
	assert_int_equal(access(out, F_OK), -1); /* nothing written by any of these */

	/* OUT not empty */
	assert_int_equal(merge(d1, d2, d3, NULL), 2);
	assert_int_equal(merge(out, NULL), 2); /* no DIR */
}

/* A row that failed its expectation: merged, exit 1 as brink run would. */
static void test_expectation_failure(void **state)
{
	(void)state;
	paths("exp");
	struct opts o = {.expect_failure = "expected leak"};
	make_result(d1, 1, 2, &o);
	make_result(d2, 2, 2, NULL);
	char out[400], p[600];
	snprintf(out, sizeof(out), "%s/exp-merged", tmpdir);
	assert_int_equal(merge(out, d1, d2, NULL), 1);
	snprintf(p, sizeof(p), "%s/summary.csv", out);
	assert_non_null(strstr(read_text(p), "expected leak"));
}

/* Why a merge exits 1: the final line of brink run (runs, outcomes,
 * expectations met and failed) and the failing run named with its shard. */
static void test_final_line(void **state)
{
	(void)state;
	paths("fin");
	/* a and c expect a clean exit; a/1's row says the expectation failed */
	static const char cfg[] = "[brink]\nname = fin\n"
				  "[scenario a]\ncommand = /bin/true\nrepetitions = 2\n"
				  "expect = no-leak breaks=none\n"
				  "[scenario b]\ncommand = /bin/true\nmemory = 100M\n"
				  "[scenario c]\ncommand = /bin/true\nrepetitions = 3\n"
				  "expect = no-leak breaks=none\n";
	struct opts o = {.config = cfg, .expect_failure = "expected no leak, got a leak"};
	struct opts plain = {.config = cfg};
	make_result(d1, 1, 2, &o);
	make_result(d2, 2, 2, &plain);
	char out[400], line[1200];
	snprintf(out, sizeof(out), "%s/fin-merged", tmpdir);
	assert_int_equal(merge_loud(out, d1, d2, NULL), 1);
	snprintf(line, sizeof(line),
		 "brink: 6 runs: 6 exited; expectations: 4 met, 1 failed; results in %s, report "
		 "%s/report.html\n",
		 out, out);
	assert_non_null(strstr(out_out, line));
	snprintf(line, sizeof(line),
		 "    a/1 (from %s): expectation failed: expected no leak, got a leak\n", d1);
	assert_non_null(strstr(out_out, line));
	/* --quiet: nothing on stdout, the failing run on stderr */
	snprintf(out, sizeof(out), "%s/fin-quiet", tmpdir);
	assert_int_equal(merge(out, d1, d2, NULL), 1);
	assert_non_null(strstr(err_out, line));
}

/* Shards of copies of one config under two file names (no name key): the
 * digests differ, and the message says it is the name, with the lines. */
static void test_name_differs(void **state)
{
	(void)state;
	paths("nm");
	static const char noname[] = "[scenario a]\ncommand = /bin/true\nrepetitions = 2\n";
	struct opts o = {.config = noname};
	make_result(d1, 1, 2, &o); /* named nm-s1 after its file nm-s1.ini */
	make_result(d2, 2, 2, &o); /* nm-s2 */
	char out[400], want[800];
	snprintf(out, sizeof(out), "%s/nm-merged", tmpdir);
	assert_int_equal(merge(out, d1, d2, NULL), 2);
	assert_non_null(strstr(err_out, "were made from different configs"));
	snprintf(want, sizeof(want), "%s has \"name = nm-s1\", %s has \"name = nm-s2\"", d1, d2);
	assert_non_null(strstr(err_out, want));
	assert_non_null(strstr(err_out, "named after its file"));
	assert_int_equal(access(out, F_OK), -1);
}

/* A run folder missing from a shard (its row is in summary.csv): the set is
 * incomplete, refused with exit 2 and nothing written. */
static void test_missing_folder(void **state)
{
	(void)state;
	paths("fold");
	make_result(d1, 1, 3, NULL);
	make_result(d2, 2, 3, NULL);
	make_result(d3, 3, 3, NULL);
	char out[400], cmd[700], want[1200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/a/2'", d2); /* a2 is shard 2's */
	assert_int_equal(system(cmd), 0);
	snprintf(out, sizeof(out), "%s/fold-merged", tmpdir);
	assert_int_equal(merge(out, d1, d2, d3, NULL), 2);
	snprintf(want, sizeof(want),
		 "%s is incomplete: %s/a/2 is missing (its row is %s/summary.csv:2)", d2, d2, d2);
	assert_non_null(strstr(err_out, want));
	assert_int_equal(access(out, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_merge_equals_unsharded), cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_expectation_failure),	   cmocka_unit_test(test_final_line),
	    cmocka_unit_test(test_name_differs),	   cmocka_unit_test(test_missing_folder),
	};
	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
