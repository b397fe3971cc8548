/*
 * kqueue_epoll.c - THE KQUEUE SUBSET 07_kqueue USES, EMULATED ON EPOLL.
 *
 * Linux has no kqueue. This layer lets 07_kqueue/server.c build and run
 * unchanged on Linux; it is not a general kqueue (see sys/event.h here for
 * what is covered). On macOS and the BSDs it is not built at all.
 *
 * A kqueue is an epoll instance; for each descriptor we remember which
 * filters are registered, because kqueue registers (fd, filter) pairs where
 * epoll registers a descriptor with an event mask. One epoll event becomes
 * up to two kevents (read and write). Everything is level-triggered, as
 * kqueue is without EV_CLEAR, so an event that does not fit in the caller's
 * list is simply reported again by the next call.
 *
 * One wrinkle: epoll forgets a descriptor when it is closed, but our table
 * does not hear of the close. A registration found missing (ENOENT on
 * EPOLL_CTL_MOD) therefore means "closed and reused": start afresh.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/event.h>
#include <unistd.h>

#include "grow.h"

#define FILTER_READ 1u
#define FILTER_WRITE 2u

struct registration {
	unsigned filters;
	void *udata_read, *udata_write;
};

struct kq_state {
	struct registration *by_fd;
	size_t len;
	struct epoll_event *ready; /* scratch for epoll_wait */
	size_t ready_cap;
};

static struct kq_state **kqueues; /* indexed by the kqueue's descriptor */
static size_t kqueues_len;

int kqueue(void)
{
	int kq = epoll_create1(EPOLL_CLOEXEC);

	if (kq < 0)
		return -1;
	if (!grow_array(&kqueues, &kqueues_len, (size_t)kq + 1, sizeof(*kqueues), 64))
		goto fail;
	kqueues[kq] = calloc(1, sizeof(struct kq_state));
	if (kqueues[kq] == NULL)
		goto fail;
	return kq;
fail:
	close(kq);
	errno = ENOMEM;
	return -1;
}

static uint32_t epoll_mask(unsigned filters)
{
	return (filters & FILTER_READ ? EPOLLIN | EPOLLRDHUP : 0) |
	       (filters & FILTER_WRITE ? EPOLLOUT : 0);
}

static int apply_change(int kq, struct kq_state *st, const struct kevent *change)
{
	unsigned bit = change->filter == EVFILT_READ    ? FILTER_READ
		       : change->filter == EVFILT_WRITE ? FILTER_WRITE
							: 0;
	int fd = (int)change->ident, rc;
	struct registration *reg;
	struct epoll_event ev = { .data.fd = fd };
	unsigned before;

	if (bit == 0 || !(change->flags & (EV_ADD | EV_DELETE)) || fd < 0) {
		errno = EINVAL;
		return -1;
	}
	if (!grow_array(&st->by_fd, &st->len, (size_t)fd + 1, sizeof(*st->by_fd), 64)) {
		errno = ENOMEM;
		return -1;
	}
	reg = &st->by_fd[fd];
	before = reg->filters;
	if (change->flags & EV_DELETE) {
		if (!(before & bit)) {
			errno = ENOENT;
			return -1;
		}
		reg->filters &= ~bit;
	} else {
		reg->filters |= bit;
		*(bit == FILTER_READ ? &reg->udata_read : &reg->udata_write) = change->udata;
	}
	ev.events = epoll_mask(reg->filters);
	if (before == 0)
		rc = epoll_ctl(kq, EPOLL_CTL_ADD, fd, &ev);
	else
		rc = epoll_ctl(kq, reg->filters ? EPOLL_CTL_MOD : EPOLL_CTL_DEL, fd, &ev);
	if (rc == 0)
		return 0;
	if (before != 0 && errno == ENOENT && (change->flags & EV_ADD)) {
		/* Closed and reused since we last saw it (see the top). */
		reg->filters = bit;
		ev.events = epoll_mask(bit);
		if (epoll_ctl(kq, EPOLL_CTL_ADD, fd, &ev) == 0)
			return 0;
	}
	reg->filters = errno == ENOENT ? 0 : before;
	return -1;
}

static int timeout_ms(const struct timespec *timeout)
{
	long long ms;

	if (timeout == NULL)
		return -1;
	/* Round up: waking a little early for a deadline would mean a busy
	 * loop until it arrives. */
	ms = (long long)timeout->tv_sec * 1000 + (timeout->tv_nsec + 999999) / 1000000;
	return ms > 0x7fffffff ? 0x7fffffff : (int)ms;
}

static void put_event(struct kevent *out, int fd, short filter, unsigned short flags, void *udata)
{
	EV_SET(out, fd, filter, flags, 0, 0, udata);
}

int kevent(int kq, const struct kevent *changelist, int nchanges, struct kevent *eventlist,
	   int nevents, const struct timespec *timeout)
{
	struct kq_state *st = kq >= 0 && (size_t)kq < kqueues_len ? kqueues[kq] : NULL;
	int i, out = 0, ready;

	if (st == NULL || nchanges < 0 || nevents < 0) {
		errno = st == NULL ? EBADF : EINVAL;
		return -1;
	}
	/* As kqueue does: a failed change goes into the event list with
	 * EV_ERROR if there is room (and then no waiting), else fails the call
	 * and the changes after it are not applied. With EV_RECEIPT every
	 * change answers so, with data 0 when it worked. */
	for (i = 0; i < nchanges; i++) {
		int error = apply_change(kq, st, &changelist[i]) == 0 ? 0 : errno;

		if (error == 0 && !(changelist[i].flags & EV_RECEIPT))
			continue;
		if (out == nevents) {
			if (error == 0)
				continue;
			errno = error;
			return -1;
		}
		eventlist[out] = changelist[i];
		eventlist[out].flags = EV_ERROR;
		eventlist[out++].data = error;
	}
	if (out > 0 || nevents == 0)
		return out;
	if ((size_t)nevents > st->ready_cap) {
		struct epoll_event *grown = realloc(st->ready, (size_t)nevents * sizeof(*grown));
		if (grown == NULL)
			return -1;
		st->ready = grown;
		st->ready_cap = (size_t)nevents;
	}
	ready = epoll_wait(kq, st->ready, nevents, timeout_ms(timeout));
	for (i = 0; i < ready && out < nevents; i++) {
		uint32_t e = st->ready[i].events;
		int fd = st->ready[i].data.fd;
		struct registration *reg = &st->by_fd[fd];
		unsigned short eof = e & (EPOLLRDHUP | EPOLLHUP | EPOLLERR) ? EV_EOF : 0;

		if ((reg->filters & FILTER_READ) &&
		    (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
			put_event(&eventlist[out++], fd, EVFILT_READ, eof, reg->udata_read);
		if ((reg->filters & FILTER_WRITE) && (e & (EPOLLOUT | EPOLLHUP | EPOLLERR)) &&
		    out < nevents)
			put_event(&eventlist[out++], fd, EVFILT_WRITE, eof, reg->udata_write);
	}
	return ready < 0 ? -1 : out;
}
