/* config.c - INI run descriptions (see config.h).
 *
 * inih does the tokenising; everything it does not tell us we learn from our
 * own line reader, which inih calls exactly once per physical line (multi-line
 * continuation is switched off and overlong lines are refused before inih sees
 * them, so this holds). The reader therefore knows the line number of every key
 * (inih's handler gets none), sees every section header in full (inih keeps only
 * the first 49 characters), and sees the lines inih would reject, of which inih
 * itself reports only the first.
 *
 * Choices, all deliberate:
 * - Comments are whole lines starting with ';' or '#'. Inline comments are off,
 *   so a shell command may contain " ; " and "memory = 64M ; x" is an error
 *   instead of a silently dropped remark.
 * - [defaults] applies to every scenario wherever it appears in the file:
 *   keys are recorded per section with their line, validated when they are
 *   replayed (defaults first, then the scenario's own keys, through
 *   scenario_set) once the whole file has been read.
 * - Errors are collected and written sorted by line, so the output reads in
 *   file order whatever pass found them.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "analyse.h"
#include "gate.h"
#include "searchspec.h"
#include "service.h"
#include "sweep.h"
#include "scrape.h"
#include "units.h"

/* ---- names -------------------------------------------------------------- */

static const char name_expected[] =
    "expected 1 to 63 of A-Z a-z 0-9 . _ -, not starting with '-', not . or ..";

int config_name_valid(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n >= SCENARIO_NAME_MAX || name[0] == '-')
		return 0;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	/* ASCII only, whatever the locale: the name becomes a directory name.
	 * '=' for the points of a sweep: "srv.memory=064M". */
	static const char allowed[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				      "0123456789._-=";
	return strspn(name, allowed) == n;
}

/* ---- quoting for messages ------------------------------------------------ */

/* Copy s into buf for a message: control characters (and, when quoted, '"'
 * and '\') escaped, long values cut with "...". */
static char *show(const char *s, bool quoted, char *buf, size_t len)
{
	size_t o = 0, shown = 0;
	if (quoted && o + 1 < len)
		buf[o++] = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p; p++, shown++) {
		char tmp[8];
		if (shown == 100) {
			snprintf(tmp, sizeof(tmp), "...");
		} else if (*p < 0x20 || *p == 0x7f) {
			snprintf(tmp, sizeof(tmp), "\\x%02x", *p);
		} else if (quoted && (*p == '"' || *p == '\\')) {
			snprintf(tmp, sizeof(tmp), "\\%c", *p);
		} else {
			tmp[0] = (char)*p;
			tmp[1] = '\0';
		}
		size_t t = strlen(tmp);
		if (o + t + 2 > len)
			break;
		memcpy(buf + o, tmp, t);
		o += t;
		if (shown == 100)
			break;
	}
	if (quoted && o + 1 < len)
		buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

/* ---- command lines ------------------------------------------------------- */

/* Append s to buf (len bytes) at *o, which counts on past len so that the
 * caller can tell the text did not fit (*o >= len). */
static void put(char *buf, size_t len, size_t *o, const char *s)
{
	size_t n = strlen(s);
	if (*o + n < len)
		memcpy(buf + *o, s, n + 1);
	*o += n;
}

/* A word command_split gives back unchanged: written bare; else in double
 * quotes with '"' and '\\' escaped; or, when it holds a control character (a
 * newline), as $'...' with that character escaped. -1 if buf is too small. */
static int word_join(const char *word, char *buf, size_t len, size_t *o)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789_@%+=:,./-";
	static const char ctl_from[] = "\n\t\r", ctl_to[] = "ntr";
	bool bare = word[0] && strspn(word, safe) == strlen(word);
	bool ansi = false;
	for (const char *p = word; *p; p++)
		ansi |= (unsigned char)*p < 0x20 || *p == 0x7f;
	put(buf, len, o, ansi ? "$'" : bare ? "" : "\"");
	for (const char *p = word; *p; p++) {
		char tmp[8];
		const char *c = strchr(ctl_from, *p);
		if (ansi && c)
			snprintf(tmp, sizeof(tmp), "\\%c", ctl_to[c - ctl_from]);
		else if (ansi && ((unsigned char)*p < 0x20 || *p == 0x7f))
			snprintf(tmp, sizeof(tmp), "\\x%02x", (unsigned char)*p);
		else if (*p == '\\' || *p == (ansi ? '\'' : '"'))
			snprintf(tmp, sizeof(tmp), "\\%c", *p);
		else
			snprintf(tmp, sizeof(tmp), "%c", *p);
		put(buf, len, o, tmp);
	}
	put(buf, len, o, ansi ? "'" : bare ? "" : "\"");
	return *o < len ? 0 : -1;
}

/* words (NULL-terminated) as one line that command_split splits back into
 * them, in buf; as a writer: 0 for no words, -1 if they do not fit. */
static int words_write(char *const *words, char *buf, size_t len)
{
	if (!words)
		return 0;
	size_t o = 0;
	buf[0] = '\0';
	for (char *const *p = words; *p; p++) {
		if (p != words)
			put(buf, len, &o, " ");
		if (word_join(*p, buf, len, &o) != 0)
			return -1;
	}
	return 1;
}

/* ---- the scenario keys ---------------------------------------------------- */

/* Every key is one row of key_defs: its value kind says which parser reads it
 * (units.h: sizes, durations, counts, booleans, fixed decimals) and which
 * writer writes it back for the effective config (the exact forms of units.h,
 * which the same parser reads back to the same value), where in struct
 * scenario the value lives, and the accepted range. Keys whose value is more
 * than one of those (command, env, expect, ...) have a row of kind V_OWN with
 * their own setter and writer. */
enum vkind {
	V_OWN,	     /* the row's set and write */
	V_LIMIT,     /* a row of limit_table (limits_parse); the row stands for all */
	V_BOOL,	     /* bool: yes/no, true/false, on/off, 1/0; written yes or no */
	V_COUNT,     /* int: a whole number from min to max */
	V_SIZE,	     /* int64_t bytes, or BRINK_UNLIMITED for max: "64M" */
	V_DURATION,  /* int64_t ns: "10ms" */
	V_SIZE_RATE, /* double bytes per second: a size, "/s" may follow: "256K" */
	V_RATE,	     /* double per second: a decimal of at most 9 places, "/s" may follow */
	V_TEXT,	     /* char[cap]: the row's check, as written; "" is not written */
};

/* V_DURATION: "none" reads as 0 */
#define KF_NONE 1u
/* V_DURATION: 0 is written as "none" (else as "0") */
#define KF_ZERO_NONE 2u
/* V_DURATION: 0 is not written (none, the default) */
#define KF_ZERO_OMIT 4u
/* `expected` replaces the parser's own sentence too, not only for a value out
 * of min..max */
#define KF_OWN_WHY 8u

/* A V_OWN setter returns 0; -1 with *why "expected ..." (scenario_set then says
 * `"VALUE" is not NOUN (WHY)`); or -2 with *why already a complete reason. */
typedef int (*setter)(struct scenario *sc, const char *v, const char **why);
/* A writer puts the value for the effective config in buf: 1 written, 0 omit
 * (not set), -1 cannot be written. */
typedef int (*writer)(const struct scenario *sc, char *buf, size_t len);

struct key_def {
	const char *key; /* NULL for V_LIMIT: every row of limit_table */
	const char *metavar;
	const char *noun;
	enum vkind kind;
	size_t at;	  /* offset of the value in struct scenario (AT, AT_TEXT) */
	size_t cap;	  /* V_TEXT: size of the array, NUL included */
	int64_t min, max; /* V_COUNT, V_SIZE*, V_DURATION: accepted range when max > 0 */
	unsigned flags;	  /* KF_* */
	/* Why a value is refused when out of min..max, a V_TEXT fails its check or
	 * is too long, or (KF_OWN_WHY) does not parse; NULL: the parser's own. */
	const char *expected;
	int (*check)(const char *v, const char **why); /* V_TEXT; NULL: any */
	setter set;   /* V_OWN; in another kind, replaces its parser (shell, ready) */
	writer write; /* V_OWN */
	const char *help;
};

/* Offset of member f of struct scenario, which must be of type T (a compile
 * error otherwise, so a row cannot read an int as an int64_t). */
#define AT(T, f) .at = _Generic(((struct scenario *)0)->f, T : offsetof(struct scenario, f))
#define AT_TEXT(f) \
	.at = _Generic(((struct scenario *)0)->f, char *: offsetof(struct scenario, f)), \
	.cap = sizeof(((struct scenario *)0)->f)

static __thread char reason_buf[1024];

static int build_argv(struct scenario *sc, const char *command, bool shell, const char **why)
{
	char **argv;
	if (shell) {
		const char *sh[] = {"/bin/sh", "-c", command, NULL};
		argv = argv_dup((char *const *)sh);
		if (!argv)
			*why = "out of memory";
	} else {
		argv = command_split(command, why);
	}
	if (!argv)
		return -1;
	argv_free(sc->argv);
	sc->argv = argv;
	return 0;
}

