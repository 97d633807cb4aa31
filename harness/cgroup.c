/* cgroup.c - run cgroups on v1 and v2 (see cgroup.h). The only file that knows
 * cgroup file names (cgroup_v2.c takes them from here). */
#include "cgroup.h"
#include "cgroup_int.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libcgroup.h>
#include <linux/magic.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "path.h"
#include "procstat.h"
#include "units.h"

static const char *const ctrl_names[CG__COUNT] = {"memory", "pids", "cpu"};

const char *cg_ctrl_name(enum cg_ctrl c)
{
	return ctrl_names[c];
}

/* The files brink reads or writes, per version: index [v2] (enum cg_file in
 * cgroup_int.h). */
static const char *const file_names[F__COUNT][2] = {
    [F_MEM_LIMIT] = {"memory.limit_in_bytes", "memory.max"},
    /* v1: memsw is memory+swap, so equal to the memory limit means no swap;
     * v2: swap alone, so 0. */
    [F_MEM_SWAP_LIMIT] = {"memory.memsw.limit_in_bytes", "memory.swap.max"},
    [F_MEM_CURRENT] = {"memory.usage_in_bytes", "memory.current"},
    [F_MEM_PEAK] = {"memory.max_usage_in_bytes", "memory.peak"},
    /* v1: oom_control holds oom_kill (>= 4.13) and takes an eventfd through
     * cgroup.event_control; v2: memory.events, pollable with POLLPRI. */
    [F_MEM_OOM] = {"memory.oom_control", "memory.events"},
    [F_PIDS_MAX] = {"pids.max", "pids.max"},
    [F_PIDS_EVENTS] = {"pids.events", "pids.events"},
    [F_PIDS_PEAK] = {"pids.peak", "pids.peak"},
    [F_PIDS_CURRENT] = {"pids.current", "pids.current"},
    [F_CPU_QUOTA] = {"cpu.cfs_quota_us", "cpu.max"},
    [F_PROCS] = {"cgroup.procs", "cgroup.procs"},
    /* page cache charged to the group: "cache" (v1) or "file" (v2), tmpfs and
     * shared memory ("shmem") included in it on both; v1 only: the limit that
     * applies once every ancestor is counted (hierarchical_memory_limit) */
    [F_MEM_STAT] = {"memory.stat", "memory.stat"},
    [F_CONTROLLERS] = {NULL, "cgroup.controllers"},
    [F_SUBTREE_CONTROL] = {NULL, "cgroup.subtree_control"},
};

const char *cg_file_name(enum cg_file f, int version)
{
	return file_names[f][version == 2];
}

static const char *fname(const struct cg_system *sys, enum cg_ctrl c, enum cg_file f)
{
	return cg_file_name(f, sys->ctrl[c].version);
}

struct cg_run {
	struct cg_system *sys;
	int n;
	bool have[CG__COUNT];
	char path[CG__COUNT][PATH_MAX]; /* absolute directory */
	struct cgroup *lib[CG__COUNT];	/* libcgroup handle, NULL when shared (v2) */
	int mem_current_fd, mem_peak_fd, oom_file_fd, oom_event_fd, pids_events_fd;
	int pids_peak_fd, procs_fd;
	int pids_current_fd;   /* tasks of the group: the sampler's change signal */
	bool procs_cached;     /* v1: a kept-open cgroup.procs serves a cached list */
	int nest_wd;	       /* v1: its directory's watch in sys->nest_fd, or -1 */
	int nested;	       /* groups below it, as of the watch's last event */
	int64_t v1_oom_events; /* eventfd wake-ups seen (v1 has no "oom" counter) */
};

/* ---- small file helpers ---- */

int cg_write(const char *dir, const char *file, const char *val, struct berr *err)
{
	char p[PATH_MAX];
	if (path_fmt(p, sizeof(p), "%s/%s", dir, file) != 0)
		return berr_set(err, errno, "%s/%s", dir, file);
	int fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return berr_set(err, errno, "cannot open %s", p);
	ssize_t n = write(fd, val, strlen(val));
	int e = errno;
	close(fd);
	if (n < 0)
		return berr_set(err, e, "cannot write \"%s\" to %s", val, p);
	return 0;
}

static bool file_exists(const char *dir, const char *file)
{
	char p[PATH_MAX];
	return path_fmt(p, sizeof(p), "%s/%s", dir, file) == 0 && access(p, F_OK) == 0;
}

int cg_open_ro(const char *dir, const char *file)
{
	char p[PATH_MAX];
	if (path_fmt(p, sizeof(p), "%s/%s", dir, file) != 0)
		return -1;
	return open(p, O_RDONLY | O_CLOEXEC);
}

/* pread a small file from offset 0 into buf; returns length or -1. */
ssize_t cg_pread_all(int fd, char *buf, size_t cap)
{
	if (fd < 0)
		return -1;
	ssize_t n = pread(fd, buf, cap - 1, 0);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

static int64_t read_int_fd(int fd)
{
	char buf[64];
	if (cg_pread_all(fd, buf, sizeof(buf)) <= 0)
		return -1;
	char *end;
	errno = 0;
	long long v = strtoll(buf, &end, 10);
	if (errno || end == buf || (*end && *end != '\n'))
		return -1;
	return v;
}

/* Value of `key` in the "key value\n" lines of buf, or -1 when absent. */
static int64_t keyed_value(char *buf, const char *key)
{
	size_t klen = strlen(key);
	for (char *line = buf; line && *line;) {
		char *nl = strchr(line, '\n');
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
			char *end;
			errno = 0;
			long long v = strtoll(line + klen + 1, &end, 10);
			if (errno || end == line + klen + 1 || (*end && *end != '\n'))
				return -1;
			return v;
		}
		line = nl ? nl + 1 : NULL;
	}
	return -1;
}

/* Value of `key` in a "key value\n" file, or -1 when absent or unreadable. */
static int64_t read_keyed_fd(int fd, const char *key)
{
	char buf[1024];
	if (cg_pread_all(fd, buf, sizeof(buf)) <= 0)
		return -1;
	return keyed_value(buf, key);
}

/* ---- system probe ---- */

/* brink's own group in the hierarchy of controller `name` (v1) or the unified
 * one (v2), from /proc/self/cgroup. */
