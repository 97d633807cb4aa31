/* runset.c - `brink run CONFIG` and `brink exec [OPTIONS] -- COMMAND`: a set of
 * scenarios x repetitions, from checks to result directory. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "afile.h"
#include "cgroup.h"
#include "commands.h"
#include "config.h"
#include "json.h"
#include "launch.h"
#include "monitor.h"
#include "service.h"
#include "path.h"
#include "plot.h"
#include "probe.h"
#include "progress.h"
#include "record.h"
#include "search.h"
#include "shard.h"
#include "sweep.h"
#include "syswatch.h"
#include "units.h"

struct runset_opts {
	const char *out;  /* --out, or NULL */
	bool no_cgroup;	  /* --no-cgroup: rlimits only */
	bool no_bpf;	  /* --no-bpf: no failing system calls from the kernel */
	int progress_tty; /* -1 auto */
	bool quiet;	  /* no summary table on stdout */
	bool no_plots;	  /* --no-plots: skip plot_write (gnuplot is most of a launch) */
	/* --shard K/N: the runs of one slice (shard.h); {0, 0} when not given: all */
	struct shard shard;
	struct search_plan *search; /* brink search / [search]: appends the probes */
};

/* The program path of every scenario of cfg from `from` on: paths grows with
 * cfg (a search appends scenarios as it goes). */
static int resolve_paths(struct config *cfg, size_t from, char (**paths)[PATH_MAX],
			 const char *sdir, struct berr *err)
{
	char(*np)[PATH_MAX] = realloc(*paths, (cfg->n_scenarios ? cfg->n_scenarios : 1) * PATH_MAX);
	if (!np)
		return berr_set(err, ENOMEM, "cannot resolve the command");
	*paths = np;
	for (size_t i = from; i < cfg->n_scenarios; i++)
		if (launch_resolve(cfg->scenarios[i].argv[0], sdir, np[i], PATH_MAX, err) != 0)
			return -1;
	return 0;
}

#ifndef BRINK_INSTALLED_SCENARIOS /* set by CMakeLists.txt from GNUInstallDirs */
#define BRINK_INSTALLED_SCENARIOS "libexec/brink/scenarios"
#endif

/* Where bare scenario names are found first: $BRINK_SCENARIO_DIR, else next to
 * the brink binary (the build tree: build/scenarios), else where `cmake
 * --install` puts them (PREFIX/libexec/brink/scenarios for PREFIX/bin/brink). */
static void scenario_dir(char *out, size_t len)
{
	const char *env = getenv("BRINK_SCENARIO_DIR");
	if (env && *env) {
		snprintf(out, len, "%s", env);
		return;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		out[0] = '\0';
		return;
	}
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	struct stat st;
	if (path_fmt(out, len, "%s/scenarios", exe) == 0 && stat(out, &st) == 0 &&
	    S_ISDIR(st.st_mode))
		return;
	if (path_fmt(out, len, "%s/../%s", exe, BRINK_INSTALLED_SCENARIOS) == 0 &&
	    stat(out, &st) == 0 && S_ISDIR(st.st_mode))
		return;
	if (path_fmt(out, len, "%s/scenarios", exe) != 0)
		out[0] = '\0';
}

/* --out DIR: new or empty (path_new_or_empty), named as the option. */
static int prepare_out(const char *dir, struct berr *err)
{
	if (path_new_or_empty(dir, err) == 0)
		return 0;
	/* "--out " before the message, which path_new_or_empty began with DIR */
	size_t n = strlen(err->msg), pre = strlen("--out ");
	if (n + pre >= sizeof(err->msg))
		n = sizeof(err->msg) - pre - 1;
	memmove(err->msg + pre, err->msg, n);
	memcpy(err->msg, "--out ", pre);
	err->msg[n + pre] = '\0';
	return -1;
}

/* results/<UTC stamp>-<name>, made here with mkdir (which fails if it
 * exists, so two brinks started in the same second cannot both take it);
 * -2, -3... appended when it is taken. */
static int claim_default_out(const char *name, char *out, size_t len, struct berr *err)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	char stamp[32];
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	if (path_mkdir_p("results", err) != 0)
		return -1;
	for (int n = 1; n <= 1000; n++) {
		if (n == 1)
			snprintf(out, len, "results/%s-%s", stamp, name);
		else
			snprintf(out, len, "results/%s-%s-%d", stamp, name, n);
		if (mkdir(out, 0755) == 0)
			return 0;
		if (errno != EEXIST)
			return berr_set(err, errno, "cannot create %s", out);
	}
	return berr_set(err, EEXIST, "cannot create results/%s-%s-N: 1000 taken", stamp, name);
}

/* `cwd`: an existing directory, made absolute (relative to where brink runs). */
static int resolve_dir(const char *dir, char out[PATH_MAX], struct berr *err)
{
	struct stat st;
	if (!realpath(dir, out) || stat(out, &st) != 0)
		return berr_set(err, errno, "cannot use %s as the working directory", dir);
	if (!S_ISDIR(st.st_mode))
		return berr_set(err, 0, "cannot use %s as the working directory: not a directory",
				dir);
	return 0;
}

/* The errors check_failed printed (FNV-1a of each line): a key of [defaults]
 * is every scenario's, and its error is said once, not once per scenario. */
struct said {
	uint64_t h[256];
	size_t n;
};

/* A problem found after the config was read, in the format of config errors:
 * FILE:LINE: [SECTION] KEY: reason, or `brink exec: --KEY: reason`. The
 * message's own "KEY: " prefix, if any, is not repeated. Returns 1 when
 * printed, 0 for the same line said before (an error to count once). */
