/* result.c - outcome and unavailable-measurement names, run_result defaults
 * (see result.h). */
#include "result.h"

#include <math.h>
#include <string.h>

static const char *const outcome_names[OUT__COUNT] = {
    [OUT_EXITED] = "exited",   [OUT_SIGNALED] = "signaled",	  [OUT_OOM_KILLED] = "oom-killed",
    [OUT_TIMEOUT] = "timeout", [OUT_EXEC_FAILED] = "exec-failed", [OUT_INTERRUPTED] = "interrupted",
};

_Static_assert(sizeof(outcome_names) / sizeof(outcome_names[0]) == OUT__COUNT,
	       "one name per outcome");

const char *outcome_name(enum outcome o)
{
	if ((unsigned)o >= OUT__COUNT || !outcome_names[o])
		return "unknown";
	return outcome_names[o];
}

int outcome_from_name(const char *name)
{
	for (int i = 0; i < OUT__COUNT; i++)
		if (strcmp(outcome_names[i], name) == 0)
			return i;
	return -1;
}

/* Indexed by bit number: bit i of the mask is unavail_names[i]. */
static const char *const unavail_names[] = {
    "mem", "oom", "pids", "procs", "exit-state", "cpus", "syscalls",
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
	r->fd_slope_per_s = NAN;
	r->thread_slope_per_s = NAN;
	r->nofile_seen = RES_NONE;
	r->exit_nofile = RES_NONE;
	r->exit_fds = RES_NONE;
	r->exit_fd_highest = RES_NONE;
}
