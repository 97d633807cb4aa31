/*
 * v2 lane probe: checks, inside the qemu guest, the kernel features brink's cgroup-v2
 * engine relies on. Built static (gcc -static), run as root in a guest whose
 * /sys/fs/cgroup is a pure cgroup2 mount.
 *
 * Each check prints one line "PROBE <name> <PASS|FAIL|INFO> <detail>". Exit status: 0
 * when every required check passed, 1 otherwise, 77 when there is no writable cgroup2
 * at the root given (argv[1], default /sys/fs/cgroup). INFO lines report facts brink
 * must adapt to (e.g. a fast path that this kernel lacks) and never fail the probe.
 *
 * Like the kernel's cgroup selftests, an OOM kill is confirmed by the oom_kill counter
 * in memory.events, never guessed from SIGKILL.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pipe2, strerrorname_np; the project builds with it too */
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef P_PIDFD
#define P_PIDFD 3 /* glibc < 2.36 headers lack it; the kernel has it since 5.4 */
#endif

#define MEM_LIMIT  (32L << 20)
#define PIDS_LIMIT 16

static const char *root = "/sys/fs/cgroup";
static int failures;

static void report(const char *name, const char *verdict, const char *fmt, ...)
{
	va_list ap;

	printf("PROBE %-22s %-4s ", name, verdict);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (strcmp(verdict, "FAIL") == 0)
		failures++;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* <cg>/<file> into path; -1 with ENAMETOOLONG rather than a truncated path. */
static int cg_path(char *path, size_t size, const char *cg, const char *file)
{
	int n = snprintf(path, size, "%s/%s", cg, file);

	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Write a string to <cg>/<file>; returns 0 or -1 with errno set by the write. */
static int cg_write(const char *cg, const char *file, const char *val)
{
	char path[512];
	ssize_t n;
	int fd, saved;

	if (cg_path(path, sizeof path, cg, file) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	saved = errno;
	close(fd);
	errno = saved;
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

/* Read <cg>/<file> into buf (NUL-terminated); returns bytes read or -1. */
static ssize_t cg_read(const char *cg, const char *file, char *buf, size_t size)
{
	char path[512];
	ssize_t n;
	int fd;

	if (cg_path(path, sizeof path, cg, file) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

static int cg_exists(const char *cg, const char *file)
{
	char path[512];

	if (cg_path(path, sizeof path, cg, file) < 0)
		return 0;
	return access(path, F_OK) == 0;
}

/*
 * Value of `key` in a flat keyed file (memory.events, pids.events, cgroup.events):
 * lines "key value". Parsed by key, strictly; returns -1 if the key is absent or its
 * value is not a number.
 */
static long long keyed_value(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *line = text;

	while (line && *line) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
			char *end;
			long long v;

			errno = 0;
			v = strtoll(line + klen + 1, &end, 10);
			if (errno || end == line + klen + 1 || (*end != '\n' && *end != '\0'))
				return -1;
			return v;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -1;
}

static long long cg_keyed(const char *cg, const char *file, const char *key)
{
	char buf[1024];

	if (cg_read(cg, file, buf, sizeof buf) < 0)
		return -1;
	return keyed_value(buf, key);
}

/* Single number file (memory.peak, pids.peak, memory.current). */
static long long cg_number(const char *cg, const char *file)
{
	char buf[64], *end;
	long long v;

	if (cg_read(cg, file, buf, sizeof buf) < 0)
		return -1;
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno || end == buf || (*end != '\n' && *end != '\0'))
		return -1;
	return v;
}

/*
 * clone3(CLONE_INTO_CGROUP | CLONE_PIDFD): the child starts life in the cgroup, so
 * nothing it allocates is charged elsewhere. Returns the pid (0 in the child), -1 on
 * error. glibc 2.36 has no wrapper; without CLONE_VM the raw syscall behaves like
 * fork for a single-threaded caller.
 */
static pid_t clone_into(int cgfd, int *pidfd)
{
	struct clone_args args;

	memset(&args, 0, sizeof args);
	args.flags = CLONE_INTO_CGROUP | CLONE_PIDFD;
	args.pidfd = (uint64_t)(uintptr_t)pidfd;
	args.exit_signal = SIGCHLD;
	args.cgroup = (uint64_t)cgfd;
	return (pid_t)syscall(SYS_clone3, &args, sizeof args);
}

/* Create <root>/<name>, removing a leftover from an earlier run first. */
static int cg_make(const char *name, char *cg, size_t size)
{
	if (cg_path(cg, size, root, name) < 0)
		return -1;
	if (rmdir(cg) < 0 && errno != ENOENT)
		return -1;
	return mkdir(cg, 0755);
}

/*
 * Kill everything in the cgroup with cgroup.kill, reap what is ours, wait (bounded)
 * for "populated 0", then rmdir with bounded retries on EBUSY. Returns 0 when gone.
 */
static int cg_destroy(const char *cg, int use_kill)
{
	int i;

	if (use_kill && cg_write(cg, "cgroup.kill", "1") < 0 && errno != ENOENT)
		return -1;
	for (i = 0; i < 200; i++) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (cg_keyed(cg, "cgroup.events", "populated") == 0)
			break;
		usleep(10000);
	}
	for (i = 0; i < 50; i++) {
		if (rmdir(cg) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -1;
		usleep(10000);
	}
	return -1;
}

static void check_environment(void)
{
	struct utsname u;
	struct statfs sfs;
	char buf[512];

	uname(&u);
	report("kernel", "INFO", "%s %s", u.release, u.machine);
	if (statfs(root, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
		report("cgroup2-root", "PASS", "%s is cgroup2", root);
	else
		report("cgroup2-root", "FAIL", "%s is not a cgroup2 mount", root);
	if (cg_read(root, "cgroup.controllers", buf, sizeof buf) >= 0) {
		buf[strcspn(buf, "\n")] = '\0';
		report("controllers", "INFO", "available: %s", buf);
	}
	if (cg_read(root, "cgroup.subtree_control", buf, sizeof buf) >= 0) {
		buf[strcspn(buf, "\n")] = '\0';
		report("subtree-control",
		       strstr(buf, "memory") && strstr(buf, "pids") ? "PASS" : "FAIL",
		       "root enables: %s", buf);
	}
	if (cg_read("/proc/self", "cgroup", buf, sizeof buf) >= 0) {
		buf[strcspn(buf, "\n")] = '\0';
		report("self-cgroup", "INFO", "/proc/self/cgroup: %s", buf);
	}
}

/*
 * Open fd count from stat("/proc/self/fd").st_size: brink's fast path. The kernel
 * notes say it needs Linux >= 6.2, so on 6.1 it is expected to be absent (INFO, not a
 * failure); readdir is the fallback and must agree when the fast path exists.
 */
static void check_fd_count(void)
{
	struct stat st;
	struct dirent *de;
	long counted = 0;
	DIR *d;

	d = opendir("/proc/self/fd");
	if (!d || stat("/proc/self/fd", &st) < 0) {
		report("fd-count", "FAIL", "cannot read /proc/self/fd: %s", strerror(errno));
		if (d)
			closedir(d);
		return;
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			counted++;
	/* readdir counted the directory's own fd too; stat was taken before opendir. */
	counted--;
	closedir(d);
	if (st.st_size > 0)
		report("fd-count-fastpath", st.st_size == counted ? "PASS" : "FAIL",
		       "stat st_size=%lld readdir=%ld", (long long)st.st_size, counted);
	else
		report("fd-count-fastpath", "INFO",
		       "absent: stat st_size=0, readdir=%ld (brink must fall back to readdir)",
		       counted);
}

static void check_files(void)
{
	/* What the v2 engine reads or writes; "required" ones fail the probe. */
	static const struct {
		const char *file;
		int required;
	} files[] = {
	    {"memory.max", 1},	 {"memory.current", 1},	 {"memory.events", 1},
	    {"memory.peak", 1},	 {"memory.swap.max", 0}, {"memory.oom.group", 1},
	    {"pids.max", 1},	 {"pids.current", 1},	 {"pids.events", 1},
	    {"pids.peak", 0},	 {"cgroup.kill", 1},	 {"cgroup.events", 1},
	    {"cgroup.procs", 1}, {"cpu.max", 0},	 {"cpu.stat", 1},
	};
	char cg[512], name[64];
	size_t i;

	if (cg_make("probe-files", cg, sizeof cg) < 0) {
		report("files", "FAIL", "cannot mkdir %s: %s", cg, strerror(errno));
		return;
	}
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		int have = cg_exists(cg, files[i].file);

		snprintf(name, sizeof name, "file:%s", files[i].file);
		report(name,
		       have		   ? "PASS"
		       : files[i].required ? "FAIL"
					   : "INFO",
		       have ? "present" : "absent");
	}
	if (rmdir(cg) < 0)
		report("files-rmdir", "FAIL", "cannot rmdir %s: %s", cg, strerror(errno));
}

/* Child of the memory check: touch 1 MiB chunks until the OOM killer ends it. */
static void hog_memory(void)
{
	for (;;) {
		char *p =
		    mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			_exit(3);
		memset(p, 0xa5, 1 << 20);
	}
}

static void check_memory_oom(void)
{
	char cg[512], limit[32];
	int cgfd = -1, evfd = -1, pidfd = -1, notified = 0, status = 0;
	long long before, oom_kill, oom, peak;
	double t0, elapsed;
	siginfo_t si;
	pid_t pid;

	if (cg_make("probe-mem", cg, sizeof cg) < 0) {
		report("memory-oom", "FAIL", "cannot mkdir %s: %s", cg, strerror(errno));
		return;
	}
	snprintf(limit, sizeof limit, "%ld", MEM_LIMIT);
	if (cg_write(cg, "memory.max", limit) < 0) {
		report("memory-oom", "FAIL", "cannot set memory.max: %s", strerror(errno));
		goto cleanup;
	}
	/* Without this, a guest with swap would page out instead of OOM-killing. */
	if (cg_exists(cg, "memory.swap.max") && cg_write(cg, "memory.swap.max", "0") < 0) {
		report("memory-oom", "FAIL", "cannot set memory.swap.max: %s", strerror(errno));
		goto cleanup;
	}
	before = cg_keyed(cg, "memory.events", "oom_kill");
	cgfd = open(cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd >= 0)
		evfd = openat(cgfd, "memory.events", O_RDONLY | O_CLOEXEC);
	if (cgfd < 0 || evfd < 0 || before != 0) {
		report("memory-oom", "FAIL", "setup: cgfd=%d evfd=%d oom_kill before=%lld", cgfd,
		       evfd, before);
		goto cleanup;
	}
	{
		/* kernfs wakes pollers only after a read established the baseline. */
		char buf[512];

		if (pread(evfd, buf, sizeof buf, 0) < 0)
			report("memory-events-read", "FAIL", "%s", strerror(errno));
	}
	t0 = now_s();
	pid = clone_into(cgfd, &pidfd);
	if (pid < 0) {
		report("clone3-into-cgroup", "FAIL", "clone3: %s", strerror(errno));
		goto cleanup;
	}
	if (pid == 0)
		hog_memory();
	report("clone3-into-cgroup", "PASS", "child %d started in %s (pidfd %d)", (int)pid, cg,
	       pidfd);
	/* Wait on the pidfd while watching memory.events for POLLPRI, bounded at 60 s. */
	for (;;) {
		struct pollfd p[2] = {{.fd = evfd, .events = POLLPRI},
				      {.fd = pidfd, .events = POLLIN}};

		if (poll(p, 2, 1000) < 0 && errno != EINTR)
			break;
		if (p[0].revents & (POLLPRI | POLLERR))
			notified = 1;
		if (p[1].revents & POLLIN)
			break;
		if (now_s() - t0 > 60) {
			kill(pid, SIGKILL);
			report("memory-oom", "FAIL", "child not killed within 60 s");
			break;
		}
	}
	memset(&si, 0, sizeof si);
	if (waitid((idtype_t)P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0) {
		report("pidfd-waitid", "FAIL", "waitid(P_PIDFD): %s", strerror(errno));
		waitpid(pid, &status, 0);
	} else {
		report("pidfd-waitid", "PASS", "code=%d status=%d", si.si_code, si.si_status);
	}
	elapsed = now_s() - t0;
	oom_kill = cg_keyed(cg, "memory.events", "oom_kill");
	oom = cg_keyed(cg, "memory.events", "oom");
	peak = cg_number(cg, "memory.peak");
	report("memory-oom",
	       si.si_code == CLD_KILLED && si.si_status == SIGKILL && oom_kill >= 1 ? "PASS"
										    : "FAIL",
	       "child %s %d after %.2f s; memory.events oom=%lld oom_kill=%lld",
	       si.si_code == CLD_KILLED ? "killed by signal" : "exited with", si.si_status, elapsed,
	       oom, oom_kill);
	/* An OOM victim's last charges are forced past memory.max: a few pages over. */
	report("memory-peak",
	       peak > MEM_LIMIT / 2 && peak <= MEM_LIMIT + MEM_LIMIT / 20 ? "PASS" : "FAIL",
	       "memory.peak=%lld (limit %ld, %+lld)", peak, MEM_LIMIT, peak - MEM_LIMIT);
	report("memory-events-poll", notified ? "PASS" : "FAIL",
	       notified ? "POLLPRI on memory.events before the child was reaped"
			: "no POLLPRI on memory.events");
cleanup:
	if (pidfd >= 0)
		close(pidfd);
	if (evfd >= 0)
		close(evfd);
	if (cgfd >= 0)
		close(cgfd);
	if (cg_destroy(cg, 1) < 0)
		report("memory-rmdir", "FAIL", "cannot remove %s: %s", cg, strerror(errno));
}

/*
 * Child of the pids check: fork until refused, report through `out` how many forks
 * succeeded and the errno of the refusal, then wait to be killed via cgroup.kill.
 */
static void fork_until_refused(int out)
{
	int n = 0, err = 0;
	int msg[2];

	for (n = 0; n < 10 * PIDS_LIMIT; n++) {
		pid_t p = fork();

		if (p == 0) {
			pause();
			_exit(0);
		}
		if (p < 0) {
			err = errno;
			break;
		}
	}
	msg[0] = n;
	msg[1] = err;
	if (write(out, msg, sizeof msg) != sizeof msg)
		_exit(4);
	pause();
	_exit(0);
}

static void check_pids(void)
{
	char cg[512], limit[16];
	int cgfd = -1, pidfd = -1, pfd[2] = {-1, -1}, msg[2] = {0, 0};
	long long max_events, peak, current;
	pid_t pid;

	if (cg_make("probe-pids", cg, sizeof cg) < 0) {
		report("pids-max", "FAIL", "cannot mkdir %s: %s", cg, strerror(errno));
		return;
	}
	snprintf(limit, sizeof limit, "%d", PIDS_LIMIT);
	if (cg_write(cg, "pids.max", limit) < 0) {
		report("pids-max", "FAIL", "cannot set pids.max: %s", strerror(errno));
		goto cleanup;
	}
	cgfd = open(cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0 || pipe2(pfd, O_CLOEXEC) < 0) {
		report("pids-max", "FAIL", "setup: %s", strerror(errno));
		goto cleanup;
	}
	pid = clone_into(cgfd, &pidfd);
	if (pid < 0) {
		report("pids-max", "FAIL", "clone3: %s", strerror(errno));
		goto cleanup;
	}
	if (pid == 0) {
		close(pfd[0]);
		fork_until_refused(pfd[1]);
	}
	close(pfd[1]);
	pfd[1] = -1;
	if (read(pfd[0], msg, sizeof msg) != sizeof msg) {
		report("pids-max", "FAIL", "child reported nothing");
		goto cleanup;
	}
	current = cg_number(cg, "pids.current");
	max_events = cg_keyed(cg, "pids.events", "max");
	peak = cg_number(cg, "pids.peak");
	/* The forking child itself is one of the PIDS_LIMIT tasks. */
	report("pids-max", msg[0] == PIDS_LIMIT - 1 && msg[1] == EAGAIN ? "PASS" : "FAIL",
	       "%d forks then %s; pids.current=%lld", msg[0], strerrorname_np(msg[1]) ?: "none",
	       current);
	report("pids-events", max_events >= 1 ? "PASS" : "FAIL", "pids.events max=%lld",
	       max_events);
	if (peak < 0)
		report("pids-peak", "INFO", "pids.peak absent on this kernel");
	else
		report("pids-peak", peak == PIDS_LIMIT ? "PASS" : "FAIL", "pids.peak=%lld", peak);
cleanup:
	if (pfd[0] >= 0)
		close(pfd[0]);
	if (pfd[1] >= 0)
		close(pfd[1]);
	if (cgfd >= 0)
		close(cgfd);
	if (pidfd >= 0)
		close(pidfd);
	{
		/* cgroup.kill takes the whole tree; the subreaper reaps the orphans. */
		double t0 = now_s();

		if (cg_destroy(cg, 1) == 0)
			report("cgroup-kill", "PASS", "tree killed, reaped and removed in %.3f s",
			       now_s() - t0);
		else
			report("cgroup-kill", "FAIL", "cannot remove %s: %s", cg, strerror(errno));
	}
}

/*
 * The no-internal-process rule: a non-root cgroup with member processes cannot enable
 * controllers for children (EBUSY). brink, when it sits in such a leaf (a systemd
 * session scope), must move itself into a leaf of its own before enabling controllers.
 */
static void check_no_internal_process(void)
{
	char cg[512], child_type[64];
	int cgfd = -1, pidfd = -1, rc, err;
	pid_t pid;

	if (cg_make("probe-nip", cg, sizeof cg) < 0) {
		report("no-internal-process", "FAIL", "cannot mkdir %s: %s", cg, strerror(errno));
		return;
	}
	cgfd = open(cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	pid = cgfd < 0 ? -1 : clone_into(cgfd, &pidfd);
	if (pid < 0) {
		report("no-internal-process", "FAIL", "setup: %s", strerror(errno));
		goto cleanup;
	}
	if (pid == 0) {
		pause();
		_exit(0);
	}
	rc = cg_write(cg, "cgroup.subtree_control", "+memory");
	err = errno;
	report("no-internal-process", rc < 0 && err == EBUSY ? "PASS" : "FAIL",
	       "+memory in a populated cgroup's subtree_control: %s",
	       rc < 0 ? strerrorname_np(err) : "accepted");
	/*
	 * Threaded controllers (pids, cpu) are exempt from the rule, so enabling them in a
	 * populated group succeeds; the children of such a group are then "invalid
	 * domains" and refuse domain controllers with EOPNOTSUPP, not EBUSY. A half-set-up
	 * group of this kind is what a harness meets when a first attempt enabled pids
	 * and a later one wanted memory.
	 */
	rc = cg_write(cg, "cgroup.subtree_control", "+pids");
	err = errno;
	report("nip-threaded-pids", "INFO", "+pids in the same populated cgroup: %s",
	       rc < 0 ? strerrorname_np(err) : "accepted");
	if (rc == 0) {
		char child[600];

		if (cg_path(child, sizeof child, cg, "child") == 0 && mkdir(child, 0755) == 0) {
			rc = cg_write(child, "cgroup.subtree_control", "+pids");
			err = errno;
			report("nip-invalid-domain", "INFO",
			       "+pids in a child of that cgroup: %s; cgroup.type=%s",
			       rc < 0 ? strerrorname_np(err) : "accepted",
			       cg_read(child, "cgroup.type", child_type, sizeof child_type) > 0
				   ? strtok(child_type, "\n")
				   : "?");
			rc = cg_write(cg, "cgroup.subtree_control", "+memory");
			err = errno;
			report("nip-memory-again", "INFO",
			       "+memory in the populated cgroup once pids is on: %s",
			       rc < 0 ? strerrorname_np(err) : "accepted");
			rmdir(child);
		}
	}
cleanup:
	if (cgfd >= 0)
		close(cgfd);
	if (pidfd >= 0)
		close(pidfd);
	if (cg_destroy(cg, 1) < 0)
		report("nip-rmdir", "FAIL", "cannot remove %s: %s", cg, strerror(errno));
}

int main(int argc, char **argv)
{
	struct statfs sfs;

	if (argc > 1)
		root = argv[1];
	if (statfs(root, &sfs) < 0 || sfs.f_type != CGROUP2_SUPER_MAGIC || access(root, W_OK)) {
		fprintf(stderr, "probe: %s is not a writable cgroup2 mount: skipped\n", root);
		return 77;
	}
	/* Orphans of the pids check (the forking child dies first) come back to us. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	check_environment();
	check_fd_count();
	check_files();
	check_memory_oom();
	check_pids();
	check_no_internal_process();
	printf("PROBE-RESULT %s (%d failed)\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
