/*
 * 09_sigio: one thread, signal-driven I/O (Linux).
 *
 * Article 000's fourth I/O model: instead of asking, the process is told.
 * Each socket is put in O_ASYNC mode with an owner (F_SETOWN) and a signal
 * (F_SETSIG); from then on every change of its state -- data arrived, room
 * to write, a connection waiting to be accepted, an error -- queues that
 * signal, carrying the descriptor (si_fd) and what happened (si_band, the
 * poll bits). The bank's customer leaves a phone number and is called.
 *
 * Nothing runs in a signal handler: the signal stays blocked and the loop
 * takes the next one with sigtimedwait(), whose timeout is the next deadline
 * (/delay, idle clients). So this is an event loop whose "wait" happens to
 * be a signal queue, one system call per event.
 *
 * Three things make it rare for TCP, and each shows in the code:
 *  - A signal is a state *change*, like edge-triggered epoll: the connection
 *    runs in edge mode (reads and writes until EAGAIN), and a socket whose
 *    data came before O_ASYNC was switched on is never signalled: every new
 *    descriptor is tried once ("re-checked") after it is armed.
 *  - One signal per event, and the queue of real-time signals is bounded
 *    (RLIMIT_SIGPENDING). When it is full the kernel queues a plain SIGIO
 *    instead, which says only "you lost some". The one safe answer is to
 *    look at everything: one poll() over every descriptor (common/pollset.c),
 *    then carry on. The counter io_signal_overflows in /stats says how often.
 *  - Signals queued for a descriptor that has since been closed (and its
 *    number reused) arrive anyway; like every loop here, a connection that
 *    is told "readable" and finds EAGAIN simply waits again.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "duration.h"
#include "grow.h"
#include "loop.h"
#include "pollset.h"
#include "stats.h"

#define STAT_IO_SIGNALS STAT_MODEL_1
#define STAT_OVERFLOWS STAT_MODEL_2
#define STAT_SCAN_SET STAT_MODEL_3 /* entries in the overflow scan's set, holes too */

/* Signals taken per turn before deadlines are looked at: epoll_wait's
 * maxevents, for a queue read one signal per call. */
#define SIGNALS_PER_TURN 256

struct sigio_set {
	struct poll_set watched; /* every armed descriptor, for the overflow scan */
	int io_signal;
	pid_t owner;       /* this process: who gets the signals */
	int level_fds[2];  /* the listener and the wake-up pipe (WATCH_LEVEL) */
	bool level_due[2]; /* ...signalled, or not found empty yet: try this turn */
	int *recheck;      /* new descriptors to try once without a signal */
	size_t recheck_len, recheck_cap;
};

static bool schedule_recheck(struct sigio_set *ss, int fd)
{
	if (!grow_array(&ss->recheck, &ss->recheck_cap, ss->recheck_len + 1, sizeof(int), 64))
		return false;
	ss->recheck[ss->recheck_len++] = fd;
	return true;
}

/* Ask for io_signal, to this process, on every state change of fd. */
static int arm(struct sigio_set *ss, int fd)
{
	if (fcntl(fd, F_SETOWN, ss->owner) < 0 || fcntl(fd, F_SETSIG, ss->io_signal) < 0 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK | O_ASYNC) < 0)
		return -1;
	return 0;
}

static int sigio_watch(void *poller, int fd, unsigned old, unsigned interest)
{
	struct sigio_set *ss = poller;
	size_t before;
	int rc;

	if (interest & WATCH_LEVEL) {
		int i = ss->level_fds[0] < 0 ? 0 : 1;
		ss->level_fds[i] = fd;
		ss->level_due[i] = true;
	}
	if (old == 0 && (interest & (READY_READ | READY_WRITE))) {
		/* A new descriptor (or one back from a /delay). Its data may
		 * already be here, and that state change happened before
		 * O_ASYNC: no signal will ever say so. */
		if (arm(ss, fd) < 0)
			return -1;
		if (!(interest & WATCH_LEVEL) && !schedule_recheck(ss, fd))
			return -1;
	}
	/* Interest itself is not told to the kernel: a signal comes for every
	 * change either way, and the connection remembers what it was told.
	 * The set only serves the overflow scan. */
	before = ss->watched.len;
	rc = poll_set_watch(&ss->watched, fd, old, interest);
	stats_add(STAT_SCAN_SET, (long)ss->watched.len - (long)before);
	return rc;
}

/* A signal (or a poll) says fd changed. The listener and the wake-up pipe
 * are not driven from here: one signal comes per connection queued, and a
 * burst of them would each cost an accept() that finds the queue already
 * emptied. They are marked due and tried once per turn (run_due). */
static void dispatch(struct sigio_set *ss, struct loop *loop, int fd, unsigned events)
{
	if (fd == ss->level_fds[0])
		ss->level_due[0] = true;
	else if (fd == ss->level_fds[1])
		ss->level_due[1] = true;
	else
		loop_ready(loop, fd, events);
}

static bool anything_due(const struct sigio_set *ss)
{
	return ss->recheck_len > 0 || ss->level_due[0] || ss->level_due[1];
}