static int check_failed(struct said *said, const struct config *cfg, const struct scenario *sc,
			const char *key, const char *msg)
{
	char where[PATH_MAX + 160], line[PATH_MAX + 160 + sizeof(((struct berr *)0)->msg)];
	size_t kl = strlen(key);
	if (strncmp(msg, key, kl) == 0 && msg[kl] == ':' && msg[kl + 1] == ' ')
		msg += kl + 2;
	scenario_key_origin(cfg, sc, key, where, sizeof(where));
	snprintf(line, sizeof(line), "%s%s: %s", cfg->path ? "" : "brink exec: ", where, msg);
	uint64_t h = 1469598103934665603ULL;
	for (const char *c = line; *c; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ULL;
	for (size_t i = 0; i < said->n; i++)
		if (said->h[i] == h)
			return 0;
	if (said->n < sizeof(said->h) / sizeof(said->h[0]))
		said->h[said->n++] = h;
	fprintf(stderr, "%s\n", line);
	return 1;
}

/* ---- the table: one line per run, as wide as the terminal (80 columns on a
 * pipe, or $COLUMNS). Columns are dropped by priority when they do not fit. */

static void cell_outcome(const struct run_result *r, char *b, size_t n)
{
	const char *abbrev = r->signal > 0 ? sigabbrev_np(r->signal) : NULL;
	if (r->outcome == OUT_EXITED && r->exit_code != RES_NONE)
		snprintf(b, n, "exit %d", r->exit_code);
	else if (r->outcome == OUT_SIGNALED && abbrev)
		snprintf(b, n, "SIG%s", abbrev);
	else
		snprintf(b, n, "%s", outcome_name(r->outcome));
}

static bool measured(const struct run_result *r)
{
	return r->outcome != OUT_EXEC_FAILED;
}

static void cell_limit(const struct run_result *r, char *b, size_t n)
{
	snprintf(b, n, "%s", r->limit_hit != BP_NONE ? breaking_point_name(r->limit_hit) : "-");
}

static void cell_count(int64_t v, char *b, size_t n)
{
	if (v < 0)
		snprintf(b, n, "-");
	else
		snprintf(b, n, "%lld", (long long)v);
}

static void cell_rss(const struct run_result *r, char *b, size_t n)
{
	if (r->peak_rss_bytes < 0)
		snprintf(b, n, "-");
	else
		units_format_size_short((double)r->peak_rss_bytes, "", b, n);
}

static void cell_mem(const struct run_result *r, char *b, size_t n)
{
	if (r->peak_mem_bytes < 0)
		snprintf(b, n, "-");
	else
		units_format_size_short((double)r->peak_mem_bytes, "", b, n);
}

static void cell_fds(const struct run_result *r, char *b, size_t n)
{
	cell_count(r->peak_fds, b, n);
}

static void cell_threads(const struct run_result *r, char *b, size_t n)
{
	cell_count(r->peak_threads, b, n);
}

static void cell_leak(const struct run_result *r, char *b, size_t n)
{
	snprintf(b, n, "%s",
		 !measured(r) || r->leak == LEAK_NONE ? "-" : leak_verdict_name(r->leak));
}

static void cell_rss_slope(const struct run_result *r, char *b, size_t n)
{
	if (isnan(r->rss_slope_bytes_per_s))
		snprintf(b, n, "-");
	else
		units_format_size_short(r->rss_slope_bytes_per_s, "/s", b, n);
}

static void cell_fd_slope(const struct run_result *r, char *b, size_t n)
{
	if (isnan(r->fd_slope_per_s))
		snprintf(b, n, "-");
	else
		units_format_count_rate(r->fd_slope_per_s, b, n);
}

static void cell_thread_slope(const struct run_result *r, char *b, size_t n)
{
	if (isnan(r->thread_slope_per_s))
		snprintf(b, n, "-");
	else
		units_format_count_rate(r->thread_slope_per_s, b, n);
}

static void cell_time(const struct run_result *r, char *b, size_t n)
{
	if (r->duration_s < 0)
		snprintf(b, n, "-");
	else
		units_format_measure(UM_SECONDS_TIGHT, r->duration_s, b, n);
}

/* Filled in by the caller: the expectation is the scenario's, not the row's. */
static void cell_expect(const struct run_result *r, char *b, size_t n)
{
	snprintf(b, n, "%s", r->expect_failure[0] ? "FAIL" : "ok");
}

struct column {
	const char *head;
	int width;
	bool right;
	int priority; /* 1 first; columns are kept in priority order while they fit */
	void (*cell)(const struct run_result *r, char *b, size_t n);
};

/* In display order. */
static const struct column columns[] = {
    {"outcome", 11, false, 1, cell_outcome},
    {"limit", 8, false, 3, cell_limit},
    {"rss", 8, true, 4, cell_rss},
    {"mem", 8, true, 11, cell_mem},
    {"fds", 5, true, 5, cell_fds},
    {"thr", 4, true, 6, cell_threads},
    {"rss/s", 11, true, 7, cell_rss_slope},
    {"fds/s", 7, true, 8, cell_fd_slope},
    {"thr/s", 7, true, 9, cell_thread_slope},
    {"time", 7, true, 10, cell_time},
    {"leak", 4, false, 2, cell_leak},
    {"exp", 4, false, 2, cell_expect},
};
#define N_COLUMNS  (sizeof(columns) / sizeof(columns[0]))
#define COL_EXPECT (N_COLUMNS - 1)

struct table {
	int run_width; /* "scenario/rep" */
	bool show[N_COLUMNS];
};

static int term_width(void)
{
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	const char *c = getenv("COLUMNS");
	char *end;
	long v = c ? strtol(c, &end, 10) : 0;
	if (c && *c && !*end && v >= 40 && v <= 1000)
		return (int)v;
	return 80;
}

static void table_plan(struct table *t, const struct config *cfg)
{
	int width = term_width(), run = 3;
	bool any_expect = false;
	for (size_t i = 0; i < cfg->n_scenarios; i++) {
		const struct scenario *sc = &cfg->scenarios[i];
		char rep[16];
		int w = (int)strlen(sc->name) + snprintf(rep, sizeof(rep), "/%d", sc->repetitions);
		if (w > run)
			run = w;
		any_expect |= sc->expect.set;
	}
	memset(t->show, 0, sizeof(t->show));
	/* The columns of priority 1 to 6 when they fit: the run column gives
	 * way to them down to 16 characters (longer names are cut, marked with
	 * ~); on a narrower terminal they go, least important first (outcome
	 * stays), then the run column gives way down to 8. */
	int used = 0;
	for (size_t c = 0; c < N_COLUMNS; c++) {
		if (columns[c].priority > 6 || (c == COL_EXPECT && !any_expect))
			continue;
		t->show[c] = true;
		used += columns[c].width + 1;
	}
	bool dropped = false;
	for (int prio = 6; prio > 1 && (run < 16 ? run : 16) + used > width; prio--)
		for (size_t c = 0; c < N_COLUMNS; c++)
			if (t->show[c] && columns[c].priority == prio) {
				t->show[c] = false;
				used -= columns[c].width + 1;
				dropped = true;
			}
	if (run + used > width)
		run = width - used < 16 ? 16 : width - used;
	if (run + used > width)
		run = width - used < 8 ? 8 : width - used;
	used += run;
	/* the extras only where every column above has its place (no fds/s
	 * without fds) */
	for (int prio = 7; prio <= 11 && !dropped; prio++)
		for (size_t c = 0; c < N_COLUMNS; c++)
			if (columns[c].priority == prio && used + columns[c].width + 1 <= width) {
				t->show[c] = true;
				used += columns[c].width + 1;
			}
	t->run_width = run;
}

/* Append one cell to line (at *o), padded to its column's width. */
static void put_cell(char *line, size_t len, size_t *o, const struct column *c, const char *text)
{
	int n = snprintf(line + *o, len - *o, c->right ? " %*s" : " %-*s", c->width, text);
	if (n > 0)
		*o = *o + (size_t)n < len ? *o + (size_t)n : len - 1;
}

static void put_line(FILE *f, char *line, size_t o)
{
	while (o > 0 && line[o - 1] == ' ') /* no trailing blanks in a log */
		o--;
	line[o] = '\0';
	fprintf(f, "%s\n", line);
}

static void print_table_header(FILE *f, const struct table *t)
{
	char line[1024];
	size_t o = (size_t)snprintf(line, sizeof(line), "%-*s", t->run_width, "run");
	for (size_t c = 0; c < N_COLUMNS; c++)
		if (t->show[c])
			put_cell(line, sizeof(line), &o, &columns[c], columns[c].head);
	put_line(f, line, o);
}

static void print_table_row(FILE *f, const struct table *t, const struct run_result *r,
			    bool expect_set)
{
	char run[160], cell[64], line[1024];
	int n = snprintf(run, sizeof(run), "%s/%d", r->scenario, r->rep);
	if (n > t->run_width) {
		/* keep "/rep": cut the name, mark the cut */
		char rep[16];
		int rl = snprintf(rep, sizeof(rep), "/%d", r->rep);
		snprintf(run, sizeof(run), "%.*s~%s", t->run_width - rl - 1, r->scenario, rep);
	}
	size_t o = (size_t)snprintf(line, sizeof(line), "%-*s", t->run_width, run);
	for (size_t c = 0; c < N_COLUMNS; c++) {
		if (!t->show[c])
			continue;
		if (c == COL_EXPECT && (!expect_set || r->outcome == OUT_INTERRUPTED))
			cell[0] = '\0';
		else
			columns[c].cell(r, cell, sizeof(cell));
		put_cell(line, sizeof(line), &o, &columns[c], cell);
	}
	put_line(f, line, o);
}

/* Was SIGINT, SIGTERM or SIGHUP delivered to the signalfd and not yet read?
 * (SIGCHLD entries are read and dropped.) */
static bool termination_pending(int sigfd)
{
	struct signalfd_siginfo si;
	bool pending = false;
	while (read(sigfd, &si, sizeof(si)) == sizeof(si))
		if (si.ssi_signo != SIGCHLD)
			pending = true;
	return pending;
}

static void unblock_termination(void)
{
	signal(SIGINT, plot_cut_signal);
	signal(SIGTERM, plot_cut_signal);
	signal(SIGHUP, plot_cut_signal);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* Take SIGINT, SIGTERM and SIGHUP on the signalfd again (after the plots). */
static void block_termination(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

static int block_signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* What the final line says. */
struct tally {
	size_t runs;
	size_t outcome[OUT__COUNT];
	size_t expect_met, expect_failed;
	size_t missed_warnings;
};

static void tally_add(struct tally *t, const struct scenario *sc, const struct run_result *r)
{
	t->runs++;
	if ((unsigned)r->outcome < OUT__COUNT)
		t->outcome[r->outcome]++;
	t->missed_warnings += run_samples_missed(r);
	if (sc->expect.set && r->outcome != OUT_INTERRUPTED) {
		if (r->expect_failure[0])
			t->expect_failed++;
		else
			t->expect_met++;
	}
}

/* Where the programs run, said once: relative arguments resolve there. */
static void print_workdirs(FILE *f, const struct config *cfg, const char *out)
{
	bool fresh = false;
	for (size_t i = 0; i < cfg->n_scenarios; i++)
		fresh |= !cfg->scenarios[i].cwd;
	if (fresh)
		fprintf(f, "brink: programs run in %s/<scenario>/<rep>/work/ (cwd changes it)\n",
			out);
}

/* Under a run's row: why it failed its expectation or could not start, a
 * warning about missed samples, and the end of stderr.log of a program that
 * exited non-zero within its first second (a typo in its arguments, a missing
 * file: the reason is there). */
static void explain_run(FILE *f, const struct scenario *sc, const struct run_result *r,
			const char *rdir)
{
	if (r->outcome == OUT_EXEC_FAILED && r->exec_error[0])
		fprintf(f, "    %s/%d: %s\n", sc->name, r->rep, r->exec_error);
	if (r->expect_failure[0])
		fprintf(f, "    %s/%d: expectation \"%s\" failed: %s\n", sc->name, r->rep,
			sc->expect.raw, r->expect_failure);
	if (service_load_failed(r)) {
		if (strcmp(r->load_status, "not-started") == 0)
			fprintf(f,
				"    %s/%d: load not started: the program was never ready (%s)\n",
				sc->name, r->rep, outcome_name(r->outcome));
		else if (r->load_exit_code != RES_NONE)
			fprintf(f, "    %s/%d: load %s (exit %d): see load-stderr.log\n", sc->name,
				r->rep, r->load_status, r->load_exit_code);
		else
			fprintf(f, "    %s/%d: load %s: see load-stderr.log\n", sc->name, r->rep,
				r->load_status);
	}
	/* metrics-url: failed scrapes, once per run (each is in events.csv) */
	char first[400];
	int64_t nfail =
	    sc->svc.metrics_url[0] ? service_scrape_failures(rdir, first, sizeof(first)) : 0;
	if (nfail > 0)
		fprintf(
		    f,
		    "    %s/%d: warning: %lld scrape(s) of metrics-url failed (scrape-failed in "
		    "events.csv); the first: %s\n",
		    sc->name, r->rep, (long long)nfail, first);
	/* go-runtime = dump: why there is no goroutine count (service.c) */
	if (r->goroutines < 0 && (strncmp(r->goroutines_top, "incomplete", 10) == 0 ||
				  strncmp(r->goroutines_top, "no goroutine dump", 17) == 0))
		fprintf(f, "    %s/%d: warning: %s\n", sc->name, r->rep, r->goroutines_top);
	char interval[32];
	if (run_samples_missed(r))
		fprintf(f,
			"    %s/%d: warning: %lld of %lld samples missed (over 1%%): the machine "
			"was too busy for interval %s\n",
			sc->name, r->rep, (long long)r->missed_samples,
			(long long)(r->samples + r->missed_samples),
			units_format_duration(sc->interval_ns, interval, sizeof(interval)));
	if (r->outcome != OUT_EXITED || r->exit_code <= 0 || r->duration_s >= 1.0)
		return;
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/stderr.log", rdir);
	FILE *log = fopen(path, "re");
	if (!log)
		return;
	/* the last 5 lines of at most the last 4 KiB */
	char buf[4096 + 1];
	if (fseek(log, 0, SEEK_END) == 0) {
		long size = ftell(log);
		fseek(log, size > 4096 ? size - 4096 : 0, SEEK_SET);
	}
	size_t n = fread(buf, 1, 4096, log);
	fclose(log);
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (n == 0)
		return;
	const char *start = buf;
	int lines = 0;
	for (size_t k = n; k > 0; k--)
		if (buf[k - 1] == '\n' && ++lines == 5) {
			start = buf + k;
			break;
		}
	char secs[32];
	fprintf(f, "    %s/%d exited with %d after %s; the end of its stderr.log:\n", sc->name,
		r->rep, r->exit_code,
		units_format_measure(UM_SECONDS, r->duration_s, secs, sizeof(secs)));
	for (const char *l = start; *l;) {
		size_t len = strcspn(l, "\n");
		fprintf(f, "    | %.*s\n", (int)len, l);
		l += len + (l[len] == '\n');
	}
}

/* "brink: 4 runs: 3 exited, 1 oom-killed; expectations: 3 met, 1 FAILED;
 * results in DIR, report DIR/report.html" */
static void print_final(FILE *f, const struct tally *t, const char *out)
{
	fprintf(f, "brink: %zu run%s%s", t->runs, t->runs == 1 ? "" : "s", t->runs ? ":" : "");
	const char *sep = " ";
	for (int o = 0; o < OUT__COUNT; o++) {
		if (!t->outcome[o])
			continue;
		fprintf(f, "%s%zu %s", sep, t->outcome[o], outcome_name((enum outcome)o));
		sep = ", ";
	}
	if (t->expect_met || t->expect_failed)
		fprintf(f, "; expectations: %zu met, %zu failed", t->expect_met, t->expect_failed);
	if (t->missed_warnings)
		fprintf(f, "; %zu with over 1%% of samples missed", t->missed_warnings);
	fprintf(f, "; results in %s", out);
	char report[PATH_MAX + 16];
	snprintf(report, sizeof(report), "%s/report.html", out);
	if (access(report, F_OK) == 0)
		fprintf(f, ", report %s", report);
	fputc('\n', f);
}

/* ---- a run set, step by step: preflight (everything that can be found wrong,
 * before anything runs) -> result directory -> signals and cgroups -> what this
 * machine cannot limit -> the system call watcher -> run.ini -> summary.csv ->
 * the runs -> summary.json, plots, report -> the final line. The config is
 * never changed here, except by a search appending its probes: a limit this
 * machine cannot apply is dropped from the copy of the scenario a run gets. */

struct runset {
	struct config *cfg;
	const struct runset_opts *ro;
	char sdir[PATH_MAX];	   /* scenario_dir() */
	char (*paths)[PATH_MAX];   /* the program of each scenario */
	struct shard whole;	   /* the shard when none is given: all */
	const struct shard *shard; /* --shard, or &whole */
	char digest[SHARD_DIGEST_LEN];
	char out[PATH_MAX]; /* the result directory */
	int sigfd;	    /* SIGCHLD and the termination signals */
	struct cg_system *sys;
	bool no_limit[CG__COUNT]; /* controller missing for a limit asked for */
	struct syswatch *sw;	  /* NULL: not watched, sw_why says why */
	char sw_why[512];
	struct csv summary;
	struct sweep_columns scols;
	struct progress *prog;
	struct table table;
	struct tally tally;
	int status;	   /* exit status so far (commands.h) */
	bool interrupted;  /* no more runs */
	bool brink_failed; /* brink itself failed: no reports */
};

/* The checks of each scenario this shard runs: limits, command, service,
 * user, cwd, and the memory ceiling of a batch job. Returns the errors found
 * (each printed once). */
static int check_scenarios(struct runset *rs, struct said *said)
{
	struct config *cfg = rs->cfg;
	struct berr err = {0};
	int bad = 0;
	/* Inside a batch job (or any memory-limited group) a scenario's limit must
	 * fit the allocation. */
	int64_t ceiling = BRINK_UNLIMITED;
	char ceiling_src[PATH_MAX + 64] = "";
	if (!rs->ro->no_cgroup &&
	    cg_memory_ceiling(&ceiling, ceiling_src, sizeof(ceiling_src), &err) != 0)
		ceiling = BRINK_UNLIMITED; /* no memory controller: no memory limits either */
	for (size_t i = 0; i < cfg->n_scenarios; i++) {
		struct scenario *sc = &cfg->scenarios[i];
		if (!shard_has_scenario(rs->shard, cfg, i))
			continue; /* another shard's: checked where it runs */
		if (shard_memory_check(sc, ceiling, ceiling_src, &err) != 0)
			bad += check_failed(said, cfg, sc, "memory", err.msg);
		for (int id = 0; id < LIM__COUNT; id++)
			if (limits_check_one(&sc->lim, id, &err) != 0)
				bad += check_failed(said, cfg, sc, limit_table[id].key, err.msg);
		if (launch_resolve(sc->argv[0], rs->sdir, rs->paths[i], PATH_MAX, &err) != 0)
			bad += check_failed(said, cfg, sc, "command", err.msg);
		if (service_check(&sc->svc, sc->shell ? sc->argv[2] : NULL, rs->sdir, &err) != 0) {
			/* "KEY: reason": the place of that key */
			char key[32];
			snprintf(key, sizeof(key), "%.*s", (int)strcspn(err.msg, ":"), err.msg);
			bad += check_failed(said, cfg, sc, key, err.msg);
		}
		uid_t uid;
		gid_t gid;
		if (sc->user[0] && launch_user_resolve(sc->user, &uid, &gid, &err) != 0) {
			bad += check_failed(said, cfg, sc, "user", err.msg);
		} else if (sc->user[0] && geteuid() != 0) {
			/* Changing user, groups and capabilities takes root. */
			snprintf(err.msg, sizeof(err.msg),
				 "running as %s needs brink to run as root", sc->user);
			bad += check_failed(said, cfg, sc, "user", err.msg);
		}
		char cwd[PATH_MAX];
		if (sc->cwd && resolve_dir(sc->cwd, cwd, &err) != 0)
			bad += check_failed(said, cfg, sc, "cwd", err.msg);
	}
	return bad;
}

/* Everything that can be found wrong before anything runs: the shard, the
 * config's digest, each scenario, BRINK_BPF, BRINK_PROC_LIST. Returns the
 * errors found. */
static int preflight(struct runset *rs)
{
	struct config *cfg = rs->cfg;
	const struct runset_opts *ro = rs->ro;
	struct berr err = {0};
	int bad = 0;
	struct said said = {.n = 0};
	if (ro->search && rs->shard->count > 1) {
		/* a search picks its next limit from the runs before: it cannot be cut */
		fprintf(stderr, "brink: --shard %d/%d: a search cannot be split into shards\n",
			rs->shard->index, rs->shard->count);
		bad++;
	}
	if (rs->shard->count > 1 && shard_check_nonempty(rs->shard, cfg, &err) != 0) {
		fprintf(stderr, "brink: --shard %d/%d: %s\n", rs->shard->index, rs->shard->count,
			err.msg);
		bad++;
	}
	/* The digest of the config as given: the same on every machine that runs
	 * a shard of it (limits this one cannot apply are never dropped from cfg). */
	if (shard_digest(cfg, rs->digest, sizeof(rs->digest), &err) != 0) {
		fprintf(stderr, "brink: %s\n", err.msg);
		bad++;
	}
	bad += check_scenarios(rs, &said);
	const char *bpf_env = getenv("BRINK_BPF");
	if (syswatch_env(bpf_env) == SW_ENV_BAD) {
		fprintf(stderr,
			"brink: BRINK_BPF=%s: expected on, off, auto, 1, 0, yes, no, true, false "
			"or tracepoint\n",
			bpf_env);
		bad++;
	}
	const char *list_env = getenv("BRINK_PROC_LIST");
	if (monitor_proc_list_env(list_env) < 0) {
		fprintf(stderr, "brink: BRINK_PROC_LIST=%s: expected events or cgroup\n", list_env);
		bad++;
	}
	return bad;
}

/* The result directory: --out, else [brink] out (OUT/shard-K-of-N with
 * --shard), else results/<stamp>-NAME made here. Made (or checked new or empty)
 * only when `bad` is 0. Returns the errors found, `bad` included. */
static int claim_out(struct runset *rs, int bad)
{
	const struct config *cfg = rs->cfg;
	const struct runset_opts *ro = rs->ro;
	const struct shard *shard = rs->shard;
	struct berr err = {0};
	bool default_dir = !ro->out && !cfg->out;
	if (!default_dir)
		snprintf(rs->out, sizeof(rs->out), "%s", ro->out ? ro->out : cfg->out);
	/* [brink] out with --shard: OUT/shard-K-of-N, the shards side by side */
	if (!ro->out && cfg->out && shard->count > 1 &&
	    shard_out_dir(cfg->out, shard, rs->out, sizeof(rs->out)) != 0) {
		fprintf(stderr, "brink: %s: [brink] out: %s: path too long\n", cfg->path, cfg->out);
		bad++;
	}
	char default_name[SCENARIO_NAME_MAX + 48];
	if (shard->count > 1) /* results/<stamp>-NAME-shard-K-of-N: shards side by side */
		snprintf(default_name, sizeof(default_name), "%s-shard-%d-of-%d", cfg->name,
			 shard->index, shard->count);
	else
		snprintf(default_name, sizeof(default_name), "%s", cfg->name);
	if (!bad && default_dir &&
	    claim_default_out(default_name, rs->out, sizeof(rs->out), &err) != 0) {
		fprintf(stderr, "brink: %s\n", err.msg);
		bad++;
	}
	if (!bad && !default_dir && prepare_out(rs->out, &err) != 0) {
		if (ro->out) /* else say where the directory came from */
			fprintf(stderr, "brink: %s\n", err.msg);
		else
			fprintf(stderr, "brink: %s: [brink] out = %s: %s\n", cfg->path, cfg->out,
				err.msg + (strncmp(err.msg, "--out ", 6) == 0 ? 6 : 0));
		bad++;
	}
	return bad;
}

/* A warning of the cgroup module, on stderr (arg). */
static void say_cg_warning(void *arg, const char *line)
{
	fprintf((FILE *)arg, "brink: %s\n", line);
}

/* Signals on a signalfd, orphans reaped by brink, brink's cgroups made.
 * EXIT_MEASURED, or EXIT_FAILED said on stderr. */
static int start_machine(struct runset *rs)
{
	rs->sigfd = block_signals();
	if (rs->sigfd < 0) {
		fprintf(stderr, "brink: cannot create a signalfd: %s\n", strerror(errno));
		return EXIT_FAILED;
	}
	/* Orphans of the programs are re-parented to brink, which reaps them. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	rs->sys = calloc(1, sizeof(*rs->sys));
	if (!rs->sys) {
		fprintf(stderr, "brink: out of memory\n");
		return EXIT_FAILED;
	}
	cg_system_init(rs->sys, rs->ro->no_cgroup);
	cg_system_flush_warnings(rs->sys, say_cg_warning, stderr);
	return EXIT_MEASURED;
}

/* The controllers that limits of cfg need and this machine cannot give, said
 * once each: those limits are dropped from every run (run_scenario). */
static void warn_missing_limits(struct runset *rs)
{
	for (size_t i = 0; i < rs->cfg->n_scenarios; i++) {
		unsigned miss = cg_system_missing(rs->sys, &rs->cfg->scenarios[i].lim);
		for (int c = 0; c < CG__COUNT; c++) {
			if (!(miss & (1u << c)) || rs->no_limit[c])
				continue;
			rs->no_limit[c] = true;
			fprintf(stderr,
				"brink: warning: no %s limit: %s; running with rlimits only, the "
				"results say what was not measured\n",
				cg_ctrl_name(c), rs->sys->ctrl[c].why);
		}
	}
}

/* The scenario as it runs here: a shallow copy of sc (its strings borrowed)
 * without the limits whose controller this machine lacks; they are marked
 * unavailable in the results. */
static void run_scenario(const struct cg_system *sys, const struct scenario *sc,
			 struct scenario *out)
{
	static const struct {
		enum cg_ctrl ctrl;
		enum limit_id lim;
	} drop[] = {{CG_MEMORY, LIM_MEMORY}, {CG_PIDS, LIM_PIDS}, {CG_CPU, LIM_CPUS}};
	*out = *sc;
	unsigned miss = cg_system_missing(sys, &sc->lim);
	for (size_t k = 0; k < sizeof(drop) / sizeof(drop[0]); k++)
		if (miss & (1u << drop[k].ctrl))
			out->lim.v[drop[k].lim] = BRINK_UNSET;
}

/* Will the runs have the syscall watch, as far as the options and the build
 * tell before it is loaded (a search's --from reuses runs measured alike)? */
static bool watch_expected(const struct runset_opts *ro)
{
	enum sw_env e = syswatch_env(getenv("BRINK_BPF"));
	return !ro->no_bpf && !ro->no_cgroup && syswatch_built() && e != SW_ENV_OFF &&
	       e != SW_ENV_BAD;
}

/* The kernel's view of failing system calls: loaded once for every run. It
 * filters on the run's group, so without groups there is nothing to load. */
static void open_syswatch(struct runset *rs)
{
	if (!cg_system_any(rs->sys))
		snprintf(rs->sw_why, sizeof(rs->sw_why),
			 "no run cgroup to filter on (rlimits only)");
	else
		rs->sw = syswatch_open(rs->ro->no_bpf, rs->sw_why, sizeof(rs->sw_why));
	if (!rs->sw)
		fprintf(stderr,
			"brink: warning: failing system calls not watched: %s; breaking points "
			"come from sampling and the exit stop (unavailable=syscalls)\n",
			rs->sw_why);
	if (rs->ro->search && !rs->sw && search_plan_watch(rs->ro->search))
		fprintf(stderr, "brink: warning: --from reused only runs made with the syscall "
				"watch, which these runs do not have\n");
}

/* A search over a limit that cannot be applied here would find nothing.
 * EXIT_MEASURED, or EXIT_FAILED said on stderr. */
static int check_search_limit(const struct runset *rs)
{
	if (!rs->ro->search)
		return EXIT_MEASURED;
	int lim = search_plan_lim(rs->ro->search);
	int c = lim == LIM_MEMORY ? CG_MEMORY : lim == LIM_PIDS ? CG_PIDS : -1;
	if (c >= 0 && rs->no_limit[c]) {
		fprintf(stderr, "brink: cannot search %s here: no %s limit (%s)\n",
			limit_table[lim].key, cg_ctrl_name(c), rs->sys->ctrl[c].why);
		return EXIT_FAILED;
	}
	return EXIT_MEASURED;
}

/* The effective config into f: for a search, what was searched (the probes are
 * in summary.csv); else every scenario as it runs here (run_scenario). 0, or -1
 * with errno from the failing write. */
static int write_effective(const struct runset *rs, FILE *f)
{
	struct config view = *rs->cfg;
	if (rs->ro->search) {
		search_plan_bases(rs->ro->search, &view);
		return config_write_effective(&view, f);
	}
	struct scenario *run = calloc(view.n_scenarios ? view.n_scenarios : 1, sizeof(*run));
	if (!run) {
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < view.n_scenarios; i++)
		run_scenario(rs->sys, &rs->cfg->scenarios[i], &run[i]);
	view.scenarios = run;
	int rc = config_write_effective(&view, f);
	int e = errno;
	free(run);
	errno = e;
	return rc;
}

/* OUT/run.ini: the effective config, [machine], how system calls were watched,
 * [shard]. 0, or -1 with err naming the file. */
static int write_run_ini(const struct runset *rs, struct berr *err)
{
	char p[PATH_MAX + 64];
	snprintf(p, sizeof(p), "%s/run.ini", rs->out);
	struct afile ini;
	if (afile_open(&ini, p, 0, err) != 0)
		return -1;
	errno = 0;
	if (write_effective(rs, ini.f) != 0) {
		berr_set(err, errno, "cannot write %s", ini.tmp);
		afile_abandon(&ini);
		return -1;
	}
	fputc('\n', ini.f);
	probe_write(ini.f, rs->sys);
	/* under [machine]: how failing system calls were watched, or why not */
	fprintf(ini.f, "syscalls = %s\n", rs->sw ? syswatch_method(rs->sw) : rs->sw_why);
	shard_write_ini(ini.f, rs->shard, rs->digest, shard_runs(rs->shard, rs->cfg),
			shard_total(rs->cfg));
	return afile_commit(&ini, err); /* a failed write of the lines above: here */
}

/* OUT/summary.csv opened with its header (and, for a search reusing an earlier
 * result, the rows reused). 0, or -1 with err. */
static int open_summary(struct runset *rs, struct berr *err)
{
	sweep_columns_of(rs->cfg, &rs->scols);
	if (rs->ro->search)
		search_plan_columns(rs->ro->search, &rs->scols);
	char *header = sweep_summary_header(&rs->scols);
	if (!header)
		return berr_set(err, ENOMEM, "cannot make the summary header");
	char p[PATH_MAX + 64];
	snprintf(p, sizeof(p), "%s/summary.csv", rs->out);
	int rc = csv_open(&rs->summary, p, header, err);
	if (rc == 0 && rs->ro->search &&
	    search_plan_write_reused(rs->ro->search, header, rs->summary.f, rs->out, err) != 0)
		rc = -1;
	free(header);
	return rc;
}

/* The progress line, the table's header and where the results go. */
static void start_output(struct runset *rs)
{
	const struct runset_opts *ro = rs->ro;
	size_t total = shard_runs(rs->shard, rs->cfg);
	if (ro->search)
		total = search_plan_estimate(ro->search);
	/* --no-progress: nothing on stderr; the table on stdout says it all.
	 * --quiet: no table, no line per run and, unless --progress asks for it,
	 * no status line: stderr has only what went wrong (explain_run). */
	rs->prog = ro->progress_tty == 0 || (ro->quiet && ro->progress_tty < 0)
		       ? NULL
		       : progress_new(stderr, ro->progress_tty, total);
	progress_set_lines(rs->prog, false); /* the table is the line per run */
	table_plan(&rs->table, rs->cfg);
	if (!ro->quiet) {
		printf("brink: results in %s\n", rs->out);
		print_workdirs(stdout, rs->cfg, rs->out);
		print_table_header(stdout, &rs->table);
		fflush(stdout);
	}
}

/* brink itself failed (not a program): say so and run nothing more. */
static void runset_fail(struct runset *rs, bool stop_reports, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void runset_fail(struct runset *rs, bool stop_reports, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("brink: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	rs->status = EXIT_FAILED;
	rs->interrupted = true;
	rs->brink_failed |= stop_reports;
}

/* Repetition `rep` of scenario i: monitored, its row in summary.csv (flushed:
 * a crash keeps the runs so far), the table and the tally. */
static void run_one(struct runset *rs, size_t i, int rep)
{
	const struct scenario *given = &rs->cfg->scenarios[i];
	struct scenario sc;
	run_scenario(rs->sys, given, &sc);
	struct berr err = {0};
	char rdir[PATH_MAX];
	if (path_fmt(rdir, sizeof(rdir), "%s/%s/%d", rs->out, sc.name, rep) != 0) {
		runset_fail(rs, false, "%s/%s: path too long", rs->out, sc.name);
		return;
	}
	/* resolved again for each run: a search adds scenarios as it goes */
	char cwd[PATH_MAX];
	if (sc.cwd && resolve_dir(sc.cwd, cwd, &err) != 0) {
		runset_fail(rs, false, "%s: %s", sc.name, err.msg);
		return;
	}
	struct run_result r;
	struct monitor_opts mo = {.sc = &sc,
				  .rep = rep,
				  .path = rs->paths[i],
				  .sys = rs->sys,
				  .run_dir = rdir,
				  .sigfd = rs->sigfd,
				  .progress = rs->prog,
				  .cwd = sc.cwd ? cwd : NULL,
				  .scenario_dir = rs->sdir,
				  .sw = rs->sw};
	if (path_mkdir_p(rdir, &err) != 0 || monitor_run(&mo, &r, &err) != 0) {
		/* brink itself is in trouble: stop */
		berr_wrap(&err, "%s: run %d", sc.name, rep);
		runset_fail(rs, true, "%s", err.msg);
		return;
	}
	sweep_summary_row(rs->summary.f, &rs->scols, &r, &sc);
	if (rs->ro->search)
		search_plan_ran(rs->ro->search, &sc, &r);
	errno = 0;
	if (fflush(rs->summary.f) != 0 || ferror(rs->summary.f)) {
		berr_set(&err, errno, "cannot write %s", rs->summary.file.tmp);
		runset_fail(rs, true, "%s", err.msg);
		return;
	}
	tally_add(&rs->tally, &sc, &r);
	if (!rs->ro->quiet) {
		print_table_row(stdout, &rs->table, &r, sc.expect.set);
		fflush(stdout);
	}
	explain_run(rs->ro->quiet ? stderr : stdout, &sc, &r, rdir);
	/* A signal while the run was torn down (after its event loop) ends the
	 * set here: no next run is started only to be interrupted. */
	if (r.outcome == OUT_INTERRUPTED || termination_pending(rs->sigfd)) {
		rs->interrupted = true;
		rs->status = EXIT_INTERRUPT;
	} else if ((r.outcome == OUT_EXEC_FAILED &&
		    /* killed before exec by the limit searched: a break */
		    !(rs->ro->search && search_run_evidence(&r) == SE_BREAK)) ||
		   r.expect_failure[0] || service_load_failed(&r)) {
		if (rs->status == EXIT_MEASURED)
			rs->status = EXIT_FAILED;
	}
}

/* Every run of this shard, in order; a search appends its next probes after
 * the last scenario. */
static void run_all(struct runset *rs)
{
	struct config *cfg = rs->cfg;
	size_t run_index = 0; /* position in the whole run list (shard.h) */
	for (size_t i = 0; i < cfg->n_scenarios && !rs->interrupted; i++) {
		for (int rep = 1; rep <= cfg->scenarios[i].repetitions && !rs->interrupted; rep++)
			if (shard_has(rs->shard, run_index++))
				run_one(rs, i, rep);
		/* A search decides its next limit from the results so far. */
		if (rs->ro->search && !rs->interrupted && i + 1 == cfg->n_scenarios) {
			struct berr err = {0};
			int more = search_plan_more(rs->ro->search, cfg, &err);
			if (more < 0 || (more > 0 && resolve_paths(cfg, i + 1, &rs->paths, rs->sdir,
								   &err) != 0)) {
				runset_fail(rs, true, "%s", err.msg);
				break;
			}
		}
	}
}

/* After the last run: summary.csv committed, search.csv, brink's groups
 * removed, then summary.json, the plots and the report, and the final line. */
static void finish(struct runset *rs)
{
	const struct runset_opts *ro = rs->ro;
	struct berr err = {0};
	progress_free(rs->prog);
	rs->prog = NULL;
	syswatch_close(rs->sw);
	rs->sw = NULL;
	if (csv_commit(&rs->summary, &err) != 0) {
		fprintf(stderr, "brink: %s\n", err.msg);
		rs->status = EXIT_FAILED;
		rs->brink_failed = true;
	}
	if (ro->search && !rs->brink_failed &&
	    search_plan_write(ro->search, rs->out, stdout, &err) != 0) {
		fprintf(stderr, "brink: %s\n", err.msg);
		rs->status = EXIT_FAILED;
	}
	/* Every run is over: remove brink's groups now, and take a signal that came
	 * after the last run for what it is, an interruption. From here on there is
	 * nothing left to tear down: ^C while the plots are drawn cuts the drawing
	 * short, and a second ^C ends brink at once (plot_cut_signal). */
	cg_system_fini(rs->sys);
	cg_system_flush_warnings(rs->sys, say_cg_warning, stderr);
	if (rs->status != EXIT_INTERRUPT && termination_pending(rs->sigfd))
		rs->status = EXIT_INTERRUPT;
	/* Plots and reports also for failed expectations: those runs need them
	 * most. Not when brink itself failed. summary.json and the reports are
	 * quick and written with the signals still blocked (a signal then would
	 * leave a .part behind), also when brink was interrupted: the runs so far
	 * in every format, as summary.csv has them. Only gnuplot's run, the slow
	 * part, is cut short by a signal, and not started after one (brink plot
	 * DIR draws the plots later); the report then says the plots are
	 * incomplete. */
	if (!rs->brink_failed) {
		if (summary_write_json(rs->out, &err) != 0)
			fprintf(stderr, "brink: warning: no summary.json: %s\n", err.msg);
		if (!ro->no_plots && rs->status != EXIT_INTERRUPT) {
			unblock_termination();
			int prc = plot_write(rs->out, &err);
			block_termination();
			if (plot_interrupted())
				rs->status = EXIT_INTERRUPT;
			else if (prc != 0)
				fprintf(stderr, "brink: warning: no plots: %s\n", err.msg);
		}
		if (report_write(rs->out, &err) != 0)
			fprintf(stderr, "brink: warning: no report: %s\n", err.msg);
		if (termination_pending(rs->sigfd))
			rs->status = EXIT_INTERRUPT;
	}
	if (rs->status == EXIT_INTERRUPT)
		fprintf(stderr, "brink: interrupted; the results so far are in %s\n", rs->out);
	if (ro->quiet)
		printf("%s\n", rs->out);
	else
		print_final(stdout, &rs->tally, rs->out);
	fflush(stdout);
}

/* Whatever is still held, on every path. */
static void runset_free(struct runset *rs)
{
	csv_abandon(&rs->summary);
	progress_free(rs->prog);
	syswatch_close(rs->sw);
	cg_system_fini(rs->sys);
	cg_system_flush_warnings(rs->sys, say_cg_warning, stderr);
	free(rs->sys);
	free(rs->paths);
	if (rs->sigfd >= 0)
		close(rs->sigfd);
}

/* Run every scenario of cfg. Exit status per commands.h. */
static int run_set(struct config *cfg, const struct runset_opts *ro)
{
	struct runset rs = {.cfg = cfg, .ro = ro, .whole = {1, 1}, .sigfd = -1};
	rs.shard = ro->shard.count ? &ro->shard : &rs.whole;
	scenario_dir(rs.sdir, sizeof(rs.sdir));
	rs.paths = calloc(cfg->n_scenarios ? cfg->n_scenarios : 1, PATH_MAX);
	if (!rs.paths) {
		fprintf(stderr, "brink: out of memory\n");
		return EXIT_FAILED;
	}
	int bad = claim_out(&rs, preflight(&rs));
	if (bad) {
		if (cfg->path)
			fprintf(stderr, "brink: %d error%s in %s; nothing was run\n", bad,
				bad == 1 ? "" : "s", cfg->path);
		runset_free(&rs);
		return EXIT_BAD_INPUT;
	}
	struct berr err = {0};
	rs.status = start_machine(&rs);
	if (rs.status == EXIT_MEASURED) {
		warn_missing_limits(&rs);
		open_syswatch(&rs);
		rs.status = check_search_limit(&rs);
	}
	if (rs.status == EXIT_MEASURED &&
	    (write_run_ini(&rs, &err) != 0 || open_summary(&rs, &err) != 0)) {
		fprintf(stderr, "brink: %s\n", err.msg);
		rs.status = EXIT_FAILED;
	}
	if (rs.status == EXIT_MEASURED) {
		start_output(&rs);
		run_all(&rs);
		finish(&rs);
	}
	int status = rs.status;
	runset_free(&rs);
	return status;
}

/* ---- brink run ---- */

static void run_usage(FILE *f)
{
	fprintf(f,
		"usage: brink run [OPTIONS] CONFIG.ini\n"
		"Run every scenario of CONFIG (its keys: brink help config). Options may come\n"
		"before or after CONFIG; -- ends the options.\n"
		"\n"
		"  --out DIR          result directory, new or empty (default: [brink] out, else\n"
		"                     results/<UTC stamp>-NAME, made unique with -2, -3...)\n"
		"  --quiet            no table, no final line, no status line: print only the\n"
		"                     result directory (and on stderr what went wrong)\n"
		"  --no-cgroup        rlimits only; the results say what could not be measured\n"
		"  --shard K/N        run only the K-th of N slices of the runs (scenario x\n"
		"                     repetition, round robin, the same on every machine);\n"
		"                     `brink merge` joins the N result directories (default\n"
		"                     --out results/<UTC stamp>-NAME-shard-K-of-N, or\n"
		"                     OUT/shard-K-of-N under the config's [brink] out = OUT;\n"
		"                     K at most the number of runs: no shard is empty)\n"
		"  --no-bpf           do not watch failing system calls in the kernel (eBPF;\n"
		"                     also BRINK_BPF=off)\n"
		"  --no-plots         write no plots (saves the gnuplot run, most of a short\n"
		"                     run's time); the CSVs, summary.json and the report stay\n"
		"  --progress, --no-progress   force the live status line on stderr on or off\n"
		"                     (default: on a terminal, unless $CI is set)\n"
		"  -h, --help         this help\n"
		"\n"
		"Output: one line per run (scenario/rep, outcome, breaking point, peaks, leak\n"
		"verdict, expectation; rates when the terminal is wide enough), then one line\n"
		"with the outcomes, the expectations met and failed and where the results are.\n"
		"\n"
		"Exit status: 0 every run was measured, 1 one could not be (or an expectation\n"
		"failed, or brink failed), 2 bad input (nothing run, nothing written), 130\n"
		"interrupted by SIGINT, SIGTERM or SIGHUP (the runs so far are in the results,\n"
		"the one cut short marked interrupted and not graded, and the report; the\n"
		"plots are not drawn, or only those complete when the signal came).\n"
		"More: brink help results, brink help exit-codes, man brink.\n");
}

enum {
	OPT_OUT = 1000,
	OPT_NO_CGROUP,
	OPT_NO_BPF,
	OPT_QUIET,
	OPT_NO_PLOTS,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
	OPT_HELP
};

static const struct option common_opts[] = {
    {"out", required_argument, NULL, OPT_OUT},
    {"no-cgroup", no_argument, NULL, OPT_NO_CGROUP},
    {"no-bpf", no_argument, NULL, OPT_NO_BPF},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"no-plots", no_argument, NULL, OPT_NO_PLOTS},
    {"progress", no_argument, NULL, OPT_PROGRESS},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {"help", no_argument, NULL, OPT_HELP},
};
#define N_COMMON (sizeof(common_opts) / sizeof(common_opts[0]))

/* Handle an option of common_opts; 1 if handled, 0 if not, -1 for --help. */
static int common_opt(int c, struct runset_opts *ro)
{
	switch (c) {
	case OPT_OUT:
		ro->out = optarg;
		return 1;
	case OPT_NO_CGROUP:
		ro->no_cgroup = true;
		return 1;
	case OPT_NO_BPF:
		ro->no_bpf = true;
		return 1;
	case OPT_QUIET:
		ro->quiet = true;
		return 1;
	case OPT_NO_PLOTS:
		ro->no_plots = true;
		return 1;
	case OPT_PROGRESS:
		ro->progress_tty = 1;
		return 1;
	case OPT_NO_PROGRESS:
		ro->progress_tty = 0;
		return 1;
	case OPT_HELP:
		return -1;
	}
	return 0;
}

/* After getopt_long returned ':' (a value missing; the option strings start
 * with ':') or '?' (unknown; optopt is the letter of a short option, 0 for a
 * long one, whose text is the argument before optind). opterr is off. */
void option_error(const char *cmd, int c, char **argv)
{
	if (c == ':')
		fprintf(stderr, "%s: option %s needs a value\n", cmd, argv[optind - 1]);
	else if (optopt > 0 && optopt < 256)
		fprintf(stderr, "%s: unknown option -%c\n", cmd, optopt);
	else
		fprintf(stderr, "%s: unknown option %s\n", cmd, argv[optind - 1]);
}

int command_result_dir(const char *cmd, int argc, char **argv, void (*usage)(FILE *f),
		       const char **dir)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0}};
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return EXIT_MEASURED;
		}
		option_error(cmd, c, argv);
		fprintf(stderr, "(%s --help lists them)\n", cmd);
		return EXIT_BAD_INPUT;
	}
	if (argc - optind != 1) {
		fprintf(stderr, "%s: expected one result DIR, got %d\n", cmd, argc - optind);
		usage(stderr);
		return EXIT_BAD_INPUT;
	}
	*dir = argv[optind];
	struct stat st;
	if (stat(*dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "%s: %s is not a result directory\n", cmd, *dir);
		return EXIT_BAD_INPUT;
	}
	return -1;
}

