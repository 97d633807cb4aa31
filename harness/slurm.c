/* slurm.c - see slurm.h. */
#include "slurm.h"

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
#include "path.h"
#include "shard.h"
#include "units.h"

extern char **environ;

#define DEFAULT_SHARDS 10
#define MERGE_MEMORY   (256LL << 20) /* brink merge and gnuplot drawing the plots */

struct slurm_opts {
	int shards; /* 0: min(runs, DEFAULT_SHARDS) */
	const char *partition;
	const char *out;
	const char *baseline;
	const char *brink; /* the brink the nodes run */
	bool submit, exclusive;
	char **sbatch; /* options after --, for both jobs */
	int n_sbatch;
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

/* Did the user pass one of these sbatch options after --? (--mem=1G, --mem 1G,
 * -c 2 ...: the name up to '=' is compared.) */
static bool user_gave(const struct slurm_opts *o, const char *const *names)
{
	for (int i = 0; i < o->n_sbatch; i++) {
		const char *a = o->sbatch[i];
		size_t len = strcspn(a, "=");
		for (const char *const *n = names; *n; n++)
			if (strlen(*n) == len && strncmp(a, *n, len) == 0)
				return true;
	}
	return false;
}

/* The resources one shard asks for, as #SBATCH lines. */
static void put_resources(FILE *f, const struct config *cfg, const struct slurm_opts *o)
{
	static const char *const mem_opts[] = {"--mem", "--mem-per-cpu", "--mem-per-gpu",
					       "--exclusive", NULL};
	static const char *const cpu_opts[] = {"--cpus-per-task", "-c", "--exclusive", NULL};
	int64_t mem = 0, milli_cpus = 0;
	bool unbounded = false;
	for (size_t i = 0; i < cfg->n_scenarios; i++) {
		int64_t m = cfg->scenarios[i].lim.v[LIM_MEMORY];
		if (m == BRINK_UNSET || m == BRINK_UNLIMITED)
			unbounded = true;
		else if (m > mem)
			mem = m;
		int64_t c = cfg->scenarios[i].lim.v[LIM_CPUS];
		if (c != BRINK_UNSET && c != BRINK_UNLIMITED && c > milli_cpus)
			milli_cpus = c;
	}
	if (user_gave(o, mem_opts)) {
		fprintf(f, "# memory: as given after --\n");
	} else if (o->exclusive || unbounded) {
		/* A run without a memory limit may take the whole node: no neighbours. */
		fprintf(f, "# the whole node: %s\n",
			o->exclusive ? "--exclusive was asked for"
				     : "a scenario has no memory limit");
		fprintf(f, "#SBATCH --exclusive\n#SBATCH --mem=0\n");
	} else {
		int64_t need = mem + SHARD_SELF_MEMORY;
		char a[32], b[32];
		units_format_size(mem, a, sizeof(a));
		units_format_size(SHARD_SELF_MEMORY, b, sizeof(b));
		fprintf(f, "# memory: the largest scenario limit (%s) + brink's own (%s)\n", a, b);
		fprintf(f, "#SBATCH --mem=%lldM\n", (long long)((need + (1 << 20) - 1) >> 20));
	}
	if (!user_gave(o, cpu_opts) && !(o->exclusive || unbounded)) {
		long cpus = 1 + (long)((milli_cpus + 999) / 1000);
		if (milli_cpus == 0)
			cpus = 2;
		fprintf(f, "# CPUs: one for brink, the rest for the program (cpus = ... or 1)\n");
		fprintf(f, "#SBATCH --cpus-per-task=%ld\n", cpus);
	}
}

static void put_common(FILE *f, const struct slurm_opts *o, const char *cwd)
{
	fprintf(f, "#SBATCH --chdir=%s\n", cwd);
	if (o->partition)
		fprintf(f, "#SBATCH --partition=%s\n", o->partition);
	for (int i = 0; i < o->n_sbatch; i++)
		fprintf(f, "#SBATCH %s\n", o->sbatch[i]);
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

static int write_scripts(const struct config *cfg, const struct slurm_opts *o, const char *out,
			 const char *config, const char *cwd, int n)
{
	char path[PATH_MAX];
	FILE *f = create(out, "shards.sbatch", path, sizeof(path));
	if (!f)
		goto fail;
	fprintf(f, "#!/bin/sh\n# brink slurm: %d shards of %s, one per array task\n", n, config);
	fprintf(f, "#SBATCH --job-name=brink-%s\n#SBATCH --array=1-%d\n", cfg->name, n);
	fprintf(f, "#SBATCH --output=%s/logs/shard-%%a.out\n", out);
	put_resources(f, cfg, o);
	put_common(f, o, cwd);
	fprintf(f, "out=");
	sh_quote(f, out);
	fprintf(f, "/shard-$SLURM_ARRAY_TASK_ID\n"
		   "# A requeued task starts its shard over.\n"
		   "[ \"${SLURM_RESTART_COUNT:-0}\" -eq 0 ] || rm -rf \"$out\"\n"
		   "# exec: alone in the task's cgroup, brink can make its run groups below it\n"
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
	fprintf(f, "#SBATCH --mem=%lldM\n", MERGE_MEMORY >> 20);
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
		"$out/logs/shard-*.out\" >&2; exit 2; }\n",
		n, n);
	sh_quote(f, o->brink);
	fprintf(f, " merge \"$out/merged\" \"$@\"\n");
	fprintf(f, "st=$?\n"
		   "# 2: nothing merged (a shard missing or incomplete, named above)\n"
		   "[ $st -eq 2 ] && exit 2\n");
	if (o->baseline) {
		sh_quote(f, o->brink);
		fprintf(f, " compare ");
		sh_quote(f, o->baseline);
		fprintf(f, " \"$out/merged\"\n"
			   "c=$?\n"
			   "# the comparison's verdict first, then the runs' own\n"
			   "[ $c -ne 0 ] && exit $c\n");
	}
	fprintf(f, "exit $st\n");
	if (fclose(f) != 0)
		goto fail;

	if (!(f = create(out, "submit.sh", path, sizeof(path))))
		goto fail;
	fprintf(f, "#!/bin/sh\n# Submit the shards and the merge job that waits for them.\n"
		   "set -e\ncd ");
	sh_quote(f, out);
	fprintf(f,
		"\narray=$(sbatch --parsable shards.sbatch)\narray=${array%%%%;*}\n"
		"merge=$(sbatch --parsable --dependency=afterany:$array merge.sbatch)\n"
		"echo \"job array $array (%d shards), merge job ${merge%%%%;*}\"\n",
		n);
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
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		bool empty = true;
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				empty = false;
		closedir(d);
		if (!empty) {
			fprintf(stderr, "brink slurm: --out %s: exists and is not empty\n", dir);
			return -1;
		}
		return 0;
	}
	if (mkdir(dir, 0755) != 0) {
		fprintf(stderr, "brink slurm: cannot create %s: %s\n", dir, strerror(errno));
		return -1;
	}
	return 0;
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
		"  --out DIR          new or empty, seen by every node (default\n"
		"                     results/<UTC stamp>-NAME-slurm); the merged result is\n"
		"                     DIR/merged, the shards DIR/shard-K, the job logs DIR/logs\n"
		"  --baseline DIR     a result to compare the merged one with\n"
		"  --exclusive        whole nodes for the shards (the default only when a\n"
		"                     scenario has no memory limit; else each shard asks for\n"
		"                     the largest memory limit + %lld MiB for brink itself)\n"
		"  --brink PATH       the brink the nodes run (default: this one)\n"
		"  --submit           submit with sbatch and print the job ids\n"
		"  -- SBATCH_OPTION   passed to both jobs as #SBATCH lines (--time=1:00:00,\n"
		"                     --account=A ...); a memory or CPU option given here\n"
		"                     replaces brink's own request\n\n"
		"Exit status: 0 written (and submitted), 1 sbatch failed, 2 bad input.\n",
		DEFAULT_SHARDS, SHARD_SELF_MEMORY >> 20);
}

