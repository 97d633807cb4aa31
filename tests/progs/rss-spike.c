/* rss-spike - touch MIB MiB, hold them 300 ms, give them back to the kernel, then
 * run 300 ms more at a small RSS: the peak is in the middle of the run, not at its
 * end. Prints the peak RSS the kernel recorded for the process (VmHWM of
 * /proc/self/status, proc(5)) in bytes:
 *   vmhwm_bytes 94371840
 * Usage: rss-spike MIB */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static void nap_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	long mib = argc == 2 ? atol(argv[1]) : 0;
	if (mib < 1) {
		fprintf(stderr, "usage: rss-spike MIB\n");
		return 2;
	}
	size_t len = (size_t)mib << 20;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memset(p, 1, len);
	nap_ms(300);
	munmap(p, len);
	nap_ms(300);
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	long long kb = -1;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %lld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	if (kb < 0) {
		fprintf(stderr, "rss-spike: no VmHWM in /proc/self/status\n");
		return 1;
	}
	printf("vmhwm_bytes %lld\n", kb * 1024);
	return 0;
}
