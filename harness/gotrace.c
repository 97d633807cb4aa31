/* gotrace.c - gctrace lines and goroutine dumps (see gotrace.h). */
#include "gotrace.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* DIGITS at *p into *v; advances *p. -1 when there are none or they overflow. */
static int take_int(const char **p, int64_t *v)
{
	if (**p < '0' || **p > '9')
		return -1;
	char *end;
	errno = 0;
	long long n = strtoll(*p, &end, 10);
	if (errno != 0)
		return -1;
	*v = n;
	*p = end;
	return 0;
}

/* DIGITS [. DIGITS] at *p into *v; advances *p. */
static int take_num(const char **p, double *v)
{
	if (**p < '0' || **p > '9')
		return -1;
	char *end;
	*v = strtod(*p, &end);
	*p = end;
	return 0;
}

static int take_lit(const char **p, const char *lit)
{
	size_t n = strlen(lit);
	if (strncmp(*p, lit, n) != 0)
		return -1;
	*p += n;
	return 0;
}

#define MIB (1LL << 20)

/* v MiB in bytes into *out; -1 when that does not fit an int64_t (a line that
 * says so is not one the runtime wrote). */
static int mib(int64_t v, int64_t *out)
{
	if (v < 0 || v > INT64_MAX / MIB)
		return -1;
	*out = v * MIB;
	return 0;
}

/* "A->B->C MB" */
static int heap_field(const char *f, size_t n, struct gc_line *g)
{
	int64_t a, b, c;
	const char *p = f;
	if (take_int(&p, &a) || take_lit(&p, "->") || take_int(&p, &b) || take_lit(&p, "->") ||
	    take_int(&p, &c) || take_lit(&p, " MB") || p != f + n)
		return -1;
	return mib(a, &g->heap_start) || mib(b, &g->heap_end) || mib(c, &g->heap_live) ? -1 : 0;
}

/* "G MB goal" */
static int goal_field(const char *f, size_t n, struct gc_line *g)
{
	int64_t v;
	const char *p = f;
	if (take_int(&p, &v) || take_lit(&p, " MB goal") || p != f + n)
		return -1;
	return mib(v, &g->heap_goal);
}

int gctrace_parse_line(const char *line, struct gc_line *g)
{
	const char *p = line;
	int64_t num;
	double at, pct;
	if (take_lit(&p, "gc ") || take_int(&p, &num) || take_lit(&p, " @"))
		return 0;
	struct gc_line x = {.num = num, .heap_start = -1, .heap_live = -1, .heap_goal = -1};
	if (take_num(&p, &at) || take_lit(&p, "s ") || take_num(&p, &pct) || take_lit(&p, "%: "))
		return -1;
	x.at_s = at;
	/* The rest: fields separated by ", "; the last may end in " (forced)". */
	size_t len = strlen(p);
	static const char forced[] = " (forced)";
	if (len >= sizeof(forced) - 1 && strcmp(p + len - (sizeof(forced) - 1), forced) == 0) {
		x.forced = 1;
		len -= sizeof(forced) - 1;
	}
	const char *end = p + len;
	while (p < end) {
		const char *sep = strstr(p, ", ");
		size_t n = sep && sep < end ? (size_t)(sep - p) : (size_t)(end - p);
		if (memchr(p, '>', n) && heap_field(p, n, &x) != 0)
			return -1;
		if (n > 5 && memcmp(p + n - 5, " goal", 5) == 0 && goal_field(p, n, &x) != 0)
			return -1;
		p += n;
		if (p < end)
			p += 2;
	}
	if (x.heap_live < 0 || x.heap_goal < 0)
		return -1;
	*g = x;
	return 1;
}

/* ---- goroutine dumps ---------------------------------------------------- */

