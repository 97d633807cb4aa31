/* mem-tree - a parent and CHILDREN children; process i (0 the parent) touches
 * (i + 1) * STEP_MIB MiB of anonymous memory and runs i threads besides its main
 * one. When every process is ready (pipes are the barrier) each prints its own
 * Threads and VmRSS (bytes) of /proc/self/status, then all hold for HOLD_MS:
 *   proc 0 1 17301504
 *   proc 1 2 34213888
 * Usage: mem-tree CHILDREN STEP_MIB HOLD_MS */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int go[2], ready[2];

/* An extra thread: sleeps until its process exits. */
static void *idle(void *arg)
{
	(void)arg;
	pause();
	return NULL;
}

/* Threads and VmRSS (bytes) of /proc/self/status; 0 on success. */
static int status(long *threads, long long *rss)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	*threads = -1;
	*rss = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Threads:", 8) == 0)
			*threads = strtol(line + 8, NULL, 10);
		else if (strncmp(line, "VmRSS:", 6) == 0)
			*rss = strtoll(line + 6, NULL, 10) * 1024;
	}
	fclose(f);
	return *threads > 0 && *rss > 0 ? 0 : -1;
}

/* len bytes of anonymous memory, touched; NULL on failure. */
static char *touch(size_t len)
{
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		perror("mmap");
		return NULL;
	}
	memset(m, 1, len);
	return m;
}

/* Child idx: touch (idx + 1) * step MiB, start idx threads; then for all: wait at
 * the barrier (the parent lets everyone go), print, hold. The threads start
 * after the memory is touched, so a moment with every thread of the tree has
 * all of its memory. */
static int run(int idx, int children, long step, long hold_ms)
{
	if (idx > 0 && !touch((size_t)(idx + 1) * (size_t)step << 20))
		return 1;
	for (int t = 0; t < idx; t++) {
		pthread_t th;
		if (pthread_create(&th, NULL, idle, NULL) != 0) {
			fprintf(stderr, "pthread_create failed\n");
			return 1;
		}
	}
	char c;
	if (idx > 0) {
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			return 1;
	} else {
		for (int i = 1; i <= children; i++)
			if (read(ready[0], &c, 1) != 1)
				return 1;
		for (int i = 1; i <= children; i++)
			if (write(go[1], "g", 1) != 1)
				return 1;
	}
	long threads;
	long long rss;
	if (status(&threads, &rss) != 0) {
		fprintf(stderr, "cannot read /proc/self/status\n");
		return 1;
	}
	printf("proc %d %ld %lld\n", idx, threads, rss);
	fflush(stdout);
	struct timespec ts = {hold_ms / 1000, hold_ms % 1000 * 1000000};
	nanosleep(&ts, NULL);
	return 0;
}

int main(int argc, char **argv)
{
	int children = argc == 4 ? atoi(argv[1]) : -1;
	long step = argc == 4 ? atol(argv[2]) : -1, hold_ms = argc == 4 ? atol(argv[3]) : -1;
	if (children < 0 || children > 16 || step < 1 || step > 256 || hold_ms < 0) {
		fprintf(stderr, "usage: mem-tree CHILDREN STEP_MIB HOLD_MS\n");
		return 2;
	}
	if (pipe(ready) != 0 || pipe(go) != 0) {
		perror("pipe");
		return 1;
	}
	/* The parent's memory first: touched before any child exists (each child
	 * unmaps its copy, which would count in its RSS too). */
	size_t mine = (size_t)step << 20;
	char *m = touch(mine);
	if (!m)
		return 1;
	for (int i = 1; i <= children; i++) {
		pid_t p = fork();
		if (p < 0) {
			perror("fork");
			return 1;
		}
		if (p == 0)
			_exit(munmap(m, mine) != 0 ? 1 : run(i, children, step, hold_ms));
	}
	int rc = run(0, children, step, hold_ms), st;
	while (wait(&st) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			rc = 1;
	return rc;
}
