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
 *   procs      the processes of the run cgroup (cgroup.procs). On v2 the list is
 *              read every sample (one pread). On v1 a kept-open cgroup.procs
 *              serves a cached list, and a fresh open costs two more system
 *              calls, so the sampler reads pids.current (tasks of the group, one
 *              pread) instead and lists again only when that count moved, when a
 *              listed process could not be read (gone), when the threads it
 *              sampled do not add up to the count, or while the last list left
 *              tasks unaccounted for (zombies): a process alive at a sample is
 *              in that sample; and at every sample while the group has groups
 *              below it (cg_run_nested: a move between them changes no count).
 *              Processes in those nested groups are not the run's.
 *              Without the pids controller v1 lists every sample.
 *              Where the kernel reports the group's forks and exits (syswatch.h,
 *              sampler_follow), the list is kept from them instead, with no read
 *              at all: the group is listed at the first sample, after records
 *              were lost, and every SAMPLER_LIST_PERIOD_NS as a safety net;
 *              processes moved in or out (cgroup_attach_task) are records too.
 *   nofile     each process's own soft RLIMIT_NOFILE (prlimit(2)), read when the
 *              process is first sampled, at each new high of its fd count, and
 *              with the CPU time: the limit a process set itself counts, not the
 *              one brink gave it.
 *
 * A process whose main thread has exited while others run (pthread_exit in
 * main) is read through a live thread's /proc/PID/task/TID: its own statm and
 * fd directory go empty with the main thread.
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
	int64_t t_ns;	     /* since the run started */
	int64_t rss_bytes;   /* sum of resident set sizes of the run's processes */
	int64_t mem_bytes;   /* the run cgroup's memory usage, -1 if unavailable */
	int64_t fds;	     /* sum of open fds over the run's processes */
	int64_t threads;     /* sum of threads */
	int64_t procs;	     /* processes sampled */
	int64_t cpu_ns;	     /* user + system CPU time, summed; see above for its age */
	int64_t max_fds;     /* largest fd count of any one process (for the nofile limit) */
	int64_t nofile_min;  /* lowest soft RLIMIT_NOFILE of the processes sampled, -1 unknown */
	int64_t at_fd_limit; /* processes whose fd count reached their own soft limit */
	int64_t anon_bytes;  /* sum of anonymous resident memory (RssAnon), not in samples.csv */
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

/* Keep the process list from fork and exit records (on: true) instead of
 * listing the group at each sample (see above); no effect without a group.
 * Records come through sampler_proc_started() and sampler_proc_ended(), in the
 * order the kernel saw them, taken before each sample; those that come before
 * the first list are ignored (the list is newer), later ones applied to it
 * (a start already listed, an end of a pid not listed, change nothing). */
void sampler_follow(struct sampler *s, bool on);
/* A process made in the group (fork, clone without CLONE_THREAD), or moved
 * into it. */
void sampler_proc_started(struct sampler *s, pid_t pid);
/* A process of the group ended (its last thread exited), or moved out of it. */
void sampler_proc_ended(struct sampler *s, pid_t pid);
/* Records were lost: list the group at the next sample. */
void sampler_list_again(struct sampler *s);

/* How often a followed list is checked against the group's own list. */
#define SAMPLER_LIST_PERIOD_NS (1000 * 1000000LL)

/* Process lists read so far (one per sample on v2; on v1 only on changes;
 * following records, one at the start and one a SAMPLER_LIST_PERIOD_NS). */
int64_t sampler_relists(const struct sampler *s);

/* How old the carried CPU time of a sample may be. */
#define SAMPLER_CPU_PERIOD_NS (100 * 1000000LL)

/* Count the open fds of one process through an open /proc/PID dir fd. */
int64_t sample_count_fds(int procdirfd);

#endif
