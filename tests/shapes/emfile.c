/* emfile [LOWER [HOLD_MS [KEEP]]]: open /dev/null until open fails with EMFILE.
 * LOWER > 0: first lower the soft RLIMIT_NOFILE to LOWER itself. Then hold the
 * files HOLD_MS ms; KEEP 1: exit with them open (status 3, as a program that
 * gives up), else close them all, go on 200 ms and exit 0 (an accept loop or a
 * pool that survives EMFILE). Prints "limit L", "emfile opened N highest F". */
#include <sys/resource.h>

#include "shape.h"

int main(int argc, char **argv)
{
	long lower = shape_arg(argc, argv, 1, 0), hold = shape_arg(argc, argv, 2, 0);
	long keep = shape_arg(argc, argv, 3, 0);
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	if (lower > 0) {
		rl.rlim_cur = (rlim_t)lower;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
			perror("emfile: setrlimit");
			return 2;
		}
	}
	printf("limit %ld\n", (long)rl.rlim_cur);
	fflush(stdout);
	long opened = 0;
	int highest = 2, fd;
	while ((fd = open("/dev/null", O_RDONLY)) >= 0) {
		opened++;
		if (fd > highest)
			highest = fd;
	}
	if (errno != EMFILE) {
		perror("emfile: open");
		return 2;
	}
	printf("emfile opened %ld highest %d\n", opened, highest);
	fflush(stdout);
	shape_sleep_ms(hold);
	if (keep)
		return 3;
	for (int i = 3; i <= highest; i++)
		close(i);
	shape_sleep_ms(200);
	return 0;
}
