/* test_service.c - the service keys (service.h) through scenario_set, as a
 * config or `brink exec` gives them: what is accepted, what is refused and
 * why, and that the effective config writes them back as they parse. */
#include "config.h"
#include "service.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_ready(void **state)
{
	(void)state;
	struct scenario sc;
	scenario_init(&sc);
	const char *why = NULL;
	assert_int_equal(sc.svc.ready_kind, READY_NONE);
	assert_int_equal(sc.svc.ready_timeout_ns, 30000000000LL);
	assert_int_equal(sc.svc.stop_grace_ns, 5000000000LL);
	assert_int_equal(scenario_set(&sc, "ready", "tcp:127.0.0.1:8080", &why), 0);
	assert_int_equal(sc.svc.ready_kind, READY_TCP);
	assert_int_equal(scenario_set(&sc, "ready", "tcp:[::1]:1", &why), 0);
	assert_int_equal(scenario_set(&sc, "ready", "tcp:localhost:65535", &why), 0);
	assert_int_equal(scenario_set(&sc, "ready", "delay:500ms", &why), 0);
	assert_int_equal(sc.svc.ready_kind, READY_DELAY);
	assert_int_equal(sc.svc.ready_delay_ns, 500000000LL);
	assert_int_equal(scenario_set(&sc, "ready", "stdout:^listening on [0-9.:]+$", &why), 0);
	assert_int_equal(sc.svc.ready_kind, READY_STDOUT);
	assert_string_equal(sc.svc.ready, "stdout:^listening on [0-9.:]+$");
	static const char *const bad[] = {
	    "tcp:127.0.0.1",
	    "tcp:127.0.0.1:0",
	    "tcp:127.0.0.1:65536",
	    "tcp:example.com:80",
	    "tcp:1.2.3.4:8x",
	    "delay:5",
	    "delay:",
	    "stdout:",
	    "stdout:(unclosed",
	    "port:8080",
	    "tcp::80",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		if (scenario_set(&sc, "ready", bad[i], &why) != -1)
			fail_msg("ready accepted \"%s\"", bad[i]);
		assert_non_null(why);
		assert_true(strncmp(why, "expected", 8) == 0);
	}
	/* a refused value leaves the last good one */
	assert_int_equal(sc.svc.ready_kind, READY_STDOUT);
	assert_int_equal(scenario_set(&sc, "ready", "none", &why), 0);
	assert_int_equal(sc.svc.ready_kind, READY_NONE);
	scenario_free(&sc);
}

static void test_go_runtime_and_more(void **state)
{
	(void)state;
	struct scenario sc;
	scenario_init(&sc);
	const char *why = NULL;
	static const struct {
		const char *v;
		unsigned bits;
	} ok[] = {{"none", 0},
		  {"gctrace", GO_GCTRACE},
		  {"dump", GO_DUMP},
		  {"gctrace,dump", GO_GCTRACE | GO_DUMP},
		  {"dump,gctrace", GO_GCTRACE | GO_DUMP}};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(scenario_set(&sc, "go-runtime", ok[i].v, &why), 0);
		assert_int_equal(sc.svc.go_runtime, ok[i].bits);
	}
	static const char *const bad[] = {"",	     "gctrace,", "gctrace,gctrace",
					  "GCTRACE", "pprof",	 "gctrace dump"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (scenario_set(&sc, "go-runtime", bad[i], &why) != -1)
			fail_msg("go-runtime accepted \"%s\"", bad[i]);
	assert_int_equal(scenario_set(&sc, "load", "go-load-client -n 3 'a b'", &why), 0);
	assert_string_equal(sc.svc.load, "go-load-client -n 3 'a b'");
	assert_int_equal(scenario_set(&sc, "load", "x 'unclosed", &why), -1);
	assert_int_equal(scenario_set(&sc, "ready-timeout", "0", &why), -1);
	assert_int_equal(scenario_set(&sc, "ready-timeout", "2s", &why), 0);
	assert_int_equal(scenario_set(&sc, "stop-grace", "0", &why), 0);
	assert_int_equal(scenario_set(&sc, "duration", "2s", &why), 0);
	assert_int_equal(sc.svc.duration_ns, 2000000000LL);
	assert_int_equal(scenario_set(&sc, "metrics-url", "http://127.0.0.1:9/metrics", &why), 0);
	assert_int_equal(scenario_set(&sc, "metrics-url", "ftp://127.0.0.1/x", &why), -1);
	assert_int_equal(scenario_set(&sc, "metrics-url", "http://a b", &why), -1);
	assert_int_equal(scenario_set(&sc, "metrics-interval", "5ms", &why), -1);
	assert_int_equal(scenario_set(&sc, "metrics", "go_goroutines,pprof_goroutines", &why), 0);
	assert_int_equal(sc.svc.n_metrics, 2);
	assert_true(service_cfg_active(&sc.svc));
	scenario_free(&sc);
}

/* Every service key written to an effective config loads back the same. */
static void test_effective_roundtrip(void **state)
{
	(void)state;
	char path[] = "/tmp/brink-test-service-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("[scenario s]\ncommand = go-service --port 1\nload = go-load-client -n 5\n"
	      "ready = stdout:^ready$\nready-timeout = 7s\nstop-grace = 250ms\nduration = 3s\n"
	      "go-runtime = dump,gctrace\nmetrics-url = http://127.0.0.1:1/metrics\n"
	      "metrics-interval = 100ms\nmetrics = go_goroutines\n",
	      f);
	fclose(f);
	struct config a, b;
	assert_int_equal(config_load(path, &a, stderr), 0);
	f = fopen(path, "w");
	assert_int_equal(config_write_effective(&a, f), 0);
	fclose(f);
	assert_int_equal(config_load(path, &b, stderr), 0);
	unlink(path);
	const struct service_cfg *x = &a.scenarios[0].svc, *y = &b.scenarios[0].svc;
	assert_string_equal(x->load, "go-load-client -n 5");
	assert_string_equal(y->load, x->load);
	assert_string_equal(y->ready, "stdout:^ready$");
	assert_int_equal(y->ready_kind, READY_STDOUT);
	assert_int_equal(y->ready_timeout_ns, 7000000000LL);
	assert_int_equal(y->stop_grace_ns, 250000000LL);
	assert_int_equal(y->duration_ns, 3000000000LL);
	assert_int_equal(y->go_runtime, GO_GCTRACE | GO_DUMP);
	assert_string_equal(y->metrics_url, "http://127.0.0.1:1/metrics");
	assert_int_equal(y->metrics_interval_ns, 100000000LL);
	assert_int_equal(y->n_metrics, 1);
	assert_string_equal(y->metrics[0], "go_goroutines");
	config_free(&a);
	config_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ready),
	    cmocka_unit_test(test_go_runtime_and_more),
	    cmocka_unit_test(test_effective_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
