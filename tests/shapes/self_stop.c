/* self-stop MS: forks a child that sends SIGCONT to it after MS ms, stops itself
 * with SIGSTOP, and prints "stopped_ms N", the time it stayed stopped, then
 * "resumed 1". A program stopped by a signal stays stopped until SIGCONT, and
 * runs on after it (signal(7)). Exit 0. */
#include <signal.h>
#include <sys/wait.h>

#include "shape.h"

int main(int argc, char **argv)
{
	long ms = shape_arg(argc, argv, 1, 300);
	pid_t me = getpid();
	pid_t c = fork();
	if (c < 0)
		return 2;
	if (c == 0) {
		shape_sleep_ms(ms);
		kill(me, SIGCONT);
		_exit(0);
	}
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	raise(SIGSTOP);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("stopped_ms %ld\nresumed 1\n",
	       (long)((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000));
	fflush(stdout);
	waitpid(c, NULL, 0);
	return 0;
}
