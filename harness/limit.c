/* limit.c - the limit table, parsing and the rlimit side (see limit.h). */
#include "limit.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "units.h"

const struct limit_desc limit_table[LIM__COUNT] = {
    [LIM_MEMORY] = {"memory", LK_SIZE, -1, "cgroup memory limit, no swap (e.g. 64M, 1.5G)"},
    [LIM_PIDS] = {"pids", LK_COUNT, -1, "cgroup pids limit: processes and threads"},
    [LIM_CPUS] = {"cpus", LK_CPUS, -1, "cgroup CPU bandwidth in CPUs, at least 0.01 (e.g. 0.5)"},
    [LIM_NOFILE] = {"nofile", LK_COUNT, RLIMIT_NOFILE, "open files per process (RLIMIT_NOFILE)"},
    [LIM_NPROC] = {"nproc", LK_COUNT, RLIMIT_NPROC,
		   "processes of the real uid (RLIMIT_NPROC; root ignores it)"},
    [LIM_AS] = {"as", LK_SIZE, RLIMIT_AS, "address space (RLIMIT_AS; breaks Go and sanitizers)"},
    [LIM_DATA] = {"data", LK_SIZE, RLIMIT_DATA, "data segment and heap (RLIMIT_DATA)"},
    [LIM_STACK] = {"stack", LK_SIZE, RLIMIT_STACK, "main thread stack (RLIMIT_STACK)"},
    [LIM_CORE] = {"core", LK_SIZE, RLIMIT_CORE, "core dump size (RLIMIT_CORE)"},
    [LIM_CPU_TIME] = {"cpu-time", LK_DURATION, RLIMIT_CPU,
		      "CPU time (RLIMIT_CPU, whole seconds; SIGXCPU then SIGKILL)"},
};

_Static_assert(sizeof(limit_table) / sizeof(limit_table[0]) == LIM__COUNT, "one row per limit");

void limits_init(struct limits *l)
{
	for (int i = 0; i < LIM__COUNT; i++)
		l->v[i] = BRINK_UNSET;
}

int limits_find(const char *key)
{
	for (int i = 0; i < LIM__COUNT; i++)
		if (strcmp(limit_table[i].key, key) == 0)
			return i;
	return -1;
}

static int parse_cpus(const char *s, int64_t *milli, const char **why)
{
	static const char expected[] = "expected a number of CPUs such as 0.5 or 2, or max";
	if (strcmp(s, "max") == 0 || strcmp(s, "unlimited") == 0) {
		*milli = BRINK_UNLIMITED;
		return 0;
	}
	if (units_parse_fixed(s, 3, milli) != 0 || *milli < 1)
		goto bad;
	return 0;
bad:
	*why = expected;
	return -1;
}

int limits_parse_amount(int id, const char *value, int64_t *out, const char **why)
{
	int64_t v;
	int rc;
	switch (limit_table[id].kind) {
	case LK_SIZE:
		rc = units_parse_size(value, &v, why);
		break;
	case LK_COUNT:
		rc = units_parse_count(value, &v, why);
		break;
	case LK_DURATION:
		rc = units_parse_duration(value, &v, why);
		break;
	case LK_CPUS:
		rc = parse_cpus(value, &v, why);
		break;
	default:
		rc = -1;
	}
	if (rc == 0)
		*out = v;
	return rc;
}

int limits_parse(struct limits *l, int id, const char *value, const char **why)
{
	int64_t v;
	int rc = limits_parse_amount(id, value, &v, why);
	if (rc == 0 && id == LIM_PIDS && v == 0) {
		*why = "expected at least 1 (the program itself is a task)";
		return -1;
	}
	/* 0, 1 and 2 are open before exec and the dynamic loader opens the
	 * libraries it maps: below 4 a dynamically linked program cannot start. */
	if (rc == 0 && id == LIM_NOFILE && v != BRINK_UNLIMITED && v < 4) {
		*why = "expected at least 4 (stdin, stdout and stderr are open, and the dynamic "
		       "loader needs one more to open libc)";
		return -1;
	}
	/* the quota cgroup.c writes is cpus x its period: below the kernel's
	 * minimum quota the write fails with EINVAL, after the result directory
	 * was made; refused here instead */
	if (rc == 0 && id == LIM_CPUS && v != BRINK_UNLIMITED && v < CG_CPUS_MIN_MILLI) {
		static char msg[160];
		snprintf(msg, sizeof(msg),
			 "expected at least %g: brink sets a CPU quota per %d ms period, and the "
			 "kernel's smallest quota is %d ms",
			 CG_CPUS_MIN_MILLI / 1000.0, CG_CPU_PERIOD_US / 1000,
			 CG_CPU_QUOTA_MIN_US / 1000);
		*why = msg;
		return -1;
	}
	/* RLIMIT_CPU counts whole seconds: 1500ms cannot be set, only 1s or 2s. */
	if (rc == 0 && id == LIM_CPU_TIME && v != BRINK_UNLIMITED &&
	    (v % 1000000000LL != 0 || v == 0)) {
		*why = "expected whole seconds, at least 1s (RLIMIT_CPU counts seconds), such as "
		       "2s";
		return -1;
	}
	if (rc == 0)
		l->v[id] = v;
	return rc;
}

