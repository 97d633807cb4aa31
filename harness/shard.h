/* shard.h - slices of a run set for several machines, and the config digest that
 * ties the slices of one config together.
 *
 * The run list of a config is every scenario in config order (sweep points are
 * scenarios by then), each repeated `repetitions` times: run j (0-based) is
 * scenario i, repetition r in that order. Shard K of N (1-based) holds the runs
 * with j % N == K - 1: a round robin, so that every shard gets a share of every
 * part of the config, and a function of the config alone, so that any machine
 * that loads the same config computes the same slices.
 *
 * run.ini carries a [shard] section (ignored when run.ini is loaded as a config):
 *   digest = sha256:<64 hex digits>   of the effective config (config.h)
 *   count = N                         slices the run list was cut into
 *   shards = K[,K...]                 the slices this result holds (1..N)
 *   runs = R                          runs of those slices
 *   total = T                         runs in the whole run list
 * An unsharded `brink run` writes count = 1, shards = 1.
 */
#ifndef BRINK_SHARD_H
#define BRINK_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "error.h"

#define SHARD_MAX	 100000 /* N above this is refused (job arrays are smaller) */
#define SHARD_DIGEST_LEN 72	/* "sha256:" + 64 hex digits + NUL, rounded up */

struct shard {
	int index; /* K, 1-based */
	int count; /* N >= 1; {1, 1} is the whole run list */
};

/* Parse "K/N" (decimal, 1 <= K <= N <= SHARD_MAX). Returns 0, or -1 with *why
 * (a static sentence). */
int shard_parse(const char *s, struct shard *out, const char **why);

/* Does shard sh hold run j (0-based position in the run list)? */
bool shard_has(const struct shard *sh, size_t j);

/* Runs in the whole run list of cfg (sum of repetitions). */
size_t shard_total(const struct config *cfg);

/* Runs of the run list of cfg that shard sh holds. */
size_t shard_runs(const struct shard *sh, const struct config *cfg);

/* Does shard sh hold at least one run of cfg? A shard K above the runs of the
 * config would hold none (the round robin gives run j to shard j % N + 1), and
 * a merge needs every one of N shards to have run: so brink run --shard and
 * brink slurm --shards refuse it alike. 0, or -1 with err: "shard K of N would
 * hold no run: the config has R runs (cut it into at most R shards)". */
int shard_check_nonempty(const struct shard *sh, const struct config *cfg, struct berr *err);

/* Does shard sh hold at least one repetition of scenario i of cfg? */
bool shard_has_scenario(const struct shard *sh, const struct config *cfg, size_t i);

/* The digest of cfg: SHA-256 (nettle) of the text config_write_effective()
 * writes for it, as "sha256:<64 lowercase hex digits>" into out (at least
 * SHARD_DIGEST_LEN bytes). Returns 0, or -1 with err (out of memory). */
int shard_digest(const struct config *cfg, char *out, size_t len, struct berr *err);

/* What brink needs for itself beside the programs it runs, bytes: its own RSS
 * (about 5 MiB sampling at 1 ms), gnuplot drawing the plots afterwards (about 23
 * MiB), page cache of the result files; measured with GNU time's maxrss. */
#define SHARD_SELF_MEMORY (64LL << 20)

/* Does the memory limit of scenario sc fit below `ceiling` (cg_memory_ceiling(),
 * e.g. a batch job's allocation) with SHARD_SELF_MEMORY to spare? A limit above
 * it would make the allocation, not the scenario's limit, the breaking point, and
 * its OOM killer may pick brink. Returns 0 (also when ceiling is BRINK_UNLIMITED
 * or sc has no memory limit), or -1 with err saying the limit, the ceiling,
 * `where` it comes from and what to do. */
int shard_memory_check(const struct scenario *sc, int64_t ceiling, const char *where,
		       struct berr *err);

/* The result directory of shard sh under a config's [brink] out = BASE (no
 * --out given): BASE/shard-K-of-N, so that the shards of one config do not aim
 * at one directory and BASE/shard-* is the set to merge. 0, or -1 (too long). */
int shard_out_dir(const char *base, const struct shard *sh, char *out, size_t len);

/* Write the [shard] section described above for one shard. */
void shard_write_ini(FILE *out, const struct shard *sh, const char *digest, size_t runs,
		     size_t total);

#endif
