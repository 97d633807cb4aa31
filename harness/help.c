/* help.c - `brink help TOPIC`: the reference texts that do not belong to one
 * command (see commands.h). The config reference is generated from the same
 * key table as `brink exec --help` (config.h), so the two cannot disagree. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "limit.h"
#include "record.h"

/* An example value per key, else per kind of value (metavar): each is checked
 * by e2e/cli_help, which runs brink with it. */
static const struct {
	const char *name; /* key or metavar */
	const char *example;
} examples[] = {
    {"command", "./server --port 8080"},
    {"nofile", "1024"},
    {"pids", "64"},
    {"nproc", "64"},
    {"interval", "1ms"},
    {"timeout", "30s"},
    {"repetitions", "3"},
    {"cpu-time", "2s"},
    {"as", "4G"},
    {"data", "1G"},
    {"stack", "8M"},
    {"core", "0"},
    {"leak-warmup", "1s"},
    {"expect", "leak breaks=nofile"},
    {"cwd", "."},
    {"env", "GODEBUG=gctrace=1 LANG=C.UTF-8"},
    {"SIZE", "64M"},
    {"DURATION", "30s"},
    {"N", "64"},
    {"BOOL", "yes"},
    {"CPUS", "0.5"},
    {"USER[:GROUP]", "nobody"},
    {"SIZE/s", "1M/s"},
    {"RATE", "0.5"},
};

const char *help_key_example(const char *key, const char *metavar)
{
	for (size_t pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++)
			if (strcmp(examples[i].name, pass == 0 ? key : metavar ? metavar : "") == 0)
				return examples[i].example;
	return NULL;
}