static int set_command(struct scenario *sc, const char *v, const char **why)
{
	for (const char *p = v; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			*why = "expected one line without control characters (an argument "
			       "with a newline is written $'a\\nb'; with shell = yes, "
			       "commands are separated by ';')";
			return -1;
		}
	}
	char *copy = strdup(v);
	if (!copy) {
		*why = "out of memory";
		return -1;
	}
	if (build_argv(sc, copy, sc->shell, why) != 0) {
		free(copy);
		return -1;
	}
	free(sc->command);
	sc->command = copy;
	return 0;
}

static int write_command(const struct scenario *sc, char *buf, size_t len)
{
	if (sc->command) {
		if (strlen(sc->command) >= len)
			return -1;
		strcpy(buf, sc->command);
		return 1;
	}
	return words_write(sc->argv, buf, len);
}

static int set_shell(struct scenario *sc, const char *v, const char **why)
{
	int b;
	if (units_parse_bool(v, &b, why) != 0)
		return -1;
	if (sc->command && build_argv(sc, sc->command, b, why) != 0) {
		char cmd[160];
		snprintf(reason_buf, sizeof(reason_buf),
			 "cannot run the command %s without a shell (%s)",
			 show(sc->command, true, cmd, sizeof(cmd)), *why);
		*why = reason_buf;
		return -2;
	}
	sc->shell = b;
	return 0;
}

static const char *const limit_nouns[] = {
    [LK_SIZE] = "a size",
    [LK_COUNT] = "a count",
    [LK_DURATION] = "a duration",
    [LK_CPUS] = "a number of CPUs",
};
static const char *const limit_metavars[] = {
    [LK_SIZE] = "SIZE",
    [LK_COUNT] = "N",
    [LK_DURATION] = "DURATION",
    [LK_CPUS] = "CPUS",
};

/* A user name (POSIX portable characters) or a number; the same for the
 * optional group after ':'. Checked for form only: whether the user exists is
 * decided on the machine that runs the config (launch_user_resolve). */
