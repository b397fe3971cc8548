/*
 * framing.h - an HTTP/1.x response read from bytes as they arrive: the
 * status line, the header lines a load generator needs (Content-Length,
 * Connection: close; Transfer-Encoding refused: our requests never ask for
 * chunks), then the body, by its length or until the server closes. No
 * I/O and no clock: fed all at once or a byte at a time it says the same
 * (tests/unit/test_framing.c holds it to that, case by case).
 */
#ifndef C10K_FRAMING_H
#define C10K_FRAMING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RESPONSE_LINE_MAX 256   /* a header line is kept up to this much */
#define RESPONSE_HEAD_MAX 65536 /* a longer head is not framed */

enum response_part { RESPONSE_HEAD, RESPONSE_BODY };

struct response {
	enum response_part part;
	char line[RESPONSE_LINE_MAX];
	size_t line_len;
	bool line_cut; /* the line was longer than what is kept of it */
	int status;
	bool server_closes;       /* Connection: close */
	long long content_length; /* -1: until the server closes */
	long long body_bytes;
	long head_bytes;
	uint32_t checksum; /* FNV-1a of the body, when asked for */
};

/* Ready for a new response. */
void response_reset(struct response *r);
/* Feed n received bytes (checksum: fold the body into r->checksum): 1 when
 * the response is complete, 0 when more is needed, -1 when it cannot be
 * framed. Bytes after a complete response are not looked at. */
int response_feed(struct response *r, const char *p, size_t n, bool checksum);

#endif
