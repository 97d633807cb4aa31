/* failcall.c - programs that run into a limit the way real ones do, for the
 * e2e tests of the failing system call the kernel reports (tests/e2e/bpf_*.sh).
 *
 * Usage: failcall MODE
 *   survive-emfile  open /dev/null until EMFILE, close them all, go on, exit 0
 *   child-nofile    a child lowers its own nofile soft limit to 64 and opens
 *                   until EMFILE; the parent waits and exits 0
 *   thread-bomb     create threads until pthread_create fails (EAGAIN), exit 0
 *   mmap-as         mmap 1 MiB blocks until mmap fails (ENOMEM), exit 0
 *   child-oom       a child touches memory until the OOM killer takes it; the
 *                   parent waits and exits 0
 *   brk-data        grow the heap with sbrk(64 KiB) until it fails (ENOMEM under
 *                   a data limit: brk(2) itself returns the old break), exit 0
 *   compat-dup      dup(2) through the i386 entry (int $0x80, i386 number 41,
 *                   socket's number on x86-64) until EMFILE, exit 0; exits 77
 *                   when the kernel has no i386 emulation
 *   exit-emfile     open until EMFILE, with strings on the stack, and exit at
 *                   once (no pause after the failure)
 *   quick-child-nofile
 *                   a child lowers its own nofile soft limit to 20, opens until
 *                   EMFILE and exits at once; the parent lingers, exits 0
 *                   (limit= the child's limit)
 *   quick-thread-emfile
 *                   a second thread opens until EMFILE and ends at once; the
 *                   main thread joins it, lingers, exits 0 (threads= the
 *                   process's threads at the failure)
 *   main-exit-emfile
 *                   the main thread calls pthread_exit; the other opens until
 *                   EMFILE, lingers, ends the process (exit 0); tid= too
 *   self-as, self-data
 *                   lower its own RLIMIT_AS (64 MiB) / RLIMIT_DATA (16 MiB), then
 *                   mmap 1 MiB blocks / sbrk 64 KiB until ENOMEM, exit 0
 *   fork-bomb       fork children that wait, until fork fails (EAGAIN under an
 *                   nproc limit), then end them all, exit 0
 *   nested-oom      move a child into a group made below the program's own
 *                   (memory and pids on v1, the unified one on v2), where it
 *                   lowers its nofile to 32, opens until EMFILE, then touches
 *                   memory until the OOM killer takes it; the parent waits,
 *                   removes the groups, exits 0 (exits 77 when it cannot make
 *                   them)
 *   need-64         open /dev/null until it holds 64 fds in all (stdin, stdout
 *                   and stderr counted), going on past a failure; holds them
 *                   0.5 s, exits 0 (held= the fds it held, failed= the opens
 *                   that failed, err= the first one's errno or none)
 *   low-helper      a helper child lowers its own nofile soft limit to 10 and
 *                   idles 1.5 s; the main process opens until EMFILE (limit=
 *                   its own nofile soft limit), waits for the helper, exits 0
 *   huge-mmap       one mmap of 64 TiB, which the kernel's overcommit check
 *                   refuses (ENOMEM) under no rlimit at all, exit 0
 * Each sleeps 0.3 s before and 0.5 s after the failure (the quick ones: the
 * failing process or thread ends at once, the parent or main thread
 * lingers), so that a time taken from the run's start or end cannot pass for
 * the failure's. It prints, in key=value lines on
 * stdout: pid= of the process that failed, before_s= and after_s= (seconds since main started,
 * taken around the failing call), n= what was made before it failed, err= the errno name it got.
 * Output goes through write(2): after an mmap failure, stdio may not allocate. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct timespec start;

static double since_start(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - start.tv_sec) + (double)(t.tv_nsec - start.tv_nsec) / 1e9;
}

static void say(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0 && write(1, buf, (size_t)n) < 0)
		_exit(90);
}

static const char *ename(int e)
{
	return e == EMFILE ? "EMFILE" : e == EAGAIN ? "EAGAIN" : e == ENOMEM ? "ENOMEM" : "other";
}

static void pause_a_little(void)
{
	usleep(300000);
}

static void linger(void)
{
	usleep(500000);
}

/* Open until EMFILE; report; close them all. */
static int open_until_emfile(void)
{
	static int fds[1 << 20];
	int n = 0;
	for (;;) {
		double before = since_start();
		int fd = open("/dev/null", O_RDONLY);
		if (fd < 0) {
			double after = since_start();
			say("pid=%d\nn=%d\nerr=%s\nbefore_s=%.6f\nafter_s=%.6f\n", (int)getpid(), n,
			    ename(errno), before, after);
			break;
		}
		fds[n++] = fd;
	}
	linger();
	for (int i = 0; i < n; i++)
		close(fds[i]);
	return n;
}

