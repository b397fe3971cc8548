/*
 * test_chunked.c - table-driven tests for the chunked body decoder
 * (http_chunked_decode, common/http.c), as TAP.
 *
 * Every case is decoded three ways and all must agree: whole, one byte at
 * a time, and in two pieces split at every point. Each must end with the
 * same verdict (complete, still coming, or the status that refuses it),
 * the same data, and the verdict must come at the same byte: a decoder
 * that decided earlier or later in pieces than whole would frame the next
 * request differently, which is what smuggling is made of.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"

#include "http.h"

#define MORE 0 /* verdict: the body is not complete yet */
#define DONE 1 /* verdict: complete */
#define LIMIT 64

struct chunked_case {
	const char *name;
	const char *input;
	int verdict;      /* DONE, MORE, or -status */
	const char *data; /* the body decoded (for DONE and MORE) */
	size_t at;        /* bytes taken when the verdict came; 0: all of them */
	size_t len;       /* of input, when it holds a NUL; 0: strlen */
};

/* clang-format off: one case per line reads as a table */
static const struct chunked_case cases[] = {
	{ "one chunk", "5\r\nhello\r\n0\r\n\r\n", DONE, "hello", 0, 0 },
	{ "two chunks, hex sizes in any case", "a\r\n0123456789\r\nB\r\nabcdefghijk\r\n0\r\n\r\n",
	  DONE, "0123456789abcdefghijk", 0, 0 },
	{ "an empty body", "0\r\n\r\n", DONE, "", 0, 0 },
	{ "leading zeros", "0005\r\nhello\r\n000\r\n\r\n", DONE, "hello", 0, 0 },
	{ "extensions are read and dropped", "5;name=value;q=\"a;b\"\r\nhello\r\n0;last\r\n\r\n",
	  DONE, "hello", 0, 0 },
	{ "whitespace before an extension", "5 ;x\r\nhello\r\n0\r\n\r\n", DONE, "hello", 0, 0 },
	{ "trailers are read and dropped", "5\r\nhello\r\n0\r\nX-Sum: 1\r\nX-B: 2\r\n\r\n", DONE,
	  "hello", 0, 0 },
	{ "stops at the end of the body", "1\r\nx\r\n0\r\n\r\nGET / HTTP/1.1\r\n", DONE, "x", 11,
	  0 },
	{ "data cut short: more", "5\r\nhel", MORE, "hel", 0, 0 },
	{ "the final CRLF missing: more", "5\r\nhello\r\n0\r\n", MORE, "hello", 0, 0 },
	{ "no size: 400", "\r\nhello\r\n0\r\n\r\n", -400, "", 1, 0 },
	{ "a size that is not hex: 400", "5x\r\nhello\r\n0\r\n\r\n", -400, "", 2, 0 },
	{ "a sign: 400", "+5\r\nhello\r\n0\r\n\r\n", -400, "", 1, 0 },
	{ "0x prefix: 400", "0x5\r\nhello\r\n0\r\n\r\n", -400, "", 2, 0 },
	{ "bare LF after the size: 400", "5\nhello\r\n0\r\n\r\n", -400, "", 2, 0 },
	{ "bare CR after the size: 400", "5\rhello\r\n0\r\n\r\n", -400, "", 3, 0 },
	{ "data longer than its size: 400", "3\r\nhello\r\n0\r\n\r\n", -400, "hel", 7, 0 },
	{ "bare LF after the data: 400", "5\r\nhello\n0\r\n\r\n", -400, "hello", 9, 0 },
	{ "a NUL in an extension: 400", "5;a\0b\r\nhello\r\n0\r\n\r\n", -400, "", 4, 19 },
	{ "bare LF ending the trailers: 400", "0\r\n\n", -400, "", 4, 0 },
	{ "past the limit at the size line: 413", "41\r\n", -413, "", 4, 0 },
	{ "past the limit over two chunks: 413", "20\r\n0123456789abcdef0123456789abcdef\r\n21\r\n",
	  -413, "0123456789abcdef0123456789abcdef", 42, 0 },
	{ "a size of 2^64: 413, not a wrap to 0", "10000000000000000\r\nx\r\n0\r\n\r\n", -413, "",
	  17, 0 },
};
/* clang-format on */

struct outcome {
	int verdict;
	char data[LIMIT + 1];
	size_t data_len;
	size_t at; /* bytes taken when the verdict came */
};

