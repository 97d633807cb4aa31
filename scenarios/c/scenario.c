/* scenario.c: the command line, pacing and helpers shared by the C scenarios. */
#include "scenario.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { KEY_FIXED = 1000, KEY_HELP, KEY_FIRST_OPT };

/* One row per option that takes a value; the getopt table and --help come from it. */
struct opt_row {
	const char *name;
	unsigned bit;
	const char *arg;  /* placeholder in --help */
	const char *help; /* one line */
};

static const struct opt_row opt_rows[] = {
    {"duration", SC_OPT_DURATION, "D", "stop after D (500ms, 3s, 1m; 0 = no time bound)"},
    {"rate", SC_OPT_RATE, "N", "units per second (0 = as fast as possible)"},
    {"max", SC_OPT_MAX, "N", "stop after N units (0 = no bound)"},
    {"size", SC_OPT_SIZE, "SIZE", "bytes per unit (4096, 64K, 1M)"},
    {"hold", SC_OPT_HOLD, "D", "keep what was obtained for D before exiting"},
    {"period", SC_OPT_PERIOD, "D", "timer period"},
    {"path", SC_OPT_PATH, "FILE", "file to open"},
};
#define N_OPT_ROWS (sizeof(opt_rows) / sizeof(opt_rows[0]))

int64_t sc_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_until_ns(int64_t when)
{
	struct timespec ts = {.tv_sec = when / 1000000000, .tv_nsec = when % 1000000000};
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
	}
}

void sc_sleep_ns(int64_t ns)
{
	if (ns > 0) {
		sleep_until_ns(sc_now_ns() + ns);
	}
}

/* Units for durations and sizes: tables rather than if-ladders, longest suffix first. */
struct unit {
	const char *suffix;
	double factor;
};

static const struct unit duration_units[] = {
    {"ms", 1e6}, {"us", 1e3}, {"ns", 1.0}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9},
};

static const struct unit size_units[] = {
    {"", 1.0},
    {"K", 1024.0},
    {"M", 1024.0 * 1024},
    {"G", 1024.0 * 1024 * 1024},
};

/* Parse "<number><suffix>" with the suffix from table; a bare 0 needs no suffix. */
static int parse_with_unit(const char *s, const struct unit *units, size_t n_units,
			   bool need_suffix, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno != 0 || !isfinite(v) || v < 0) {
		return -1;
	}
	if (*end == '\0' && (!need_suffix || v == 0)) {
		*out = v;
		return 0;
	}
	for (size_t i = 0; i < n_units; i++) {
		if (units[i].suffix[0] != '\0' && strcmp(end, units[i].suffix) == 0) {
			*out = v * units[i].factor;
			return 0;
		}
	}
	return -1;
}

int sc_parse_duration(const char *s, int64_t *ns)
{
	double v;
	if (parse_with_unit(s, duration_units, sizeof(duration_units) / sizeof(duration_units[0]),
			    true, &v) != 0 ||
	    v > 9e18) {
		return -1;
	}
	*ns = (int64_t)v;
	return 0;
}

int sc_parse_size(const char *s, size_t *bytes)
{
	double v;
	if (parse_with_unit(s, size_units, sizeof(size_units) / sizeof(size_units[0]), false, &v) !=
		0 ||
	    v < 1 || v > (double)SIZE_MAX / 2 || v != floor(v)) {
		return -1;
	}
	*bytes = (size_t)v;
	return 0;
}

static int parse_count(const char *s, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < 0) {
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_rate(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(v) || v < 0) {
		return -1;
	}
	*out = v;
	return 0;
}

static void format_duration(char *buf, size_t n, int64_t ns)
{
	if (ns == 0) {
		snprintf(buf, n, "0");
	} else if (ns % 1000000000 == 0) {
		snprintf(buf, n, "%" PRId64 "s", ns / 1000000000);
	} else {
		snprintf(buf, n, "%" PRId64 "ms", ns / 1000000);
	}
}

