/*
 * conn.c - the connection state machine. See conn.h for the picture.
 *
 * Readiness is remembered in can_read/can_write rather than re-asked: the
 * loop sets them from its events, and the connection clears them when the
 * kernel says EAGAIN (edge-triggered) or after one read (level-triggered,
 * where the loop will report the socket again). That single rule is what
 * makes one machine correct under select, poll, epoll LT/ET and kqueue.
 */
#include "conn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "comet.h"
#include "grow.h"
#include "net.h"
#include "signals.h"
#include "stats.h"

#define CONN_BUF_SIZE (HTTP_MAX_HEAD + RESPOND_OUT_CAP)

/* A connection gives its buffer back between keep-alive requests, so that
 * idle connections hold none. Given back to malloc, that is not free: a
 * loop that finishes many answers in one turn (10_io_uring reaps a batch of
 * completions) frees many buffers at once, glibc's free hands the top of
 * its heap back to the kernel once more than 128 KiB lie free there
 * (M_TRIM_THRESHOLD, brk), and the next turn's mallocs fault the same pages
 * in again: 7,000 brk and 70,000 page faults in 2 s at 100 keep-alive
 * clients, 10_io_uring 1.6x 06_epoll's CPU per request. So a buffer given
 * back goes on its thread's list of spares (linked through the buffers
 * themselves) and is the next one taken: a thread holds at most as many
 * buffers as it ever had busy at once, and an idle connection none. */
static _Thread_local char *spare_buffers;

static char *take_buffer(void)
{
	char *buf = spare_buffers;

	if (buf == NULL)
		return malloc(CONN_BUF_SIZE);
	memcpy(&spare_buffers, buf, sizeof(spare_buffers));
	return buf;
}

static void give_back_buffer(char *buf)
{
	memcpy(buf, &spare_buffers, sizeof(spare_buffers));
	spare_buffers = buf;
}

void conn_free_spare_buffers(void)
{
	while (spare_buffers != NULL)
		free(take_buffer());
}

/* A request body that needs more than a count of bytes: a chunked one (its
 * decoder's state) or one a route uses (its bytes, until the answer that
 * sends them back has gone). Allocated for that request only: the
 * connections that send no such body, nearly all, pay for a pointer. */
struct conn_body {
	bool chunked;
	bool kept;
	struct http_chunked decoder;
	struct body_route route;
	char *data;
	size_t len, cap;
};

static void drop_body(struct conn *c)
{
	if (c->body == NULL)
		return;
	free(c->body->data);
	free(c->body);
	c->body = NULL;
	c->reply.body = NULL;
}

static void set_deadline(struct conn *c, unsigned ms_from_now)
{
	c->deadline_ms = timer_now_ms() + ms_from_now;
	/* A new deadline replaces the one a yield put aside (yield()). */
	c->yielded = false;
}

static char *out_area(struct conn *c)
{
	return c->buf + HTTP_MAX_HEAD;
}

void conn_init(struct conn *c, int fd, enum conn_mode mode, unsigned idle_ms)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->mode = mode;
	c->state = CONN_READ_REQUEST;
	c->idle_ms = idle_ms;
	/* A new socket has room to send: writes are tried before asking. Data
	 * to read is another matter: the loop tells us when it is there. */
	c->can_write = mode != CONN_COMPLETION;
	c->can_read = mode == CONN_BLOCKING;
	set_deadline(c, idle_ms);
	stats_add(STAT_ACCEPTED, 1);
	stats_add(STAT_OPEN, 1);
}

void conn_close(struct conn *c)
{
	comet_unpark(c); /* a waiter that left, timed out or was reset: at once */
	drop_body(c);
	free(c->buf);
	c->buf = NULL;
	/* No retry on EINTR: the descriptor is gone either way on Linux, and
	 * retrying could close one another thread just opened. */
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->state = CONN_CLOSED;
	stats_add(STAT_OPEN, -1);
}

void conn_refuse(int fd)
{
	close(fd);
	stats_add(STAT_ACCEPTED, 1);
	stats_add(STAT_REFUSED, 1);
}

