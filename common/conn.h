/*
 * conn.h - one HTTP connection as a state machine, shared by every model.
 *
 *   READ_REQUEST -> (HANDLER) -> (BODY) -> (DELAY) -> WRITE -> READ_REQUEST ...
 *                                                                 \-> LINGER -> CLOSED
 *
 * A connection reads into its buffer, asks http.c to parse, asks respond.c
 * what to answer, and writes what the socket takes. After each event it
 * returns its intent: read, write, wait for its deadline, or done. It never
 * names select, poll, epoll or kqueue: each event loop turns the intent into
 * its own registration call, in one place. Two other drivers run the very
 * same machine: the blocking models' (conn_blocking.h), on a blocking
 * socket where "want read" simply means the next read() blocks, and
 * io_uring's (conn_completion.h), where the kernel does the reads and
 * writes.
 */
#ifndef C10K_CONN_H
#define C10K_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

struct comet_room;

#include "ready.h"
#include "respond.h"
#include "stats.h"
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
	CONN_COMPLETION, /* the kernel does the reads and writes the loop submits,
			    and reports what they did (conn_completion.h) */
};

/* CONN_WANT_HANDLER: only after conn_run_handler_elsewhere; the request is
 * parsed and waits for conn_run_handler on another thread. */
enum conn_want { CONN_WANT_READ, CONN_WANT_WRITE, CONN_WANT_TIMER, CONN_WANT_HANDLER, CONN_DONE };

enum conn_state {
	CONN_READ_REQUEST, /* waiting for (the rest of) a request head */
	CONN_HANDLER,      /* parsed; the handler runs on another thread */
	CONN_BODY,         /* reading a request body: kept for a route that uses
			      it (POST /echo), read and dropped for the others */
	CONN_DELAY,        /* /delay: the answer is ready but not due */
	CONN_PARKED,       /* GET /sub: waiting for a publish (comet.h), reading
			      only to see the client leave */
	CONN_WRITE,        /* sending an answer */
	CONN_LINGER,       /* half-closed after a last answer, draining input */
	CONN_CLOSED,
};

struct conn {
	int fd;
	enum conn_mode mode;
	enum conn_state state;
	bool can_read, can_write; /* last known readiness */
	bool head_started;        /* a request's first bytes are here */
	bool nodelay;             /* TCP_NODELAY is set */
	bool handler_elsewhere;   /* the handler runs elsewhere (conn_run_handler_elsewhere) */
	unsigned idle_ms;
	unsigned requests;
	bool interrupted;          /* a signal cut the last read or write short
				      (only a blocking socket waits long enough) */
	bool yielded;              /* event loops: stopped at its budget, to be called back */
	unsigned steps;            /* what the last conn_on_event did; 0: nothing to do */
	uint64_t yielded_deadline; /* the real deadline while yielded */
	/* NULL while idle, so 10,000 idle connections cost ~10,000 structs:
	 * input (HTTP_MAX_HEAD) followed by output (RESPOND_OUT_CAP). */
	char *buf;
	size_t in_start, in_end, scanned;
	size_t out_start;
	uint64_t input_budget;  /* Content-Length body bytes to come, or linger allowance */
	struct conn_body *body; /* NULL unless the body is chunked or a route keeps it */
	uint64_t pattern_sent;
	struct reply reply;
	uint64_t deadline_ms; /* idle, header, send, delay or linger deadline */
	struct timer timer;   /* deadline_ms filed in an event loop's conn_set */
	struct {              /* while parked (comet.c) */
		bool waiting; /* counted as a waiter */
		struct conn *prev, *next;
		struct comet_room *room; /* an event loop's: listed there */
	} park;
};

/* Waiting for a publish: a blocking driver waits its own way
 * (conn_blocking.h), then calls conn_on_event again. */
bool conn_parked(const struct conn *c);

/* Take over an accepted socket; counts it as accepted and open. */
void conn_init(struct conn *c, int fd, enum conn_mode mode, unsigned idle_ms);

/* Handle readiness (READY_READ/READY_WRITE, ready.h; or 0 for "just check
 * the deadline": a timeout needs no bit, the connection compares its own
 * deadline with the clock on every call) and go as far as possible.
 * Returns what to wait for next. */
enum conn_want conn_on_event(struct conn *c, unsigned events);

/*
 * Handlers on other threads (11_pool). After conn_run_handler_elsewhere, a parsed
 * request is not answered in conn_on_event: the connection wants
 * CONN_WANT_HANDLER and stays in CONN_HANDLER, touching nothing, until the
 * loop has had conn_run_handler called on some thread and calls
 * conn_on_handled. conn_run_handler parses the head again from the
 * buffer, writes the answer (the output area and reply) and moves past the
 * head: fields the loop leaves alone meanwhile. The queue between the
 * threads orders the rest.
 */
void conn_run_handler_elsewhere(struct conn *c);
void conn_run_handler(struct conn *c);
enum conn_want conn_on_handled(struct conn *c);

/* Release the buffer, close the socket, count it closed. */
void conn_close(struct conn *c);
/* A thread that ran connections keeps the buffers they gave back, for the
 * next ones to take (conn.c); it frees them when its loop ends. */
void conn_free_spare_buffers(void);

/* Close an accepted socket we will not serve (no descriptor slot, no
 * process or thread for it); counts it as accepted and refused. */
void conn_refuse(int fd);

/*
 * The machine's input and output steps, for a driver that does the reads
 * and writes itself instead of the machine (conn_completion.c: the kernel
 * reads and writes for io_uring). The models use the calls above and the
 * drivers' headers, conn_blocking.h and conn_completion.h.
 */
/* End the connection, counted under why (STAT_ERRORS, STAT_TIMEOUTS). */
void conn_close_for(struct conn *c, enum stat_counter why);
/* Make room for input at buf + in_end (taking the buffer if it has none).
 * Returns the room, or 0 when there is none to give (no memory, or a full
 * buffer: both end the connection). */
size_t conn_input_room(struct conn *c);
/* n bytes (n > 0) landed at buf + in_end, or the client closed (n == 0). */
bool conn_input_arrived(struct conn *c, size_t n);
/* The answer's unsent part as at most two iovecs; returns their count. */
int conn_output_iov(struct conn *c, struct iovec iov[2]);
/* n bytes of the answer went. */
bool conn_output_sent(struct conn *c, size_t n);

#endif
