/*
 * test_framing.c - table-driven tests for http_load's response framing
 * (bench/http_load/framing.c), as TAP.
 *
 * Every case is fed three ways and all must agree:
 *   - whole, in one call;
 *   - one byte at a time: the verdict must stay "more" (0) until the very
 *     byte that completes the response (or makes it unframeable), and that
 *     byte must be the case's `at`;
 *   - in two pieces, split at every point.
 * Then the fields the generator counts by: status, Content-Length, body
 * bytes, Connection: close, and the body's checksum against one computed
 * here.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"

#include "framing.h"

#define NEVER 0 /* at: the response never completes (its body runs to EOF) */

struct frame_case {
	const char *name;
	const char *input;
	int verdict; /* at the end of the input: 1 complete, 0 more, -1 cannot frame */
	size_t at;   /* the byte count at which the verdict came (NEVER: 0 to the end) */
	int status;  /* when framed */
	long long length, body;
	bool closes;
};

#define OK "HTTP/1.1 200 OK\r\n"

/* clang-format off: one case per line reads as a table */
static const struct frame_case cases[] = {
	{ "Content-Length: 3", OK "Content-Length: 3\r\n\r\nok\n", 1, 41, 200, 3, 3, false },
	{ "bytes past the declared length: cannot frame", OK "Content-Length: 2\r\n\r\nokEXTRA", -1,
	  41, 0, 0, 0, false },
	{ "a byte after a Content-Length: 0 response", OK "Content-Length: 0\r\n\r\nX", -1, 39, 0,
	  0, 0, false },
	{ "a byte after a 204", "HTTP/1.1 204 No Content\r\n\r\nX", -1, 28, 0, 0, 0, false },
	{ "Content-Length: 0 ends at the blank line", OK "Content-Length: 0\r\n\r\n", 1, 38, 200, 0,
	  0, false },
	{ "204 has no body", "HTTP/1.1 204 No Content\r\n\r\n", 1, 27, 204, 0, 0, false },
	{ "304 has no body", "HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n", 1, 48, 304,
	  0, 0, false },
	{ "no Content-Length: body to EOF", "HTTP/1.0 200 OK\r\n\r\nhello", 0, NEVER, 200, -1, 5,
	  true },
	{ "bare LF line endings", "HTTP/1.1 200 OK\nContent-Length: 1\n\nx", 1, 36, 200, 1, 1,
	  false },
	{ "Connection: close is seen", OK "Connection: close\r\nContent-Length: 1\r\n\r\nx", 1, 58,
	  200, 1, 1, true },
	{ "Connection: Close, in any case", OK "Connection: Close\r\nContent-Length: 1\r\n\r\nx", 1,
	  58, 200, 1, 1, true },
	{ "close among other tokens",
	  OK "connection: keep-alive,CLOSE \r\nContent-Length: 1\r\n\r\nx", 1, 70, 200, 1, 1,
	  true },
	{ "close in a second Connection line",
	  OK "Connection: keep-alive\r\nConnection: close\r\n"
	     "Content-Length: 1\r\n\r\nx",
	  1, 82, 200, 1, 1, true },
	{ "a token that only contains close",
	  OK "Connection: closed, x-close\r\nContent-Length: 1\r\n"
	     "\r\nx",
	  1, 68, 200, 1, 1, false },
	{ "HTTP/1.0 closes unless keep-alive", "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", 1,
	  39, 200, 1, 1, true },
	{ "HTTP/1.0 with Connection: Keep-Alive stays open",
	  "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nx", 1, 63, 200, 1,
	  1, false },
	{ "header names in any case, blanks around the length",
	  OK "CONTENT-length:  7 \r\n\r\n1234567", 1, 47, 200, 7, 7, false },
	{ "a 100 Continue, then the answer",
	  "HTTP/1.1 100 Continue\r\n\r\n" OK "Content-Length: 1\r\n\r\nx", 1, 64, 200, 1, 1,
	  false },
	{ "no reason phrase", "HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n", 1, 35, 404, 0, 0,
	  false },
	{ "the same Content-Length twice", OK "Content-Length: 1\r\nContent-Length: 1\r\n\r\nx", 1,
	  58, 200, 1, 1, false },
	{ "a head cut short: more", OK "Content-Length: 5\r\n", 0, NEVER, 200, 5, 0, false },
	{ "a body cut short: more", OK "Content-Length: 5\r\n\r\nab", 0, NEVER, 200, 5, 2, false },
	{ "not HTTP", "HELLO THERE\r\n\r\n", -1, 13, 0, 0, 0, false },
	{ "HTTP/2 status line", "HTTP/2 200\r\n\r\n", -1, 12, 0, 0, 0, false },
	{ "a two-digit status", "HTTP/1.1 20 OK\r\n\r\n", -1, 16, 0, 0, 0, false },
	{ "status 099", "HTTP/1.1 099 Odd\r\n\r\n", -1, 18, 0, 0, 0, false },
	{ "two different Content-Lengths", OK "Content-Length: 1\r\nContent-Length: 2\r\n\r\n", -1,
	  55, 0, 0, 0, false },
	{ "Content-Length not a number", OK "Content-Length: 1x\r\n\r\n", -1, 37, 0, 0, 0, false },
	{ "Content-Length of 19 digits", OK "Content-Length: 1234567890123456789\r\n\r\n", -1, 54,
	  0, 0, 0, false },
	{ "Content-Length empty", OK "Content-Length:\r\n\r\n", -1, 34, 0, 0, 0, false },
	{ "Transfer-Encoding: chunked", OK "Transfer-Encoding: chunked\r\n\r\n", -1, 45, 0, 0, 0,
	  false },
};
/* clang-format on */