int cmd_slurm(int argc, char **argv)
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
	struct slurm_opts o = {0};
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
			o.shards = (int)v;
			break;
		}
		case 'p':
			o.partition = optarg;
			break;
		case 'o':
			o.out = optarg;
			break;
		case 'b':
			o.baseline = optarg;
			break;
		case 'B':
			o.brink = optarg;
			break;
		case 'x':
			o.exclusive = true;
			break;
		case 's':
			o.submit = true;
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
	const char *config_arg = argv[optind++];
	if (optind < argc) {
		if (strcmp(argv[optind], "--") != 0) {
			fprintf(stderr, "brink slurm: sbatch options go after --: %s\n",
				argv[optind]);
			return EXIT_BAD_INPUT;
		}
		o.sbatch = argv + optind + 1;
		o.n_sbatch = argc - optind - 1;
	}
	for (int i = 0; i < o.n_sbatch; i++) {
		if (o.sbatch[i][0] != '-' || strchr(o.sbatch[i], '\n')) {
			fprintf(stderr,
				"brink slurm: sbatch option \"%s\": expected --NAME=VALUE (one "
				"word, so that it can be an #SBATCH line)\n",
				o.sbatch[i]);
			return EXIT_BAD_INPUT;
		}
	}
	struct config cfg;
	int errors = config_load(config_arg, &cfg, stderr);
	if (errors) {
		fprintf(stderr, "brink: %d error%s in %s; nothing was written\n", errors,
			errors == 1 ? "" : "s", config_arg);
		config_free(&cfg);
		return EXIT_BAD_INPUT;
	}
	int status = EXIT_BAD_INPUT;
	size_t runs = shard_total(&cfg);
	int n = o.shards ? o.shards : (int)(runs < DEFAULT_SHARDS ? runs : DEFAULT_SHARDS);
	char config[PATH_MAX], out[PATH_MAX], cwd[PATH_MAX], exe[PATH_MAX], base[PATH_MAX];
	if ((size_t)n > runs) {
		fprintf(stderr, "brink slurm: --shards %d: %s has only %zu run%s\n", n, config_arg,
			runs, runs == 1 ? "" : "s");
		goto done;
	}
	if (!realpath(config_arg, config) || !getcwd(cwd, sizeof(cwd))) {
		fprintf(stderr, "brink slurm: %s: %s\n", config_arg, strerror(errno));
		goto done;
	}
	if (!o.brink) {
		ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (len <= 0) {
			fprintf(stderr, "brink slurm: cannot find brink itself: %s\n",
				strerror(errno));
			goto done;
		}
		exe[len] = '\0';
		o.brink = exe;
	}
	if (o.baseline) {
		char sum[PATH_MAX];
		if (path_fmt(sum, sizeof(sum), "%s/summary.csv", o.baseline) != 0 ||
		    access(sum, R_OK) != 0 || absolute(o.baseline, base, sizeof(base)) != 0) {
			fprintf(stderr, "brink slurm: --baseline %s: no readable summary.csv\n",
				o.baseline);
			goto done;
		}
		o.baseline = base;
	}
	char dflt[PATH_MAX];
	if (!o.out) {
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		char stamp[32];
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
		mkdir("results", 0755);
		snprintf(dflt, sizeof(dflt), "results/%s-%s-slurm", stamp, cfg.name);
		o.out = dflt;
	}
	if (absolute(o.out, out, sizeof(out)) != 0) {
		fprintf(stderr, "brink slurm: --out %s: its parent directory: %s\n", o.out,
			strerror(errno));
		goto done;
	}
	/* #SBATCH lines are not shell: no quoting to rely on. */
	if (strpbrk(out, " \t\n") || strpbrk(cwd, " \t\n")) {
		fprintf(stderr,
			"brink slurm: %s: a path with blanks cannot go into an #SBATCH line\n",
			strpbrk(out, " \t\n") ? out : cwd);
		goto done;
	}
	char logs[PATH_MAX];
	if (mkdir_new(out) != 0)
		goto done;
	if (path_fmt(logs, sizeof(logs), "%s/logs", out) != 0 || mkdir(logs, 0755) != 0) {
		fprintf(stderr, "brink slurm: cannot create %s/logs: %s\n", out, strerror(errno));
		goto done;
	}
	if (write_scripts(&cfg, &o, out, config, cwd, n) != 0) {
		status = EXIT_FAILED;
		goto done;
	}
	status = EXIT_MEASURED;
	if (!o.submit) {
		printf("brink: wrote %s/shards.sbatch (%d shards of %zu runs) and "
		       "%s/merge.sbatch; submit with: sh %s/submit.sh\n",
		       out, n, runs, out, out);
		goto done;
	}
	long array = sbatch(out, "shards.sbatch", NULL);
	if (array < 0) {
		status = EXIT_FAILED;
		goto done;
	}
	char dep[64];
	snprintf(dep, sizeof(dep), "--dependency=afterany:%ld", array);
	long merge = sbatch(out, "merge.sbatch", dep);
	if (merge < 0) {
		fprintf(stderr,
			"brink slurm: the shards run as job %ld, but nothing will merge "
			"them (scancel %ld, or submit merge.sbatch yourself)\n",
			array, array);
		status = EXIT_FAILED;
		goto done;
	}
	printf("brink: submitted job array %ld (%d shards of %zu runs) and merge job %ld; "
	       "results in %s/merged, logs in %s/logs\n",
	       array, n, runs, merge, out, out);
done:
	config_free(&cfg);
	return status;
}
