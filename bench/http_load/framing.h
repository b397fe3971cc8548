/*
 * framing.h - an HTTP/1.x response read from bytes as they arrive: the
 * status line, the header lines a load generator needs (Content-Length,
 * Connection; Transfer-Encoding refused: our requests never ask for
 * chunks), then the body, by its length or until the server closes. No
 * I/O and no clock: fed all at once, a byte at a time or split anywhere it
 * says the same (tests/unit/test_framing.c holds it to that, case by case):
 * a byte after the declared end is an error whether it came in the read
 * that completed the response or in a later one.
 */
#ifndef C10K_FRAMING_H
#define C10K_FRAMING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RESPONSE_LINE_MAX 256   /* a header line is kept up to this much */
#define RESPONSE_HEAD_MAX 65536 /* a longer head is not framed */

enum response_part { RESPONSE_HEAD, RESPONSE_BODY, RESPONSE_DONE };

struct response {
	enum response_part part;
	char line[RESPONSE_LINE_MAX];
	size_t line_len;
	bool line_cut; /* the line was longer than what is kept of it */
	int status;
	bool server_closes; /* Connection: close, or HTTP/1.0 without keep-alive */
	bool http10, close_token, keep_alive_token; /* what server_closes is made of */
	long long content_length;                   /* -1: until the server closes */
	long long body_bytes;
	long head_bytes;
	uint32_t checksum; /* FNV-1a of the body, when asked for */
	const char *error; /* why it cannot be framed (after a -1), for messages */
};

/* Ready for a new response. */
void response_reset(struct response *r);
/* Feed n received bytes (checksum: fold the body into r->checksum): 1 when
 * the response is complete, 0 when more is needed, -1 when it cannot be
 * framed (r->error says why). A response ends exactly where it said it
 * would: bytes past its Content-Length, in this call or in a later one, are
 * -1 (a server that sends more than it declared would be read as the next
 * response's status line otherwise). */
int response_feed(struct response *r, const char *p, size_t n, bool checksum);

#endif
