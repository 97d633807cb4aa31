/* analyse.h - from what a run did to its classification and leak verdict.
 *
 * run_classify() turns the facts the monitor gathered (wait status, kernel
 * counters, the limits the program had, the OOM killer's victims) into the
 * outcome, the breaking point, how it was found and the cause of death. It is
 * pure: no system calls, the same facts give the same row.
 *
 * Growth is the Theil-Sen slope (median of pairwise slopes, robust to outliers
 * and start-up noise) over the samples after a warm-up window, confirmed by a
 * Mann-Kendall trend test. The series kept for this are bounded: when full, every
 * other point is dropped and the sampling stride doubles, so memory stays flat
 * over a run of any length.
 */
#ifndef BRINK_ANALYSE_H
#define BRINK_ANALYSE_H

#include <stddef.h>
#include <sys/types.h>

#include "scenario.h"
#include "result.h"

/* A process the OOM killer chose, as the kernel named it. */
struct oom_victim {
	pid_t pid;
	char comm[16]; /* TASK_COMM_LEN */
	int64_t t_ns;  /* CLOCK_MONOTONIC ns of the kill (kernel log record), < 0 unknown */
};

#define FACTS_VICTIMS_MAX 16

/* What is known of a run when its main process has ended. Unknown numbers
 * are RES_NONE (counters) or < 0 (seconds). */
struct run_facts {
	pid_t main_pid;
	bool ended;	  /* wstatus holds the main process's wait status */
	int wstatus;	  /* as waitpid(2) gives it */
	bool timed_out;	  /* brink killed the run at its timeout */
	bool interrupted; /* brink was interrupted (SIGINT, SIGTERM, SIGHUP) */

	/* RLIMIT_CPU (setrlimit(2)): SIGXCPU at the soft limit, SIGKILL at the
	 * hard one; the CPU time of the main process's own threads at its end. */
	double cpu_soft_s, cpu_hard_s; /* < 0: no limit */
	/* SIGXCPU signals the kernel itself sent the main process (si_code
	 * SI_KERNEL in its signal-delivery stops; kill(1) gives SI_USER); -1
	 * when not traced. The kernel sends it only at the soft limit. */
	int kernel_sigxcpu;
	double main_cpu_s;	     /* < 0: unknown */
	enum method main_cpu_method; /* exit-stop (its CPUCLOCK_PROF clock in the
					exit stop: exact) or exit-status (wait4
					rusage, reaped children included) */

	/* nofile: the soft limit the program had, and the largest number of fds
	 * one process held, with where that count was read */
	int64_t fd_limit;
	int64_t max_fds_one;
	enum method max_fds_method;
	/* a process was seen failing with EMFILE (METH_NONE: not seen);
	 * METH_TRACEPOINT: the kernel saw a call fail with EMFILE or ENFILE */
	enum method emfile_method;
	/* The syscall watch (syswatch.h) was loaded for the run: every failing
	 * call that makes an fd is the kernel's to report, so a table that is
	 * full without one (a program that needs exactly its limit) is no
	 * exhaustion. */
	bool syscalls_watched;

	/* memory cgroup: oom_kill counter (RES_NONE: no memory cgroup) and the
	 * victims named by the victim source (victims_method METH_NONE: the
	 * source could not be read, n_victims then 0) */
	int64_t oom_kills;
	enum method victims_method;
	size_t n_victims;
	struct oom_victim victims[FACTS_VICTIMS_MAX];

	/* pids cgroup: forks refused (RES_NONE: no pids cgroup) */
	int64_t pids_limit_hits;

	/* ENOMEM returned by mmap/brk/mremap/clone/fork, as the kernel saw it
	 * (syswatch.h; RES_NONE: not watched), and whether RLIMIT_AS / RLIMIT_DATA
	 * applied: set by brink, or finite in the process whose mmap, mremap or
	 * brk the kernel saw fail first (it may have lowered its own). A refusal
	 * under one of them is that limit's breaking point. */
	int64_t enomem_count;
	bool as_limited, data_limited;
	/* The kernel saw clone/fork fail with EAGAIN in a process under a finite
	 * RLIMIT_NPROC of its own, not running as root (root is exempt, fork(2)):
	 * that limit's breaking point unless the pids limit refused a fork. */
	bool eagain_under_nproc;
};

