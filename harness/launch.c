/* launch.c - see launch.h. */
#include "launch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "procstat.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static int check_exec(const char *path, struct berr *err, const char *cmd)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return berr_set(err, errno, "cannot run %s: %s", cmd, path);
	if (!S_ISREG(st.st_mode))
		return berr_set(err, 0, "cannot run %s: %s is not a regular file", cmd, path);
	if (access(path, X_OK) != 0)
		return berr_set(err, errno, "cannot run %s: %s", cmd, path);
	return 0;
}

int launch_resolve(const char *cmd, const char *scenario_dir, char *out, size_t len,
		   struct berr *err)
{
	if (!cmd || !*cmd)
		return berr_set(err, 0, "empty command");
	if (strchr(cmd, '/')) {
		char abs[PATH_MAX];
		if (!realpath(cmd, abs))
			return berr_set(err, errno, "cannot run %s", cmd);
		if (check_exec(abs, err, cmd) != 0)
			return -1;
		snprintf(out, len, "%s", abs);
		return 0;
	}
	char cand[PATH_MAX];
	if (scenario_dir) {
		snprintf(cand, sizeof(cand), "%s/%s", scenario_dir, cmd);
		if (access(cand, X_OK) == 0 && check_exec(cand, NULL, cmd) == 0) {
			snprintf(out, len, "%s", cand);
			return 0;
		}
	}
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(cand, sizeof(cand), "%.*s/%s", (int)(n ? n : 1), n ? p : ".", cmd);
		if (access(cand, X_OK) == 0 && check_exec(cand, NULL, cmd) == 0) {
			snprintf(out, len, "%s", cand);
			return 0;
		}
		p += n;
		if (*p == ':')
			p++;
	}
	return berr_set(err, 0, "cannot run %s: not found in %s%s$PATH", cmd,
			scenario_dir ? scenario_dir : "", scenario_dir ? " nor in " : "");
}

/* A whole decimal number that fits an id (not the -1 "no change" id), or -1. */
static long long parse_id(const char *s)
{
	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 10)
		return -1;
	unsigned long long v = strtoull(s, NULL, 10);
	return v >= (uid_t)-1 ? -1 : (long long)v;
}

int launch_user_resolve(const char *spec, uid_t *uid, gid_t *gid, struct berr *err)
{
	char name[64];
	const char *colon = strchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
	if (n == 0 || n >= sizeof(name) || (colon && !colon[1]))
		return berr_set(
		    err, 0, "user \"%s\": expected NAME or UID, optionally :GROUP or :GID", spec);
	memcpy(name, spec, n);
	name[n] = '\0';
	long long id = parse_id(name);
	errno = 0;
	struct passwd *pw = id >= 0 ? getpwuid((uid_t)id) : getpwnam(name);
	if (!pw && id < 0)
		/* not found is NULL with errno 0 or ENOENT: no reason worth showing */
		return berr_set(err, errno == ENOENT ? 0 : errno, "no such user %s", name);
	*uid = pw ? pw->pw_uid : (uid_t)id;
	*gid = pw ? pw->pw_gid : (gid_t)id; /* a bare uid without an entry: same gid */
	if (colon) {
		const char *g = colon + 1;
		long long gn = parse_id(g);
		errno = 0;
		struct group *gr = gn >= 0 ? NULL : getgrnam(g);
		if (gn < 0 && !gr)
			return berr_set(err, errno == ENOENT ? 0 : errno,
					"no such group %s (in %s)", g, spec);
		*gid = gr ? gr->gr_gid : (gid_t)gn;
	}
	return 0;
}

/* What the child reports through the error pipe when it cannot exec. */
struct child_fail {
	int stage; /* enum below */
	int err;
	int limit; /* for STAGE_RLIMIT: the limit; for STAGE_USER: the step */
};
enum { STAGE_SYNC, STAGE_FDS, STAGE_RLIMIT, STAGE_CWD, STAGE_USER, STAGE_EXEC };

