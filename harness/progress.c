/* progress.c - live progress of a run set (see progress.h).
 *
 * On a terminal the status line is redrawn in place ("\r" + erase line) at most
 * PROGRESS_HZ times a second: the sampler may call progress_sample() at 1 kHz,
 * and a terminal that is slow to draw must not slow the sampling down, so the
 * only per-sample cost is one clock_gettime. Finished runs are printed as
 * ordinary lines on a terminal too (the status line is erased first), so the
 * scrollback keeps the results.
 */
#include "progress.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "units.h"

#define PROGRESS_HZ 10

struct progress {
	FILE *out;
	bool tty;
	size_t total, index; /* runs in the set; 1-based index of the current one */
	char scenario[SCENARIO_NAME_MAX];
	int rep, reps;
	int64_t mem_limit, fd_limit, pids_limit; /* <= 0: none */
	int64_t last_draw_ns;
	bool drawn;    /* a status line is on the screen */
	bool no_lines; /* progress_set_lines(false) */
};

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t limit_or_none(int64_t v)
{
	/* BRINK_UNSET and BRINK_UNLIMITED are negative: no line to show */
	return v > 0 ? v : 0;
}

struct progress *progress_new(FILE *out, int tty, size_t total_runs)
{
	struct progress *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->out = out;
	if (tty < 0) {
		/* CI systems often give the job a pseudo-terminal; $CI is their
		 * common convention for "nobody is watching live". */
		const char *ci = getenv("CI");
		bool in_ci = ci && *ci && strcmp(ci, "0") != 0 && strcmp(ci, "false") != 0;
		p->tty = isatty(fileno(out)) && !in_ci;
	} else {
		p->tty = tty > 0;
	}
	p->total = total_runs;
	return p;
}

/* The terminal's width: TIOCGWINSZ on the stream, else $COLUMNS, else 80.
 * Asked at every draw (10 a second at most), so a resized window is followed. */
static int out_width(FILE *out)
{
	struct winsize ws;
	if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	const char *c = getenv("COLUMNS");
	char *end;
	long v = c ? strtol(c, &end, 10) : 0;
	if (c && *c && !*end && v > 0 && v <= 1000)
		return (int)v;
	return 80;
}

/* Append to a status line being composed; what does not fit is dropped. */
static void status_add(char *buf, size_t len, size_t *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *o, len - *o, fmt, ap);
	va_end(ap);
	if (n > 0)
		*o = *o + (size_t)n < len ? *o + (size_t)n : len - 1;
}

/* Draw the status line in place, cut to one character less than the width:
 * a line that reaches the last column would wrap on some terminals, and a
 * wrapped line is not erased by "\r\033[K", so every redraw would leave a line. */
static void status_draw(struct progress *p, char *line)
{
	int width = out_width(p->out);
	size_t max = width > 1 ? (size_t)width - 1 : 1;
	if (strlen(line) > max)
		line[max] = '\0';
	fprintf(p->out, "\r\033[K%s", line);
	fflush(p->out);
	p->drawn = true;
}

static void erase_status(struct progress *p)
{
	if (p->tty && p->drawn) {
		fputs("\r\033[K", p->out);
		p->drawn = false;
	}
}

void progress_run_start(struct progress *p, const struct scenario *sc, int rep)
{
	if (!p)
		return;
	p->index++;
	snprintf(p->scenario, sizeof(p->scenario), "%s", sc->name);
	p->rep = rep;
	p->reps = sc->repetitions;
	p->mem_limit = limit_or_none(sc->lim.v[LIM_MEMORY]);
	p->fd_limit = limit_or_none(sc->lim.v[LIM_NOFILE]);
	p->pids_limit = limit_or_none(sc->lim.v[LIM_PIDS]);
	p->last_draw_ns = 0;
	if (p->tty) {
		char line[512];
		size_t o = 0;
		status_add(line, sizeof(line), &o, "[%zu/%zu] %s rep %d/%d: starting", p->index,
			   p->total, p->scenario, rep, p->reps);
		status_draw(p, line);
		p->last_draw_ns = mono_ns();
	}
}

