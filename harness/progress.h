/* progress.h - live progress of a run set on stderr.
 *
 * On a terminal: one status line redrawn at most a few times a second (scenario,
 * repetition, elapsed time, current memory/fds/threads against their limits),
 * cut to the terminal's width (TIOCGWINSZ, else $COLUMNS, else 80).
 * On a pipe or in CI: one line per finished run, nothing while it runs (none
 * when progress_set_lines turned them off).
 */
#ifndef BRINK_PROGRESS_H
#define BRINK_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>

#include "scenario.h"
#include "result.h"
#include "sample.h"

struct progress;

/* tty < 0: decide from isatty(fileno(out)) and $CI; 0/1 force. */
struct progress *progress_new(FILE *out, int tty, size_t total_runs);
void progress_run_start(struct progress *p, const struct scenario *sc, int rep);
/* Called after every sample; must be cheap (it rate-limits its own output). */
void progress_sample(struct progress *p, const struct sample *s);
void progress_run_end(struct progress *p, const struct run_result *r);
/* lines false: progress_run_end only erases the status line and prints no line
 * of its own (brink's table on stdout already gives one line per run). */
void progress_set_lines(struct progress *p, bool lines);
void progress_free(struct progress *p);

#endif
