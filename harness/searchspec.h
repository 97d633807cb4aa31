/* searchspec.h - the settings of a search for a breaking limit (`brink
 * search` arguments, a config's [search] section) and their value parsers.
 *
 * Apart from search.h so that config.c can check [search] with the same
 * parsers as `brink search` while search.c reads configs (--from DIR's
 * run.ini): this includes nothing of brink's above limit.h.
 */
#ifndef BRINK_SEARCHSPEC_H
#define BRINK_SEARCHSPEC_H

#include <stdbool.h>
#include <stdint.h>

/* The search settings as the user gave them. */
struct search_spec {
	int lim;	    /* limit id (limit.h) */
	int64_t lo, hi;	    /* the range, in the limit's unit */
	int64_t resolution; /* absolute; 0 = relative */
	int64_t res_ppm;    /* relative */
	const char *from;   /* --from DIR: reuse its results, or NULL */
	/* The search's runs are to have the syscall watch (syswatch.h): --from
	 * reuses only runs measured alike, since with the watch a full fd table
	 * without a failed call is no nofile hit (search_run_evidence) */
	bool watch;
};

/* The limits a search may run over: memory, pids, nofile, as, data, stack,
 * cpu-time. */
bool search_resource_ok(int lim);

/* Parse "LO..HI" for lim, a resolution ("1M", "1%", "0.5%"). 0, or -1 with
 * *why ("expected ..."). */
int search_parse_range(int lim, const char *s, int64_t *lo, int64_t *hi, const char **why);
int search_parse_resolution(int lim, const char *s, int64_t *abs, int64_t *ppm, const char **why);
/* The resolution when none is given: 1 for counts, 1M for sizes, 1s for
 * durations. */
int64_t search_default_resolution(int lim);

#endif
