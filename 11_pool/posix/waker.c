/* waker.c - the waker as a pipe (anywhere without eventfd): see waker.h. */
#include <err.h>
#include <unistd.h>

#include "../waker.h"
#include "fd.h"

void waker_open(struct waker *w)
{
	int fds[2];

	if (fd_pipe(fds) < 0)
		err(1, "waker pipe");
	w->read_fd = fds[0];
	w->write_fd = fds[1];
}

void waker_wake(const struct waker *w)
{
	/* EAGAIN: the pipe is full of wake-ups already. */
	ssize_t ignored = write(w->write_fd, "x", 1);
	(void)ignored;
}

void waker_drain(const struct waker *w)
{
	char buf[256];

	while (read(w->read_fd, buf, sizeof(buf)) > 0)
		;
}

void waker_close(struct waker *w)
{
	close(w->read_fd);
	close(w->write_fd);
	w->read_fd = w->write_fd = -1;
}
