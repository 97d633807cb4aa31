/* syswatch.bpf.c - the kernel side of syswatch (harness/syswatch.h).
 *
 * Attached with BPF trampolines or a BTF tracepoint, and a raw tracepoint (no
 * tracefs, no kprobes):
 *   the return of the system calls that make fds, tasks or mappings: each
 *                failure in the watched group or a group below it whose errno
 *                matters for a limit is counted, and the first of each kind
 *                sent with the state of the process (and its own rlimits) at
 *                that moment;
 *   mark_victim  the task the OOM killer chose there;
 *   sched_process_fork, sched_process_exit
 *                the processes made and ended in the watched group itself, so
 *                that brink keeps a run's process list without listing the
 *                group (a nested group's processes are not sampled).
 * The cheap tests come first (the return value). */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "syswatch_abi.h"

#define EAGAIN	      11
#define ENOMEM	      12
#define ENFILE	      23
#define EMFILE	      24
#define PID_MAX_LIMIT 4194304
/* rlimit numbers (x86 and the generic ones, asm-generic/resource.h) */
#define RLIMIT_DATA   2
#define RLIMIT_NPROC  6
#define RLIMIT_NOFILE 7
#define RLIMIT_AS     9
/* Groups walked up from a task's own towards the run's: a program may make
 * groups below its run group and move processes there. */
#define NEST_MAX 16
/* brk's number (x86-64 and i386): the one call whose failure is no error code */
#define NR_BRK_64 12
#define NR_BRK_32 45
/* thread_info.status: the task is in an i386 system call (x86's TS_COMPAT,
 * arch/x86/include/asm/thread_info.h; what in_ia32_syscall() tests) */
#define TS_COMPAT 0x0002

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Written by brink through the mmapped .bss: the group to watch (0: none). */
__u64 target_id;
__u32 target_mode;
/* Per run: failures counted by kind, and whether the first was sent. */
__u64 counts[SW_KIND__COUNT];
__u32 reported[SW_KIND__COUNT];
__u64 lost;
/* Per run: tasks made and ended (enum sw_proc_count), and process records the
 * ring buffer had no room for (brink lists the group again then). */
__u64 proc_counts[SW_PC__COUNT];
__u64 proc_lost;
/* Which arming of the program this is: keys of `ended` belong to one run. */
__u32 run_gen;
/* brink itself: its writes of the program into the group are not counted as
 * moves. */
__u32 self_tgid;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	/* room for 8192 process records between two samples */
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* Processes of the run whose end was counted, by (run_gen << 32 | pid): every
 * thread that finds the group's live count at zero in its exit may be the last
 * (two threads of an exit_group() can both see it), and the first to insert
 * the key counts the end. A fork of a process in the group clears its pid's key
 * (the pid was reused); old keys go as the map fills (LRU). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __u8);
} ended SEC(".maps");

struct scratch {
	unsigned long w[SW_FD_WORDS];
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

static __always_inline struct cgroup_subsys_state *task_css(struct task_struct *t, int id)
{
	return BPF_CORE_READ(t, cgroups, subsys[id]);
}

/* t's group in the watched hierarchy (v2: the unified one; v1: memory's or
 * pids'). */
static __always_inline struct cgroup *task_group(struct task_struct *t)
{
	if (target_mode == SW_MODE_V2)
		return BPF_CORE_READ(t, cgroups, dfl_cgrp);
	int id = target_mode == SW_MODE_V1_MEMORY
		     ? bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id)
		     : bpf_core_enum_value(enum cgroup_subsys_id, pids_cgrp_id);
	struct cgroup_subsys_state *css = task_css(t, id);
	return BPF_CORE_READ(css, cgroup);
}

static __always_inline __u64 task_group_id(struct task_struct *t)
{
	return BPF_CORE_READ(task_group(t), kn, id);
}

/* Is t in the watched group or in a group below it? A failure or an OOM kill
 * there is the run's: its limits are hierarchical. Walked up through each
 * group's own css (cgroup->self.parent, cgroup_parent() in cgroup.h: the same
 * on every kernel, where kernfs_node's parent was renamed in 6.15), at most
 * NEST_MAX groups, the task's own included: up to NEST_MAX - 1 below the
 * run's. */
static __always_inline bool in_run_tree(struct task_struct *t, __u64 want)
{
	struct cgroup *cg = task_group(t);
	__u64 self_off = bpf_core_field_offset(struct cgroup, self);
	for (int i = 0; i < NEST_MAX && cg; i++) {
		if (BPF_CORE_READ(cg, kn, id) == want)
			return true;
		struct cgroup_subsys_state *up = BPF_CORE_READ(cg, self.parent);
		cg = up ? (struct cgroup *)((char *)up - self_off) : NULL;
	}
	return false;
}

