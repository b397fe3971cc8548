/* waiter_poll.c - the waiter on poll(2), for systems with neither epoll nor
 * kqueue. A pollfd per descriptor, indexed by the descriptor itself (fd -1
 * when unused), so changes are O(1) and the array is as long as the highest
 * descriptor. */
#include <poll.h>
#include <stdlib.h>

#include "waiter.h"

struct waiter {
	struct pollfd *by_fd;
	int len;
};

struct waiter *waiter_create(int max_fds)
{
	struct waiter *w = calloc(1, sizeof(*w));
	int i;

	if (w == NULL || (w->by_fd = calloc((size_t)max_fds, sizeof(*w->by_fd))) == NULL) {
		free(w);
		return NULL;
	}
	for (i = 0; i < max_fds; i++)
		w->by_fd[i].fd = -1;
	w->len = max_fds;
	return w;
}

int waiter_set(struct waiter *w, int fd, unsigned old, unsigned events)
{
	(void)old;
	if (fd < 0 || fd >= w->len)
		return -1;
	w->by_fd[fd].fd = events ? fd : -1;
	w->by_fd[fd].events = (short)((events & WAIT_READ ? POLLIN : 0) | (events & WAIT_WRITE ? POLLOUT : 0));
	return 0;
}

int waiter_wait(struct waiter *w, struct waiter_event *out, int max, int timeout_ms)
{
	int i, n = 0, ready = poll(w->by_fd, (nfds_t)w->len, timeout_ms);

	for (i = 0; i < w->len && n < ready && n < max; i++) {
		short e = w->by_fd[i].revents;
		if (w->by_fd[i].fd < 0 || e == 0)
			continue;
		out[n].fd = i;
		out[n++].events = (e & (POLLIN | POLLHUP | POLLERR) ? WAIT_READ : 0) |
				  (e & (POLLOUT | POLLHUP | POLLERR) ? WAIT_WRITE : 0);
	}
	return ready < 0 ? -1 : n;
}

const char *waiter_name(void)
{
	return "poll";
}
