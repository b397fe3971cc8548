/*
 * waiter.h - how bench/http_load and 11_pool wait for their sockets when the
 * waiting is not the lesson: one small interface, one file per mechanism in
 * common/waiter/ (waiter_epoll.c, waiter_kqueue.c, waiter_poll.c), the
 * Makefile picks one for the platform. Unlike the original http_load's
 * select(), none of them has an FD_SETSIZE limit.
 *
 * A connection is registered once, for both directions, and never changed:
 * epoll and kqueue report edges (EPOLLET, EV_CLEAR), so a direction is
 * reported again only after new data or new room arrives. The caller keeps
 * "can read" / "can write" flags from the events and acts until EAGAIN or a
 * short count. That is one system call per connection instead of one per
 * change of direction, and close() removes the registration by itself.
 * poll has no edges; it uses waiter_want to watch only what the caller is
 * waiting for (free: poll's set lives in our memory).
 */
#ifndef C10K_WAITER_H
#define C10K_WAITER_H

#include <stdbool.h>
#include <stdint.h>

#include "ready.h"

struct waiter;

/* Beside READY_READ and READY_WRITE in a waiter_event: the peer has shut
 * its side down. An edge-triggered waiter reports the end of file once,
 * and it may come in the same event as the last data: a caller that stops
 * reading at a short read must not stop when this is set, or it never
 * hears of the end (bench/http_load's keep-alive fetches). */
#define WAITER_HANGUP 4u

struct waiter_event {
	uint64_t tag;    /* what waiter_add was given */
	unsigned events; /* READY_READ | READY_WRITE (errors and hang-ups count as both),
			    WAITER_HANGUP */
};

struct waiter *waiter_create(int max_fds);
void waiter_destroy(struct waiter *w);
/* Watch fd in both directions until it is closed; tag comes back with its
 * events (it tells a stale event for a reused descriptor from a new one). */
int waiter_add(struct waiter *w, int fd, uint64_t tag);
/* A listening socket, level-triggered and read only: an accept loop that
 * stops after a fair share of connections is reported again for the rest.
 * exclusive (Linux epoll only, EPOLLEXCLUSIVE): when several waiters watch
 * one socket, a new connection wakes one of them, not all. Where that does
 * not exist, -1 with errno EOPNOTSUPP. */
int waiter_add_listener(struct waiter *w, int fd, uint64_t tag, bool exclusive);
/* What the caller waits for on fd now (0: nothing, e.g. throttled). */
void waiter_want(struct waiter *w, int fd, unsigned events);
/* Call before close(fd). */
void waiter_forget(struct waiter *w, int fd);
/* Wait up to timeout_ns (-1 for ever); returns the number of events, or -1.
 * To the nanosecond where the mechanism can (epoll_pwait2, kqueue); poll
 * waits whole milliseconds, rounded up: never a zero timeout for a wait
 * that has not ended, which a caller would spend polling. */
int waiter_wait_ns(struct waiter *w, struct waiter_event *out, int max, int64_t timeout_ns);
/* The same in milliseconds. */
static inline int waiter_wait(struct waiter *w, struct waiter_event *out, int max, int timeout_ms)
{
	return waiter_wait_ns(w, out, max, timeout_ms < 0 ? -1 : (int64_t)timeout_ms * 1000000);
}
const char *waiter_name(void);

#endif
