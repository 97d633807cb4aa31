/* analyse.c - bounded series, Theil-Sen slope, Mann-Kendall test, the leak
 * verdict and run expectations (see analyse.h). */
#include "analyse.h"

#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

void series_init(struct series *s)
{
	s->n = 0;
	s->stride = 1;
	s->seen = 0;
}

void series_add(struct series *s, double t, double v)
{
	unsigned long k = s->seen++;
	if (k % s->stride)
		return;
	if (s->n == SERIES_MAX) {
		/* Stored point i is offered point i*stride; keeping the even ones
		 * keeps exactly the multiples of 2*stride, so the spacing stays
		 * even and the first point (t = start) stays. */
		size_t j = 0;
		for (size_t i = 0; i < s->n; i += 2, j++) {
			s->t[j] = s->t[i];
			s->v[j] = s->v[i];
		}
		s->n = j;
		s->stride *= 2;
		if (k % s->stride)
			return;
	}
	s->t[s->n] = t;
	s->v[s->n] = v;
	s->n++;
}

/* xorshift64: a fixed-seed pivot source, so a slope is reproducible and no
 * input order (sorted, all equal) makes quickselect quadratic in practice. */
static uint64_t xorshift64(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Reorder a[0..n) so that a[k] holds the k-th smallest value, nothing larger
 * before it and nothing smaller after it. Three-way partitioning keeps runs of
 * equal values (every slope of a straight line is the same) linear. */
static void select_kth(double *a, size_t n, size_t k)
{
	size_t lo = 0, hi = n;
	uint64_t rng = 0x9e3779b97f4a7c15ull;
	while (hi - lo > 1) {
		double pivot = a[lo + xorshift64(&rng) % (hi - lo)];
		size_t lt = lo, i = lo, gt = hi;
		while (i < gt) {
			double x = a[i];
			if (x < pivot) {
				a[i++] = a[lt];
				a[lt++] = x;
			} else if (x > pivot) {
				a[i] = a[--gt];
				a[gt] = x;
			} else {
				i++;
			}
		}
		if (k < lt)
			hi = lt;
		else if (k >= gt)
			lo = gt;
		else
			return; /* a[lt..gt) all equal the pivot */
	}
}

double theil_sen_slope(const double *t, const double *v, size_t n)
{
	if (n < 2)
		return 0;
	if (n - 1 > SIZE_MAX / sizeof(double) / n * 2)
		return NAN;
	size_t pairs = n * (n - 1) / 2;
	double *sl = malloc(pairs * sizeof(*sl));
	if (!sl)
		return NAN;
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			double dt = t[j] - t[i];
			if (dt != 0)
				sl[m++] = (v[j] - v[i]) / dt;
		}
	double med = 0;
	if (m > 0) {
		size_t k = m / 2;
		select_kth(sl, m, k);
		med = sl[k];
		if (m % 2 == 0) {
			/* the lower middle is the largest value left of k */
			double lower = sl[0];
			for (size_t i = 1; i < k; i++)
				if (sl[i] > lower)
					lower = sl[i];
			med = lower + (med - lower) / 2;
		}
	}
	free(sl);
	return med;
}

void mann_kendall(const double *v, size_t n, struct mk_result *out)
{
	double s = 0, ties = 0;
	for (size_t i = 0; i < n; i++) {
		bool first = true;
		for (size_t j = 0; j < i; j++)
			if (v[j] == v[i]) {
				first = false;
				break;
			}
		double tied = 1;
		for (size_t j = i + 1; j < n; j++) {
			s += (v[j] > v[i]) - (v[j] < v[i]);
			if (first && v[j] == v[i])
				tied++;
		}
		/* each group of equal values counted once, at its first member */
		if (first && tied > 1)
			ties += tied * (tied - 1) * (2 * tied + 5);
	}
	double dn = (double)n;
	double var = (dn * (dn - 1) * (2 * dn + 5) - ties) / 18;
	double z = 0;
	if (var > 0 && s > 0)
		z = (s - 1) / sqrt(var);
	else if (var > 0 && s < 0)
		z = (s + 1) / sqrt(var);
	out->s = s;
	out->z = z;
	out->p = erfc(fabs(z) / M_SQRT2);
}

