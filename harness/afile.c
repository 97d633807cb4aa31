/* afile.c - result files written to NAME.part and renamed (see afile.h). */
#include "afile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void release(struct afile *a)
{
	free(a->path);
	free(a->tmp);
	free(a->buf);
	a->path = a->tmp = a->buf = NULL;
}

int afile_open(struct afile *a, const char *path, size_t bufsize, struct berr *err)
{
	memset(a, 0, sizeof(*a));
	a->path = strdup(path);
	if (!a->path || asprintf(&a->tmp, "%s.part", path) < 0) {
		a->tmp = NULL;
		release(a);
		return berr_set(err, ENOMEM, "cannot create %s.part", path);
	}
	/* glibc ignores setvbuf's size when it allocates the buffer itself, so a
	 * buffer of a given size has to be ours. */
	if (bufsize && !(a->buf = malloc(bufsize))) {
		release(a);
		return berr_set(err, ENOMEM, "cannot create %s.part", path);
	}
	a->f = fopen(a->tmp, "we");
	if (!a->f) {
		int e = errno;
		berr_set(err, e, "cannot create %s", a->tmp);
		release(a);
		return -1;
	}
	if (a->buf)
		setvbuf(a->f, a->buf, _IOFBF, bufsize);
	return 0;
}

int afile_commit(struct afile *a, struct berr *err)
{
	if (!a->f) {
		release(a);
		return berr_set(err, EBADF, "cannot commit a file that is not open");
	}
	int rc = 0;
	errno = 0;
	if (fflush(a->f) != 0)
		rc = berr_set(err, errno, "cannot write %s", a->tmp);
	else if (ferror(a->f))
		rc = berr_set(err, 0, "cannot write %s: an earlier write failed", a->tmp);
	else if (fsync(fileno(a->f)) != 0)
		rc = berr_set(err, errno, "cannot fsync %s", a->tmp);
	if (fclose(a->f) != 0 && rc == 0)
		rc = berr_set(err, errno, "cannot close %s", a->tmp);
	a->f = NULL;
	if (rc == 0 && rename(a->tmp, a->path) != 0)
		rc = berr_set(err, errno, "cannot rename %s to %s", a->tmp, a->path);
	release(a);
	return rc;
}

void afile_abandon(struct afile *a)
{
	if (!a)
		return;
	if (a->f)
		fclose(a->f);
	a->f = NULL;
	release(a);
}

void afile_discard(struct afile *a)
{
	if (!a)
		return;
	if (a->tmp)
		unlink(a->tmp);
	afile_abandon(a);
}
