/*
 * waker.h - one descriptor that workers write to wake the event loop, and
 * the loop watches like any socket: Tornado's "waker" (article 003). On
 * Linux an eventfd (linux/waker.c): one descriptor, an 8-byte counter that
 * any number of wake-ups add to and one read() empties. Elsewhere a pipe
 * (posix/waker.c). The Makefile picks the file.
 */
#ifndef C10K_WAKER_H
#define C10K_WAKER_H

struct waker {
	int read_fd, write_fd; /* the same descriptor for an eventfd */
};

/* Non-blocking and close-on-exec; exits on failure (start-up). */
void waker_open(struct waker *w);
/* Any thread. Never blocks: a full pipe already means "wake up". */
void waker_wake(const struct waker *w);
/* The loop, after it was woken: empty it so the next wake-up is seen. */
void waker_drain(const struct waker *w);
void waker_close(struct waker *w);

#endif
