/* test_slurm.c - the scripts `brink slurm` writes, read as sbatch would read
 * their #SBATCH lines: an option after -- replaces brink's own request in both
 * scripts (memory, CPUs in every spelling, --exclusive with --mem=0), brink's
 * own job-shape options are refused naming why, other options pass to both
 * jobs, and scripts that cannot work are refused before anything is written
 * (a memory option below the largest limit + brink's share, a command that
 * is not found, a partition or path an #SBATCH line cannot carry, more shards
 * than runs). */
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

#include "slurm.h"

static char tmpdir[] = "/tmp/brink-test-slurm-XXXXXX";
static char cfg_path[256], out_dir[300];
static char err_out[16384];

/* 3 runs; the largest memory limit 40M (48M + 64M = 112M would be asked) */
static const char lim[] = "[defaults]\nmemory = 40M\n"
			  "[scenario fd]\ncommand = /bin/true\nrepetitions = 2\n"
			  "[scenario mem]\ncommand = /bin/true\nmemory = 24M\n";

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(cfg_path, sizeof(cfg_path), "%s/lim.ini", tmpdir);
	FILE *f = fopen(cfg_path, "w");
	if (!f)
		return -1;
	fputs(lim, f);
	return fclose(f);
}

static int teardown(void **state)
{
	(void)state;
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* brink slurm --shards 3 --out TMP/TAG CONFIG [-- ARGS...]; stdout to
 * /dev/null, stderr in err_out. The exit status. */
static int slurm(const char *tag, const char *config, const char *first, ...)
{
	char *argv[40] = {"slurm", "--shards", "3", "--out", out_dir};
	int argc = 5;
	snprintf(out_dir, sizeof(out_dir), "%s/%s", tmpdir, tag);
	argv[argc++] = (char *)config;
	va_list ap;
	va_start(ap, first);
	if (first)
		argv[argc++] = "--";
	for (const char *a = first; a && argc < 39; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	char path[400];
	snprintf(path, sizeof(path), "%s/stderr", tmpdir);
	fflush(stdout);
	fflush(stderr);
	int se = dup(2), so = dup(1);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int nul = open("/dev/null", O_WRONLY);
	assert_true(se >= 0 && so >= 0 && fd >= 0 && nul >= 0);
	dup2(fd, 2);
	dup2(nul, 1);
	close(fd);
	close(nul);
	int rc = cmd_slurm(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(se, 2);
	dup2(so, 1);
	close(se);
	close(so);
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(err_out, 1, sizeof(err_out) - 1, f) : 0;
	err_out[n] = '\0';
	if (f)
		fclose(f);
	return rc;
}

/* The #SBATCH lines of OUT/script whose option starts with `prefix`, joined
 * by '|' ("--mem=112M|"). */
static const char *sbatch_lines(const char *script, const char *prefix)
{
	static char buf[4096];
	char path[400], line[512];
	snprintf(path, sizeof(path), "%s/%s", out_dir, script);
	buf[0] = '\0';
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "#SBATCH ", 8) != 0 || strncmp(line + 8, prefix, strlen(prefix)))
			continue;
		line[strcspn(line, "\n")] = '\0';
		strncat(buf, line + 8, sizeof(buf) - strlen(buf) - 2);
		strcat(buf, "|");
	}
	fclose(f);
	return buf;
}

/* sbatch's resource options as both scripts ask for them */
static void expect_resources(const char *shards, const char *merge)
{
	char got[1024];
	snprintf(got, sizeof(got), "%s", sbatch_lines("shards.sbatch", "--mem"));
	strcat(got, sbatch_lines("shards.sbatch", "--cpus"));
	strcat(got, sbatch_lines("shards.sbatch", "--excl"));
	assert_string_equal(got, shards);
	snprintf(got, sizeof(got), "%s", sbatch_lines("merge.sbatch", "--mem"));
	strcat(got, sbatch_lines("merge.sbatch", "--cpus"));
	strcat(got, sbatch_lines("merge.sbatch", "--excl"));
	assert_string_equal(got, merge);
}

