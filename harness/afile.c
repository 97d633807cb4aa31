/* afile.c - result files written to NAME.part and renamed (see afile.h). */
#include "afile.h"

#include <errno.h>
#include <fcntl.h>
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

/* fsync an open directory; EINVAL (a filesystem that cannot) is no error. */
static int sync_dirfd(int dfd, const char *name, struct berr *err)
{
	if (fsync(dfd) != 0 && errno != EINVAL)
		return berr_set(err, errno, "cannot fsync the directory of %s", name);
	return 0;
}

/* fsync the directory that holds path. */
static int sync_dir_of(const char *path, struct berr *err)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	if (!dir)
		return berr_set(err, ENOMEM, "cannot fsync the directory of %s", path);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (dfd < 0)
		return berr_set(err, errno, "cannot open the directory of %s", path);
	int rc = sync_dirfd(dfd, path, err);
	close(dfd);
	return rc;
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
	if (rc == 0)
		rc = sync_dir_of(a->path, err);
	release(a);
	return rc;
}

int afile_publish(const char *tmp, const char *path, struct berr *err)
{
	int fd = open(tmp, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return berr_set(err, errno, "cannot open %s", tmp);
	int rc = fsync(fd) != 0 ? berr_set(err, errno, "cannot fsync %s", tmp) : 0;
	close(fd);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = berr_set(err, errno, "cannot rename %s to %s", tmp, path);
	return rc == 0 ? sync_dir_of(path, err) : rc;
}

int afile_renameat(int dfd, const char *tmp, const char *name, struct berr *err)
{
	if (renameat(dfd, tmp, dfd, name) != 0)
		return berr_set(err, errno, "cannot rename %s to %s", tmp, name);
	return sync_dirfd(dfd, name, err);
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
