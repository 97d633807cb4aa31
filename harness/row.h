/* row.h - the summary row, described once.
 *
 * Every column of summary.csv is one line of SUMMARY_COLUMNS below, in the
 * order of the file. Everything that speaks of the columns is made from it:
 *  - record.c: the CSV header, the writer and the reader (summary_cols);
 *  - json.c: each column's JSON type (from its kind);
 *  - gate.c: the metrics `brink compare` judges, with their unit and noise
 *    floor (GATE);
 *  - report.c: the columns of report.md and report.html (REPORT);
 *  - help.c: the column list of `brink help results` (HELP).
 *
 * One line is X(FIELD, KIND, REQ, GATE, REPORT, HELP):
 *  FIELD   the struct run_result field (result.h), and the column's name;
 *  KIND    how it is written and read: STR (char[], quoted when needed), INT
 *          (int) and I64 (int64_t; RES_NONE is empty), SECONDS (double, %.6f;
 *          < 0 is empty), SLOPE (double, %.3f; NAN is empty), BOOL01 (bool,
 *          0/1), OUTCOME, BREAK, METHOD, LEAK (their enum's names), UNAVAIL
 *          (enum unavail bits, "mem;oom"). A field whose C type is not the
 *          kind's does not compile (record.c);
 *  REQ     REQ: summary_read refuses a file without it; OPT: optional;
 *  GATE    NO_GATE, or how compare judges it, N its place in compare's output
 *          (0, 1, ... without gaps):
 *          RISE(N, UNIT, FLOOR): a median that rose by more than the
 *            threshold and by more than FLOOR (UNIT: BYTES, COUNT,
 *            BYTES_PER_S, PER_S, SECONDS) regressed; FLOOR is the default
 *            min-change, the noise of identical runs;
 *          RISE_WHERE_MEASURED(N, UNIT, FLOOR): the same, judged only for a
 *            scenario with a value on either side (a column only some
 *            programs fill, such as the Go runtime's);
 *          APPEARS(N, METRIC): a value that appears in NEW regressed, the
 *            metric named METRIC (the breaking point);
 *          APPEARS_WATCHED(N, METRIC): the same, judged only for a scenario
 *            whose runs on both sides had the syscall watch (unavailable
 *            without syscalls): a value only the watch can see (the first
 *            failing call) cannot appear or go where one side did not look;
 *          TURNS_YES(N): yes in NEW where BASE said no regressed (the leak
 *            verdict);
 *  REPORT  NO_REPORT, or where the report shows it, N its place in the table
 *          (0, 1, ... without gaps), CELL the report.c function cell_CELL
 *          that writes it (it may use other columns: outcome shows exit_code):
 *          KEY(N, TITLE, ALIGN, CELL): first in every table (the row's name);
 *          SUMMARY(N, TITLE, ALIGN, CELL): the summary table;
 *          SERVICES(N, TITLE, ALIGN, CELL): the services and Go runtime
 *            table; ALIGN is LEFT or RIGHT (numbers);
 *  HELP    what it means, for `brink help results` (the README says more).
 *
 * Adding a column: a field in struct run_result (and run_result_init), one
 * line here, its text in the README's summary.csv table, and the goldens
 * (tests/golden/summary_*.csv) that pin the file format.
 */
#ifndef BRINK_ROW_H
#define BRINK_ROW_H

/* The columns after exec_error describe a service under load (service.h).
 * Of the Go runtime's, compare judges goroutines: a count that grows is the
 * classic Go leak. Not go_heap_live_bytes (gctrace gives it in whole MB, and
 * peak_rss_bytes and peak_mem_bytes judge the memory it is part of), gc_count
 * (more GCs are no regression by themselves) nor go_heap_slope_bytes_per_s
 * (the leak verdict judges it).
 *
 * Of the failing calls the kernel saw (eBPF), compare judges the first one
 * appearing (first_failure): a program that failed no call in BASE and fails
 * one in NEW broke somewhere, whether or not a limit was reached (a child's
 * own RLIMIT_AS, a call it retries). The counts (emfile_count, enfile_count,
 * eagain_fork_count, enomem_count) have no gate of their own: they count how
 * often a program met a failure and went on, which its retry loop and timing
 * decide (a program that spins on EMFILE until the timeout counts millions),
 * so a rise is no regression by itself. Only a count that goes from 0 in
 * every BASE run to more in NEW is, a kind of failure that appears behind an
 * unchanged first one (EMFILE first on both sides, ENOMEM new): the
 * first_failure row judges that too. */
// clang-format off
#define SUMMARY_COLUMNS(X)                                                                        \
X(scenario, STR, REQ, NO_GATE, KEY(0, "scenario", LEFT, scenario),                                \
  "the scenario's name")                                                                          \
X(rep, INT, REQ, NO_GATE, KEY(1, "rep", RIGHT, rep),                                              \
  "the repetition, from 1")                                                                       \
