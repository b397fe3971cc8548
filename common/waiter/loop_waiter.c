/*
 * loop_waiter.c - common/loop.c driven through the waiter (waiter.h): the
 * watch() that 11_pool and 12_reuseport share (the waiter reports the
 * same READY_ bits that loop_ready takes, ready.h: nothing to translate
 * but WAITER_HANGUP, left out: the connection's own read sees the end).
 * Linked only into the models that wait this way (the Makefile).
 */
#include "loop_waiter.h"

#include <err.h>
#include <errno.h>
#include <sys/resource.h>

/* Register once: the waiter's edges cover both directions, and a
 * registration found already there (after a /delay) is fine. The listener
 * and the wake-up pipe are level-triggered (WATCH_LEVEL in loop.h). A
 * level-triggered waiter (poll) is told what is wanted now; close() takes a
 * descriptor out of epoll and kqueue by itself. */
int loop_watch_waiter(void *waiter, int fd, unsigned old, unsigned interest)
{
	unsigned wanted = interest & (READY_READ | READY_WRITE);

	if (interest & WATCH_CLOSING) {
		waiter_forget(waiter, fd);
		return 0;
	}
	if (interest & WATCH_LEVEL)
		return waiter_add_listener(waiter, fd, (uint64_t)fd, false);
	if (old == 0 && wanted != 0 && waiter_add(waiter, fd, (uint64_t)fd) < 0 && errno != EEXIST)
		return -1;
	waiter_want(waiter, fd, wanted);
	return 0;
}

bool loop_ready_waiter(struct loop *l, const struct waiter_event *event)
{
	return loop_ready(l, (int)event->tag, event->events & (READY_READ | READY_WRITE));
}

struct waiter *loop_waiter_create(void)
{
	struct rlimit nofile;
	struct waiter *w;

	/* The poll waiter sizes its table by the descriptor limit. */
	if (getrlimit(RLIMIT_NOFILE, &nofile) < 0)
		err(1, "getrlimit");
	w = waiter_create(nofile.rlim_cur > (1 << 20) ? 1 << 20 : (int)nofile.rlim_cur);
	if (w == NULL)
		err(1, "waiter_create");
	return w;
}
