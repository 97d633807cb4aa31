/* monitor.h - run one scenario once and measure it.
 *
 * One event loop (poll) over: the sampling timer (absolute deadlines, so it does
 * not drift), the timeout timer, a signalfd (SIGCHLD for exits and ptrace stops;
 * SIGINT/SIGTERM/SIGHUP to interrupt), the OOM notification of the run cgroup,
 * and the pipes that carry the program's stdout and stderr to capped log files.
 * The program's exec and exit stops (ptrace) give its exact fd count at exec
 * (the baseline) and at death (the breaking point) before the kernel closes them.
 * Where the kernel's view is watched (syswatch.h), its failing calls wake the loop,
 * and its fork and exit records are taken before each sample to keep the
 * sampler's process list (sample.h); set BRINK_PROC_LIST=cgroup to list the group
 * at each sample instead.
 */
#ifndef BRINK_MONITOR_H
#define BRINK_MONITOR_H

#include "cgroup.h"
#include "scenario.h"
#include "error.h"
#include "progress.h"
#include "result.h"
#include "syswatch.h"

struct monitor_opts {
	const struct scenario *sc;
	int rep;		   /* 1-based */
	const char *path;	   /* resolved program (launch_resolve) */
	struct cg_system *sys;	   /* NULL or none usable: rlimits only */
	const char *run_dir;	   /* existing, empty: <out>/<scenario>/<rep> */
	int sigfd;		   /* signalfd: SIGCHLD SIGINT SIGTERM SIGHUP (blocked) */
	struct progress *progress; /* may be NULL */
	const char *cwd;	   /* the program's working directory (sc->cwd resolved);
				      NULL: a fresh run_dir/work/ */
	const char *scenario_dir;  /* where a bare `load` name is found first; may be NULL */
	struct syswatch *sw;	   /* NULL: failing system calls not watched */
};

/* Run and measure. Returns 0 when a result was produced (r filled, whatever the
 * program did, including exec failure and interruption), -1 when brink itself
 * could not run it (err). Nothing is left behind either way: every process of
 * the run is killed and reaped and its cgroup removed. */
int monitor_run(const struct monitor_opts *o, struct run_result *r, struct berr *err);

/* What BRINK_PROC_LIST asks (v its value, NULL when unset): 0 for unset, "" or
 * "events" (the process list kept from the kernel's fork and exit records where
 * they are watched), 1 for "cgroup" (the group listed at every sample), -1 for
 * anything else, which brink refuses (exit 2) before any run. */
int monitor_proc_list_env(const char *v);

#endif
