/* merge.c - `brink merge OUT DIR...` (see merge.h). */
#include "merge.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "afile.h"
#include "commands.h"
#include "config.h"
#include "csvread.h"
#include "json.h"
#include "path.h"
#include "record.h"
#include "result.h"
#include "shard.h"

/* One key = value of a [machine] section, in file order. */
struct kv {
	char *section; /* "machine shard K" as it goes into the merged run.ini */
	char *key, *value;
};

/* What one DIR brings. */
struct part {
	const char *dir;
	char digest[SHARD_DIGEST_LEN];
	int count;	/* N */
	int *shards;	/* its shard numbers, 1..N */
	size_t nshards; /* 0 until [shard] shards = is read */
	long runs, total;
	struct kv *machine;
	size_t nmachine;
	bool bad_shard; /* a [shard] value could not be read */
};

static void part_free(struct part *p)
{
	for (size_t i = 0; i < p->nmachine; i++) {
		free(p->machine[i].section);
		free(p->machine[i].key);
		free(p->machine[i].value);
	}
	free(p->machine);
	free(p->shards);
}

static int parse_long(const char *s, long *v)
{
	char *end;
	errno = 0;
	long x = strtol(s, &end, 10);
	if (errno || end == s || *end)
		return -1;
	*v = x;
	return 0;
}

/* "2" or "1,2,3" into p->shards. */
static int parse_shards(struct part *p, const char *s)
{
	char *copy = strdup(s);
	if (!copy)
		return -1;
	int rc = 0;
	for (char *save, *t = strtok_r(copy, ",", &save); t && rc == 0;
	     t = strtok_r(NULL, ",", &save)) {
		long k;
		int *ns = realloc(p->shards, (p->nshards + 1) * sizeof(*ns));
		if (!ns || parse_long(t, &k) != 0 || k < 1 || k > SHARD_MAX) {
			if (ns)
				p->shards = ns;
			rc = -1;
			break;
		}
		p->shards = ns;
		p->shards[p->nshards++] = (int)k;
	}
	free(copy);
	return rc;
}

static int add_machine(struct part *p, const char *section, const char *key, const char *value)
{
	struct kv *m = realloc(p->machine, (p->nmachine + 1) * sizeof(*m));
	if (!m)
		return -1;
	p->machine = m;
	struct kv *e = &m[p->nmachine];
	e->section = strdup(section);
	e->key = strdup(key);
	e->value = strdup(value);
	if (!e->section || !e->key || !e->value) {
		free(e->section);
		free(e->key);
		free(e->value);
		return -1;
	}
	p->nmachine++;
	return 0;
}

/* inih handler over a run.ini: [shard] and the [machine] sections. A plain
 * [machine] is relabelled once the shard numbers are known (part_read). */
static int runini_handler(void *user, const char *section, const char *name, const char *value)
{
	struct part *p = user;
	if (strcmp(section, "shard") == 0) {
		long v;
		if (strcmp(name, "digest") == 0) {
			if (strncmp(value, "sha256:", 7) != 0 || strlen(value) != 71)
				p->bad_shard = true;
			snprintf(p->digest, sizeof(p->digest), "%s", value);
		} else if (strcmp(name, "count") == 0) {
			if (parse_long(value, &v) != 0 || v < 1 || v > SHARD_MAX)
				p->bad_shard = true;
			else
				p->count = (int)v;
		} else if (strcmp(name, "shards") == 0) {
			if (p->nshards || parse_shards(p, value) != 0)
				p->bad_shard = true;
		} else if (strcmp(name, "runs") == 0) {
			if (parse_long(value, &p->runs) != 0)
				p->bad_shard = true;
		} else if (strcmp(name, "total") == 0) {
			if (parse_long(value, &p->total) != 0)
				p->bad_shard = true;
		}
		return 1;
	}
	if (strcmp(section, "machine") == 0 || strncmp(section, "machine shard ", 14) == 0)
		return add_machine(p, section, name, value) == 0;
	return 1;
}