static __always_inline int popcount64(__u64 x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (int)((x * 0x0101010101010101ULL) >> 56);
}

struct fd_count {
	__u32 words; /* words of the bitmap read into scratch */
	int n;	     /* bits set so far */
};

/* One word of the bitmap (a bpf_loop step): verified once, not once per word. */
static long count_word(__u32 i, void *arg)
{
	struct fd_count *c = arg;
	__u32 zero = 0;
	struct scratch *s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s || i >= c->words || i >= SW_FD_WORDS)
		return 1;
	c->n += popcount64(s->w[i]);
	return 0;
}

/* Open fds of t's process: the bits set in its fd table's open_fds bitmap.
 * Counted with bpf_loop() (Linux >= 5.17) where the kernel has it: the
 * verifier then checks the step once, where an open-coded loop of 1024 words
 * costs it milliseconds at each load of each program that inlines it. */
static __always_inline int count_fds(struct task_struct *t, int *words_out)
{
	__u32 zero = 0;
	struct scratch *s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return -1;
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	unsigned int max = BPF_CORE_READ(fdt, max_fds);
	unsigned long *open = BPF_CORE_READ(fdt, open_fds);
	__u32 words = (max + 63) / 64;
	if (words > SW_FD_WORDS)
		words = SW_FD_WORDS;
	if (words == 0 || bpf_probe_read_kernel(s->w, words * sizeof(long), open) != 0)
		return -1;
	int n = 0;
	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_loop)) {
		struct fd_count c = {.words = words, .n = 0};
		bpf_loop(SW_FD_WORDS, count_word, &c, 0);
		n = c.n;
	} else {
		for (__u32 i = 0; i < SW_FD_WORDS; i++) {
			if (i >= words)
				break;
			n += popcount64(s->w[i]);
		}
	}
	*words_out = (int)words;
	return n;
}

/* A soft rlimit as the record holds it: -1 for RLIM_INFINITY. */
#define SOFT_LIMIT(sig, r)                                               \
	({                                                               \
		unsigned long v_ = BPF_CORE_READ(sig, rlim[r].rlim_cur); \
		v_ == ~0UL ? -1LL : (long long)v_;                       \
	})

static __always_inline void fill_state(struct sw_event *e, struct task_struct *t)
{
	/* the process's own limits then: it may have set them itself */
	struct signal_struct *sig = BPF_CORE_READ(t, signal);
	e->rlim_nofile = SOFT_LIMIT(sig, RLIMIT_NOFILE);
	e->rlim_nproc = SOFT_LIMIT(sig, RLIMIT_NPROC);
	e->rlim_as = SOFT_LIMIT(sig, RLIMIT_AS);
	e->rlim_data = SOFT_LIMIT(sig, RLIMIT_DATA);
	e->uid = BPF_CORE_READ(t, real_cred, uid.val);
	e->fds = count_fds(t, &e->fd_words);
	e->threads = BPF_CORE_READ(t, signal, nr_threads);
	e->vm_pages = BPF_CORE_READ(t, mm, total_vm);
	e->start_stack = BPF_CORE_READ(t, mm, start_stack);
	e->task_size = BPF_CORE_READ(t, mm, task_size);
	e->cg_mem_pages = -1;
	e->cg_tasks = -1;
	int mid = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
	struct cgroup_subsys_state *css = task_css(t, mid);
	if (css) /* css is the first member of mem_cgroup */
		e->cg_mem_pages = BPF_CORE_READ((struct mem_cgroup *)css, memory.usage.counter);
	int pid = bpf_core_enum_value(enum cgroup_subsys_id, pids_cgrp_id);
	css = task_css(t, pid);
	if (css && bpf_core_type_exists(struct pids_cgroup))
		e->cg_tasks = BPF_CORE_READ((struct pids_cgroup *)css, counter.counter);
}

/* The current call came through an i386 entry (int $0x80, sysenter): its number
 * is i386's (41 is dup there, socket on x86-64), its arguments in bx, cx, dx. */
static __always_inline int in_compat(struct task_struct *t)
{
	return (BPF_CORE_READ(t, thread_info.status) & TS_COMPAT) != 0;
}

