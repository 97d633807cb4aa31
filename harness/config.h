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
 *
 * What it fills, struct config and struct scenario, is plain data declared in
 * scenario.h, which the modules whose value parsers config.c calls (analyse,
 * search, service, sweep) include instead of this header.
 */
#ifndef BRINK_CONFIG_H
#define BRINK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <ini.h>

#include "scenario.h"

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

/* Longest line of a config, newline included; the effective config (run.ini)
 * obeys it too. A command is one line: 4 MiB holds any argv the kernel lets a
 * program have (ARG_MAX is a quarter of the stack limit, 2 MiB under the usual
 * 8 MiB), quoted. inih reads lines into one heap buffer of this size. */
#define CONFIG_LINE_MAX (4 << 20)

/* inih's ini_parse over a file brink wrote (run.ini), with the settings of
 * config_load: lines up to CONFIG_LINE_MAX, no inline comments, no
 * continuation lines (inih's defaults would cut a long command into pieces).
 * Returns what ini_parse returns: 0, the first bad line, -1 cannot open, -2
 * out of memory. */
int config_ini_parse(const char *path, ini_handler handler, void *user);

/* Parse `path`. Returns the number of errors written to `errs` (0 = usable
 * config). On errors cfg holds nothing that needs freeing beyond config_free. */
int config_load(const char *path, struct config *cfg, FILE *errs);

/* Write the effective configuration (every scenario with every key resolved)
 * as INI that config_load accepts. */
int config_write_effective(const struct config *cfg, FILE *out);

void config_free(struct config *cfg);

#endif