X(outcome, OUTCOME, REQ, NO_GATE, SUMMARY(2, "outcome", LEFT, outcome),                           \
  "exited, signaled, oom-killed, timeout (brink killed it), exec-failed, interrupted "            \
  "(brink was), stopped (after its load or duration), not-ready")                                 \
X(exit_code, INT, OPT, NO_GATE, NO_REPORT,                                                        \
  "exit status, when the program exited")                                                         \
X(signal, INT, OPT, NO_GATE, NO_REPORT,                                                           \
  "the signal number that killed it, when it was killed")                                         \
X(duration_s, SECONDS, OPT, RISE(8, SECONDS, 0.5), SUMMARY(5, "duration", RIGHT, duration),       \
  "seconds from launch to exit")                                                                  \
X(peak_rss_bytes, I64, OPT, RISE(0, BYTES, 1024.0 * 1024),                                        \
  SUMMARY(6, "peak RSS", RIGHT, peak_rss),                                                        \
  "largest RSS summed over the run's processes")                                                  \
X(peak_mem_bytes, I64, OPT, RISE(1, BYTES, 1024.0 * 1024),                                        \
  SUMMARY(7, "peak memory (cgroup)", RIGHT, peak_mem),                                            \
  "the memory cgroup's own peak usage")                                                           \
X(peak_fds, I64, OPT, RISE(2, COUNT, 1), SUMMARY(8, "peak fds / limit", RIGHT, peak_fds),        \
  "largest open fd count summed over the processes")                                              \
X(peak_threads, I64, OPT, RISE(3, COUNT, 2),                                                      \
  SUMMARY(9, "peak threads / limit", RIGHT, peak_threads),                                        \
  "largest thread count summed over the processes")                                               \
X(fd_limit, I64, OPT, NO_GATE, NO_REPORT,                                                         \
  "RLIMIT_NOFILE of the process at the first EMFILE, else the lowest a process had")            \
X(fd_baseline, I64, OPT, NO_GATE, NO_REPORT,                                                      \
  "fds the program had at exec")                                                                  \
X(fd_exhausted, BOOL01, OPT, NO_GATE, NO_REPORT,                                                  \
  "1 when a process held as many fds as its own soft limit (or every fd from 10 to it)")          \
X(mem_limit_bytes, I64, OPT, NO_GATE, NO_REPORT,                                                  \
  "the memory limit")                                                                             \
X(oom_kills, I64, OPT, NO_GATE, NO_REPORT,                                                        \
  "OOM kills the kernel counted")                                                                 \
X(oom_onset_s, SECONDS, OPT, NO_GATE, NO_REPORT,                                                  \
  "time of the first OOM notification, else of the first OOM victim the kernel named")           \
X(pids_limit, I64, OPT, NO_GATE, NO_REPORT,                                                       \
  "the pids limit")                                                                               \
X(pids_limit_hits, I64, OPT, NO_GATE, NO_REPORT,                                                  \
  "forks and clones the pids limit refused")                                                      \
X(limit_hit, BREAK, REQ, APPEARS(10, breaking_point), SUMMARY(3, "limit hit", LEFT, limit_hit),  \
  "the breaking point: nofile, memory, pids, cpu-time, as, data, nproc, timeout, or empty")       \
X(limit_method, METHOD, OPT, NO_GATE, NO_REPORT,                                                  \
  "how the breaking point was found: exit-stop, fd-numbers, sampling, kernel-counter, "           \
  "kernel-log, tracepoint, signal-stop, exit-status, timer")                                      \
X(cause, STR, OPT, NO_GATE, SUMMARY(11, "notes", LEFT, notes),                                    \
  "how the main process ended, and on what evidence")                                             \
X(leak, LEAK, REQ, TURNS_YES(11), SUMMARY(10, "leak", LEFT, leak),                                \
  "the leak verdict, yes or no; empty when the run was too short")                                \
X(leak_metrics, STR, OPT, NO_GATE, NO_REPORT,                                                     \
  "the series that grow: rss;mem;fds;threads")                                                    \
X(leak_reason, STR, OPT, NO_GATE, NO_REPORT,                                                      \
  "why leak is empty, or why leak yes names no metric")                                           \
X(rss_slope_bytes_per_s, SLOPE, OPT, RISE(4, BYTES_PER_S, 256.0 * 1024), NO_REPORT,               \
  "Theil-Sen growth of anonymous RSS after the warm-up")                                          \
X(mem_slope_bytes_per_s, SLOPE, OPT, RISE(5, BYTES_PER_S, 256.0 * 1024), NO_REPORT,               \
  "Theil-Sen growth of the cgroup's memory after the warm-up")                                    \
X(fd_slope_per_s, SLOPE, OPT, RISE(6, PER_S, 0.5), NO_REPORT,                                     \
  "Theil-Sen fd growth after the warm-up")                                                        \
X(thread_slope_per_s, SLOPE, OPT, RISE(7, PER_S, 0.5), NO_REPORT,                                 \
  "Theil-Sen thread growth after the warm-up")                                                    \
