/* path.h - building paths without silent truncation. */
#ifndef BRINK_PATH_H
#define BRINK_PATH_H

#include <stddef.h>

#include "error.h"

/* snprintf into out; returns 0, or -1 with errno = ENAMETOOLONG when the result
 * did not fit (out then holds the truncated text, never used as a path). */
int path_fmt(char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* mkdir(2) of path and every missing parent, mode 0755; an existing directory
 * is fine. 0, or -1 with err ("cannot create P: ..." naming the part that
 * failed, errno from mkdir(2)). */
int path_mkdir_p(const char *path, struct berr *err);

/* A result directory must be new or empty: brink never writes over results or
 * into a directory that holds something else. 0 when dir is an empty directory
 * or was made (with its parents); -1 with err: "DIR: exists and is not empty
 * (...)", "DIR: exists and is not a directory", or the failing call's errno. */
int path_new_or_empty(const char *dir, struct berr *err);

#endif