/* Read DIR/run.ini into p. 0, or -1 with the reason on stderr. */
static int part_read(struct part *p, const char *dir)
{
	memset(p, 0, sizeof(*p));
	p->dir = dir;
	p->runs = p->total = -1;
	char path[PATH_MAX];
	if (path_fmt(path, sizeof(path), "%s/run.ini", dir) != 0) {
		fprintf(stderr, "brink merge: %s/run.ini: path too long\n", dir);
		return -1;
	}
	int line = config_ini_parse(path, runini_handler, p);
	if (line < 0) {
		fprintf(stderr, "brink merge: cannot read %s: %s\n", path,
			line == -1 ? strerror(errno) : "out of memory");
		return -1;
	}
	if (line > 0) {
		fprintf(stderr, "brink merge: %s:%d: cannot parse\n", path, line);
		return -1;
	}
	if (!p->digest[0] || !p->count || !p->nshards) {
		fprintf(stderr,
			"brink merge: %s: no [shard] section with digest, count and shards (not a "
			"result of brink run, or of a brink older than --shard)\n",
			path);
		return -1;
	}
	if (p->bad_shard) {
		fprintf(stderr, "brink merge: %s: [shard]: a value cannot be read\n", path);
		return -1;
	}
	for (size_t i = 0; i < p->nshards; i++) {
		if (p->shards[i] > p->count) {
			fprintf(stderr, "brink merge: %s: [shard] shards: %d is above count %d\n",
				path, p->shards[i], p->count);
			return -1;
		}
	}
	/* A single shard's own probe becomes [machine shard K]. */
	char label[64];
	snprintf(label, sizeof(label), "machine shard %d", p->shards[0]);
	for (size_t i = 0; i < p->nmachine; i++) {
		if (strcmp(p->machine[i].section, "machine") != 0)
			continue;
		char *l = strdup(label);
		if (!l)
			return -1;
		free(p->machine[i].section);
		p->machine[i].section = l;
	}
	return 0;
}

/* The effective-config part of DIR/run.ini: every line before the first
 * [machine...] or [shard] header, as written. malloc'd, or NULL. */
static char *config_text(const char *dir)
{
	char path[PATH_MAX];
	if (path_fmt(path, sizeof(path), "%s/run.ini", dir) != 0)
		return NULL;
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	char *text = NULL;
	size_t n = 0;
	FILE *out = open_memstream(&text, &n);
	char *line = NULL;
	size_t cap = 0;
	while (out && getline(&line, &cap, f) > 0) {
		if (strncmp(line, "[machine", 8) == 0 || strncmp(line, "[shard]", 7) == 0)
			break;
		fputs(line, out);
	}
	free(line);
	fclose(f);
	if (!out || fclose(out) != 0) {
		free(text);
		return NULL;
	}
	/* run.ini has a blank line before [machine]: not part of the config. */
	while (n > 1 && text[n - 1] == '\n' && text[n - 2] == '\n')
		text[--n] = '\0';
	return text;
}

/* ---- copying a run folder ---- */

/* Copy the regular file NAME of the folder sfd into the folder dfd, where it must
 * not exist yet, as afile writes a result file: NAME.part, fsync, rename, fsync of
 * dfd (afile.h), so a merge cut short never leaves a truncated copy under NAME. */
