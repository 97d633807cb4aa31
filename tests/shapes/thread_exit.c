/* thread-exit MIB NFDS MS: the main thread starts a worker and calls
 * pthread_exit (some runtimes do); the worker grows MIB MiB and NFDS fds in
 * ten steps over about 500 ms, holds them MS ms, and the process exits with
 * status 0 when it returns. Prints "worker grew MIB NFDS". */
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

int main(int argc, char **argv)
{
	mib = shape_arg(argc, argv, 1, 50);
	nfds = shape_arg(argc, argv, 2, 1000);
	ms = shape_arg(argc, argv, 3, 300);
	pthread_t t;
	if (pthread_create(&t, NULL, worker, NULL) != 0)
		return 2;
	pthread_exit(NULL);
}