static bool user_word_valid(const char *s, size_t n)
{
	if (n == 0 || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static int check_user(const char *v, const char **why)
{
	(void)why; /* the row's sentence */
	const char *colon = strchr(v, ':');
	size_t n = colon ? (size_t)(colon - v) : strlen(v);
	return user_word_valid(v, n) && (!colon || user_word_valid(colon + 1, strlen(colon + 1)))
		   ? 0
		   : -1;
}

static int set_expect(struct scenario *sc, const char *v, const char **why)
{
	struct expect e;
	if (strlen(v) >= sizeof(e.raw)) {
		*why = "expected at most 127 characters";
		return -1;
	}
	if (expect_parse(v, &e, why) != 0)
		return -1;
	snprintf(e.raw, sizeof(e.raw), "%s", v); /* as written, for messages and run.ini */
	sc->expect = e;
	return 0;
}

static int write_expect(const struct scenario *sc, char *buf, size_t len)
{
	if (!sc->expect.set)
		return 0;
	snprintf(buf, len, "%s", sc->expect.raw);
	return 1;
}

/* The text before an optional "/s" (rates may be written "256K/s"), in buf. */
static const char *strip_per_second(const char *v, char *buf, size_t len)
{
	size_t n = strlen(v);
	if (n >= 2 && strcmp(v + n - 2, "/s") == 0 && n - 2 < len) {
		memcpy(buf, v, n - 2);
		buf[n - 2] = '\0';
		return buf;
	}
	return v;
}

/* DIGITS [ "." DIGITS ] [ "/s" ], at most 1000000 and 9 decimals: small
 * enough that "%.9f" prints back the digits that were read. */
static int parse_rate(const char *v, double *out, const char **why)
{
	static const char expected[] =
	    "expected a decimal number per second such as 0.5 or 2/s (at most 9 decimals)";
	char tmp[64];
	const char *p = strip_per_second(v, tmp, sizeof(tmp));
	int64_t nano;
	if (units_parse_fixed(p, 9, &nano) != 0)
		goto bad;
	*out = (double)nano / 1e9;
	return 0;
bad:
	*why = expected;
	return -1;
}

static int set_cwd(struct scenario *sc, const char *v, const char **why)
{
	for (const char *c = v; *c || c == v; c++) {
		if (!*c || (unsigned char)*c < 0x20 || *c == 0x7f) {
			*why = "expected a directory path without control characters";
			return -1;
		}
	}
	char *copy = strdup(v);
	if (!copy) {
		*why = "out of memory";
		return -1;
	}
	free(sc->cwd);
	sc->cwd = copy;
	return 0;
}

static int write_cwd(const struct scenario *sc, char *buf, size_t len)
{
	if (!sc->cwd)
		return 0; /* a fresh work/ directory per run */
	if (strlen(sc->cwd) >= len)
		return -1;
	strcpy(buf, sc->cwd);
	return 1;
}

/* NAME=VALUE with NAME a portable variable name; -1 if not. */
static int env_word_check(const char *w, const char **why)
{
	size_t n = strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
	if (n == 0 || w[n] != '=' || (w[0] >= '0' && w[0] <= '9')) {
		*why = "expected NAME=VALUE words (NAME of letters, digits and _), such as "
		       "GODEBUG=gctrace=1";
		return -1;
	}
	return 0;
}

static bool env_has(char *const *env, const char *w)
{
	size_t n = strcspn(w, "=");
	for (; env && *env; env++)
		if (strncmp(*env, w, n + 1) == 0)
			return true;
	return false;
}

int scenario_env_add(struct scenario *sc, const char *word, const char **why)
{
	if (env_word_check(word, why) != 0)
		return -1;
	if (env_has(sc->env, word)) {
		snprintf(reason_buf, sizeof(reason_buf), "%.*s is set twice",
			 (int)strcspn(word, "="), word);
		*why = reason_buf;
		return -1;
	}
	size_t n = 0;
	while (sc->env && sc->env[n])
		n++;
	char **nv = realloc(sc->env, (n + 2) * sizeof(*nv));
	if (!nv) {
		*why = "out of memory";
		return -1;
	}
	sc->env = nv;
	if (!(nv[n] = strdup(word))) {
		nv[n] = NULL;
		*why = "out of memory";
		return -1;
	}
	nv[n + 1] = NULL;
	return 0;
}

static int set_env(struct scenario *sc, const char *v, const char **why)
{
	struct scenario tmp = {0};
	if (v[strspn(v, " \t")] == '\0') { /* "env =": none */
		argv_free(sc->env);
		sc->env = NULL;
		return 0;
	}
	char **words = command_split(v, why);
	if (!words)
		return -1;
	int rc = 0;
	for (char **w = words; *w && rc == 0; w++)
		rc = scenario_env_add(&tmp, *w, why);
	argv_free(words);
	if (rc != 0) {
		argv_free(tmp.env);
		/* "A is set twice" is a complete reason; the rest say what was expected */
		return strncmp(*why, "expected", 8) == 0 ? -1 : -2;
	}
	/* Added to what the scenario has so far (in a scenario: [defaults]' env,
	 * applied first), in that order; a NAME given here replaces its value. */
	struct scenario merged = {0};
	for (char **e = sc->env; e && *e && rc == 0; e++) {
		const char *w = *e;
		for (char **t = tmp.env; *t; t++)
			if (env_has((char *[]){*t, NULL}, *e))
				w = *t;
		rc = scenario_env_add(&merged, w, why);
	}
	for (char **t = tmp.env; *t && rc == 0; t++)
		if (!env_has(merged.env, *t))
			rc = scenario_env_add(&merged, *t, why);
	argv_free(tmp.env);
	if (rc != 0) {
		argv_free(merged.env);
		return -1;
	}
	argv_free(sc->env);
	sc->env = merged.env;
	return 0;
}

static int write_env(const struct scenario *sc, char *buf, size_t len)
{
	return words_write(sc->env, buf, len);
}

/* ---- a service under load (service.h) ---- */

/* A command that command_split splits, or "" for none. */
static int check_load(const char *v, const char **why)
{
	if (!*v)
		return 0;
	char **argv = command_split(v, why);
	if (!argv)
		return -1;
	argv_free(argv);
	return 0;
}

static int set_ready(struct scenario *sc, const char *v, const char **why)
{
	return service_parse_ready(&sc->svc, v, why);
}

/* "" or http(s)://... without blanks, quotes or backslashes. */
static int check_url(const char *v, const char **why)
{
	(void)why; /* the row's sentence */
	if ((*v && strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0) ||
	    strpbrk(v, " \t\"\\"))
		return -1;
	return 0;
}

static int set_metrics(struct scenario *sc, const char *v, const char **why)
{
	char names[SCRAPE_NAMES_MAX][64];
	int n;
	if (scrape_parse_names(v, names, &n, why) != 0)
		return -1;
	memcpy(sc->svc.metrics, names, sizeof(names));
	sc->svc.n_metrics = n;
	return 0;
}

static int write_metrics(const struct scenario *sc, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int i = 0; i < sc->svc.n_metrics && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "," : "", sc->svc.metrics[i]);
	return 1;
}

static int set_go_runtime(struct scenario *sc, const char *v, const char **why)
{
	return service_parse_go_runtime(&sc->svc, v, why);
}

static int write_go_runtime(const struct scenario *sc, char *buf, size_t len)
{
	snprintf(buf, len, "%s", service_go_runtime_name(sc->svc.go_runtime));
	return 1;
}

/* ---- the value kinds: one parser and one writer each ---- */

/* The value of row d in sc, as type T. */
#define VALUE(T, sc, d)	 ((T *)((char *)(sc) + (d)->at))
#define CVALUE(T, sc, d) ((const T *)((const char *)(sc) + (d)->at))

/* Read v for row d (lim: the limit of a V_LIMIT row) into sc; as a setter. */
static int set_value(const struct key_def *d, int lim, struct scenario *sc, const char *v,
		     const char **why)
{
	int64_t n = 0;
	int b, rc = 0;
	double rate;
	char tmp[64];
	if (d->set)
		return d->set(sc, v, why);
	switch (d->kind) {
	case V_OWN:
		return -1; /* a V_OWN row has its set */
	case V_LIMIT:
		return limits_parse(&sc->lim, lim, v, why);
	case V_BOOL:
		if (units_parse_bool(v, &b, why) != 0)
			return -1;
		*VALUE(bool, sc, d) = b;
		return 0;
	case V_COUNT:
		rc = units_parse_count(v, &n, why);
		break;
	case V_SIZE:
		rc = units_parse_size(v, &n, why);
		break;
	case V_SIZE_RATE:
		rc = units_parse_size(strip_per_second(v, tmp, sizeof(tmp)), &n, why);
		break;
	case V_DURATION:
		rc = (d->flags & KF_NONE) && strcmp(v, "none") == 0
			 ? 0
			 : units_parse_duration(v, &n, why);
		break;
	case V_RATE:
		if (parse_rate(v, &rate, why) != 0)
			return -1;
		*VALUE(double, sc, d) = rate;
		return 0;
	case V_TEXT:
		if (strlen(v) >= d->cap) {
			static __thread char too_long[48];
			snprintf(too_long, sizeof(too_long), "expected at most %zu characters",
				 d->cap - 1);
			*why = too_long;
			goto refuse;
		}
		if (d->check && d->check(v, why) != 0)
			goto refuse;
		memcpy(VALUE(char, sc, d), v, strlen(v) + 1);
		return 0;
	}
	if (rc != 0) {
		if (d->flags & KF_OWN_WHY)
			goto refuse;
		return -1;
	}
	if (d->max > 0 && (n < d->min || n > d->max))
		goto refuse;
	switch (d->kind) {
	case V_COUNT:
		*VALUE(int, sc, d) = (int)n;
		break;
	case V_SIZE_RATE:
		*VALUE(double, sc, d) = (double)n;
		break;
	default:
		*VALUE(int64_t, sc, d) = n;
	}
	return 0;
refuse:
	if (d->expected)
		*why = d->expected;
	return -1;
}

/* A limit in the exact form of its kind (CPUs in milli-CPUs: "0.25"). */
static int write_limit(const struct scenario *sc, int lim, char *buf, size_t len)
{
	int64_t v = sc->lim.v[lim];
	if (v == BRINK_UNSET)
		return 0;
	if (v == BRINK_UNLIMITED)
		snprintf(buf, len, "max");
	else if (limit_table[lim].kind == LK_SIZE)
		units_format_size_exact(v, buf, len);
	else if (limit_table[lim].kind == LK_DURATION)
		units_format_duration_exact(v, buf, len);
	else if (limit_table[lim].kind == LK_CPUS)
		units_format_decimal((double)v / 1000.0, 3, buf, len);
	else
		snprintf(buf, len, "%lld", (long long)v);
	return 1;
}

/* Write the value of row d; as a writer. */
static int write_value(const struct key_def *d, int lim, const struct scenario *sc, char *buf,
		       size_t len)
{
	if (d->write)
		return d->write(sc, buf, len);
	switch (d->kind) {
	case V_OWN:
		return -1; /* a V_OWN row has its write */
	case V_LIMIT:
		return write_limit(sc, lim, buf, len);
	case V_BOOL:
		snprintf(buf, len, "%s", *CVALUE(bool, sc, d) ? "yes" : "no");
		return 1;
	case V_COUNT:
		snprintf(buf, len, "%d", *CVALUE(int, sc, d));
		return 1;
	case V_SIZE:
		units_format_size_exact(*CVALUE(int64_t, sc, d), buf, len);
		return 1;
	case V_SIZE_RATE:
		units_format_size_exact((int64_t)*CVALUE(double, sc, d), buf, len);
		return 1;
	case V_DURATION: {
		int64_t ns = *CVALUE(int64_t, sc, d);
		if (ns == 0 && (d->flags & KF_ZERO_OMIT))
			return 0;
		if (ns == 0 && (d->flags & KF_ZERO_NONE))
			snprintf(buf, len, "none");
		else
			units_format_duration_exact(ns, buf, len);
		return 1;
	}
	case V_RATE:
		units_format_decimal(*CVALUE(double, sc, d), 9, buf, len);
		return 1;
	case V_TEXT: {
		const char *t = CVALUE(char, sc, d);
		if (!*t)
			return 0;
		if (strlen(t) >= len)
			return -1;
		strcpy(buf, t);
		return 1;
	}
	}
	return -1;
}

#define MS   1000000LL
#define HOUR (3600LL * 1000000000LL)

static const struct key_def key_defs[] = {
    {"command", "COMMAND", "a command", V_OWN, .set = set_command, .write = write_command,
     .help = "program and arguments; '...' and \"...\" quote, \\ escapes, $'a\\nb' "
	     "holds a newline, no expansion"},
    {"shell", "BOOL", "a boolean", V_BOOL, AT(bool, shell), .set = set_shell,
     .help = "run the command with /bin/sh -c (default no)"},
    {.key = NULL, .kind = V_LIMIT}, /* every row of limit_table */
    {"interval", "DURATION", "a sampling interval", V_DURATION, AT(int64_t, interval_ns), .min = MS,
     .max = HOUR, .expected = "expected a duration from 1ms to 1h, such as 10ms",
     .help = "sampling interval, 1ms to 1h (default 10ms)"},
    {"timeout", "DURATION", "a timeout", V_DURATION, AT(int64_t, timeout_ns),
     .flags = KF_NONE | KF_ZERO_NONE | KF_OWN_WHY,
     .expected = "expected a duration such as 30s or 2m, or none (0 also means none)",
     .help = "kill the run after this long; none or 0 = no timeout (default none)"},
    {"repetitions", "N", "a repetition count", V_COUNT, AT(int, repetitions), .min = 1,
     .max = 100000, .flags = KF_OWN_WHY, .expected = "expected a whole number from 1 to 100000",
     .help = "runs of the scenario, 1 to 100000 (default 1)"},
    {"exit-stop", "BOOL", "a boolean", V_BOOL, AT(bool, exit_stop),
     .help = "trace the program (ptrace) to read its exact fds and RSS at exec and exit "
	     "(default yes); no for LeakSanitizer, gdb, strace: a traced program cannot "
	     "trace itself or be traced (the exit state is then the last sample's)"},
    {"log-cap", "SIZE", "a size", V_SIZE, AT(int64_t, log_cap_bytes),
     .help = "cap on each of stdout.log and stderr.log, or max (default 64M)"},
    {"user", "USER[:GROUP]", "a user", V_TEXT, AT_TEXT(user), .check = check_user,
     .expected = "expected a user name or uid, optionally :GROUP or :GID, such as nobody "
		 "or 65534:65534",
     .help = "run the program as this user, no extra groups, no capabilities, "
	     "no_new_privs (a setuid program gains nothing) (default brink's own)"},
    {"expect", "EXPECT", "an expectation", V_OWN, .set = set_expect, .write = write_expect,
     .help = "expected verdict: leak or no-leak, optionally breaks=LIMIT (default none)"},
    {"leak-warmup", "DURATION", "a duration", V_DURATION, AT(int64_t, leak.warmup_ns),
     .help = "samples before this are left out of the leak verdict; fewer than 8 after it: "
	     "no verdict (default 500ms)"},
    {"leak-rss-slope", "SIZE/s", "an RSS growth rate", V_SIZE_RATE,
     AT(double, leak.rss_bytes_per_s), .min = 0, .max = INT64_MAX, .flags = KF_OWN_WHY,
     .expected = "expected bytes per second as a size, such as 256K or 1M/s",
     .help = "anonymous RSS growth per second that counts as a leak; the cgroup's memory "
	     "counts at 4x (default 256K)"},
    {"leak-fd-slope", "RATE", "an fd growth rate", V_RATE, AT(double, leak.fds_per_s),
     .help = "open fds gained per second that count as a leak (default 0.5)"},
    {"leak-thread-slope", "RATE", "a thread growth rate", V_RATE, AT(double, leak.threads_per_s),
     .help = "threads gained per second that count as a leak (default 0.5)"},
    {"cwd", "DIR", "a directory", V_OWN, .set = set_cwd, .write = write_cwd,
     .help = "working directory, relative to brink's (default: a fresh work/ per run)"},
    {"env", "NAME=VALUE...", "an environment", V_OWN, .set = set_env, .write = write_env,
     .help = "set over brink's environment, for the program and its load; a scenario's env "
	     "adds to [defaults]' (its NAME replacing the default's; an empty env drops "
	     "them); exec: --env NAME=VALUE, repeatable"},
    /* a service under load (service.h) */
    {"load", "COMMAND", "a command", V_TEXT, AT_TEXT(svc.load), .check = check_load,
     .help = "load generator started outside the measured group once the program is ready; "
	     "when it exits the program is stopped and what it left running is killed "
	     "(default none)"},
    {"ready", "READY", "a readiness condition", V_TEXT, AT_TEXT(svc.ready), .set = set_ready,
     .help = "when the program is ready: tcp:HOST:PORT accepts, delay:DURATION, or "
	     "stdout:REGEX matches a line (default: at start)"},
    {"ready-timeout", "DURATION", "a duration", V_DURATION, AT(int64_t, svc.ready_timeout_ns),
     .min = 1, .max = INT64_MAX, .flags = KF_OWN_WHY,
     .expected = "expected a duration above 0, such as 10s",
     .help = "not ready after this long: outcome not-ready (default 30s)"},
    {"stop-grace", "DURATION", "a duration", V_DURATION, AT(int64_t, svc.stop_grace_ns),
     .help = "time between the stop signal (SIGTERM, SIGQUIT with dump) and SIGKILL "
	     "(default 5s)"},
    {"duration", "DURATION", "a duration", V_DURATION, AT(int64_t, svc.duration_ns),
     .flags = KF_NONE | KF_ZERO_OMIT | KF_OWN_WHY,
     .expected = "expected a duration such as 2s, or none (0 also means none)",
     .help = "stop the program after this long, as after a load: outcome stopped, not a "
	     "breaking point (default none)"},
    {"go-runtime", "WHAT", "a Go runtime view", V_OWN, .set = set_go_runtime,
     .write = write_go_runtime,
     .help = "gctrace (GODEBUG=gctrace=1, live heap series), dump (SIGQUIT goroutine dump), "
	     "gctrace,dump or none (default none)"},
    {"metrics-url", "URL", "a URL", V_TEXT, AT_TEXT(svc.metrics_url), .check = check_url,
     .expected = "expected an http:// or https:// URL of at most 511 characters without "
		 "blanks, such as http://127.0.0.1:8080/metrics",
     .help = "Prometheus text or pprof goroutine profile to fetch while the program is ready, "
	     "into metrics.csv (default none)"},
    {"metrics-interval", "DURATION", "a duration", V_DURATION, AT(int64_t, svc.metrics_interval_ns),
     .min = 10 * MS, .max = INT64_MAX, .flags = KF_OWN_WHY,
     .expected = "expected a duration of at least 10ms, such as 1s",
     .help = "time between two metrics-url fetches, >= 10ms (default 1s)"},
    {"metrics", "NAMES", "a list of metric names", V_OWN, .set = set_metrics,
     .write = write_metrics,
     .help = "metrics kept from metrics-url, up to 8, comma-separated; pprof_goroutines for "
	     "a pprof goroutine profile (default " SCRAPE_DEFAULT_NAMES ")"},
};

#define N_KEY_DEFS (sizeof(key_defs) / sizeof(key_defs[0]))
_Static_assert(N_KEY_DEFS - 1 + LIM__COUNT <= SCENARIO_KEYS_MAX,
	       "scenario.where has a slot per key");

/* Key number i in the public order: the row and, for a limit, its id. */
static const struct key_def *key_ref(size_t i, int *lim)
{
	*lim = -1;
	for (size_t r = 0; r < N_KEY_DEFS; r++) {
		if (!key_defs[r].key) {
			if (i < LIM__COUNT) {
				*lim = (int)i;
				return &key_defs[r];
			}
			i -= LIM__COUNT;
		} else {
			if (i == 0) {
				*lim = -1;
				return &key_defs[r];
			}
			i--;
		}
	}
	return NULL;
}

size_t scenario_key_count(void)
{
	return N_KEY_DEFS - 1 + LIM__COUNT;
}

struct scenario_key scenario_key_at(size_t i)
{
	struct scenario_key k = {NULL, NULL, NULL};
	int lim;
	const struct key_def *d = key_ref(i, &lim);
	if (!d)
		return k;
	if (lim >= 0) {
		k.key = limit_table[lim].key;
		k.metavar = limit_metavars[limit_table[lim].kind];
		k.help = limit_table[lim].help;
	} else {
		k.key = d->key;
		k.metavar = d->metavar;
		k.help = d->help;
	}
	return k;
}

/* Index of the scenario key `key`, or -1. Limit keys come from limit_table
 * through limits_find, so a new limit is a new key without a change here. */
static int key_find(const char *key)
{
	int lim = limits_find(key);
	for (size_t i = 0, n = scenario_key_count(); i < n; i++) {
		int l;
		const struct key_def *d = key_ref(i, &l);
		if (l >= 0 ? l == lim : strcmp(d->key, key) == 0)
			return (int)i;
	}
	return -1;
}

static const char *unknown_key_reason(void)
{
	size_t o = (size_t)snprintf(reason_buf, sizeof(reason_buf), "unknown key (expected ");
	for (size_t i = 0, n = scenario_key_count(); i < n && o < sizeof(reason_buf); i++)
		o += (size_t)snprintf(reason_buf + o, sizeof(reason_buf) - o, "%s%s",
				      scenario_key_at(i).key, i + 1 < n ? ", " : ")");
	return reason_buf;
}

/* Apply key number idx. With `quoted`, a bad value gives the complete reason
 * `"VALUE" is not NOUN (expected ...)` used in config messages; without, the
 * bare "expected ..." sentence, for callers that show the value themselves. */
static int set_by_index(struct scenario *sc, int idx, const char *value, bool quoted,
			const char **why)
{
	int lim;
	const struct key_def *d = key_ref((size_t)idx, &lim);
	const char *w = "expected a valid value";
	int rc = set_value(d, lim, sc, value, &w);
	if (rc == 0)
		return 0;
	if (rc == -1 && quoted) {
		const char *noun = lim >= 0 ? limit_nouns[limit_table[lim].kind] : d->noun;
		char shown[160];
		snprintf(reason_buf, sizeof(reason_buf), "%s is not %s (%s)",
			 show(value, true, shown, sizeof(shown)), noun, w);
		w = reason_buf;
	}
	if (why)
		*why = w;
	return -1;
}

int scenario_set(struct scenario *sc, const char *key, const char *value, const char **why)
{
	int idx = key_find(key);
	if (idx < 0) {
		if (why)
			*why = unknown_key_reason();
		return -1;
	}
	return set_by_index(sc, idx, value ? value : "", false, why);
}

/* ---- scenarios ---------------------------------------------------------- */

/* ---- the INI parser ------------------------------------------------------ */

enum sec_kind { SEC_BRINK, SEC_DEFAULTS, SEC_SCENARIO, SEC_COMPARE, SEC_SEARCH };

/* [brink] keys; scenario keys are numbered by key_ref, [compare] keys by
 * gate_key_find. */
enum { BK_NAME, BK_OUT };
static const char *const brink_keys[] = {"name", "out"};
/* [search] keys */
enum { SK_RESOURCE, SK_RANGE, SK_RESOLUTION };
static const char *const search_keys[] = {"resource", "range", "resolution"};

#define KEY_PLACEHOLDER (-3) /* a {NAME} of the command (sweep.h) */

struct entry {
	int key; /* or KEY_PLACEHOLDER */
	int line;
	char *value;
	bool bad;    /* reported once; not applied again */
	char *pname; /* the placeholder's name, else NULL */
};

struct section {
	enum sec_kind kind;
	char *label; /* between the brackets, trimmed */
	char name[SCENARIO_NAME_MAX];
	int line;
	struct entry *e;
	size_t n, cap;
};

struct msg {
	int line;
	size_t seq;
	char *text;
};

#define CUR_NONE (-1) /* before the first section header */
#define CUR_IGNORED                                                    \
	(-2) /* in a section already reported as bad, or in [machine]: \
		keys ignored */

struct parser {
	const char *path;
	FILE *f;
	char *buf;
	size_t bufcap;
	int lineno;
	bool skip_line; /* the reader reported this line: the handler ignores it */
	struct section *secs;
	size_t nsecs, capsecs;
	int cur;
	int brink, defaults, compare, search; /* section index or -1 */
	int scenario_headers;		      /* [scenario ...] headers seen, good or bad */
	struct msg *msgs;
	size_t nmsgs, capmsgs;
	int read_errno; /* the file could not be read to its end */
	bool oom;
};

static void add_msg(struct parser *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add_msg(struct parser *p, int line, const char *fmt, ...)
{
	if (p->nmsgs == p->capmsgs) {
		size_t nc = p->capmsgs ? p->capmsgs * 2 : 16;
		struct msg *nm = realloc(p->msgs, nc * sizeof(*nm));
		if (!nm) {
			p->oom = true;
			return;
		}
		p->msgs = nm;
		p->capmsgs = nc;
	}
	va_list ap;
	va_start(ap, fmt);
	char *text;
	int rc = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (rc < 0) {
		p->oom = true;
		return;
	}
	p->msgs[p->nmsgs] = (struct msg){line, p->nmsgs, text};
	p->nmsgs++;
}

/* FILE:LINE: [SECTION] KEY: reason */
static void err_key(struct parser *p, const char *label, int line, const char *key,
		    const char *reason)
{
	char l[160], k[160];
	add_msg(p, line, "%s:%d: [%s] %s: %s", p->path, line, show(label, false, l, sizeof(l)),
		show(key, false, k, sizeof(k)), reason);
}

/* FILE:LINE: [SECTION]: reason */
static void err_sec(struct parser *p, const char *label, int line, const char *reason)
{
	char l[160];
	add_msg(p, line, "%s:%d: [%s]: %s", p->path, line, show(label, false, l, sizeof(l)),
		reason);
}

static bool has_msg_at(const struct parser *p, int line)
{
	for (size_t i = 0; i < p->nmsgs; i++)
		if (p->msgs[i].line == line)
			return true;
	return false;
}

static int new_section(struct parser *p, enum sec_kind kind, const char *label, const char *name)
{
	if (p->nsecs == p->capsecs) {
		size_t nc = p->capsecs ? p->capsecs * 2 : 8;
		struct section *ns = realloc(p->secs, nc * sizeof(*ns));
		if (!ns)
			return -1;
		p->secs = ns;
		p->capsecs = nc;
	}
	struct section *s = &p->secs[p->nsecs];
	memset(s, 0, sizeof(*s));
	s->label = strdup(label);
	if (!s->label)
		return -1;
	s->kind = kind;
	s->line = p->lineno;
	if (name)
		snprintf(s->name, sizeof(s->name), "%s", name);
	p->cur = (int)p->nsecs++;
	return 0;
}

/* A section header [label] on the current line. */
static void open_section(struct parser *p, char *label)
{
	char reason[256], shown[160];
	/* The sections that may appear once. */
	static const struct {
		const char *label;
		enum sec_kind kind;
		size_t seen; /* offset of the section index in struct parser */
	} once[] = {
	    {"brink", SEC_BRINK, offsetof(struct parser, brink)},
	    {"defaults", SEC_DEFAULTS, offsetof(struct parser, defaults)},
	    {"compare", SEC_COMPARE, offsetof(struct parser, compare)},
	    {"search", SEC_SEARCH, offsetof(struct parser, search)},
	};
	p->cur = CUR_IGNORED;
	/* [machine] is what brink writes about the machine after the effective
	 * config in run.ini: information, not settings. Skipped, so that a
	 * result's run.ini loads (brink compare reads [compare] from it). So are
	 * [shard] (shard.h) and the [machine shard K] of a merged result (merge.c). */
	if (strcmp(label, "machine") == 0 || strncmp(label, "machine shard ", 14) == 0 ||
	    strcmp(label, "shard") == 0)
		return;
	for (size_t i = 0; i < sizeof(once) / sizeof(once[0]); i++) {
		if (strcmp(label, once[i].label) != 0)
			continue;
		int *seen = (int *)((char *)p + once[i].seen);
		if (*seen >= 0) {
			snprintf(reason, sizeof(reason), "given twice (first at line %d)",
				 p->secs[*seen].line);
			err_sec(p, label, p->lineno, reason);
			return;
		}
		if (new_section(p, once[i].kind, label, NULL) != 0) {
			p->oom = true;
			return;
		}
		*seen = p->cur;
		return;
	}
	if (strncmp(label, "scenario", 8) != 0 || (label[8] && !isspace((unsigned char)label[8]))) {
		err_sec(p, label, p->lineno,
			"unknown section (expected [brink], [defaults], [compare], [scenario NAME] "
			"or [machine])");
		return;
	}
	p->scenario_headers++;
	char *name = units_trim(label + 8);
	if (!*name) {
		/* label is "scenario": nothing after it. */
		err_sec(p, label, p->lineno, "expected a scenario name: [scenario NAME]");
		return;
	}
	if (!config_name_valid(name)) {
		snprintf(reason, sizeof(reason), "%s is not a valid scenario name (%s)",
			 show(name, true, shown, sizeof(shown)), name_expected);
		err_sec(p, label, p->lineno, reason);
		return;
	}
	for (size_t i = 0; i < p->nsecs; i++) {
		if (p->secs[i].kind == SEC_SCENARIO && strcmp(p->secs[i].name, name) == 0) {
			snprintf(reason, sizeof(reason),
				 "duplicate scenario name \"%s\" (first at line %d)", name,
				 p->secs[i].line);
			err_sec(p, label, p->lineno, reason);
			return;
		}
	}
	/* The label is kept as "scenario NAME" with one space, as messages show it. */
	char canon[SCENARIO_NAME_MAX + 16];
	snprintf(canon, sizeof(canon), "scenario %s", name);
	if (new_section(p, SEC_SCENARIO, canon, name) != 0)
		p->oom = true;
}

/* Look at one physical line the way inih will, to learn what inih does not
 * report: section headers in full, and every malformed line (not just the
 * first). */
static void classify_line(struct parser *p, char *line)
{
	char *s = line;
	if (p->lineno == 1 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
	    (unsigned char)s[2] == 0xBF)
		s += 3; /* UTF-8 byte order mark, which inih skips too */
	while (isspace((unsigned char)*s))
		s++;
	if (!*s || *s == ';' || *s == '#')
		return;
	if (*s == '[') {
		char *end = strchr(s + 1, ']');
		if (!end) {
			add_msg(p, p->lineno, "%s:%d: expected ']' to close the section header",
				p->path, p->lineno);
			p->cur = CUR_IGNORED;
			p->skip_line = true;
			return;
		}
		char *label = strndup(s + 1, (size_t)(end - s - 1));
		if (!label) {
			p->oom = true;
			return;
		}
		char *t = units_trim(label);
		open_section(p, t);
		char *after = end + 1;
		while (isspace((unsigned char)*after))
			after++;
		if (*after)
			err_sec(p, t, p->lineno,
				"unexpected text after ']' (comments go on a line of their own)");
		free(label);
		return;
	}
	char *sep = strpbrk(s, "=:");
	if (!sep) {
		add_msg(p, p->lineno,
			"%s:%d: expected KEY = VALUE, a [section] header or a comment", p->path,
			p->lineno);
		p->skip_line = true;
		return;
	}
	char *k = s;
	while (k < sep && !isspace((unsigned char)*k))
		k++;
	if (k == s) {
		add_msg(p, p->lineno, "%s:%d: expected a key before '%c'", p->path, p->lineno,
			*sep);
		p->skip_line = true;
	}
}

/* inih's fgets-style reader. Called once per physical line: inih parses the
 * line it gets before asking for the next, so p->lineno is the line of the
 * key the handler is called for next. */
static char *read_line(char *str, int num, void *stream)
{
	struct parser *p = stream;
	ssize_t n = getline(&p->buf, &p->bufcap, p->f);
	if (n < 0) {
		if (ferror(p->f))
			p->read_errno = errno ? errno : EIO;
		return NULL;
	}
	p->lineno++;
	p->skip_line = false;
	if (memchr(p->buf, '\0', (size_t)n)) {
		add_msg(p, p->lineno, "%s:%d: contains a NUL byte", p->path, p->lineno);
		goto blank;
	}
	if (n + 1 > num) {
		/* Longer than inih's buffer: inih would read it in pieces, as several
		 * lines. Refused whole so that line numbers stay exact. */
		add_msg(p, p->lineno, "%s:%d: line is longer than %d characters", p->path,
			p->lineno, num - 2);
		if (p->buf[strspn(p->buf, " \t")] == '[')
			p->cur = CUR_IGNORED; /* a section header we cannot read */
		goto blank;
	}
	memcpy(str, p->buf, (size_t)n + 1);
	classify_line(p, p->buf);
	return str;
blank:
	p->skip_line = true;
	snprintf(str, (size_t)num, "\n");
	return str;
}

static int add_entry(struct section *s, int key, int line, const char *value, const char *pname)
{
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 8;
		struct entry *ne = realloc(s->e, nc * sizeof(*ne));
		if (!ne)
			return -1;
		s->e = ne;
		s->cap = nc;
	}
	char *v = strdup(value);
	char *pn = pname ? strdup(pname) : NULL;
	if (!v || (pname && !pn)) {
		free(v);
		free(pn);
		return -1;
	}
	s->e[s->n++] = (struct entry){key, line, v, false, pn};
	return 0;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parser *p = user;
	(void)section; /* truncated by inih; the reader has the full header */
	if (p->skip_line || p->cur == CUR_IGNORED)
		return 1;
	if (!value)
		value = "";
	if (p->cur == CUR_NONE) {
		char k[160];
		add_msg(p, p->lineno, "%s:%d: %s: expected a [section] header before the first key",
			p->path, p->lineno, show(name, false, k, sizeof(k)));
		return 1;
	}
	struct section *s = &p->secs[p->cur];
	int key = -1;
	if (s->kind == SEC_BRINK) {
		for (size_t i = 0; i < sizeof(brink_keys) / sizeof(brink_keys[0]); i++)
			if (strcmp(name, brink_keys[i]) == 0)
				key = (int)i;
		if (key < 0) {
			err_key(p, s->label, p->lineno, name, "unknown key (expected name or out)");
			return 1;
		}
	} else if (s->kind == SEC_SEARCH) {
		for (size_t i = 0; i < sizeof(search_keys) / sizeof(search_keys[0]); i++)
			if (strcmp(name, search_keys[i]) == 0)
				key = (int)i;
		if (key < 0) {
			err_key(p, s->label, p->lineno, name,
				"unknown key (expected resource, range or resolution)");
			return 1;
		}
	} else if (s->kind == SEC_COMPARE) {
		key = gate_key_find(name);
		if (key < 0) {
			char reason[1200];
			snprintf(reason, sizeof(reason), "unknown key (expected %s)",
				 gate_keys_expected());
			err_key(p, s->label, p->lineno, name, reason);
			return 1;
		}
	} else {
		key = key_find(name);
		/* Not a scenario key: maybe a {NAME} of the command (checked once the
		 * command is known, in expand_sweeps). */
		if (key < 0 && s->kind == SEC_SCENARIO && sweep_placeholder_valid(name))
			key = KEY_PLACEHOLDER;
		if (key < 0 && key != KEY_PLACEHOLDER) {
			err_key(p, s->label, p->lineno, name, unknown_key_reason());
			return 1;
		}
	}
	for (size_t i = 0; i < s->n; i++) {
		if (s->e[i].key == key &&
		    (key != KEY_PLACEHOLDER || strcmp(s->e[i].pname, name) == 0)) {
			char reason[64];
			snprintf(reason, sizeof(reason), "given twice (first at line %d)",
				 s->e[i].line);
			err_key(p, s->label, p->lineno, name, reason);
			return 1;
		}
	}
	if (add_entry(s, key, p->lineno, value, key == KEY_PLACEHOLDER ? name : NULL) != 0)
		p->oom = true;
	return 1;
}

/* The limit id of a key that is written as a sweep, else -1. */
static int sweep_limit(const struct entry *e)
{
	int lim = -1;
	if (e->key == KEY_PLACEHOLDER || !key_ref((size_t)e->key, &lim) || lim < 0)
		return -1;
	return sweep_spec_is_sweep(e->value) ? lim : -1;
}

/* Replay a section's keys onto sc; each bad key is reported once. Sweeps and
 * placeholders are left to expand_sweeps. */
static void apply_entries(struct parser *p, struct section *s, struct scenario *sc)
{
	for (size_t i = 0; i < s->n; i++) {
		struct entry *e = &s->e[i];
		const char *why;
		if (e->bad || e->key == KEY_PLACEHOLDER || sweep_limit(e) >= 0)
			continue;
		sc->where[e->key].line = e->line;
		sc->where[e->key].in_defaults = s->kind == SEC_DEFAULTS;
		if (set_by_index(sc, e->key, e->value, true, &why) != 0) {
			e->bad = true;
			err_key(p, s->label, e->line, scenario_key_at((size_t)e->key).key, why);
		}
	}
}

static int check_plain_text(const char *v)
{
	if (!*v)
		return -1;
	for (const char *c = v; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return -1;
	return 0;
}

static void apply_brink(struct parser *p, struct config *cfg)
{
	if (p->brink < 0)
		return;
	struct section *s = &p->secs[p->brink];
	for (size_t i = 0; i < s->n; i++) {
		struct entry *e = &s->e[i];
		char reason[512], shown[160];
		if (e->key == BK_NAME) {
			if (!config_name_valid(e->value)) {
				snprintf(reason, sizeof(reason), "%s is not a valid name (%s)",
					 show(e->value, true, shown, sizeof(shown)), name_expected);
				err_key(p, s->label, e->line, "name", reason);
				continue;
			}
			snprintf(cfg->name, sizeof(cfg->name), "%s", e->value);
		} else {
			if (check_plain_text(e->value) != 0) {
				snprintf(reason, sizeof(reason),
					 "%s is not a directory (expected a path without "
					 "control characters)",
					 show(e->value, true, shown, sizeof(shown)));
				err_key(p, s->label, e->line, "out", reason);
				continue;
			}
			free(cfg->out);
			cfg->out = strdup(e->value);
			if (!cfg->out)
				p->oom = true;
		}
	}
}

static int cmp_compare_setting(const void *a, const void *b)
{
	int x = gate_key_find(((const struct compare_setting *)a)->key);
	int y = gate_key_find(((const struct compare_setting *)b)->key);
	return (x > y) - (x < y);
}

/* [compare]: each value checked the way brink compare will read it, then kept
 * as written, in key order. */
static int apply_compare(struct parser *p, struct config *cfg)
{
	if (p->compare < 0)
		return 0;
	struct section *s = &p->secs[p->compare];
	if (s->n && !(cfg->compare = calloc(s->n, sizeof(*cfg->compare))))
		return -1;
	for (size_t i = 0; i < s->n; i++) {
		struct entry *e = &s->e[i];
		struct compare_setting *cs = &cfg->compare[cfg->n_compare];
		const char *noun = "a value", *why = "expected at most 63 characters";
		char reason[512], shown[160];
		char key[GATE_KEY_MAX];
		gate_key_name(e->key, key, sizeof(key));
		if (strlen(e->value) >= sizeof(cs->value) ||
		    gate_value_check(e->key, e->value, &noun, &why) != 0) {
			snprintf(reason, sizeof(reason), "%s is not %s (%s)",
				 show(e->value, true, shown, sizeof(shown)), noun, why);
			err_key(p, s->label, e->line, key, reason);
			continue;
		}
		snprintf(cs->key, sizeof(cs->key), "%s", key);
		snprintf(cs->value, sizeof(cs->value), "%s", e->value);
		cs->line = e->line;
		cfg->n_compare++;
	}
	if (cfg->n_compare)
		qsort(cfg->compare, cfg->n_compare, sizeof(*cfg->compare), cmp_compare_setting);
	return 0;
}

/* [search]: resource first (the others are read in its unit). */
static void apply_search(struct parser *p, struct config *cfg)
{
	if (p->search < 0)
		return;
	struct section *s = &p->secs[p->search];
	struct entry *e[3] = {NULL, NULL, NULL};
	for (size_t i = 0; i < s->n; i++)
		e[s->e[i].key] = &s->e[i];
	struct config_search *cs = &cfg->search;
	char reason[512], shown[160];
	const char *why = NULL;
	cs->line = s->line;
	if (!e[SK_RESOURCE] || !e[SK_RANGE]) {
		err_sec(p, s->label, s->line,
			"expected resource = RESOURCE and range = LO..HI (resolution is optional)");
		return;
	}
	cs->lim = limits_find(e[SK_RESOURCE]->value);
	if (cs->lim < 0 || !search_resource_ok(cs->lim)) {
		snprintf(reason, sizeof(reason),
			 "%s is not a resource (expected memory, pids, nofile, as, data, stack or "
			 "cpu-time)",
			 show(e[SK_RESOURCE]->value, true, shown, sizeof(shown)));
		err_key(p, s->label, e[SK_RESOURCE]->line, "resource", reason);
		return;
	}
	bool bad = false;
	if (search_parse_range(cs->lim, e[SK_RANGE]->value, &cs->lo, &cs->hi, &why) != 0) {
		snprintf(reason, sizeof(reason), "%s is not a range (%s)",
			 show(e[SK_RANGE]->value, true, shown, sizeof(shown)), why);
		err_key(p, s->label, e[SK_RANGE]->line, "range", reason);
		bad = true;
	}
	cs->resolution = search_default_resolution(cs->lim);
	cs->res_ppm = 0;
	if (e[SK_RESOLUTION] && search_parse_resolution(cs->lim, e[SK_RESOLUTION]->value,
							&cs->resolution, &cs->res_ppm, &why) != 0) {
		snprintf(reason, sizeof(reason), "%s is not a resolution (%s)",
			 show(e[SK_RESOLUTION]->value, true, shown, sizeof(shown)), why);
		err_key(p, s->label, e[SK_RESOLUTION]->line, "resolution", reason);
		bad = true;
	}
	cs->set = !bad;
}

/* cfg->name from the file name when [brink] gives none: "dir/smoke.ini" ->
 * "smoke". */
static void name_from_path(struct parser *p, struct config *cfg)
{
	const char *base = strrchr(p->path, '/');
	base = base ? base + 1 : p->path;
	size_t n = strlen(base);
	if (n > 4 && strcmp(base + n - 4, ".ini") == 0)
		n -= 4;
	char name[256], shown[300];
	snprintf(name, sizeof(name), "%.*s", (int)n, base);
	if (!config_name_valid(name)) {
		add_msg(p, 0,
			"%s: [brink] name: the file name gives %s, which is not a valid name (%s); "
			"set name in [brink]",
			p->path, show(name, true, shown, sizeof(shown)), name_expected);
		return;
	}
	memcpy(cfg->name, name, strlen(name) + 1); /* valid names fit */
}

static bool section_has(const struct section *s, int key)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->e[i].key == key)
			return true;
	return false;
}

