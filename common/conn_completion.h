/*
 * conn_completion.h - driving a connection (conn.h) in completion mode
 * (10_io_uring). A readiness loop says "you can read now" and the
 * connection reads; a completion loop has the kernel read *for* it and
 * then says "this is what was read". The same state machine sits behind
 * both: these four calls replace the connection's own read() and writev(),
 * and return what it wants next, as conn_on_event() does. One operation at
 * a time: a recv is submitted when it wants CONN_WANT_READ, a send when it
 * wants CONN_WANT_WRITE. Its conn_init mode is CONN_COMPLETION.
 */
#ifndef C10K_CONN_COMPLETION_H
#define C10K_CONN_COMPLETION_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "conn.h"

/* How many bytes the next recv may bring, without taking a buffer for
 * them: an idle connection holds none, and a recv waiting on it names none
 * (10_io_uring's provided-buffer ring). 0 if it can take none (it then
 * wants CONN_DONE). */
size_t conn_receive_limit(struct conn *c);
/* A recv finished: n bytes (at most the limit given) at data, which the
 * connection copies, or 0 (the client closed), or -errno. */
enum conn_want conn_on_received(struct conn *c, const char *data, ssize_t n);
/* What to send now, as at most two iovecs (the head, then a /bytes
 * body); returns their count. They stay valid until conn_on_sent. */
int conn_output(struct conn *c, struct iovec iov[2]);
/* A send finished: n bytes went, or -errno. */
enum conn_want conn_on_sent(struct conn *c, ssize_t n);

#endif
