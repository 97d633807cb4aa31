/* proc-churn - a process list that moves faster than a sampler looks at it.
 * For phase p = 1 .. PHASES the parent
 *   - forks SHORT children that exit at once, every second one after forking a
 *     grandchild that exits at once (each lives well under a millisecond);
 *   - forks one child that execs /bin/true;
 *   - makes two threads that end at once;
 *   - forks p holders, each opening p + 1 more fds (/dev/null), all alive
 *     together for HOLD_MS (a pipe is the barrier), then reaps them.
 * So during phase p's hold the run is the parent and p holders. It prints what
 * it did, as counted by itself:
 *   phase=P procs=K fds=F   K processes hold F fds in all during phase P's hold
 *   forks=N                 every fork it and its children made
 *   execs=N                 execs done (of the forked children)
 *   threads=N               threads made
 *   changes=N               times the set of live processes changed, at least
 * Usage: proc-churn PHASES HOLD_MS SHORT */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Open fds, counted with fcntl(F_GETFD) (no fd opened to count them). */
static int count_fds(void)
{
	int n = 0;
	for (int fd = 0; fd < 4096; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

static void *nothing(void *arg)
{
	return arg;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* Wait for every child; -1 if one did not exit 0. */
static int reap_all(void)
{
	int st, bad = 0;
	while (wait(&st) > 0)
		bad |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: proc-churn PHASES HOLD_MS SHORT\n");
		return 2;
	}
	long phases = atol(argv[1]), hold = atol(argv[2]), nshort = atol(argv[3]);
	long forks = 0, execs = 0, threads = 0, changes = 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (long p = 1; p <= phases; p++) {
		for (long i = 0; i < nshort; i++) {
			pid_t c = fork();
			if (c < 0)
				return 2;
			if (c == 0) {
				if (i % 2) {
					pid_t g = fork();
					if (g == 0)
						_exit(0);
					if (g < 0 || reap_all() != 0)
						_exit(1);
				}
				_exit(0);
			}
			forks += 1 + (i % 2);
			changes += 2 + 2 * (i % 2);
			if (reap_all() != 0)
				return 2;
		}
		pid_t e = fork();
		if (e < 0)
			return 2;
		if (e == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(1);
		}
		forks++, execs++, changes += 2;
		if (reap_all() != 0)
			return 2;
		for (int t = 0; t < 2; t++) {
			pthread_t th;
			if (pthread_create(&th, NULL, nothing, NULL) != 0)
				return 2;
			pthread_join(th, NULL);
			threads++;
		}
		int ready[2], go[2];
		if (pipe(ready) != 0 || pipe(go) != 0)
			return 2;
		for (long h = 0; h < p; h++) {
			pid_t c = fork();
			if (c < 0)
				return 2;
			if (c == 0) {
				close(ready[0]);
				close(go[1]);
				for (long k = 0; k <= p; k++)
					if (open("/dev/null", O_RDONLY) < 0)
						_exit(1);
				char b = (char)count_fds(); /* its fds, told the parent */
				if (write(ready[1], &b, 1) != 1 || read(go[0], &b, 1) != 0)
					_exit(1);
				_exit(0);
			}
			forks++, changes++;
		}
		close(ready[1]);
		close(go[0]);
		unsigned char b;
		long fds = count_fds();
		for (long h = 0; h < p; h++) {
			if (read(ready[0], &b, 1) != 1)
				return 2;
			fds += b;
		}
		printf("phase=%ld procs=%ld fds=%ld\n", p, p + 1, fds);
		sleep_ms(hold);
		close(go[1]); /* end of file: the holders exit */
		close(ready[0]);
		if (reap_all() != 0)
			return 2;
		changes += p;
	}
	printf("forks=%ld\nexecs=%ld\nthreads=%ld\nchanges=%ld\n", forks, execs, threads, changes);
	return 0;
}
