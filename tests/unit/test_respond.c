/*
 * test_respond.c - every answer respond.c builds is framed: its head ends
 * where it says, and Content-Length is exactly the body that follows it
 * (inline, or streamed from the pattern for /bytes), at the worst case the
 * servers can produce: the longest Server label respond_init keeps, /stats
 * with 256 loops (12_reuseport's limit) and counters of 19 digits. An
 * answer that did not fit RESPOND_OUT_CAP would become a 500 (finish()):
 * none may. Output is TAP, for tests/run.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "http.h"
#include "respond.h"
#include "stats.h"

#define LOOPS 256 /* 12_reuseport's MAX_LOOPS */

static char out[RESPOND_OUT_CAP + 1]; /* + 1: a NUL after the answer, for strstr */

/* The head's length and the Content-Length it declares; 0 if the answer
 * has no complete head or no Content-Length. */
static size_t head_of(const struct reply *reply, unsigned long long *content_length)
{
	const char *end = NULL, *cl;
	size_t i;

	for (i = 0; i + 4 <= reply->out_len && end == NULL; i++)
		if (memcmp(out + i, "\r\n\r\n", 4) == 0)
			end = out + i + 4;
	if (end == NULL)
		return 0;
	cl = strstr(out, "Content-Length: ");
	if (cl == NULL || cl > end)
		return 0;
	*content_length = strtoull(cl + strlen("Content-Length: "), NULL, 10);
	return (size_t)(end - out);
}

/* Checks one answer; status is the one expected. */
static void check_framing(const char *name, const struct reply *reply, int status, bool head_only,
			  bool closes)
{
	char expect[32], why[200];
	unsigned long long content_length = 0, body;
	size_t head_len = head_of(reply, &content_length);

	snprintf(expect, sizeof(expect), "HTTP/1.1 %d ", status);
	body = head_len == 0 ? 0 : reply->out_len - head_len + reply->pattern_len;
	snprintf(why, sizeof(why),
		 "out_len %zu (cap %d), head %zu, Content-Length %llu, body %llu: %.40s",
		 reply->out_len, RESPOND_OUT_CAP, head_len, content_length, body, out);
	report(reply->out_len <= RESPOND_OUT_CAP && head_len > 0 &&
		   strncmp(out, expect, strlen(expect)) == 0 &&
		   (head_only ? body == 0 : body == content_length) && (!closes || reply->close),
	       name, why);
}

static void check_request(const char *request, int status)
{
	struct http_request req;
	struct reply reply;
	size_t scanned = 0;
	char name[160];

	if (http_parse_request(request, strlen(request), &scanned, &req) <= 0) {
		report(false, request, "the request did not parse");
		return;
	}
	respond_to_request(&req, true, out, &reply);
	out[reply.out_len] = '\0';
	snprintf(name, sizeof(name), "%.*s is framed", (int)(strcspn(request, "\r")), request);
	check_framing(name, &reply, status, strncmp(request, "HEAD", 4) == 0, false);
}

int main(void)
{
	static const int errors[] = { 400, 408, 413, 414, 431, 500, 501, 503, 505 };
	char label[200], name[64];
	size_t i;
	int loop;

	/* Longer than the Server header keeps: the worst head. */
	memset(label, 'x', sizeof(label) - 1);
	label[sizeof(label) - 1] = '\0';
	stats_init(label);
	respond_init(label);
	stats_split_by_loop(LOOPS);
	for (loop = 0; loop < LOOPS; loop++) {
		stats_enter_loop(loop);
		for (i = 0; i < STAT_COUNT; i++)
			stats_add((enum stat_counter)i, LONG_MAX / (2 * LOOPS));
	}

	check_request("GET / HTTP/1.1\r\nHost: t\r\n\r\n", 200);
	check_request("GET /stats HTTP/1.1\r\nHost: t\r\n\r\n", 200);
	check_request("HEAD /stats HTTP/1.1\r\nHost: t\r\n\r\n", 200);
	check_request("GET /bytes/67108864 HTTP/1.1\r\nHost: t\r\n\r\n", 200);
	check_request("GET /bytes/0 HTTP/1.0\r\n\r\n", 200);
	check_request("GET /delay/60000 HTTP/1.1\r\nHost: t\r\n\r\n", 200);
	check_request("GET /spin/1 HTTP/1.1\r\nHost: t\r\n\r\n", 200);
	check_request("GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n", 404);
	check_request("GET /bytes/67108865 HTTP/1.1\r\nHost: t\r\n\r\n", 400);
	check_request("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n", 200);
	check_request("PUT / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n", 405);
	check_request("POST /stats HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n", 405);
	check_request("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n", 405);
	check_request("HEAD /echo HTTP/1.1\r\nHost: t\r\n\r\n", 405);
	check_request("BREW / HTTP/1.1\r\nHost: t\r\n\r\n", 501);
	/* /echo's answer: the head here, the body streamed from the bytes read. */
	{
		static const char body[] = "any bytes\0at all";
		struct body_route route = { .keep_alive = true };
		struct reply reply;

		respond_to_body(&route, body, sizeof(body), out, &reply);
		out[reply.out_len] = '\0';
		check_framing("POST /echo's answer is framed", &reply, 200, false, false);
		report(reply.body == body && reply.pattern_len == sizeof(body),
		       "POST /echo's answer sends the body it was given", "another body");
		route.keep_alive = false;
		respond_to_body(&route, body, 0, out, &reply);
		out[reply.out_len] = '\0';
		check_framing("an empty echo that closes is framed", &reply, 200, false, true);
	}
	{
		struct reply reply;

		respond_continue(out, &reply);
		report(reply.interim && reply.out_len == 25 &&
			   memcmp(out, "HTTP/1.1 100 Continue\r\n\r\n", 25) == 0,
		       "100 Continue is a head alone, marked interim", "not");
	}
	for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		struct reply reply;

		respond_to_error(errors[i], false, out, &reply);
		out[reply.out_len] = '\0';
		snprintf(name, sizeof(name), "error %d is framed and closes", errors[i]);
		check_framing(name, &reply, errors[i], false, true);
	}

	/* /stats says how many loops it left out rather than overflow. */
	{
		struct http_request req;
		struct reply reply;
		size_t scanned = 0;
		const char *request = "GET /stats HTTP/1.1\r\nHost: t\r\n\r\n";

		http_parse_request(request, strlen(request), &scanned, &req);
		respond_to_request(&req, true, out, &reply);
		out[reply.out_len] = '\0';
		report(reply.out_len > 0 && strstr(out, "\nloop 0: ") != NULL &&
			   strstr(out, "\nloops_not_shown: ") != NULL,
		       "/stats with 256 loops shows the first ones and counts the rest",
		       "no loop lines or no loops_not_shown line");
	}
	printf("1..%d\n", tap_tests);
	return tap_failures != 0;
}
