/* launchfloor.c - two costs every brink launch pays whatever brink does, measured
 * alone so that bench.sh can subtract them from a launch (docs/BENCHMARKS.md,
 * section 3).
 *
 * usage: launchfloor cginit
 *          call libcgroup's cgroup_init() and exit: launched in a loop like
 *          /bin/true, the difference is what starting libcgroup costs (loading
 *          it and the tables cgroup_init() clears)
 *        launchfloor files DIR N
 *          write N small files in DIR the way brink commits a result file
 *          (NAME.part, write, fsync, close, rename) and print
 *          "RESULT files=N ms=T" with the time that took
 */
#include <errno.h>
#include <fcntl.h>
#include <libcgroup.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int files(const char *dir, int n)
{
	/* About the size of a short run's samples.csv row set or summary row. */
	char body[512];
	memset(body, 'x', sizeof(body));
	body[sizeof(body) - 1] = '\n';
	double t0 = now_ms();
	for (int i = 0; i < n; i++) {
		char tmp[4096], fin[4096];
		int a = snprintf(fin, sizeof(fin), "%s/file%d.csv", dir, i);
		int b = snprintf(tmp, sizeof(tmp), "%s/file%d.csv.part", dir, i);
		if (a < 0 || b < 0 || (size_t)b >= sizeof(tmp)) {
			fprintf(stderr, "launchfloor: %s: path too long\n", dir);
			return 1;
		}
		int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, body, sizeof(body)) != (ssize_t)sizeof(body) ||
		    fsync(fd) != 0 || close(fd) != 0 || rename(tmp, fin) != 0) {
			fprintf(stderr, "launchfloor: %s: %s\n", tmp, strerror(errno));
			return 1;
		}
	}
	printf("RESULT files=%d ms=%.3f\n", n, now_ms() - t0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "cginit") == 0) {
		int rc = cgroup_init();
		if (rc != 0) {
			fprintf(stderr, "launchfloor: cgroup_init: %s\n", cgroup_strerror(rc));
			return 1;
		}
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "files") == 0)
		return files(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: launchfloor cginit | launchfloor files DIR N\n");
	return 2;
}
