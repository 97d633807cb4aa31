/* oomsrc.c - OOM victims from the kernel log (see oomsrc.h). */
#include "oomsrc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* One OOM kill as a source reports it. */
struct oom_record {
	pid_t pid;
	char comm[16];
	int64_t t_ns;	 /* the record's time, CLOCK_MONOTONIC ns; < 0 unknown */
	char memcg[512]; /* the victim's memory cgroup below the hierarchy root, "" unknown */
};

/* One source of victims: opened at the run's start, read at its end. A source
 * that holds more than an fd keeps it behind that fd's number in its own
 * table; the fd is what oom_watch_collect() polls while it waits. */
struct oom_source {
	const char *name;
	enum method method;
	int (*open)(void); /* an fd positioned at now, or -1 */
	/* The next OOM kill into *rec: 1 with one, 0 when there is none now,
	 * -1 on an error that ends the reading. */
	int (*next)(int fd, struct oom_record *rec);
	void (*close)(int fd);
};

struct oom_watch {
	const struct oom_source *src;
	int fd;
};

/* Is brink in a nested pid namespace, as far as /proc tells ("NSpid:" of
 * /proc/self/status lists one pid per namespace from /proc's own down)? The
 * kernel log names pids as the initial namespace sees them: in a nested one
 * they are not brink's. A container with a /proc of its own shows one pid
 * there and is not detected. */
static bool nested_pid_ns(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	if (!f)
		return false;
	char line[256];
	int n = 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "NSpid:", 6) == 0) {
			for (char *p = line + 6;;) {
				p += strspn(p, " \t");
				if (!*p || *p == '\n')
					break;
				n++;
				p += strcspn(p, " \t\n");
			}
			break;
		}
	fclose(f);
	return n > 1;
}

static int kmsg_open(void)
{
	if (nested_pid_ns())
		return -1;
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* Records written from now on only: the run's, not the boot's. */
	if (lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A /dev/kmsg read returns one record, "prio,seq,usec,flags;text\n" followed
 * by " KEY=value" dictionary lines (Documentation/ABI/testing/dev-kmsg); the
 * records that name a victim are kept. */
static int kmsg_next(int fd, struct oom_record *rec)
{
	char buf[8192];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EPIPE)
			continue; /* records were overwritten: go on with the next */
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0)
			return -1;
		buf[n] = '\0';
		char *text = strchr(buf, ';');
		if (!text)
			continue;
		/* usec: microseconds since boot, the printk clock (local_clock),
		 * which CLOCK_MONOTONIC follows to well under a millisecond */
		unsigned long long usec;
		rec->t_ns = sscanf(buf, "%*u,%*u,%llu", &usec) == 1 ? (int64_t)usec * 1000 : -1;
		text++;
		text[strcspn(text, "\n")] = '\0';
		if (oom_parse_kmsg(text, &rec->pid, rec->comm, rec->memcg, sizeof(rec->memcg)))
			return 1;
	}
}

static void fd_close(int fd)
{
	close(fd);
}

static const struct oom_source sources[] = {
    {"kernel log", METH_KERNEL_LOG, kmsg_open, kmsg_next, fd_close},
};

struct oom_watch *oom_watch_start(void)
{
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		int fd = sources[i].open();
		if (fd < 0)
			continue;
		struct oom_watch *w = malloc(sizeof(*w));
		if (!w) {
			sources[i].close(fd);
			return NULL;
		}
		w->src = &sources[i];
		w->fd = fd;
		return w;
	}
	return NULL;
}

void oom_watch_stop(struct oom_watch *w)
{
	if (!w)
		return;
	w->src->close(w->fd);
	free(w);
}

/* The value of ",KEY=" (or "KEY=" at the start) in an oom-kill line, up to the
 * next ',', into out; false when absent. */
