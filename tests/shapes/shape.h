/* shape.h - small helpers shared by the program shapes of tests/shapes/.
 *
 * Each shape prints the facts of what it did on stdout, one "key value" line per
 * fact, flushed at once, so that a test can compare brink's figures with the
 * program's own (tests/shapes/run.sh). */
#ifndef BRINK_SHAPE_H
#define BRINK_SHAPE_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static inline void shape_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Map and write every page of `mib` MiB of anonymous memory (kept resident). */
static inline void shape_touch_mib(long mib)
{
	size_t len = (size_t)mib << 20;
	if (len == 0)
		return;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("shape: mmap");
		exit(2);
	}
	for (size_t i = 0; i < len; i += 4096)
		p[i] = 1;
}

/* Open `n` more fds on /dev/null; returns the highest fd number, -1 for none. */
static inline int shape_open_fds(long n)
{
	int fd = -1;
	for (long i = 0; i < n; i++) {
		fd = open("/dev/null", O_RDONLY);
		if (fd < 0) {
			perror("shape: open /dev/null");
			exit(2);
		}
	}
	return fd;
}

static inline long shape_arg(int argc, char **argv, int i, long def)
{
	return argc > i ? strtol(argv[i], NULL, 10) : def;
}

#endif
