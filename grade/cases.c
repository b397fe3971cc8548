/*
 * cases.c - what the grader asks, and what a server that meets each
 * requirement does. Ids are stable ("SECTION/NAME": --case takes one or a
 * prefix); each case names its requirement (RFC 9112 and 9110 by section,
 * or the lesson of the ladder it checks) and its level: a MUST fails the
 * grade, a SHOULD is "non-strict" unless --strict, a lesson is
 * informational unless the teacher's profile requires it.
 *
 * The table cases are a raw request and the answers allowed: a status in
 * [lo, hi], or a close without one (or_close), or for a fragment nothing at
 * all for a while (waits). The others are functions: they need more than
 * one connection, or a route, or time.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "grade.h"

/* How long a well-behaved server may take to answer a small request on
 * loopback, and how long a fragment is watched for an answer it must not
 * get: generous, since these machines are noisy. */
#define ANSWER_MS 3000
#define FRAGMENT_MS 600
/* How long a head that trickles in may hold a connection: a server that
 * grades well times out unfinished heads sooner (give it a header timeout
 * under this: our models' -t 5, nginx's client_header_timeout). */
#define SLOWLORIS_MS 15000

#define H "Host: grade\r\n"

void grade_describe_answer(const struct answer *a, char *actual, size_t len)
{
	char status[32] = "no status line";

	if (a->connect_failed) {
		snprintf(actual, len, "could not connect");
		return;
	}
	if (a->status)
		snprintf(status, sizeof(status), "status %d", a->status);
	snprintf(actual, len, "%s after %ld ms; %zu bytes%s%s: \"%s\"", status, a->ms, a->bytes,
		 a->reset    ? ", then a reset"
		 : a->closed ? ", then a close"
			     : "",
		 a->timed_out ? ", then silence" : "", a->head);
}

enum verdict grade_by_level(const struct grade_case *gc, bool ok)
{
	if (ok)
		return PASS;
	return gc->level == LEVEL_MUST     ? FAIL
	       : gc->level == LEVEL_SHOULD ? NON_STRICT
					   : INFORMATIONAL;
}

static bool in_ranges(const struct grade_case *gc, int status)
{
	return (status >= gc->lo && status <= gc->hi) ||
	       (gc->hi2 > 0 && status >= gc->lo2 && status <= gc->hi2);
}

static void describe_expected(const struct grade_case *gc, char *expected, size_t len)
{
	char range[64], body[96] = "", alt[48] = "";

	if (gc->waits) {
		snprintf(expected, len,
			 "nothing for %d ms: no answer and no close (the request is not finished)",
			 FRAGMENT_MS);
		return;
	}
	if (gc->lo == gc->hi)
		snprintf(range, sizeof(range), "status %d", gc->lo);
	else
		snprintf(range, sizeof(range), "a status from %d to %d", gc->lo, gc->hi);
	if (gc->hi2 > 0)
		snprintf(alt, sizeof(alt), gc->lo2 == gc->hi2 ? " or %d" : " or %d to %d", gc->lo2,
			 gc->hi2);
	if (gc->body != NULL) {
		char escaped[64];

		grade_escape(gc->body, strlen(gc->body), escaped, sizeof(escaped));
		snprintf(body, sizeof(body), ", a 200 with the body \"%s\"", escaped);
	}
	snprintf(expected, len, "%s%s%s%s", range, alt, body,
		 gc->or_close ? ", or a close without an answer" : "");
}

static enum verdict raw_case(const struct grade_case *gc, int port, char *sent, size_t sent_len,
			     char *expected, size_t expected_len, char *actual, size_t actual_len)
{
	size_t len = gc->len ? gc->len : strlen(gc->request);
	struct answer a;
	bool ok;

	grade_escape(gc->request, len, sent, sent_len);
	describe_expected(gc, expected, expected_len);
	grade_exchange(port, gc->request, len, gc->feed, 1, gc->waits ? FRAGMENT_MS : ANSWER_MS,
		       &a);
	grade_describe_answer(&a, actual, actual_len);
	if (a.connect_failed)
		return FAIL;
	if (gc->waits)
		ok = a.timed_out && a.bytes == 0;
	else
		ok = (in_ranges(gc, a.status) && a.answers >= 1 &&
		      (gc->body == NULL || a.status != 200 ||
		       (a.body_len == strlen(gc->body) &&
			memcmp(a.body, gc->body, a.body_len) == 0))) ||
		     (gc->or_close && a.status == 0 && (a.closed || a.reset));
	if (!ok && gc->body != NULL && a.status == 200) {
		char body[96];
		size_t used = strlen(actual);

		grade_escape(a.body, a.body_len, body, sizeof(body));
		snprintf(actual + used, actual_len - used, "; its body \"%s\"", body);
	}
	return grade_by_level(gc, ok);
}

/* Several requests on one connection, one after another, each answered
 * before the next goes (keep-alive), or all in one write (pipelining). */
static enum verdict on_one_connection(const struct grade_case *gc, int port, int count,
				      bool pipelined, char *actual, size_t actual_len)
{
	const char *one = "GET / HTTP/1.1\r\n" H "\r\n";
	char burst[4096] = "";
	struct answer a = { 0 };
	int fd = grade_connect(port), i, answered = 0;

	if (fd < 0) {
		snprintf(actual, actual_len, "could not connect");
		return FAIL;
	}
	if (pipelined) {
		for (i = 0; i < count; i++)
			strcat(burst, one);
		(void)!send(fd, burst, strlen(burst), MSG_NOSIGNAL);
		grade_read(fd, count, ANSWER_MS, grade_now_ms(), &a);
		answered = a.answers;
	} else {
		for (i = 0; i < count; i++) {
			if (send(fd, one, strlen(one), MSG_NOSIGNAL) < 0)
				break;
			grade_read(fd, 1, ANSWER_MS, grade_now_ms(), &a);
			if (a.answers < 1 || a.status / 100 != 2)
				break;
			answered++;
		}
	}
	close(fd);
	snprintf(actual, actual_len, "%d of %d answered on the connection; the last read: %s",
		 answered, count,
		 a.closed  ? "closed"
		 : a.reset ? "reset"
			   : "open");
	return grade_by_level(gc, answered == count);
}

static enum verdict keep_alive(const struct grade_case *gc, int port, char *sent, size_t sent_len,
			       char *expected, size_t expected_len, char *actual, size_t actual_len)
{
	snprintf(sent, sent_len,
		 "GET / HTTP/1.1\\r\\nHost: grade\\r\\n\\r\\n, three times, each "
		 "after the answer before it");
	snprintf(expected, expected_len, "three 2xx answers on one connection");
	return on_one_connection(gc, port, 3, false, actual, actual_len);
}

static enum verdict pipelined(const struct grade_case *gc, int port, char *sent, size_t sent_len,
			      char *expected, size_t expected_len, char *actual, size_t actual_len)
{
	snprintf(sent, sent_len,
		 "GET / HTTP/1.1\\r\\nHost: grade\\r\\n\\r\\n, 20 times in one write");
	snprintf(expected, expected_len, "20 answers, in order, on that connection");
	return on_one_connection(gc, port, 20, true, actual, actual_len);
}

/* Connection: close (RFC 9112 9.6), and HTTP/1.0 without keep-alive: the
 * answer, whole, then the server closes. */
