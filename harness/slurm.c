/* slurm.c - see slurm.h. */
#include "slurm.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"
#include "launch.h"
#include "path.h"
#include "shard.h"
#include "units.h"

extern char **environ;

#ifndef BRINK_INSTALLED_SCENARIOS /* set by CMakeLists.txt from GNUInstallDirs */
#define BRINK_INSTALLED_SCENARIOS "libexec/brink/scenarios"
#endif

#define DEFAULT_SHARDS 10
#define MERGE_MEMORY   (256LL << 20) /* brink merge and gnuplot drawing the plots */

/* What brink does with an sbatch option given after -- (the table below). */
enum sb_role {
	SB_PASS,      /* written into both scripts as it is */
	SB_OWNED,     /* refused: brink writes it itself (why says what for) */
	SB_MEMORY,    /* replaces brink's memory request, in both scripts */
	SB_CPUS,      /* replaces brink's CPU request, in both scripts */
	SB_EXCLUSIVE, /* plain --exclusive: whole nodes and --mem=0 for both jobs */
	SB_PARTITION, /* the same as brink slurm --partition */
};

enum sb_arg { SB_NO_ARG, SB_ARG, SB_OPT_ARG /* only as --NAME=VALUE */ };

struct sb_opt {
	char letter;	  /* the short form, or 0 */
	const char *name; /* the long form without "--" */
	enum sb_arg arg;
	enum sb_role role;
	const char *why; /* SB_OWNED: what brink does instead */
};

/* The sbatch options brink cares about, and every short form of sbatch(1)
 * (Slurm 22.05) so that "-c8", "-c 8" and "-t 5" are read as sbatch reads them.
 * Other long options pass as they are. */
static const struct sb_opt sb_opts[] = {
    {'a', "array", SB_ARG, SB_OWNED, "brink makes one array task per shard: use --shards N"},
    {'o', "output", SB_ARG, SB_OWNED, "the jobs' output goes to OUT/logs (shard-K.out, merge.out)"},
    {'e', "error", SB_ARG, SB_OWNED, "the jobs' output goes to OUT/logs (shard-K.out, merge.out)"},
    {'d', "dependency", SB_ARG, SB_OWNED,
     "the merge job waits for the array with --dependency=afterany (submit.sh)"},
    {'J', "job-name", SB_ARG, SB_OWNED, "brink names the jobs brink-NAME and brink-NAME-merge"},
    {'D', "chdir", SB_ARG, SB_OWNED,
     "the jobs run where brink slurm ran, so that the config's relative paths hold"},
    {0, "wrap", SB_ARG, SB_OWNED, "the jobs run the scripts brink writes"},
    {0, "mem", SB_ARG, SB_MEMORY, NULL},
    {0, "mem-per-cpu", SB_ARG, SB_MEMORY, NULL},
    {0, "mem-per-gpu", SB_ARG, SB_MEMORY, NULL},
    {'c', "cpus-per-task", SB_ARG, SB_CPUS, NULL},
    {0, "exclusive", SB_OPT_ARG, SB_EXCLUSIVE, NULL},
    {'p', "partition", SB_ARG, SB_PARTITION, NULL},
    {'A', "account", SB_ARG, SB_PASS, NULL},
    {'b', "begin", SB_ARG, SB_PASS, NULL},
    {'B', "extra-node-info", SB_ARG, SB_PASS, NULL},
    {'C', "constraint", SB_ARG, SB_PASS, NULL},
    {'F', "nodefile", SB_ARG, SB_PASS, NULL},
    {'G', "gpus", SB_ARG, SB_PASS, NULL},
    {'H', "hold", SB_NO_ARG, SB_PASS, NULL},
    {'i', "input", SB_ARG, SB_PASS, NULL},
    {'k', "no-kill", SB_OPT_ARG, SB_PASS, NULL},
    {'L', "licenses", SB_ARG, SB_PASS, NULL},
    {'m', "distribution", SB_ARG, SB_PASS, NULL},
    {'M', "clusters", SB_ARG, SB_PASS, NULL},
    {'n', "ntasks", SB_ARG, SB_PASS, NULL},
    {'N', "nodes", SB_ARG, SB_PASS, NULL},
    {'O', "overcommit", SB_NO_ARG, SB_PASS, NULL},
    {'q', "qos", SB_ARG, SB_PASS, NULL},
    {'Q', "quiet", SB_NO_ARG, SB_PASS, NULL},
    {'s', "oversubscribe", SB_NO_ARG, SB_PASS, NULL},
    {'S', "core-spec", SB_ARG, SB_PASS, NULL},
    {'t', "time", SB_ARG, SB_PASS, NULL},
    {'v', "verbose", SB_NO_ARG, SB_PASS, NULL},
    {'W', "wait", SB_NO_ARG, SB_PASS, NULL},
    {'w', "nodelist", SB_ARG, SB_PASS, NULL},
    {'x', "exclude", SB_ARG, SB_PASS, NULL},
};
#define N_SB_OPTS (sizeof(sb_opts) / sizeof(sb_opts[0]))

/* An option after --, as it goes into the scripts: "--NAME=VALUE" or "--NAME". */
struct sb_given {
	char *text;
	const char *value; /* in text, after '=', or NULL */
};

