/*
 * fd-exhaust: test fixture for the nofile limit. Leaky: opens --path until open()
 * fails, keeping every descriptor, then prints "Error at file N: <strerror>" (N = files
 * opened before the failure, so 1021 under nofile 1024 with 0, 1, 2 inherited) and
 * exits 3. --fixed: opens and closes --path as many times (default twice the soft
 * nofile limit, more than a leak could survive) and exits 0.
 */
#include "scenario.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static const struct sc_desc desc = {
    .name = "fd-exhaust",
    .what = "Fixture: open files until open() fails with EMFILE.",
    .leaky = "open --path and never close it, until open fails; print \"Error at file N: "
	     "<strerror>\", exit 3",
    .fixed = "open and close --path --max times (default: twice the soft nofile limit); "
	     "exit 0",
    .unit = "files",
    .opts = SC_OPT_RATE | SC_OPT_MAX | SC_OPT_DURATION | SC_OPT_PATH,
    .defaults = {.rate = 0, .max = 0, .duration_ns = 0, .path = "/dev/null"},
};

int main(int argc, char **argv)
{
	struct sc_opts o;
	int rc = sc_parse(&desc, argc, argv, &o);
	if (rc >= 0) {
		return rc;
	}
	if (o.fixed && !(o.given & SC_OPT_MAX)) {
		struct rlimit rl;
		o.max = 2048;
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
		    rl.rlim_cur < 1000000) {
			o.max = 2 * (long long)rl.rlim_cur;
		}
	}

	struct sc_pacer pacer;
	sc_pacer_init(&pacer, &o);
	long long opened = 0;
	while (sc_pacer_next(&pacer)) {
		int fd = open(o.path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			int e = errno;
			printf("Error at file %lld: %s\n", opened, strerror(e));
			fflush(stdout);
			if (e == EMFILE || e == ENFILE || e == ENOMEM) {
				return SC_EXIT_EXHAUSTED;
			}
			return SC_EXIT_FAILURE;
		}
		opened++;
		if (o.fixed) {
			close(fd);
		}
	}
	printf("%s %lld files of %s without failure\n", o.fixed ? "opened and closed" : "kept open",
	       opened, o.path);
	return SC_EXIT_OK;
}