static enum verdict answered_then_closed(const struct grade_case *gc, int port, char *sent,
					 size_t sent_len, char *expected, size_t expected_len,
					 char *actual, size_t actual_len)
{
	struct answer a;
	int fd = grade_connect(port);

	grade_escape(gc->request, strlen(gc->request), sent, sent_len);
	snprintf(expected, expected_len, "a 2xx answer, then the server closes within %d ms",
		 ANSWER_MS);
	if (fd < 0) {
		snprintf(actual, actual_len, "could not connect");
		return FAIL;
	}
	(void)!send(fd, gc->request, strlen(gc->request), MSG_NOSIGNAL);
	/* Read past the answer: only the close ends the wait. */
	grade_read(fd, 0, ANSWER_MS, grade_now_ms(), &a);
	close(fd);
	grade_describe_answer(&a, actual, actual_len);
	return grade_by_level(gc, a.status / 100 == 2 && a.answers == 1 && (a.closed || a.reset));
}

/* The ladder's first lesson: one client idling on keep-alive must not stop
 * a second one being served (01_blocking fails this by design). */
static enum verdict second_client(const struct grade_case *gc, int port, char *sent,
				  size_t sent_len, char *expected, size_t expected_len,
				  char *actual, size_t actual_len)
{
	const char *get = "GET / HTTP/1.1\r\n" H "\r\n";
	struct answer first, second;
	int idle = grade_connect(port);

	snprintf(sent, sent_len,
		 "client 1: GET / (keep-alive), answered, then silent; client 2: GET /");
	snprintf(expected, expected_len, "client 2 answered within %d ms while client 1 idles",
		 ANSWER_MS);
	if (idle < 0) {
		snprintf(actual, actual_len, "could not connect");
		return FAIL;
	}
	(void)!send(idle, get, strlen(get), MSG_NOSIGNAL);
	grade_read(idle, 1, ANSWER_MS, grade_now_ms(), &first);
	if (!first.closed && !first.reset)
		grade_read(idle, 1, 100, grade_now_ms(), &first);
	if (first.closed || first.reset) {
		/* No keep-alive (connection/keep-alive says so): there is no
		 * idle client to be stalled by, and nothing to ask. */
		close(idle);
		snprintf(actual, actual_len, "client 1 was closed after its answer: no keep-alive");
		return NOT_IMPLEMENTED;
	}
	grade_exchange(port, get, strlen(get), FEED_WHOLE, 1, ANSWER_MS, &second);
	/* Answered only because the server gave up on client 1 (its idle
	 * timeout) is not answered while client 1 idles. */
	grade_read(idle, 1, 1, grade_now_ms(), &first);
	close(idle);
	grade_describe_answer(&second, actual, actual_len);
	if (first.closed || first.reset)
		snprintf(actual + strlen(actual), actual_len - strlen(actual),
			 "; but client 1 had been closed by then");
	return grade_by_level(gc,
			      second.status / 100 == 2 && second.answers == 1 && first.timed_out);
}

/* Article 001's C10K in small: 1,000 connections that say nothing, and ten
 * clients served meanwhile. */
static enum verdict idle_thousand(const struct grade_case *gc, int port, char *sent,
				  size_t sent_len, char *expected, size_t expected_len,
				  char *actual, size_t actual_len)
{
	enum { IDLE = 1000, ACTIVE = 10 };
	const char *get = "GET / HTTP/1.1\r\nConnection: close\r\n" H "\r\n";
	static int held[IDLE];
	struct rlimit lim;
	int opened = 0, served = 0, i;
	long started = grade_now_ms();

	snprintf(sent, sent_len, "%d connections that send nothing, then %d clients: GET /", IDLE,
		 ACTIVE);
	snprintf(expected, expected_len, "all %d answered, while the %d stay open", ACTIVE, IDLE);
	if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < IDLE + 64) {
		lim.rlim_cur = lim.rlim_max < IDLE + 64 ? lim.rlim_max : IDLE + 64;
		setrlimit(RLIMIT_NOFILE, &lim);
	}
	for (i = 0; i < IDLE; i++) {
		/* A connection not taken in a second: the server holds no more
		 * (a full backlog); the rest would only wait as long each. */
		held[i] = opened == i ? grade_connect(port) : -1;
		if (held[i] >= 0)
			opened++;
	}
	/* One deadline for the ten: a server that serves nobody while the
	 * idle ones wait costs 3 s, not 10 x 3. */
	for (i = 0; i < ACTIVE; i++) {
		struct answer a;
		long left = started + ANSWER_MS - grade_now_ms();

		if (left <= 0)
			break;
		grade_exchange(port, get, strlen(get), FEED_WHOLE, 1, left, &a);
		served += a.status / 100 == 2;
	}
	for (i = 0; i < IDLE; i++)
		if (held[i] >= 0)
			close(held[i]);
	snprintf(actual, actual_len,
		 "%d idle connections opened; %d of %d clients answered in %ld ms", opened, served,
		 ACTIVE, grade_now_ms() - started);
	return grade_by_level(gc, opened == IDLE && served == ACTIVE);
}

/* Article 003: a handler that waits must not make the others wait. 100
 * clients each ask for /delay/1000 at once: about 1 s for all of them, not
 * 100 s. */
static enum verdict delay_hundred(const struct grade_case *gc, int port, char *sent,
				  size_t sent_len, char *expected, size_t expected_len,
				  char *actual, size_t actual_len)
{
	enum { CLIENTS = 100 };
	const char *get = "GET /delay/1000 HTTP/1.1\r\nConnection: close\r\n" H "\r\n";
	int fds[CLIENTS], i, answered = 0;
	long started = grade_now_ms(), took;

	snprintf(sent, sent_len, "%d connections at once, each GET /delay/1000", CLIENTS);
	snprintf(expected, expected_len, "all answered within 3,000 ms (about 1 s)");
	for (i = 0; i < CLIENTS; i++) {
		fds[i] = grade_connect(port);
		if (fds[i] >= 0)
			(void)!send(fds[i], get, strlen(get), MSG_NOSIGNAL);
	}
	for (i = 0; i < CLIENTS; i++) {
		struct answer a;
		long left = started + 3000 - grade_now_ms();

		if (fds[i] < 0)
			continue;
		grade_read(fds[i], 1, left > 0 ? left : 1, grade_now_ms(), &a);
		answered += a.status / 100 == 2;
		close(fds[i]);
	}
	took = grade_now_ms() - started;
	snprintf(actual, actual_len, "%d of %d answered in %ld ms", answered, CLIENTS, took);
	return grade_by_level(gc, answered == CLIENTS);
}

/* Bad input ends that client, never the server: after it, a well-behaved
 * client is served. */
static enum verdict still_serving(int port)
{
	struct answer a;
	const char *get = "GET / HTTP/1.1\r\n" H "\r\n";

	grade_exchange(port, get, strlen(get), FEED_WHOLE, 1, ANSWER_MS, &a);
	return a.status / 100 == 2 ? PASS : FAIL;
}

