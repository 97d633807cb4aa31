/* syswatch.c - failing system calls from the kernel, user side (see syswatch.h).
 * Built only with the BRINK_BPF feature; syswatch_none.c stands in otherwise. */
#include "syswatch.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/syswatch_abi.h"
#include "cgroup.h"
#include "error.h"
#include "syswatch.skel.h"

_Static_assert((int)SWK__COUNT == (int)SW_KIND__COUNT, "one kind list");
_Static_assert((int)SWK_EMFILE == (int)SW_EMFILE && (int)SWK_ENOMEM == (int)SW_ENOMEM,
	       "kinds in the same order");

/* Generated at build time from the kernel headers' asm/unistd_64.h and
 * asm/unistd_32.h (i386: compat calls). */
extern const char *const syswatch_syscall_names[];
extern const int syswatch_syscall_count;
extern const char *const syswatch_syscall_names32[];
extern const int syswatch_syscall_count32;

static const char *const kind_names[SWK__COUNT] = {"emfile", "enfile", "eagain-fork", "enomem"};
static const char *const kind_errnos[SWK__COUNT] = {"EMFILE", "ENFILE", "EAGAIN", "ENOMEM"};

struct syswatch {
	struct syswatch_bpf *skel;
	struct ring_buffer *rb;
	const char *method; /* "fexit" or "sys_exit tracepoint" */
	char method_text[160];
	char fexit_refused[96]; /* why the kernel refused fexit, or "" */
	int64_t t0_ns;
	long page;
	/* the drain's target, set around ring_buffer__consume */
	struct sw_facts *f;
	void (*on_new)(void *, const struct sw_facts *, int);
	void *arg;
	void (*on_proc)(void *, enum sw_proc_change, pid_t);
	void *proc_arg;
};

const char *syswatch_kind_name(enum sw_fail_kind k)
{
	return (unsigned)k < SWK__COUNT ? kind_names[k] : "unknown";
}

bool syswatch_built(void)
{
	return true;
}

const char *syswatch_syscall_name(int nr)
{
	return nr >= 0 && nr < syswatch_syscall_count ? syswatch_syscall_names[nr] : NULL;
}

const char *syswatch_syscall_name32(int nr)
{
	return nr >= 0 && nr < syswatch_syscall_count32 ? syswatch_syscall_names32[nr] : NULL;
}

/* libbpf's own messages: kept, the last warning becomes the reason shown. */
static char last_msg[256];
static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
	size_t n = strlen(last_msg);
	while (n > 0 && last_msg[n - 1] == '\n')
		last_msg[--n] = '\0';
	if (getenv("BRINK_BPF_DEBUG"))
		fprintf(stderr, "libbpf: %s\n", last_msg);
	return 0;
}

