/*
 * c-goroutine: pattern 4 in C, threads that never end (the analog of goroutines that
 * sleep forever). Leaky: starts --rate threads per second, each sleeping for an hour,
 * never joined: the thread count grows until --duration ends (exit 0) or
 * pthread_create fails at a limit such as pids.max ("Error at thread N", exit 3).
 * --fixed: each thread sleeps 10 ms (its "work") and is joined: the thread count stays
 * at a handful.
 */
#include "scenario.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define RING 64 /* fixed mode: threads in flight before the oldest is joined */

static const struct sc_desc desc = {
    .name = "c-goroutine",
    .what = "Pattern 4: threads that never end (C's goroutine leak).",
    .leaky = "start threads that sleep for an hour, never joined: threads grow until a "
	     "limit (\"Error at thread N\", exit 3) or --duration",
    .fixed = "each thread sleeps 10 ms and is joined: threads stay flat",
    .unit = "threads",
    .opts = SC_OPT_RATE | SC_OPT_MAX | SC_OPT_DURATION,
    .defaults = {.rate = 500, .max = 4096, .duration_ns = 3000000000LL},
};

static void *sleep_hour(void *arg)
{
	(void)arg;
	sc_sleep_ns(3600LL * 1000000000);
	return NULL;
}

static void *sleep_10ms(void *arg)
{
	(void)arg;
	sc_sleep_ns(10 * 1000000);
	return NULL;
}

int main(int argc, char **argv)
{
	struct sc_opts o;
	int rc = sc_parse(&desc, argc, argv, &o);
	if (rc >= 0) {
		return rc;
	}

	pthread_t ring[RING];
	long long started = 0;
	struct sc_pacer pacer;
	sc_pacer_init(&pacer, &o);
	while (sc_pacer_next(&pacer)) {
		pthread_t tid;
		if (o.fixed && started >= RING) {
			pthread_join(ring[started % RING], NULL);
		}
		int e = sc_thread_start(&tid, o.fixed ? sleep_10ms : sleep_hour, NULL, !o.fixed);
		if (e != 0) {
			printf("Error at thread %lld: %s\n", started, strerror(e));
			fflush(stdout);
			return e == EAGAIN || e == ENOMEM ? SC_EXIT_EXHAUSTED : SC_EXIT_FAILURE;
		}
		if (o.fixed) {
			ring[started % RING] = tid;
		}
		started++;
	}
	if (o.fixed) {
		for (long long i = started > RING ? started - RING : 0; i < started; i++) {
			pthread_join(ring[i % RING], NULL);
		}
	}
	printf("started %lld threads, %s\n", started,
	       o.fixed ? "all joined" : "none ended (they sleep for an hour)");
	return SC_EXIT_OK;
}
