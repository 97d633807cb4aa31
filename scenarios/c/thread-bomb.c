/*
 * thread-bomb: test fixture for the pids limit. Leaky: starts threads that sleep until
 * they are told to stop, until pthread_create fails; prints "Error at thread N:
 * <strerror>" (N = threads started before the failure: 63 under pids.max 64, the main
 * thread being the 64th task), keeps them for --hold and exits 3. If --max threads
 * start without failure it keeps them for --hold and exits 0. --fixed: starts and joins
 * one thread at a time, the same number of times (--max); exit 0.
 */
#include "scenario.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const struct sc_desc desc = {
    .name = "thread-bomb",
    .what = "Fixture: start sleeping threads until pthread_create fails.",
    .leaky = "start threads that sleep until the program ends, until pthread_create fails "
	     "(\"Error at thread N\", exit 3) or --max are running (exit 0); keeps them "
	     "for --hold",
    .fixed = "start and join one thread at a time, --max times; exit 0",
    .unit = "threads",
    .opts = SC_OPT_RATE | SC_OPT_MAX | SC_OPT_DURATION | SC_OPT_HOLD,
    .defaults = {.rate = 0, .max = 4096, .duration_ns = 0, .hold_ns = 1000000000},
};

/* Leaky worker: sleeps (blocked, no CPU) until the process ends. */
static void *sleeper(void *arg)
{
	(void)arg;
	for (;;) {
		sc_sleep_ns(3600LL * 1000000000);
	}
	return NULL;
}

/* Fixed worker: does its (trivial) work and ends. */
static void *worker(void *arg)
{
	return arg;
}

int main(int argc, char **argv)
{
	struct sc_opts o;
	int rc = sc_parse(&desc, argc, argv, &o);
	if (rc >= 0) {
		return rc;
	}

	struct sc_pacer pacer;
	sc_pacer_init(&pacer, &o);
	long long started = 0;
	int result = SC_EXIT_OK;
	while (sc_pacer_next(&pacer)) {
		pthread_t tid;
		int e = sc_thread_start(&tid, o.fixed ? worker : sleeper, NULL, !o.fixed);
		if (e != 0) {
			printf("Error at thread %lld: %s\n", started, strerror(e));
			fflush(stdout);
			result = e == EAGAIN || e == ENOMEM ? SC_EXIT_EXHAUSTED : SC_EXIT_FAILURE;
			break;
		}
		started++;
		if (o.fixed) {
			pthread_join(tid, NULL);
		}
	}
	if (result == SC_EXIT_OK) {
		printf("%s %lld threads without failure\n",
		       o.fixed ? "started and joined" : "started", started);
		fflush(stdout);
	}
	if (!o.fixed) {
		sc_sleep_ns(o.hold_ns);
	}
	/* Returning from main ends the sleepers with the process. */
	return result;
}