/* mm->start_stack of pid now (/proc/PID/stat, field 28, proc(5)); 0 unknown. */
static uint64_t start_stack_now(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *fp = fopen(path, "r");
	if (!fp)
		return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	char *p = strrchr(buf, ')'); /* the command name may hold blanks and ')' */
	for (int field = 2; p && field < 28; field++)
		p = strchr(p + 1, ' ');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

/* The stack's text: the frames that are user addresses (the walk stops at the
 * first that is not: past the frame pointers, it reads whatever the stack
 * holds, text too), symbolised from the process's mappings while they are
 * still those of the failure (no exec since: the same start of stack; read
 * through the failing thread, else the process) and
 * ending at the first frame outside every mapping; raw addresses otherwise. */
static void symbolise(struct sw_failure *x, uint64_t start_stack)
{
	size_t used = 0;
	x->stack_text[0] = '\0';
	Dwfl *dwfl = NULL;
	static const Dwfl_Callbacks cb = {.find_elf = dwfl_linux_proc_find_elf,
					  .find_debuginfo = dwfl_standard_find_debuginfo};
	/* The failing thread's own /proc entry (any thread id has one): its
	 * mappings are the process's, and it lives on where the process's first
	 * thread has exited (pthread_exit in main: /proc/PID/maps is empty then).
	 * The process's where the thread has gone. */
	pid_t who = x->tid;
	uint64_t now = x->nstack > 0 && start_stack ? start_stack_now(who) : 0;
	if (x->nstack > 0 && start_stack && now != start_stack) {
		who = x->pid;
		now = start_stack_now(who);
	}
	if (x->nstack > 0 && start_stack && now == start_stack) {
		dwfl = dwfl_begin(&cb);
		if (dwfl && (dwfl_linux_proc_report(dwfl, who) != 0 ||
			     dwfl_report_end(dwfl, NULL, NULL) != 0)) {
			dwfl_end(dwfl);
			dwfl = NULL; /* gone already: raw addresses */
		}
	}
	for (int i = 0; i < x->nstack && used + 64 < sizeof(x->stack_text); i++) {
		uint64_t a = x->stack[i];
		/* return addresses point after the call: look the caller up */
		Dwfl_Module *m = dwfl ? dwfl_addrmodule(dwfl, a - (i > 0)) : NULL;
		Dwarf_Addr lo = 0, hi = 0;
		if (m && (!dwfl_module_info(m, NULL, &lo, &hi, NULL, NULL, NULL, NULL) ||
			  a - (i > 0) < lo || a - (i > 0) >= hi))
			m = NULL;
		if (dwfl && !m)
			break; /* outside every mapping: the frame-pointer walk went astray
				* (code built without frame pointers) */
		GElf_Off off = 0;
		GElf_Sym sym;
		const char *name =
		    m ? dwfl_module_addrinfo(m, a - (i > 0), &off, &sym, NULL, NULL, NULL) : NULL;
		int n = name ? snprintf(x->stack_text + used, sizeof(x->stack_text) - used,
					"%s%s+0x%llx", i ? " <- " : "", name,
					(unsigned long long)(off + (i > 0)))
			     : snprintf(x->stack_text + used, sizeof(x->stack_text) - used,
					"%s0x%llx", i ? " <- " : "", (unsigned long long)a);
		if (n < 0 || (size_t)n >= sizeof(x->stack_text) - used)
			break;
		used += (size_t)n;
	}
	if (dwfl)
		dwfl_end(dwfl);
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct syswatch *w = ctx;
	const struct sw_event *e = data;
	struct sw_facts *f = w->f;
	if (size < sizeof(unsigned) || !f)
		return 0;
	if (e->type == SW_EV_FORK || e->type == SW_EV_EXIT || e->type == SW_EV_MOVED_IN ||
	    e->type == SW_EV_MOVED_OUT) {
		const struct sw_proc_event *p = data;
		if (size < sizeof(*p) || !w->on_proc)
			return 0;
		/* A thread moved alone: its process may be half in the group. */
		if ((p->type == SW_EV_MOVED_IN || p->type == SW_EV_MOVED_OUT) && p->parent)
			w->on_proc(w->proc_arg, SW_PROC_RELIST, p->pid);
		else if (p->type == SW_EV_FORK || p->type == SW_EV_MOVED_IN)
			w->on_proc(w->proc_arg, SW_PROC_STARTED, p->pid);
		else
			w->on_proc(w->proc_arg, SW_PROC_ENDED, p->pid);
		return 0;
	}
	if (size < sizeof(*e))
		return 0;
	double t = (double)((int64_t)e->t_ns - w->t0_ns) / 1e9;
	if (e->type == SW_EV_OOM_VICTIM) {
		size_t max = sizeof(f->victims) / sizeof(f->victims[0]);
		if (f->n_victims < max) {
			struct sw_victim *v = &f->victims[f->n_victims++];
			v->pid = e->pid;
			v->t_s = t;
			memcpy(v->comm, e->comm, sizeof(v->comm));
			v->comm[sizeof(v->comm) - 1] = '\0';
			if (w->on_new)
				w->on_new(w->arg, f, SWK__COUNT);
		}
		return 0;
	}
	if (e->type != SW_EV_FAILURE || e->kind >= SWK__COUNT || f->first[e->kind].seen)
		return 0;
	struct sw_failure *x = &f->first[e->kind];
	x->seen = true;
	x->t_s = t;
	x->pid = e->pid;
	x->tid = e->tid;
	x->compat = e->compat != 0;
	const char *name =
	    x->compat ? syswatch_syscall_name32(e->nr) : syswatch_syscall_name(e->nr);
	if (name)
		snprintf(x->syscall, sizeof(x->syscall), "%s", name);
	else
		snprintf(x->syscall, sizeof(x->syscall), "syscall-%d", e->nr);
	snprintf(x->err, sizeof(x->err), "%s", kind_errnos[e->kind]);
	x->fds = e->fds;
	x->threads = e->threads;
	x->group_tasks = e->cg_tasks;
	x->group_mem_bytes = e->cg_mem_pages >= 0 ? e->cg_mem_pages * w->page : -1;
	x->vm_bytes = e->vm_pages * w->page;
	x->nofile_limit = e->rlim_nofile;
	x->nproc_limit = e->rlim_nproc;
	x->as_limit = e->rlim_as;
	x->data_limit = e->rlim_data;
	x->uid = (uid_t)e->uid;
	int nstack = e->stack_n < 0 ? 0 : e->stack_n > 24 ? 24 : e->stack_n;
	x->nstack = syswatch_user_frames((const uint64_t *)e->stack, nstack, e->task_size);
	memcpy(x->stack, e->stack, sizeof(x->stack[0]) * (size_t)x->nstack);
	symbolise(x, e->start_stack);
	if (w->on_new)
		w->on_new(w->arg, f, (int)e->kind);
	return 0;
}

static void why_errno(char *why, size_t len, const char *what, int e)
{
	snprintf(why, len, "%s: %s (%s)%s%s", what, strerror(e), errno_name(e),
		 last_msg[0] ? "; libbpf: " : "", last_msg);
}

/* The class of a watched call from its program's name, "sw_fd__openat" (an
 * x86-64 entry) or "sw_fd32__open" (an i386 one: *i386 set); 0 for the other
 * programs. *name points at the call's name. */
static unsigned prog_class(const struct bpf_program *p, const char **name, bool *i386)
{
	static const struct {
		const char *prefix;
		unsigned cls;
		bool i386;
	} tags[] = {
	    {"sw_fd__", SW_CLASS_FD, false},
	    {"sw_task__", SW_CLASS_FORK | SW_CLASS_MEM, false},
	    {"sw_mem__", SW_CLASS_MEM, false},
	    {"sw_fd32__", SW_CLASS_FD, true},
	    {"sw_task32__", SW_CLASS_FORK | SW_CLASS_MEM, true},
	    {"sw_mem32__", SW_CLASS_MEM, true},
	};
	const char *n = bpf_program__name(p);
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		size_t l = strlen(tags[i].prefix);
		if (strncmp(n, tags[i].prefix, l) == 0) {
			*name = n + l;
			*i386 = tags[i].i386;
			return tags[i].cls;
		}
	}
	return 0;
}

