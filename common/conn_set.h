/*
 * conn_set.h - the connections an event loop holds, found two ways: by
 * descriptor (which connection is behind the descriptor the kernel
 * reported?) and by deadline (how long may the wait last, and whose time
 * is up?). loop.c keeps one for the readiness loops, 10_io_uring one of
 * its own. A loop embeds struct conn first in its own record (loop.c's
 * watched_conn, 10_io_uring's uring_conn), so the pointers handed back are
 * its records too.
 */
#ifndef C10K_CONN_SET_H
#define C10K_CONN_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "timer.h"

struct conn_set {
	struct conn **by_fd;
	size_t len;
	struct timer_heap deadlines;
};

/* Take c (just conn_init'ed) in under its descriptor. When out of memory
 * for it, c is closed and counted refused, and false returned: the caller
 * frees its record. */
bool conn_set_add(struct conn_set *s, struct conn *c);
/* Forget c, by descriptor and by deadline. */
void conn_set_remove(struct conn_set *s, struct conn *c);
static inline struct conn *conn_set_find(const struct conn_set *s, int fd)
{
	return fd >= 0 && (size_t)fd < s->len ? s->by_fd[fd] : NULL;
}

/* File c's deadline (c->deadline_ms) after conn_on_event moved it; -1 if
 * out of memory (then end the connection: nothing would ever time it out). */
int conn_set_file_deadline(struct conn_set *s, struct conn *c);
/* Stop timing c (a connection whose end is under way elsewhere). */
void conn_set_drop_deadline(struct conn_set *s, struct conn *c);
/* How long a wait may last: until the earliest deadline, -1 with none. */
int conn_set_wait_ms(const struct conn_set *s);
/* The next connection whose deadline has passed, taken off the deadlines
 * (NULL: none now). Call conn_on_event(c, 0) on it. */
struct conn *conn_set_next_expired(struct conn_set *s, uint64_t now);

/* At exit: end(c, arg) for every connection in the set; end must remove
 * it. Then the set's own memory is freed. */
void conn_set_destroy(struct conn_set *s, void (*end)(struct conn *c, void *arg), void *arg);

#endif
