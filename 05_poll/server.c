/*
 * 05_poll: one thread, poll(2).
 *
 * poll() takes an array of struct pollfd, one per descriptor, and fills in
 * each one's revents. No FD_SETSIZE wall, and the interest (events) and the
 * answer (revents) are separate fields, so nothing is copied per pass. But
 * the whole array still crosses into the kernel and is scanned on every
 * call, and we scan it again for the answers: O(n) per wake-up in the number
 * of connections, ready or not.
 *
 * Removing an entry leaves a hole (fd = -1, which poll ignores) that is
 * compacted after the pass: moving entries while walking the array would
 * skip some.
 */
#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>

#include "loop.h"

struct poll_set {
	struct pollfd *fds;
	size_t len, cap;
	size_t *slot_of; /* descriptor -> index in fds */
	size_t slot_cap;
	bool has_holes;
};

static bool grow(struct poll_set *ps, int fd)
{
	if (ps->len == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 256;
		struct pollfd *fds = realloc(ps->fds, cap * sizeof(*fds));
		if (fds == NULL)
			return false;
		ps->fds = fds;
		ps->cap = cap;
	}
	if ((size_t)fd >= ps->slot_cap) {
		size_t cap = ((size_t)fd + 1) * 2;
		size_t *slot_of = realloc(ps->slot_of, cap * sizeof(*slot_of));
		if (slot_of == NULL)
			return false;
		ps->slot_of = slot_of;
		ps->slot_cap = cap;
	}
	return true;
}

static int poll_watch(void *poller, int fd, unsigned old, unsigned interest)
{
	struct poll_set *ps = poller;
	short events =
	    (short)((interest & WATCH_READ ? POLLIN : 0) | (interest & WATCH_WRITE ? POLLOUT : 0));
	struct pollfd *entry;

	if (old == 0) {
		if (!grow(ps, fd))
			return -1;
		ps->slot_of[fd] = ps->len;
		ps->fds[ps->len++] = (struct pollfd){ .fd = fd, .events = events };
		return 0;
	}
	entry = &ps->fds[ps->slot_of[fd]];
	if (events == 0) {
		entry->fd = -1;
		ps->has_holes = true;
	}
	entry->events = events;
	return 0;
}

static void compact(struct poll_set *ps)
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
	ps->has_holes = false;
}

int main(int argc, char **argv)
{
	struct poll_set ps = { 0 };
	struct server s;
	struct loop *loop;

	server_start(&s, "poll", argc, argv, true, NULL);
	loop = loop_create(&s, CONN_LEVEL, poll_watch, &ps);
	while (loop_running(loop)) {
		size_t i, scanned = ps.len; /* entries added during the pass have nothing to say */
		int ready = poll(ps.fds, (nfds_t)ps.len, loop_timeout_ms(loop));

		if (ready < 0) {
			if (errno == EINTR)
				continue; /* never restarted, even with SA_RESTART: signal(7) */
			err(1, "poll");
		}
		for (i = 0; i < scanned && ready > 0; i++) {
			struct pollfd p = ps.fds[i]; /* a copy: loop_ready may grow the array */
			if (p.revents == 0)
				continue;
			ready--;
			if (p.fd < 0)
				continue; /* removed earlier in this pass */
			loop_ready(
			    loop, p.fd,
			    (p.revents & (POLLIN | POLLHUP | POLLERR) ? CONN_READABLE : 0) |
				(p.revents & (POLLOUT | POLLHUP | POLLERR) ? CONN_WRITABLE : 0));
		}
		if (ps.has_holes)
			compact(&ps);
		loop_expire(loop);
	}
	loop_destroy(loop);
	free(ps.fds);
	free(ps.slot_of);
	server_finish(&s);
	return 0;
}