/* "goroutine N [STATE...]:" -> the state (up to a ',' or ']') in st, N in *id. */
static bool dump_header(const char *line, char *st, size_t len, int64_t *id)
{
	const char *p = line;
	if (take_lit(&p, "goroutine ") || take_int(&p, id) || *p != ' ')
		return false;
	const char *open = strchr(p, '[');
	const char *close = open ? strrchr(open, ']') : NULL;
	if (!open || !close || strcmp(close, "]:") != 0)
		return false;
	size_t n = strcspn(open + 1, ",]");
	snprintf(st, len, "%.*s", (int)n, open + 1);
	return true;
}

/* A function line without its argument list: "main.(*T).m(0x1, {...})" ->
 * "main.(*T).m"; "main.f(...)" -> "main.f". */
static void func_name(const char *line, char *out, size_t len)
{
	size_t n = strlen(line);
	if (n > 0 && line[n - 1] == ')') {
		int depth = 0;
		for (size_t i = n; i-- > 0;) {
			if (line[i] == ')')
				depth++;
			else if (line[i] == '(' && --depth == 0) {
				n = i;
				break;
			}
		}
	}
	snprintf(out, len, "%.*s", (int)n, line);
}

/* "\t/path/to/main.go:52 +0xbb fp=..." -> "main.go:52" */
static void frame_where(const char *line, char *out, size_t len)
{
	const char *p = line + strspn(line, "\t ");
	size_t n = strcspn(p, " ");
	const char *slash = memrchr(p, '/', n);
	if (slash) {
		n -= (size_t)(slash + 1 - p);
		p = slash + 1;
	}
	snprintf(out, len, "%.*s", (int)n, p);
}

struct gor_cur {
	bool open;	   /* inside a goroutine block */
	bool have_user;	   /* a frame outside the runtime was chosen */
	bool frames_done;  /* "created by" seen */
	bool creator;	   /* the line after "created by F" is F's file line */
	char pending[160]; /* the function of the frame whose file line comes next */
	struct gor_group g;
};

/* Is a frame the runtime's? Its function is runtime.*, or its file is in
 * GOROOT's runtime directory ("runtime/time.go" when built with -trimpath,
 * ".../src/runtime/time.go" otherwise): time.Sleep lives there (a linkname). */
static bool runtime_frame(const char *func, const char *fileline)
{
	if (strncmp(func, "runtime.", 8) == 0)
		return true;
	const char *p = fileline + strspn(fileline, "\t ");
	size_t n = strcspn(p, " ");
	const char *slash = memrchr(p, '/', n);
	if (!slash)
		return false;
	size_t dir = (size_t)(slash - p);
	return (dir == 7 && memcmp(p, "runtime", 7) == 0) ||
	       (dir >= 12 && memcmp(slash - 12, "/src/runtime", 12) == 0);
}

static int add_group(struct gor_dump *d, const struct gor_group *g, size_t *cap)
{
	d->total++;
	for (size_t i = 0; i < d->n; i++) {
		struct gor_group *x = &d->groups[i];
		if (strcmp(x->state, g->state) == 0 && strcmp(x->func, g->func) == 0 &&
		    strcmp(x->where, g->where) == 0) {
			x->count++;
			return 0;
		}
	}
	if (d->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct gor_group *ng = realloc(d->groups, nc * sizeof(*ng));
		if (!ng)
			return -1;
		d->groups = ng;
		*cap = nc;
	}
	d->groups[d->n] = *g;
	d->groups[d->n].count = 1;
	d->n++;
	return 0;
}

static int cmp_group(const void *a, const void *b)
{
	const struct gor_group *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	int c = strcmp(x->state, y->state);
	return c ? c : strcmp(x->func, y->func);
}

static int close_cur(struct gor_cur *c, struct gor_dump *d, size_t *cap)
{
	if (!c->open)
		return 0;
	c->open = false;
	return add_group(d, &c->g, cap);
}

/* A goroutine without a frame of its own: "goroutine running on other thread;
 * stack unavailable" (the runtime prints no stack for one that runs while the
 * dump is written, runtime/traceback.go). */
