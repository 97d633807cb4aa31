/* rlimit-probe - what a program observes of one resource limit, one line per fact:
 *   rlimit-probe as     the largest anonymous mapping it can make, in MiB
 *   rlimit-probe data   the largest malloc() that succeeds, in MiB
 *   rlimit-probe stack  how deep its main thread's stack grew before SIGSEGV, in bytes
 *   rlimit-probe core   nothing beyond the limit itself
 *   rlimit-probe nproc  forks (children wait) until fork() fails or 64 are made; the
 *                       errno name and the tasks of its real uid at that moment
 * Every mode first prints the limit from getrlimit(2): `rlimit CUR MAX` (-1 for
 * RLIM_INFINITY). */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct {
	const char *name;
	int res;
} modes[] = {{"as", RLIMIT_AS},
	     {"data", RLIMIT_DATA},
	     {"stack", RLIMIT_STACK},
	     {"core", RLIMIT_CORE},
	     {"nproc", RLIMIT_NPROC}};

static long long lim(rlim_t v)
{
	return v == RLIM_INFINITY ? -1 : (long long)v;
}

/* The largest size in MiB (up to 64 GiB) for which try(size) succeeds: a binary search. */
static long largest(int (*try)(size_t))
{
	long lo = 0, hi = 65536;
	while (lo < hi) {
		long mid = (lo + hi + 1) / 2;
		if (try((size_t)mid << 20))
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

static int try_mmap(size_t len)
{
	void *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return 0;
	munmap(p, len);
	return 1;
}

static int try_malloc(size_t len)
{
	void *p = malloc(len);
	free(p);
	return p != NULL;
}

/* stack: recursion with 4 KiB frames; the deepest address reached is recorded
 * before each call, and the SIGSEGV handler (on its own stack) reports it. */
static uintptr_t stack_top;
static volatile uintptr_t stack_low;

static void on_segv(int sig)
{
	(void)sig;
	char b[64];
	int n = snprintf(b, sizeof(b), "stack_bytes %lu\n", (unsigned long)(stack_top - stack_low));
	if (write(1, b, (size_t)n) < 0)
		_exit(1);
	_exit(0);
}

static int recurse(int depth)
{
	volatile char frame[4096];
	frame[0] = (char)depth;
	stack_low = (uintptr_t)frame;
	if (depth == INT32_MAX) /* never: the stack ends first */
		return 0;
	return recurse(depth + 1) + frame[0];
}

/* Tasks (threads included) whose real uid is uid, from /proc/PID/status. */
static long tasks_of(uid_t uid)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -1;
	long n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		char path[300], line[256];
		snprintf(path, sizeof(path), "/proc/%s/status", e->d_name);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		long ruid = -1, threads = 0;
		while (fgets(line, sizeof(line), f)) {
			sscanf(line, "Uid: %ld", &ruid);
			sscanf(line, "Threads: %ld", &threads);
		}
		fclose(f);
		if (ruid == (long)uid)
			n += threads;
	}
	closedir(d);
	return n;
}

static int nproc(void)
{
	uid_t uid = getuid();
	printf("tasks_before %ld\n", tasks_of(uid));
	fflush(stdout);
	int forked = 0, err = 0;
	pid_t kids[64];
	while (forked < 64) {
		pid_t p = fork();
		if (p < 0) {
			err = errno;
			break;
		}
		if (p == 0) {
			pause();
			_exit(0);
		}
		kids[forked++] = p;
	}
	long at_fail = err ? tasks_of(uid) : -1;
	for (int i = 0; i < forked; i++)
		kill(kids[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	printf("forked %d\nfork_error %s\ntasks_at_failure %ld\n", forked,
	       err == EAGAIN ? "EAGAIN"
	       : err	     ? strerror(err)
			     : "none",
	       at_fail);
	return 0;
}

int main(int argc, char **argv)
{
	size_t m = 0;
	while (argc == 2 && m < sizeof(modes) / sizeof(modes[0]) && strcmp(argv[1], modes[m].name))
		m++;
	if (argc != 2 || m == sizeof(modes) / sizeof(modes[0])) {
		fprintf(stderr, "usage: rlimit-probe as|data|stack|core|nproc\n");
		return 2;
	}
	struct rlimit rl;
	getrlimit(modes[m].res, &rl);
	printf("rlimit %lld %lld\n", lim(rl.rlim_cur), lim(rl.rlim_max));
	fflush(stdout);
	switch (modes[m].res) {
	case RLIMIT_AS:
		printf("largest_mmap_mib %ld\n", largest(try_mmap));
		break;
	case RLIMIT_DATA:
		printf("largest_malloc_mib %ld\n", largest(try_malloc));
		break;
	case RLIMIT_STACK: {
		static char alt[65536];
		stack_t ss = {.ss_sp = alt, .ss_size = sizeof(alt)};
		struct sigaction sa = {.sa_handler = on_segv, .sa_flags = SA_ONSTACK};
		char here;
		stack_top = (uintptr_t)&here;
		if (sigaltstack(&ss, NULL) != 0 || sigaction(SIGSEGV, &sa, NULL) != 0) {
			perror("sigaltstack");
			return 1;
		}
		return recurse(0);
	}
	case RLIMIT_NPROC:
		return nproc();
	}
	return 0;
}
