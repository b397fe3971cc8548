/*
 * comet.c - the Comet section: article 003's long poll, as docs/grading.md
 * states the routes. POST /pub/CHANNEL answers 200 with the message's id
 * (1, 2, ... per channel) as its body; GET /sub/CHANNEL?after=ID answers
 * with the first message after ID, at once if the channel has it, else
 * when it is published; ?wait=MS ends an empty wait with 204; a cursor the
 * channel's cache (its last 200) no longer reaches gets 410.
 *
 * Every case uses its own channel and works from the ids the server gives
 * back, never from a fresh channel's 1: a server graded again and again
 * (make grade URL=...) keeps its channels, and a lab server holds only so
 * many.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "grade.h"

#define ANSWER_MS 3000
/* How long a parked subscriber is watched for an answer it must not get. */
#define PARKED_MS 500
#define H "Host: grade\r\n"

/* POST /pub/CHANNEL with body: the id its answer's body gives, or -1. */
static long long publish(int port, const char *channel, const char *body, struct answer *a)
{
	char request[512], id[sizeof(a->body)];
	int n = snprintf(request, sizeof(request),
			 "POST /pub/%s HTTP/1.1\r\n" H "Content-Length: %zu\r\n\r\n%s", channel,
			 strlen(body), body);

	grade_exchange(port, request, (size_t)n, FEED_WHOLE, 1, ANSWER_MS, a);
	if (a->status != 200 || a->body_len == 0 || a->body[0] < '0' || a->body[0] > '9')
		return -1;
	memcpy(id, a->body, a->body_len);
	id[a->body_len] = '\0';
	return strtoll(id, NULL, 10);
}

/* A subscriber's request, on a connection of its own (-1: none): extra
 * follows the cursor in the query, headers (whole lines) the Host line. */
