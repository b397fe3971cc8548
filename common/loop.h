/*
 * loop.h - what the event-driven servers (04-09, 11, 12) share: the table of
 * connections, the accept loop, the deadline heap, and turning a
 * connection's intent into a registration.
 *
 * What they do NOT share is how they wait. Each model supplies one function,
 * watch(), that tells its kernel interface what to watch for a descriptor
 * (FD_SET, a pollfd, epoll_ctl, EV_SET), and writes its own loop:
 *
 *     while (loop_running(loop)) {
 *             n = WAIT(..., loop_timeout_ms(loop));      select/poll/epoll_wait/kevent
 *             for each ready descriptor:
 *                     loop_ready(loop, fd, READY_READ | READY_WRITE);
 *             loop_expire(loop);
 *     }
 *
 * A descriptor reported ready may since have been closed and reused by a new
 * connection within the same batch; the new connection then reads or writes,
 * gets EAGAIN, and waits. Spurious readiness is harmless by design.
 */
#ifndef C10K_LOOP_H
#define C10K_LOOP_H

#include <stdbool.h>

#include "conn.h"
#include "list.h"
#include "setup.h"

/* What watch() is asked for: READY_READ, READY_WRITE (ready.h, through
 * conn.h), and two flags of registration. Set for the listener and the wake-up pipe: keep these
 * level-triggered even in an edge-triggered loop, because the accept loop stops after a fair share
 * of connections and must be woken again for the rest. */
#define WATCH_LEVEL 4u
/* With no READ/WRITE bit: the descriptor is about to be closed. epoll and
 * kqueue forget a descriptor when it is closed, so they need no call. */
#define WATCH_CLOSING 8u

/* Change what is watched on fd from `old` to `interest` (old 0: add it;
 * interest without READ/WRITE: remove it). Returns -1 with errno if the
 * descriptor cannot be watched; that connection is then refused. ERANGE
 * means the descriptor is past what the interface can hold at all
 * (select's FD_SETSIZE), which is not the process running out of
 * descriptors (EMFILE) and is logged as such. */
typedef int (*loop_watch_fn)(void *poller, int fd, unsigned old, unsigned interest);

struct loop;

/* Watches the listening socket and the wake-up pipe through watch(). Exits
 * on failure (start-up). */
/* -e and -1 of the models that can register edge-triggered (06_epoll's
EPOLLET, 07_kqueue's EV_CLEAR), as a model_flags parser: -e drains until
EAGAIN (CONN_EDGE); -1 registers so and reads once per event anyway
(CONN_LEVEL: the classic stall, on purpose). loop_edge_chosen says
whether either was given, and the mode it asks for. */
bool loop_edge_flag(int letter, const char *arg);
bool loop_edge_chosen(enum conn_mode *mode);

struct loop *loop_create(const struct server *s, enum conn_mode mode, loop_watch_fn watch,
			 void *poller);
/* Comet (comet.h): a loop answers the subscribers parked in it when a
 * publish happens on its own thread. Where other threads publish too
 * (12_reuseport's other loops), they wake it by a byte on this pipe
 * (fd_pipe(), made before the threads start, so that the descriptors a
 * server holds are there when it says it listens); the loop owns it from
 * now on. */
void loop_wake_on_publish(struct loop *l, const int pipe_fds[2]);
/* False once SIGTERM/SIGINT has been seen on the wake-up pipe. */
bool loop_running(const struct loop *l);
/* How long the wait may last: until the earliest deadline, -1 for ever. */
int loop_timeout_ms(const struct loop *l);
/* fd is ready: accept, stop, or drive its connection. Returns whether that
 * got anywhere (a connection accepted, bytes moved, a request parsed): a
 * loop that tries descriptors without being told they are ready
 * (08_nonblocking, and 09_sigio's re-checks) learns from it whether the
 * try was wasted. */
bool loop_ready(struct loop *l, int fd, unsigned events);
/* A change watch() accepted but the poller applied later failed with
 * `error` (kqueue applies its change list at the next kevent()): the
 * connection on fd is not watched as it believes, would wait for ever, and
 * is closed, as it would have been had watch() failed at once. */
void loop_watch_failed(struct loop *l, int fd, int error);
/* Fire every deadline that has passed. */
void loop_expire(struct loop *l);
/* Close every connection and free the loop. */
void loop_destroy(struct loop *l);

/*
 * Handlers on worker threads (11_pool). From now on every connection runs
 * its handler elsewhere: when one has a request, the loop calls
 * hand_off(arg, conn) once; whoever runs conn_run_handler (conn.h) on it
 * must get it back to this loop's thread, which then calls loop_handled.
 * The loop never closes a connection a worker holds. Its registration is
 * left as it was meanwhile, which suits edge-triggered waiting (11_pool's);
 * a level-triggered loop would be woken again and again by a busy
 * connection's unread input.
 */
typedef void (*loop_hand_off_fn)(void *arg, struct conn *c);
void loop_hand_off_handlers(struct loop *l, loop_hand_off_fn hand_off, void *arg);
void loop_handled(struct loop *l, struct conn *c);
/* While handed off, a connection can be queued by a link (list.h) that
 * the loop keeps in its record of it: the workers' queues need one per
 * connection, and the connection itself knows nothing of queues. */
struct list_link *loop_hand_off_link(struct conn *c);
struct conn *loop_conn_of_link(struct list_link *link); /* NULL for NULL */

#endif
