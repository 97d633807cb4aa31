/* fd-high LIMIT: puts stdin on every fd from 10 to LIMIT - 1 with dup2 (a
 * program that numbers its own fds high), then opens /dev/null, which gets the
 * lowest free fd (3: open(2)), and prints "held N" (the fds from 10 up) and
 * "open_fd FD". It never meets EMFILE. Exit 0 when the open worked, 1 if not. */
#include "shape.h"

int main(int argc, char **argv)
{
	long lim = shape_arg(argc, argv, 1, 256);
	long held = 0;
	for (long fd = 10; fd < lim; fd++)
		if (dup2(0, (int)fd) == fd)
			held++;
	int x = open("/dev/null", O_RDONLY);
	printf("held %ld\nopen_fd %d\n", held, x);
	fflush(stdout);
	return x >= 0 ? 0 : 1;
}