/* Where a word of a command starts with ';' or '#', unquoted: a remark the
 * writer meant as a comment would be passed to the program. NULL if none. */
static const char *comment_word(const char *s)
{
	bool start = true;
	for (const char *p = s; *p; p++) {
		if (isspace((unsigned char)*p)) {
			start = true;
			continue;
		}
		if (start && (*p == ';' || *p == '#'))
			return p;
		start = false;
		if (*p == '\\' && p[1]) {
			p++;
		} else if (*p == '\'' || *p == '"') {
			char q = *p;
			for (p++; *p && *p != q; p++)
				if (q == '"' && *p == '\\' && p[1])
					p++;
			if (!*p)
				return NULL; /* command_split reported it */
		}
	}
	return NULL;
}

/* `command = echo hi ; note`: inline comments do not exist, and without a shell
 * "; note" would silently become two arguments. Refused, with the fix. */
static void check_command_comment(struct parser *p, struct scenario *sc, struct section *s,
				  struct section *defs, int key_command)
{
	const char *c;
	if (sc->shell || !sc->command || !(c = comment_word(sc->command)))
		return;
	struct section *where = section_has(s, key_command) ? s : defs;
	int line = sc->where[key_command].line;
	char reason[400], shown[160];
	snprintf(reason, sizeof(reason),
		 "%s would be passed to the program as arguments: there are no inline "
		 "comments (a comment stands on a line of its own); quote it ('%c') to pass "
		 "it, or set shell = yes",
		 show(c, true, shown, sizeof(shown)), *c);
	err_key(p, where ? where->label : s->label, line ? line : s->line, "command", reason);
}

