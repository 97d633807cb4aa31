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
 * Each sleeps 0.3 s before and 0.5 s after the failure, so that a time taken
 * from the run's start or end cannot pass for the failure's. It prints, in key=value lines on
 * stdout: pid= of the process that failed, before_s= and after_s= (seconds since main started,
 * taken around the failing call), n= what was made before it failed, err= the errno name it got.
 * Output goes through write(2): after an mmap failure, stdio may not allocate. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
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

static const struct {
	const char *name;
	int (*run)(void);
} modes[] = {
    {"brk-data", brk_data},	    {"compat-dup", compat_dup},
    {"exit-emfile", exit_emfile},   {"survive-emfile", survive_emfile},
    {"child-nofile", child_nofile}, {"thread-bomb", thread_bomb},
    {"mmap-as", mmap_as},	    {"child-oom", child_oom},
};

int main(int argc, char **argv)
{
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (size_t i = 0; argc == 2 && i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(argv[1], modes[i].name) == 0)
			return modes[i].run();
	fprintf(stderr, "usage: failcall survive-emfile|child-nofile|thread-bomb|mmap-as|child-oom|"
			"brk-data|compat-dup|exit-emfile\n");
	return 2;
}
