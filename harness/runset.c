/* runset.c - `brink run CONFIG` and `brink exec [OPTIONS] -- COMMAND`: a set of
 * scenarios x repetitions, from checks to result directory. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "commands.h"
#include "config.h"
#include "json.h"
#include "launch.h"
#include "monitor.h"
#include "path.h"
#include "probe.h"
#include "progress.h"
#include "record.h"
#include "syswatch.h"
#include "units.h"

struct runset_opts {
	const char *out;  /* --out, or NULL */
	bool no_cgroup;	  /* --no-cgroup: rlimits only */
	bool no_bpf;	  /* --no-bpf: no failing system calls from the kernel */
	int progress_tty; /* -1 auto */
	bool quiet;	  /* no summary table on stdout */
	bool no_plots;	  /* --no-plots: skip plot_write (gnuplot is most of a launch) */
};

/* Directory of the brink binary + "/scenarios": where bare scenario names are
 * found first. */
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
	if (path_fmt(out, len, "%s/scenarios", exe) != 0)
		out[0] = '\0';
}

static int mkdir_p(const char *path, struct berr *err)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			return berr_set(err, errno, "cannot create %s", tmp);
		*p = '/';
	}
	if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
		return berr_set(err, errno, "cannot create %s", tmp);
	return 0;
}

/* The result directory must be new or empty: brink never writes over results
 * or into a directory that holds something else. */
static int prepare_out(const char *dir, struct berr *err)
{
	struct stat st;
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return berr_set(err, 0, "--out %s: exists and is not a directory", dir);
		int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return berr_set(err, errno, "--out %s", dir);
		DIR *d = fdopendir(fd);
		struct dirent *e;
		bool empty = true;
		while (d && (e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				empty = false;
		if (d)
			closedir(d);
		if (!empty)
			return berr_set(
			    err, 0,
			    "--out %s: exists and is not empty (brink writes only into a "
			    "new or empty directory)",
			    dir);
		return 0;
	}
	return mkdir_p(dir, err);
}

static void default_out(const char *name, char *out, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	char stamp[32];
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(out, len, "results/%s-%s", stamp, name);
}

static void print_table_header(FILE *f)
{
	fprintf(f, "%-26s %3s %-12s %-8s %10s %10s %7s %7s %12s %8s %8s %-4s %s\n", "scenario",
		"rep", "outcome", "limit", "peak_rss", "peak_mem", "fds", "threads", "rss/s",
		"fds/s", "thr/s", "leak", "expect");
}

static void human(int64_t v, char *buf, size_t len)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else
		units_format_size(v, buf, len);
}

static void slope_str(double v, bool bytes, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else if (bytes && v >= 0)
		units_format_size((int64_t)v, buf, len);
	else
		snprintf(buf, len, "%.1f", v);
}