static enum verdict garbage(const struct grade_case *gc, int port, char *sent, size_t sent_len,
			    char *expected, size_t expected_len, char *actual, size_t actual_len)
{
	char junk[4096];
	struct answer a;
	size_t i;
	unsigned seed = 12345;

	for (i = 0; i < sizeof(junk); i++) {
		seed = seed * 1103515245u + 12345u;
		junk[i] = (char)(seed >> 16);
	}
	snprintf(sent, sent_len,
		 "4,096 pseudo-random bytes (a fixed seed), then a new client: GET /");
	snprintf(expected, expected_len, "a 4xx or a close for the junk; the next client answered");
	grade_exchange(port, junk, sizeof(junk), FEED_WHOLE, 1, ANSWER_MS, &a);
	grade_describe_answer(&a, actual, actual_len);
	if (!((a.status >= 400 && a.status < 500) || (a.status == 0 && (a.closed || a.reset))))
		return grade_by_level(gc, false);
	if (still_serving(port) != PASS) {
		snprintf(actual, actual_len, "the next well-behaved client was not answered");
		return grade_by_level(gc, false);
	}
	return PASS;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Where the head that starts buf ends (just past its blank line), or 0. */
static size_t head_length(const char *buf, size_t len)
{
	const char *end = len ? memmem(buf, len, "\r\n\r\n", 4) : NULL;

	return end ? (size_t)(end - buf) + 4 : 0;
}

/* The body length a head declares; -1 for none. */
static long long declared_body(const char *head, size_t len)
{
	const char *p = head, *end = head + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);

		if (n > 15 && strncasecmp(p, "Content-Length:", 15) == 0)
			return strtoll(p + 15, NULL, 10);
		p += n + 1;
	}
	return -1;
}

/* RFC 9110 9.3.2: HEAD is GET without the content. The answer to a HEAD
 * is a head only, whatever Content-Length it declares: a server that sends
 * the body anyway puts it where the next answer should begin. */
static enum verdict head_method(const struct grade_case *gc, int port, char *sent, size_t sent_len,
				char *expected, size_t expected_len, char *actual,
				size_t actual_len)
{
	const char *request = "HEAD / HTTP/1.1\r\n" H "\r\nGET / HTTP/1.1\r\n" H "\r\n";
	char buf[8192], after[64];
	size_t have = 0, head = 0;
	int fd = grade_connect(port), end = READ_WAITED, status = 0;
	long started = grade_now_ms();
	bool ok;

	grade_escape(request, strlen(request), sent, sent_len);
	snprintf(expected, expected_len,
		 "a 2xx head and no body: next comes the GET's status line, or a close");
	if (fd < 0) {
		snprintf(actual, actual_len, "could not connect");
		return FAIL;
	}
	(void)!send(fd, request, strlen(request), MSG_NOSIGNAL);
	/* Until 8 bytes past the first head: enough to tell "HTTP/1." */
	while (end == READ_WAITED && have < sizeof(buf) - 1) {
		size_t want, got;
		long left = started + ANSWER_MS - grade_now_ms();

		head = head_length(buf, have);
		want = head ? head + 8 : have + 1;
		if (have >= want || left <= 0)
			break;
		got = grade_read_bytes(fd, buf + have, sizeof(buf) - 1 - have, want - have, left,
				       &end);
		if (got == 0 && end == READ_WAITED)
			break;
		have += got;
	}
	close(fd);
	buf[have] = '\0';
	head = head_length(buf, have);
	sscanf(buf, "HTTP/%*d.%*d %d", &status);
	grade_escape(buf + head, head && have - head < 40 ? have - head : (head ? 40 : 0), after,
		     sizeof(after));
	ok = head > 0 && status / 100 == 2 &&
	     ((have - head >= 8 && strncmp(buf + head, "HTTP/1.", 7) == 0) ||
	      (have == head && end != READ_WAITED));
	snprintf(actual, actual_len, "status %d, %zu bytes after its head: \"%s\"%s", status,
		 head ? have - head : 0, after,
		 end == READ_CLOSED  ? ", then a close"
		 : end == READ_RESET ? ", then a reset"
				     : "");
	return grade_by_level(gc, ok);
}

/* Read an answer on fd to its end, rcvbuf bytes at a time with pause_ms
 * between reads; the body bytes after the head, and what its head
 * declared. Returns false when the connection was reset. */
static bool read_slowly(int fd, long pause_ms, long wait_ms, long long *body, long long *declared)
{
	char first[4096], chunk[16384];
	size_t kept = 0, head = 0;
	long long total = 0;
	long started = grade_now_ms();
	int end = READ_WAITED;

	*declared = -1;
	while (end == READ_WAITED && grade_now_ms() - started < wait_ms) {
		size_t got = grade_read_bytes(fd, chunk, sizeof(chunk), sizeof(chunk), 1000, &end);

		if (got == 0 && end == READ_WAITED)
			break; /* a second of silence: the answer is not coming */
		if (kept < sizeof(first)) {
			size_t n = got < sizeof(first) - kept ? got : sizeof(first) - kept;

			memcpy(first + kept, chunk, n);
			kept += n;
		}
		total += (long long)got;
		if (pause_ms > 0)
			sleep_ms(pause_ms);
	}
	head = head_length(first, kept);
	if (head > 0)
		*declared = declared_body(first, head);
	*body = head > 0 ? total - (long long)head : 0;
	return end != READ_RESET;
}

/* Partial writes: a reader that takes 16 KiB every 5 ms through a small
 * receive window fills the server's send buffer again and again. Every
 * byte must still arrive, in the amount declared. */
static enum verdict slow_reader(const struct grade_case *gc, int port, char *sent, size_t sent_len,
				char *expected, size_t expected_len, char *actual,
				size_t actual_len)
{
	const char *request = "GET /bytes/4000000 HTTP/1.1\r\nConnection: close\r\n" H "\r\n";
	int fd = grade_connect(port), window = 16384;
	long long body, declared;
	long started = grade_now_ms();
	bool whole;

	grade_escape(request, strlen(request), sent, sent_len);
	snprintf(expected, expected_len,
		 "all 4,000,000 bytes, read 16 KiB every 5 ms through a 16 KiB receive buffer");
	if (fd < 0) {
		snprintf(actual, actual_len, "could not connect");
		return FAIL;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &window, sizeof(window));
	(void)!send(fd, request, strlen(request), MSG_NOSIGNAL);
	whole = read_slowly(fd, 5, 30000, &body, &declared);
	close(fd);
	snprintf(actual, actual_len, "%lld body bytes of the %lld declared in %ld ms%s", body,
		 declared, grade_now_ms() - started, whole ? "" : ", then a reset");
	return grade_by_level(gc, whole && declared == 4000000 && body == declared);
}

/* RFC 9112 9.6: "Connection: close" and a client that keeps sending (a
 * body nobody reads): closing with unread input sends RST, and the RST
 * destroys the answer still in flight. The answer must arrive whole. */
