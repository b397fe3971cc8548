/*
 * conn_blocking.c - the blocking driver of the connection state machine
 * (01_blocking, 02_fork, 03_thread). See conn_blocking.h.
 */
#include "conn_blocking.h"

#include <limits.h>
#include <poll.h>
#include <time.h>

#include "conn.h"
#include "duration.h"
#include "net.h"
#include "signals.h"

/* Blocking mode: the kernel's SO_RCVTIMEO/SO_SNDTIMEO count from the start
 * of each call. While a head is arriving (or while lingering), and after a
 * signal interrupted a call, the timeouts are whatever is left of the
 * deadline: otherwise a trickler, or a signal every few hundred ms, would
 * start the full idle time again on every call and never be cut off.
 * Otherwise they are simply the idle timeout (one setsockopt pair per
 * change, not per call). */
struct socket_timeouts {
	unsigned rcv_ms, snd_ms; /* the SO_RCVTIMEO and SO_SNDTIMEO in force */
};

static void bound_blocking_io(const struct conn *c, struct socket_timeouts *in_force)
{
	uint64_t now = timer_now_ms();
	bool past = c->deadline_ms <= now;
	unsigned left = past ? 1 : (unsigned)(c->deadline_ms - now);
	/* Past the deadline (the process was stopped, or a signal came): the
	 * next call takes only what is already there (conn_on_event looks
	 * before it judges), it does not wait another idle time. */
	unsigned rcv = past || c->head_started || c->state == CONN_LINGER || c->interrupted
			   ? left
			   : c->idle_ms;
	unsigned snd = past || c->interrupted ? left : c->idle_ms;

	if ((rcv != in_force->rcv_ms || snd != in_force->snd_ms) &&
	    net_set_timeouts(c->fd, rcv, snd) == 0) {
		in_force->rcv_ms = rcv;
		in_force->snd_ms = snd;
	}
}

static void sleep_until(uint64_t deadline_ms)
{
	uint64_t now = timer_now_ms();
	struct timespec ts;

	if (now >= deadline_ms)
		return;
	ts = duration_timespec_ms((int64_t)(deadline_ms - now));
	nanosleep(&ts, NULL); /* EINTR: the caller looks at the clock again */
}

uint64_t conn_park_ms_left(const struct conn *c)
{
	uint64_t now = timer_now_ms();

	return c->deadline_ms > now ? c->deadline_ms - now : 0;
}

void conn_park_wait_socket(struct conn *c, int max_ms)
{
	uint64_t left = conn_park_ms_left(c);
	struct pollfd p = { .fd = c->fd, .events = POLLIN };

	if (max_ms >= 0 && left > (uint64_t)max_ms)
		left = (uint64_t)max_ms;
	/* EINTR (a stop request) or a timeout: the driver looks again. */
	poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
}

static void wait_on_socket(struct conn *c)
{
	conn_park_wait_socket(c, -1);
}

static conn_park_wait_fn park_wait = wait_on_socket;

void conn_blocking_park_with(conn_park_wait_fn wait)
{
	park_wait = wait;
}

void conn_serve_blocking(int fd, unsigned idle_ms)
{
	struct socket_timeouts in_force = { idle_ms, idle_ms };
	struct conn c;
	enum conn_want want;

	conn_init(&c, fd, CONN_BLOCKING, idle_ms);
	/* The kernel enforces idle timeouts for blocking reads and writes. */
	net_set_timeouts(fd, idle_ms, idle_ms);
	/* The socket is always "ready": a read or write waits inside the
	 * call, and conn_on_event comes back after each one, or to sleep
	 * through a /delay (that sleep is the blocking models' lesson). */
	do {
		bound_blocking_io(&c, &in_force);
		want = conn_on_event(&c, READY_READ | READY_WRITE);
		if (want == CONN_WANT_TIMER)
			sleep_until(c.deadline_ms);
		else if (want != CONN_DONE && conn_parked(&c))
			park_wait(&c);
	} while (want != CONN_DONE && !signals_stop_requested());
	conn_close(&c);
}