int option_value_check(const char *cmd, char **argv)
{
	/* optarg is NULL after an option without a value; a value written as
	 * --out=VALUE is not argv[optind - 1] itself */
	if (!optarg || optind < 2 || argv[optind - 1] != optarg)
		return 0;
	if (optarg[0] != '-' || optarg[1] == '\0' || isdigit((unsigned char)optarg[1]) ||
	    optarg[1] == '.')
		return 0;
	const char *opt = argv[optind - 2];
	fprintf(stderr,
		"%s: option %s needs a value, and %s is an option (if it is the value, write "
		"%s=%s)\n",
		cmd, opt, optarg, opt, optarg);
	return -1;
}

int cmd_run(int argc, char **argv)
{
	struct runset_opts ro = {.progress_tty = -1};
	struct option opts[N_COMMON + 2];
	memcpy(opts, common_opts, sizeof(common_opts));
	opts[N_COMMON] = (struct option){"shard", required_argument, NULL, 's'};
	memset(&opts[N_COMMON + 1], 0, sizeof(opts[0]));
	optind = 1;
	opterr = 0;
	int c;
	bool seen[N_COMMON] = {false}, seen_shard = false;
	/* GNU order: options anywhere, as in `brink run x.ini --out DIR` */
	int li = -1;
	while ((c = getopt_long(argc, argv, ":h", opts, &li)) != -1) {
		if (option_value_check("brink run", argv) != 0)
			return EXIT_BAD_INPUT;
		if (c == 's') {
			const char *why = NULL;
			if (seen_shard) {
				fprintf(stderr, "brink run: option --shard given twice\n");
				return EXIT_BAD_INPUT;
			}
			seen_shard = true;
			if (shard_parse(optarg, &ro.shard, &why) != 0) {
				fprintf(stderr, "brink run: --shard %s: %s\n", optarg, why);
				return EXIT_BAD_INPUT;
			}
			li = -1;
			continue;
		}
		int h = c == 'h' ? -1 : common_opt(c, &ro);
		if (h < 0) {
			run_usage(stdout);
			return EXIT_MEASURED;
		}
		if (h == 0) {
			option_error("brink run", c, argv);
			fprintf(stderr, "(brink run --help lists them)\n");
			return EXIT_BAD_INPUT;
		}
		bool twice = seen[c - OPT_OUT];
		seen[c - OPT_OUT] = true;
		if (twice) {
			fprintf(stderr, "brink run: option --%s given twice\n",
				li >= 0 ? opts[li].name : "?");
			return EXIT_BAD_INPUT;
		}
		li = -1;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "brink run: expected one CONFIG file, got %d%s\n", argc - optind,
			argc - optind > 1 ? " (a second one, or a value without its option?)" : "");
		run_usage(stderr);
		return EXIT_BAD_INPUT;
	}
	struct config cfg;
	int errors = config_load(argv[optind], &cfg, stderr);
	if (errors) {
		fprintf(stderr, "brink: %d error%s in %s; nothing was run\n", errors,
			errors == 1 ? "" : "s", argv[optind]);
		config_free(&cfg);
		return EXIT_BAD_INPUT;
	}
	if (cfg.search.set) {
		/* [search]: every scenario is searched; the plan owns them now. */
		struct search_spec spec = {.lim = cfg.search.lim,
					   .lo = cfg.search.lo,
					   .hi = cfg.search.hi,
					   .resolution = cfg.search.resolution,
					   .res_ppm = cfg.search.res_ppm,
					   .watch = watch_expected(&ro)};
		struct berr err;
		if (!(ro.search = search_plan_new(&cfg, &spec, &err))) {
			fprintf(stderr, "brink: %s\n", err.msg);
			config_free(&cfg);
			return EXIT_FAILED;
		}
	}
	int st = run_set(&cfg, &ro);
	config_free(&cfg);
	search_plan_free(ro.search);
	return st;
}