/* "  fds 123/4096" or "  fds 123" */
static void put_against(char *buf, size_t len, size_t *o, const char *what, int64_t v,
			int64_t limit)
{
	if (v < 0)
		return;
	if (limit > 0)
		status_add(buf, len, o, "  %s %" PRId64 "/%" PRId64, what, v, limit);
	else
		status_add(buf, len, o, "  %s %" PRId64, what, v);
}

void progress_sample(struct progress *p, const struct sample *s)
{
	if (!p || !p->tty)
		return;
	int64_t now = mono_ns();
	if (p->last_draw_ns && now - p->last_draw_ns < 1000000000 / PROGRESS_HZ)
		return;
	p->last_draw_ns = now;

	char a[32], b[32];
	/* the cgroup's usage is what the memory limit applies to; RSS when the
	 * cgroup counter is unavailable */
	int64_t mem = s->mem_bytes >= 0 ? s->mem_bytes : s->rss_bytes;
	/* RLIMIT_NOFILE is per process: the fullest process is the one at risk */
	int64_t fds = s->max_fds > 0 ? s->max_fds : s->fds;
	char line[512];
	size_t o = 0;
	status_add(line, sizeof(line), &o, "[%zu/%zu] %s rep %d/%d  %.1f s  %s %s", p->index,
		   p->total, p->scenario, p->rep, p->reps, (double)s->t_ns / 1e9,
		   s->mem_bytes >= 0 ? "mem" : "rss",
		   units_format_size_short(mem, "", a, sizeof(a)));
	if (p->mem_limit > 0)
		status_add(line, sizeof(line), &o, "/%s",
			   units_format_size_short(p->mem_limit, "", b, sizeof(b)));
	put_against(line, sizeof(line), &o, "fds", fds, p->fd_limit);
	put_against(line, sizeof(line), &o, "threads", s->threads, p->pids_limit);
	status_draw(p, line);
}

void progress_run_end(struct progress *p, const struct run_result *r)
{
	if (!p)
		return;
	erase_status(p);
	if (p->no_lines) {
		fflush(p->out);
		return;
	}
	char a[32], b[32];
	FILE *f = p->out;
	fprintf(f, "[%zu/%zu] %s rep %d: %s", p->index, p->total, r->scenario, r->rep,
		outcome_name(r->outcome));
	if (r->outcome == OUT_EXITED && r->exit_code != RES_NONE)
		fprintf(f, " (%d)", r->exit_code);
	else if (r->outcome == OUT_SIGNALED && r->signal != RES_NONE)
		fprintf(f, " (signal %d)", r->signal);
	fprintf(f, ", limit hit: %s",
		r->limit_hit != BP_NONE ? breaking_point_name(r->limit_hit) : "none");
	if (r->peak_rss_bytes >= 0)
		fprintf(f, ", peak rss %s",
			units_format_size_short(r->peak_rss_bytes, "", a, sizeof(a)));
	if (r->peak_mem_bytes >= 0)
		fprintf(f, ", mem %s",
			units_format_size_short(r->peak_mem_bytes, "", b, sizeof(b)));
	if (r->peak_fds >= 0)
		fprintf(f, ", fds %" PRId64, r->peak_fds);
	if (r->peak_threads >= 0)
		fprintf(f, ", threads %" PRId64, r->peak_threads);
	fprintf(f, ", leak %s, %s",
		r->leak == LEAK_NONE ? "none (too short)" : leak_verdict_name(r->leak),
		units_format_measure(UM_SECONDS, r->duration_s, a, sizeof(a)));
	if (r->outcome == OUT_EXEC_FAILED && r->exec_error[0])
		fprintf(f, ": %s", r->exec_error);
	if (r->expect_failure[0])
		fprintf(f, "; EXPECTATION FAILED: %s", r->expect_failure);
	fputc('\n', f);
	fflush(f);
}

void progress_set_lines(struct progress *p, bool lines)
{
	if (p)
		p->no_lines = !lines;
}

void progress_free(struct progress *p)
{
	if (!p)
		return;
	erase_status(p);
	fflush(p->out);
	free(p);
}
