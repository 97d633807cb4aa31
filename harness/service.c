/* service.c - readiness, the load, the graceful stop (see service.h). */
#include "service.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "afile.h"
#include "analyse.h"
#include "cgroup.h"
#include "csvread.h"
#include "gotrace.h"
#include "launch.h"
#include "limit.h"
#include "result.h"
#include "scrape.h"
#include "units.h"

bool service_cfg_active(const struct service_cfg *c)
{
	return c->load[0] || c->ready_kind != READY_NONE || c->go_runtime || c->duration_ns > 0 ||
	       c->metrics_url[0];
}

/* tcp:HOST:PORT into a socket address. */
static int tcp_addr(const char *spec, struct sockaddr_storage *ss, socklen_t *len)
{
	const char *colon = strrchr(spec, ':');
	if (!colon || colon == spec || !colon[1] ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1) || strlen(colon + 1) > 5)
		return -1;
	long port = strtol(colon + 1, NULL, 10);
	if (port < 1 || port > 65535)
		return -1;
	char host[128];
	size_t hl = (size_t)(colon - spec);
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, spec, hl);
	host[hl] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (strcmp(host, "localhost") == 0)
		strcpy(host, "127.0.0.1");
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		*len = sizeof(*in4);
		return 0;
	}
	if (hl > 2 && host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &in6->sin6_addr) == 1) {
			in6->sin6_family = AF_INET6;
			in6->sin6_port = htons((uint16_t)port);
			*len = sizeof(*in6);
			return 0;
		}
	}
	return -1;
}

int service_parse_ready(struct service_cfg *c, const char *v, const char **why)
{
	struct service_cfg x = *c;
	if (strlen(v) >= sizeof(x.ready)) {
		*why = "expected at most 511 characters";
		return -1;
	}
	if (strcmp(v, "none") == 0 || !*v) {
		x.ready_kind = READY_NONE;
	} else if (strncmp(v, "tcp:", 4) == 0) {
		struct sockaddr_storage ss;
		socklen_t len;
		if (tcp_addr(v + 4, &ss, &len) != 0) {
			*why = "expected tcp:HOST:PORT with HOST an IPv4 address, [IPv6] or "
			       "localhost and PORT 1 to 65535, such as tcp:127.0.0.1:8080";
			return -1;
		}
		x.ready_kind = READY_TCP;
	} else if (strncmp(v, "delay:", 6) == 0) {
		if (units_parse_duration(v + 6, &x.ready_delay_ns, why) != 0) {
			*why = "expected delay:DURATION, such as delay:500ms";
			return -1;
		}
		x.ready_kind = READY_DELAY;
	} else if (strncmp(v, "stdout:", 7) == 0) {
		regex_t re;
		if (!v[7] || regcomp(&re, v + 7, REG_EXTENDED | REG_NOSUB) != 0) {
			*why = "expected stdout:REGEX with a valid POSIX extended regular "
			       "expression, such as stdout:listening on";
			return -1;
		}
		regfree(&re);
		x.ready_kind = READY_STDOUT;
	} else {
		*why = "expected tcp:HOST:PORT, delay:DURATION, stdout:REGEX or none";
		return -1;
	}
	snprintf(x.ready, sizeof(x.ready), "%s", x.ready_kind == READY_NONE ? "" : v);
	*c = x;
	return 0;
}

static const struct {
	const char *name;
	unsigned bit;
} go_words[] = {{"gctrace", GO_GCTRACE}, {"dump", GO_DUMP}};

int service_parse_go_runtime(struct service_cfg *c, const char *v, const char **why)
{
	static const char expected[] = "expected none, gctrace, dump or gctrace,dump";
	unsigned bits = 0;
	if (strcmp(v, "none") == 0) {
		c->go_runtime = 0;
		return 0;
	}
	for (const char *p = v;;) {
		size_t n = strcspn(p, ",");
		size_t i;
		for (i = 0; i < sizeof(go_words) / sizeof(go_words[0]); i++)
			if (strlen(go_words[i].name) == n && memcmp(go_words[i].name, p, n) == 0)
				break;
		if (i == sizeof(go_words) / sizeof(go_words[0]) || (bits & go_words[i].bit)) {
			*why = expected;
			return -1;
		}
		bits |= go_words[i].bit;
		p += n;
		if (!*p)
			break;
		p++;
	}
	c->go_runtime = bits;
	return 0;
}