/* Open the object and choose what loads: with fexit, every watched call (vm
 * NULL) or those this kernel has an entry point for (none without io_uring,
 * fanotify...), and not the sys_exit program; without, the sys_exit program
 * alone. */
static struct syswatch_bpf *open_skel(bool fexit, const struct btf *vm, char *why, size_t len)
{
	struct syswatch_bpf *sk = syswatch_bpf__open();
	if (!sk) {
		why_errno(why, len, "cannot open the eBPF programs", errno);
		return NULL;
	}
	struct bpf_program *p;
	bpf_object__for_each_program(p, sk->obj)
	{
		const char *name, *sec = bpf_program__section_name(p);
		bool i386;
		if (prog_class(p, &name, &i386))
			bpf_program__set_autoload(
			    p, fexit && (!vm || btf__find_by_name_kind(vm, sec + strlen("fexit/"),
								       BTF_KIND_FUNC) >= 0));
		else if (p == sk->progs.sw_sys_exit)
			bpf_program__set_autoload(p, !fexit);
	}
	return sk;
}

/* Set the class of the call named name in one table's map. */
static int put_class(int mfd, const char *const *names, int count, const char *name, unsigned cls,
		     char *why, size_t len)
{
	for (int nr = 0; nr < count && nr < SW_NR_MAX; nr++) {
		if (!names[nr] || strcmp(names[nr], name))
			continue;
		uint32_t key = (uint32_t)nr;
		uint8_t v = (uint8_t)cls;
		if (bpf_map_update_elem(mfd, &key, &v, BPF_ANY) != 0) {
			why_errno(why, len, "cannot fill the system call classes", errno);
			return -1;
		}
	}
	return 0;
}

