/*
 * http.c - the request parser and response head writer shared by every model.
 * See http.h for the contract; RFC 9112 (HTTP/1.1 message syntax) and RFC 9110
 * (semantics) for the rules cited below.
 */
#include "http.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* RFC 9112 section 2.2 says a server SHOULD ignore at least one empty line
 * before a request line. We ignore a few, then call it garbage. */

struct field_facts {
	int host_count;
	bool transfer_encoding;
	/* The codings listed, in order, across all Transfer-Encoding lines
	 * (RFC 9112 section 6.1: they apply in the order listed). */
	unsigned chunked_count;     /* "chunked" anywhere */
	bool chunked_last;          /* ... and it is the final coding */
	bool other_coding;          /* any coding but chunked (gzip, frob) */
	bool transfer_encoding_bad; /* an empty value or a coding that is not a token */
	bool content_length_seen;
	bool content_length_bad; /* not a plain decimal, or two differing values */
	uint64_t content_length;
	bool close;
	bool keep_alive;
	bool expect_continue;
};

/* RFC 9110 section 5.6.2: tchar. */
static bool is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
		return true;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Visible ASCII and obs-text: what may appear in a request-target. */
static bool is_target_char(unsigned char c)
{
	return c > 0x20 && c != 0x7f;
}

/* Field values: VCHAR, obs-text, SP and HTAB; every other control is refused
 * (NUL and bare CR in particular, RFC 9110 section 5.5). */
static bool is_value_char(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

static bool equals_ignore_case(const char *s, size_t n, const char *lower)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + ('a' - 'A'));
		if (lower[i] == '\0' || c != lower[i])
			return false;
	}
	return lower[n] == '\0';
}

/* Offset of the first byte after the empty lines a client may send before a
 * request line, or -1 if there are more of them than we tolerate. */
static long skip_leading_empty_lines(const char *buf, size_t len)
{
	size_t i = 0;
	int lines = 0;

	for (;;) {
		if (i < len && buf[i] == '\n')
			i += 1;
		else if (i + 1 < len && buf[i] == '\r' && buf[i + 1] == '\n')
			i += 2;
		else
			return (long)i;
		if (++lines > HTTP_MAX_LEADING_EMPTY_LINES)
			return -1;
	}
}

/*
 * Find the empty line ending the head: a LF followed by LF or by CRLF.
 * Returns the offset just past it, or 0 if it is not there yet. *scanned
 * records where the next search may start.
 */
static size_t find_head_end(const char *buf, size_t len, size_t *scanned)
{
	size_t i = *scanned;

	while (i < len) {
		const char *lf = memchr(buf + i, '\n', len - i);
		size_t after;

		if (lf == NULL)
			break;
		after = (size_t)(lf - buf) + 1;
		if (after < len && buf[after] == '\n')
			return after + 1;
		if (after + 1 < len && buf[after] == '\r' && buf[after + 1] == '\n')
			return after + 2;
		if (after == len || (after + 1 == len && buf[after] == '\r')) {
			/* Too few bytes after this LF to decide: look here again. */
			*scanned = (size_t)(lf - buf);
			return 0;
		}
		i = after;
	}
	*scanned = len;
	return 0;
}

/* Length of a line without its ending; n includes the final LF. A CR
 * anywhere but right before that LF makes the line invalid: -1. */
static long line_content_length(const char *line, size_t n)
{
	size_t len = n - 1;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (memchr(line, '\r', len) != NULL)
		return -1;
	return (long)len;
}

/* request-line = method SP request-target SP HTTP-version (RFC 9112 section 3) */
static int parse_request_line(const char *line, size_t n, struct http_request *req)
{
	long len = line_content_length(line, n);
	const char *end, *p, *target;

	if (len < 0)
		return -400;
	end = line + len;
	for (p = line; p < end && is_tchar((unsigned char)*p); p++)
		;
	if (p == line || p == end || *p != ' ')
		return -400;
	req->method = line;
	req->method_len = (size_t)(p - line);

	target = ++p;
	while (p < end && is_target_char((unsigned char)*p))
		p++;
	if (p == target || p == end || *p != ' ')
		return -400;
	/* origin-form, absolute-form or asterisk-form (RFC 9112 section 3.2) */
	if (target[0] != '/' && target[0] != '*' &&
	    memchr(target, ':', (size_t)(p - target)) == NULL)
		return -400;
	req->target = target;
	req->target_len = (size_t)(p - target);

	p++;
	if (end - p != 8 || memcmp(p, "HTTP/", 5) != 0 || p[5] < '0' || p[5] > '9' || p[6] != '.' ||
	    p[7] < '0' || p[7] > '9')
		return -400;
	if (p[5] != '1')
		return -505;
	req->minor_version = p[7] == '0' ? 0 : 1;
	return 0;
}

