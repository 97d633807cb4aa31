/* holder.c - a benchmark target: holds many open fds and many sleeping threads
 * until it is killed, so that a sampler has something heavy to look at.
 *
 * usage: holder [FDS [THREADS]]   (default 19000 fds, 500 threads)
 * Prints "ready PID" on stdout once everything is open, then pauses.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static long parse_count(const char *s, const char *what)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > 1000000) {
		fprintf(stderr, "holder: %s: expected a count 0..1000000, got '%s'\n", what, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	long nfds = argc > 1 ? parse_count(argv[1], "FDS") : 19000;
	long nthreads = argc > 2 ? parse_count(argv[2], "THREADS") : 500;

	/* The soft limit is usually 1024: raise it as far as needed (the hard
	 * limit is the ceiling; failing to reach it is an error, not a clamp). */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
		perror("holder: getrlimit(RLIMIT_NOFILE)");
		return 1;
	}
	rlim_t want = (rlim_t)nfds + 16;
	if (rl.rlim_cur < want) {
		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
			fprintf(stderr,
				"holder: cannot raise RLIMIT_NOFILE to %llu (hard %llu): %s\n",
				(unsigned long long)want, (unsigned long long)rl.rlim_max,
				strerror(errno));
			return 1;
		}
	}
	for (long i = 0; i < nfds; i++) {
		if (open("/dev/null", O_RDONLY) < 0) {
			fprintf(stderr, "holder: open /dev/null #%ld: %s\n", i + 1,
				strerror(errno));
			return 1;
		}
	}

	/* Small stacks: the threads only sleep, and 500 x 8 MiB of address
	 * space would be noise in every memory figure. */
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (long i = 0; i < nthreads; i++) {
		pthread_t t;
		int rc = pthread_create(&t, &attr, sleeper, NULL);
		if (rc != 0) {
			fprintf(stderr, "holder: thread #%ld: %s\n", i + 1, strerror(rc));
			return 1;
		}
	}
	pthread_attr_destroy(&attr);

	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
}
