/*
 * waiter.h - how bench/http_load waits for its sockets: one small interface,
 * one file per mechanism (waiter_epoll.c, waiter_kqueue.c, waiter_poll.c),
 * the Makefile picks one. Unlike the original http_load's select(), none of
 * them has an FD_SETSIZE limit.
 */
#ifndef C10K_WAITER_H
#define C10K_WAITER_H

#define WAIT_READ 1u
#define WAIT_WRITE 2u

struct waiter;

struct waiter_event {
	int fd;
	unsigned events; /* WAIT_READ | WAIT_WRITE; errors and hang-ups count as both */
};

struct waiter *waiter_create(int max_fds);
/* Watch fd for `events` (0: stop watching; old: what it was). Level-triggered. */
int waiter_set(struct waiter *w, int fd, unsigned old, unsigned events);
/* Wait up to timeout_ms (-1 for ever); returns the number of events, or -1. */
int waiter_wait(struct waiter *w, struct waiter_event *out, int max, int timeout_ms);
const char *waiter_name(void);

#endif