static int subscribe(int port, const char *channel, long long after, const char *extra,
		     const char *headers)
{
	char request[256];
	int fd = grade_connect(port);
	int n =
	    snprintf(request, sizeof(request), "GET /sub/%s?after=%lld%s HTTP/1.1\r\n" H "%s\r\n",
		     channel, after, extra, headers);

	if (fd >= 0 && send(fd, request, (size_t)n, MSG_NOSIGNAL) != n) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool body_is(const struct answer *a, const char *text)
{
	return a->status == 200 && a->body_len == strlen(text) &&
	       memcmp(a->body, text, a->body_len) == 0;
}

/* One subscriber's whole poll: connect, ask, read one answer (or wait_ms
 * of nothing), close; the answer in words in actual. False: no connection. */
static bool poll_once(int port, const char *channel, long long after, const char *extra,
		      long wait_ms, struct answer *a, char *actual, size_t actual_len)
{
	int fd = subscribe(port, channel, after, extra, "");

	if (fd < 0) {
		snprintf(actual, actual_len, "could not connect");
		return false;
	}
	grade_read(fd, 1, wait_ms, grade_now_ms(), a);
	close(fd);
	grade_describe_answer(a, actual, actual_len);
	return true;
}

enum verdict grade_comet_publish(const struct grade_case *gc, int port, char *sent, size_t sent_len,
				 char *expected, size_t expected_len, char *actual,
				 size_t actual_len)
{
	struct answer a;
	long long first, second;

	snprintf(sent, sent_len, "POST /pub/grade-ids (body \"one\"), then again (\"two\")");
	snprintf(expected, expected_len, "200 twice, the bodies two ids in a row: N, then N+1");
	first = publish(port, "grade-ids", "one", &a);
	second = first > 0 ? publish(port, "grade-ids", "two", &a) : -1;
	if (second < 0)
		grade_describe_answer(&a, actual, actual_len);
	else
		snprintf(actual, actual_len, "ids %lld and %lld", first, second);
	return grade_by_level(gc, first > 0 && second == first + 1);
}

enum verdict grade_comet_cached(const struct grade_case *gc, int port, char *sent, size_t sent_len,
				char *expected, size_t expected_len, char *actual,
				size_t actual_len)
{
	char text[32];
	struct answer a;
	long long id;

	snprintf(text, sizeof(text), "cached-%ld", grade_now_ms() % 100000);
	snprintf(sent, sent_len,
		 "POST /pub/grade-cache (\"%s\"), answered id N; then GET "
		 "/sub/grade-cache?after=N-1",
		 text);
	snprintf(expected, expected_len, "200 at once, with \"%s\" as its body", text);
	id = publish(port, "grade-cache", text, &a);
	if (id < 1) {
		grade_describe_answer(&a, actual, actual_len);
		return grade_by_level(gc, false);
	}
	if (!poll_once(port, "grade-cache", id - 1, "", ANSWER_MS, &a, actual, actual_len))
		return FAIL;
	return grade_by_level(gc, body_is(&a, text));
}

enum verdict grade_comet_parked(const struct grade_case *gc, int port, char *sent, size_t sent_len,
				char *expected, size_t expected_len, char *actual,
				size_t actual_len)
{
	struct answer before, pub, after;
	long long id;
	int fd;

	snprintf(sent, sent_len,
		 "POST /pub/grade-park, answered id N; GET /sub/grade-park?after=N; %d ms later "
		 "POST /pub/grade-park (\"news\")",
		 PARKED_MS);
	snprintf(expected, expected_len,
		 "no answer to the GET for %d ms, then 200 \"news\" within %d ms of the publish",
		 PARKED_MS, ANSWER_MS);
	id = publish(port, "grade-park", "before", &pub);
	if (id < 1) {
		grade_describe_answer(&pub, actual, actual_len);
		return grade_by_level(gc, false);
	}
	fd = subscribe(port, "grade-park", id, "", "");
	if (fd < 0) {
		snprintf(actual, actual_len, "could not connect");
		return FAIL;
	}
	grade_read(fd, 1, PARKED_MS, grade_now_ms(), &before);
	if (!before.timed_out || before.bytes > 0) {
		close(fd);
		grade_describe_answer(&before, actual, actual_len);
		snprintf(actual + strlen(actual), actual_len - strlen(actual),
			 "; before anything was published");
		return grade_by_level(gc, false);
	}
	if (publish(port, "grade-park", "news", &pub) != id + 1) {
		close(fd);
		grade_describe_answer(&pub, actual, actual_len);
		snprintf(actual + strlen(actual), actual_len - strlen(actual),
			 " (the publish, while a subscriber waits)");
		return grade_by_level(gc, false);
	}
	grade_read(fd, 1, ANSWER_MS, grade_now_ms(), &after);
	close(fd);
	grade_describe_answer(&after, actual, actual_len);
	return grade_by_level(gc, body_is(&after, "news"));
}

/* The contract under the lesson above: a publish the server answered has
 * reached whoever was waiting then. A server that takes one client at a
 * time (01_blocking) keeps it too: the subscriber's wait (WAKES_WAIT_MS)
 * ends, with 204, before the publish is taken, and the 204 is there when
 * the publish's answer comes (the subscriber asks to close after it: a
 * kept-alive connection would hold 01_blocking until its idle timeout). A server that answers the
 * publish and leaves the subscriber to wait its wait out says 204 a second later. */
#define WAKES_WAIT_MS 1500
enum verdict grade_comet_wakes(const struct grade_case *gc, int port, char *sent, size_t sent_len,
			       char *expected, size_t expected_len, char *actual, size_t actual_len)
{
	struct answer pub, got;
	char wait[24];
	long long id;
	int fd;

	snprintf(wait, sizeof(wait), "&wait=%d", WAKES_WAIT_MS);
	snprintf(sent, sent_len,
		 "POST /pub/grade-wake, answered id N; GET /sub/grade-wake?after=N&wait=%d "
		 "(Connection: close); %d ms "
		 "later POST /pub/grade-wake (\"news\")",
		 WAKES_WAIT_MS, PARKED_MS / 2);
	snprintf(expected, expected_len,
		 "once the publish is answered, the subscriber has 200 \"news\" (or its wait "
		 "had already ended, 204, before the publish was taken)");
	id = publish(port, "grade-wake", "before", &pub);
	if (id < 1) {
		grade_describe_answer(&pub, actual, actual_len);
		return grade_by_level(gc, false);
	}
	fd = subscribe(port, "grade-wake", id, wait, "Connection: close\r\n");
	if (fd < 0) {
		snprintf(actual, actual_len, "could not connect");
		return FAIL;
	}
	usleep(PARKED_MS / 2 * 1000);
	if (publish(port, "grade-wake", "news", &pub) != id + 1) {
		close(fd);
		grade_describe_answer(&pub, actual, actual_len);
		snprintf(actual + strlen(actual), actual_len - strlen(actual), " (the publish)");
		return grade_by_level(gc, false);
	}
	grade_read(fd, 1, ANSWER_MS, grade_now_ms(), &got);
	close(fd);
	grade_describe_answer(&got, actual, actual_len);
	if (got.status == 204 && got.first_byte_ms >= 0 && got.first_byte_ms < PARKED_MS) {
		snprintf(actual + strlen(actual), actual_len - strlen(actual),
			 ", there before the publish was taken: its wait had ended");
		return PASS;
	}
	if (got.status == 204)
		snprintf(actual + strlen(actual), actual_len - strlen(actual),
			 ", %ld ms after the publish was answered", got.first_byte_ms);
	return grade_by_level(gc, body_is(&got, "news"));
}

enum verdict grade_comet_in_order(const struct grade_case *gc, int port, char *sent,
				  size_t sent_len, char *expected, size_t expected_len,
				  char *actual, size_t actual_len)
{
	enum { COUNT = 5 };
	struct answer a;
	long long first = -1, id;
	int fd, i, got = 0;

	snprintf(sent, sent_len,
		 "POST /pub/grade-order m1 .. m%d (ids N .. N+%d); then on one connection GET "
		 "/sub/grade-order?after=N-1, after=N, ...",
		 COUNT, COUNT - 1);
	snprintf(expected, expected_len, "m1 .. m%d, in order, one per answer", COUNT);
	for (i = 1; i <= COUNT; i++) {
		char text[16];

		snprintf(text, sizeof(text), "m%d", i);
		id = publish(port, "grade-order", text, &a);
		if (id < 1 || (first > 0 && id != first + i - 1)) {
			grade_describe_answer(&a, actual, actual_len);
			return grade_by_level(gc, false);
		}
		if (first < 0)
			first = id;
	}
	fd = grade_connect(port);
	for (i = 1; fd >= 0 && i <= COUNT; i++) {
		char request[160], text[16];
		int n = snprintf(request, sizeof(request),
				 "GET /sub/grade-order?after=%lld HTTP/1.1\r\n" H "\r\n",
				 first + i - 2);

		snprintf(text, sizeof(text), "m%d", i);
		if (send(fd, request, (size_t)n, MSG_NOSIGNAL) != n)
			break;
		grade_read(fd, 1, ANSWER_MS, grade_now_ms(), &a);
		if (!body_is(&a, text))
			break;
		got++;
	}
	if (fd >= 0)
		close(fd);
	if (got == COUNT) {
		snprintf(actual, actual_len, "m1 .. m%d, in order", COUNT);
	} else {
		size_t used;

		snprintf(actual, actual_len, "%d in order, then: ", got);
		used = strlen(actual);
		grade_describe_answer(&a, actual + used, actual_len - used);
	}
	return grade_by_level(gc, got == COUNT);
}

enum verdict grade_comet_empty_wait(const struct grade_case *gc, int port, char *sent,
				    size_t sent_len, char *expected, size_t expected_len,
				    char *actual, size_t actual_len)
{
	struct answer a;

	snprintf(sent, sent_len, "GET /sub/grade-quiet?after=0&wait=300 (nothing published)");
	snprintf(expected, expected_len,
		 "204 after about 300 ms, with no Content-Length (RFC 9110 8.6)");
	/* Nothing is ever published to this channel: after=0 always waits. */
	if (!poll_once(port, "grade-quiet", 0, "&wait=300", ANSWER_MS, &a, actual, actual_len))
		return FAIL;
	return grade_by_level(gc, a.status == 204 && a.ms >= 250 &&
				      strcasestr(a.head, "\ncontent-length:") == NULL);
}

enum verdict grade_comet_gone(const struct grade_case *gc, int port, char *sent, size_t sent_len,
			      char *expected, size_t expected_len, char *actual, size_t actual_len)
{
	enum { PUBLISHES = 201 };
	static const char one[] =
	    "POST /pub/grade-gone HTTP/1.1\r\n" H "Content-Length: 1\r\n\r\nx";
	static char burst[PUBLISHES * sizeof(one)];
	struct answer a;
	long long first;
	size_t len = 0;
	char id[sizeof(a.body)];

	snprintf(sent, sent_len,
		 "POST /pub/grade-gone %d times in one write (the first answered id N); then GET "
		 "/sub/grade-gone?after=N-1",
		 PUBLISHES);
	snprintf(expected, expected_len,
		 "410: the channel keeps its last 200 messages, and N is not among them");
	for (int i = 0; i < PUBLISHES; i++) {
		memcpy(burst + len, one, sizeof(one) - 1);
		len += sizeof(one) - 1;
	}
	grade_exchange(port, burst, len, FEED_WHOLE, PUBLISHES, 10000, &a);
	if (a.answers < PUBLISHES || a.status != 200 || a.body_len == 0) {
		grade_describe_answer(&a, actual, actual_len);
		snprintf(actual + strlen(actual), actual_len - strlen(actual),
			 " (%d of %d publishes answered)", a.answers, PUBLISHES);
		return grade_by_level(gc, false);
	}
	memcpy(id, a.body, a.body_len);
	id[a.body_len] = '\0';
	first = strtoll(id, NULL, 10);
	if (!poll_once(port, "grade-gone", first - 1, "&wait=300", ANSWER_MS, &a, actual,
		       actual_len))
		return FAIL;
	return grade_by_level(gc, a.status == 410);
}

/* Article 003's own goal: one event, many waiting clients. */
enum verdict grade_comet_fan_out(const struct grade_case *gc, int port, char *sent, size_t sent_len,
				 char *expected, size_t expected_len, char *actual,
				 size_t actual_len)
{
	enum { SUBSCRIBERS = 100 };
	int fds[SUBSCRIBERS], i, answered = 0, opened = 0;
	struct answer a;
	long long id;
	long started;

	snprintf(sent, sent_len,
		 "%d connections GET /sub/grade-fan?after=N (N: the id of a first publish); "
		 "then one POST /pub/grade-fan (\"news\")",
		 SUBSCRIBERS);
	snprintf(expected, expected_len, "all %d answered \"news\" within %d ms of the publish",
		 SUBSCRIBERS, ANSWER_MS);
	id = publish(port, "grade-fan", "before", &a);
	if (id < 1) {
		grade_describe_answer(&a, actual, actual_len);
		return grade_by_level(gc, false);
	}
	for (i = 0; i < SUBSCRIBERS; i++) {
		fds[i] = subscribe(port, "grade-fan", id, "", "");
		opened += fds[i] >= 0;
	}
	usleep(PARKED_MS * 1000);
	started = grade_now_ms();
	/* A server that cannot publish while subscribers wait (01_blocking)
	 * says so here: the publish itself is not answered. */
	if (publish(port, "grade-fan", "news", &a) != id + 1) {
		for (i = 0; i < SUBSCRIBERS; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		grade_describe_answer(&a, actual, actual_len);
		snprintf(actual + strlen(actual), actual_len - strlen(actual),
			 " (the publish, while %d subscribers wait)", opened);
		return grade_by_level(gc, false);
	}
	for (i = 0; i < SUBSCRIBERS; i++) {
		long left = started + ANSWER_MS - grade_now_ms();

		if (fds[i] < 0)
			continue;
		grade_read(fds[i], 1, left > 0 ? left : 1, grade_now_ms(), &a);
		answered += body_is(&a, "news");
		close(fds[i]);
	}
	snprintf(actual, actual_len, "%d of %d subscribers (%d connected) answered in %ld ms",
		 answered, SUBSCRIBERS, opened, grade_now_ms() - started);
	return grade_by_level(gc, answered == SUBSCRIBERS);
}

/* /stats' "waiters:" value, or -1 when the server has no such counter. */
static long waiters(int port)
{
	static const char get[] = "GET /stats HTTP/1.1\r\n" H "Connection: close\r\n\r\n";
	char buf[4096], *w;
	int fd = grade_connect(port), end;
	size_t n;

	if (fd < 0)
		return -1;
	(void)!send(fd, get, sizeof(get) - 1, MSG_NOSIGNAL);
	n = grade_read_bytes(fd, buf, sizeof(buf) - 1, sizeof(buf) - 1, ANSWER_MS, &end);
	close(fd);
	buf[n] = '\0';
	w = strstr(buf, "\nwaiters: ");
	return w ? atol(w + 10) : -1;
}

/* Tornado's 2011 fix: a subscriber that goes away leaves the waiter set. */
enum verdict grade_comet_left(const struct grade_case *gc, int port, char *sent, size_t sent_len,
			      char *expected, size_t expected_len, char *actual, size_t actual_len)
{
	enum { SUBSCRIBERS = 20 };
	int fds[SUBSCRIBERS], i;
	long count = -1, base;
	struct answer a;
	long long id;
	long until;

	snprintf(sent, sent_len,
		 "%d connections GET /sub/grade-left?after=N, closed or reset after %d ms; then "
		 "POST /pub/grade-left and a new GET /sub/grade-left?after=N",
		 SUBSCRIBERS, PARKED_MS);
	snprintf(expected, expected_len,
		 "the new subscriber gets the message; where /stats counts waiters, they are "
		 "back where they were within 2 s");
	id = publish(port, "grade-left", "before", &a);
	if (id < 1) {
		grade_describe_answer(&a, actual, actual_len);
		return grade_by_level(gc, false);
	}
	base = waiters(port);
	for (i = 0; i < SUBSCRIBERS; i++)
		fds[i] = subscribe(port, "grade-left", id, "", "");
	usleep(PARKED_MS * 1000);
	for (i = 0; i < SUBSCRIBERS; i++) {
		if (fds[i] < 0)
			continue;
		if (i % 2) {
			struct linger now = { .l_onoff = 1, .l_linger = 0 };

			setsockopt(fds[i], SOL_SOCKET, SO_LINGER, &now, sizeof(now));
		}
		close(fds[i]);
	}
	if (base >= 0) {
		for (until = grade_now_ms() + 2000; grade_now_ms() < until; usleep(50 * 1000))
			if ((count = waiters(port)) <= base)
				break;
	}
	if (publish(port, "grade-left", "after", &a) != id + 1) {
		grade_describe_answer(&a, actual, actual_len);
		return grade_by_level(gc, false);
	}
	if (!poll_once(port, "grade-left", id, "", ANSWER_MS, &a, actual, actual_len))
		return FAIL;
	if (base >= 0)
		snprintf(actual + strlen(actual), actual_len - strlen(actual),
			 "; waiters %ld before, %ld after they left", base, count);
	return grade_by_level(gc, body_is(&a, "after") && (base < 0 || count <= base));
}
