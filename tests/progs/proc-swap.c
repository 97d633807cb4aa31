/* proc-swap - one process replaced by another between two looks, the number of
 * tasks the same before and after: the parent forks a first child that holds
 * nothing, lets it live BEFORE_MS, then opens FDS fds (/dev/null), forks the
 * second child with them, closes its own copies, ends the first child and reaps
 * it, all within well under a millisecond. The second child holds the fds for
 * HOLD_MS, then exits. So the run is two processes before and after the swap.
 * Prints what it did, counted by itself:
 *   swap: first=PID second=PID second_fds=F   F: the second child's open fds
 * Usage: proc-swap BEFORE_MS HOLD_MS FDS */
#include <fcntl.h>
#include <signal.h>
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

static void nap_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: proc-swap BEFORE_MS HOLD_MS FDS\n");
		return 2;
	}
	long before = atol(argv[1]), hold = atol(argv[2]);
	int nfds = atoi(argv[3]);
	int *fds = calloc((size_t)nfds, sizeof(*fds));
	if (!fds)
		return 1;
	pid_t first = fork();
	if (first < 0)
		return 1;
	if (first == 0)
		for (;;)
			pause();
	nap_ms(before);
	for (int i = 0; i < nfds; i++)
		if ((fds[i] = open("/dev/null", O_RDONLY)) < 0)
			return 1;
	pid_t second = fork();
	if (second < 0)
		return 1;
	if (second == 0) {
		int n = count_fds();
		printf("swap: first=%d second=%d second_fds=%d\n", (int)first, (int)getpid(), n);
		fflush(stdout);
		nap_ms(hold);
		_exit(0);
	}
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
	kill(first, SIGKILL);
	waitpid(first, NULL, 0);
	waitpid(second, NULL, 0);
	return 0;
}
