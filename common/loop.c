/*
 * loop.c - the event-loop core shared by 04_select, 05_poll, 06_epoll and
 * 07_kqueue. See loop.h.
 */
#include "loop.h"

#include <err.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "comet.h"
#include "conn_set.h"
#include "log.h"
#include "net.h"
#include "signals.h"
#include "stats.h"

/* Connections accepted per wake-up. Tornado's accept handler (article 004)
 * loops until EWOULDBLOCK; a cap keeps a connection storm from starving the
 * connections already open, which is why later Tornado versions added one. */
#define ACCEPT_BURST 64

/* A connection and what its descriptor is registered for right now. */
struct watched_conn {
	struct conn conn; /* first: a struct conn * is a struct watched_conn * */
	unsigned interest;
	bool handed_off;                /* handed off, not back yet (loop_hand_off_handlers) */
	struct list_link hand_off_link; /* meanwhile, its link in its holder's queues */
};

struct loop {
	loop_watch_fn watch;
	void *poller;
	enum conn_mode mode;
	unsigned idle_ms;
	int listen_fd, wake_fd;
	/* Another thread's publish wakes this loop through it (12_reuseport's
	 * loops; loop_wake_on_publish); -1 while a loop is alone. */
	int comet_pipe[2];
	_Atomic int comet_wake_fd;
	struct comet_room *room;
	bool running;
	struct conn_set conns;
	loop_hand_off_fn hand_off;
	void *hand_off_arg;
};

static struct log_limit watch_failures;

/* Called from a publish on another thread (12_reuseport's loops): a byte
 * makes this loop's wait return. The pipe full means one is there already. */
static void wake_for_publish(void *loop)
{
	struct loop *l = loop;
	int fd = atomic_load(&l->comet_wake_fd);
	char byte = 1;

	if (fd >= 0 && write(fd, &byte, 1) < 0) {
		/* EAGAIN: full, so the loop will wake anyway. */
	}
}

struct loop *loop_create(const struct server *s, enum conn_mode mode, loop_watch_fn watch,
			 void *poller)
{
	struct loop *l = calloc(1, sizeof(*l));

	if (l == NULL)
		err(1, "loop");
	l->watch = watch;
	l->poller = poller;
	l->mode = mode;
	l->idle_ms = s->idle_ms;
	l->listen_fd = s->listen_fd;
	l->wake_fd = signals_wake_fd();
	l->running = true;
	l->comet_pipe[0] = l->comet_pipe[1] = -1;
	atomic_init(&l->comet_wake_fd, -1);
	l->room = comet_room_create(wake_for_publish, l);
	comet_room_enter(l->room);
	if (watch(poller, l->listen_fd, 0, READY_READ | WATCH_LEVEL) < 0 ||
	    watch(poller, l->wake_fd, 0, READY_READ | WATCH_LEVEL) < 0)
		err(1, "cannot watch the listening socket");
	return l;
}

void loop_wake_on_publish(struct loop *l, const int pipe_fds[2])
{
	l->comet_pipe[0] = pipe_fds[0];
	l->comet_pipe[1] = pipe_fds[1];
	/* Registered like a connection (edge-triggered where the loop is), and
	 * emptied until EAGAIN when it is ready. (09_sigio keeps level
	 * registration for two descriptors: the listener and the stop pipe.) */
	if (l->watch(l->poller, pipe_fds[0], 0, READY_READ) < 0)
		err(1, "cannot watch the pipe for Comet wake-ups");
	atomic_store(&l->comet_wake_fd, pipe_fds[1]);
}

/* Set while the command line is read, before any loop exists. The bug of
-1 needs no code of its own: edge-triggered registration, and a
connection that reads once per event as under level triggering. */
static bool edge_registration;
static enum conn_mode edge_mode = CONN_LEVEL;

bool loop_edge_flag(int letter, const char *arg)
{
	(void)arg;
	edge_registration = true;
	edge_mode = letter == 'e' ? CONN_EDGE : CONN_LEVEL;
	return true;
}

bool loop_edge_chosen(enum conn_mode *mode)
{
	*mode = edge_mode;
	return edge_registration;
}

bool loop_running(const struct loop *l)
{
	return l->running;
}

int loop_timeout_ms(const struct loop *l)
{
	return conn_set_wait_ms(&l->conns);
}

static void drop(struct loop *l, struct watched_conn *wc)
{
	if (wc->interest != 0)
		l->watch(l->poller, wc->conn.fd, wc->interest, WATCH_CLOSING);
	conn_set_remove(&l->conns, &wc->conn);
	conn_close(&wc->conn);
	free(wc);
}

/* The one place where a connection's intent becomes a registration and a
 * deadline. */
static void apply(struct loop *l, struct watched_conn *wc, enum conn_want want)
{
	struct conn *c = &wc->conn;
	unsigned interest = want == CONN_WANT_READ    ? READY_READ
			    : want == CONN_WANT_WRITE ? READY_WRITE
						      : 0;

	if (want == CONN_DONE) {
		drop(l, wc);
		return;
	}
	if (want == CONN_WANT_HANDLER) {
		/* No deadline while a worker has it (a long /spin is not an
		 * idle client), and the registration stays as it is: events
		 * that still come find the connection in CONN_HANDLER and do
		 * nothing, and nothing is re-registered per request. */
		if (!wc->handed_off) {
			wc->handed_off = true;
			l->hand_off(l->hand_off_arg, c);
		}
		return;
	}
	if (interest != wc->interest) {
		if (l->watch(l->poller, c->fd, wc->interest, interest) < 0) {
			log_warn_limited(&watch_failures, "cannot watch fd %d: %s", c->fd,
					 strerror(errno));
			stats_add(STAT_ERRORS, 1);
			drop(l, wc);
			return;
		}
		wc->interest = interest;
	}
	if (conn_set_file_deadline(&l->conns, c) < 0) {
		stats_add(STAT_ERRORS, 1);
		drop(l, wc);
	}
}