/* ---- brink exec ---- */

static void exec_usage(FILE *f)
{
	fprintf(f, "usage: brink exec [OPTIONS] -- COMMAND [ARG]...\n"
		   "Run COMMAND once under the given limits and measure it. Options stop at\n"
		   "the first word that is not one (the command), or at --.\n\n"
		   "Run options:\n"
		   "  --name NAME        scenario name in the results (default: the command's "
		   "name)\n"
		   "  --out DIR          result directory (default results/<UTC stamp>-NAME)\n"
		   "  --no-cgroup        rlimits only; say what could not be measured\n"
		   "  --no-bpf           do not watch failing system calls in the kernel (eBPF;\n"
		   "                     also BRINK_BPF=off)\n"
		   "  --quiet            no table, no final line, no status line: print only the\n"
		   "                     result directory (and on stderr what went wrong)\n"
		   "  --no-plots         write no plots (saves the gnuplot run, most of a short\n"
		   "                     run's time); the CSVs, summary.json and the report stay\n"
		   "  --progress, --no-progress   force the live status line on or off\n"
		   "  -h, --help         this help\n"
		   "  --sweep KEY=VALUES run once per value (repeatable: a matrix): a limit\n"
		   "                     or a {KEY} placeholder of the command; VALUES is a\n"
		   "                     list (32M,64M,128M) or a range: LO..HI xFACTOR, LO..HI\n"
		   "                     +STEP (HI included); points are named NAME.KEY=VALUE\n"
		   "Settings (the same keys as a config file's scenario sections):\n");
	help_scenario_keys(f, true);
	fprintf(f, "\nExit status: 0 the run was measured (whatever the program did), 1 it\n"
		   "could not be (the command could not be executed, an expectation failed,\n"
		   "a load failed, brink failed), 2 bad input, 130 interrupted (SIGINT,\n"
		   "SIGTERM or SIGHUP).\n"
		   "More: brink help config, brink help results, brink help exit-codes, man "
		   "brink.\n");
}

