/* syswatch_abi.h - what the kernel side of syswatch (syswatch.bpf.c) and brink
 * share: the ring buffer's record and the numbering of kinds and classes.
 * Plain integer types only: this header is read by clang -target bpf and by the
 * host compiler alike. */
#ifndef BRINK_SYSWATCH_ABI_H
#define BRINK_SYSWATCH_ABI_H

/* Highest syscall number + 1 the class map covers (x86-64 is below 512). */
#define SW_NR_MAX 1024
/* Words of the open-fd bitmap counted at a failure: 1024 x 64 = 65536 fds. */
#define SW_FD_WORDS 1024
/* Frames of the user stack taken at the first failure of each kind. */
#define SW_STACK_DEPTH 24

/* How the run is told apart: by its group in the unified hierarchy (pure v2),
 * or by its group in a v1 hierarchy (hybrid: memory, else pids). */
enum sw_mode { SW_MODE_V2 = 0, SW_MODE_V1_MEMORY = 1, SW_MODE_V1_PIDS = 2 };

/* Classes of system calls (bits of the class map's value). */
enum sw_class {
	SW_CLASS_FD = 1,   /* makes a file descriptor: EMFILE/ENFILE count */
	SW_CLASS_FORK = 2, /* makes a task: EAGAIN counts */
	SW_CLASS_MEM = 4,  /* maps memory or makes a task: ENOMEM counts */
};

/* Kinds of failure, each counted and reported once (its first) per run. */
enum sw_kind { SW_EMFILE, SW_ENFILE, SW_EAGAIN_FORK, SW_ENOMEM, SW_KIND__COUNT };

enum sw_type {
	SW_EV_FAILURE = 1,
	SW_EV_OOM_VICTIM = 2,
	SW_EV_FORK = 3,
	SW_EV_EXIT = 4,
	SW_EV_MOVED_IN = 5,  /* a process written into the watched group */
	SW_EV_MOVED_OUT = 6, /* a process written into another group of its hierarchy */
};

/* Tasks made and ended in the watched group, counted by the kernel side
 * (indexes of proc_counts); SW_PC_MOVES: processes moved into or out of it. */
enum sw_proc_count { SW_PC_FORKS, SW_PC_THREADS, SW_PC_EXITS, SW_PC_MOVES, SW_PC__COUNT };

/* A process made or ended in the watched group (the list of a run's processes
 * kept without listing it). Only processes are sent: a thread's birth or end
 * changes no list, and a thread bomb would fill the buffer; both are counted.
 * Sent without waking brink up: it takes them at its next sample. */
struct sw_proc_event {
	unsigned int type;	 /* SW_EV_FORK, SW_EV_EXIT, SW_EV_MOVED_*; first, as in sw_event */
	int pid;		 /* the new process, or the one that ended (thread group id) */
	int parent;		 /* fork: the forking process (thread group id); moved: 1 when a
				    single thread moved (the list must be read again); exit: 0 */
	int tid;		 /* exit: the last thread, the one that ended it */
	unsigned long long t_ns; /* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
};

struct sw_event {
	unsigned int type;	 /* enum sw_type */
	unsigned int kind;	 /* enum sw_kind (failures) */
	unsigned long long t_ns; /* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	int pid;		 /* thread group id */
	int tid;
	int nr;			/* syscall number */
	int err;		/* positive errno */
	int fds;		/* open fds of the process; -1 unknown */
	int fd_words;		/* words of the bitmap counted (fds is a lower bound when capped) */
	long long threads;	/* threads of the process */
	long long cg_tasks;	/* tasks in the run's pids group (v1 pids / v2 pids css); -1 */
	long long cg_mem_pages; /* pages charged to its memory group; -1 */
	long long vm_pages;	/* address space of the process (total_vm), pages */
	int stack_n;		/* frames in stack */
	int compat;		/* 1: an i386 call (int $0x80, compat task): nr is i386's */
	char comm[16];		/* the task's command name (OOM victims); "" unknown */
	unsigned long long start_stack; /* mm->start_stack then: tells an exec since apart */
	unsigned long long task_size;	/* mm->task_size: user addresses are below it */
	/* the process's soft rlimits at the failure (it may have set them itself);
	 * -1 unlimited */
	long long rlim_nofile, rlim_nproc, rlim_as, rlim_data;
	unsigned int uid; /* its real uid (RLIMIT_NPROC counts that user's tasks) */
	unsigned int pad_;
	unsigned long long stack[SW_STACK_DEPTH];
};

#endif
