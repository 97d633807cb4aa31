/* afile.h - result files written atomically: every file brink writes into a
 * result directory (samples.csv, events.csv, summary.csv, summary.json, run.ini,
 * report.md, report.html, the plots and their notes, the files brink merge
 * copies) goes through here.
 *
 * A file is written to "PATH.part" and becomes PATH only in afile_commit(), after
 * fflush(3) and fsync(2) and then rename(2), which replaces PATH in one step
 * (rename(2): "atomically"); the directory holding PATH is fsynced after the
 * rename, so the new name too survives a crash of the machine (fsync(2): "calling
 * fsync() on a file descriptor for the directory is also needed"). A brink killed
 * or failing mid-write leaves a ".part" file, never a truncated file under the
 * final name. Files another program writes (gnuplot's pages) or brink copies are
 * published the same way by afile_publish() and afile_renameat().
 */
#ifndef BRINK_AFILE_H
#define BRINK_AFILE_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"

struct afile {
	FILE *f;    /* write here between afile_open() and afile_commit() */
	char *path; /* the final name */
	char *tmp;  /* PATH.part */
	char *buf;  /* stdio buffer of the size asked for, or NULL for stdio's own */
};

/* Create PATH.part for writing (O_CLOEXEC: no program brink starts inherits it),
 * with a stdio buffer of `bufsize` bytes (0: stdio's default). Returns 0, or -1
 * with err naming PATH.part and the errno (ENOMEM for memory); on failure nothing
 * is left open and afile_abandon(a) is a harmless no-op. */
int afile_open(struct afile *a, const char *path, size_t bufsize, struct berr *err);

/* Flush, fsync and close PATH.part, rename it to PATH, fsync PATH's directory
 * (a filesystem that cannot fsync a directory, EINVAL, is not an error). Returns 0, or -1 with
 * err naming the failing step and path (a failed write of any earlier line is
 * caught here, from ferror(3)); then PATH.part stays as written. Either way `a`
 * is released and a->f is NULL. */
int afile_commit(struct afile *a, struct berr *err);

/* Close and release without committing: PATH.part stays, with what was written.
 * NULL-safe and safe to repeat. */
void afile_abandon(struct afile *a);

/* Close and release without committing, and remove PATH.part. Safe to repeat. */
void afile_discard(struct afile *a);

/* Publish a file written by other means: fsync TMP, rename it to PATH and fsync
 * PATH's directory, as afile_commit() does. Returns 0, or -1 with err naming the
 * failing step and path (then TMP stays, renamed or not as the step says). */
int afile_publish(const char *tmp, const char *path, struct berr *err);

/* Rename TMP to NAME, both in the directory open as dfd, then fsync dfd. The
 * caller has fsynced the file. Returns 0, or -1 with err naming the step. */
int afile_renameat(int dfd, const char *tmp, const char *name, struct berr *err);

#endif
