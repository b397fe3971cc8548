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
 * up to two kevents (read and write).
 *
 * Level-triggered by default, as kqueue is. EV_CLEAR is edge-triggered
 * (the BSDs reset the filter's state when its event is returned): here the
 * descriptor is registered with EPOLLET, which epoll keeps per descriptor,
 * not per filter -- so a descriptor's filters are all EV_CLEAR or none (a
 * mix is refused with EINVAL; the BSDs allow it). An edge is reported
 * once, so none may be dropped for want of room in the caller's list:
 * epoll is asked for at most half as many descriptors as the list holds
 * kevents, and the one kevent that can still not fit (a list of one) is
 * held for the next call. EV_ONESHOT is done here, per filter as on the
 * BSDs: the filter is deleted as its event is returned (EPOLLONESHOT
 * would disable the whole descriptor).
 *
 * One wrinkle: epoll forgets a descriptor when it is closed, but our table
 * does not hear of the close. A registration found missing (ENOENT on
 * EPOLL_CTL_MOD) therefore means "closed and reused": start afresh.
 */
#include <errno.h>
#include <stdbool.h>
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
	unsigned clear, oneshot; /* of those filters, the EV_CLEAR and EV_ONESHOT ones */
	void *udata_read, *udata_write;
};

struct kq_state {
	struct registration *by_fd;
	size_t len;
	struct epoll_event *ready; /* scratch for epoll_wait */
	size_t ready_cap;
	struct kevent held; /* an event that did not fit in the caller's list */
	bool holding;
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
	if (kqueues[kq] != NULL) {
		/* A kqueue closed since we made it: close() does not tell us,
		 * and its number has come back. Its state is stale. */
		free(kqueues[kq]->by_fd);
		free(kqueues[kq]->ready);
		free(kqueues[kq]);
	}
	kqueues[kq] = calloc(1, sizeof(struct kq_state));
	if (kqueues[kq] == NULL)
		goto fail;
	return kq;
fail:
	close(kq);
	errno = ENOMEM;
	return -1;
}

static uint32_t epoll_mask(const struct registration *reg)
{
	return (reg->filters & FILTER_READ ? EPOLLIN | EPOLLRDHUP : 0) |
	       (reg->filters & FILTER_WRITE ? EPOLLOUT : 0) | (reg->clear ? EPOLLET : 0);
}

static unsigned filter_bit(short filter)
{
	return filter == EVFILT_READ ? FILTER_READ : filter == EVFILT_WRITE ? FILTER_WRITE : 0;
}

/* The flags a registration was added with, kept for each filter. */
static void note_flags(struct registration *reg, unsigned bit, const struct kevent *change)
{
	reg->clear = (reg->clear & ~bit) | (change->flags & EV_CLEAR ? bit : 0);
	reg->oneshot = (reg->oneshot & ~bit) | (change->flags & EV_ONESHOT ? bit : 0);
	*(bit == FILTER_READ ? &reg->udata_read : &reg->udata_write) = change->udata;
}

