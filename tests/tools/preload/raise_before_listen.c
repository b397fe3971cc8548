/*
 * raise_before_listen.c - an LD_PRELOAD library that sends its process a
 * SIGTERM just before its first listen() (Linux only; the servers are not
 * changed for it).
 *
 * That is a moment of start-up: the stop handlers are installed (setup.c
 * installs them before it opens the listener), but the model's own loop
 * has not begun, and a model that sets up its own way to hear a stop later
 * (10_io_uring's signalfd) must not lose one that came before it.
 */
#include <dlfcn.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/socket.h>

static atomic_bool raised;

int listen(int fd, int backlog)
{
	static int (*real_listen)(int, int);

	if (real_listen == NULL)
		*(void **)&real_listen = dlsym(RTLD_NEXT, "listen");
	if (!atomic_exchange(&raised, true))
		raise(SIGTERM);
	return real_listen(fd, backlog);
}
