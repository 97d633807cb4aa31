/*
 * c-ticker: pattern 8 in C, periodic timers never deleted. Each unit is a poll that
 * creates a periodic timer (a timerfd, --period), waits for nothing in particular and
 * is done. Leaky: the timer is never closed: the kernel keeps it armed and the fd
 * open: fds grow by --rate per second until --duration ends (exit 0) or the nofile
 * limit stops it ("Error at timer N", exit 3). --fixed: the timer is disarmed and
 * closed when the poll is done: fds stay flat.
 */
#include "scenario.h"

#include <errno.h>
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
	long long timers = 0;
	while (sc_pacer_next(&pacer)) {
		int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
		if (fd < 0 || timerfd_settime(fd, 0, &spec, NULL) != 0) {
			int e = errno;
			if (fd >= 0) {
				close(fd);
			}
			printf("Error at timer %lld: %s\n", timers, strerror(e));
			fflush(stdout);
			return e == EMFILE || e == ENFILE || e == ENOMEM ? SC_EXIT_EXHAUSTED
									 : SC_EXIT_FAILURE;
		}
		timers++;
		if (o.fixed) {
			static const struct itimerspec off;
			timerfd_settime(fd, 0, &off, NULL);
			close(fd);
		}
	}
	printf("%lld timers created, %s\n", timers,
	       o.fixed ? "each stopped and closed" : "none stopped, all still armed");
	return SC_EXIT_OK;
}