static bool kv(const char *line, const char *key, char *out, size_t len)
{
	size_t kl = strlen(key);
	for (const char *p = line; (p = strstr(p, key)) != NULL; p += kl) {
		if ((p != line && p[-1] != ',' && p[-1] != ':') || p[kl] != '=')
			continue;
		const char *v = p + kl + 1;
		size_t vl = strcspn(v, ",");
		if (vl >= len)
			vl = len - 1;
		memcpy(out, v, vl);
		out[vl] = '\0';
		return true;
	}
	return false;
}

static bool parse_pid(const char *s, pid_t *pid)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || v <= 0)
		return false;
	*pid = (pid_t)v;
	return true;
}

int oom_parse_kmsg(const char *msg, pid_t *pid, char *comm, char *memcg, size_t memcg_len)
{
	memcg[0] = '\0';
	comm[0] = '\0';
	if (strncmp(msg, "oom-kill:", 9) == 0) {
		char v[32];
		if (!kv(msg, "pid", v, sizeof(v)) || !parse_pid(v, pid))
			return 0;
		kv(msg, "task", comm, 16);
		if (!kv(msg, "task_memcg", memcg, memcg_len))
			kv(msg, "oom_memcg", memcg, memcg_len);
		return 1;
	}
	const char *k = strstr(msg, "Killed process ");
	if (!k)
		return 0;
	k += strlen("Killed process ");
	if (!parse_pid(k, pid))
		return 0;
	const char *open = strchr(k, '(');
	if (open) {
		/* the name may hold anything, ')' too: it ends before ") total-vm" */
		const char *close = strstr(open, ") total-vm");
		if (!close)
			close = strrchr(open, ')');
		size_t cl = close ? (size_t)(close - open - 1) : 0;
		if (cl > 15)
			cl = 15;
		memcpy(comm, open + 1, cl);
		comm[cl] = '\0';
	}
	return 1;
}

/* Is the log's memcg path (relative to the hierarchy's root) the directory
 * dir (an absolute path under the mount point)? */
static bool same_memcg(const char *logged, const char *dir)
{
	size_t ll = strlen(logged), dl = dir ? strlen(dir) : 0;
	if (ll < 2 || dl < ll)
		return false;
	return strcmp(dir + dl - ll, logged) == 0 && (dl == ll || logged[0] == '/');
}

static bool is_victim(const struct run_facts *f, pid_t pid)
{
	for (size_t i = 0; i < f->n_victims; i++)
		if (f->victims[i].pid == pid)
			return true;
	return false;
}

static void add_victim(struct run_facts *f, pid_t pid, const char *comm, int64_t t_ns)
{
	for (size_t i = 0; i < f->n_victims; i++)
		if (f->victims[i].pid == pid) {
			if (!f->victims[i].comm[0])
				memcpy(f->victims[i].comm, comm, sizeof(f->victims[i].comm));
			return;
		}
	if (f->n_victims == FACTS_VICTIMS_MAX)
		return;
	struct oom_victim *v = &f->victims[f->n_victims++];
	v->pid = pid;
	memcpy(v->comm, comm, sizeof(v->comm));
	v->t_ns = t_ns;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void oom_watch_collect(struct oom_watch *w, const char *memcg_dir, pid_t main_pid, bool want_main,
		       int wait_ms, struct run_facts *f)
{
	f->n_victims = 0;
	f->victims_method = METH_NONE;
	if (!w)
		return;
	f->victims_method = w->src->method;
	int64_t deadline = mono_ms() + wait_ms;
	struct oom_record rec;
	for (;;) {
		int got = w->src->next(w->fd, &rec);
		if (got < 0)
			break;
		if (got == 0) {
			int64_t left = deadline - mono_ms();
			if (!want_main || is_victim(f, main_pid) || left <= 0)
				break;
			struct pollfd pf = {w->fd, POLLIN, 0};
			poll(&pf, 1, (int)left);
			continue;
		}
		/* "Killed process" lines carry no memcg: they count for the
		 * main pid, or for a pid an oom-kill line of the run named. */
		if (rec.pid == main_pid || same_memcg(rec.memcg, memcg_dir) ||
		    is_victim(f, rec.pid))
			add_victim(f, rec.pid, rec.comm, rec.t_ns);
	}
}
