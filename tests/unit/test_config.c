/* test_config.c - INI configs: the fields of a valid file, every kind of bad
 * input with its exact message (file, line, section, key, reason), the golden
 * multi-error fixture, and the round trip through config_write_effective.
 *
 * Expected messages are written in the tables below with "@F@" where the
 * config's path goes; the test replaces the real (temporary) path with @F@ in
 * what config_load wrote, so nothing depends on where the test runs. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, open_memstream */
#endif
#include <errno.h>
#include <limits.h>
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
#include "result.h"
#include "units.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MiB	 (1LL << 20)
#define MS	 1000000LL
#define SEC	 1000000000LL

static char tmpdir[] = "/tmp/brink-test-config-XXXXXX";
static char *created[256];
static size_t n_created;

static int group_setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < n_created; i++) {
		unlink(created[i]);
		free(created[i]);
	}
	rmdir(tmpdir);
	return 0;
}

/* tmpdir/name with `len` bytes of text (strlen when len is 0). */
static const char *write_file(const char *name, const char *text, size_t len)
{
	char *path;
	assert_true(asprintf(&path, "%s/%s", tmpdir, name) > 0);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	if (!len)
		len = strlen(text);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_true(n_created < NELEM(created));
	created[n_created++] = path;
	return path;
}

/* s with every `from` replaced by `to`; malloc'd. */
static char *replace_all(const char *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0;
	for (const char *p = s; (p = strstr(p, from)); p += fl)
		n++;
	char *out = malloc(strlen(s) + n * tl + 1), *o = out;
	assert_non_null(out);
	for (const char *p = s;;) {
		const char *q = strstr(p, from);
		if (!q) {
			strcpy(o, p);
			break;
		}
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		memcpy(o, to, tl);
		o += tl;
		p = q + fl;
	}
	return out;
}

/* config_load(path) with its error stream captured, the path replaced by @F@. */
static char *load(const char *path, struct config *cfg, int *nerr)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *errs = open_memstream(&buf, &len);
	assert_non_null(errs);
	*nerr = config_load(path, cfg, errs);
	fclose(errs);
	char *out = replace_all(buf, path, "@F@");
	free(buf);
	return out;
}

