/* procstat.c - see procstat.h. */
#include "procstat.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int procstat_parse(const char *buf, const int *want, long long *out, int n, char *state)
{
	const char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return -1;
	if (state)
		*state = p[2];
	int field = 2, k = 0;
	for (p++; *p && k < n; p++) {
		if (*p != ' ')
			continue;
		if (++field != want[k])
			continue;
		char *end;
		out[k++] = strtoll(p + 1, &end, 10);
		if (end == p + 1)
			return -1;
	}
	return k == n ? 0 : -1;
}

long long procstat_field(pid_t pid, int field)
{
	char path[64], buf[1024];
	if (pid == 0)
		snprintf(path, sizeof(path), "/proc/self/stat");
	else
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	long long v;
	return procstat_parse(buf, &field, &v, 1, NULL) == 0 ? v : -1;
}