static void test_brinks_own_request(void **state)
{
	(void)state;
	assert_int_equal(slurm("own", cfg_path, NULL), 0);
	expect_resources("--mem=104M|--cpus-per-task=2|", "--mem=256M|");
}

/* Issue: -- --mem-per-cpu=500M went into merge.sbatch beside --mem=256M. */
static void test_memory_replaces_in_both(void **state)
{
	(void)state;
	assert_int_equal(slurm("mpc", cfg_path, "--mem-per-cpu=500M", NULL), 0);
	expect_resources("--mem-per-cpu=500M|--cpus-per-task=2|", "--mem-per-cpu=500M|");
	assert_int_equal(slurm("mem", cfg_path, "--mem", "2G", NULL), 0);
	expect_resources("--mem=2G|--cpus-per-task=2|", "--mem=2G|");
	assert_int_equal(slurm("mpg", cfg_path, "--mem-per-gpu=4G", "--gpus=1", NULL), 0);
	expect_resources("--mem-per-gpu=4G|--cpus-per-task=2|", "--mem-per-gpu=4G|");
	/* sbatch refuses two of them together: so does brink */
	assert_int_equal(slurm("two", cfg_path, "--mem=1G", "--mem-per-cpu=1G", NULL), 2);
	assert_non_null(strstr(err_out, "--mem=1G is given already"));
}

static void test_cpus_every_spelling(void **state)
{
	(void)state;
	static const char *const spell[][2] = {
	    {"-c8", NULL}, {"-c", "8"}, {"--cpus-per-task=8", NULL}, {"--cpus-per-task", "8"}};
	for (size_t i = 0; i < 4; i++) {
		char tag[16];
		snprintf(tag, sizeof(tag), "cpu%zu", i);
		assert_int_equal(slurm(tag, cfg_path, spell[i][0], spell[i][1], NULL), 0);
		expect_resources("--mem=104M|--cpus-per-task=8|", "--mem=256M|--cpus-per-task=8|");
	}
	assert_int_equal(slurm("cpux", cfg_path, "-c", "x", NULL), 2);
	assert_non_null(strstr(err_out, "expected a number of CPUs"));
}

/* --exclusive after --: whole nodes for both jobs, with --mem=0 as brink's own
 * --exclusive; with a memory option, that one. */
static void test_exclusive(void **state)
{
	(void)state;
	assert_int_equal(slurm("ex", cfg_path, "--exclusive", NULL), 0);
	expect_resources("--mem=0|--exclusive|", "--mem=0|--exclusive|");
	assert_int_equal(slurm("exm", cfg_path, "--exclusive", "--mem=3G", NULL), 0);
	expect_resources("--mem=3G|--exclusive|", "--mem=3G|--exclusive|");
	/* --exclusive=user shares the node: brink's request stays */
	assert_int_equal(slurm("exu", cfg_path, "--exclusive=user", NULL), 0);
	expect_resources("--mem=104M|--cpus-per-task=2|--exclusive=user|",
			 "--mem=256M|--exclusive=user|");
}

/* Issue: --array=1-2 ran 2 of the shards and made the merge an array. */
static void test_owned_refused(void **state)
{
	(void)state;
	static const char *const owned[][3] = {
	    {"--array=1-2", NULL, "--array"},
	    {"-a", "1-2", "--array"},
	    {"--arr=1-2", NULL, "in full"},
	    {"--output=x.out", NULL, "--output"},
	    {"-o", "x.out", "--output"},
	    {"-e", "x.err", "--error"},
	    {"--dependency=afterok:1", NULL, "--dependency"},
	    {"-J", "x", "--job-name"},
	    {"--job-name=x", NULL, "--job-name"},
	    {"--chdir=/", NULL, "--chdir"},
	    {"--wrap=true", NULL, "--wrap"},
	};
	for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++) {
		assert_int_equal(slurm("owned", cfg_path, owned[i][0], owned[i][1], NULL), 2);
		assert_non_null(strstr(err_out, owned[i][0]));
		assert_non_null(strstr(err_out, owned[i][2]));
		assert_int_equal(access(out_dir, F_OK), -1);
	}
}

