/* launch.h - start a command inside its run cgroup, limits applied, before its
 * first instruction.
 *
 * fork; the child blocks on a pipe while the parent seizes it with ptrace (for
 * the exec and exit stops) and moves it into the run cgroup; then the child sets
 * its rlimits, makes every fd but 0-2 close-on-exec, changes to its working
 * directory, drops to the `user` if one is set (supplementary groups dropped, no
 * capabilities left in any set, no_new_privs) and executes. A close-on-exec
 * error pipe tells the parent whether exec itself failed, and why.
 */
#ifndef BRINK_LAUNCH_H
#define BRINK_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "limit.h"

struct cg_run;

/* Find the program: a name with a '/' is taken as a path (made absolute); a bare
 * name is looked up in `scenario_dir` (may be NULL), then in $PATH. Checks that
 * it is an executable regular file. */
int launch_resolve(const char *cmd, const char *scenario_dir, char *out, size_t len,
		   struct berr *err);

/* brink's environment with the NAME=VALUE words of `set`, then those of `add`,
 * put over it (a later word replaces an earlier one of the same name): a
 * malloc'd NULL-terminated vector of borrowed strings for execve(2), NULL when
 * out of memory. Build it before a fork; free the vector only. */
char **launch_merge_env(char *const *set, char *const *add);

struct launch_opts {
	const char *path; /* resolved program */
	char *const *argv;
	const struct limits *lim;
	const char *cwd;	  /* working directory, or NULL */
	bool cwd_fresh;		  /* cwd is brink's fresh work/: given to `user` */
	int stdout_fd, stderr_fd; /* become the child's 1 and 2 */
	bool trace;		  /* PTRACE_SEIZE for exec and exit stops */
	const char *user;	  /* NULL or "": brink's own user; else a `user`
				     setting, resolved before the fork */
	char *const *env;	  /* NAME=VALUE set over brink's environment, or NULL */
	int sigfd;		  /* brink's signalfd (SIGCHLD, SIGINT, SIGTERM, SIGHUP), or
				   * -1: a termination signal before the exec kills the
				   * child. launch_start reads it while it waits (a SIGCHLD
				   * read there is lost: the caller must reap once after) */
	int *term_signo;	  /* out, may be NULL: the termination signal read */
	char *const *env_add;	  /* NULL, or NULL-terminated "NAME=VALUE" entries
				     set in the program's environment over brink's and `env` */
};

/* Resolve a `user` setting (NAME or UID, optionally :GROUP or :GID) to ids: a
 * name must exist in the user database; a number need not (its group is then
 * its passwd entry's, or the same number). -1 with err saying which part is
 * unknown. */
int launch_user_resolve(const char *spec, uid_t *uid, gid_t *gid, struct berr *err);

/* Start it. On success *pid is the running child (already released) and 0 is
 * returned; *traced says whether the exec and exit stops are in place (not when
 * brink is itself under a tracer). If the program could not be executed (or not
 * switched to its `user`), or the child was killed before its exec (the OOM
 * killer under a memory limit too small to start anything; a termination
 * signal on o->sigfd: 2, its number in *o->term_signo), returns 1 with
 * err saying why (the child has been reaped). -1: brink itself failed (err; child
 * reaped). Never blocks without a bound: the wait for the exec polls every
 * 20 ms for a stop or death of the child and for o->sigfd. */
int launch_start(const struct launch_opts *o, struct cg_run *cg, pid_t *pid, bool *traced,
		 struct berr *err);

/* Reap every exited child without blocking (brink is a child subreaper, so
 * orphans of the programs land here); a child stopped by ptrace is let go on
 * to its end. The shape of cg_run_destroy's reap callback (cgroup.h). */
void launch_reap_all(void *unused);

/* Kill and reap brink's children that are not the programs it still waits
 * for: processes re-parented to brink (a child subreaper) after leaving a run's
 * groups in every hierarchy, so that no cgroup kill reached them, and theirs
 * (a killed process's children come to brink in turn). Call it when brink has
 * no child of its own left (after a run's teardown: its program reaped, its
 * service load stopped). The pids come from /proc/PID/stat's ppid (field 4,
 * proc(5)); each is pinned with pidfd_open(2) and its parent checked again
 * before SIGKILL (pidfd_send_signal(2)). Bounded: about 1 s (cg_hurry: cut
 * short). Returns how many were killed. */
int launch_kill_orphans(void);

#endif
