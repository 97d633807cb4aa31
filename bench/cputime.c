/* cputime.c - run a command and report its own CPU time apart from its
 * children's, plus wall time.
 *
 * usage: cputime COMMAND [ARG]...
 * Prints one line on stderr:
 *   wall_s=W self_user_s=U self_sys_s=S child_user_s=CU child_sys_s=CS status=X
 * getrusage/wait4 would fold the reaped children (the program brink runs) into
 * the figure; the zombie's /proc/PID/stat still holds its own utime/stime and
 * its children's separately, so we read it before reaping (waitid WNOWAIT).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* utime, stime, cutime, cstime: fields 14..17, counted after the last ')'
 * because the command name may hold spaces and parentheses. */
static int read_times(pid_t pid, long long t[4])
{
	char path[64], buf[2048];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	if (!p)
		return -1;
	int field = 2;
	for (p++; *p; p++) {
		if (*p != ' ')
			continue;
		field++;
		if (field >= 14 && field <= 17)
			t[field - 14] = strtoll(p + 1, NULL, 10);
		if (field == 17)
			return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: cputime COMMAND [ARG]...\n");
		return 2;
	}
	double t0 = now_s();
	pid_t pid = fork();
	if (pid < 0) {
		perror("cputime: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		fprintf(stderr, "cputime: cannot execute %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) != 0) {
		if (errno != EINTR) {
			perror("cputime: waitid");
			return 1;
		}
	}
	double wall = now_s() - t0;
	long long t[4] = {-1, -1, -1, -1};
	int have = read_times(pid, t);
	int status = 0;
	waitpid(pid, &status, 0);
	if (have != 0) {
		fprintf(stderr, "cputime: cannot read /proc/%d/stat of the exited command\n",
			(int)pid);
		return 1;
	}
	double hz = (double)sysconf(_SC_CLK_TCK);
	fprintf(stderr,
		"wall_s=%.6f self_user_s=%.3f self_sys_s=%.3f child_user_s=%.3f "
		"child_sys_s=%.3f status=%d\n",
		wall, t[0] / hz, t[1] / hz, t[2] / hz, t[3] / hz,
		WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