static int own_cgroup(const char *name, int version, char *out, size_t len)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return -1;
	char line[4096];
	int found = -1;
	while (found < 0 && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c1 = *c2 = '\0';
		const char *ctrls = c1 + 1, *path = c2 + 1;
		if (version == 2) {
			if (strcmp(line, "0") == 0 && *ctrls == '\0')
				found = 0;
		} else {
			char list[256];
			snprintf(list, sizeof(list), "%s", ctrls);
			for (char *save, *t = strtok_r(list, ",", &save); t;
			     t = strtok_r(NULL, ",", &save))
				if (strcmp(t, name) == 0)
					found = 0;
		}
		if (found == 0)
			snprintf(out, len, "%s", path);
	}
	fclose(f);
	return found;
}

static long long proc_starttime(pid_t pid)
{
	return procstat_field(pid, 22);
}

void cg_dir(const struct cg_system *sys, enum cg_ctrl c, const char *sub, char *out, size_t len)
{
	const struct cg_ctrl_state *s = &sys->ctrl[c];
	const char *own = strcmp(s->own, "/") == 0 ? "" : s->own;
	if (path_fmt(out, len, "%s%s%s%s", s->mount, own, sub ? "/" : "", sub ? sub : "") != 0)
		out[0] = '\0'; /* an empty path fails loudly at first use */
}

static int kill_listed(const char *dir, void (*reap)(void *), void *arg);

/* Remove a directory tree of cgroups (children first), killing tasks inside;
 * bounded. 0, or -1 with err naming the first directory that would not go (a
 * child's, when that is what kept `dir`). */
static int remove_tree(const char *dir, void (*reap)(void *), void *arg, struct berr *err)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : berr_set(err, errno, "cannot open %s", dir);
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		char sub[PATH_MAX];
		if (path_fmt(sub, sizeof(sub), "%s/%s", dir, e->d_name) != 0)
			continue;
		if (remove_tree(sub, reap, arg, rc == 0 ? err : NULL) != 0)
			rc = -1;
	}
	closedir(d);
	/* Tasks that outlived their kill's bound, or a child group that would not
	 * go, keep `dir` busy: one try then, not another wait. */
	bool stuck = kill_listed(dir, reap, arg) > 0 || rc != 0;
	/* bounded: about 2 s (cg_hurry: cut short) */
	for (int i = 0; i < 200; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return rc;
		if (errno != EBUSY || stuck || cg_hurry())
			break;
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	if (rc == 0)
		berr_set(err, errno, "cannot remove %s", dir);
	return -1;
}

static void no_reap(void *arg)
{
	(void)arg;
}

void cg_warn(struct cg_system *sys, const char *fmt, ...)
{
	char *line = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&line, fmt, ap);
	va_end(ap);
	char **w = n < 0 ? NULL : realloc(sys->warn, (sys->n_warn + 1) * sizeof(*w));
	if (!w) {
		if (n >= 0)
			free(line);
		sys->warn_lost++;
		return;
	}
	sys->warn = w;
	w[sys->n_warn++] = line;
}

void cg_system_flush_warnings(struct cg_system *sys, void (*say)(void *arg, const char *line),
			      void *arg)
{
	if (!sys)
		return;
	for (size_t i = 0; i < sys->n_warn; i++) {
		if (say)
			say(arg, sys->warn[i]);
		free(sys->warn[i]);
	}
	free(sys->warn);
	sys->warn = NULL;
	sys->n_warn = 0;
	if (sys->warn_lost && say)
		say(arg, "more cgroup warnings were lost (out of memory)");
	sys->warn_lost = 0;
}

/* ---- the proof of life of a brink: the lock on its parent group ----
 *
 * A brink takes flock(2) LOCK_EX on its parent group's directory right after
 * making it and holds it until it removes the group or dies: the kernel lets
 * the lock go with the last fd, however brink ends (SIGKILL included). The
 * directory is the same inode from every pid and mount namespace, while a pid is
 * not: a brink in another pid namespace (unshare --pid --mount-proc) shows /proc
 * a pid it does not know, or knows as another process. Once locked, the group
 * gets the sticky bit (mode 1755): "made by a brink that holds this lock while
 * it lives". kernfs keeps the mode as set; the bit only restricts removals by
 * other users inside the group, which are not allowed there anyway. */
#define LOCKED_MARK S_ISVTX

/* Try the lock of `dir` without waiting. 0: taken, *fd holds it; 1: held by
 * another open file (a live brink); -1: cannot open or lock (errno). */
static int lock_dir(const char *dir, int *fd)
{
	*fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*fd < 0)
		return -1;
	if (flock(*fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	int e = errno;
	close(*fd);
	*fd = -1;
	errno = e;
	return e == EWOULDBLOCK ? 1 : -1;
}

/* Can a pid in a group's name be looked up in /proc here? Only in the initial
 * pid namespace, which sees every process (with the pids a brink there uses in
 * its name). Its namespace has a fixed inode number, PROC_PID_INIT_INO
 * (include/linux/proc_ns.h). */
static bool pids_comparable(void)
{
	struct stat st;
	return stat("/proc/self/ns/pid", &st) == 0 && st.st_ino == 0xEFFFFFFCu;
}

/* Is the brink that made `dir` (named brink-PID-START) proven gone? Not while
 * PID with START is alive here, nor while anybody holds the group's lock. A
 * free lock proves it for a group with the mark (its owner held the lock). For
 * one without (a brink from before the lock, or one between its mkdir and its
 * lock), the pid does, where pids are comparable (pids_comparable). On true,
 * *lockfd holds the lock, which keeps another brink cleaning up at the same
 * time out; the caller closes it after the removal. When in doubt (the
 * directory cannot be opened or locked), the owner is not proven gone. */
static bool owner_gone(const char *dir, int pid, long long start, int *lockfd)
{
	*lockfd = -1;
	if (pid > 0 && proc_starttime(pid) == start)
		return false;
	int fd;
	if (lock_dir(dir, &fd) != 0)
		return false;
	struct stat st;
	if (fstat(fd, &st) != 0 || (!(st.st_mode & LOCKED_MARK) && !pids_comparable())) {
		close(fd);
		return false;
	}
	*lockfd = fd;
	return true;
}

void cg_remove_stale(struct cg_system *sys, enum cg_ctrl c)
{
	char base[PATH_MAX];
	cg_dir(sys, c, NULL, base, sizeof(base));
	DIR *d = opendir(base);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		int pid;
		long long start;
		char tail;
		if (sscanf(e->d_name, "brink-%d-%lld%c", &pid, &start, &tail) != 2 ||
		    strcmp(e->d_name, sys->parent) == 0)
			continue;
		char p[PATH_MAX];
		if (path_fmt(p, sizeof(p), "%s/%s", base, e->d_name) != 0)
			continue;
		int lock;
		if (!owner_gone(p, pid, start, &lock))
			continue; /* alive, or not proven gone: not ours to touch */
		struct berr err = {0};
		if (remove_tree(p, no_reap, NULL, &err) == 0) {
			cg_warn(sys, "removed %s, left by brink %d which is gone", p, pid);
			sys->stale_removed++;
		} else {
			cg_warn(sys, "cannot remove %s left by a dead brink: %s", p, err.msg);
		}
		close(lock);
	}
	closedir(d);
}