void help_put_wrapped(FILE *f, int col, int indent, int width, const char *text)
{
	bool fresh = true; /* no word on this line yet */
	for (const char *p = text; *p;) {
		size_t w = strcspn(p, " ");
		if (fresh && col == 0) {
			col = fprintf(f, "%*s%.*s", indent, "", (int)w, p);
		} else if (fresh) {
			col += fprintf(f, "%.*s", (int)w, p);
		} else if (col + 1 + (int)w > width) {
			fputc('\n', f);
			col = fprintf(f, "%*s%.*s", indent, "", (int)w, p);
		} else {
			col += fprintf(f, " %.*s", (int)w, p);
		}
		fresh = false;
		p += w;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

/* text from column `indent`, words wrapped before column 68 (the man page
 * shows this in a literal block, indented). */
static void put_wrapped(FILE *f, int indent, const char *text)
{
	help_put_wrapped(f, 0, indent, 68, text);
}

void help_scenario_keys(FILE *f, bool options)
{
	for (size_t i = 0; i < scenario_key_count(); i++) {
		struct scenario_key k = scenario_key_at(i);
		const char *metavar = k.metavar ? k.metavar : "VALUE";
		if (options) {
			if (strcmp(k.key, "command") == 0)
				continue; /* the words after the options */
			char opt[48];
			snprintf(opt, sizeof(opt), "%s %s", k.key, metavar);
			/* on 80 columns: the text wraps under itself */
			int col = fprintf(f, "  --%-22s ", opt);
			help_put_wrapped(f, col, 27, 79, k.help);
			continue;
		}
		const char *ex = help_key_example(k.key, k.metavar);
		char help[512];
		fprintf(f, "  %s = %s\n", k.key, metavar);
		/* limits have no default of their own: say what holds without one */
		int lim = limits_find(k.key);
		if (lim >= 0 && !strstr(k.help, "default"))
			snprintf(help, sizeof(help), "%s (default: %s)", k.help,
				 limit_table[lim].resource < 0 ? "no limit" : "brink's own limit");
		else
			snprintf(help, sizeof(help), "%s", k.help);
		put_wrapped(f, 6, help);
		if (ex)
			fprintf(f, "      example: %s = %s\n", k.key, ex);
	}
}

static void help_config(FILE *f)
{
	fprintf(f, "brink config files (brink-config(5)): what `brink run CONFIG` reads.\n"
		   "\n"
		   "  [brink]          name = NAME: the result directory's name\n"
		   "                   (default: the file's name)\n"
		   "                   out = DIR: the result directory\n"
		   "                   (default results/<UTC stamp>-NAME)\n"
		   "  [defaults]       any scenario key; applies to every scenario,\n"
		   "                   wherever it stands\n"
		   "  [scenario NAME]  command = ..., and any scenario key below\n"
		   "  [compare]        alpha, threshold, threshold.METRIC,\n"
		   "                   min-change.METRIC: the gate of `brink compare`\n"
		   "                   (brink compare --help)\n"
		   "\n"
		   "Comments are whole lines starting with ; or #: a ; after a value is\n"
		   "part of the value (in a command, a word starting with ; or # is\n"
		   "refused unless quoted or shell = yes). A key given twice in a\n"
		   "section, an unknown key or section, a bad value:\n"
		   "FILE:LINE: [SECTION] KEY: reason, and nothing runs.\n"
		   "Sizes take K, M, G, T (binary) or max; durations ns, us, ms, s, m, h.\n"
		   "\n"
		   "Scenario keys (each is also the option --KEY VALUE of brink exec):\n");
	help_scenario_keys(f, false);
	fprintf(f, "\nExample:\n"
		   "  [defaults]\n"
		   "  memory = 256M\n"
		   "  timeout = 30s\n"
		   "\n"
		   "  [scenario server-leak]\n"
		   "  command = ./server --port 8080\n"
		   "  nofile = 4096\n"
		   "  repetitions = 3\n"
		   "  expect = leak breaks=nofile\n");
}

/* Every column of samples.csv (summary.csv's come from its column table,
 * row.h); e2e/cli_help checks that each column of a real result is listed. */
static const struct {
	const char *column, *meaning;
} samples_columns[] = {
    {"t_s", "seconds since the start"},
    {"rss_bytes", "resident memory summed over the run's processes"},
    {"mem_bytes", "the run cgroup's memory usage (page cache included)"},
    {"fds", "open fds summed over the processes"},
    {"threads", "threads summed over the processes"},
    {"procs", "processes sampled"},
    {"cpu_s", "user + system CPU seconds"},
    {"go_heap_live_bytes", "gctrace: the newest live heap after a GC"},
    {"gc_count", "gctrace: GCs so far"},
};

static void help_results(FILE *f)
{
	fprintf(f, "brink result directories: what `brink run` and `brink exec` write.\n"
		   "\n"
		   "results/<UTC stamp>-<name>/         (a -2, -3... suffix when it exists)\n"
		   "  run.ini                the effective config, every key resolved, and\n"
		   "                         [machine]: kernel, cgroup mode, hard limits\n"
		   "  summary.csv            one row per scenario x repetition (columns below)\n"
		   "  summary.json           {\"schema_version\": N, \"runs\": [one object per\n"
		   "                         row]}: numbers, booleans (leak, fd_exhausted), null\n"
		   "                         for empty fields\n"
		   "  <scenario>/<rep>/samples.csv   the time series (columns below)\n"
		   "  <scenario>/<rep>/events.csv    t_s,event,value,detail: start, exec,\n"
		   "                         exec-failed, oom, oom-kill, oom-victim (pid; name,\n"
		   "                         source), pids-max, fd-exhausted, first-failure\n"
		   "                         (pid; call, errno, fds, threads, stack), forks\n"
		   "                         (processes made; threads=, exits=, moved_in=,\n"
		   "                         lost=, lists=, list=), syscall-records-lost,\n"
		   "                         main-thread-exit, exit-state (the main process's\n"
		   "                         own fds; rss=), exited, signaled, timeout,\n"
		   "                         kill, interrupted, teardown, escaped-killed\n"
		   "                         (processes killed that had left the run's\n"
		   "                         group); services: ready, not-ready,\n"
		   "                         load-start, load-exited, load-signaled,\n"
		   "                         load-exec-failed, stop, stop-grace-expired,\n"
		   "                         gctrace-unreadable, scrape-failed,\n"
		   "                         goroutine-dump-incomplete, goroutine-dump-unkept\n"
		   "  <scenario>/<rep>/stdout.log, stderr.log   the program's output (log-cap)\n"
		   "  <scenario>/<rep>/work/  the program's working directory unless cwd is set\n"
		   "  plots/                 gnuplot PNGs (brink plot DIR redraws them)\n"
		   "  report.md, report.html the report (brink report DIR rewrites them)\n"
		   "\n"
		   "CSV files appear under their name only when complete. An empty field means\n"
		   "\"does not apply\" or \"was not measured\", never zero. When brink is\n"
		   "interrupted (^C, SIGTERM, SIGHUP) summary.csv, summary.json and the report\n"
		   "hold the runs so far, the one cut short marked interrupted; the plots are\n"
		   "not drawn then, or only the pages complete when the signal came, and the\n"
		   "report says so (brink plot DIR draws them). A second signal ends brink at\n"
		   "once.\n"
		   "\n"
		   "The failing calls of first_failure_* and the *_count columns come from\n"
		   "the kernel's system calls (eBPF): an error returned through io_uring\n"
		   "(IORING_OP_OPENAT...) is not among them, nor a failure in a group more\n"
		   "than 15 levels below the run's, nor one of a thread written alone into\n"
		   "another group (v1 tasks).\n");
	fprintf(f, "\nsummary.csv:\n");
	for (size_t i = 0; i < SUMMARY_N_COLS; i++)
		fprintf(f, "  %-22s %s\n", summary_cols[i].name, summary_cols[i].help);
	fprintf(f, "\nsamples.csv:\n");
	for (size_t i = 0; i < sizeof(samples_columns) / sizeof(samples_columns[0]); i++)
		fprintf(f, "  %-22s %s\n", samples_columns[i].column, samples_columns[i].meaning);
}

static void help_exit_codes(FILE *f)
{
	fprintf(f, "brink exit statuses:\n"
		   "\n"
		   "  0    run, exec: every run was measured (whatever the program did)\n"
		   "       compare: no regression; plot, report: written\n"
		   "  1    run, exec: a run could not be measured (the command could not be\n"
		   "       executed), an expectation failed, a `load` failed (exit status not\n"
		   "       0, a signal, could not be executed) or never started (the program\n"
		   "       was never ready: outcome not-ready), or brink itself failed\n"
		   "       compare: NEW regressed, or a scenario or a metric of BASE is missing\n"
		   "       in NEW (a scenario whose NEW runs were all interrupted or\n"
		   "       exec-failed counts as missing)\n"
		   "  2    bad input: an unknown option or topic, a bad config or value, a\n"
		   "       result directory that cannot be read; nothing was run or written\n"
		   "  130  interrupted by SIGINT, SIGTERM or SIGHUP: the runs so far are in the\n"
		   "       results, the one cut short is marked interrupted and not graded\n");
}

static const struct {
	const char *name;
	void (*print)(FILE *f);
	const char *what;
} topics[] = {
    {"config", help_config, "every config key, its unit, default and an example"},
    {"results", help_results, "every file of a result directory and every column"},
    {"exit-codes", help_exit_codes, "what each exit status means"},
};

void help_topics(FILE *f)
{
	for (size_t i = 0; i < sizeof(topics) / sizeof(topics[0]); i++)
		fprintf(f, "  brink help %-11s %s\n", topics[i].name, topics[i].what);
}

int cmd_help_topic(const char *topic)
{
	for (size_t i = 0; i < sizeof(topics) / sizeof(topics[0]); i++) {
		if (strcmp(topic, topics[i].name) == 0) {
			topics[i].print(stdout);
			return EXIT_MEASURED;
		}
	}
	fprintf(stderr, "brink help: unknown topic \"%s\"; the topics are:\n", topic);
	help_topics(stderr);
	fprintf(stderr, "  brink help COMMAND     the options of a command (run, exec, ...)\n");
	return EXIT_BAD_INPUT;
}