void conn_close_for(struct conn *c, enum stat_counter why)
{
	stats_add(why, 1);
	c->state = CONN_CLOSED;
}

/* RFC 9112 section 9.6: closing a socket with unread input makes the kernel
 * send RST, and the RST throws away what of the answer is still in our send
 * buffer or not yet delivered. Unread input is not only what sits in our
 * buffer: more can be in the kernel's receive queue, or on its way (a
 * client that keeps sending, a pipelined request behind the last answer).
 * So a close after an answer lingers -- half-close, so the client reads
 * the whole answer and then our FIN, and drain until it closes too, the
 * allowance is used up, or CONN_LINGER_MS passes (nginx's lingering close)
 * -- unless the kernel says a plain close is as safe: nothing unread, and
 * every byte of the answer acknowledged, so that not even a RST a late
 * client byte brings can destroy any of it (net_close_is_clean). On
 * loopback a short answer usually is; that spares a wake-up and a read
 * per connection. The completion model always lingers: the drain is one
 * more recv in its ring, where two ioctls would be system calls of their
 * own. */
static void start_closing(struct conn *c)
{
	if (c->mode != CONN_COMPLETION && net_close_is_clean(c->fd)) {
		c->state = CONN_CLOSED;
		return;
	}
	shutdown(c->fd, SHUT_WR);
	c->state = CONN_LINGER;
	c->in_start = c->in_end = 0;
	c->input_budget = CONN_LINGER_MAX_BYTES;
	set_deadline(c, CONN_LINGER_MS);
}

static void park(struct conn *c);

static void begin_sending(struct conn *c)
{
	if (c->reply.park.wanted) {
		park(c);
	} else if (c->reply.delay_ms > 0) {
		c->state = CONN_DELAY;
		set_deadline(c, c->reply.delay_ms);
		c->reply.delay_ms = 0;
	} else {
		c->state = CONN_WRITE;
		set_deadline(c, c->idle_ms);
	}
}

/* GET /sub with nothing to answer yet: wait for a publish, under the
 * subscriber's ?wait= or the idle timeout, holding no buffer if none of
 * its input is waiting (a parked connection costs what an idle one does). */
static void park(struct conn *c)
{
	c->reply.park.wanted = false;
	if (!comet_park(c)) {
		respond_to_error(503, true, out_area(c), &c->reply); /* past -W */
		begin_sending(c);
		return;
	}
	c->state = CONN_PARKED;
	set_deadline(c, c->reply.park.wait_ms > 0 ? c->reply.park.wait_ms : c->idle_ms);
	if (c->in_start == c->in_end && c->mode != CONN_BLOCKING) {
		give_back_buffer(c->buf);
		c->buf = NULL;
		c->in_start = c->in_end = 0;
	}
}

/* The wait is over: a message (s CHANNEL_OK), 410, or 204 (CHANNEL_WAIT,
 * the deadline). */
static void unpark(struct conn *c, enum channel_status s, const struct channel_message *m)
{
	struct reply_park park = c->reply.park;

	comet_unpark(c);
	if (c->buf == NULL && (c->buf = take_buffer()) == NULL) {
		conn_close_for(c, STAT_ERRORS);
		return;
	}
	respond_to_parked(&park, s, m, out_area(c), &c->reply);
	c->out_start = 0;
	c->pattern_sent = 0;
	begin_sending(c);
}

static bool deliver_if_published(struct conn *c)
{
	struct channel_message m;
	enum channel_status s = comet_take(c->reply.park.channel, c->reply.park.after, &m);

	if (s == CHANNEL_WAIT)
		return false;
	unpark(c, s, &m);
	return true;
}

bool conn_parked(const struct conn *c)
{
	return c->state == CONN_PARKED;
}

static void after_head(struct conn *c);

