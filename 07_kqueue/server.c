/*
 * 07_kqueue: one thread, kqueue(2), the BSD and macOS answer to epoll.
 *
 * A kqueue holds filters: (fd, EVFILT_READ) and (fd, EVFILT_WRITE) are two
 * registrations, each added or deleted by a struct kevent. Like epoll, the
 * interest list lives in the kernel and a wake-up costs O(ready). Unlike
 * epoll, kevent() both submits a list of changes and waits, in one system
 * call: this server collects its changes while it handles events and hands
 * them over with the next wait, where epoll needs one epoll_ctl() per change.
 *
 * Level-triggered by default. -e registers each connection once, both
 * filters with EV_CLEAR: a filter is reported when it becomes true and then
 * reset, so the connection reads and writes until EAGAIN (as 06_epoll -e
 * does with EPOLLET). -1 registers so and reads once per event anyway: the
 * bytes left unread never make another event (the stall of 06_epoll -1).
 *
 * Linux has no kqueue. There the Makefile builds this same file against
 * linux/kqueue_epoll.c, a small layer implementing just this subset on
 * epoll; the start-up line and /stats then say "kqueue (emulated on
 * epoll)". (Not libkqueue: see README.md for why.)
 */
#include <err.h>
#include <errno.h>
#include <sys/event.h>
#include <unistd.h>

#include "duration.h"
#include "loop.h"

#ifndef KQUEUE_IMPLEMENTATION
#define KQUEUE_IMPLEMENTATION "kqueue"
#endif

#define MAX_EVENTS 256
#define MAX_CHANGES 256

/* The kqueue, the changes queued for the next kevent(), and the changes
 * that failed in an early flush (told to the loop after the next wait:
 * flush_changes() runs inside watch(), in the middle of the loop's own
 * work on some connection). */
struct kqueue_set {
	int kq;
	bool clear; /* register connections with EV_CLEAR */
	struct kevent changes[MAX_CHANGES];
	int change_count;
	struct failed_change {
		int fd, error;
	} failed[MAX_CHANGES];
	int failed_count;
};

/* The change list is full before the next wait: apply it now. With no
 * event list, kevent() would stop at the first change that fails, drop the
 * rest of the batch (other connections' changes) and fail the call for
 * whoever happened to trigger the flush. EV_RECEIPT makes every change
 * answer for itself, so one failure touches only its own descriptor. */
static void flush_changes(struct kqueue_set *ks)
{
	struct kevent receipts[MAX_CHANGES];
	int i, n;

	for (i = 0; i < ks->change_count; i++)
		ks->changes[i].flags |= EV_RECEIPT;
	n = kevent(ks->kq, ks->changes, ks->change_count, receipts, ks->change_count, NULL);
	ks->change_count = 0;
	for (i = 0; i < n; i++)
		if ((receipts[i].flags & EV_ERROR) && receipts[i].data != 0 &&
		    ks->failed_count < MAX_CHANGES)
			ks->failed[ks->failed_count++] =
			    (struct failed_change){ (int)receipts[i].ident, (int)receipts[i].data };
}

/* close() removes a descriptor's filters; a queued change (or a failure
 * not yet reported) must not outlive it, or it would land on whatever
 * reuses the number. */
static void forget_changes(struct kqueue_set *ks, int fd)
{
	int i, kept = 0;

	for (i = 0; i < ks->change_count; i++)
		if (ks->changes[i].ident != (uintptr_t)fd)
			ks->changes[kept++] = ks->changes[i];
	ks->change_count = kept;
	for (i = kept = 0; i < ks->failed_count; i++)
		if (ks->failed[i].fd != fd)
			ks->failed[kept++] = ks->failed[i];
	ks->failed_count = kept;
}

static int kqueue_watch(void *poller, int fd, unsigned old, unsigned interest)
{
	struct kqueue_set *ks = poller;
	bool clear = ks->clear && !(interest & WATCH_LEVEL);

	if (interest & WATCH_CLOSING) {
		forget_changes(ks, fd);
		return 0;
	}
	if (ks->change_count + 2 > MAX_CHANGES)
		flush_changes(ks);
	if (clear) {
		/* Both filters once, and never changed: the connection
		 * remembers what was ready (conn.c). */
		unsigned short how =
		    interest & (READY_READ | READY_WRITE) ? EV_ADD | EV_CLEAR : EV_DELETE;
		if (old != 0 && how != EV_DELETE)
			return 0;
		EV_SET(&ks->changes[ks->change_count++], fd, EVFILT_READ, how, 0, 0, NULL);
		EV_SET(&ks->changes[ks->change_count++], fd, EVFILT_WRITE, how, 0, 0, NULL);
		return 0;
	}
	if ((old ^ interest) & READY_READ)
		EV_SET(&ks->changes[ks->change_count++], fd, EVFILT_READ,
		       interest & READY_READ ? EV_ADD : EV_DELETE, 0, 0, NULL);
	if ((old ^ interest) & READY_WRITE)
		EV_SET(&ks->changes[ks->change_count++], fd, EVFILT_WRITE,
		       interest & READY_WRITE ? EV_ADD : EV_DELETE, 0, 0, NULL);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct model_flags flags = {
		"e1",
		"  -e          edge-triggered (EV_CLEAR): drain until EAGAIN\n"
		"  -1          EV_CLEAR but read once per event: the classic bug, on purpose\n",
		loop_edge_flag
	};
	static struct kqueue_set ks; /* 6 KiB: not on the stack */
	struct kevent events[MAX_EVENTS];
	struct server s;
	struct loop *loop;
	enum conn_mode mode;

	server_start(&s, KQUEUE_IMPLEMENTATION, argc, argv, true, &flags);
	ks.clear = loop_edge_chosen(&mode);
	ks.kq = kqueue();
	if (ks.kq < 0)
		err(1, "kqueue");
	loop = loop_create(&s, mode, kqueue_watch, &ks);
	while (loop_running(loop)) {
		int timeout_ms = loop_timeout_ms(loop);
		struct timespec ts = duration_timespec_ms(timeout_ms);
		int i, ready = kevent(ks.kq, ks.changes, ks.change_count, events, MAX_EVENTS,
				      timeout_ms < 0 ? NULL : &ts);

		/* The changes were applied before the wait began, even if the
		 * wait was then interrupted. */
		ks.change_count = 0;
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			err(1, "kevent");
		}
		for (i = 0; i < ready; i++) {
			int fd = (int)events[i].ident;
			/* A change that failed comes back as an event with
			 * EV_ERROR and its errno in data (kevent(2)). */
			if (events[i].flags & EV_ERROR)
				loop_watch_failed(loop, fd, (int)events[i].data);
			else
				loop_ready(loop, fd,
					   events[i].filter == EVFILT_READ ? READY_READ
									   : READY_WRITE);
		}
		while (ks.failed_count > 0) {
			struct failed_change *f = &ks.failed[--ks.failed_count];
			loop_watch_failed(loop, f->fd, f->error);
		}
		loop_expire(loop);
	}
	loop_destroy(loop);
	close(ks.kq);
	server_finish(&s);
	return 0;
}