static void drive_parked(struct conn *c, void *loop)
{
	apply(loop, (struct watched_conn *)c, conn_on_event(c, 0));
}

/* Article 003's one event, many waiters: every subscriber of a channel
 * that was published to is answered in this turn, by this loop, one
 * write each, in the order they came. */
static void deliver_published(struct loop *l)
{
	while (comet_room_due(l->room))
		comet_room_deliver(l->room, drive_parked, l);
}

void loop_watch_failed(struct loop *l, int fd, int error)
{
	struct watched_conn *wc = (struct watched_conn *)conn_set_find(&l->conns, fd);

	log_warn_limited(&watch_failures, "cannot watch fd %d: %s", fd, strerror(error));
	/* Not while a worker has it (freeing it under the worker): but only
	 * 07_kqueue applies changes late, and it has no workers. */
	if (wc == NULL || wc->handed_off)
		return;
	stats_add(STAT_ERRORS, 1);
	drop(l, wc);
}

void loop_hand_off_handlers(struct loop *l, loop_hand_off_fn hand_off, void *arg)
{
	l->hand_off = hand_off;
	l->hand_off_arg = arg;
}

struct list_link *loop_hand_off_link(struct conn *c)
{
	return &((struct watched_conn *)c)->hand_off_link;
}

struct conn *loop_conn_of_link(struct list_link *link)
{
	if (link == NULL)
		return NULL;
	return (struct conn *)(void *)((char *)link - offsetof(struct watched_conn, hand_off_link));
}

void loop_handled(struct loop *l, struct conn *c)
{
	struct watched_conn *wc = (struct watched_conn *)c;

	wc->handed_off = false;
	apply(l, wc, conn_on_handled(c));
	deliver_published(l);
}

static void add_connection(struct loop *l, int fd)
{
	struct watched_conn *wc = malloc(sizeof(*wc));

	if (wc == NULL) {
		conn_refuse(fd);
		return;
	}
	conn_init(&wc->conn, fd, l->mode, l->idle_ms);
	if (l->hand_off != NULL)
		conn_run_handler_elsewhere(&wc->conn);
	wc->interest = 0;
	wc->handed_off = false;
	if (!conn_set_add(&l->conns, &wc->conn)) {
		free(wc);
		return;
	}
	if (l->watch(l->poller, fd, 0, READY_READ) < 0) {
		/* 04_select past FD_SETSIZE: this connection cannot be waited
		 * on, so it is closed now rather than never served. */
		log_warn_limited(&watch_failures,
				 "fd %d cannot be watched (%s): connection refused", fd,
				 errno == ERANGE ? "past the wait's limit, FD_SETSIZE for select"
						 : strerror(errno));
		stats_add(STAT_REFUSED, 1);
		conn_set_remove(&l->conns, &wc->conn);
		conn_close(&wc->conn);
		free(wc);
		return;
	}
	wc->interest = READY_READ;
	/* The request is rarely here yet: wait to be told, under a deadline. */
	apply(l, wc, CONN_WANT_READ);
}

/* Returns how many connections were taken off the queue. */
static int accept_burst(struct loop *l)
{
	int i;

	for (i = 0; i < ACCEPT_BURST; i++) {
		int fd = net_accept(l->listen_fd, true);

		if (fd >= 0)
			add_connection(l, fd);
		else if (errno != ECONNABORTED)
			break; /* EAGAIN: the queue is empty */
	}
	return i;
}

static bool drain_wake_pipe(struct loop *l)
{
	bool drained = signals_drain_wake_fd();

	if (signals_stop_requested())
		l->running = false;
	return drained;
}

bool loop_ready(struct loop *l, int fd, unsigned events)
{
	struct watched_conn *wc;
	enum conn_want want;
	bool moved;

	if (fd == l->listen_fd)
		return accept_burst(l) > 0;
	if (fd == l->wake_fd)
		return drain_wake_pipe(l);
	if (fd >= 0 && fd == l->comet_pipe[0]) {
		/* Until EAGAIN: where the loop is edge-triggered, the next
		 * byte would make no edge. */
		char bytes[64];
		ssize_t n;

		moved = false;
		while ((n = read(fd, bytes, sizeof(bytes))) > 0 || (n < 0 && errno == EINTR))
			moved |= n > 0;
		deliver_published(l);
		return moved;
	}
	wc = (struct watched_conn *)conn_set_find(&l->conns, fd);
	if (wc == NULL)
		return false;
	want = conn_on_event(&wc->conn, events);
	moved = wc->conn.steps > 0; /* before apply(), which may free wc */
	apply(l, wc, want);
	deliver_published(l);
	return moved;
}

void loop_expire(struct loop *l)
{
	uint64_t now = timer_now_ms();
	struct conn *c;

	while ((c = conn_set_next_expired(&l->conns, now)) != NULL) {
		struct watched_conn *wc = (struct watched_conn *)c;
		apply(l, wc, conn_on_event(c, 0));
	}
	deliver_published(l);
}

static void drop_at_exit(struct conn *c, void *loop)
{
	drop(loop, (struct watched_conn *)c);
}

void loop_destroy(struct loop *l)
{
	conn_set_destroy(&l->conns, drop_at_exit, l);
	conn_free_spare_buffers();
	comet_room_destroy(l->room);
	if (l->comet_pipe[0] >= 0) {
		close(l->comet_pipe[0]);
		close(l->comet_pipe[1]);
	}
	free(l);
}
