/* monitor.c - the event loop of one run (see monitor.h). */
#include "monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analyse.h"
#include "launch.h"
#include "oomsrc.h"
#include "procstat.h"
#include "record.h"
#include "sample.h"
#include "service.h"
#include "units.h"

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* stdout/stderr of the program: a pipe drained into a file, up to a cap. A
 * flooding program never blocks on brink and never fills the disk. */
struct logcap {
	int rd;	  /* read end, non-blocking; -1 at EOF */
	int file; /* the .log file */
	int64_t cap, written, dropped;
	/* service hook: every byte read, capped or not (readiness, gctrace) */
	void (*feed)(struct service *, const char *, size_t, int64_t);
	struct service *svc;
};

static void log_drain(struct logcap *l)
{
	char buf[65536];
	while (l->rd >= 0) {
		ssize_t n = read(l->rd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return; /* EAGAIN: nothing more for now */
		if (n == 0) {
			close(l->rd);
			l->rd = -1;
			return;
		}
		if (l->feed)
			l->feed(l->svc, buf, (size_t)n, now_ns());
		ssize_t keep = n;
		if (l->cap >= 0 && l->written + keep > l->cap)
			keep = l->written < l->cap ? (ssize_t)(l->cap - l->written) : 0;
		if (keep > 0 && write(l->file, buf, (size_t)keep) == keep)
			l->written += keep;
		l->dropped += n - keep;
	}
}

static void log_close(struct logcap *l)
{
	if (l->rd >= 0) {
		log_drain(l);
		if (l->rd >= 0)
			close(l->rd);
		l->rd = -1;
	}
	if (l->file >= 0) {
		if (l->dropped > 0) {
			char note[160];
			int n =
			    snprintf(note, sizeof(note),
				     "\n[brink: log truncated at %lld bytes; %lld bytes dropped]\n",
				     (long long)l->written, (long long)l->dropped);
			if (write(l->file, note, (size_t)n) < 0)
				perror("brink: cannot write the truncation note");
		}
		close(l->file);
		l->file = -1;
	}
}

static int log_open(struct logcap *l, const char *dir, const char *name, int64_t cap,
		    int *child_end, struct berr *err)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	l->rd = -1;
	l->cap = cap == BRINK_UNLIMITED ? -1 : cap;
	l->written = l->dropped = 0;
	l->file = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (l->file < 0)
		return berr_set(err, errno, "cannot create %s", path);
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		return berr_set(err, errno, "cannot create a pipe for %s", name);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	fcntl(p[0], F_SETPIPE_SZ, 1 << 20); /* absorb bursts; best effort */
	l->rd = p[0];
	*child_end = p[1];
	return 0;
}

/* The state of one run while it goes. */
struct run {
	const struct monitor_opts *o;
	struct run_result *r;
	struct cg_run *cg;
	struct sampler *sampler;
	pid_t pid;
	int procdir; /* /proc/PID of the main process */
	int64_t t0;
	struct csv samples, events;
	struct leak_series *series;
	struct logcap out, errlog;
	int out_w, err_w;	 /* the pipes' write ends, the program's until launched */
	int tick_fd, timeout_fd; /* timerfds: the sampling tick, the run's timeout */
	char cwd[4096];		 /* the program's working directory */
	struct service *svc;	 /* load, readiness, stop, Go runtime (service.h) */
	bool traced, exited, timed_out, interrupted, baseline_done, exit_state_done;
	/* The main thread exited with others running: seize them once every stop
	 * brink holds is let go (see reap). */
	bool seize_pending;
	int wstatus;
	struct rusage rusage;	   /* of the main process, from wait4() */
	struct oom_watch *oomw;	   /* who the OOM killer chose (oomsrc.h) */
	double exit_cpu_s;	   /* main's own CPU time in its exit stop, < 0 unknown */
	struct rlimit exit_cpu_rl; /* its RLIMIT_CPU then (rlim_cur RLIM_INFINITY: unread) */
	bool exit_cpu_rl_read;
	int kernel_sigxcpu; /* SIGXCPU from the kernel seen in signal-delivery stops */
	struct cg_oom_counts oom;
	int64_t oom_kill_t; /* ns into the run of the last oom-kill event (0: none) */
	int64_t pids_hits;
	int64_t max_fds_one;	/* largest fd count of one process */
	bool sw_armed, sw_done; /* the kernel watches this run's system calls */
	struct sw_facts sw;
	/* The sampler's process list kept from the kernel's fork and exit
	 * records (sample.h, sampler_follow), and the lost ones seen so far. */
	bool follow;
	int64_t proc_lost_seen;
	/* events.csv's rows, held until the run's end and written in time order:
	 * some are known late (the kernel's failures, the exit state, OOM victims
	 * from the log) but dated when they happened */
	struct ev_row {
		int64_t t;
		size_t seq;
		char *text;
	} * ev;
	size_t n_ev, cap_ev;
};

static double secs(int64_t ns)
{
	return (double)ns / 1e9;
}

static void event(struct run *x, int64_t t, const char *name, long long value, const char *detail)
{
	if (!x->events.f)
		return;
	char *text = NULL;
	size_t len = 0;
	FILE *m = NULL;
	if (x->n_ev == x->cap_ev) {
		size_t cap = x->cap_ev ? 2 * x->cap_ev : 64;
		struct ev_row *ev = realloc(x->ev, cap * sizeof(*ev));
		if (ev) {
			x->ev = ev;
			x->cap_ev = cap;
		}
	}
	if (x->n_ev < x->cap_ev)
		m = open_memstream(&text, &len);
	FILE *f = m ? m : x->events.f; /* out of memory: at once, out of order */
	fprintf(f, "%.6f,%s,", secs(t), name);
	if (value != RES_NONE)
		fprintf(f, "%lld", value);
	fputc(',', f);
	csv_put_str(f, detail ? detail : "");
	fputc('\n', f);
	if (m && fclose(m) == 0 && text) {
		x->ev[x->n_ev] = (struct ev_row){.t = t, .seq = x->n_ev, .text = text};
		x->n_ev++;
	} else if (m) {
		free(text);
	}
}

static int ev_cmp(const void *a, const void *b)
{
	const struct ev_row *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq; /* same time: as they came */
}

/* Write the held rows of events.csv in time order, and free them. */
static void flush_events(struct run *x)
{
	qsort(x->ev, x->n_ev, sizeof(x->ev[0]), ev_cmp);
	for (size_t i = 0; i < x->n_ev; i++) {
		if (x->events.f)
			fputs(x->ev[i].text, x->events.f);
		free(x->ev[i].text);
	}
	free(x->ev);
	x->ev = NULL;
	x->n_ev = x->cap_ev = 0;
}

static void account(struct run *x, const struct sample *s)
{
	struct run_result *r = x->r;
	if (s->rss_bytes > r->peak_rss_bytes)
		r->peak_rss_bytes = s->rss_bytes;
	if (s->fds > r->peak_fds)
		r->peak_fds = s->fds;
	if (s->max_fds > x->max_fds_one)
		x->max_fds_one = s->max_fds;
	if (s->threads > r->peak_threads)
		r->peak_threads = s->threads;
	if (s->mem_bytes > r->peak_mem_bytes)
		r->peak_mem_bytes = s->mem_bytes;
	if (s->procs > r->procs_peak)
		r->procs_peak = s->procs;
	if (s->nofile_min >= 0 && (r->nofile_seen < 0 || s->nofile_min < r->nofile_seen))
		r->nofile_seen = s->nofile_min;
	if (s->at_fd_limit > 0 && r->fd_exhausted_by == METH_NONE)
		r->fd_exhausted_by = METH_SAMPLING;
	double t = secs(s->t_ns);
	series_add(&x->series->rss, t, (double)s->anon_bytes);
	if (s->mem_bytes >= 0)
		series_add(&x->series->mem, t, (double)s->mem_bytes);
	series_add(&x->series->fds, t, (double)s->fds);
	series_add(&x->series->threads, t, (double)s->threads);
}