/* ---- classification -------------------------------------------------- */

void run_facts_init(struct run_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->main_pid = -1;
	f->cpu_soft_s = f->cpu_hard_s = f->main_cpu_s = -1;
	f->fd_limit = f->max_fds_one = RES_NONE;
	f->kernel_sigxcpu = -1;
	f->oom_kills = RES_NONE;
	f->pids_limit_hits = RES_NONE;
	f->enomem_count = RES_NONE;
}

/* The victim the source named for pid, or NULL. */
static const struct oom_victim *victim_of(const struct run_facts *f, pid_t pid)
{
	for (size_t i = 0; i < f->n_victims && i < FACTS_VICTIMS_MAX; i++)
		if (f->victims[i].pid == pid)
			return &f->victims[i];
	return NULL;
}

/* Did the main process die at its cpu-time limit? */
static bool cpu_limit_reached(const struct run_facts *f, int sig)
{
	if (f->cpu_soft_s < 0 && f->cpu_hard_s < 0)
		return false;
	if (f->main_cpu_s < 0 && !(sig == SIGXCPU && f->kernel_sigxcpu >= 0))
		return sig == SIGXCPU; /* unknown: only the limit's own signal tells */
	if (sig == SIGXCPU && f->kernel_sigxcpu >= 0)
		return f->kernel_sigxcpu > 0; /* the kernel's own word */
	double lim = sig == SIGXCPU ? f->cpu_soft_s : f->cpu_hard_s;
	if (lim < 0)
		return false;
	double slack = f->main_cpu_method == METH_EXIT_STOP
			   ? CPU_LIMIT_SLACK_EXACT_S
			   : CPU_LIMIT_SLACK_REL * lim + CPU_LIMIT_SLACK_ABS_S;
	return f->main_cpu_s + slack >= lim;
}

/* "pid 123 (hog), pid 124 (hog)" for the victims other than the main pid. */
static void other_victims(const struct run_facts *f, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < f->n_victims && i < FACTS_VICTIMS_MAX && used < len; i++) {
		if (f->victims[i].pid == f->main_pid)
			continue;
		int w = snprintf(buf + used, len - used, "%spid %d (%s)", used ? "; " : "",
				 (int)f->victims[i].pid, f->victims[i].comm);
		if (w > 0)
			used += (size_t)w;
	}
}

