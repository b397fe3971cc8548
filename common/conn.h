/*
 * conn.h - one HTTP connection as a state machine, shared by every model.
 *
 *   READ_REQUEST -> (HANDLER) -> (DISCARD_BODY) -> (DELAY) -> WRITE -> READ_REQUEST ...
 *                                                                 \-> LINGER -> CLOSED
 *
 * A connection reads into its buffer, asks http.c to parse, asks respond.c
 * what to answer, and writes what the socket takes. After each event it
 * returns its intent: read, write, wait for its deadline, or done. It never
 * names select, poll, epoll or kqueue: each event loop turns the intent into
 * its own registration call, in one place. The blocking models run the very
 * same machine on a blocking socket (conn_serve_blocking), where "want read"
 * simply means the next read() blocks.
 */
#ifndef C10K_CONN_H
#define C10K_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "list.h"
#include "respond.h"
#include "timer.h"

/* nginx's keepalive_requests default: bounds what one client can hold. */
#define CONN_MAX_REQUESTS 1000
/* How long a half-closed connection is drained before close (nginx's
 * lingering_timeout is 5 s, lingering_time 30 s; we are a lab). */
#define CONN_LINGER_MS 2000
#define CONN_LINGER_MAX_BYTES (4u * 1024 * 1024)
/* Reads or writes one connection may do per event in an event loop before
 * the others get their turn: about 1 MiB of a /bytes answer (a write takes
 * up to 64 KiB of it). nginx and libev bound their loops the same way. */
#define CONN_STEPS_PER_EVENT 16

/* How the caller waits. It decides how far a connection goes per event. */
enum conn_mode {
	CONN_BLOCKING,   /* blocking socket: reads and writes wait inside the call */
	CONN_LEVEL,      /* level-triggered readiness: one read per event is enough,
			    the loop reports the socket again while data remains */
	CONN_EDGE,       /* edge-triggered: read and write until EAGAIN, or the
			    next edge never comes */
	CONN_COMPLETION, /* io_uring: the loop submits the reads and writes and
			    reports what they did (conn_on_received/conn_on_sent) */
};

/* CONN_WANT_HANDLER: only with conn_use_workers; the request is parsed and
 * waits for conn_run_handler on another thread. */
enum conn_want { CONN_WANT_READ, CONN_WANT_WRITE, CONN_WANT_TIMER, CONN_WANT_HANDLER, CONN_DONE };

/* What the loop saw; a timeout needs no flag: the connection compares its
 * own deadline with the clock on every call. */
#define CONN_READABLE 1u
#define CONN_WRITABLE 2u

enum conn_state {
	CONN_READ_REQUEST, /* waiting for (the rest of) a request head */
	CONN_HANDLER,      /* parsed; the handler runs on a worker (11_pool) */
	CONN_DISCARD_BODY, /* skipping a request body no route uses */
	CONN_DELAY,        /* /delay: the answer is ready but not due */
	CONN_WRITE,        /* sending an answer */
	CONN_LINGER,       /* half-closed after a last answer, draining input */
	CONN_CLOSED,
};

struct conn {
	int fd;
	enum conn_mode mode;
	enum conn_state state;
	bool can_read, can_write;    /* last known readiness */
	bool head_started;           /* a request's first bytes are here */
	bool nodelay;                /* TCP_NODELAY is set */
	bool use_workers;            /* the handler runs elsewhere (conn_use_workers) */
	bool keep_alive_allowed;     /* with use_workers: for the handler */
	struct http_request request; /* with use_workers: points into buf */
	struct list_link queue_link; /* with use_workers: the link in a queue (list.h) */
	unsigned idle_ms;
	unsigned requests;
	unsigned rcvtimeo_ms;      /* blocking mode: the SO_RCVTIMEO in force */
	unsigned sndtimeo_ms;      /* blocking mode: the SO_SNDTIMEO in force */
	bool interrupted;          /* blocking mode: a signal cut the last call short */
	bool yielded;              /* event loops: stopped at its budget, to be called back */
	unsigned steps;            /* what the last conn_on_event did; 0: nothing to do */
	uint64_t yielded_deadline; /* the real deadline while yielded */
	/* NULL while idle, so 10,000 idle connections cost ~10,000 structs:
	 * input (HTTP_MAX_HEAD) followed by output (RESPOND_OUT_CAP). */
	char *buf;
	size_t in_start, in_end, scanned;
	size_t out_start;
	uint64_t input_budget; /* body bytes to discard, or linger allowance */
	uint64_t pattern_sent;
	struct reply reply;
	uint64_t deadline_ms; /* idle, header, send, delay or linger deadline */
	struct timer timer;   /* an event loop's heap entry for deadline_ms */
};