static __always_inline int kind_of(long ret, __u8 cls)
{
	if (ret == -EMFILE && (cls & SW_CLASS_FD))
		return SW_EMFILE;
	if (ret == -ENFILE && (cls & SW_CLASS_FD))
		return SW_ENFILE;
	if (ret == -EAGAIN && (cls & SW_CLASS_FORK))
		return SW_EAGAIN_FORK;
	if (ret == -ENOMEM && (cls & SW_CLASS_MEM))
		return SW_ENOMEM;
	return -1;
}

/* One failing call of a watched function: count it, and send the first of its
 * kind with the state of the process. */
static __always_inline int watch(void *ctx, struct pt_regs *regs, long ret, __u8 cls)
{
	if (ret >= 0)
		return 0;
	__u64 want = target_id;
	if (!want)
		return 0;
	int k = kind_of(ret, cls);
	if (k < 0 || k >= SW_KIND__COUNT)
		return 0;
	struct task_struct *t = bpf_get_current_task_btf();
	if (!in_run_tree(t, want))
		return 0;
	__sync_fetch_and_add(&counts[k], 1);
	if (__sync_val_compare_and_swap(&reported[k], 0, 1) != 0)
		return 0;
	struct sw_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&lost, 1);
		return 0;
	}
	__u64 id = bpf_get_current_pid_tgid();
	e->type = SW_EV_FAILURE;
	e->kind = (__u32)k;
	e->t_ns = bpf_ktime_get_ns();
	e->pid = (int)(id >> 32);
	e->tid = (int)id;
	e->nr = (int)BPF_CORE_READ(regs, orig_ax);
	e->err = (int)-ret;
	e->compat = in_compat(t);
	fill_state(e, t);
	long n = bpf_get_stack(ctx, e->stack, sizeof(e->stack), BPF_F_USER_STACK);
	e->stack_n = n > 0 ? (int)(n / sizeof(e->stack[0])) : 0;
	/* woken at once, even behind process records that wait for the
	 * next sample (those are sent without a wake-up) */
	bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
	return 0;
}

/* Two ways to see a call's return, chosen by brink at load time:
 *  - fexit on each watched call's x86-64 entry point (a BPF trampoline on that
 *    function alone): no other system call pays anything;
 *  - where the kernel refuses fexit, the sys_exit tracepoint, which sees every
 *    system call: enabling it puts every task of the machine on the slow system
 *    call path (about 20% on a getppid() loop here), and the class of a call
 *    comes from sys_class, filled by brink from the list below.
 * The list names each call once, with its class in the program's name
 * (sw_fd__openat), which is how brink fills sys_class (and sys_class32 from
 * i386's numbers of the same names). The i386 entries of the commonest calls
 * (sw_fd32__open on __ia32_compat_sys_open) are watched with fexit too: a
 * 32-bit program, or int $0x80 in a 64-bit one, goes through them. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SW_NR_MAX);
	__type(key, __u32);
	__type(value, __u8);
} sys_class SEC(".maps");
/* The same for i386 numbers (compat calls). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SW_NR_MAX);
	__type(key, __u32);
	__type(value, __u8);
} sys_class32 SEC(".maps");

/* brk(addr) fails without an error code: it returns the old break, below the
 * address asked for (mm/mmap.c; "the Linux system call returns the new program
 * break on success... on failure, the current break", brk(2)). A break that
 * did not reach the address asked is ENOMEM; a shrink or a query (0) is not. */
static __always_inline long brk_ret(unsigned long want, long ret)
{
	return want && (unsigned long)ret < want ? -ENOMEM : ret;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sw_sys_exit, struct pt_regs *regs, long ret)
{
	__u32 nr = (__u32)BPF_CORE_READ(regs, orig_ax);
	if (ret > 0 && (nr == NR_BRK_64 || nr == NR_BRK_32)) {
		int c = in_compat(bpf_get_current_task_btf());
		if (nr == (c ? NR_BRK_32 : NR_BRK_64))
			ret = brk_ret(c ? BPF_CORE_READ(regs, bx) : BPF_CORE_READ(regs, di), ret);
	}
	if (ret != -EMFILE && ret != -ENFILE && ret != -EAGAIN && ret != -ENOMEM)
		return 0;
	__u8 *cls = bpf_map_lookup_elem(
	    in_compat(bpf_get_current_task_btf()) ? (void *)&sys_class32 : (void *)&sys_class, &nr);
	if (!cls || !*cls)
		return 0;
	return watch(ctx, regs, ret, *cls);
}