/* Outcome, exit code, signal and the cause of the main process's end. */
static void classify_end(const struct run_facts *f, struct run_result *r, bool cpu_hit)
{
	char others[96];
	other_victims(f, others, sizeof(others));
	const struct oom_victim *mv = victim_of(f, f->main_pid);
	bool kills = r->oom_kills != RES_NONE && r->oom_kills > 0;
	const char *src = method_name(f->victims_method);

	r->outcome = OUT_EXITED;
	r->cause[0] = '\0';
	if (f->ended && WIFEXITED(f->wstatus)) {
		r->exit_code = WEXITSTATUS(f->wstatus);
		snprintf(r->cause, sizeof(r->cause), "exited with status %d", r->exit_code);
	} else if (f->ended && WIFSIGNALED(f->wstatus)) {
		int sig = WTERMSIG(f->wstatus);
		r->signal = sig;
		r->outcome = OUT_SIGNALED;
		if (sig == SIGKILL && mv) {
			r->outcome = OUT_OOM_KILLED;
			snprintf(r->cause, sizeof(r->cause),
				 "SIGKILL from the OOM killer: it chose the main process pid %d "
				 "(%s) (%s)",
				 (int)mv->pid, mv->comm, src);
		} else if (sig == SIGKILL && kills && f->victims_method == METH_NONE) {
			r->outcome = OUT_OOM_KILLED;
			snprintf(r->cause, sizeof(r->cause),
				 "SIGKILL while the oom_kill counter moved; which process the "
				 "OOM killer chose is unavailable");
		} else if (sig == SIGKILL && kills) {
			snprintf(r->cause, sizeof(r->cause),
				 "SIGKILL not from the OOM killer: it chose %s (%s)",
				 others[0] ? others : "another process of the run", src);
		} else if (cpu_hit && f->main_cpu_s < 0) {
			snprintf(r->cause, sizeof(r->cause), "SIGXCPU at the cpu-time limit");
		} else if (cpu_hit) {
			snprintf(r->cause, sizeof(r->cause),
				 "%s at the cpu-time limit (%.2f s of CPU by %s)",
				 sig == SIGKILL ? "SIGKILL" : "SIGXCPU", f->main_cpu_s,
				 method_name(f->main_cpu_method));
		} else if ((sig == SIGKILL || sig == SIGXCPU) &&
			   (f->cpu_soft_s >= 0 || f->cpu_hard_s >= 0) && f->main_cpu_s >= 0) {
			snprintf(r->cause, sizeof(r->cause),
				 "%s with %.2f s of CPU: short of its cpu-time limit "
				 "(%.0f s soft; %.0f s hard)",
				 sig == SIGKILL ? "SIGKILL" : "SIGXCPU", f->main_cpu_s,
				 f->cpu_soft_s, f->cpu_hard_s);
		} else {
			snprintf(r->cause, sizeof(r->cause), "killed by signal %d (%s)", sig,
				 strsignal(sig));
		}
	}
	if (f->timed_out) {
		r->outcome = OUT_TIMEOUT;
		snprintf(r->cause, sizeof(r->cause), "killed by brink at the timeout");
	}
	if (f->interrupted) {
		r->outcome = OUT_INTERRUPTED;
		snprintf(r->cause, sizeof(r->cause), "killed by brink when it was interrupted");
	}
	/* a process name or a signal's description may hold one */
	for (char *c = r->cause; (c = strchr(c, ',')) != NULL;)
		*c = ';';
}

void run_classify(const struct run_facts *f, struct run_result *r)
{
	int sig = f->ended && WIFSIGNALED(f->wstatus) ? WTERMSIG(f->wstatus) : 0;
	bool cpu_hit = (sig == SIGKILL || sig == SIGXCPU) && cpu_limit_reached(f, sig);
	const struct oom_victim *mv = victim_of(f, f->main_pid);

	/* v1 counts an OOM kill in the victim's own group only (memory.oom_control;
	 * memcg_memory_event() goes up the groups on the unified hierarchy alone):
	 * a victim in a group below the run's moves no counter of the run's. The
	 * tracepoint names every victim of the run's groups: at least that many. */
	r->oom_kills = f->oom_kills;
	if (f->oom_kills != RES_NONE && f->victims_method == METH_TRACEPOINT &&
	    (int64_t)f->n_victims > f->oom_kills)
		r->oom_kills = (int64_t)f->n_victims;
	bool kills = r->oom_kills != RES_NONE && r->oom_kills > 0;
	r->pids_limit_hits = f->pids_limit_hits;
	if (kills && f->victims_method == METH_NONE)
		r->unavailable |= UNAV_OOM_VICTIM;
	/* the main process chosen by the OOM killer did not die of its limit */
	classify_end(f, r, cpu_hit && !mv);

	/* With the watch, exhaustion is a failed call the kernel saw (the rule
	 * of search.c's nofile_held_not_hit): a table filled to the limit by a
	 * program that needs just that many fds failed nothing. Without it a
	 * count at the limit is all there is to go by. */
	bool fds_full = !f->syscalls_watched && f->fd_limit != RES_NONE &&
			f->max_fds_one != RES_NONE && f->max_fds_one >= f->fd_limit;
	r->fd_exhausted = f->syscalls_watched ? f->emfile_method == METH_TRACEPOINT
					      : fds_full || f->emfile_method != METH_NONE;

	r->limit_hit = BP_NONE;
	r->limit_method = METH_NONE;
	if (kills) {
		r->limit_hit = BP_MEMORY;
		r->limit_method = f->oom_kills > 0 ? METH_KERNEL_COUNTER : METH_TRACEPOINT;
	} else if (mv) { /* the global OOM killer, without a memory cgroup */
		r->limit_hit = BP_MEMORY;
		r->limit_method = f->victims_method;
	} else if (r->fd_exhausted) {
		/* the kernel's record of the failing call, when there is one, is
		 * the evidence the fd-exhausted event shows too */
		r->limit_hit = BP_NOFILE;
		r->limit_method = f->emfile_method == METH_TRACEPOINT || !fds_full
				      ? f->emfile_method
				      : f->max_fds_method;
	} else if (f->pids_limit_hits != RES_NONE && f->pids_limit_hits > 0) {
		r->limit_hit = BP_PIDS;
		r->limit_method = METH_KERNEL_COUNTER;
	} else if (f->eagain_under_nproc) {
		r->limit_hit = BP_NPROC;
		r->limit_method = METH_TRACEPOINT;
	} else if (cpu_hit && !f->timed_out && !f->interrupted) {
		r->limit_hit = BP_CPU_TIME;
		r->limit_method = sig == SIGXCPU && f->kernel_sigxcpu >= 0 ? METH_SIGNAL_STOP
				  : f->main_cpu_s >= 0			   ? f->main_cpu_method
									   : METH_EXIT_STATUS;
	} else if (f->enomem_count > 0 && (f->as_limited || f->data_limited)) {
		r->limit_hit = f->as_limited ? BP_AS : BP_DATA;
		r->limit_method = METH_TRACEPOINT;
	} else if (f->timed_out) {
		r->limit_hit = BP_TIMEOUT;
		r->limit_method = METH_TIMER;
	}
}

