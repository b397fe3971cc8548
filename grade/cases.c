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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "grade.h"

/* How long a well-behaved server may take to answer a small request on
 * loopback, and how long a fragment is watched for an answer it must not
 * get: generous, since these machines are noisy. */
#define ANSWER_MS 3000
#define FRAGMENT_MS 600

#define H "Host: grade\r\n"

static void describe_answer(const struct answer *a, char *actual, size_t len)
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

static enum verdict by_level(const struct grade_case *gc, bool ok)
{
	if (ok)
		return PASS;
	return gc->level == LEVEL_MUST     ? FAIL
	       : gc->level == LEVEL_SHOULD ? NON_STRICT
					   : INFORMATIONAL;
}

static enum verdict raw_case(const struct grade_case *gc, int port, char *sent, size_t sent_len,
			     char *expected, size_t expected_len, char *actual, size_t actual_len)
{
	size_t len = gc->len ? gc->len : strlen(gc->request);
	struct answer a;
	bool ok;

	grade_escape(gc->request, len, sent, sent_len);
	if (gc->waits)
		snprintf(expected, expected_len,
			 "nothing for %d ms: no answer and no close (the request is not finished)",
			 FRAGMENT_MS);
	else if (gc->lo == gc->hi)
		snprintf(expected, expected_len, "status %d%s", gc->lo,
			 gc->or_close ? ", or a close without an answer" : "");
	else
		snprintf(expected, expected_len, "a status from %d to %d%s", gc->lo, gc->hi,
			 gc->or_close ? ", or a close without an answer" : "");
	grade_exchange(port, gc->request, len, gc->feed, 1, gc->waits ? FRAGMENT_MS : ANSWER_MS,
		       &a);
	describe_answer(&a, actual, actual_len);
	if (a.connect_failed)
		return FAIL;
	if (gc->waits)
		ok = a.timed_out && a.bytes == 0;
	else
		ok = (a.status >= gc->lo && a.status <= gc->hi && a.answers >= 1) ||
		     (gc->or_close && a.status == 0 && (a.closed || a.reset));
	return by_level(gc, ok);
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
	return by_level(gc, answered == count);
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
	describe_answer(&a, actual, actual_len);
	return by_level(gc, a.status / 100 == 2 && a.answers == 1 && (a.closed || a.reset));
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
	describe_answer(&second, actual, actual_len);
	if (first.closed || first.reset)
		snprintf(actual + strlen(actual), actual_len - strlen(actual),
			 "; but client 1 had been closed by then");
	return by_level(gc, second.status / 100 == 2 && second.answers == 1 && first.timed_out);
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
	return by_level(gc, opened == IDLE && served == ACTIVE);
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
	return by_level(gc, answered == CLIENTS);
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
	describe_answer(&a, actual, actual_len);
	if (!((a.status >= 400 && a.status < 500) || (a.status == 0 && (a.closed || a.reset))))
		return by_level(gc, false);
	if (still_serving(port) != PASS) {
		snprintf(actual, actual_len, "the next well-behaved client was not answered");
		return by_level(gc, false);
	}
	return PASS;
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
	RAW("request/version-trailing-space", LEVEL_MUST,
	    "RFC 9112 3: nothing after the version on the request line",
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
	RAW("request/header-no-colon", LEVEL_MUST, "RFC 9112 5: a field line is name \":\" value",
	    "GET / HTTP/1.1\r\n" H "Junk\r\n\r\n", 400, 400, true),
	RAW("request/header-name-bad", LEVEL_MUST, "RFC 9110 5.1: a field name is a token",
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
	FRAGMENT("robustness/fragment-method", "GET"),
	FRAGMENT("robustness/fragment-request-line", "GET / HTTP/1.1"),
	FRAGMENT("robustness/fragment-header-name", "GET / HTTP/1.1\r\nHo"),
	FRAGMENT("robustness/fragment-no-blank-line", "GET / HTTP/1.1\r\n" H),
	FRAGMENT("robustness/fragment-half-crlf", "GET / HTTP/1.1\r\n" H "\r"),
	{ .id = "robustness/garbage",
	  .level = LEVEL_MUST,
	  .run = garbage,
	  .requirement = "bad input ends that client, never the server" },
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
};

const size_t grade_case_count = sizeof(grade_cases) / sizeof(grade_cases[0]);

void grade_section(const struct grade_case *gc, char *out, size_t len)
{
	const char *slash = strchr(gc->id, '/');
	size_t n = slash ? (size_t)(slash - gc->id) : strlen(gc->id);

	snprintf(out, len, "%.*s", (int)n, gc->id);
}
