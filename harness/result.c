/* result.c - the name tables of outcomes, breaking points, methods, leak
 * verdicts and unavailable measurements; run_result defaults (see result.h). */
#include "result.h"

#include <math.h>
#include <string.h>

/* names[i], or "unknown" outside the table. */
static const char *name_at(const char *const *names, int n, int i)
{
	if (i < 0 || i >= n || !names[i])
		return "unknown";
	return names[i];
}

/* The index of `name` in names[0..n), or -1. */
static int name_index(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			return i;
	return -1;
}

static const char *const outcome_names[OUT__COUNT] = {
    [OUT_EXITED] = "exited",   [OUT_SIGNALED] = "signaled",	  [OUT_OOM_KILLED] = "oom-killed",
    [OUT_TIMEOUT] = "timeout", [OUT_EXEC_FAILED] = "exec-failed", [OUT_INTERRUPTED] = "interrupted",
    [OUT_STOPPED] = "stopped", [OUT_NOT_READY] = "not-ready",
};

_Static_assert(sizeof(outcome_names) / sizeof(outcome_names[0]) == OUT__COUNT,
	       "one name per outcome");

const char *outcome_name(enum outcome o)
{
	return name_at(outcome_names, OUT__COUNT, (int)o);
}

int outcome_from_name(const char *name)
{
	return name_index(outcome_names, OUT__COUNT, name);
}

/* One row per breaking point: its name, whether it is a resource grown until
 * it ran out, and whether it is a limit of the program's (not brink's). */
static const struct {
	const char *name;
	bool growth, limit;
} breaking_points[BP__COUNT] = {
    [BP_NONE] = {"", false, false},
    [BP_NOFILE] = {"nofile", true, true},
    [BP_MEMORY] = {"memory", true, true},
    [BP_PIDS] = {"pids", true, true},
    [BP_CPU_TIME] = {"cpu-time", false, true},
    [BP_AS] = {"as", true, true},
    [BP_DATA] = {"data", true, true},
    [BP_NPROC] = {"nproc", true, true},
    [BP_TIMEOUT] = {"timeout", false, false},
};

_Static_assert(sizeof(breaking_points) / sizeof(breaking_points[0]) == BP__COUNT,
	       "one row per breaking point");

const char *breaking_point_name(enum breaking_point b)
{
	if ((unsigned)b >= BP__COUNT || !breaking_points[b].name)
		return "unknown";
	return breaking_points[b].name;
}

int breaking_point_from_name(const char *name)
{
	for (int i = 0; i < BP__COUNT; i++)
		if (breaking_points[i].name && strcmp(breaking_points[i].name, name) == 0)
			return i;
	return -1;
}

bool breaking_point_is_growth(enum breaking_point b)
{
	return (unsigned)b < BP__COUNT && breaking_points[b].growth;
}

bool breaking_point_is_limit(enum breaking_point b)
{
	return (unsigned)b < BP__COUNT && breaking_points[b].limit;
}

static const char *const method_names[METH__COUNT] = {
    [METH_NONE] = "",
    [METH_EXIT_STOP] = "exit-stop",
    [METH_SAMPLING] = "sampling",
    [METH_KERNEL_COUNTER] = "kernel-counter",
    [METH_KERNEL_LOG] = "kernel-log",
    [METH_TRACEPOINT] = "tracepoint",
    [METH_EXIT_STATUS] = "exit-status",
    [METH_SIGNAL_STOP] = "signal-stop",
    [METH_FD_NUMBERS] = "fd-numbers",
    [METH_TIMER] = "timer",
};

const char *method_name(enum method m)
{
	return name_at(method_names, METH__COUNT, (int)m);
}

int method_from_name(const char *name)
{
	return name_index(method_names, METH__COUNT, name);
}

static const char *const leak_names[LEAK__COUNT] = {
    [LEAK_NO] = "no",
    [LEAK_YES] = "yes",
    [LEAK_NONE] = "",
};

const char *leak_verdict_name(enum leak_verdict v)
{
	return name_at(leak_names, LEAK__COUNT, (int)v);
}