/* ---- leak verdict ------------------------------------------------------ */

enum { M_RSS, M_MEM, M_FDS, M_THREADS, M_GO_HEAP, M__COUNT };

/* The metrics in leak_metrics order, where each lives, and the breaking point
 * that is its limit. */
static const struct {
	const char *name;
	size_t series, threshold, slope; /* offsets in leak_series, leak_thresholds,
					    run_result */
	double scale;			 /* of the threshold */
	enum breaking_point limit;
} metrics[M__COUNT] = {
    [M_RSS] = {"rss", offsetof(struct leak_series, rss),
	       offsetof(struct leak_thresholds, rss_bytes_per_s),
	       offsetof(struct run_result, rss_slope_bytes_per_s), 1, BP_NONE},
    [M_MEM] = {"mem", offsetof(struct leak_series, mem),
	       offsetof(struct leak_thresholds, rss_bytes_per_s),
	       offsetof(struct run_result, mem_slope_bytes_per_s), LEAK_MEM_SCALE, BP_MEMORY},
    [M_FDS] = {"fds", offsetof(struct leak_series, fds),
	       offsetof(struct leak_thresholds, fds_per_s),
	       offsetof(struct run_result, fd_slope_per_s), 1, BP_NOFILE},
    [M_THREADS] = {"threads", offsetof(struct leak_series, threads),
		   offsetof(struct leak_thresholds, threads_per_s),
		   offsetof(struct run_result, thread_slope_per_s), 1, BP_PIDS},
    /* No limit of its own: an OOM kill is the mem metric's. */
    [M_GO_HEAP] = {"go_heap", offsetof(struct leak_series, go_heap),
		   offsetof(struct leak_thresholds, rss_bytes_per_s),
		   offsetof(struct run_result, go_heap_slope_bytes_per_s), 1, BP_NONE},
};

/* Why a run that ended on breaking point b is a leak when no sampled series
 * shows it: a limit brink keeps no series of. NULL for the others. */
static const char *unsampled_growth(enum breaking_point b)
{
	switch (b) {
	case BP_AS:
		return "the address space reached RLIMIT_AS (the kernel saw a mapping refused with "
		       "ENOMEM): no series of it is sampled";
	case BP_DATA:
		return "the data segment reached RLIMIT_DATA (the kernel saw mmap or brk refused "
		       "with ENOMEM): no series of it is sampled";
	case BP_NPROC:
		return "the user's tasks reached RLIMIT_NPROC (the kernel saw a fork refused with "
		       "EAGAIN): no series of them is sampled";
	default:
		return NULL;
	}
}