static int wait_child(pid_t c)
{
	int st;
	while (waitpid(c, &st, 0) < 0)
		if (errno != EINTR)
			return 91;
	say("child=%d\nchild_signal=%d\nparent_after_s=%.6f\n", (int)c,
	    WIFSIGNALED(st) ? WTERMSIG(st) : 0, since_start());
	return 0;
}

static int survive_emfile(void)
{
	pause_a_little();
	open_until_emfile();
	/* and it goes on serving, like an accept loop after EMFILE */
	for (int i = 0; i < 10; i++) {
		int fd = open("/dev/null", O_RDONLY);
		if (fd < 0)
			return 92;
		close(fd);
	}
	say("survived=1\n");
	return 0;
}

static int child_nofile(void)
{
	pid_t c = fork();
	if (c < 0)
		return 93;
	if (c == 0) {
		pause_a_little();
		struct rlimit rl;
		getrlimit(RLIMIT_NOFILE, &rl);
		rl.rlim_cur = 64;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			_exit(94);
		open_until_emfile();
		_exit(0);
	}
	return wait_child(c);
}

static int gate[2];
static void *blocked(void *arg)
{
	(void)arg;
	char b;
	while (read(gate[0], &b, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

static int thread_bomb(void)
{
	static pthread_t t[100000];
	if (pipe(gate) != 0)
		return 95;
	pause_a_little();
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 64 * 1024);
	int n = 0;
	for (; n < 100000; n++) {
		double before = since_start();
		int e = pthread_create(&t[n], &a, blocked, NULL);
		if (e != 0) {
			double after = since_start();
			say("pid=%d\nn=%d\nerr=%s\nbefore_s=%.6f\nafter_s=%.6f\n", (int)getpid(), n,
			    ename(e), before, after);
			break;
		}
	}
	linger();
	close(gate[1]); /* every thread's read returns 0 */
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return 0;
}

static int mmap_as(void)
{
	pause_a_little();
	int n = 0;
	for (;;) {
		double before = since_start();
		void *p =
		    mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			double after = since_start();
			say("pid=%d\nn=%d\nerr=%s\nbefore_s=%.6f\nafter_s=%.6f\n", (int)getpid(), n,
			    ename(errno), before, after);
			linger();
			return 0;
		}
		n++;
	}
}

static int child_oom(void)
{
	pid_t c = fork();
	if (c < 0)
		return 96;
	if (c == 0) {
		pause_a_little();
		say("pid=%d\nbefore_s=%.6f\n", (int)getpid(), since_start());
		for (;;) {
			char *p = malloc(1 << 20);
			if (!p)
				_exit(97);
			memset(p, 1, 1 << 20);
		}
	}
	return wait_child(c);
}

static int brk_data(void)
{
	pause_a_little();
	int n = 0;
	for (;;) {
		double before = since_start();
		if (sbrk(1 << 16) == (void *)-1) {
			double after = since_start();
			say("pid=%d\nn=%d\nerr=%s\nbefore_s=%.6f\nafter_s=%.6f\n", (int)getpid(), n,
			    ename(errno), before, after);
			linger();
			return 0;
		}
		n++;
	}
}

/* An i386 system call from this 64-bit program: number in eax, first argument
 * in ebx; the result in eax. */
static long int80(long nr, long a)
{
#if defined(__x86_64__)
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(0), "d"(0) : "memory");
	return r;
#else
	(void)nr;
	(void)a;
	return -ENOSYS;
#endif
}