struct slurm_opts {
	int shards; /* 0: min(runs, DEFAULT_SHARDS) */
	const char *partition;
	const char *out;
	const char *baseline;
	const char *brink; /* the brink the nodes run */
	bool submit;
	bool exclusive;		   /* brink slurm --exclusive: whole nodes for the shards */
	bool exclusive_both;	   /* --exclusive after --: whole nodes for both jobs */
	struct sb_given mem, cpus; /* given after --: replace brink's in both jobs */
	struct sb_given *pass;	   /* the other options after --, for both jobs */
	int n_pass;
};

/* Write s single-quoted for sh: ' becomes '\''. */
static void sh_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

/* Characters an #SBATCH line cannot carry as they are (sbatch splits the line
 * at blanks, reads quotes and backslashes, and a '%' in a file name is a
 * pattern), nor a shell line without quoting. */
static const char *sbatch_unsafe(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f || strchr(" '\"\\#%", *s))
			return s;
	return NULL;
}

static void sb_free(struct slurm_opts *o)
{
	free(o->mem.text);
	free(o->cpus.text);
	for (int i = 0; i < o->n_pass; i++)
		free(o->pass[i].text);
	free(o->pass);
}

/* One option as "--NAME[=VALUE]" into g. 0 or -1 (out of memory). */
static int sb_make(struct sb_given *g, const char *name, size_t nlen, const char *value)
{
	g->value = NULL;
	if (asprintf(&g->text, "--%.*s%s%s", (int)nlen, name, value ? "=" : "",
		     value ? value : "") < 0) {
		g->text = NULL;
		return -1;
	}
	if (value)
		g->value = g->text + 2 + nlen + 1;
	return 0;
}

/* Read the sbatch options after -- (args[0..n)) into o: brink's own are
 * refused, memory, CPU, --exclusive and --partition replace brink's, the rest
 * pass. 0, or -1 with the reason on stderr. */
static int parse_sbatch(struct slurm_opts *o, char **args, int n)
{
	for (int i = 0; i < n; i++) {
		const char *a = args[i], *name, *value = NULL;
		const struct sb_opt *def = NULL;
		size_t nlen;
		if (a[0] != '-' || !a[1] || strcmp(a, "--") == 0) {
			fprintf(stderr,
				"brink slurm: \"%s\" after --: expected an sbatch option (-X VALUE "
				"or --NAME=VALUE)\n",
				a);
			return -1;
		}
		if (a[1] == '-') {
			name = a + 2;
			nlen = strcspn(name, "=");
			if (name[nlen] == '=')
				value = name + nlen + 1;
			for (size_t k = 0; k < N_SB_OPTS && !def; k++)
				if (strlen(sb_opts[k].name) == nlen &&
				    strncmp(sb_opts[k].name, name, nlen) == 0)
					def = &sb_opts[k];
			/* sbatch takes a unique prefix for the whole name */
			for (size_t k = 0; k < N_SB_OPTS && !def; k++) {
				if (sb_opts[k].role != SB_PASS && nlen > 0 &&
				    strncmp(sb_opts[k].name, name, nlen) == 0) {
					fprintf(stderr,
						"brink slurm: %s after --: write sbatch options "
						"in full here (sbatch may read it as --%s)\n",
						a, sb_opts[k].name);
					return -1;
				}
			}
		} else {
			for (size_t k = 0; k < N_SB_OPTS && !def; k++)
				if (sb_opts[k].letter == a[1])
					def = &sb_opts[k];
			if (!def) {
				fprintf(stderr,
					"brink slurm: %s after --: not a short option of sbatch "
					"(write it as --NAME=VALUE)\n",
					a);
				return -1;
			}
			name = def->name;
			nlen = strlen(name);
			if (a[2])
				value = a + 2;
			if (value && def->arg == SB_NO_ARG) {
				fprintf(stderr,
					"brink slurm: %s after --: one short option per word "
					"(-%c is --%s, which takes no value)\n",
					a, a[1], def->name);
				return -1;
			}
		}
		/* The value of an option that needs one may be the next word (no
		 * option after -- takes a plain word otherwise). */
		char shown[256]; /* the option as given, for messages */
		snprintf(shown, sizeof(shown), "%s", a);
		if (!value && (!def || def->arg == SB_ARG) && i + 1 < n && args[i + 1][0] != '-') {
			value = args[++i];
			snprintf(shown, sizeof(shown), "%s %s", a, value);
		}
		if (def && def->arg == SB_ARG && (!value || !*value)) {
			fprintf(stderr, "brink slurm: %s after --: needs a value\n", a);
			return -1;
		}
		if (def && def->arg == SB_NO_ARG && value) {
			fprintf(stderr, "brink slurm: %s after --: --%s takes no value\n", shown,
				def->name);
			return -1;
		}
		const char *bad = value ? sbatch_unsafe(value) : NULL;
		for (size_t k = 0; k < nlen && !bad; k++)
			if ((unsigned char)name[k] < 0x20 || strchr(" '\"\\#%", name[k]))
				bad = name + k;
		if (bad) {
			fprintf(stderr,
				"brink slurm: %s after --: cannot go into an #SBATCH line as it "
				"is (no blanks, quotes, backslashes, '#' or '%%')\n",
				shown);
			return -1;
		}
		enum sb_role role = def ? def->role : SB_PASS;
		struct sb_given g = {0};
		if (role == SB_OWNED) {
			fprintf(stderr, "brink slurm: %s after --: brink sets --%s itself: %s\n",
				shown, def->name, def->why);
			return -1;
		}
		if (role == SB_PARTITION) {
			if (o->partition) {
				fprintf(stderr,
					"brink slurm: %s after --: the partition is given twice "
					"(--partition %s)\n",
					shown, o->partition);
				return -1;
			}
			o->partition = value;
			continue;
		}
		if (role == SB_EXCLUSIVE && !value) {
			o->exclusive_both = true; /* written with --mem=0 by brink */
			continue;
		}
		struct sb_given *slot = role == SB_MEMORY ? &o->mem
					: role == SB_CPUS ? &o->cpus
							  : &g;
		if (slot->text) {
			fprintf(stderr,
				"brink slurm: %s after --: %s is given already (sbatch takes one "
				"memory option and one CPU count)\n",
				shown, slot->text);
			return -1;
		}
		if (sb_make(slot, name, nlen, value) != 0) {
			fprintf(stderr, "brink slurm: out of memory\n");
			return -1;
		}
		if (slot != &g)
			continue;
		struct sb_given *more = realloc(o->pass, (size_t)(o->n_pass + 1) * sizeof(*more));
		if (!more) {
			free(g.text);
			fprintf(stderr, "brink slurm: out of memory\n");
			return -1;
		}
		o->pass = more;
		o->pass[o->n_pass++] = g;
	}
	return 0;
}

