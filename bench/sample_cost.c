/* sample_cost.c - what one sample of one busy process costs: brink's sampler
 * with the O(1) fd count, the same sampler forced to count fds with readdir,
 * and the floor (the bare system calls the sampler makes, nothing else).
 *
 * usage: sample_cost PID [ROUNDS [ITERS [READDIR_ITERS]]]
 *
 * The three are measured side by side in every round, so a ratio compares
 * figures taken under the same conditions; the ratios and times printed are
 * medians over the rounds. The last line is for scripts:
 *   RESULT key=value ...
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "sample.h"

enum { MAX_ROUNDS = 101 };

struct cost {
	double wall_ns; /* per sample */
	double cpu_ns;	/* per sample, this process's CPU time */
};

static int64_t clock_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static long parse_pos(const char *s, const char *what, long max)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < 1 || v > max) {
		fprintf(stderr, "sample_cost: %s: expected 1..%ld, got '%s'\n", what, max, s);
		exit(2);
	}
	return v;
}

/* One sample the way brink takes it. */
static int brink_sample(void *arg, struct sample *last)
{
	last->t_ns = 0;
	return sampler_take(arg, last);
}

/* The floor: the same system calls the sampler makes per sample (statm for
 * rss, fd for the fd count, task for the thread count) on the same kind of kept
 * fds, with no parsing and no bookkeeping. */
struct floor_fds {
	int dirfd, statfd, statmfd;
};

static int floor_sample(void *arg, struct sample *last)
{
	struct floor_fds *f = arg;
	char buf[1024];
	struct stat st;
	if (pread(f->statmfd, buf, sizeof(buf) - 1, 0) <= 0)
		return -1;
	if (fstatat(f->dirfd, "fd", &st, 0) != 0)
		return -1;
	last->fds = (int64_t)st.st_size;
	if (sampler_threads_fast_path() && fstatat(f->dirfd, "task", &st, 0) != 0)
		return -1;
	return 0;
}

/* /proc/PID/stat alone: what the sampler read every sample before, and now
 * reads at most every SAMPLER_CPU_PERIOD_NS for the CPU time. */
static int stat_sample(void *arg, struct sample *last)
{
	struct floor_fds *f = arg;
	char buf[1024];
	(void)last;
	return pread(f->statfd, buf, sizeof(buf) - 1, 0) <= 0 ? -1 : 0;
}

