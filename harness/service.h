/* service.h - a program that serves, driven by a load: readiness, the load
 * generator, the graceful stop, and what the Go runtime says (gotrace.h).
 *
 * The timeline of a service run (times since the program started):
 *   launch -> ready (tcp:HOST:PORT accepts, delay:DUR passed, or a stdout line
 *   matched stdout:REGEX; at launch when `ready` is not set) -> the `load`
 *   command starts, outside the run cgroup: in a group of its own beside it
 *   (not measured), else in a process group of its own -> the load exits,
 *   whatever it left running is killed -> brink sends
 *   the stop signal (SIGTERM; SIGQUIT with go-runtime = dump) -> after
 *   `stop-grace` the run is killed. The load window, from ready + leak-warmup
 *   to the stop, is where the leak verdict looks.
 *   With `duration`, brink stops the program the same way when it has run that
 *   long (outcome `stopped`, not a breaking point like `timeout`).
 *   Not ready within `ready-timeout`: the outcome is `not-ready`, the load never
 *   starts and the program is stopped (SIGQUIT with dump, else SIGKILL).
 *
 * The configuration is plain data, struct service_cfg in struct scenario
 * (scenario.h); the run-time
 * state is struct service, driven by the monitor's event loop.
 */
#ifndef BRINK_SERVICE_H
#define BRINK_SERVICE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "scenario.h"

/* Parse `ready`: tcp:HOST:PORT (HOST an IPv4 address, [IPv6] or localhost;
 * PORT 1-65535), delay:DURATION, stdout:REGEX (POSIX extended, matched
 * against each line). -1 with *why (static sentence) on bad input, c unchanged. */
int service_parse_ready(struct service_cfg *c, const char *v, const char **why);
/* Parse `go-runtime`: none, gctrace, dump, or both separated by ','. */
int service_parse_go_runtime(struct service_cfg *c, const char *v, const char **why);
/* The `go-runtime` value that parses back to c's. */
const char *service_go_runtime_name(unsigned bits);

/* Can the run start: is the load command found (a bare name in scenario_dir,
 * then $PATH; with `shell`, /bin/sh), can metrics-url be fetched (libcurl
 * in this build), and does a SIGQUIT reach the program with go-runtime = dump
 * (with `shell`, shell_cmd, the command line, must start with exec: else
 * /bin/sh takes the signal and dies without a dump)? shell_cmd is NULL
 * without `shell`. 0, or -1 with err ("load: ...", "metrics-url: ...",
 * "go-runtime: ..."). */
int service_check(const struct service_cfg *c, const char *shell_cmd, const char *scenario_dir,
		  struct berr *err);

/* Is anything of this file in use (a load, a ready condition, go-runtime)? */
bool service_cfg_active(const struct service_cfg *c);

/* ---- run time -------------------------------------------------------------- */

struct service;
struct run_result;
struct series;
struct cg_system;

/* Where the service writes its events (the run's events.csv): t in ns. */
typedef void (*service_event_fn)(void *arg, int64_t t_ns, const char *name, long long value,
				 const char *detail);

struct service_opts {
	const struct service_cfg *cfg;
	bool shell;		  /* the scenario's `shell`: run the load with /bin/sh -c */
	const char *scenario_dir; /* where bare load names are found first; may be NULL */
	const char *run_dir;	  /* load-stdout.log, load-stderr.log, goroutines.txt */
	const char *cwd;	  /* the load's working directory (the run's work/) */
	char *const *env;	  /* the scenario's `env` (NAME=VALUE), the load's too; or NULL */
	struct cg_system *sys;	  /* cgroups for the load's own group (cgroup.h); or NULL */
	service_event_fn event;
	void *event_arg;
};

/* NULL with err on failure (the load command cannot be found, no memory). A
 * scenario without service keys still gets one (it does nothing). */
struct service *service_new(const struct service_opts *o, struct berr *err);
/* Kills and reaps the load if it still runs. Accepts NULL. */
void service_free(struct service *s);

/* The program's start (CLOCK_MONOTONIC ns), known only at its launch. */
void service_set_t0(struct service *s, int64_t t0);

/* NULL-terminated "NAME=VALUE" entries for the program's environment (GODEBUG
 * with gctrace=1 added to the GODEBUG of `env`, else to brink's); NULL when
 * none. Owned by s. */
char *const *service_env(struct service *s);

/* A timerfd that ticks while the service waits for something (readiness, a
 * grace); -1 when it has none. Poll it for POLLIN and call service_poll. */
int service_timer_fd(const struct service *s);

/* What the monitor must do to the program, from service_poll. */
enum service_do {
	SVC_NOTHING,
	SVC_SIGNAL, /* send *sig to the program (a stop); the grace starts */
	SVC_KILL,   /* the grace is over, or no stop signal applies: kill the run */
};

/* Advance the state machine at `now` (CLOCK_MONOTONIC ns): readiness checks,
 * the ready timeout, starting the load, the end of the grace. */
enum service_do service_poll(struct service *s, int64_t now, int *sig);

/* The program's stdout and stderr, as the monitor drains them (any chunking). */
void service_stdout(struct service *s, const char *buf, size_t n, int64_t now);
void service_stderr(struct service *s, const char *buf, size_t n, int64_t now);

/* A child other than the program changed state: true when it was the load
 * (then its end is recorded and the next service_poll asks for the stop). */
bool service_child(struct service *s, pid_t pid, int wstatus, int64_t now);

/* brink ends the program for another reason (timeout, interruption). Returns
 * SVC_SIGNAL with *sig (SIGQUIT with go-runtime = dump: the grace starts) or
 * SVC_KILL. Calling it while a stop is under way returns SVC_KILL. */
enum service_do service_stop(struct service *s, int64_t now, const char *why, int *sig);

/* The program is gone: kill the load if it runs, reap it. */
void service_program_ended(struct service *s, int64_t now);

/* The newest Go live heap (bytes) and GC count, -1 before the first GC line. */
int64_t service_go_heap(const struct service *s);
int64_t service_gc_count(const struct service *s);
bool service_gctrace(const struct service *s);

/* Did the run's load fail (load_status failed, signaled or exec-failed) or
 * never start (not-started: the program was never ready)? Then the program
 * was not driven as asked: brink exits 1, as for a failed expectation. A load
 * killed because the program ended first did not fail. */
bool service_load_failed(const struct run_result *r);

/* The scrape-failed events of a finished run (RUN_DIR/events.csv): their
 * number, and the reason of the first in `first` (metrics-url could not be
 * fetched or read). -1 when events.csv cannot be read. */
int64_t service_scrape_failures(const char *run_dir, char *first, size_t len);

/* Fill the service fields of r (outcome stopped / not-ready, load columns,
 * goroutines from stderr.log's dump, Go heap) and write goroutines.txt.
 * *win_from_s / *win_to_s: the load window for the leak verdict (seconds;
 * to < 0 = to the end). Call after the program's own outcome is set. */
void service_conclude(struct service *s, struct run_result *r, double warmup_s, double *win_from_s,
		      double *win_to_s);

#endif
