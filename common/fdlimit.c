/*
 * fdlimit.c - the soft descriptor limit, raised as far as the kernel allows.
 */
#include "fdlimit.h"

#include <sys/resource.h>

long fdlimit_raise(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return -1;
	if (rl.rlim_cur < rl.rlim_max) {
		/* macOS reports an infinite hard limit but refuses it (the real
		 * ceiling is kern.maxfilesperproc): halve until it agrees. */
		rlim_t want = rl.rlim_max == RLIM_INFINITY ? 1 << 20 : rl.rlim_max;

		for (rl.rlim_cur = want; rl.rlim_cur > 1024 && setrlimit(RLIMIT_NOFILE, &rl) != 0;)
			rl.rlim_cur /= 2;
		if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
			return -1;
	}
	return rl.rlim_cur > 10000000 ? 10000000 : (long)rl.rlim_cur;
}