/* The entry of section s (may be NULL) that sets limit lim, or NULL. */
static struct entry *limit_entry(struct section *s, int lim)
{
	for (size_t i = 0; s && i < s->n; i++) {
		int l;
		if (s->e[i].key != KEY_PLACEHOLDER && key_ref((size_t)s->e[i].key, &l) && l == lim)
			return &s->e[i];
	}
	return NULL;
}

static void err_sweep(struct parser *p, const char *label, struct entry *e, const char *key,
		      const char *why)
{
	char reason[768], shown[160];
	snprintf(reason, sizeof(reason), "%s is not a sweep (%s)",
		 show(e->value, true, shown, sizeof(shown)), why);
	err_key(p, label, e->line, key, reason);
	e->bad = true; /* a bad [defaults] sweep is reported once */
}

/* The sweeps and placeholders of the last scenario of cfg (section s, defaults
 * defs): it is replaced by the points of its matrix (sweep.h). `later`
 * scenario sections follow, for the size of the array. -1 when out of memory. */
static int expand_sweeps(struct parser *p, struct config *cfg, struct section *defs,
			 struct section *s, size_t later)
{
	struct scenario *sc = &cfg->scenarios[cfg->n_scenarios - 1];
	struct sweep_axis axes[SCENARIO_SWEEP_MAX];
	size_t na = 0;
	bool bad = false;
	const char *why;
	int rc = 0;
	/* Limits in limit_table order: the scenario's own key, else [defaults]'. */
	for (int lim = 0; lim < LIM__COUNT; lim++) {
		struct section *from = s;
		struct entry *e = limit_entry(s, lim);
		if (!e && (from = defs))
			e = limit_entry(defs, lim);
		if (!e || e->bad || sweep_limit(e) != lim)
			continue;
		if (na == SCENARIO_SWEEP_MAX) {
			err_sweep(p, from->label, e, limit_table[lim].key,
				  "more than 4 sweeps in one scenario");
			bad = true;
		} else if (sweep_axis_parse(&axes[na], limit_table[lim].key, lim, e->value, &why) !=
			   0) {
			err_sweep(p, from->label, e, limit_table[lim].key, why);
			bad = true;
		} else {
			na++;
		}
	}
	for (size_t i = 0; i < s->n; i++) {
		struct entry *e = &s->e[i];
		if (e->key != KEY_PLACEHOLDER || e->bad)
			continue;
		/* A command that was given but refused has its own message; with
		 * none at all, NAME is not a placeholder. */
		bool no_command = !section_has(s, key_find("command")) &&
				  !(defs && section_has(defs, key_find("command")));
		if (!sc->argv && !no_command)
			continue;
		if (no_command || !sweep_command_uses(sc, e->pname)) {
			/* Not a placeholder either: the message of any unknown key. */
			err_key(p, s->label, e->line, e->pname, unknown_key_reason());
			bad = true;
		} else if (na == SCENARIO_SWEEP_MAX) {
			err_sweep(p, s->label, e, e->pname, "more than 4 sweeps in one scenario");
			bad = true;
		} else if (sweep_axis_parse(&axes[na], e->pname, -1, e->value, &why) != 0) {
			err_sweep(p, s->label, e, e->pname, why);
			bad = true;
		} else {
			na++;
		}
	}
	size_t np;
	if (bad || na == 0 || !sc->argv)
		goto out;
	if (sweep_matrix_size(axes, na, &np, &why) != 0) {
		err_sec(p, s->label, s->line, why);
		goto out;
	}
	size_t want = cfg->n_scenarios - 1 + np + later;
	struct scenario *ns = realloc(cfg->scenarios, want * sizeof(*ns));
	if (!ns) {
		rc = -1;
		goto out;
	}
	cfg->scenarios = ns;
	struct scenario base = cfg->scenarios[--cfg->n_scenarios];
	for (size_t i = 0; i < np; i++) {
		if (sweep_point(&base, axes, na, i, &cfg->scenarios[cfg->n_scenarios], &why) != 0) {
			err_sec(p, s->label, s->line, why);
			break;
		}
		cfg->n_scenarios++;
	}
	scenario_free(&base);
out:
	for (size_t i = 0; i < na; i++)
		sweep_axis_free(&axes[i]);
	return rc;
}

