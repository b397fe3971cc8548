/*
 * http.h - HTTP/1.x request parser and response head writer.
 *
 * The parser follows picohttpparser's contract: it keeps no state, allocates
 * nothing and does no I/O. The caller hands it the bytes received so far; it
 * answers "complete (this many bytes of head)", "need more" or "bad request
 * (answer with this status)". Its outputs point into the caller's buffer.
 * Because it is pure, the blocking servers and the event loops call the very
 * same function, and the unit tests can feed it one byte at a time.
 */
#ifndef C10K_HTTP_H
#define C10K_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 9112 section 3 asks servers to accept request lines of at least 8000
 * octets; longer ones get 414. */
#define HTTP_MAX_REQUEST_LINE 8192
/* Header fields after the request line. nginx's large_client_header_buffers
 * default is 8 KiB as well; more gets 431. */
#define HTTP_MAX_HEADER_BYTES 8192
/* Empty lines a client may send before a request line (RFC 9112 section
 * 2.2 asks servers to ignore at least one); more is a 400. */
#define HTTP_MAX_LEADING_EMPTY_LINES 4
/* A head that fits every limit fits here, leading empty lines included, and
 * a partial head that has filled it already breaks one (the parser refuses
 * it at once, see judge_partial_head): an input buffer of this size never
 * fills up without the parser either succeeding or refusing. */
#define HTTP_MAX_HEAD                                                                              \
	(2 * HTTP_MAX_LEADING_EMPTY_LINES + HTTP_MAX_REQUEST_LINE + HTTP_MAX_HEADER_BYTES)
/* Counting fields bounds the parse work as well as the bytes. */
#define HTTP_MAX_HEADERS 100
/* The largest request body read, framed by Content-Length or chunked: a
 * route that uses its body (POST /echo) keeps it, every other route reads
 * and drops it. Beyond this, 413 and close instead of draining. */
#define HTTP_MAX_BODY (1024 * 1024)

/* What http_parse_request returns when the head is not complete yet. */
#define HTTP_INCOMPLETE 0

struct http_request {
	const char *method; /* points into the caller's buffer */
	size_t method_len;
	const char *target; /* request-target as sent: path and query */
	size_t target_len;
	int minor_version;       /* 0 for HTTP/1.0, 1 for HTTP/1.1 and later 1.x */
	bool keep_alive;         /* the client's wish, from version and Connection */
	uint64_t content_length; /* body bytes that follow the head */
	bool chunked;            /* the body is chunked instead (Transfer-Encoding) */
	bool expect_continue;    /* Expect: 100-continue: the client waits to send its body */
};

/*
 * Parse the request at the start of buf[0..len).
 *
 * Returns the length of the request head (> 0) when it is complete,
 * HTTP_INCOMPLETE when more bytes are needed, or minus the status code to
 * answer when the request is bad (-400, -413, -414, -431, -501, -505).
 *
 * *scanned makes repeated calls cheap (a slowloris defence, as picohttpparser's
 * last_len): set it to 0 for a new request and pass it back unchanged when
 * calling again with more bytes; bytes already known to hold no end of head are
 * not searched again.
 *
 * Bare LF is accepted as a line ending wherever CRLF is (RFC 9112 section 2.2
 * allows it, curl and nc users send it); a CR not followed by LF is a 400.
 */
int http_parse_request(const char *buf, size_t len, size_t *scanned, struct http_request *req);

/*
 * A chunked body (RFC 9112 section 7.1), decoded as it arrives. Like the
 * head parser it keeps no buffer and does no I/O: the caller hands it the
 * bytes that came, and it says which of them are body data. Chunk
 * extensions and trailer fields are read and dropped.
 */
struct http_chunked {
	uint64_t size;  /* of the chunk being read: its data bytes still to come */
	uint64_t total; /* data bytes so far */
	uint64_t limit; /* more than this in all: 413 */
	unsigned line;  /* bytes of the framing line being read */
	unsigned trailer_bytes;
	int state;
};

void http_chunked_init(struct http_chunked *d, uint64_t limit);

/* Decode from in[0..len). Returns how many bytes it took (<= len; fewer
 * only when the body ended or a run of data was found), with *data and
 * *data_len the run of body data among them (at most one per call: call
 * again with the rest); or minus the status that ends the request: -400
 * for bad framing, -413 past the limit, -431 for trailers past the head's
 * limit. */
long http_chunked_decode(struct http_chunked *d, const char *in, size_t len, const char **data,
			 size_t *data_len);

/* The last chunk and its trailers have come: the body is complete. */
bool http_chunked_done(const struct http_chunked *d);

/* GET, HEAD and POST are served where a route has them; other registered
 * methods get 405 with Allow; a method we have never heard of gets 501
 * (RFC 9110 section 9.1). */
enum http_method { HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_METHOD_NOT_ALLOWED, HTTP_METHOD_UNKNOWN };
enum http_method http_method_of(const struct http_request *req);

/* The fields of a response head we ever send. */
struct http_response {
	int status;
	const char *server;       /* Server: value */
	const char *content_type; /* NULL for none */
	uint64_t content_length;
	bool keep_alive;        /* false: "Connection: close" */
	bool http10_keep_alive; /* an HTTP/1.0 client needs "Connection: keep-alive" */
	const char *allow;      /* Allow: value for 405, else NULL */
	uint64_t message_id;    /* Message-Id: of a Comet message, 0 for none */
};

/* Write the status line and header fields, blank line included, into out.
 * Returns the length written, or 0 if it did not fit in cap. */
size_t http_format_head(char *out, size_t cap, const struct http_response *resp);

const char *http_reason(int status);

/* The Date header value (RFC 9110 IMF-fixdate), formatted at most once a
 * second per thread: a per-request gmtime+strftime would be measurable. */
const char *http_date_now(void);

#endif
