/* thread-exit MIB NFDS MS [GROUP]: the main thread starts a worker and calls
 * pthread_exit (some runtimes do); the worker grows MIB MiB and NFDS fds in
 * ten steps over about 500 ms, holds them MS ms, and the process exits with
 * status 0 when it returns. Prints "worker grew MIB NFDS".
 * GROUP > 0: the opposite shape, GROUP idle threads and a main thread that
 * calls exit(0) after MS ms while they all run (exit_group). */
#include <pthread.h>

#include "shape.h"

static long mib, nfds, ms;

static void *worker(void *arg)
{
	(void)arg;
	shape_sleep_ms(50); /* the main thread is gone by now */
	for (int i = 0; i < 10; i++) {
		shape_touch_mib(mib / 10);
		shape_open_fds(nfds / 10);
		shape_sleep_ms(50);
	}
	printf("worker grew %ld %ld\n", mib / 10 * 10, nfds / 10 * 10);
	fflush(stdout);
	shape_sleep_ms(ms);
	return NULL;
}

static void *idle(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	mib = shape_arg(argc, argv, 1, 50);
	nfds = shape_arg(argc, argv, 2, 1000);
	ms = shape_arg(argc, argv, 3, 300);
	long group = shape_arg(argc, argv, 4, 0);
	pthread_t t;
	if (group > 0) {
		for (long i = 0; i < group; i++)
			if (pthread_create(&t, NULL, idle, NULL) != 0)
				return 2;
		shape_touch_mib(mib);
		shape_open_fds(nfds);
		printf("threads %ld\n", group + 1);
		fflush(stdout);
		shape_sleep_ms(ms);
		exit(0);
	}
	if (pthread_create(&t, NULL, worker, NULL) != 0)
		return 2;
	pthread_exit(NULL);
}
