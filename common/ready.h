/*
 * ready.h - the one vocabulary of readiness, from the connection's state
 * machine to every way of waiting: what a descriptor can do now, as an
 * event loop watches for it (loop.h's watch()), as a wait reports it (a
 * readiness loop's events, common/waiter's), and as conn_on_event is told
 * it. Each backend translates these bits into its kernel's -- FD_SET,
 * POLLIN, EPOLLIN, EVFILT_READ -- once, in its own file, and back.
 */
#ifndef C10K_READY_H
#define C10K_READY_H

#define READY_READ 1u  /* data, an end of file, or an error to read */
#define READY_WRITE 2u /* room to write, or an error the next write reports */

#endif