/* The steps of dropping to the `user`, in order; STAGE_USER reports the index. */
static const char *const user_steps[] = {
    "empty the capability bounding set",
    "drop the supplementary groups",
    "set the group id",
    "set the user id",
    "clear the capability sets",
    "set no_new_privs",
    "set the parent-death signal",
};

/* Become uid/gid with nothing of root left: no supplementary groups, empty
 * capability sets (bounding set included, so a set-user-ID root program cannot
 * get them back either), no_new_privs. -1 with errno and *step on failure. */
static int drop_to_user(uid_t uid, gid_t gid, pid_t parent, int *step)
{
	/* The bounding set first: emptying it needs CAP_SETPCAP, gone after setuid. */
	*step = 0;
	for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
			return -1;
	*step = 1;
	if (setgroups(0, NULL) != 0)
		return -1;
	*step = 2;
	if (setresgid(gid, gid, gid) != 0)
		return -1;
	/* From uid 0 to another without SECBIT_KEEP_CAPS, the kernel clears the
	 * permitted, effective and ambient sets; not the inheritable one. */
	*step = 3;
	if (setresuid(uid, uid, uid) != 0)
		return -1;
	*step = 4;
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data) != 0)
		return -1;
	*step = 5;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	/* A change of credentials clears the parent-death signal: set it again,
	 * and if brink died in between, do not run unwatched. */
	*step = 6;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		return -1;
	if (getppid() != parent) {
		errno = ESRCH;
		return -1;
	}
	return 0;
}

static _Noreturn void child_fail(int fd, int stage, int e, int limit)
{
	struct child_fail f = {stage, e, limit};
	ssize_t n = write(fd, &f, sizeof(f));
	(void)n;
	_exit(127);
}

/* The resolved `user` of the child; set_user false: brink's own. */
struct child_user {
	bool set_user;
	uid_t uid;
	gid_t gid;
	pid_t parent;
};

/* Does NAME=VALUE word `w` set the variable of environment entry `e`? */
static bool sets_var(const char *w, const char *e)
{
	size_t len = strcspn(e, "=");
	return strncmp(w, e, len) == 0 && w[len] == '=';
}

/* brink's environment with the NAME=VALUE words of `set` (the `env` setting),
 * then those of `add` (brink's own for the program, e.g. GODEBUG for
 * go-runtime), put over it: a later word replaces an earlier one of the same
 * name. A malloc'd vector of borrowed strings, or NULL on allocation failure.
 * Built in the parent, before the fork; public for the load (service.c). */
char **launch_merge_env(char *const *set, char *const *add)
{
	extern char **environ;
	char *const *sets[] = {set, add};
	size_t n = 0, k = 0;
	while (environ[n])
		n++;
	for (size_t i = 0; i < 2; i++)
		for (char *const *s = sets[i]; s && *s; s++)
			n++;
	char **v = calloc(n + 1, sizeof(*v));
	if (!v)
		return NULL;
	for (char **e = environ; *e; e++)
		v[k++] = *e;
	for (size_t i = 0; i < 2; i++)
		for (char *const *s = sets[i]; s && *s; s++) {
			size_t j = 0;
			while (j < k && !sets_var(*s, v[j]))
				j++;
			v[j] = *s; /* replaces the entry of that name, or appends */
			if (j == k)
				k++;
		}
	v[k] = NULL;
	return v;
}