const char *service_go_runtime_name(unsigned bits)
{
	static const char *const names[] = {"none", "gctrace", "dump", "gctrace,dump"};
	return names[bits & 3];
}

/* Does a shell command line replace the shell with its program ("exec ...")? */
static bool shell_execs(const char *cmd)
{
	cmd += strspn(cmd, " \t");
	return strncmp(cmd, "exec", 4) == 0 && (cmd[4] == ' ' || cmd[4] == '\t');
}

int service_check(const struct service_cfg *c, const char *shell_cmd, const char *scenario_dir,
		  struct berr *err)
{
	if (c->metrics_url[0] && !scrape_available())
		return berr_set(err, 0, "metrics-url: this brink was built without libcurl");
	if ((c->go_runtime & GO_DUMP) && shell_cmd && !shell_execs(shell_cmd))
		return berr_set(
		    err, 0,
		    "go-runtime: dump with shell = yes: the SIGQUIT would go to /bin/sh, "
		    "not to the Go program, and no dump would come; start the command "
		    "with exec (exec ./server ...) or set shell = no");
	if (!c->load[0] || shell_cmd)
		return 0;
	const char *why = "out of memory";
	char **argv = command_split(c->load, &why);
	if (!argv)
		return berr_set(err, 0, "load: %s", why);
	char path[PATH_MAX];
	struct berr e = {0};
	int rc = launch_resolve(argv[0], scenario_dir, path, sizeof(path), &e);
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
	if (rc != 0) {
		berr_set(err, 0, "load: %s", e.msg);
		if (err)
			err->errnum = e.errnum;
	}
	return rc;
}

/* ---- run time ------------------------------------------------------------ */

enum phase {
	PH_WAIT_READY, /* the program runs, not ready yet */
	PH_LOADED,     /* ready; the load runs (or there is none) */
	PH_STOPPING,   /* the stop signal was sent; the grace runs */
	PH_DONE,       /* brink kills, or the program ended */
};

#define LINE_MAX_KEPT 4096

/* A line being assembled; of a longer line, the start is kept. */
struct linebuf {
	char b[LINE_MAX_KEPT];
	size_t n;
};

struct service {
	struct service_opts o;
	int64_t t0; /* the program's start, CLOCK_MONOTONIC ns */
	const struct service_cfg *c;
	enum phase phase;
	int tfd;
	regex_t re;
	bool have_re;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	int tcp_fd; /* a connect in progress (ready = tcp:), or -1 */
	int64_t tcp_started;
	char **load_argv;
	struct cg_run *load_cg; /* the load's own group beside the run's; NULL without cgroups */
	char load_path[PATH_MAX];
	pid_t load_pid;
	int64_t load_start, load_end;
	int load_status; /* wait status */
	bool load_exec_failed, load_killed, load_ended;
	char exec_error[768]; /* why the load could not start (struct berr's message) */
	int64_t ready_at, stop_at, grace_end;
	bool not_ready, stopped; /* stopped: after the load or `duration` */
	char *env[2];
	struct linebuf out, err;
	int64_t heap_live, heap_peak, gc_count;
	bool gc_bad_warned;
	struct scrape *scrape; /* metrics-url, while ready and not stopped */
	/* go-runtime = dump: stderr from the stop signal on, every byte (log-cap
	 * cuts stderr.log, not this), up to DUMP_MAX; an unnamed temporary file. */
	FILE *dump;
	int64_t dump_bytes, err_bytes; /* bytes kept in dump; of stderr in all */
	bool dump_cut;		       /* DUMP_MAX reached: the rest was not kept */
	bool killed_in_grace;	       /* SIGKILL before the program ended after the stop */
};

/* The most of a goroutine dump kept for its parse: 1,000,000 goroutines of a
 * few frames each, far beyond what a useful dump holds. */
#define DUMP_MAX (512LL << 20)

static void ev(struct service *s, int64_t now, const char *name, long long v, const char *d)
{
	if (s->o.event)
		s->o.event(s->o.event_arg, now - s->t0, name, v, d);
}

static int arm(struct service *s, int64_t period_ns)
{
	struct itimerspec its = {{period_ns / 1000000000LL, period_ns % 1000000000LL},
				 {period_ns / 1000000000LL, period_ns % 1000000000LL}};
	return timerfd_settime(s->tfd, 0, &its, NULL);
}

static void disarm(struct service *s)
{
	struct itimerspec its = {{0, 0}, {0, 0}};
	timerfd_settime(s->tfd, 0, &its, NULL);
}