X(samples, I64, OPT, NO_GATE, NO_REPORT,                                                          \
  "samples taken")                                                                                \
X(missed_samples, I64, OPT, NO_GATE, NO_REPORT,                                                   \
  "sampling deadlines that passed without a sample (a warning above 1%)")                         \
X(first_failure_syscall, STR, OPT, NO_GATE,                                                       \
  SUMMARY(4, "first failing call", LEFT, first_failure),                                          \
  "the run's first failing system call of a watched kind, any process (eBPF)")                    \
X(first_failure_errno, STR, OPT, APPEARS_WATCHED(12, first_failure), NO_REPORT,                    \
  "its errno name: EMFILE, ENFILE, EAGAIN, ENOMEM")                                               \
X(first_failure_s, SECONDS, OPT, NO_GATE, NO_REPORT,                                              \
  "when it failed, seconds since the start")                                                      \
X(first_failure_pid, I64, OPT, NO_GATE, NO_REPORT,                                                \
  "the process it failed in")                                                                     \
X(emfile_count, I64, OPT, NO_GATE, NO_REPORT,                                                     \
  "EMFILE returned by calls that make an fd")                                                     \
X(enfile_count, I64, OPT, NO_GATE, NO_REPORT,                                                     \
  "ENFILE returned by calls that make an fd")                                                     \
X(eagain_fork_count, I64, OPT, NO_GATE, NO_REPORT,                                                \
  "EAGAIN returned by fork, vfork, clone, clone3")                                                \
X(enomem_count, I64, OPT, NO_GATE, NO_REPORT,                                                     \
  "ENOMEM returned by mmap, brk, mremap, clone")                                                  \
X(oom_victim_pid, I64, OPT, NO_GATE, NO_REPORT,                                                   \
  "the process the OOM killer chose first (tracepoint, else kernel log)")                         \
X(unavailable, UNAVAIL, OPT, NO_GATE, NO_REPORT,                                                  \
  "what could not be measured here: mem, oom, pids, procs, exit-state, cpus, oom-victim, "        \
  "syscalls")                                                                                     \
X(expect_failure, STR, OPT, NO_GATE, NO_REPORT,                                                   \
  "why the expectation did not hold, or empty")                                                   \
X(exec_error, STR, OPT, NO_GATE, NO_REPORT,                                                       \
  "why the command could not be executed")                                                        \
X(ready_s, SECONDS, OPT, NO_GATE, SERVICES(2, "ready", RIGHT, ready),                             \
  "when the program became ready (with ready or load)")                                           \
X(load_status, STR, OPT, NO_GATE, SERVICES(3, "load", LEFT, load),                                \
  "the load: ok, failed, signaled, killed (the program ended first), exec-failed, "               \
  "not-started")                                                                                  \
X(load_exit_code, INT, OPT, NO_GATE, NO_REPORT,                                                   \
  "the load's exit status")                                                                       \
X(load_duration_s, SECONDS, OPT, NO_GATE, NO_REPORT,                                              \
  "the load's run time")                                                                          \
X(go_heap_live_bytes, I64, OPT, NO_GATE, SERVICES(4, "Go live heap (peak)", RIGHT, go_heap),     \
  "gctrace: peak Go live heap after a GC")                                                        \
X(gc_count, I64, OPT, NO_GATE, SERVICES(6, "GCs", RIGHT, gcs),                                    \
  "gctrace: GCs the program reported")                                                            \
X(go_heap_slope_bytes_per_s, SLOPE, OPT, NO_GATE,                                                 \
  SERVICES(5, "Go live heap growth", RIGHT, go_heap_slope),                                       \
  "gctrace: live heap growth over the window")                                                    \
X(goroutines, I64, OPT, RISE_WHERE_MEASURED(9, COUNT, 10),                                        \
  SERVICES(7, "goroutines", RIGHT, goroutines),                                                   \
  "dump: goroutines in the SIGQUIT dump; empty when cut")                                         \
X(goroutines_top, STR, OPT, NO_GATE,                                                              \
  SERVICES(8, "largest goroutine group", LEFT, goroutines_top),                                   \
  "dump: the largest group, by state and top frame; or why there is no count "                   \
  "(incomplete dump, no dump)")
// clang-format on

/* Number of columns with a GATE: GATE_N_METRICS (gate.h). */
#define ROW_GATED_NO_GATE				      0
#define ROW_GATED_RISE(n, unit, floor)			      1
#define ROW_GATED_RISE_WHERE_MEASURED(n, u, f)		      1
#define ROW_GATED_APPEARS(n, metric)			      1
#define ROW_GATED_APPEARS_WATCHED(n, metric)		      1
#define ROW_GATED_TURNS_YES(n)				      1
#define ROW_COUNT_GATED(field, kind, req, gate, report, help) +ROW_GATED_##gate
#define ROW_N_GATED					      (0 SUMMARY_COLUMNS(ROW_COUNT_GATED))

#endif