/* Content-Length = 1*DIGIT (RFC 9110 section 8.6). Signs, spaces and lists
 * are refused: different parsers reading them differently is how request
 * smuggling works. */
static void note_content_length(const char *v, size_t n, struct field_facts *f)
{
	uint64_t value = 0;
	size_t i;

	if (n == 0)
		f->content_length_bad = true;
	for (i = 0; i < n && !f->content_length_bad; i++) {
		unsigned digit = (unsigned char)v[i] - '0';
		if (digit > 9 || value > (UINT64_MAX - digit) / 10)
			f->content_length_bad = true;
		else
			value = value * 10 + digit;
	}
	if (f->content_length_seen && value != f->content_length)
		f->content_length_bad = true;
	f->content_length_seen = true;
	f->content_length = value;
}

/* Transfer-Encoding = #transfer-coding, each a token with optional
 * ;parameters (RFC 9112 section 6.1). Only the names matter here: which
 * codings, and whether chunked comes last. Empty list elements are
 * skipped, as RFC 9110 section 5.6.1 asks of a recipient. */
static void note_transfer_encoding(const char *v, size_t n, struct field_facts *f)
{
	const char *end = v + n;
	bool any = false;

	while (v < end) {
		const char *comma = memchr(v, ',', (size_t)(end - v));
		const char *stop = comma ? comma : end;
		const char *name = v, *name_end;

		while (name < stop && is_ows(*name))
			name++;
		for (name_end = name; name_end < stop && is_tchar((unsigned char)*name_end);
		     name_end++)
			;
		if (name_end > name) {
			const char *rest = name_end;

			while (rest < stop && is_ows(*rest))
				rest++;
			if (rest < stop && *rest != ';')
				f->transfer_encoding_bad = true; /* "chunked x" */
			any = true;
			f->chunked_last =
			    equals_ignore_case(name, (size_t)(name_end - name), "chunked");
			if (f->chunked_last)
				f->chunked_count++;
			else
				f->other_coding = true;
		} else if (name_end < stop) {
			f->transfer_encoding_bad = true; /* not a token */
		}
		v = comma ? comma + 1 : end;
	}
	if (!any)
		f->transfer_encoding_bad = true;
	f->transfer_encoding = true;
}

/* Connection = #connection-option: a comma-separated list of tokens. */
static void note_connection(const char *v, size_t n, struct field_facts *f)
{
	const char *end = v + n;

	while (v < end) {
		const char *comma = memchr(v, ',', (size_t)(end - v));
		const char *stop = comma ? comma : end;
		const char *last = stop;

		while (v < stop && is_ows(*v))
			v++;
		while (last > v && is_ows(last[-1]))
			last--;
		if (equals_ignore_case(v, (size_t)(last - v), "close"))
			f->close = true;
		else if (equals_ignore_case(v, (size_t)(last - v), "keep-alive"))
			f->keep_alive = true;
		v = comma ? comma + 1 : end;
	}
}