/* Load path, which must load without a message. */
static void load_ok(const char *path, struct config *cfg)
{
	int nerr;
	char *errs = load(path, cfg, &nerr);
	assert_string_equal(errs, "");
	assert_int_equal(nerr, 0);
	free(errs);
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static char *read_whole(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, len = 0;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = (len + 4096 + 1) * 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		size_t n = fread(buf + len, 1, 4096, f);
		len += n;
		if (n == 0)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* ---- (a) a valid config ---------------------------------------------------- */

static const char valid_ini[] =
    "; a comment\n"
    "# another comment\n"
    "[brink]\n"
    "name = nightly-1\n"
    "out = /tmp/out dir\n"
    "\n"
    "[scenario fd]\n"
    "command = ./fd-leak --count 10 'two words' \"a \\\"q\\\"\" back\\ slash\n"
    "nofile = 1024\n"
    "memory = 64M\n"
    "expect = leak breaks=nofile\n"
    "\n"
    "[scenario sh.1]\n"
    "command = echo a ; echo b | wc -l\n"
    "shell = yes\n"
    "interval = 1ms\n"
    "timeout = 2s\n"
    "repetitions = 3\n"
    "exit-stop = off\n"
    "cpus = 0.5\n"
    "cpu-time = 2s\n"
    "\n"
    "  [ scenario   spaced_Name-2 ]  \n"
    "  command: /bin/true\n"
    "memory = max\n"
    "log-cap = 1K\n"
    "leak-rss-slope = 1M/s\n"
    "leak-fd-slope = 2/s\n"
    "leak-thread-slope = 0.25\n"
    "leak-warmup = 0\n"
    "\n"
    "; defaults apply to every scenario, even those above them\n"
    "[defaults]\n"
    "memory = 128M\n"
    "pids = 64\n"
    "timeout = none\n"
    "interval = 20ms\n"
    "log-cap = max\n";

static void test_valid(void **state)
{
	(void)state;
	const char *path = write_file("valid.ini", valid_ini, 0);
	struct config cfg;
	load_ok(path, &cfg);

	assert_string_equal(cfg.path, path);
	assert_string_equal(cfg.name, "nightly-1");
	assert_string_equal(cfg.out, "/tmp/out dir");
	assert_int_equal(cfg.n_scenarios, 3);

	/* [defaults] itself, resolved */
	assert_int_equal(cfg.defaults.lim.v[LIM_MEMORY], 128 * MiB);
	assert_int_equal(cfg.defaults.lim.v[LIM_PIDS], 64);
	assert_int_equal(cfg.defaults.interval_ns, 20 * MS);
	assert_null(cfg.defaults.argv);

	const struct scenario *fd = &cfg.scenarios[0];
	assert_string_equal(fd->name, "fd");
	assert_int_equal(fd->line, 7);
	const char *want_argv[] = {"./fd-leak", "--count",    "10", "two words",
				   "a \"q\"",	"back slash", NULL};
	for (size_t i = 0; i < NELEM(want_argv); i++) {
		if (!want_argv[i])
			assert_null(fd->argv[i]);
		else
			assert_string_equal(fd->argv[i], want_argv[i]);
	}
	assert_false(fd->shell);
	assert_int_equal(fd->lim.v[LIM_NOFILE], 1024);
	assert_int_equal(fd->lim.v[LIM_MEMORY], 64 * MiB); /* its own beats [defaults] */
	assert_int_equal(fd->lim.v[LIM_PIDS], 64);	   /* from [defaults] */
	assert_int_equal(fd->lim.v[LIM_CPUS], BRINK_UNSET);
	assert_int_equal(fd->lim.v[LIM_STACK], BRINK_UNSET);
	assert_int_equal(fd->interval_ns, 20 * MS);
	assert_int_equal(fd->timeout_ns, 0);
	assert_int_equal(fd->repetitions, 1);
	assert_true(fd->exit_stop);
	assert_int_equal(fd->log_cap_bytes, BRINK_UNLIMITED);
	assert_true(fd->expect.set);
	assert_int_equal(fd->expect.leak, 1);
	assert_int_equal(fd->expect.breaks, BP_NOFILE);
	assert_string_equal(fd->expect.raw, "leak breaks=nofile");
	assert_int_equal(fd->leak.warmup_ns, 500 * MS);
	assert_true(fd->leak.rss_bytes_per_s == 256.0 * 1024);
	assert_true(fd->leak.fds_per_s == 0.5);
	assert_true(fd->leak.threads_per_s == 0.5);

	const struct scenario *sh = &cfg.scenarios[1];
	assert_string_equal(sh->name, "sh.1");
	assert_int_equal(sh->line, 13);
	assert_true(sh->shell);
	assert_string_equal(sh->argv[0], "/bin/sh");
	assert_string_equal(sh->argv[1], "-c");
	/* no inline comments: " ; echo b" belongs to the command */
	assert_string_equal(sh->argv[2], "echo a ; echo b | wc -l");
	assert_null(sh->argv[3]);
	assert_string_equal(sh->command, "echo a ; echo b | wc -l");
	assert_int_equal(sh->interval_ns, 1 * MS);
	assert_int_equal(sh->timeout_ns, 2 * SEC);
	assert_int_equal(sh->repetitions, 3);
	assert_false(sh->exit_stop);
	assert_int_equal(sh->lim.v[LIM_CPUS], 500);
	assert_int_equal(sh->lim.v[LIM_CPU_TIME], 2 * SEC);
	assert_int_equal(sh->lim.v[LIM_MEMORY], 128 * MiB);
	assert_false(sh->expect.set);

	const struct scenario *sp = &cfg.scenarios[2];
	assert_string_equal(sp->name, "spaced_Name-2");
	assert_int_equal(sp->line, 23);
	assert_string_equal(sp->argv[0], "/bin/true");
	assert_null(sp->argv[1]);
	assert_int_equal(sp->lim.v[LIM_MEMORY], BRINK_UNLIMITED);
	assert_int_equal(sp->log_cap_bytes, 1024);
	assert_true(sp->leak.rss_bytes_per_s == 1048576.0);
	assert_true(sp->leak.fds_per_s == 2.0);
	assert_true(sp->leak.threads_per_s == 0.25);
	assert_int_equal(sp->leak.warmup_ns, 0);

	config_free(&cfg);
	config_free(&cfg); /* twice is harmless */
}

/* No [brink] name: the file's base name without .ini; CRLF line ends, a BOM,
 * and a command from [defaults]. */
static void test_name_from_file(void **state)
{
	(void)state;
	const char *path = write_file("smoke.v2.ini",
				      "\xEF\xBB\xBF[defaults]\r\ncommand = /bin/true x\r\n"
				      "[scenario a]\r\n[scenario b]\r\ncommand = /bin/false\r\n",
				      0);
	struct config cfg;
	load_ok(path, &cfg);
	assert_string_equal(cfg.name, "smoke.v2");
	assert_null(cfg.out);
	assert_int_equal(cfg.n_scenarios, 2);
	assert_string_equal(cfg.scenarios[0].argv[0], "/bin/true");
	assert_string_equal(cfg.scenarios[0].argv[1], "x");
	assert_string_equal(cfg.scenarios[1].argv[0], "/bin/false");
	assert_int_equal(cfg.scenarios[1].line, 4);
	config_free(&cfg);

	/* a base name that is not a valid name */
	path = write_file("my config.ini", "[scenario a]\ncommand = x\n", 0);
	int nerr;
	char *errs = load(path, &cfg, &nerr);
	assert_string_equal(errs, "@F@: [brink] name: the file name gives \"my config\", which is "
				  "not a valid name (expected 1 to 63 of A-Z a-z 0-9 . _ -, not "
				  "starting with '-', not . or ..); set name in [brink]\n");
	assert_int_equal(nerr, 1);
	assert_int_equal(cfg.n_scenarios, 0); /* nothing left on error */
	assert_null(cfg.scenarios);
	free(errs);
	config_free(&cfg);

	/* ... which [brink] name overrides */
	path = write_file("my config 2.ini", "[brink]\nname = ok\n[scenario a]\ncommand = x\n", 0);
	errs = load(path, &cfg, &nerr);
	assert_string_equal(errs, "");
	assert_string_equal(cfg.name, "ok");
	free(errs);
	config_free(&cfg);
}

static void test_cannot_open(void **state)
{
	(void)state;
	struct config cfg;
	int nerr;
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/does-not-exist.ini", tmpdir);
	char *errs = load(path, &cfg, &nerr);
	assert_string_equal(errs, "@F@: cannot open: No such file or directory (ENOENT)\n");
	assert_int_equal(nerr, 1);
	free(errs);
	config_free(&cfg);

	errs = load(tmpdir, &cfg, &nerr); /* a directory: fopen works, reading fails */
	assert_int_equal(nerr, 1);
	assert_non_null(strstr(errs, "Is a directory (EISDIR)"));
	free(errs);
	config_free(&cfg);
}

/* ---- (b) bad input: the exact message ---------------------------------------- */

/* Lines 1-2 of most cases: a good scenario, so that only the error under test
 * is reported. */
#define OK	  "[scenario ok]\ncommand = true\n"
#define NAME_RULE "(expected 1 to 63 of A-Z a-z 0-9 . _ -, not starting with '-', not . or ..)"
#define KEYS                                                                                   \
	"(expected command, shell, memory, pids, cpus, nofile, nproc, as, data, stack, core, " \
	"cpu-time, interval, timeout, repetitions, exit-stop, log-cap, user, expect, "         \
	"leak-warmup, leak-rss-slope, leak-fd-slope, leak-thread-slope, cwd, env, load, "      \
	"ready, ready-timeout, stop-grace, duration, go-runtime, metrics-url, "                \
	"metrics-interval, metrics)"
#define SECTIONS "(expected [brink], [defaults], [compare], [scenario NAME] or [machine])"
#define COMPARE_KEYS                                                                        \
	"(expected alpha, threshold, threshold.METRIC or min-change.METRIC, METRIC one of " \
	"peak_rss_bytes, peak_mem_bytes, peak_fds, peak_threads, rss_slope_bytes_per_s, "   \
	"mem_slope_bytes_per_s, fd_slope_per_s, thread_slope_per_s, duration_s, goroutines)"
#define PCT_WHY	  "(expected a percentage >= 0, such as 10% or 10)"
#define SIZE_WHY  "(expected a number with an optional K, M, G or T suffix, or max)"
#define COUNT_WHY "(expected a whole number without sign, or max)"
#define BOOL_WHY  "(expected yes, no, true, false, on, off, 1 or 0)"
#define DUR_WHY	  "(expected a number with a unit ns, us, ms, s, m or h, such as 500ms or 2s)"
#define RATE_WHY  "(expected a decimal number per second such as 0.5 or 2/s (at most 9 decimals))"

#define USER_WHY                                                                      \
	"(expected a user name or uid, optionally :GROUP or :GID, such as nobody or " \
	"65534:65534)"

struct bad_case {
	const char *text;
	const char *want; /* every line config_load writes, @F@ for the path */
};

static const struct bad_case bad_cases[] = {
    /* sections */
    {OK "[scenaro x]\ncommand = true\n", "@F@:3: [scenaro x]: unknown section " SECTIONS "\n"},
    {OK "[Scenario x]\n", "@F@:3: [Scenario x]: unknown section " SECTIONS "\n"},
    {OK "[scenariox]\n", "@F@:3: [scenariox]: unknown section " SECTIONS "\n"},
    {OK "[scenario]\ncommand = true\n",
     "@F@:3: [scenario]: expected a scenario name: [scenario NAME]\n"},
    {OK "[scenario ../x]\ncommand = true\n",
     "@F@:3: [scenario ../x]: \"../x\" is not a valid scenario name " NAME_RULE "\n"},
    {OK "[scenario /abs]\ncommand = true\n",
     "@F@:3: [scenario /abs]: \"/abs\" is not a valid scenario name " NAME_RULE "\n"},
    {OK "[scenario a\x01z]\ncommand = true\n",
     "@F@:3: [scenario a\\x01z]: \"a\\x01z\" is not a valid scenario name " NAME_RULE "\n"},
    {OK "[scenario ..]\n",
     "@F@:3: [scenario ..]: \"..\" is not a valid scenario name " NAME_RULE "\n"},
    {OK "[scenario .]\n",
     "@F@:3: [scenario .]: \".\" is not a valid scenario name " NAME_RULE "\n"},
    {OK "[scenario -rf]\n",
     "@F@:3: [scenario -rf]: \"-rf\" is not a valid scenario name " NAME_RULE "\n"},
    {OK "[scenario a b]\n",
     "@F@:3: [scenario a b]: \"a b\" is not a valid scenario name " NAME_RULE "\n"},
    {OK "[scenario "
	"x123456789x123456789x123456789x123456789x123456789x123456789xyzw]\n",
     "@F@:3: [scenario x123456789x123456789x123456789x123456789x123456789x123456789xyzw]: "
     "\"x123456789x123456789x123456789x123456789x123456789x123456789xyzw\" is not a valid "
     "scenario name " NAME_RULE "\n"},
    {OK "\n[scenario ok]\ncommand = false\n",
     "@F@:4: [scenario ok]: duplicate scenario name \"ok\" (first at line 1)\n"},
    {OK "[scenario b]\nmemory = 1M\n",
     "@F@:3: [scenario b]: missing command (set command here or in [defaults])\n"},
    {OK "[scenario c\ncommand = x\n", "@F@:3: expected ']' to close the section header\n"},
    {OK "[scenario c] ; note\ncommand = x\n",
     "@F@:3: [scenario c]: unexpected text after ']' (comments go on a line of their own)\n"},
    {OK "[brink]\nname = a\n[brink]\nout = x\n", "@F@:5: [brink]: given twice (first at line 3)\n"},
    {OK "[defaults]\n[defaults]\nmemory = 1M\n",
     "@F@:4: [defaults]: given twice (first at line 3)\n"},
    {OK "[compare]\n[compare]\nalpha = 0.1\n", "@F@:4: [compare]: given twice (first at line 3)\n"},
    {"[defaults]\nmemory = 1M\n", "@F@: no [scenario NAME] section: nothing to run\n"},
    {"", "@F@: no [scenario NAME] section: nothing to run\n"},
    /* lines */
    {"memory = 1M\n" OK, "@F@:1: memory: expected a [section] header before the first key\n"},
    {OK "just words\n", "@F@:3: expected KEY = VALUE, a [section] header or a comment\n"},
    {OK "= 5\n", "@F@:3: expected a key before '='\n"},
    {OK "   : 5\n", "@F@:3: expected a key before ':'\n"},
    /* multi-line values are off: an indented line is a line of its own */
    {OK "[scenario m]\ncommand = echo\n  more words\n",
     "@F@:5: expected KEY = VALUE, a [section] header or a comment\n"},
    /* keys */
    {OK "memroy = 64M\n", "@F@:3: [scenario ok] memroy: unknown key " KEYS "\n"},
    {OK "Memory = 64M\n", "@F@:3: [scenario ok] Memory: unknown key " KEYS "\n"},
    {OK "name = x\n", "@F@:3: [scenario ok] name: unknown key " KEYS "\n"},
    {OK "memory = 1M\nmemory = 2M\n",
     "@F@:4: [scenario ok] memory: given twice (first at line 3)\n"},
    {OK "command = false\n", "@F@:3: [scenario ok] command: given twice (first at line 2)\n"},
    {"[brink]\nbogus = 1\n" OK, "@F@:2: [brink] bogus: unknown key (expected name or out)\n"},
    {"[brink]\nname = ../x\n" OK,
     "@F@:2: [brink] name: \"../x\" is not a valid name " NAME_RULE "\n"},
    {"[brink]\nout =\n" OK, "@F@:2: [brink] out: \"\" is not a directory (expected a path "
			    "without control characters)\n"},
    {"[defaults]\ninterval = 0.5ms\n" OK,
     "@F@:2: [defaults] interval: \"0.5ms\" is not a sampling interval (expected a duration "
     "from 1ms to 1h, such as 10ms)\n"},
    /* [compare]: keys from compare's metric table, values as brink compare reads them */
    {OK "[compare]\nthreshhold = 10%\n",
     "@F@:4: [compare] threshhold: unknown key " COMPARE_KEYS "\n"},
    {OK "[compare]\nthreshold.leak = 10%\n",
     "@F@:4: [compare] threshold.leak: unknown key " COMPARE_KEYS "\n"},
    {OK "[compare]\nmin-change.peak_fd = 3\n",
     "@F@:4: [compare] min-change.peak_fd: unknown key " COMPARE_KEYS "\n"},
    {OK "[compare]\nthreshold = -5%\n",
     "@F@:4: [compare] threshold: \"-5%\" is not a percentage " PCT_WHY "\n"},
    {OK "[compare]\nthreshold.peak_fds = ten\n",
     "@F@:4: [compare] threshold.peak_fds: \"ten\" is not a percentage " PCT_WHY "\n"},
    {OK "[compare]\nalpha = 1.5\n", "@F@:4: [compare] alpha: \"1.5\" is not a significance "
				    "level (expected a number between 0 and 1, such as 0.05)\n"},
    {OK "[compare]\nmin-change.peak_rss_bytes = 2Q\n",
     "@F@:4: [compare] min-change.peak_rss_bytes: \"2Q\" is not a size " SIZE_WHY "\n"},
    {OK "[compare]\nmin-change.peak_rss_bytes = max\n",
     "@F@:4: [compare] min-change.peak_rss_bytes: \"max\" is not a size (expected a size, not "
     "unlimited)\n"},
    {OK "[compare]\nmin-change.peak_fds = -1\n",
     "@F@:4: [compare] min-change.peak_fds: \"-1\" is not a number (expected a number >= 0)\n"},
    {OK "[compare]\nalpha = 0.1\nalpha = 0.2\n",
     "@F@:5: [compare] alpha: given twice (first at line 4)\n"},
    /* values */
    {"[scenario b]\ncommand =\n", "@F@:2: [scenario b] command: \"\" is not a command "
				  "(expected a program and its arguments)\n"},
    {"[scenario b]\ncommand = \"\"\"\n",
     "@F@:2: [scenario b] command: \"\\\"\\\"\\\"\" is not a command (expected a closing \" "
     "quote)\n"},
    {"[scenario b]\ncommand = echo 'a\n",
     "@F@:2: [scenario b] command: \"echo 'a\" is not a command (expected a closing ' quote)\n"},
    {"[scenario b]\ncommand = echo a\\\n",
     "@F@:2: [scenario b] command: \"echo a\\\\\" is not a command (expected a character "
     "after the backslash)\n"},
    {OK "memory = 64Q\n", "@F@:3: [scenario ok] memory: \"64Q\" is not a size " SIZE_WHY "\n"},
    {OK "memory = -1\n", "@F@:3: [scenario ok] memory: \"-1\" is not a size " SIZE_WHY "\n"},
    {OK "memory =\n", "@F@:3: [scenario ok] memory: \"\" is not a size " SIZE_WHY "\n"},
    {OK "memory = 64M ; inline\n",
     "@F@:3: [scenario ok] memory: \"64M ; inline\" is not a size " SIZE_WHY "\n"},
    {OK "memory = 9223372036854775807K\n",
     "@F@:3: [scenario ok] memory: \"9223372036854775807K\" is not a size (expected at most 8 "
     "EiB (9223372036854775807 bytes))\n"},
    {OK "stack = 0.5\n", "@F@:3: [scenario ok] stack: \"0.5\" is not a size (expected a whole "
			 "number of bytes; a fraction needs a K, M, G or T suffix)\n"},
    {OK "nofile = 1.5\n", "@F@:3: [scenario ok] nofile: \"1.5\" is not a count " COUNT_WHY "\n"},
    {OK "nproc = 1e3\n", "@F@:3: [scenario ok] nproc: \"1e3\" is not a count " COUNT_WHY "\n"},
    {OK "pids = 0\n", "@F@:3: [scenario ok] pids: \"0\" is not a count (expected at least 1 "
		      "(the program itself is a task))\n"},
    {OK "cpus = lots\n", "@F@:3: [scenario ok] cpus: \"lots\" is not a number of CPUs "
			 "(expected a number of CPUs such as 0.5 or 2, or max)\n"},
    {OK "cpu-time = 1500ms\n",
     "@F@:3: [scenario ok] cpu-time: \"1500ms\" is not a duration (expected whole seconds, at "
     "least 1s (RLIMIT_CPU counts seconds), such as 2s)\n"},
    {OK "nofile = 3\n", "@F@:3: [scenario ok] nofile: \"3\" is not a count (expected at least 4 "
			"(stdin, stdout and stderr are open, and the dynamic loader needs one "
			"more to open libc))\n"},
    {"[scenario c]\ncommand = echo hi ; note\n",
     "@F@:2: [scenario c] command: \"; note\" would be passed to the program as arguments: "
     "there are no inline comments (a comment stands on a line of its own); quote it (';') to "
     "pass it, or set shell = yes\n"},
    {"[defaults]\ncommand = echo hi #note\n[scenario c]\n",
     "@F@:2: [defaults] command: \"#note\" would be passed to the program as arguments: there "
     "are no inline comments (a comment stands on a line of its own); quote it ('#') to pass "
     "it, or set shell = yes\n"},
    {OK "env = A=1 1B=2\n",
     "@F@:3: [scenario ok] env: \"A=1 1B=2\" is not an environment (expected NAME=VALUE words "
     "(NAME of letters, digits and _), such as GODEBUG=gctrace=1)\n"},
    {OK "env = A=1 A=2\n", "@F@:3: [scenario ok] env: A is set twice\n"},
    {OK "cpu-time = 5\n", "@F@:3: [scenario ok] cpu-time: \"5\" is not a duration (expected a "
			  "unit after the number: ns, us, ms, s, m or h (only 0 may go "
			  "without))\n"},
    {OK "interval = 2h\n", "@F@:3: [scenario ok] interval: \"2h\" is not a sampling interval "
			   "(expected a duration from 1ms to 1h, such as 10ms)\n"},
    {OK "timeout = -5s\n", "@F@:3: [scenario ok] timeout: \"-5s\" is not a timeout (expected a "
			   "duration such as 30s or 2m, or none (0 also means none))\n"},
    {OK "repetitions = 0\n", "@F@:3: [scenario ok] repetitions: \"0\" is not a repetition "
			     "count (expected a whole number from 1 to 100000)\n"},
    {OK "repetitions = 100001\n", "@F@:3: [scenario ok] repetitions: \"100001\" is not a "
				  "repetition count (expected a whole number from 1 to "
				  "100000)\n"},
    {OK "exit-stop = maybe\n",
     "@F@:3: [scenario ok] exit-stop: \"maybe\" is not a boolean " BOOL_WHY "\n"},
    {OK "shell = 2\n", "@F@:3: [scenario ok] shell: \"2\" is not a boolean " BOOL_WHY "\n"},
    {OK "log-cap = 1.5\n", "@F@:3: [scenario ok] log-cap: \"1.5\" is not a size (expected a "
			   "whole number of bytes; a fraction needs a K, M, G or T suffix)\n"},
    {OK "user = no body\n", "@F@:3: [scenario ok] user: \"no body\" is not a user " USER_WHY "\n"},
    {OK "user = -x\n", "@F@:3: [scenario ok] user: \"-x\" is not a user " USER_WHY "\n"},
    {OK "user = nobody:\n", "@F@:3: [scenario ok] user: \"nobody:\" is not a user " USER_WHY "\n"},
    {OK "expect = sometimes\n",
     "@F@:3: [scenario ok] expect: \"sometimes\" is not an expectation (expected leak or "
     "no-leak, optionally with breaks=LIMIT)\n"},
    {OK "leak-warmup = 1e3ms\n",
     "@F@:3: [scenario ok] leak-warmup: \"1e3ms\" is not a duration " DUR_WHY "\n"},
    {OK "leak-rss-slope = max\n",
     "@F@:3: [scenario ok] leak-rss-slope: \"max\" is not an RSS growth rate (expected bytes "
     "per second as a size, such as 256K or 1M/s)\n"},
    {OK "leak-fd-slope = -0.5\n",
     "@F@:3: [scenario ok] leak-fd-slope: \"-0.5\" is not an fd growth rate " RATE_WHY "\n"},
    {OK "leak-thread-slope = 0.1234567891\n",
     "@F@:3: [scenario ok] leak-thread-slope: \"0.1234567891\" is not a thread growth "
     "rate " RATE_WHY "\n"},
    /* a bad [defaults] value is reported once, not once per scenario */
    {"[defaults]\nnofile = lots\n" OK "[scenario two]\ncommand = x\n",
     "@F@:2: [defaults] nofile: \"lots\" is not a count " COUNT_WHY "\n"},
    /* several errors, in line order, whichever pass found them */
    {"[scenario a]\nmemory = x\n[scenario b]\ncommand = y\npids = -1\nbad line\n",
     "@F@:1: [scenario a]: missing command (set command here or in [defaults])\n"
     "@F@:2: [scenario a] memory: \"x\" is not a size " SIZE_WHY "\n"
     "@F@:5: [scenario b] pids: \"-1\" is not a count " COUNT_WHY "\n"
     "@F@:6: expected KEY = VALUE, a [section] header or a comment\n"},
};

static void test_bad_cases(void **state)
{
	(void)state;
	int failures = 0;
	for (size_t i = 0; i < NELEM(bad_cases); i++) {
		char name[32];
		snprintf(name, sizeof(name), "bad-%02zu.ini", i);
		const char *path = write_file(name, bad_cases[i].text, 0);
		struct config cfg;
		int nerr;
		char *errs = load(path, &cfg, &nerr);
		if (strcmp(errs, bad_cases[i].want) != 0) {
			print_error("case %zu:\n%s\n--- got:\n%s--- want:\n%s", i,
				    bad_cases[i].text, errs, bad_cases[i].want);
			failures++;
		} else if (nerr != count_lines(bad_cases[i].want)) {
			print_error("case %zu: returned %d for %d messages\n", i, nerr,
				    count_lines(bad_cases[i].want));
			failures++;
		} else if (cfg.n_scenarios || cfg.scenarios || cfg.path) {
			print_error("case %zu: config not emptied on error\n", i);
			failures++;
		}
		free(errs);
		config_free(&cfg);
	}
	assert_true(NELEM(bad_cases) >= 30);
	assert_int_equal(failures, 0);
}

/* Lines inih cannot take whole: a NUL byte, a line over the limit. The line
 * numbers after them must stay right. */
static void test_bad_lines(void **state)
{
	(void)state;
	static const char nul_text[] = OK "memory = 1\0M\nnofile = x\n";
	const char *path = write_file("nul.ini", nul_text, sizeof(nul_text) - 1);
	struct config cfg;
	int nerr;
	char *errs = load(path, &cfg, &nerr);
	assert_string_equal(errs,
			    "@F@:3: contains a NUL byte\n"
			    "@F@:4: [scenario ok] nofile: \"x\" is not a count " COUNT_WHY "\n");
	free(errs);
	config_free(&cfg);

	char *longtext;
	/* CONFIG_LINE_MAX - 2 characters, the newline and the NUL fill the buffer */
	const int most = CONFIG_LINE_MAX - 2;
	char *filler = malloc((size_t)most + 2);
	assert_non_null(filler);
	memset(filler, 'a', (size_t)most + 1);
	filler[most + 1] = '\0';
	char want[512];
	snprintf(want, sizeof(want),
		 "@F@:3: line is longer than %d characters\n"
		 "@F@:4: [scenario ok] nofile: \"x\" is not a count " COUNT_WHY "\n"
		 "@F@:5: line is longer than %d characters\n",
		 most, most);
	assert_true(asprintf(&longtext, OK "command = %s\nnofile = x\n[%s]\nmemory = y\n", filler,
			     filler) > 0);
	path = write_file("long.ini", longtext, 0);
	free(longtext);
	errs = load(path, &cfg, &nerr);
	/* the long header's keys are not blamed on [scenario ok] */
	assert_string_equal(errs, want);
	free(errs);
	config_free(&cfg);

	/* CONFIG_LINE_MAX - 2 characters and the newline still fit */
	char *fits;
	assert_true(asprintf(&fits, "[scenario ok]\ncommand = %.*s\n", most - 10, filler) > 0);
	path = write_file("fits.ini", fits, 0);
	free(fits);
	errs = load(path, &cfg, &nerr);
	assert_string_equal(errs, "");
	assert_int_equal(strlen(cfg.scenarios[0].argv[0]), most - 10);
	free(filler);
	free(errs);
	config_free(&cfg);
}

/* The longest names: inih keeps only 49 characters of a section header, the
 * reader must see all of it. */
static void test_long_names(void **state)
{
	(void)state;
	static const char name63[] =
	    "x123456789x123456789x123456789x123456789x123456789x123456789xyz";
	char *text;
	assert_true(asprintf(&text, "[scenario %s]\ncommand = a\n[scenario %.50s]\ncommand = b\n",
			     name63, name63) > 0);
	const char *path = write_file("long-names.ini", text, 0);
	free(text);
	struct config cfg;
	int nerr;
	char *errs = load(path, &cfg, &nerr);
	assert_string_equal(errs, "");
	assert_int_equal(cfg.n_scenarios, 2);
	assert_string_equal(cfg.scenarios[0].name, name63);
	assert_int_equal(strlen(cfg.scenarios[1].name), 50);
	assert_string_equal(cfg.scenarios[1].argv[0], "b");
	free(errs);
	config_free(&cfg);
}

static char *effective(const struct config *cfg);

/* cwd and env: kept as written, env split like a command; the effective config
 * loads back to the same; scenario_key_origin names the line each came from. */
static void test_cwd_env(void **state)
{
	(void)state;
	const char *path = write_file("cwdenv.ini",
				      "[defaults]\nenv = LANG=C \"MSG=two words\"\n"
				      "[scenario a]\ncommand = true\ncwd = /tmp\n"
				      "[scenario b]\ncommand = true\nenv = X=1\nnofile = 64\n",
				      0);
	struct config cfg;
	load_ok(path, &cfg);
	const struct scenario *a = &cfg.scenarios[0], *b = &cfg.scenarios[1];
	assert_string_equal(a->cwd, "/tmp");
	assert_string_equal(a->env[0], "LANG=C");
	assert_string_equal(a->env[1], "MSG=two words");
	assert_null(a->env[2]);
	assert_null(b->cwd);
	/* the scenario's own adds to [defaults]' */
	assert_string_equal(b->env[0], "LANG=C");
	assert_string_equal(b->env[1], "MSG=two words");
	assert_string_equal(b->env[2], "X=1");
	assert_null(b->env[3]);
	char where[512], want[512];
	scenario_key_origin(&cfg, a, "env", where, sizeof(where));
	snprintf(want, sizeof(want), "%s:2: [defaults] env", path);
	assert_string_equal(where, want);
	scenario_key_origin(&cfg, b, "nofile", where, sizeof(where));
	snprintf(want, sizeof(want), "%s:9: [scenario b] nofile", path);
	assert_string_equal(where, want);
	scenario_key_origin(&cfg, b, "memory", where, sizeof(where));
	snprintf(want, sizeof(want), "%s:6: [scenario b] memory", path);
	assert_string_equal(where, want);

	char *eff = effective(&cfg);
	const char *p2 = write_file("cwdenv-eff.ini", eff, 0);
	struct config again;
	load_ok(p2, &again);
	assert_string_equal(again.scenarios[0].cwd, "/tmp");
	assert_string_equal(again.scenarios[0].env[1], "MSG=two words");
	assert_null(again.scenarios[1].cwd);
	free(eff);
	config_free(&again);

	/* brink exec --env: one word each time, the same name twice refused */
	struct scenario sc;
	const char *why = NULL;
	scenario_init(&sc);
	assert_int_equal(scenario_env_add(&sc, "A=1", &why), 0);
	assert_int_equal(scenario_env_add(&sc, "B=x=y", &why), 0);
	assert_int_equal(scenario_env_add(&sc, "A=2", &why), -1);
	assert_string_equal(why, "A is set twice");
	assert_int_equal(scenario_env_add(&sc, "=x", &why), -1);
	assert_string_equal(sc.env[1], "B=x=y");
	scenario_free(&sc);
	config_free(&cfg);
}

/* ---- the golden multi-error fixture ------------------------------------------ */

static void test_golden_errors(void **state)
{
	(void)state;
	const char *dir = getenv("BRINK_GOLDEN_DIR");
	if (!dir) {
		print_message("BRINK_GOLDEN_DIR is not set (run through ctest)\n");
		skip();
	}
	char ini[PATH_MAX], txt[PATH_MAX];
	snprintf(ini, sizeof(ini), "%s/config_errors.ini", dir);
	snprintf(txt, sizeof(txt), "%s/config_errors.txt", dir);
	char *want = read_whole(txt);
	assert_non_null(want);
	struct config cfg;
	int nerr;
	char *errs = load(ini, &cfg, &nerr);
	if (strcmp(errs, want) != 0)
		fail_msg("config_errors.ini gave:\n%s\nwant (config_errors.txt):\n%s", errs, want);
	assert_int_equal(nerr, count_lines(want));
	free(errs);
	free(want);
	config_free(&cfg);
}

/* ---- (c) the round trip --------------------------------------------------- */

static char *effective(const struct config *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(config_write_effective(cfg, f), 0);
	fclose(f);
	return buf;
}

static void assert_same_scenario(const struct scenario *a, const struct scenario *b)
{
	assert_string_equal(a->name, b->name);
	for (size_t i = 0; a->argv[i] || b->argv[i]; i++) {
		assert_non_null(a->argv[i]);
		assert_non_null(b->argv[i]);
		assert_string_equal(a->argv[i], b->argv[i]);
	}
	assert_int_equal(a->shell, b->shell);
	assert_memory_equal(&a->lim, &b->lim, sizeof(a->lim));
	assert_int_equal(a->interval_ns, b->interval_ns);
	assert_int_equal(a->timeout_ns, b->timeout_ns);
	assert_int_equal(a->repetitions, b->repetitions);
	assert_int_equal(a->exit_stop, b->exit_stop);
	assert_int_equal(a->log_cap_bytes, b->log_cap_bytes);
	assert_int_equal(a->expect.set, b->expect.set);
	assert_int_equal(a->expect.leak, b->expect.leak);
	assert_int_equal(a->expect.breaks, b->expect.breaks);
	assert_int_equal(a->leak.warmup_ns, b->leak.warmup_ns);
	assert_true(a->leak.rss_bytes_per_s == b->leak.rss_bytes_per_s);
	assert_true(a->leak.fds_per_s == b->leak.fds_per_s);
	assert_true(a->leak.threads_per_s == b->leak.threads_per_s);
}

/* Load `text`, write its effective config, load that back: the same config and a
 * fixed point. `check`, if not NULL, is called on both configs (the values
 * expected, independently of brink's own writer). */
static void round_trip(const char *name, const char *text, void (*check)(const struct config *))
{
	const char *path = write_file(name, text, 0);
	struct config a, b;
	int nerr;
	char *errs = load(path, &a, &nerr);
	assert_string_equal(errs, "");
	free(errs);
	char *first = effective(&a);

	char name2[64];
	snprintf(name2, sizeof(name2), "effective-%s", name);
	const char *path2 = write_file(name2, first, 0);
	errs = load(path2, &b, &nerr);
	if (nerr)
		fail_msg("the effective config is refused:\n%s\n%s", first, errs);
	free(errs);
	char *second = effective(&b);
	assert_string_equal(first, second); /* a fixed point */

	assert_string_equal(a.name, b.name);
	if (a.out || b.out)
		assert_string_equal(a.out, b.out);
	assert_int_equal(a.n_scenarios, b.n_scenarios);
	for (size_t i = 0; i < a.n_scenarios; i++)
		assert_same_scenario(&a.scenarios[i], &b.scenarios[i]);
	if (check) {
		check(&a);
		check(&b);
	}
	free(first);
	free(second);
	config_free(&a);
	config_free(&b);
}

/* rt-odd.ini: every limit with odd amounts and units, things that must not be
 * rounded. */
static const char odd_ini[] = "[defaults]\n"
			      "memory = 1.3K\nas = 1536\ndata = 3G\nstack = 8M\ncore = 0\n"
			      "nproc = max\nnofile = 19997\npids = 1\ncpus = 1.125\n"
			      "cpu-time = 90s\ninterval = 1500us\ntimeout = 0.5m\n"
			      "leak-warmup = 1.000001s\nleak-rss-slope = 1000\n"
			      "leak-fd-slope = 0.000000001\nleak-thread-slope = 1000000\n"
			      "log-cap = 0\nrepetitions = 100000\nexpect = no-leak\n"
			      "user = 65534:nogroup\n"
			      "[scenario odd]\ncommand = a\\ b \"c\\\\d\" '' \"\" 'e\"f'\n"
			      "[scenario also]\ncommand = x\nshell = yes\nexit-stop = no\n";

/* What odd_ini means, written out by hand from the units' definitions (binary
 * multiples, fractions of a byte rounded down), not from brink's own output: a
 * round trip alone stays a fixed point even when a unit is read wrong. */
static void assert_odd_values(const struct scenario *sc)
{
	assert_int_equal(sc->lim.v[LIM_MEMORY], 1331); /* 1.3 * 1024 = 1331.2 */
	assert_int_equal(sc->lim.v[LIM_AS], 1536);
	assert_int_equal(sc->lim.v[LIM_DATA], 3LL * 1024 * 1024 * 1024);
	assert_int_equal(sc->lim.v[LIM_STACK], 8LL * 1024 * 1024);
	assert_int_equal(sc->lim.v[LIM_CORE], 0);
	assert_int_equal(sc->lim.v[LIM_NPROC], BRINK_UNLIMITED);
	assert_int_equal(sc->lim.v[LIM_NOFILE], 19997);
	assert_int_equal(sc->lim.v[LIM_PIDS], 1);
	assert_int_equal(sc->lim.v[LIM_CPUS], 1125); /* milli-CPUs */
	assert_int_equal(sc->lim.v[LIM_CPU_TIME], 90LL * 1000000000);
	assert_int_equal(sc->interval_ns, 1500LL * 1000);
	assert_int_equal(sc->timeout_ns, 30LL * 1000000000);
	assert_int_equal(sc->leak.warmup_ns, 1000001000LL);
	assert_true(sc->leak.rss_bytes_per_s == 1000.0);
	assert_true(sc->leak.fds_per_s == 1e-9);
	assert_true(sc->leak.threads_per_s == 1e6);
	assert_int_equal(sc->log_cap_bytes, 0);
	assert_int_equal(sc->repetitions, 100000);
	assert_true(sc->expect.set);
	assert_int_equal(sc->expect.leak, 0);
	assert_string_equal(sc->user, "65534:nogroup");
}

static void check_odd(const struct config *c)
{
	assert_int_equal(c->n_scenarios, 2);
	for (size_t i = 0; i < 2; i++)
		assert_odd_values(&c->scenarios[i]);
	const char *want_argv[] = {"a b", "c\\d", "", "", "e\"f", NULL};
	for (size_t i = 0; i < NELEM(want_argv); i++) {
		if (!want_argv[i])
			assert_null(c->scenarios[0].argv[i]);
		else
			assert_string_equal(c->scenarios[0].argv[i], want_argv[i]);
	}
	assert_true(c->scenarios[1].shell);
	assert_false(c->scenarios[1].exit_stop);
}

/* rt-units.ini: every unit suffix of sizes and durations once, each amount
 * worked out by hand from its literal (K, M, G, T = 2^10, 2^20, 2^30, 2^40;
 * ns, us, ms, s, m, h = 1, 10^3, 10^6, 10^9, 60 x 10^9, 3600 x 10^9), and the
 * exact form the effective config must write for it. A unit read as another
 * (G as MiB, m as ms) fails here even though its round trip would not. */
static const char units_ini[] =
    "[scenario u]\ncommand = x\n"
    "as = 2T\ndata = 2G\nstack = 2M\ncore = 2K\nmemory = 2\n"
    "log-cap = 3MiB\nleak-rss-slope = 5k/s\n"
    "stop-grace = 7ns\nleak-warmup = 5us\ninterval = 3ms\ntimeout = 4s\n"
    "duration = 2m\nready-timeout = 1h\nmetrics-interval = 1.5h\n"
    "cpu-time = 3s\n";

static void check_units(const struct config *c)
{
	const int64_t K = 1024, S = 1000000000;
	const struct scenario *sc = &c->scenarios[0];
	assert_int_equal(sc->lim.v[LIM_AS], 2 * K * K * K * K);
	assert_int_equal(sc->lim.v[LIM_DATA], 2 * K * K * K);
	assert_int_equal(sc->lim.v[LIM_STACK], 2 * K * K);
	assert_int_equal(sc->lim.v[LIM_CORE], 2 * K);
	assert_int_equal(sc->lim.v[LIM_MEMORY], 2);
	assert_int_equal(sc->log_cap_bytes, 3 * K * K);
	assert_true(sc->leak.rss_bytes_per_s == 5.0 * 1024);
	assert_int_equal(sc->svc.stop_grace_ns, 7);
	assert_int_equal(sc->leak.warmup_ns, 5 * 1000);
	assert_int_equal(sc->interval_ns, 3 * 1000000);
	assert_int_equal(sc->timeout_ns, 4 * S);
	assert_int_equal(sc->svc.duration_ns, 2 * 60 * S);
	assert_int_equal(sc->svc.ready_timeout_ns, 3600 * S);
	assert_int_equal(sc->svc.metrics_interval_ns, 5400 * S); /* 1.5 x 3600 s */
	assert_int_equal(sc->lim.v[LIM_CPU_TIME], 3 * S);

	char *text = effective(c);
	static const char *const lines[] = {
	    "as = 2T\n",
	    "data = 2G\n",
	    "stack = 2M\n",
	    "core = 2K\n",
	    "memory = 2\n",
	    "log-cap = 3M\n",
	    "leak-rss-slope = 5K\n",
	    "stop-grace = 7ns\n",
	    "leak-warmup = 5us\n",
	    "interval = 3ms\n",
	    "timeout = 4s\n",
	    "duration = 2m\n",
	    "ready-timeout = 1h\n",
	    "metrics-interval = 90m\n",
	    "cpu-time = 3s\n",
	};
	for (size_t i = 0; i < NELEM(lines); i++)
		if (!strstr(text, lines[i]))
			fail_msg("the effective config lacks \"%.*s\":\n%s",
				 (int)strlen(lines[i]) - 1, lines[i], text);
	free(text);
}

static void test_round_trip(void **state)
{
	(void)state;
	round_trip("rt-valid.ini", valid_ini, NULL);
	round_trip("rt-odd.ini", odd_ini, check_odd);
	round_trip("rt-units.ini", units_ini, check_units);
}

/* The effective config of a scenario whose argv was set directly (brink exec):
 * the words are quoted so that command_split gives them back. */
static void test_write_argv(void **state)
{
	(void)state;
	struct config cfg = {0};
	scenario_init(&cfg.defaults);
	snprintf(cfg.name, sizeof(cfg.name), "exec");
	struct scenario sc;
	scenario_init(&sc);
	snprintf(sc.name, sizeof(sc.name), "prog");
	char *words[] = {"/bin/prog", "two words", "q\"uote", "back\\slash",
			 "",	      "'",	   "a=b,c:d", NULL};
	sc.argv = calloc(NELEM(words), sizeof(char *));
	for (size_t i = 0; words[i]; i++)
		sc.argv[i] = strdup(words[i]);
	cfg.scenarios = &sc;
	cfg.n_scenarios = 1;
	char *text = effective(&cfg);
	assert_non_null(strstr(text, "command = /bin/prog \"two words\" \"q\\\"uote\" "
				     "\"back\\\\slash\" \"\" \"'\" a=b,c:d\n"));
	const char *path = write_file("argv.ini", text, 0);
	free(text);
	struct config back;
	load_ok(path, &back);
	for (size_t i = 0; i < NELEM(words); i++) {
		if (!words[i])
			assert_null(back.scenarios[0].argv[i]);
		else
			assert_string_equal(back.scenarios[0].argv[i], words[i]);
	}
	config_free(&back);

	/* control characters (a newline) are written as $'...' and read back */
	char *ctl[] = {"/bin/prog",
		       "new\nline",
		       "t\tab'q\"\\",
		       "\x01"
		       "2\x7f",
		       "\r",
		       NULL};
	argv_free(sc.argv);
	sc.argv = argv_dup(ctl);
	text = effective(&cfg);
	assert_non_null(strstr(text, "command = /bin/prog $'new\\nline' $'t\\tab\\'q\"\\\\' "
				     "$'\\x012\\x7f' $'\\r'\n"));
	path = write_file("argv-ctl.ini", text, 0);
	free(text);
	load_ok(path, &back);
	for (size_t i = 0; i < NELEM(ctl); i++) {
		if (!ctl[i])
			assert_null(back.scenarios[0].argv[i]);
		else
			assert_string_equal(back.scenarios[0].argv[i], ctl[i]);
	}
	config_free(&back);

	/* a command longer than a config line may hold is refused, E2BIG */
	char *big = malloc(CONFIG_LINE_MAX);
	memset(big, 'x', CONFIG_LINE_MAX - 1);
	big[CONFIG_LINE_MAX - 1] = '\0';
	free(sc.argv[1]);
	sc.argv[1] = big;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	errno = 0;
	assert_int_equal(config_write_effective(&cfg, f), -1);
	assert_int_equal(errno, E2BIG);
	fclose(f);
	free(buf);
	scenario_free(&sc);
	scenario_free(&cfg.defaults);
}

/* ---- the pieces: command_split, names, scenario_set, the key list ---------- */

static void test_command_split(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		const char *want[6]; /* NULL-terminated; want[0] NULL = refused */
		const char *why;
	} t[] = {
	    {"a b  c", {"a", "b", "c", NULL}, NULL},
	    {"  a\tb  ", {"a", "b", NULL}, NULL},
	    {"'a b' \"c d\"", {"a b", "c d", NULL}, NULL},
	    {"a'b'\"c\"d", {"abcd", NULL}, NULL},
	    {"'' \"\"", {"", "", NULL}, NULL},
	    {"'a\\b'", {"a\\b", NULL}, NULL},		  /* no escapes inside '...' */
	    {"\"a\\\"b\\\\c\"", {"a\"b\\c", NULL}, NULL}, /* escapes inside "..." */
	    {"a\\ b \\'c", {"a b", "'c", NULL}, NULL},
	    {"$HOME *.c ~ `x`", {"$HOME", "*.c", "~", "`x`", NULL}, NULL}, /* no expansion */
	    {"", {NULL}, "expected a program and its arguments"},
	    {"   ", {NULL}, "expected a program and its arguments"},
	    {"'a", {NULL}, "expected a closing ' quote"},
	    {"\"a", {NULL}, "expected a closing \" quote"},
	    {"\"a\\\"", {NULL}, "expected a closing \" quote"},
	    {"a\\", {NULL}, "expected a character after the backslash"},
	    /* $'...': bash's ANSI-C quoting, the way to a newline */
	    {"$'a\\nb' x$'\\t'y", {"a\nb", "x\ty", NULL}, NULL},
	    {"$'\\x41\\x7' $'\\'\\\\\"' $'\\e'", {"A\x07", "'\\\"", "\033", NULL}, NULL},
	    {"'$'a \"$'b'\"", {"$a", "$'b'", NULL}, NULL}, /* only an unquoted $' */
	    {"$'a", {NULL}, "expected a closing ' quote"},
	    {"$'\\x00'", {NULL}, "expected no \\x00 in $'...' (an argument ends at a NUL byte)"},
	    {"$'\\q'",
	     {NULL},
	     "expected one of \\a \\b \\e \\f \\n \\r \\t \\v \\\\ \\' \\\" \\xHH after a "
	     "backslash in $'...'"},
	};
	for (size_t i = 0; i < NELEM(t); i++) {
		const char *why = NULL;
		char **v = command_split(t[i].in, &why);
		if (!t[i].want[0]) {
			if (v)
				fail_msg("[%s] split, should be refused", t[i].in);
			assert_string_equal(why, t[i].why);
			continue;
		}
		if (!v)
			fail_msg("[%s] refused: %s", t[i].in, why);
		size_t j = 0;
		for (; t[i].want[j]; j++) {
			assert_non_null(v[j]);
			assert_string_equal(v[j], t[i].want[j]);
		}
		assert_null(v[j]);
		for (j = 0; v[j]; j++)
			free(v[j]);
		free(v);
	}
}

static void test_names(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		int ok;
	} t[] = {
	    {"a", 1},
	    {"fd-leak", 1},
	    {"v1.2_x", 1},
	    {"...", 1},
	    {".hidden", 1},
	    {"", 0},
	    {".", 0},
	    {"..", 0},
	    {"-x", 0},
	    {"a/b", 0},
	    {"../x", 0},
	    {"/abs", 0},
	    {"a b", 0},
	    {"a\nb", 0},
	    {"é", 0},
	    {"a\x7f", 0},
	    {"x123456789x123456789x123456789x123456789x123456789x123456789xyz", 1},
	    {"x123456789x123456789x123456789x123456789x123456789x123456789xyzw", 0},
	};
	for (size_t i = 0; i < NELEM(t); i++)
		if (config_name_valid(t[i].name) != t[i].ok)
			fail_msg("config_name_valid(\"%s\") != %d", t[i].name, t[i].ok);
}

