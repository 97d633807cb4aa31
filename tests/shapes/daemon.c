/* daemon MIB MS LINGER: the classic double fork. The parent forks a child that
 * calls setsid and forks the daemon, then exits at once; the daemon touches MIB
 * MiB and holds it for MS ms. The parent waits until the daemon says it is ready
 * (the way an init script waits for a pid file), lingers LINGER ms, and exits.
 * Prints "daemon PID" and "ready". */
#include <sys/wait.h>

#include "shape.h"

int main(int argc, char **argv)
{
	long mib = shape_arg(argc, argv, 1, 30), ms = shape_arg(argc, argv, 2, 3000);
	long linger = shape_arg(argc, argv, 3, 1000);
	int ready[2];
	if (pipe(ready) != 0)
		return 2;
	pid_t c = fork();
	if (c < 0)
		return 2;
	if (c == 0) {
		setsid();
		pid_t d = fork();
		if (d != 0)
			_exit(d < 0 ? 2 : 0);
		close(ready[0]);
		shape_touch_mib(mib);
		pid_t me = getpid();
		if (write(ready[1], &me, sizeof(me)) != sizeof(me))
			_exit(2);
		close(ready[1]);
		shape_sleep_ms(ms);
		_exit(0);
	}
	close(ready[1]);
	waitpid(c, NULL, 0);
	pid_t d;
	if (read(ready[0], &d, sizeof(d)) != sizeof(d))
		return 2;
	printf("daemon %d\nready\n", (int)d);
	fflush(stdout);
	shape_sleep_ms(linger);
	return 0;
}
