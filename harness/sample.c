/* sample.c - per-process counters from /proc, on kept-open fds (see sample.h). */
#include "sample.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup.h"
#include <stdio.h>

struct proc_ent {
	pid_t pid;
	int dirfd;  /* /proc/PID: a recycled pid makes reads fail, never lie */
	int statfd; /* /proc/PID/stat */
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
};

static int fast_path = -1; /* -1 unknown, 0 readdir, 1 st_size */
static bool force_readdir;

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
	return s;
}

static void ent_close(struct proc_ent *e)
{
	if (e->statfd >= 0)
		close(e->statfd);
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
	e->dirfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	e->statfd = e->dirfd < 0 ? -1 : openat(e->dirfd, "stat", O_RDONLY | O_CLOEXEC);
	if (e->statfd < 0) {
		ent_close(e);
		return -1;
	}
	return 0;
}

/* Fields of /proc/PID/stat after the command name, which may hold anything:
 * parse from the last ')'. 14 utime, 15 stime, 20 num_threads, 24 rss pages. */
static int read_stat(struct sampler *s, struct proc_ent *e, struct sample *out)
{
	char buf[1024];
	ssize_t n = pread(e->statfd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return -1;
	/* A zombie has given back its memory and fds: it is not a process to
	 * sample (its zeros would read as a drop), only one to reap. */
	if (p[2] == 'Z' || p[2] == 'X')
		return -1;
	long long utime = 0, stime = 0, threads = 0, rss = 0;
	int field = 2;
	for (p++; *p; p++) {
		if (*p != ' ')
			continue;
		field++;
		char *v = p + 1;
		switch (field) {
		case 14:
			utime = strtoll(v, NULL, 10);
			break;
		case 15:
			stime = strtoll(v, NULL, 10);
			break;
		case 20:
			threads = strtoll(v, NULL, 10);
			break;
		case 24:
			rss = strtoll(v, NULL, 10);
			goto done;
		}
	}
	return -1;
done:
	out->cpu_ns += (utime + stime) * (1000000000LL / s->hz);
	out->threads += threads;
	out->rss_bytes += rss * s->page;
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

int sampler_take(struct sampler *s, struct sample *out)
{
	int64_t t = out->t_ns;
	memset(out, 0, sizeof(*out));
	out->t_ns = t;
	out->mem_bytes = cg_run_mem_current(s->cg);

	int np;
	if (s->cg) {
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
	} else {
		s->pids[0] = s->main_pid;
		np = 1;
	}
	/* Common case: the same processes as last time; skip the rebuild. */
	bool same = (size_t)np == s->n;
	for (int j = 0; same && j < np; j++)
		same = s->ents[j].pid == s->pids[j];
	if (!same)
		reconcile(s, s->pids, np);

	for (size_t i = 0; i < s->n; i++) {
		struct proc_ent *e = &s->ents[i];
		if (read_stat(s, e, out) != 0)
			continue; /* gone between listing and reading: not a zero */
		int64_t fds = sample_count_fds(e->dirfd);
		if (fds >= 0) {
			out->fds += fds;
			if (fds > out->max_fds)
				out->max_fds = fds;
		}
		out->procs++;
	}
	return out->procs > 0 ? 0 : -1;
}
