/*
 * 08_nonblocking: one thread, non-blocking sockets, and no way to wait.
 *
 * Article 000's second I/O model: every socket is O_NONBLOCK, so accept(),
 * read() and write() never block; "nothing yet" comes back as EAGAIN. With
 * no readiness API the only way to find out which socket has something is to
 * ask each of them, over and over: the customer who walks up to the bank
 * counter every few minutes to ask "is it my turn?".
 *
 * The loop goes round the whole set -- the listening socket, the wake-up
 * pipe, every connection -- trying each one for what its connection wants
 * (read, or write), as if the kernel had said it was ready. The shared loop
 * and connection code take an EAGAIN in their stride, as they do for a
 * spurious wake-up under poll. That is the whole model: the set of
 * descriptors is the same pollfd array 05_poll hands to the kernel
 * (common/pollset.c), walked here by hand.
 *
 * By default a round that found nothing starts the next one at once, so an
 * idle server burns a whole CPU asking. -s USEC sleeps that long after such
 * a round: the CPU comes back and every answer may be up to USEC late. There
 * is no right value, which is why select/poll/epoll exist.
 */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "duration.h"
#include "loop.h"
#include "pollset.h"

#define MAX_IDLE_SLEEP_US 1000000L

static long idle_sleep_us; /* -s: 0 = never sleep */

static bool handle_flag(int letter, const char *arg)
{
	long us;

	if (letter != 's')
		return false;
	if (!setup_number(arg, 0, MAX_IDLE_SLEEP_US, &us))
		errx(1, "-s: %s is not a number of microseconds from 0 to %ld", arg,
		     MAX_IDLE_SLEEP_US);
	idle_sleep_us = us;
	return true;
}

static const struct model_flags flags = {
	.letters = "s:",
	.usage = "  -s USEC     after a round that found nothing to do, sleep this long\n"
		 "              (default 0: never sleep, and burn a CPU while idle)\n",
	.handle = handle_flag,
};

/* Sleep after an idle round, but never past the next deadline (a /delay
 * due, an idle connection to cut off). */
static void idle_sleep(const struct loop *loop)
{
	long us = idle_sleep_us;
	int timeout_ms = loop_timeout_ms(loop);
	struct timespec ts;

	if (timeout_ms >= 0 && (long)timeout_ms * 1000 < us)
		us = (long)timeout_ms * 1000;
	if (us <= 0)
		return;
	ts = duration_timespec_us(us);
	nanosleep(&ts, NULL); /* EINTR: a signal; the next round looks */
}

int main(int argc, char **argv)
{
	struct poll_set ps = { 0 };
	struct server s;
	struct loop *loop;

	server_start(&s, "nonblocking", argc, argv, true, &flags);
	loop = loop_create(&s, CONN_LEVEL, poll_set_watch, &ps);
	while (loop_running(loop)) {
		size_t i, round = ps.len; /* connections accepted now wait for the next round */
		bool progress = false;

		for (i = 0; i < round; i++) {
			struct pollfd p = ps.fds[i]; /* a copy: loop_ready may grow the array */

			if (p.fd < 0)
				continue; /* closed earlier in this round */
			/* Not "it is ready": "try it". Level-triggered mode makes a
			 * connection try one read (or write) per round, so a busy
			 * one cannot keep the others waiting. */
			if (loop_ready(loop, p.fd, poll_set_events(p.events)))
				progress = true;
		}
		if (ps.holes > 0)
			poll_set_compact(&ps);
		loop_expire(loop);
		if (!progress && idle_sleep_us > 0)
			idle_sleep(loop);
	}
	loop_destroy(loop);
	poll_set_free(&ps);
	server_finish(&s);
	return 0;
}