/* field-line = field-name ":" OWS field-value OWS (RFC 9112 section 5) */
static int parse_field_line(const char *line, size_t len, struct field_facts *f)
{
	const char *end = line + len, *p = line, *value, *value_end;
	size_t name_len;

	/* obs-fold: a line starting with whitespace continues the previous
	 * field. RFC 9112 section 5.2 lets a server reject it with 400. */
	if (is_ows(*p))
		return -400;
	while (p < end && is_tchar((unsigned char)*p))
		p++;
	/* No whitespace between name and colon (section 5.1): a proxy that
	 * strips it and one that does not would disagree on the field. */
	if (p == line || p == end || *p != ':')
		return -400;
	name_len = (size_t)(p - line);

	for (value = p + 1; value < end && is_ows(*value); value++)
		;
	for (value_end = end; value_end > value && is_ows(value_end[-1]); value_end--)
		;
	for (p = value; p < value_end; p++)
		if (!is_value_char((unsigned char)*p))
			return -400;

	if (equals_ignore_case(line, name_len, "host"))
		f->host_count++;
	else if (equals_ignore_case(line, name_len, "content-length"))
		note_content_length(value, (size_t)(value_end - value), f);
	else if (equals_ignore_case(line, name_len, "transfer-encoding"))
		note_transfer_encoding(value, (size_t)(value_end - value), f);
	else if (equals_ignore_case(line, name_len, "connection"))
		note_connection(value, (size_t)(value_end - value), f);
	else if (equals_ignore_case(line, name_len, "expect") &&
		 equals_ignore_case(value, (size_t)(value_end - value), "100-continue"))
		f->expect_continue = true;
	return 0;
}

static int parse_fields(const char *p, const char *end, struct field_facts *f)
{
	int count = 0;

	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		long len = line_content_length(p, (size_t)(lf - p) + 1);
		int rc;

		if (len < 0)
			return -400;
		if (len == 0)
			return 0; /* the empty line ending the head */
		if (++count > HTTP_MAX_HEADERS)
			return -431;
		rc = parse_field_line(p, (size_t)len, f);
		if (rc != 0)
			return rc;
		p = lf + 1;
	}
	return 0;
}

/* Transfer-Encoding's verdict (RFC 9112 sections 6.1 and 6.3), 0 if the
 * body is chunked and can be read. Every other case ends the connection:
 * two parsers that frame one message differently are how requests are
 * smuggled past a proxy, so nothing is guessed. */
static int judge_transfer_encoding(const struct field_facts *f, const struct http_request *req)
{
	/* HTTP/1.0 has no Transfer-Encoding: the framing is faulty. */
	if (req->minor_version == 0)
		return -400;
	/* Both framings: section 6.1 lets a server go by Transfer-Encoding,
	 * but a message that carries both is a smuggling attempt more often
	 * than not, and refusing it is what h1spec and llhttp expect. */
	if (f->content_length_seen)
		return -400;
	/* Chunked must be the final coding, applied once, or the body's end
	 * cannot be found: "MUST respond with 400 and close" (6.3). */
	if (f->transfer_encoding_bad || !f->chunked_last || f->chunked_count > 1)
		return -400;
	/* "gzip, chunked": framed, but a coding we do not decode (6.1: 501). */
	if (f->other_coding)
		return -501;
	return 0;
}

/* The decisions that need all fields: framing, Host, persistence. */
static int judge_fields(const struct field_facts *f, struct http_request *req)
{
	int rc;

	if (f->transfer_encoding) {
		rc = judge_transfer_encoding(f, req);
		if (rc != 0)
			return rc;
		req->chunked = true;
	}
	if (f->content_length_bad)
		return -400;
	/* RFC 9112 section 3.2: exactly one Host in HTTP/1.1. */
	if (req->minor_version == 1 ? f->host_count != 1 : f->host_count > 1)
		return -400;
	if (f->content_length > HTTP_MAX_BODY)
		return -413;
	req->content_length = f->content_length;
	req->expect_continue = f->expect_continue && req->minor_version == 1;
	if (req->minor_version == 0)
		req->keep_alive = f->keep_alive && !f->close;
	else
		req->keep_alive = !f->close;
	return 0;
}

/* The method so far must be a token: this refuses a TLS handshake or binary
 * junk at once. Checked first on every path, and only within the request
 * line limit, so that the verdict cannot depend on how the bytes were split:
 * a line over the limit is a 414 unless its first HTTP_MAX_REQUEST_LINE bytes
 * already showed a bad method -- which is all a parser fed in pieces may
 * have seen when it gave up. (The fuzzer found both halves of this.) */
static bool bad_method_so_far(const char *p, size_t n)
{
	size_t i;

	if (n > HTTP_MAX_REQUEST_LINE)
		n = HTTP_MAX_REQUEST_LINE;
	for (i = 0; i < n && p[i] != ' '; i++)
		if (!is_tchar((unsigned char)p[i]))
			return true;
	return false;
}

