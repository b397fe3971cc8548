/* waker.c - the waker as an eventfd (Linux): see waker.h. */
#include <err.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../waker.h"

void waker_open(struct waker *w)
{
	w->read_fd = w->write_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->read_fd < 0)
		err(1, "eventfd");
}

void waker_wake(const struct waker *w)
{
	uint64_t one = 1;
	/* EAGAIN only if the counter is about to overflow: awake anyway. */
	ssize_t ignored = write(w->write_fd, &one, sizeof(one));
	(void)ignored;
}

void waker_drain(const struct waker *w)
{
	uint64_t count;
	ssize_t ignored = read(w->read_fd, &count, sizeof(count));
	(void)ignored;
}

void waker_close(struct waker *w)
{
	close(w->read_fd);
	w->read_fd = w->write_fd = -1;
}
