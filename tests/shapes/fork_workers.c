/* fork-workers N MIB NFDS MS: a server's shape, a parent that forks N workers,
 * each touching MIB MiB and opening NFDS fds, all held for MS ms; the parent
 * waits for them. Prints "worker PID" per worker and "workers N". */
#include <sys/wait.h>

#include "shape.h"

int main(int argc, char **argv)
{
	long n = shape_arg(argc, argv, 1, 4), mib = shape_arg(argc, argv, 2, 20);
	long nfds = shape_arg(argc, argv, 3, 100), ms = shape_arg(argc, argv, 4, 1000);
	int ready[2];
	if (pipe(ready) != 0)
		return 2;
	for (long i = 0; i < n; i++) {
		pid_t p = fork();
		if (p < 0) {
			perror("fork-workers: fork");
			return 2;
		}
		if (p == 0) {
			close(ready[0]);
			shape_touch_mib(mib);
			shape_open_fds(nfds);
			if (write(ready[1], "r", 1) != 1)
				_exit(2);
			close(ready[1]);
			shape_sleep_ms(ms);
			_exit(0);
		}
		printf("worker %d\n", (int)p);
	}
	close(ready[1]);
	char c;
	long got = 0;
	while (got < n && read(ready[0], &c, 1) == 1)
		got++;
	printf("workers %ld ready %ld\n", n, got);
	fflush(stdout);
	int bad = 0, st;
	while (wait(&st) > 0)
		bad += !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	return bad ? 1 : 0;
}
