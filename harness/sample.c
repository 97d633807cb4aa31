/* sample.c - per-process counters from /proc, on kept-open fds (see sample.h). */
#include "sample.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "procstat.h"
#include <stdio.h>

struct proc_ent {
	pid_t pid;
	int dirfd;	  /* /proc/PID: a recycled pid makes reads fail, never lie */
	int tdirfd;	  /* /proc/PID/task/TID of a live thread once the main thread
			   * has exited (its statm and fd table read empty), else -1 */
	int statmfd;	  /* statm of dirfd (or tdirfd): rss, every sample */
	int statfd;	  /* stat of the same: CPU time, now and then (see sample.h) */
	int64_t cpu_ns;	  /* as last read from statfd; -1 before the first read */
	int64_t nofile;	  /* its soft RLIMIT_NOFILE (prlimit), -1 unknown */
	int64_t fds_high; /* most fds seen open in it */
};

struct sampler {
	struct cg_run *cg;
	pid_t main_pid;
	struct proc_ent *ents; /* sorted by pid */
	size_t n, cap;
	pid_t *pids;
	int pids_cap;
	long page;
	long hz;
	int64_t cpu_due_ns; /* CLOCK_MONOTONIC time of the next CPU time refresh */
	/* The process list (see sample.h): where cg_run_procs() costs an open, it
	 * is read again only when the group's task count moved, when the counts
	 * of the last fresh list did not add up, or when a listed process is gone. */
	bool listed;	   /* a list was read at least once */
	int64_t tasks;	   /* the group's task count when the list was read */
	int64_t tasks_gap; /* tasks minus threads sampled then; 0 = all accounted */
	int64_t relists;   /* lists read (for the benchmarks and tests) */
	/* Following the kernel's fork and exit records (sampler_follow): pids[0..np)
	 * is the list, kept from them between lists of the group. */
	bool follow;
	bool changed;	     /* the kept list moved since the entries were matched to it */
	bool list_now;	     /* records were lost: list the group at the next sample */
	int np;		     /* pids in s->pids */
	int64_t list_due_ns; /* CLOCK_MONOTONIC time of the next safety list */
};

static int fast_path = -1; /* -1 unknown, 0 readdir, 1 st_size */
static bool force_readdir;
static int threads_nlink = -1; /* -1 unknown, 0 from /proc/PID/stat, 1 st_nlink */

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

bool sampler_fd_fast_path(void)
{
	if (fast_path < 0) {
		/* Linux >= 6.2 reports the number of open fds as the size of
		 * /proc/PID/fd; older kernels report 0. We hold at least 3. */
		struct stat st;
		fast_path = stat("/proc/self/fd", &st) == 0 && st.st_size > 0;
	}
	return fast_path && !force_readdir;
}

/* num_threads of /proc/self/stat (field 20), or -1. */
static long self_threads(void)
{
	return (long)procstat_field(0, 20);
}

bool sampler_threads_fast_path(void)
{
	if (threads_nlink < 0) {
		/* proc_task_getattr() adds the thread count to the link count of
		 * /proc/PID/task (2, for "." and ".."): check it says what
		 * /proc/self/stat says before relying on it. */
		struct stat st;
		long want = self_threads();
		threads_nlink =
		    want > 0 && stat("/proc/self/task", &st) == 0 && (long)st.st_nlink - 2 == want;
	}
	return threads_nlink;
}

void sampler_force_readdir(bool on)
{
	force_readdir = on;
}

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int64_t count_fds_readdir(int procdirfd)
{
	int fd = openat(procdirfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char buf[32768];
	int64_t count = 0;
	for (;;) {
		long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
		if (n < 0) {
			count = -1;
			break;
		}
		if (n == 0)
			break;
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
			if (d->d_name[0] != '.')
				count++;
			off += d->d_reclen;
		}
	}
	close(fd);
	return count;
}

int64_t sample_count_fds(int procdirfd)
{
	if (sampler_fd_fast_path()) {
		struct stat st;
		if (fstatat(procdirfd, "fd", &st, 0) != 0)
			return -1;
		return (int64_t)st.st_size;
	}
	return count_fds_readdir(procdirfd);
}

struct sampler *sampler_new(struct cg_run *cg, pid_t main_pid, struct berr *err)
{
	struct sampler *s = calloc(1, sizeof(*s));
	if (!s) {
		berr_set(err, errno, "out of memory");
		return NULL;
	}
	s->cg = cg_run_procs(cg, NULL, 0) >= 0 ? cg : NULL;
	s->main_pid = main_pid;
	s->page = sysconf(_SC_PAGESIZE);
	s->hz = sysconf(_SC_CLK_TCK);
	s->pids_cap = 64;
	s->pids = malloc(sizeof(pid_t) * (size_t)s->pids_cap);
	if (!s->pids) {
		free(s);
		berr_set(err, errno, "out of memory");
		return NULL;
	}
	sampler_fd_fast_path();
	sampler_threads_fast_path();
	s->cpu_due_ns = mono_ns() + SAMPLER_CPU_PERIOD_NS;
	return s;
}