int cg_parent_make(struct cg_system *sys, enum cg_ctrl c, const char *dir, struct berr *err)
{
	/* v1 controllers mounted together share one parent group, made and
	 * locked once. */
	for (int o = 0; o < (int)c; o++) {
		char other[PATH_MAX];
		if (!sys->parent_made[o] || sys->ctrl[o].version != sys->ctrl[c].version)
			continue;
		cg_dir(sys, (enum cg_ctrl)o, sys->parent, other, sizeof(other));
		if (strcmp(other, dir) == 0) {
			sys->parent_made[c] = true;
			return 0;
		}
	}
	for (int attempt = 0; attempt < 3; attempt++) {
		if (mkdir(dir, 0755) != 0 && errno != EEXIST)
			return berr_set(err, errno, "cannot create %s", dir);
		/* Another brink may hold the lock for a moment: it found this group
		 * before it was locked and is judging it (owner_gone). Bounded. */
		int fd = -1, rc = 1;
		for (int i = 0; i < 300 && rc == 1; i++) { /* about 3 s */
			rc = lock_dir(dir, &fd);
			if (rc == 1) {
				struct timespec ts = {0, 10 * 1000 * 1000};
				nanosleep(&ts, NULL);
			}
		}
		if (rc != 0)
			return berr_set(err, errno, "cannot lock %s", dir);
		/* Still the group made above? That other brink may have removed it. */
		struct stat held, now;
		if (fstat(fd, &held) == 0 && stat(dir, &now) == 0 && held.st_ino == now.st_ino &&
		    held.st_dev == now.st_dev) {
			/* The mark, mode 1755 whatever the umask. Without it the group
			 * is judged as an older brink's: still safe, only removed later
			 * by a brink in the initial pid namespace. */
			if (fchmod(fd, LOCKED_MARK | 0755) != 0)
				cg_warn(sys, "cannot mark %s as locked (chmod 1755): %s", dir,
					strerror(errno));
			sys->lock_fd[c] = fd;
			sys->parent_made[c] = true;
			return 0;
		}
		close(fd);
	}
	return berr_set(err, 0, "cannot keep %s: removed by another brink as soon as made", dir);
}

void cg_parent_remove(struct cg_system *sys, enum cg_ctrl c, const char *dir)
{
	struct berr err = {0};
	if (remove_tree(dir, no_reap, NULL, &err) != 0) {
		/* "cannot remove DIR: ..." as it is, else what kept DIR there */
		size_t dl = strlen(dir);
		if (strncmp(err.msg, "cannot remove ", 14) != 0 ||
		    strncmp(err.msg + 14, dir, dl) != 0 || err.msg[14 + dl] != ':')
			berr_wrap(&err, "cannot remove %s", dir);
		cg_warn(sys, "%s", err.msg);
	}
	if (sys->lock_fd[c] >= 0)
		close(sys->lock_fd[c]);
	sys->lock_fd[c] = -1;
	sys->parent_made[c] = false;
}

static void vmark(struct cg_ctrl_state *s, const char *fmt, va_list ap)
{
	s->usable = false;
	vsnprintf(s->why, sizeof(s->why), fmt, ap);
}

void cg_mark(struct cg_system *sys, enum cg_ctrl c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmark(&sys->ctrl[c], fmt, ap);
	va_end(ap);
}

void cg_mark_all(struct cg_system *sys, unsigned mask, const char *fmt, ...)
{
	for (int c = 0; c < CG__COUNT; c++) {
		if (!(mask & (1u << c)))
			continue;
		va_list ap;
		va_start(ap, fmt);
		vmark(&sys->ctrl[c], fmt, ap);
		va_end(ap);
	}
}