static int compat_dup(void)
{
	if (int80(41, 2) < 0) { /* dup(2): none on this machine */
		fprintf(stderr, "failcall: no i386 system calls here (int $0x80)\n");
		return 77;
	}
	pause_a_little();
	int n = 1;
	for (;;) {
		double before = since_start();
		long r = int80(41, 2);
		if (r < 0) {
			double after = since_start();
			say("pid=%d\nn=%d\nerr=%s\nbefore_s=%.6f\nafter_s=%.6f\n", (int)getpid(), n,
			    ename((int)-r), before, after);
			linger();
			return 0;
		}
		n++;
	}
}

static int exit_emfile(void)
{
	/* text on the stack, where a frame-pointer walk of a dead process may land */
	volatile char words[64];
	snprintf((char *)words, sizeof(words), "l%cVERBOSE=1 l%cVERBOSE=1", 0, 0);
	pause_a_little();
	int n = 0;
	double before = since_start();
	while (open("/dev/null", O_RDONLY) >= 0)
		n++;
	say("pid=%d\nn=%d\nerr=%s\nbefore_s=%.6f\nafter_s=%.6f\n", (int)getpid(), n, ename(errno),
	    before, since_start());
	_exit(words[1]);
}

static int lower_limit(int resource, rlim_t v)
{
	struct rlimit rl;
	getrlimit(resource, &rl);
	rl.rlim_cur = v;
	return setrlimit(resource, &rl);
}

/* Open until EMFILE and report (with the thread id), keeping the fds. */
static int open_quick(void)
{
	int n = 0;
	double before = since_start();
	while (open("/dev/null", O_RDONLY) >= 0)
		n++;
	int e = errno;
	say("pid=%d\ntid=%d\nn=%d\nerr=%s\nbefore_s=%.6f\nafter_s=%.6f\n", (int)getpid(),
	    (int)syscall(SYS_gettid), n, ename(e), before, since_start());
	return n;
}

static int quick_child_nofile(void)
{
	pause_a_little();
	pid_t c = fork();
	if (c < 0)
		return 93;
	if (c == 0) {
		if (lower_limit(RLIMIT_NOFILE, 20) != 0)
			_exit(94);
		say("limit=20\n");
		open_quick();
		_exit(0);
	}
	int st;
	while (waitpid(c, &st, 0) < 0)
		if (errno != EINTR)
			return 91;
	linger();
	return 0;
}

static void *quick_thread(void *arg)
{
	(void)arg;
	open_quick();
	/* this thread and the main one, waiting in pthread_join */
	say("threads=2\n");
	return NULL;
}

static int quick_thread_emfile(void)
{
	pause_a_little();
	pthread_t t;
	if (pthread_create(&t, NULL, quick_thread, NULL) != 0)
		return 95;
	pthread_join(t, NULL);
	linger();
	return 0;
}

static void *last_thread(void *arg)
{
	(void)arg;
	pause_a_little();
	open_quick();
	linger();
	return NULL; /* the last thread: the process exits 0 */
}

static int main_exit_emfile(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, last_thread, NULL) != 0)
		return 95;
	pthread_exit(NULL);
}

static int self_as(void)
{
	if (lower_limit(RLIMIT_AS, 64 << 20) != 0)
		return 94;
	return mmap_as();
}

static int self_data(void)
{
	if (lower_limit(RLIMIT_DATA, 16 << 20) != 0)
		return 94;
	return brk_data();
}

