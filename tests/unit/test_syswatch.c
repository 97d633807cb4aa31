/* test_syswatch.c - the parts of syswatch that need no kernel: the system call
 * name table generated at build time (checked against the C library's own
 * SYS_* numbers), the kind names, and the switches that turn it off. Loading
 * the programs is tested end to end (tests/e2e/bpf_first_failure.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "syswatch.h"

static void test_syscall_names(void **state)
{
	(void)state;
	if (!syswatch_built()) {
		fprintf(stderr, "note: built without libbpf: no system call table\n");
		skip();
		return;
	}
	static const struct {
		long nr;
		const char *name;
	} want[] = {
	    {SYS_read, "read"},	      {SYS_openat, "openat"}, {SYS_clone3, "clone3"},
	    {SYS_mmap, "mmap"},	      {SYS_fcntl, "fcntl"},   {SYS_accept4, "accept4"},
	    {SYS_getppid, "getppid"}, {SYS_close, "close"},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_string_equal(syswatch_syscall_name((int)want[i].nr), want[i].name);
	assert_null(syswatch_syscall_name(-1));
	assert_null(syswatch_syscall_name(100000));
	/* i386's numbers (compat calls), from asm/unistd_32.h: not x86-64's */
	assert_string_equal(syswatch_syscall_name32(5), "open");
	assert_string_equal(syswatch_syscall_name32(41), "dup");
	assert_string_equal(syswatch_syscall_name32(45), "brk");
	assert_string_equal(syswatch_syscall_name32(120), "clone");
	assert_string_equal(syswatch_syscall_name(41), "socket");
	assert_null(syswatch_syscall_name32(-1));
}

/* A frame-pointer walk of a process that exited (or exec'd) right after
 * failing: text on the stack ("l\0VERBOS") is no frame, nor is what follows it. */
static void test_user_frames(void **state)
{
	(void)state;
	const uint64_t top = 0x7ffffffff000ULL; /* 4-level paging's task size */
	const uint64_t walk[] = {0x401532, 0x7f12345678ab, 0x534f42524556006cULL, 0x401000};
	assert_int_equal(syswatch_user_frames(walk, 4, top), 2);
	assert_int_equal(syswatch_user_frames(walk, 1, top), 1);
	const uint64_t low[] = {0x6c, 0x401532};
	assert_int_equal(syswatch_user_frames(low, 2, top), 0);
	const uint64_t kernel[] = {0x401532, 0xffffffff81249030ULL};
	assert_int_equal(syswatch_user_frames(kernel, 2, top), 1);
	assert_int_equal(syswatch_user_frames(walk, 0, top), 0);
}

static void test_env(void **state)
{
	(void)state;
	static const char *const off[] = {"off", "0", "no", "false", "OFF", "False"};
	static const char *const on[] = {"on", "1", "yes", "true", "auto", "AUTO", ""};
	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++)
		assert_int_equal(syswatch_env(off[i]), SW_ENV_OFF);
	for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++)
		assert_int_equal(syswatch_env(on[i]), SW_ENV_ON);
	assert_int_equal(syswatch_env(NULL), SW_ENV_ON);
	assert_int_equal(syswatch_env("tracepoint"), SW_ENV_TRACEPOINT);
	assert_int_equal(syswatch_env("2"), SW_ENV_BAD);
	assert_int_equal(syswatch_env("of"), SW_ENV_BAD);
	assert_int_equal(syswatch_env("off "), SW_ENV_BAD);
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(syswatch_kind_name(SWK_EMFILE), "emfile");
	assert_string_equal(syswatch_kind_name(SWK_ENFILE), "enfile");
	assert_string_equal(syswatch_kind_name(SWK_EAGAIN_FORK), "eagain-fork");
	assert_string_equal(syswatch_kind_name(SWK_ENOMEM), "enomem");
	assert_string_equal(syswatch_kind_name(SWK__COUNT), "unknown");
}

static void test_switched_off(void **state)
{
	(void)state;
	char why[256] = "";
	unsetenv("BRINK_BPF");
	assert_null(syswatch_open(true, why, sizeof(why)));
	assert_string_equal(why, "switched off (--no-bpf)");
	setenv("BRINK_BPF", "off", 1);
	why[0] = '\0';
	assert_null(syswatch_open(false, why, sizeof(why)));
	assert_string_equal(why, syswatch_built() ? "switched off (BRINK_BPF=off)"
						  : "brink was built without libbpf (the BRINK_BPF "
						    "feature)");
	setenv("BRINK_BPF", "0", 1);
	why[0] = '\0';
	assert_null(syswatch_open(false, why, sizeof(why)));
	if (syswatch_built())
		assert_string_equal(why, "switched off (BRINK_BPF=0)");
	unsetenv("BRINK_BPF");
	/* NULL is a watcher that watches nothing */
	assert_int_equal(syswatch_fd(NULL), -1);
	assert_string_equal(syswatch_method(NULL), "");
	syswatch_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_syscall_names), cmocka_unit_test(test_user_frames),
	    cmocka_unit_test(test_env),		  cmocka_unit_test(test_kind_names),
	    cmocka_unit_test(test_switched_off),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