/* The points of a sweep are named BASE.KEY=VALUE: such a name may also be
 * another scenario's, or another sweep's point. Reported at the later one. */
static void check_point_names(struct parser *p, const struct config *cfg)
{
	for (size_t j = 1; j < cfg->n_scenarios; j++) {
		const struct scenario *b = &cfg->scenarios[j];
		for (size_t i = 0; i < j; i++) {
			const struct scenario *a = &cfg->scenarios[i];
			if (strcmp(a->name, b->name) != 0)
				continue;
			char label[SCENARIO_NAME_MAX + 16], first[SCENARIO_NAME_MAX + 48],
			    reason[320];
			snprintf(label, sizeof(label), "scenario %s",
				 b->sweep_of[0] ? b->sweep_of : b->name);
			if (a->sweep_of[0])
				snprintf(first, sizeof(first),
					 "a point of [scenario %s] at line %d", a->sweep_of,
					 a->line);
			else
				snprintf(first, sizeof(first), "[scenario %s] at line %d", a->name,
					 a->line);
			snprintf(reason, sizeof(reason),
				 "duplicate scenario name \"%s\"%s: also %s", b->name,
				 b->sweep_of[0] ? " (a point of this sweep)" : "", first);
			err_sec(p, label, b->line, reason);
			break;
		}
	}
}

