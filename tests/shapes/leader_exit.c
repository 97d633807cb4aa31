/* leader-exit WHO MS HOLD: a process whose main thread calls pthread_exit while
 * a worker thread lives on HOLD ms: its leader is a zombie whose /proc/PID/cgroup
 * no longer names the group the process is in.
 * WHO = d: a daemon child (setsid) has that shape, printing "daemon PID"; the
 *          main process exits with status 0 after MS ms, printing "main exits".
 * WHO = m: the main process itself has it, printing "pid PID"; its worker
 *          prints "worker done" and the process exits when it returns (MS unused). */
#include <pthread.h>

#include "shape.h"

static long hold;

static void *worker(void *arg)
{
	(void)arg;
	shape_sleep_ms(hold);
	printf("worker done\n");
	fflush(stdout);
	return NULL;
}

/* Start the worker, say who we are, and end the main thread alone. */
static void leader_exits(const char *what)
{
	pthread_t t;
	if (pthread_create(&t, NULL, worker, NULL) != 0) {
		perror("pthread_create");
		exit(1);
	}
	printf("%s %d\n", what, (int)getpid());
	fflush(stdout);
	pthread_exit(NULL);
}

int main(int argc, char **argv)
{
	const char *who = argc > 1 ? argv[1] : "d";
	long ms = shape_arg(argc, argv, 2, 500);
	hold = shape_arg(argc, argv, 3, 40000);
	if (who[0] == 'm')
		leader_exits("pid");
	pid_t p = fork();
	if (p < 0) {
		perror("fork");
		return 1;
	}
	if (p == 0) {
		setsid();
		leader_exits("daemon");
	}
	shape_sleep_ms(ms);
	printf("main exits\n");
	fflush(stdout);
	return 0;
}
