/* trace-me: asks to be traced by its parent (PTRACE_TRACEME, as debuggers' and
 * sanitizers' helpers do with PTRACE_ATTACH) and prints "traceme ok" or
 * "traceme errno N" (EPERM 1 when it is traced already: ptrace(2)). Exit 0. */
#include <sys/ptrace.h>

#include "shape.h"

int main(void)
{
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) == 0)
		printf("traceme ok\n");
	else
		printf("traceme errno %d\n", errno);
	fflush(stdout);
	return 0;
}