/* How often readiness and the grace are checked. */
#define SERVICE_TICK_NS (10 * 1000000LL)

struct service *service_new(const struct service_opts *o, struct berr *err)
{
	struct service *s = calloc(1, sizeof(*s));
	if (!s) {
		berr_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	s->o = *o;
	s->c = o->cfg;
	s->tfd = -1;
	s->tcp_fd = -1;
	s->load_pid = -1;
	s->heap_live = s->heap_peak = s->gc_count = -1;
	s->ready_at = s->stop_at = s->grace_end = -1;
	const struct service_cfg *c = s->c;
	if (c->load[0]) {
		const char *why = "out of memory";
		if (o->shell) {
			const char *sh[] = {"/bin/sh", "-c", c->load, NULL};
			s->load_argv = calloc(4, sizeof(char *));
			for (int i = 0; s->load_argv && i < 3; i++)
				s->load_argv[i] = strdup(sh[i]);
		} else {
			s->load_argv = command_split(c->load, &why);
		}
		if (!s->load_argv) {
			berr_set(err, 0, "load: %s", why);
			goto fail;
		}
		if (launch_resolve(s->load_argv[0], o->scenario_dir, s->load_path,
				   sizeof(s->load_path), err) != 0)
			goto fail;
		if (o->sys && cg_system_any(o->sys)) {
			/* A group of its own, no limits, not sampled: what the load
			 * leaves behind (a client in the background, a setsid child)
			 * is found there and killed when the load ends. */
			struct limits none;
			limits_init(&none);
			if (cg_run_create(o->sys, &none, &s->load_cg, err) != 0)
				goto fail;
		}
	}
	if (c->ready_kind == READY_STDOUT) {
		if (regcomp(&s->re, c->ready + 7, REG_EXTENDED | REG_NOSUB) != 0) {
			berr_set(err, 0, "ready: cannot compile %s", c->ready);
			goto fail;
		}
		s->have_re = true;
	}
	if (c->ready_kind == READY_TCP && tcp_addr(c->ready + 4, &s->addr, &s->addrlen) != 0) {
		berr_set(err, 0, "ready: cannot read %s", c->ready);
		goto fail;
	}
	if (c->go_runtime & GO_GCTRACE) {
		/* Added to the GODEBUG the program would get: that of `env` (the
		 * last one wins, as in launch_merge_env), else brink's. */
		const char *old = getenv("GODEBUG");
		for (char *const *e = o->env; e && *e; e++)
			if (strncmp(*e, "GODEBUG=", 8) == 0)
				old = *e + 8;
		if (asprintf(&s->env[0], "GODEBUG=%s%sgctrace=1", old ? old : "",
			     old && *old ? "," : "") < 0) {
			s->env[0] = NULL;
			berr_set(err, ENOMEM, "out of memory");
			goto fail;
		}
	}
	if (c->metrics_url[0] &&
	    !(s->scrape = scrape_new(c->metrics_url, c->metrics, c->n_metrics, o->run_dir, err)))
		goto fail;
	if (service_cfg_active(c)) {
		s->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (s->tfd < 0) {
			berr_set(err, errno, "cannot create a timerfd");
			goto fail;
		}
		if (arm(s, SERVICE_TICK_NS) != 0) {
			berr_set(err, errno, "cannot arm a timer");
			goto fail;
		}
	}
	s->phase = PH_WAIT_READY;
	return s;
fail:
	service_free(s);
	return NULL;
}

void service_free(struct service *s)
{
	if (!s)
		return;
	if (s->load_pid > 0 && !s->load_ended) {
		kill(-s->load_pid, SIGKILL);
		kill(s->load_pid, SIGKILL);
		waitpid(s->load_pid, NULL, 0);
	}
	struct berr e = {0};
	if (cg_run_destroy(s->load_cg, launch_reap_all, NULL, &e) != 0)
		fprintf(stderr, "brink: the load's group: %s\n", e.msg);
	if (s->load_argv) {
		for (char **p = s->load_argv; *p; p++)
			free(*p);
		free(s->load_argv);
	}
	if (s->have_re)
		regfree(&s->re);
	if (s->tfd >= 0)
		close(s->tfd);
	if (s->tcp_fd >= 0)
		close(s->tcp_fd);
	scrape_free(s->scrape);
	if (s->dump)
		fclose(s->dump);
	free(s->env[0]);
	free(s);
}

void service_set_t0(struct service *s, int64_t t0)
{
	if (s)
		s->t0 = t0;
}

char *const *service_env(struct service *s)
{
	return s && s->env[0] ? s->env : NULL;
}

int service_timer_fd(const struct service *s)
{
	return s ? s->tfd : -1;
}

/* A connect attempt in progress gets this long before a new one starts. */
#define TCP_ATTEMPT_NS (1000 * 1000000LL)

/* Does the port accept? Non-blocking throughout: a connect that does not
 * complete at once (a loopback one does) is checked again at the next tick,
 * so a slow or silent address never stalls the event loop. */
static bool tcp_ready(struct service *s, int64_t now)
{
	if (s->tcp_fd >= 0) {
		struct pollfd pf = {s->tcp_fd, POLLOUT, 0};
		int e = 0;
		socklen_t el = sizeof(e);
		int r = poll(&pf, 1, 0);
		if (r == 0 && now - s->tcp_started < TCP_ATTEMPT_NS)
			return false; /* still connecting */
		bool ok =
		    r == 1 && getsockopt(s->tcp_fd, SOL_SOCKET, SO_ERROR, &e, &el) == 0 && e == 0;
		close(s->tcp_fd);
		s->tcp_fd = -1;
		return ok;
	}
	int fd = socket(s->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	if (connect(fd, (struct sockaddr *)&s->addr, s->addrlen) == 0) {
		close(fd);
		return true;
	}
	if (errno == EINPROGRESS) {
		s->tcp_fd = fd;
		s->tcp_started = now;
		return false;
	}
	close(fd);
	return false;
}

/* Kill what the load left running: every process of its group (a setsid child
 * too), without waiting (brink, a subreaper, reaps them as they go; the group's
 * removal in service_free waits for the last). Without cgroups its process
 * group, called only right after the load was reaped: its leader's pid still
 * names that group, not a newcomer's. */
static void kill_load_rest(struct service *s, bool pgrp)
{
	if (pgrp && s->load_pid > 0)
		kill(-s->load_pid, SIGKILL);
	if (!s->load_cg)
		return;
	pid_t pids[256];
	int n;
	for (int round = 0; round < 4 && (n = cg_run_procs(s->load_cg, pids, 256)) > 0; round++)
		for (int i = 0; i < n; i++)
			kill(pids[i], SIGKILL);
}

/* Start the load: its own process group, in its own cgroup beside the run's
 * (not measured) when there are cgroups, stdout and stderr into load-stdout.log
 * and load-stderr.log, the scenario's `env` over brink's environment. */
static void start_load(struct service *s, int64_t now)
{
	char p[PATH_MAX + 32];
	int fds[3] = {-1, -1, -1}; /* the load's stdin (/dev/null), stdout, stderr */
	static const char *const names[3] = {NULL, "load-stdout.log", "load-stderr.log"};
	struct berr e = {0};
	pid_t parent = getpid();
	int errp[2] = {-1, -1}, syncp[2] = {-1, -1};
	char **envp = NULL;
	fds[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fds[0] < 0) {
		berr_set(&e, errno, "cannot open /dev/null for the load");
		goto failed;
	}
	for (int i = 1; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", s->o.run_dir, names[i]);
		fds[i] = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fds[i] < 0) {
			berr_set(&e, errno, "cannot create %s", p);
			goto failed;
		}
	}
	if (pipe2(errp, O_CLOEXEC) != 0 || pipe2(syncp, O_CLOEXEC) != 0) {
		berr_set(&e, errno, "cannot create a pipe for the load");
		goto failed;
	}
	if (s->o.env && !(envp = launch_merge_env(s->o.env, NULL))) {
		berr_set(&e, ENOMEM, "cannot set the environment of the load");
		goto failed;
	}
	pid_t pid = fork();
	if (pid == 0) {
		/* If brink dies, so does the load; if it died already, do not start. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int fail[2] = {0, 0}; /* step (0 chdir, 1 exec, 2 cgroup), errno */
		if (getppid() != parent)
			_exit(127);
		/* Wait until brink has moved us into the load's group. */
		char c;
		close(syncp[1]);
		if (read(syncp[0], &c, 1) != 1) {
			fail[0] = 2;
			ssize_t w = write(errp[1], fail, sizeof(fail));
			(void)w;
			_exit(127);
		}
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setpgid(0, 0); /* out of the terminal's reach: ^C is brink's */
		for (int i = 0; i < 3; i++)
			dup2(fds[i], i);
		if (!s->o.cwd || chdir(s->o.cwd) == 0) {
			fail[0] = 1;
			extern char **environ;
			execve(s->load_path, s->load_argv, envp ? envp : environ);
		}
		fail[1] = errno;
		ssize_t w = write(errp[1], fail, sizeof(fail));
		(void)w;
		_exit(127);
	}
	if (pid < 0) {
		berr_set(&e, errno, "cannot fork the load");
		goto failed;
	}
	close(syncp[0]);
	syncp[0] = -1;
	struct berr ae = {0};
	if (!s->load_cg || cg_run_attach(s->load_cg, pid, &ae) == 0) {
		ssize_t w = write(syncp[1], "g", 1);
		(void)w;
	}
	close(syncp[1]); /* without the byte: the child reports step 2 and exits */
	syncp[1] = -1;
	close(errp[1]);
	errp[1] = -1;
	int fail[2];
	ssize_t n;
	do
		n = read(errp[0], fail, sizeof(fail));
	while (n < 0 && errno == EINTR);
	s->load_pid = pid;
	s->load_start = now;
	if (n == (ssize_t)sizeof(fail)) {
		if (fail[0] == 2)
			berr_set(&e, ae.errnum, "cannot move the load into its group: %s", ae.msg);
		else if (fail[0] == 0)
			berr_set(&e, fail[1], "cannot change the load's directory to %s", s->o.cwd);
		else
			berr_set(&e, fail[1], "cannot execute the load %s", s->load_path);
		snprintf(s->exec_error, sizeof(s->exec_error), "%s", e.msg);
		s->load_exec_failed = true;
		ev(s, now, "load-exec-failed", RES_NONE, s->exec_error);
		/* its exit is reaped like any load's, by service_child */
	} else {
		ev(s, now, "load-start", pid, s->load_path);
	}
	goto out;
failed:
	snprintf(s->exec_error, sizeof(s->exec_error), "%s", e.msg);
	s->load_exec_failed = true;
	s->load_ended = true;
	s->load_start = s->load_end = now;
	ev(s, now, "load-exec-failed", RES_NONE, s->exec_error);
out:
	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	for (int i = 0; i < 2; i++) {
		if (errp[i] >= 0)
			close(errp[i]);
		if (syncp[i] >= 0)
			close(syncp[i]);
	}
	free(envp); /* the vector only: its strings are borrowed */
}

static void become_ready(struct service *s, int64_t now, const char *how)
{
	s->ready_at = now;
	s->phase = PH_LOADED;
	if (s->c->ready_kind != READY_NONE)
		ev(s, now, "ready", RES_NONE, how);
	if (s->c->load[0])
		start_load(s, now);
	if (!s->c->load[0] && !s->c->duration_ns && !s->scrape && s->tfd >= 0)
		disarm(s); /* nothing more to wait for until a stop */
}

/* The stop signal, or 0 when there is none to send (kill at once). */
static int stop_signal(const struct service *s, bool after_load)
{
	if (s->c->go_runtime & GO_DUMP)
		return SIGQUIT;
	return after_load ? SIGTERM : 0;
}

static enum service_do begin_stop(struct service *s, int64_t now, bool after_load, const char *why,
				  int *sig)
{
	if (s->phase == PH_STOPPING || s->phase == PH_DONE) {
		s->killed_in_grace |= s->phase == PH_STOPPING;
		s->phase = PH_DONE;
		return SVC_KILL;
	}
	s->stop_at = now;
	*sig = stop_signal(s, after_load);
	if (*sig == 0) {
		s->phase = PH_DONE;
		return SVC_KILL;
	}
	s->phase = PH_STOPPING;
	s->grace_end = now + s->c->stop_grace_ns;
	ev(s, now, "stop", *sig, why);
	if (s->tfd < 0)
		s->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (s->tfd >= 0)
		arm(s, SERVICE_TICK_NS);
	return SVC_SIGNAL;
}

enum service_do service_poll(struct service *s, int64_t now, int *sig)
{
	if (!s)
		return SVC_NOTHING;
	if (s->tfd >= 0) {
		uint64_t exp;
		ssize_t r = read(s->tfd, &exp, sizeof(exp));
		(void)r;
	}
	if (s->c->duration_ns > 0 && now - s->t0 >= s->c->duration_ns &&
	    (s->phase == PH_WAIT_READY || s->phase == PH_LOADED)) {
		s->stopped = true;
		return begin_stop(s, now, true, "duration reached", sig);
	}
	switch (s->phase) {
	case PH_WAIT_READY: {
		const struct service_cfg *c = s->c;
		if (c->ready_kind == READY_NONE)
			become_ready(s, now, NULL);
		else if (c->ready_kind == READY_DELAY && now - s->t0 >= c->ready_delay_ns)
			become_ready(s, now, c->ready);
		else if (c->ready_kind == READY_TCP && tcp_ready(s, now))
			become_ready(s, now, c->ready);
		if (s->phase != PH_WAIT_READY)
			return service_poll(s, now, sig);
		if (now - s->t0 >= c->ready_timeout_ns) {
			s->not_ready = true;
			ev(s, now, "not-ready", RES_NONE, c->ready);
			return begin_stop(s, now, false, "not ready within ready-timeout", sig);
		}
		return SVC_NOTHING;
	}
	case PH_LOADED:
		if (s->scrape) {
			char why[512];
			if (scrape_step(s->scrape, now, s->t0, s->c->metrics_interval_ns, why,
					sizeof(why)) < 0)
				ev(s, now, "scrape-failed", RES_NONE, why);
		}
		if (s->c->load[0] && s->load_ended) {
			s->stopped = true;
			return begin_stop(s, now, true, "the load ended", sig);
		}
		return SVC_NOTHING;
	case PH_STOPPING:
		if (now >= s->grace_end) {
			ev(s, now, "stop-grace-expired", RES_NONE, NULL);
			s->killed_in_grace = true;
			s->phase = PH_DONE;
			return SVC_KILL;
		}
		return SVC_NOTHING;
	case PH_DONE:
		break;
	}
	return SVC_NOTHING;
}

enum service_do service_stop(struct service *s, int64_t now, const char *why, int *sig)
{
	if (!s)
		return SVC_KILL;
	return begin_stop(s, now, false, why, sig);
}

/* Feed bytes to a line buffer, calling fn for each complete line. */
static void lines(struct service *s, struct linebuf *lb, const char *buf, size_t n, int64_t now,
		  void (*fn)(struct service *, const char *, int64_t))
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			lb->b[lb->n] = '\0';
			fn(s, lb->b, now);
			lb->n = 0;
		} else if (lb->n + 1 < sizeof(lb->b)) {
			lb->b[lb->n++] = buf[i];
		}
	}
}