static enum verdict close_while_sending(const struct grade_case *gc, int port, char *sent,
					size_t sent_len, char *expected, size_t expected_len,
					char *actual, size_t actual_len)
{
	const char *request = "GET /bytes/1000000 HTTP/1.1\r\nConnection: close\r\n" H "\r\n";
	static char junk[1000000];
	size_t pushed = 0;
	int fd = grade_connect(port);
	long long body, declared;
	long started = grade_now_ms();
	bool whole;

	snprintf(sent, sent_len,
		 "GET /bytes/1000000 with Connection: close, then 1,000,000 bytes of 'x' "
		 "that are not a request");
	snprintf(expected, expected_len,
		 "the whole answer (1,000,000 body bytes), then a close, not a reset");
	if (fd < 0) {
		snprintf(actual, actual_len, "could not connect");
		return FAIL;
	}
	memset(junk, 'x', sizeof(junk));
	(void)!send(fd, request, strlen(request), MSG_NOSIGNAL);
	/* As much of the junk as the server takes in 200 ms, without
	 * blocking: a server that stops reading must not stall the case. */
	while (pushed < sizeof(junk) && grade_now_ms() - started < 200) {
		ssize_t n =
		    send(fd, junk + pushed, sizeof(junk) - pushed, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0)
			pushed += (size_t)n;
		else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			break;
		else
			sleep_ms(1);
	}
	whole = read_slowly(fd, 0, 10000, &body, &declared);
	close(fd);
	snprintf(actual, actual_len, "%lld body bytes of the %lld declared (%zu junk bytes sent)%s",
		 body, declared, pushed, whole ? ", then a close" : ", then a reset");
	return grade_by_level(gc, whole && declared == 1000000 && body == declared);
}

/* RFC 9110 10.1.1: a client that sends "Expect: 100-continue" holds its
 * body back until it hears from the server; a server that waits for the
 * body in silence makes it wait its timeout (curl's is 1 s). */
static enum verdict expect_continue(const struct grade_case *gc, int port, char *sent,
				    size_t sent_len, char *expected, size_t expected_len,
				    char *actual, size_t actual_len)
{
	const char *head = "POST /echo HTTP/1.1\r\n" H "Expect: 100-continue\r\n"
			   "Content-Length: 5\r\n\r\n";
	struct answer first, final;
	int fd = grade_connect(port);

	snprintf(sent, sent_len,
		 "POST /echo with Expect: 100-continue and Content-Length: 5, the body "
		 "\"hello\" held back until an answer comes (%d ms at most)",
		 ANSWER_MS / 3);
	snprintf(expected, expected_len,
		 "at once, 100 Continue (then, after the body, a 200 echoing it) or a final "
		 "answer");
	if (fd < 0) {
		snprintf(actual, actual_len, "could not connect");
		return FAIL;
	}
	(void)!send(fd, head, strlen(head), MSG_NOSIGNAL);
	grade_read(fd, -1, ANSWER_MS / 3, grade_now_ms(), &first);
	if (first.bytes == 0) {
		close(fd);
		grade_describe_answer(&first, actual, actual_len);
		return grade_by_level(gc, false);
	}
	if (first.status != 100) {
		close(fd);
		grade_describe_answer(&first, actual, actual_len);
		return grade_by_level(gc, first.status >= 200);
	}
	(void)!send(fd, "hello", 5, MSG_NOSIGNAL);
	grade_read(fd, 1, ANSWER_MS, grade_now_ms(), &final);
	close(fd);
	grade_describe_answer(&final, actual, actual_len);
	return grade_by_level(gc, final.status == 200 && final.body_len == 5 &&
				      memcmp(final.body, "hello", 5) == 0);
}

/* A request with a body, and one behind it in the same write: the body
 * ends where its framing says, and the next request is read from there. */
static enum verdict body_pipelined(const struct grade_case *gc, int port, char *sent,
				   size_t sent_len, char *expected, size_t expected_len,
				   char *actual, size_t actual_len)
{
	struct answer a;

	grade_escape(gc->request, strlen(gc->request), sent, sent_len);
	snprintf(expected, expected_len,
		 "two answers, in order: a 200 whose body is \"hello\", then the GET's 200");
	grade_exchange(port, gc->request, strlen(gc->request), FEED_WHOLE, 2, ANSWER_MS, &a);
	grade_describe_answer(&a, actual, actual_len);
	return grade_by_level(gc, a.answers == 2 && a.status == 200 && a.body_len == 5 &&
				      memcmp(a.body, "hello", 5) == 0);
}

/* The slowloris: a head that never ends, a byte every 500 ms. A deadline
 * renewed by each byte never comes; one armed once per head does. */
static enum verdict slowloris(const struct grade_case *gc, int port, char *sent, size_t sent_len,
			      char *expected, size_t expected_len, char *actual, size_t actual_len)
{
	const char *start = "GET / HTTP/1.1\r\n" H "X-Slow: ";
	int fd = grade_connect(port), trickled = 0;
	long started = grade_now_ms();
	bool cut = false;

	grade_escape(start, strlen(start), sent, sent_len);
	snprintf(sent + strlen(sent), sent_len - strlen(sent),
		 ", then one byte every 500 ms, never the end");
	snprintf(expected, expected_len,
		 "the server closes (an answer such as 408 first is fine) within %d ms",
		 SLOWLORIS_MS);
	if (fd < 0) {
		snprintf(actual, actual_len, "could not connect");
		return FAIL;
	}
	(void)!send(fd, start, strlen(start), MSG_NOSIGNAL);
	while (!cut && grade_now_ms() - started < SLOWLORIS_MS) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char drop[512];

		if (poll(&p, 1, 500) > 0) {
			ssize_t n = read(fd, drop, sizeof(drop));

			cut = n <= 0 && !(n < 0 && errno == EINTR);
			continue;
		}
		if (send(fd, "b", 1, MSG_NOSIGNAL) != 1)
			cut = true; /* EPIPE: closed already */
		trickled++;
	}
	close(fd);
	snprintf(actual, actual_len, "%s after %ld ms (%d bytes trickled)",
		 cut ? "closed" : "still open", grade_now_ms() - started, trickled);
	if (cut && still_serving(port) != PASS) {
		snprintf(actual + strlen(actual), actual_len - strlen(actual),
			 "; the next client was not answered");
		return grade_by_level(gc, false);
	}
	return grade_by_level(gc, cut);
}

/* A client that resets its connection while the answer is being written:
 * the server's send fails (EPIPE, ECONNRESET), and that must end this
 * client only. */
static enum verdict reset_mid_answer(const struct grade_case *gc, int port, char *sent,
				     size_t sent_len, char *expected, size_t expected_len,
				     char *actual, size_t actual_len)
{
	char request[40000], first[1000];
	size_t len = 0;
	int fd = grade_connect(port), end, i;
	struct linger hard = { 1, 0 };
	size_t got = 0;

	len +=
	    (size_t)snprintf(request, sizeof(request), "GET /bytes/10000000 HTTP/1.1\r\n" H "\r\n");
	for (i = 0; i < 1000 && len + 40 < sizeof(request); i++)
		len += (size_t)snprintf(request + len, sizeof(request) - len,
					"GET / HTTP/1.1\r\n" H "\r\n");
	snprintf(sent, sent_len,
		 "GET /bytes/10000000 and %d GET / in one write; after 1,000 bytes of answer, "
		 "a reset (SO_LINGER 0); then a new client: GET /",
		 i);
	snprintf(expected, expected_len, "the next client answered");
	if (fd < 0) {
		snprintf(actual, actual_len, "could not connect");
		return FAIL;
	}
	(void)!send(fd, request, len, MSG_NOSIGNAL);
	got = grade_read_bytes(fd, first, sizeof(first), sizeof(first), ANSWER_MS, &end);
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
	close(fd);
	sleep_ms(100); /* the server meets the reset in its next write */
	if (still_serving(port) != PASS) {
		snprintf(actual, actual_len,
			 "%zu bytes before the reset; the next client was not answered", got);
		return grade_by_level(gc, false);
	}
	snprintf(actual, actual_len, "%zu bytes before the reset; the next client answered", got);
	return PASS;
}