/* A samples.csv row; with go-runtime = gctrace, the newest live heap and GC
 * count after it (each GC line updates them; a sample carries the last). */
static void put_sample(struct run *x, const struct sample *s)
{
	if (!service_gctrace(x->svc)) {
		samples_put_row(x->samples.f, s);
		return;
	}
	int64_t go[2] = {service_go_heap(x->svc), service_gc_count(x->svc)};
	samples_put_row_extra(x->samples.f, s, go, 2);
	if (go[0] >= 0)
		series_add(&x->series->go_heap, secs(s->t_ns), (double)go[0]);
}

static void on_syscall_fact(void *arg, const struct sw_facts *f, int kind);

/* A process made, ended or moved in or out of the run's group, from the kernel. */
static void on_proc_record(void *arg, enum sw_proc_change change, pid_t pid)
{
	struct run *x = arg;
	if (change == SW_PROC_STARTED)
		sampler_proc_started(x->sampler, pid);
	else if (change == SW_PROC_ENDED)
		sampler_proc_ended(x->sampler, pid);
	else
		sampler_list_again(x->sampler);
}

/* Bring the sampler's process list up to date: the kernel's fork and exit
 * records wait in the ring buffer (sent without a wake-up); taking them reads
 * mapped memory, no system call. Records lost: the group is listed again. */
static void sync_procs(struct run *x)
{
	if (!x->follow)
		return;
	syswatch_drain(x->o->sw, &x->sw, on_syscall_fact, x);
	int64_t lost = syswatch_proc_lost(x->o->sw);
	if (lost != x->proc_lost_seen) {
		x->proc_lost_seen = lost;
		sampler_list_again(x->sampler);
	}
}

static void take_sample(struct run *x)
{
	/* Before the exec stop the child is still brink's code (it holds the
	 * error pipe): not the program yet. */
	if (x->traced && !x->baseline_done)
		return;
	sync_procs(x);
	struct sample s = {.t_ns = now_ns() - x->t0};
	if (sampler_take(x->sampler, &s) != 0)
		return; /* nobody left to sample: not a zero */
	x->r->samples++;
	put_sample(x, &s);
	account(x, &s);
	if (x->cg && x->r->pids_limit != RES_NONE) {
		int64_t hits = cg_run_pids_max_hits(x->cg);
		if (hits > x->pids_hits) {
			event(x, s.t_ns, "pids-max", hits, NULL);
			x->pids_hits = hits;
		}
	}
	if (x->o->progress)
		progress_sample(x->o->progress, &s);
}

/* A first failure (or the OOM victim) reported by the kernel: an event now,
 * with the state of the process at that moment. */
static void on_syscall_fact(void *arg, const struct sw_facts *f, int kind)
{
	struct run *x = arg;
	if (kind == SWK__COUNT) {
		const struct sw_victim *v = &f->victims[f->n_victims - 1];
		char d[48];
		snprintf(d, sizeof(d), "%s%ssource=%s", v->comm, v->comm[0] ? " " : "",
			 method_name(METH_TRACEPOINT));
		event(x, (int64_t)(v->t_s * 1e9), "oom-victim", v->pid, d);
		return;
	}
	const struct sw_failure *a = &f->first[kind];
	char d[768];
	int n =
	    snprintf(d, sizeof(d), "%s %s pid=%d tid=%d fds=%lld threads=%lld", a->syscall, a->err,
		     (int)a->pid, (int)a->tid, (long long)a->fds, (long long)a->threads);
	if (a->group_tasks >= 0 && n > 0 && (size_t)n < sizeof(d))
		n += snprintf(d + n, sizeof(d) - (size_t)n, " tasks=%lld",
			      (long long)a->group_tasks);
	if (a->group_mem_bytes >= 0 && n > 0 && (size_t)n < sizeof(d))
		n += snprintf(d + n, sizeof(d) - (size_t)n, " mem=%lld",
			      (long long)a->group_mem_bytes);
	if (n > 0 && (size_t)n < sizeof(d))
		n += snprintf(d + n, sizeof(d) - (size_t)n, " vm=%lld", (long long)a->vm_bytes);
	if (a->compat && n > 0 && (size_t)n < sizeof(d))
		n += snprintf(d + n, sizeof(d) - (size_t)n, " abi=i386");
	if (a->stack_text[0] && n > 0 && (size_t)n < sizeof(d))
		snprintf(d + n, sizeof(d) - (size_t)n, " stack=%s", a->stack_text);
	event(x, (int64_t)(a->t_s * 1e9), "first-failure", a->pid, d);
}

/* The kernel's facts into the result: the earliest first failure, the counts,
 * the OOM victim; a limit seen failing in any process is a breaking point. */
static void take_syscall_facts(struct run *x)
{
	struct run_result *r = x->r;
	const struct sw_facts *f = &x->sw;
	int first = -1;
	for (int k = 0; k < SWK__COUNT; k++)
		if (f->first[k].seen && (first < 0 || f->first[k].t_s < f->first[first].t_s))
			first = k;
	if (first >= 0) {
		const struct sw_failure *a = &f->first[first];
		snprintf(r->first_failure_syscall, sizeof(r->first_failure_syscall), "%s",
			 a->syscall);
		snprintf(r->first_failure_errno, sizeof(r->first_failure_errno), "%s", a->err);
		r->first_failure_s = a->t_s;
		r->first_failure_pid = a->pid;
	}
	/* The open fds and threads the kernel counted in a failing process are
	 * measurements like a sample's, at the very moment of a failure (an
	 * EMFILE: the limit); a lower bound of the run's sums then. */
	for (int k = 0; k < SWK__COUNT; k++) {
		if (!f->first[k].seen)
			continue;
		if (f->first[k].threads > r->peak_threads)
			r->peak_threads = f->first[k].threads;
		if (f->first[k].fds < 0)
			continue;
		if (f->first[k].fds > r->peak_fds)
			r->peak_fds = f->first[k].fds;
		if (f->first[k].fds > x->max_fds_one)
			x->max_fds_one = f->first[k].fds;
	}
	/* The nofile limit the process that got the first EMFILE had then: the
	 * limit the run broke on, whatever lower limit an idle helper set for
	 * itself (the lowest any process had is fd_limit only where the kernel
	 * saw no EMFILE); maybe one too short-lived (or too deep in nested
	 * groups) for any sample to read its limit. */
	const struct sw_failure *emf = &f->first[SWK_EMFILE];
	if (emf->seen && emf->nofile_limit >= 0)
		r->fd_limit = emf->nofile_limit;
	r->emfile_count = f->count[SWK_EMFILE];
	r->enfile_count = f->count[SWK_ENFILE];
	r->eagain_fork_count = f->count[SWK_EAGAIN_FORK];
	r->enomem_count = f->count[SWK_ENOMEM];
	if (f->n_victims > 0)
		r->oom_victim_pid = f->victims[0].pid;
	if (f->lost > 0)
		event(x, (int64_t)(r->duration_s * 1e9), "syscall-records-lost", f->lost, NULL);
	/* The run's processes as the kernel made and ended them, and how often
	 * the group was listed (sample.h: at the start, after lost records and
	 * now and then where the list follows the records; else at changes). */
	char d[160];
	snprintf(d, sizeof(d), "threads=%lld exits=%lld moved_in=%lld lost=%lld lists=%lld list=%s",
		 (long long)f->threads_made, (long long)f->exits, (long long)f->moved_in,
		 (long long)f->proc_lost, (long long)sampler_relists(x->sampler),
		 x->follow ? "events" : "cgroup");
	event(x, (int64_t)(r->duration_s * 1e9), "forks", f->forks, d);
}

static void reap(struct run *x);

/* The reaper handed to cgroup kills: it must go through reap() so that the
 * traced main process's stops are answered, never swallowed. */
static void reap_cb(void *arg)
{
	reap(arg);
}