static void out_line(struct service *s, const char *line, int64_t now)
{
	if (s->phase == PH_WAIT_READY && s->have_re && regexec(&s->re, line, 0, NULL, 0) == 0)
		become_ready(s, now, s->c->ready);
}

static void err_line(struct service *s, const char *line, int64_t now)
{
	struct gc_line g;
	int r = gctrace_parse_line(line, &g);
	if (r == 1) {
		s->heap_live = g.heap_live;
		if (g.heap_live > s->heap_peak)
			s->heap_peak = g.heap_live;
		s->gc_count = g.num;
	} else if (r < 0 && !s->gc_bad_warned) {
		s->gc_bad_warned = true;
		ev(s, now, "gctrace-unreadable", RES_NONE, line);
	}
}

void service_stdout(struct service *s, const char *buf, size_t n, int64_t now)
{
	if (s && s->have_re && s->phase == PH_WAIT_READY)
		lines(s, &s->out, buf, n, now, out_line);
}

/* Keep stderr from the stop signal on: the dump it asks for. */
static void dump_keep(struct service *s, const char *buf, size_t n, int64_t now)
{
	if (!s->dump && !s->dump_cut && !(s->dump = tmpfile())) {
		s->dump_cut = true;
		ev(s, now, "goroutine-dump-unkept", errno, strerror(errno));
		return;
	}
	if (s->dump_cut)
		return;
	size_t keep = n;
	if (s->dump_bytes + (int64_t)n > DUMP_MAX) {
		keep = (size_t)(DUMP_MAX - s->dump_bytes);
		s->dump_cut = true;
	}
	if (fwrite(buf, 1, keep, s->dump) != keep)
		s->dump_cut = true;
	s->dump_bytes += (int64_t)keep;
}