/* What `brink exec --KEY VALUE` gets: the same setters, the bare "expected"
 * sentence (the caller shows the option and the value). */
static void test_scenario_set(void **state)
{
	(void)state;
	struct scenario sc;
	scenario_init(&sc);
	const char *why = NULL;
	assert_int_equal(scenario_set(&sc, "memory", "64M", &why), 0);
	assert_int_equal(sc.lim.v[LIM_MEMORY], 64 * MiB);
	assert_int_equal(scenario_set(&sc, "memory", "64Q", &why), -1);
	assert_string_equal(why, "expected a number with an optional K, M, G or T suffix, or max");
	assert_int_equal(sc.lim.v[LIM_MEMORY], 64 * MiB); /* untouched on error */
	assert_int_equal(scenario_set(&sc, "interval", "1ms", &why), 0);
	assert_int_equal(sc.interval_ns, MS);
	assert_int_equal(scenario_set(&sc, "interval", "999us", &why), -1);
	assert_string_equal(why, "expected a duration from 1ms to 1h, such as 10ms");
	assert_int_equal(scenario_set(&sc, "bogus", "1", &why), -1);
	assert_string_equal(why, "unknown key " KEYS);

	/* shell and command in either order give sh -c COMMAND */
	assert_int_equal(scenario_set(&sc, "command", "echo 'a b'", &why), 0);
	assert_string_equal(sc.argv[1], "a b");
	assert_int_equal(scenario_set(&sc, "shell", "yes", &why), 0);
	assert_string_equal(sc.argv[0], "/bin/sh");
	assert_string_equal(sc.argv[2], "echo 'a b'");
	assert_int_equal(scenario_set(&sc, "command", "echo 'unclosed", &why), 0); /* sh's job */
	assert_string_equal(sc.argv[2], "echo 'unclosed");
	assert_int_equal(scenario_set(&sc, "shell", "no", &why), -1);
	assert_string_equal(why, "cannot run the command \"echo 'unclosed\" without a shell "
				 "(expected a closing ' quote)");
	assert_true(sc.shell);
	assert_int_equal(scenario_set(&sc, "command", "a\nb", &why), -1);
	assert_string_equal(why, "expected one line without control characters (an argument "
				 "with a newline is written $'a\\nb'; with shell = yes, "
				 "commands are separated by ';')");

	struct scenario copy;
	assert_int_equal(scenario_copy(&copy, &sc), 0);
	assert_ptr_not_equal(copy.argv, sc.argv);
	assert_ptr_not_equal(copy.command, sc.command);
	assert_string_equal(copy.argv[2], "echo 'unclosed");
	scenario_free(&sc);
	assert_string_equal(copy.command, "echo 'unclosed");
	scenario_free(&copy);
	scenario_free(&copy); /* twice is harmless */
}

