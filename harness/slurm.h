/* slurm.h - `brink slurm CONFIG`: a config as a Slurm job array of shards
 * (shard.h) and a dependent job that merges them (merge.h) and, with a
 * baseline, compares (the array's final state is the CI verdict).
 *
 * It writes into OUT (new or empty, on a file system every node sees; default
 * the config's [brink] out):
 *   shards.sbatch   the job array: task K runs `brink run --shard K/N --out
 *                   OUT/shard-K CONFIG`, each task asking for the largest memory
 *                   limit of the config plus SHARD_SELF_MEMORY (--mem), or the
 *                   whole node (--exclusive --mem=0) when a scenario has no
 *                   memory limit or --exclusive is given, and 1 + the largest
 *                   `cpus` CPUs; an earlier OUT/shard-K (the task run again or
 *                   requeued) is moved to OUT/shard-K.attempt-M first;
 *   merge.sbatch    `brink merge OUT/merged OUT/shard-1 ... OUT/shard-N` (an
 *                   earlier OUT/merged moved aside likewise), then with
 *                   --baseline `brink compare BASELINE OUT/merged`; its exit
 *                   status is the verdict;
 *   submit.sh [K...]  sbatch of the array (with K: --array=K,...: those shards
 *                   again), then of the merge job with --dependency=afterany:
 *                   <array> (afterany: a failed shard is named by the merge, not
 *                   left pending forever);
 *   logs/           the jobs' output (shard-K.out, merge.out).
 * --submit runs the two sbatch commands itself and prints the job ids.
 *
 * The sbatch options after -- (sbatch(1), Slurm 22.05; short forms and values
 * as the next word read as sbatch reads them) go into both scripts. --mem,
 * --mem-per-cpu, --mem-per-gpu, -c/--cpus-per-task and a plain --exclusive
 * replace brink's own request in both; --array, --output, --error,
 * --dependency, --job-name, --chdir and --wrap are brink's and refused.
 * Refused before anything is written, as brink run would refuse them in every
 * job: a memory option that does not hold a scenario's limit plus
 * SHARD_SELF_MEMORY (shard_memory_check), a command launch_resolve() does not
 * find, a partition or path an #SBATCH line cannot carry as it is, more shards
 * than runs (shard_check_nonempty).
 */
#ifndef BRINK_SLURM_H
#define BRINK_SLURM_H

/* Exit status: 0 written (and submitted), 1 sbatch failed, 2 bad input. */
int cmd_slurm(int argc, char **argv);

#endif
