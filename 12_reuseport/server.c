/*
 * 12_reuseport: one event loop per core, all on one port (article 002:
 * when one network thread is not enough, "several network threads listen
 * on the same port").
 *
 * Each of -n N threads runs the whole of a one-thread event server -- its
 * own waiter, its own connections, its own timers -- and nothing is handed
 * between threads: a connection lives and dies on the loop that accepted
 * it. What this rung teaches is the one thing the loops still share, the
 * port, and who gets each new connection (-A):
 *
 *   reuseport  every loop has its own listening socket, bound to the same
 *              port with SO_REUSEPORT; Linux picks the socket by a hash of
 *              the connection's addresses, so the spread is even -- even
 *              to a loop that is busy and will not accept for a while.
 *   shared     one listening socket in every loop's interest list. Every
 *              loop is woken for each connection, one wins the accept(),
 *              the others find nothing: "empty wake-ups", counted.
 *   exclusive  the shared socket registered with EPOLLEXCLUSIVE (Linux):
 *              one loop woken per connection -- the one idle longest or
 *              shortest is the kernel's choice, not ours, and it is not
 *              fair (see README.md).
 *
 * /stats shows a line per loop (accepted, requests, open, empty wake-ups)
 * after the totals, so the spread is visible.
 */
#include <err.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fd.h"
#include "loop_waiter.h"
#include "net.h"
#include "signals.h"
#include "stats.h"

#define MAX_EVENTS 256
#define MAX_LOOPS 256
#define STAT_EMPTY_WAKEUPS STAT_MODEL_1

enum accept_mode { ACCEPT_REUSEPORT, ACCEPT_SHARED, ACCEPT_EXCLUSIVE };

static int loop_count;
static enum accept_mode accept_mode = ACCEPT_REUSEPORT;

struct loop_thread {
	int index;
	struct server server; /* listen_fd: its own (reuseport) or the shared one */
	struct waiter *waiter;
	int comet_pipe[2]; /* a publish on another loop wakes this one */
	pthread_t thread;
};

static bool reuseport_flag(int letter, const char *arg)
{
	long n;

	if (letter == 'n') {
		if (!setup_number(arg, 1, MAX_LOOPS, &n))
			return false;
		loop_count = (int)n;
		return true;
	}
	if (letter == 'A') {
		if (strcmp(arg, "reuseport") == 0)
			accept_mode = ACCEPT_REUSEPORT;
		else if (strcmp(arg, "shared") == 0)
			accept_mode = ACCEPT_SHARED;
		else if (strcmp(arg, "exclusive") == 0)
			accept_mode = ACCEPT_EXCLUSIVE;
		else
			return false;
		/* Before server_start listens: only reuseport shares the port. */
		net_share_port(accept_mode == ACCEPT_REUSEPORT);
		return true;
	}
	return false;
}

/* The shared watch(), except for the listener under -A exclusive. */
static int watch(void *thread, int fd, unsigned old, unsigned interest)
{
	struct loop_thread *t = thread;

	if (fd == t->server.listen_fd && accept_mode == ACCEPT_EXCLUSIVE && old == 0)
		return waiter_add_listener(t->waiter, fd, (uint64_t)fd, true);
	return loop_watch_waiter(t->waiter, fd, old, interest);
}

static void *run_loop(void *arg)
{
	struct loop_thread *t = arg;
	struct waiter_event events[MAX_EVENTS];
	struct loop *loop;

	stats_enter_loop(t->index);
	loop = loop_create(&t->server, CONN_EDGE, watch, t);
	loop_wake_on_publish(loop, t->comet_pipe);
	while (loop_running(loop)) {
		int i, n = waiter_wait(t->waiter, events, MAX_EVENTS, loop_timeout_ms(loop));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err(1, "waiter_wait");
		}
		for (i = 0; i < n; i++) {
			bool moved = loop_ready_waiter(loop, &events[i]);

			/* Woken for a connection another loop took first. */
			if (events[i].tag == (uint64_t)t->server.listen_fd && !moved)
				stats_add(STAT_EMPTY_WAKEUPS, 1);
		}
		loop_expire(loop);
	}
	loop_destroy(loop);
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct model_flags flags = {
		"n:A:",
		"  -n N        event loops, one thread each (default: the number of online CPUs)\n"
		"  -A MODE     reuseport (default): a listening socket per loop (SO_REUSEPORT);\n"
		"              shared: one socket in every loop; exclusive: shared, "
		"EPOLLEXCLUSIVE\n",
		reuseport_flag
	};
	struct loop_thread *threads;
	sigset_t saved;
	struct server s;
	int i;

	net_share_port(true);
	server_start(&s, "reuseport", argc, argv, true, &flags);
	if (loop_count == 0)
		loop_count = setup_online_cpus(MAX_LOOPS);
	if (accept_mode == ACCEPT_EXCLUSIVE && strcmp(waiter_name(), "epoll") != 0)
		errx(2,
		     "-A exclusive needs epoll's EPOLLEXCLUSIVE (Linux); this build waits with %s",
		     waiter_name());
	stats_name(STAT_EMPTY_WAKEUPS, "empty_wakeups");
	stats_split_by_loop(loop_count);
	threads = calloc((size_t)loop_count, sizeof(*threads));
	if (threads == NULL)
		err(1, "loop threads");
	for (i = 0; i < loop_count; i++) {
		struct loop_thread *t = &threads[i];

		t->index = i;
		t->server = s;
		if (accept_mode == ACCEPT_REUSEPORT && i > 0) {
			t->server.listen_fd = net_listen_again(s.listen_fd, s.backlog, true);
			if (t->server.listen_fd < 0)
				err(1, "a listening socket for loop %d (SO_REUSEPORT)", i);
		}
		t->waiter = loop_waiter_create();
		if (fd_pipe(t->comet_pipe) < 0)
			err(1, "a pipe for loop %d's Comet wake-ups", i);
	}
	/* The loops never take SIGTERM/SIGINT (they inherit this mask): the
	 * main thread, waiting in pthread_join, runs the handler, whose byte
	 * on the wake-up pipe every loop watches and none empties (net.h). */
	signals_block_stop(&saved);
	for (i = 0; i < loop_count; i++) {
		errno = pthread_create(&threads[i].thread, NULL, run_loop, &threads[i]);
		if (errno != 0)
			err(1, "pthread_create");
	}
	signals_restore(&saved);
	for (i = 0; i < loop_count; i++)
		pthread_join(threads[i].thread, NULL);
	for (i = 0; i < loop_count; i++) {
		if (threads[i].server.listen_fd != s.listen_fd)
			close(threads[i].server.listen_fd);
		waiter_destroy(threads[i].waiter);
	}
	free(threads);
	server_finish(&s);
	return 0;
}
