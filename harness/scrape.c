/* scrape.c - Prometheus text and pprof totals over HTTP (see scrape.h). */
#include "scrape.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

#ifndef BRINK_NO_CURL
#include <curl/curl.h>
#endif

/* ---- the text exposition format ---------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

static bool name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

/* A metric name at p (label names: no ':'); its length, 0 if none. */
static size_t name_len(const char *p, const char *end, bool label)
{
	size_t n = 0;
	if (p >= end || !name_start(*p) || (label && *p == ':'))
		return 0;
	while (p + n < end && name_char(p[n]) && !(label && p[n] == ':'))
		n++;
	return n;
}

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return p;
}

/* A float as Go's and Prometheus' writers print it: NaN, +Inf, -Inf, or
 * [+-]digits[.digits][(e|E)[+-]digits] (also ".5"). */
static int parse_value(const char *p, size_t n, double *v)
{
	char buf[64];
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	if (strcmp(buf, "NaN") == 0) {
		*v = NAN;
		return 0;
	}
	if (strcmp(buf, "+Inf") == 0 || strcmp(buf, "-Inf") == 0) {
		*v = buf[0] == '-' ? -INFINITY : INFINITY;
		return 0;
	}
	if (strspn(buf, "0123456789.eE+-") != n || !strpbrk(buf, "0123456789"))
		return -1;
	char *e;
	errno = 0;
	*v = strtod(buf, &e);
	return *e || errno == ERANGE ? -1 : 0;
}

static int parse_ts(const char *p, size_t n, int64_t *ts)
{
	char buf[32];
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	const char *d = buf[0] == '-' ? buf + 1 : buf;
	if (!*d || strspn(d, "0123456789") != strlen(d))
		return -1;
	char *e;
	errno = 0;
	long long v = strtoll(buf, &e, 10);
	if (*e || errno)
		return -1;
	*ts = v;
	return 0;
}

static const char *const prom_types[] = {"counter", "gauge", "histogram", "summary", "untyped"};

/* One "# ..." line. NULL or the reason it is wrong. */
static const char *comment_line(const char *p, const char *end)
{
	p = skip_blanks(p + 1, end);
	size_t w = 0;
	while (p + w < end && !is_blank(p[w]))
		w++;
	bool help = w == 4 && memcmp(p, "HELP", 4) == 0;
	bool type = w == 4 && memcmp(p, "TYPE", 4) == 0;
	if (!help && !type)
		return NULL; /* a plain comment */
	p = skip_blanks(p + w, end);
	size_t n = name_len(p, end, false);
	if (n == 0)
		return help ? "expected a metric name after # HELP"
			    : "expected a metric name after # TYPE";
	if (p + n < end && !is_blank(p[n]))
		return "expected a blank after the metric name";
	if (help)
		return NULL; /* the docstring is free text */
	p = skip_blanks(p + n, end);
	size_t t = 0;
	while (p + t < end && !is_blank(p[t]))
		t++;
	for (size_t i = 0; i < sizeof(prom_types) / sizeof(prom_types[0]); i++)
		if (strlen(prom_types[i]) == t && memcmp(prom_types[i], p, t) == 0)
			return skip_blanks(p + t, end) == end ? NULL
							      : "expected nothing after the type";
	return "expected a type: counter, gauge, histogram, summary or untyped";
}

/* One sample line into s. NULL or the reason it is wrong. */
static const char *sample_line(const char *p, const char *end, struct prom_sample *s)
{
	size_t n = name_len(p, end, false);
	if (n == 0)
		return "expected a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)";
	s->name = p;
	s->name_len = n;
	s->labels = "";
	s->labels_len = 0;
	s->ts_ms = INT64_MIN;
	p += n;
	if (p < end && *p == '{') {
		const char *open = ++p;
		for (;;) {
			p = skip_blanks(p, end);
			if (p < end && *p == '}')
				break;
			size_t ln = name_len(p, end, true);
			if (ln == 0)
				return "expected a label name or }";
			p = skip_blanks(p + ln, end);
			if (p >= end || *p != '=')
				return "expected = after the label name";
			p = skip_blanks(p + 1, end);
			if (p >= end || *p != '"')
				return "expected a quoted label value";
			for (p++; p < end && *p != '"'; p++) {
				if (*p != '\\')
					continue;
				if (p + 1 >= end || !strchr("\\\"n", p[1]))
					return "expected \\\\, \\\" or \\n in a label value";
				p++;
			}
			if (p >= end)
				return "expected the closing quote of a label value";
			p = skip_blanks(p + 1, end);
			if (p < end && *p == ',') {
				p++;
				continue;
			}
			if (p < end && *p == '}')
				break;
			return "expected , or } after a label";
		}
		s->labels = open;
		s->labels_len = (size_t)(p - open);
		p++; /* the } */
	}
	if (p >= end || !is_blank(*p))
		return "expected a blank before the value";
	p = skip_blanks(p, end);
	const char *v = p;
	while (p < end && !is_blank(*p))
		p++;
	if (parse_value(v, (size_t)(p - v), &s->value) != 0)
		return "expected a value: a number, NaN, +Inf or -Inf";
	p = skip_blanks(p, end);
	if (p < end) {
		const char *t = p;
		while (p < end && !is_blank(*p))
			p++;
		if (parse_ts(t, (size_t)(p - t), &s->ts_ms) != 0)
			return "expected a timestamp in milliseconds (an integer) or the end of "
			       "the line";
		if (skip_blanks(p, end) != end)
			return "expected the end of the line after the timestamp";
	}
	return NULL;
}