static void test_pass_through(void **state)
{
	(void)state;
	assert_int_equal(slurm("pass", cfg_path, "-t", "5", "--qos=low", "-A", "acct", "--requeue",
			       "-p", "batch", NULL),
			 0);
	for (int i = 0; i < 2; i++) {
		const char *s = i ? "merge.sbatch" : "shards.sbatch";
		assert_string_equal(sbatch_lines(s, "--time"), "--time=5|");
		assert_string_equal(sbatch_lines(s, "--qos"), "--qos=low|");
		assert_string_equal(sbatch_lines(s, "--account"), "--account=acct|");
		assert_string_equal(sbatch_lines(s, "--requeue"), "--requeue|");
		assert_string_equal(sbatch_lines(s, "--partition"), "--partition=batch|");
		assert_string_equal(sbatch_lines(s, "--array"), i ? "" : "--array=1-3|");
	}
}

/* Issue: brink slurm wrote scripts that could not work and exited 0. */
static void test_refused_before_writing(void **state)
{
	(void)state;
	/* 40M + 64M does not fit 100M */
	assert_int_equal(slurm("small", cfg_path, "--mem=100M", NULL), 2);
	assert_non_null(strstr(err_out, "memory 40 MiB is above"));
	assert_non_null(strstr(err_out, "--mem=100M after --"));
	assert_int_equal(slurm("small", cfg_path, "--mem=104M", NULL), 0); /* just fits */
	/* --mem-per-cpu counts the CPUs asked for: 2 x 50M = 100M */
	assert_int_equal(slurm("smallc", cfg_path, "--mem-per-cpu=50M", NULL), 2);
	assert_int_equal(slurm("smallc", cfg_path, "--mem-per-cpu=50M", "-c", "3", NULL), 0);
	assert_int_equal(slurm("badmem", cfg_path, "--mem=lots", NULL), 2);

	/* a command brink run would not find */
	char nf[300];
	snprintf(nf, sizeof(nf), "%s/nf.ini", tmpdir);
	FILE *f = fopen(nf, "w");
	assert_non_null(f);
	fputs("[scenario x]\ncommand = /nonexistent/prog\n[scenario y]\ncommand = "
	      "/bin/true\nrepetitions = 2\n",
	      f);
	fclose(f);
	assert_int_equal(slurm("nf", nf, NULL), 2);
	assert_non_null(strstr(err_out, "nf.ini:2: [scenario x] command: "));
	assert_int_equal(access(out_dir, F_OK), -1);

	/* a partition or an --out that an #SBATCH line cannot carry */
	char *argv[] = {"slurm", "--partition", "a b", cfg_path, NULL};
	assert_int_equal(cmd_slurm(4, argv), 2);
	assert_int_equal(slurm("it's", cfg_path, NULL), 2);
	assert_int_equal(access(out_dir, F_OK), -1);
	assert_int_equal(slurm("com", cfg_path, "--comment=a#b", NULL), 2);
	assert_int_equal(slurm("com", cfg_path, "--comment a b", NULL), 2); /* one word */

	/* more shards than runs: the same refusal as brink run --shard 4/4 */
	char *four[] = {"slurm", "--shards", "4", cfg_path, NULL};
	assert_int_equal(cmd_slurm(4, four), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_brinks_own_request),
	    cmocka_unit_test(test_memory_replaces_in_both),
	    cmocka_unit_test(test_cpus_every_spelling),
	    cmocka_unit_test(test_exclusive),
	    cmocka_unit_test(test_owned_refused),
	    cmocka_unit_test(test_pass_through),
	    cmocka_unit_test(test_refused_before_writing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
