/* probe.h - facts about the machine a run set ran on, for run.ini. */
#ifndef BRINK_PROBE_H
#define BRINK_PROBE_H

#include <stdio.h>

#include "cgroup.h"

/* Write a [machine] INI section: kernel, cgroup mode and controllers, hard
 * limits, fd fast path, fs.nr_open, kernel.threads-max, CPUs, memory, and the
 * memory ceiling of brink's group (cg_memory_ceiling: a batch job's allocation). */
void probe_write(FILE *out, const struct cg_system *sys);

#endif
