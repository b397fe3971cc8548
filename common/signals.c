/*
 * signals.c - how a server is told to stop, and how a wait hears it. See
 * signals.h.
 */
#include "signals.h"

#include <err.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "fd.h"
#include "stats.h"

/* Atomic rather than volatile sig_atomic_t: 12_reuseport's loop threads
 * read it while the handler writes it on whichever thread took the signal.
 * A lock-free atomic is safe in a signal handler (C11 7.14.1.1). */
static atomic_bool stop_flag;
static int wake_pipe[2] = { -1, -1 };

static void on_stop_signal(int sig)
{
	int saved_errno = errno;
	ssize_t ignored;

	(void)sig;
	atomic_store(&stop_flag, true);
	ignored = write(wake_pipe[1], "x", 1);
	(void)ignored;
	errno = saved_errno;
}

/* kill -USR1 PID prints the counters, as `kill -USR1` does for dd. It is
 * also how the tests raise an EINTR storm: installed without SA_RESTART, a
 * signal makes whatever system call is blocked at that moment (accept, read,
 * select, epoll_wait, nanosleep) return -1/EINTR, and every one of those
 * call sites has to carry on as if nothing happened. */
static void on_report_signal(int sig)
{
	int saved_errno = errno;

	(void)sig;
	stats_write_report(STDERR_FILENO);
	errno = saved_errno;
}

void signals_init(void)
{
	struct sigaction ignore = { 0 }, stop = { 0 }, report = { 0 };

	ignore.sa_handler = SIG_IGN;
	sigemptyset(&ignore.sa_mask);
	if (sigaction(SIGPIPE, &ignore, NULL) < 0)
		err(1, "sigaction SIGPIPE");
	if (fd_pipe(wake_pipe) < 0)
		err(1, "wake-up pipe");
	stop.sa_handler = on_stop_signal;
	sigemptyset(&stop.sa_mask);
	stop.sa_flags = 0; /* no SA_RESTART, on purpose: see signals.h */
	if (sigaction(SIGTERM, &stop, NULL) < 0 || sigaction(SIGINT, &stop, NULL) < 0)
		err(1, "sigaction SIGTERM/SIGINT");
	report.sa_handler = on_report_signal;
	sigemptyset(&report.sa_mask);
	report.sa_flags = 0; /* no SA_RESTART either */
	if (sigaction(SIGUSR1, &report, NULL) < 0)
		err(1, "sigaction SIGUSR1");
}

bool signals_stop_requested(void)
{
	return atomic_load(&stop_flag);
}

int signals_wake_fd(void)
{
	return wake_pipe[0];
}

bool signals_drain_wake_fd(void)
{
	char buf[64];
	bool drained = false;
	ssize_t ignored;

	/* A stop leaves the pipe readable: with several loops waiting on it
	 * (12_reuseport) each must see it, and one that emptied it would leave
	 * the others asleep. A stop that came while we read is put back. */
	if (signals_stop_requested())
		return true;
	while (read(wake_pipe[0], buf, sizeof(buf)) > 0)
		drained = true;
	if (signals_stop_requested()) {
		ignored = write(wake_pipe[1], "x", 1);
		(void)ignored;
	}
	return drained;
}

void signals_block_stop(sigset_t *saved)
{
	sigset_t stop_signals;

	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop_signals, saved);
}

void signals_restore(const sigset_t *saved)
{
	pthread_sigmask(SIG_SETMASK, saved, NULL);
}
