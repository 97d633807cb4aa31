/* syswatch_none.c - syswatch (see syswatch.h) in a brink built without libbpf:
 * always unavailable, with the reason. */
#include "syswatch.h"

#include <stdio.h>

static const char *const kind_names[SWK__COUNT] = {"emfile", "enfile", "eagain-fork", "enomem"};

const char *syswatch_kind_name(enum sw_fail_kind k)
{
	return (unsigned)k < SWK__COUNT ? kind_names[k] : "unknown";
}

bool syswatch_built(void)
{
	return false;
}

struct syswatch *syswatch_open(bool off, char *why, size_t len)
{
	snprintf(why, len, "%s",
		 off ? "switched off (--no-bpf)"
		     : "brink was built without libbpf (the BRINK_BPF feature)");
	return NULL;
}

int syswatch_arm(struct syswatch *w, const struct cg_run *cg, int64_t t0_ns, char *why, size_t len)
{
	(void)w, (void)cg, (void)t0_ns;
	snprintf(why, len, "built without libbpf");
	return -1;
}

const char *syswatch_method(const struct syswatch *w)
{
	(void)w;
	return "";
}

int syswatch_fd(const struct syswatch *w)
{
	(void)w;
	return -1;
}

int syswatch_drain(struct syswatch *w, struct sw_facts *f,
		   void (*on_new)(void *arg, const struct sw_facts *f, int kind), void *arg)
{
	(void)w, (void)f, (void)on_new, (void)arg;
	return 0;
}

void syswatch_on_proc(struct syswatch *w,
		      void (*on_proc)(void *arg, enum sw_proc_change change, pid_t pid), void *arg)
{
	(void)w, (void)on_proc, (void)arg;
}

int64_t syswatch_proc_lost(const struct syswatch *w)
{
	(void)w;
	return 0;
}

void syswatch_disarm(struct syswatch *w, struct sw_facts *f,
		     void (*on_new)(void *arg, const struct sw_facts *f, int kind), void *arg)
{
	(void)w, (void)f, (void)on_new, (void)arg;
}

void syswatch_close(struct syswatch *w)
{
	(void)w;
}

const char *syswatch_syscall_name(int nr)
{
	(void)nr;
	return NULL;
}

const char *syswatch_syscall_name32(int nr)
{
	(void)nr;
	return NULL;
}
