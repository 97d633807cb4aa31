/* swcommon.c - the parts of syswatch (syswatch.h) that need no kernel, built
 * with and without the eBPF feature. */
#include <string.h>
#include <strings.h>

#include "syswatch.h"

int syswatch_user_frames(const uint64_t *stack, int n, uint64_t task_size)
{
	int i = 0;
	while (i < n && stack[i] >= 4096 && stack[i] < task_size)
		i++;
	return i;
}

enum sw_env syswatch_env(const char *v)
{
	static const struct {
		const char *word;
		enum sw_env env;
	} words[] = {
	    {"off", SW_ENV_OFF}, {"0", SW_ENV_OFF},
	    {"no", SW_ENV_OFF},	 {"false", SW_ENV_OFF},
	    {"on", SW_ENV_ON},	 {"1", SW_ENV_ON},
	    {"yes", SW_ENV_ON},	 {"true", SW_ENV_ON},
	    {"auto", SW_ENV_ON}, {"tracepoint", SW_ENV_TRACEPOINT},
	};
	if (!v || !*v)
		return SW_ENV_ON;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(v, words[i].word) == 0)
			return words[i].env;
	return SW_ENV_BAD;
}
