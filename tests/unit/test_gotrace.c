/* test_gotrace.c - the gctrace and goroutine-dump parsers (gotrace.h) on
 * outputs captured from Debian 12's Go 1.19 (tests/golden/go119-*.log: the
 * go-substring scenario's gctrace, go-service's SIGQUIT dump after 20 leaky
 * requests) and on the newer shapes the Go sources document. Expected values
 * are counted from the captured text itself, not from the parser. */
#include "gotrace.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#define MIB (1LL << 20)

static FILE *golden(const char *name)
{
	const char *dir = getenv("BRINK_GOLDEN_DIR");
	char p[1024];
	snprintf(p, sizeof(p), "%s/%s", dir ? dir : "tests/golden", name);
	FILE *f = fopen(p, "r");
	if (!f)
		fail_msg("cannot open %s", p);
	return f;
}

/* Every line of a Go 1.19 gctrace reads; numbers from the text itself. */
static void test_gctrace_go119(void **state)
{
	(void)state;
	FILE *f = golden("go119-gctrace.log");
	char line[1024];
	int n = 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "gc ", 3) != 0)
			continue;
		n++;
		struct gc_line g;
		assert_int_equal(gctrace_parse_line(line, &g), 1);
		long long num, a, b, c, goal;
		double at;
		const char *h = strstr(line, " MB, ");
		assert_non_null(h);
		while (h > line && h[-1] != ' ')
			h--;
		assert_int_equal(sscanf(line, "gc %lld @%lfs", &num, &at), 2);
		assert_int_equal(sscanf(h, "%lld->%lld->%lld MB, %lld MB goal", &a, &b, &c, &goal),
				 4);
		assert_int_equal(g.num, num);
		assert_true(g.at_s == at);
		assert_int_equal(g.heap_start, a * MIB);
		assert_int_equal(g.heap_end, b * MIB);
		assert_int_equal(g.heap_live, c * MIB);
		assert_int_equal(g.heap_goal, goal * MIB);
		assert_int_equal(g.forced, strstr(line, "(forced)") != NULL);
	}
	fclose(f);
	assert_true(n >= 30);
}