int cg_list_has(const char *dir, const char *file, const char *word)
{
	char buf[512];
	int fd = cg_open_ro(dir, file);
	if (fd < 0)
		return -1;
	ssize_t n = cg_pread_all(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return -1;
	for (char *save, *t = strtok_r(buf, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
		if (strcmp(t, word) == 0)
			return 1;
	return 0;
}

int cg_ctrl_proven(const struct cg_system *sys, enum cg_ctrl c, const char *dir, struct berr *err)
{
	/* The limit file: it exists only where the controller is enabled, and
	 * writing it is what brink does with the controller. */
	static const enum cg_file proof[CG__COUNT] = {
	    [CG_MEMORY] = F_MEM_LIMIT, [CG_PIDS] = F_PIDS_MAX, [CG_CPU] = F_CPU_QUOTA};
	const char *f = fname(sys, c, proof[c]);
	if (!file_exists(dir, f))
		return berr_set(err, 0, "%s has no %s", dir, f);
	return 0;
}

/* ---- v1: one parent group in each controller's hierarchy ---- */

static void v1_setup(struct cg_system *sys)
{
	for (int c = 0; c < CG__COUNT; c++) {
		if (!sys->ctrl[c].usable || sys->ctrl[c].version != 1)
			continue;
		cg_remove_stale(sys, c);
		char parent[PATH_MAX];
		cg_dir(sys, c, sys->parent, parent, sizeof(parent));
		/* The limit file must exist in a child: check it in our parent group,
		 * which is a child of brink's own. */
		struct berr err = {0};
		if (cg_parent_make(sys, c, parent, &err) != 0 ||
		    cg_ctrl_proven(sys, c, parent, &err) != 0)
			cg_mark(sys, c, "%s", err.msg);
	}
}

static void v1_teardown(struct cg_system *sys)
{
	for (int c = 0; c < CG__COUNT; c++) {
		if (!sys->parent_made[c] || sys->ctrl[c].version != 1)
			continue;
		char parent[PATH_MAX];
		cg_dir(sys, c, sys->parent, parent, sizeof(parent));
		cg_parent_remove(sys, c, parent);
	}
}

const struct cg_hier cg_hier_v1 = {.setup = v1_setup, .teardown = v1_teardown};

/* The strategies, in the order they set up (v2 first) and tear down. */
static const struct cg_hier *const hiers[] = {&cg_hier_v2, &cg_hier_v1};

/* Mounts, versions and brink's own group of each controller; `versions` gets
 * a bit per version seen (1 | 2). */
static int probe_mounts(struct cg_system *sys, bool disable)
{
	int versions = 0;
	int rc = disable ? -1 : cgroup_init();
	for (int c = 0; c < CG__COUNT; c++) {
		struct cg_ctrl_state *s = &sys->ctrl[c];
		if (disable) {
			cg_mark(sys, c, "cgroups disabled by --no-cgroup");
			continue;
		}
		if (rc != 0) {
			cg_mark(sys, c, "libcgroup cannot initialise: %s", cgroup_strerror(rc));
			continue;
		}
		char *mp = NULL;
		if (cgroup_get_subsys_mount_point(ctrl_names[c], &mp) != 0 || !mp) {
			cg_mark(sys, c, "the %s controller is not mounted", ctrl_names[c]);
			free(mp);
			continue;
		}
		snprintf(s->mount, sizeof(s->mount), "%s", mp);
		free(mp);
		struct statfs st;
		if (statfs(s->mount, &st) != 0) {
			cg_mark(sys, c, "cannot statfs %s: %s", s->mount, strerror(errno));
			continue;
		}
		s->version = st.f_type == CGROUP2_SUPER_MAGIC ? 2 : 1;
		versions |= s->version;
		if (own_cgroup(ctrl_names[c], s->version, s->own, sizeof(s->own)) != 0) {
			cg_mark(sys, c, "brink's own %s group is not in /proc/self/cgroup",
				ctrl_names[c]);
			continue;
		}
		s->usable = true;
	}
	return versions;
}

void cg_system_init(struct cg_system *sys, bool disable)
{
	memset(sys, 0, sizeof(*sys));
	for (int c = 0; c < CG__COUNT; c++)
		sys->lock_fd[c] = -1;
	sys->nest_fd = -1;
	snprintf(sys->parent, sizeof(sys->parent), "brink-%d-%lld", (int)getpid(),
		 proc_starttime(getpid()));
	int versions = probe_mounts(sys, disable);
	snprintf(sys->mode, sizeof(sys->mode), "%s",
		 versions == 3	 ? "hybrid"
		 : versions == 2 ? "v2"
		 : versions == 1 ? "v1"
				 : "none");
	if (versions == 1 && access("/sys/fs/cgroup/unified/cgroup.controllers", F_OK) == 0)
		snprintf(sys->mode, sizeof(sys->mode), "hybrid");
	for (size_t i = 0; i < sizeof(hiers) / sizeof(hiers[0]); i++)
		hiers[i]->setup(sys);
}

/* Limits at or above this are "none": v1 reports PAGE_COUNTER_MAX pages in bytes
 * (9223372036854771712 with 4 KiB pages), not -1. */
#define MEM_NO_LIMIT (INT64_MAX / 2)

/* A limit value as the kernel prints it: "max" (v2) or a decimal; -2 if neither. */
static int64_t parse_mem_limit(const char *s)
{
	if (strncmp(s, "max", 3) == 0 && (s[3] == '\0' || s[3] == '\n'))
		return BRINK_UNLIMITED;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno == ERANGE || end == s || (*end && *end != '\n'))
		return -2;
	return v >= (unsigned long long)MEM_NO_LIMIT ? BRINK_UNLIMITED : (int64_t)v;
}

int cg_memory_ceiling(int64_t *bytes, char *where, size_t len, struct berr *err)
{
	int rc = cgroup_init();
	if (rc != 0)
		return berr_set(err, 0, "libcgroup cannot initialise: %s", cgroup_strerror(rc));
	char *mp = NULL;
	if (cgroup_get_subsys_mount_point("memory", &mp) != 0 || !mp) {
		free(mp);
		return berr_set(err, 0, "the memory controller is not mounted");
	}
	struct cg_system tmp; /* only .ctrl[CG_MEMORY] is filled, for fname()/cg_dir() */
	memset(&tmp.ctrl[CG_MEMORY], 0, sizeof(tmp.ctrl[CG_MEMORY]));
	struct cg_ctrl_state *s = &tmp.ctrl[CG_MEMORY];
	snprintf(s->mount, sizeof(s->mount), "%s", mp);
	free(mp);
	struct statfs st;
	if (statfs(s->mount, &st) != 0)
		return berr_set(err, errno, "cannot statfs %s", s->mount);
	s->version = st.f_type == CGROUP2_SUPER_MAGIC ? 2 : 1;
	if (own_cgroup("memory", s->version, s->own, sizeof(s->own)) != 0)
		return berr_set(err, 0, "brink's own memory group is not in /proc/self/cgroup");
	char dir[PATH_MAX];
	cg_dir(&tmp, CG_MEMORY, NULL, dir, sizeof(dir));
	if (s->version == 1) {
		const char *file = fname(&tmp, CG_MEMORY, F_MEM_STAT);
		int fd = cg_open_ro(dir, file);
		int64_t v = read_keyed_fd(fd, "hierarchical_memory_limit");
		if (fd >= 0)
			close(fd);
		if (v < 0)
			return berr_set(err, 0, "cannot read hierarchical_memory_limit in %s/%s",
					dir, file);
		*bytes = v >= MEM_NO_LIMIT ? BRINK_UNLIMITED : v;
		snprintf(where, len, "hierarchical_memory_limit in %s/%s", dir, file);
		return 0;
	}
	/* v2: walk up to the mount (the root has no memory.max). */
	*bytes = BRINK_UNLIMITED;
	snprintf(where, len, "no memory.max from %s up", dir);
	size_t mlen = strlen(s->mount);
	for (;;) {
		const char *file = fname(&tmp, CG_MEMORY, F_MEM_LIMIT);
		char buf[64];
		int fd = cg_open_ro(dir, file);
		if (fd >= 0) {
			ssize_t n = cg_pread_all(fd, buf, sizeof(buf));
			close(fd);
			int64_t v = n > 0 ? parse_mem_limit(buf) : -2;
			if (v == -2)
				return berr_set(err, 0, "cannot read %s/%s", dir, file);
			if (v != BRINK_UNLIMITED && (*bytes == BRINK_UNLIMITED || v < *bytes)) {
				*bytes = v;
				snprintf(where, len, "%s/%s", dir, file);
			}
		}
		char *slash = strrchr(dir, '/');
		if (!slash || (size_t)(slash - dir) < mlen)
			break;
		*slash = '\0';
	}
	return 0;
}

bool cg_system_any(const struct cg_system *sys)
{
	for (int c = 0; c < CG__COUNT; c++)
		if (sys->ctrl[c].usable)
			return true;
	return false;
}

void cg_system_fini(struct cg_system *sys)
{
	if (!sys)
		return;
	for (size_t i = 0; i < sizeof(hiers) / sizeof(hiers[0]); i++)
		hiers[i]->teardown(sys);
	if (sys->nest_fd >= 0)
		close(sys->nest_fd);
	sys->nest_fd = -1;
}

unsigned cg_system_missing(const struct cg_system *sys, const struct limits *lim)
{
	static const struct {
		enum limit_id lim;
		enum cg_ctrl ctrl;
	} needs[] = {{LIM_MEMORY, CG_MEMORY}, {LIM_PIDS, CG_PIDS}, {LIM_CPUS, CG_CPU}};
	unsigned m = 0;
	for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++)
		if (lim->v[needs[i].lim] != BRINK_UNSET && !sys->ctrl[needs[i].ctrl].usable)
			m |= 1u << needs[i].ctrl;
	return m;
}

/* ---- run groups ---- */

static void fmt_limit(int64_t v, char *buf, size_t len)
{
	if (v == BRINK_UNLIMITED)
		snprintf(buf, len, "%s", "max");
	else
		snprintf(buf, len, "%lld", (long long)v);
}

/* Values for controller c of a run, in the order the kernel needs them. */
static int add_values(struct cg_system *sys, enum cg_ctrl c, struct cgroup_controller *ctl,
		      const char *parent, const struct limits *lim)
{
	bool v2 = sys->ctrl[c].version == 2;
	char val[64];
	int rc = 0;
	if (c == CG_MEMORY && lim->v[LIM_MEMORY] != BRINK_UNSET) {
		int64_t m = lim->v[LIM_MEMORY];
		if (!v2 && m == BRINK_UNLIMITED)
			snprintf(val, sizeof(val), "-1"); /* v1 spells "no limit" as -1 */
		else
			fmt_limit(m, val, sizeof(val));
		rc |= cgroup_add_value_string(ctl, fname(sys, c, F_MEM_LIMIT), val);
		/* No swap headroom. v1 checks memsw >= limit at write time, so it comes
		 * after the limit; only where the file exists (swap accounting on). */
		if (file_exists(parent, fname(sys, c, F_MEM_SWAP_LIMIT)))
			rc |= cgroup_add_value_string(ctl, fname(sys, c, F_MEM_SWAP_LIMIT),
						      v2 ? "0" : val);
	}
	if (c == CG_PIDS && lim->v[LIM_PIDS] != BRINK_UNSET) {
		fmt_limit(lim->v[LIM_PIDS], val, sizeof(val));
		rc |= cgroup_add_value_string(ctl, fname(sys, c, F_PIDS_MAX), val);
	}
	if (c == CG_CPU && lim->v[LIM_CPUS] != BRINK_UNSET) {
		int64_t milli = lim->v[LIM_CPUS];
		long long quota = milli == BRINK_UNLIMITED ? -1 : milli * (CG_CPU_PERIOD_US / 1000);
		if (v2) {
			if (quota < 0)
				snprintf(val, sizeof(val), "max %d", CG_CPU_PERIOD_US);
			else
				snprintf(val, sizeof(val), "%lld %d", quota, CG_CPU_PERIOD_US);
			rc |= cgroup_add_value_string(ctl, "cpu.max", val);
		} else {
			snprintf(val, sizeof(val), "%d", CG_CPU_PERIOD_US);
			rc |= cgroup_add_value_string(ctl, "cpu.cfs_period_us", val);
			snprintf(val, sizeof(val), "%lld", quota);
			rc |= cgroup_add_value_string(ctl, "cpu.cfs_quota_us", val);
		}
	}
	return rc;
}

static const char *lib_error(int rc)
{
	return rc == ECGOTHER ? strerror(cgroup_get_last_errno()) : cgroup_strerror(rc);
}

static int open_counters(struct cg_run *r, struct berr *err)
{
	struct cg_system *sys = r->sys;
	if (r->have[CG_MEMORY]) {
		const char *d = r->path[CG_MEMORY];
		r->mem_current_fd = cg_open_ro(d, fname(sys, CG_MEMORY, F_MEM_CURRENT));
		r->mem_peak_fd = cg_open_ro(d, fname(sys, CG_MEMORY, F_MEM_PEAK));
		r->oom_file_fd = cg_open_ro(d, fname(sys, CG_MEMORY, F_MEM_OOM));
		if (r->mem_current_fd < 0 || r->oom_file_fd < 0)
			return berr_set(err, errno, "cannot open the memory counters of %s", d);
		if (sys->ctrl[CG_MEMORY].version == 1) {
			r->oom_event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
			if (r->oom_event_fd < 0)
				return berr_set(err, errno, "cannot create an eventfd");
			char reg[64];
			snprintf(reg, sizeof(reg), "%d %d", r->oom_event_fd, r->oom_file_fd);
			if (cg_write(d, "cgroup.event_control", reg, err) != 0)
				return berr_wrap(err, "cannot ask for OOM notifications");
		}
	}
	if (r->have[CG_PIDS]) {
		r->pids_events_fd =
		    cg_open_ro(r->path[CG_PIDS], fname(sys, CG_PIDS, F_PIDS_EVENTS));
		r->pids_peak_fd = cg_open_ro(r->path[CG_PIDS], fname(sys, CG_PIDS, F_PIDS_PEAK));
		r->pids_current_fd =
		    cg_open_ro(r->path[CG_PIDS], fname(sys, CG_PIDS, F_PIDS_CURRENT));
	}
	enum cg_ctrl main = r->have[CG_MEMORY] ? CG_MEMORY : CG_PIDS;
	if (r->have[main]) {
		/* v1 (cgroup_pidlist_start) builds the pid list at the first read of
		 * an open file and serves it again to later reads of that file while
		 * the list lives; v2 walks the group again at every read from 0. */
		r->procs_cached = sys->ctrl[main].version == 1;
		r->procs_fd = cg_open_ro(r->path[main], fname(sys, main, F_PROCS));
		if (r->procs_fd < 0)
			return berr_set(err, errno, "cannot open %s/cgroup.procs", r->path[main]);
		/* Groups made below the run's (cg_run_nested): mkdir and rmdir
		 * there raise IN_CREATE/IN_DELETE on its directory (inotify(7)).
		 * Without it, cg_run_nested() stats the directory at each call. */
		if (r->procs_cached && sys->nest_fd < 0)
			sys->nest_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (r->procs_cached && sys->nest_fd >= 0)
			r->nest_wd = inotify_add_watch(sys->nest_fd, r->path[main],
						       IN_CREATE | IN_DELETE | IN_ONLYDIR);
	}
	return 0;
}

int cg_run_create(struct cg_system *sys, const struct limits *lim, struct cg_run **out,
		  struct berr *err)
{
	*out = NULL;
	unsigned missing = cg_system_missing(sys, lim);
	for (int c = 0; c < CG__COUNT; c++)
		if (missing & (1u << c))
			return berr_set(err, 0, "cannot limit %s: %s", ctrl_names[c],
					sys->ctrl[c].why);
	struct cg_run *r = calloc(1, sizeof(*r));
	if (!r)
		return berr_set(err, errno, "out of memory");
	r->sys = sys;
	r->n = ++sys->runs;
	r->mem_current_fd = r->mem_peak_fd = r->oom_file_fd = r->oom_event_fd = -1;
	r->pids_events_fd = r->pids_peak_fd = r->procs_fd = r->pids_current_fd = -1;
	r->nest_wd = -1;
	char sub[128];
	snprintf(sub, sizeof(sub), "%s/run-%d", sys->parent, r->n);

	for (int c = 0; c < CG__COUNT; c++) {
		struct cg_ctrl_state *s = &sys->ctrl[c];
		/* memory and pids are always made where usable (they are how brink
		 * measures and kills); cpu only when a CPU limit is asked for. */
		if (!s->usable || (c == CG_CPU && lim->v[LIM_CPUS] == BRINK_UNSET))
			continue;
		cg_dir(sys, c, sub, r->path[c], sizeof(r->path[c]));
		char parent[PATH_MAX];
		cg_dir(sys, c, sys->parent, parent, sizeof(parent));
		/* v2: one group holds every controller; reuse the handle made for the
		 * first controller of the same directory. */
		struct cgroup *cg = NULL;
		for (int o = 0; o < c; o++)
			if (r->lib[o] && strcmp(r->path[o], r->path[c]) == 0)
				cg = r->lib[o];
		bool fresh = !cg;
		if (fresh) {
			char name[PATH_MAX];
			if (path_fmt(name, sizeof(name), "%s/%s", strcmp(s->own, "/") ? s->own : "",
				     sub) != 0) {
				berr_set(err, errno, "%s/%s", s->own, sub);
				goto fail;
			}
			cg = cgroup_new_cgroup(name + 1); /* relative to the mount */
			if (!cg) {
				berr_set(err, ENOMEM, "cannot make a libcgroup handle");
				goto fail;
			}
		}
		struct cgroup_controller *ctl = cgroup_add_controller(cg, ctrl_names[c]);
		if (!ctl || add_values(sys, c, ctl, parent, lim) != 0) {
			if (fresh)
				cgroup_free(&cg);
			berr_set(err, 0, "cannot prepare the %s settings of %s", ctrl_names[c],
				 r->path[c]);
			goto fail;
		}
		r->lib[c] = cg;
		r->have[c] = true;
		if (!fresh)
			r->lib[c] = NULL; /* owned by the first controller's slot */
	}
	for (int c = 0; c < CG__COUNT; c++) {
		if (!r->lib[c])
			continue;
		/* The directory by hand, the limits by libcgroup: its
		 * cgroup_create_cgroup() (2.0) chowns every file of the new group
		 * whatever its ignore_ownership says, some 150 system calls per run
		 * that change nothing here. */
		if (mkdir(r->path[c], 0755) != 0) {
			berr_set(err, errno, "cannot create %s", r->path[c]);
			goto fail;
		}
		int rc = cgroup_modify_cgroup(r->lib[c]);
		if (rc != 0) {
			berr_set(err, 0, "cannot create %s with its limits: %s", r->path[c],
				 lib_error(rc));
			goto fail;
		}
	}
	if (open_counters(r, err) != 0)
		goto fail;
	*out = r;
	return 0;
fail:
	berr_wrap(err, "cannot make run group %s/run-%d", sys->parent, r->n);
	cg_run_destroy(r, NULL, NULL, NULL);
	return -1;
}

int cg_run_attach(struct cg_run *r, pid_t pid, struct berr *err)
{
	/* Written by hand rather than with cgroup_attach_task_pid(): on v1 that
	 * writes "tasks" (one thread) in every hierarchy libcgroup knows, where
	 * brink wants cgroup.procs in exactly the run's own directories. */
	char val[32];
	snprintf(val, sizeof(val), "%d", (int)pid);
	for (int c = 0; c < CG__COUNT; c++) {
		if (!r->have[c])
			continue;
		bool dup = false;
		for (int o = 0; o < c; o++)
			if (r->have[o] && strcmp(r->path[o], r->path[c]) == 0)
				dup = true;
		if (!dup && cg_write(r->path[c], fname(r->sys, c, F_PROCS), val, err) != 0)
			return -1;
	}
	return 0;
}

bool cg_run_has(const struct cg_run *r, enum cg_ctrl c)
{
	return r && r->have[c];
}

const char *cg_run_path(const struct cg_run *r, enum cg_ctrl c)
{
	return r && r->have[c] ? r->path[c] : NULL;
}

int cg_run_kernel_id(const struct cg_run *r, int *version, enum cg_ctrl *ctrl, uint64_t *id)
{
	static const enum cg_ctrl order[] = {CG_MEMORY, CG_PIDS, CG_CPU};
	for (size_t i = 0; r && i < sizeof(order) / sizeof(order[0]); i++) {
		enum cg_ctrl c = order[i];
		struct stat st;
		if (!r->have[c] || stat(r->path[c], &st) != 0)
			continue;
		*version = r->sys->ctrl[c].version;
		*ctrl = c;
		*id = (uint64_t)st.st_ino;
		return 0;
	}
	return -1;
}

int64_t cg_run_mem_current(struct cg_run *r)
{
	return r ? read_int_fd(r->mem_current_fd) : -1;
}

int64_t cg_run_mem_peak(struct cg_run *r)
{
	return r ? read_int_fd(r->mem_peak_fd) : -1;
}

int64_t cg_run_mem_reclaimable(struct cg_run *r)
{
	if (!r || !r->have[CG_MEMORY])
		return -1;
	int fd = cg_open_ro(r->path[CG_MEMORY], fname(r->sys, CG_MEMORY, F_MEM_STAT));
	char buf[8192];
	ssize_t n = fd < 0 ? -1 : cg_pread_all(fd, buf, sizeof(buf));
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	bool v2 = r->sys->ctrl[CG_MEMORY].version == 2;
	int64_t cache = keyed_value(buf, v2 ? "file" : "cache");
	int64_t shmem = keyed_value(buf, "shmem");
	return cache >= 0 && shmem >= 0 && cache >= shmem ? cache - shmem : -1;
}

int cg_run_oom_fd(struct cg_run *r, short *events)
{
	if (!r || !r->have[CG_MEMORY])
		return -1;
	if (r->sys->ctrl[CG_MEMORY].version == 1) {
		*events = POLLIN;
		return r->oom_event_fd;
	}
	*events = POLLPRI;
	return r->oom_file_fd;
}

int cg_run_oom_counts(struct cg_run *r, struct cg_oom_counts *out)
{
	out->oom = out->oom_kill = -1;
	if (!r || !r->have[CG_MEMORY])
		return -1;
	if (r->sys->ctrl[CG_MEMORY].version == 1) {
		uint64_t n;
		if (read(r->oom_event_fd, &n, sizeof(n)) == sizeof(n))
			r->v1_oom_events += (int64_t)n;
		out->oom = r->v1_oom_events;
		/* The eventfd also fires when the group goes away; the counter is what
		 * says a kill happened. */
		out->oom_kill = read_keyed_fd(r->oom_file_fd, "oom_kill");
	} else {
		out->oom = read_keyed_fd(r->oom_file_fd, "oom");
		out->oom_kill = read_keyed_fd(r->oom_file_fd, "oom_kill");
	}
	return out->oom_kill < 0 ? -1 : 0;
}

int64_t cg_run_pids_max_hits(struct cg_run *r)
{
	return r ? read_keyed_fd(r->pids_events_fd, "max") : -1;
}

int64_t cg_run_pids_peak(struct cg_run *r)
{
	return r ? read_int_fd(r->pids_peak_fd) : -1;
}

static int parse_pids(const char *buf, pid_t *out, int cap)
{
	int n = 0;
	for (const char *p = buf; *p && n < cap;) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		if (v > 0)
			out[n++] = (pid_t)v;
		p = end;
		while (*p == '\n')
			p++;
	}
	return n;
}