/* The series seen so far in a body (name and labels as written), to refuse a
 * second sample of one: the format allows a series once per exposition
 * ("Each line must have a unique combination of a metric name and labels",
 * exposition_formats.md). Open addressing on an FNV-1a hash. */
struct seen {
	struct seen_slot {
		uint64_t h;
		const char *name, *labels;
		size_t name_len, labels_len;
		int line;
	} * slot;
	size_t cap, n;
};

static uint64_t fnv(uint64_t h, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return h;
}

/* 0 when new (recorded), the line of the first sample when seen, -1 on ENOMEM. */
static int seen_add(struct seen *t, const struct prom_sample *s, int line)
{
	if (2 * (t->n + 1) > t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 64;
		struct seen_slot *ns = calloc(nc, sizeof(*ns));
		if (!ns)
			return -1;
		for (size_t i = 0; i < t->cap; i++) {
			if (!t->slot[i].name)
				continue;
			size_t j = t->slot[i].h & (nc - 1);
			while (ns[j].name)
				j = (j + 1) & (nc - 1);
			ns[j] = t->slot[i];
		}
		free(t->slot);
		t->slot = ns;
		t->cap = nc;
	}
	uint64_t h = fnv(fnv(14695981039346656037ULL, s->name, s->name_len), "{", 1);
	h = fnv(h, s->labels, s->labels_len);
	size_t j = h & (t->cap - 1);
	for (; t->slot[j].name; j = (j + 1) & (t->cap - 1)) {
		struct seen_slot *x = &t->slot[j];
		if (x->h == h && x->name_len == s->name_len && x->labels_len == s->labels_len &&
		    memcmp(x->name, s->name, s->name_len) == 0 &&
		    memcmp(x->labels, s->labels, s->labels_len) == 0)
			return x->line;
	}
	t->slot[j] = (struct seen_slot){h, s->name, s->labels, s->name_len, s->labels_len, line};
	t->n++;
	return 0;
}

int prom_parse(const char *text, size_t len, prom_fn fn, void *arg, struct berr *err)
{
	const char *p = text, *stop = text + len;
	struct seen seen = {0};
	for (int line = 1; p < stop; line++) {
		const char *nl = memchr(p, '\n', (size_t)(stop - p));
		const char *end = nl ? nl : stop;
		const char *q = skip_blanks(p, end);
		const char *why = NULL;
		struct prom_sample s;
		if (memchr(p, '\0', (size_t)(end - p)) || memchr(p, '\r', (size_t)(end - p)))
			why = "expected text lines ended by \\n (no NUL, no \\r)";
		else if (q == end)
			why = NULL;
		else if (*q == '#')
			why = comment_line(q, end);
		else if (!(why = sample_line(q, end, &s))) {
			int first = seen_add(&seen, &s, line);
			if (first != 0) {
				free(seen.slot);
				if (first < 0)
					return berr_set(err, ENOMEM, "line %d: out of memory",
							line);
				return berr_set(
				    err, 0,
				    "line %d: %.*s%s%.*s%s a second time (first on line "
				    "%d): a series appears once per exposition",
				    line, (int)s.name_len, s.name, s.labels_len ? "{" : "",
				    (int)s.labels_len, s.labels, s.labels_len ? "}" : "", first);
			}
			fn(arg, &s);
		}
		if (why) {
			free(seen.slot);
			return berr_set(err, 0, "line %d: %s", line, why);
		}
		p = nl ? nl + 1 : stop;
	}
	free(seen.slot);
	return 0;
}