/* The early errors: a request line that is already bad, or limits already
 * exceeded, before the head is complete. Refusing early means a client cannot
 * make us wait for a head we will refuse anyway. A limit *reached* by an
 * unfinished head is exceeded already: whatever completes it adds at least
 * one byte. That is what lets a buffer of HTTP_MAX_HEAD bytes never fill
 * without a verdict. */
static int judge_partial_head(const char *p, size_t n, struct http_request *req)
{
	/* This runs on every read of a head that is still arriving: look for
	 * the end of the request line only as far as it may go. */
	const char *lf =
	    memchr(p, '\n', n < HTTP_MAX_REQUEST_LINE + 1 ? n : HTTP_MAX_REQUEST_LINE + 1);
	size_t line_len;
	int rc;

	if (bad_method_so_far(p, n))
		return -400;
	if (lf == NULL)
		return n >= HTTP_MAX_REQUEST_LINE ? -414 : HTTP_INCOMPLETE;
	line_len = (size_t)(lf - p) + 1;
	if (line_len > HTTP_MAX_REQUEST_LINE)
		return -414;
	rc = parse_request_line(p, line_len, req);
	if (rc != 0)
		return rc;
	if (n - line_len >= HTTP_MAX_HEADER_BYTES)
		return -431;
	return HTTP_INCOMPLETE;
}

int http_parse_request(const char *buf, size_t len, size_t *scanned, struct http_request *req)
{
	struct field_facts facts = { 0 };
	long start = skip_leading_empty_lines(buf, len);
	const char *line, *lf;
	size_t end, line_len;
	int rc;

	memset(req, 0, sizeof(*req));
	if (start < 0)
		return -400;
	if (len - (size_t)start == 1 && buf[start] == '\r')
		return HTTP_INCOMPLETE; /* maybe the start of one more empty line */
	if (*scanned < (size_t)start)
		*scanned = (size_t)start;
	end = find_head_end(buf, len, scanned);
	if (end == 0)
		return judge_partial_head(buf + start, len - (size_t)start, req);

	line = buf + start;
	lf = memchr(line, '\n', end - (size_t)start);
	line_len = (size_t)(lf - line) + 1;
	/* The same checks in the same order as judge_partial_head: however the
	 * bytes were split, the answer must not change (a fuzzer found a bad
	 * request line with oversized headers: 400 in pieces, 431 whole). */
	if (bad_method_so_far(line, line_len))
		return -400;
	if (line_len > HTTP_MAX_REQUEST_LINE)
		return -414;
	rc = parse_request_line(line, line_len, req);
	if (rc != 0)
		return rc;
	if (end - (size_t)start - line_len > HTTP_MAX_HEADER_BYTES)
		return -431;
	rc = parse_fields(lf + 1, buf + end, &facts);
	if (rc == 0)
		rc = judge_fields(&facts, req);
	return rc != 0 ? rc : (int)end;
}

/*
 * The chunked coding (RFC 9112 section 7.1):
 *
 *   chunk      = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *   last-chunk = 1*("0") [ chunk-ext ] CRLF, then trailer fields, CRLF
 *
 * Byte by byte, like the head parser, so that any split of the input
 * gives the same verdict. The framing needs CRLF here, where the head
 * accepts a bare LF: parsers that disagree on where a chunk ends are how
 * chunked bodies smuggle requests, and no client writes bare LF inside a
 * chunked body.
 */
enum chunked_state {
	CHUNK_SIZE_FIRST, /* a line's first hex digit */
	CHUNK_SIZE,       /* more hex digits */
	CHUNK_EXT,        /* ";name=value" after the size, read and ignored */
	CHUNK_SIZE_LF,    /* the size line's CR came */
	CHUNK_DATA,
	CHUNK_DATA_CR, /* the CRLF after a chunk's data */
	CHUNK_DATA_LF,
	CHUNK_TRAILER_START, /* a trailer line, or the final empty line */
	CHUNK_TRAILER,       /* a trailer field, read and ignored */
	CHUNK_TRAILER_LF,
	CHUNK_END_LF, /* the final CR came */
	CHUNK_DONE,
};

/* A size line longer than this (leading zeros, extensions) is a 400: the
 * body limit bounds the data, this bounds the framing. */
