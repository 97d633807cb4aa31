/* launchfloor.c - start libcgroup and exit.
 *
 * usage: launchfloor cginit
 * Launched in a loop like /bin/true (scripts/bench.sh, section 3), the difference
 * is what any program that uses libcgroup pays to start it: loading the library
 * and cgroup_init(), which clears and fills its mount tables.
 */
#include <libcgroup.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[1], "cginit") != 0) {
		fprintf(stderr, "usage: launchfloor cginit\n");
		return 2;
	}
	int rc = cgroup_init();
	if (rc != 0) {
		fprintf(stderr, "launchfloor: cgroup_init: %s\n", cgroup_strerror(rc));
		return 1;
	}
	return 0;
}
