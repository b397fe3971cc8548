/*
 * fuzz_http.c - libFuzzer target for the request parser and the router.
 *
 * Every input is parsed whole, then fed again in pieces the way a socket
 * delivers them: every prefix is parsed with *scanned carried over from the
 * previous call, as conn.c does. Two properties are checked besides "no crash,
 * no sanitizer report":
 *   - split invariance: the pieces end in exactly the whole parse's answer
 *     (same head length or status, same method, target, version, framing);
 *   - no premature verdict: a prefix may only say "incomplete" or already
 *     give the whole input's final answer;
 *   - for a chunked head, the bytes after it decode to the same data and
 *     the same verdict whole as a byte at a time.
 * The input is copied to a heap block of exactly its size, so AddressSanitizer
 * reports a read one byte past the end (the guard-page test in
 * tests/unit/test_http.c does the same without ASan).
 *
 *   make fuzz                      build with clang, run FUZZ_SECONDS (60)
 *   build/fuzz/fuzz_http -help=1   libFuzzer's own options
 * Without libFuzzer, fuzz/replay.c runs the same checks over corpus files.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "respond.h"
#include "stats.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	stats_init("fuzz");
	respond_init("fuzz");
	return 0;
}

static void fail(const char *what, size_t size, size_t prefix, int whole, int piece)
{
	fprintf(stderr, "fuzz_http: %s (input %zu bytes, prefix %zu: whole %d, piece %d)\n", what,
		size, prefix, whole, piece);
	abort();
}

static int same_request(const struct http_request *a, const struct http_request *b)
{
	return a->method_len == b->method_len && memcmp(a->method, b->method, a->method_len) == 0 &&
	       a->target_len == b->target_len && memcmp(a->target, b->target, a->target_len) == 0 &&
	       a->minor_version == b->minor_version && a->keep_alive == b->keep_alive &&
	       a->content_length == b->content_length && a->chunked == b->chunked;
}

/* Decode in[0..len) as a chunked body, step bytes at a time (0: whole).
 * Returns 1 for a complete body, 0 for one still coming, or -status; the
 * data is checksummed, and how many bytes it was. */
static int decode_chunked(const char *in, size_t len, size_t step, uint32_t *sum, size_t *bytes)
{
	struct http_chunked d;
	size_t at = 0;

	http_chunked_init(&d, HTTP_MAX_BODY);
	*sum = 2166136261u;
	*bytes = 0;
	while (at < len && !http_chunked_done(&d)) {
		size_t end = step == 0 || len - at < step ? len : at + step, i;
		const char *data;
		size_t data_len;
		long n = http_chunked_decode(&d, in + at, end - at, &data, &data_len);

		if (n < 0)
			return (int)n;
		if ((size_t)n > end - at || (n == 0 && !http_chunked_done(&d)))
			fail("the chunked decoder took too much, or nothing", len, at, 0, 0);
		for (i = 0; i < data_len; i++)
			*sum = (*sum ^ (unsigned char)data[i]) * 16777619u;
		*bytes += data_len;
		at += (size_t)n;
	}
	return http_chunked_done(&d) ? 1 : 0;
}

static void check_chunked(const char *body, size_t len)
{
	uint32_t whole_sum, piece_sum;
	size_t whole_bytes, piece_bytes;
	int whole = decode_chunked(body, len, 0, &whole_sum, &whole_bytes);
	int piece = decode_chunked(body, len, 1, &piece_sum, &piece_bytes);

	if (whole != piece ||
	    (whole >= 0 && (whole_sum != piece_sum || whole_bytes != piece_bytes)))
		fail("a split changed the chunked body", len, 0, whole, piece);
	if (whole < 0 && strcmp(http_reason(-whole), "Unknown") == 0)
		fail("a chunked error status the response writer does not know", len, 0, whole, 0);
}

/* Route what parsed, as a server would, except /spin: burning up to ten
 * seconds of CPU per input would only slow the fuzzer down. */
static void route(const struct http_request *req)
{
	static char out[RESPOND_OUT_CAP];
	struct reply reply;

	if (req->target_len >= 5 && memcmp(req->target, "/spin", 5) == 0)
		return;
	respond_to_request(req, true, out, &reply);
	if (reply.out_len == 0 || reply.out_len > sizeof(out))
		fail("router wrote no head or too much", reply.out_len, 0, 0, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	struct http_request whole_req, piece_req;
	size_t scanned = 0, prefix, step;
	int whole, piece = HTTP_INCOMPLETE;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	whole = http_parse_request(buf, size, &scanned, &whole_req);
	if (whole > 0 && (size_t)whole > size)
		fail("head longer than the input", size, size, whole, 0);
	if (whole > 0)
		route(&whole_req);
	if (whole > 0 && whole_req.chunked)
		check_chunked(buf + whole, size - (size_t)whole);
	else if (whole < 0 && strcmp(http_reason(-whole), "Unknown") == 0)
		fail("an error status the response writer does not know", size, size, whole, 0);

	/* Byte at a time for small inputs, 128 pieces for big ones: at most
	 * 2048 parses per input, which keeps the fuzzer at hundreds of inputs
	 * a second even for 9 KiB heads. */
	step = size <= 2048 ? 1 : size / 128;
	scanned = 0;
	for (prefix = step;; prefix += step) {
		if (prefix > size)
			prefix = size;
		piece = http_parse_request(buf, prefix, &scanned, &piece_req);
		if (piece != HTTP_INCOMPLETE || prefix == size)
			break;
	}
	if (piece != whole)
		fail("a split changed the answer", size, prefix, whole, piece);
	if (whole > 0 && !same_request(&whole_req, &piece_req))
		fail("a split changed the parsed request", size, prefix, whole, piece);
	free(buf);
	return 0;
}