/* Facts with nothing known: every counter RES_NONE, seconds -1, methods
 * METH_NONE, no victims, not ended. */
void run_facts_init(struct run_facts *f);

/* How far below a cpu-time limit a CPU time may read and still have reached
 * it: read in the exit stop from the clock the kernel compares, a rounding;
 * from wait4's rusage (scaled to the scheduler's runtime, which runs a few per
 * cent behind the tick-based count the kernel compares), a tenth of the limit
 * and two ticks. */
#define CPU_LIMIT_SLACK_EXACT_S 0.001
#define CPU_LIMIT_SLACK_REL	0.1
#define CPU_LIMIT_SLACK_ABS_S	0.02

/* Classify a run from its facts into r: outcome, exit_code, signal,
 * fd_exhausted, oom_kills, pids_limit_hits, limit_hit, limit_method, cause,
 * and the UNAV_OOM_VICTIM bit of r->unavailable. Rules, in order:
 *  - outcome: interrupted, else timeout, else from the wait status; a SIGKILL
 *    is oom-killed only when the victim source names the main pid, or, when
 *    that source is unavailable, the oom_kill counter moved (then
 *    UNAV_OOM_VICTIM is set: inferred, not seen).
 *  - oom_kills: the counter, raised to the number of victims the tracepoint
 *    named where it is lower (v1 counts a kill in the victim's own group only,
 *    and a program may nest groups below the run's).
 *  - breaking point, the first that holds: memory (oom_kill counter moved:
 *    kernel-counter; victims named by the tracepoint in a memory cgroup whose
 *    counter did not move: tracepoint; or the victim source names the main
 *    pid: its method),
 *    nofile (with the syscall watch, only a call the kernel saw fail with
 *    EMFILE or ENFILE: tracepoint, as `brink search` rules; without it, a
 *    process held fd_limit fds, or was seen failing with EMFILE: the method
 *    that saw the fds),
 *    pids (pids.events counted a refused fork), nproc (eagain_under_nproc:
 *    tracepoint), cpu-time (the main process
 *    died of SIGXCPU at its soft limit or SIGKILL at its hard one, its CPU
 *    time within the slack above of it; SIGXCPU alone when the CPU time is unknown),
 *    as / data (ENOMEM seen by the kernel under RLIMIT_AS / RLIMIT_DATA:
 *    tracepoint), timeout (brink's timer).
 * Nothing else of r is touched. */
void run_classify(const struct run_facts *f, struct run_result *r);

#define SERIES_MAX 1024

/* t in seconds since the run started, in increasing order; v in the metric's
 * unit (bytes, fds, threads). Holds the points whose index among all points
 * offered is a multiple of `stride`, so they stay evenly spread over the run. */
struct series {
	double t[SERIES_MAX];
	double v[SERIES_MAX];
	size_t n;
	unsigned long stride; /* keep one point in `stride` */
	unsigned long seen;   /* points offered since the start */
};

void series_init(struct series *s);
void series_add(struct series *s, double t, double v);

/* Median of (v[j]-v[i])/(t[j]-t[i]) over i<j with t[j] != t[i] (the mean of
 * the two middle slopes for an even count); 0 for n < 2 or when every t is
 * equal; NAN when the n(n-1)/2 slopes cannot be allocated.
 * A single step is not growth: with a points before it and b after, the
 * a(a-1)/2 + b(b-1)/2 same-side pairs have slope 0 and outnumber the a*b
 * crossing pairs unless (a-b)^2 < n, so the median is exactly 0 unless the
 * step is within about sqrt(n)/2 points of the middle; there it reads as about
 * height / span. */
double theil_sen_slope(const double *t, const double *v, size_t n);

struct mk_result {
	double s; /* Kendall's S: sum of sign(v[j]-v[i]) over i<j */
	double z; /* normal approximation, tie-corrected variance, continuity
		   * correction (S-1 or S+1); 0 when S = 0 or the variance is 0 */
	double p; /* two-sided p-value, erfc(|z|/sqrt 2); 1 when z = 0 */
};
/* Mann-Kendall trend test of v (in time order). O(n^2), no allocation. */
void mann_kendall(const double *v, size_t n, struct mk_result *out);

