/* fixture.h - what several unit tests share: a scratch directory per test
 * program, a text file written in one call, and the three-scenario config
 * "abc" of the shard and merge tests.
 *
 * Include it after <cmocka.h>, with FIXTURE_NAME defined first as a string: the
 * directory is /tmp/brink-test-FIXTURE_NAME-XXXXXX, made by fixture_setup and
 * removed with everything in it by fixture_teardown (cmocka group setup and
 * teardown). Everything here is static: each test program is one file. */
#ifndef BRINK_TEST_FIXTURE_H
#define BRINK_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#ifndef FIXTURE_NAME
#error "define FIXTURE_NAME before including fixture.h"
#endif

static char tmpdir[] = "/tmp/brink-test-" FIXTURE_NAME "-XXXXXX";

static inline int fixture_setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static inline int fixture_teardown(void **state)
{
	(void)state;
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Write text to path (created or truncated); a failure fails the test. */
static inline void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* Scenarios a (2 repetitions), b (1, memory 100M), c (3): runs a1 a2 b1 c1 c2
 * c3; the shards of 3 are {a1 c1} {a2 c2} {b1 c3}. */
static const char abc[] = "[brink]\nname = abc\n"
			  "[scenario a]\ncommand = /bin/true\nrepetitions = 2\n"
			  "[scenario b]\ncommand = /bin/true\nmemory = 100M\n"
			  "[scenario c]\ncommand = /bin/true\nrepetitions = 3\n";

#endif
