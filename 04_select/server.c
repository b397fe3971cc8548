/*
 * 04_select: one thread, select(2).
 *
 * select() takes bitmaps of descriptors, sleeps until one of them is ready
 * or the timeout passes, and overwrites the bitmaps with the answer. So each
 * pass copies our interest sets first, and then both the kernel and we walk
 * every descriptor up to the highest one: O(highest fd) per wake-up however
 * few are ready, which the bench's idle scenario shows.
 *
 * The bitmaps have FD_SETSIZE bits (1024 on Linux and macOS). FD_SET on a
 * larger descriptor writes past the end of the fd_set (glibc built with
 * _FORTIFY_SOURCE aborts instead). A connection that lands on such a
 * descriptor is refused: closed, counted in /stats, logged, never FD_SET.
 */
#include <err.h>
#include <errno.h>
#include <sys/select.h>

#include "duration.h"
#include "loop.h"

struct select_set {
	fd_set want_read, want_write;
	int max_fd;
};

static int select_watch(void *poller, int fd, unsigned old, unsigned interest)
{
	struct select_set *ss = poller;

	(void)old;
	if (fd >= FD_SETSIZE) {
		errno = ERANGE; /* beyond what an fd_set can hold (loop.h) */
		return -1;
	}
	FD_CLR(fd, &ss->want_read);
	FD_CLR(fd, &ss->want_write);
	if (interest & READY_READ)
		FD_SET(fd, &ss->want_read);
	if (interest & READY_WRITE)
		FD_SET(fd, &ss->want_write);
	if ((interest & (READY_READ | READY_WRITE)) && fd > ss->max_fd)
		ss->max_fd = fd;
	return 0;
}

int main(int argc, char **argv)
{
	struct select_set ss = { .max_fd = -1 };
	struct server s;
	struct loop *loop;

	server_start(&s, "select", argc, argv, true, NULL);
	FD_ZERO(&ss.want_read);
	FD_ZERO(&ss.want_write);
	loop = loop_create(&s, CONN_LEVEL, select_watch, &ss);
	while (loop_running(loop)) {
		fd_set readable, writable;
		int fd, ready, timeout_ms = loop_timeout_ms(loop);
		struct timeval tv = duration_timeval_ms(timeout_ms);

		while (ss.max_fd >= 0 && !FD_ISSET(ss.max_fd, &ss.want_read) &&
		       !FD_ISSET(ss.max_fd, &ss.want_write))
			ss.max_fd--;
		readable = ss.want_read; /* select overwrites what it is given */
		writable = ss.want_write;
		ready =
		    select(ss.max_fd + 1, &readable, &writable, NULL, timeout_ms < 0 ? NULL : &tv);
		if (ready < 0) {
			if (errno == EINTR)
				continue; /* never restarted, even with SA_RESTART: signal(7) */
			err(1, "select");
		}
		for (fd = 0; fd <= ss.max_fd && ready > 0; fd++) {
			unsigned events = (FD_ISSET(fd, &readable) ? READY_READ : 0) |
					  (FD_ISSET(fd, &writable) ? READY_WRITE : 0);
			if (events == 0)
				continue;
			ready -= (events & READY_READ ? 1 : 0) + (events & READY_WRITE ? 1 : 0);
			loop_ready(loop, fd, events);
		}
		loop_expire(loop);
	}
	loop_destroy(loop);
	server_finish(&s);
	return 0;
}