static void test_gctrace_shapes(void **state)
{
	(void)state;
	struct gc_line g;
	/* Go 1.19, not forced (go-service under load) */
	assert_int_equal(
	    gctrace_parse_line("gc 6 @0.508s 1%: 0.63+3.2+0.002 ms clock, 1.2+0.74/1.2/3.0+0.005 "
			       "ms cpu, 71->72->70 MB, 74 MB goal, 4 MB stacks, 0 MB globals, 2 P",
			       &g),
	    1);
	assert_int_equal(g.num, 6);
	assert_int_equal(g.heap_live, 70 * MIB);
	assert_int_equal(g.heap_goal, 74 * MIB);
	assert_int_equal(g.forced, 0);
	/* the format runtime/extern.go documents today ("#MB globals"), with an
	 * extra field a later version might add */
	assert_int_equal(gctrace_parse_line("gc 12 @3.021s 2%: 0.031+1.2+0.022 ms clock, "
					    "0.12+0.35/1.0/0.61+0.089 ms cpu, 45->46->23 MB, 47 "
					    "MB goal, 1 MB stacks, 0MB globals, 4 P, 9 new things",
					    &g),
			 1);
	assert_int_equal(g.heap_start, 45 * MIB);
	assert_int_equal(g.heap_end, 46 * MIB);
	assert_int_equal(g.heap_live, 23 * MIB);
	assert_int_equal(g.heap_goal, 47 * MIB);
	/* Go 1.17 and older: no stacks and globals */
	assert_int_equal(gctrace_parse_line("gc 1 @1.569s 0%: 0.28+2.2+4.6 ms clock, "
					    "1.1+0/0.96/4.6+18 ms cpu, 4->4->1 MB, 5 MB goal, 4 P",
					    &g),
			 1);
	assert_int_equal(g.heap_live, 1 * MIB);
	/* not gctrace lines */
	const char *no[] = {"",
			    "gc",
			    "gcx 1 @1s",
			    "gc one @1s",
			    "scvg: 0 MB released",
			    "go-service: listening",
			    "gc 1 1s"};
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_int_equal(gctrace_parse_line(no[i], &g), 0);
	/* gctrace lines that cannot be read: said, not guessed */
	const char *bad[] = {
	    "gc 3 @0.1s 0%: garbage",
	    "gc 3 @0.1s 0%: 1+1+1 ms clock, 4->4 MB, 5 MB goal, 2 P",
	    "gc 3 @0.1s 0%: 1+1+1 ms clock, 4->4->x MB, 5 MB goal, 2 P",
	    "gc 3 @0.1s 0%: 1+1+1 ms clock, 4->4->1 MB, 2 P",
	    "gc 3 @0.1s: 1+1+1 ms clock, 4->4->1 MB, 5 MB goal, 2 P",
	    "gc 3 @0.1s 0%: 1+1+1 ms clock, 4->4->1 GB, 5 MB goal, 2 P",
	    /* more MiB than an int64_t holds in bytes (found by fuzz_gotrace) */
	    "gc 3 @0.1s 0%: 1+1+1 ms clock, 1+1/1/1+1 ms cpu, 2455555559555555->1->1 MB, 5 MB "
	    "goal, 2 P",
	    "gc 3 @0.1s 0%: 1+1+1 ms clock, 1+1/1/1+1 ms cpu, 4->4->1 MB, 9223372036854775807 MB "
	    "goal, 2 P",
	    "gc 3 @0.1s 0%: 1+1+1 ms clock, 4->4->4099276460824344796 MB, 5 MB goal, 2 P",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (gctrace_parse_line(bad[i], &g) != -1)
			fail_msg("read \"%s\"", bad[i]);
}

/* Go 1.19's SIGQUIT dump of go-service after 20 leaky requests. */
static void test_dump_go119(void **state)
{
	(void)state;
	FILE *f = golden("go119-sigquit.log");
	char line[1024];
	long long headers = 0, chan_send = 0;
	while (fgets(line, sizeof(line), f)) {
		/* goroutine 0 is a thread's scheduler stack, not the program's */
		headers +=
		    strncmp(line, "goroutine ", 10) == 0 && strncmp(line, "goroutine 0 ", 12);
		chan_send += strncmp(line, "goroutine ", 10) == 0 && strstr(line, " [chan send]:");
	}
	rewind(f);
	struct gor_dump d;
	assert_int_equal(gor_dump_parse(f, &d), 1);
	fclose(f);
	assert_int_equal(chan_send, 20);
	assert_int_equal(d.total, headers);
	assert_true(d.n >= 2);
	assert_int_equal(d.groups[0].count, chan_send);
	assert_string_equal(d.groups[0].state, "chan send");
	assert_string_equal(d.groups[0].func, "main.leakyHandler.func1");
	assert_string_equal(d.groups[0].where, "main.go:52");
	int64_t sum = 0;
	for (size_t i = 0; i < d.n; i++) {
		sum += d.groups[i].count;
		if (i)
			assert_true(d.groups[i].count <= d.groups[i - 1].count);
		if (strcmp(d.groups[i].state, "IO wait") == 0) /* below runtime/netpoll.go */
			assert_string_equal(d.groups[i].func, "internal/poll.(*pollDesc).wait");
		if (strcmp(d.groups[i].state, "select") == 0) /* ", locked to thread" dropped */
			assert_string_equal(d.groups[i].func, "runtime.gopark");
	}
	assert_int_equal(sum, d.total);
	char buf[256];
	gor_group_format(&d.groups[0], buf, sizeof(buf));
	assert_string_equal(buf, "20 [chan send] main.leakyHandler.func1 at main.go:52");
	gor_dump_free(&d);
}

/* Newer runtimes: "gp=... m=..." in the header, "created by F in goroutine N",
 * wait times; an earlier dump in the same log is replaced by the last. */
static void test_dump_shapes(void **state)
{
	(void)state;
	static const char text[] =
	    "gc 1 @0.1s 0%: 1+1+1 ms clock, 1+1/1/1+1 ms cpu, 4->4->1 MB, 5 MB goal, 2 P\n"
	    "SIGQUIT: quit\n"
	    "goroutine 1 [running]:\n"
	    "main.old()\n"
	    "\t/src/old.go:1 +0x1\n"
	    "\n"
	    "SIGQUIT: quit\n"
	    "PC=0x4666e1 m=0 sigcode=0\n"
	    "\n"
	    "goroutine 9 gp=0xc000007a40 m=nil [chan send, 2 minutes]:\n"
	    "runtime.gopark(0x1?, 0x2?)\n"
	    "\t/usr/lib/go/src/runtime/proc.go:424 +0xce fp=0x1 sp=0x2 pc=0x3\n"
	    "main.(*Server).worker(0xc000010000, {0x7f, 0x3})\n"
	    "\t/src/app/handler.go:41 +0x25\n"
	    "created by main.(*Server).serve in goroutine 1\n"
	    "\t/src/app/handler.go:30 +0x55\n"
	    "\n"
	    "goroutine 10 gp=0xc000007c00 m=nil [chan send]:\n"
	    "main.(*Server).worker(...)\n"
	    "\t/src/app/handler.go:41\n"
	    "created by main.(*Server).serve in goroutine 1\n"
	    "\t/src/app/handler.go:30 +0x55\n"
	    "\n"
	    "goroutine 11 [select]:\n"
	    "main.loop()\n"
	    "\t/src/app/loop.go:7 +0x9\n"
	    "...additional frames elided...\n"
	    "created by main.main\n"
	    "\t/src/app/main.go:3 +0x1\n";
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");
	struct gor_dump d;
	assert_int_equal(gor_dump_parse(f, &d), 1);
	fclose(f);
	assert_int_equal(d.total, 3);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.groups[0].count, 2);
	assert_string_equal(d.groups[0].state, "chan send");
	assert_string_equal(d.groups[0].func, "main.(*Server).worker");
	assert_string_equal(d.groups[0].where, "handler.go:41");
	assert_string_equal(d.groups[1].func, "main.loop");
	assert_string_equal(d.groups[1].where, "loop.go:7");
	gor_dump_free(&d);

	/* no dump at all */
	static const char none[] = "listening on 127.0.0.1:8080\ngoroutines are fine\n";
	f = fmemopen((void *)none, sizeof(none) - 1, "r");
	assert_int_equal(gor_dump_parse(f, &d), 0);
	fclose(f);
	assert_int_equal(d.total, 0);
	assert_null(d.groups);
}

