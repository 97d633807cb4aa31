/* result.h - what one run of one scenario produced: the summary row. */
#ifndef BRINK_RESULT_H
#define BRINK_RESULT_H

#include <stdbool.h>
#include <stdint.h>

enum outcome {
	OUT_EXITED,	 /* exited by itself (any exit code) */
	OUT_SIGNALED,	 /* killed by a signal that was not brink's and not the OOM killer */
	OUT_OOM_KILLED,	 /* the oom_kill counter of its memory cgroup moved */
	OUT_TIMEOUT,	 /* brink killed it at the timeout */
	OUT_EXEC_FAILED, /* the command could not be executed */
	OUT_INTERRUPTED, /* brink itself was interrupted (SIGINT/SIGTERM/SIGHUP) */
	OUT_STOPPED,	 /* brink stopped it after its load ended (service.h) */
	OUT_NOT_READY,	 /* not ready within ready-timeout (service.h) */
	OUT__COUNT
};

/* "exited", "signaled", "oom-killed", "timeout", "exec-failed", "interrupted",
 * "stopped", "not-ready";
 * "unknown" for a value outside the enum. */
const char *outcome_name(enum outcome o);
/* The outcome whose name is `name`, or -1. */
int outcome_from_name(const char *name);

/* The breaking point of a run: the limit it reached. One name table
 * (result.c) serves summary.csv, expectations, compare, plots and reports. */
enum breaking_point {
	BP_NONE,     /* "": no limit was reached */
	BP_NOFILE,   /* "nofile": a process held as many fds as its RLIMIT_NOFILE */
	BP_MEMORY,   /* "memory": the memory cgroup's OOM killer killed a process */
	BP_PIDS,     /* "pids": the pids cgroup refused a fork or clone */
	BP_CPU_TIME, /* "cpu-time": the main process's CPU time reached RLIMIT_CPU */
	BP_AS,	     /* "as": mmap/brk/mremap/clone refused (ENOMEM) under RLIMIT_AS */
	BP_DATA,     /* "data": the same under RLIMIT_DATA */
	BP_NPROC,    /* "nproc": fork or clone refused (EAGAIN) under RLIMIT_NPROC */
	BP_TIMEOUT,  /* "timeout": brink's own timeout, not the program's limit */
	BP__COUNT
};

/* "", "nofile", "memory", "pids", "cpu-time", "as", "data", "nproc", "timeout";
 * "unknown" outside the enum. */
const char *breaking_point_name(enum breaking_point b);
/* The breaking point named `name` ("" is BP_NONE), or -1. */
int breaking_point_from_name(const char *name);
/* Is b a resource the program grew until it ran out (nofile, memory, pids, as,
 * data, nproc)?
 * Such a breaking point is a leak by itself; cpu-time and timeout are not. */
bool breaking_point_is_growth(enum breaking_point b);
/* Is b one of the program's limits (all but BP_NONE and brink's own timeout)? */
bool breaking_point_is_limit(enum breaking_point b);

/* How a fact was found, so that a user can judge it (the `limit_method`
 * column). */
enum method {
	METH_NONE,	     /* "": nothing found, or not applicable */
	METH_EXIT_STOP,	     /* "exit-stop": read in the process's ptrace exit stop */
	METH_SAMPLING,	     /* "sampling": seen in a periodic sample */
	METH_KERNEL_COUNTER, /* "kernel-counter": a cgroup counter (oom_kill,
				pids.events max) */
	METH_KERNEL_LOG,     /* "kernel-log": the OOM killer's line in /dev/kmsg */
	METH_TRACEPOINT,     /* "tracepoint": a kernel tracepoint (eBPF) */
	METH_EXIT_STATUS,    /* "exit-status": the wait status with the CPU time
				the process had used */
	METH_SIGNAL_STOP,    /* "signal-stop": the sender of a signal, seen in
				the process's ptrace signal-delivery stop */
	METH_FD_NUMBERS,     /* "fd-numbers": every fd number from 10 to the
				limit - 1 open in the exit stop */
	METH_TIMER,	     /* "timer": brink's own timeout timer */
	METH__COUNT
};