#define WATCH(tag, cls, name)                                            \
	SEC("fexit/__x64_sys_" #name)                                    \
	int BPF_PROG(sw_##tag##__##name, struct pt_regs *regs, long ret) \
	{                                                                \
		return watch(ctx, regs, ret, cls);                       \
	}
#define FD(name)   WATCH(fd, SW_CLASS_FD, name)
#define TASK(name) WATCH(task, SW_CLASS_FORK | SW_CLASS_MEM, name)
#define MEM(name)  WATCH(mem, SW_CLASS_MEM, name)

FD(open)
FD(openat)
FD(openat2)
FD(creat)
FD(open_by_handle_at)
FD(socket)
FD(socketpair)
FD(accept)
FD(accept4)
FD(recvmsg) /* SCM_RIGHTS */
FD(recvmmsg)
FD(pipe)
FD(pipe2)
FD(dup)
FD(dup2)
FD(dup3)
FD(fcntl) /* F_DUPFD */
FD(epoll_create)
FD(epoll_create1)
FD(eventfd)
FD(eventfd2)
FD(signalfd)
FD(signalfd4)
FD(timerfd_create)
FD(inotify_init)
FD(inotify_init1)
FD(fanotify_init)
FD(memfd_create)
FD(memfd_secret)
FD(userfaultfd)
FD(perf_event_open)
FD(bpf)
FD(pidfd_open)
FD(pidfd_getfd)
FD(open_tree)
FD(fsopen)
FD(fspick)
FD(fsmount)
FD(io_uring_setup)
FD(mq_open)
FD(landlock_create_ruleset)
FD(seccomp) /* SECCOMP_FILTER_FLAG_NEW_LISTENER */
TASK(clone)
TASK(clone3)
TASK(fork)
TASK(vfork)
MEM(mmap)
MEM(mremap)

SEC("fexit/__x64_sys_brk")
int BPF_PROG(sw_mem__brk, struct pt_regs *regs, long ret)
{
	return watch(ctx, regs, brk_ret(BPF_CORE_READ(regs, di), ret), SW_CLASS_MEM);
}

#define WATCH32(tag, cls, entry, name)                                     \
	SEC("fexit/__ia32_" #entry)                                        \
	int BPF_PROG(sw_##tag##32__##name, struct pt_regs *regs, long ret) \
	{                                                                  \
		return watch(ctx, regs, ret, cls);                         \
	}
WATCH32(fd, SW_CLASS_FD, compat_sys_open, open)
WATCH32(fd, SW_CLASS_FD, compat_sys_openat, openat)
WATCH32(fd, SW_CLASS_FD, sys_creat, creat)
WATCH32(fd, SW_CLASS_FD, sys_dup, dup)
WATCH32(fd, SW_CLASS_FD, sys_dup2, dup2)
WATCH32(fd, SW_CLASS_FD, sys_dup3, dup3)
WATCH32(fd, SW_CLASS_FD, sys_pipe, pipe)
WATCH32(fd, SW_CLASS_FD, sys_pipe2, pipe2)
WATCH32(fd, SW_CLASS_FD, sys_socket, socket)
WATCH32(fd, SW_CLASS_FD, compat_sys_socketcall, socketcall)
WATCH32(fd, SW_CLASS_FD, compat_sys_fcntl64, fcntl64)
WATCH32(task, SW_CLASS_FORK | SW_CLASS_MEM, sys_clone, clone)
WATCH32(task, SW_CLASS_FORK | SW_CLASS_MEM, sys_fork, fork)
WATCH32(task, SW_CLASS_FORK | SW_CLASS_MEM, sys_vfork, vfork)
WATCH32(mem, SW_CLASS_MEM, sys_mmap_pgoff, mmap2)

SEC("fexit/__ia32_sys_brk")
int BPF_PROG(sw_mem32__brk, struct pt_regs *regs, long ret)
{
	return watch(ctx, regs, brk_ret(BPF_CORE_READ(regs, bx), ret), SW_CLASS_MEM);
}

/* mark_victim's first argument is the victim task since Linux 6.8 and its pid
 * before (6.1: TP_PROTO(int pid)); a raw tracepoint takes both: a pid is below
 * PID_MAX_LIMIT, a kernel pointer never is. With a pid only, the group checked
 * is the current task's: the one whose charge ran the group out of memory. */
SEC("raw_tp/mark_victim")
int sw_mark_victim(__u64 *ctx)
{
	__u64 want = target_id;
	if (!want)
		return 0;
	__u64 a = ctx[0];
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	int pid = 0, tid = 0;
	if (a < PID_MAX_LIMIT) {
		tid = (int)a;
		pid = tid;
	} else {
		t = (struct task_struct *)a;
		pid = BPF_CORE_READ(t, tgid);
		tid = BPF_CORE_READ(t, pid);
	}
	if (!in_run_tree(t, want))
		return 0;
	struct sw_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&lost, 1);
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->type = SW_EV_OOM_VICTIM;
	if (a >= PID_MAX_LIMIT)
		bpf_probe_read_kernel_str(e->comm, sizeof(e->comm), &t->comm);
	e->t_ns = bpf_ktime_get_ns();
	e->pid = pid;
	e->tid = tid;
	e->fds = -1;
	e->cg_mem_pages = -1;
	e->cg_tasks = -1;
	bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
	return 0;
}

/* A process record, sent without waking brink: it takes them before each
 * sample, and a fork loop would otherwise wake it at every fork. */
static __always_inline void send_proc(__u32 type, int pid, int parent, int tid)
{
	struct sw_proc_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&proc_lost, 1);
		return;
	}
	e->type = type;
	e->pid = pid;
	e->parent = parent;
	e->tid = tid;
	e->t_ns = bpf_ktime_get_ns();
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
}

/* A task made: the child's group is the one checked (it is the parent's, but
 * for clone3's CLONE_INTO_CGROUP); set by cgroup_post_fork() before the
 * tracepoint. A thread is counted, a process counted and sent. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(sw_fork, struct task_struct *parent, struct task_struct *child)
{
	__u64 want = target_id;
	if (!want || task_group_id(child) != want)
		return 0;
	int pid = BPF_CORE_READ(child, tgid);
	if (BPF_CORE_READ(child, pid) != pid) {
		__sync_fetch_and_add(&proc_counts[SW_PC_THREADS], 1);
		return 0;
	}
	__sync_fetch_and_add(&proc_counts[SW_PC_FORKS], 1);
	__u64 key = (__u64)run_gen << 32 | (__u32)pid;
	bpf_map_delete_elem(&ended, &key);
	send_proc(SW_EV_FORK, pid, BPF_CORE_READ(parent, tgid), 0);
	return 0;
}

/* A task ended (do_exit(), after its exit_mm()). Its process has ended when no
 * thread of it is left alive: do_exit() took the task off signal->live before
 * the tracepoint (the group_dead test). The tracepoint's group_dead argument
 * (Linux >= 6.16) is not read: older kernels pass the task alone. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(sw_exit, struct task_struct *p)
{
	__u64 want = target_id;
	if (!want || task_group_id(p) != want)
		return 0;
	if (BPF_CORE_READ(p, signal, live.counter) != 0)
		return 0;
	int pid = BPF_CORE_READ(p, tgid);
	__u64 key = (__u64)run_gen << 32 | (__u32)pid;
	__u8 one = 1;
	if (bpf_map_update_elem(&ended, &key, &one, BPF_NOEXIST) != 0)
		return 0; /* another thread of it counted the end */
	__sync_fetch_and_add(&proc_counts[SW_PC_EXITS], 1);
	send_proc(SW_EV_EXIT, pid, 0, BPF_CORE_READ(p, pid));
	return 0;
}