static rlim_t to_rlim(int id, int64_t v)
{
	if (v == BRINK_UNLIMITED)
		return RLIM_INFINITY;
	if (id == LIM_CPU_TIME) /* whole seconds, rounded up so a limit is never 0 */
		return (rlim_t)((v + 999999999) / 1000000000);
	return (rlim_t)v;
}

static int have_cap_sys_resource(void)
{
	/* CapEff from /proc/self/status avoids a libcap dependency. */
	FILE *f = fopen("/proc/self/status", "re");
	if (!f)
		return 0;
	char line[256];
	unsigned long long eff = 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(f);
	return (eff >> 24) & 1; /* CAP_SYS_RESOURCE */
}

static long long read_nr_open(void)
{
	FILE *f = fopen("/proc/sys/fs/nr_open", "re");
	long long v = -1;
	if (f) {
		if (fscanf(f, "%lld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

int limits_check(const struct limits *l, struct berr *err)
{
	for (int id = 0; id < LIM__COUNT; id++)
		if (limits_check_one(l, id, err) != 0)
			return -1;
	return 0;
}

int limits_check_one(const struct limits *l, int id, struct berr *err)
{
	int cap = -1;
	{
		int res = limit_table[id].resource;
		int64_t v = l->v[id];
		if (res < 0 || v == BRINK_UNSET)
			return 0;
		struct rlimit cur;
		if (getrlimit(res, &cur) != 0)
			return berr_set(err, errno, "%s: cannot read the current limit",
					limit_table[id].key);
		rlim_t want = to_rlim(id, v);
		if (id == LIM_NOFILE) {
			long long nr_open = read_nr_open();
			if (want == RLIM_INFINITY || (nr_open > 0 && want > (rlim_t)nr_open))
				return berr_set(err, 0,
						"nofile: cannot set %s: the kernel's ceiling "
						"fs.nr_open is %lld",
						want == RLIM_INFINITY ? "unlimited" : "this value",
						nr_open);
		}
		if (want <= cur.rlim_max || cur.rlim_max == RLIM_INFINITY)
			return 0;
		if (cap < 0)
			cap = have_cap_sys_resource();
		if (!cap) {
			char asked[32];
			if (want == RLIM_INFINITY)
				snprintf(asked, sizeof(asked), "unlimited");
			else
				snprintf(asked, sizeof(asked), "%llu", (unsigned long long)want);
			return berr_set(
			    err, 0,
			    "%s: cannot set %s: the hard limit here is %llu and "
			    "raising it needs CAP_SYS_RESOURCE, which brink does not have",
			    limit_table[id].key, asked, (unsigned long long)cur.rlim_max);
		}
	}
	return 0;
}

int limits_apply_rlimits(const struct limits *l, int *failed)
{
	for (int id = 0; id < LIM__COUNT; id++) {
		int res = limit_table[id].resource;
		if (res < 0 || l->v[id] == BRINK_UNSET)
			continue;
		rlim_t v = to_rlim(id, l->v[id]);
		struct rlimit r = {v, v};
		if (id == LIM_CPU_TIME && v != RLIM_INFINITY)
			r.rlim_max = v + 1; /* SIGXCPU at the soft limit, SIGKILL a second later */
		if (setrlimit(res, &r) != 0) {
			*failed = id;
			return -1;
		}
	}
	return 0;
}

char *limits_format(int id, int64_t v, bool whole, char *buf, size_t len)
{
	switch (limit_table[id].kind) {
	case LK_SIZE:
		return whole ? units_format_size_whole(v, buf, len)
			     : units_format_size(v, buf, len);
	case LK_DURATION:
		return units_format_duration(v, buf, len);
	case LK_CPUS:
		return units_format_cpus(v, buf, len);
	case LK_COUNT:
		break;
	}
	snprintf(buf, len, "%" PRId64, v);
	return buf;
}