/* Decode len bytes of input, handed over in a piece that ends at split (0:
 * no such piece) and then step bytes at a time (0: all the rest at once).
 * An error's byte is known exactly only a byte at a time: the decoder
 * refuses a piece, not a byte. */
static void decode(const char *input, size_t len, size_t split, size_t step, struct outcome *o)
{
	struct http_chunked d;
	size_t taken = 0, given = 0;

	memset(o, 0, sizeof(*o));
	http_chunked_init(&d, LIMIT);
	while (!http_chunked_done(&d)) {
		const char *data;
		size_t data_len;
		long n;

		if (taken == given) {
			if (given == len)
				break; /* all given, all taken: more is needed */
			given = split > given ? split : step == 0 ? len : given + step;
			if (given > len)
				given = len;
		}
		n = http_chunked_decode(&d, input + taken, given - taken, &data, &data_len);
		if (n < 0) {
			o->verdict = (int)n;
			o->at = taken + 1;
			return;
		}
		if (o->data_len + data_len > LIMIT) {
			o->verdict = -999; /* more data than the limit lets through */
			return;
		}
		/* An empty piece comes as NULL: memcpy may not be given it. */
		if (data_len > 0)
			memcpy(o->data + o->data_len, data, data_len);
		o->data_len += data_len;
		taken += (size_t)n;
	}
	o->verdict = http_chunked_done(&d) ? DONE : MORE;
	o->at = taken;
}

/* An error's byte is compared only a byte at a time (run_case). */
static bool same_outcome(const struct outcome *a, const struct outcome *b)
{
	return a->verdict == b->verdict && a->data_len == b->data_len &&
	       memcmp(a->data, b->data, a->data_len) == 0 && (a->verdict < 0 || a->at == b->at);
}

static void run_case(const struct chunked_case *c)
{
	size_t len = c->len ? c->len : strlen(c->input), split, want_at = c->at ? c->at : len;
	struct outcome whole, bytewise, pieces;
	char why[200] = "";
	bool ok = true;

	decode(c->input, len, 0, 0, &whole);
	decode(c->input, len, 0, 1, &bytewise);
	if (whole.verdict != c->verdict || whole.data_len != strlen(c->data) ||
	    memcmp(whole.data, c->data, whole.data_len) != 0) {
		snprintf(why, sizeof(why), "whole: verdict %d, %zu bytes of data \"%.*s\"",
			 whole.verdict, whole.data_len, (int)whole.data_len, whole.data);
		ok = false;
	} else if (!same_outcome(&whole, &bytewise) ||
		   (c->verdict != MORE && bytewise.at != want_at)) {
		snprintf(why, sizeof(why), "byte at a time: verdict %d at byte %zu (want %zu)",
			 bytewise.verdict, bytewise.at, want_at);
		ok = false;
	}
	for (split = 1; ok && split < len; split++) {
		decode(c->input, len, split, 0, &pieces);
		if (!same_outcome(&whole, &pieces)) {
			snprintf(why, sizeof(why), "split at %zu: verdict %d, %zu bytes", split,
				 pieces.verdict, pieces.data_len);
			ok = false;
		}
	}
	report(ok, c->name, why);
}

/* The head says which framing follows; the decoder is only for chunked. */
static void run_head_cases(void)
{
	static const char chunked[] = "POST /echo HTTP/1.1\r\nHost: a\r\n"
				      "Transfer-Encoding: chunked\r\n\r\n";
	static const char counted[] = "POST /echo HTTP/1.1\r\nHost: a\r\n"
				      "Content-Length: 5\r\n\r\n";
	struct http_request req;
	size_t scanned = 0;
	int rc = http_parse_request(chunked, sizeof(chunked) - 1, &scanned, &req);

	report(rc == (int)sizeof(chunked) - 1 && req.chunked && req.content_length == 0,
	       "a chunked head says chunked, with no Content-Length", "not");
	scanned = 0;
	rc = http_parse_request(counted, sizeof(counted) - 1, &scanned, &req);
	report(rc == (int)sizeof(counted) - 1 && !req.chunked && req.content_length == 5,
	       "a Content-Length head is not chunked", "it is");
}

int main(void)
{
	size_t i, n = sizeof(cases) / sizeof(cases[0]);

	printf("1..%zu\n", n + 2);
	for (i = 0; i < n; i++)
		run_case(&cases[i]);
	run_head_cases();
	return tap_failures ? 1 : 0;
}
