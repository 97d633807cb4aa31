/* test_cgroup.c - run groups against the real cgroupfs: a group is made with the
 * limits asked for and removed whole, and a group whose creation fails leaves
 * nothing behind while brink goes on (not only when it exits), with an error that
 * says what was being made. brink's parent groups are locked and marked; groups
 * of brinks proven gone are removed, those of a brink that holds its lock are
 * not, and the removals are collected as warnings, never printed. The v2
 * delegation (cgroup_v2.c) refuses a group that does not receive a controller,
 * and, where v2 controllers are usable, passes them on and gives them back.
 * Exits 77 with the reason where no cgroup hierarchy is writable. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cgroup.h"
#include "cgroup_int.h"
#include "limit.h"

static struct cg_system sys;

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void set(struct limits *l, int id, const char *value)
{
	const char *why = NULL;
	assert_int_equal(limits_parse(l, id, value, &why), 0);
}

/* A memory and a pids limit, where the controller is usable. */
static void base_limits(struct limits *l)
{
	limits_init(l);
	if (sys.ctrl[CG_MEMORY].usable)
		set(l, LIM_MEMORY, "64M");
	if (sys.ctrl[CG_PIDS].usable)
		set(l, LIM_PIDS, "16");
}

/* A group with memory and pids limits exists in each usable hierarchy while it
 * lives, and is gone after cg_run_destroy(). */
static void test_create_destroy(void **state)
{
	(void)state;
	struct limits l;
	base_limits(&l);
	struct cg_run *r = NULL;
	struct berr err = {0};
	assert_int_equal(cg_run_create(&sys, &l, &r, &err), 0);
	char paths[CG__COUNT][PATH_MAX];
	int made = 0;
	for (int c = 0; c < CG__COUNT; c++) {
		paths[c][0] = '\0';
		if (!cg_run_has(r, c))
			continue;
		snprintf(paths[c], sizeof(paths[c]), "%s", cg_run_path(r, c));
		assert_true(is_dir(paths[c]));
		made++;
	}
	assert_true(made > 0);
	/* The group starts empty and the memory counter reads (a fresh group holds
	 * no pages, or the few of its own bookkeeping). */
	pid_t pids[4];
	assert_int_equal(cg_run_procs(r, pids, 4), 0);
	if (cg_run_has(r, CG_MEMORY))
		assert_true(cg_run_mem_current(r) >= 0);
	assert_int_equal(cg_run_destroy(r, NULL, NULL, &err), 0);
	for (int c = 0; c < CG__COUNT; c++)
		if (paths[c][0])
			assert_false(is_dir(paths[c]));
}

/* A limit write the kernel refuses after groups were made: those groups must be
 * gone when cg_run_create() returns. With a cpu controller, --cpus 0.001 asks for
 * a quota of 100 us per 100 ms period, below the kernel's 1 ms minimum: the cpu
 * group's write fails with EINVAL after the memory and pids groups were made.
 * Without one, a negative pids.max (or memory limit, without pids) fails the same
 * way: pids_max_write() and page_counter_memparse() take no sign (kernel
 * cgroup/pids.c, mm/page_counter.c), and the memory group comes first. */
static void test_failed_create_leaves_nothing(void **state)
{
	(void)state;
	struct limits l;
	base_limits(&l);
	/* limits_parse turns these down, so they are set as a caller that
	 * skipped the check would */
	if (sys.ctrl[CG_CPU].usable)
		l.v[LIM_CPUS] = 1; /* 0.1 ms per period */
	else if (sys.ctrl[CG_PIDS].usable)
		l.v[LIM_PIDS] = -5;
	else
		l.v[LIM_MEMORY] = -5;
	struct cg_run *r = NULL;
	struct berr err = {0};
	int runs = sys.runs;
	assert_int_equal(cg_run_create(&sys, &l, &r, &err), -1);
	assert_null(r);
	assert_true(err.msg[0] != '\0');
	/* run-N of this attempt, in every hierarchy: v1 one per controller, v2 one. */
	for (int c = 0; c < CG__COUNT; c++) {
		if (!sys.ctrl[c].usable)
			continue;
		char dir[PATH_MAX * 2 + 200];
		snprintf(dir, sizeof(dir), "%s%s/%s/run-%d", sys.ctrl[c].mount,
			 strcmp(sys.ctrl[c].own, "/") ? sys.ctrl[c].own : "", sys.parent, runs + 1);
		if (is_dir(dir))
			fail_msg("%s is left after a failed creation (%s)", dir, err.msg);
	}
}