/* A dump taken while goroutines run: goroutine 0 [idle] (the g0 of the
 * thread that took SIGQUIT) is not counted; a goroutine running on another
 * thread has no stack, and is named so, with the place it was created. */
static void test_dump_idle_running(void **state)
{
	(void)state;
	static const char text[] = "SIGQUIT: quit\n"
				   "PC=0x46d9a1 m=0 sigcode=0\n"
				   "\n"
				   "goroutine 0 [idle]:\n"
				   "runtime.futex()\n"
				   "\t/usr/lib/go-1.19/src/runtime/sys_linux_amd64.s:559 +0x21\n"
				   "\n"
				   "goroutine 12 [running]:\n"
				   "\tgoroutine running on other thread; stack unavailable\n"
				   "created by main.spin\n"
				   "\t/src/main.go:50 +0x10\n"
				   "\n"
				   "goroutine 1 [running]:\n"
				   "\tgoroutine running on other thread; stack unavailable\n"
				   "\n"
				   "goroutine 7 [chan send]:\n"
				   "main.leak.func1()\n"
				   "\t/src/main.go:33 +0x67\n"
				   "created by main.leak\n"
				   "\t/src/main.go:30 +0x99\n";
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");
	struct gor_dump d;
	assert_int_equal(gor_dump_parse(f, &d), 1);
	fclose(f);
	assert_int_equal(d.total, 3);
	assert_int_equal(d.n, 3);
	bool created = false, main_running = false;
	for (size_t i = 0; i < d.n; i++) {
		assert_string_not_equal(d.groups[i].state, "idle");
		assert_true(d.groups[i].func[0] != '\0');
		if (strcmp(d.groups[i].func, "stack unavailable, created by main.spin") == 0) {
			assert_string_equal(d.groups[i].where, "main.go:50");
			created = true;
		}
		if (strcmp(d.groups[i].func, "stack unavailable") == 0) {
			assert_string_equal(d.groups[i].where, "");
			main_running = true;
		}
	}
	assert_true(created && main_running);
	gor_dump_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_gctrace_go119),     cmocka_unit_test(test_gctrace_shapes),
	    cmocka_unit_test(test_dump_go119),	      cmocka_unit_test(test_dump_shapes),
	    cmocka_unit_test(test_dump_idle_running),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