/* First point used for the verdict: the first after the warm-up. Start-up
 * (loader, runtime, heap arenas) is growth that is not a leak. */
static size_t verdict_start(const struct series *s, double warmup_s)
{
	size_t i = 0;
	while (i < s->n && s->t[i] < warmup_s)
		i++;
	return i;
}

void leak_verdict(const struct leak_thresholds *th, struct leak_series *ls, struct run_result *r)
{
	double warmup_s = (double)th->warmup_ns / 1e9;
	bool broke[M__COUNT];
	for (int m = 0; m < M__COUNT; m++)
		broke[m] = metrics[m].limit != BP_NONE && r->limit_hit == metrics[m].limit;
	broke[M_FDS] |= r->fd_exhausted;
	broke[M_MEM] |= r->outcome == OUT_OOM_KILLED;
	/* The pids limit counts tasks: unreaped zombies fill it too, without a
	 * thread to show. Threads are the metric that broke only when the live
	 * threads seen came to at least half the limit. */
	bool tasks_not_threads = broke[M_THREADS] && r->pids_limit != RES_NONE &&
				 r->pids_limit > 0 && r->peak_threads != RES_NONE &&
				 r->peak_threads * 2 < r->pids_limit;
	if (tasks_not_threads)
		broke[M_THREADS] = false;
	bool breaking = breaking_point_is_growth(r->limit_hit) || r->fd_exhausted ||
			r->outcome == OUT_OOM_KILLED;

	bool any = false, judged = false;
	size_t used = 0, most = 0;
	r->leak_metrics[0] = '\0';
	r->leak_reason[0] = '\0';
	for (int m = 0; m < M__COUNT; m++) {
		const struct series *s =
		    (const struct series *)((const char *)ls + metrics[m].series);
		double thr =
		    *(const double *)((const char *)th + metrics[m].threshold) * metrics[m].scale;
		double *slope = (double *)((char *)r + metrics[m].slope);
		size_t from = verdict_start(s, warmup_s);
		size_t n = s->n - from;
		bool grows = false;
		*slope = NAN;
		if (n > most)
			most = n;
		if (n >= LEAK_MIN_POINTS) {
			struct mk_result mk;
			judged = true;
			*slope = theil_sen_slope(s->t + from, s->v + from, n);
			mann_kendall(s->v + from, n, &mk);
			grows = *slope >= thr && mk.s > 0 && mk.p < LEAK_MAX_P;
			double span = s->t[s->n - 1] - s->t[from];
			if (m == M_MEM && grows && ls->mem_reclaimable_bytes >= 0 &&
			    *slope * span <= ls->mem_reclaimable_bytes)
				grows = false; /* page cache: droppable, not held */
		}
		any |= grows;
		if (grows || broke[m]) {
			int w = snprintf(r->leak_metrics + used, sizeof(r->leak_metrics) - used,
					 "%s%s", used ? ";" : "", metrics[m].name);
			if (w > 0)
				used += (size_t)w;
		}
	}
	if (any || breaking) {
		r->leak = LEAK_YES;
		/* what was seen: tasks counted by the pids group (and by the
		 * kernel at the refused fork), threads by the samples; whether
		 * the tasks were zombies or live processes between two samples,
		 * neither tells */
		char counted[96] = "";
		if (ls->tasks_at_refusal > 0)
			snprintf(counted, sizeof(counted),
				 " (%lld tasks in the group at the refused fork)",
				 (long long)ls->tasks_at_refusal);
		if (tasks_not_threads && !used)
			snprintf(r->leak_reason, sizeof(r->leak_reason),
				 "the pids limit (%lld) was reached by tasks and not threads%s: "
				 "samples saw at most %lld thread%s; processes that lived between "
				 "two samples or zombies hold pids no sample shows",
				 (long long)r->pids_limit, counted, (long long)r->peak_threads,
				 r->peak_threads == 1 ? "" : "s");
		else if (!used && unsampled_growth(r->limit_hit))
			snprintf(r->leak_reason, sizeof(r->leak_reason), "%s",
				 unsampled_growth(r->limit_hit));
	} else if (judged)
		r->leak = LEAK_NO;
	else {
		r->leak = LEAK_NONE;
		snprintf(r->leak_reason, sizeof(r->leak_reason),
			 "too short for a trend: %zu samples after the %.0f ms warm-up (%d needed)",
			 most, warmup_s * 1e3, LEAK_MIN_POINTS);
	}
}

