/* filemap FILE MS: map FILE read-only and read every page of it, spread evenly
 * over MS ms, then hold the mapping 300 ms and exit 0. Prints "pid P", "size
 * MIB" and "read MIB" when done. Its RSS grows by the file's size, all of it
 * clean file pages: no anonymous memory, and nothing charged to its memory
 * cgroup when the file was already in the page cache. */
#include <sys/stat.h>

#include "shape.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: filemap FILE [MS]\n");
		return 2;
	}
	long ms = shape_arg(argc, argv, 2, 1200);
	int fd = open(argv[1], O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || st.st_size == 0) {
		perror("filemap: open");
		return 2;
	}
	size_t len = (size_t)st.st_size;
	const volatile char *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		perror("filemap: mmap");
		return 2;
	}
	printf("pid %d\nsize %zu\n", (int)getpid(), len >> 20);
	fflush(stdout);
	/* 100 steps: each reads its share of the pages, then sleeps */
	unsigned long sum = 0;
	size_t pages = (len + 4095) / 4096;
	for (size_t step = 0; step < 100; step++) {
		for (size_t pg = pages * step / 100; pg < pages * (step + 1) / 100; pg++)
			sum += (unsigned char)p[pg * 4096];
		shape_sleep_ms(ms / 100);
	}
	printf("read %zu %lu\n", len >> 20, sum);
	fflush(stdout);
	shape_sleep_ms(300);
	return 0;
}