#define CHUNK_MAX_LINE 1024

void http_chunked_init(struct http_chunked *d, uint64_t limit)
{
	memset(d, 0, sizeof(*d));
	d->state = CHUNK_SIZE_FIRST;
	d->limit = limit;
}

bool http_chunked_done(const struct http_chunked *d)
{
	return d->state == CHUNK_DONE;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One framing byte; 0, or minus the status that ends the body. */
static int chunked_framing_byte(struct http_chunked *d, char c)
{
	int digit;

	if (d->state != CHUNK_DATA && ++d->line > CHUNK_MAX_LINE)
		return d->state >= CHUNK_TRAILER_START ? -431 : -400;
	switch (d->state) {
	case CHUNK_SIZE_FIRST:
	case CHUNK_SIZE:
		digit = hex_value(c);
		if (digit >= 0) {
			if (d->size > (UINT64_MAX >> 4))
				return -413; /* no body this large is read anyway */
			d->size = (d->size << 4) | (uint64_t)digit;
			d->state = CHUNK_SIZE;
		} else if (d->state == CHUNK_SIZE_FIRST) {
			return -400; /* 1*HEXDIG: at least one digit */
		} else if (c == ';' || is_ows(c)) {
			d->state = CHUNK_EXT; /* BWS ";" ext, section 7.1.1 */
		} else if (c == '\r') {
			d->state = CHUNK_SIZE_LF;
		} else {
			return -400;
		}
		return 0;
	case CHUNK_EXT:
		if (c == '\r')
			d->state = CHUNK_SIZE_LF;
		else if (!is_value_char((unsigned char)c))
			return -400;
		return 0;
	case CHUNK_SIZE_LF:
		if (c != '\n')
			return -400;
		d->line = 0;
		if (d->size == 0) {
			d->state = CHUNK_TRAILER_START;
			return 0;
		}
		if (d->size > d->limit - d->total)
			return -413;
		d->state = CHUNK_DATA;
		return 0;
	case CHUNK_DATA_CR:
		d->state = CHUNK_DATA_LF;
		return c == '\r' ? 0 : -400;
	case CHUNK_DATA_LF:
		d->state = CHUNK_SIZE_FIRST;
		d->line = 0;
		return c == '\n' ? 0 : -400;
	case CHUNK_TRAILER_START:
	case CHUNK_TRAILER:
		if (c == '\r') {
			d->state =
			    d->state == CHUNK_TRAILER_START ? CHUNK_END_LF : CHUNK_TRAILER_LF;
			return 0;
		}
		/* Trailer fields count against the head's limit. */
		if (!is_value_char((unsigned char)c) || ++d->trailer_bytes > HTTP_MAX_HEADER_BYTES)
			return is_value_char((unsigned char)c) ? -431 : -400;
		d->state = CHUNK_TRAILER;
		return 0;
	case CHUNK_TRAILER_LF:
		d->state = CHUNK_TRAILER_START;
		d->line = 0;
		return c == '\n' ? 0 : -400;
	case CHUNK_END_LF:
		d->state = CHUNK_DONE;
		return c == '\n' ? 0 : -400;
	default:
		return -400;
	}
}

long http_chunked_decode(struct http_chunked *d, const char *in, size_t len, const char **data,
			 size_t *data_len)
{
	size_t i = 0;
	int rc;

	*data = NULL;
	*data_len = 0;
	while (i < len && d->state != CHUNK_DONE) {
		if (d->state == CHUNK_DATA) {
			size_t n = len - i < d->size ? len - i : (size_t)d->size;

			/* One run of data per call: the caller stores it and
			 * calls again with what is left. */
			*data = in + i;
			*data_len = n;
			d->size -= n;
			d->total += n;
			if (d->size == 0)
				d->state = CHUNK_DATA_CR;
			return (long)(i + n);
		}
		rc = chunked_framing_byte(d, in[i++]);
		if (rc != 0)
			return rc;
	}
	return (long)i;
}

enum http_method http_method_of(const struct http_request *req)
{
	static const char *const registered[] = { "PUT",     "DELETE", "CONNECT",
						  "OPTIONS", "TRACE",  "PATCH" };
	size_t i, n = req->method_len;

	/* Methods are case-sensitive (RFC 9110 section 9.1). */
	if (n == 3 && memcmp(req->method, "GET", 3) == 0)
		return HTTP_GET;
	if (n == 4 && memcmp(req->method, "HEAD", 4) == 0)
		return HTTP_HEAD;
	if (n == 4 && memcmp(req->method, "POST", 4) == 0)
		return HTTP_POST;
	for (i = 0; i < sizeof(registered) / sizeof(registered[0]); i++)
		if (strlen(registered[i]) == n && memcmp(req->method, registered[i], n) == 0)
			return HTTP_METHOD_NOT_ALLOWED;
	return HTTP_METHOD_UNKNOWN;
}

const char *http_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 204:
		return "No Content";
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 410:
		return "Gone";
	case 413:
		return "Content Too Large";
	case 414:
		return "URI Too Long";
	case 431:
		return "Request Header Fields Too Large";
	case 500:
		return "Internal Server Error";
	case 501:
		return "Not Implemented";
	case 503:
		return "Service Unavailable";
	case 505:
		return "HTTP Version Not Supported";
	default:
		return "Unknown";
	}
}

