/* curves.h - the curves of sweeps and searches: for each swept scenario, the
 * swept value against peak memory, peak fds and peak threads, with the
 * outcome of each point, as a gnuplot page and a report table.
 *
 * Read from a result directory: summary.csv's sweep columns (sweep.h) and,
 * after a search, search.csv (search.h), whose threshold is marked.
 *
 *   plots/<base>.curve.png/.svg  three stacked panels (peak memory in MiB,
 *                                peak fds, peak threads) over the first swept
 *                                key; one line per value of the second key;
 *                                points that survived as dots, points that
 *                                broke as red crosses; the smallest passing
 *                                limit of a search as a dashed vertical line.
 *                                A range that spans more than 16x, or a
 *                                geometric sweep (LO..HI xF), is drawn on a
 *                                log2 axis; the lines of the second key in
 *                                value order (numbers as numbers).
 *   plots/data/<base>.curve.dat  the points gnuplot reads; .gp the script.
 *
 * A point survived when every repetition exited 0 without hitting a limit
 * (search_run_passes); else it broke, at the breaking point of
 * its first failing repetition (limit_hit), or "failed" when none was hit.
 */
#ifndef BRINK_CURVES_H
#define BRINK_CURVES_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"

/* Write the curve pages' data and scripts under plotdir/data and add each page
 * name (malloc'd) to *pages (*n entries, grown with realloc). Returns 0
 * (nothing to do when summary.csv has no sweep column), or -1 with err. */
int curves_scripts(const char *dir, const char *plotdir, char ***pages, size_t *n,
		   struct berr *err);

/* The "Sweeps" section of report.md: per swept scenario, the search's answer
 * and a table of its points, and the curve page when it was drawn. Writes
 * nothing when summary.csv has no sweep column. */
void curves_md(const char *dir, FILE *f);
/* The same section for report.html (tables, the curve's SVG). */
void curves_html(const char *dir, FILE *f);

#endif
