/* thread-exec NFDS MS: the main thread opens NFDS fds (kept across exec), starts a
 * thread that after MS ms calls execve("/bin/sleep", "0.5") while the main thread
 * waits in pause(): the exec of a thread that is not the leader, which ends every
 * other thread (the leader too) and takes over the process's pid (execve(2),
 * ptrace(2) "execve(2) under ptrace"). Prints "pid PID" and "fds N" (the fds held
 * at the exec: 3 + NFDS) before the exec. */
#include <pthread.h>

#include "shape.h"

static long ms;

static void *execer(void *arg)
{
	(void)arg;
	shape_sleep_ms(ms);
	execl("/bin/sleep", "sleep", "0.5", (char *)NULL);
	perror("thread-exec: execl /bin/sleep");
	exit(2);
}

int main(int argc, char **argv)
{
	long nfds = shape_arg(argc, argv, 1, 100);
	ms = shape_arg(argc, argv, 2, 200);
	shape_open_fds(nfds);
	printf("pid %d\nfds %ld\n", (int)getpid(), 3 + nfds);
	fflush(stdout);
	pthread_t t;
	if (pthread_create(&t, NULL, execer, NULL) != 0)
		return 2;
	for (;;)
		pause();
}