static void base_name(const char *cmd, char *out, size_t len)
{
	const char *b = strrchr(cmd, '/');
	b = b ? b + 1 : cmd;
	size_t k = 0;
	for (; *b && k + 1 < len && k < SCENARIO_NAME_MAX - 1; b++) {
		char ch = *b;
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
		out[k++] = ok ? ch : '_';
	}
	out[k] = '\0';
	if (k == 0 || out[0] == '.' || out[0] == '-')
		snprintf(out, len, "exec");
}

static void search_usage(FILE *f)
{
	fprintf(f,
		"usage: brink search RESOURCE LO..HI [OPTIONS] -- COMMAND [ARG]...\n"
		"Find, by bisection, the smallest RESOURCE limit under which COMMAND completes\n"
		"without hitting it and the largest under which it breaks. Completes: exits 0\n"
		"by itself and the run reports no breaking point (no OOM kill, no refused fork,\n"
		"no EMFILE; without the eBPF watcher every fd of nofile open counts as a hit;\n"
		"CPU time below the limit); a program that meets EMFILE or a refused clone and\n"
		"carries on broke. A run interrupted, timed out by\n"
		"brink or not executed for another reason says nothing: the search stops there.\n"
		"RESOURCE: memory, pids, nofile, as, data, stack or cpu-time. HI is run first,\n"
		"then LO, then the middle of what is left until it is no wider than the\n"
		"resolution. Every limit tried is a scenario NAME.RESOURCE=VALUE of the result;\n"
		"search.csv has the answer, the runs it took and the flaky limits.\n\n"
		"  --resolution R     stop when the answer is this close: in the resource's\n"
		"                     unit (1M, 16, 1s) or a percentage of it (1%%); default 1M\n"
		"                     for sizes, 1 for counts, 1s for cpu-time\n"
		"  --repetitions N    runs per limit; a limit passes only if every run passes,\n"
		"                     one that passes some is reported flaky with its counts\n"
		"  --from DIR         reuse the runs of an earlier search or sweep of the same\n"
		"                     --name, command and other settings (its run.ini; runs that\n"
		"                     differ are ignored and counted): those limits are not run\n"
		"                     again, their rows are copied to the new summary.csv\n"
		"Every option of brink exec applies (brink exec --help): the other limits, the\n"
		"name, --out, --no-plots...\n\n"
		"Exit status: 0 the search ran (whatever it found), 1 brink failed or a run\n"
		"could not be executed, 2 bad input, 130 interrupted.\n");
}

