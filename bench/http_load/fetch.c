/*
 * fetch.c - one fetch on one socket: connect, send the request, read the
 * response (framing.c frames it) and count the ending, each step taken as
 * far as the socket allows (the waiter reports edges). With -keepalive the
 * connection carries the next fetch. See http_load.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grow.h"
#include "http_load.h"

/* A slot's fetch state for a new request (its response, what was sent). */
static void reset_fetch(struct fetch *f)
{
	response_reset(&f->response);
	f->sent = 0;
}

/* Room for cap slots (cap > run.fetch_cap); the new ones go on the free
 * list, lowest first. Only between fetches' steps: the slots may move. */
bool grow_slots(int cap)
{
	size_t n = (size_t)cap;
	int i;

	if (!resize_array(&run.fetches, n, sizeof(*run.fetches)) ||
	    !resize_array(&run.free_slots, n, sizeof(*run.free_slots)) ||
	    !resize_array(&run.pending_sends, n, sizeof(*run.pending_sends)) ||
	    !resize_array(&run.ready_events, n, sizeof(*run.ready_events)))
		return false;
	memset(run.fetches + run.fetch_cap, 0,
	       (size_t)(cap - run.fetch_cap) * sizeof(*run.fetches));
	for (i = cap - 1; i >= run.fetch_cap; i--) {
		run.fetches[i].fd = -1;
		run.free_slots[run.free_count++] = i;
	}
	run.fetch_cap = cap;
	return true;
}

/* A free slot for the next start, growing the slots if none is left. */
bool slot_available(void)
{
	if (run.free_count > 0)
		return true;
	if (run.fetch_cap == run.fetch_max)
		return false;
	return grow_slots(run.fetch_cap > run.fetch_max / 2 ? run.fetch_max : run.fetch_cap * 2);
}

/* What poll (the level-triggered waiter) should watch in this state. */
static void want_for_state(struct fetch *f)
{
	unsigned events = f->state == CONNECTING || f->state == SENDING ? READY_WRITE
			  : f->paused                                   ? 0
									: READY_READ;
	waiter_want(run.waiter, f->fd, events);
}

static void release_fetch(struct fetch *f)
{
	if (f->fd >= 0) {
		waiter_forget(run.waiter, f->fd);
		close(f->fd);
	}
	f->fd = -1;
	f->state = IDLE;
	run.free_slots[run.free_count++] = (int)(f - run.fetches);
	run.st.active--;
}

bool counting(uint64_t now)
{
	return run.opt.seconds == 0 || now <= run.end_ns;
}

static void fetch_failed(struct fetch *f, enum failure why, const char *detail, uint64_t now)
{
	if (counting(now)) {
		run.st.failed[why]++;
		fprintf(stderr, "%s: %s\n", f->url->text, detail);
	}
	release_fetch(f);
}

/* A complete response: count it, check its body, record its latency. */
static void fetch_succeeded(struct fetch *f, uint64_t now)
{
	struct url *u = f->url;

	if (!counting(now))
		return;
	run.st.fetches++;
	f->answered = true;
	run.st.bytes += (double)f->response.body_bytes;
	run.st.codes[f->response.status]++;
	if (f->response.status < 200 || f->response.status > 299)
		run.st.non2xx++;
	histogram_record(&run.st.latency,
			 (now - (run.opt.rate ? f->scheduled_ns : f->started_ns)) / 1000);
	if (run.opt.checksum) {
		if (!u->have_checksum) {
			u->have_checksum = true;
			u->expected_checksum = f->response.checksum;
		} else if (f->response.checksum != u->expected_checksum) {
			fprintf(stderr, "%s: checksum wrong\n", u->text);
			run.st.bad_bytes++;
		}
	} else if (f->response.content_length < 0) {
		/* Without Content-Length, only the URL's earlier answers say
		 * what the length should be (the original's rule, kept for
		 * close-delimited bodies alone; a declared length is checked
		 * against itself as the body arrives). */
		if (u->eof_body_bytes < 0) {
			u->eof_body_bytes = f->response.body_bytes;
		} else if (f->response.body_bytes != u->eof_body_bytes) {
			fprintf(stderr, "%s: byte count wrong\n", u->text);
			run.st.bad_bytes++;
		}
	}
}

bool more_fetches_wanted(uint64_t now)
{
	if (run.opt.fetches)
		return run.st.started < run.opt.fetches;
	return now < run.end_ns;
}

/* Write what is left of the request while the socket takes it. The first
 * write of a new connection also tells whether connect() succeeded: it
 * fails with connect's error (no getsockopt(SO_ERROR) needed). */