/* What a shard asks for: derived from the config and the options. */
struct plan {
	bool whole;	  /* --exclusive --mem=0 (unless a memory option after --) */
	int64_t mem_need; /* bytes: the largest limit + SHARD_SELF_MEMORY */
	int64_t mem_max;  /* the largest scenario memory limit, bytes */
	long cpus;	  /* brink's CPU request, or the one after -- */
	bool no_limit;	  /* a scenario has no memory limit */
};

static void make_plan(struct plan *p, const struct config *cfg, const struct slurm_opts *o)
{
	int64_t milli_cpus = 0;
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < cfg->n_scenarios; i++) {
		int64_t m = cfg->scenarios[i].lim.v[LIM_MEMORY];
		if (m == BRINK_UNSET || m == BRINK_UNLIMITED)
			p->no_limit = true;
		else if (m > p->mem_max)
			p->mem_max = m;
		int64_t c = cfg->scenarios[i].lim.v[LIM_CPUS];
		if (c != BRINK_UNSET && c != BRINK_UNLIMITED && c > milli_cpus)
			milli_cpus = c;
	}
	/* A run without a memory limit may take the whole node: no neighbours,
	 * unless the user's memory option bounds the job. */
	p->whole = o->exclusive || o->exclusive_both || (p->no_limit && !o->mem.text);
	p->mem_need = p->mem_max + SHARD_SELF_MEMORY;
	p->cpus = milli_cpus ? 1 + (long)((milli_cpus + 999) / 1000) : 2;
	if (o->cpus.text)
		p->cpus = strtol(o->cpus.value, NULL, 10);
}

/* The resources one shard asks for, as #SBATCH lines. */
static void put_resources(FILE *f, const struct plan *p, const struct slurm_opts *o)
{
	if (p->whole) {
		fprintf(f, "# the whole node: %s\n",
			o->exclusive || o->exclusive_both ? "--exclusive was asked for"
							  : "a scenario has no memory limit");
		fprintf(f, "#SBATCH --exclusive\n");
	}
	if (o->mem.text) {
		fprintf(f, "# memory: as given after --\n#SBATCH %s\n", o->mem.text);
	} else if (p->whole) {
		fprintf(f, "#SBATCH --mem=0\n");
	} else {
		char a[32], b[32];
		units_format_size(p->mem_max, a, sizeof(a));
		units_format_size(SHARD_SELF_MEMORY, b, sizeof(b));
		fprintf(f, "# memory: the largest scenario limit (%s) + brink's own (%s)\n", a, b);
		fprintf(f, "#SBATCH --mem=%lldM\n",
			(long long)((p->mem_need + (1 << 20) - 1) >> 20));
	}
	if (o->cpus.text) {
		fprintf(f, "# CPUs: as given after --\n#SBATCH %s\n", o->cpus.text);
	} else if (!p->whole) {
		fprintf(f, "# CPUs: one for brink, the rest for the program (cpus = ... or 1)\n");
		fprintf(f, "#SBATCH --cpus-per-task=%ld\n", p->cpus);
	}
}

/* The merge job's: brink's MERGE_MEMORY, or what was given after -- for both. */
static void put_merge_resources(FILE *f, const struct slurm_opts *o)
{
	if (o->exclusive_both)
		fprintf(f, "#SBATCH --exclusive\n");
	if (o->mem.text)
		fprintf(f, "#SBATCH %s\n", o->mem.text);
	else if (o->exclusive_both)
		fprintf(f, "#SBATCH --mem=0\n");
	else
		fprintf(f, "#SBATCH --mem=%lldM\n", MERGE_MEMORY >> 20);
	if (o->cpus.text)
		fprintf(f, "#SBATCH %s\n", o->cpus.text);
}

