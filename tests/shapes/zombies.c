/* zombies N MS: fork N children that exit at once, one every MS ms, and never
 * reap them; then sleep 300 ms and exit 0. Prints "pid P", then "zombies N"
 * once all are dead and unreaped. Zombies are no threads and no leak of memory,
 * fds or threads: the process itself keeps one thread throughout. */
#include <signal.h>
#include <sys/wait.h>

#include "shape.h"

int main(int argc, char **argv)
{
	long n = shape_arg(argc, argv, 1, 40), ms = shape_arg(argc, argv, 2, 25);
	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	pid_t *kids = calloc((size_t)n + 1, sizeof(*kids));
	if (!kids)
		return 2;
	for (long i = 0; i < n; i++) {
		pid_t p = fork();
		if (p < 0) {
			perror("zombies: fork");
			return 2;
		}
		if (p == 0)
			_exit(0);
		kids[i] = p;
		shape_sleep_ms(ms);
	}
	/* each child has exited, and stays unreaped (WNOWAIT) */
	siginfo_t si;
	for (long i = 0; i < n; i++)
		waitid(P_PID, (id_t)kids[i], &si, WEXITED | WNOWAIT);
	printf("zombies %ld\n", n);
	fflush(stdout);
	shape_sleep_ms(300);
	return 0;
}
