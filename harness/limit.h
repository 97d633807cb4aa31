/* limit.h - every limit brink can put on a run, in one table.
 *
 * A limit is either a cgroup setting (memory, pids, cpus) or an rlimit applied in
 * the child before exec. The table gives its config key (also the long option
 * of `brink exec`, as --KEY), its unit and its help line; adding a limit is one
 * row here plus its application in cgroup.c or limits_apply_rlimits().
 */
#ifndef BRINK_LIMITS_H
#define BRINK_LIMITS_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

/* CPU bandwidth as brink writes it: a quota of CPUs x CG_CPU_PERIOD_US per
 * period of CG_CPU_PERIOD_US microseconds (cpu.max on v2; cpu.cfs_period_us and
 * cpu.cfs_quota_us on v1). The kernel refuses a quota below 1 ms with EINVAL
 * (Documentation/scheduler/sched-bwc.rst: "The minimum quota allowed for the
 * quota or period is 1ms"), so the fewest CPUs brink can set is 1 ms / 100 ms =
 * 0.01, in thousandths of a CPU (the unit of the cpus limit): 10. */
#define CG_CPU_PERIOD_US    100000
#define CG_CPU_QUOTA_MIN_US 1000
#define CG_CPUS_MIN_MILLI   (CG_CPU_QUOTA_MIN_US * 1000LL / CG_CPU_PERIOD_US)

enum limit_id {
	LIM_MEMORY,   /* cgroup memory limit, no swap headroom */
	LIM_PIDS,     /* cgroup pids.max (counts threads) */
	LIM_CPUS,     /* cgroup CPU bandwidth, in milli-CPUs */
	LIM_NOFILE,   /* RLIMIT_NOFILE */
	LIM_NPROC,    /* RLIMIT_NPROC */
	LIM_AS,	      /* RLIMIT_AS */
	LIM_DATA,     /* RLIMIT_DATA */
	LIM_STACK,    /* RLIMIT_STACK */
	LIM_CORE,     /* RLIMIT_CORE */
	LIM_CPU_TIME, /* RLIMIT_CPU, kept in nanoseconds, applied in whole seconds */
	LIM__COUNT
};

enum limit_kind {
	LK_SIZE,     /* bytes: units_parse_size */
	LK_COUNT,    /* units_parse_count */
	LK_DURATION, /* nanoseconds: units_parse_duration */
	LK_CPUS,     /* "0.5", "2": milli-CPUs */
};

struct limit_desc {
	const char *key; /* config key and `brink exec --KEY` */
	enum limit_kind kind;
	int resource;	  /* RLIMIT_* for rlimits, -1 for cgroup limits */
	const char *help; /* one line for --help */
};

extern const struct limit_desc limit_table[LIM__COUNT];

/* Values are BRINK_UNSET (inherit), BRINK_UNLIMITED, or the amount in the
 * table's unit. */
struct limits {
	int64_t v[LIM__COUNT];
};

void limits_init(struct limits *l);

/* Index of the limit whose key is `key`, or -1. */
int limits_find(const char *key);

/* Parse `value` in the unit of limit `id` (a size, a count, a duration in ns,
 * CPUs in thousandths) into *out, without the limit's own bounds (a sweep's
 * step "+1" of nofile is an amount, not a limit); -1 with *why. */
int limits_parse_amount(int id, const char *value, int64_t *out, const char **why);

/* Parse `value` for limit `id` into l->v[id], within the limit's bounds (pids
 * at least 1, nofile at least 4, cpu-time whole seconds); -1 with *why on a bad
 * value. */
int limits_parse(struct limits *l, int id, const char *value, const char **why);

/* Check, before anything runs, that every rlimit asked for can be set here:
 * raising a hard limit needs CAP_SYS_RESOURCE, nofile cannot pass fs.nr_open.
 * On failure the message names the limit, the value asked, the ceiling and why. */
int limits_check(const struct limits *l, struct berr *err);
/* The same for limit `id` alone (0 when it is not an rlimit or not set). */
int limits_check_one(const struct limits *l, int id, struct berr *err);

/* In the child, before exec: set soft = hard = value for every rlimit given.
 * Async-signal-safe. Returns 0, or -1 with errno set and *failed = limit id. */
int limits_apply_rlimits(const struct limits *l, int *failed);

/* A value of limit `id` for people, by the limit's kind: a size with
 * units_format_size (rounded: 1536 -> "1.5 KiB"), or with `whole` with
 * units_format_size_whole (never rounded: "1536 bytes"); a duration with
 * units_format_duration; CPUs with units_format_cpus (500 -> "0.5"); a count
 * as the number. Returns buf. */
char *limits_format(int id, int64_t v, bool whole, char *buf, size_t len);

#endif