/* [search] sets the limit it searches: a scenario or [defaults] that sets it
 * too (one value or a sweep) would be overridden without a word. */
static void check_searched_key(struct parser *p, const struct config *cfg)
{
	if (!cfg->search.set)
		return;
	const char *key = limit_table[cfg->search.lim].key;
	int k = key_find(key);
	char reason[160];
	snprintf(reason, sizeof(reason),
		 "[search] (line %d) searches %s and sets it for every run: remove one",
		 cfg->search.line, key);
	for (size_t i = 0; i < p->nsecs; i++) {
		const struct section *s = &p->secs[i];
		if (s->kind != SEC_SCENARIO && (int)i != p->defaults)
			continue;
		for (size_t j = 0; j < s->n; j++)
			if (s->e[j].key == k)
				err_key(p, s->label, s->e[j].line, key, reason);
	}
}

static int resolve(struct parser *p, struct config *cfg)
{
	int key_command = key_find("command");
	bool named = false;
	if (p->brink >= 0)
		for (size_t i = 0; i < p->secs[p->brink].n; i++)
			named |= p->secs[p->brink].e[i].key == BK_NAME;
	apply_brink(p, cfg);
	if (apply_compare(p, cfg) != 0)
		return -1;
	apply_search(p, cfg);
	if (!named)
		name_from_path(p, cfg);
	struct section *defs = p->defaults >= 0 ? &p->secs[p->defaults] : NULL;
	if (defs)
		apply_entries(p, defs, &cfg->defaults);
	size_t n = 0;
	for (size_t i = 0; i < p->nsecs; i++)
		n += p->secs[i].kind == SEC_SCENARIO;
	if (n) {
		cfg->scenarios = calloc(n, sizeof(*cfg->scenarios));
		if (!cfg->scenarios)
			return -1;
	}
	for (size_t i = 0; i < p->nsecs; i++) {
		struct section *s = &p->secs[i];
		if (s->kind != SEC_SCENARIO)
			continue;
		n--; /* scenario sections after this one */
		struct scenario *sc = &cfg->scenarios[cfg->n_scenarios++];
		scenario_init(sc);
		snprintf(sc->name, sizeof(sc->name), "%s", s->name);
		sc->line = s->line;
		if (defs)
			apply_entries(p, defs, sc);
		apply_entries(p, s, sc);
		check_command_comment(p, sc, s, defs, key_command);
		/* A command that was given but refused has its own message. */
		if (!sc->argv && !section_has(s, key_command) &&
		    !(defs && section_has(defs, key_command)))
			err_sec(p, s->label, s->line,
				"missing command (set command here or in [defaults])");
		if (expand_sweeps(p, cfg, defs, s, n) != 0)
			return -1;
	}
	check_point_names(p, cfg);
	check_searched_key(p, cfg);
	if (p->scenario_headers == 0)
		add_msg(p, 0, "%s: no [scenario NAME] section: nothing to run", p->path);
	return 0;
}

