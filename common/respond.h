/*
 * respond.h - the application every model serves: routes and their answers.
 *
 *   GET /            200 "Hello, World!\n"
 *   POST /echo       the request's body, byte for byte (at most HTTP_MAX_BODY);
 *                    POST / too (h1spec's test servers echo any body)
 *   GET /bytes/N     N bytes of a fixed pattern (N <= RESPOND_MAX_BYTES)
 *   GET /delay/MS    the same hello, MS milliseconds later
 *   GET /spin/US     the same hello, after burning US microseconds of CPU
 *   GET /stats       the counters in stats.h, as text
 *   POST /pub/NAME   publish the body on channel NAME; 200 with its id
 *   GET /sub/NAME?after=ID&wait=MS
 *                    the first message after ID (Message-Id: its id), at
 *                    once or when it is published; 204 when the wait ends
 *                    empty, 410 if the cache has dropped it (comet.h)
 *   HEAD             the same heads, no bodies
 *
 * It decides what to send; how and when to send it (a blocking write, a
 * sleep, a timer) is the caller's business, which is the whole difference
 * between the models.
 */
#ifndef C10K_RESPOND_H
#define C10K_RESPOND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "channel.h"
#include "http.h"

#define RESPOND_HELLO "Hello, World!\n"
/* Bounds that keep one request from tying up a server for long. */
#define RESPOND_MAX_BYTES (64u * 1024 * 1024)
#define RESPOND_MAX_DELAY_MS 60000u
#define RESPOND_MAX_SPIN_US 10000000u
/* Room for any head we send plus the largest inline body (/stats, with a
 * line per loop in 12_reuseport). Allocated only while a request is being
 * answered (conn.h). */
#define RESPOND_OUT_CAP 4096

/* /bytes bodies repeat this 64-byte line, so a test can rebuild any body
 * with `yes LINE | head -c N` and compare byte for byte. */
#define RESPOND_PATTERN_LINE "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"
#define RESPOND_PATTERN_PERIOD 64

/* GET /sub found nothing newer than its cursor: the connection waits for a
 * publish (conn.c's CONN_PARKED), and this is what the answer needs then. */
struct reply_park {
	bool wanted;
	bool keep_alive, http10, head_only;
	unsigned channel;
	uint64_t after;   /* the cursor: the answer is the first message past it */
	unsigned wait_ms; /* ?wait=, or 0: the server's idle timeout */
};

struct reply {
	size_t out_len;       /* bytes written to out: the head and any small body */
	uint64_t pattern_len; /* then this many pattern bytes, streamed (/bytes) */
	const char *body;     /* the pattern_len bytes come from here, not the
				 pattern (/echo: the body that was read) */
	unsigned delay_ms;    /* send nothing until this long has passed (/delay) */
	bool close;           /* close the connection after this answer */
	bool interim;         /* a 100 Continue: the request's body comes next */
	struct reply_park park;
};

/* A route that uses its request's body is answered once the body is in,
 * when the head is gone from the input buffer: what the answer needs from
 * the head is kept here meanwhile. */
struct body_route {
	bool keep_alive;
	bool http10;
	bool publish;     /* POST /pub/NAME, else an echo */
	unsigned channel; /* what NAME was opened as */
};

/* Set the Server header from the model's label. Call once at start. */
void respond_init(const char *model_label);

/* Answer a parsed request. keep_alive_allowed is false when the connection
 * must end after this answer whatever the client asked (request cap). /spin
 * burns its CPU here, in the caller's thread: that is the point. */
void respond_to_request(const struct http_request *req, bool keep_alive_allowed, char *out,
			struct reply *reply);

/* Does the request's route use its body (POST /echo, POST /)? If so the caller
 * reads the body and answers with respond_to_body; respond_to_request
 * answers every other request, whose body the caller reads and drops. */
bool respond_uses_body(const struct http_request *req, bool keep_alive_allowed,
		       struct body_route *route);
/* Answer a route that used its body, once all len bytes are in. The
 * answer points at body (reply->body): keep it until the answer is sent. */
void respond_to_body(const struct body_route *route, const char *body, size_t len, char *out,
		     struct reply *reply);

/* Answer a parked subscriber: the message (s == CHANNEL_OK), 410 (GONE) or
 * 204 (the wait ended; s == CHANNEL_WAIT). */
void respond_to_parked(const struct reply_park *park, enum channel_status s,
		       const struct channel_message *m, char *out, struct reply *reply);

/* Answer a request the parser refused with this status; always closes.
 * head_counted: the request was counted already (its body was bad). */
void respond_to_error(int status, bool head_counted, char *out, struct reply *reply);

/* The interim answer to Expect: 100-continue (RFC 9110 section 10.1.1). */
void respond_continue(char *out, struct reply *reply);

/* Where the body of /bytes continues at offset: a pointer into a static
 * buffer and how many bytes may be sent from it (at most remaining). */
const char *respond_pattern_at(uint64_t offset, uint64_t remaining, size_t *len);

#endif
