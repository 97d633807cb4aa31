/* procstat.h - fields of /proc/PID/stat, parsed in one place.
 *
 * The command name (field 2) may hold spaces and parentheses, so fields are
 * counted from the last ')'. Field numbers are those of proc(5): 3 state,
 * 14 utime, 15 stime, 20 num_threads, 22 starttime.
 */
#ifndef BRINK_PROCSTAT_H
#define BRINK_PROCSTAT_H

#include <sys/types.h>

/* Parse the NUL-terminated text of a stat file: for i < n, out[i] = field
 * want[i] (want ascending, all >= 4). *state gets field 3 when not NULL.
 * Returns 0, or -1 when the text is cut short or malformed. */
int procstat_parse(const char *buf, const int *want, long long *out, int n, char *state);

/* One field of /proc/PID/stat (pid 0: brink itself), or -1. */
long long procstat_field(pid_t pid, int field);

#endif