static void send_request(struct fetch *f, uint64_t now)
{
	while (f->can_write && (f->state == CONNECTING || f->state == SENDING)) {
		ssize_t n = write(f->fd, f->url->request + f->sent, f->url->request_len - f->sent);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* Not yet: BSD and macOS say ENOTCONN until the
			 * handshake is done, Linux EAGAIN. */
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    (errno == ENOTCONN && f->state == CONNECTING)) {
				f->can_write = false;
				return;
			}
			fetch_failed(f, f->state == CONNECTING ? FAIL_CONNECT : FAIL_WRITE,
				     strerror(errno), now);
			return;
		}
		if (f->state == CONNECTING) {
			ms_add(&run.st.connect, (double)(now - f->started_ns) / 1e6);
			f->state = SENDING;
		}
		f->sent += (size_t)n;
		f->last_io_ns = now;
		if (f->sent == f->url->request_len) {
			f->sent_ns = now;
			f->state = RECEIVING;
			want_for_state(f);
			return;
		}
		f->can_write =
		    false; /* a short write: the socket buffer is full until the next edge */
	}
}

static void receive(struct fetch *f, uint64_t now);

static void response_complete(struct fetch *f, uint64_t now)
{
	fetch_succeeded(f, now);
	if (run.opt.keepalive && !f->response.server_closes && f->response.content_length >= 0 &&
	    more_fetches_wanted(now)) {
		/* Reuse the connection: the next fetch starts now. */
		reset_fetch(f);
		f->url = pick_url();
		f->started_ns = f->scheduled_ns = now;
		run.st.started++;
		f->state = SENDING;
		want_for_state(f);
		/* Sent after the whole batch of events has been read, as wrk
		 * does: the server then finds many requests per wake-up rather
		 * than one at a time. */
		run.pending_sends[run.pending_count++] = (int)(f - run.fetches);
		return;
	}
	release_fetch(f);
}

void send_pending(uint64_t now)
{
	int i;

	for (i = 0; i < run.pending_count; i++) {
		struct fetch *f = &run.fetches[run.pending_sends[i]];
		if (f->state == SENDING) {
			send_request(f, now);
			receive(f, now); /* reads only what a hang-up left (can_read) */
		}
	}
	run.pending_count = 0;
}

/* The server closed the connection: the end of a body without
 * Content-Length, or a failure. */
static void on_eof(struct fetch *f, uint64_t now)
{
	char why[96];

	if (f->response.part == RESPONSE_HEAD) {
		fetch_failed(f, FAIL_NO_RESPONSE,
			     f->response.head_bytes ? "closed in the middle of the response head"
						    : "closed before a response",
			     now);
	} else if (f->response.content_length >= 0) {
		snprintf(why, sizeof(why), "body truncated: %lld of %lld bytes",
			 f->response.body_bytes, f->response.content_length);
		fetch_failed(f, FAIL_TRUNCATED, why, now);
	} else {
		response_complete(f, now);
	}
}

/* Read while there is something to read. A short read that completes the
 * response is trusted to have drained the socket (unless the waiter saw
 * the server hang up); one that leaves it incomplete is not, since an EOF
 * that came with the data raises no new edge: read on until EAGAIN. */
static void receive(struct fetch *f, uint64_t now)
{
	static char buf[65536];

	while (f->can_read && !f->paused && (f->state == RECEIVING)) {
		size_t room = sizeof(buf);
		ssize_t n;
		int verdict;

		if (run.opt.throttle) {
			/* No faster than -throttle: at most what the elapsed
			 * time allows; pause the connection when ahead. */
			double allowed =
			    (double)run.opt.throttle * (double)(now - f->sent_ns) / 1e9 -
			    (double)(f->response.body_bytes + f->response.head_bytes);
			if (allowed < 1) {
				f->paused = true;
				want_for_state(f);
				return;
			}
			if (allowed < (double)room)
				room = (size_t)allowed;
		}
		n = read(f->fd, buf, room);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				f->can_read = false;
			else
				fetch_failed(f, FAIL_READ, strerror(errno), now);
			return;
		}
		f->last_io_ns = now;
		if (n == 0) {
			on_eof(f, now);
			return;
		}
		if (f->response.head_bytes == 0 && f->response.status == 0)
			ms_add(&run.st.first_response, (double)(now - f->sent_ns) / 1e6);
		verdict = response_feed(&f->response, buf, (size_t)n, run.opt.checksum);
		if (verdict < 0) {
			char why[120];

			snprintf(why, sizeof(why), "bad response (%s)", f->response.error);
			fetch_failed(f, FAIL_BAD_RESPONSE, why, now);
			return;
		}
		if (verdict > 0) {
			/* A short read drained the socket, unless the server's
			 * end of file came with this data: an edge-triggered
			 * waiter will not report it again, and the next
			 * request on this connection must find it (send_pending
			 * reads on), not wait out -timeout. */
			if ((size_t)n < room && !f->peer_closed)
				f->can_read = false;
			response_complete(f, now);
			return;
		}
	}
}

