/* error.h - errors that travel: what failed, on which path, and why.
 *
 * Deep helpers never exit; they fill a struct berr and return -1 so that every
 * caller can still reach teardown. The message names the operation and quotes the
 * path; when errnum is not 0 the text ends in "strerror (ENAME)".
 */
#ifndef BRINK_ERROR_H
#define BRINK_ERROR_H

#include <stddef.h>

struct berr {
	int errnum;    /* errno of the failing call, or 0 */
	char msg[768]; /* complete, printable message */
};

/* Set e (may be NULL) to the message built from fmt; appends ": strerror (ENAME)"
 * when errnum != 0. Always returns -1 so callers can `return berr_set(...)`. */
int berr_set(struct berr *e, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Put "CONTEXT: " (from fmt) before e's message: what the caller was doing when
 * the callee failed, added on the way up, as crun's crun_error_wrap does. errnum
 * is kept. "cannot make run group 3" over "cannot create /sys/.../run-3: File
 * exists (EEXIST)" gives "cannot make run group 3: cannot create /sys/.../run-3:
 * File exists (EEXIST)". When the whole does not fit in msg, the middle of the
 * old message gives way to "...": the context and the old message's end (the
 * errno text) stay. An empty old message gives the context alone. e may be
 * NULL. Always returns -1 so callers can `return berr_wrap(...)`. */
int berr_wrap(struct berr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "EACCES" for EACCES; "E<number>" for an errno this table does not know. */
const char *errno_name(int errnum);

#endif
