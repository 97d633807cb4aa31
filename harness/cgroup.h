/* cgroup.h - run cgroups: creation, limits, counters, kill and removal.
 *
 * All knowledge of cgroup v1 versus v2 lives in the cgroup module: cgroup.c (the
 * one table of cgroup file names, the run groups, v1's parent groups) and
 * cgroup_v2.c (v2 delegation), which share cgroup_int.h; nothing outside them
 * spells a cgroup file name. libcgroup creates and deletes the groups and
 * attaches tasks; the counters read in the sampling loop are files kept open and
 * read with pread. Nothing here prints: what the caller should say is collected
 * (cg_system_flush_warnings) or returned in a struct berr.
 *
 * Layout: below the cgroup brink itself runs in (per hierarchy, from
 * /proc/self/cgroup) brink makes "brink-<pid>-<starttime>" for its lifetime and
 * one "run-<n>" inside it per run. brink holds flock(2) LOCK_EX on that
 * directory while it lives. A later brink removes the group (with whatever is
 * inside killed) only when the owner is proven gone: the pid with that start
 * time is not alive here, and nobody holds the lock. The lock is what tells a
 * live brink in another pid namespace, whose pid /proc here does not show, from
 * a dead one; a group whose owner cannot be proven gone is left alone.
 *
 * v2 below the root: a group with processes cannot pass controllers on (the
 * no-internal-process rule), so brink, when alone in its group (a delegated scope),
 * first moves itself into "brink-<pid>-<starttime>/self" and moves back at the
 * end. When its group is shared with other processes brink changes nothing there
 * and runs without v2 controllers.
 */
#ifndef BRINK_CGROUP_H
#define BRINK_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "limit.h"

/* CPU bandwidth: CG_CPU_PERIOD_US and the smallest quota are in limit.h,
 * which checks the cpus limit against them. */
enum cg_ctrl { CG_MEMORY, CG_PIDS, CG_CPU, CG__COUNT };

struct cg_ctrl_state {
	bool usable; /* a run cgroup can be made and limited here */
	int version; /* 1 or 2; 0 when not mounted */
	char mount[PATH_MAX];
	char own[PATH_MAX]; /* brink's cgroup, relative to the mount ("/..." ) */
	char why[384];	    /* why not usable */
};

struct cg_system {
	struct cg_ctrl_state ctrl[CG__COUNT];
	char mode[16];	 /* "v1", "v2", "hybrid", "none" */
	char parent[64]; /* "brink-<pid>-<starttime>" */
	bool parent_made[CG__COUNT];
	/* v2: what this brink changed, so that cg_system_fini() undoes exactly that.
	 * Bit masks over enum cg_ctrl of the controllers brink itself wrote into the
	 * cgroup.subtree_control of its own group and of its parent group. */
	unsigned v2_own_enabled, v2_parent_enabled;
	bool v2_moved;	   /* brink moved itself into <own>/<parent>/self */
	int runs;	   /* run cgroups made so far (names run-1, run-2, ...) */
	int stale_removed; /* groups of dead brinks removed at start */
	/* The lock on each parent group brink made (the proof that it lives), -1
	 * where none is held (controllers sharing a group hold it once). */
	int lock_fd[CG__COUNT];
	/* One inotify(7) instance for the run groups' directories (cg_run_nest_fd),
	 * made at the first v1 run, -1 before: closing an instance waits for the
	 * kernel's grace period (milliseconds), too slow for one per run. */
	int nest_fd;
	/* Warnings for the caller to print, oldest first: lines without "brink: "
	 * and newline (cg_system_flush_warnings). */
	char **warn;
	size_t n_warn, warn_lost;
};

const char *cg_ctrl_name(enum cg_ctrl c);

/* Detect mounts and versions, find brink's own groups, remove groups left by dead
 * brinks, make brink's parent group and check each controller can be limited.
 * `disable` forces the rlimits-only path. Never fails outright: a controller that
 * cannot be used is marked with the reason (the caller says so once). Each group
 * of a dead brink removed ("removed DIR, left by brink PID which is gone") or
 * not ("cannot remove DIR left by a dead brink: ...") is a warning. sys is
 * cleared first: flush the warnings of an earlier init before. */
void cg_system_init(struct cg_system *sys, bool disable);
/* Remove brink's parent group (runs must be destroyed first) and undo the v2
 * delegation. What cannot be undone is a warning ("cannot give back CTRL: ...",
 * "cannot move back, leaving DIR: ...", "cannot remove DIR: ..."). NULL-safe;
 * safe to repeat. */
void cg_system_fini(struct cg_system *sys);
/* Hand each warning collected since the last call to say(arg, line), oldest
 * first, and forget them (say may be NULL: forget only). NULL-safe. */
void cg_system_flush_warnings(struct cg_system *sys, void (*say)(void *arg, const char *line),
			      void *arg);
bool cg_system_any(const struct cg_system *sys);

/* The most memory brink and everything below it may use: the smallest limit on
 * brink's own memory group and its ancestors, in bytes (BRINK_UNLIMITED when
 * none), e.g. the allocation of a batch job brink runs in. On v1 a job's limit
 * sits on an ancestor and the own group shows none: the kernel's sum-up,
 * `hierarchical_memory_limit` of the own group's memory.stat (values from
 * PAGE_COUNTER_MAX down count as none); on v2 the smallest memory.max from the
 * own group up to the root (Documentation/admin-guide/cgroup-v{1,2}.rst). `where`
 * gets the group and file it came from. Calls cgroup_init(). Returns 0, or -1
 * with err when it cannot be told (no memory controller, unreadable file). */