void service_stderr(struct service *s, const char *buf, size_t n, int64_t now)
{
	if (!s)
		return;
	s->err_bytes += (int64_t)n;
	if ((s->c->go_runtime & GO_DUMP) && s->stop_at >= 0)
		dump_keep(s, buf, n, now);
	if (s->c->go_runtime & GO_GCTRACE)
		lines(s, &s->err, buf, n, now, err_line);
}

bool service_child(struct service *s, pid_t pid, int wstatus, int64_t now)
{
	if (!s || pid != s->load_pid || s->load_ended)
		return false;
	if (!WIFEXITED(wstatus) && !WIFSIGNALED(wstatus))
		return true;
	s->load_ended = true;
	s->load_end = now;
	s->load_status = wstatus;
	kill_load_rest(s, true); /* the load is over: so is all it started */
	if (!s->load_exec_failed) {
		if (WIFEXITED(wstatus))
			ev(s, now, "load-exited", WEXITSTATUS(wstatus), NULL);
		else
			ev(s, now, "load-signaled", WTERMSIG(wstatus),
			   strsignal(WTERMSIG(wstatus)));
	}
	return true;
}

void service_program_ended(struct service *s, int64_t now)
{
	if (!s)
		return;
	s->phase = PH_DONE;
	if (s->tfd >= 0)
		disarm(s);
	if (s->load_pid > 0 && !s->load_ended) {
		/* The program went first: the load has nothing left to drive. */
		kill(-s->load_pid, SIGKILL);
		kill(s->load_pid, SIGKILL);
		int st;
		if (waitpid(s->load_pid, &st, 0) == s->load_pid) {
			s->load_killed = true;
			service_child(s, s->load_pid, st, now);
		}
	}
	kill_load_rest(s, false);
}