/* The method's name ("" for METH_NONE); "unknown" outside the enum. */
const char *method_name(enum method m);
/* The method named `name` ("" is METH_NONE), or -1. */
int method_from_name(const char *name);

/* The leak verdict: LEAK_NONE when the run was too short to tell (see
 * leak_reason). */
enum leak_verdict { LEAK_NO, LEAK_YES, LEAK_NONE, LEAK__COUNT };

/* "no", "yes", "" (LEAK_NONE); "unknown" outside the enum. */
const char *leak_verdict_name(enum leak_verdict v);
/* The verdict named `name`, or -1. */
int leak_verdict_from_name(const char *name);

/* Measurements that may be unavailable (bit set = not measured). */
enum unavail {
	UNAV_MEM = 1 << 0,	    /* cgroup memory usage / peak */
	UNAV_OOM = 1 << 1,	    /* OOM counters */
	UNAV_PIDS = 1 << 2,	    /* pids limit and its counters */
	UNAV_CGROUP_PROCS = 1 << 3, /* all processes of the run (only the main pid is sampled) */
	UNAV_EXIT_STOP = 1 << 4,    /* exact fds/RSS at exit */
	UNAV_CPU_LIMIT = 1 << 5,    /* cgroup CPU bandwidth */
	UNAV_OOM_VICTIM = 1 << 6,   /* which process the OOM killer chose (kernel log
				       unreadable: an OOM kill of the main process
				       is then inferred from the counter) */
	UNAV_SYSCALLS = 1 << 7,	    /* failing system calls from the kernel (eBPF) */
};

/* "mem;oom" style list of the unavailable measurements; "" when none. Bit names
 * in bit order: mem, oom, pids, procs, exit-state, cpus, oom-victim, syscalls.
 * Truncated (always
 * NUL-terminated) when len is too small. */
void unavail_format(unsigned mask, char *buf, unsigned long len);
/* The reverse of unavail_format: "" -> 0; -1 on an unknown or repeated name. */
int unavail_parse(const char *s, unsigned *mask);

#define RES_NONE (-1) /* a number that does not apply or was not measured */

struct run_result {
	char scenario[64];
	int rep; /* 1-based */
	enum outcome outcome;
	int exit_code; /* RES_NONE unless exited */
	int signal;    /* RES_NONE unless killed by a signal */
	double duration_s;
	int64_t peak_rss_bytes; /* max over samples and exit state, summed over processes */
	int64_t peak_mem_bytes; /* cgroup's own peak (max_usage_in_bytes / memory.peak) */
	int64_t peak_fds;
	int64_t peak_threads;
	int64_t fd_limit;    /* RLIMIT_NOFILE soft limit of the child */
	int64_t fd_baseline; /* fds the child had at exec (inherited) */
	bool fd_exhausted;   /* peak_fds reached fd_limit */
	int64_t mem_limit_bytes;
	int64_t oom_kills;
	double oom_onset_s; /* < 0 when no OOM */
	int64_t pids_limit;
	int64_t pids_limit_hits;
	enum breaking_point limit_hit;
	enum method limit_method; /* how limit_hit was found */
	char cause[160];	  /* how the main process ended and on what evidence;
				     never a comma (summary.csv is split on them) */
	unsigned unavailable;	  /* enum unavail bits */
	int64_t samples;	  /* samples taken */
	int64_t missed_samples;	  /* deadlines that passed without a sample */
	char exec_error[768];	  /* why exec failed, for OUT_EXEC_FAILED */

