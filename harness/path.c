/* path.c - see path.h. */
#include "path.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int path_fmt(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(out, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int path_mkdir_p(const char *path, struct berr *err)
{
	char tmp[PATH_MAX];
	if (path_fmt(tmp, sizeof(tmp), "%s", path) != 0)
		return berr_set(err, ENAMETOOLONG, "cannot create %s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			return berr_set(err, errno, "cannot create %s", tmp);
		*p = '/';
	}
	if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
		return berr_set(err, errno, "cannot create %s", tmp);
	return 0;
}

int path_new_or_empty(const char *dir, struct berr *err)
{
	struct stat st;
	if (stat(dir, &st) != 0)
		return errno == ENOENT ? path_mkdir_p(dir, err) : berr_set(err, errno, "%s", dir);
	if (!S_ISDIR(st.st_mode))
		return berr_set(err, 0, "%s: exists and is not a directory", dir);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return berr_set(err, e, "%s", dir);
	}
	struct dirent *e;
	bool empty = true;
	while (empty && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = false;
	closedir(d);
	if (!empty)
		return berr_set(err, 0,
				"%s: exists and is not empty (brink writes only into a new or "
				"empty directory)",
				dir);
	return 0;
}
