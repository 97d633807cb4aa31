/* sysloop.c - a syscall-heavy loop, for the cost the kernel-side watcher
 * (harness/syswatch.c) adds to every system call of the machine: N calls of
 * getppid (succeeds) or close(-1) (fails with EBADF, an errno the watcher does not
 * count), or N pairs of openat("/dev/null") and close (openat is a watched call),
 * timed with CLOCK_MONOTONIC around the loop.
 *
 * usage: sysloop getppid|close|open N
 * Prints one line for scripts:  RESULT calls=N ns_per_call=X seconds=S
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "getppid") != 0 && strcmp(argv[1], "close") != 0 &&
			  strcmp(argv[1], "open") != 0)) {
		fprintf(stderr, "usage: sysloop getppid|close|open N\n");
		return 2;
	}
	long n = strtol(argv[2], NULL, 10);
	if (n <= 0) {
		fprintf(stderr, "sysloop: N must be a positive count\n");
		return 2;
	}
	/* raw syscall(2): glibc's wrappers add nothing here, but stay out of the way */
	long nr = strcmp(argv[1], "getppid") == 0 ? SYS_getppid : SYS_close;
	long arg = nr == SYS_close ? -1 : 0;
	bool open_close = strcmp(argv[1], "open") == 0;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (open_close) {
		for (long i = 0; i < n; i++)
			close(open("/dev/null", O_RDONLY));
	} else {
		for (long i = 0; i < n; i++)
			syscall(nr, arg);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("RESULT calls=%ld ns_per_call=%.2f seconds=%.3f\n", n, s * 1e9 / (double)n, s);
	return 0;
}