static _Noreturn void child(const struct launch_opts *o, const struct child_user *u, int sync_rd,
			    int err_wr, char *const *envp)
{
	char c;
	/* Wait until the parent has placed us in the cgroup and seized us. */
	if (read(sync_rd, &c, 1) != 1)
		child_fail(err_wr, STAGE_SYNC, errno, 0);
	/* brink blocks signals for its signalfd: undo that and any ignored ones. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	setpgid(0, 0); /* the terminal's ^C is brink's to handle */
	if (o->stdout_fd >= 0 && dup2(o->stdout_fd, 1) < 0)
		child_fail(err_wr, STAGE_FDS, errno, 0);
	if (o->stderr_fd >= 0 && dup2(o->stderr_fd, 2) < 0)
		child_fail(err_wr, STAGE_FDS, errno, 0);
	if (fcntl(0, F_GETFD) < 0) { /* brink had no stdin: give /dev/null */
		int fd = open("/dev/null", O_RDONLY);
		if (fd > 0) {
			dup2(fd, 0);
			close(fd);
		}
	}
	/* Only 0, 1 and 2 cross exec (the error pipe too, until exec closes it). */
	if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
		for (int fd = 3; fd < 65536; fd++)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	int failed = -1;
	if (o->lim && limits_apply_rlimits(o->lim, &failed) != 0)
		child_fail(err_wr, STAGE_RLIMIT, errno, failed);
	/* The working directory before the user changes: it is the user's, but
	 * the directories above it (the result directory) need not be searchable
	 * by that user. */
	if (o->cwd && chdir(o->cwd) != 0)
		child_fail(err_wr, STAGE_CWD, errno, 0);
	int step = 0;
	if (u->set_user && drop_to_user(u->uid, u->gid, u->parent, &step) != 0)
		child_fail(err_wr, STAGE_USER, errno, step);
	if (envp)
		execve(o->path, o->argv, envp);
	else
		execv(o->path, o->argv);
	child_fail(err_wr, STAGE_EXEC, errno, 0);
}

/* Wait for the child's exec (the error pipe closes: 0) or its report (the
 * size of *f), without ever blocking for good: a child killed before its exec
 * (the OOM killer, any fatal signal) stops in its ptrace exit stop still
 * holding the pipe's write end, so the pipe alone could wait for ever. Every
 * 20 ms without news, a stop of the child is looked at (waitid WNOWAIT, so that
 * the exec stop stays for the monitor): an exit stop records the status in
 * *died and lets it go; another stop is let go with its signal. A termination
 * signal read from o->sigfd kills the child and sets *interrupted. Returns the read's
 * result; -1 on a read error. */
static ssize_t wait_exec(const struct launch_opts *o, pid_t p, int rd, struct child_fail *f,
			 int *died, bool *interrupted)
{
	for (;;) {
		struct pollfd pf[2] = {{rd, POLLIN, 0}, {o->sigfd, POLLIN, 0}};
		int k = poll(pf, o->sigfd >= 0 ? 2 : 1, 20);
		if (k < 0 && errno != EINTR)
			return -1;
		if (k > 0 && pf[0].revents) {
			ssize_t n = read(rd, f, sizeof(*f));
			if (n < 0 && errno == EINTR)
				continue;
			return n;
		}
		struct signalfd_siginfo si_;
		while (k > 0 && (pf[1].revents & POLLIN) &&
		       read(o->sigfd, &si_, sizeof(si_)) == sizeof(si_)) {
			if (si_.ssi_signo == SIGCHLD || *interrupted)
				continue;
			*interrupted = true;
			if (o->term_signo)
				*o->term_signo = (int)si_.ssi_signo;
			kill(p, SIGKILL);
		}
		siginfo_t si = {0};
		if (waitid(P_PID, (id_t)p, &si, WEXITED | WSTOPPED | WNOHANG | WNOWAIT | __WALL) !=
			0 ||
		    si.si_pid != p)
			continue;
		/* Something happened to the child: if the pipe closed meanwhile, it
		 * was the exec (its stop is the monitor's). */
		struct pollfd again = {rd, POLLIN, 0};
		if (poll(&again, 1, 0) > 0)
			continue;
		int st;
		if (waitpid(p, &st, WNOHANG | __WALL) != p)
			continue;
		if (!WIFSTOPPED(st)) { /* untraced and dead: the pipe is closed */
			*died = st;
			continue;
		}
		if (st >> 16 == PTRACE_EVENT_EXIT) {
			unsigned long code = 0;
			ptrace(PTRACE_GETEVENTMSG, p, 0, &code);
			*died = (int)code;
			ptrace(PTRACE_CONT, p, 0, 0);
		} else if (st >> 16 == PTRACE_EVENT_STOP) {
			ptrace(PTRACE_CONT, p, 0, 0);
		} else {
			ptrace(PTRACE_CONT, p, 0, WSTOPSIG(st));
		}
	}
}