static void answer_sent(struct conn *c)
{
	if (c->reply.interim) {
		/* The 100 Continue went: now the client sends its body. */
		c->reply.interim = false;
		c->out_start = 0;
		after_head(c);
		return;
	}
	drop_body(c);
	if (c->reply.close) {
		start_closing(c);
		return;
	}
	c->state = CONN_READ_REQUEST;
	set_deadline(c, c->idle_ms);
	if (c->in_start == c->in_end && c->mode != CONN_BLOCKING) {
		/* Idle between requests: give the buffer back. This is what
		 * keeps 10,000 idle keep-alive connections cheap. */
		give_back_buffer(c->buf);
		c->buf = NULL;
		c->in_start = c->in_end = 0;
	}
}

/* The answer closes the connection and nothing more will be read as a
 * request: drop what is buffered, and let the lingering close drain the
 * rest (start_closing). */
static void ignore_rest_of_input(struct conn *c)
{
	c->in_start = c->in_end;
	c->input_budget = 0;
}

static bool body_complete(const struct conn *c);

/* What the body that follows a head needs: a count of bytes (Content-Length,
 * in input_budget), or a decoder, and a place for its bytes if the route
 * uses them. False when out of memory. */
static bool start_body(struct conn *c, const struct http_request *req,
		       const struct body_route *route)
{
	c->input_budget = req->chunked ? 0 : req->content_length;
	if (!req->chunked && route == NULL)
		return true;
	c->body = calloc(1, sizeof(*c->body));
	if (c->body == NULL)
		return false;
	c->body->chunked = req->chunked;
	if (req->chunked)
		http_chunked_init(&c->body->decoder, HTTP_MAX_BODY);
	if (route != NULL) {
		c->body->kept = true;
		c->body->route = *route;
	}
	return true;
}

static bool parse_request(struct conn *c)
{
	struct http_request req;
	struct body_route route;
	int rc;

	if (c->in_start == c->in_end)
		return false;
	rc = http_parse_request(c->buf + c->in_start, c->in_end - c->in_start, &c->scanned, &req);
	if (rc == HTTP_INCOMPLETE) {
		/* The header deadline is armed once per request, when its first
		 * bytes arrive: trickling a byte at a time cannot extend it
		 * (nginx's client_header_timeout; the slowloris defence). */
		if (!c->head_started) {
			c->head_started = true;
			set_deadline(c, c->idle_ms);
		}
		return false;
	}
	c->head_started = false;
	c->scanned = 0;
	c->out_start = 0;
	c->pattern_sent = 0;
	if (rc < 0) {
		respond_to_error(-rc, false, out_area(c), &c->reply);
		/* Nothing after a bad head can be trusted to be a request. */
		ignore_rest_of_input(c);
		after_head(c);
		return true;
	}
	c->requests++;
	if (respond_uses_body(&req, c->requests < CONN_MAX_REQUESTS, &route)) {
		/* Answered once the body is in (body_read): a route that uses a
		 * body runs on the loop's own thread, even in 11_pool, whose
		 * workers are for handlers that take long, not for copying. */
		c->in_start += (size_t)rc;
		if (!start_body(c, &req, &route)) {
			conn_close_for(c, STAT_ERRORS);
			return true;
		}
		if (req.expect_continue && !body_complete(c) && c->in_start == c->in_end) {
			/* The client holds its body back until it hears from us
			 * (RFC 9110 section 10.1.1): ask for it. (One that sent
			 * some already needs no asking.) */
			respond_continue(out_area(c), &c->reply);
			begin_sending(c);
		} else {
			after_head(c);
		}
		return true;
	}
	if (req.expect_continue && (req.content_length > 0 || req.chunked)) {
		/* The client holds its body back, and this route does not use
		 * one: the final answer is known now. Send it, and close, since
		 * whether the body follows anyway is the client's choice; the
		 * lingering close drains it if it does. */
		respond_to_request(&req, false, out_area(c), &c->reply);
		ignore_rest_of_input(c);
	} else if (c->handler_elsewhere) {
		/* The head stays in buf, where the worker parses it again
		 * (conn_run_handler): a parsed request would be 64 bytes more
		 * in every connection, idle ones too, to save a parse of a few
		 * hundred bytes on a worker. Nothing is read meanwhile. */
		c->state = CONN_HANDLER;
		return true; /* and step() stops there */
	} else {
		respond_to_request(&req, c->requests < CONN_MAX_REQUESTS, out_area(c), &c->reply);
		c->in_start += (size_t)rc;
		if (!start_body(c, &req, NULL)) {
			conn_close_for(c, STAT_ERRORS);
			return true;
		}
	}
	after_head(c);
	return true;
}