int64_t cg_run_tasks(struct cg_run *r)
{
	return r ? read_int_fd(r->pids_current_fd) : -1;
}

bool cg_run_procs_cached(const struct cg_run *r)
{
	return r && r->procs_cached;
}

static int count_nested(const struct cg_run *r)
{
	enum cg_ctrl main = r->have[CG_MEMORY] ? CG_MEMORY : CG_PIDS;
	struct stat st;
	if (stat(r->path[main], &st) != 0 || st.st_nlink < 2)
		return -1;
	return (int)(st.st_nlink - 2);
}

int cg_run_nested(const struct cg_run *r)
{
	if (!r || r->procs_fd < 0)
		return -1;
	return r->nest_wd >= 0 ? r->nested : count_nested(r);
}

int cg_run_nest_fd(const struct cg_run *r)
{
	return r && r->nest_wd >= 0 ? r->sys->nest_fd : -1;
}

void cg_run_nest_changed(struct cg_run *r)
{
	if (!r || r->nest_wd < 0)
		return;
	/* The instance is shared by the runs of this brink: events of earlier
	 * runs' watches (their IN_IGNORED when the directory went) are dropped. */
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool mine = false;
	ssize_t n;
	while ((n = read(r->sys->nest_fd, buf, sizeof(buf))) > 0)
		for (ssize_t off = 0; off + (ssize_t)sizeof(struct inotify_event) <= n;) {
			const struct inotify_event *ev = (const void *)(buf + off);
			mine |= ev->wd == r->nest_wd;
			off += (ssize_t)sizeof(*ev) + ev->len;
		}
	if (mine)
		r->nested = count_nested(r);
}

