/* gotrace.h - what a Go program says about its runtime on stderr, read from
 * outside with no change to the program.
 *
 * Two texts:
 *  - GODEBUG=gctrace=1: one line per garbage collection (runtime/extern.go,
 *    "gctrace"). Go 1.19 (Debian 12) prints
 *      gc 6 @0.508s 1%: 0.63+3.2+0.002 ms clock, 1.2+0.74/1.2/3.0+0.005 ms cpu,
 *      71->72->70 MB, 74 MB goal, 4 MB stacks, 0 MB globals, 2 P
 *    (one line), optionally ending in " (forced)". Go 1.17 and older lack the
 *    stacks and globals fields; newer versions document "#MB globals". Only the
 *    prefix and the heap and goal fields are required; other fields are skipped,
 *    so fields a newer Go adds are tolerated.
 *  - The goroutine dump Go prints on SIGQUIT (default action: every goroutine's
 *    stack, then exit status 2): blocks that start "goroutine N [STATE]:"
 *    ("[STATE, 5 minutes]:", "[STATE, locked to thread]:"; newer runtimes may put
 *    "gp=0x... m=..." before the bracket), then frames: a function line and a
 *    "\tFILE:LINE +0x.." line, ending with "created by F" and a blank line.
 */
#ifndef BRINK_GOTRACE_H
#define BRINK_GOTRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One gctrace line. Sizes in bytes (the runtime prints whole MB, 2^20, rounded
 * down), so they are multiples of 1 MiB. */
struct gc_line {
	int64_t num;	    /* "gc N": GC count since the start */
	double at_s;	    /* "@T s": seconds since the program started */
	int64_t heap_start; /* heap size at GC start */
	int64_t heap_end;   /* heap size at GC end */
	int64_t heap_live;  /* live (marked) heap */
	int64_t heap_goal;  /* goal heap size */
	int forced;	    /* 1 when the line ends in "(forced)" */
};

/* Parse one line (without its newline). Returns 1 and fills g for a gctrace
 * line; 0 when the line is not one (does not start with "gc " DIGITS " @");
 * -1 when it starts like one but its heap or goal field cannot be read (a
 * format this parser does not know: the caller says so once). */
int gctrace_parse_line(const char *line, struct gc_line *g);

/* One group of a goroutine dump: the goroutines in one state whose top
 * non-runtime frame is the same function at the same place. */
struct gor_group {
	char state[48];	 /* "chan send", "IO wait", "select" (the text before any ",") */
	char func[160];	 /* "main.leakyHandler.func1" (arguments dropped) */
	char where[128]; /* "main.go:52": file base name and line; "" if unknown */
	int64_t count;
};

struct gor_dump {
	int64_t total;		  /* goroutine blocks seen */
	struct gor_group *groups; /* sorted by count, largest first; malloc'd */
	size_t n;
};

/* Parse the last goroutine dump in f (a stderr log: gctrace and other lines
 * before the "SIGQUIT: quit" or first "goroutine N [" line are skipped; a
 * later dump replaces an earlier one). Frames of the runtime (runtime.*, or a
 * file in GOROOT's src/runtime, such as time.Sleep) are passed over to find a
 * goroutine's top frame, unless it has no other ("goroutine 0 [idle]" stays
 * runtime.*). Returns 1 with d filled when a dump was found, 0 when f has
 * none (d->total = 0), -1 on a read error or out of memory (errno set). Free
 * with gor_dump_free. */
int gor_dump_parse(FILE *f, struct gor_dump *d);
void gor_dump_free(struct gor_dump *d);

/* "3000 [chan send] main.leakyHandler.func1 at main.go:52" into buf. */
void gor_group_format(const struct gor_group *g, char *buf, size_t len);

#endif
