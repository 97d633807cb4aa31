/* probe.c - see probe.h. */
#include "probe.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "sample.h"
#include "units.h"

static void put_file(FILE *out, const char *key, const char *path)
{
	FILE *f = fopen(path, "re");
	char buf[256] = "";
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	fprintf(out, "%s = %s\n", key, buf[0] ? buf : "unknown");
}

static void put_rlimit(FILE *out, const char *key, int res)
{
	struct rlimit rl;
	if (getrlimit(res, &rl) != 0) {
		fprintf(out, "%s = unknown\n", key);
		return;
	}
	fprintf(out, "%s = ", key);
	if (rl.rlim_cur == RLIM_INFINITY)
		fprintf(out, "unlimited/");
	else
		fprintf(out, "%llu/", (unsigned long long)rl.rlim_cur);
	if (rl.rlim_max == RLIM_INFINITY)
		fprintf(out, "unlimited\n");
	else
		fprintf(out, "%llu\n", (unsigned long long)rl.rlim_max);
}

void probe_write(FILE *out, const struct cg_system *sys)
{
	struct utsname u;
	fprintf(out, "[machine]\n");
	if (uname(&u) == 0)
		fprintf(out, "kernel = %s %s %s\n", u.sysname, u.release, u.machine);
	fprintf(out, "cgroup_mode = %s\n", sys->mode);
	for (int c = 0; c < CG__COUNT; c++) {
		const struct cg_ctrl_state *s = &sys->ctrl[c];
		fprintf(out, "cgroup_%s = ", cg_ctrl_name(c));
		if (s->usable)
			fprintf(out, "v%d %s%s\n", s->version, s->mount, s->own);
		else
			fprintf(out, "unavailable: %s\n", s->why);
	}
	put_rlimit(out, "rlimit_nofile", RLIMIT_NOFILE);
	put_rlimit(out, "rlimit_nproc", RLIMIT_NPROC);
	put_rlimit(out, "rlimit_stack", RLIMIT_STACK);
	fprintf(out, "fd_count = %s\n",
		sampler_fd_fast_path() ? "stat st_size (O(1))" : "readdir (O(fds))");
	put_file(out, "nr_open", "/proc/sys/fs/nr_open");
	put_file(out, "threads_max", "/proc/sys/kernel/threads-max");
	put_file(out, "pid_max", "/proc/sys/kernel/pid_max");
	fprintf(out, "cpus = %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
	fprintf(out, "memory_bytes = %lld\n",
		(long long)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE));
	fprintf(out, "page_size = %ld\n", sysconf(_SC_PAGESIZE));
	/* What brink and its runs may use here at most (a batch job's allocation). */
	int64_t ceiling;
	char where[PATH_MAX + 64];
	struct berr err = {0};
	if (!cg_system_any(sys))
		fprintf(out, "memory_ceiling = unknown: no cgroup in use\n");
	else if (cg_memory_ceiling(&ceiling, where, sizeof(where), &err) != 0)
		fprintf(out, "memory_ceiling = unknown: %s\n", err.msg);
	else if (ceiling == BRINK_UNLIMITED)
		fprintf(out, "memory_ceiling = none (%s)\n", where);
	else
		fprintf(out, "memory_ceiling = %lld (%s)\n", (long long)ceiling, where);
}