/* [compare]: good values are kept as written, in key order (alpha, threshold,
 * threshold.METRIC, min-change.METRIC), with their lines, and written back by
 * config_write_effective into a [compare] section that loads again. */
static void test_compare_section(void **state)
{
	(void)state;
	const char *path = write_file("compare.ini",
				      "[compare]\n"
				      "min-change.peak_rss_bytes = 2M\n"
				      "threshold.peak_fds = 25%\n"
				      "threshold = 10\n"
				      "alpha = 0.01\n"
				      "min-change.duration_s = 1.5\n" OK,
				      0);
	struct config cfg;
	load_ok(path, &cfg);
	static const struct {
		const char *key, *value;
		int line;
	} want[] = {
	    {"alpha", "0.01", 5},
	    {"threshold", "10", 4},
	    {"threshold.peak_fds", "25%", 3},
	    {"min-change.peak_rss_bytes", "2M", 2},
	    {"min-change.duration_s", "1.5", 6},
	};
	assert_int_equal(cfg.n_compare, NELEM(want));
	for (size_t i = 0; i < NELEM(want); i++) {
		assert_string_equal(cfg.compare[i].key, want[i].key);
		assert_string_equal(cfg.compare[i].value, want[i].value);
		assert_int_equal(cfg.compare[i].line, want[i].line);
	}
	char *text = effective(&cfg);
	assert_non_null(strstr(text, "\n[compare]\nalpha = 0.01\nthreshold = 10\n"
				     "threshold.peak_fds = 25%\nmin-change.peak_rss_bytes = 2M\n"
				     "min-change.duration_s = 1.5\n\n[defaults]\n"));
	free(text);
	config_free(&cfg);
	assert_null(cfg.compare); /* config_free cleared it */

	/* without [compare], none is written */
	path = write_file("no-compare.ini", OK, 0);
	load_ok(path, &cfg);
	assert_int_equal(cfg.n_compare, 0);
	text = effective(&cfg);
	assert_null(strstr(text, "[compare]"));
	free(text);
	config_free(&cfg);
	round_trip("rt-compare.ini",
		   "[compare]\nthreshold.peak_mem_bytes = 100000%\n"
		   "min-change.rss_slope_bytes_per_s = 1K\n" OK,
		   NULL);
}