void leak_series_until(struct leak_series *ls, double until_s)
{
	struct series *all[] = {&ls->rss, &ls->mem, &ls->fds, &ls->threads, &ls->go_heap};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		while (all[i]->n > 0 && all[i]->t[all[i]->n - 1] > until_s)
			all[i]->n--;
}

/* ---- expectations ------------------------------------------------------ */

int expect_parse(const char *s, struct expect *e, const char **why)
{
	struct expect x = {.set = true, .leak = -1, .breaks = -1};
	if (strlen(s) >= sizeof(x.raw)) {
		*why = "too long for an expectation (at most 127 characters)";
		return -1;
	}
	strcpy(x.raw, s);
	for (const char *p = s;;) {
		p += strspn(p, " \t");
		if (!*p)
			break;
		size_t w = strcspn(p, " \t");
		if ((w == 4 && memcmp(p, "leak", 4) == 0) ||
		    (w == 7 && memcmp(p, "no-leak", 7) == 0)) {
			if (x.leak != -1) {
				*why = "give leak or no-leak once";
				return -1;
			}
			x.leak = w == 4;
		} else if (w >= 7 && memcmp(p, "breaks=", 7) == 0) {
			char name[32];
			size_t vl = w - 7;
			if (x.breaks != -1) {
				*why = "give breaks= once";
				return -1;
			}
			/* "none" names BP_NONE, whose table name is empty */
			int b = -1;
			if (vl < sizeof(name)) {
				memcpy(name, p + 7, vl);
				name[vl] = '\0';
				b = strcmp(name, "none") == 0 ? BP_NONE
				    : vl > 0		      ? breaking_point_from_name(name)
							      : -1;
			}
			if (b < 0) {
				*why = "breaks= takes nofile, memory, pids, cpu-time, as, data, "
				       "nproc, timeout or none";
				return -1;
			}
			x.breaks = b;
		} else {
			*why = "expected leak or no-leak, optionally with breaks=LIMIT";
			return -1;
		}
		p += w;
	}
	if (x.leak == -1) {
		*why = "expected leak or no-leak";
		return -1;
	}
	*e = x;
	return 0;
}

/* A breaking point as an expectation names it: "none" for BP_NONE. */
static const char *breaks_word(int b)
{
	return b == BP_NONE ? "none" : breaking_point_name((enum breaking_point)b);
}

int expect_check(const struct expect *e, struct run_result *r)
{
	char *buf = r->expect_failure;
	size_t len = sizeof(r->expect_failure), used = 0;
	buf[0] = '\0';
	if (!e->set)
		return 0;
	bool found = r->leak == LEAK_YES;
	if (e->leak >= 0 && (e->leak == 1) != found) {
		int w = snprintf(buf, len, "expected %s, got %s", e->leak ? "leak" : "no leak",
				 found			? "leak"
				 : r->leak == LEAK_NONE ? "no verdict (run too short)"
							: "no leak");
		used = w > 0 ? (size_t)w : 0;
	}
	if (e->breaks >= 0 && used < len && (int)r->limit_hit != e->breaks) {
		int w = snprintf(buf + used, len - used, "%sexpected breaks=%s, got %s",
				 used ? "; " : "", breaks_word(e->breaks),
				 breaks_word((int)r->limit_hit));
		used += w > 0 ? (size_t)w : 0;
	}
	return buf[0] != '\0';
}
