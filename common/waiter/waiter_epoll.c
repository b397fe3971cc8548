/* waiter_epoll.c - the waiter on Linux epoll, edge-triggered. */
#include <stdlib.h>
#include <unistd.h>
#include <sys/epoll.h>

#include "waiter.h"

struct waiter {
	int epfd;
	struct epoll_event *ready;
	int ready_cap;
};

struct waiter *waiter_create(int max_fds)
{
	struct waiter *w = calloc(1, sizeof(*w));

	(void)max_fds;
	if (w == NULL || (w->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		free(w);
		return NULL;
	}
	return w;
}

void waiter_destroy(struct waiter *w)
{
	close(w->epfd);
	free(w->ready);
	free(w);
}

int waiter_add(struct waiter *w, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLET, .data.u64 = tag };

	return epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev);
}

int waiter_add_listener(struct waiter *w, int fd, uint64_t tag, bool exclusive)
{
	struct epoll_event ev = { .events = EPOLLIN | (exclusive ? EPOLLEXCLUSIVE : 0),
				  .data.u64 = tag };

	return epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev);
}

/* Edges need no change of interest; close() drops the registration once
 * the last descriptor for the socket is gone (no EPOLL_CTL_DEL). */
void waiter_want(struct waiter *w, int fd, unsigned events)
{
	(void)w, (void)fd, (void)events;
}

void waiter_forget(struct waiter *w, int fd)
{
	(void)w, (void)fd;
}

int waiter_wait(struct waiter *w, struct waiter_event *out, int max, int timeout_ms)
{
	int i, n;

	if (max > w->ready_cap) {
		struct epoll_event *grown = realloc(w->ready, (size_t)max * sizeof(*grown));
		if (grown == NULL)
			return -1;
		w->ready = grown;
		w->ready_cap = max;
	}
	n = epoll_wait(w->epfd, w->ready, max, timeout_ms);
	for (i = 0; i < n; i++) {
		unsigned e = w->ready[i].events;
		out[i].tag = w->ready[i].data.u64;
		out[i].events = (e & (EPOLLIN | EPOLLHUP | EPOLLERR) ? WAIT_READ : 0) |
				(e & (EPOLLOUT | EPOLLHUP | EPOLLERR) ? WAIT_WRITE : 0);
	}
	return n;
}

const char *waiter_name(void)
{
	return "epoll";
}
