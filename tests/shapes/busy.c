/* busy MODE [MS]: burn CPU. Prints "pid P" first.
 *   busy run          until a signal ends it (a cpu-time limit: SIGXCPU)
 *   busy ignore-xcpu  the same with SIGXCPU ignored (the hard limit's SIGKILL)
 *   busy selfkill MS  SIGKILL itself after MS ms of its own CPU time, printing
 *                     "cpu MS" just before */
#include <signal.h>

#include "shape.h"

static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "run";
	long ms = shape_arg(argc, argv, 2, 200);
	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	if (strcmp(mode, "ignore-xcpu") == 0)
		signal(SIGXCPU, SIG_IGN);
	volatile unsigned long spin = 0;
	for (;;) {
		for (int i = 0; i < 100000; i++)
			spin++;
		if (strcmp(mode, "selfkill") == 0 && cpu_ms() >= (double)ms) {
			printf("cpu %ld\n", ms);
			fflush(stdout);
			kill(getpid(), SIGKILL);
		}
	}
}
