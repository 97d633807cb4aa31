/* error.c - see error.h. */
#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
	int num;
	const char *name;
} errno_names[] = {
    {EPERM, "EPERM"},
    {ENOENT, "ENOENT"},
    {ESRCH, "ESRCH"},
    {EINTR, "EINTR"},
    {EIO, "EIO"},
    {E2BIG, "E2BIG"},
    {ENOEXEC, "ENOEXEC"},
    {EBADF, "EBADF"},
    {ECHILD, "ECHILD"},
    {EAGAIN, "EAGAIN"},
    {ENOMEM, "ENOMEM"},
    {EACCES, "EACCES"},
    {EFAULT, "EFAULT"},
    {EBUSY, "EBUSY"},
    {EEXIST, "EEXIST"},
    {ENOTDIR, "ENOTDIR"},
    {EISDIR, "EISDIR"},
    {EINVAL, "EINVAL"},
    {ENFILE, "ENFILE"},
    {EMFILE, "EMFILE"},
    {ETXTBSY, "ETXTBSY"},
    {ENOSPC, "ENOSPC"},
    {EROFS, "EROFS"},
    {ERANGE, "ERANGE"},
    {ENAMETOOLONG, "ENAMETOOLONG"},
    {ENOSYS, "ENOSYS"},
    {ENOTEMPTY, "ENOTEMPTY"},
    {ELOOP, "ELOOP"},
    {EOPNOTSUPP, "EOPNOTSUPP"},
    {ENODEV, "ENODEV"},
};

const char *errno_name(int errnum)
{
	static __thread char buf[16];
	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (errno_names[i].num == errnum)
			return errno_names[i].name;
	snprintf(buf, sizeof(buf), "E%d", errnum);
	return buf;
}

int berr_set(struct berr *e, int errnum, const char *fmt, ...)
{
	if (!e)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (errnum && (size_t)n < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - (size_t)n, ": %s (%s)", strerror(errnum),
			 errno_name(errnum));
	e->errnum = errnum;
	return -1;
}

int berr_wrap(struct berr *e, const char *fmt, ...)
{
	if (!e)
		return -1;
	char ctx[sizeof(e->msg)];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	if (n < 0)
		ctx[0] = '\0';
	char old[sizeof(e->msg)];
	memcpy(old, e->msg, sizeof(old));
	old[sizeof(old) - 1] = '\0';
	size_t cl = strlen(ctx), ol = strlen(old);
	const size_t room = sizeof(e->msg) - 1; /* characters, without the NUL */
	const char *cut = "";
	if (ol > 0 && cl + 2 + ol > room) {
		/* Too long: the context (up to half of msg), "...", and as much of
		 * the old message's end as fits. */
		if (cl > room / 2)
			cl = room / 2;
		cut = "...";
		size_t tail = room - cl - 2 - strlen(cut);
		memmove(old, old + ol - tail, tail + 1);
		ol = tail;
	}
	char *o = e->msg;
	memcpy(o, ctx, cl);
	o += cl;
	if (ol > 0) {
		memcpy(o, ": ", 2);
		o += 2;
		memcpy(o, cut, strlen(cut));
		o += strlen(cut);
		memcpy(o, old, ol);
		o += ol;
	}
	*o = '\0';
	return -1;
}
