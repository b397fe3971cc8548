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
#include <err.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "comet.h"
#include "conn.h"
#include "conn_blocking.h"
#include "log.h"
#include "net.h"
#include "setup.h"
#include "signals.h"

/* Plenty for conn_serve_blocking (and for ASan's larger frames); far less
 * than the 8 MiB default, which is reserved address space per thread. */
#define STACK_BYTES (512 * 1024)

/* A parked subscriber's thread sleeps on its channel's condition variable
 * (article 003's Comet, the thread way): a publish broadcasts, and every
 * thread waiting on that channel wakes, takes the store's lock in turn and
 * writes its own answer. Asleep there, a thread cannot hear its socket: it
 * looks at it every PARK_LOOK_MS, which is how soon a subscriber that left
 * stops being a waiter. */
#define PARK_LOOK_MS 500

static unsigned idle_ms;
static pthread_cond_t *published; /* one per channel */

static void wake_subscribers(unsigned channel)
{
	/* After the publish let go of the lock: a waiter that looked before it
	 * is asleep by now (it held the lock from its look until its wait), so
	 * none misses this. */
	pthread_cond_broadcast(&published[channel]);
}

static struct timespec realtime_in(uint64_t ms)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += (time_t)(ms / 1000);
	t.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

static void wait_for_publish(struct conn *c)
{
	uint64_t left = conn_park_ms_left(c);
	/* CLOCK_REALTIME: the one clock pthread_cond_timedwait takes everywhere
	 * (macOS has no pthread_condattr_setclock); a slice this short does not
	 * care if the wall clock steps. */
	struct timespec until = realtime_in(left < PARK_LOOK_MS ? left : PARK_LOOK_MS);
	unsigned channel = c->reply.park.channel;
	int rc = 0;

	pthread_mutex_lock(comet_mutex());
	while (!comet_news_locked(channel, c->reply.park.after) && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&published[channel], comet_mutex(), &until);
	pthread_mutex_unlock(comet_mutex());
}

static void wait_like_threads(void)
{
	unsigned i, n = comet_channel_count();

	published = calloc(n, sizeof(*published));
	if (published == NULL)
		err(1, "condition variables");
	for (i = 0; i < n; i++)
		if (pthread_cond_init(&published[i], NULL) != 0)
			errx(1, "pthread_cond_init");
	comet_on_publish(wake_subscribers);
	conn_blocking_park_with(wait_for_publish);
}

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
	wait_like_threads();
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