static int copy_file(int sfd, const char *name, int dfd, mode_t mode, struct berr *err)
{
	int in = openat(sfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (in < 0)
		return berr_set(err, errno, "cannot open %s", name);
	/* NAME.part, or NAME.N.part when the run folder held a NAME.part too */
	char part[NAME_MAX + 16];
	int out = -1;
	errno = EEXIST;
	for (int n = 0; out < 0 && errno == EEXIST && n < 10; n++) {
		if ((n ? snprintf(part, sizeof(part), "%s.%d.part", name, n)
		       : snprintf(part, sizeof(part), "%s.part", name)) >= (int)sizeof(part)) {
			close(in);
			return berr_set(err, ENAMETOOLONG, "cannot create %s.part", name);
		}
		out = openat(dfd, part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 07777);
	}
	if (out < 0) {
		int e = errno;
		close(in);
		return berr_set(err, e, "cannot create %s", part);
	}
	int rc = 0;
	char buf[65536];
	for (;;) {
		ssize_t r = read(in, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = berr_set(err, errno, "cannot read %s", name);
			break;
		}
		if (r == 0)
			break;
		for (ssize_t off = 0; off < r;) {
			ssize_t w = write(out, buf + off, (size_t)(r - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				rc = berr_set(err, errno, "cannot write %s", name);
				break;
			}
			off += w;
		}
		if (rc)
			break;
	}
	close(in);
	if (rc == 0 && fsync(out) != 0)
		rc = berr_set(err, errno, "cannot fsync %s", part);
	if (close(out) != 0 && rc == 0)
		rc = berr_set(err, errno, "cannot write %s", part);
	if (rc == 0 && faccessat(dfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		rc = berr_set(err, EEXIST, "cannot create %s", name);
	if (rc == 0)
		rc = afile_renameat(dfd, part, name, err);
	return rc;
}

/* Copy the tree src into the new directory dst: directories, regular files and
 * symbolic links (as links, never followed); other kinds (fifos, sockets a
 * program left in work/) are skipped. Bounded depth. */
static int copy_tree(const char *src, const char *dst, int depth, struct berr *err)
{
	if (depth > 64)
		return berr_set(err, ELOOP, "%s: too deep", src);
	int sfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (sfd < 0)
		return berr_set(err, errno, "cannot open %s", src);
	struct stat st;
	/* Made writable for the copy, given the source's mode at the end (a program
	 * may leave a read-only directory in work/). */
	if (fstat(sfd, &st) != 0 || mkdir(dst, 0700) != 0) {
		int e = errno;
		close(sfd);
		return berr_set(err, e, "cannot create %s", dst);
	}
	int dfd = open(dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fdopendir(sfd);
	if (dfd < 0 || !d) {
		int e = errno;
		if (dfd >= 0)
			close(dfd);
		if (d)
			closedir(d);
		else
			close(sfd);
		return berr_set(err, e, "cannot open %s", dfd < 0 ? dst : src);
	}
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		struct stat es;
		if (fstatat(sfd, e->d_name, &es, AT_SYMLINK_NOFOLLOW) != 0) {
			rc = berr_set(err, errno, "cannot stat %s/%s", src, e->d_name);
			break;
		}
		char s2[PATH_MAX], d2[PATH_MAX];
		if (path_fmt(s2, sizeof(s2), "%s/%s", src, e->d_name) != 0 ||
		    path_fmt(d2, sizeof(d2), "%s/%s", dst, e->d_name) != 0) {
			rc = berr_set(err, ENAMETOOLONG, "%s/%s", src, e->d_name);
			break;
		}
		if (S_ISDIR(es.st_mode)) {
			rc = copy_tree(s2, d2, depth + 1, err);
		} else if (S_ISREG(es.st_mode)) {
			if (copy_file(sfd, e->d_name, dfd, es.st_mode, err) != 0)
				rc = berr_set(err, err->errnum, "cannot copy %s to %s", s2, d2);
		} else if (S_ISLNK(es.st_mode)) {
			char target[PATH_MAX];
			ssize_t n = readlinkat(sfd, e->d_name, target, sizeof(target) - 1);
			if (n < 0 || (target[n] = '\0', symlinkat(target, dfd, e->d_name) != 0))
				rc = berr_set(err, errno, "cannot copy the link %s", s2);
		}
	}
	closedir(d);
	if (rc == 0 && fchmod(dfd, st.st_mode & 07777) != 0)
		rc = berr_set(err, errno, "cannot set the mode of %s", dst);
	close(dfd);
	return rc;
}

/* ---- the merge ---- */

struct slot {
	char **field; /* the row's fields, NULL while no shard has given it */
	size_t part;  /* index of the DIR it came from */
	long line;    /* its line in that DIR's summary.csv */
};

struct merge {
	const char *out;
	struct part *parts;
	size_t nparts;
	struct config cfg; /* from the first DIR's run.ini */
	size_t total;
	size_t *first;	    /* run index of each scenario's repetition 1 */
	struct slot *slots; /* one per run of the run list */
	char **header;	    /* the first summary.csv's header */
	size_t nheader;
	int col_outcome, col_expect; /* columns of the header, or -1 */
};

static void merge_free(struct merge *m)
{
	for (size_t j = 0; m->slots && j < m->total; j++) {
		for (size_t k = 0; m->slots[j].field && k < m->nheader; k++)
			free(m->slots[j].field[k]);
		free(m->slots[j].field);
	}
	free(m->slots);
	for (size_t k = 0; m->header && k < m->nheader; k++)
		free(m->header[k]);
	free(m->header);
	free(m->first);
	config_free(&m->cfg);
	for (size_t i = 0; m->parts && i < m->nparts; i++)
		part_free(&m->parts[i]);
	free(m->parts);
}

/* Under "were made from different configs": the first lines in which the
 * effective configs of run.ini in dirs a and b differ, with their line numbers
 * (at most 3; `name` comes from the config's file name when it has no name key,
 * and names the default result directories and the report: it is part of the
 * config). */
static void say_config_diff(const char *a, const char *b)
{
	char *ta = config_text(a), *tb = config_text(b);
	if (!ta || !tb) {
		free(ta);
		free(tb);
		return;
	}
	const char *pa = ta, *pb = tb;
	int line = 1, shown = 0;
	bool name = false;
	while ((*pa || *pb) && shown < 3) {
		size_t la = strcspn(pa, "\n"), lb = strcspn(pb, "\n");
		if (la != lb || memcmp(pa, pb, la) != 0) {
			fprintf(stderr, "    run.ini:%d: %s has \"%.*s\", %s has \"%.*s\"\n", line,
				a, (int)la, pa, b, (int)lb, pb);
			name |= strncmp(pa, "name = ", 7) == 0 || strncmp(pb, "name = ", 7) == 0;
			shown++;
		}
		pa += la + (pa[la] == '\n');
		pb += lb + (pb[lb] == '\n');
		line++;
	}
	if (name)
		fprintf(stderr, "    (a config without [brink] name is named after its file: run "
				"every shard from the same file, or give it a name)\n");
	free(ta);
	free(tb);
}

/* The shard sets: same digest and count, disjoint, complete. 0 or -1 (stderr). */
static int check_parts(struct merge *m)
{
	const struct part *a = &m->parts[0];
	int bad = 0;
	for (size_t i = 1; i < m->nparts; i++) {
		const struct part *p = &m->parts[i];
		if (strcmp(p->digest, a->digest) != 0) {
			fprintf(stderr,
				"brink merge: %s and %s were made from different configs (digest "
				"%.19s... and %.19s...): refusing to merge them\n",
				a->dir, p->dir, a->digest, p->digest);
			say_config_diff(a->dir, p->dir);
			bad++;
		} else if (p->count != a->count) {
			fprintf(stderr,
				"brink merge: %s and %s cut the config into different numbers of "
				"shards (%d and %d)\n",
				a->dir, p->dir, a->count, p->count);
			bad++;
		}
	}
	if (bad)
		return -1;
	/* owner[k] = index + 1 of the DIR that holds shard k (1-based k). */
	size_t *owner = calloc((size_t)a->count + 1, sizeof(*owner));
	if (!owner)
		return -1;
	for (size_t i = 0; i < m->nparts; i++) {
		const struct part *p = &m->parts[i];
		for (size_t s = 0; s < p->nshards; s++) {
			int k = p->shards[s];
			if (owner[k] == i + 1) {
				fprintf(stderr, "brink merge: %s: lists shard %d twice\n", p->dir,
					k);
				bad++;
			} else if (owner[k]) {
				fprintf(stderr,
					"brink merge: shard %d of %d is in both %s and %s: "
					"overlapping sets, refusing to merge\n",
					k, a->count, m->parts[owner[k] - 1].dir, p->dir);
				bad++;
			} else {
				owner[k] = i + 1;
			}
		}
	}
	size_t missing = 0;
	for (int k = 1; k <= a->count; k++)
		missing += owner[k] == 0;
	if (missing) {
		fprintf(stderr, "brink merge: missing shard%s ", missing == 1 ? "" : "s");
		size_t shown = 0;
		for (int k = 1; k <= a->count && shown < 20; k++)
			if (!owner[k])
				fprintf(stderr, "%s%d", shown++ ? ", " : "", k);
		fprintf(stderr, "%s of %d: give every shard's result directory\n",
			missing > shown ? ", ..." : "", a->count);
		bad++;
	}
	free(owner);
	return bad ? -1 : 0;
}

static bool part_has_shard(const struct part *p, int k)
{
	for (size_t s = 0; s < p->nshards; s++)
		if (p->shards[s] == k)
			return true;
	return false;
}

/* Read DIR i's summary.csv into the slots. 0 or -1 (stderr). */
static int read_rows(struct merge *m, size_t i)
{
	const struct part *p = &m->parts[i];
	char path[PATH_MAX];
	struct berr err = {0};
	if (path_fmt(path, sizeof(path), "%s/summary.csv", p->dir) != 0) {
		fprintf(stderr, "brink merge: %s/summary.csv: path too long\n", p->dir);
		return -1;
	}
	struct csv_reader r = {0};
	if (csvr_open_expecting(&r, path, "the summary header", &err) != 0) {
		fprintf(stderr, "brink merge: %s\n", err.msg);
		return -1;
	}
	int rc = -1;
	if (!m->header) {
		m->header = calloc(r.nheader, sizeof(*m->header));
		if (!m->header)
			goto out;
		m->nheader = r.nheader;
		for (size_t k = 0; k < r.nheader; k++)
			if (!(m->header[k] = strdup(r.header[k])))
				goto out;
		m->col_outcome = csvr_col(&r, "outcome");
		m->col_expect = csvr_col(&r, "expect_failure");
	} else {
		bool same = r.nheader == m->nheader;
		for (size_t k = 0; same && k < r.nheader; k++)
			same = strcmp(r.header[k], m->header[k]) == 0;
		if (!same) {
			fprintf(stderr,
				"brink merge: %s: its header differs from %s/summary.csv (made "
				"by another version of brink?)\n",
				path, m->parts[0].dir);
			goto out;
		}
	}
	int cs = csvr_need_col(&r, "scenario", &err), cr = csvr_need_col(&r, "rep", &err);
	if (cs < 0 || cr < 0) {
		fprintf(stderr, "brink merge: %s\n", err.msg);
		goto out;
	}
	int got;
	while ((got = csvr_next(&r, &err)) == 1) {
		const char *name = r.field[cs];
		size_t sc = 0;
		while (sc < m->cfg.n_scenarios && strcmp(m->cfg.scenarios[sc].name, name) != 0)
			sc++;
		long rep;
		if (sc == m->cfg.n_scenarios || parse_long(r.field[cr], &rep) != 0 || rep < 1 ||
		    rep > m->cfg.scenarios[sc].repetitions) {
			fprintf(stderr,
				"brink merge: %s:%ld: scenario %s rep %s is not a run of the "
				"config in %s/run.ini\n",
				path, r.line, name, r.field[cr], m->parts[0].dir);
			goto out;
		}
		size_t j = m->first[sc] + (size_t)rep - 1;
		int k = (int)(j % (size_t)p->count) + 1;
		if (!part_has_shard(p, k)) {
			fprintf(stderr,
				"brink merge: %s:%ld: scenario %s rep %ld belongs to shard %d, "
				"which this result does not hold\n",
				path, r.line, name, rep, k);
			goto out;
		}
		struct slot *s = &m->slots[j];
		if (s->field) {
			fprintf(stderr, "brink merge: %s:%ld: scenario %s rep %ld given twice\n",
				path, r.line, name, rep);
			goto out;
		}
		s->field = calloc(m->nheader, sizeof(*s->field));
		if (!s->field)
			goto out;
		s->part = i;
		s->line = r.line;
		for (size_t f = 0; f < m->nheader; f++)
			if (!(s->field[f] = strdup(r.field[f])))
				goto out;
	}
	if (got < 0) {
		fprintf(stderr, "brink merge: %s\n", err.msg);
		goto out;
	}
	rc = 0;
out:
	csvr_close(&r);
	return rc;
}

/* Every run of every shard given? 0, or -1 naming the incomplete DIRs. */
static int check_complete(struct merge *m)
{
	int bad = 0;
	for (size_t i = 0; i < m->nparts; i++) {
		const struct part *p = &m->parts[i];
		size_t want = 0, have = 0;
		const char *first_name = NULL;
		int first_rep = 0;
		for (size_t sc = 0; sc < m->cfg.n_scenarios; sc++) {
			for (int rep = 1; rep <= m->cfg.scenarios[sc].repetitions; rep++) {
				size_t j = m->first[sc] + (size_t)rep - 1;
				if (!part_has_shard(p, (int)(j % (size_t)p->count) + 1))
					continue;
				want++;
				if (m->slots[j].field) {
					have++;
				} else if (!first_name) {
					first_name = m->cfg.scenarios[sc].name;
					first_rep = rep;
				}
			}
		}
		if (have < want) {
			fprintf(stderr,
				"brink merge: %s is incomplete: %zu of its %zu runs are missing "
				"from its summary.csv, the first scenario %s rep %d (was its "
				"brink interrupted or killed?)\n",
				p->dir, want - have, want, first_name, first_rep);
			bad++;
		}
	}
	/* Every row's run folder (brink run makes it before the run starts). */
	for (size_t sc = 0; sc < m->cfg.n_scenarios; sc++) {
		for (int rep = 1; rep <= m->cfg.scenarios[sc].repetitions; rep++) {
			const struct slot *s = &m->slots[m->first[sc] + (size_t)rep - 1];
			if (!s->field)
				continue;
			const char *dir = m->parts[s->part].dir;
			char src[PATH_MAX];
			struct stat st;
			if (path_fmt(src, sizeof(src), "%s/%s/%d", dir, m->cfg.scenarios[sc].name,
				     rep) != 0 ||
			    stat(src, &st) != 0 || !S_ISDIR(st.st_mode)) {
				fprintf(stderr,
					"brink merge: %s is incomplete: %s is missing (its row is "
					"%s/summary.csv:%ld)\n",
					dir, src, dir, s->line);
				bad++;
			}
		}
	}
	return bad ? -1 : 0;
}

/* OUT must be new or empty (as for brink run); made with its parents. */
static int prepare_out(const char *dir)
{
	struct berr err = {0};
	if (path_new_or_empty(dir, &err) == 0)
		return 0;
	fprintf(stderr, "brink merge: %s\n", err.msg);
	return -1;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static int write_run_ini(struct merge *m, struct berr *err)
{
	char path[PATH_MAX];
	if (path_fmt(path, sizeof(path), "%s/run.ini", m->out) != 0)
		return berr_set(err, ENAMETOOLONG, "%s/run.ini", m->out);
	char *text = config_text(m->parts[0].dir);
	if (!text)
		return berr_set(err, errno, "cannot read %s/run.ini", m->parts[0].dir);
	/* Never over an existing run.ini (as O_EXCL would refuse): the output
	 * directory is new, so one there is another merge's. */
	struct stat st;
	if (lstat(path, &st) == 0) {
		free(text);
		return berr_set(err, EEXIST, "cannot create %s", path);
	}
	struct afile af;
	if (afile_open(&af, path, 0, err) != 0) {
		free(text);
		return -1;
	}
	FILE *f = af.f;
	fputs(text, f);
	free(text);
	const struct part *a = &m->parts[0];
	fprintf(f, "\n[shard]\ndigest = %s\ncount = %d\nshards = ", a->digest, a->count);
	for (int k = 1; k <= a->count; k++)
		fprintf(f, "%s%d", k > 1 ? "," : "", k);
	fprintf(f, "\nruns = %zu\ntotal = %zu\n", m->total, m->total);
	/* Each shard's probe, in shard order. */
	int *order = calloc((size_t)a->count, sizeof(*order));
	size_t n = 0;
	for (size_t i = 0; order && i < m->nparts; i++)
		for (size_t s = 0; s < m->parts[i].nshards; s++)
			order[n++] = m->parts[i].shards[s];
	if (order)
		qsort(order, n, sizeof(*order), cmp_int);
	for (size_t o = 0; order && o < n; o++) {
		char label[64];
		snprintf(label, sizeof(label), "machine shard %d", order[o]);
		const char *open = NULL;
		for (size_t i = 0; i < m->nparts; i++) {
			for (size_t k = 0; k < m->parts[i].nmachine; k++) {
				const struct kv *e = &m->parts[i].machine[k];
				if (strcmp(e->section, label) != 0)
					continue;
				if (!open)
					fprintf(f, "\n[%s]\n", label);
				open = label;
				fprintf(f, "%s = %s\n", e->key, e->value);
			}
		}
	}
	free(order);
	return afile_commit(&af, err);
}

/* What brink run says at its end, for the merged set (runset.c, print_final):
 * "brink: 7 runs: 5 exited, 2 oom-killed; expectations: 6 met, 1 failed; results
 * in OUT, report OUT/report.html", after a line for each run that makes the
 * exit status 1 (could not be measured, interrupted, failed its expectation)
 * naming it, its shard's directory and why. The failing runs go to `f`; the final
 * line to stdout unless quiet. Read back from OUT/summary.csv. */
static void say_final(const struct merge *m, FILE *f, bool quiet)
{
	char path[PATH_MAX];
	struct run_result *rows = NULL;
	size_t n = 0;
	struct berr err = {0};
	if (path_fmt(path, sizeof(path), "%s/summary.csv", m->out) != 0 ||
	    summary_read(path, &rows, &n, &err) != 0) {
		fprintf(stderr, "brink merge: warning: %s\n", err.msg);
		return;
	}
	size_t outcome[OUT__COUNT] = {0}, met = 0, failed = 0, missed = 0;
	for (size_t i = 0; i < n; i++) {
		const struct run_result *r = &rows[i];
		const struct scenario *sc = NULL;
		for (size_t k = 0; k < m->cfg.n_scenarios && !sc; k++)
			if (strcmp(m->cfg.scenarios[k].name, r->scenario) == 0)
				sc = &m->cfg.scenarios[k];
		if ((unsigned)r->outcome < OUT__COUNT)
			outcome[r->outcome]++;
		missed += run_samples_missed(r);
		if (sc && sc->expect.set && r->outcome != OUT_INTERRUPTED) {
			if (r->expect_failure[0])
				failed++;
			else
				met++;
		}
		const struct slot *s =
		    sc ? &m->slots[m->first[sc - m->cfg.scenarios] + (size_t)r->rep - 1] : NULL;
		const char *from = s ? m->parts[s->part].dir : "?";
		if (r->outcome == OUT_EXEC_FAILED)
			fprintf(f, "    %s/%d (from %s): could not be run: %s\n", r->scenario,
				r->rep, from, r->exec_error);
		else if (r->outcome == OUT_INTERRUPTED)
			fprintf(f,
				"    %s/%d (from %s): interrupted: its shard's brink was stopped\n",
				r->scenario, r->rep, from);
		else if (r->expect_failure[0])
			fprintf(f, "    %s/%d (from %s): expectation failed: %s\n", r->scenario,
				r->rep, from, r->expect_failure);
	}
	free(rows);
	if (quiet)
		return;
	printf("brink: %zu run%s:", n, n == 1 ? "" : "s");
	const char *sep = " ";
	for (int o = 0; o < OUT__COUNT; o++) {
		if (!outcome[o])
			continue;
		printf("%s%zu %s", sep, outcome[o], outcome_name((enum outcome)o));
		sep = ", ";
	}
	if (met || failed)
		printf("; expectations: %zu met, %zu failed", met, failed);
	if (missed)
		printf("; %zu with over 1%% of samples missed", missed);
	printf("; results in %s", m->out);
	if (path_fmt(path, sizeof(path), "%s/report.html", m->out) == 0 && access(path, F_OK) == 0)
		printf(", report %s", path);
	putchar('\n');
}

/* Write OUT. Exit status per merge.h. */
static int write_out(struct merge *m, bool no_plots, bool quiet)
{
	struct berr err = {0};
	if (write_run_ini(m, &err) != 0) {
		fprintf(stderr, "brink merge: %s\n", err.msg);
		return EXIT_FAILED;
	}
	char path[PATH_MAX];
	if (path_fmt(path, sizeof(path), "%s/summary.csv", m->out) != 0) {
		fprintf(stderr, "brink merge: %s/summary.csv: path too long\n", m->out);
		return EXIT_FAILED;
	}
	/* Header names are plain words: joined as they are. */
	size_t hlen = 1;
	for (size_t k = 0; k < m->nheader; k++)
		hlen += strlen(m->header[k]) + 1;
	char *header = calloc(1, hlen);
	if (!header)
		return EXIT_FAILED;
	for (size_t k = 0; k < m->nheader; k++) {
		if (k)
			strcat(header, ",");
		strcat(header, m->header[k]);
	}
	struct csv c = {0};
	int rc = csv_open(&c, path, header, &err);
	free(header);
	if (rc != 0) {
		fprintf(stderr, "brink merge: %s\n", err.msg);
		return EXIT_FAILED;
	}
	int status = EXIT_MEASURED;
	for (size_t j = 0; j < m->total; j++) {
		char **fld = m->slots[j].field;
		for (size_t k = 0; k < m->nheader; k++) {
			if (k)
				fputc(',', c.f);
			csv_put_str(c.f, fld[k]);
		}
		fputc('\n', c.f);
		/* As brink run would have exited on this row. */
		if (m->col_outcome >= 0 && (strcmp(fld[m->col_outcome], "exec-failed") == 0 ||
					    strcmp(fld[m->col_outcome], "interrupted") == 0))
			status = EXIT_FAILED;
		if (m->col_expect >= 0 && fld[m->col_expect][0])
			status = EXIT_FAILED;
	}
	if (csv_commit(&c, &err) != 0) {
		fprintf(stderr, "brink merge: %s\n", err.msg);
		return EXIT_FAILED;
	}
	/* The run folders: scenario/rep from the DIR that ran it. */
	for (size_t sc = 0; sc < m->cfg.n_scenarios; sc++) {
		const char *name = m->cfg.scenarios[sc].name;
		char d[PATH_MAX];
		if (path_fmt(d, sizeof(d), "%s/%s", m->out, name) != 0 ||
		    (mkdir(d, 0755) != 0 && errno != EEXIST)) {
			fprintf(stderr, "brink merge: cannot create %s: %s\n", d, strerror(errno));
			return EXIT_FAILED;
		}
		for (int rep = 1; rep <= m->cfg.scenarios[sc].repetitions; rep++) {
			const struct slot *s = &m->slots[m->first[sc] + (size_t)rep - 1];
			char src[PATH_MAX], dst[PATH_MAX];
			if (path_fmt(src, sizeof(src), "%s/%s/%d", m->parts[s->part].dir, name,
				     rep) != 0 ||
			    path_fmt(dst, sizeof(dst), "%s/%s/%d", m->out, name, rep) != 0) {
				fprintf(stderr, "brink merge: %s/%d: path too long\n", name, rep);
				return EXIT_FAILED;
			}
			if (copy_tree(src, dst, 0, &err) != 0) {
				fprintf(stderr, "brink merge: %s\n", err.msg);
				return EXIT_FAILED;
			}
		}
	}
	if (summary_write_json(m->out, &err) != 0)
		fprintf(stderr, "brink merge: warning: no summary.json: %s\n", err.msg);
	if (!no_plots && plot_write(m->out, &err) != 0)
		fprintf(stderr, "brink merge: warning: no plots: %s\n", err.msg);
	if (report_write(m->out, &err) != 0)
		fprintf(stderr, "brink merge: warning: no report: %s\n", err.msg);
	if (!quiet)
		printf("brink: merged %zu run%s of %d shard%s from %zu result director%s into "
		       "%s\n",
		       m->total, m->total == 1 ? "" : "s", m->parts[0].count,
		       m->parts[0].count == 1 ? "" : "s", m->nparts, m->nparts == 1 ? "y" : "ies",
		       m->out);
	say_final(m, quiet ? stderr : stdout, quiet);
	return status;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: brink merge [--no-plots] [--quiet] OUT DIR...\n"
		   "Join the result directories of `brink run --shard K/N` (every K of one N, of\n"
		   "one config) into OUT, as if the config had run on one machine: summary.csv\n"
		   "and .json in run order, every run's folder, run.ini with each shard's\n"
		   "[machine shard K], plots and the report. OUT must be new or empty.\n\n"
		   "Refused (exit 2, nothing written): directories of different configs (the\n"
		   "digest in run.ini), overlapping shards, missing shards (named), a shard\n"
		   "whose runs or run folders are not all there; the lines of two configs that\n"
		   "differ are shown.\n"
		   "  --no-plots         write no plots\n"
		   "  --quiet            no line on stdout\n\n"
		   "The last line is brink run's (runs, outcomes, expectations met and failed),\n"
		   "after the runs that failed, each with the directory it came from.\n\n"
		   "Exit status: 0 merged, every run measured and as expected; 1 merged, but a\n"
		   "run could not be measured, was interrupted or failed its expectation (what\n"
		   "brink run would have said), or OUT could not be written; 2 bad input.\n");
}

int cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"no-plots", no_argument, NULL, 'p'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	bool no_plots = false, quiet = false;
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'p') {
			no_plots = true;
		} else if (c == 'q') {
			quiet = true;
		} else if (c == 'h') {
			usage(stdout);
			return EXIT_MEASURED;
		} else {
			fprintf(stderr, "brink merge: unknown option %s\n", argv[optind - 1]);
			usage(stderr);
			return EXIT_BAD_INPUT;
		}
	}
	if (argc - optind < 2) {
		fprintf(stderr, "brink merge: expected OUT and at least one DIR\n");
		usage(stderr);
		return EXIT_BAD_INPUT;
	}
	struct merge m = {.out = argv[optind], .col_outcome = -1, .col_expect = -1};
	m.nparts = (size_t)(argc - optind - 1);
	m.parts = calloc(m.nparts, sizeof(*m.parts));
	int status = EXIT_BAD_INPUT;
	if (!m.parts)
		goto out;
	int bad = 0;
	for (size_t i = 0; i < m.nparts; i++)
		bad += part_read(&m.parts[i], argv[optind + 1 + (int)i]) != 0;
	if (bad || check_parts(&m) != 0)
		goto out;
	char path[PATH_MAX];
	if (path_fmt(path, sizeof(path), "%s/run.ini", m.parts[0].dir) != 0 ||
	    config_load(path, &m.cfg, stderr) != 0) {
		fprintf(stderr, "brink merge: %s does not load as a config (above)\n", path);
		goto out;
	}
	m.total = shard_total(&m.cfg);
	m.first = calloc(m.cfg.n_scenarios ? m.cfg.n_scenarios : 1, sizeof(*m.first));
	m.slots = calloc(m.total ? m.total : 1, sizeof(*m.slots));
	if (!m.first || !m.slots)
		goto out;
	for (size_t sc = 1; sc < m.cfg.n_scenarios; sc++)
		m.first[sc] = m.first[sc - 1] + (size_t)m.cfg.scenarios[sc - 1].repetitions;
	for (size_t i = 0; i < m.nparts; i++) {
		if (m.parts[i].total >= 0 && (size_t)m.parts[i].total != m.total) {
			fprintf(
			    stderr,
			    "brink merge: %s: [shard] total = %ld, but its config has %zu runs\n",
			    m.parts[i].dir, m.parts[i].total, m.total);
			goto out;
		}
		if (read_rows(&m, i) != 0)
			goto out;
	}
	if (check_complete(&m) != 0 || prepare_out(m.out) != 0)
		goto out;
	status = write_out(&m, no_plots, quiet);
out:
	merge_free(&m);
	return status;
}