int launch_start(const struct launch_opts *o, struct cg_run *cg, pid_t *pid, bool *traced,
		 struct berr *err)
{
	/* The user is looked up here, in the parent: the child after fork may not
	 * call into NSS, and an unknown user is found before anything runs. */
	struct child_user u = {.set_user = o->user && o->user[0], .parent = getpid()};
	if (u.set_user) {
		if (launch_user_resolve(o->user, &u.uid, &u.gid, err) != 0)
			return -1;
		/* The program's fresh working directory is its own to write in. */
		if (o->cwd && o->cwd_fresh && chown(o->cwd, u.uid, u.gid) != 0)
			return berr_set(err, errno, "cannot give %s to uid %d gid %d", o->cwd,
					(int)u.uid, (int)u.gid);
	}
	char **envp = NULL;
	if ((o->env || o->env_add) && !(envp = launch_merge_env(o->env, o->env_add)))
		return berr_set(err, ENOMEM, "cannot set the environment of %s", o->path);
	int syncp[2], errp[2];
	if (pipe2(syncp, O_CLOEXEC) != 0) {
		free(envp);
		return berr_set(err, errno, "cannot create a pipe");
	}
	if (pipe2(errp, O_CLOEXEC) != 0) {
		close(syncp[0]);
		close(syncp[1]);
		free(envp);
		return berr_set(err, errno, "cannot create a pipe");
	}
	pid_t p = fork();
	if (p < 0) {
		int e = errno;
		free(envp);
		close(syncp[0]);
		close(syncp[1]);
		close(errp[0]);
		close(errp[1]);
		return berr_set(err, e, "cannot fork");
	}
	if (p == 0) {
		close(syncp[1]);
		close(errp[0]);
		/* If brink dies, so does the program it was measuring. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		child(o, &u, syncp[0], errp[1], envp);
	}
	free(envp); /* the child has its copy */
	close(syncp[0]);
	close(errp[1]);
	int rc = 0;
	*traced = o->trace;
	if (o->trace && ptrace(PTRACE_SEIZE, p, 0,
			       PTRACE_O_TRACEEXIT | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL) != 0) {
		/* EPERM: brink is itself traced (strace, gdb) or ptrace is locked
		 * down; measure without the exec and exit stops rather than not at all. */
		if (errno == EPERM)
			*traced = false;
		else
			rc = berr_set(err, errno, "cannot trace pid %d (ptrace seize)", (int)p);
	}
	if (rc == 0 && cg && cg_run_attach(cg, p, err) != 0)
		rc = berr_wrap(err, "cannot move %s (pid %d) into its run group", o->path, (int)p);
	/* Release the child. EPIPE: it is gone already, and wait_exec() below
	 * says how it died. */
	if (rc == 0 && write(syncp[1], "x", 1) != 1 && errno != EPIPE)
		rc = berr_set(err, errno, "cannot release %s (pid %d) for its exec", o->path,
			      (int)p);
	if (rc != 0) {
		kill(p, SIGKILL);
		close(syncp[1]);
		close(errp[0]);
		waitpid(p, NULL, __WALL);
		return -1;
	}
	close(syncp[1]);
	struct child_fail f;
	int died = -1; /* exit status seen in an exit stop before the exec */
	bool interrupted = false;
	ssize_t n = wait_exec(o, p, errp[0], &f, &died, &interrupted);
	close(errp[0]);
	if (n == 0 && died < 0 && !interrupted) {
		*pid = p;
		return 0;
	}
	/* The child failed before or at exec: reap it (it may stop on its way out
	 * when traced; waitpid with __WALL and a kill ends that). */
	kill(p, SIGKILL);
	int st;
	while (waitpid(p, &st, __WALL) == p && !WIFEXITED(st) && !WIFSIGNALED(st))
		ptrace(PTRACE_CONT, p, 0, 0);
	if (interrupted) {
		berr_set(err, 0, "brink was interrupted before %s could start", o->path);
		return 2;
	}
	if (died >= 0 && WIFSIGNALED(died)) {
		berr_set(err, 0, "%s was killed by signal %d (%s) before it could start", o->path,
			 WTERMSIG(died), strsignal(WTERMSIG(died)));
		return 1;
	}
	if (died >= 0 && n != (ssize_t)sizeof(f)) {
		berr_set(err, 0, "the child exited with status %d before exec", WEXITSTATUS(died));
		return 1;
	}
	if (n != (ssize_t)sizeof(f)) {
		berr_set(err, 0, "the child died before exec");
		return 1;
	}
	static const char *const stage[] = {
	    "wait for the start signal", "set up stdout/stderr", "set the rlimits",
	    "change directory",		 "switch user",		 "execute"};
	if (f.stage == STAGE_RLIMIT)
		berr_set(err, f.err, "cannot set %s for %s",
			 f.limit >= 0 && f.limit < LIM__COUNT ? limit_table[f.limit].key : "?",
			 o->path);
	else if (f.stage == STAGE_CWD)
		berr_set(err, f.err, "cannot change directory to %s", o->cwd);
	else if (f.stage == STAGE_USER)
		berr_set(err, f.err, "cannot %s to run %s as user %s (uid %d gid %d)",
			 f.limit >= 0 && f.limit < (int)(sizeof(user_steps) / sizeof(user_steps[0]))
			     ? user_steps[f.limit]
			     : "switch user",
			 o->path, o->user, (int)u.uid, (int)u.gid);
	else
		berr_set(err, f.err, "cannot %s %s", stage[f.stage], o->path);
	return 1;
}

void launch_reap_all(void *unused)
{
	(void)unused;
	int st;
	pid_t p;
	while ((p = waitpid(-1, &st, WNOHANG | __WALL)) > 0)
		if (WIFSTOPPED(st)) /* a traced task: let it go on to its end */
			ptrace(PTRACE_CONT, p, 0, 0);
}

/* Has brink a child left (live or not yet reaped)? */
static bool any_child(void)
{
	siginfo_t si = {0};
	return waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT | __WALL) == 0;
}