static void put_common(FILE *f, const struct slurm_opts *o, const char *cwd)
{
	fprintf(f, "#SBATCH --chdir=%s\n", cwd);
	if (o->partition)
		fprintf(f, "#SBATCH --partition=%s\n", o->partition);
	for (int i = 0; i < o->n_pass; i++)
		fprintf(f, "#SBATCH %s\n", o->pass[i].text);
}

static FILE *create(const char *dir, const char *name, char *path, size_t len)
{
	if (path_fmt(path, len, "%s/%s", dir, name) != 0) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	FILE *f = fopen(path, "wxe");
	if (f)
		chmod(path, 0755);
	return f;
}

/* Shell lines that move an earlier attempt at "$DIR" (a shard run again, a merge
 * done again) aside to DIR.attempt-1, -2 ..., so that the new one starts in a
 * new directory and nothing of the earlier one is lost. */
static void put_move_aside(FILE *f, const char *var, const char *what)
{
	fprintf(f,
		"if [ -e \"$%s\" ]; then\n"
		"  n=1\n"
		"  while [ -e \"$%s.attempt-$n\" ]; do n=$((n + 1)); done\n"
		"  mv \"$%s\" \"$%s.attempt-$n\" || exit 2\n"
		"  echo \"brink slurm: the earlier %s is kept in $%s.attempt-$n\" >&2\n"
		"fi\n",
		var, var, var, var, what, var);
}

static int write_scripts(const struct config *cfg, const struct slurm_opts *o,
			 const struct plan *plan, const char *out, const char *config,
			 const char *cwd, int n)
{
	char path[PATH_MAX];
	FILE *f = create(out, "shards.sbatch", path, sizeof(path));
	if (!f)
		goto fail;
	fprintf(f, "#!/bin/sh\n# brink slurm: %d shards of %s, one per array task\n", n, config);
	fprintf(f, "#SBATCH --job-name=brink-%s\n#SBATCH --array=1-%d\n", cfg->name, n);
	fprintf(f, "#SBATCH --output=%s/logs/shard-%%a.out\n", out);
	put_resources(f, plan, o);
	put_common(f, o, cwd);
	fprintf(f, "out=");
	sh_quote(f, out);
	fprintf(f, "/shard-$SLURM_ARRAY_TASK_ID\n"
		   "# A shard run again (sh submit.sh K, or requeued) starts over in a new\n"
		   "# directory; the earlier attempt stays beside it.\n");
	put_move_aside(f, "out", "attempt at this shard");
	fprintf(f, "# exec: alone in the task's cgroup, brink can make its run groups below it\n"
		   "exec ");
	sh_quote(f, o->brink);
	fprintf(f,
		" run --no-plots --no-progress --shard \"$SLURM_ARRAY_TASK_ID/%d\" "
		"--out \"$out\" ",
		n);
	sh_quote(f, config);
	fputc('\n', f);
	if (fclose(f) != 0)
		goto fail;

	if (!(f = create(out, "merge.sbatch", path, sizeof(path))))
		goto fail;
	fprintf(f, "#!/bin/sh\n# brink slurm: merge the %d shards of %s%s\n", n, config,
		o->baseline ? " and compare them with the baseline" : "");
	fprintf(f, "#SBATCH --job-name=brink-%s-merge\n", cfg->name);
	fprintf(f, "#SBATCH --output=%s/logs/merge.out\n", out);
	put_merge_resources(f, o);
	put_common(f, o, cwd);
	fprintf(f, "out=");
	sh_quote(f, out);
	fprintf(f, "\n");
	fprintf(f,
		"# the shards that left a result; brink merge names the missing ones\n"
		"set --\n"
		"k=1\n"
		"while [ $k -le %d ]; do\n"
		"  [ -e \"$out/shard-$k/run.ini\" ] && set -- \"$@\" \"$out/shard-$k\"\n"
		"  k=$((k + 1))\n"
		"done\n"
		"[ $# -gt 0 ] || { echo \"brink: none of the %d shards left a result: see "
		"$out/logs/shard-*.out\" >&2; exit 2; }\n"
		"merged=\"$out/merged\"\n",
		n, n);
	put_move_aside(f, "merged", "merged result");
	sh_quote(f, o->brink);
	fprintf(f, " merge \"$merged\" \"$@\"\n");
	fprintf(f, "st=$?\n"
		   "# 2: nothing merged (a shard missing or incomplete, named above)\n"
		   "[ $st -eq 2 ] && exit 2\n");
	if (o->baseline) {
		sh_quote(f, o->brink);
		fprintf(f, " compare ");
		sh_quote(f, o->baseline);
		fprintf(f, " \"$merged\"\n"
			   "c=$?\n"
			   "# the comparison's verdict first, then the runs' own\n"
			   "[ $c -ne 0 ] && exit $c\n");
	}
	fprintf(f, "exit $st\n");
	if (fclose(f) != 0)
		goto fail;

	if (!(f = create(out, "submit.sh", path, sizeof(path))))
		goto fail;
	fprintf(f,
		"#!/bin/sh\n"
		"# Submit the shards and the merge job that waits for them. With shard\n"
		"# numbers (sh submit.sh 2 5), only those shards run again (each earlier\n"
		"# attempt is kept as shard-K.attempt-N) and the merge job merges again.\n"
		"set -e\n"
		"only=\n"
		"for k; do\n"
		"  case $k in\n"
		"  '' | *[!0-9]*) k=0 ;;\n"
		"  esac\n"
		"  if [ \"$k\" -lt 1 ] || [ \"$k\" -gt %d ]; then\n"
		"    echo \"usage: sh submit.sh [K...]: shards are numbered 1 to %d\" >&2\n"
		"    exit 2\n"
		"  fi\n"
		"  only=\"${only:+$only,}$k\"\n"
		"done\n"
		"cd ",
		n, n);
	sh_quote(f, out);
	fprintf(f,
		"\narray=$(sbatch --parsable ${only:+--array=$only} shards.sbatch)\n"
		"array=${array%%%%;*}\n"
		"merge=$(sbatch --parsable --dependency=afterany:$array merge.sbatch)\n"
		"echo \"job array $array (shards ${only:-1-%d} of %d), merge job "
		"${merge%%%%;*}\"\n",
		n, n);
	if (fclose(f) != 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "brink slurm: cannot write %s: %s\n", path, strerror(errno));
	return -1;
}

