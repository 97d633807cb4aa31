/* syswatch.h - the failing system calls of a run, seen by the kernel (eBPF).
 *
 * Sampling sees a limit between two samples and only in the processes it reads;
 * the kernel sees every call. syswatch loads a small CO-RE eBPF program
 * (harness/bpf/syswatch.bpf.c) once per brink, attached to the sys_exit and
 * mark_victim tracepoints, and arms it for one run's cgroup at a time. For each
 * run it gives:
 *   - the first failure of each kind in the run's group or a group below it
 *     (a program may nest groups; the run's limits are hierarchical), with time,
 *     pid, tid, system call, errno and the process's state at that moment (open
 *     fds, threads, tasks and memory of its group, address space, its soft
 *     rlimits and real uid, user stack);
 *   - counts by kind: EMFILE and ENFILE from calls that make a descriptor, EAGAIN
 *     from clone/clone3/fork/vfork (elsewhere it is ordinary non-blocking I/O),
 *     ENOMEM from mmap/brk/mremap and the calls that make a task;
 *   - the OOM killer's victims there, pid and time (the mark_victim tracepoint);
 *   - the processes made and ended in the run's group itself (the sched_process_fork
 *     and sched_process_exit tracepoints), as they happen, so that the sampler
 *     keeps the run's process list without listing the group at every sample;
 *     and the counts of processes and threads made and processes ended.
 *
 * Needs: kernel BTF (/sys/kernel/btf/vmlinux), CAP_BPF + CAP_PERFMON (or root),
 * a run cgroup to filter on, and a brink built with libbpf (the optional CMake
 * feature BRINK_BPF). Where one is missing, syswatch_open() says why and brink
 * records `syscalls` as unavailable. BRINK_BPF=off in the environment (or
 * --no-bpf) switches it off.
 * Sources: Documentation/bpf/ (libbpf CO-RE, ring buffer), bpf-helpers(7),
 * include/trace/events/syscalls.h and oom.h of the kernel.
 */
#ifndef BRINK_SYSWATCH_H
#define BRINK_SYSWATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct syswatch;
struct cg_run;

enum sw_fail_kind { SWK_EMFILE, SWK_ENFILE, SWK_EAGAIN_FORK, SWK_ENOMEM, SWK__COUNT };

/* The first failure of one kind in a run. */
struct sw_failure {
	bool seen;
	double t_s;		 /* seconds since the run's start (monitor's t0) */
	pid_t pid, tid;		 /* process (thread group) and thread */
	char syscall[32];	 /* "openat"; "syscall-N" when the number has no name */
	bool compat;		 /* an i386 call (int $0x80, 32-bit program): syscall
				  * named from i386's table */
	char err[16];		 /* "EMFILE" */
	int64_t fds;		 /* open fds of the process then; -1 unknown */
	int64_t threads;	 /* threads of the process then */
	int64_t group_tasks;	 /* tasks in the run's pids group then; -1 unknown */
	int64_t group_mem_bytes; /* bytes charged to its memory group then; -1 unknown */
	int64_t vm_bytes;	 /* address space of the process (VmSize) then */
	/* the process's own soft rlimits then (it may have set them itself);
	 * -1 unlimited */
	int64_t nofile_limit, nproc_limit, as_limit, data_limit;
	uid_t uid;  /* its real uid (RLIMIT_NPROC counts that user's tasks) */
	int nstack; /* user stack frames (frame-pointer walk); 0 none */
	uint64_t stack[24];
	char stack_text[512]; /* "main+0x2a <- __libc_start_call_main+0x7a ..." or hex */
};

/* What the kernel saw of one run. */
struct sw_facts {
	struct sw_failure first[SWK__COUNT];
	int64_t count[SWK__COUNT];
	/* the OOM killer's victims in the run's group or below it, in the order it chose them */
	size_t n_victims;
	struct sw_victim {
		pid_t pid;     /* thread group id (Linux < 6.8: the task's own id) */
		double t_s;    /* when it was chosen, seconds since the run's start */
		char comm[16]; /* its command name; "" when the kernel gave a pid only */
	} victims[16];
	int64_t lost; /* records the ring buffer had no room for */
	/* Tasks made in the run's group (its first process, placed there by
	 * brink, not among them) and processes ended, counted by the kernel
	 * side; -1 when not watched. A process ends when its last thread exits. */
	int64_t forks, threads_made, exits;
	/* Processes written into the run's group from elsewhere (cgroup.procs),
	 * by anyone but brink; -1 when not watched. */
	int64_t moved_in;
	int64_t proc_lost; /* process records the ring buffer had no room for */
};

/* Names of the kinds: "emfile", "enfile", "eagain-fork", "enomem". */
const char *syswatch_kind_name(enum sw_fail_kind k);

