/* main.c - the brink program: dispatch to a subcommand. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "merge.h"
#include "plot.h"
#include "slurm.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
    {"run", cmd_run, "run every scenario of an INI config"},
    {"exec", cmd_exec, "run one command under limits: brink exec [OPTIONS] -- CMD [ARG]..."},
    {"search", cmd_search,
     "find the smallest limit a command survives: brink search memory 4M..1G -- CMD"},
    {"plot", cmd_plot, "redraw the plots of a result directory"},
    {"report", cmd_report, "rewrite report.md and report.html of a result directory"},
    {"compare", cmd_compare, "compare two result directories; exit 1 on a regression"},
    {"merge", cmd_merge, "join the result directories of a config's shards (run --shard K/N)"},
    {"slurm", cmd_slurm, "write (and submit) a Slurm job array of shards and a merge job"},
};

static void exit_interrupted(int sig)
{
	(void)sig;
	plot_abort(); /* no gnuplot left writing plots */
	_exit(EXIT_INTERRUPT);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: brink COMMAND [OPTIONS] [ARGS]\n\n"
		   "brink runs programs to the edge of their resource limits (cgroup memory and\n"
		   "pids limits, rlimits), samples memory, open files and threads, and reports\n"
		   "exactly where and how they broke.\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n`brink COMMAND --help` (or `brink help COMMAND`) tells more; reference:\n");
	help_topics(f);
	fprintf(f, "\nExamples:\n"
		   "  brink exec --nofile 1024 --memory 64M --pids 64 --interval 1ms -- ./server\n"
		   "  brink run configs/seed.ini\n"
		   "  brink compare results/base results/new\n\n"
		   "Exit status: 0 measured / no regression, 1 could not measure, an expectation\n"
		   "failed or a regression, 2 bad input, 130 interrupted.\n");
}

int main(int argc, char **argv)
{
	/* `brink exec ... | head -1`: a reader that goes away must not kill brink
	 * in the middle of a run (its results half written, its groups left).
	 * Writes to it fail with EPIPE instead; the program gets SIGPIPE's
	 * default back before its exec (launch.c). */
	signal(SIGPIPE, SIG_IGN);
	/* A termination signal before the runs start (brink then takes them on
	 * a signalfd) finds nothing to tear down: exit as interrupted. */
	signal(SIGINT, exit_interrupted);
	signal(SIGTERM, exit_interrupted);
	signal(SIGHUP, exit_interrupted);
	if (argc < 2) {
		usage(stderr);
		return EXIT_BAD_INPUT;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    (strcmp(argv[1], "help") == 0 && argc == 2)) {
		usage(stdout);
		return EXIT_MEASURED;
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc > 3) {
			fprintf(stderr, "brink help: expected one TOPIC or COMMAND\n");
			return EXIT_BAD_INPUT;
		}
		/* `brink help run` is `brink run --help` */
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
			if (strcmp(argv[2], commands[i].name) == 0) {
				char *hv[] = {argv[2], "--help", NULL};
				return commands[i].fn(2, hv);
			}
		}
		return cmd_help_topic(argv[2]);
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("brink 0.1.0\n");
		return EXIT_MEASURED;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "brink: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return EXIT_BAD_INPUT;
}
