/* compare.h - the settings of `brink compare` that a config may carry in its
 * [compare] section (config.c checks them with these functions; compare.c
 * applies them from NEW/run.ini). The metric names live in compare.c's metric
 * table alone, so a new metric is a new key without a change in config.c.
 *
 * Keys: "alpha", "threshold", "threshold.METRIC" and "min-change.METRIC" for
 * each numeric METRIC, with the values the command-line options take.
 */
#ifndef BRINK_COMPARE_H
#define BRINK_COMPARE_H

#include <stddef.h>

/* Longest key name, NUL included. */
#define COMPARE_KEY_MAX 48

/* Index of the setting `key`, or -1 if there is none. */
int compare_key_find(const char *key);

/* The name of setting idx (a valid index) in buf, which is returned. */
const char *compare_key_name(int idx, char *buf, size_t len);

/* The keys for an "unknown key" message: "alpha, threshold, threshold.METRIC
 * or min-change.METRIC, METRIC one of ...". A static string. */
const char *compare_keys_expected(void);

/* Check `value` for setting idx as `brink compare` reads it. Returns 0, or -1
 * with *noun ("a percentage") and *why ("expected ..."), static strings. */
int compare_value_check(int idx, const char *value, const char **noun, const char **why);

#endif
