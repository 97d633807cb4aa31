/* sample.h - one sample of a run: memory, open files, threads, CPU time.
 *
 * The sampler keeps /proc/PID directory fds and /proc/PID/stat fds open across
 * samples and reads them with pread, so one sample of one process costs a few
 * system calls whatever the process holds. The open-fd count comes from
 * stat("/proc/PID/fd").st_size (O(1), Linux >= 6.2); where the kernel does not
 * provide it the sampler falls back to counting directory entries.
 */
#ifndef BRINK_SAMPLE_H
#define BRINK_SAMPLE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

struct cg_run;

struct sample {
	int64_t t_ns;	   /* since the run started */
	int64_t rss_bytes; /* sum of resident set sizes of the run's processes */
	int64_t mem_bytes; /* the run cgroup's memory usage, -1 if unavailable */
	int64_t fds;	   /* sum of open fds over the run's processes */
	int64_t threads;   /* sum of threads */
	int64_t procs;	   /* processes sampled */
	int64_t cpu_ns;	   /* user + system CPU time, summed */
	int64_t max_fds;   /* largest fd count of any one process (for the nofile limit) */
};

struct sampler;

/* Probe once whether stat("/proc/self/fd").st_size gives the fd count. */
bool sampler_fd_fast_path(void);
/* Force the readdir fallback (for benchmarks and tests of the fallback). */
void sampler_force_readdir(bool on);

/* A sampler for the processes of `cg` (may be NULL: then `main_pid` only). */
struct sampler *sampler_new(struct cg_run *cg, pid_t main_pid, struct berr *err);
void sampler_free(struct sampler *s);

/* Take one sample (s->t_ns is left to the caller). Processes that vanish
 * between listing and reading are skipped, never counted as zero. Returns 0,
 * or -1 when nothing could be read (no process alive). */
int sampler_take(struct sampler *s, struct sample *out);

/* Count the open fds of one process through an open /proc/PID dir fd. */
int64_t sample_count_fds(int procdirfd);

#endif