/* What the command line of brink exec or search asks for, step by step: the
 * options (exec_parse), their conflicts (exec_conflicts), the scenario's command
 * (exec_command) and name (exec_name), then the run set (exec_plan). */
struct exec_args {
	const char *who;	  /* "brink exec" or "brink search", for messages */
	struct search_spec *spec; /* brink search: the resource and the range */
	struct runset_opts ro;
	struct scenario sc; /* the one scenario the options describe */
	char *sweeps[SCENARIO_SWEEP_MAX + 1];
	size_t n_sweeps;
	const char *name; /* --name, or NULL */
	bool seen_key[SCENARIO_KEYS_MAX];
};

/* getopt_long's table: the common options, --name, --sweep, search's own and
 * one --KEY per scenario key but command (2000 + its index). Calloc'd, NULL
 * when out of memory. */
static struct option *exec_options(const struct search_spec *spec)
{
	size_t nkeys = scenario_key_count();
	struct option *opts = calloc(N_COMMON + nkeys + 5, sizeof(*opts));
	if (!opts)
		return NULL;
	memcpy(opts, common_opts, sizeof(common_opts));
	size_t k = N_COMMON;
	opts[k++] = (struct option){"name", required_argument, NULL, 'n'};
	opts[k++] = (struct option){"sweep", required_argument, NULL, 's'};
	if (spec) {
		opts[k++] = (struct option){"resolution", required_argument, NULL, 'r'};
		opts[k++] = (struct option){"from", required_argument, NULL, 'f'};
	}
	for (size_t i = 0; i < nkeys; i++)
		if (strcmp(scenario_key_at(i).key, "command") != 0)
			opts[k++] = (struct option){scenario_key_at(i).key, required_argument, NULL,
						    2000 + (int)i};
	return opts;
}

