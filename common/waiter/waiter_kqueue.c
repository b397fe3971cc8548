/* waiter_kqueue.c - the waiter on BSD/macOS kqueue, edge-triggered (EV_CLEAR). */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/event.h>
#include <time.h>

#include "duration.h"
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

void waiter_destroy(struct waiter *w)
{
	close(w->kq);
	free(w->ready);
	free(w);
}

/* Both filters in one kevent() call; udata carries the tag (64-bit
 * pointers on every platform this file is built for). */
int waiter_add(struct waiter *w, int fd, uint64_t tag)
{
	struct kevent changes[2];

	EV_SET(&changes[0], fd, EVFILT_READ, EV_ADD | EV_CLEAR, 0, 0, (void *)(uintptr_t)tag);
	EV_SET(&changes[1], fd, EVFILT_WRITE, EV_ADD | EV_CLEAR, 0, 0, (void *)(uintptr_t)tag);
	return kevent(w->kq, changes, 2, NULL, 0, NULL);
}

int waiter_add_listener(struct waiter *w, int fd, uint64_t tag, bool exclusive)
{
	struct kevent change;

	if (exclusive) {
		errno = EOPNOTSUPP;
		return -1;
	}
	EV_SET(&change, fd, EVFILT_READ, EV_ADD, 0, 0, (void *)(uintptr_t)tag);
	return kevent(w->kq, &change, 1, NULL, 0, NULL);
}

/* Edges need no change of interest; close() removes both filters. */
void waiter_want(struct waiter *w, int fd, unsigned events)
{
	(void)w, (void)fd, (void)events;
}

void waiter_forget(struct waiter *w, int fd)
{
	(void)w, (void)fd;
}

int waiter_wait_ns(struct waiter *w, struct waiter_event *out, int max, int64_t timeout_ns)
{
	struct timespec ts = duration_timespec_ns(timeout_ns);
	int i, n;

	if (max > w->ready_cap) {
		struct kevent *grown = realloc(w->ready, (size_t)max * sizeof(*grown));
		if (grown == NULL)
			return -1;
		w->ready = grown;
		w->ready_cap = max;
	}
	n = kevent(w->kq, NULL, 0, w->ready, max, timeout_ns < 0 ? NULL : &ts);
	for (i = 0; i < n; i++) {
		out[i].tag = (uint64_t)(uintptr_t)w->ready[i].udata;
		out[i].events = w->ready[i].flags & (EV_EOF | EV_ERROR) ? READY_READ | READY_WRITE
				: w->ready[i].filter == EVFILT_READ     ? READY_READ
									: READY_WRITE;
		if (w->ready[i].filter == EVFILT_READ && w->ready[i].flags & EV_EOF)
			out[i].events |= WAITER_HANGUP;
	}
	return n;
}

const char *waiter_name(void)
{
	return "kqueue";
}