/* A flood of connections, more than a server's descriptors if it runs
 * under a limit (SERVER='ulimit -n 256; ./server {port}'): while it lasts
 * a server may refuse; once it is gone the server must serve again. */
static enum verdict flood(const struct grade_case *gc, int port, char *sent, size_t sent_len,
			  char *expected, size_t expected_len, char *actual, size_t actual_len)
{
	enum { FLOOD = 2000 };
	static int held[FLOOD];
	struct rlimit lim;
	int opened = 0, i;
	long started = grade_now_ms();
	bool served = false;

	snprintf(sent, sent_len,
		 "up to %d connections in 5 s, held, then all closed; then GET / (retried for "
		 "%d ms)",
		 FLOOD, ANSWER_MS);
	snprintf(expected, expected_len, "the server is up and answers the next client");
	if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < FLOOD + 64) {
		lim.rlim_cur = lim.rlim_max < FLOOD + 64 ? lim.rlim_max : FLOOD + 64;
		setrlimit(RLIMIT_NOFILE, &lim);
	}
	while (opened < FLOOD && grade_now_ms() - started < 5000) {
		held[opened] = grade_connect(port);
		if (held[opened] < 0)
			break; /* the backlog is full: the flood is past what it takes */
		opened++;
	}
	for (i = 0; i < opened; i++)
		close(held[i]);
	started = grade_now_ms();
	while (!served && grade_now_ms() - started < ANSWER_MS) {
		served = still_serving(port) == PASS;
		if (!served)
			sleep_ms(100);
	}
	snprintf(actual, actual_len, "%d connections opened; the next client %s", opened,
		 served ? "answered" : "not answered");
	return grade_by_level(gc, served);
}

#define RAW(id_, level_, requirement_, request_, lo_, hi_, or_close_)                              \
	{                                                                                          \
		.id = id_, .requirement = requirement_, .level = level_, .run = raw_case,          \
		.request = request_, .len = sizeof(request_) - 1, .feed = FEED_WHOLE, .lo = lo_,   \
		.hi = hi_, .or_close = or_close_                                                   \
	}
#define FRAGMENT(id_, request_)                                                                    \
	{                                                                                          \
		.id = id_,                                                                         \
		.requirement =                                                                     \
		    "RFC 9112 2.2: a message is read until its framing ends; a part of "           \
		    "one is waited on, not answered or closed",                                    \
		.level = LEVEL_MUST, .run = raw_case, .request = request_, .waits = true           \
	}

/* uNetworking/h1spec's cases, its bytes and its allowed statuses: a
 * status in one of the ranges (never a close without one), or for a
 * fragment silence for its 500 ms (ours: FRAGMENT_MS); a 200 to a POST
 * must echo the body (h1spec's test servers echo any body). */
#define H1SPEC(id_, level_, description_, request_, lo_, hi_, lo2_, hi2_, body_)                   \
	{                                                                                          \
		.id = "h1spec/" id_, .requirement = "h1spec: " description_, .level = level_,      \
		.run = raw_case, .request = request_, .feed = FEED_WHOLE, .lo = lo_, .hi = hi_,    \
		.lo2 = lo2_, .hi2 = hi2_, .body = body_                                            \
	}
#define H1SPEC_WAIT(id_, description_, request_)                                                   \
	{                                                                                          \
		.id = "h1spec/" id_,                                                               \
		.requirement = "h1spec: " description_ " (a part of a request is waited on)",      \
		.level = LEVEL_MUST, .run = raw_case, .request = request_, .waits = true           \
	}
#define EX "Host: example.com\r\n"

