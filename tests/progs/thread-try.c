/* thread-try - starts N threads that wait together, and carries on when
 * pthread_create is refused (as a pool that runs with the workers it got):
 * prints how many it got and exits 0 either way.
 *   started 3 of 3 threads
 *   started 1 of 3 threads (pthread_create: Resource temporarily unavailable)
 * Usage: thread-try N */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int gate[2]; /* the threads wait for its write end to close */

static void *worker(void *arg)
{
	(void)arg;
	char c;
	while (read(gate[0], &c, 1) > 0)
		;
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 0;
	if (n < 1 || n > 1000 || pipe(gate) != 0) {
		fprintf(stderr, "usage: thread-try N (1-1000)\n");
		return 2;
	}
	pthread_t *t = calloc((size_t)n, sizeof(*t));
	if (!t)
		return 2;
	int got = 0, err = 0;
	for (; got < n; got++)
		if ((err = pthread_create(&t[got], NULL, worker, NULL)) != 0)
			break;
	close(gate[1]); /* all that could start are running: release them */
	for (int i = 0; i < got; i++)
		pthread_join(t[i], NULL);
	if (got < n)
		printf("started %d of %d threads (pthread_create: %s)\n", got, n, strerror(err));
	else
		printf("started %d of %d threads\n", got, n);
	free(t);
	return 0;
}