/* The directory of controller c's group `sub` below brink's own (NULL: the own). */
static void dir_of(enum cg_ctrl c, const char *sub, char *out, size_t len)
{
	const struct cg_ctrl_state *s = &sys.ctrl[c];
	snprintf(out, len, "%s%s%s%s", s->mount, strcmp(s->own, "/") ? s->own : "", sub ? "/" : "",
		 sub ? sub : "");
}

/* The first usable controller: where the tests below make their groups. */
static enum cg_ctrl first_usable(void)
{
	for (int c = 0; c < CG__COUNT; c++)
		if (sys.ctrl[c].usable)
			return (enum cg_ctrl)c;
	fail_msg("no usable controller");
	return CG_MEMORY;
}

/* A mkdir that fails inside cg_run_create comes back with what was being made
 * in front of the kernel's reason: "cannot make run group brink-P-S/run-N:
 * cannot create DIR: File exists (EEXIST)". The directory of the next run is
 * made first, so that the kernel refuses brink's mkdir. */
static void test_mkdir_error_context(void **state)
{
	(void)state;
	enum cg_ctrl c = first_usable();
	char sub[128], dir[PATH_MAX * 2];
	snprintf(sub, sizeof(sub), "%s/run-%d", sys.parent, sys.runs + 1);
	dir_of(c, sub, dir, sizeof(dir));
	assert_int_equal(mkdir(dir, 0755), 0);
	struct limits l;
	base_limits(&l);
	struct cg_run *r = NULL;
	struct berr err = {0};
	assert_int_equal(cg_run_create(&sys, &l, &r, &err), -1);
	assert_null(r);
	assert_int_equal(err.errnum, EEXIST);
	char want[sizeof(err.msg) + PATH_MAX * 2];
	snprintf(want, sizeof(want),
		 "cannot make run group %s: cannot create %s: File exists (EEXIST)", sub, dir);
	assert_string_equal(err.msg, want);
	rmdir(dir); /* in case the failed creation left it (it should not) */
	assert_false(is_dir(dir));
}

/* Each parent group brink made is locked (another open file cannot take the
 * lock) and marked as locked (sticky bit). */
static void test_parent_locked(void **state)
{
	(void)state;
	int checked = 0;
	for (int c = 0; c < CG__COUNT; c++) {
		if (!sys.parent_made[c] || sys.lock_fd[c] < 0)
			continue;
		char dir[PATH_MAX * 2];
		dir_of(c, sys.parent, dir, sizeof(dir));
		struct stat st;
		assert_int_equal(stat(dir, &st), 0);
		assert_true(st.st_mode & S_ISVTX);
		int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		assert_true(fd >= 0);
		assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), -1);
		assert_int_equal(errno, EWOULDBLOCK);
		close(fd);
		checked++;
	}
	assert_true(checked > 0);
}

/* Pids above the kernel's limit (PID_MAX_LIMIT, 4194304): never a live process. */
#define DEAD_MARKED   "brink-999999991-1"
#define DEAD_UNMARKED "brink-999999992-1"
#define LIVE_LOCKED   "brink-999999993-1"

static void fake_group(enum cg_ctrl c, const char *name, bool mark, char *dir, size_t len)
{
	dir_of(c, name, dir, len);
	assert_int_equal(mkdir(dir, 0755), 0);
	char run[PATH_MAX * 2 + 16];
	snprintf(run, sizeof(run), "%s/run-1", dir);
	assert_int_equal(mkdir(run, 0755), 0);
	if (mark)
		assert_int_equal(chmod(dir, 01755), 0);
}

struct said {
	char lines[4096];
};

static void collect(void *arg, const char *line)
{
	struct said *s = arg;
	size_t n = strlen(s->lines);
	snprintf(s->lines + n, sizeof(s->lines) - n, "%s\n", line);
}

