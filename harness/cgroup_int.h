/* cgroup_int.h - what cgroup.c shares with cgroup_v2.c; included by those two
 * only. Everything else uses cgroup.h.
 *
 * The work of brink's parent group is split by hierarchy version, one strategy
 * per version behind struct cg_hier: v1 (one parent group per controller
 * hierarchy) in cgroup.c, v2 (delegation: controllers passed down, brink moved
 * into a leaf) in cgroup_v2.c. The run groups, the counters and the kill are
 * common code in cgroup.c, where the few v1/v2 differences are file names from
 * one table (cg_file_name) and short ternaries.
 */
#ifndef BRINK_CGROUP_INT_H
#define BRINK_CGROUP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cgroup.h"
#include "error.h"

/* Every cgroup file brink reads or writes, named in one table in cgroup.c:
 * cg_file_name(f, version). */
enum cg_file {
	F_MEM_LIMIT,
	F_MEM_SWAP_LIMIT,
	F_MEM_CURRENT,
	F_MEM_PEAK,
	F_MEM_OOM,
	F_PIDS_MAX,
	F_PIDS_EVENTS,
	F_PIDS_PEAK,
	F_PIDS_CURRENT,
	F_CPU_QUOTA,
	F_PROCS,
	F_MEM_STAT,
	F_CONTROLLERS,	   /* v2 only: the controllers a group receives */
	F_SUBTREE_CONTROL, /* v2 only: the controllers a group passes on */
	F__COUNT
};

/* The file's name on cgroup `version` (1 or 2); NULL where that version has
 * none. */
const char *cg_file_name(enum cg_file f, int version);

/* One strategy per hierarchy version for brink's parent group. */
struct cg_hier {
	/* After the mount probe: remove the groups of dead brinks, make the parent
	 * group "brink-<pid>-<starttime>" (locked, cg_parent_make) for the usable
	 * controllers of this version, and check each can limit there
	 * (cg_ctrl_proven). A controller that cannot be used is marked with the
	 * reason (cg_mark); nothing fails outright. */
	void (*setup)(struct cg_system *sys);
	/* Undo exactly what setup did; problems become warnings (cg_warn). Safe
	 * to repeat. */
	void (*teardown)(struct cg_system *sys);
};
extern const struct cg_hier cg_hier_v1, cg_hier_v2;

/* dir/file: write val with one write(2). 0, or -1 with err naming the path. */
int cg_write(const char *dir, const char *file, const char *val, struct berr *err);
/* Open dir/file read-only (O_CLOEXEC); -1 with errno. */
int cg_open_ro(const char *dir, const char *file);
/* pread a small file from offset 0 into buf, NUL-terminated; length or -1. */
ssize_t cg_pread_all(int fd, char *buf, size_t cap);
/* Is `word` one of the space-separated words of dir/file? 1 yes, 0 no, -1
 * unreadable. */
int cg_list_has(const char *dir, const char *file, const char *word);

/* The directory of controller c's group `sub` (NULL: brink's own group), made
 * from the mount and brink's own group; "" when too long (fails at first use). */
void cg_dir(const struct cg_system *sys, enum cg_ctrl c, const char *sub, char *out, size_t len);

/* Does controller c work in the child group `dir`? Its limit file is there:
 * memory.limit_in_bytes or memory.max, pids.max, cpu.cfs_quota_us or cpu.max
 * (the one place that decides which file proves it). 0, or -1 with err "DIR has
 * no FILE". */
int cg_ctrl_proven(const struct cg_system *sys, enum cg_ctrl c, const char *dir, struct berr *err);

/* Mark controller c (cg_mark) or every controller of `mask` (cg_mark_all)
 * unusable, with the reason. */
void cg_mark(struct cg_system *sys, enum cg_ctrl c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cg_mark_all(struct cg_system *sys, unsigned mask, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Add a line to the warnings the caller prints (cg_system_flush_warnings). */
void cg_warn(struct cg_system *sys, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Remove the groups in controller c's hierarchy, beside brink's parent, of
 * brinks proven gone (cgroup.c: owner_gone), killing what is inside; each
 * removal is a warning. */
void cg_remove_stale(struct cg_system *sys, enum cg_ctrl c);

/* Make brink's parent group for controller c at `dir` and take its lock (the
 * proof of life other brinks look for), recording both in sys. 0, or -1 with
 * err. */
int cg_parent_make(struct cg_system *sys, enum cg_ctrl c, const char *dir, struct berr *err);
/* Remove the parent group of controller c at `dir` (and whatever is below it),
 * then let its lock go. A failure is a warning. */
void cg_parent_remove(struct cg_system *sys, enum cg_ctrl c, const char *dir);

#endif