/* True when this brink was built with the eBPF feature. */
bool syswatch_built(void);

/* Load and attach the programs (once per brink). NULL when unavailable, with the
 * reason in why ("switched off by BRINK_BPF=off", "cannot load the eBPF programs:
 * Operation not permitted (EPERM)", "built without libbpf"...). The programs
 * watch nothing until syswatch_arm(). */
struct syswatch *syswatch_open(bool off, char *why, size_t len);

/* How the calls' returns are seen: "fexit" (BPF trampolines on the watched
 * calls only) or "sys_exit tracepoint" (where the kernel refuses trampolines;
 * slows every system call of the machine), then why fexit was refused:
 * "sys_exit tracepoint (fexit refused: Operation not permitted (EPERM))".
 * BRINK_BPF=tracepoint forces the tracepoint. "" for NULL. */
const char *syswatch_method(const struct syswatch *w);

/* Watch the run in cg from now on, counting from zero; t0_ns is the run's start
 * on CLOCK_MONOTONIC. -1 with why when the run cannot be told apart (no group
 * in a hierarchy the program can filter on). */
int syswatch_arm(struct syswatch *w, const struct cg_run *cg, int64_t t0_ns, char *why, size_t len);

/* An fd that becomes readable (poll POLLIN) when records wait; -1 if none. */
int syswatch_fd(const struct syswatch *w);

/* Take the waiting records into f; for each new first failure or OOM victim call
 * on_new(arg, f, kind) (kind SWK__COUNT for an OOM victim: the last of
 * f->victims). Returns the number
 * of records taken, -1 on a ring buffer error. */
int syswatch_drain(struct syswatch *w, struct sw_facts *f,
		   void (*on_new)(void *arg, const struct sw_facts *f, int kind), void *arg);

/* What a process record says of the run's group. */
enum sw_proc_change {
	SW_PROC_STARTED, /* pid forked in it, or moved into it */
	SW_PROC_ENDED,	 /* pid ended, or moved to another group (maybe a nested
			    one): no longer one of its processes */
	SW_PROC_RELIST,	 /* a single thread of pid moved in or out: list the group */
};

/* During syswatch_drain() and syswatch_disarm(), each process made, ended or
 * moved (tracepoints sched_process_fork, sched_process_exit and
 * cgroup_attach_task) is given to on_proc(arg, change, pid), in the order the
 * kernel saw them. An ENDED pid may be one the group never held (a move
 * between two other groups of the hierarchy): ignore those. Records are sent
 * without waking the poll of syswatch_fd(): drain before each use of the
 * list. NULL: none given. */
void syswatch_on_proc(struct syswatch *w,
		      void (*on_proc)(void *arg, enum sw_proc_change change, pid_t pid), void *arg);

/* Process records of the armed run the ring buffer had no room for so far
 * (the list kept from them is wrong until the group is listed again); 0 when
 * not armed. No system call: read from the program's mapped data. */
int64_t syswatch_proc_lost(const struct syswatch *w);

/* Stop watching: drain what is left, copy the counts into f. */
void syswatch_disarm(struct syswatch *w, struct sw_facts *f,
		     void (*on_new)(void *arg, const struct sw_facts *f, int kind), void *arg);

/* Detach and free. NULL-safe. */
void syswatch_close(struct syswatch *w);

/* The name of system call nr of this architecture (generated from the kernel's
 * asm/unistd_64.h at build time), or NULL. */
const char *syswatch_syscall_name(int nr);

/* How many of the n leading frames of a user stack walk are user addresses
 * (4096 <= a < task_size, the process's mm->task_size: 1 << 47 less a page with
 * 4-level paging): the walk is cut at the first that is not (a frame-pointer
 * walk through code built without them reads data, "l\0VERBOS" as
 * 0x534f42524556006c). */
int syswatch_user_frames(const uint64_t *stack, int n, uint64_t task_size);

/* What the environment's BRINK_BPF asks (v its value, NULL when unset; case
 * ignored): SW_ENV_ON for unset, "", on, 1, yes, true, auto; SW_ENV_OFF for off,
 * 0, no, false; SW_ENV_TRACEPOINT for "tracepoint" (the sys_exit tracepoint
 * instead of fexit); SW_ENV_BAD for anything else, which brink refuses (exit 2)
 * before any run. */
enum sw_env { SW_ENV_ON, SW_ENV_OFF, SW_ENV_TRACEPOINT, SW_ENV_BAD };
enum sw_env syswatch_env(const char *v);

/* The same for i386 numbers, the compat calls of x86-64 (asm/unistd_32.h):
 * 5 is "open", 41 "dup". NULL when unnamed. */
const char *syswatch_syscall_name32(int nr);

#endif