int pprof_goroutine_total(const char *text, size_t len, int64_t *n)
{
	static const char head[] = "goroutine profile: total ";
	size_t hl = sizeof(head) - 1;
	if (len <= hl || memcmp(text, head, hl) != 0)
		return 0;
	int64_t v = 0;
	size_t i = hl;
	for (; i < len && text[i] >= '0' && text[i] <= '9' && v < INT64_MAX / 10; i++)
		v = v * 10 + (text[i] - '0');
	if (i == hl || (i < len && text[i] != '\n'))
		return 0;
	*n = v;
	return 1;
}

/* ---- scraping -------------------------------------------------------------- */

int scrape_parse_names(const char *v, char names[][64], int *n, const char **why)
{
	int k = 0;
	for (const char *p = v;;) {
		size_t w = strcspn(p, ",");
		if (k == SCRAPE_NAMES_MAX || w == 0 || w >= 64 || name_len(p, p + w, false) != w) {
			*why = "expected 1 to 8 metric names ([a-zA-Z_:][a-zA-Z0-9_:]*) separated "
			       "by ,";
			return -1;
		}
		memcpy(names[k], p, w);
		names[k][w] = '\0';
		k++;
		p += w;
		if (!*p)
			break;
		p++;
	}
	*n = k;
	return 0;
}

#define SCRAPE_BODY_MAX (16 << 20)

struct scrape {
	char names[SCRAPE_NAMES_MAX][64];
	int n;
	struct csv csv;
	char *body;
	size_t len, cap;
	bool too_big, running;
	int64_t due, started;
	double values[SCRAPE_NAMES_MAX];
	bool have[SCRAPE_NAMES_MAX];
	/* what a body held when none of the names was in it */
	int64_t body_samples;
	char found[160];
	bool found_more; /* names left out of found */
#ifndef BRINK_NO_CURL
	CURLM *multi;
	CURL *easy;
#endif
};

#ifdef BRINK_NO_CURL

bool scrape_available(void)
{
	return false;
}

struct scrape *scrape_new(const char *url, const char names[][64], int n, const char *dir,
			  struct berr *err)
{
	(void)url, (void)names, (void)n, (void)dir;
	berr_set(err, 0, "metrics-url: this brink was built without libcurl (static build)");
	return NULL;
}

int scrape_step(struct scrape *s, int64_t now, int64_t t0, int64_t interval, char *why,
		size_t whylen)
{
	(void)s, (void)now, (void)t0, (void)interval, (void)why, (void)whylen;
	return 0;
}

void scrape_free(struct scrape *s)
{
	(void)s;
}

#else

bool scrape_available(void)
{
	return true;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct scrape *s = arg;
	size_t n = size * nmemb;
	if (s->len + n > SCRAPE_BODY_MAX) {
		s->too_big = true;
		return 0; /* libcurl aborts the transfer */
	}
	if (s->len + n + 1 > s->cap) {
		size_t nc = s->cap ? s->cap : 65536;
		while (nc < s->len + n + 1)
			nc *= 2;
		char *nb = realloc(s->body, nc);
		if (!nb)
			return 0;
		s->body = nb;
		s->cap = nc;
	}
	memcpy(s->body + s->len, data, n);
	s->len += n;
	s->body[s->len] = '\0';
	return n;
}

