/* slurm.c - see slurm.h. */
#include "slurm.h"

#include "commands.h"

int cmd_slurm(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return EXIT_FAILED;
}