static const char no_stack[] = "stack unavailable";

int gor_dump_parse(FILE *f, struct gor_dump *d)
{
	memset(d, 0, sizeof(*d));
	size_t cap = 0, lcap = 0;
	char *line = NULL;
	ssize_t n;
	struct gor_cur c = {0};
	bool found = false;
	int rc = 0;
	errno = 0;
	while ((n = getline(&line, &lcap, f)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		char st[sizeof(c.g.state)];
		if (strncmp(line, "SIGQUIT: ", 9) == 0) {
			/* A new dump: what came before was an earlier one. */
			c.open = false;
			d->total = 0;
			d->n = 0;
			continue;
		}
		int64_t id;
		if (dump_header(line, st, sizeof(st), &id)) {
			if (close_cur(&c, d, &cap) != 0)
				goto oom;
			memset(&c, 0, sizeof(c));
			/* goroutine 0 is the g0 of the thread that took the signal (its
			 * scheduler stack), no goroutine of the program: not counted. */
			c.open = id != 0;
			found = true;
			snprintf(c.g.state, sizeof(c.g.state), "%s", st);
			continue;
		}
		if (!c.open)
			continue;
		if (n == 0) {
			if (close_cur(&c, d, &cap) != 0)
				goto oom;
			continue;
		}
		if (c.creator) {
			/* no frame of its own: where its creator started it */
			c.creator = false;
			if (line[0] == '\t')
				frame_where(line, c.g.where, sizeof(c.g.where));
			continue;
		}
		if (c.frames_done)
			continue;
		if (line[0] == '\t' && strstr(line, "stack unavailable") && !c.g.func[0]) {
			snprintf(c.g.func, sizeof(c.g.func), "%s", no_stack);
			continue;
		}
		if (line[0] == '\t') {
			/* the file line of the frame named by the line before */
			if (!c.have_user && c.pending[0]) {
				bool rt = runtime_frame(c.pending, line);
				if (!rt || !c.g.func[0]) {
					snprintf(c.g.func, sizeof(c.g.func), "%s", c.pending);
					frame_where(line, c.g.where, sizeof(c.g.where));
					c.have_user = !rt;
				}
			}
			c.pending[0] = '\0';
			continue;
		}
		if (strncmp(line, "created by ", 11) == 0) {
			c.frames_done = true;
			if (strcmp(c.g.func, no_stack) == 0) {
				/* "stack unavailable, created by main.main" */
				char fn[sizeof(c.g.func)];
				func_name(line + 11, fn, sizeof(fn));
				fn[strcspn(fn, " ")] = '\0'; /* drop " in goroutine N" */
				snprintf(c.g.func, sizeof(c.g.func), "%s, created by %.100s",
					 no_stack, fn);
				c.creator = true;
			}
			continue;
		}
		/* A function line ("...additional frames elided..." is none). */
		if (line[0] == '.')
			c.pending[0] = '\0';
		else
			func_name(line, c.pending, sizeof(c.pending));
	}
	if (ferror(f)) {
		rc = -1;
		goto out;
	}
	if (close_cur(&c, d, &cap) != 0)
		goto oom;
	if (d->n > 1)
		qsort(d->groups, d->n, sizeof(d->groups[0]), cmp_group);
	rc = found ? 1 : 0;
	goto out;
oom:
	errno = ENOMEM;
	rc = -1;
out:
	free(line);
	if (rc <= 0) {
		int e = errno;
		gor_dump_free(d);
		errno = e;
	}
	return rc;
}

void gor_dump_free(struct gor_dump *d)
{
	free(d->groups);
	d->groups = NULL;
	d->n = 0;
	d->total = 0;
}

void gor_group_format(const struct gor_group *g, char *buf, size_t len)
{
	snprintf(buf, len, "%lld [%s] %s%s%s", (long long)g->count, g->state, g->func,
		 g->where[0] ? " at " : "", g->where);
}