static uint32_t fnv1a(const char *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (unsigned char)*p++) * 16777619u;
	return h;
}

static bool fields_match(const struct frame_case *t, const struct response *r)
{
	if (t->verdict < 0)
		return true;
	return r->status == t->status && r->content_length == t->length &&
	       r->body_bytes == t->body && r->server_closes == t->closes;
}

/* Feed the case in pieces of `step` bytes (0: all at once), on past a
 * complete response while input is left (a byte after the end is an
 * error however it arrives); the last verdict and the count of bytes fed
 * when it first came. */
static int feed(const struct frame_case *t, size_t step, struct response *r, size_t *at)
{
	size_t len = strlen(t->input), done = 0;
	int verdict = 0;

	response_reset(r);
	*at = 0;
	while (done < len && verdict >= 0) {
		size_t n = step == 0 || step > len - done ? len - done : step;
		int v = response_feed(r, t->input + done, n, true);

		done += n;
		if (v != verdict)
			*at = done;
		verdict = v;
	}
	return verdict;
}

int main(void)
{
	size_t i, split;
	char name[160], why[200];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct frame_case *t = &cases[i];
		size_t len = strlen(t->input), at;
		struct response whole, bytewise, split_response;
		int v_whole = feed(t, 0, &whole, &at);
		int v_bytes = feed(t, 1, &bytewise, &at);
		bool splits_agree = true;

		snprintf(name, sizeof(name), "%s: whole", t->name);
		snprintf(why, sizeof(why),
			 "verdict %d, expected %d (status %d, length %lld, body %lld)", v_whole,
			 t->verdict, whole.status, whole.content_length, whole.body_bytes);
		report(v_whole == t->verdict && fields_match(t, &whole), name, why);

		snprintf(name, sizeof(name), "%s: a byte at a time", t->name);
		snprintf(why, sizeof(why), "verdict %d at byte %zu, expected %d at %zu", v_bytes,
			 at, t->verdict, t->at);
		report(v_bytes == t->verdict && at == t->at && fields_match(t, &bytewise), name,
		       why);

		for (split = 1; split < len; split++) {
			size_t got_at = 0;
			int v;

			response_reset(&split_response);
			v = response_feed(&split_response, t->input, split, true);
			if (v != 0)
				got_at = split;
			if (v >= 0) {
				int second = response_feed(&split_response, t->input + split,
							   len - split, true);
				if (second != v)
					got_at = second != 0 ? len : 0;
				v = second;
			}
			if (v != t->verdict || !fields_match(t, &split_response) ||
			    (v != 0 && got_at < t->at)) {
				splits_agree = false;
				snprintf(why, sizeof(why), "split at %zu: verdict %d", split, v);
				break;
			}
		}
		snprintf(name, sizeof(name), "%s: in two pieces, split anywhere", t->name);
		report(splits_agree, name, why);

		if (t->verdict > 0 || (t->verdict == 0 && t->body > 0)) {
			const char *body = t->input + len - (size_t)t->body;

			if (t->verdict > 0)
				body = t->input + t->at - (size_t)t->body;
			snprintf(name, sizeof(name), "%s: the body's checksum", t->name);
			report(whole.checksum == fnv1a(body, (size_t)t->body), name,
			       "the checksum is not FNV-1a of the body");
		}
	}
	/* Two limits too long for the table. */
	{
		static char
		    head[RESPONSE_HEAD_MAX + 256]; /* the last filler line may pass the limit */
		struct response r;
		size_t n = 0, k, fed;
		int v = 0;

		n += (size_t)sprintf(head, OK);
		while (n < RESPONSE_HEAD_MAX + 2)
			n += (size_t)sprintf(head + n, "X-Filler: %060d\r\n", 0);
		response_reset(&r);
		for (fed = 0; fed < n && v == 0; fed++)
			v = response_feed(&r, head + fed, 1, false);
		report(v == -1 && fed == RESPONSE_HEAD_MAX + 1,
		       "a head past 64 KiB is not framed, at its 65,537th byte",
		       "a head over RESPONSE_HEAD_MAX was taken");
		/* A Content-Length line longer than what is kept of it: its
		 * value was cut, so it cannot be trusted. */
		n = (size_t)sprintf(head, OK "Content-Length: ");
		for (k = 0; k < RESPONSE_LINE_MAX; k++)
			head[n++] = ' ';
		n += (size_t)sprintf(head + n, "1\r\n\r\nx");
		response_reset(&r);
		report(response_feed(&r, head, n, false) == -1,
		       "a Content-Length line longer than what is kept is not framed",
		       "a cut Content-Length was believed");
	}
	return tap_failures != 0;
}
