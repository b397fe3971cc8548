/*
 * respond.c - routes. Pure apart from /spin's CPU burning and /stats reading
 * the counters: no I/O, no sleeping.
 */
#include "respond.h"

#include <stdio.h>
#include <string.h>

#include "comet.h"
#include "stats.h"
#include <time.h>

/* 1024 copies of the pattern line: a /bytes chunk is sent straight from
 * here (no per-connection copy), 64 KiB minus the offset into the line. */
#define PATTERN_BUFFER_BYTES (RESPOND_PATTERN_PERIOD * 1024)

static char pattern[PATTERN_BUFFER_BYTES];
static char server_name[96] = "c10k-lab";

void respond_init(const char *model_label)
{
	size_t i;

	for (i = 0; i < PATTERN_BUFFER_BYTES; i += RESPOND_PATTERN_PERIOD) {
		memcpy(pattern + i, RESPOND_PATTERN_LINE, RESPOND_PATTERN_PERIOD - 1);
		pattern[i + RESPOND_PATTERN_PERIOD - 1] = '\n';
	}
	snprintf(server_name, sizeof(server_name), "c10k-lab (%s)", model_label);
}

const char *respond_pattern_at(uint64_t offset, uint64_t remaining, size_t *len)
{
	size_t start = (size_t)(offset % RESPOND_PATTERN_PERIOD);
	size_t room = PATTERN_BUFFER_BYTES - start;

	*len = remaining < room ? (size_t)remaining : room;
	return pattern + start;
}

/* The digits after a route's prefix, up to limit; -1 if not a plain decimal. */
static long long parse_route_number(const char *s, size_t n, unsigned long long limit)
{
	unsigned long long value = 0;
	size_t i;

	if (n == 0 || n > 19)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		value = value * 10 + (unsigned)(s[i] - '0');
	}
	return value > limit ? -1 : (long long)value;
}

static bool has_prefix(const char *s, size_t n, const char *prefix, size_t *rest)
{
	size_t len = strlen(prefix);

	if (n < len || memcmp(s, prefix, len) != 0)
		return false;
	*rest = len;
	return true;
}

/* CPU time of the calling thread, not the wall clock: two threads spinning
 * on one core each take twice as long, as CPU-bound work does. (With the
 * wall clock, threads sharing a core would each "burn" 1 ms in 1 ms while
 * getting half of it, and /spin would report throughput no core gave.) */
static uint64_t thread_cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Burn CPU on purpose: a single-threaded loop does nothing else meanwhile. */
static void spin_for_us(unsigned long long us)
{
	uint64_t until = thread_cpu_us() + us;
	/* volatile: the work is not optimised away. On the stack: 03_thread
	 * runs many /spin at once, and one shared variable would be a data
	 * race (ThreadSanitizer reports it). */
	volatile unsigned long sink = 0;

	do {
		for (int i = 0; i < 1000; i++)
			sink = sink + (unsigned long)i;
	} while (thread_cpu_us() < until);
}

/* RFC 9112 section 3.2.2: a server must accept the absolute-form
 * "http://host/path" too; its path is what we route on. */
static void origin_path(const char **path, size_t *len)
{
	const char *end = *path + *len, *sep, *slash;

	if (**path == '/')
		return;
	sep = memchr(*path, ':', *len);
	if (sep == NULL || end - sep < 3 || memcmp(sep, "://", 3) != 0)
		return; /* "*" or nonsense: no route will match it */
	slash = memchr(sep + 3, '/', (size_t)(end - (sep + 3)));
	*path = slash != NULL ? slash : "/";
	*len = slash != NULL ? (size_t)(end - slash) : 1;
}

/* Write head + inline body into out. */
static void finish(char *out, struct reply *reply, struct http_response *resp, bool head_only,
		   const char *body, size_t body_len)
{
	size_t head_len;

	resp->server = server_name;
	if (resp->content_type == NULL)
		resp->content_type = "text/plain; charset=utf-8";
	if (body != NULL)
		resp->content_length = body_len;
	head_len = http_format_head(out, RESPOND_OUT_CAP, resp);
	if (head_only || body == NULL)
		body_len = 0;
	if (head_len == 0 || head_len + body_len > RESPOND_OUT_CAP) {
		/* A head without its body, or a body without its head, would
		 * break the framing of everything after it on the connection.
		 * Every answer here is far below the cap (RESPOND_OUT_CAP):
		 * reaching this is a bug in this file, so say so plainly. */
		static const char too_big[] = "HTTP/1.1 500 Internal Server Error\r\n"
					      "Content-Length: 0\r\nConnection: close\r\n\r\n";
		memcpy(out, too_big, sizeof(too_big) - 1);
		reply->out_len = sizeof(too_big) - 1;
		reply->close = true;
		return;
	}
	if (body_len)
		memcpy(out + head_len, body, body_len);
	reply->out_len = head_len + body_len;
	reply->close = !resp->keep_alive;
}

