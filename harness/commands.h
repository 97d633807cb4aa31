/* commands.h - the subcommands of the brink program (main.c dispatches). Each
 * returns the process exit status: 0 ok, 1 could not measure / regression /
 * expectation failed, 2 bad input. */
#ifndef BRINK_COMMANDS_H
#define BRINK_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>

#include "error.h"

#define EXIT_MEASURED  0
#define EXIT_FAILED    1
#define EXIT_BAD_INPUT 2
#define EXIT_INTERRUPT 130

int cmd_run(int argc, char **argv);	/* runset.c */
int cmd_exec(int argc, char **argv);	/* runset.c */
int cmd_search(int argc, char **argv);	/* runset.c */
int cmd_plot(int argc, char **argv);	/* plot.c */
int cmd_report(int argc, char **argv);	/* report.c */
int cmd_compare(int argc, char **argv); /* compare.c */

/* runset.c: say what getopt_long's return c (':' a value missing, '?' an
 * unknown option; run with opterr 0 and a leading ':' in the short options)
 * means, as "CMD: unknown option --x" or "CMD: option --out needs a value". */
void option_error(const char *cmd, int c, char **argv);
/* runset.c: after getopt_long returned an option with a value: -1 (said on
 * stderr) when the value was the next word and looks like an option
 * (`--out --quiet`: --quiet was meant as an option, not a directory name), 0
 * otherwise. `--out=--quiet` is taken as written. Negative numbers pass. */
int option_value_check(const char *cmd, char **argv);
/* runset.c: the arguments of `brink CMD [-h|--help] DIR` (plot, report), CMD
 * "brink plot" etc.: -1 with *dir set when DIR is a directory and the command
 * goes on; otherwise the exit status to return: EXIT_MEASURED after --help
 * (usage(stdout)), EXIT_BAD_INPUT for an unknown option, not one DIR, or a DIR
 * that is not a directory (said on stderr, with usage(stderr) for the count). */
int command_result_dir(const char *cmd, int argc, char **argv, void (*usage)(FILE *f),
		       const char **dir);

/* help.c: `brink help TOPIC` for the topics config, results and exit-codes
 * (0; 2 with the list of topics on stderr for an unknown one); help_topics
 * lists them; help_key_example gives the example value shown for a config key
 * (by key, else by its metavar), or NULL. */
int cmd_help_topic(const char *topic);
void help_topics(FILE *f);
const char *help_key_example(const char *key, const char *metavar);
/* Write text's words on lines of at most `width` columns, the first going on
 * from column `col` of the current line (0: a new line, from `indent`), the
 * others from column `indent`; ends with a newline. A word longer than the
 * room is not cut. */
void help_put_wrapped(FILE *f, int col, int indent, int width, const char *text);
/* The settable scenario keys (config.h: scenario_key_at), for `brink help
 * config` (options false: "  KEY = METAVAR", then the help wrapped under it
 * with the default a limit has when unset, and an example) or for `brink exec
 * --help` (options true: "  --KEY METAVAR" in 27 columns, the help beside it;
 * `command` left out, it is the words after the options). */
void help_scenario_keys(FILE *f, bool options);

/* Called by run/exec after a result directory is complete: plots (if gnuplot is
 * there) and report.md/report.html. A missing gnuplot is a warning, not an error. */
int plot_write(const char *dir, struct berr *err);
int report_write(const char *dir, struct berr *err);

#endif