/* Kill everything of the run: the cgroup, or the process group without one. */
static void kill_all(struct run *x, const char *why)
{
	event(x, now_ns() - x->t0, "kill", RES_NONE, why);
	if (x->cg)
		cg_run_kill(x->cg, reap_cb, x);
	if (x->pid > 0 && !x->exited) {
		kill(-x->pid, SIGKILL);
		kill(x->pid, SIGKILL);
	}
}

static void service_event(void *arg, int64_t t, const char *name, long long value,
			  const char *detail)
{
	event(arg, t, name, value, detail);
}

/* Act on what the service asks: a stop signal to the program (the grace then
 * runs), or the kill of the whole run. */
static void service_act(struct run *x, enum service_do d, int sig, const char *why)
{
	if (d == SVC_SIGNAL && x->pid > 0 && !x->exited)
		kill(x->pid, sig);
	else if (d == SVC_KILL)
		kill_all(x, why);
}

/* brink ends the program (timeout, ^C): through the service's stop (SIGQUIT
 * and a grace with go-runtime = dump), else at once. */
static void end_program(struct run *x, const char *why)
{
	int sig = 0;
	enum service_do d = service_stop(x->svc, now_ns(), why, &sig);
	service_act(x, d, sig, why);
}

/* The main process's CPU time and RLIMIT_CPU in its exit stop: what the
 * kernel compared when it sent SIGXCPU or SIGKILL (the program may have set
 * its own limit). The time is read from the process's CPUCLOCK_PROF clock
 * (clock_getcpuclockid(3) gives CPUCLOCK_SCHED; PROF is number 0 of the same
 * encoding, include/linux/posix-timers.h), the tick-based utime + stime that
 * the RLIMIT_CPU check itself reads; /proc/PID/stat scales it to the
 * scheduler's runtime, a few per cent less. */
static void exit_cpu(struct run *x)
{
	clockid_t prof = (clockid_t)((~(unsigned)x->pid) << 3);
	struct timespec ts;
	if (clock_gettime(prof, &ts) == 0)
		x->exit_cpu_s = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	x->exit_cpu_rl_read = prlimit(x->pid, RLIMIT_CPU, NULL, &x->exit_cpu_rl) == 0;
}

struct dirent64_ {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Call fn(number, arg) for every numeric entry of directory fd `dir` (closed). */
static void each_number(int dir, void (*fn)(long, void *), void *arg)
{
	if (dir < 0)
		return;
	char buf[8192];
	long n;
	while ((n = syscall(SYS_getdents64, dir, buf, sizeof(buf))) > 0)
		for (long off = 0; off < n;) {
			struct dirent64_ *d = (struct dirent64_ *)(buf + off);
			off += d->d_reclen;
			char *end;
			long v = strtol(d->d_name, &end, 10);
			if (end != d->d_name && !*end)
				fn(v, arg);
		}
	close(dir);
}

struct live_count {
	pid_t pid, except;
	int live;
};

/* Is this thread of the process on its way out? Zombie or dead (state Z, X),
 * PF_EXITING in its flags (stat field 9), or SIGKILL pending: exit_group() and
 * a fatal signal queue that to every other thread (zap_other_threads,
 * complete_signal), which then set PF_EXITING in do_exit(). */
static bool thread_ending(pid_t pid, long tid)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/task/%ld/stat", (int)pid, tid);
	long long flags = -1;
	static const int want[] = {9};
	char buf[2048], state = 'X';
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	/* PF_EXITING 0x4 (in do_exit), PF_SIGNALED 0x400 (took a fatal signal) */
	if (procstat_parse(buf, want, &flags, 1, &state) != 0 || state == 'Z' || state == 'X' ||
	    (flags & (0x4 | 0x400)))
		return true;
	char st[4096];
	snprintf(p, sizeof(p), "/proc/%d/task/%ld/status", (int)pid, tid);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, st, sizeof(st) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return true;
	st[n] = '\0';
	/* "SigPnd:\t<hex mask>": the thread's own pending signals. */
	for (char *save, *line = strtok_r(st, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "SigPnd:\t", 8) != 0)
			continue;
		char *end;
		errno = 0;
		unsigned long long mask = strtoull(line + 8, &end, 16);
		return errno == 0 && end != line + 8 && (mask & (1ULL << (SIGKILL - 1)));
	}
	return false;
}

static void count_live(long tid, void *arg)
{
	struct live_count *c = arg;
	if (tid != c->except && !thread_ending(c->pid, tid))
		c->live++;
}

/* Threads of process `pid` alive and not dying, other than `except`. */
static int live_threads(pid_t pid, pid_t except)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/task", (int)pid);
	struct live_count c = {pid, except, 0};
	each_number(open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC), count_live, &c);
	return c.live;
}

struct seize_round {
	int seized, gone; /* threads seized; threads gone meanwhile (ESRCH) */
};

static void seize_one(long tid, void *arg)
{
	struct seize_round *sr = arg;
	/* Its exit stops tell when the last thread goes; its clones are traced too.
	 * EPERM: already traced by brink. */
	if (ptrace(PTRACE_SEIZE, (pid_t)tid, 0,
		   PTRACE_O_TRACEEXIT | PTRACE_O_TRACECLONE | PTRACE_O_EXITKILL) == 0)
		sr->seized++;
	else if (errno == ESRCH)
		sr->gone++;
}

/* The main thread exited while other threads run on: trace them all, so that
 * the exit stop of the last one gives the exact state at the process's death.
 * A thread gone meanwhile may be one whose execve took over the process's pid
 * (the leader, still listed, was brink's): the list is read again. */
static void seize_threads(struct run *x)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/task", (int)x->pid);
	for (int round = 0; round < 4; round++) { /* threads born meanwhile */
		struct seize_round sr = {0, 0};
		each_number(open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC), seize_one, &sr);
		if (sr.seized == 0 && sr.gone == 0)
			break;
	}
}

struct fd_scan {
	int64_t count, highest, from10; /* from10: fds numbered 10 .. limit - 1 */
	int64_t limit;
};

static void scan_fd(long fd, void *arg)
{
	struct fd_scan *f = arg;
	f->count++;
	if (fd > f->highest)
		f->highest = fd;
	if (fd >= 10 && (f->limit < 0 || fd < f->limit))
		f->from10++;
}

/* The resident memory of the process of thread tid alone, in bytes, from
 * /proc/PID/task/TID/statm's "resident" pages (proc(5)); -1 when unreadable.
 * The exit stop's sample sums every process of the run: this is the main
 * process's own figure, the same scope as its fds and limit. */
static int64_t own_rss(pid_t pid, pid_t tid)
{
	char p[64], buf[128];
	snprintf(p, sizeof(p), "/proc/%d/task/%d/statm", (int)pid, (int)tid);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	long long size, resident;
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "%lld %lld", &size, &resident) != 2 || resident < 0)
		return -1;
	return (int64_t)resident * sysconf(_SC_PAGESIZE);
}

/* Stopped in do_exit before its fds and memory go: the exact state at the
 * moment of death, unless other threads of the process run on. */