/* Error answers carry their status as a one-line body, for humans with curl. */
static void finish_with_status(char *out, struct reply *reply, struct http_response *resp,
			       bool head_only)
{
	char body[64];
	int n = snprintf(body, sizeof(body), "%d %s\n", resp->status, http_reason(resp->status));

	finish(out, reply, resp, head_only, body, n > 0 ? (size_t)n : 0);
}

void respond_to_error(int status, bool head_counted, char *out, struct reply *reply)
{
	struct http_response resp = { .status = status, .keep_alive = false };

	memset(reply, 0, sizeof(*reply));
	if (!head_counted)
		stats_add(STAT_REQUESTS, 1);
	stats_add(STAT_ERRORS, 1);
	finish_with_status(out, reply, &resp, false);
}

void respond_continue(char *out, struct reply *reply)
{
	static const char interim[] = "HTTP/1.1 100 Continue\r\n\r\n";

	memset(reply, 0, sizeof(*reply));
	memcpy(out, interim, sizeof(interim) - 1);
	reply->out_len = sizeof(interim) - 1;
	reply->interim = true;
}

/* The path a request routes on: no query, and the absolute-form's host cut. */
static void route_path(const struct http_request *req, const char **path, size_t *len)
{
	const char *query = memchr(req->target, '?', req->target_len);

	*path = req->target;
	*len = query != NULL ? (size_t)(query - req->target) : req->target_len;
	origin_path(path, len);
}

static bool path_is(const char *path, size_t len, const char *name)
{
	return len == strlen(name) && memcmp(path, name, len) == 0;
}

bool respond_uses_body(const struct http_request *req, bool keep_alive_allowed,
		       struct body_route *route)
{
	const char *path;
	size_t len, rest;

	if (http_method_of(req) != HTTP_POST)
		return false;
	route_path(req, &path, &len);
	memset(route, 0, sizeof(*route));
	if (has_prefix(path, len, "/pub/", &rest)) {
		/* A bad name, or no room for another channel: answered by
		 * respond_to_request, and the body dropped. */
		if (comet_open(path + rest, len - rest, &route->channel) != CHANNEL_OK)
			return false;
		route->publish = true;
	} else if (!path_is(path, len, "/echo") && !path_is(path, len, "/")) {
		/* POST / echoes too: what h1spec's test servers do with any body. */
		return false;
	}
	stats_add(STAT_REQUESTS, 1);
	route->keep_alive = req->keep_alive && keep_alive_allowed;
	route->http10 = req->minor_version == 0;
	return true;
}

/* POST /pub/NAME: the id, as the body and as Message-Id. */
static void publish(const struct body_route *route, const char *body, size_t len, char *out,
		    struct reply *reply)
{
	struct http_response resp = {
		.keep_alive = route->keep_alive,
		.http10_keep_alive = route->http10,
	};
	enum channel_status s = comet_publish(route->channel, body, len, &resp.message_id);
	char id[24];
	int n;

	resp.status = channel_http_status(s);
	if (s != CHANNEL_OK) {
		resp.message_id = 0;
		finish_with_status(out, reply, &resp, false);
		return;
	}
	stats_add(STAT_PUBLISHED, 1);
	n = snprintf(id, sizeof(id), "%llu\n", (unsigned long long)resp.message_id);
	finish(out, reply, &resp, false, id, (size_t)n);
}

void respond_to_body(const struct body_route *route, const char *body, size_t len, char *out,
		     struct reply *reply)
{
	struct http_response resp = {
		.status = 200,
		.keep_alive = route->keep_alive,
		.http10_keep_alive = route->http10,
		.content_type = "application/octet-stream",
		.content_length = len,
	};

	memset(reply, 0, sizeof(*reply));
	if (route->publish) {
		publish(route, body, len, out, reply);
		return;
	}
	finish(out, reply, &resp, false, NULL, 0);
	reply->pattern_len = len;
	reply->body = body;
}

void respond_to_parked(const struct reply_park *park, enum channel_status s,
		       const struct channel_message *m, char *out, struct reply *reply)
{
	struct http_response resp = {
		.status = channel_http_status(s),
		.keep_alive = park->keep_alive,
		.http10_keep_alive = park->http10,
	};

	memset(reply, 0, sizeof(*reply));
	if (s == CHANNEL_OK) {
		resp.message_id = m->id;
		resp.content_type = "application/octet-stream";
		finish(out, reply, &resp, park->head_only, m->data, m->len);
	} else if (s == CHANNEL_WAIT) {
		finish(out, reply, &resp, true, NULL, 0); /* 204: no body */
	} else {
		/* 410: what it missed is gone; Message-Id says where to go on. */
		if (s == CHANNEL_GONE)
			resp.message_id = m->id;
		finish_with_status(out, reply, &resp, park->head_only);
	}
}

/* GET /sub/NAME?after=ID&wait=MS: the message now, or a park. */
static void subscribe(const struct http_request *req, const char *name, size_t name_len,
		      struct http_response *resp, bool head_only, char *out, struct reply *reply)
{
	const char *query = memchr(req->target, '?', req->target_len);
	size_t query_len = query ? req->target_len - (size_t)(query - req->target) - 1 : 0;
	struct reply_park park = {
		.keep_alive = resp->keep_alive,
		.http10 = resp->http10_keep_alive,
		.head_only = head_only,
	};
	struct channel_message m;
	enum channel_status s;
	long wait_ms;