/* Run argv, its stdout into buf (NUL-terminated, trailing newline cut). Returns
 * its exit status, or -1 when it could not be run (stderr says why). */
static int run_capture(char *const argv[], char *buf, size_t cap)
{
	int fd[2];
	if (pipe2(fd, O_CLOEXEC) != 0)
		return -1;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fd[1]);
	if (rc != 0) {
		close(fd[0]);
		fprintf(stderr, "brink slurm: cannot run %s: %s\n", argv[0], strerror(rc));
		return -1;
	}
	size_t len = 0;
	ssize_t r;
	while ((r = read(fd[0], buf + len, cap - 1 - len)) > 0 || (r < 0 && errno == EINTR))
		if (r > 0)
			len += (size_t)r;
	close(fd[0]);
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* sbatch --parsable [extra] script: the job id, or -1. */
static long sbatch(const char *out, const char *script, const char *extra)
{
	char path[PATH_MAX], id[256];
	if (path_fmt(path, sizeof(path), "%s/%s", out, script) != 0)
		return -1;
	char *argv[5] = {"sbatch", "--parsable", NULL, NULL, NULL};
	int k = 2;
	if (extra)
		argv[k++] = (char *)extra;
	argv[k] = path;
	int st = run_capture(argv, id, sizeof(id));
	if (st != 0) {
		if (st > 0)
			fprintf(stderr, "brink slurm: sbatch %s failed (exit status %d, above)\n",
				path, st);
		return -1;
	}
	char *end;
	errno = 0;
	long v = strtol(id, &end, 10);
	if (errno || end == id || (*end && *end != ';') || v <= 0) {
		fprintf(stderr, "brink slurm: sbatch %s: unexpected answer \"%s\"\n", path, id);
		return -1;
	}
	return v;
}

static int mkdir_new(const char *dir)
{
	struct berr err = {0};
	if (path_new_or_empty(dir, &err) == 0)
		return 0;
	fprintf(stderr, "brink slurm: --out %s\n", err.msg);
	return -1;
}

/* An absolute path for p (which need not exist yet; its parent must). */
static int absolute(const char *p, char *out, size_t len)
{
	char parent[PATH_MAX], *slash;
	if (path_fmt(parent, sizeof(parent), "%s", p) != 0)
		return -1;
	while ((slash = strrchr(parent, '/')) && slash[1] == '\0' && slash != parent)
		*slash = '\0'; /* trailing slashes */
	slash = strrchr(parent, '/');
	const char *base = slash ? slash + 1 : parent;
	char dir[PATH_MAX];
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == parent)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - parent), parent);
	char real[PATH_MAX];
	if (!realpath(dir, real))
		return -1;
	return path_fmt(out, len, "%s%s%s", real, strcmp(real, "/") ? "/" : "", base);
}

/* Where the brink at `brink` finds bare command names, as brink run does
 * (runset.c): $BRINK_SCENARIO_DIR, else DIR/scenarios next to it, else
 * DIR/../libexec/brink/scenarios. */
static void scenario_dir_of(const char *brink, char *out, size_t len)
{
	const char *env = getenv("BRINK_SCENARIO_DIR");
	if (env && *env) {
		snprintf(out, len, "%s", env);
		return;
	}
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", brink);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	struct stat st;
	if (path_fmt(out, len, "%s/scenarios", dir) == 0 && stat(out, &st) == 0 &&
	    S_ISDIR(st.st_mode))
		return;
	if (path_fmt(out, len, "%s/../%s", dir, BRINK_INSTALLED_SCENARIOS) == 0 &&
	    stat(out, &st) == 0 && S_ISDIR(st.st_mode))
		return;
	if (path_fmt(out, len, "%s/scenarios", dir) != 0)
		out[0] = '\0';
}