static void exit_stop(struct run *x, pid_t tid, int64_t t)
{
	struct run_result *r = x->r;
	/* Threads of an exit_group() are on their way out within microseconds; a
	 * few short looks tell them from threads that run on. */
	int live = live_threads(x->pid, tid);
	for (int look = 0; live > 0 && look < 3; look++) {
		struct timespec ms = {0, 1000 * 1000};
		nanosleep(&ms, NULL);
		live = live_threads(x->pid, tid);
	}
	if (live > 0) {
		if (tid == x->pid && !r->main_thread_exited_first) {
			r->main_thread_exited_first = true;
			event(x, t, "main-thread-exit", live, NULL);
			/* Not here, in its exit stop: if the leader exits because
			 * another thread is in execve, that exec holds the lock
			 * PTRACE_SEIZE waits for (cred_guard_mutex) until the
			 * leader's exit ends, which this stop holds: a deadlock
			 * that no signal breaks. */
			x->seize_pending = true;
		}
		return;
	}
	exit_cpu(x);
	sync_procs(x);
	struct sample s = {.t_ns = t};
	if (sampler_take_full(x->sampler, &s) != 0)
		return;
	x->r->samples++;
	put_sample(x, &s);
	account(x, &s);
	/* The limit it really had (it may have set its own), and its fd table. */
	struct rlimit rl;
	struct fd_scan f = {0, -1, 0, -1};
	if (prlimit(x->pid, RLIMIT_NOFILE, NULL, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		f.limit = (int64_t)rl.rlim_cur;
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/task/%d/fd", (int)x->pid, (int)tid);
	each_number(open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC), scan_fd, &f);
	r->exit_nofile = f.limit >= 0 ? f.limit : RES_NONE;
	r->exit_fds = f.count;
	r->exit_fd_highest = f.highest;
	if (f.limit >= 0 && (r->nofile_seen < 0 || f.limit < r->nofile_seen))
		r->nofile_seen = f.limit;
	if (f.count > r->peak_fds)
		r->peak_fds = f.count;
	if (f.count > x->max_fds_one)
		x->max_fds_one = f.count;
	if (f.limit > 0 && f.count >= f.limit)
		r->fd_exhausted_by = METH_EXIT_STOP;
	else if (f.limit > 10 && f.from10 >= f.limit - 10 && r->fd_exhausted_by == METH_NONE)
		r->fd_exhausted_by = METH_FD_NUMBERS;
	/* Every figure of the event is the main process's own (README: exit
	 * state); the sample above, summed over the run's processes, feeds the
	 * peaks. */
	char detail[64] = "";
	int64_t rss = own_rss(x->pid, tid);
	if (rss >= 0)
		snprintf(detail, sizeof(detail), "rss=%lld", (long long)rss);
	event(x, t, "exit-state", f.count, detail[0] ? detail : NULL);
	x->exit_state_done = true;
}

/* The signals whose default action stops the process (signal(7)). */
static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static void on_stop(struct run *x, pid_t p, int st)
{
	int ev = st >> 16;
	int64_t t = now_ns() - x->t0;
	if (ev == PTRACE_EVENT_EXEC && p == x->pid) {
		int64_t fds = sample_count_fds(x->procdir);
		if (!x->baseline_done) {
			x->r->fd_baseline = fds;
			x->baseline_done = true;
		}
		/* What it holds at its exec is part of its peak. */
		if (fds > x->r->peak_fds)
			x->r->peak_fds = fds;
		if (fds > x->max_fds_one)
			x->max_fds_one = fds;
		event(x, t, "exec", fds, NULL);
		ptrace(PTRACE_CONT, p, 0, 0);
	} else if (ev == PTRACE_EVENT_EXIT) {
		exit_stop(x, p, t);
		ptrace(PTRACE_CONT, p, 0, 0);
	} else if (ev == PTRACE_EVENT_STOP && !is_stop_signal(WSTOPSIG(st))) {
		/* Not a group-stop (SIGTRAP): a new thread of a seized one, or
		 * the end of a group-stop, told by SIGCONT to a tracee left in
		 * PTRACE_LISTEN (ptrace(2), "Group-stop"): it runs on. */
		ptrace(PTRACE_CONT, p, 0, 0);
	} else if (ev == PTRACE_EVENT_STOP) {
		/* Group-stop (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU): stopped as the
		 * program expects, until a SIGCONT ends it (reported as above). */
		ptrace(PTRACE_LISTEN, p, 0, 0);
	} else if (ev == PTRACE_EVENT_CLONE || ev == PTRACE_EVENT_EXEC) {
		ptrace(PTRACE_CONT, p, 0, 0);
	} else {
		siginfo_t si;
		if (WSTOPSIG(st) == SIGXCPU && ptrace(PTRACE_GETSIGINFO, p, 0, &si) == 0 &&
		    si.si_code == SI_KERNEL)
			x->kernel_sigxcpu++;		 /* the limit's, not kill(1)'s */
		ptrace(PTRACE_CONT, p, 0, WSTOPSIG(st)); /* deliver the signal */
	}
}

static void check_oom(struct run *x);

static void reap(struct run *x)
{
	int st;
	pid_t p;
	struct rusage ru;
	while ((p = wait4(-1, &st, WNOHANG | __WALL, &ru)) > 0) {
		if (p != x->pid && service_child(x->svc, p, st, now_ns()))
			continue; /* the load */
		if (WIFSTOPPED(st)) {
			on_stop(x, p, st); /* the main process or a thread brink traces */
			continue;
		}
		if (p != x->pid)
			continue; /* an orphan of the program, or a traced thread: gone */
		x->exited = true;
		x->wstatus = st;
		x->rusage = ru;
		/* an OOM kill of the main process: its counter moved just now */
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && cg_run_has(x->cg, CG_MEMORY))
			check_oom(x);
	}
	/* Every stop seen is let go: an exec of another thread can go on, and
	 * the seize waits for it no longer than the exec itself takes. */
	if (x->seize_pending && !x->exited) {
		x->seize_pending = false;
		seize_threads(x);
	}
}

/* An oom-kill event valued `count` at t (ns into the run), never before the
 * one before it: the counter only grows, so its events go in time order. */
static void oom_kill_event(struct run *x, int64_t t, int64_t count)
{
	if (t < x->oom_kill_t)
		t = x->oom_kill_t;
	x->oom_kill_t = t;
	event(x, t, "oom-kill", count, NULL);
}

/* The memory cgroup's OOM counters: events for what moved since the last
 * look. Stamped now when t_at < 0; else the onset at t_at (ns into the run,
 * the first kill's own time where known) and each kill counted since the last
 * look at its victim's time, vt[k] the time of the k-th victim in time order
 * (nvt of them; the rest at t_at). */