static void format_default(char *buf, size_t n, unsigned bit, const struct sc_opts *d)
{
	switch (bit) {
	case SC_OPT_DURATION:
		format_duration(buf, n, d->duration_ns);
		break;
	case SC_OPT_RATE:
		snprintf(buf, n, "%g", d->rate);
		break;
	case SC_OPT_MAX:
		snprintf(buf, n, "%lld", d->max);
		break;
	case SC_OPT_SIZE:
		snprintf(buf, n, "%zu", d->size);
		break;
	case SC_OPT_HOLD:
		format_duration(buf, n, d->hold_ns);
		break;
	case SC_OPT_PERIOD:
		format_duration(buf, n, d->period_ns);
		break;
	case SC_OPT_PATH:
		snprintf(buf, n, "%s", d->path ? d->path : "");
		break;
	default:
		buf[0] = '\0';
	}
}

/* Print "  label  text" with text wrapped at 80 columns under its first column. */
static void print_wrapped(const char *label, const char *text)
{
	enum { INDENT = 16, WIDTH = 80 };
	int col = printf("  %-*s", INDENT - 3, label);
	if (col > INDENT - 1) {
		printf("\n%*s", INDENT - 1, "");
	}
	col = INDENT - 1;
	while (*text) {
		size_t word = strcspn(text, " ");
		if (col + 1 + (int)word > WIDTH && col > INDENT - 1) {
			printf("\n%*s", INDENT - 1, "");
			col = INDENT - 1;
		}
		col += printf(" %.*s", (int)word, text);
		text += word;
		text += strspn(text, " ");
	}
	putchar('\n');
}

static void print_help(const struct sc_desc *d)
{
	printf("usage: %s [--fixed] [options]\n\n%s\n\n", d->name, d->what);
	print_wrapped("(leaky)", d->leaky);
	print_wrapped("--fixed", d->fixed);
	for (size_t i = 0; i < N_OPT_ROWS; i++) {
		if (!(d->opts & opt_rows[i].bit)) {
			continue;
		}
		char flag[32], def[64], text[256];
		snprintf(flag, sizeof(flag), "--%s %s", opt_rows[i].name, opt_rows[i].arg);
		format_default(def, sizeof(def), opt_rows[i].bit, &d->defaults);
		const char *help = opt_rows[i].help;
		if (opt_rows[i].bit == SC_OPT_MAX && d->max_help) {
			help = d->max_help;
		}
		snprintf(text, sizeof(text), "%s; default %s", help, def[0] ? def : "(see above)");
		print_wrapped(flag, text);
	}
	print_wrapped("--help", "this text");
	printf("\nUnits counted by --rate and --max: %s.\n", d->unit);
	printf("Exit status: 0 stopped at its own bound or finished; 1 could not set up;\n"
	       "2 bad option; 3 stopped by a resource limit (after printing \"Error at ...\").\n");
}

static int usage_error(const struct sc_desc *d, const char *opt, const char *value,
		       const char *expected)
{
	if (value) {
		fprintf(stderr, "%s: --%s: invalid value '%s' (expected %s)\n", d->name, opt, value,
			expected);
	} else {
		fprintf(stderr, "%s: %s\n", d->name, expected);
	}
	fprintf(stderr, "%s: try --help\n", d->name);
	return SC_EXIT_USAGE;
}

static int apply_option(const struct sc_desc *d, const struct opt_row *row, const char *v,
			struct sc_opts *o)
{
	int rc = 0;
	const char *expected = "";
	switch (row->bit) {
	case SC_OPT_DURATION:
		rc = sc_parse_duration(v, &o->duration_ns);
		expected = "a duration such as 500ms, 3s, 1m, or 0";
		break;
	case SC_OPT_RATE:
		rc = parse_rate(v, &o->rate);
		expected = "a number of units per second >= 0";
		break;
	case SC_OPT_MAX:
		rc = parse_count(v, &o->max);
		expected = "a whole number >= 0";
		break;
	case SC_OPT_SIZE:
		rc = sc_parse_size(v, &o->size);
		expected = "a size >= 1 such as 4096, 64K, 1M";
		break;
	case SC_OPT_HOLD:
		rc = sc_parse_duration(v, &o->hold_ns);
		expected = "a duration such as 500ms, 3s, or 0";
		break;
	case SC_OPT_PERIOD:
		rc = sc_parse_duration(v, &o->period_ns);
		if (rc == 0 && o->period_ns == 0) {
			rc = -1;
		}
		expected = "a duration > 0 such as 100ms, 1s";
		break;
	case SC_OPT_PATH:
		rc = v[0] == '\0' ? -1 : 0;
		o->path = v;
		expected = "a non-empty path";
		break;
	}
	if (rc != 0) {
		return usage_error(d, row->name, v, expected);
	}
	o->given |= row->bit;
	return -1;
}

