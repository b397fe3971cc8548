/*
 * pollset.h - a growable array of struct pollfd, one entry per watched
 * descriptor, with O(1) lookup by descriptor. 05_poll hands it to poll()
 * every pass; 08_nonblocking walks it itself, trying each descriptor;
 * 09_sigio poll()s it once when the real-time signal queue overflowed.
 *
 * Removing an entry leaves a hole (fd = -1, which poll ignores) that
 * poll_set_compact() squeezes out after a pass: moving entries while a loop
 * walks the array would skip some.
 */
#ifndef C10K_POLLSET_H
#define C10K_POLLSET_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

struct poll_set {
	struct pollfd *fds;
	size_t len, cap;
	size_t *slot_of; /* descriptor -> index in fds */
	size_t slot_cap;
	size_t holes; /* entries left as fd = -1 since the last compaction */
};

/* A loop_watch_fn (loop.h): add fd (old == 0), change its events, or leave a
 * hole (no READ/WRITE bit). Returns -1 if memory ran out. */
int poll_set_watch(void *poll_set, int fd, unsigned old, unsigned interest);
void poll_set_compact(struct poll_set *ps);
void poll_set_free(struct poll_set *ps);

/* What a pollfd's revents mean to a connection: READY_READ when there is
 * data, an end of file or an error to read; READY_WRITE when there is room,
 * or an error the next write will report. */
unsigned poll_set_events(short revents);

#endif
