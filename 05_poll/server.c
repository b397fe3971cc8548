/*
 * 05_poll: one thread, poll(2).
 *
 * poll() takes an array of struct pollfd, one per descriptor, and fills in
 * each one's revents. No FD_SETSIZE wall, and the interest (events) and the
 * answer (revents) are separate fields, so nothing is copied per pass. But
 * the whole array still crosses into the kernel and is scanned on every
 * call, and we scan it again for the answers: O(n) per wake-up in the number
 * of connections, ready or not.
 *
 * The array itself (struct poll_set: add, change, leave a hole, compact
 * after the pass) is in common/pollset.c, because 08_nonblocking walks the
 * same array without poll() and 09_sigio poll()s it after a signal-queue
 * overflow.
 */
#include <err.h>
#include <errno.h>
#include <poll.h>

#include "loop.h"
#include "pollset.h"

int main(int argc, char **argv)
{
	struct poll_set ps = { 0 };
	struct server s;
	struct loop *loop;

	server_start(&s, "poll", argc, argv, true, NULL);
	loop = loop_create(&s, CONN_LEVEL, poll_set_watch, &ps);
	while (loop_running(loop)) {
		size_t i, scanned = ps.len; /* entries added during the pass have nothing to say */
		int ready = poll(ps.fds, (nfds_t)ps.len, loop_timeout_ms(loop));

		if (ready < 0) {
			if (errno == EINTR)
				continue; /* never restarted, even with SA_RESTART: signal(7) */
			err(1, "poll");
		}
		for (i = 0; i < scanned && ready > 0; i++) {
			struct pollfd p = ps.fds[i]; /* a copy: loop_ready may grow the array */
			if (p.revents == 0)
				continue;
			ready--;
			if (p.fd < 0)
				continue; /* removed earlier in this pass */
			loop_ready(loop, p.fd, poll_set_events(p.revents));
		}
		if (ps.holes > 0)
			poll_set_compact(&ps);
		loop_expire(loop);
	}
	loop_destroy(loop);
	poll_set_free(&ps);
	server_finish(&s);
	return 0;
}