/* Read a whole cgroup.procs from offset 0 of `fd` into pids; -1 on error. */
static int read_procs_fd(int fd, pid_t *buf, int cap)
{
	char small[4096];
	ssize_t n = cg_pread_all(fd, small, sizeof(small));
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof(small) - 1)
		return parse_pids(small, buf, cap);
	/* Larger than one page: read it whole, growing the buffer until it fits. */
	for (size_t size = 1 << 16; size <= (1u << 26); size *= 4) {
		char *big = malloc(size);
		if (!big)
			return -1;
		n = pread(fd, big, size - 1, 0);
		if (n < 0 || (size_t)n < size - 1) {
			int k = n < 0 ? -1 : (big[n] = '\0', parse_pids(big, buf, cap));
			free(big);
			return k;
		}
		free(big);
	}
	return -1;
}

int cg_run_procs(struct cg_run *r, pid_t *buf, int cap)
{
	if (!r || r->procs_fd < 0)
		return -1;
	if (!r->procs_cached)
		return read_procs_fd(r->procs_fd, buf, cap);
	/* v1: only a fresh open gives the list as it is now. */
	enum cg_ctrl main = r->have[CG_MEMORY] ? CG_MEMORY : CG_PIDS;
	int fd = cg_open_ro(r->path[main], fname(r->sys, main, F_PROCS));
	if (fd < 0)
		return -1;
	int k = read_procs_fd(fd, buf, cap);
	close(fd);
	return k;
}

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL /* include/uapi/linux/pidfd.h, Linux >= 6.9 */
#endif

