/* cgroup_v2.c - brink's parent group on cgroup v2: delegation set up and torn
 * down (see cgroup.h for the layout, cgroup_int.h for the strategy table).
 *
 * A group with processes cannot pass controllers on (the no-internal-process
 * rule, Documentation/admin-guide/cgroup-v2.rst, "No Internal Process
 * Constraint"); the root group is exempt. So brink, alone in its group below the
 * root, moves itself into <parent>/self first; shared with other processes, it
 * changes nothing there. File names come from cg_file_name() (cgroup.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup_int.h"
#include "path.h"

static const char *subtree_control(void)
{
	return cg_file_name(F_SUBTREE_CONTROL, 2);
}

/* Enable controller c for the children of `dir`. 1 = brink enabled it, 0 = it was
 * already on (someone else's: never turned off by brink), -1 = error. */
static int enable(const char *dir, enum cg_ctrl c, struct berr *err)
{
	if (cg_list_has(dir, subtree_control(), cg_ctrl_name(c)) == 1)
		return 0;
	char want[32];
	snprintf(want, sizeof(want), "+%s", cg_ctrl_name(c));
	if (cg_write(dir, subtree_control(), want, err) != 0)
		return berr_wrap(err, "cannot pass %s on to the groups below %s", cg_ctrl_name(c),
				 dir);
	return 1;
}

/* Undo enable() for the controllers in `mask`, last enabled first (a controller
 * may depend on one enabled before it). Failures are warnings, not returned: this
 * is cleanup, and the next controller is still worth trying. */
static void disable(struct cg_system *sys, const char *dir, unsigned mask)
{
	for (int c = CG__COUNT - 1; c >= 0; c--) {
		if (!(mask & (1u << c)))
			continue;
		char val[32];
		snprintf(val, sizeof(val), "-%s", cg_ctrl_name(c));
		struct berr err = {0};
		if (cg_write(dir, subtree_control(), val, &err) != 0)
			cg_warn(sys, "cannot give back %s: %s", cg_ctrl_name(c), err.msg);
	}
}

/* Processes of the group `dir` other than brink: their number (a page full of
 * pids counts as "many"), or -1 with err filled. */
static int other_procs(const char *dir, struct berr *err)
{
	const char *procs = cg_file_name(F_PROCS, 2);
	char buf[4096];
	int fd = cg_open_ro(dir, procs);
	if (fd < 0)
		return berr_set(err, errno, "cannot open %s/%s", dir, procs);
	ssize_t n = cg_pread_all(fd, buf, sizeof(buf));
	int e = errno;
	close(fd);
	if (n < 0)
		return berr_set(err, e, "cannot read %s/%s", dir, procs);
	int others = 0;
	for (char *save, *t = strtok_r(buf, "\n", &save); t; t = strtok_r(NULL, "\n", &save))
		if (strtol(t, NULL, 10) != (long)getpid())
			others++;
	return others;
}

/* The v2 controllers still usable after the mount probe, as a mask, and the first
 * of them (whose state gives the mount and brink's own group: one hierarchy). */
static unsigned usable_mask(const struct cg_system *sys, enum cg_ctrl *first)
{
	unsigned m = 0;
	for (int c = CG__COUNT - 1; c >= 0; c--) {
		if (sys->ctrl[c].usable && sys->ctrl[c].version == 2) {
			m |= 1u << c;
			*first = (enum cg_ctrl)c;
		}
	}
	return m;
}

/* Directories of the layout: brink's own group, the parent it makes and, below
 * the root, the leaf brink moves itself into. */
struct dirs {
	char own[PATH_MAX], parent[PATH_MAX], self[PATH_MAX];
	bool root; /* brink's own group is the root: exempt, brink stays there */
};

static int dirs_of(const struct cg_system *sys, enum cg_ctrl first, struct dirs *d)
{
	cg_dir(sys, first, NULL, d->own, sizeof(d->own));
	cg_dir(sys, first, sys->parent, d->parent, sizeof(d->parent));
	d->root = strcmp(sys->ctrl[first].own, "/") == 0;
	if (!d->own[0] || !d->parent[0] ||
	    path_fmt(d->self, sizeof(d->self), "%s/self", d->parent) != 0)
		return -1;
	return 0;
}

/* Undo what setup() did, in reverse: controllers off in the parent, then those
 * brink turned on in its own group (at the root only when `undo_root`: after a
 * successful setup other groups below the root may have come to rely on them),
 * brink back into its own group, the parent (and self) removed. */