/* A result's run.ini: the effective config followed by the [machine] section
 * brink writes after it, whose keys are no config keys. It loads; the
 * [machine] keys are ignored; the keys after it in a later section count. */
static void test_run_ini_machine(void **state)
{
	(void)state;
	const char *path = write_file("run.ini",
				      "[brink]\nname = r\n\n[compare]\nthreshold = 20%\n\n"
				      "[scenario s]\ncommand = true\nmemory = 64M\n\n"
				      "[machine]\nkernel = Linux 6.18 x86_64\n"
				      "cgroup_mode = hybrid\n"
				      "cgroup_memory = v1 /sys/fs/cgroup/memory/brink\n"
				      "rlimit_nofile = 1024/20000\n"
				      "fd_count = stat st_size (O(1))\n"
				      "memory = not a size\n",
				      0);
	struct config cfg;
	load_ok(path, &cfg);
	assert_int_equal(cfg.n_scenarios, 1);
	assert_int_equal(cfg.scenarios[0].lim.v[LIM_MEMORY], 64 * MiB); /* not "not a size" */
	assert_int_equal(cfg.n_compare, 1);
	assert_string_equal(cfg.compare[0].value, "20%");
	config_free(&cfg);

	/* a section after [machine] is read again, errors and all */
	path = write_file("run-after.ini",
			  "[machine]\nkernel = x\n[scenario s]\ncommand = true\nbogus = 1\n", 0);
	int nerr;
	char *errs = load(path, &cfg, &nerr);
	assert_int_equal(nerr, 1);
	assert_string_equal(errs, "@F@:5: [scenario s] bogus: unknown key " KEYS "\n");
	free(errs);
	config_free(&cfg);
}