/* New descriptors get their one try; the listener and the pipe are tried
 * and stay due while trying finds something: an accept burst stops at a
 * fair share, with more connections maybe queued and no new state change
 * to signal them. */
static void run_due(struct sigio_set *ss, struct loop *loop)
{
	size_t i, n = ss->recheck_len;
	int *batch = ss->recheck;

	/* Accepting adds new descriptors: they go to a fresh list, for the
	 * next turn. */
	ss->recheck = NULL;
	ss->recheck_len = ss->recheck_cap = 0;
	for (i = 0; i < n; i++)
		loop_ready(loop, batch[i], READY_READ | READY_WRITE);
	free(batch);
	for (i = 0; i < 2; i++)
		if (ss->level_due[i])
			ss->level_due[i] = loop_ready(loop, ss->level_fds[i], READY_READ);
}

/* Closed connections leave holes in the scan's set, and nothing else would
 * ever squeeze them out: the set would hold every connection ever served,
 * and poll() refuses a set longer than RLIMIT_NOFILE (EINVAL). Squeezed out
 * between turns once they are half of it, so its cost stays in proportion
 * to what is open. */
static void compact_scan_set(struct poll_set *ps)
{
	size_t before = ps->len;

	poll_set_compact(ps);
	stats_add(STAT_SCAN_SET, (long)ps->len - (long)before);
}

/* SIGIO instead of io_signal: the queue was full and events were dropped.
 * Which ones is unknown, so ask about every descriptor once. */
static void scan_everything(struct sigio_set *ss, struct loop *loop)
{
	struct poll_set *ps = &ss->watched;
	size_t i, scanned;
	int ready;

	stats_add(STAT_OVERFLOWS, 1);
	/* Not one hole in what poll() is given: then it is no longer than
	 * the descriptors open, which RLIMIT_NOFILE already bounds. */
	if (ps->holes > 0)
		compact_scan_set(ps);
	scanned = ps->len;
	do
		ready = poll(ps->fds, (nfds_t)ps->len, 0);
	while (ready < 0 && errno == EINTR);
	if (ready < 0) {
		/* ENOMEM: the kernel could not look. Not knowing is what an
		 * overflow already means; every connection is told to try,
		 * and one with nothing to do finds EAGAIN. */
		for (i = 0; i < scanned; i++)
			ps->fds[i].revents = POLLIN | POLLOUT;
		ready = (int)scanned;
	}
	for (i = 0; i < scanned && ready > 0; i++) {
		struct pollfd p = ps->fds[i];
		if (p.revents == 0)
			continue;
		ready--;
		if (p.fd >= 0)
			dispatch(ss, loop, p.fd, poll_set_events(p.revents));
	}
}

int main(int argc, char **argv)
{
	struct sigio_set ss = { .level_fds = { -1, -1 } };
	struct server s;
	struct loop *loop;
	sigset_t waited;

	server_start(&s, "sigio", argc, argv, true, NULL);
	stats_name(STAT_IO_SIGNALS, "io_signals");
	stats_name(STAT_OVERFLOWS, "io_signal_overflows");
	stats_name(STAT_SCAN_SET, "overflow_scan_set");
	/* Blocked before the first descriptor is armed, so the signals queue
	 * for sigtimedwait() instead of killing us (their default action). */
	ss.io_signal = SIGRTMIN;
	ss.owner = getpid();
	sigemptyset(&waited);
	sigaddset(&waited, ss.io_signal);
	sigaddset(&waited, SIGIO);
	if (sigprocmask(SIG_BLOCK, &waited, NULL) < 0)
		err(1, "sigprocmask");
	loop = loop_create(&s, CONN_EDGE, sigio_watch, &ss);
	while (loop_running(loop)) {
		int n, timeout_ms;

		run_due(&ss, loop);
		/* Take what is queued, waiting (until the next deadline) only
		 * for the first signal, and only if nothing is due. */
		timeout_ms = anything_due(&ss) ? 0 : loop_timeout_ms(loop);
		for (n = 0; n < SIGNALS_PER_TURN; n++) {
			struct timespec ts;
			siginfo_t info;
			int sig;

			if (n > 0)
				timeout_ms = 0;
			ts = duration_timespec_ms(timeout_ms);
			sig = sigtimedwait(&waited, &info, timeout_ms >= 0 ? &ts : NULL);
			if (sig == ss.io_signal) {
				stats_add(STAT_IO_SIGNALS, 1);
				dispatch(&ss, loop, info.si_fd,
					 poll_set_events((short)info.si_band));
			} else if (sig == SIGIO) {
				scan_everything(&ss, loop);
			} else if (errno == EAGAIN || errno == EINTR) {
				/* The queue is empty (or the wait timed out), or a
				 * handled signal came (a stop request also writes
				 * to the wake-up pipe, which signals). */
				break;
			} else {
				err(1, "sigtimedwait");
			}
		}
		loop_expire(loop);
		if (ss.watched.holes > ss.watched.len / 2)
			compact_scan_set(&ss.watched);
	}
	loop_destroy(loop);
	poll_set_free(&ss.watched);
	free(ss.recheck);
	server_finish(&s);
	return 0;
}
