/* fd-tree - a parent and CHILDREN children; process i (0 the parent) opens
 * (i + 1) * STEP files of /dev/null, and all of them hold their files at the same
 * time for HOLD_MS (pipes are the barrier). Each prints the number of fds it holds
 * then, counted with fcntl(F_GETFD) over its fd table (no fd opened to count):
 *   fds 0 104
 *   fds 1 207
 * Usage: fd-tree CHILDREN STEP HOLD_MS */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int count_fds(void)
{
	int n = 0;
	for (int fd = 0; fd < 65536; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

static int open_n(int n)
{
	for (int i = 0; i < n; i++)
		if (open("/dev/null", O_RDONLY) < 0) {
			perror("open");
			return -1;
		}
	return 0;
}

static long hold_ms;

static void hold(int idx, int n)
{
	struct timespec ts = {hold_ms / 1000, hold_ms % 1000 * 1000000};
	nanosleep(&ts, NULL);
	printf("fds %d %d\n", idx, n);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	int children = argc == 4 ? atoi(argv[1]) : -1, step = argc == 4 ? atoi(argv[2]) : -1;
	hold_ms = argc == 4 ? atol(argv[3]) : -1;
	if (children < 0 || children > 16 || step < 1 || step > 1000 || hold_ms < 0) {
		fprintf(stderr, "usage: fd-tree CHILDREN STEP HOLD_MS\n");
		return 2;
	}
	int ready[2], go[2];
	if (pipe(ready) != 0 || pipe(go) != 0) {
		perror("pipe");
		return 1;
	}
	char c;
	for (int i = 1; i <= children; i++) {
		pid_t p = fork();
		if (p < 0) {
			perror("fork");
			return 1;
		}
		if (p == 0) {
			if (open_n((i + 1) * step) != 0)
				_exit(1);
			int n = count_fds();
			if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
				_exit(1);
			hold(i, n);
			_exit(0);
		}
	}
	if (open_n(step) != 0)
		return 1;
	int n = count_fds();
	for (int i = 1; i <= children; i++)
		if (read(ready[0], &c, 1) != 1)
			return 1;
	for (int i = 1; i <= children; i++)
		if (write(go[1], "g", 1) != 1)
			return 1;
	hold(0, n);
	int st, rc = 0;
	while (wait(&st) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			rc = 1;
	return rc;
}