const char *http_date_now(void)
{
	static const char days[] = "SunMonTueWedThuFriSat";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	static _Thread_local char cached[80]; /* 29 used; room for any int */
	static _Thread_local time_t cached_second = (time_t)-1;
	time_t now = time(NULL);
	struct tm tm;

	if (now == cached_second)
		return cached;
	/* By hand, not strftime: glibc's strftime calls tzset(), which reads
	 * /etc/localtime, in every new 02_fork child. The names are fixed
	 * English in IMF-fixdate whatever the locale (RFC 9110 section 5.6.7). */
	if (gmtime_r(&now, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	snprintf(cached, sizeof(cached), "%.3s, %02d %.3s %04d %02d:%02d:%02d GMT",
		 days + 3 * (tm.tm_wday % 7), tm.tm_mday, months + 3 * (tm.tm_mon % 12),
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	cached_second = now;
	return cached;
}

/* A bounded appender: the head is built with memcpy, not snprintf, because
 * it is on every request's path. */
struct appender {
	char *p, *end;
	bool overflow;
};

static void append(struct appender *a, const char *s, size_t n)
{
	if (a->overflow || (size_t)(a->end - a->p) < n) {
		a->overflow = true;
		return;
	}
	memcpy(a->p, s, n);
	a->p += n;
}

static void append_str(struct appender *a, const char *s)
{
	append(a, s, strlen(s));
}

static void append_u64(struct appender *a, uint64_t v)
{
	char digits[20];
	size_t i = sizeof(digits);

	do {
		digits[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	append(a, digits + i, sizeof(digits) - i);
}

static void append_field(struct appender *a, const char *name, const char *value)
{
	append_str(a, name);
	append(a, ": ", 2);
	append_str(a, value);
	append(a, "\r\n", 2);
}

size_t http_format_head(char *out, size_t cap, const struct http_response *resp)
{
	struct appender a = { out, out + cap, false };

	append(&a, "HTTP/1.1 ", 9);
	append_u64(&a, (uint64_t)resp->status);
	append(&a, " ", 1);
	append_str(&a, http_reason(resp->status));
	append(&a, "\r\n", 2);
	append_field(&a, "Server", resp->server);
	append_field(&a, "Date", http_date_now());
	/* RFC 9110 section 8.6: a 204 has no content, nor its length. */
	if (resp->content_type != NULL && resp->status != 204)
		append_field(&a, "Content-Type", resp->content_type);
	if (resp->status != 204) {
		append(&a, "Content-Length: ", 16);
		append_u64(&a, resp->content_length);
		append(&a, "\r\n", 2);
	}
	if (resp->message_id != 0) {
		append(&a, "Message-Id: ", 12);
		append_u64(&a, resp->message_id);
		append(&a, "\r\n", 2);
	}
	if (resp->allow != NULL)
		append_field(&a, "Allow", resp->allow);
	if (!resp->keep_alive)
		append_field(&a, "Connection", "close");
	else if (resp->http10_keep_alive)
		append_field(&a, "Connection", "keep-alive");
	append(&a, "\r\n", 2);
	return a.overflow ? 0 : (size_t)(a.p - out);
}