/* One option c (value optarg) into a; *twice when it may be given once and
 * was. 0, 1 for --help (usage printed), -1 with the message printed. */
static int exec_option(struct exec_args *a, int c, char **argv, bool *seen_common, bool *seen_name,
		       bool *twice)
{
	const char *who = a->who;
	const char *why = NULL;
	if (c >= 2000) {
		size_t idx = (size_t)(c - 2000);
		const char *key = scenario_key_at(idx).key;
		if (strcmp(key, "env") == 0) {
			/* --env NAME=VALUE adds one variable each time */
			if (scenario_env_add(&a->sc, optarg, &why) != 0) {
				fprintf(stderr, "%s: --env \"%s\": %s\n", who, optarg, why);
				return -1;
			}
			return 0;
		}
		*twice = a->seen_key[idx];
		a->seen_key[idx] = true;
		if (!*twice && scenario_set(&a->sc, key, optarg, &why) != 0) {
			fprintf(stderr, "%s: --%s: \"%s\": %s\n", who, key, optarg,
				why ? why : "bad value");
			return -1;
		}
	} else if (a->spec && c == 'r') {
		if (search_parse_resolution(a->spec->lim, optarg, &a->spec->resolution,
					    &a->spec->res_ppm, &why) != 0) {
			fprintf(stderr, "%s: --resolution \"%s\": %s\n", who, optarg, why);
			return -1;
		}
	} else if (a->spec && c == 'f') {
		a->spec->from = optarg;
	} else if (c == 's') {
		if (a->n_sweeps == SCENARIO_SWEEP_MAX + 1) {
			fprintf(stderr, "%s: --sweep: at most %d sweeps\n", who,
				SCENARIO_SWEEP_MAX);
			return -1;
		}
		a->sweeps[a->n_sweeps++] = optarg;
	} else if (c == 'n') {
		*twice = *seen_name;
		*seen_name = true;
		a->name = optarg;
	} else {
		int h = c == 'h' ? -1 : common_opt(c, &a->ro);
		if (h < 0) {
			(a->spec ? search_usage : exec_usage)(stdout);
			return 1;
		}
		if (h == 0) {
			option_error(who, c, argv);
			fprintf(stderr, "(%s --help lists them)\n", who);
			return -1;
		}
		*twice = seen_common[c - OPT_OUT];
		seen_common[c - OPT_OUT] = true;
	}
	return 0;
}