/* A pidfd on task `id`, a process or (Linux >= 6.9, PIDFD_THREAD) one of its
 * threads: pidfd_open(2). -1 when the task is gone or cannot be opened. */
static int pidfd_open_(pid_t id)
{
	int fd = (int)syscall(SYS_pidfd_open, id, PIDFD_THREAD);
	if (fd < 0 && errno == EINVAL) /* an older kernel, or a thread there */
		fd = (int)syscall(SYS_pidfd_open, id, 0);
	return fd;
}

/* SIGKILL through the pidfd: pidfd_send_signal(2). A thread's pidfd kills its
 * whole process too (SIGKILL is fatal to the thread group, signal(7)). */
static int pidfd_kill(int pidfd)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
}

/* Does the cgroup file at `file` (a /proc/.../cgroup) name the group at `dir`?
 * An exiting task shows "/" on v1 (proc_cgroup_show), never the group. */
static bool cgfile_names(const char *file, const char *dir)
{
	char line[4096];
	FILE *f = fopen(file, "re");
	if (!f)
		return false;
	bool in = false;
	while (!in && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		char *path = strchr(line, ':');
		path = path ? strchr(path + 1, ':') : NULL;
		if (!path)
			continue;
		size_t pl = strlen(path + 1), dl = strlen(dir);
		in = pl > 1 && dl >= pl && strcmp(dir + dl - pl, path + 1) == 0;
	}
	fclose(f);
	return in;
}