/* A Slurm memory size ("500M", "2G", "1024": a number with K, M, G or T, M
 * without; sbatch(1) --mem) in bytes, or -1. */
static int64_t slurm_size(const char *s)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || v < 0 || *s == '-' || *s == '+')
		return -1;
	int shift = 20;
	if (*end) {
		static const char units[] = "KMGT";
		const char *u = strchr(units, toupper((unsigned char)*end));
		if (!u || end[1])
			return -1;
		shift = 10 * (int)(u - units + 1);
	}
	if (v > (INT64_MAX >> shift))
		return -1;
	return (int64_t)v << shift;
}

/* What brink run refuses before it runs anything, checked for every scenario
 * of cfg now instead of in every job: a command that cannot be found (as the
 * nodes' brink looks for it), a memory limit the job's allocation (a memory
 * option after --) cannot hold with brink's own share. 0, or -1 with each
 * problem on stderr as FILE:LINE: [SCENARIO] KEY: reason. */
static int preflight(const struct config *cfg, const struct slurm_opts *o, const struct plan *plan)
{
	char sdir[PATH_MAX], where[PATH_MAX + 160], path[PATH_MAX], src[160] = "";
	struct berr err = {0};
	int bad = 0;
	scenario_dir_of(o->brink, sdir, sizeof(sdir));
	int64_t ceiling = BRINK_UNLIMITED;
	if (o->mem.text) {
		int64_t v = slurm_size(o->mem.value);
		if (v < 0) {
			fprintf(stderr,
				"brink slurm: %s after --: expected a size (a number with K, M, G "
				"or T; M without)\n",
				o->mem.text);
			return -1;
		}
		/* --mem=0: all of the node's memory. --mem-per-gpu: the GPUs decide. */
		if (strncmp(o->mem.text, "--mem=", 6) == 0 && v > 0)
			ceiling = v;
		else if (strncmp(o->mem.text, "--mem-per-cpu=", 14) == 0 && !plan->whole)
			ceiling = v * plan->cpus;
		snprintf(src, sizeof(src), "%s after --, for %ld CPU%s", o->mem.text, plan->cpus,
			 plan->cpus == 1 ? "" : "s");
		if (strncmp(o->mem.text, "--mem=", 6) == 0)
			snprintf(src, sizeof(src), "%s after --", o->mem.text);
	}
	for (size_t i = 0; i < cfg->n_scenarios; i++) {
		const struct scenario *sc = &cfg->scenarios[i];
		if (launch_resolve(sc->argv[0], sdir, path, sizeof(path), &err) != 0) {
			scenario_key_origin(cfg, sc, "command", where, sizeof(where));
			fprintf(stderr, "%s: %s\n", where, err.msg);
			bad++;
		}
		if (shard_memory_check(sc, ceiling, src, &err) != 0) {
			scenario_key_origin(cfg, sc, "memory", where, sizeof(where));
			fprintf(stderr, "%s: %s\n", where, err.msg);
			bad++;
		}
	}
	if (bad)
		fprintf(stderr,
			"brink slurm: %d problem%s that brink run would refuse in every "
			"job; nothing was written\n",
			bad, bad == 1 ? "" : "s");
	return bad ? -1 : 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: brink slurm [--shards N] [--partition P] [--out DIR] [--baseline DIR]\n"
		"                   [--exclusive] [--brink PATH] [--submit] CONFIG [-- "
		"SBATCH_OPTION...]\n"
		"Run CONFIG on a Slurm cluster: a job array of N shards (brink run --shard K/N,\n"
		"one per task), then a job that waits for all of them (--dependency=afterany),\n"
		"merges them (brink merge) and, with --baseline, runs brink compare, so that\n"
		"its exit status is the verdict. Writes shards.sbatch, merge.sbatch and\n"
		"submit.sh into DIR; --submit submits them.\n\n"
		"  --shards N         slices of the runs (default: the runs, at most %d)\n"
		"  --partition P      the partition of both jobs\n"
		"  --out DIR          new or empty, seen by every node (default: the config's\n"
		"                     [brink] out, else results/<UTC stamp>-NAME-slurm); the\n"
		"                     merged result is DIR/merged, the shards DIR/shard-K,\n"
		"                     the job logs DIR/logs\n"
		"  --baseline DIR     a result to compare the merged one with\n"
		"  --exclusive        whole nodes for the shards (the default only when a\n"
		"                     scenario has no memory limit; else each shard asks for\n"
		"                     the largest memory limit + %lld MiB for brink itself)\n"
		"  --brink PATH       the brink the nodes run (default: this one)\n"
		"  --submit           submit with sbatch and print the job ids\n"
		"  -- SBATCH_OPTION   passed to both jobs as #SBATCH lines (--time=1:00:00,\n"
		"                     -A ACCOUNT ...); --mem, --mem-per-cpu, --mem-per-gpu,\n"
		"                     -c/--cpus-per-task and --exclusive (with --mem=0)\n"
		"                     replace brink's own request in both; --array,\n"
		"                     --output, --error, --dependency, --job-name, --chdir\n"
		"                     and --wrap are brink's and refused\n\n"
		"Refused before anything is written: a memory option that does not hold the\n"
		"largest limit + %lld MiB, a command brink run would not find, a partition or\n"
		"path an #SBATCH line cannot carry, more shards than runs.\n"
		"A failed shard K: sh DIR/submit.sh K runs it again (the earlier attempt is\n"
		"kept as DIR/shard-K.attempt-1) and merges again.\n\n"
		"Exit status: 0 written (and submitted), 1 sbatch failed, 2 bad input.\n",
		DEFAULT_SHARDS, SHARD_SELF_MEMORY >> 20, SHARD_SELF_MEMORY >> 20);
}

