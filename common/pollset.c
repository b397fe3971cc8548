/*
 * pollset.c - see pollset.h.
 */
#include "pollset.h"

#include <stdlib.h>

#include "grow.h"
#include "ready.h"

static bool grow(struct poll_set *ps, int fd)
{
	return grow_array(&ps->fds, &ps->cap, ps->len + 1, sizeof(*ps->fds), 256) &&
	       grow_array(&ps->slot_of, &ps->slot_cap, (size_t)fd + 1, sizeof(*ps->slot_of), 256);
}

int poll_set_watch(void *poll_set, int fd, unsigned old, unsigned interest)
{
	struct poll_set *ps = poll_set;
	short events =
	    (short)((interest & READY_READ ? POLLIN : 0) | (interest & READY_WRITE ? POLLOUT : 0));
	struct pollfd *entry;

	if (old == 0) {
		if (!grow(ps, fd))
			return -1;
		ps->slot_of[fd] = ps->len;
		ps->fds[ps->len++] = (struct pollfd){ .fd = fd, .events = events };
		return 0;
	}
	entry = &ps->fds[ps->slot_of[fd]];
	if (events == 0 && entry->fd >= 0) {
		entry->fd = -1;
		ps->holes++;
	}
	entry->events = events;
	return 0;
}

void poll_set_compact(struct poll_set *ps)
{
	size_t i, kept = 0;

	for (i = 0; i < ps->len; i++) {
		if (ps->fds[i].fd < 0)
			continue;
		ps->fds[kept] = ps->fds[i];
		ps->slot_of[ps->fds[kept].fd] = kept;
		kept++;
	}
	ps->len = kept;
	ps->holes = 0;
}

void poll_set_free(struct poll_set *ps)
{
	free(ps->fds);
	free(ps->slot_of);
	ps->fds = NULL;
	ps->slot_of = NULL;
	ps->len = ps->cap = ps->slot_cap = ps->holes = 0;
}

unsigned poll_set_events(short revents)
{
	return (revents & (POLLIN | POLLHUP | POLLERR) ? READY_READ : 0) |
	       (revents & (POLLOUT | POLLHUP | POLLERR) ? READY_WRITE : 0);
}