/* Every row of limit_table is a key, in table order, with its help line; the
 * other keys all have help and a metavar. */
static void test_key_list(void **state)
{
	(void)state;
	size_t n = scenario_key_count();
	assert_int_equal(n, 2 + LIM__COUNT + 13 + 9); /* + the 9 service keys */
	assert_string_equal(scenario_key_at(0).key, "command");
	assert_string_equal(scenario_key_at(1).key, "shell");
	for (int i = 0; i < LIM__COUNT; i++) {
		struct scenario_key k = scenario_key_at(2 + (size_t)i);
		assert_string_equal(k.key, limit_table[i].key);
		assert_string_equal(k.help, limit_table[i].help);
	}
	for (size_t i = 0; i < n; i++) {
		struct scenario_key k = scenario_key_at(i);
		assert_non_null(k.key);
		assert_non_null(k.help);
		assert_non_null(k.metavar);
		/* each key is accepted by scenario_set (maybe not with this value) */
		struct scenario sc;
		scenario_init(&sc);
		const char *why = NULL;
		if (scenario_set(&sc, k.key, "1", &why) != 0)
			assert_null(strstr(why, "unknown key"));
		scenario_free(&sc);
	}
	assert_null(scenario_key_at(n).key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid),	    cmocka_unit_test(test_name_from_file),
	    cmocka_unit_test(test_cannot_open),	    cmocka_unit_test(test_bad_cases),
	    cmocka_unit_test(test_bad_lines),	    cmocka_unit_test(test_long_names),
	    cmocka_unit_test(test_cwd_env),	    cmocka_unit_test(test_golden_errors),
	    cmocka_unit_test(test_round_trip),	    cmocka_unit_test(test_write_argv),
	    cmocka_unit_test(test_command_split),   cmocka_unit_test(test_names),
	    cmocka_unit_test(test_scenario_set),    cmocka_unit_test(test_key_list),
	    cmocka_unit_test(test_compare_section), cmocka_unit_test(test_run_ini_machine),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