const struct grade_case grade_cases[] = {
	RAW("request/get", LEVEL_MUST, "the contract: GET / is answered 200 with a body",
	    "GET / HTTP/1.1\r\n" H "\r\n", 200, 200, false),
	RAW("request/http10", LEVEL_MUST, "RFC 9112 2.6: an HTTP/1.0 request (no Host) is answered",
	    "GET / HTTP/1.0\r\n\r\n", 200, 299, false),
	RAW("request/host-missing", LEVEL_MUST,
	    "RFC 9112 3.2: an HTTP/1.1 request without Host MUST be answered 400",
	    "GET / HTTP/1.1\r\n\r\n", 400, 400, false),
	RAW("request/host-twice", LEVEL_MUST,
	    "RFC 9112 3.2: an HTTP/1.1 request with more than one Host MUST be answered 400",
	    "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, 400, false),
	RAW("request/absolute-form", LEVEL_MUST,
	    "RFC 9112 3.2.2: a server MUST accept the absolute-form of the target",
	    "GET http://grade/ HTTP/1.1\r\n" H "\r\n", 200, 299, false),
	RAW("request/leading-empty-line", LEVEL_SHOULD,
	    "RFC 9112 2.2: a server SHOULD ignore at least one empty line before the request line",
	    "\r\nGET / HTTP/1.1\r\n" H "\r\n", 200, 299, false),
	RAW("request/method-unknown", LEVEL_SHOULD,
	    "RFC 9110 9.1: an unrecognized method SHOULD be answered 501",
	    "FROB / HTTP/1.1\r\n" H "\r\n", 501, 501, false),
	RAW("request/method-lowercase", LEVEL_MUST,
	    "RFC 9110 9.1: methods are case-sensitive; \"get\" is not GET",
	    "get / HTTP/1.1\r\n" H "\r\n", 400, 501, true),
	RAW("request/version-major", LEVEL_MUST,
	    "RFC 9110 6.2: a major version the server does not speak: 505 (or 400)",
	    "GET / HTTP/2.0\r\n" H "\r\n", 400, 505, true),
	RAW("request/version-garbage", LEVEL_MUST, "RFC 9112 2.3: HTTP-version is HTTP/DIGIT.DIGIT",
	    "GET / HTTP/1.x\r\n" H "\r\n", 400, 400, true),
	RAW("request/version-lowercase", LEVEL_MUST,
	    "RFC 9112 2.3: HTTP-name is case-sensitive: \"http/1.1\" is not a version",
	    "GET / http/1.1\r\n" H "\r\n", 400, 400, true),
	RAW("request/version-missing", LEVEL_MUST,
	    "RFC 9112 3: a request line is method SP target SP version (no HTTP/0.9)",
	    "GET /\r\n\r\n", 400, 400, true),
	RAW("request/version-trailing-space", LEVEL_SHOULD,
	    "RFC 9112 3: nothing after the version on the request line (a recipient MAY parse "
	    "on whitespace; 2.2: an invalid message SHOULD get 400)",
	    "GET / HTTP/1.1 \r\n" H "\r\n", 400, 400, true),
	RAW("request/target-space", LEVEL_MUST,
	    "RFC 9112 3.2: the target has no whitespace (3.0: MUST respond 400 to an invalid "
	    "request line)",
	    "GET /a b HTTP/1.1\r\n" H "\r\n", 400, 400, true),
	RAW("request/target-relative", LEVEL_MUST,
	    "RFC 9112 3.2.1: an origin-form target begins with /", "GET a HTTP/1.1\r\n" H "\r\n",
	    400, 400, true),
	RAW("request/space-before-colon", LEVEL_MUST,
	    "RFC 9112 5.1: whitespace between a field name and its colon MUST be answered 400",
	    "GET / HTTP/1.1\r\nHost : grade\r\n\r\n", 400, 400, true),
	RAW("request/header-no-colon", LEVEL_SHOULD,
	    "RFC 9112 5: a field line is name \":\" value (2.2: an invalid message SHOULD get "
	    "400; nginx drops such lines)",
	    "GET / HTTP/1.1\r\n" H "Junk\r\n\r\n", 400, 400, true),
	RAW("request/header-name-bad", LEVEL_SHOULD,
	    "RFC 9110 5.1: a field name is a token (RFC 9112 2.2: an invalid message SHOULD get "
	    "400)",
	    "GET / HTTP/1.1\r\n" H "X(y): z\r\n\r\n", 400, 400, true),
	RAW("request/obs-fold", LEVEL_MUST,
	    "RFC 9112 5.2: obsolete line folding: 400, or each fold replaced by SP",
	    "GET / HTTP/1.1\r\n" H "X-A: a\r\n b\r\n\r\n", 200, 400, true),
	RAW("request/nul-in-value", LEVEL_MUST,
	    "RFC 9110 5.5: NUL in a field value: reject, or replace it with SP",
	    "GET / HTTP/1.1\r\n" H "X-A: a\0b\r\n\r\n", 200, 400, true),
	RAW("request/bare-cr", LEVEL_MUST, "RFC 9112 2.2: a bare CR is invalid, or replaced by SP",
	    "GET / HTTP/1.1\r\n" H "X-A: a\rb\r\n\r\n", 200, 400, true),
	RAW("request/bare-lf", LEVEL_SHOULD,
	    "RFC 9112 2.2: a bare LF MAY end a line; either way an answer, not silence",
	    "GET / HTTP/1.1\n"
	    "Host: grade\n\n",
	    200, 400, true),
	RAW("request/content-length-twice", LEVEL_MUST,
	    "RFC 9112 6.3: two different Content-Length values: 400, and close",
	    "GET / HTTP/1.1\r\n" H "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400, 400,
	    true),
	RAW("request/content-length-negative", LEVEL_MUST,
	    "RFC 9112 6.3: an invalid Content-Length: 400",
	    "GET / HTTP/1.1\r\n" H "Content-Length: -1\r\n\r\n", 400, 400, true),
	RAW("request/content-length-plus", LEVEL_MUST,
	    "RFC 9110 8.6: Content-Length is 1*DIGIT: \"+1\" is invalid",
	    "GET / HTTP/1.1\r\n" H "Content-Length: +1\r\n\r\nx", 400, 400, true),
	RAW("request/content-length-hex", LEVEL_MUST,
	    "RFC 9110 8.6: Content-Length is 1*DIGIT: \"0x1\" is invalid",
	    "GET / HTTP/1.1\r\n" H "Content-Length: 0x1\r\n\r\nx", 400, 400, true),
	RAW("request/te-and-cl", LEVEL_MUST,
	    "RFC 9112 6.1: Transfer-Encoding with Content-Length is a smuggling attempt: "
	    "reject (400, or 501 without chunked), or close after",
	    "POST / HTTP/1.1\r\n" H "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "0\r\n\r\n",
	    400, 501, true),
	RAW("request/te-unknown", LEVEL_MUST,
	    "RFC 9112 6.1: a transfer coding the server does not know: 501",
	    "POST / HTTP/1.1\r\n" H "Transfer-Encoding: frob\r\n\r\n", 400, 501, true),
	RAW("request/te-http10", LEVEL_MUST,
	    "RFC 9112 6.1: Transfer-Encoding in an HTTP/1.0 request is faulty framing: reject",
	    "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, 501, true),
	{ .id = "request/body-content-length",
	  .level = LEVEL_MUST,
	  .run = raw_case,
	  .route = "POST /echo",
	  .requirement = "RFC 9112 6.2: a body is Content-Length bytes (POST /echo answers it)",
	  .request = "POST /echo HTTP/1.1\r\n" H "Content-Length: 5\r\n\r\nhello",
	  .lo = 200,
	  .hi = 200,
	  .body = "hello" },
	{ .id = "request/body-chunked",
	  .level = LEVEL_MUST,
	  .run = raw_case,
	  .route = "POST /echo",
	  .requirement = "RFC 9112 7.1: a server MUST be able to parse chunked; extensions and "
			 "trailers it does not know are ignored",
	  .request = "POST /echo HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n"
		     "3;ext=\"a;b\"\r\nhel\r\n2\r\nlo\r\n0\r\nX-Trailer: 1\r\n\r\n",
	  .lo = 200,
	  .hi = 200,
	  .body = "hello" },
	{ .id = "request/body-chunked-bytewise",
	  .level = LEVEL_MUST,
	  .run = raw_case,
	  .route = "POST /echo",
	  .requirement = "RFC 9112 7.1: a chunked body that arrives a byte at a time is the same",
	  .request = "POST /echo HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n"
		     "5\r\nhello\r\n0\r\n\r\n",
	  .feed = FEED_BYTEWISE,
	  .lo = 200,
	  .hi = 200,
	  .body = "hello" },
	{ .id = "request/chunk-size-bad",
	  .level = LEVEL_MUST,
	  .run = raw_case,
	  .route = "POST /echo",
	  .requirement = "RFC 9112 7.1: chunk-size is 1*HEXDIG; anything else cannot be framed: "
			 "400, or close",
	  .request = "POST /echo HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n"
		     "zz\r\nhello\r\n0\r\n\r\n",
	  .lo = 400,
	  .hi = 400,
	  .or_close = true },
	{ .id = "request/chunk-too-long",
	  .level = LEVEL_MUST,
	  .run = raw_case,
	  .route = "POST /echo",
	  .requirement = "RFC 9112 7.1: a chunk's data is followed by CRLF; more data than its "
			 "size is bad framing: 400, or close",
	  .request = "POST /echo HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n"
		     "2\r\nhello\r\n0\r\n\r\n",
	  .lo = 400,
	  .hi = 400,
	  .or_close = true },
	{ .id = "request/chunk-size-overflow",
	  .level = LEVEL_MUST,
	  .run = raw_case,
	  .route = "POST /echo",
	  .requirement = "RFC 9112 7.1: a chunk size past what the server takes (here 2^64, which "
			 "wraps to 0 in a careless parser): 413 or 400, or close",
	  .request = "POST /echo HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n"
		     "10000000000000000\r\nhello\r\n0\r\n\r\n",
	  .lo = 400,
	  .hi = 413,
	  .or_close = true },
	{ .id = "request/body-too-large",
	  .level = LEVEL_SHOULD,
	  .run = raw_case,
	  .route = "POST /echo",
	  .requirement = "RFC 9110 15.5.14: a body larger than the server takes is refused with "
			 "413 (not waited for: a terabyte never comes)",
	  .request = "POST /echo HTTP/1.1\r\n" H "Content-Length: 1099511627776\r\n\r\nhello",
	  .lo = 413,
	  .hi = 413,
	  .or_close = true },
	RAW("request/head-too-long", LEVEL_MUST,
	    "RFC 9112 3 and RFC 6585 5: a request line or head past the server's limit: 414 "
	    "or 431 (4xx), not silence",
	    "GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    " HTTP/1.1\r\n" H "\r\n",
	    200, 431, true),
	{ .id = "connection/keep-alive",
	  .level = LEVEL_MUST,
	  .run = keep_alive,
	  .requirement = "RFC 9112 9.3: HTTP/1.1 connections persist unless closed" },
	{ .id = "connection/pipelined",
	  .level = LEVEL_MUST,
	  .run = pipelined,
	  .requirement = "RFC 9112 9.3.2: pipelined requests are answered in order" },
	{ .id = "connection/bytewise",
	  .level = LEVEL_MUST,
	  .run = raw_case,
	  .requirement =
	      "RFC 9112 2.2: a request that arrives a byte at a time is the same request",
	  .request = "GET / HTTP/1.1\r\n" H "\r\n",
	  .feed = FEED_BYTEWISE,
	  .lo = 200,
	  .hi = 200 },
	{ .id = "connection/close",
	  .level = LEVEL_MUST,
	  .run = answered_then_closed,
	  .requirement =
	      "RFC 9112 9.6: after \"Connection: close\" the server answers, then closes",
	  .request = "GET / HTTP/1.1\r\nConnection: close\r\n" H "\r\n" },
	{ .id = "connection/http10-closes",
	  .level = LEVEL_MUST,
	  .run = answered_then_closed,
	  .requirement = "RFC 9112 9.3: an HTTP/1.0 request without keep-alive is answered, then "
			 "the connection closes",
	  .request = "GET / HTTP/1.0\r\n\r\n" },
	{ .id = "connection/expect-continue",
	  .level = LEVEL_SHOULD,
	  .run = expect_continue,
	  .route = "POST /echo",
	  .requirement = "RFC 9110 10.1.1: a server SHOULD answer Expect: 100-continue with 100 "
			 "or a final status, not wait for the body in silence" },
	{ .id = "connection/body-pipelined",
	  .level = LEVEL_MUST,
	  .run = body_pipelined,
	  .route = "POST /echo",
	  .requirement = "RFC 9112 6.3: the body ends where its framing says, and the next "
			 "request starts there",
	  .request = "POST /echo HTTP/1.1\r\n" H "Content-Length: 5\r\n\r\nhello"
		     "GET / HTTP/1.1\r\n" H "\r\n" },
	{ .id = "connection/head",
	  .level = LEVEL_MUST,
	  .run = head_method,
	  .requirement = "RFC 9110 9.3.2: the answer to HEAD has no content (the next answer "
			 "follows its head)" },
	{ .id = "connection/slow-reader",
	  .level = LEVEL_MUST,
	  .run = slow_reader,
	  .route = "/bytes/7",
	  .requirement = "partial writes: an answer to a reader that reads slowly arrives whole "
			 "(a server must carry on where a short write stopped)" },
	{ .id = "connection/close-while-sending",
	  .level = LEVEL_MUST,
	  .run = close_while_sending,
	  .route = "/bytes/7",
	  .requirement = "RFC 9112 9.6: with Connection: close, the answer arrives whole while the "
			 "client keeps sending (a close with unread input sends RST)" },
	FRAGMENT("robustness/fragment-method", "GET"),
	FRAGMENT("robustness/fragment-request-line", "GET / HTTP/1.1"),
	FRAGMENT("robustness/fragment-header-name", "GET / HTTP/1.1\r\nHo"),
	FRAGMENT("robustness/fragment-no-blank-line", "GET / HTTP/1.1\r\n" H),
	FRAGMENT("robustness/fragment-half-crlf", "GET / HTTP/1.1\r\n" H "\r"),
	{ .id = "robustness/garbage",
	  .level = LEVEL_MUST,
	  .run = garbage,
	  .requirement = "bad input ends that client, never the server" },
	{ .id = "robustness/slowloris",
	  .level = LEVEL_MUST,
	  .run = slowloris,
	  .requirement = "a head that trickles in a byte at a time is cut off: its deadline is "
			 "not renewed by each byte (the slowloris defence)" },
	{ .id = "robustness/reset-mid-answer",
	  .level = LEVEL_MUST,
	  .run = reset_mid_answer,
	  .requirement = "a client that resets while its answer is written (EPIPE, ECONNRESET) "
			 "ends that client, never the server" },
	{ .id = "robustness/flood",
	  .level = LEVEL_MUST,
	  .run = flood,
	  .requirement = "a flood of connections (past the server's descriptor limit, if it runs "
			 "under one) leaves it up and serving once it is gone" },
	H1SPEC_WAIT("01-fragmented-method", "Fragmented method", "G"),
	H1SPEC_WAIT("02-fragmented-url-1", "Fragmented URL 1", "GET "),
	H1SPEC_WAIT("03-fragmented-url-2", "Fragmented URL 2", "GET /hello"),
	H1SPEC_WAIT("04-fragmented-url-3", "Fragmented URL 3", "GET /hello "),
	H1SPEC_WAIT("05-fragmented-http-version", "Fragmented HTTP version", "GET /hello HTTP"),
	H1SPEC_WAIT("06-fragmented-request-line", "Fragmented request line", "GET /hello HTTP/1.1"),
	H1SPEC_WAIT("07-fragmented-request-line-newline-1", "Fragmented request line newline 1",
		    "GET /hello HTTP/1.1\r"),
	H1SPEC_WAIT("08-fragmented-request-line-newline-2", "Fragmented request line newline 2",
		    "GET /hello HTTP/1.1\r\n"),
	H1SPEC_WAIT("09-fragmented-field-name", "Fragmented field name",
		    "GET /hello HTTP/1.1\r\nHos"),
	H1SPEC_WAIT("10-fragmented-field-value-1", "Fragmented field value 1",
		    "GET /hello HTTP/1.1\r\nHost:"),
	H1SPEC_WAIT("11-fragmented-field-value-2", "Fragmented field value 2",
		    "GET /hello HTTP/1.1\r\nHost: "),
	H1SPEC_WAIT("12-fragmented-field-value-3", "Fragmented field value 3",
		    "GET /hello HTTP/1.1\r\nHost: localhost"),
	H1SPEC_WAIT("13-fragmented-field-value-4", "Fragmented field value 4",
		    "GET /hello HTTP/1.1\r\nHost: localhost\r"),
	H1SPEC_WAIT("14-fragmented-request", "Fragmented request",
		    "GET /hello HTTP/1.1\r\nHost: localhost\r\n"),
	H1SPEC_WAIT("15-fragmented-request-termination", "Fragmented request termination",
		    "GET /hello HTTP/1.1\r\nHost: localhost\r\n\r"),
	H1SPEC("16-no-http-version", LEVEL_MUST, "Request without HTTP version", "GET / \r\n\r\n",
	       400, 599, 0, 0, NULL),
	H1SPEC("17-expect-header", LEVEL_MUST, "Request with Expect header",
	       "GET / HTTP/1.1\r\n" EX "Expect: 100-continue\r\n\r\n", 100, 100, 200, 299, NULL),
	H1SPEC("18-valid-get", LEVEL_MUST, "Valid GET request", "GET / HTTP/1.1\r\n" EX "\r\n", 200,
	       299, 0, 0, NULL),
	H1SPEC("19-valid-get-edge-cases", LEVEL_MUST, "Valid GET request with edge cases",
	       "GET / HTTP/1.1\r\nhoSt:\texample.com\r\nempty:\r\n\r\n", 200, 299, 0, 0, NULL),
	H1SPEC("20-invalid-header-characters", LEVEL_MUST, "Invalid header characters",
	       "GET / HTTP/1.1\r\n" EX "X-Invalid[]: test\r\n\r\n", 400, 499, 0, 0, NULL),
	H1SPEC("21-missing-host", LEVEL_MUST, "Missing Host header",
	       "GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\n", 400, 499, 0, 0, NULL),
	H1SPEC("22-multiple-host", LEVEL_MUST, "Multiple Host headers",
	       "GET / HTTP/1.1\r\n" EX "Host: example.org\r\n\r\n", 400, 499, 0, 0, NULL),
	H1SPEC("23-overflowing-negative-content-length", LEVEL_MUST,
	       "Overflowing negative Content-Length header",
	       "GET / HTTP/1.1\r\n" EX "Content-Length: -123456789123456789123456789\r\n\r\n", 400,
	       499, 0, 0, NULL),
	H1SPEC("24-negative-content-length", LEVEL_MUST, "Negative Content-Length header",
	       "GET / HTTP/1.1\r\n" EX "Content-Length: -1234\r\n\r\n", 400, 499, 0, 0, NULL),
	H1SPEC("25-non-numeric-content-length", LEVEL_MUST, "Non-numeric Content-Length header",
	       "GET / HTTP/1.1\r\n" EX "Content-Length: abc\r\n\r\n", 400, 499, 0, 0, NULL),
	H1SPEC("26-empty-header-value", LEVEL_MUST, "Empty header value",
	       "GET / HTTP/1.1\r\n" EX "X-Empty-Header: \r\n\r\n", 200, 299, 0, 0, NULL),
	H1SPEC("27-control-character", LEVEL_MUST, "Header containing invalid control character",
	       "GET / HTTP/1.1\r\n" EX "X-Bad-Control-Char: test\x07\r\n\r\n", 400, 499, 0, 0,
	       NULL),
	H1SPEC("28-invalid-http-version", LEVEL_MUST, "Invalid HTTP version",
	       "GET / HTTP/9.9\r\n" EX "\r\n", 400, 499, 500, 599, NULL),
	H1SPEC("29-invalid-prefix", LEVEL_MUST, "Invalid prefix of request",
	       "Extra lineGET / HTTP/1.1\r\n" EX "\r\n", 400, 499, 500, 599, NULL),
	H1SPEC("30-invalid-line-ending", LEVEL_MUST, "Invalid line ending",
	       "GET / HTTP/1.1\r\n" EX "\rSome-Header: Test\r\n\r\n", 400, 499, 0, 0, NULL),
	H1SPEC("31-post-with-body", LEVEL_SHOULD,
	       "Valid POST request with body (h1spec's servers echo it; 405, right by RFC 9110, "
	       "fails here)",
	       "POST / HTTP/1.1\r\n" EX "Content-Length: 5\r\n\r\nhello", 200, 299, 404, 404,
	       "hello"),
	H1SPEC("32-chunked", LEVEL_SHOULD, "Chunked Transfer-Encoding (echoed)",
	       "POST / HTTP/1.1\r\n" EX "Transfer-Encoding: chunked\r\n\r\nc\r\nHellO world1\r\n"
	       "0\r\n\r\n",
	       200, 299, 0, 0, "HellO world1"),
	H1SPEC("33-te-and-cl-varying-case", LEVEL_MUST,
	       "Conflicting Transfer-Encoding and Content-Length in varying case (refused, or "
	       "read as chunked)",
	       "POST / HTTP/1.1\r\n" EX "content-LengtH: 5\r\nTransFer-Encoding: chunked\r\n\r\n"
	       "c\r\nHellO world1\r\n0\r\n\r\n",
	       400, 499, 200, 299, "HellO world1"),
	{ .id = "concurrency/second-client",
	  .level = LEVEL_LESSON,
	  .run = second_client,
	  .requirement =
	      "article 000/001: a client idling on keep-alive does not stop the next one "
	      "(01_blocking fails this by design: one client at a time)" },
	{ .id = "concurrency/idle-1000",
	  .level = LEVEL_LESSON,
	  .run = idle_thousand,
	  .requirement =
	      "article 001 (C10K): 1,000 idle connections held while others are served" },
	{ .id = "concurrency/delay-100",
	  .level = LEVEL_LESSON,
	  .run = delay_hundred,
	  .route = "/delay/200",
	  .requirement = "article 003: a handler that waits 1 s, 100 clients at once: about 1 s, "
			 "not 100" },
/* Article 003's long poll (comet.c; the routes: docs/grading.md). A server
 * without POST /pub gets "not implemented" for each. */
#define COMET(name, lvl, fn, what)                                                                 \
	{                                                                                          \
		.id = "comet/" name, .level = lvl, .run = fn, .route = "POST /pub/grade-probe",    \
		.requirement = what                                                                \
	}
	COMET("publish", LEVEL_MUST, grade_comet_publish,
	      "the Comet contract: POST /pub/CHANNEL is answered 200 with the message's id, "
	      "one more than the last"),
	COMET("cached", LEVEL_MUST, grade_comet_cached,
	      "the Comet contract: GET /sub/CHANNEL?after=ID answers at once with a message the "
	      "channel has"),
	COMET("in-order", LEVEL_MUST, grade_comet_in_order,
	      "the Comet contract: a cursor (after= the last id) reads every message once, in "
	      "order, on one keep-alive connection"),
	COMET("empty-wait", LEVEL_MUST, grade_comet_empty_wait,
	      "the Comet contract: ?wait=MS ends an empty wait with 204; RFC 9110 8.6: a 204 has "
	      "no Content-Length"),
	COMET("gone", LEVEL_SHOULD, grade_comet_gone,
	      "the Comet contract (Tornado's cache_size): a cursor older than the channel's last "
	      "200 messages is answered 410"),
	COMET("parked", LEVEL_LESSON, grade_comet_parked,
	      "article 003: a subscriber with nothing to read waits, and the next publish answers "
	      "it (01_blocking cannot publish while one waits: by design)"),
	COMET("wakes", LEVEL_MUST, grade_comet_wakes,
	      "the Comet contract: a publish the server has answered has been delivered to the "
	      "subscribers that were waiting for it"),
	COMET("fan-out-100", LEVEL_LESSON, grade_comet_fan_out,
	      "article 003's goal: one publish reaches 100 waiting subscribers at once"),
	COMET("left", LEVEL_LESSON, grade_comet_left,
	      "article 003 (Tornado's 2011 fix): subscribers that close or reset leave the "
	      "waiter set, and the next one is served"),
#undef COMET
/* Asked only by name (--case cost): 2 s of load each, and the same
 * again on the reference server. */
#define COST(name, what)                                                                           \
	{                                                                                          \
		.id = "cost/" name, .level = LEVEL_LESSON, .run = grade_cost_case,                 \
		.measures = true,                                                                  \
		.requirement = "article 001: requests/s and server CPU per request, " what         \
			       ", next to 06_epoll in the same run (informational: ratios only)"   \
	}
	COST("10-keep-alive", "10 clients on keep-alive"),
	COST("100-keep-alive", "100 clients on keep-alive"),
	COST("10-close", "10 clients, a connection per request"),
	COST("100-close", "100 clients, a connection per request"),
#undef COST
};

const size_t grade_case_count = sizeof(grade_cases) / sizeof(grade_cases[0]);

void grade_section(const struct grade_case *gc, char *out, size_t len)
{
	const char *slash = strchr(gc->id, '/');
	size_t n = slash ? (size_t)(slash - gc->id) : strlen(gc->id);

	snprintf(out, len, "%.*s", (int)n, gc->id);
}
