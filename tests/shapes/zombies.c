/* zombies N MS: fork N children that exit at once, one every MS ms, and never
 * reap them (each is dead before the next is forked); then sleep 300 ms and
 * exit 0. Prints "pid P", then "zombies N" once all are dead and unreaped. Zombies are no threads
 * and no leak of memory, fds or threads: the process itself keeps one thread throughout. */
#include <signal.h>
#include <sys/wait.h>

#include "shape.h"

int main(int argc, char **argv)
{
	long n = shape_arg(argc, argv, 1, 40), ms = shape_arg(argc, argv, 2, 25);
	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	for (long i = 0; i < n; i++) {
		pid_t p = fork();
		if (p < 0) {
			perror("zombies: fork");
			return 2;
		}
		if (p == 0)
			_exit(0);
		/* dead before the next is born, and left unreaped (WNOWAIT): at
		 * most one child is ever alive */
		siginfo_t si;
		waitid(P_PID, (id_t)p, &si, WEXITED | WNOWAIT);
		shape_sleep_ms(ms);
	}
	printf("zombies %ld\n", n);
	fflush(stdout);
	shape_sleep_ms(300);
	return 0;
}
