/* oomsrc.h - which processes the OOM killer chose during a run.
 *
 * The memory cgroup's oom_kill counter says how many processes were killed,
 * not which: a SIGKILL of the main process while a child was the victim is
 * not an OOM kill of the main process. The victims come from a source opened
 * when the run starts and read when it ends; sources are tried in the order
 * of a table, the first that opens is used:
 *
 *   kernel-log  /dev/kmsg (needs CAP_SYSLOG where kernel.dmesg_restrict=1),
 *               read from its end at the run's start. The OOM killer writes
 *               "oom-kill:...,oom_memcg=PATH,task_memcg=PATH,task=COMM,pid=PID"
 *               (rate-limited, before the kill) and "...: Killed process PID
 *               (COMM) total-vm:..." (always, right after it); see
 *               mm/oom_kill.c. A victim belongs to the run when it is the main
 *               pid, or when its task_memcg or oom_memcg is the run's memory
 *               cgroup. Unavailable in a nested pid namespace that /proc
 *               shows (NSpid), where the log's pids are not brink's.
 *
 * A more exact source (the OOM tracepoint through eBPF) goes first in the
 * table of oomsrc.c when it exists: a source opens at the run's start and
 * hands back one record (pid, name, memory cgroup) per OOM kill.
 */
#ifndef BRINK_OOMSRC_H
#define BRINK_OOMSRC_H

#include <sys/types.h>

#include "analyse.h"

struct oom_watch;

/* Open the first source that can be read, positioned at now. Never fails:
 * NULL when no source can be read (the run's victims are then unavailable). */
struct oom_watch *oom_watch_start(void);

/* Read what the source logged since oom_watch_start() into f->victims,
 * f->n_victims and f->victims_method (METH_NONE when w is NULL). memcg_dir is
 * the run's memory cgroup directory (NULL without one). When want_main is true
 * and the main pid is not named yet, wait for its record for up to wait_ms:
 * the kernel writes "Killed process" just after sending the SIGKILL. */
void oom_watch_collect(struct oom_watch *w, const char *memcg_dir, pid_t main_pid, bool want_main,
		       int wait_ms, struct run_facts *f);

/* Close the source. NULL-safe. */
void oom_watch_stop(struct oom_watch *w);

/* Parse one kernel log message (the text after "prio,seq,ts,flags;"). When it
 * names an OOM victim: *pid, comm (16 bytes) and memcg (the task_memcg or
 * oom_memcg path, "" when the line has none; memcg_len bytes) are set and 1
 * is returned; 0 for any other line. Pure: exposed for the unit tests. */
int oom_parse_kmsg(const char *msg, pid_t *pid, char *comm, char *memcg, size_t memcg_len);

#endif
