/*
 * c-defer-loop: pattern 9, cleanup postponed to the end of a function (Go's defer in a
 * loop). One call processes --max files (the loop's length, default 1000) at --rate
 * files per second. Leaky: each iteration opens a file, reads from it, and registers
 * its close() on a cleanup list that runs only when the function returns, so open fds
 * climb to the loop's length and drop at the return; a loop longer than the nofile
 * limit allows fails: it prints "Error at file N" and exits 3 at once (a fatal error:
 * the cleanup list never runs), so the files are still open when the program exits and
 * an observer sees the limit reached exactly. --fixed: close() at the end of each
 * iteration: fds stay flat. After the call the program holds for --hold so that an
 * observer sees the drop, then exits 0.
 */
#include "scenario.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct sc_desc desc = {
    .name = "c-defer-loop",
    .what = "Pattern 9: cleanup postponed to the end of the function (defer in a loop).",
    .leaky = "one call opens --max files, closing them all only when it returns: fds peak "
	     "at the loop's length (\"Error at file N\", exit 3, if beyond the limit)",
    .fixed = "the same loop closes each file at the end of its iteration: fds stay flat",
    .unit = "files (iterations of the loop)",
    .opts = SC_OPT_RATE | SC_OPT_MAX | SC_OPT_HOLD | SC_OPT_PATH,
    .max_help = "the loop's length (>= 1)",
    .defaults = {.rate = 400, .max = 1000, .hold_ns = 500000000, .path = "/proc/self/stat"},
};

/* Deferred actions, run last-in first-out when the function returns (like Go's). */
struct cleanup {
	int *fds;
	size_t n, cap;
};

static int defer_close(struct cleanup *c, int fd)
{
	if (c->n == c->cap) {
		size_t ncap = c->cap ? 2 * c->cap : 256;
		int *n = realloc(c->fds, ncap * sizeof(*n));
		if (!n) {
			return -1;
		}
		c->fds = n;
		c->cap = ncap;
	}
	c->fds[c->n++] = fd;
	return 0;
}

static void run_cleanup(struct cleanup *c)
{
	while (c->n > 0) {
		close(c->fds[--c->n]);
	}
	free(c->fds);
	c->fds = NULL;
	c->cap = 0;
}

/* A failed open is fatal: report it and exit at once, without running the cleanup. */
static void fatal(long long n, int e)
{
	printf("Error at file %lld: %s\n", n, strerror(e));
	fflush(stdout);
	exit(e == EMFILE || e == ENFILE || e == ENOMEM ? SC_EXIT_EXHAUSTED : SC_EXIT_FAILURE);
}

/* Reads the start of every file of the batch; returns the number of files read. */
static long long process_files(const struct sc_opts *o, bool per_iteration)
{
	struct cleanup deferred = {0};
	struct sc_pacer pacer;
	sc_pacer_init(&pacer, o);
	long long done = 0;
	char buf[256];
	while (sc_pacer_next(&pacer)) {
		int fd = open(o->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fatal(done, errno);
		}
		if (!per_iteration && defer_close(&deferred, fd) != 0) {
			fatal(done, ENOMEM);
		}
		if (read(fd, buf, sizeof(buf)) < 0) {
			sc_note(&desc, "cannot read %s: %s", o->path, strerror(errno));
		}
		if (per_iteration) {
			close(fd);
		}
		done++;
	}
	run_cleanup(&deferred);
	return done;
}

int main(int argc, char **argv)
{
	struct sc_opts o;
	int rc = sc_parse(&desc, argc, argv, &o);
	if (rc >= 0) {
		return rc;
	}
	if (o.max == 0) {
		fprintf(stderr, "%s: --max: the loop needs a length >= 1\n", desc.name);
		return SC_EXIT_USAGE;
	}
	long long n = process_files(&o, o.fixed);
	printf("processed %lld files, %s\n", n,
	       o.fixed ? "closing each in its iteration" : "closing all at the return");
	fflush(stdout);
	sc_sleep_ns(o.hold_ns);
	return SC_EXIT_OK;
}