int cg_memory_ceiling(int64_t *bytes, char *where, size_t len, struct berr *err);

struct cg_run;

/* Make a run group with the given limits in every usable hierarchy. A limit
 * whose controller is unusable is an error here (the caller checks first with
 * cg_system_missing()). */
int cg_run_create(struct cg_system *sys, const struct limits *lim, struct cg_run **out,
		  struct berr *err);
/* Bit mask (1 << enum cg_ctrl) of controllers `lim` needs and sys cannot give. */
unsigned cg_system_missing(const struct cg_system *sys, const struct limits *lim);

/* Move pid into the run group (all hierarchies). */
int cg_run_attach(struct cg_run *cg, pid_t pid, struct berr *err);

bool cg_run_has(const struct cg_run *cg, enum cg_ctrl c);
const char *cg_run_path(const struct cg_run *cg, enum cg_ctrl c);

/* The kernel's id of the run's group, for filters that run in the kernel (eBPF):
 * the group of the memory controller, else of pids, else of cpu. *version is the
 * hierarchy's (1 or 2), *ctrl the controller, *id the group directory's inode,
 * which is the kernfs node id the kernel keeps (cgroup->kn->id; on v2 also what
 * bpf_get_current_cgroup_id() returns). -1 when the run has no group. */
int cg_run_kernel_id(const struct cg_run *cg, int *version, enum cg_ctrl *ctrl, uint64_t *id);

/* Current memory charged to the group and its peak, bytes; -1 if unknown. */
int64_t cg_run_mem_current(struct cg_run *cg);
int64_t cg_run_mem_peak(struct cg_run *cg);
/* Page cache charged to the group that the kernel can drop (file pages, not
 * tmpfs or shared memory), bytes, from memory.stat (cgroup-v1/memory.rst,
 * cgroup-v2.rst); -1 if unknown. Read once, not per sample. */
int64_t cg_run_mem_reclaimable(struct cg_run *cg);

/* An fd to poll for OOM notifications and the events to poll for; -1 if none. */
int cg_run_oom_fd(struct cg_run *cg, short *events);
struct cg_oom_counts {
	int64_t oom;	  /* OOM episodes (limit reached and reclaim failed) */
	int64_t oom_kill; /* processes killed by the OOM killer */
};
/* Consume a notification (if any) and read the kernel's counters. -1 if unknown. */
int cg_run_oom_counts(struct cg_run *cg, struct cg_oom_counts *out);

/* Times a fork/clone was refused by pids.max ("max" in pids.events); -1 if unknown. */
int64_t cg_run_pids_max_hits(struct cg_run *cg);
int64_t cg_run_pids_peak(struct cg_run *cg);

/* Pids of the processes in the group now (cgroup.procs), at most cap; -1 if
 * unknown. v1 serves a cached list to later reads of an open cgroup.procs
 * (kernel/cgroup/cgroup-v1.c, cgroup_pidlist_start), so there each call opens
 * the file afresh: open, read, close; v2 rereads a kept fd (one pread). Tasks
 * that exited are not listed, zombies included. */
int cg_run_procs(struct cg_run *cg, pid_t *buf, int cap);
/* Does cg_run_procs cost an open and a close (v1)? */
bool cg_run_procs_cached(const struct cg_run *cg);
/* Groups made below the run's group (by the program: a runtime inside the run
 * moving its children), from the link count of its directory: kernfs counts
 * a directory's subdirectories in st_nlink (2 + subdirs); -1 if unknown. A
 * move between the group and a nested one changes no task count. Where the
 * list is cached (v1) the count is kept from cg_run_nest_fd()'s events (no
 * system call); elsewhere each call costs a stat(). */
int cg_run_nested(const struct cg_run *cg);
/* An inotify(7) fd on the group's directory to poll (POLLIN when a group was
 * made or removed below it), or -1 (v2, or inotify unavailable). */
int cg_run_nest_fd(const struct cg_run *cg);
/* After POLLIN on cg_run_nest_fd(): take its events and count the groups again. */
void cg_run_nest_changed(struct cg_run *cg);
/* Tasks (threads) charged to the group, pids.current: live ones and zombies not
 * yet reaped (the pids controller uncharges at release). One pread of a kept fd;
 * -1 without the pids controller. */
int64_t cg_run_tasks(struct cg_run *cg);

/* Kill every process in the group, calling reap(arg) between rounds so zombies
 * go; bounded (about 1 s per hierarchy, cut short by cg_hurry). Returns the
 * number still listed afterwards (0 = all gone). */
int cg_run_kill(struct cg_run *cg, void (*reap)(void *), void *arg);

/* Kill what is left, remove the group from every hierarchy, free. NULL-safe;
 * "already gone" is success. Bounded: about 1 s per hierarchy to kill, 2 s to
 * remove once all is dead, one try where tasks outlived their kill; cut short
 * by cg_hurry. */
int cg_run_destroy(struct cg_run *cg, void (*reap)(void *), void *arg, struct berr *err);

/* Should the teardown's waits end now? From CG_HURRY_MS after brink first
 * finds SIGINT, SIGTERM or SIGHUP pending (sigpending(2): brink blocks them
 * and reads them from a signalfd later), for the rest of its life: every
 * bounded wait of a teardown (kills, removals, brink's own groups, orphans)
 * then ends at once, so that brink answers a ^C promptly whatever it finds
 * stuck. What is then left behind is said as a warning. */
#define CG_HURRY_MS 300
bool cg_hurry(void);

#endif