/* For the sys_exit program: the class of each watched call by number, x86-64's
 * and i386's (an x86-64 program's name is looked up in both tables). */
static int fill_classes(struct syswatch_bpf *sk, char *why, size_t len)
{
	int m64 = bpf_map__fd(sk->maps.sys_class), m32 = bpf_map__fd(sk->maps.sys_class32);
	struct bpf_program *p;
	bpf_object__for_each_program(p, sk->obj)
	{
		const char *name;
		bool i386;
		unsigned cls = prog_class(p, &name, &i386);
		if (!cls)
			continue;
		if ((!i386 && put_class(m64, syswatch_syscall_names, syswatch_syscall_count, name,
					cls, why, len) != 0) ||
		    put_class(m32, syswatch_syscall_names32, syswatch_syscall_count32, name, cls,
			      why, len) != 0)
			return -1;
	}
	return 0;
}

struct syswatch *syswatch_open(bool off, char *why, size_t len)
{
	const char *env = getenv("BRINK_BPF");
	enum sw_env want = syswatch_env(env);
	if (off || want == SW_ENV_OFF || want == SW_ENV_BAD) {
		if (off)
			snprintf(why, len, "switched off (--no-bpf)");
		else
			snprintf(why, len, "switched off (BRINK_BPF=%s)", env);
		return NULL;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		snprintf(why, len, "the kernel has no BTF (/sys/kernel/btf/vmlinux: %s)",
			 strerror(errno));
		return NULL;
	}
	libbpf_set_print(libbpf_log);
	last_msg[0] = '\0';
	struct syswatch *w = calloc(1, sizeof(*w));
	struct btf *vm = NULL;
	if (!w) {
		snprintf(why, len, "out of memory");
		goto fail;
	}
	w->page = sysconf(_SC_PAGESIZE);
	/* fexit first (nothing else pays), unless BRINK_BPF=tracepoint asks for the
	 * other way; the tracepoint where the kernel refuses trampolines. Parsing
	 * the kernel's BTF takes tens of ms, and libbpf parses it for each load:
	 * the list of entry points this kernel has is read only when a load
	 * failed for want of one (ESRCH). */
	bool fexit = want != SW_ENV_TRACEPOINT;
	w->skel = open_skel(fexit, NULL, why, len);
	int rc = w->skel ? syswatch_bpf__load(w->skel) : -EINVAL;
	if (w->skel && rc == -ESRCH && fexit && (vm = btf__load_vmlinux_btf()) != NULL) {
		syswatch_bpf__destroy(w->skel);
		last_msg[0] = '\0';
		w->skel = open_skel(true, vm, why, len);
		rc = w->skel ? syswatch_bpf__load(w->skel) : -EINVAL;
	}
	if (w->skel && rc != 0 && fexit) {
		snprintf(w->fexit_refused, sizeof(w->fexit_refused), "%s (%s)", strerror(-rc),
			 errno_name(-rc));
		syswatch_bpf__destroy(w->skel);
		last_msg[0] = '\0';
		fexit = false;
		w->skel = open_skel(false, NULL, why, len);
		rc = w->skel ? syswatch_bpf__load(w->skel) : -EINVAL;
	}
	if (!w->skel)
		goto fail;
	if (rc != 0) {
		why_errno(why, len, "cannot load the eBPF programs", -rc);
		goto fail;
	}
	if (!fexit && fill_classes(w->skel, why, len) != 0)
		goto fail;
	if (fexit)
		snprintf(w->method_text, sizeof(w->method_text), "fexit");
	else if (w->fexit_refused[0])
		snprintf(w->method_text, sizeof(w->method_text),
			 "sys_exit tracepoint (fexit refused: %s)", w->fexit_refused);
	else
		snprintf(w->method_text, sizeof(w->method_text), "sys_exit tracepoint");
	w->method = w->method_text;
	rc = syswatch_bpf__attach(w->skel);
	if (rc != 0) {
		why_errno(why, len, "cannot attach the eBPF programs", -rc);
		goto fail;
	}
	w->rb = ring_buffer__new(bpf_map__fd(w->skel->maps.events), on_record, w, NULL);
	if (!w->rb) {
		why_errno(why, len, "cannot map the eBPF ring buffer", errno);
		goto fail;
	}
	btf__free(vm);
	/* libbpf's parse of the kernel's BTF is freed after the load, but a heap
	 * that grew by megabytes stays mapped unless it is given back */
	malloc_trim(0);
	return w;
fail:
	btf__free(vm);
	syswatch_close(w);
	return NULL;
}

