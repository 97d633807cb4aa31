/* slurm.h - `brink slurm CONFIG`: a config as a Slurm job array of shards
 * (shard.h) and a dependent job that merges them (merge.h) and, with a baseline,
 * compares. */
#ifndef BRINK_SLURM_H
#define BRINK_SLURM_H

int cmd_slurm(int argc, char **argv);

#endif