int leak_verdict_from_name(const char *name)
{
	return name_index(leak_names, LEAK__COUNT, name);
}

/* Indexed by bit number: bit i of the mask is unavail_names[i]. */
static const char *const unavail_names[] = {
    "mem", "oom", "pids", "procs", "exit-state", "cpus", "oom-victim", "syscalls",
};

#define UNAVAIL_BITS (sizeof(unavail_names) / sizeof(unavail_names[0]))

_Static_assert(UNAV_SYSCALLS == 1u << (UNAVAIL_BITS - 1), "one name per enum unavail bit");

void unavail_format(unsigned mask, char *buf, unsigned long len)
{
	size_t used = 0;
	if (len == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < UNAVAIL_BITS; i++) {
		if (!(mask & (1u << i)))
			continue;
		const char *name = unavail_names[i];
		size_t need = strlen(name) + (used ? 1 : 0);
		if (used + need + 1 > len)
			return; /* truncated at a whole name, never mid-word */
		if (used)
			buf[used++] = ';';
		memcpy(buf + used, name, strlen(name) + 1);
		used += strlen(name);
	}
}

int unavail_parse(const char *s, unsigned *mask)
{
	unsigned m = 0;
	const char *p = s;
	if (*p == '\0') {
		*mask = 0;
		return 0;
	}
	for (;;) {
		size_t wlen = strcspn(p, ";");
		size_t i;
		for (i = 0; i < UNAVAIL_BITS; i++)
			if (strlen(unavail_names[i]) == wlen &&
			    memcmp(unavail_names[i], p, wlen) == 0)
				break;
		if (i == UNAVAIL_BITS || (m & (1u << i)))
			return -1;
		m |= 1u << i;
		if (p[wlen] == '\0')
			break;
		p += wlen + 1;
	}
	*mask = m;
	return 0;
}

void run_result_init(struct run_result *r)
{
	memset(r, 0, sizeof(*r));
	r->rep = RES_NONE;
	r->outcome = OUT_EXITED;
	r->exit_code = RES_NONE;
	r->signal = RES_NONE;
	r->duration_s = -1;
	r->peak_rss_bytes = RES_NONE;
	r->peak_mem_bytes = RES_NONE;
	r->peak_fds = RES_NONE;
	r->peak_threads = RES_NONE;
	r->fd_limit = RES_NONE;
	r->fd_baseline = RES_NONE;
	r->mem_limit_bytes = RES_NONE;
	r->oom_kills = RES_NONE;
	r->oom_onset_s = -1;
	r->pids_limit = RES_NONE;
	r->pids_limit_hits = RES_NONE;
	/* counters, not measurements: a run that never started took 0 samples,
	 * and the monitor counts up from here */
	r->samples = 0;
	r->missed_samples = 0;
	r->first_failure_s = -1;
	r->first_failure_pid = RES_NONE;
	r->emfile_count = RES_NONE;
	r->enfile_count = RES_NONE;
	r->eagain_fork_count = RES_NONE;
	r->enomem_count = RES_NONE;
	r->oom_victim_pid = RES_NONE;
	r->rss_slope_bytes_per_s = NAN;
	r->mem_slope_bytes_per_s = NAN;
	r->fd_slope_per_s = NAN;
	r->thread_slope_per_s = NAN;
	r->nofile_seen = RES_NONE;
	r->exit_nofile = RES_NONE;
	r->exit_fds = RES_NONE;
	r->exit_fd_highest = RES_NONE;
	r->ready_s = -1;
	r->load_exit_code = RES_NONE;
	r->load_duration_s = -1;
	r->go_heap_live_bytes = RES_NONE;
	r->gc_count = RES_NONE;
	r->go_heap_slope_bytes_per_s = NAN;
	r->goroutines = RES_NONE;
}

bool run_samples_missed(const struct run_result *r)
{
	int64_t expected = r->samples + r->missed_samples;
	return r->missed_samples >= 3 && r->missed_samples * 100 > expected;
}