/* Take over an accepted socket; counts it as accepted and open. */
void conn_init(struct conn *c, int fd, enum conn_mode mode, unsigned idle_ms);

/* Handle readiness (CONN_READABLE/CONN_WRITABLE, or 0 for "just check the
 * deadline") and go as far as possible. Returns what to wait for next. */
enum conn_want conn_on_event(struct conn *c, unsigned events);

/*
 * Completion mode (10_io_uring). A readiness loop says "you can read now"
 * and the connection reads; a completion loop has the kernel read *for* it
 * and then says "this is what was read". The same state machine sits
 * behind both: these four calls replace the connection's own read() and
 * writev(), and return what it wants next, as conn_on_event() does.
 * One operation at a time: a recv is submitted when it wants CONN_WANT_READ,
 * a send when it wants CONN_WANT_WRITE.
 */
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

/*
 * Handlers on other threads (11_pool). After conn_use_workers, a parsed
 * request is not answered in conn_on_event: the connection wants
 * CONN_WANT_HANDLER and stays in CONN_HANDLER, touching nothing, until the
 * loop has had conn_run_handler called on some thread and calls
 * conn_on_handled. conn_run_handler writes only the answer (the output
 * area and reply) and reads only the request, fields the loop leaves alone
 * meanwhile; the queue between the threads orders the rest.
 */
void conn_use_workers(struct conn *c);
void conn_run_handler(struct conn *c);
enum conn_want conn_on_handled(struct conn *c);

/* Release the buffer, close the socket, count it closed. */
void conn_close(struct conn *c);

/* Close an accepted socket we will not serve (no descriptor slot, no
 * process or thread for it); counts it as accepted and refused. */
void conn_refuse(int fd);

/* The blocking models' whole server loop for one client: serve it on a
 * blocking socket until it leaves or times out, then close it. */
void conn_serve_blocking(int fd, unsigned idle_ms);

/* Connections by descriptor: how an event loop finds the connection behind
 * a descriptor its kernel interface reported, and closes them all at exit.
 * Loops embed struct conn first in their own record, so these pointers are
 * theirs too. */
struct conn_table {
	struct conn **by_fd;
	size_t len;
};
/* Make room for fd (false: out of memory), then store c (NULL: forget). */
bool conn_table_reserve(struct conn_table *t, int fd);
static inline void conn_table_set(struct conn_table *t, int fd, struct conn *c)
{
	t->by_fd[fd] = c;
}
static inline struct conn *conn_table_get(const struct conn_table *t, int fd)
{
	return fd >= 0 && (size_t)fd < t->len ? t->by_fd[fd] : NULL;
}

/* File the connection's deadline in an event loop's heap, lazily: see
 * conn.c. -1 if out of memory. */
int conn_track_deadline(struct conn *c, struct timer_heap *heap);
/* Take the next connection whose deadline has passed off the heap (NULL:
 * none), refiling those whose deadline has moved later. Call
 * conn_on_event(c, 0) on it. */
struct conn *conn_next_expired(struct timer_heap *heap, uint64_t now);

static inline struct conn *conn_of_timer(struct timer *t)
{
	return (struct conn *)(void *)((char *)t - offsetof(struct conn, timer));
}

#endif
