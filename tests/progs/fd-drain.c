/* fd-drain N HOLD_MS CLOSE_MS: open N descriptors of /dev/null at once, hold them
 * HOLD_MS milliseconds, then close them evenly over CLOSE_MS milliseconds (a
 * connection pool draining). Prints "opened N", then "closed N in T ms" with the
 * time the closing really took, so a test can derive the rate from the program.
 * Exit 1 when a descriptor cannot be opened (EMFILE: raise --nofile). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: fd-drain N HOLD_MS CLOSE_MS\n");
		return 2;
	}
	int n = atoi(argv[1]);
	double hold = atof(argv[2]), span = atof(argv[3]);
	int *fd = calloc((size_t)n, sizeof(*fd));
	if (n <= 0 || !fd)
		return 2;
	for (int i = 0; i < n; i++) {
		fd[i] = open("/dev/null", O_RDONLY);
		if (fd[i] < 0) {
			fprintf(stderr, "fd-drain: open %d: %s\n", i, strerror(errno));
			return 1;
		}
	}
	printf("opened %d\n", n);
	fflush(stdout);
	struct timespec h = {(time_t)(hold / 1e3),
			     (long)(hold - (long)(hold / 1e3) * 1e3) * 1000000};
	nanosleep(&h, NULL);
	double t0 = now_ms();
	for (int i = 0; i < n; i++) {
		/* close number i at its time on the line from t0 to t0 + span */
		while (now_ms() - t0 < span * i / n)
			nanosleep(&(struct timespec){0, 20000}, NULL);
		close(fd[i]);
	}
	printf("closed %d in %.0f ms\n", n, now_ms() - t0);
	return 0;
}