/* The command line into o and *config_arg: brink slurm's options, CONFIG, then
 * the sbatch options after --. -1 to go on, else the exit status (EXIT_MEASURED
 * after --help, EXIT_BAD_INPUT with the message printed). */
static int slurm_parse(int argc, char **argv, struct slurm_opts *o, const char **config_arg)
{
	static const struct option opts[] = {
	    {"shards", required_argument, NULL, 'n'},
	    {"partition", required_argument, NULL, 'p'},
	    {"out", required_argument, NULL, 'o'},
	    {"baseline", required_argument, NULL, 'b'},
	    {"brink", required_argument, NULL, 'B'},
	    {"exclusive", no_argument, NULL, 'x'},
	    {"submit", no_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'n': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 1 || v > SHARD_MAX) {
				fprintf(stderr, "brink slurm: --shards %s: expected 1 to %d\n",
					optarg, SHARD_MAX);
				return EXIT_BAD_INPUT;
			}
			o->shards = (int)v;
			break;
		}
		case 'p':
			o->partition = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'b':
			o->baseline = optarg;
			break;
		case 'B':
			o->brink = optarg;
			break;
		case 'x':
			o->exclusive = true;
			break;
		case 's':
			o->submit = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_MEASURED;
		default:
			fprintf(stderr, "brink slurm: unknown option or missing value: %s\n",
				argv[optind - 1]);
			usage(stderr);
			return EXIT_BAD_INPUT;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "brink slurm: expected a CONFIG file\n");
		usage(stderr);
		return EXIT_BAD_INPUT;
	}
	*config_arg = argv[optind++];
	if (optind < argc) {
		if (strcmp(argv[optind], "--") != 0) {
			fprintf(stderr, "brink slurm: sbatch options go after --: %s\n",
				argv[optind]);
			return EXIT_BAD_INPUT;
		}
		if (parse_sbatch(o, argv + optind + 1, argc - optind - 1) != 0)
			return EXIT_BAD_INPUT;
	}
	return -1;
}

/* The options against the config: n shards none of them empty, a partition
 * name an #SBATCH line can carry, a number of CPUs after --. 0, or -1 with the
 * message printed. */
static int slurm_check(const struct config *cfg, const struct slurm_opts *o, int n)
{
	struct berr err = {0};
	struct shard last = {n, n}; /* the last shard is the first to be empty */
	if (shard_check_nonempty(&last, cfg, &err) != 0) {
		fprintf(stderr, "brink slurm: --shards %d: %s\n", n, err.msg);
		return -1;
	}
	if (o->partition && (!*o->partition || sbatch_unsafe(o->partition))) {
		fprintf(stderr,
			"brink slurm: --partition \"%s\": not a partition name (names, or a "
			"comma-separated list of them, without blanks or quotes)\n",
			o->partition);
		return -1;
	}
	if (o->cpus.text) {
		char *end;
		errno = 0;
		long v = strtol(o->cpus.value, &end, 10);
		if (errno || *end || end == o->cpus.value || v < 1 || v > 100000) {
			fprintf(stderr, "brink slurm: %s after --: expected a number of CPUs\n",
				o->cpus.text);
			return -1;
		}
	}
	return 0;
}

/* The absolute paths the scripts hold; o's brink, baseline and out point
 * into them once set. */
struct slurm_paths {
	char config[PATH_MAX], out[PATH_MAX], cwd[PATH_MAX], exe[PATH_MAX], base[PATH_MAX],
	    dflt[PATH_MAX];
};

/* The brink the nodes run, when --brink is not given: this one. 0, or -1 with
 * the message printed. */
static int slurm_self(struct slurm_opts *o, struct slurm_paths *p)
{
	if (o->brink)
		return 0;
	ssize_t len = readlink("/proc/self/exe", p->exe, sizeof(p->exe) - 1);
	if (len <= 0) {
		fprintf(stderr, "brink slurm: cannot find brink itself: %s\n", strerror(errno));
		return -1;
	}
	p->exe[len] = '\0';
	o->brink = p->exe;
	return 0;
}

/* p's config, cwd, baseline and out made absolute (out: --out, [brink] out,
 * else results/<UTC stamp>-NAME-slurm), each one an #SBATCH line can carry.
 * 0, or -1 with the message printed. */