static int measure(int (*fn)(void *, struct sample *), void *arg, long iters, struct cost *c,
		   struct sample *last)
{
	int64_t w0 = clock_ns(CLOCK_MONOTONIC), c0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	for (long i = 0; i < iters; i++) {
		if (fn(arg, last) != 0)
			return -1;
	}
	c->wall_ns = (double)(clock_ns(CLOCK_MONOTONIC) - w0) / (double)iters;
	c->cpu_ns = (double)(clock_ns(CLOCK_PROCESS_CPUTIME_ID) - c0) / (double)iters;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
	double tmp[MAX_ROUNDS];
	memcpy(tmp, v, sizeof(double) * (size_t)n);
	qsort(tmp, (size_t)n, sizeof(double), cmp_double);
	return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 5) {
		fprintf(stderr, "usage: sample_cost PID [ROUNDS [ITERS [READDIR_ITERS]]]\n");
		return 2;
	}
	pid_t pid = (pid_t)parse_pos(argv[1], "PID", 1L << 22);
	int rounds = argc > 2 ? (int)parse_pos(argv[2], "ROUNDS", MAX_ROUNDS) : 7;
	long iters = argc > 3 ? parse_pos(argv[3], "ITERS", 100000000) : 20000;
	long rd_iters = argc > 4 ? parse_pos(argv[4], "READDIR_ITERS", 100000000) : 20;

	if (!sampler_fd_fast_path()) {
		fprintf(stderr, "sample_cost: this kernel has no O(1) fd count (Linux >= 6.2 "
				"reports it as the size of /proc/PID/fd); nothing to compare\n");
		return 1;
	}
	struct berr err = {0};
	struct sampler *s = sampler_new(NULL, pid, &err);
	if (!s) {
		fprintf(stderr, "sample_cost: %s\n", err.msg);
		return 1;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	struct floor_fds fl;
	fl.dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fl.statfd = fl.dirfd < 0 ? -1 : openat(fl.dirfd, "stat", O_RDONLY | O_CLOEXEC);
	fl.statmfd = fl.statfd < 0 ? -1 : openat(fl.dirfd, "statm", O_RDONLY | O_CLOEXEC);
	if (fl.statmfd < 0) {
		fprintf(stderr, "sample_cost: cannot open %s/stat, statm: %s\n", path,
			strerror(errno));
		return 1;
	}

	/* Warm up (the sampler opens its fds on the first sample) and check that
	 * both counts agree: a fast path that counts wrong is no fast path. */
	struct sample fast = {0}, slow = {0}, bare = {0};
	if (sampler_take(s, &fast) != 0) {
		fprintf(stderr, "sample_cost: cannot sample pid %d\n", (int)pid);
		return 1;
	}
	sampler_force_readdir(true);
	sampler_take(s, &slow);
	sampler_force_readdir(false);
	if (fast.fds != slow.fds) {
		fprintf(stderr, "sample_cost: fd counts disagree: O(1) %lld, readdir %lld\n",
			(long long)fast.fds, (long long)slow.fds);
		return 1;
	}

	double f_wall[MAX_ROUNDS], f_cpu[MAX_ROUNDS], r_wall[MAX_ROUNDS], r_cpu[MAX_ROUNDS];
	double b_wall[MAX_ROUNDS], b_cpu[MAX_ROUNDS], ratio_rd[MAX_ROUNDS], ratio_fl[MAX_ROUNDS];
	double st_wall[MAX_ROUNDS];
	for (int r = 0; r < rounds; r++) {
		struct cost cf, cr, cb, cs;
		/* Alternate the order so neither always runs first after a pause. */
		int ok = 0;
		if (r % 2 == 0) {
			ok |= measure(brink_sample, s, iters, &cf, &fast);
			ok |= measure(floor_sample, &fl, iters, &cb, &bare);
		} else {
			ok |= measure(floor_sample, &fl, iters, &cb, &bare);
			ok |= measure(brink_sample, s, iters, &cf, &fast);
		}
		ok |= measure(stat_sample, &fl, iters / 10 + 1, &cs, &bare);
		sampler_force_readdir(true);
		ok |= measure(brink_sample, s, rd_iters, &cr, &slow);
		sampler_force_readdir(false);
		if (ok != 0) {
			fprintf(stderr, "sample_cost: pid %d went away during round %d\n", (int)pid,
				r + 1);
			return 1;
		}
		f_wall[r] = cf.wall_ns, f_cpu[r] = cf.cpu_ns;
		r_wall[r] = cr.wall_ns, r_cpu[r] = cr.cpu_ns;
		b_wall[r] = cb.wall_ns, b_cpu[r] = cb.cpu_ns;
		st_wall[r] = cs.wall_ns;
		ratio_rd[r] = cr.wall_ns / cf.wall_ns;
		ratio_fl[r] = cf.wall_ns / cb.wall_ns;
		printf("round %d: O(1) %.2f us, readdir %.1f us, floor %.2f us, stat %.2f us\n",
		       r + 1, cf.wall_ns / 1e3, cr.wall_ns / 1e3, cb.wall_ns / 1e3,
		       cs.wall_ns / 1e3);
	}

	printf("pid %d: %lld fds, %lld threads; %d rounds of %ld (readdir: %ld) samples\n",
	       (int)pid, (long long)fast.fds, (long long)fast.threads, rounds, iters, rd_iters);
	printf("per sample (median)     wall        cpu\n");
	printf("  brink, O(1) fd count  %8.2f us  %8.2f us\n", median(f_wall, rounds) / 1e3,
	       median(f_cpu, rounds) / 1e3);
	printf("  brink, readdir        %8.1f us  %8.1f us\n", median(r_wall, rounds) / 1e3,
	       median(r_cpu, rounds) / 1e3);
	printf("  floor (pread+fstatat) %8.2f us  %8.2f us\n", median(b_wall, rounds) / 1e3,
	       median(b_cpu, rounds) / 1e3);
	printf("  /proc/PID/stat alone  %8.2f us\n", median(st_wall, rounds) / 1e3);
	printf("readdir / O(1): %.0fx   brink / floor: %.2fx\n", median(ratio_rd, rounds),
	       median(ratio_fl, rounds));
	printf("RESULT fds=%lld threads=%lld rounds=%d fast_ns=%.0f fast_cpu_ns=%.0f "
	       "readdir_ns=%.0f readdir_cpu_ns=%.0f floor_ns=%.0f floor_cpu_ns=%.0f "
	       "stat_ns=%.0f ratio_readdir=%.1f ratio_floor=%.3f\n",
	       (long long)fast.fds, (long long)fast.threads, rounds, median(f_wall, rounds),
	       median(f_cpu, rounds), median(r_wall, rounds), median(r_cpu, rounds),
	       median(b_wall, rounds), median(b_cpu, rounds), median(st_wall, rounds),
	       median(ratio_rd, rounds), median(ratio_fl, rounds));
	sampler_free(s);
	close(fl.statmfd);
	close(fl.statfd);
	close(fl.dirfd);
	return 0;
}
