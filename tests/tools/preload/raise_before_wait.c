/*
 * raise_before_wait.c - an LD_PRELOAD library that sends its process a
 * SIGTERM just before the first poll() (or its _FORTIFY_SOURCE twin,
 * __poll_chk), accept() or accept4() it makes
 * (Linux only; the servers are not changed for it).
 *
 * That is the window no ordinary test can hit: the server has checked
 * that no stop was requested and is about to block waiting for a client.
 * The handler runs before the call starts, so the call cannot be
 * interrupted by it; a server that then blocks in accept() waits for the
 * next client to notice the stop, one that waits in poll() on its
 * listener and its wake-up pipe (common/net.c) returns at once.
 */
#include <dlfcn.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

static atomic_bool raised;

static void raise_once(void)
{
	if (!atomic_exchange(&raised, true))
		raise(SIGTERM);
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	static int (*real_poll)(struct pollfd *, nfds_t, int);

	if (real_poll == NULL)
		*(void **)&real_poll = dlsym(RTLD_NEXT, "poll");
	raise_once();
	return real_poll(fds, nfds, timeout);
}

/* poll() as _FORTIFY_SOURCE builds call it when the array's size is known. */
int __poll_chk(struct pollfd *fds, nfds_t nfds, int timeout, size_t fds_len);
int __poll_chk(struct pollfd *fds, nfds_t nfds, int timeout, size_t fds_len)
{
	static int (*real_poll_chk)(struct pollfd *, nfds_t, int, size_t);

	if (real_poll_chk == NULL)
		*(void **)&real_poll_chk = dlsym(RTLD_NEXT, "__poll_chk");
	raise_once();
	return real_poll_chk(fds, nfds, timeout, fds_len);
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	static int (*real_accept)(int, struct sockaddr *, socklen_t *);

	if (real_accept == NULL)
		*(void **)&real_accept = dlsym(RTLD_NEXT, "accept");
	raise_once();
	return real_accept(fd, addr, len);
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	static int (*real_accept4)(int, struct sockaddr *, socklen_t *, int);

	if (real_accept4 == NULL)
		*(void **)&real_accept4 = dlsym(RTLD_NEXT, "accept4");
	raise_once();
	return real_accept4(fd, addr, len, flags);
}