struct scrape *scrape_new(const char *url, const char names[][64], int n, const char *dir,
			  struct berr *err)
{
	static bool global_done;
	if (!global_done) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
			berr_set(err, 0, "metrics-url: cannot initialise libcurl");
			return NULL;
		}
		global_done = true;
	}
	struct scrape *s = calloc(1, sizeof(*s));
	if (!s) {
		berr_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	memcpy(s->names, names, sizeof(s->names[0]) * (size_t)n);
	s->n = n;
	s->multi = curl_multi_init();
	s->easy = curl_easy_init();
	if (!s->multi || !s->easy) {
		berr_set(err, 0, "metrics-url: cannot create a libcurl handle");
		goto fail;
	}
	curl_easy_setopt(s->easy, CURLOPT_URL, url);
	curl_easy_setopt(s->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(s->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->easy, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(s->easy, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(s->easy, CURLOPT_USERAGENT, "brink");

	char path[4096], header[64 * (SCRAPE_NAMES_MAX + 1)];
	snprintf(path, sizeof(path), "%s/metrics.csv", dir);
	size_t o = (size_t)snprintf(header, sizeof(header), "t_s");
	for (int i = 0; i < n; i++)
		o += (size_t)snprintf(header + o, sizeof(header) - o, ",%s", names[i]);
	if (csv_open(&s->csv, path, header, err) != 0)
		goto fail;
	return s;
fail:
	scrape_free(s);
	return NULL;
}

static void on_sample(void *arg, const struct prom_sample *ps)
{
	struct scrape *s = arg;
	/* the first few distinct names, to say what the body had */
	size_t fl = strlen(s->found);
	bool known = false;
	for (const char *f = s->found; *f;) {
		size_t n = strcspn(f, ",");
		known |= n == ps->name_len && memcmp(f, ps->name, n) == 0;
		f += n + (f[n] == ',');
	}
	if (!known && fl + ps->name_len + 2 >= sizeof(s->found))
		s->found_more = true;
	else if (!known)
		snprintf(s->found + fl, sizeof(s->found) - fl, "%s%.*s", fl ? "," : "",
			 (int)ps->name_len, ps->name);
	s->body_samples++;
	for (int i = 0; i < s->n; i++) {
		if (strlen(s->names[i]) == ps->name_len &&
		    memcmp(s->names[i], ps->name, ps->name_len) == 0) {
			s->values[i] = s->have[i] ? s->values[i] + ps->value : ps->value;
			s->have[i] = true;
		}
	}
}

int scrape_step(struct scrape *s, int64_t now, int64_t t0, int64_t interval, char *why,
		size_t whylen)
{
	if (!s)
		return 0;
	if (!s->running) {
		if (now < s->due)
			return 0;
		s->len = 0;
		s->too_big = false;
		s->started = now;
		/* a fetch that outlives the interval is cut there */
		curl_easy_setopt(s->easy, CURLOPT_TIMEOUT_MS, (long)(interval / 1000000));
		if (curl_multi_add_handle(s->multi, s->easy) != CURLM_OK) {
			snprintf(why, whylen, "cannot start a fetch");
			s->due = now + interval;
			return -1;
		}
		s->running = true;
	}
	int still = 0;
	curl_multi_perform(s->multi, &still);
	int left;
	CURLMsg *m = curl_multi_info_read(s->multi, &left);
	if (!m || m->msg != CURLMSG_DONE)
		return 0;
	CURLcode rc = m->data.result;
	curl_multi_remove_handle(s->multi, s->easy);
	s->running = false;
	s->due = s->started + interval;
	if (rc != CURLE_OK) {
		long code = 0;
		curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code);
		if (rc == CURLE_HTTP_RETURNED_ERROR)
			snprintf(why, whylen, "HTTP status %ld", code);
		else
			snprintf(why, whylen, "%s",
				 s->too_big ? "body larger than 16 MiB" : curl_easy_strerror(rc));
		return -1;
	}
	memset(s->have, 0, sizeof(s->have));
	s->body_samples = 0;
	s->found[0] = '\0';
	s->found_more = false;
	int64_t total;
	struct berr e = {0};
	bool any = false;
	if (pprof_goroutine_total(s->body ? s->body : "", s->len, &total)) {
		for (int i = 0; i < s->n; i++)
			if (strcmp(s->names[i], "pprof_goroutines") == 0) {
				s->values[i] = (double)total;
				s->have[i] = any = true;
			}
		if (!any) {
			snprintf(why, whylen,
				 "a pprof goroutine profile (total %lld), but metrics does not "
				 "name pprof_goroutines",
				 (long long)total);
			return -1;
		}
	} else if (prom_parse(s->body ? s->body : "", s->len, on_sample, s, &e) != 0) {
		snprintf(why, whylen, "not Prometheus text: %s", e.msg);
		return -1;
	}
	for (int i = 0; i < s->n; i++)
		any |= s->have[i];
	if (!any) {
		/* an empty row says nothing: say what the body had instead */
		if (s->body_samples == 0)
			snprintf(why, whylen, "no sample in the body (%zu bytes)", s->len);
		else
			snprintf(why, whylen,
				 "none of the metrics names in the body; its %lld "
				 "samples are of %.160s%s",
				 (long long)s->body_samples, s->found, s->found_more ? ",..." : "");
		return -1;
	}
	fprintf(s->csv.f, "%.6f", (double)(s->started - t0) / 1e9);
	for (int i = 0; i < s->n; i++) {
		if (s->have[i])
			fprintf(s->csv.f, ",%.17g", s->values[i]);
		else
			fputc(',', s->csv.f);
	}
	fputc('\n', s->csv.f);
	return 1;
}

void scrape_free(struct scrape *s)
{
	if (!s)
		return;
	if (s->running)
		curl_multi_remove_handle(s->multi, s->easy);
	if (s->easy)
		curl_easy_cleanup(s->easy);
	if (s->multi)
		curl_multi_cleanup(s->multi);
	if (s->csv.f) {
		struct berr e = {0};
		if (csv_commit(&s->csv, &e) != 0)
			fprintf(stderr, "brink: %s\n", e.msg);
	}
	free(s->body);
	free(s);
}

#endif
