/* sample.h - one sample of a run: memory, open files, threads, CPU time.
 *
 * The sampler keeps /proc/PID directory fds and /proc/PID/statm fds open across
 * samples, so one sample of one process costs three system calls whatever the
 * process holds (a few microseconds, see docs/BENCHMARKS.md):
 *
 *   rss_bytes  pread /proc/PID/statm, "resident" (the same get_mm_rss() count as
 *              the rss field of /proc/PID/stat), every sample, page resolution.
 *   anon_bytes the same read, "resident" - "shared": shared counts file and
 *              shmem pages (RssFile + RssShmem), so the rest is RssAnon.
 *   fds        stat("/proc/PID/fd").st_size, every sample, exact (O(1), Linux
 *              >= 6.2; elsewhere the sampler counts directory entries).
 *   threads    stat("/proc/PID/task").st_nlink - 2, every sample, exact: the
 *              kernel adds the thread count to the link count of that directory
 *              (O(1)). Probed once against /proc/self/stat; where it does not
 *              hold, threads (and so the CPU time) come from /proc/PID/stat
 *              every sample.
 *   cpu_ns     utime + stime from /proc/PID/stat, resolution 1/CLK_TCK (10 ms).
 *              Read at a process's first sample, then at most once every
 *              SAMPLER_CPU_PERIOD_NS, and in every sampler_take_full(); samples
 *              in between carry each process's last value (at intervals of
 *              100 ms and more, every sample reads it). Why: for a process
 *              with many threads /proc/PID/stat is the expensive read (the kernel
 *              walks every thread for it: ~25 us at 500 threads against ~2 us for
 *              statm), and its value moves in 10 ms ticks anyway.
 *   mem_bytes  the run cgroup's memory usage, every sample.
 *
 * A process without an address space (a zombie, or one past exit_mm() on its way
 * out) is not sampled: its zeros would read as a drop.
 */
#ifndef BRINK_SAMPLE_H
#define BRINK_SAMPLE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

struct cg_run;

struct sample {
	int64_t t_ns;	    /* since the run started */
	int64_t rss_bytes;  /* sum of resident set sizes of the run's processes */
	int64_t mem_bytes;  /* the run cgroup's memory usage, -1 if unavailable */
	int64_t fds;	    /* sum of open fds over the run's processes */
	int64_t threads;    /* sum of threads */
	int64_t procs;	    /* processes sampled */
	int64_t cpu_ns;	    /* user + system CPU time, summed; see above for its age */
	int64_t max_fds;    /* largest fd count of any one process (for the nofile limit) */
	int64_t anon_bytes; /* sum of anonymous resident memory (RssAnon), not in samples.csv */
};

struct sampler;

/* Probe once whether stat("/proc/self/fd").st_size gives the fd count. */
bool sampler_fd_fast_path(void);
/* Probe once whether stat("/proc/self/task").st_nlink - 2 gives the thread count. */
bool sampler_threads_fast_path(void);
/* Force the readdir fallback (for benchmarks and tests of the fallback). */
void sampler_force_readdir(bool on);

/* A sampler for the processes of `cg` (may be NULL: then `main_pid` only). */
struct sampler *sampler_new(struct cg_run *cg, pid_t main_pid, struct berr *err);
void sampler_free(struct sampler *s);

/* Take one sample (s->t_ns is left to the caller). Processes that vanish
 * between listing and reading are skipped, never counted as zero. Returns 0,
 * or -1 when nothing could be read (no process alive). */
int sampler_take(struct sampler *s, struct sample *out);
/* The same, with the CPU time of every process read now (the exit-state sample). */
int sampler_take_full(struct sampler *s, struct sample *out);

/* How old the carried CPU time of a sample may be. */
#define SAMPLER_CPU_PERIOD_NS (100 * 1000000LL)

/* Count the open fds of one process through an open /proc/PID dir fd. */
int64_t sample_count_fds(int procdirfd);

#endif
