/*
 * 03_thread: a thread per connection (article 002's thread model; articles: docs/README.md).
 *
 * Like 02_fork, but a thread is cheaper than a process and shares memory, so
 * the counters are simply atomics. The connection's descriptor is handed to
 * the thread by value, inside the pointer argument: passing &fd would race
 * with the next accept() overwriting it. Threads are detached, so nobody
 * has to join them; each costs a stack (STACK_BYTES), which is what limits
 * this model long before the CPU does.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "conn.h"
#include "conn_blocking.h"
#include "log.h"
#include "net.h"
#include "setup.h"
#include "signals.h"

/* Plenty for conn_serve_blocking (and for ASan's larger frames); far less
 * than the 8 MiB default, which is reserved address space per thread. */
#define STACK_BYTES (512 * 1024)

static unsigned idle_ms;

static void *serve_client(void *arg)
{
	conn_serve_blocking((int)(intptr_t)arg, idle_ms);
	return NULL;
}

int main(int argc, char **argv)
{
	static struct log_limit thread_failures;
	struct server s;
	pthread_attr_t attr;

	server_start(&s, "thread", argc, argv, false, NULL);
	idle_ms = s.idle_ms;
	if (pthread_attr_init(&attr) != 0 ||
	    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) != 0 ||
	    pthread_attr_setstacksize(&attr, STACK_BYTES) != 0)
		log_warn("pthread attributes: using defaults");

	while (!signals_stop_requested()) {
		int fd = net_accept(s.listen_fd, false);
		pthread_t thread;
		sigset_t saved;
		int rc;

		if (fd < 0)
			continue;
		/* Threads inherit the signal mask: keep SIGTERM for this one. */
		signals_block_stop(&saved);
		rc = pthread_create(&thread, &attr, serve_client, (void *)(intptr_t)fd);
		signals_restore(&saved);
		if (rc != 0) {
			/* EAGAIN: out of threads or memory. This client loses. */
			log_warn_limited(&thread_failures, "pthread_create: %s", strerror(rc));
			conn_refuse(fd);
		}
	}
	pthread_attr_destroy(&attr);
	server_finish(&s);
	return 0;
}
