/*
 * fail_epoll_ctl.c - an LD_PRELOAD library that makes one epoll_ctl() fail,
 * so a test can watch a server meet a registration error that ordinary
 * traffic never produces (Linux only; the servers are not changed for it).
 *
 *   FAIL_EPOLL_CTL_AT=N   the Nth epoll_ctl() since the last epoll_wait()
 *                         fails with ENOMEM, once in the process's life.
 *
 * Counting from the last wait picks a change inside one large batch: in
 * 07_kqueue on Linux a wait applies its change list first, so the Nth call
 * after a wait belongs to a batch of at least N changes, and with N past
 * half of MAX_CHANGES it is one of the changes flushed early. On the
 * injection it writes "fail_epoll_ctl: call N on fd FD fails" to stderr.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>

static long calls_since_wait;
static atomic_bool injected;

int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)
{
	static int (*real_epoll_ctl)(int, int, int, struct epoll_event *);
	const char *at = getenv("FAIL_EPOLL_CTL_AT");

	if (real_epoll_ctl == NULL)
		*(void **)&real_epoll_ctl = dlsym(RTLD_NEXT, "epoll_ctl");
	if (at != NULL && ++calls_since_wait == atol(at) && !atomic_exchange(&injected, true)) {
		fprintf(stderr, "fail_epoll_ctl: call %ld on fd %d fails\n", calls_since_wait, fd);
		errno = ENOMEM;
		return -1;
	}
	return real_epoll_ctl(epfd, op, fd, event);
}

int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout)
{
	static int (*real_epoll_wait)(int, struct epoll_event *, int, int);

	if (real_epoll_wait == NULL)
		*(void **)&real_epoll_wait = dlsym(RTLD_NEXT, "epoll_wait");
	calls_since_wait = 0;
	return real_epoll_wait(epfd, events, maxevents, timeout);
}
