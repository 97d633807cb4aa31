/* cpu-spin - THREADS threads spin for SECONDS of wall time, then the program prints
 * the CPU time it was given, from its own getrusage(RUSAGE_SELF) (every thread):
 *   cpu_s 0.498
 * First it prints the RLIMIT_CPU it starts under (`rlimit_cpu SOFT HARD`, -1 for
 * none). With SECONDS 0 it spins until a signal: on SIGXCPU it prints the CPU time
 * at that moment (`sigxcpu_cpu_s 1.003`) and exits 24.
 * Usage: cpu-spin SECONDS THREADS */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static atomic_int stop;

static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void on_xcpu(int sig)
{
	(void)sig;
	char b[64];
	/* snprintf of a double is not async-signal-safe in theory; the threads only spin. */
	int n = snprintf(b, sizeof(b), "sigxcpu_cpu_s %.3f\n", cpu_s());
	if (write(1, b, (size_t)n) < 0)
		_exit(1);
	_exit(24);
}

static void *spin(void *arg)
{
	(void)arg;
	volatile unsigned long x = 0;
	while (!atomic_load_explicit(&stop, memory_order_relaxed))
		x++;
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: cpu-spin SECONDS THREADS\n");
		return 2;
	}
	double secs = atof(argv[1]);
	int n = atoi(argv[2]);
	if (n < 1 || n > 64 || secs < 0) {
		fprintf(stderr, "cpu-spin: bad arguments\n");
		return 2;
	}
	/* Read now: the kernel raises the soft limit by a second at each SIGXCPU. */
	struct rlimit rl;
	getrlimit(RLIMIT_CPU, &rl);
	printf("rlimit_cpu %lld %lld\n", rl.rlim_cur == RLIM_INFINITY ? -1 : (long long)rl.rlim_cur,
	       rl.rlim_max == RLIM_INFINITY ? -1 : (long long)rl.rlim_max);
	fflush(stdout);
	signal(SIGXCPU, on_xcpu);
	pthread_t t[64];
	for (int i = 1; i < n; i++)
		if (pthread_create(&t[i], NULL, spin, NULL) != 0) {
			perror("pthread_create");
			return 1;
		}
	if (secs == 0) {
		spin(NULL); /* until a signal */
		return 1;
	}
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	volatile unsigned long x = 0;
	do {
		for (int i = 0; i < 100000; i++)
			x++;
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while ((double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9 <
		 secs);
	atomic_store(&stop, 1);
	for (int i = 1; i < n; i++)
		pthread_join(t[i], NULL);
	printf("cpu_s %.3f\n", cpu_s());
	return 0;
}
