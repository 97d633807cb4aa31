/* test_sample.c - the sampler against a child whose state the test controls:
 * the thread count from the link count of /proc/PID/task, the fd count, rss from
 * statm, the CPU time carried between refreshes and read by sampler_take_full(),
 * and a zombie left out rather than counted as zeros. */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "sample.h"

enum { EXTRA_THREADS = 7, EXTRA_FDS = 50 };

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* Child: open EXTRA_FDS fds and start EXTRA_THREADS threads, say so on `ready`,
 * then burn CPU until killed. */
static pid_t spawn(int *baseline_fds)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive a failed test */
		close(p[0]);
		for (int i = 0; i < EXTRA_FDS; i++)
			if (open("/dev/null", O_RDONLY) < 0)
				_exit(1);
		for (int i = 0; i < EXTRA_THREADS; i++) {
			pthread_t t;
			if (pthread_create(&t, NULL, sleeper, NULL) != 0)
				_exit(1);
		}
		char c = 'r';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		for (volatile unsigned long n = 0;; n++)
			;
	}
	close(p[1]);
	char c;
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
	/* What the child inherited besides: count them the slow way. */
	sampler_force_readdir(true);
	struct berr err = {0};
	struct sampler *s = sampler_new(NULL, pid, &err);
	assert_non_null(s);
	struct sample x = {0};
	assert_int_equal(sampler_take(s, &x), 0);
	*baseline_fds = (int)x.fds;
	sampler_free(s);
	sampler_force_readdir(false);
	return pid;
}

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void nap_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static void test_counts_and_cpu(void **state)
{
	(void)state;
	int fds_readdir;
	pid_t pid = spawn(&fds_readdir);
	struct berr err = {0};
	int64_t t0 = mono_ns();
	struct sampler *s = sampler_new(NULL, pid, &err);
	assert_non_null(s);

	struct sample a = {0};
	assert_int_equal(sampler_take(s, &a), 0);
	assert_int_equal(a.procs, 1);
	assert_int_equal(a.threads, 1 + EXTRA_THREADS);
	assert_true(a.fds >= EXTRA_FDS);
	if (sampler_fd_fast_path())
		assert_int_equal(a.fds, fds_readdir);
	assert_int_equal(a.max_fds, a.fds);
	assert_true(a.rss_bytes > 0);

	/* The child spins: within the period the CPU time is carried, not
	 * re-read (it stays put while the child keeps running)... */
	nap_ms(30);
	struct sample b = {0};
	assert_int_equal(sampler_take(s, &b), 0);
	if (mono_ns() - t0 < SAMPLER_CPU_PERIOD_NS * 9 / 10) /* else a stalled machine */
		assert_int_equal(b.cpu_ns, a.cpu_ns);
	/* ... and a full sample reads it now: after 300 ms of spinning it
	 * has moved by at least a tick. */
	nap_ms(300);
	struct sample c = {0};
	assert_int_equal(sampler_take_full(s, &c), 0);
	assert_true(c.cpu_ns > a.cpu_ns);
	/* After the period (300 ms > SAMPLER_CPU_PERIOD_NS) an ordinary sample
	 * refreshes it too. */
	nap_ms(300);
	struct sample d = {0};
	assert_int_equal(sampler_take(s, &d), 0);
	assert_true(d.cpu_ns > c.cpu_ns);
	assert_int_equal(d.threads, 1 + EXTRA_THREADS);

	/* A zombie is not sampled: nothing left to read, not a row of zeros. */
	kill(pid, SIGKILL);
	siginfo_t si;
	assert_int_equal(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	struct sample z = {0};
	assert_int_equal(sampler_take(s, &z), -1);
	assert_int_equal(z.procs, 0);
	sampler_free(s);
	waitpid(pid, NULL, 0);
}

/* The thread-count probe chooses the link count of /proc/PID/task exactly when
 * that count, less "." and "..", is the number of entries the directory lists:
 * checked here with threads of our own, by readdir, independently of the probe. */
static void test_threads_probe(void **state)
{
	(void)state;
	pthread_t t[EXTRA_THREADS];
	for (int i = 0; i < EXTRA_THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, sleeper, NULL), 0);
	DIR *d = opendir("/proc/self/task");
	assert_non_null(d);
	long listed = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		listed += e->d_name[0] != '.';
	closedir(d);
	assert_int_equal(listed, 1 + EXTRA_THREADS);
	struct stat st;
	assert_int_equal(stat("/proc/self/task", &st), 0);
	bool nlink_counts = (long)st.st_nlink - 2 == listed;
	assert_int_equal(sampler_threads_fast_path(), nlink_counts);
	for (int i = 0; i < EXTRA_THREADS; i++)
		pthread_cancel(t[i]);
	for (int i = 0; i < EXTRA_THREADS; i++)
		pthread_join(t[i], NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_counts_and_cpu),
	    cmocka_unit_test(test_threads_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