int64_t service_go_heap(const struct service *s)
{
	return s ? s->heap_live : -1;
}

int64_t service_gc_count(const struct service *s)
{
	return s ? s->gc_count : -1;
}

bool service_gctrace(const struct service *s)
{
	return s && (s->c->go_runtime & GO_GCTRACE);
}

static double secs(int64_t ns)
{
	return (double)ns / 1e9;
}

/* Parse the dump brink asked for (stderr kept from the stop signal on), else
 * one at the end of stderr.log; write goroutines.txt. A dump known to be cut
 * (DUMP_MAX reached; the program killed while it wrote, after the grace;
 * stderr.log cut at log-cap) gives no count: goroutines stays empty and
 * goroutines_top says why, with the least number seen. */
static void goroutines(struct service *s, struct run_result *r)
{
	char p[PATH_MAX + 32];
	FILE *f = NULL;
	const char *src = "stderr.log";
	struct gor_dump d;
	int rc = 0;
	if (s->dump && fflush(s->dump) == 0 && s->dump_bytes > 0) {
		rewind(s->dump);
		rc = gor_dump_parse(s->dump, &d);
		src = "stderr after the stop signal";
	}
	if (rc == 0) {
		snprintf(p, sizeof(p), "%s/stderr.log", s->o.run_dir);
		if (!(f = fopen(p, "re")))
			return;
		rc = gor_dump_parse(f, &d);
		src = "stderr.log";
		fclose(f);
	}
	if (rc <= 0) {
		if (s->stop_at >= 0 && stop_signal(s, false) == SIGQUIT)
			snprintf(
			    r->goroutines_top, sizeof(r->goroutines_top),
			    "no goroutine dump on stderr after the SIGQUIT (%lld bytes): not a "
			    "Go program or one that handles SIGQUIT",
			    (long long)s->dump_bytes);
		return;
	}
	const char *cut = NULL;
	struct stat st;
	snprintf(p, sizeof(p), "%s/stderr.log", s->o.run_dir);
	if (s->dump_cut && strcmp(src, "stderr.log") != 0)
		cut = "over 512 MiB: the rest not kept";
	else if (s->killed_in_grace && strcmp(src, "stderr.log") != 0)
		cut = "the program was killed after stop-grace: maybe while it wrote";
	else if (strcmp(src, "stderr.log") == 0 && stat(p, &st) == 0 && st.st_size < s->err_bytes)
		cut = "stderr.log was cut at log-cap";
	if (cut) {
		snprintf(r->goroutines_top, sizeof(r->goroutines_top),
			 "incomplete dump (%s): at least %lld goroutines", cut, (long long)d.total);
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ev(s, ts.tv_sec * 1000000000LL + ts.tv_nsec, "goroutine-dump-incomplete", d.total,
		   cut);
	} else {
		r->goroutines = d.total;
		if (d.n > 0)
			gor_group_format(&d.groups[0], r->goroutines_top,
					 sizeof(r->goroutines_top));
	}
	snprintf(p, sizeof(p), "%s/goroutines.txt", s->o.run_dir);
	struct afile af;
	struct berr e = {0};
	if (afile_open(&af, p, 0, &e) == 0) {
		FILE *o = af.f;
		if (cut)
			fprintf(o, "# INCOMPLETE (%s): at least %lld goroutines\n", cut,
				(long long)d.total);
		fprintf(o,
			"# %lld goroutines in the dump (%s), by state and top frame outside "
			"package runtime\n",
			(long long)d.total, src);
		for (size_t i = 0; i < d.n; i++) {
			char line[400];
			gor_group_format(&d.groups[i], line, sizeof(line));
			fprintf(o, "%s\n", line);
		}
		if (afile_commit(&af, &e) != 0)
			fprintf(stderr, "brink: %s\n", e.msg);
	} else {
		fprintf(stderr, "brink: %s\n", e.msg);
	}
	gor_dump_free(&d);
}

