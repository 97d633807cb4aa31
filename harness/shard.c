/* shard.c - see shard.h. */
#include "shard.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

#include "units.h"

/* A decimal in [1, SHARD_MAX] spanning [s, end). */
static int parse_count(const char *s, const char *end, int *out)
{
	if (s == end || end - s > 6)
		return -1;
	long v = 0;
	for (const char *p = s; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (v < 1 || v > SHARD_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

int shard_parse(const char *s, struct shard *out, const char **why)
{
	const char *slash = strchr(s, '/');
	struct shard sh;
	if (!slash || parse_count(s, slash, &sh.index) != 0 ||
	    parse_count(slash + 1, slash + 1 + strlen(slash + 1), &sh.count) != 0) {
		*why = "expected K/N with 1 <= K <= N <= 100000 (shard K of N)";
		return -1;
	}
	if (sh.index > sh.count) {
		*why = "K is larger than N (shards are numbered 1 to N)";
		return -1;
	}
	*out = sh;
	return 0;
}

bool shard_has(const struct shard *sh, size_t j)
{
	return j % (size_t)sh->count == (size_t)(sh->index - 1);
}

size_t shard_total(const struct config *cfg)
{
	size_t n = 0;
	for (size_t i = 0; i < cfg->n_scenarios; i++)
		n += (size_t)cfg->scenarios[i].repetitions;
	return n;
}

size_t shard_runs(const struct shard *sh, const struct config *cfg)
{
	size_t total = shard_total(cfg), n = 0;
	for (size_t j = 0; j < total; j++)
		n += shard_has(sh, j);
	return n;
}

int shard_check_nonempty(const struct shard *sh, const struct config *cfg, struct berr *err)
{
	size_t total = shard_total(cfg);
	if ((size_t)sh->index <= total)
		return 0;
	return berr_set(err, 0,
			"shard %d of %d would hold no run: the config has %zu run%s (cut it into "
			"at most %zu shards)",
			sh->index, sh->count, total, total == 1 ? "" : "s", total);
}

int shard_out_dir(const char *base, const struct shard *sh, char *out, size_t len)
{
	int n = snprintf(out, len, "%s/shard-%d-of-%d", base, sh->index, sh->count);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

bool shard_has_scenario(const struct shard *sh, const struct config *cfg, size_t i)
{
	size_t first = 0;
	for (size_t k = 0; k < i && k < cfg->n_scenarios; k++)
		first += (size_t)cfg->scenarios[k].repetitions;
	for (int r = 0; r < cfg->scenarios[i].repetitions; r++)
		if (shard_has(sh, first + (size_t)r))
			return true;
	return false;
}

int shard_digest(const struct config *cfg, char *out, size_t len, struct berr *err)
{
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);
	if (!f)
		return berr_set(err, errno, "cannot digest the config");
	int rc = config_write_effective(cfg, f);
	int e = rc != 0 ? errno : 0;
	if (fclose(f) != 0 || rc != 0) {
		free(text);
		if (e == E2BIG)
			return berr_set(err, e,
					"cannot write the config: a value (the command?) is longer "
					"than the %d MiB a config line may hold",
					CONFIG_LINE_MAX >> 20);
		return berr_set(err, e ? e : errno, "cannot digest the config");
	}
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	sha256_init(&ctx);
	sha256_update(&ctx, n, (const uint8_t *)text);
	sha256_digest(&ctx, sizeof(d), d);
	free(text);
	if (len < SHARD_DIGEST_LEN)
		return berr_set(err, 0, "digest buffer too small");
	int k = snprintf(out, len, "sha256:");
	for (size_t i = 0; i < sizeof(d); i++)
		k += snprintf(out + k, len - (size_t)k, "%02x", d[i]);
	return 0;
}

void shard_write_ini(FILE *out, const struct shard *sh, const char *digest, size_t runs,
		     size_t total)
{
	fprintf(out, "\n[shard]\ndigest = %s\ncount = %d\nshards = %d\nruns = %zu\ntotal = %zu\n",
		digest, sh->count, sh->index, runs, total);
}

int shard_memory_check(const struct scenario *sc, int64_t ceiling, const char *where,
		       struct berr *err)
{
	int64_t m = sc->lim.v[LIM_MEMORY];
	if (ceiling == BRINK_UNLIMITED || m == BRINK_UNSET)
		return 0;
	if (m != BRINK_UNLIMITED && m <= ceiling - SHARD_SELF_MEMORY)
		return 0;
	char lim[32], ceil[32], self[32];
	if (m == BRINK_UNLIMITED)
		snprintf(lim, sizeof(lim), "max");
	else
		units_format_size(m, lim, sizeof(lim));
	units_format_size(ceiling, ceil, sizeof(ceil));
	units_format_size(SHARD_SELF_MEMORY, self, sizeof(self));
	return berr_set(err, 0,
			"memory %s is above what this machine lets brink use: %s (%s) less %s for "
			"brink itself; ask for more memory (brink slurm asks for the largest "
			"limit plus %s) or lower the limit",
			lim, ceil, where, self, self);
}
