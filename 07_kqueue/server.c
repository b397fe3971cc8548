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
 * Linux has no kqueue. There the Makefile builds this same file against
 * libkqueue if pkg-config finds it, else against linux/kqueue_epoll.c, a
 * small layer implementing just this subset on epoll; the start-up line and
 * /stats then say "kqueue (emulated on epoll)".
 */
#include <err.h>
#include <errno.h>
#include <string.h>
#include <sys/event.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"

#ifndef KQUEUE_IMPLEMENTATION
#define KQUEUE_IMPLEMENTATION "kqueue"
#endif

#define MAX_EVENTS 256
#define MAX_CHANGES 256

static int kq;
static struct kevent changes[MAX_CHANGES];
static int change_count;

static int flush_changes(void)
{
	int rc = kevent(kq, changes, change_count, NULL, 0, NULL);

	change_count = 0;
	return rc;
}

/* close() removes a descriptor's filters; a queued change must not outlive
 * it, or it would land on whatever reuses the number. */
static void forget_changes(int fd)
{
	int i, kept = 0;

	for (i = 0; i < change_count; i++)
		if (changes[i].ident != (uintptr_t)fd)
			changes[kept++] = changes[i];
	change_count = kept;
}

static int kqueue_watch(void *unused, int fd, unsigned old, unsigned interest)
{
	(void)unused;
	if (interest & WATCH_CLOSING) {
		forget_changes(fd);
		return 0;
	}
	if (change_count + 2 > MAX_CHANGES && flush_changes() < 0)
		return -1;
	if ((old ^ interest) & WATCH_READ)
		EV_SET(&changes[change_count++], fd, EVFILT_READ,
		       interest & WATCH_READ ? EV_ADD : EV_DELETE, 0, 0, NULL);
	if ((old ^ interest) & WATCH_WRITE)
		EV_SET(&changes[change_count++], fd, EVFILT_WRITE,
		       interest & WATCH_WRITE ? EV_ADD : EV_DELETE, 0, 0, NULL);
	return 0;
}

static struct timespec *as_timespec(int ms, struct timespec *ts)
{
	if (ms < 0)
		return NULL; /* wait for ever */
	ts->tv_sec = ms / 1000;
	ts->tv_nsec = (long)(ms % 1000) * 1000000L;
	return ts;
}

int main(int argc, char **argv)
{
	static struct log_limit change_failures;
	struct kevent events[MAX_EVENTS];
	struct server s;
	struct loop *loop;

	server_start(&s, KQUEUE_IMPLEMENTATION, argc, argv, true, NULL);
	kq = kqueue();
	if (kq < 0)
		err(1, "kqueue");
	loop = loop_create(&s, CONN_LEVEL, kqueue_watch, NULL);
	while (loop_running(loop)) {
		struct timespec ts;
		int i, ready = kevent(kq, changes, change_count, events, MAX_EVENTS,
				      as_timespec(loop_timeout_ms(loop), &ts));

		/* The changes were applied before the wait began, even if the
		 * wait was then interrupted. */
		change_count = 0;
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			err(1, "kevent");
		}
		for (i = 0; i < ready; i++) {
			int fd = (int)events[i].ident;
			if (events[i].flags & EV_ERROR) {
				/* A change failed; let the connection find out
				 * by trying its socket. */
				log_warn_limited(&change_failures, "kevent change on fd %d: %s", fd,
						 strerror((int)events[i].data));
				loop_ready(loop, fd, CONN_READABLE | CONN_WRITABLE);
				continue;
			}
			loop_ready(loop, fd, events[i].filter == EVFILT_READ ? CONN_READABLE : CONN_WRITABLE);
		}
		loop_expire(loop);
	}
	loop_destroy(loop);
	close(kq);
	server_finish(&s);
	return 0;
}
