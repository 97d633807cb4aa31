/*
 * scenario.h: what every C scenario program shares: named exit codes, the common
 * command line (--fixed, --duration, --rate, --max, --size, --hold, --period, --path,
 * --help), a pacer that spreads work units over time, and small helpers.
 *
 * Exit codes (the same numbers in the Go scenarios, scenarios/go/internal/scn):
 *   SC_EXIT_OK         0  the program did its work and stopped at its own bound
 *                         (--duration, --max) or finished the fixed variant;
 *   SC_EXIT_FAILURE    1  it could not run at all (a setup step failed, e.g. the
 *                         loopback server could not listen): not a result;
 *   SC_EXIT_USAGE      2  bad option or value (the message names the option);
 *   SC_EXIT_EXHAUSTED  3  it stopped because a resource limit refused it: open()
 *                         failed with EMFILE, pthread_create with EAGAIN, malloc
 *                         with ENOMEM. It prints "Error at <unit> N: <strerror>"
 *                         on stdout first, N counting the units obtained before.
 * A program killed by the kernel (OOM) or by the harness has no exit code of its own.
 */
#ifndef BRINK_SCENARIO_H
#define BRINK_SCENARIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sc_exit {
	SC_EXIT_OK = 0,
	SC_EXIT_FAILURE = 1,
	SC_EXIT_USAGE = 2,
	SC_EXIT_EXHAUSTED = 3,
};

/* Options a program may accept beyond --fixed and --help (bit mask in sc_desc.opts). */
enum sc_opt {
	SC_OPT_DURATION = 1u << 0,
	SC_OPT_RATE = 1u << 1,
	SC_OPT_MAX = 1u << 2,
	SC_OPT_SIZE = 1u << 3,
	SC_OPT_HOLD = 1u << 4,
	SC_OPT_PERIOD = 1u << 5,
	SC_OPT_PATH = 1u << 6,
};

struct sc_opts {
	bool fixed;	     /* --fixed: run the variant without the leak */
	int64_t duration_ns; /* --duration: stop after this long; 0 = no time bound */
	double rate;	     /* --rate: units per second; 0 = as fast as possible */
	long long max;	     /* --max: stop after this many units; 0 = no bound */
	size_t size;	     /* --size: bytes per unit (buffer, body, payload) */
	int64_t hold_ns;     /* --hold: how long to keep what was obtained before exiting */
	int64_t period_ns;   /* --period: timer period */
	const char *path;    /* --path: file to open */
	unsigned given;	     /* SC_OPT_* bits of the options set on the command line */
};

/* A program's description: its help text, accepted options and defaults. */
struct sc_desc {
	const char *name;     /* binary name, e.g. "c-files" */
	const char *what;     /* the pattern, one sentence */
	const char *leaky;    /* what the default (leaky) mode does and what an observer sees */
	const char *fixed;    /* what --fixed does */
	const char *unit;     /* what --rate and --max count, e.g. "files" */
	unsigned opts;	      /* SC_OPT_* accepted */
	const char *max_help; /* replaces the generic --max help line when set */
	struct sc_opts defaults;
};

/*
 * Parse argv against desc into *o (starting from desc->defaults). Returns -1 when the
 * program should go on, or the exit code to exit with: SC_EXIT_OK after --help,
 * SC_EXIT_USAGE after a bad option (the message is on stderr).
 */
int sc_parse(const struct sc_desc *desc, int argc, char **argv, struct sc_opts *o);

/* Monotonic clock in nanoseconds. */
int64_t sc_now_ns(void);

/* Sleep for ns nanoseconds (restarted after signals). */
void sc_sleep_ns(int64_t ns);

/*
 * Pacer: hands out work units at o->rate per second, until o->duration_ns has passed
 * or o->max units were handed out. Deadlines are absolute, so pacing does not drift.
 */
struct sc_pacer {
	int64_t start_ns;
	int64_t deadline_ns; /* 0 = none */
	double rate;
	long long max;
	long long done; /* units handed out so far */
};

void sc_pacer_init(struct sc_pacer *p, const struct sc_opts *o);

/* Wait until the next unit is due; false once the duration or --max bound is reached. */
bool sc_pacer_next(struct sc_pacer *p);

/* Write one byte in every page of [p, p+n) so that all of it is resident. */
void sc_touch(void *p, size_t n);

/*
 * pthread_create with a small stack (SC_THREAD_STACK): thread scenarios measure how
 * many threads a limit allows, not how much address space 8 MiB default stacks take.
 * Returns 0 or the error number.
 */
#define SC_THREAD_STACK (64u * 1024u)
int sc_thread_start(pthread_t *tid, void *(*fn)(void *), void *arg, bool detached);

/* "name: message" on stderr, for progress notes (stdout carries the results). */
void sc_note(const struct sc_desc *desc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Parse a duration ("500ms", "3s", "1m", "0"); 0 on success, -1 if malformed. */
int sc_parse_duration(const char *s, int64_t *ns);

/* Parse a size ("4096", "64K", "1M", "1G"); 0 on success, -1 if malformed. */
int sc_parse_size(const char *s, size_t *bytes);

#endif