static int apply_change(int kq, struct kq_state *st, const struct kevent *change)
{
	unsigned bit = filter_bit(change->filter);
	int fd = (int)change->ident, rc;
	struct registration *reg, before;
	struct epoll_event ev = { .data.fd = fd };

	if (bit == 0 || !(change->flags & (EV_ADD | EV_DELETE)) || fd < 0) {
		errno = EINVAL;
		return -1;
	}
	if (!grow_array(&st->by_fd, &st->len, (size_t)fd + 1, sizeof(*st->by_fd), 64)) {
		errno = ENOMEM;
		return -1;
	}
	reg = &st->by_fd[fd];
	before = *reg;
	if (change->flags & EV_DELETE) {
		if (!(before.filters & bit)) {
			errno = ENOENT;
			return -1;
		}
		reg->filters &= ~bit;
		reg->clear &= ~bit;
		reg->oneshot &= ~bit;
	} else {
		reg->filters |= bit;
		note_flags(reg, bit, change);
		if (reg->clear != 0 && reg->clear != reg->filters) {
			/* EPOLLET is the descriptor's, not a filter's (see the top). */
			*reg = before;
			errno = EINVAL;
			return -1;
		}
	}
	ev.events = epoll_mask(reg);
	if (before.filters == 0)
		rc = epoll_ctl(kq, EPOLL_CTL_ADD, fd, &ev);
	else
		rc = epoll_ctl(kq, reg->filters ? EPOLL_CTL_MOD : EPOLL_CTL_DEL, fd, &ev);
	if (rc == 0)
		return 0;
	if (before.filters != 0 && errno == ENOENT && (change->flags & EV_ADD)) {
		/* Closed and reused since we last saw it (see the top). */
		*reg = (struct registration){ .filters = bit };
		note_flags(reg, bit, change);
		ev.events = epoll_mask(reg);
		if (epoll_ctl(kq, EPOLL_CTL_ADD, fd, &ev) == 0)
			return 0;
	}
	if (errno == ENOENT)
		*reg = (struct registration){ 0 };
	else
		*reg = before;
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

/* Return one filter's event; an EV_ONESHOT filter is deleted as it is
 * returned (a change it cannot fail: the filter is registered). */
static void put_event(int kq, struct kq_state *st, struct kevent *out, int fd, unsigned bit,
		      unsigned short eof)
{
	struct registration *reg = &st->by_fd[fd];
	short filter = bit == FILTER_READ ? EVFILT_READ : EVFILT_WRITE;
	unsigned short flags =
	    eof | (reg->clear & bit ? EV_CLEAR : 0) | (reg->oneshot & bit ? EV_ONESHOT : 0);

	EV_SET(out, fd, filter, flags, 0, 0,
	       bit == FILTER_READ ? reg->udata_read : reg->udata_write);
	if (reg->oneshot & bit) {
		struct kevent gone;

		EV_SET(&gone, fd, filter, EV_DELETE, 0, 0, NULL);
		apply_change(kq, st, &gone);
	}
}

/* The event held back from the last call, if its filter is still there
 * (a change since may have deleted it). */
static int put_held_event(int kq, struct kq_state *st, struct kevent *out)
{
	int fd = (int)st->held.ident;
	unsigned bit = filter_bit(st->held.filter);

	st->holding = false;
	if ((size_t)fd >= st->len || !(st->by_fd[fd].filters & bit))
		return 0;
	put_event(kq, st, out, fd, bit, st->held.flags & EV_EOF);
	return 1;
}

int kevent(int kq, const struct kevent *changelist, int nchanges, struct kevent *eventlist,
	   int nevents, const struct timespec *timeout)
{
	struct kq_state *st = kq >= 0 && (size_t)kq < kqueues_len ? kqueues[kq] : NULL;
	int i, out = 0, ready, room;

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
	if (st->holding)
		out = put_held_event(kq, st, eventlist);
	if (out == nevents)
		return out;
	/* Two kevents at most per descriptor: ask for what fits (and do not
	 * wait when there is an event to return already). Only with room for
	 * one can a second not fit. */
	room = nevents - out;
	ready =
	    epoll_wait(kq, st->ready, room > 1 ? room / 2 : 1, out > 0 ? 0 : timeout_ms(timeout));
	for (i = 0; i < ready; i++) {
		uint32_t e = st->ready[i].events;
		int fd = st->ready[i].data.fd;
		unsigned filters = st->by_fd[fd].filters;
		unsigned short eof = e & (EPOLLRDHUP | EPOLLHUP | EPOLLERR) ? EV_EOF : 0;

		if ((filters & FILTER_READ) && (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
			put_event(kq, st, &eventlist[out++], fd, FILTER_READ, eof);
		if ((filters & FILTER_WRITE) && (e & (EPOLLOUT | EPOLLHUP | EPOLLERR))) {
			if (out < nevents) {
				put_event(kq, st, &eventlist[out++], fd, FILTER_WRITE, eof);
			} else {
				/* A list of one, and both filters ready. */
				EV_SET(&st->held, fd, EVFILT_WRITE, eof, 0, 0, NULL);
				st->holding = true;
			}
		}
	}
	return ready < 0 && out == 0 ? -1 : out;
}