/* A task written into a group (cgroup.procs, or v1's tasks), after the move:
 * cgroup_attach_task() fires this once per hierarchy, with the group it went
 * to. A process leaves the run's group without an exit when it is moved into
 * a nested group (a brink, a container runtime or systemd-run inside the run)
 * or elsewhere, and joins it without a fork when written into it. Moves are
 * rare on any machine, so every move within the watched hierarchy is sent;
 * brink drops a moved-out pid it does not list. A single thread moved (v1's
 * tasks file, v2 threaded groups) asks for a fresh list. */
SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(sw_attach, struct cgroup *dst, const char *path, struct task_struct *task,
	     bool threadgroup)
{
	__u64 want = target_id;
	if (!want || task_group(task) != dst)
		return 0; /* nothing watched, or a move in another hierarchy */
	int pid = BPF_CORE_READ(task, tgid);
	__u32 type = BPF_CORE_READ(dst, kn, id) == want ? SW_EV_MOVED_IN : SW_EV_MOVED_OUT;
	if (type == SW_EV_MOVED_IN && bpf_get_current_pid_tgid() >> 32 != self_tgid)
		__sync_fetch_and_add(&proc_counts[SW_PC_MOVES], 1);
	send_proc(type, pid, !threadgroup, BPF_CORE_READ(task, pid));
	return 0;
}
