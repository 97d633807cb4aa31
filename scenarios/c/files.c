/*
 * c-files: pattern 1, files opened and never closed. Leaky: opens a log file for
 * appending, writes a line, and keeps the descriptor, --rate times a second, until
 * open() fails (prints "Error at file N: <strerror>", exits 3) or --duration ends
 * (exit 0). Open fds grow by --rate per second. --fixed: the same opens and writes, each
 * followed by close(): open fds stay at the baseline.
 */
#include "scenario.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct sc_desc desc = {
    .name = "c-files",
    .what = "Pattern 1: files opened and never closed, until open() fails with EMFILE.",
    .leaky = "open --path (default test.log in the working directory, removed at exit), append a "
	     "line, keep the fd; \"Error at file N\" and exit 3 at the nofile limit",
    .fixed = "the same opens and writes, each followed by close(): fds stay flat",
    .unit = "files",
    .opts = SC_OPT_RATE | SC_OPT_MAX | SC_OPT_DURATION | SC_OPT_PATH,
    .defaults = {.rate = 10000, .duration_ns = 3000000000LL, .path = NULL},
};

int main(int argc, char **argv)
{
	struct sc_opts o;
	int rc = sc_parse(&desc, argc, argv, &o);
	if (rc >= 0) {
		return rc;
	}
	/* In the working directory, as the article does: brink gives every run a
	 * fresh one, so runs never share the file. */
	bool remove_at_exit = false;
	if (!o.path) {
		o.path = "test.log";
		remove_at_exit = true;
	}

	static const char line[] = "Hello, World!\n";
	struct sc_pacer pacer;
	sc_pacer_init(&pacer, &o);
	long long opened = 0;
	int result = SC_EXIT_OK;
	while (sc_pacer_next(&pacer)) {
		int fd = open(o.path, O_CREAT | O_APPEND | O_WRONLY | O_CLOEXEC, 0644);
		if (fd < 0) {
			int e = errno;
			printf("Error at file %lld: %s\n", opened, strerror(e));
			fflush(stdout);
			result = e == EMFILE || e == ENFILE ? SC_EXIT_EXHAUSTED : SC_EXIT_FAILURE;
			break;
		}
		opened++;
		if (write(fd, line, sizeof(line) - 1) < 0) {
			sc_note(&desc, "cannot write %s: %s", o.path, strerror(errno));
		}
		if (o.fixed) {
			close(fd);
		}
	}
	if (result == SC_EXIT_OK) {
		printf("%s %lld files without failure\n",
		       o.fixed ? "opened and closed" : "kept open", opened);
	}
	if (remove_at_exit) {
		unlink(o.path);
	}
	return result;
}
