/*
 * 06_epoll: one thread, epoll(7).
 *
 * The interest list lives in the kernel: epoll_ctl() changes it once, and
 * epoll_wait() returns only the descriptors that are ready. A wake-up costs
 * O(ready), not O(connections), which is why 10,000 idle connections cost
 * epoll nothing and cost select and poll a scan each.
 *
 * Level-triggered (default): a descriptor is reported as long as it is
 * ready, so the connection may read once per event and come back.
 * Edge-triggered (-e): it is reported when it *becomes* ready. The
 * connection must read and write until EAGAIN, or the data already waiting
 * never produces another event. -1 reads once per event anyway, to show the
 * stall that causes (tests/events.bats, 06_epoll/README.md).
 */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "loop.h"

#define MAX_EVENTS 256

struct epoll_set {
	int fd;
	bool edge; /* register connections with EPOLLET */
};

static int epoll_watch(void *poller, int fd, unsigned old, unsigned interest)
{
	struct epoll_set *es = poller;
	struct epoll_event ev = { .data.fd = fd };
	bool edge = es->edge && !(interest & WATCH_LEVEL);

	if (interest & WATCH_CLOSING)
		return 0; /* close() takes it off the interest list */
	if (edge) {
		/* Register once for both directions and never modify: the
		 * connection remembers what was ready (conn.c). */
		if (old != 0 && (interest & (READY_READ | READY_WRITE)) != 0)
			return 0;
		ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
	} else {
		ev.events =
		    (interest & READY_READ ? EPOLLIN : 0) | (interest & READY_WRITE ? EPOLLOUT : 0);
	}
	if (old == 0)
		return epoll_ctl(es->fd, EPOLL_CTL_ADD, fd, &ev);
	if ((interest & (READY_READ | READY_WRITE)) == 0)
		return epoll_ctl(es->fd, EPOLL_CTL_DEL, fd, &ev);
	return epoll_ctl(es->fd, EPOLL_CTL_MOD, fd, &ev);
}

int main(int argc, char **argv)
{
	static const struct model_flags flags = {
		"e1",
		"  -e          edge-triggered (EPOLLET): drain until EAGAIN\n"
		"  -1          edge-triggered but read once per event: the classic bug, on "
		"purpose\n",
		loop_edge_flag
	};
	struct epoll_event events[MAX_EVENTS];
	struct epoll_set es;
	struct server s;
	struct loop *loop;
	enum conn_mode mode;

	server_start(&s, "epoll", argc, argv, true, &flags);
	es.edge = loop_edge_chosen(&mode);
	es.fd = epoll_create1(EPOLL_CLOEXEC);
	if (es.fd < 0)
		err(1, "epoll_create1");
	loop = loop_create(&s, mode, epoll_watch, &es);
	while (loop_running(loop)) {
		int i, ready = epoll_wait(es.fd, events, MAX_EVENTS, loop_timeout_ms(loop));

		if (ready < 0) {
			if (errno == EINTR)
				continue; /* never restarted, even with SA_RESTART: signal(7) */
			err(1, "epoll_wait");
		}
		for (i = 0; i < ready; i++) {
			uint32_t e = events[i].events;
			loop_ready(
			    loop, events[i].data.fd,
			    (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR) ? READY_READ : 0) |
				(e & (EPOLLOUT | EPOLLHUP | EPOLLERR) ? READY_WRITE : 0));
		}
		loop_expire(loop);
	}
	loop_destroy(loop);
	close(es.fd);
	server_finish(&s);
	return 0;
}