int sc_parse(const struct sc_desc *desc, int argc, char **argv, struct sc_opts *o)
{
	struct option longopts[N_OPT_ROWS + 3];
	size_t n = 0;
	longopts[n++] = (struct option){"fixed", no_argument, NULL, KEY_FIXED};
	longopts[n++] = (struct option){"help", no_argument, NULL, KEY_HELP};
	for (size_t i = 0; i < N_OPT_ROWS; i++) {
		if (desc->opts & opt_rows[i].bit) {
			longopts[n++] = (struct option){opt_rows[i].name, required_argument, NULL,
							KEY_FIRST_OPT + (int)i};
		}
	}
	longopts[n] = (struct option){NULL, 0, NULL, 0};

	*o = desc->defaults;
	o->given = 0;
	opterr = 0;
	optind = 1;
	for (;;) {
		int key = getopt_long(argc, argv, "+:", longopts, NULL);
		if (key == -1) {
			break;
		}
		if (key == KEY_FIXED) {
			o->fixed = true;
		} else if (key == KEY_HELP) {
			print_help(desc);
			return SC_EXIT_OK;
		} else if (key >= KEY_FIRST_OPT && key < KEY_FIRST_OPT + (int)N_OPT_ROWS) {
			int rc = apply_option(desc, &opt_rows[key - KEY_FIRST_OPT], optarg, o);
			if (rc >= 0) {
				return rc;
			}
		} else {
			/* With "+:" getopt_long returns ':' for a missing value, '?' otherwise. */
			char msg[256];
			snprintf(msg, sizeof(msg),
				 key == ':' ? "option '%s' needs a value" : "unknown option '%s'",
				 argv[optind - 1]);
			return usage_error(desc, NULL, NULL, msg);
		}
	}
	if (optind < argc) {
		char msg[256];
		snprintf(msg, sizeof(msg), "unexpected argument '%s'", argv[optind]);
		return usage_error(desc, NULL, NULL, msg);
	}
	return -1;
}

void sc_pacer_init(struct sc_pacer *p, const struct sc_opts *o)
{
	p->start_ns = sc_now_ns();
	p->deadline_ns = o->duration_ns > 0 ? p->start_ns + o->duration_ns : 0;
	p->rate = o->rate;
	p->max = o->max;
	p->done = 0;
}

bool sc_pacer_next(struct sc_pacer *p)
{
	if (p->max > 0 && p->done >= p->max) {
		return false;
	}
	if (p->rate > 0) {
		/* Unit k (0-based) is due at start + k / rate. */
		int64_t due = p->start_ns + (int64_t)((double)p->done * 1e9 / p->rate);
		if (p->deadline_ns && due >= p->deadline_ns) {
			sleep_until_ns(p->deadline_ns);
			return false;
		}
		if (sc_now_ns() < due) {
			sleep_until_ns(due);
		}
	}
	if (p->deadline_ns && sc_now_ns() >= p->deadline_ns) {
		return false;
	}
	p->done++;
	return true;
}

void sc_touch(void *p, size_t n)
{
	volatile unsigned char *b = p;
	long page = sysconf(_SC_PAGESIZE);
	size_t step = page > 0 ? (size_t)page : 4096;
	for (size_t i = 0; i < n; i += step) {
		b[i] = (unsigned char)(i / step + 1);
	}
	if (n > 0) {
		b[n - 1] = 1;
	}
}

int sc_thread_start(pthread_t *tid, void *(*fn)(void *), void *arg, bool detached)
{
	pthread_attr_t attr;
	int rc = pthread_attr_init(&attr);
	if (rc != 0) {
		return rc;
	}
	rc = pthread_attr_setstacksize(&attr, SC_THREAD_STACK);
	if (rc == 0 && detached) {
		rc = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	}
	if (rc == 0) {
		rc = pthread_create(tid, &attr, fn, arg);
	}
	pthread_attr_destroy(&attr);
	return rc;
}

void sc_note(const struct sc_desc *desc, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", desc->name, buf);
}