static void progress(struct fetch *f, uint64_t now)
{
	send_request(f, now);
	receive(f, now);
}

static int nonblocking_socket(int family)
{
#ifdef SOCK_NONBLOCK
	return socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
#else
	/* macOS: no flags at socket(); two fcntl calls instead. */
	int fd = socket(family, SOCK_STREAM, 0);

	if (fd >= 0 && (fcntl(fd, F_SETFL, O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
#endif
}

void start_fetch(uint64_t scheduled, uint64_t now)
{
	int slot = run.free_slots[--run.free_count];
	struct fetch *f = &run.fetches[slot];
	const struct sockaddr *addr;
	socklen_t addr_len;
	int rc;

	f->url = pick_url();
	reset_fetch(f);
	f->generation++;
	f->scheduled_ns = scheduled;
	f->used = true;
	/* Its own clock, not the turn's (now): up to START_BURST sockets
	 * start in one turn, and each one's connect time and closed-loop
	 * latency count from its own connect(). */
	f->started_ns = f->last_io_ns = now_ns();
	f->can_read = f->can_write = f->paused = f->peer_closed = false;
	f->state = CONNECTING;
	run.st.started++;
	if (++run.st.active > run.st.max_parallel)
		run.st.max_parallel = run.st.active;
	addr = run.opt.proxy ? (const struct sockaddr *)&run.proxy_addr
			     : (const struct sockaddr *)&f->url->addr;
	addr_len = run.opt.proxy ? run.proxy_addr_len : f->url->addr_len;
	f->fd = nonblocking_socket(addr->sa_family);
	if (f->fd < 0) {
		fetch_failed(f, FAIL_CONNECT, strerror(errno), now);
		return;
	}
	if (run.opt.keepalive) {
		/* Requests go out one write each; Nagle would hold the next
		 * one back until the previous answer's ACK. */
		int one = 1;
		setsockopt(f->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	rc = connect(f->fd, addr, addr_len);
	if (rc < 0 && errno != EINPROGRESS) {
		fetch_failed(f, FAIL_CONNECT, strerror(errno), now);
		return;
	}
	if (waiter_add(run.waiter, f->fd, (uint64_t)f->generation << 32 | (uint32_t)slot) < 0) {
		fetch_failed(f, FAIL_CONNECT, strerror(errno), now);
		return;
	}
	/* Over loopback the handshake has usually finished inside connect()
	 * even when it says EINPROGRESS: try the request at once, and let an
	 * edge say when to go on if it was too early. */
	f->can_write = true;
	progress(f, now_ns()); /* the clock again, for what connect() took */
}

/* Every tick: idle timeouts, paused (throttled) connections, progress. */
void tick(uint64_t now)
{
	uint64_t timeout_ns = (uint64_t)run.opt.timeout_s * 1000000000u;
	int i;

	for (i = 0; i < run.fetch_cap; i++) {
		struct fetch *f = &run.fetches[i];
		if (f->state == IDLE)
			continue;
		if (f->paused) {
			/* The data that arrived while paused raised its edge
			 * already: read it now rather than wait for another. */
			f->paused = false;
			want_for_state(f);
			receive(f, now);
		} else if (now - f->last_io_ns > timeout_ns) {
			fetch_failed(f, FAIL_TIMEOUT, "timed out", now);
		}
	}
}

void dispatch(const struct waiter_event *ev, uint64_t now)
{
	uint32_t slot = (uint32_t)ev->tag;
	struct fetch *f;

	if (slot >= (uint32_t)run.fetch_cap)
		return;
	f = &run.fetches[slot];
	/* An event for a descriptor closed earlier in this batch, whose
	 * number a new connection may already reuse, carries the old
	 * generation: drop it. */
	if (f->state == IDLE || f->generation != (uint32_t)(ev->tag >> 32))
		return;
	if (ev->events & READY_READ)
		f->can_read = true;
	if (ev->events & READY_WRITE)
		f->can_write = true;
	if (ev->events & WAITER_HANGUP)
		f->peer_closed = true;
	progress(f, now);
}
