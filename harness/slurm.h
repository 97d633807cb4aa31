/* slurm.h - `brink slurm CONFIG`: a config as a Slurm job array of shards
 * (shard.h) and a dependent job that merges them (merge.h) and, with a
 * baseline, compares (the array's final state is the CI verdict).
 *
 * It writes into OUT (new or empty, on a file system every node sees):
 *   shards.sbatch   the job array: task K runs `brink run --shard K/N --out
 *                   OUT/shard-K CONFIG`, each task asking for the largest memory
 *                   limit of the config plus SHARD_SELF_MEMORY (--mem), or the
 *                   whole node (--exclusive) when a scenario has no memory limit
 *                   or --exclusive is given, and 1 + the largest `cpus` CPUs;
 *   merge.sbatch    `brink merge OUT/merged OUT/shard-1 ... OUT/shard-N`, then
 *                   with --baseline `brink compare BASELINE OUT/merged`; its exit
 *                   status is the verdict;
 *   submit.sh       sbatch of the array, then of the merge job with
 *                   --dependency=afterany:<array> (afterany: a failed shard is
 *                   named by the merge, not left pending forever);
 *   logs/           the jobs' output (shard-K.out, merge.out).
 * --submit runs the two sbatch commands itself and prints the job ids.
 */
#ifndef BRINK_SLURM_H
#define BRINK_SLURM_H

/* Exit status: 0 written (and submitted), 1 sbatch failed, 2 bad input. */
int cmd_slurm(int argc, char **argv);

#endif