/* brink starts again beside three groups of other brinks: a gone one that
 * locked (marked), a gone one from before the lock (unmarked; pids are
 * comparable in this pid namespace), and one whose owner holds its lock but
 * whose pid /proc does not show (a brink in another pid namespace). The first
 * two are removed, the third stays; the removals come back as warnings, and
 * nothing is printed on stderr. */
static void test_stale_groups(void **state)
{
	(void)state;
	struct stat ns;
	if (stat("/proc/self/ns/pid", &ns) != 0 || ns.st_ino != 0xEFFFFFFCu) {
		fprintf(stderr, "note: not in the initial pid namespace\n");
		skip();
	}
	enum cg_ctrl c = first_usable();
	cg_system_fini(&sys);
	cg_system_flush_warnings(&sys, NULL, NULL);
	char marked[PATH_MAX * 2], unmarked[PATH_MAX * 2], live[PATH_MAX * 2];
	fake_group(c, DEAD_MARKED, true, marked, sizeof(marked));
	fake_group(c, DEAD_UNMARKED, false, unmarked, sizeof(unmarked));
	fake_group(c, LIVE_LOCKED, true, live, sizeof(live));
	int lock = open(live, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(lock >= 0);
	assert_int_equal(flock(lock, LOCK_EX | LOCK_NB), 0);

	/* stderr into a file while brink sets up again */
	fflush(stderr);
	FILE *cap = tmpfile();
	assert_non_null(cap);
	int saved = dup(STDERR_FILENO);
	assert_int_equal(dup2(fileno(cap), STDERR_FILENO), STDERR_FILENO);
	cg_system_init(&sys, false);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	long printed = ftell(cap) >= 0 ? (fseek(cap, 0, SEEK_END), ftell(cap)) : -1;
	fclose(cap);

	struct said said = {{0}};
	cg_system_flush_warnings(&sys, collect, &said);
	bool live_left = is_dir(live);
	close(lock);
	char sub[PATH_MAX * 2 + 16];
	snprintf(sub, sizeof(sub), "%s/run-1", live);
	rmdir(sub);
	rmdir(live);

	assert_int_equal(printed, 0);
	assert_false(is_dir(marked));
	assert_false(is_dir(unmarked));
	assert_true(live_left);
	char want[PATH_MAX * 3];
	snprintf(want, sizeof(want), "removed %s, left by brink 999999991 which is gone\n", marked);
	assert_non_null(strstr(said.lines, want));
	snprintf(want, sizeof(want), "removed %s, left by brink 999999992 which is gone\n",
		 unmarked);
	assert_non_null(strstr(said.lines, want));
	assert_null(strstr(said.lines, LIVE_LOCKED));
	assert_true(sys.stale_removed >= 2);
}

/* cgroup_v2.c refuses, with the reason, a v2 group that does not receive the
 * controller (not in its cgroup.controllers), and changes nothing there. Made on
 * a v2 hierarchy below its root: a group of its own, which receives no
 * controller since its parent passes none on. */
static void test_v2_not_delegated(void **state)
{
	(void)state;
	const char *unified = NULL;
	if (sys.ctrl[CG_PIDS].version == 2)
		unified = sys.ctrl[CG_PIDS].mount;
	else if (access("/sys/fs/cgroup/unified/cgroup.procs", F_OK) == 0)
		unified = "/sys/fs/cgroup/unified";
	if (!unified) {
		fprintf(stderr, "note: no v2 hierarchy mounted\n");
		skip();
	}
	char own[PATH_MAX * 2];
	snprintf(own, sizeof(own), "%s/brink-test-v2-%d", unified, (int)getpid());
	assert_int_equal(mkdir(own, 0755), 0);
	if (cg_list_has(own, "cgroup.controllers", "pids") == 1) {
		rmdir(own);
		fprintf(stderr, "note: a new group of %s receives pids\n", unified);
		skip();
	}
	static struct cg_system v2; /* a pids controller on v2 whose group is `own` */
	memset(&v2, 0, sizeof(v2));
	for (int c = 0; c < CG__COUNT; c++)
		v2.lock_fd[c] = -1;
	snprintf(v2.parent, sizeof(v2.parent), "%s", sys.parent);
	v2.ctrl[CG_PIDS].usable = true;
	v2.ctrl[CG_PIDS].version = 2;
	snprintf(v2.ctrl[CG_PIDS].mount, sizeof(v2.ctrl[CG_PIDS].mount), "%s", unified);
	snprintf(v2.ctrl[CG_PIDS].own, sizeof(v2.ctrl[CG_PIDS].own), "%s", own + strlen(unified));
	cg_hier_v2.setup(&v2);
	char parent[PATH_MAX * 3];
	snprintf(parent, sizeof(parent), "%s/%s", own, sys.parent);
	bool made = is_dir(parent);
	cg_hier_v2.teardown(&v2);
	cg_system_flush_warnings(&v2, NULL, NULL);
	rmdir(own);
	assert_false(v2.ctrl[CG_PIDS].usable);
	char want[PATH_MAX * 3];
	snprintf(want, sizeof(want),
		 "pids is not available to %s (not in its cgroup.controllers: not delegated)", own);
	assert_string_equal(v2.ctrl[CG_PIDS].why, want);
	assert_false(made);
	assert_false(v2.v2_moved);
}

/* Where brink has v2 controllers: they are passed on to its parent group, and
 * brink sits in <parent>/self below the root; after cg_system_fini it is back
 * in its own group and the parent is gone. */
static void test_v2_delegation(void **state)
{
	(void)state;
	enum cg_ctrl c = CG__COUNT;
	for (int k = 0; k < CG__COUNT && c == CG__COUNT; k++)
		if (sys.ctrl[k].usable && sys.ctrl[k].version == 2)
			c = (enum cg_ctrl)k;
	if (c == CG__COUNT) {
		fprintf(stderr, "note: no usable v2 controller here (e2e/v2_lane runs brink "
				"on v2)\n");
		skip();
	}
	char parent[PATH_MAX * 2];
	dir_of(c, sys.parent, parent, sizeof(parent));
	assert_int_equal(cg_list_has(parent, "cgroup.subtree_control", cg_ctrl_name(c)), 1);
	bool root = strcmp(sys.ctrl[c].own, "/") == 0;
	assert_int_equal(sys.v2_moved, !root);
	cg_system_fini(&sys);
	cg_system_flush_warnings(&sys, NULL, NULL);
	assert_false(is_dir(parent));
	assert_false(sys.v2_moved);
	cg_system_init(&sys, false); /* for the tests after this one */
	cg_system_flush_warnings(&sys, NULL, NULL);
}

int main(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "SKIP: making cgroups needs root\n");
		return 77;
	}
	/* Registered like every brink of the suite (e2e/lib.sh): zz_leftovers then
	 * checks that none of the groups made here is left. */
	const char *registry = getenv("BRINK_REGISTRY");
	FILE *reg = registry ? fopen(registry, "ae") : NULL;
	cg_system_init(&sys, false);
	cg_system_flush_warnings(&sys, NULL, NULL); /* other brinks' leftovers */
	if (reg) {
		/* sys.parent is "brink-PID-STARTTIME" */
		const char *id = sys.parent + strlen("brink-");
		fprintf(reg, "%.*s %s\n", (int)strcspn(id, "-"), id, id + strcspn(id, "-") + 1);
		fclose(reg);
	}
	if (!sys.ctrl[CG_MEMORY].usable && !sys.ctrl[CG_PIDS].usable) {
		fprintf(stderr, "SKIP: no writable memory or pids cgroup here: %s; %s\n",
			sys.ctrl[CG_MEMORY].why, sys.ctrl[CG_PIDS].why);
		cg_system_fini(&sys);
		cg_system_flush_warnings(&sys, NULL, NULL);
		return 77;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_create_destroy),
	    cmocka_unit_test(test_failed_create_leaves_nothing),
	    cmocka_unit_test(test_mkdir_error_context),
	    cmocka_unit_test(test_parent_locked),
	    cmocka_unit_test(test_stale_groups),
	    cmocka_unit_test(test_v2_not_delegated),
	    cmocka_unit_test(test_v2_delegation),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cg_system_fini(&sys);
	cg_system_flush_warnings(&sys, NULL, NULL);
	return rc;
}