static void ent_close(struct proc_ent *e)
{
	if (e->tdirfd >= 0)
		close(e->tdirfd);
	if (e->statfd >= 0)
		close(e->statfd);
	if (e->statmfd >= 0)
		close(e->statmfd);
	if (e->dirfd >= 0)
		close(e->dirfd);
}

void sampler_free(struct sampler *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		ent_close(&s->ents[i]);
	free(s->ents);
	free(s->pids);
	free(s);
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

static int ent_open(struct proc_ent *e, pid_t pid)
{
	char p[32];
	snprintf(p, sizeof(p), "/proc/%d", (int)pid);
	e->pid = pid;
	e->cpu_ns = -1;
	e->tdirfd = -1;
	e->fds_high = -1;
	e->nofile = -1;
	e->dirfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	e->statfd = e->dirfd < 0 ? -1 : openat(e->dirfd, "stat", O_RDONLY | O_CLOEXEC);
	e->statmfd = e->statfd < 0 ? -1 : openat(e->dirfd, "statm", O_RDONLY | O_CLOEXEC);
	if (e->statmfd < 0) {
		ent_close(e);
		return -1;
	}
	return 0;
}

/* Fields of /proc/PID/stat after the command name, which may hold anything:
 * parse from the last ')'. 14 utime, 15 stime, 20 num_threads. Sets e->cpu_ns
 * and *threads; -1 when the process is gone or a zombie. */
static int read_stat(struct sampler *s, struct proc_ent *e, int64_t *threads)
{
	char buf[1024];
	ssize_t n = pread(e->statfd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	static const int want[] = {14, 15, 20}; /* utime, stime, num_threads */
	long long v[3];
	char state;
	if (procstat_parse(buf, want, v, 3, &state) != 0 || state == 'Z' || state == 'X')
		return -1;
	e->cpu_ns = (v[0] + v[1]) * (1000000000LL / s->hz);
	*threads = v[2];
	return 0;
}

/* Resident pages from /proc/PID/statm ("size resident shared ..."), and in
 * *anon the anonymous ones (resident - shared). A process without an address
 * space reads all zeros there: a zombie or one on its way out, not a process
 * to sample. -1 then, or when it is gone. */
static int64_t read_rss_pages(struct proc_ent *e, int64_t *anon)
{
	char buf[256];
	ssize_t n = pread(e->statmfd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *end;
	long long size = strtoll(buf, &end, 10);
	if (end == buf || size <= 0 || *end != ' ')
		return -1;
	char *v = end + 1;
	long long rss = strtoll(v, &end, 10);
	if (end == v)
		return -1;
	char *sh = end;
	long long shared = strtoll(sh, &end, 10);
	*anon = end == sh || shared > rss ? rss : rss - shared;
	return rss;
}

/* The main thread of e has exited but the process lives on in other threads
 * (pthread_exit in main, some runtimes): /proc/PID/statm and /proc/PID/fd go
 * empty with the main thread's mm and files. Read through a live thread's
 * /proc/PID/task/TID instead (same mm, same fd table). 0 when switched. */
static int ent_retarget(struct proc_ent *e)
{
	int task = openat(e->dirfd, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (task < 0)
		return -1;
	char buf[4096];
	int rc = -1;
	long n;
	while (rc != 0 && (n = syscall(SYS_getdents64, task, buf, sizeof(buf))) > 0) {
		for (long off = 0; rc != 0 && off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
			off += d->d_reclen;
			long tid = strtol(d->d_name, NULL, 10);
			if (tid <= 0 || tid == e->pid)
				continue;
			struct proc_ent t = {.pid = e->pid, .dirfd = -1, .tdirfd = -1};
			t.tdirfd = openat(task, d->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			t.statfd =
			    t.tdirfd < 0 ? -1 : openat(t.tdirfd, "stat", O_RDONLY | O_CLOEXEC);
			t.statmfd =
			    t.statfd < 0 ? -1 : openat(t.tdirfd, "statm", O_RDONLY | O_CLOEXEC);
			if (t.statmfd >= 0 && read_rss_pages(&t, &(int64_t){0}) >= 0) {
				if (e->tdirfd >= 0)
					close(e->tdirfd);
				close(e->statfd);
				close(e->statmfd);
				e->tdirfd = t.tdirfd;
				e->statfd = t.statfd;
				e->statmfd = t.statmfd;
				rc = 0;
			} else {
				ent_close(&t);
			}
		}
	}
	close(task);
	return rc;
}

/* One process into *out; -1 when it is gone or has nothing left to sample. */
static int sample_one(struct sampler *s, struct proc_ent *e, bool cpu_now, struct sample *out)
{
	int64_t anon = 0;
	int64_t rss = read_rss_pages(e, &anon);
	if (rss < 0 && (ent_retarget(e) != 0 || (rss = read_rss_pages(e, &anon)) < 0))
		return -1;
	int64_t threads = -1;
	if (cpu_now || e->cpu_ns < 0 || !sampler_threads_fast_path()) {
		/* A live thread's stat when the main thread is gone: its state
		 * is the thread's, num_threads the process's. */
		if (read_stat(s, e, &threads) != 0 && e->tdirfd < 0)
			return -1;
	}
	if (sampler_threads_fast_path()) {
		struct stat st;
		if (fstatat(e->dirfd, "task", &st, 0) != 0 || st.st_nlink < 3)
			return -1;
		threads = (int64_t)st.st_nlink - 2;
	}
	out->rss_bytes += rss * s->page;
	out->anon_bytes += anon * s->page;
	out->threads += threads;
	out->cpu_ns += e->cpu_ns;
	return 0;
}

/* Bring the entry list in line with `pids` (sorted): keep, open, close. */
static void reconcile(struct sampler *s, const pid_t *pids, int np)
{
	struct proc_ent *keep = malloc(sizeof(*keep) * (size_t)(np ? np : 1));
	if (!keep)
		return; /* keep the old list: next sample tries again */
	size_t k = 0, i = 0;
	for (int j = 0; j < np; j++) {
		while (i < s->n && s->ents[i].pid < pids[j])
			ent_close(&s->ents[i++]);
		if (i < s->n && s->ents[i].pid == pids[j]) {
			keep[k++] = s->ents[i++];
			continue;
		}
		if (ent_open(&keep[k], pids[j]) == 0)
			k++;
	}
	while (i < s->n)
		ent_close(&s->ents[i++]);
	free(s->ents);
	s->ents = keep;
	s->n = k;
	s->cap = (size_t)(np ? np : 1);
}

/* Read the group's process list into s->pids (sorted); the count. */
static int list_procs(struct sampler *s)
{
	int np;
	for (;;) {
		np = cg_run_procs(s->cg, s->pids, s->pids_cap);
		if (np < s->pids_cap)
			break;
		pid_t *bigger = realloc(s->pids, sizeof(pid_t) * (size_t)s->pids_cap * 2);
		if (!bigger)
			break;
		s->pids = bigger;
		s->pids_cap *= 2;
	}
	if (np < 0)
		np = 0;
	qsort(s->pids, (size_t)np, sizeof(pid_t), cmp_pid);
	s->relists++;
	return np;
}

/* Sample every entry into *out (its counters zeroed first); the number of
 * entries that could not be read (gone, or a zombie). */
static int sample_all(struct sampler *s, struct sample *out, bool cpu_now)
{
	int64_t t = out->t_ns, mem = out->mem_bytes;
	memset(out, 0, sizeof(*out));
	out->t_ns = t;
	out->mem_bytes = mem;
	out->nofile_min = -1;
	int failed = 0;
	for (size_t i = 0; i < s->n; i++) {
		struct proc_ent *e = &s->ents[i];
		if (sample_one(s, e, cpu_now, out) != 0) {
			failed++;
			continue; /* gone between listing and reading: not a zero */
		}
		int64_t fds = sample_count_fds(e->tdirfd >= 0 ? e->tdirfd : e->dirfd);
		if (fds >= 0) {
			/* A new high: is it at the process's own limit, which it may
			 * have set itself? One prlimit per new high, bounded by it. */
			if (fds > e->fds_high || cpu_now) {
				struct rlimit rl;
				if (prlimit(e->pid, RLIMIT_NOFILE, NULL, &rl) == 0)
					e->nofile = rl.rlim_cur == RLIM_INFINITY
							? -1
							: (int64_t)rl.rlim_cur;
				if (fds > e->fds_high)
					e->fds_high = fds;
			}
			out->fds += fds;
			if (fds > out->max_fds)
				out->max_fds = fds;
			if (e->nofile >= 0 && fds >= e->nofile)
				out->at_fd_limit++;
		}
		if (e->nofile >= 0 && (out->nofile_min < 0 || e->nofile < out->nofile_min))
			out->nofile_min = e->nofile;
		out->procs++;
	}
	return failed;
}

static int take(struct sampler *s, struct sample *out, bool full)
{
	int64_t t = out->t_ns;
	memset(out, 0, sizeof(*out));
	out->t_ns = t;
	out->mem_bytes = cg_run_mem_current(s->cg);

	bool cpu_now = full;
	int64_t now = mono_ns();
	if (!cpu_now) {
		cpu_now = now >= s->cpu_due_ns;
		if (cpu_now)
			s->cpu_due_ns = now + SAMPLER_CPU_PERIOD_NS;
	}
	if (!s->cg) {
		if (s->n == 0) {
			s->pids[0] = s->main_pid;
			reconcile(s, s->pids, 1);
		}
		sample_all(s, out, cpu_now);
		return out->procs > 0 ? 0 : -1;
	}
	if (s->follow) {
		/* The list kept from the kernel's records; the group itself listed
		 * at the first sample, after lost records, and every
		 * SAMPLER_LIST_PERIOD_NS (a process moved in or out of the group
		 * by a write to cgroup.procs makes no fork or exit). A listed
		 * process that cannot be read is gone, its end not taken yet:
		 * skipped, as always. */
		if (!s->listed || s->list_now || now >= s->list_due_ns) {
			s->np = list_procs(s);
			s->changed = true;
			s->listed = true;
			s->list_now = false;
			s->list_due_ns = now + SAMPLER_LIST_PERIOD_NS;
		}
		if (s->changed) {
			bool same = (size_t)s->np == s->n;
			for (int j = 0; same && j < s->np; j++)
				same = s->ents[j].pid == s->pids[j];
			if (!same)
				reconcile(s, s->pids, s->np);
			s->changed = false;
		}
		sample_all(s, out, cpu_now || full);
		return out->procs > 0 ? 0 : -1;
	}
	/* Where a list is cheap (v2: one pread), read it every sample. Where it
	 * costs an open (v1), only when it may have changed: the task count
	 * moved, or the last list left tasks unaccounted for (zombies, a race),
	 * or (below) a listed process is gone or the threads do not add up; and
	 * at every sample while the program has groups of its own below the
	 * run's, as a move between them change no count (pids.current counts
	 * the nested groups' tasks too). */
	bool cached = cg_run_procs_cached(s->cg);
	int64_t tasks = cached ? cg_run_tasks(s->cg) : -1;
	bool fresh = !cached || tasks < 0 || !s->listed || tasks != s->tasks || s->tasks_gap != 0 ||
		     cg_run_nested(s->cg) != 0;
	for (int pass = 0; pass < 2; pass++) {
		if (fresh) {
			int np = list_procs(s);
			bool same = (size_t)np == s->n;
			for (int j = 0; same && j < np; j++)
				same = s->ents[j].pid == s->pids[j];
			if (!same)
				reconcile(s, s->pids, np);
			s->listed = true;
		}
		int failed = sample_all(s, out, cpu_now || full);
		int64_t gap = tasks - out->threads;
		if (fresh) {
			s->tasks = tasks;
			s->tasks_gap = failed ? -1 : gap;
			break;
		}
		if (failed == 0 && gap == 0)
			break;
		fresh = true; /* something changed unseen: list again, sample again */
	}
	return out->procs > 0 ? 0 : -1;
}

void sampler_follow(struct sampler *s, bool on)
{
	if (!s || !s->cg)
		return;
	s->follow = on;
	s->list_now = true;
}

/* Where pid is, or would go, in the sorted list. */
static int pid_slot(const struct sampler *s, pid_t pid)
{
	int lo = 0, hi = s->np;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (s->pids[mid] < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void sampler_proc_started(struct sampler *s, pid_t pid)
{
	/* Before the first list, the list read then holds what came before. */
	if (!s || !s->follow || !s->listed)
		return;
	int i = pid_slot(s, pid);
	if (i < s->np && s->pids[i] == pid)
		return;
	if (s->np == s->pids_cap) {
		pid_t *bigger = realloc(s->pids, sizeof(pid_t) * (size_t)s->pids_cap * 2);
		if (!bigger) {
			s->list_now = true; /* a list read later knows it */
			return;
		}
		s->pids = bigger;
		s->pids_cap *= 2;
	}
	memmove(s->pids + i + 1, s->pids + i, sizeof(pid_t) * (size_t)(s->np - i));
	s->pids[i] = pid;
	s->np++;
	s->changed = true;
}

void sampler_proc_ended(struct sampler *s, pid_t pid)
{
	if (!s || !s->follow || !s->listed)
		return;
	int i = pid_slot(s, pid);
	if (i >= s->np || s->pids[i] != pid)
		return;
	memmove(s->pids + i, s->pids + i + 1, sizeof(pid_t) * (size_t)(s->np - i - 1));
	s->np--;
	s->changed = true;
}

void sampler_list_again(struct sampler *s)
{
	if (s)
		s->list_now = true;
}

int64_t sampler_relists(const struct sampler *s)
{
	return s ? s->relists : 0;
}

int sampler_take(struct sampler *s, struct sample *out)
{
	return take(s, out, false);
}

int sampler_take_full(struct sampler *s, struct sample *out)
{
	return take(s, out, true);
}
