/* tick.c - the floor of sampling at a fixed interval: a loop that waits for an
 * absolute-deadline timerfd the way brink's event loop does (poll, then read the
 * expiration count) and does nothing else. Its CPU use is what waking up that
 * often costs on this machine, before any sample is taken; its missed ticks and
 * jitter are what the scheduler gives any process here.
 *
 * usage: tick SECONDS [INTERVAL_US]   (default interval 1000 us)
 * Prints one line for scripts:
 *   RESULT cpu_pct=P wakeups=N expected=E missed=M p50_us=A p99_us=B max_us=C
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long parse_pos(const char *s, const char *what, long max)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < 1 || v > max) {
		fprintf(stderr, "tick: %s: expected 1..%ld, got '%s'\n", what, max, s);
		exit(2);
	}
	return v;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: tick SECONDS [INTERVAL_US]\n");
		return 2;
	}
	long secs = parse_pos(argv[1], "SECONDS", 3600);
	int64_t interval =
	    (int64_t)(argc > 2 ? parse_pos(argv[2], "INTERVAL_US", 10000000) : 1000) * 1000;
	size_t cap = (size_t)(secs * 1000000000LL / interval) + 2;
	int64_t *at = malloc(cap * sizeof(*at));
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (!at || tfd < 0) {
		fprintf(stderr, "tick: cannot set up: %s\n", strerror(errno));
		return 1;
	}
	int64_t t0 = mono_ns(), first = t0 + interval, end = t0 + secs * 1000000000LL;
	struct itimerspec its = {
	    .it_value = {first / 1000000000LL, first % 1000000000LL},
	    .it_interval = {interval / 1000000000LL, interval % 1000000000LL},
	};
	if (timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL) != 0) {
		fprintf(stderr, "tick: cannot arm the timer: %s\n", strerror(errno));
		return 1;
	}
	size_t n = 0;
	int64_t missed = 0;
	for (;;) {
		struct pollfd pf = {tfd, POLLIN, 0};
		if (poll(&pf, 1, -1) < 0 && errno != EINTR)
			return 1;
		uint64_t exp = 0;
		if (read(tfd, &exp, sizeof(exp)) != sizeof(exp))
			continue;
		if (exp > 1)
			missed += (int64_t)(exp - 1);
		int64_t now = mono_ns();
		if (n < cap)
			at[n++] = now;
		if (now >= end)
			break;
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		     (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	double wall = (double)(mono_ns() - t0) / 1e9;
	/* Jitter as bench/stats.py computes it for brink: |interval - nominal|. */
	size_t m = n > 1 ? n - 1 : 0;
	int64_t *dev = malloc((m ? m : 1) * sizeof(*dev));
	if (!dev)
		return 1;
	for (size_t i = 0; i < m; i++)
		dev[i] = llabs(at[i + 1] - at[i] - interval);
	qsort(dev, m, sizeof(*dev), cmp_i64);
	double p50 = m ? (double)dev[(size_t)((double)(m - 1) * 0.5 + 0.5)] / 1e3 : 0;
	double p99 = m ? (double)dev[(size_t)((double)(m - 1) * 0.99 + 0.5)] / 1e3 : 0;
	double mx = m ? (double)dev[m - 1] / 1e3 : 0;
	printf("RESULT cpu_pct=%.2f wakeups=%zu expected=%lld missed=%lld p50_us=%.1f "
	       "p99_us=%.1f max_us=%.1f\n",
	       100 * cpu / wall, n, (long long)(wall * 1e9 / (double)interval), (long long)missed,
	       p50, p99, mx);
	free(dev);
	free(at);
	return 0;
}
