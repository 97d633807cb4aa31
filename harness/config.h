/* config.h - an INI run description, parsed strictly with inih.
 *
 * Layout:
 *   [brink]            name = ..., out = ...      (optional, once)
 *   [defaults]         any scenario key, inherited by every scenario
 *   [scenario NAME]    command = ..., plus any scenario key
 *   [compare]          thresholds for `brink compare` (optional, once): alpha,
 *                      threshold, threshold.METRIC, min-change.METRIC (compare.h)
 *   [machine]          ignored: the machine probe brink writes into run.ini, so
 *                      that a result's run.ini loads as a config
 *
 * Every problem is reported as "FILE:LINE: [SECTION] KEY: reason" on the error
 * stream; all problems are reported, not just the first.
 */
#ifndef BRINK_CONFIG_H
#define BRINK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "limit.h"

#define SCENARIO_NAME_MAX 64

/* Expectations on the outcome of a scenario (issue: seed scenarios). */
struct expect {
	bool set;
	int leak;      /* -1 don't care, 0 no, 1 yes */
	int breaks;    /* -1 don't care, else the enum breaking_point the run must
			  end with (BP_NONE: "none", no limit reached) */
	char raw[128]; /* the text as written, for messages */
};

/* Leak-verdict thresholds (growth rates below these are "no leak"). */
struct leak_thresholds {
	int64_t warmup_ns;	/* samples before this are ignored */
	double rss_bytes_per_s; /* minimum RSS growth that counts */
	double fds_per_s;	/* minimum fd growth that counts */
	double threads_per_s;	/* minimum thread growth that counts */
};

struct scenario {
	char name[SCENARIO_NAME_MAX]; /* [A-Za-z0-9._-], not "." or ".." */
	int line;		      /* line of its section header (0 for exec) */
	char **argv;		      /* NULL-terminated, owned */
	char *command;		      /* `command` as written, owned; NULL when argv was
					 set directly (brink exec -- prog args) */
	bool shell;		      /* argv is {"/bin/sh", "-c", command} */
	struct limits lim;
	int64_t interval_ns;   /* sampling interval (default 10ms, >= 1ms) */
	int64_t timeout_ns;    /* 0 = none */
	int repetitions;       /* >= 1 */
	bool exit_stop;	       /* ptrace exit-stop for exact state at death */
	int64_t log_cap_bytes; /* cap on each of stdout.log / stderr.log */
	char user[64];	       /* `user`: NAME or UID, optionally :GROUP or :GID;
				  "" = brink's own. Resolved at run time
				  (launch_user_resolve), so a config is portable */
	struct expect expect;
	struct leak_thresholds leak;
};

/* One [compare] key = value, checked with compare_value_check and kept as
 * written; `brink compare` applies it from NEW/run.ini. */
struct compare_setting {
	char key[48];	/* COMPARE_KEY_MAX */
	char value[64]; /* longer values are refused */
	int line;
};

struct config {
	char *path;		      /* as given */
	char name[SCENARIO_NAME_MAX]; /* [brink] name, else the file's base name */
	char *out;		      /* [brink] out, or NULL for the default */
	struct scenario defaults;
	struct scenario *scenarios;
	size_t n_scenarios;
	struct compare_setting *compare; /* in key order (compare.h), owned */
	size_t n_compare;
};

/* Defaults for a scenario before any config applies. */
void scenario_init(struct scenario *sc);
/* Deep copy (argv duplicated). Returns -1 on allocation failure. */
int scenario_copy(struct scenario *dst, const struct scenario *src);
void scenario_free(struct scenario *sc);

/* Apply one key = value to sc. Returns 0, or -1 with *why (a static or
 * thread-local sentence saying what was expected, "expected a number with ...",
 * which does not repeat the value; "unknown key (expected ...)" for a key that
 * does not exist). sc is unchanged on error. Shared by the INI parser and
 * `brink exec` options, so both accept exactly the same settings. Setting
 * `command` or `shell` rebuilds argv from command: split with command_split,
 * or {"/bin/sh", "-c", command} when shell is on. */
int scenario_set(struct scenario *sc, const char *key, const char *value, const char **why);

/* The settable scenario keys, for --help and `brink exec --KEY`: `command`
 * and `shell` first, then the limits in limit_table order, then the rest.
 * scenario_key_at(i) for i < scenario_key_count(); {NULL} past the end. */
struct scenario_key {
	const char *key;     /* config key and `brink exec --KEY` */
	const char *metavar; /* SIZE, DURATION, N, BOOL, ... */
	const char *help;    /* one line, with the default */
};
size_t scenario_key_count(void);
struct scenario_key scenario_key_at(size_t i);

/* 1 if `name` may be a scenario or config name: [A-Za-z0-9._-]{1,63}, not "."
 * or "..", not starting with '-' (it becomes a directory name). */
int config_name_valid(const char *name);

/* Split a command line into argv: whitespace separates words; '...' and "..."
 * quote; backslash escapes the next character; no expansion of any kind.
 * Returns a NULL-terminated, malloc'd vector, or NULL with *why. */
char **command_split(const char *s, const char **why);

/* Parse `path`. Returns the number of errors written to `errs` (0 = usable
 * config). On errors cfg holds nothing that needs freeing beyond config_free. */
int config_load(const char *path, struct config *cfg, FILE *errs);

/* Write the effective configuration (every scenario with every key resolved)
 * as INI that config_load accepts. */
int config_write_effective(const struct config *cfg, FILE *out);

void config_free(struct config *cfg);

#endif
