/*
 * c-ticker: pattern 8 in C, periodic timers never deleted. Each unit is a polling task
 * that arms a periodic timer (a timerfd, --period) for its loop, checks it once without
 * waiting, finds nothing to do and returns early (the shape of go-ticker). Leaky: the
 * early return skips the cleanup, so the kernel keeps the timer armed and its fd
 * open: fds grow by --rate per second until --duration ends (exit 0) or the nofile
 * limit stops it ("Error at timer N", exit 3). --fixed: the timer is disarmed and
 * closed on every return: fds stay flat.
 */
#include "scenario.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

static const struct sc_desc desc = {
    .name = "c-ticker",
    .what = "Pattern 8: periodic timers (timerfd) never deleted.",
    .leaky = "create and arm a periodic timerfd per unit, never close it: fds grow, "
	     "\"Error at timer N\" and exit 3 at the nofile limit",
    .fixed = "the same timers, each disarmed and closed after use: fds stay flat",
    .unit = "timers",
    .opts = SC_OPT_RATE | SC_OPT_MAX | SC_OPT_DURATION | SC_OPT_PERIOD,
    .defaults = {.rate = 300, .duration_ns = 3000000000LL, .period_ns = 100000000},
};

/* One polling task; returns 0 or an errno if its timer could not be set up. */
static int poll_task(const struct itimerspec *spec, bool cleanup, long long *ticks)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0) {
		return errno;
	}
	if (timerfd_settime(fd, 0, spec, NULL) != 0) {
		int e = errno;
		close(fd);
		return e;
	}
	uint64_t expirations;
	if (read(fd, &expirations, sizeof(expirations)) == (ssize_t)sizeof(expirations)) {
		*ticks += (long long)expirations; /* work would be done here */
	}
	/* The early return: nothing due yet. Only the fixed variant cleans up. */
	if (cleanup) {
		static const struct itimerspec off;
		timerfd_settime(fd, 0, &off, NULL);
		close(fd);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sc_opts o;
	int rc = sc_parse(&desc, argc, argv, &o);
	if (rc >= 0) {
		return rc;
	}
	struct itimerspec spec = {
	    .it_interval = {.tv_sec = o.period_ns / 1000000000,
			    .tv_nsec = o.period_ns % 1000000000},
	};
	spec.it_value = spec.it_interval;

	struct sc_pacer pacer;
	sc_pacer_init(&pacer, &o);
	long long timers = 0, ticks = 0;
	while (sc_pacer_next(&pacer)) {
		int e = poll_task(&spec, o.fixed, &ticks);
		if (e != 0) {
			printf("Error at timer %lld: %s\n", timers, strerror(e));
			fflush(stdout);
			return e == EMFILE || e == ENFILE || e == ENOMEM ? SC_EXIT_EXHAUSTED
									 : SC_EXIT_FAILURE;
		}
		timers++;
	}
	printf("%lld timers created (%lld ticks seen at once), %s\n", timers, ticks,
	       o.fixed ? "each stopped and closed" : "none stopped, all still armed");
	return SC_EXIT_OK;
}
