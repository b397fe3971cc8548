/* waiter_kqueue.c - the waiter on BSD/macOS kqueue, level-triggered. */
#include <stdlib.h>
#include <sys/event.h>
#include <time.h>

#include "waiter.h"

struct waiter {
	int kq;
	struct kevent *ready;
	int ready_cap;
};

struct waiter *waiter_create(int max_fds)
{
	struct waiter *w = calloc(1, sizeof(*w));

	(void)max_fds;
	if (w == NULL || (w->kq = kqueue()) < 0) {
		free(w);
		return NULL;
	}
	return w;
}

int waiter_set(struct waiter *w, int fd, unsigned old, unsigned events)
{
	struct kevent changes[2];
	int n = 0;

	if ((old ^ events) & WAIT_READ)
		EV_SET(&changes[n++], fd, EVFILT_READ, events & WAIT_READ ? EV_ADD : EV_DELETE, 0, 0, NULL);
	if ((old ^ events) & WAIT_WRITE)
		EV_SET(&changes[n++], fd, EVFILT_WRITE, events & WAIT_WRITE ? EV_ADD : EV_DELETE, 0, 0, NULL);
	return n ? kevent(w->kq, changes, n, NULL, 0, NULL) : 0;
}

int waiter_wait(struct waiter *w, struct waiter_event *out, int max, int timeout_ms)
{
	struct timespec ts = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L};
	int i, n;

	if (max > w->ready_cap) {
		struct kevent *grown = realloc(w->ready, (size_t)max * sizeof(*grown));
		if (grown == NULL)
			return -1;
		w->ready = grown;
		w->ready_cap = max;
	}
	n = kevent(w->kq, NULL, 0, w->ready, max, timeout_ms < 0 ? NULL : &ts);
	for (i = 0; i < n; i++) {
		out[i].fd = (int)w->ready[i].ident;
		out[i].events = w->ready[i].flags & (EV_EOF | EV_ERROR) ? WAIT_READ | WAIT_WRITE
				: w->ready[i].filter == EVFILT_READ ? WAIT_READ : WAIT_WRITE;
	}
	return n;
}

const char *waiter_name(void)
{
	return "kqueue";
}