static int cmp_msg(const void *a, const void *b)
{
	const struct msg *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void parser_free(struct parser *p)
{
	for (size_t i = 0; i < p->nsecs; i++) {
		for (size_t j = 0; j < p->secs[i].n; j++) {
			free(p->secs[i].e[j].value);
			free(p->secs[i].e[j].pname);
		}
		free(p->secs[i].e);
		free(p->secs[i].label);
	}
	free(p->secs);
	for (size_t i = 0; i < p->nmsgs; i++)
		free(p->msgs[i].text);
	free(p->msgs);
	free(p->buf);
}

/* inih's behaviour is set through globals (Debian builds it with run-time
 * switches); they are set for our parse and put back afterwards. */
struct ini_settings {
	bool multiline, inline_comments, use_stack, realloc, stop_on_first_error, no_value, bom;
	int max_line, initial_alloc;
	char *comment_prefixes;
};

static void ini_settings_swap(struct ini_settings *save)
{
	static char prefixes[] = ";#";
	save->multiline = ini_allow_multiline;
	save->inline_comments = ini_allow_inline_comments;
	save->use_stack = ini_use_stack;
	save->stop_on_first_error = ini_stop_on_first_error;
	save->no_value = ini_allow_no_value;
	save->bom = ini_allow_bom;
	save->max_line = ini_max_line;
	save->realloc = ini_allow_realloc;
	save->initial_alloc = ini_initial_alloc;
	save->comment_prefixes = ini_start_comment_prefixes;
	ini_allow_multiline = false; /* continuation lines would shift line numbers */
	ini_allow_inline_comments = false;
	ini_use_stack = false; /* one line buffer of ini_initial_alloc bytes on the heap */
	ini_allow_realloc = false;
	ini_initial_alloc = CONFIG_LINE_MAX;
	ini_stop_on_first_error = false; /* we report every error ourselves */
	ini_allow_no_value = false;
	ini_allow_bom = true;
	ini_max_line = CONFIG_LINE_MAX;
	ini_start_comment_prefixes = prefixes;
}

static void ini_settings_restore(const struct ini_settings *save)
{
	ini_allow_multiline = save->multiline;
	ini_allow_inline_comments = save->inline_comments;
	ini_use_stack = save->use_stack;
	ini_stop_on_first_error = save->stop_on_first_error;
	ini_allow_no_value = save->no_value;
	ini_allow_bom = save->bom;
	ini_max_line = save->max_line;
	ini_allow_realloc = save->realloc;
	ini_initial_alloc = save->initial_alloc;
	ini_start_comment_prefixes = save->comment_prefixes;
}

int config_ini_parse(const char *path, ini_handler handler, void *user)
{
	struct ini_settings save;
	ini_settings_swap(&save);
	int rc = ini_parse(path, handler, user);
	ini_settings_restore(&save);
	return rc;
}

int config_load(const char *path, struct config *cfg, FILE *errs)
{
	memset(cfg, 0, sizeof(*cfg));
	scenario_init(&cfg->defaults);
	struct parser p = {.path = path,
			   .cur = CUR_NONE,
			   .brink = -1,
			   .defaults = -1,
			   .compare = -1,
			   .search = -1};
	int nerr;
	cfg->path = strdup(path);
	if (!cfg->path) {
		fprintf(errs, "%s: cannot load: %s (%s)\n", path, strerror(ENOMEM),
			errno_name(ENOMEM));
		return 1;
	}
	p.f = fopen(path, "re");
	if (!p.f) {
		int e = errno;
		fprintf(errs, "%s: cannot open: %s (%s)\n", path, strerror(e), errno_name(e));
		config_free(cfg);
		return 1;
	}
	struct ini_settings save;
	ini_settings_swap(&save);
	int rc = ini_parse_stream(read_line, &p, handler, &p);
	ini_settings_restore(&save);
	fclose(p.f);
	if (rc == -2)
		p.oom = true;
	else if (rc > 0 && !has_msg_at(&p, rc))
		add_msg(&p, rc, "%s:%d: cannot parse this line", path, rc);
	if (p.read_errno) {
		/* What was read is not the whole file: report that alone. */
		add_msg(&p, 0, "%s: cannot read: %s (%s)", path, strerror(p.read_errno),
			errno_name(p.read_errno));
	} else if (resolve(&p, cfg) != 0) {
		p.oom = true;
	}
	if (p.nmsgs) /* msgs is NULL when there is none, and qsort's base is nonnull */
		qsort(p.msgs, p.nmsgs, sizeof(*p.msgs), cmp_msg);
	for (size_t i = 0; i < p.nmsgs; i++)
		fprintf(errs, "%s\n", p.msgs[i].text);
	nerr = (int)p.nmsgs;
	if (p.oom) {
		fprintf(errs, "%s: cannot load: %s (%s)\n", path, strerror(ENOMEM),
			errno_name(ENOMEM));
		nerr++;
	}
	parser_free(&p);
	if (nerr)
		config_free(cfg);
	return nerr;
}

/* ---- the effective configuration ----------------------------------------- */

/* -1 with errno E2BIG when a value does not fit on a line config_load reads,
 * ENOMEM, or EINVAL for a value that cannot be written. */
static int write_keys(const struct scenario *sc, FILE *out)
{
	char *buf = malloc(CONFIG_LINE_MAX);
	if (!buf)
		return -1;
	int ret = 0;
	for (size_t i = 0, n = scenario_key_count(); i < n && ret == 0; i++) {
		int lim;
		const struct key_def *d = key_ref(i, &lim);
		const char *key = scenario_key_at(i).key;
		int rc = write_value(d, lim, sc, buf, CONFIG_LINE_MAX);
		if (rc < 0) {
			/* Every writer fails only for want of room. */
			errno = E2BIG;
			ret = -1;
		} else if (rc > 0 && strlen(key) + strlen(buf) + 4 >= CONFIG_LINE_MAX) {
			errno = E2BIG; /* config_load would refuse the line */
			ret = -1;
		} else if (rc > 0) {
			fprintf(out, "%s = %s\n", key, buf);
		}
	}
	free(buf);
	return ret;
}

int config_write_effective(const struct config *cfg, FILE *out)
{
	fprintf(out, "; effective configuration: every key of every scenario resolved\n");
	fprintf(out, "[brink]\nname = %s\n", cfg->name);
	if (cfg->out)
		fprintf(out, "out = %s\n", cfg->out);
	if (cfg->n_compare)
		fprintf(out, "\n[compare]\n");
	for (size_t i = 0; i < cfg->n_compare; i++)
		fprintf(out, "%s = %s\n", cfg->compare[i].key, cfg->compare[i].value);
	fprintf(out, "\n[defaults]\n");
	if (write_keys(&cfg->defaults, out) != 0)
		goto bad;
	for (size_t i = 0; i < cfg->n_scenarios; i++) {
		fprintf(out, "\n[scenario %s]\n", cfg->scenarios[i].name);
		if (write_keys(&cfg->scenarios[i], out) != 0)
			goto bad;
	}
	return ferror(out) ? -1 : 0;
bad:
	return -1;
}

const char *scenario_key_origin(const struct config *cfg, const struct scenario *sc,
				const char *key, char *buf, size_t len)
{
	int idx = key_find(key);
	int line = idx >= 0 ? sc->where[idx].line : 0;
	if (!cfg->path)
		snprintf(buf, len, "--%s", key);
	else if (line == 0)
		snprintf(buf, len, "%s:%d: [scenario %s] %s", cfg->path, sc->line, sc->name, key);
	else if (sc->where[idx].in_defaults)
		snprintf(buf, len, "%s:%d: [defaults] %s", cfg->path, line, key);
	else
		snprintf(buf, len, "%s:%d: [scenario %s] %s", cfg->path, line, sc->name, key);
	return buf;
}

void config_free(struct config *cfg)
{
	if (!cfg)
		return;
	free(cfg->path);
	free(cfg->out);
	scenario_free(&cfg->defaults);
	for (size_t i = 0; i < cfg->n_scenarios; i++)
		scenario_free(&cfg->scenarios[i]);
	free(cfg->scenarios);
	free(cfg->compare);
	memset(cfg, 0, sizeof(*cfg));
}
