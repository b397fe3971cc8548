/*
 * signals.h - how a server is told to stop, and how the wait it sits in
 * hears it: SIGTERM and SIGINT set a flag and write a byte to a wake-up
 * pipe, so a blocked call returns EINTR and an event loop's wait returns
 * with the pipe readable.
 */
#ifndef C10K_SIGNALS_H
#define C10K_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

/* SIGPIPE ignored (a write to a reset connection returns EPIPE instead of
 * killing us); SIGTERM and SIGINT request a stop; SIGUSR1 writes the
 * counters to stderr. Handlers are installed without SA_RESTART, so a
 * blocked accept() or read() returns EINTR and the caller gets to look at
 * signals_stop_requested() -- or, after SIGUSR1, simply carries on. */
void signals_init(void);
bool signals_stop_requested(void);
/* A pipe that becomes readable when a stop is requested: the self-pipe trick
 * (Tornado's "waker", article 003), so an event loop waiting in select, poll,
 * epoll_wait or kevent wakes up for a signal. */
int signals_wake_fd(void);
/* Empty it after it was reported readable; returns whether anything was
 * there. After a stop it stays readable, for every loop watching it. */
bool signals_drain_wake_fd(void);
/* Keep SIGTERM/SIGINT off threads we create, so they reach the thread that
 * waits in accept(). */
void signals_block_stop(sigset_t *saved);
void signals_restore(const sigset_t *saved);

#endif
