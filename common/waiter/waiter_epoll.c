/* waiter_epoll.c - the waiter on Linux epoll, edge-triggered. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>

#include "duration.h"
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
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
				  .data.u64 = tag };

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

/* epoll_pwait2 (Linux 5.11, glibc 2.35) takes a timespec; epoll_wait only
 * milliseconds, rounded up here. */
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35))
#define HAVE_EPOLL_PWAIT2 1
#endif

static int wait_ns(int epfd, struct epoll_event *ready, int max, int64_t timeout_ns)
{
#ifdef HAVE_EPOLL_PWAIT2
	/* Only for a wait that whole milliseconds cannot say (the servers'
	 * deadlines are whole milliseconds: http_load's -rate schedule is not),
	 * and not again once the kernel, or valgrind, has said it does not
	 * know the call. */
	static bool no_pwait2;

	if (timeout_ns > 0 && timeout_ns % 1000000 != 0 && !no_pwait2) {
		struct timespec ts = duration_timespec_ns(timeout_ns);
		int n = epoll_pwait2(epfd, ready, max, &ts, NULL);

		if (n >= 0 || errno != ENOSYS)
			return n;
		no_pwait2 = true;
	}
#endif
	return epoll_wait(epfd, ready, max, duration_ms_rounded_up(timeout_ns));
}

int waiter_wait_ns(struct waiter *w, struct waiter_event *out, int max, int64_t timeout_ns)
{
	int i, n;

	if (max > w->ready_cap) {
		struct epoll_event *grown = realloc(w->ready, (size_t)max * sizeof(*grown));
		if (grown == NULL)
			return -1;
		w->ready = grown;
		w->ready_cap = max;
	}
	n = wait_ns(w->epfd, w->ready, max, timeout_ns);
	for (i = 0; i < n; i++) {
		unsigned e = w->ready[i].events;
		out[i].tag = w->ready[i].data.u64;
		out[i].events = (e & (EPOLLIN | EPOLLHUP | EPOLLERR) ? READY_READ : 0) |
				(e & (EPOLLOUT | EPOLLHUP | EPOLLERR) ? READY_WRITE : 0) |
				(e & (EPOLLRDHUP | EPOLLHUP) ? WAITER_HANGUP : 0);
	}
	return n;
}

const char *waiter_name(void)
{
	return "epoll";
}
