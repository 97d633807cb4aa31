/* path.h - building paths without silent truncation. */
#ifndef BRINK_PATH_H
#define BRINK_PATH_H

#include <stddef.h>

/* snprintf into out; returns 0, or -1 with errno = ENAMETOOLONG when the result
 * did not fit (out then holds the truncated text, never used as a path). */
int path_fmt(char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
