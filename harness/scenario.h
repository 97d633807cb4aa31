/* scenario.h - the plain data of a run description: struct scenario, what one
 * run is asked to do, and struct config, the scenarios of a config with its
 * [compare] and [search] sections.
 *
 * config.h fills these from an INI file or `brink exec` options; the modules
 * that plan, run and judge runs (sweep, search, monitor, service, analyse,
 * progress) only read them. This header includes nothing of brink's but
 * limit.h, so that every one of those modules can use it while config.c calls
 * their value parsers (expect_parse, service_parse_ready, sweep and search
 * specs) without an include loop (scripts/check-includes.py).
 */
#ifndef BRINK_SCENARIO_H
#define BRINK_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limit.h"

/* ---- service keys (service.h runs them) ---------------------------------- */

enum ready_kind { READY_NONE, READY_TCP, READY_DELAY, READY_STDOUT };

enum go_runtime_bits {
	GO_GCTRACE = 1 << 0, /* GODEBUG=gctrace=1, per-GC lines parsed from stderr */
	GO_DUMP = 1 << 1,    /* SIGQUIT before SIGKILL, goroutine dump parsed */
};

#define SERVICE_CMD_MAX 1024

struct service_cfg {
	char load[SERVICE_CMD_MAX]; /* `load` command as written; "" = none */
	enum ready_kind ready_kind;
	char ready[512];	     /* `ready` as written ("" = none) */
	int64_t ready_delay_ns;	     /* READY_DELAY */
	int64_t ready_timeout_ns;    /* default 30s */
	int64_t stop_grace_ns;	     /* default 5s */
	int64_t duration_ns;	     /* `duration`: stop the program after this long; 0 = no */
	unsigned go_runtime;	     /* enum go_runtime_bits */
	char metrics_url[512];	     /* `metrics-url` (scrape.h); "" = none */
	int64_t metrics_interval_ns; /* default 1s */
	char metrics[8][64];	     /* `metrics`: names scraped (SCRAPE_NAMES_MAX) */
	int n_metrics;
};

/* Defaults of the service keys: no load, ready-timeout 30s, stop-grace 5s,
 * metrics-interval 1s, the default metric names (scrape.h). */
void service_cfg_init(struct service_cfg *c);

/* ---- scenarios and configs ------------------------------------------------ */

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

/* A NULL-terminated vector of malloc'd strings (argv, env): argv_free accepts
 * NULL; argv_dup returns a deep copy, or NULL when out of memory. */
void argv_free(char **v);
char **argv_dup(char *const *v);

/* Split a command line into argv: whitespace separates words; '...' and "..."
 * quote; backslash escapes the next character; $'...' quotes with the escapes
 * of bash's ANSI-C quoting (\n \t \xHH ..., the only way to give a control
 * character such as a newline); no expansion of any kind.
 * Returns a NULL-terminated, malloc'd vector, or NULL with *why. */
char **command_split(const char *s, const char **why);

#endif