/* SIGKILL every process whose parent is brink; how many were sent their first
 * (seen[0..*nseen) holds those sent one before, at most cap). */
static int kill_children(pid_t self, pid_t *seen, int *nseen, int cap)
{
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		long v = strtol(e->d_name, &end, 10);
		if (end == e->d_name || *end || v <= 0 || v == self)
			continue;
		pid_t pid = (pid_t)v;
		if (procstat_field(pid, 4) != self)
			continue;
		int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (pfd < 0)
			continue;
		/* pinned now: a recycled pid would not be brink's child */
		if (procstat_field(pid, 4) == self &&
		    syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0) == 0) {
			bool again = false;
			for (int i = 0; i < *nseen && !again; i++)
				again = seen[i] == pid;
			if (!again) {
				n++;
				if (*nseen < cap)
					seen[(*nseen)++] = pid;
			}
		}
		close(pfd);
	}
	closedir(d);
	return n;
}

int launch_kill_orphans(void)
{
	pid_t self = getpid();
	int killed = 0, nseen = 0;
	pid_t seen[1024];
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		launch_reap_all(NULL);
		int before = nseen, k = kill_children(self, seen, &nseen, 1024);
		killed += k;
		if (k == 0 && nseen == before && !any_child())
			break;
		struct timespec ts = {0, 2 * 1000 * 1000};
		nanosleep(&ts, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
		int64_t ms = (now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms >= 1000 || cg_hurry())
			break;
	}
	launch_reap_all(NULL);
	return killed;
}