const char *syswatch_method(const struct syswatch *w)
{
	return w ? w->method : "";
}

int syswatch_arm(struct syswatch *w, const struct cg_run *cg, int64_t t0_ns, char *why, size_t len)
{
	int version;
	enum cg_ctrl ctrl;
	uint64_t id;
	if (!w)
		return -1;
	if (cg_run_kernel_id(cg, &version, &ctrl, &id) != 0 ||
	    (version == 1 && ctrl != CG_MEMORY && ctrl != CG_PIDS)) {
		snprintf(why, len, "the run has no memory or pids group to filter on");
		return -1;
	}
	struct syswatch_bpf__bss *b = w->skel->bss;
	b->target_id = 0;
	__sync_synchronize();
	/* Records of an earlier run still queued are dropped (no target). */
	w->f = NULL;
	ring_buffer__consume(w->rb);
	memset(b->counts, 0, sizeof(b->counts));
	memset(b->reported, 0, sizeof(b->reported));
	b->lost = 0;
	memset(b->proc_counts, 0, sizeof(b->proc_counts));
	b->proc_lost = 0;
	b->run_gen++;			/* the ends counted in earlier runs are not this run's */
	b->self_tgid = (__u32)getpid(); /* brink placing its program is no move */
	b->target_mode = version == 2	     ? SW_MODE_V2
			 : ctrl == CG_MEMORY ? SW_MODE_V1_MEMORY
					     : SW_MODE_V1_PIDS;
	w->t0_ns = t0_ns;
	__sync_synchronize();
	b->target_id = id;
	return 0;
}

int syswatch_fd(const struct syswatch *w)
{
	return w && w->rb ? ring_buffer__epoll_fd(w->rb) : -1;
}

void syswatch_on_proc(struct syswatch *w,
		      void (*on_proc)(void *arg, enum sw_proc_change change, pid_t pid), void *arg)
{
	if (!w)
		return;
	w->on_proc = on_proc;
	w->proc_arg = arg;
}

int64_t syswatch_proc_lost(const struct syswatch *w)
{
	return w && w->skel->bss->target_id ? (int64_t)w->skel->bss->proc_lost : 0;
}

int syswatch_drain(struct syswatch *w, struct sw_facts *f,
		   void (*on_new)(void *arg, const struct sw_facts *f, int kind), void *arg)
{
	if (!w || !w->rb)
		return 0;
	w->f = f;
	w->on_new = on_new;
	w->arg = arg;
	int n = ring_buffer__consume(w->rb);
	w->f = NULL;
	return n < 0 ? -1 : n;
}

void syswatch_disarm(struct syswatch *w, struct sw_facts *f,
		     void (*on_new)(void *arg, const struct sw_facts *f, int kind), void *arg)
{
	if (!w)
		return;
	/* Every record of the run was submitted before its task went on: what the
	 * buffer holds now is all of it. */
	syswatch_drain(w, f, on_new, arg);
	struct syswatch_bpf__bss *b = w->skel->bss;
	b->target_id = 0;
	__sync_synchronize();
	for (int k = 0; k < SWK__COUNT; k++)
		f->count[k] = (int64_t)b->counts[k];
	f->lost = (int64_t)b->lost;
	f->forks = (int64_t)b->proc_counts[SW_PC_FORKS];
	f->threads_made = (int64_t)b->proc_counts[SW_PC_THREADS];
	f->exits = (int64_t)b->proc_counts[SW_PC_EXITS];
	f->moved_in = (int64_t)b->proc_counts[SW_PC_MOVES];
	f->proc_lost = (int64_t)b->proc_lost;
}

void syswatch_close(struct syswatch *w)
{
	if (!w)
		return;
	ring_buffer__free(w->rb);
	syswatch_bpf__destroy(w->skel);
	free(w);
}