static bool body_complete(const struct conn *c)
{
	if (c->body != NULL && c->body->chunked)
		return http_chunked_done(&c->body->decoder);
	return c->input_budget == 0;
}

/* The whole body is in: answer the route that used it, then send. */
static void body_read(struct conn *c)
{
	if (c->body != NULL && c->body->kept)
		respond_to_body(&c->body->route, c->body->data, c->body->len, out_area(c),
				&c->reply);
	begin_sending(c);
}

/* The head is handled: read the body that follows it, if any, then send. */
static void after_head(struct conn *c)
{
	if (body_complete(c)) {
		body_read(c);
	} else {
		c->state = CONN_BODY;
		set_deadline(c, c->idle_ms);
	}
}

/* A body whose framing broke, or that outgrew the limit: whatever answer
 * was ready is replaced by the error (nothing of it was sent: answers go
 * once the body is in), and the connection ends after it. */
static void refuse_body(struct conn *c, int status)
{
	drop_body(c);
	respond_to_error(status, true, out_area(c), &c->reply);
	ignore_rest_of_input(c);
	begin_sending(c);
}

static bool keep_body_bytes(struct conn *c, const char *p, size_t n)
{
	struct conn_body *b = c->body;

	if (b == NULL || !b->kept || n == 0)
		return true;
	/* Both framings stop at HTTP_MAX_BODY (the parser, the decoder). */
	if (!grow_array(&b->data, &b->cap, b->len + n, 1, 4096)) {
		conn_close_for(c, STAT_ERRORS);
		return false;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return true;
}

static bool read_body(struct conn *c)
{
	const char *in = c->buf + c->in_start, *data = in;
	size_t have = c->in_end - c->in_start, data_len, took;

	if (have == 0)
		return false;
	if (c->body != NULL && c->body->chunked) {
		long n = http_chunked_decode(&c->body->decoder, in, have, &data, &data_len);

		if (n < 0) {
			refuse_body(c, (int)-n);
			return true;
		}
		took = (size_t)n;
	} else {
		took = have < c->input_budget ? have : (size_t)c->input_budget;
		data_len = took;
		c->input_budget -= took;
	}
	if (!keep_body_bytes(c, data, data_len))
		return true;
	c->in_start += took;
	set_deadline(c, c->idle_ms); /* a body may take long; stalling may not */
	if (body_complete(c))
		body_read(c);
	return true;
}

static void deadline_passed(struct conn *c)
{
	switch (c->state) {
	case CONN_DELAY:
		c->state = CONN_WRITE;
		set_deadline(c, c->idle_ms);
		break;
	case CONN_LINGER:
		c->state = CONN_CLOSED;
		break;
	case CONN_PARKED:
		unpark(c, CHANNEL_WAIT, NULL); /* 204: nothing was published */
		break;
	case CONN_CLOSED:
	case CONN_HANDLER: /* handed off: a long /spin is not a slow client */
		break;
	default:
		conn_close_for(c, STAT_TIMEOUTS);
		break;
	}
}

static bool read_failed(struct conn *c, int error)
{
	switch (error) {
	case EINTR:
		/* Only blocking models see this (event loops read only what is
		 * ready); a stop request ends the connection. */
		if (signals_stop_requested())
			c->state = CONN_CLOSED;
		c->interrupted = true;
		return true;
	case EAGAIN:
#if EWOULDBLOCK != EAGAIN
	case EWOULDBLOCK:
#endif
		if (c->mode == CONN_BLOCKING && c->state == CONN_PARKED)
			return false; /* nothing came: still waiting (read_input) */
		if (c->mode == CONN_BLOCKING) {
			/* SO_RCVTIMEO expired: idle or too slow. */
			if (c->state == CONN_LINGER)
				c->state = CONN_CLOSED;
			else
				conn_close_for(c, STAT_TIMEOUTS);
			return true;
		}
		c->can_read = false;
		return false;
	default:
		/* ECONNRESET and friends end this client, nothing else. */
		conn_close_for(c, STAT_ERRORS);
		return true;
	}
}

/* Make room for input at buf + in_end. Returns the room, or 0 when there is
 * none to give (no memory, or a full buffer: both end the connection). */
size_t conn_input_room(struct conn *c)
{
	size_t room;

	if (c->buf == NULL) {
		c->buf = take_buffer();
		if (c->buf == NULL) {
			conn_close_for(c, STAT_ERRORS);
			return 0;
		}
	}
	if (c->in_start == c->in_end) {
		c->in_start = c->in_end = 0;
	} else if (c->in_end == HTTP_MAX_HEAD) {
		memmove(c->buf, c->buf + c->in_start, c->in_end - c->in_start);
		c->in_end -= c->in_start;
		c->in_start = 0;
	}
	room = HTTP_MAX_HEAD - c->in_end;
	if (room == 0) {
		/* The parser gives a verdict before a head can fill the buffer
		 * (http.h). A read of 0 bytes would return 0, which reads as the
		 * client leaving: never issue one. */
		conn_close_for(c, STAT_ERRORS);
	}
	return room;
}

/* n bytes (n > 0) landed at buf + in_end, or the client closed (n == 0). */
bool conn_input_arrived(struct conn *c, size_t n)
{
	if (n == 0) {
		/* The client closed. Mid-request or not, there is nobody left
		 * to answer. */
		c->state = CONN_CLOSED;
		return true;
	}
	if (c->state == CONN_LINGER) {
		c->input_budget = (uint64_t)n < c->input_budget ? c->input_budget - (uint64_t)n : 0;
		if (c->input_budget == 0)
			c->state = CONN_CLOSED;
		return true;
	}
	c->in_end += n;
	return true;
}

/* An idle connection holds no buffer, and a read that finds nothing must
 * not give it one: 08_nonblocking tries every socket, 09_sigio each new one
 * once, and most find EAGAIN; 03_thread's idle connection waits in this
 * read. The first read after idling lands in first_read, and the
 * connection takes a buffer only for bytes that came. first_read is on the
 * stack, not _Thread_local: every new thread gets its thread-locals zeroed,
 * which cost a thread per connection 16 KiB each (37 KiB per idle
 * connection instead of 21); the stack's pages are touched only where the
 * read writes. */
static bool read_input(struct conn *c)
{
	char first_read[HTTP_MAX_HEAD];
	bool idle = c->buf == NULL;
	size_t room;
	ssize_t n;

	if (!c->can_read)
		return false; /* always, in completion mode: the loop reads */
	room = idle ? sizeof(first_read) : conn_input_room(c);
	if (room == 0)
		return true;
	/* Parked, a blocking socket only looks: the wait was the driver's
	 * (conn_blocking.h), and a read that blocked would miss the publish. */
	n = recv(c->fd, idle ? first_read : c->buf + c->in_end, room,
		 c->state == CONN_PARKED ? MSG_DONTWAIT : 0);
	if (n < 0)
		return read_failed(c, errno);
	c->interrupted = false;
	if (c->mode == CONN_LEVEL && n > 0)
		c->can_read = false;
	if (idle && n > 0 && c->state != CONN_LINGER) {
		if (conn_input_room(c) == 0)
			return true; /* no memory: ended */
		memcpy(c->buf + c->in_end, first_read, (size_t)n);
	}
	return conn_input_arrived(c, (size_t)n);
}

/* The answer's unsent part: the head (and small body) in the output area,
 * then the /bytes pattern. Returns how many iovecs (0: all sent). */
int conn_output_iov(struct conn *c, struct iovec iov[2])
{
	size_t out_len = c->reply.out_len - c->out_start;
	int iovcnt = 0;

	if (out_len > 0) {
		iov[iovcnt].iov_base = out_area(c) + c->out_start;
		iov[iovcnt++].iov_len = out_len;
	}
	if (c->pattern_sent < c->reply.pattern_len) {
		uint64_t left = c->reply.pattern_len - c->pattern_sent;
		size_t len = (size_t)left;
		const char *chunk = c->reply.body != NULL
					? c->reply.body + c->pattern_sent
					: respond_pattern_at(c->pattern_sent, left, &len);
		iov[iovcnt].iov_base = (void *)(uintptr_t)chunk;
		iov[iovcnt++].iov_len = len;
	}
	/* Nagle's algorithm holds a small segment back while an earlier one is
	 * unacknowledged, and the peer's delayed ACK can make that 40 ms. The
	 * first write on a connection is never held back, and a response goes
	 * out in one writev, so one-request connections need nothing; from the
	 * second write on (keep-alive, pipelining, long bodies) Nagle goes off,
	 * as nginx does on its keep-alive transition. That is one setsockopt
	 * per connection saved where connections are short. */
	if (iovcnt > 0 && !c->nodelay &&
	    (c->requests > 1 || c->out_start > 0 || c->pattern_sent > 0)) {
		net_set_nodelay(c->fd);
		c->nodelay = true;
	}
	return iovcnt;
}

static bool answer_complete(const struct conn *c)
{
	return c->out_start == c->reply.out_len && c->pattern_sent == c->reply.pattern_len;
}

/* n bytes of output went. */
bool conn_output_sent(struct conn *c, size_t n)
{
	size_t out_len = c->reply.out_len - c->out_start;
	size_t sent_from_out = n < out_len ? n : out_len;

	c->out_start += sent_from_out;
	c->pattern_sent += n - sent_from_out;
	if (answer_complete(c)) {
		answer_sent(c);
		return true;
	}
	/* Partial. Non-blocking: the send buffer is full; level-triggered
	 * loops will tell us when it drains, edge-triggered ones need us to
	 * hit EAGAIN. Blocking: a signal or the send timeout cut the call
	 * short, and the next call goes on. */
	if (c->mode == CONN_LEVEL)
		c->can_write = false;
	set_deadline(c, c->idle_ms);
	return true;
}

static bool write_output(struct conn *c)
{
	struct iovec iov[2];
	int iovcnt;
	ssize_t n;

	if (answer_complete(c)) {
		answer_sent(c);
		return true;
	}
	if (!c->can_write)
		return false; /* always, in completion mode: the loop writes */
	iovcnt = conn_output_iov(c, iov);
	n = writev(c->fd, iov, iovcnt);
	if (n < 0) {
		if (errno == EINTR) {
			if (signals_stop_requested())
				c->state = CONN_CLOSED;
			c->interrupted = true;
			return true;
		}
		if ((errno == EAGAIN || errno == EWOULDBLOCK) && c->mode != CONN_BLOCKING) {
			c->can_write = false;
			return false;
		}
		/* EPIPE, ECONNRESET, or a blocking send that timed out. */
		conn_close_for(c, errno == EAGAIN || errno == EWOULDBLOCK ? STAT_TIMEOUTS
									  : STAT_ERRORS);
		return true;
	}
	c->interrupted = false;
	return conn_output_sent(c, (size_t)n);
}

static bool step(struct conn *c)
{
	switch (c->state) {
	case CONN_READ_REQUEST:
		return parse_request(c) || read_input(c);
	case CONN_BODY:
		return read_body(c) || read_input(c);
	case CONN_WRITE:
		return write_output(c);
	case CONN_LINGER:
		return read_input(c);
	case CONN_PARKED:
		return deliver_if_published(c) || read_input(c);
	case CONN_HANDLER:
	case CONN_DELAY:
	case CONN_CLOSED:
		return false;
	}
	return false;
}

/* The budget of one event is spent and there may be more to do. An
 * edge-triggered loop will not report the socket again (no new edge), and
 * no loop reports requests already read into the buffer: the connection
 * asks to be called back at once. A deadline of "now" in the loop's timer
 * heap makes the next wait return at once and, after the other ready
 * descriptors, calls it again. */
static void yield(struct conn *c)
{
	stats_add(STAT_YIELDS, 1);
	c->yielded = true;
	c->yielded_deadline = c->deadline_ms;
	c->deadline_ms = timer_now_ms();
}

/* Is this deadline a verdict on the client (too slow to send its head or
 * body, or to read its answer), rather than a plan of our own (a /delay,
 * the end of a lingering close)? */
static bool deadline_judges_client(const struct conn *c)
{
	return c->state == CONN_READ_REQUEST || c->state == CONN_BODY || c->state == CONN_WRITE;
}

enum conn_want conn_on_event(struct conn *c, unsigned events)
{
	uint64_t judged_deadline = 0;
	bool judge_after = false, cut_short = false;

	if (events & READY_READ)
		c->can_read = true;
	if (events & READY_WRITE)
		c->can_write = true;
	if (c->yielded) {
		c->yielded = false;
		c->deadline_ms = c->yielded_deadline;
	}
	if (timer_now_ms() >= c->deadline_ms) {
		if (!deadline_judges_client(c)) {
			deadline_passed(c);
		} else {
			/* Look before judging. The clock says the client is
			 * late, but the loop may be the one that is late: held
			 * by a /spin, a slow handler or a SIGSTOP, it finds the
			 * deadline past with the request that came in time
			 * waiting in the socket. So what the socket holds is
			 * taken first (nginx handles a wake-up's ready events
			 * before it expires its timers); only a client whose
			 * steps renewed no deadline -- nothing came, or a head
			 * still unfinished -- is timed out. In completion mode
			 * the kernel has already read: what came is in buf. */
			judge_after = true;
			judged_deadline = c->deadline_ms;
			if (c->mode != CONN_COMPLETION) {
				if (c->state == CONN_WRITE)
					c->can_write = true;
				else
					c->can_read = true;
			}
		}
	}
	c->steps = 0;
	while (step(c)) {
		/* A blocking connection comes back to its driver after every
		 * step: the driver bounds the socket's timeouts before the
		 * next read or write (conn_blocking.c), and it is the only
		 * client of its process or thread anyway. */
		if (c->mode == CONN_BLOCKING) {
			cut_short = true;
			break;
		}
		/* One fast client must not hold a one-thread loop for the whole
		 * of a 64 MiB answer: a bounded share per event. A connection
		 * handed to a worker has nothing to do until it comes back
		 * (conn_on_handled): no call-back to ask for. */
		if (++c->steps == CONN_STEPS_PER_EVENT && c->state != CONN_CLOSED &&
		    c->state != CONN_HANDLER) {
			yield(c);
			cut_short = true;
			break;
		}
	}
	/* Judged once the steps have taken all there was: a blocking
	 * connection comes back after each step (its next call looks again),
	 * and one that yielded is called back at once. */
	if (judge_after && !cut_short && c->deadline_ms == judged_deadline &&
	    deadline_judges_client(c))
		deadline_passed(c);
	switch (c->state) {
	case CONN_WRITE:
		return CONN_WANT_WRITE;
	case CONN_DELAY:
		return CONN_WANT_TIMER;
	case CONN_HANDLER:
		return CONN_WANT_HANDLER;
	case CONN_CLOSED:
		return CONN_DONE;
	default:
		return CONN_WANT_READ;
	}
}

void conn_run_handler_elsewhere(struct conn *c)
{
	c->handler_elsewhere = true;
}

void conn_run_handler(struct conn *c)
{
	struct http_request req;
	size_t scanned = 0;
	/* The bytes the loop found a whole head in: the same verdict. */
	int head =
	    http_parse_request(c->buf + c->in_start, c->in_end - c->in_start, &scanned, &req);

	respond_to_request(&req, c->requests < CONN_MAX_REQUESTS, out_area(c), &c->reply);
	c->in_start += (size_t)head;
	/* Out of memory for a chunked body's decoder: nothing after this
	 * head can be framed, so the answer is the last. */
	if (!start_body(c, &req, NULL)) {
		c->reply.close = true;
		c->input_budget = 0;
		ignore_rest_of_input(c);
	}
}

enum conn_want conn_on_handled(struct conn *c)
{
	c->state = CONN_READ_REQUEST; /* what after_head moves on from */
	after_head(c);
	return conn_on_event(c, 0);
}