/* The options of argv into a, up to the command (optind then points at it).
 * -1 to go on, else the exit status: EXIT_MEASURED after --help, EXIT_BAD_INPUT
 * (message printed), EXIT_FAILED out of memory. */
static int exec_parse(struct exec_args *a, int argc, char **argv)
{
	struct option *opts = exec_options(a->spec);
	if (!opts)
		return EXIT_FAILED;
	int status = -1;
	bool seen_common[N_COMMON] = {false}, seen_name = false;
	optind = 1;
	opterr = 0;
	int c;
	/* '+': options stop at the command, as with timeout and prlimit */
	int li = -1;
	while ((c = getopt_long(argc, argv, "+:h", opts, &li)) != -1) {
		bool twice = false;
		int rc = option_value_check(a->who, argv) != 0
			     ? -1
			     : exec_option(a, c, argv, seen_common, &seen_name, &twice);
		if (rc != 0) {
			status = rc > 0 ? EXIT_MEASURED : EXIT_BAD_INPUT;
			break;
		}
		if (twice) {
			/* as a key given twice in a config: which one was meant? */
			fprintf(stderr, "%s: option --%s given twice\n", a->who,
				li >= 0 ? opts[li].name : "?");
			status = EXIT_BAD_INPUT;
			break;
		}
		li = -1;
	}
	free(opts);
	return status;
}

/* A limit set twice, once by --KEY and once by the sweep or the search: which
 * one was meant? 0, or -1 with the message printed. */
static int exec_conflicts(const struct exec_args *a)
{
	for (size_t i = 0; i < scenario_key_count(); i++) {
		const char *key = scenario_key_at(i).key;
		if (!a->seen_key[i])
			continue;
		if (a->spec && strcmp(key, limit_table[a->spec->lim].key) == 0) {
			fprintf(stderr, "%s: --%s: the search sets %s for every run: remove --%s\n",
				a->who, key, key, key);
			return -1;
		}
		for (size_t w = 0; w < a->n_sweeps; w++) {
			size_t kl = strcspn(a->sweeps[w], "=");
			if (strlen(key) == kl && strncmp(a->sweeps[w], key, kl) == 0) {
				fprintf(stderr,
					"%s: --%s and --sweep %s: the sweep sets %s for every run: "
					"remove one\n",
					a->who, key, a->sweeps[w], key);
				return -1;
			}
		}
	}
	return 0;
}

/* The n words after the options as sc's command: one shell command line with
 * --shell yes, else the argv. 0, or -1 (message printed when the value is bad). */
static int exec_command(struct scenario *sc, size_t n, char **words)
{
	if (!sc->shell) {
		sc->argv = calloc(n + 1, sizeof(char *));
		if (!sc->argv)
			return -1;
		for (size_t i = 0; i < n; i++)
			if (!(sc->argv[i] = strdup(words[i])))
				return -1;
		return 0;
	}
	/* --shell yes: the words after -- are one shell command line. */
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(words[i]) + 1;
	char *line = calloc(1, len);
	if (!line)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(line, " ");
		strcat(line, words[i]);
	}
	const char *why = NULL;
	int bad = scenario_set(sc, "command", line, &why);
	free(line);
	if (bad) {
		fprintf(stderr, "brink exec: command: %s\n", why ? why : "bad value");
		return -1;
	}
	return 0;
}

/* sc's name: --name, else the command's base name; it must be a valid one.
 * 0, or -1 with the message printed. */
static int exec_name(struct scenario *sc, const char *name)
{
	if (name) {
		if (strlen(name) >= sizeof(sc->name)) {
			fprintf(stderr, "brink exec: --name: longer than %d characters\n",
				SCENARIO_NAME_MAX - 1);
			return -1;
		}
		snprintf(sc->name, sizeof(sc->name), "%s", name);
	} else {
		base_name(sc->argv[0], sc->name, sizeof(sc->name));
	}
	if (!config_name_valid(sc->name)) {
		fprintf(stderr,
			"brink exec: --name \"%s\": expected 1-63 letters, digits, '.', '_' or "
			"'-', not starting with '-', not . or ..\n",
			sc->name);
		return -1;
	}
	return 0;
}

/* cfg: the run set of a's scenario. A search plan over it (a->ro.search, which
 * owns the scenario then), else its sweeps expanded (cfg->scenarios on the heap)
 * or, without sweeps, the scenario itself (cfg->scenarios = &a->sc). 0, or -1
 * with the message printed. */
static int exec_plan(struct exec_args *a, struct config *cfg)
{
	*cfg = (struct config){0};
	scenario_init(&cfg->defaults);
	snprintf(cfg->name, sizeof(cfg->name), "%s", a->sc.name);
	cfg->scenarios = &a->sc;
	cfg->n_scenarios = 1;
	struct berr err;
	if (!a->spec) {
		if (sweep_expand_exec(cfg, a->sweeps, a->n_sweeps, &err) != 0) {
			fprintf(stderr, "brink exec: %s\n", err.msg);
			return -1;
		}
		return 0;
	}
	if (a->n_sweeps) {
		fprintf(stderr, "%s: --sweep and a search do not go together\n", a->who);
		return -1;
	}
	/* The plan owns its base scenario: moved to the heap. */
	struct scenario *base = malloc(sizeof(*base));
	if (!base)
		return -1;
	*base = a->sc;
	scenario_init(&a->sc);
	cfg->scenarios = base;
	a->spec->watch = watch_expected(&a->ro);
	a->ro.search = search_plan_new(cfg, a->spec, &err);
	if (!a->ro.search) {
		fprintf(stderr, "%s: %s\n", a->who, err.msg);
		scenario_free(base);
		free(base);
		return -1;
	}
	return 0;
}

/* brink exec, and brink search (spec set: the resource and the range). */
static int exec_main(int argc, char **argv, struct search_spec *spec)
{
	const char *who = spec ? "brink search" : "brink exec";
	struct exec_args a = {.who = who, .spec = spec, .ro = {.progress_tty = -1}};
	scenario_init(&a.sc);
	int status = exec_parse(&a, argc, argv);
	if (status >= 0)
		goto out;
	status = EXIT_BAD_INPUT;
	if (exec_conflicts(&a) != 0)
		goto out;
	if (optind >= argc) {
		fprintf(stderr, "%s: no command given (put it after --)\n", who);
		(spec ? search_usage : exec_usage)(stderr);
		goto out;
	}
	if (exec_command(&a.sc, (size_t)(argc - optind), argv + optind) != 0 ||
	    exec_name(&a.sc, a.name) != 0)
		goto out;
	struct config cfg;
	if (exec_plan(&a, &cfg) != 0)
		goto out;
	status = run_set(&cfg, &a.ro);
	if (cfg.scenarios != &a.sc) {
		for (size_t i = 0; i < cfg.n_scenarios; i++)
			scenario_free(&cfg.scenarios[i]);
		free(cfg.scenarios);
	}
out:
	search_plan_free(a.ro.search);
	scenario_free(&a.sc);
	return status;
}

int cmd_exec(int argc, char **argv)
{
	return exec_main(argc, argv, NULL);
}

int cmd_search(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		search_usage(stdout);
		return EXIT_MEASURED;
	}
	if (argc < 3) {
		fprintf(stderr, "brink search: expected RESOURCE LO..HI -- COMMAND\n");
		search_usage(stderr);
		return EXIT_BAD_INPUT;
	}
	struct search_spec spec = {.lim = limits_find(argv[1])};
	const char *why = NULL;
	if (spec.lim < 0 || !search_resource_ok(spec.lim)) {
		fprintf(
		    stderr,
		    "brink search: \"%s\": expected a resource: memory, pids, nofile, as, data, "
		    "stack or cpu-time\n",
		    argv[1]);
		return EXIT_BAD_INPUT;
	}
	if (search_parse_range(spec.lim, argv[2], &spec.lo, &spec.hi, &why) != 0) {
		fprintf(stderr, "brink search: \"%s\": %s\n", argv[2], why);
		return EXIT_BAD_INPUT;
	}
	/* `4M..1G x2`, a sweep's step, would otherwise be taken for the command. */
	if (argc > 3 && (argv[3][0] == 'x' || argv[3][0] == '+') && argv[3][1] >= '0' &&
	    argv[3][1] <= '9') {
		fprintf(stderr,
			"brink search: \"%s\": a search range takes no step (LO..HI): the "
			"search picks its limits; --resolution says how close\n",
			argv[3]);
		return EXIT_BAD_INPUT;
	}
	spec.resolution = search_default_resolution(spec.lim);
	/* argv[2] stands where exec_main expects its own name. */
	return exec_main(argc - 2, argv + 2, &spec);
}