	s = channel_parse_query(query ? query + 1 : "", query_len, &park.after, &wait_ms);
	if (s == CHANNEL_OK)
		s = comet_open(name, name_len, &park.channel);
	if (s == CHANNEL_OK)
		s = comet_take(park.channel, park.after, &m);
	if (s == CHANNEL_WAIT) {
		park.wanted = true;
		park.wait_ms = wait_ms < 0 ? 0 : (unsigned)wait_ms;
		reply->park = park;
		reply->close = !park.keep_alive;
		return;
	}
	if (s == CHANNEL_OK || s == CHANNEL_GONE) {
		respond_to_parked(&park, s, &m, out, reply);
		return;
	}
	resp->status = channel_http_status(s);
	finish_with_status(out, reply, resp, head_only);
}

/* 405 unless the method is one the route has (RFC 9110 section 15.5.6:
 * with Allow listing them). */
static bool method_refused(enum http_method method, bool post_too, struct http_response *resp)
{
	if (method == HTTP_GET || method == HTTP_HEAD || (post_too && method == HTTP_POST))
		return false;
	resp->status = 405;
	resp->allow = post_too ? "GET, HEAD, POST" : "GET, HEAD";
	return true;
}

void respond_to_request(const struct http_request *req, bool keep_alive_allowed, char *out,
			struct reply *reply)
{
	struct http_response resp = {
		.status = 200,
		.keep_alive = req->keep_alive && keep_alive_allowed,
		.http10_keep_alive = req->minor_version == 0,
	};
	enum http_method method = http_method_of(req);
	const char *path;
	size_t path_len, rest;
	bool head_only = method == HTTP_HEAD;
	char stats_body[RESPOND_OUT_CAP - 512]; /* the rest is room for the head */
	unsigned n_channel;
	long long n;

	memset(reply, 0, sizeof(*reply));
	stats_add(STAT_REQUESTS, 1);
	if (method == HTTP_METHOD_UNKNOWN) {
		resp.status = 501;
		finish_with_status(out, reply, &resp, false);
		return;
	}
	route_path(req, &path, &path_len);

	if (path_is(path, path_len, "/echo")) {
		/* POST went to respond_uses_body: anything else is refused. */
		resp.status = 405;
		resp.allow = "POST";
		finish_with_status(out, reply, &resp, head_only);
	} else if (path_is(path, path_len, "/")) {
		/* POST / went to respond_uses_body (the echo) as well. */
		if (method_refused(method, true, &resp))
			finish_with_status(out, reply, &resp, head_only);
		else
			finish(out, reply, &resp, head_only, RESPOND_HELLO, strlen(RESPOND_HELLO));
	} else if (has_prefix(path, path_len, "/pub/", &rest)) {
		/* A good POST went to respond_uses_body: what is left is a bad
		 * name, no room for the channel, or another method. */
		resp.status = 405;
		resp.allow = "POST";
		if (method == HTTP_POST)
			resp.status = channel_http_status(
			    comet_open(path + rest, path_len - rest, &n_channel));
		finish_with_status(out, reply, &resp, head_only);
	} else if (method_refused(method, false, &resp)) {
		finish_with_status(out, reply, &resp, head_only);
	} else if (has_prefix(path, path_len, "/sub/", &rest)) {
		subscribe(req, path + rest, path_len - rest, &resp, head_only, out, reply);
	} else if (path_is(path, path_len, "/stats")) {
		finish(out, reply, &resp, head_only, stats_body,
		       stats_format(stats_body, sizeof(stats_body)));
	} else if (has_prefix(path, path_len, "/bytes/", &rest)) {
		n = parse_route_number(path + rest, path_len - rest, RESPOND_MAX_BYTES);
		if (n < 0)
			goto bad_number;
		resp.content_type = "application/octet-stream";
		resp.content_length = (uint64_t)n;
		finish(out, reply, &resp, head_only, NULL, 0);
		reply->pattern_len = head_only ? 0 : (uint64_t)n;
	} else if (has_prefix(path, path_len, "/delay/", &rest)) {
		n = parse_route_number(path + rest, path_len - rest, RESPOND_MAX_DELAY_MS);
		if (n < 0)
			goto bad_number;
		finish(out, reply, &resp, head_only, RESPOND_HELLO, strlen(RESPOND_HELLO));
		reply->delay_ms = (unsigned)n;
	} else if (has_prefix(path, path_len, "/spin/", &rest)) {
		n = parse_route_number(path + rest, path_len - rest, RESPOND_MAX_SPIN_US);
		if (n < 0)
			goto bad_number;
		spin_for_us((unsigned long long)n);
		finish(out, reply, &resp, head_only, RESPOND_HELLO, strlen(RESPOND_HELLO));
	} else {
		resp.status = 404;
		finish_with_status(out, reply, &resp, head_only);
	}
	return;

bad_number: /* a known route with a number that is not one, or out of bounds */
	resp.status = 400;
	finish_with_status(out, reply, &resp, head_only);
}
