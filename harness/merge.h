/* merge.h - `brink merge OUT DIR...`: one result set from the result directories
 * of a config's shards (shard.h).
 *
 * Each DIR is a result of `brink run --shard K/N` (or of an earlier merge, or an
 * unsharded run: shard 1 of 1). The merge refuses, naming the directories:
 *  - sets of different configs (the digest in [shard] of run.ini differs) or cut
 *    into a different number of shards;
 *  - overlapping sets (a shard in two DIRs);
 *  - an incomplete set: missing shards are named ("missing shards 2, 5 of 5"),
 *    and a shard whose summary.csv lacks some of its runs (an interrupted or
 *    killed brink) is named with the first run missing;
 *  - a summary.csv with another header than the first DIR's, or a row that is
 *    not one of its shard's runs.
 * OUT (new or empty, as for `brink run`) gets summary.csv with every row in the
 * order of an unsharded run (scenario order, then repetition; the fields as the
 * shards wrote them), every <scenario>/<rep>/ folder copied, run.ini (the first
 * DIR's effective config, a [shard] section for the whole set and each shard's
 * machine probe as [machine shard K]), summary.json, plots and the report.
 */
#ifndef BRINK_MERGE_H
#define BRINK_MERGE_H

/* `brink merge [--no-plots] [--quiet] OUT DIR...`. Exit status: 0 merged and
 * every run measured as expected, 1 merged but a run could not be measured, was
 * interrupted or failed its expectation (as `brink run` would have exited), or
 * brink failed writing OUT; 2 bad input (nothing written). */
int cmd_merge(int argc, char **argv);

#endif