static void undo(struct cg_system *sys, enum cg_ctrl first, bool undo_root)
{
	struct dirs d;
	if (dirs_of(sys, first, &d) != 0)
		return;
	disable(sys, d.parent, sys->v2_parent_enabled);
	sys->v2_parent_enabled = 0;
	if (!d.root || undo_root) {
		disable(sys, d.own, sys->v2_own_enabled);
		sys->v2_own_enabled = 0;
	}
	if (sys->v2_moved) {
		char pid[32];
		snprintf(pid, sizeof(pid), "%d", (int)getpid());
		struct berr err = {0};
		if (cg_write(d.own, cg_file_name(F_PROCS, 2), pid, &err) != 0) {
			/* Still in self: removing it would kill brink. Left for the
			 * delegating manager (or the next brink) to remove. */
			cg_warn(sys, "cannot move back, leaving %s: %s", d.self, err.msg);
			return;
		}
		sys->v2_moved = false;
	}
	if (sys->parent_made[first])
		cg_parent_remove(sys, first, d.parent);
}

/* All of brink's v2 controllers or none. Root group: enable them there and in
 * the parent. Below the root, alone: move into <parent>/self, then enable them in
 * the own group and in the parent. Below the root, with other processes: change
 * nothing (moving or restricting processes brink does not own is not its call). */
static void setup(struct cg_system *sys)
{
	enum cg_ctrl first = CG_MEMORY;
	unsigned want = usable_mask(sys, &first);
	if (!want)
		return;
	struct dirs d;
	if (dirs_of(sys, first, &d) != 0) {
		cg_mark_all(sys, want, "the v2 group paths are too long");
		return;
	}
	/* A controller the own group does not receive cannot be had by anyone below
	 * it: not a failure of the others. */
	for (int c = 0; c < CG__COUNT; c++) {
		if ((want & (1u << c)) &&
		    cg_list_has(d.own, cg_file_name(F_CONTROLLERS, 2), cg_ctrl_name(c)) != 1) {
			cg_mark(sys, c, "%s is not available to %s (not in its %s: not delegated)",
				cg_ctrl_name(c), d.own, cg_file_name(F_CONTROLLERS, 2));
			want &= ~(1u << c);
		}
	}
	if (!want)
		return;
	struct berr err = {0};
	if (!d.root) {
		int others = other_procs(d.own, &err);
		if (others < 0) {
			cg_mark_all(sys, want, "%s", err.msg);
			return;
		}
		if (others > 0) {
			/* The advice first: a long path is what gets truncated. */
			cg_mark_all(
			    sys, want,
			    "brink shares its v2 cgroup with %d other process%s, and a group "
			    "with processes cannot pass controllers on: run brink in a "
			    "delegated cgroup of its own (e.g. systemd-run --scope -p "
			    "Delegate=yes brink ...); its cgroup: %s",
			    others, others == 1 ? "" : "es", d.own);
			return;
		}
	}
	cg_remove_stale(sys, first);
	if (cg_parent_make(sys, first, d.parent, &err) != 0)
		goto fail;
	if (!d.root) {
		if (mkdir(d.self, 0755) != 0 && errno != EEXIST) {
			berr_set(&err, errno, "cannot create %s", d.self);
			goto fail;
		}
		char pid[32];
		snprintf(pid, sizeof(pid), "%d", (int)getpid());
		if (cg_write(d.self, cg_file_name(F_PROCS, 2), pid, &err) != 0) {
			berr_wrap(&err, "cannot move brink into %s", d.self);
			goto fail;
		}
		sys->v2_moved = true;
	}
	/* Memory first (enum order): it is the one that most often fails, and the
	 * one whose failure makes the others pointless. */
	for (int c = 0; c < CG__COUNT; c++) {
		if (!(want & (1u << c)))
			continue;
		int r = enable(d.own, c, &err);
		if (r < 0)
			goto fail;
		if (r == 1)
			sys->v2_own_enabled |= 1u << c;
	}
	for (int c = 0; c < CG__COUNT; c++) {
		if (!(want & (1u << c)))
			continue;
		int r = enable(d.parent, c, &err);
		if (r < 0)
			goto fail;
		if (r == 1)
			sys->v2_parent_enabled |= 1u << c;
	}
	/* The limit files must exist in a child of the own group: check the parent. */
	for (int c = 0; c < CG__COUNT; c++)
		if ((want & (1u << c)) && cg_ctrl_proven(sys, c, d.parent, &err) != 0)
			goto fail;
	return;
fail:
	cg_mark_all(sys, want, "%s%s",
		    err.errnum == EBUSY ? "a v2 group with processes cannot pass controllers on "
					  "(run brink in a delegated cgroup of its own): "
					: "",
		    err.msg);
	undo(sys, first, true);
}

/* v2: one hierarchy, torn down as a whole, from the controller whose slot holds
 * the parent (setup() records it there; a move into self implies it). */
static void teardown(struct cg_system *sys)
{
	for (int c = 0; c < CG__COUNT; c++)
		if (sys->ctrl[c].version == 2 && sys->parent_made[c])
			undo(sys, (enum cg_ctrl)c, false);
}

const struct cg_hier cg_hier_v2 = {.setup = setup, .teardown = teardown};
