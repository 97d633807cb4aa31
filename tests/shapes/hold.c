/* hold MIB NFDS MS: touch MIB MiB, open NFDS fds, hold both for MS ms, exit 0.
 * Prints "pid P", then "held MIB NFDS" once everything is held. The building
 * block of the shell shapes (pipelines, background jobs). */
#include "shape.h"

int main(int argc, char **argv)
{
	long mib = shape_arg(argc, argv, 1, 0), nfds = shape_arg(argc, argv, 2, 0);
	long ms = shape_arg(argc, argv, 3, 1000);
	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	shape_touch_mib(mib);
	shape_open_fds(nfds);
	printf("held %ld %ld\n", mib, nfds);
	fflush(stdout);
	shape_sleep_ms(ms);
	return 0;
}
