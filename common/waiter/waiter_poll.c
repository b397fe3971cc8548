/* waiter_poll.c - the waiter on poll(2), for systems with neither epoll nor
 * kqueue. poll is level-triggered: it watches only what waiter_want last
 * said. A pollfd and a tag per descriptor, indexed by the descriptor itself
 * (fd -1 when unused), so changes are O(1) and the array is as long as the
 * highest descriptor. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>

#include "duration.h"
#include "waiter.h"

struct waiter {
	struct pollfd *by_fd;
	uint64_t *tags;
	int len;
	int high; /* one past the highest descriptor added: what poll() scans */
};

struct waiter *waiter_create(int max_fds)
{
	struct waiter *w = calloc(1, sizeof(*w));
	int i;

	if (w == NULL)
		return NULL;
	w->by_fd = calloc((size_t)max_fds, sizeof(*w->by_fd));
	w->tags = calloc((size_t)max_fds, sizeof(*w->tags));
	if (w->by_fd == NULL || w->tags == NULL) {
		free(w->by_fd);
		free(w->tags);
		free(w);
		return NULL;
	}
	for (i = 0; i < max_fds; i++)
		w->by_fd[i].fd = -1;
	w->len = max_fds;
	return w;
}

void waiter_destroy(struct waiter *w)
{
	free(w->by_fd);
	free(w->tags);
	free(w);
}

int waiter_add(struct waiter *w, int fd, uint64_t tag)
{
	if (fd < 0 || fd >= w->len)
		return -1;
	w->by_fd[fd].fd = fd;
	w->by_fd[fd].events = POLLOUT; /* a new connection waits to be connected */
	w->tags[fd] = tag;
	if (fd >= w->high)
		w->high = fd + 1;
	return 0;
}

int waiter_add_listener(struct waiter *w, int fd, uint64_t tag, bool exclusive)
{
	if (exclusive) {
		errno = EOPNOTSUPP;
		return -1;
	}
	if (waiter_add(w, fd, tag) < 0)
		return -1;
	waiter_want(w, fd, READY_READ);
	return 0;
}

void waiter_want(struct waiter *w, int fd, unsigned events)
{
	if (fd >= 0 && fd < w->len)
		w->by_fd[fd].events = (short)((events & READY_READ ? POLLIN : 0) |
					      (events & READY_WRITE ? POLLOUT : 0));
}

void waiter_forget(struct waiter *w, int fd)
{
	if (fd >= 0 && fd < w->len)
		w->by_fd[fd].fd = -1;
	while (w->high > 0 && w->by_fd[w->high - 1].fd < 0)
		w->high--;
}

int waiter_wait_ns(struct waiter *w, struct waiter_event *out, int max, int64_t timeout_ns)
{
	int i, n = 0, ready = poll(w->by_fd, (nfds_t)w->high, duration_ms_rounded_up(timeout_ns));

	for (i = 0; i < w->high && n < ready && n < max; i++) {
		short e = w->by_fd[i].revents;
		if (w->by_fd[i].fd < 0 || e == 0)
			continue;
		out[n].tag = w->tags[i];
		out[n++].events = (e & (POLLIN | POLLHUP | POLLERR) ? READY_READ : 0) |
				  (e & (POLLOUT | POLLHUP | POLLERR) ? READY_WRITE : 0) |
				  (e & POLLHUP ? WAITER_HANGUP : 0);
	}
	return ready < 0 ? -1 : n;
}

const char *waiter_name(void)
{
	return "poll";
}
