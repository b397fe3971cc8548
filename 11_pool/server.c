/*
 * 11_pool: one event loop, N worker threads (article 002's last step).
 *
 * Every event model so far runs its handlers on the loop's one thread, so a
 * /spin stalls every client and the second core idles. Here the loop reads
 * and parses, a worker runs the handler (the route: /spin burns its CPU
 * there), and the answer comes back to the loop, which writes it. Workers
 * never touch a socket; the loop never runs a handler. Between them, the
 * queues of pool.c (-Q mutex | batch | ring) and one wake-up descriptor.
 *
 * How the loop waits is not this rung's lesson: it uses the small waiter
 * of common/waiter/ (epoll on Linux, kqueue on macOS and the BSDs), which
 * registers every connection once, edge-triggered, for both directions,
 * and the listener level-triggered (loop_waiter.c).
 */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loop_waiter.h"
#include "pool.h"

#define MAX_EVENTS 256
#define MAX_WORKERS 256

static int worker_count;
static enum pool_queue queue_kind = POOL_MUTEX;

static bool pool_flag(int letter, const char *arg)
{
	long n;

	if (letter == 'w') {
		if (!setup_number(arg, 1, MAX_WORKERS, &n))
			return false;
		worker_count = (int)n;
		return true;
	}
	if (letter == 'Q') {
		if (strcmp(arg, "mutex") == 0)
			queue_kind = POOL_MUTEX;
		else if (strcmp(arg, "batch") == 0)
			queue_kind = POOL_BATCH;
		else if (strcmp(arg, "ring") == 0)
			queue_kind = POOL_RING;
		else
			return false;
		return true;
	}
	return false;
}

static void hand_off(void *pool, struct conn *c)
{
	pool_submit(pool, c);
}

int main(int argc, char **argv)
{
	static const struct model_flags flags = {
		"w:Q:",
		"  -w N        worker threads (default: the number of online CPUs)\n"
		"  -Q QUEUE    mutex (default), batch or ring: how requests reach the workers\n",
		pool_flag
	};
	struct waiter_event events[MAX_EVENTS];
	struct conn *done[MAX_EVENTS];
	struct waiter *waiter;
	struct server s;
	struct loop *loop;
	struct pool *pool;

	server_start(&s, "pool", argc, argv, true, &flags);
	if (worker_count == 0)
		worker_count = setup_online_cpus(MAX_WORKERS);
	waiter = loop_waiter_create();
	pool = pool_start(queue_kind, worker_count);
	if (waiter_add(waiter, pool_wake_fd(pool), (uint64_t)pool_wake_fd(pool)) < 0)
		err(1, "cannot watch the waker");
	loop = loop_create(&s, CONN_EDGE, loop_watch_waiter, waiter);
	loop_hand_off_handlers(loop, hand_off, pool);
	while (loop_running(loop)) {
		int i, n, timeout = loop_timeout_ms(loop);
		bool woken = false;

		/* Finished work already waiting: look, do not sleep. */
		if (!pool_before_wait(pool))
			timeout = 0;
		n = waiter_wait(waiter, events, MAX_EVENTS, timeout);
		for (i = 0; i < n; i++)
			woken |= events[i].tag == (uint64_t)pool_wake_fd(pool);
		pool_after_wait(pool, woken);
		if (n < 0) {
			if (errno == EINTR)
				continue; /* never restarted, even with SA_RESTART: signal(7) */
			err(1, "waiter_wait");
		}
		for (i = 0; i < n; i++)
			if (events[i].tag != (uint64_t)pool_wake_fd(pool))
				loop_ready_waiter(loop, &events[i]);
		/* One batch per turn, not until none is left: with workers
		 * this fast, "until none is left" could be for ever, and the
		 * sockets and timers would wait. What is left makes the next
		 * wait return at once (pool_before_wait). */
		n = pool_take_done(pool, done, MAX_EVENTS);
		for (i = 0; i < n; i++)
			loop_handled(loop, done[i]);
		loop_expire(loop);
	}
	/* Workers first: the loop closes every connection, and must not close
	 * one a worker is still answering. */
	pool_stop(pool);
	loop_destroy(loop);
	waiter_destroy(waiter);
	server_finish(&s);
	return 0;
}