static int fork_bomb(void)
{
	static pid_t kids[4096];
	int n = 0;
	pause_a_little();
	for (; n < 4096; n++) {
		double before = since_start();
		pid_t c = fork();
		if (c < 0) {
			double after = since_start();
			say("pid=%d\nn=%d\nerr=%s\nbefore_s=%.6f\nafter_s=%.6f\n", (int)getpid(), n,
			    ename(errno), before, after);
			break;
		}
		if (c == 0) {
			pause();
			_exit(0);
		}
		kids[n] = c;
	}
	linger();
	for (int i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	for (int i = 0; i < n; i++)
		waitpid(kids[i], NULL, 0);
	return 0;
}

/* Does the comma-separated list hold word? (strtok: list is changed) */
static bool has_word(char *list, const char *word)
{
	bool found = false;
	for (char *o = strtok(list, ","); o; o = strtok(NULL, ","))
		found |= strcmp(o, word) == 0;
	return found;
}

/* The program's own group of a hierarchy, as a path: the v1 controller ctrl's,
 * or the unified one's (ctrl NULL). Its mount is the mount point (field 5) of
 * the first cgroup mount of /proc/self/mountinfo whose super options name ctrl
 * (or the first cgroup2 mount); its path below that, /proc/self/cgroup's.
 * 0, or -1 when there is none. */
static int own_group(const char *ctrl, char *out, size_t len)
{
	char line[1024], mnt[512] = "", rel[512] = "";
	FILE *f = fopen("/proc/self/mountinfo", "r");
	while (f && !mnt[0] && fgets(line, sizeof(line), f)) {
		char point[512], type[32], opts[512] = "";
		char *dash = strstr(line, " - ");
		if (!dash || sscanf(line, "%*s %*s %*s %*s %511s", point) != 1 ||
		    sscanf(dash + 3, "%31s %*s %511s", type, opts) < 1)
			continue;
		if (ctrl ? strcmp(type, "cgroup") == 0 && has_word(opts, ctrl)
			 : strcmp(type, "cgroup2") == 0)
			snprintf(mnt, sizeof(mnt), "%s", point);
	}
	if (f)
		fclose(f);
	f = fopen("/proc/self/cgroup", "r");
	while (f && mnt[0] && !rel[0] && fgets(line, sizeof(line), f)) {
		/* hierarchy-id:controllers:path */
		char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;
		if (!b)
			continue;
		*b = '\0';
		b[1 + strcspn(b + 1, "\n")] = '\0';
		if (ctrl ? has_word(a + 1, ctrl) : a[1] == '\0')
			snprintf(rel, sizeof(rel), "%s", b + 1);
	}
	if (f)
		fclose(f);
	if (!mnt[0] || !rel[0])
		return -1;
	snprintf(out, len, "%s%s", mnt, strcmp(rel, "/") == 0 ? "" : rel);
	return 0;
}

static int write_pid(const char *dir, pid_t pid)
{
	char p[4096], v[32];
	snprintf(p, sizeof(p), "%s/cgroup.procs", dir);
	int fd = open(p, O_WRONLY);
	int n = snprintf(v, sizeof(v), "%d", (int)pid);
	int rc = fd >= 0 && write(fd, v, (size_t)n) == n ? 0 : -1;
	if (fd >= 0)
		close(fd);
	return rc;
}

static int nested_oom(void)
{
	/* v1: a nested memory group and pids group; v2: one unified group */
	char dirs[2][1100];
	int nd = 0;
	char own[1024];
	if (own_group("memory", own, sizeof(own)) == 0) {
		snprintf(dirs[nd++], sizeof(dirs[0]), "%s/nest", own);
		if (own_group("pids", own, sizeof(own)) == 0)
			snprintf(dirs[nd++], sizeof(dirs[0]), "%s/nest", own);
	} else if (own_group(NULL, own, sizeof(own)) == 0) {
		snprintf(dirs[nd++], sizeof(dirs[0]), "%s/nest", own);
	}
	for (int i = 0; i < nd; i++)
		if (mkdir(dirs[i], 0755) != 0) {
			fprintf(stderr, "failcall: cannot make %s: %s\n", dirs[i], strerror(errno));
			return 77;
		}
	if (nd == 0) {
		fprintf(stderr, "failcall: no cgroup of its own found\n");
		return 77;
	}
	int go[2];
	if (pipe(go) != 0)
		return 95;
	pid_t c = fork();
	if (c < 0)
		return 96;
	if (c == 0) {
		char b;
		close(go[1]);
		if (read(go[0], &b, 1) != 1)
			_exit(98);
		close(go[0]);
		pause_a_little();
		if (lower_limit(RLIMIT_NOFILE, 32) != 0)
			_exit(94);
		open_quick();
		for (;;) {
			char *p = malloc(1 << 20);
			if (!p)
				_exit(97);
			memset(p, 1, 1 << 20);
		}
	}
	close(go[0]);
	for (int i = 0; i < nd; i++)
		if (write_pid(dirs[i], c) != 0) {
			fprintf(stderr, "failcall: cannot move %d into %s: %s\n", (int)c, dirs[i],
				strerror(errno));
			kill(c, SIGKILL);
		}
	say("nested=%s\n", dirs[0]);
	if (write(go[1], "x", 1) != 1)
		kill(c, SIGKILL);
	int rc = wait_child(c);
	for (int i = 0; i < nd; i++)
		rmdir(dirs[i]);
	return rc;
}

/* Open fds of this process (those of /proc/self/fd, less the one reading it). */
static int fds_open(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;
}

static int need_64(void)
{
	pause_a_little();
	int held = fds_open(), failed = 0, first = 0;
	if (held < 0)
		return 98;
	for (int tries = 0; held < 64 && tries < 200; tries++) {
		if (open("/dev/null", O_RDONLY) >= 0) {
			held++;
		} else {
			failed++;
			if (!first)
				first = errno;
		}
	}
	say("held=%d\nfailed=%d\nerr=%s\n", held, failed, first ? ename(first) : "none");
	linger();
	return 0;
}

static int low_helper(void)
{
	pid_t c = fork();
	if (c < 0)
		return 93;
	if (c == 0) {
		struct rlimit rl;
		getrlimit(RLIMIT_NOFILE, &rl);
		rl.rlim_cur = 10;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			_exit(94);
		usleep(1500000);
		_exit(0);
	}
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	say("limit=%lld\nhelper=%d\n", (long long)rl.rlim_cur, (int)c);
	pause_a_little();
	open_until_emfile();
	return wait_child(c);
}

static int huge_mmap(void)
{
	pause_a_little();
	double before = since_start();
	void *p =
	    mmap(NULL, (size_t)1 << 46, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double after = since_start();
	if (p != MAP_FAILED) {
		say("err=none\n");
		munmap(p, (size_t)1 << 46);
	} else {
		say("pid=%d\nerr=%s\nbefore_s=%.6f\nafter_s=%.6f\n", (int)getpid(), ename(errno),
		    before, after);
	}
	linger();
	return 0;
}

static const struct {
	const char *name;
	int (*run)(void);
} modes[] = {
    {"need-64", need_64},
    {"low-helper", low_helper},
    {"huge-mmap", huge_mmap},
    {"quick-child-nofile", quick_child_nofile},
    {"quick-thread-emfile", quick_thread_emfile},
    {"main-exit-emfile", main_exit_emfile},
    {"self-as", self_as},
    {"self-data", self_data},
    {"fork-bomb", fork_bomb},
    {"nested-oom", nested_oom},
    {"brk-data", brk_data},
    {"compat-dup", compat_dup},
    {"exit-emfile", exit_emfile},
    {"survive-emfile", survive_emfile},
    {"child-nofile", child_nofile},
    {"thread-bomb", thread_bomb},
    {"mmap-as", mmap_as},
    {"child-oom", child_oom},
};

int main(int argc, char **argv)
{
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (size_t i = 0; argc == 2 && i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(argv[1], modes[i].name) == 0)
			return modes[i].run();
	fprintf(stderr,
		"usage: failcall survive-emfile|child-nofile|thread-bomb|mmap-as|child-oom|"
		"brk-data|compat-dup|exit-emfile|quick-child-nofile|quick-thread-emfile|"
		"main-exit-emfile|self-as|self-data|fork-bomb|nested-oom|need-64|low-helper|"
		"huge-mmap\n");
	return 2;
}
