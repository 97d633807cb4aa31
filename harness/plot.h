/* plot.h - plots of a result directory, drawn by gnuplot (plot_write() and
 * cmd_plot() are declared in commands.h; this header holds what the report
 * shares with the plotter).
 *
 * What plot_write(DIR) makes, under DIR/plots/:
 *   <scenario>.png/.svg  one page per scenario, three stacked panels over time:
 *                        memory (RSS and the cgroup's usage), open fds, threads;
 *                        the scenario's limits (mem_limit_bytes, fd_limit,
 *                        pids_limit from summary.csv) as dashed horizontal lines,
 *                        or named in a corner when far above the data ("off
 *                        scale") so that a flat fixed twin is not squashed onto
 *                        the axis; breaking points from events.csv marked
 *                        (oom, fd-exhausted, pids-max, timeout). A run with
 *                        go-runtime = gctrace adds a fourth panel: the Go live
 *                        heap after each GC (go_heap_live_bytes). A service's
 *                        load window is marked by its ready and stop events.
 *   <base>.png/.svg      for twins <base>-leaky / <base>-fixed: both side by side
 *                        (leaky left), sharing each panel's y scale so that the
 *                        contrast is honest. "<base>.twins" if a scenario is
 *                        itself named <base>.
 *   data/                the downsampled series gnuplot reads
 *                        (<scenario>.rep<N>.dat: one gnuplot index block per
 *                        series that has values, in the order rss, mem, fds,
 *                        threads, each headed by a "# <column>" comment), the
 *                        generated scripts (<page>.gp) and gnuplot's messages
 *                        (<page>.log).
 *
 * Repetitions: all are drawn, overlaid: repetition 1 solid and on top, the
 * others translucent in the same colour, so run-to-run spread is visible without
 * a legend entry per repetition. Breaking points of every repetition are marked;
 * the first of each kind on a panel is labelled.
 *
 * Long runs: a series of more than PLOT_MAX_POINTS samples is cut into
 * (PLOT_MAX_POINTS-2)/2 buckets of consecutive samples and each bucket keeps its
 * minimum and its maximum (in time order), plus the series' first and last
 * samples, so every peak and every trough survives and the line spans the
 * whole run; nothing is truncated.
 */
#ifndef BRINK_PLOT_H
#define BRINK_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define PLOT_MAX_POINTS 2000

/* If `scenario` is "<base>-leaky" or "<base>-fixed", copy <base> into base and
 * return 1 (leaky) or 2 (fixed); else 0. */
int plot_twin_of(const char *scenario, char *base, size_t len);

/* The file name (without directory and extension) of the side-by-side page of
 * twin `base`, given whether a scenario named exactly `base` exists. */
void plot_twin_page(const char *base, bool base_is_scenario, char *page, size_t len);

/* Is gnuplot on $PATH? */
bool plot_have_gnuplot(void);

/* gnuplot writes each page to data/<page>.<ext>.part (quote_gnuplot_output,
 * quote.h) and plot_write() moves it to <page>.<ext> when both files of the
 * page are complete, so that no half-written plot ever has a plot's name, even
 * when brink is killed. */

/* Cut the drawing short: kill (SIGKILL, its whole process group) and reap the
 * gnuplot that plot_write() is waiting for, if any, and start none after.
 * plot_write() then keeps the pages drawn completely, removes the rest, writes
 * PLOT_CUT_NOTE into DIR/plots and returns -1; plot_interrupted() tells why.
 * Async-signal-safe (kill(2) and waitpid(2) only, signal-safety(7)): for the
 * handler of a termination signal. */
void plot_abort(void);

/* A handler for the termination signals while plot_write() runs: the first
 * signal calls plot_abort() (plot_write() then returns, and the caller goes on
 * to write the report and exit EXIT_INTERRUPT), a second one ends brink at once
 * with EXIT_INTERRUPT. Async-signal-safe. */
void plot_cut_signal(int sig);

/* Has plot_abort() been called? */
bool plot_interrupted(void);

/* DIR/plots/<PLOT_CUT_NOTE> exists while the plots are incomplete because
 * their drawing was cut short (the report says so); the next plot_write()
 * removes it. */
#define PLOT_CUT_NOTE "INCOMPLETE"

#endif