static int slurm_resolve(const struct config *cfg, struct slurm_opts *o, const char *config_arg,
			 struct slurm_paths *p)
{
	if (!realpath(config_arg, p->config) || !getcwd(p->cwd, sizeof(p->cwd))) {
		fprintf(stderr, "brink slurm: %s: %s\n", config_arg, strerror(errno));
		return -1;
	}
	if (o->baseline) {
		char sum[PATH_MAX];
		if (path_fmt(sum, sizeof(sum), "%s/summary.csv", o->baseline) != 0 ||
		    access(sum, R_OK) != 0 ||
		    absolute(o->baseline, p->base, sizeof(p->base)) != 0) {
			fprintf(stderr, "brink slurm: --baseline %s: no readable summary.csv\n",
				o->baseline);
			return -1;
		}
		o->baseline = p->base;
	}
	if (!o->out && cfg->out)
		o->out = cfg->out; /* [brink] out: where the shards, logs and merged go */
	if (!o->out) {
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		char stamp[32];
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
		mkdir("results", 0755);
		snprintf(p->dflt, sizeof(p->dflt), "results/%s-%s-slurm", stamp, cfg->name);
		o->out = p->dflt;
	}
	if (absolute(o->out, p->out, sizeof(p->out)) != 0) {
		fprintf(stderr, "brink slurm: --out %s: its parent directory: %s\n", o->out,
			strerror(errno));
		return -1;
	}
	/* #SBATCH lines are not shell: no quoting to rely on. */
	const char *bad = sbatch_unsafe(p->out) ? p->out : sbatch_unsafe(p->cwd) ? p->cwd : NULL;
	if (bad) {
		fprintf(stderr,
			"brink slurm: %s%s: cannot go into an #SBATCH line (--output, --chdir) "
			"as it is: it holds `%c`; use a path without blanks, quotes, "
			"backslashes, '#' or '%%'\n",
			bad == p->cwd ? "the current directory " : "--out ", bad,
			*sbatch_unsafe(bad));
		return -1;
	}
	return 0;
}

/* out, new or empty, and out/logs. 0, or -1 with the message printed. */
static int slurm_dirs(const char *out)
{
	char logs[PATH_MAX];
	if (mkdir_new(out) != 0)
		return -1;
	if (path_fmt(logs, sizeof(logs), "%s/logs", out) != 0 || mkdir(logs, 0755) != 0) {
		fprintf(stderr, "brink slurm: cannot create %s/logs: %s\n", out, strerror(errno));
		return -1;
	}
	return 0;
}

/* The shards' array, then the merge job after it (afterany), with their job
 * ids on stdout. EXIT_MEASURED, or EXIT_FAILED when sbatch failed. */
static int slurm_submit(const char *out, int n, size_t runs)
{
	long array = sbatch(out, "shards.sbatch", NULL);
	if (array < 0)
		return EXIT_FAILED;
	char dep[64];
	snprintf(dep, sizeof(dep), "--dependency=afterany:%ld", array);
	long merge = sbatch(out, "merge.sbatch", dep);
	if (merge < 0) {
		fprintf(stderr,
			"brink slurm: the shards run as job %ld, but nothing will merge "
			"them (scancel %ld, or submit merge.sbatch yourself)\n",
			array, array);
		return EXIT_FAILED;
	}
	printf("brink: submitted job array %ld (%d shards of %zu runs) and merge job %ld; "
	       "results in %s/merged, logs in %s/logs\n",
	       array, n, runs, merge, out, out);
	return EXIT_MEASURED;
}

int cmd_slurm(int argc, char **argv)
{
	struct slurm_opts o = {0};
	const char *config_arg = NULL;
	int status = slurm_parse(argc, argv, &o, &config_arg);
	if (status >= 0) {
		sb_free(&o);
		return status;
	}
	struct config cfg;
	int errors = config_load(config_arg, &cfg, stderr);
	if (errors) {
		fprintf(stderr, "brink: %d error%s in %s; nothing was written\n", errors,
			errors == 1 ? "" : "s", config_arg);
		config_free(&cfg);
		sb_free(&o);
		return EXIT_BAD_INPUT;
	}
	status = EXIT_BAD_INPUT;
	size_t runs = shard_total(&cfg);
	int n = o.shards ? o.shards : (int)(runs < DEFAULT_SHARDS ? runs : DEFAULT_SHARDS);
	struct slurm_paths paths, *p = &paths;
	struct plan plan;
	if (slurm_check(&cfg, &o, n) != 0)
		goto done;
	make_plan(&plan, &cfg, &o);
	/* What brink run would refuse in every job: found now, not on the nodes. */
	if (slurm_self(&o, p) != 0 || preflight(&cfg, &o, &plan) != 0 ||
	    slurm_resolve(&cfg, &o, config_arg, p) != 0 || slurm_dirs(p->out) != 0)
		goto done;
	if (write_scripts(&cfg, &o, &plan, p->out, p->config, p->cwd, n) != 0) {
		status = EXIT_FAILED;
		goto done;
	}
	if (o.submit) {
		status = slurm_submit(p->out, n, runs);
	} else {
		printf("brink: wrote %s/shards.sbatch (%d shards of %zu runs) and "
		       "%s/merge.sbatch; submit with: sh %s/submit.sh\n",
		       p->out, n, runs, p->out, p->out);
		status = EXIT_MEASURED;
	}
done:
	config_free(&cfg);
	sb_free(&o);
	return status;
}
