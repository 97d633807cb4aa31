/* afile.h - result files written atomically: every file brink writes into a
 * result directory (samples.csv, events.csv, summary.csv, summary.json, run.ini,
 * report.md, report.html) goes through here.
 *
 * A file is written to "PATH.part" and becomes PATH only in afile_commit(), after
 * fflush(3) and fsync(2) and then rename(2), which replaces PATH in one step
 * (rename(2): "atomically"). A brink killed or failing mid-write leaves a ".part"
 * file, never a truncated file under the final name.
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

/* Flush, fsync and close PATH.part, then rename it to PATH. Returns 0, or -1 with
 * err naming the failing step and path (a failed write of any earlier line is
 * caught here, from ferror(3)); then PATH.part stays as written. Either way `a`
 * is released and a->f is NULL. */
int afile_commit(struct afile *a, struct berr *err);

/* Close and release without committing: PATH.part stays, with what was written.
 * NULL-safe and safe to repeat. */
void afile_abandon(struct afile *a);

/* Close and release without committing, and remove PATH.part. Safe to repeat. */
void afile_discard(struct afile *a);

#endif