bool service_load_failed(const struct run_result *r)
{
	static const char *const failed[] = {"failed", "signaled", "exec-failed", "not-started"};
	for (size_t i = 0; i < sizeof(failed) / sizeof(failed[0]); i++)
		if (strcmp(r->load_status, failed[i]) == 0)
			return true;
	return false;
}

void service_conclude(struct service *s, struct run_result *r, double warmup_s, double *win_from_s,
		      double *win_to_s)
{
	*win_from_s = warmup_s;
	*win_to_s = -1;
	if (!s || !service_cfg_active(s->c))
		return;
	const struct service_cfg *c = s->c;
	/* Without `ready` or `load` the program is "ready" at start: nothing to say. */
	if (s->ready_at >= 0 && (c->ready_kind != READY_NONE || c->load[0]))
		r->ready_s = secs(s->ready_at - s->t0);
	if (s->ready_at >= 0 && c->ready_kind != READY_NONE)
		*win_from_s = r->ready_s + warmup_s;
	if (s->stop_at >= 0)
		*win_to_s = secs(s->stop_at - s->t0);
	if (c->load[0]) {
		if (s->load_pid < 0 && !s->load_exec_failed)
			snprintf(r->load_status, sizeof(r->load_status), "not-started");
		else if (s->load_exec_failed)
			snprintf(r->load_status, sizeof(r->load_status), "exec-failed");
		else if (s->load_killed)
			snprintf(r->load_status, sizeof(r->load_status), "killed");
		else if (WIFEXITED(s->load_status)) {
			r->load_exit_code = WEXITSTATUS(s->load_status);
			snprintf(r->load_status, sizeof(r->load_status), "%s",
				 r->load_exit_code == 0 ? "ok" : "failed");
		} else if (WIFSIGNALED(s->load_status)) {
			snprintf(r->load_status, sizeof(r->load_status), "signaled");
		}
		if (s->load_pid > 0 || s->load_exec_failed)
			r->load_duration_s = secs(s->load_end - s->load_start);
	}
	if (s->not_ready)
		r->outcome = OUT_NOT_READY;
	else if (s->stopped && r->outcome != OUT_OOM_KILLED && r->outcome != OUT_INTERRUPTED &&
		 r->outcome != OUT_TIMEOUT)
		r->outcome = OUT_STOPPED;
	if (c->go_runtime & GO_GCTRACE) {
		r->go_heap_live_bytes = s->heap_peak;
		r->gc_count = s->gc_count;
	}
	if (c->go_runtime & GO_DUMP)
		goroutines(s, r);
}

int64_t service_scrape_failures(const char *run_dir, char *first, size_t len)
{
	char p[PATH_MAX];
	if (len)
		first[0] = '\0';
	if (snprintf(p, sizeof(p), "%s/events.csv", run_dir) >= (int)sizeof(p))
		return -1;
	struct csv_reader r;
	struct berr e = {0};
	if (csvr_open(&r, p, &e) != 0)
		return -1;
	int ce = csvr_col(&r, "event"), cd = csvr_col(&r, "detail");
	int64_t n = 0;
	int rc;
	while (ce >= 0 && cd >= 0 && (rc = csvr_next(&r, &e)) == 1)
		if (strcmp(r.field[ce], "scrape-failed") == 0 && n++ == 0 && len)
			snprintf(first, len, "%s", r.field[cd]);
	csvr_close(&r);
	return ce >= 0 && cd >= 0 ? n : -1;
}