static void print_table_row(FILE *f, const struct run_result *r)
{
	char rss[32], mem[32], slope[32], fds[32], thr[32];
	human(r->peak_rss_bytes, rss, sizeof(rss));
	human(r->peak_mem_bytes, mem, sizeof(mem));
	slope_str(r->rss_slope_bytes_per_s, true, slope, sizeof(slope));
	slope_str(r->fd_slope_per_s, false, fds, sizeof(fds));
	slope_str(r->thread_slope_per_s, false, thr, sizeof(thr));
	const char *note = r->expect_failure[0]		   ? r->expect_failure
			   : r->outcome == OUT_EXEC_FAILED ? r->exec_error
							   : "ok";
	fprintf(f, "%-26s %3d %-12s %-8s %10s %10s %7lld %7lld %12s %8s %8s %-4s %s\n", r->scenario,
		r->rep, outcome_name(r->outcome),
		r->limit_hit != BP_NONE ? breaking_point_name(r->limit_hit) : "-", rss, mem,
		(long long)r->peak_fds, (long long)r->peak_threads, slope, fds, thr,
		r->leak == LEAK_NONE ? "-" : leak_verdict_name(r->leak), note);
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

/* After the runs, a termination signal ends brink at once, with the status
 * of an interruption (the default action would give 128 + the signal). */
static void exit_interrupted(int sig)
{
	(void)sig;
	_exit(EXIT_INTERRUPT);
}

static void unblock_termination(void)
{
	signal(SIGINT, exit_interrupted);
	signal(SIGTERM, exit_interrupted);
	signal(SIGHUP, exit_interrupted);
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

/* Run every scenario of cfg. Exit status per commands.h. */
static int run_set(struct config *cfg, const struct runset_opts *ro)
{
	struct berr err = {0};
	char sdir[PATH_MAX];
	scenario_dir(sdir, sizeof(sdir));

	/* Everything that can be found wrong is found before anything runs. */
	char(*paths)[PATH_MAX] = calloc(cfg->n_scenarios ? cfg->n_scenarios : 1, PATH_MAX);
	if (!paths) {
		fprintf(stderr, "brink: out of memory\n");
		return EXIT_FAILED;
	}
	int bad = 0;
	for (size_t i = 0; i < cfg->n_scenarios; i++) {
		struct scenario *sc = &cfg->scenarios[i];
		if (limits_check(&sc->lim, &err) != 0) {
			fprintf(stderr, "brink: %s%s%s: %s\n", cfg->path ? cfg->path : "",
				cfg->path ? ": " : "", sc->name, err.msg);
			bad++;
		}
		if (launch_resolve(sc->argv[0], sdir, paths[i], PATH_MAX, &err) != 0) {
			fprintf(stderr, "brink: %s%s[scenario %s] command: %s\n",
				cfg->path ? cfg->path : "", cfg->path ? ": " : "", sc->name,
				err.msg);
			bad++;
		}
		uid_t uid;
		gid_t gid;
		if (sc->user[0] && launch_user_resolve(sc->user, &uid, &gid, &err) != 0) {
			fprintf(stderr, "brink: %s%s[scenario %s] user: %s\n",
				cfg->path ? cfg->path : "", cfg->path ? ": " : "", sc->name,
				err.msg);
			bad++;
		} else if (sc->user[0] && geteuid() != 0) {
			/* Changing user, groups and capabilities takes root. */
			fprintf(stderr,
				"brink: %s%s[scenario %s] user: running as %s needs brink to run "
				"as root\n",
				cfg->path ? cfg->path : "", cfg->path ? ": " : "", sc->name,
				sc->user);
			bad++;
		}
	}
	char out[PATH_MAX];
	if (ro->out || cfg->out)
		snprintf(out, sizeof(out), "%s", ro->out ? ro->out : cfg->out);
	else
		default_out(cfg->name, out, sizeof(out));
	if (!bad && prepare_out(out, &err) != 0) {
		fprintf(stderr, "brink: %s\n", err.msg);
		bad++;
	}
	if (bad) {
		free(paths);
		return EXIT_BAD_INPUT;
	}

	int sigfd = block_signals();
	if (sigfd < 0) {
		fprintf(stderr, "brink: cannot create a signalfd: %s\n", strerror(errno));
		free(paths);
		return EXIT_FAILED;
	}
	/* Orphans of the programs are re-parented to brink, which reaps them. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	struct cg_system *sys = calloc(1, sizeof(*sys));
	if (!sys) {
		fprintf(stderr, "brink: out of memory\n");
		free(paths);
		close(sigfd);
		return EXIT_FAILED;
	}
	cg_system_init(sys, ro->no_cgroup);
	bool warned[CG__COUNT] = {0};
	for (size_t i = 0; i < cfg->n_scenarios; i++) {
		unsigned miss = cg_system_missing(sys, &cfg->scenarios[i].lim);
		for (int c = 0; c < CG__COUNT; c++) {
			if (!(miss & (1u << c)) || warned[c])
				continue;
			warned[c] = true;
			fprintf(stderr,
				"brink: warning: no %s limit: %s; running with rlimits only, the "
				"results say what was not measured\n",
				cg_ctrl_name(c), sys->ctrl[c].why);
		}
		/* Limits that cannot be applied are dropped and marked unavailable. */
		if (miss & (1u << CG_MEMORY))
			cfg->scenarios[i].lim.v[LIM_MEMORY] = BRINK_UNSET;
		if (miss & (1u << CG_PIDS))
			cfg->scenarios[i].lim.v[LIM_PIDS] = BRINK_UNSET;
		if (miss & (1u << CG_CPU))
			cfg->scenarios[i].lim.v[LIM_CPUS] = BRINK_UNSET;
	}

	/* The kernel's view of failing system calls: loaded once for every run. It
	 * filters on the run's group, so without groups there is nothing to load. */
	char sw_why[512] = "";
	struct syswatch *sw = NULL;
	if (!cg_system_any(sys))
		snprintf(sw_why, sizeof(sw_why), "no run cgroup to filter on (rlimits only)");
	else
		sw = syswatch_open(ro->no_bpf, sw_why, sizeof(sw_why));
	if (!sw)
		fprintf(stderr,
			"brink: warning: failing system calls not watched: %s; breaking points "
			"come from sampling and the exit stop (unavailable=syscalls)\n",
			sw_why);

	int status = EXIT_MEASURED;
	char p[PATH_MAX + 64];
	snprintf(p, sizeof(p), "%s/run.ini", out);
	FILE *ini = fopen(p, "we");
	if (!ini) {
		fprintf(stderr, "brink: cannot create %s: %s\n", p, strerror(errno));
		status = EXIT_FAILED;
		goto done;
	}
	config_write_effective(cfg, ini);
	fputc('\n', ini);
	probe_write(ini, sys);
	/* under [machine]: how failing system calls were watched, or why not */
	fprintf(ini, "syscalls = %s\n", sw ? syswatch_method(sw) : sw_why);
	fclose(ini);

	struct csv summary = {0};
	snprintf(p, sizeof(p), "%s/summary.csv", out);
	if (csv_open(&summary, p, summary_header, &err) != 0) {
		fprintf(stderr, "brink: %s\n", err.msg);
		status = EXIT_FAILED;
		goto done;
	}
	size_t total = 0;
	for (size_t i = 0; i < cfg->n_scenarios; i++)
		total += (size_t)cfg->scenarios[i].repetitions;
	/* --no-progress: nothing on stderr; the table on stdout says it all. */
	struct progress *prog =
	    ro->progress_tty == 0 ? NULL : progress_new(stderr, ro->progress_tty, total);
	if (!ro->quiet) {
		printf("brink: results in %s\n", out);
		print_table_header(stdout);
		fflush(stdout);
	}
	bool interrupted = false, brink_failed = false;
	for (size_t i = 0; i < cfg->n_scenarios && !interrupted; i++) {
		struct scenario *sc = &cfg->scenarios[i];
		for (int rep = 1; rep <= sc->repetitions && !interrupted; rep++) {
			char rdir[PATH_MAX];
			if (path_fmt(rdir, sizeof(rdir), "%s/%s/%d", out, sc->name, rep) != 0) {
				fprintf(stderr, "brink: %s/%s: path too long\n", out, sc->name);
				status = EXIT_FAILED;
				interrupted = true;
				break;
			}
			struct run_result r;
			struct monitor_opts mo = {.sc = sc,
						  .rep = rep,
						  .path = paths[i],
						  .sys = sys,
						  .run_dir = rdir,
						  .sigfd = sigfd,
						  .progress = prog,
						  .sw = sw};
			if (mkdir_p(rdir, &err) != 0 || monitor_run(&mo, &r, &err) != 0) {
				fprintf(stderr, "brink: %s: run %d: %s\n", sc->name, rep, err.msg);
				status = EXIT_FAILED;
				brink_failed = true;
				interrupted = true; /* brink itself is in trouble: stop */
				break;
			}
			summary_put_row(summary.f, &r);
			fflush(summary.f);
			if (!ro->quiet) {
				print_table_row(stdout, &r);
				fflush(stdout);
			}
			if (r.outcome == OUT_INTERRUPTED) {
				interrupted = true;
				status = EXIT_INTERRUPT;
			} else if (r.outcome == OUT_EXEC_FAILED || r.expect_failure[0]) {
				if (status == EXIT_MEASURED)
					status = EXIT_FAILED;
			}
		}
	}
	progress_free(prog);
	syswatch_close(sw);
	sw = NULL;
	if (csv_commit(&summary, &err) != 0) {
		fprintf(stderr, "brink: %s\n", err.msg);
		status = EXIT_FAILED;
		brink_failed = true;
	}
	/* Every run is over: remove brink's groups now, and take a signal that came
	 * after the last run for what it is, an interruption. From here on there is
	 * nothing left to tear down, so the signals get their default action back
	 * (^C while the plots are drawn ends brink at once). */
	cg_system_fini(sys);
	if (status != EXIT_INTERRUPT && termination_pending(sigfd))
		status = EXIT_INTERRUPT;
	/* Plots and reports also for failed expectations: those runs need them
	 * most. Not when brink itself failed or was interrupted. summary.json and
	 * the reports are quick and written with the signals still blocked (a
	 * signal then would leave a .part behind); only gnuplot's run, the slow
	 * part, is cut short by one. */
	if (!brink_failed && status != EXIT_INTERRUPT) {
		if (summary_write_json(out, &err) != 0)
			fprintf(stderr, "brink: warning: no summary.json: %s\n", err.msg);
		if (!ro->no_plots) {
			unblock_termination();
			if (plot_write(out, &err) != 0)
				fprintf(stderr, "brink: warning: no plots: %s\n", err.msg);
			block_termination();
		}
		if (report_write(out, &err) != 0)
			fprintf(stderr, "brink: warning: no report: %s\n", err.msg);
		if (termination_pending(sigfd))
			status = EXIT_INTERRUPT;
	}
	if (status == EXIT_INTERRUPT)
		fprintf(stderr, "brink: interrupted; the results so far are in %s\n", out);
done:
	syswatch_close(sw);
	cg_system_fini(sys);
	free(sys);
	free(paths);
	close(sigfd);
	return status;
}

/* ---- brink run ---- */

static void run_usage(FILE *f)
{
	fprintf(f,
		"usage: brink run [--out DIR] [--no-cgroup] [--no-bpf] [--quiet] [--no-plots] "
		"[--progress|--no-progress] CONFIG.ini\n"
		"Run every scenario of CONFIG (see brink help config).\n"
		"  --no-bpf           do not watch failing system calls in the kernel (eBPF;\n"
		"                     also BRINK_BPF=off)\n"
		"  --no-plots         write no plots (saves the gnuplot run, most of a short\n"
		"                     run's time); the CSVs, summary.json and the report stay\n\n"
		"Exit status: 0 every run was measured, 1 one could not be (or an expectation\n"
		"failed, or brink failed), 2 bad input (nothing run, nothing written), 130\n"
		"interrupted by SIGINT, SIGTERM or SIGHUP (the runs so far are in the results,\n"
		"the one cut short marked interrupted; no plots or report).\n");
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

int cmd_run(int argc, char **argv)
{
	struct runset_opts ro = {.progress_tty = -1};
	struct option opts[N_COMMON + 1];
	memcpy(opts, common_opts, sizeof(common_opts));
	memset(&opts[N_COMMON], 0, sizeof(opts[0]));
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		int h = c == 'h' ? -1 : common_opt(c, &ro);
		if (h < 0) {
			run_usage(stdout);
			return EXIT_MEASURED;
		}
		if (h == 0) {
			fprintf(stderr, "brink run: unknown option %s\n", argv[optind - 1]);
			run_usage(stderr);
			return EXIT_BAD_INPUT;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "brink run: expected one CONFIG file\n");
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
	int st = run_set(&cfg, &ro);
	config_free(&cfg);
	return st;
}

/* ---- brink exec ---- */

static void exec_usage(FILE *f)
{
	fprintf(f, "usage: brink exec [OPTIONS] -- COMMAND [ARG]...\n"
		   "Run COMMAND once under the given limits and measure it.\n\n"
		   "Run options:\n"
		   "  --name NAME        scenario name in the results (default: the command's "
		   "name)\n"
		   "  --out DIR          result directory (default results/<UTC stamp>-NAME)\n"
		   "  --no-cgroup        rlimits only; say what could not be measured\n"
		   "  --no-bpf           do not watch failing system calls in the kernel (eBPF;\n"
		   "                     also BRINK_BPF=off)\n"
		   "  --quiet            no summary table on stdout\n"
		   "  --no-plots         write no plots (saves the gnuplot run, most of a short\n"
		   "                     run's time); the CSVs, summary.json and the report stay\n"
		   "  --progress, --no-progress   force the live status line on or off\n"
		   "Settings (the same keys as a config file's scenario sections):\n");
	for (size_t i = 0; i < scenario_key_count(); i++) {
		struct scenario_key k = scenario_key_at(i);
		if (strcmp(k.key, "command") == 0)
			continue;
		char opt[48];
		snprintf(opt, sizeof(opt), "%s %s", k.key, k.metavar ? k.metavar : "VALUE");
		fprintf(f, "  --%-22s %s\n", opt, k.help);
	}
	fprintf(f, "\nExit status: 0 the run was measured (whatever the program did), 1 it could "
		   "not be\n(the command could not be executed, an expectation failed, brink "
		   "failed), 2 bad input,\n130 interrupted (SIGINT, SIGTERM or SIGHUP).\n");
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

int cmd_exec(int argc, char **argv)
{
	struct runset_opts ro = {.progress_tty = -1};
	struct scenario sc;
	scenario_init(&sc);
	size_t nkeys = scenario_key_count();
	size_t nopt = N_COMMON + nkeys + 2;
	struct option *opts = calloc(nopt, sizeof(*opts));
	if (!opts)
		return EXIT_FAILED;
	memcpy(opts, common_opts, sizeof(common_opts));
	size_t k = N_COMMON;
	opts[k++] = (struct option){"name", required_argument, NULL, 'n'};
	for (size_t i = 0; i < nkeys; i++)
		if (strcmp(scenario_key_at(i).key, "command") != 0)
			opts[k++] = (struct option){scenario_key_at(i).key, required_argument, NULL,
						    2000 + (int)i};
	const char *name = NULL;
	int status = EXIT_BAD_INPUT;
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c >= 2000) {
			const char *why = NULL;
			const char *key = scenario_key_at((size_t)(c - 2000)).key;
			if (scenario_set(&sc, key, optarg, &why) != 0) {
				fprintf(stderr, "brink exec: --%s: \"%s\": %s\n", key, optarg,
					why ? why : "bad value");
				goto out;
			}
			continue;
		}
		if (c == 'n') {
			name = optarg;
			continue;
		}
		int h = c == 'h' ? -1 : common_opt(c, &ro);
		if (h < 0) {
			exec_usage(stdout);
			status = EXIT_MEASURED;
			goto out;
		}
		if (h == 0) {
			if (c == ':' || (optopt && c == '?' && optind > 0))
				fprintf(stderr, "brink exec: option %s needs a value\n",
					argv[optind - 1]);
			else
				fprintf(stderr, "brink exec: unknown option %s\n",
					argv[optind - 1]);
			exec_usage(stderr);
			goto out;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "brink exec: no command given (put it after --)\n");
		exec_usage(stderr);
		goto out;
	}
	size_t n = (size_t)(argc - optind);
	if (sc.shell) {
		/* --shell yes: the words after -- are one shell command line. */
		size_t len = 1;
		for (size_t i = 0; i < n; i++)
			len += strlen(argv[optind + (int)i]) + 1;
		char *line = calloc(1, len);
		if (!line)
			goto out;
		for (size_t i = 0; i < n; i++) {
			if (i)
				strcat(line, " ");
			strcat(line, argv[optind + (int)i]);
		}
		const char *why = NULL;
		int bad = scenario_set(&sc, "command", line, &why);
		free(line);
		if (bad) {
			fprintf(stderr, "brink exec: command: %s\n", why ? why : "bad value");
			goto out;
		}
	} else {
		sc.argv = calloc(n + 1, sizeof(char *));
		if (!sc.argv)
			goto out;
		for (size_t i = 0; i < n; i++)
			if (!(sc.argv[i] = strdup(argv[optind + (int)i])))
				goto out;
	}
	if (name) {
		if (strlen(name) >= sizeof(sc.name)) {
			fprintf(stderr, "brink exec: --name: longer than %d characters\n",
				SCENARIO_NAME_MAX - 1);
			goto out;
		}
		snprintf(sc.name, sizeof(sc.name), "%s", name);
	} else {
		base_name(sc.argv[0], sc.name, sizeof(sc.name));
	}
	if (!config_name_valid(sc.name)) {
		fprintf(stderr,
			"brink exec: --name \"%s\": expected 1-63 letters, digits, '.', '_' or "
			"'-', not starting with '-', not . or ..\n",
			sc.name);
		goto out;
	}
	struct config cfg = {0};
	scenario_init(&cfg.defaults);
	snprintf(cfg.name, sizeof(cfg.name), "%s", sc.name);
	cfg.scenarios = &sc;
	cfg.n_scenarios = 1;
	status = run_set(&cfg, &ro);
out:
	free(opts);
	scenario_free(&sc);
	return status;
}
