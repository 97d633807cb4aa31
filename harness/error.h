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

/* "EACCES" for EACCES; "E<number>" for an errno this table does not know. */
const char *errno_name(int errnum);

#endif