#define LEAK_MIN_POINTS 8    /* fewest points a verdict uses after the warm-up */
#define LEAK_MAX_P	0.01 /* Mann-Kendall p below which a trend is real */
/* The cgroup's memory is judged at this many times the RSS threshold: it holds
 * kernel memory (task stacks, socket buffers, page tables) that moves by a few
 * hundred KiB/s without a leak; 40 unreaped zombies in a second grow it by
 * about 300 KiB/s on a pure-v2 kernel. */
#define LEAK_MEM_SCALE 4.0

/* rss: anonymous resident memory summed over the processes (RssAnon: statm's
 * resident - shared), not total RSS: clean file pages can be dropped and are
 * no leak. mem: the run cgroup's usage (page cache, tmpfs and kernel memory
 * charged to it), empty without a memory cgroup. */
struct leak_series {
	struct series rss, mem, fds, threads;
	struct series go_heap; /* Go live heap after GC (go-runtime = gctrace); empty
				  otherwise. Judged with the RSS threshold */
	/* page cache the kernel could drop, charged to the run's cgroup at its
	 * end (cg_run_mem_reclaimable()); < 0 unknown */
	double mem_reclaimable_bytes;
	/* tasks in the run's pids group when the kernel refused a fork (the
	 * syscall watch's record); <= 0 unknown */
	int64_t tasks_at_refusal;
};

/* Fill r->leak, r->leak_metrics, r->leak_reason and the three slopes from the
 * series and the thresholds (mem is judged at LEAK_MEM_SCALE times the rss
 * threshold, its slope goes to mem_slope_bytes_per_s).
 *
 * A run that ended on a breaking point of a growing resource (nofile, memory,
 * pids, as, data, nproc: breaking_point_is_growth(), or fd_exhausted) is a
 * leak whatever the slopes say; cpu-time and timeout are not. Where no series
 * is the limit's (as, data, nproc) and none grew, leak_reason says so.
 * Otherwise each series is cut to the points with t >= warm-up. A metric
 * grows when at least LEAK_MIN_POINTS remain, its Theil-Sen slope over them is
 * >= its threshold and Mann-Kendall finds an upward trend (S > 0, p <
 * LEAK_MAX_P). When no series has LEAK_MIN_POINTS points after the warm-up the
 * run is too short for a trend: leak is LEAK_NONE and leak_reason says why
 * (start-up is growth that is not a leak, and a handful of points is noise).
 * mem does not grow when its growth over those points (slope x their span) is
 * no more than mem_reclaimable_bytes: page cache of files read or written is
 * dropped under pressure, no leak. A slope is NAN (empty in the CSV) unless
 * LEAK_MIN_POINTS points remain. leak_metrics lists, in the order
 * rss;mem;fds;threads;go_heap, the metrics that grow plus the one the breaking
 * point belongs to (nofile or fd_exhausted -> fds, memory -> mem, pids ->
 * threads).
 * The series are not changed. */
void leak_verdict(const struct leak_thresholds *th, struct leak_series *ls, struct run_result *r);

/* Cut every series of ls to the points with t <= until_s (the end of a load
 * window, service.h): what comes after brink's stop signal is shutdown. */
void leak_series_until(struct leak_series *ls, double until_s);

/* Parse an `expect =` value into e (set = true, raw = the text); -1 with *why
 * (a static sentence) on bad input, e untouched. Grammar: words separated by
 * blanks, in any order, each at most once:
 *   leak | no-leak                                  exactly one, required
 *   breaks=nofile|memory|pids|cpu-time|as|data|nproc|timeout|none  optional: the limit_hit
 *                              the run must end with ("none": limit_hit empty)
 * Examples: "leak breaks=nofile", "no-leak", "no-leak breaks=none". */
int expect_parse(const char *s, struct expect *e, const char **why);

/* Compare r with e (nothing to do when !e->set: returns 0). e->leak (0/1;
 * -1 = any) against r->leak: `no-leak` holds when no leak was found, also
 * when the run was too short for a verdict (LEAK_NONE); `leak` needs
 * LEAK_YES. e->breaks (-1 = any) against r->limit_hit.
 * On mismatch write a sentence into r->expect_failure ("expected leak, got no
 * leak; expected breaks=nofile, got memory") and return 1; else clear it and
 * return 0. */
int expect_check(const struct expect *e, struct run_result *r);

#endif
