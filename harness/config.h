/* config.h - an INI run description, parsed strictly with inih.
 *
 * Layout:
 *   [brink]            name = ..., out = ...      (optional, once)
 *   [defaults]         any scenario key, inherited by every scenario
 *   [scenario NAME]    command = ..., plus any scenario key
 *   [compare]          thresholds for `brink compare` (optional, once): alpha,
 *                      threshold, threshold.METRIC, min-change.METRIC (gate.h)
 *   [search]           resource, range, resolution (optional, once): every
 *                      scenario is searched for its breaking limit (search.h)
 *   [machine]          ignored: the machine probe brink writes into run.ini, so
 *                      that a result's run.ini loads as a config
 *
 * A limit key may hold a sweep (a list or a range), and a scenario may set
 * {NAME} placeholders of its command: the scenario is then expanded into the
 * points of its matrix, each a scenario of cfg->scenarios (sweep.h).
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
#include "service.h"

#define SCENARIO_NAME_MAX 64
#define SCENARIO_KEYS_MAX 48 /* room for every scenario key (checked in config.c) */

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

#define SCENARIO_SWEEP_MAX 4  /* sweeps (axes) in one scenario */
#define SWEEP_KEY_MAX	   32 /* a swept key, NUL included */

/* Where a point of a sweep stands on one axis (sweep.h). */
struct sweep_coord {
	char key[SWEEP_KEY_MAX]; /* limit key or placeholder name */
	char label[24];		 /* the value as the point's name shows it ("064M") */
	char value[40];		 /* for summary.csv: a limit in its unit (bytes, count,
				    ns, milli-CPUs), "max", or the placeholder's word */
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
	char *cwd;  /* `cwd`: the program's working directory as written, owned;
		       NULL = a fresh <out>/<scenario>/<rep>/work/ per run */
	char **env; /* `env`: NAME=VALUE words set over brink's environment,
		       NULL-terminated, owned; NULL = none */
	/* Where each key's value came from, by key index (scenario_key_at):
	 * line 0 = not set in a file. For messages found after parsing. */
	struct {
		int line;
		bool in_defaults;
	} where[SCENARIO_KEYS_MAX];
	/* A point of a sweep (sweep.h): the swept scenario's name and where the
	   point stands; sweep_of is "" and n_sweep 0 for a plain scenario. */
	char sweep_of[SCENARIO_NAME_MAX];
	int n_sweep;
	struct sweep_coord sweep[SCENARIO_SWEEP_MAX];
	struct service_cfg svc; /* load, ready, stop-grace, go-runtime (service.h) */
};

/* One [compare] key = value, checked with gate_value_check and kept as
 * written; `brink compare` applies it from NEW/run.ini. */
struct compare_setting {
	char key[48];	/* GATE_KEY_MAX */
	char value[64]; /* longer values are refused */
	int line;
};

/* [search] (search.h): run every scenario as a search for its breaking limit. */
struct config_search {
	bool set;
	int lim;		     /* resource: a limit id */
	int64_t lo, hi;		     /* range = LO..HI */
	int64_t resolution, res_ppm; /* resolution = 1M or 1% */
	int line;		     /* of the section header */
};

struct config {
	char *path;		      /* as given */
	char name[SCENARIO_NAME_MAX]; /* [brink] name, else the file's base name */
	char *out;		      /* [brink] out, or NULL for the default */
	struct scenario defaults;
	struct scenario *scenarios;
	size_t n_scenarios;
	struct compare_setting *compare; /* in key order (gate.h), owned */
	size_t n_compare;
	struct config_search search;
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

/* Add one NAME=VALUE to sc->env (`brink exec --env`, repeatable). -1 with *why
 * for a word that is not NAME=VALUE or a NAME already set. */
int scenario_env_add(struct scenario *sc, const char *word, const char **why);

/* The place a scenario key's value came from, for messages about it found after
 * parsing (a command not found, an rlimit above the hard limit), in the format
 * of config errors: "FILE:LINE: [scenario NAME] KEY" (or [defaults]) when the
 * key came from cfg's file, "--KEY" for `brink exec`, and "FILE: [scenario
 * NAME] KEY" for a key left at its default. Writes into buf; returns buf. */
const char *scenario_key_origin(const struct config *cfg, const struct scenario *sc,
				const char *key, char *buf, size_t len);

/* 1 if `name` may be a scenario or config name: [A-Za-z0-9._=-]{1,63}, not "."
 * or "..", not starting with '-' (it becomes a directory name). '=' is for the
 * points of a sweep ("srv.memory=064M", sweep.h), which run.ini must load back;
 * messages do not offer it. */
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