static void check_oom_at(struct run *x, int64_t t_at, const int64_t *vt, size_t nvt)
{
	struct cg_oom_counts c;
	if (cg_run_oom_counts(x->cg, &c) != 0)
		return;
	int64_t t = t_at >= 0 ? t_at : now_ns() - x->t0;
	if (c.oom > x->oom.oom || (c.oom_kill > 0 && x->r->oom_onset_s < 0)) {
		if (x->r->oom_onset_s < 0) {
			x->r->oom_onset_s = secs(t);
			event(x, t, "oom", cg_run_mem_current(x->cg), NULL);
		}
	}
	int64_t k = x->oom.oom_kill;
	for (; k < c.oom_kill && k < (int64_t)nvt; k++)
		oom_kill_event(x, vt[k] <= t ? vt[k] : t, k + 1);
	if (k < c.oom_kill)
		oom_kill_event(x, t, c.oom_kill);
	x->oom = c;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Now, with the times of the victims the kernel's tracepoint named so far,
 * so that a look that finds the counter moved by two stamps each kill. */
static void check_oom(struct run *x)
{
	int64_t vt[FACTS_VICTIMS_MAX];
	size_t nvt = 0;
	size_t n = x->sw.n_victims < FACTS_VICTIMS_MAX ? x->sw.n_victims : FACTS_VICTIMS_MAX;
	for (size_t i = 0; x->sw_armed && i < n; i++)
		if (x->sw.victims[i].t_s >= 0)
			vt[nvt++] = (int64_t)(x->sw.victims[i].t_s * 1e9);
	qsort(vt, nvt, sizeof(vt[0]), cmp_i64);
	check_oom_at(x, -1, vt, nvt);
}

static int arm_timer(int fd, int64_t first_abs, int64_t interval)
{
	struct itimerspec its = {
	    .it_value = {first_abs / 1000000000LL, first_abs % 1000000000LL},
	    .it_interval = {interval / 1000000000LL, interval % 1000000000LL},
	};
	return timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void fill_limits(struct run *x)
{
	const struct scenario *sc = x->o->sc;
	struct run_result *r = x->r;
	int64_t nofile = sc->lim.v[LIM_NOFILE];
	if (nofile == BRINK_UNSET) {
		struct rlimit rl;
		getrlimit(RLIMIT_NOFILE, &rl);
		nofile = rl.rlim_cur == RLIM_INFINITY ? RES_NONE : (int64_t)rl.rlim_cur;
	}
	r->fd_limit = nofile == BRINK_UNLIMITED ? RES_NONE : nofile;
	int64_t m = sc->lim.v[LIM_MEMORY], p = sc->lim.v[LIM_PIDS];
	r->mem_limit_bytes = m >= 0 ? m : RES_NONE;
	r->pids_limit = p >= 0 ? p : RES_NONE;
}

/* RLIMIT_CPU as seconds, < 0 for none. */
static double cpu_limit_s(rlim_t v)
{
	return v == RLIM_INFINITY ? -1 : (double)v;
}

/* What the run did, for run_classify(): counters read now, the state kept
 * during the run, and the OOM victims from the kernel's own record. */
static void gather_facts(struct run *x, struct run_facts *f)
{
	const struct scenario *sc = x->o->sc;
	struct run_result *r = x->r;
	run_facts_init(f);
	f->main_pid = x->pid;
	f->ended = x->exited;
	f->wstatus = x->wstatus;
	f->timed_out = x->timed_out;
	f->interrupted = x->interrupted;

	/* the limit as configured, unless the exit stop read the program's own */
	int64_t ct = sc->lim.v[LIM_CPU_TIME];
	if (ct >= 0)
		f->cpu_soft_s = f->cpu_hard_s = (double)ct / 1e9;
	if (x->exit_cpu_rl_read) {
		/* each SIGXCPU the kernel sent raised the soft limit by a
		 * second (kernel/time/posix-cpu-timers.c) */
		f->cpu_soft_s = cpu_limit_s(x->exit_cpu_rl.rlim_cur);
		if (f->cpu_soft_s >= x->kernel_sigxcpu)
			f->cpu_soft_s -= x->kernel_sigxcpu;
		f->cpu_hard_s = cpu_limit_s(x->exit_cpu_rl.rlim_max);
	}
	if (x->traced)
		f->kernel_sigxcpu = x->kernel_sigxcpu;
	if (x->exit_cpu_s >= 0) {
		f->main_cpu_s = x->exit_cpu_s;
		f->main_cpu_method = METH_EXIT_STOP;
	} else if (x->exited) {
		/* wait4's rusage also holds the children it reaped: an upper
		 * bound of its own CPU time */
		f->main_cpu_s =
		    (double)(x->rusage.ru_utime.tv_sec + x->rusage.ru_stime.tv_sec) +
		    (double)(x->rusage.ru_utime.tv_usec + x->rusage.ru_stime.tv_usec) / 1e6;
		f->main_cpu_method = METH_EXIT_STATUS;
	}

	/* What the kernel saw fail, in any process of the run (syswatch.h). */
	if (x->sw_armed)
		take_syscall_facts(x);
	/* Exhaustion as the monitor saw it, each process against its own limit;
	 * where those limits are unknown, the largest count against the limit
	 * brink set (or the one the kernel saw at an EMFILE). */
	f->fd_limit = r->fd_limit;
	/* Every fd from 10 to the limit - 1 open at the exit, some below 10
	 * free: open(2) still had fds to give, only an allocation from 10 up
	 * (fcntl F_DUPFD 10, as bash numbers its fds) was refused. Which one the
	 * program made, the kernel's EMFILE count tells where it is watched
	 * (and complete); else a main process that exited 0 failed nothing. */
	if (r->fd_exhausted_by == METH_FD_NUMBERS) {
		bool watched = x->sw_armed && x->sw.lost == 0;
		if (watched && r->emfile_count > 0)
			r->fd_exhausted_by = METH_TRACEPOINT;
		else if (watched ||
			 (x->exited && WIFEXITED(x->wstatus) && WEXITSTATUS(x->wstatus) == 0))
			r->fd_exhausted_by = METH_NONE;
	}
	/* The kernel's record of the failing call is the exact evidence: it
	 * names the method wherever it saw an EMFILE. */
	f->emfile_method = r->fd_exhausted_by;
	f->syscalls_watched = x->sw_armed;
	if (x->sw_armed) {
		if (r->emfile_count > 0 || r->enfile_count > 0)
			f->emfile_method = METH_TRACEPOINT;
		f->enomem_count = r->enomem_count;
	}
	/* RLIMIT_AS / RLIMIT_DATA as brink set them, or as the process whose
	 * mapping call failed first had them then (it may lower its own). */
	const struct sw_failure *nomem = &x->sw.first[SWK_ENOMEM];
	bool mapping =
	    x->sw_armed && nomem->seen &&
	    (strcmp(nomem->syscall, "mmap") == 0 || strcmp(nomem->syscall, "mmap2") == 0 ||
	     strcmp(nomem->syscall, "mremap") == 0 || strcmp(nomem->syscall, "brk") == 0);
	f->as_limited = sc->lim.v[LIM_AS] >= 0 || (mapping && nomem->as_limit >= 0);
	f->data_limited = sc->lim.v[LIM_DATA] >= 0 || (mapping && nomem->data_limit >= 0);
	/* RLIMIT_NPROC holds for a process not run by root (fork(2): root, and
	 * CAP_SYS_RESOURCE or CAP_SYS_ADMIN, are exempt; capabilities are not
	 * read). */
	const struct sw_failure *fork_fail = &x->sw.first[SWK_EAGAIN_FORK];
	f->eagain_under_nproc =
	    x->sw_armed && fork_fail->seen && fork_fail->nproc_limit >= 0 && fork_fail->uid != 0;
	/* what the pids group held then, for the leak verdict's reason */
	if (x->sw_armed && fork_fail->seen)
		x->series->tasks_at_refusal = fork_fail->group_tasks;
	if (r->nofile_seen == RES_NONE) {
		f->max_fds_one = x->max_fds_one;
		f->max_fds_method = x->exit_state_done ? METH_EXIT_STOP : METH_SAMPLING;
	}

	struct cg_oom_counts oc;
	bool memcg = cg_run_has(x->cg, CG_MEMORY) && cg_run_oom_counts(x->cg, &oc) == 0;
	if (memcg)
		f->oom_kills = oc.oom_kill > x->oom.oom_kill ? oc.oom_kill : x->oom.oom_kill;
	if (cg_run_has(x->cg, CG_PIDS)) {
		int64_t hits = cg_run_pids_max_hits(x->cg);
		f->pids_limit_hits = hits;
		if (hits > x->pids_hits)
			event(x, now_ns() - x->t0, "pids-max", hits, NULL);
	}
	/* The OOM tracepoint names every victim of the run's group as the kernel
	 * chooses it (its oom-victim events are written then); else the kernel log,
	 * read only when a kill is to be explained. */
	for (size_t i = 0; x->sw_armed && i < x->sw.n_victims && i < FACTS_VICTIMS_MAX; i++) {
		f->victims[i].pid = x->sw.victims[i].pid;
		f->victims[i].t_ns = x->t0 + (int64_t)(x->sw.victims[i].t_s * 1e9);
		snprintf(f->victims[i].comm, sizeof(f->victims[i].comm), "%s",
			 x->sw.victims[i].comm);
		f->n_victims = i + 1;
		f->victims_method = METH_TRACEPOINT;
	}
	bool sigkill = x->exited && WIFSIGNALED(x->wstatus) && WTERMSIG(x->wstatus) == SIGKILL;
	if (f->victims_method == METH_NONE && (f->oom_kills > 0 || sigkill) && x->oomw) {
		bool want_main = sigkill && f->oom_kills > 0;
		oom_watch_collect(x->oomw, cg_run_path(x->cg, CG_MEMORY), x->pid, want_main, 50, f);
	}
	/* Each kill at its own time where the source says it (the kernel log's
	 * record time), else at the end; the counter's move at the first kill. */
	int64_t t_end = (int64_t)(r->duration_s * 1e9), t_first = -1;
	int64_t vt[FACTS_VICTIMS_MAX];
	size_t nvt = 0;
	for (size_t i = 0; i < f->n_victims; i++) {
		int64_t t = f->victims[i].t_ns >= x->t0 ? f->victims[i].t_ns - x->t0 : -1;
		if (t >= 0 && (t_first < 0 || t < t_first))
			t_first = t;
		if (t >= 0 && nvt < FACTS_VICTIMS_MAX)
			vt[nvt++] = t <= t_end ? t : t_end;
		if (f->victims_method != METH_TRACEPOINT) {
			char d[48];
			snprintf(d, sizeof(d), "%s%ssource=%s", f->victims[i].comm,
				 f->victims[i].comm[0] ? " " : "", method_name(f->victims_method));
			event(x, t >= 0 && t <= t_end ? t : t_end, "oom-victim", f->victims[i].pid,
			      d);
		}
	}
	qsort(vt, nvt, sizeof(vt[0]), cmp_i64);
	if (memcg)
		check_oom_at(x, t_first >= 0 && t_first <= t_end ? t_first : -1, vt, nvt);
	/* Victims the kernel named in groups below the run's (v1 counts a kill in
	 * the victim's own group, whose notification is not the run's): the OOM
	 * began at the first of them. */
	if (r->oom_onset_s < 0 && t_first >= 0 && t_first <= t_end)
		r->oom_onset_s = secs(t_first);
	/* The first victim, whichever source named it (the events say which). */
	if (r->oom_victim_pid == RES_NONE && f->n_victims > 0)
		r->oom_victim_pid = f->victims[0].pid;
}

static void conclude(struct run *x)
{
	struct run_result *r = x->r;
	const struct scenario *sc = x->o->sc;
	if (x->cg) {
		int64_t peak = cg_run_mem_peak(x->cg);
		if (peak > r->peak_mem_bytes)
			r->peak_mem_bytes = peak;
	}
	if (!cg_run_has(x->cg, CG_MEMORY))
		r->peak_mem_bytes = RES_NONE;
	x->series->mem_reclaimable_bytes = (double)cg_run_mem_reclaimable(x->cg);

	/* The limit the processes really had (they may set their own). */
	if (r->nofile_seen != RES_NONE && (r->fd_limit == RES_NONE || r->nofile_seen < r->fd_limit))
		r->fd_limit = r->nofile_seen;

	struct run_facts f;
	gather_facts(x, &f);
	run_classify(&f, r);
	/* The kernel counted OOM kills and no source named a victim (the
	 * tracepoint saw none in the run's group, the kernel log held none):
	 * the victim is not known. */
	if (r->oom_kills != RES_NONE && r->oom_kills > 0 && f.n_victims == 0)
		r->unavailable |= UNAV_OOM_VICTIM;

	int64_t t_end = (int64_t)(r->duration_s * 1e9);
	if (f.ended && WIFEXITED(f.wstatus))
		event(x, t_end, "exited", r->exit_code, NULL);
	else if (f.ended && WIFSIGNALED(f.wstatus))
		event(x, t_end, "signaled", r->signal, strsignal(r->signal));
	/* Exhausted as the breaking point's method says (the same evidence):
	 * when the kernel saw the first EMFILE, at its time with the fds then;
	 * else as the method that found it saw it, at the end. */
	const struct sw_failure *emf = &x->sw.first[SWK_EMFILE];
	enum method fd_how = r->limit_hit == BP_NOFILE	    ? r->limit_method
			     : f.emfile_method != METH_NONE ? f.emfile_method
							    : f.max_fds_method;
	if (r->fd_exhausted && fd_how == METH_TRACEPOINT && emf->seen && emf->fds >= 0)
		event(x, (int64_t)(emf->t_s * 1e9), "fd-exhausted", emf->fds, method_name(fd_how));
	else if (r->fd_exhausted)
		event(x, t_end, "fd-exhausted", x->max_fds_one, method_name(fd_how));
	/* The threads at a failure are the kernel's count (take_syscall_facts).
	 * Else pids.peak, where the group reached its pids limit between two
	 * samples; but it counts tasks, unreaped zombies too: it is the thread
	 * peak only of a run that was one process whose threads, as sampled,
	 * came to at least half of it (not a zombie bomb's one). */
	const struct sw_failure *fork_fail = &x->sw.first[SWK_EAGAIN_FORK];
	bool counted = x->sw_armed && fork_fail->seen && fork_fail->pid == x->pid;
	if (!counted && x->cg && r->limit_hit == BP_PIDS && r->procs_peak <= 1) {
		int64_t ppeak = cg_run_pids_peak(x->cg);
		if (ppeak > r->peak_threads && r->peak_threads * 2 >= ppeak)
			r->peak_threads = ppeak;
	}

	if (!x->exit_state_done)
		r->unavailable |= UNAV_EXIT_STOP;
	if (!x->sw_armed)
		r->unavailable |= UNAV_SYSCALLS;
	/* A service: the verdict over the load window (service.h). */
	double from_s, to_s;
	struct leak_thresholds th = sc->leak;
	service_conclude(x->svc, r, (double)sc->leak.warmup_ns / 1e9, &from_s, &to_s);
	th.warmup_ns = (int64_t)(from_s * 1e9);
	if (to_s >= 0)
		leak_series_until(x->series, to_s);
	leak_verdict(&th, x->series, r);
	/* A run cut short by ^C says nothing about the expectation. */
	if (!x->interrupted)
		expect_check(&sc->expect, r);
}

static int open_csvs(struct run *x, struct berr *err)
{
	char p[4096], header[256];
	snprintf(p, sizeof(p), "%s/samples.csv", x->o->run_dir);
	snprintf(header, sizeof(header), "%s%s", samples_header,
		 service_gctrace(x->svc) ? ",go_heap_live_bytes,gc_count" : "");
	if (csv_open(&x->samples, p, header, err) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s/events.csv", x->o->run_dir);
	return csv_open(&x->events, p, "t_s,event,value,detail", err);
}

int monitor_proc_list_env(const char *v)
{
	if (!v || !v[0] || strcmp(v, "events") == 0)
		return 0;
	return strcmp(v, "cgroup") == 0 ? 1 : -1;
}

/* The process list from the kernel's records, unless BRINK_PROC_LIST=cgroup
 * asks for the group's own list at every sample (for comparisons). */
static bool follow_wanted(void)
{
	return monitor_proc_list_env(getenv("BRINK_PROC_LIST")) != 1;
}

/* The fds the event loop polls, one slot each. */
enum poll_slot {
	SLOT_TICK,     /* the sampling timer */
	SLOT_TIMEOUT,  /* the run's timeout */
	SLOT_SIGNALS,  /* signalfd: SIGCHLD, and SIGINT/SIGTERM/SIGHUP to interrupt */
	SLOT_OOM,      /* the run cgroup's OOM notification */
	SLOT_STDOUT,   /* the program's stdout pipe */
	SLOT_STDERR,   /* its stderr pipe */
	SLOT_SERVICE,  /* the service's timer (readiness, the load, the grace) */
	SLOT_SYSCALLS, /* the kernel's failing calls and OOM victims (syswatch) */
	SLOT_NESTED,   /* groups made or removed below the run's (cg_run_nest_fd) */
	SLOT__COUNT
};

/* Step 1: the result, the run's cgroup, its service, its files and timers, and
 * the program's working directory (x->cwd). -1 with err. */
static int run_setup(struct run *x, struct berr *err)
{
	const struct monitor_opts *o = x->o;
	const struct scenario *sc = o->sc;
	struct run_result *r = x->r;
	run_result_init(r);
	snprintf(r->scenario, sizeof(r->scenario), "%s", sc->name);
	r->rep = o->rep;
	fill_limits(x);
	x->series = malloc(sizeof(*x->series));
	if (!x->series)
		return berr_set(err, errno, "out of memory");
	series_init(&x->series->rss);
	series_init(&x->series->mem);
	series_init(&x->series->fds);
	series_init(&x->series->threads);
	x->series->mem_reclaimable_bytes = -1;
	x->series->tasks_at_refusal = -1;
	series_init(&x->series->go_heap);

	if (o->sys && cg_system_any(o->sys) && cg_run_create(o->sys, &sc->lim, &x->cg, err) != 0)
		return -1;
	if (!cg_run_has(x->cg, CG_MEMORY))
		r->unavailable |= UNAV_MEM | UNAV_OOM;
	if (!cg_run_has(x->cg, CG_PIDS))
		r->unavailable |= UNAV_PIDS;
	if (!x->cg)
		r->unavailable |= UNAV_CGROUP_PROCS;
	if (!x->cg && sc->lim.v[LIM_CPUS] != BRINK_UNSET)
		r->unavailable |= UNAV_CPU_LIMIT;
	if (!sc->exit_stop)
		r->unavailable |= UNAV_EXIT_STOP;

	/* The program's working directory (and its load's): `cwd`, else a fresh
	 * one of its own, made below. */
	if (o->cwd)
		snprintf(x->cwd, sizeof(x->cwd), "%s", o->cwd);
	else
		snprintf(x->cwd, sizeof(x->cwd), "%s/work", o->run_dir);
	struct service_opts so = {.cfg = &sc->svc,
				  .shell = sc->shell,
				  .scenario_dir = o->scenario_dir,
				  .run_dir = o->run_dir,
				  .cwd = x->cwd,
				  .env = sc->env,
				  .sys = o->sys && cg_system_any(o->sys) ? o->sys : NULL,
				  .event = service_event,
				  .event_arg = x};
	if (!(x->svc = service_new(&so, err)))
		return -1;
	if (open_csvs(x, err) != 0)
		return -1;
	if (log_open(&x->out, o->run_dir, "stdout.log", sc->log_cap_bytes, &x->out_w, err) != 0 ||
	    log_open(&x->errlog, o->run_dir, "stderr.log", sc->log_cap_bytes, &x->err_w, err) != 0)
		return -1;
	x->tick_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	x->timeout_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (x->tick_fd < 0 || x->timeout_fd < 0)
		return berr_set(err, errno, "cannot create a timerfd");
	if (!o->cwd && mkdir(x->cwd, 0755) != 0)
		return berr_set(err, errno, "cannot create %s", x->cwd);
	return 0;
}

/* How the launch went. */
enum launched {
	LAUNCH_RUNNING, /* the program runs: watch it */
	LAUNCH_ENDED,	/* a result already: exec failed, or interrupted before it */
	LAUNCH_ERROR,	/* brink could not start it (err) */
};

/* Step 2: arm the kernel's watch and start the program (t0 is now). */
static enum launched run_launch(struct run *x, struct berr *err)
{
	const struct monitor_opts *o = x->o;
	const struct scenario *sc = o->sc;
	struct run_result *r = x->r;
	if (o->progress)
		progress_run_start(o->progress, sc, o->rep);
	int term_signo = 0;
	struct launch_opts lo = {.path = o->path,
				 .argv = sc->argv,
				 .lim = &sc->lim,
				 .cwd = x->cwd,
				 .cwd_fresh = !o->cwd,
				 .stdout_fd = x->out_w,
				 .stderr_fd = x->err_w,
				 .trace = sc->exit_stop,
				 .user = sc->user,
				 .env = sc->env,
				 .env_add = service_env(x->svc),
				 .sigfd = o->sigfd,
				 .term_signo = &term_signo};
	x->oomw = oom_watch_start();
	x->out.feed = service_stdout;
	x->errlog.feed = service_stderr;
	x->out.svc = x->errlog.svc = x->svc;
	x->t0 = now_ns();
	service_set_t0(x->svc, x->t0);
	if (o->sw) {
		char why[256];
		x->sw_armed = syswatch_arm(o->sw, x->cg, x->t0, why, sizeof(why)) == 0;
	}
	event(x, 0, "start", RES_NONE, o->path);
	int lr = launch_start(&lo, x->cg, &x->pid, &x->traced, err);
	close(x->out_w);
	close(x->err_w);
	x->out_w = x->err_w = -1;
	if (lr < 0)
		return LAUNCH_ERROR;
	if (lr == 2) {
		/* A termination signal before the exec: the child is gone. */
		r->outcome = OUT_INTERRUPTED;
		event(x, now_ns() - x->t0, "interrupted", term_signo, err->msg);
		r->duration_s = secs(now_ns() - x->t0);
		return LAUNCH_ENDED;
	}
	if (lr == 1) {
		r->outcome = OUT_EXEC_FAILED;
		struct cg_oom_counts oc;
		if (x->cg && cg_run_oom_counts(x->cg, &oc) == 0 && oc.oom_kill > 0) {
			/* killed before its exec by the OOM killer: the limit is too
			 * small to start the program at all */
			r->oom_kills = oc.oom_kill;
			r->limit_hit = BP_MEMORY; /* the counter moved: memory (README) */
			r->limit_method = METH_KERNEL_COUNTER;
			/* counted, and no source asked which process it chose */
			r->unavailable |= UNAV_OOM_VICTIM;
			event(x, now_ns() - x->t0, "oom-kill", oc.oom_kill, NULL);
			snprintf(
			    r->exec_error, sizeof(r->exec_error),
			    "%.600s (the OOM killer: the memory limit is too small to start it)",
			    err->msg);
		} else {
			snprintf(r->exec_error, sizeof(r->exec_error), "%s", err->msg);
		}
		event(x, now_ns() - x->t0, "exec-failed", RES_NONE, r->exec_error);
		r->duration_s = secs(now_ns() - x->t0);
		return LAUNCH_ENDED;
	}
	return LAUNCH_RUNNING;
}

/* Step 3: the sampler (following the kernel's process records where it can)
 * and the timers. -1 with err: the program was killed. */
static int start_watching(struct run *x, struct berr *err)
{
	const struct scenario *sc = x->o->sc;
	char pd[32];
	snprintf(pd, sizeof(pd), "/proc/%d", (int)x->pid);
	x->procdir = open(pd, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	x->sampler = sampler_new(x->cg, x->pid, err);
	if (x->sampler && x->sw_armed && x->cg && follow_wanted()) {
		x->follow = true;
		sampler_follow(x->sampler, true);
		syswatch_on_proc(x->o->sw, on_proc_record, x);
	}
	if (!x->sampler || x->procdir < 0) {
		if (x->procdir < 0)
			berr_set(err, errno, "cannot open %s", pd);
		kill_all(x, "brink could not start sampling");
		return -1;
	}
	if (arm_timer(x->tick_fd, x->t0 + sc->interval_ns, sc->interval_ns) != 0 ||
	    (sc->timeout_ns > 0 && arm_timer(x->timeout_fd, x->t0 + sc->timeout_ns, 0) != 0)) {
		berr_set(err, errno, "cannot arm a timer");
		kill_all(x, "brink could not arm its timers");
		return -1;
	}
	/* The first sample comes at the first tick: right after launch the
	 * program is still in its exec stop, with nothing mapped yet. That stop's
	 * SIGCHLD may have been read while launch_start waited: answer it now. */
	reap(x);
	return 0;
}

/* SLOT_SIGNALS: SIGCHLD (children to reap, ptrace stops) or an interruption:
 * the first ends the program through the service's stop, the next kills. */
static void on_signals(struct run *x)
{
	struct signalfd_siginfo si;
	while (read(x->o->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			continue;
		if (!x->interrupted) {
			x->interrupted = true;
			event(x, now_ns() - x->t0, "interrupted", si.ssi_signo,
			      strsignal((int)si.ssi_signo));
			end_program(x, "brink was interrupted");
		} else {
			kill_all(x, "brink was interrupted again");
		}
	}
	reap(x);
}

/* SLOT_TICK: a sample; ticks the timer counted past are missed samples. */
static void on_tick(struct run *x)
{
	uint64_t exp = 0;
	if (read(x->tick_fd, &exp, sizeof(exp)) == sizeof(exp) && exp > 1)
		x->r->missed_samples += (int64_t)(exp - 1);
	if (!x->exited)
		take_sample(x);
}

/* SLOT_TIMEOUT: the run's time is up. */
static void on_timeout(struct run *x)
{
	uint64_t exp;
	if (read(x->timeout_fd, &exp, sizeof(exp)) > 0 && !x->timed_out) {
		x->timed_out = true;
		event(x, now_ns() - x->t0, "timeout", RES_NONE, NULL);
		end_program(x, "timeout");
	}
}

/* Step 4: until the main process is reaped, act on each slot that is ready.
 * -1 with err when poll fails (the program was killed). */
static int event_loop(struct run *x, struct berr *err)
{
	const struct monitor_opts *o = x->o;
	while (!x->exited) {
		short oom_ev = 0;
		int oomfd = cg_run_oom_fd(x->cg, &oom_ev);
		struct pollfd pf[SLOT__COUNT] = {
		    [SLOT_TICK] = {x->tick_fd, POLLIN, 0},
		    [SLOT_TIMEOUT] = {x->timeout_fd, POLLIN, 0},
		    [SLOT_SIGNALS] = {o->sigfd, POLLIN, 0},
		    [SLOT_OOM] = {oomfd, oom_ev, 0},
		    [SLOT_STDOUT] = {x->out.rd, POLLIN, 0},
		    [SLOT_STDERR] = {x->errlog.rd, POLLIN, 0},
		    [SLOT_SERVICE] = {service_timer_fd(x->svc), POLLIN, 0},
		    [SLOT_SYSCALLS] = {x->sw_armed ? syswatch_fd(o->sw) : -1, POLLIN, 0},
		    [SLOT_NESTED] = {cg_run_nest_fd(x->cg), POLLIN, 0},
		};
		int n = poll(pf, SLOT__COUNT, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			berr_set(err, errno, "poll failed");
			kill_all(x, "brink's event loop failed");
			return -1;
		}
		if (pf[SLOT_SIGNALS].revents & POLLIN)
			on_signals(x);
		if (pf[SLOT_OOM].revents & (POLLIN | POLLPRI | POLLERR))
			check_oom(x);
		if (pf[SLOT_NESTED].revents & POLLIN)
			cg_run_nest_changed(x->cg); /* before the sample it concerns */
		if (pf[SLOT_TICK].revents & POLLIN)
			on_tick(x);
		if (pf[SLOT_TIMEOUT].revents & POLLIN)
			on_timeout(x);
		if (pf[SLOT_STDOUT].revents)
			log_drain(&x->out);
		if (pf[SLOT_STDERR].revents)
			log_drain(&x->errlog);
		if (!x->exited && (pf[SLOT_SERVICE].revents || pf[SLOT_SIGNALS].revents ||
				   pf[SLOT_STDOUT].revents)) {
			/* readiness, the load's end (after a reap), the grace */
			int sig = 0;
			enum service_do d = service_poll(x->svc, now_ns(), &sig);
			service_act(x, d, sig, "brink stopped the service");
		}
		if (pf[SLOT_SYSCALLS].revents & POLLIN)
			syswatch_drain(o->sw, &x->sw, on_syscall_fact, x);
		/* No reap() on other wake-ups: SIGCHLD is blocked, so every child
		 * state change (exit, ptrace stop, orphan exit) after the last read
		 * of the signalfd leaves it readable again, and the read above is
		 * followed by a reap() that takes every waiting child. A wait4()
		 * per tick would only add a system call to every sample. */
	}
	x->r->duration_s = secs(now_ns() - x->t0);
	return 0;
}

/* brink failed mid-run: the program was killed; wait for it. */
static void wait_killed(struct run *x)
{
	while (x->pid > 0 && !x->exited) {
		int st;
		pid_t p = waitpid(x->pid, &st, __WALL);
		if (p < 0)
			break;
		if (WIFSTOPPED(st))
			ptrace(PTRACE_CONT, x->pid, 0, 0);
		else
			x->exited = true;
	}
}

/* Step 5: the main process is gone; whatever it left in the group goes too,
 * then the kernel's last records, and (with a result: ok) the verdict. */
static void run_finish(struct run *x, bool ok)
{
	syswatch_on_proc(x->o->sw, NULL, NULL); /* the sampler's list is done with */
	service_program_ended(x->svc, now_ns());
	if (x->cg)
		cg_run_kill(x->cg, reap_cb, x);
	else if (x->pid > 0)
		kill(-x->pid, SIGKILL);
	launch_reap_all(NULL);
	if (x->sw_armed) { /* every task of the run is gone: all its records are in */
		syswatch_disarm(x->o->sw, &x->sw, on_syscall_fact, x);
		x->sw_done = true;
	}
	if (ok)
		conclude(x);
}

/* Step 6: close and free everything, remove the cgroup, commit the files.
 * Returns rc, or -1 where that failed (err, when rc was 0). */
static int run_teardown(struct run *x, int rc, struct berr *err)
{
	const struct monitor_opts *o = x->o;
	syswatch_on_proc(o->sw, NULL, NULL);
	if (x->sw_armed && !x->sw_done)
		syswatch_disarm(o->sw, &x->sw, NULL, NULL);
	log_close(&x->out);
	log_close(&x->errlog);
	if (x->out_w >= 0)
		close(x->out_w);
	if (x->err_w >= 0)
		close(x->err_w);
	if (x->tick_fd >= 0)
		close(x->tick_fd);
	if (x->timeout_fd >= 0)
		close(x->timeout_fd);
	if (x->procdir >= 0)
		close(x->procdir);
	sampler_free(x->sampler);
	oom_watch_stop(x->oomw);
	service_free(x->svc);
	/* A group that will not go is brink's trouble, not the run's: the run's
	 * row is still written, the problem said once here (and the group is tried
	 * again with brink's own at the end). */
	struct berr derr = {0};
	if (cg_run_destroy(x->cg, launch_reap_all, NULL, &derr) != 0) {
		fprintf(stderr, "brink: warning: %s\n", derr.msg);
		event(x, now_ns() - x->t0, "teardown", RES_NONE, derr.msg);
	}
	/* Descendants that left the run's groups in every hierarchy were out of
	 * the kill's reach; brink (their subreaper) has them now. */
	int escaped = launch_kill_orphans();
	if (escaped > 0) {
		const char *where = x->cg ? "the run's group" : "the run's process group";
		fprintf(stderr, "brink: killed %d process%s that had left %s\n", escaped,
			escaped == 1 ? "" : "es", where);
		char d[64];
		snprintf(d, sizeof(d), "left %s", where);
		event(x, now_ns() - x->t0, "escaped-killed", escaped, d);
	}
	if (x->samples.f && csv_commit(&x->samples, rc == 0 ? err : NULL) != 0)
		rc = -1;
	flush_events(x);
	if (x->events.f && csv_commit(&x->events, rc == 0 ? err : NULL) != 0)
		rc = -1;
	free(x->series);
	if (o->progress && rc == 0)
		progress_run_end(o->progress, x->r);
	return rc;
}

int monitor_run(const struct monitor_opts *o, struct run_result *r, struct berr *err)
{
	struct run x = {.o = o,
			.r = r,
			.procdir = -1,
			.pid = -1,
			.exit_cpu_s = -1,
			.tick_fd = -1,
			.timeout_fd = -1,
			.out_w = -1,
			.err_w = -1};
	x.out.rd = x.out.file = x.errlog.rd = x.errlog.file = -1;
	int rc = -1;
	if (run_setup(&x, err) != 0)
		return run_teardown(&x, -1, err);
	switch (run_launch(&x, err)) {
	case LAUNCH_ERROR:
		return run_teardown(&x, -1, err);
	case LAUNCH_ENDED:
		return run_teardown(&x, 0, err);
	case LAUNCH_RUNNING:
		break;
	}
	if (start_watching(&x, err) == 0 && event_loop(&x, err) == 0)
		rc = 0;
	else
		wait_killed(&x);
	run_finish(&x, rc == 0);
	return run_teardown(&x, rc, err);
}
