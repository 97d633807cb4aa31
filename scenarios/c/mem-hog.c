/*
 * mem-hog: test fixture for the memory limit. Leaky: allocates --size bytes per step
 * (default 1 MiB) at --rate steps per second (default 100) and writes every page, so
 * that all of it is resident and charged; it never frees, and goes on until the kernel
 * kills it (the memory cgroup's OOM killer), or until --duration (default 3 s) or --max
 * steps (default 512, i.e. 512 MiB) bound it (exit 0): run bare, it stops near 300 MiB. If malloc
 * itself fails (an RLIMIT_AS/DATA limit) it prints "Error at step N: <strerror>" and exits 3.
 * --fixed: allocates, touches and frees per step, same pace and count: RSS stays at one step.
 */
#include "scenario.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct sc_desc desc = {
    .name = "mem-hog",
    .what = "Fixture: allocate and touch memory in steps until killed.",
    .leaky = "allocate --size per step, write every page, never free; stops at --duration or "
	     "--max (exit 0), or malloc failure (\"Error at step N\", exit 3), or the OOM killer",
    .fixed = "allocate, write and free per step, same pace and count: RSS stays flat",
    .unit = "steps of --size bytes",
    .opts = SC_OPT_RATE | SC_OPT_MAX | SC_OPT_DURATION | SC_OPT_SIZE,
    .defaults = {.rate = 100, .max = 512, .duration_ns = 3000000000LL, .size = 1024 * 1024},
};

/* Leaked steps stay reachable from this list, so the allocation is never dead code. */
static void **held;

int main(int argc, char **argv)
{
	struct sc_opts o;
	int rc = sc_parse(&desc, argc, argv, &o);
	if (rc >= 0) {
		return rc;
	}
	if (o.max == 0 && o.duration_ns == 0 && !o.fixed) {
		sc_note(&desc, "no --max and no --duration: allocating until the kernel stops it");
	}

	struct sc_pacer pacer;
	sc_pacer_init(&pacer, &o);
	long long steps = 0;
	size_t cap = 0;
	while (sc_pacer_next(&pacer)) {
		void *p = malloc(o.size);
		if (!p) {
			int e = errno;
			printf("Error at step %lld: %s\n", steps, strerror(e));
			fflush(stdout);
			return SC_EXIT_EXHAUSTED;
		}
		sc_touch(p, o.size);
		if (o.fixed) {
			free(p);
		} else {
			if ((size_t)steps == cap) {
				size_t ncap = cap ? 2 * cap : 1024;
				void **n = realloc(held, ncap * sizeof(*held));
				if (!n) {
					printf("Error at step %lld: %s\n", steps, strerror(errno));
					fflush(stdout);
					return SC_EXIT_EXHAUSTED;
				}
				held = n;
				cap = ncap;
			}
			held[steps] = p;
		}
		steps++;
	}
	printf("%s %lld steps of %zu bytes\n", o.fixed ? "allocated and freed" : "holding", steps,
	       o.size);
	return SC_EXIT_OK;
}