	/* The first failing system call of the run, any process, from the kernel
	 * (syswatch.h): the earliest first failure of any kind. Empty / RES_NONE
	 * when none failed or when syscalls were not watched. */
	char first_failure_syscall[32]; /* "openat" */
	char first_failure_errno[16];	/* "EMFILE" */
	double first_failure_s;		/* seconds since start; < 0 when none */
	int64_t first_failure_pid;
	/* Failures counted by the kernel; RES_NONE when not watched. */
	int64_t emfile_count;	   /* EMFILE from calls that make an fd */
	int64_t enfile_count;	   /* ENFILE from calls that make an fd */
	int64_t eagain_fork_count; /* EAGAIN from clone/clone3/fork/vfork */
	int64_t enomem_count;	   /* ENOMEM from mmap/brk/mremap/clone/fork */
	int64_t oom_victim_pid;	   /* the OOM killer's first victim (mark_victim) */

	/* leak verdict (analyse.h) */
	enum leak_verdict leak;
	char leak_metrics[32]; /* "rss;mem;fds;threads" ... */
	char leak_reason[256]; /* why leak is LEAK_NONE, or why LEAK_YES names no metric; else "";
				  never a comma */
	/* Growth per second; NAN when not computed (too few points, not
	 * measured), written as an empty field. Negative slopes are real values,
	 * so RES_NONE cannot mark "none" here. */
	double rss_slope_bytes_per_s; /* of anonymous RSS (analyse.h) */
	double mem_slope_bytes_per_s; /* of the cgroup's memory usage */
	double fd_slope_per_s;
	double thread_slope_per_s;
	char expect_failure[256]; /* "" when the expectation held or none was set */

	/* Facts of measurement for the classification (not summary columns). */
	int64_t procs_peak;	 /* most processes in one sample or stop */
	int64_t nofile_seen;	 /* lowest soft RLIMIT_NOFILE read from the run's
				  * processes (prlimit(2) at samples and stops), the
				  * limits they really had; RES_NONE unknown */
	int64_t exit_nofile;	 /* the main process's soft RLIMIT_NOFILE at its exit
				  * stop; RES_NONE without the stop */
	int64_t exit_fds;	 /* its open fds at the exit stop; RES_NONE without */
	int64_t exit_fd_highest; /* its highest open fd number there; RES_NONE without */
	/* How fd exhaustion was found: METH_EXIT_STOP (count at the process's
	 * own limit when it died), METH_FD_NUMBERS (every fd from 10 to its limit
	 * - 1 open at the exit stop: shells and F_DUPFD allocate from 10),
	 * METH_SAMPLING (a process at its own limit in a sample), METH_NONE not
	 * found. Sampling sees only what lasts until a sample; exhaustion undone
	 * between two is missed. */
	enum method fd_exhausted_by;
	bool main_thread_exited_first; /* the main thread exited while others ran on */
	/* A service under load (service.h); RES_NONE / < 0 / "" when not used. */
	double ready_s;			  /* when the program became ready, s since start */
	char load_status[16];		  /* "ok", "failed" (exit != 0), "signaled", "killed"
					     (brink killed it: the program ended first),
					     "exec-failed", "not-started" (never ready) */
	int load_exit_code;		  /* RES_NONE unless the load exited */
	double load_duration_s;		  /* from its start to its end */
	int64_t go_heap_live_bytes;	  /* peak live heap after a GC (gctrace), bytes */
	int64_t gc_count;		  /* GCs the program reported (gctrace) */
	double go_heap_slope_bytes_per_s; /* live heap growth over the window; NAN: none */
	int64_t goroutines;		  /* goroutines in the SIGQUIT dump (dump) */
	char goroutines_top[256];	  /* the largest group: "3000 [chan send] F at F.go:52" */
};

/* Every measured integer RES_NONE, the counters samples and missed_samples 0,
 * duration_s and oom_onset_s -1, the slopes NAN, strings empty, booleans
 * false, outcome OUT_EXITED, limit_hit BP_NONE, limit_method METH_NONE, leak
 * LEAK_NO, unavailable 0. */
void run_result_init(struct run_result *r);

/* More than 1% of the sampling deadlines (samples + missed_samples) passed
 * without a sample, and at least 3: the series has holes worth a warning (the
 * tick or two a start-up on a busy machine costs a short run is not). */
bool run_samples_missed(const struct run_result *r);

#endif
