/* scenario.c - defaults, copies and command lines of scenarios (scenario.h). */
#include "scenario.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "scrape.h"

/* ---- service keys -------------------------------------------------------- */

_Static_assert(sizeof(((struct service_cfg *)0)->metrics) / 64 == SCRAPE_NAMES_MAX,
	       "service_cfg holds SCRAPE_NAMES_MAX metric names");

void service_cfg_init(struct service_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->ready_timeout_ns = 30 * 1000000000LL;
	c->stop_grace_ns = 5 * 1000000000LL;
	c->metrics_interval_ns = 1000000000LL;
	const char *why;
	scrape_parse_names(SCRAPE_DEFAULT_NAMES, c->metrics, &c->n_metrics, &why);
}

/* ---- command lines ------------------------------------------------------- */

void argv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

char **argv_dup(char *const *v)
{
	size_t n = 0;
	while (v[n])
		n++;
	char **d = calloc(n + 1, sizeof(*d));
	if (!d)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		d[i] = strdup(v[i]);
		if (!d[i]) {
			argv_free(d);
			return NULL;
		}
	}
	return d;
}

/* Append the first wl bytes of w to *v (n entries, room for cap). */
static int argv_push(char ***v, size_t *n, size_t *cap, const char *w, size_t wl)
{
	if (*n + 2 > *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		char **nv = realloc(*v, nc * sizeof(**v));
		if (!nv)
			return -1;
		*v = nv;
		*cap = nc;
	}
	char *s = strndup(w, wl);
	if (!s)
		return -1;
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
	return 0;
}

/* The body of a $'...' word part, from just after its opening quote: the
 * escapes \a \b \e \f \n \r \t \v \\ \' \" and \xHH (one or two hex digits,
 * not 00) decode, any other character is itself. Appends to w at *wl; returns
 * the character after the closing quote, or NULL with *err. */
static const char *ansi_quoted(const char *p, char *w, size_t *wl, const char **err)
{
	static const char from[] = "abefnrtv\\'\"", to[] = "\a\b\033\f\n\r\t\v\\'\"";
	for (; *p && *p != '\''; p++) {
		if (*p != '\\') {
			w[(*wl)++] = *p;
			continue;
		}
		p++;
		const char *e = *p ? strchr(from, *p) : NULL;
		if (e) {
			w[(*wl)++] = to[e - from];
		} else if (*p == 'x' && isxdigit((unsigned char)p[1])) {
			char hex[3] = {p[1], isxdigit((unsigned char)p[2]) ? p[2] : '\0', '\0'};
			long v = strtol(hex, NULL, 16);
			if (v == 0) {
				*err =
				    "expected no \\x00 in $'...' (an argument ends at a NUL byte)";
				return NULL;
			}
			w[(*wl)++] = (char)v;
			p += strlen(hex);
		} else {
			*err = "expected one of \\a \\b \\e \\f \\n \\r \\t \\v \\\\ \\' \\\" "
			       "\\xHH after a backslash in $'...'";
			return NULL;
		}
	}
	if (!*p) {
		*err = "expected a closing ' quote";
		return NULL;
	}
	return p + 1;
}

char **command_split(const char *s, const char **why)
{
	char **v = NULL;
	size_t n = 0, cap = 0, wl = 0;
	bool inword = false;
	char *w = malloc(strlen(s) + 1);
	const char *err = "out of memory";
	if (!w)
		goto fail;
	for (const char *p = s; *p;) {
		if (isspace((unsigned char)*p)) {
			if (inword && argv_push(&v, &n, &cap, w, wl) != 0)
				goto fail;
			inword = false;
			wl = 0;
			p++;
			continue;
		}
		inword = true;
		if (*p == '\\') {
			if (!p[1]) {
				err = "expected a character after the backslash";
				goto fail;
			}
			w[wl++] = p[1];
			p += 2;
		} else if (*p == '$' && p[1] == '\'') {
			/* $'...': the one way to write a control character (a newline)
			 * in a command line, as bash spells it. */
			p = ansi_quoted(p + 2, w, &wl, &err);
			if (!p)
				goto fail;
		} else if (*p == '\'') {
			/* Single quotes: everything literal up to the next quote. */
			const char *q = strchr(p + 1, '\'');
			if (!q) {
				err = "expected a closing ' quote";
				goto fail;
			}
			memcpy(w + wl, p + 1, (size_t)(q - p - 1));
			wl += (size_t)(q - p - 1);
			p = q + 1;
		} else if (*p == '"') {
			/* Double quotes: a backslash still escapes the next character. */
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				w[wl++] = *p;
			}
			if (!*p) {
				err = "expected a closing \" quote";
				goto fail;
			}
			p++;
		} else {
			w[wl++] = *p++;
		}
	}
	if (inword && argv_push(&v, &n, &cap, w, wl) != 0)
		goto fail;
	if (n == 0) {
		err = "expected a program and its arguments";
		goto fail;
	}
	free(w);
	return v;
fail:
	free(w);
	argv_free(v);
	if (why)
		*why = err;
	return NULL;
}

/* ---- scenarios ---------------------------------------------------------- */

void scenario_init(struct scenario *sc)
{
	memset(sc, 0, sizeof(*sc));
	limits_init(&sc->lim);
	sc->interval_ns = 10 * 1000000LL;
	sc->timeout_ns = 0;
	sc->repetitions = 1;
	sc->exit_stop = true;
	sc->log_cap_bytes = 64LL << 20;
	sc->expect.set = false;
	sc->expect.leak = -1;
	sc->expect.breaks = -1;
	sc->leak.warmup_ns = 500 * 1000000LL;
	sc->leak.rss_bytes_per_s = 256.0 * 1024;
	sc->leak.fds_per_s = 0.5;
	sc->leak.threads_per_s = 0.5;
	service_cfg_init(&sc->svc);
}

int scenario_copy(struct scenario *dst, const struct scenario *src)
{
	*dst = *src;
	dst->argv = NULL;
	dst->command = NULL;
	dst->cwd = NULL;
	dst->env = NULL;
	if ((src->argv && !(dst->argv = argv_dup(src->argv))) ||
	    (src->command && !(dst->command = strdup(src->command))) ||
	    (src->cwd && !(dst->cwd = strdup(src->cwd))) ||
	    (src->env && !(dst->env = argv_dup(src->env)))) {
		scenario_free(dst);
		return -1;
	}
	return 0;
}

void scenario_free(struct scenario *sc)
{
	if (!sc)
		return;
	argv_free(sc->argv);
	free(sc->command);
	free(sc->cwd);
	argv_free(sc->env);
	sc->argv = NULL;
	sc->command = NULL;
	sc->cwd = NULL;
	sc->env = NULL;
}