/* Is task `id` (a process or a thread), or any thread of it, in the group at
 * `dir`? Guards against a recycled id: the pidfd pins the task, this check pins
 * its group. Every thread is asked because a process whose main thread has
 * exited (pthread_exit, a zombie leader) or moved (v1 `tasks`) is still in the
 * group through its other threads; /proc/ID/cgroup speaks for one thread only. */
static bool task_in(pid_t id, const char *dir)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/cgroup", (int)id);
	if (cgfile_names(p, dir))
		return true;
	snprintf(p, sizeof(p), "/proc/%d/task", (int)id);
	DIR *d = opendir(p);
	if (!d)
		return false;
	bool in = false;
	struct dirent *e;
	while (!in && (e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		char t[96];
		snprintf(t, sizeof(t), "/proc/%d/task/%.20s/cgroup", (int)id, e->d_name);
		in = cgfile_names(t, dir);
	}
	closedir(d);
	return in;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool cg_hurry(void)
{
	static int64_t cut_at = -1;
	if (cut_at < 0) {
		sigset_t set;
		if (sigpending(&set) != 0 ||
		    (sigismember(&set, SIGINT) != 1 && sigismember(&set, SIGTERM) != 1 &&
		     sigismember(&set, SIGHUP) != 1))
			return false;
		cut_at = mono_ms() + CG_HURRY_MS;
	}
	return mono_ms() >= cut_at;
}

/* Read the ids listed in dir/file (opened afresh: a kept-open v1 list is a
 * cached one) into ids[*n..cap). */
static void list_ids(const char *dir, const char *file, pid_t *ids, int *n, int cap)
{
	char buf[16384];
	int fd = cg_open_ro(dir, file);
	if (fd < 0)
		return;
	ssize_t k = cg_pread_all(fd, buf, sizeof(buf));
	close(fd);
	if (k > 0)
		*n += parse_pids(buf, ids + *n, cap - *n);
}

/* Kill every task in the group at `dir`: v2's cgroup.kill where present, then
 * SIGKILL through a pidfd to every process and every thread listed (cgroup.procs,
 * and `tasks` on v1 or cgroup.threads on v2: a thread can be in a group its
 * process's main thread is not in) whose threads the group still holds. Bounded:
 * about 1 s (cg_hurry: cut short). Returns the number of tasks still listed at
 * the end (0: all gone). */
static int kill_listed(const char *dir, void (*reap)(void *), void *arg)
{
	if (!file_exists(dir, "cgroup.procs"))
		return 0;
	/* v2 >= 5.14 kills the whole group in the kernel, forks included. */
	if (file_exists(dir, "cgroup.kill"))
		cg_write(dir, "cgroup.kill", "1", NULL);
	/* v1: stop forks first where the pids controller is here, then kill. */
	if (file_exists(dir, "pids.max"))
		cg_write(dir, "pids.max", "0", NULL);
	const char *threads = file_exists(dir, "tasks") ? "tasks" : "cgroup.threads";
	int left = 0;
	int64_t t0 = mono_ms();
	for (int round = 0;; round++) {
		pid_t ids[1024];
		int n = 0;
		list_ids(dir, "cgroup.procs", ids, &n, 512);
		list_ids(dir, threads, ids, &n, 1024);
		left = n;
		if (left == 0)
			break;
		int alive = 0;
		for (int i = 0; i < n; i++) {
			int pfd = pidfd_open_(ids[i]);
			if (pfd < 0)
				continue; /* already gone */
			alive++;
			if (task_in(ids[i], dir))
				pidfd_kill(pfd);
			close(pfd);
		}
		/* A task listed but not openable any more is gone (reaped between
		 * the read and here). */
		if (alive == 0) {
			left = 0;
			break;
		}
		if (reap)
			reap(arg);
		if (mono_ms() - t0 >= 1000 || cg_hurry())
			break;
		struct timespec ts = {0, round < 10 ? 1000 * 1000 : 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
		if (reap)
			reap(arg);
	}
	return left;
}

int cg_run_kill(struct cg_run *r, void (*reap)(void *), void *arg)
{
	if (!r)
		return 0;
	int left = 0;
	for (int c = 0; c < CG__COUNT; c++)
		if (r->have[c])
			left += kill_listed(r->path[c], reap, arg);
	return left;
}

int cg_run_destroy(struct cg_run *r, void (*reap)(void *), void *arg, struct berr *err)
{
	if (!r)
		return 0;
	int rc = 0;
	int fds[] = {r->mem_current_fd, r->mem_peak_fd,	 r->oom_file_fd, r->oom_event_fd,
		     r->pids_events_fd, r->pids_peak_fd, r->procs_fd,	 r->pids_current_fd};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	for (int c = 0; c < CG__COUNT; c++) {
		if (r->lib[c]) {
			/* libcgroup 2.0 may report a bogus error after a good rmdir on v2:
			 * the directory itself is the judge. */
			cgroup_delete_cgroup_ext(r->lib[c], CGFLAG_DELETE_EMPTY_ONLY);
			cgroup_free(&r->lib[c]);
		}
		if (r->have[c] && remove_tree(r->path[c], reap, arg, rc == 0 ? err : NULL) != 0)
			rc = -1;
	}
	free(r);
	return rc;
}
