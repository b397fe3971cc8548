/*
 * test_http.c - table-driven tests for the request parser and head writer.
 *
 * Every case is parsed three ways and all must agree:
 *   - whole, in one call;
 *   - one byte at a time, passing *scanned back as a server does (each
 *     prefix must say "incomplete" until the head is complete, or fail early
 *     with the same status);
 *   - each prefix again from scratch (every split parses identically).
 * Each prefix is placed so that its last byte is the last readable byte
 * before a PROT_NONE page: any read past the end crashes the test.
 * Output is TAP, for tests/run.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tap.h"

#include "http.h"

#define WHOLE (-1000) /* expect: the whole input is one head */

struct parse_case {
	const char *name;
	const char *input;
	size_t len; /* 0: strlen(input) */
	int expect; /* WHOLE, a head length, or -status */
	const char *method, *target;
	int minor;
	bool keep_alive;
	unsigned long long content_length;
};

#define H11 " HTTP/1.1\r\nHost: a\r\n"

/* clang-format off: one case per line reads as a table */
static const struct parse_case cases[] = {
	{ "simple HTTP/1.1", "GET /" H11 "\r\n", 0, WHOLE, "GET", "/", 1, true, 0 },
	{ "HTTP/1.0 closes by default", "GET / HTTP/1.0\r\n\r\n", 0, WHOLE, "GET", "/", 0, false,
	  0 },
	{ "HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 0, WHOLE,
	  "GET", "/", 0, true, 0 },
	{ "HTTP/1.1 Connection: close", "GET /" H11 "Connection: close\r\n\r\n", 0, WHOLE, "GET",
	  "/", 1, false, 0 },
	{ "Connection list, any case", "GET /" H11 "Connection: foo ,  Close\r\n\r\n", 0, WHOLE,
	  "GET", "/", 1, false, 0 },
	{ "HEAD", "HEAD /stats" H11 "\r\n", 0, WHOLE, "HEAD", "/stats", 1, true, 0 },
	{ "bare LF line endings", "GET /x HTTP/1.1\nHost: a\n\n", 0, WHOLE, "GET", "/x", 1, true,
	  0 },
	{ "mixed line endings", "GET /x HTTP/1.1\r\nHost: a\n\r\n", 0, WHOLE, "GET", "/x", 1, true,
	  0 },
	{ "leading empty line ignored", "\r\nGET /" H11 "\r\n", 0, WHOLE, "GET", "/", 1, true, 0 },
	{ "query kept in target", "GET /bytes/10?x=1" H11 "\r\n", 0, WHOLE, "GET", "/bytes/10?x=1",
	  1, true, 0 },
	{ "absolute-form target", "GET http://a/x" H11 "\r\n", 0, WHOLE, "GET", "http://a/x", 1,
	  true, 0 },
	{ "HTTP/1.2 is treated as 1.1", "GET / HTTP/1.2\r\nHost: a\r\n\r\n", 0, WHOLE, "GET", "/",
	  1, true, 0 },
	{ "OWS and obs-text in values", "GET /" H11 "X:  \t a\xe9 b \t\r\n\r\n", 0, WHOLE, "GET",
	  "/", 1, true, 0 },
	{ "body follows the head", "POST /p" H11 "Content-Length: 5\r\n\r\nhello", 0, 48, "POST",
	  "/p", 1, true, 5 },
	{ "equal duplicate Content-Length",
	  "POST /p" H11 "Content-Length: 5\r\nContent-Length: 5\r\n\r\n", 0, WHOLE, "POST", "/p", 1,
	  true, 5 },
	{ "unknown method parses (501 is routing's call)", "BREW /pot" H11 "\r\n", 0, WHOLE, "BREW",
	  "/pot", 1, true, 0 },
	{ "pipelined: first head only", "GET /a" H11 "\r\nGET /b" H11 "\r\n", 0, 28, "GET", "/a", 1,
	  true, 0 },

	{ "no version (HTTP/0.9)", "GET /\r\n\r\n", 0, -400, 0, 0, 0, 0, 0 },
	{ "lower-case protocol", "GET / http/1.1\r\nHost: a\r\n\r\n", 0, -400, 0, 0, 0, 0, 0 },
	{ "HTTP/2.0 request line", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 0, -505, 0, 0, 0, 0, 0 },
	{ "two spaces", "GET  /" H11 "\r\n", 0, -400, 0, 0, 0, 0, 0 },
	{ "target not a path", "GET foo" H11 "\r\n", 0, -400, 0, 0, 0, 0, 0 },
	{ "control character in target", "GET /\x01" H11 "\r\n", 0, -400, 0, 0, 0, 0, 0 },
	{ "bad character in method", "G/ET /" H11 "\r\n", 0, -400, 0, 0, 0, 0, 0 },
	{ "TLS handshake refused early", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 0, -400, 0,
	  0, 0, 0, 0 },
	{ "too many leading empty lines", "\r\n\r\n\r\n\r\n\r\nGET /" H11 "\r\n", 0, -400, 0, 0, 0,
	  0, 0 },
	{ "space before colon", "GET /" H11 "X-A : b\r\n\r\n", 0, -400, 0, 0, 0, 0, 0 },
	{ "obs-fold", "GET /" H11 "X-A: b\r\n c\r\n\r\n", 0, -400, 0, 0, 0, 0, 0 },
	{ "bare CR in a value", "GET /" H11 "X-A: b\rc\r\n\r\n", 0, -400, 0, 0, 0, 0, 0 },
	{ "bare CR ends request line", "GET / HTTP/1.1\rHost: a\r\n\r\n", 0, -400, 0, 0, 0, 0, 0 },
	{ "NUL in a value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n", 35, -400, 0, 0, 0, 0,
	  0 },
	{ "control character in a name", "GET /" H11 "X\x01Y: z\r\n\r\n", 0, -400, 0, 0, 0, 0, 0 },
	{ "empty field name", "GET /" H11 ": z\r\n\r\n", 0, -400, 0, 0, 0, 0, 0 },
	{ "missing Host in HTTP/1.1", "GET / HTTP/1.1\r\n\r\n", 0, -400, 0, 0, 0, 0, 0 },
	{ "duplicate Host", "GET /" H11 "Host: b\r\n\r\n", 0, -400, 0, 0, 0, 0, 0 },
	{ "duplicate Host in HTTP/1.0", "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", 0, -400, 0,
	  0, 0, 0, 0 },
	{ "Transfer-Encoding: chunked", "POST /" H11 "Transfer-Encoding: chunked\r\n\r\n", 0, WHOLE,
	  "POST", "/", 1, true, 0 },
	{ "Transfer-Encoding: Chunked, any case, ;params and empty elements",
	  "POST /" H11 "Transfer-Encoding: , Chunked ;a=b\r\n\r\n", 0, WHOLE, "POST", "/", 1, true,
	  0 },
	{ "chunked not last", "POST /" H11 "Transfer-Encoding: chunked, identity\r\n\r\n", 0, -400,
	  0, 0, 0, 0, 0 },
	{ "chunked twice", "POST /" H11 "Transfer-Encoding: chunked, chunked\r\n\r\n", 0, -400, 0,
	  0, 0, 0, 0 },
	{ "chunked, then a second line with gzip",
	  "POST /" H11 "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n", 0, -400, 0,
	  0, 0, 0, 0 },
	{ "an unknown coding alone", "POST /" H11 "Transfer-Encoding: frob\r\n\r\n", 0, -400, 0, 0,
	  0, 0, 0 },
	{ "gzip, chunked: framed, not decoded",
	  "POST /" H11 "Transfer-Encoding: gzip, chunked\r\n\r\n", 0, -501, 0, 0, 0, 0, 0 },
	{ "gzip, then chunked on a second line",
	  "POST /" H11 "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n", 0, -501, 0,
	  0, 0, 0, 0 },
	{ "Transfer-Encoding empty", "POST /" H11 "Transfer-Encoding:\r\n\r\n", 0, -400, 0, 0, 0, 0,
	  0 },
	{ "Transfer-Encoding: chunked x", "POST /" H11 "Transfer-Encoding: chunked x\r\n\r\n", 0,
	  -400, 0, 0, 0, 0, 0 },
	{ "Content-Length with Transfer-Encoding",
	  "POST /" H11 "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 0, -400, 0, 0, 0,
	  0, 0 },
	{ "Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
	  0, -400, 0, 0, 0, 0, 0 },
	{ "differing Content-Length", "POST /" H11 "Content-Length: 5\r\nContent-Length: 6\r\n\r\n",
	  0, -400, 0, 0, 0, 0, 0 },
	{ "Content-Length +5", "POST /" H11 "Content-Length: +5\r\n\r\n", 0, -400, 0, 0, 0, 0, 0 },
	{ "Content-Length -1", "POST /" H11 "Content-Length: -1\r\n\r\n", 0, -400, 0, 0, 0, 0, 0 },
	{ "Content-Length 5 5", "POST /" H11 "Content-Length: 5 5\r\n\r\n", 0, -400, 0, 0, 0, 0,
	  0 },
	{ "Content-Length list 5,5", "POST /" H11 "Content-Length: 5,5\r\n\r\n", 0, -400, 0, 0, 0,
	  0, 0 },
	{ "Content-Length empty", "POST /" H11 "Content-Length:\r\n\r\n", 0, -400, 0, 0, 0, 0, 0 },
	{ "Content-Length 2^64", "POST /" H11 "Content-Length: 18446744073709551616\r\n\r\n", 0,
	  -400, 0, 0, 0, 0, 0 },
	{ "Content-Length too large", "POST /" H11 "Content-Length: 2000000\r\n\r\n", 0, -413, 0, 0,
	  0, 0, 0 },
};
/* clang-format on */

/* Two pages, the second PROT_NONE: a prefix placed at the end of the first
 * has nothing readable after it. */
static char *guard_base;
static size_t page_size, guard_room;

static void guard_setup(size_t max_len)
{
	page_size = (size_t)sysconf(_SC_PAGESIZE);
	guard_room = (max_len + page_size) / page_size * page_size;
	guard_base = mmap(NULL, guard_room + page_size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard_base == MAP_FAILED ||
	    mprotect(guard_base + guard_room, page_size, PROT_NONE) != 0) {
		perror("guard page");
		exit(2);
	}
}

static const char *at_guard(const char *input, size_t len)
{
	char *dst = guard_base + guard_room - len;

	memcpy(dst, input, len);
	return dst;
}

static bool same_text(const char *p, size_t n, const char *want)
{
	return want != NULL && strlen(want) == n && memcmp(p, want, n) == 0;
}

static bool check_fields(const struct parse_case *c, const struct http_request *r, char *why,
			 size_t cap)
{
	if (!same_text(r->method, r->method_len, c->method) ||
	    !same_text(r->target, r->target_len, c->target) || r->minor_version != c->minor ||
	    r->keep_alive != c->keep_alive || r->content_length != c->content_length) {
		snprintf(why, cap, "fields: method %.*s target %.*s minor %d keep_alive %d cl %llu",
			 (int)r->method_len, r->method, (int)r->target_len, r->target,
			 r->minor_version, r->keep_alive, (unsigned long long)r->content_length);
		return false;
	}
	return true;
}

static void run_case(const struct parse_case *c)
{
	size_t len = c->len ? c->len : strlen(c->input);
	int expect = c->expect == WHOLE ? (int)len : c->expect;
	struct http_request req;
	size_t scanned = 0, i;
	char why[512] = "";
	char name[256];
	bool ok = true;
	int rc;

	rc = http_parse_request(at_guard(c->input, len), len, &scanned, &req);
	if (rc != expect) {
		snprintf(why, sizeof(why), "whole: got %d, want %d", rc, expect);
		ok = false;
	} else if (rc > 0) {
		ok = check_fields(c, &req, why, sizeof(why));
	}

	scanned = 0;
	for (i = 1; ok && i <= len; i++) {
		size_t fresh_scanned = 0;
		struct http_request fresh;
		int fresh_rc;
		const char *prefix = at_guard(c->input, i);

		rc = http_parse_request(prefix, i, &scanned, &req);
		fresh_rc = http_parse_request(prefix, i, &fresh_scanned, &fresh);
		if (rc != fresh_rc) {
			snprintf(why, sizeof(why), "prefix %zu: incremental %d, fresh %d", i, rc,
				 fresh_rc);
			ok = false;
		} else if (expect < 0 && rc == expect) {
			break; /* refused early: fine, that is the point */
		} else if (expect > 0 && (size_t)expect == i) {
			if (rc != expect)
				snprintf(why, sizeof(why), "prefix %zu: got %d, want %d", i, rc,
					 expect),
				    ok = false;
			else
				ok = check_fields(c, &req, why, sizeof(why));
			break;
		} else if (rc != HTTP_INCOMPLETE) {
			snprintf(why, sizeof(why), "prefix %zu: got %d before the end", i, rc);
			ok = false;
		}
	}
	snprintf(name, sizeof(name), "parse: %s", c->name);
	report(ok, name, why);
}

/* Inputs built at run time: the size limits, at their edges. */
static void run_limit_cases(void)
{
	static char buf[HTTP_MAX_HEAD * 2];
	struct http_request req;
	size_t scanned, n;
	int rc;

	/* A request line of exactly HTTP_MAX_REQUEST_LINE bytes, CRLF
	 * included, is accepted; one byte more is 414. */
	n = (size_t)snprintf(buf, sizeof(buf), "GET /");
	memset(buf + n, 'a', HTTP_MAX_REQUEST_LINE - n - 11);
	n = HTTP_MAX_REQUEST_LINE - 11;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, " HTTP/1.1\r\nHost: a\r\n\r\n");
	scanned = 0;
	rc = http_parse_request(at_guard(buf, n), n, &scanned, &req);
	report(rc == (int)n, "limit: request line of exactly the maximum", "rejected");

	memmove(buf + 5, buf + 4, n - 4);
	scanned = 0;
	rc = http_parse_request(at_guard(buf, n + 1), n + 1, &scanned, &req);
	report(rc == -414, "limit: request line one byte over is 414", "not 414");

	/* Without any LF, a full buffer must be refused, not waited on. */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "GET /", 5);
	scanned = 0;
	rc = http_parse_request(at_guard(buf, HTTP_MAX_HEAD), HTTP_MAX_HEAD, &scanned, &req);
	report(rc == -414, "limit: endless request line is 414", "not 414");

	/* 9 KB of header fields: 431, complete or not. */
	n = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: a\r\nX-Big: ");
	memset(buf + n, 'b', 9 * 1024);
	n += 9 * 1024;
	scanned = 0;
	rc = http_parse_request(at_guard(buf, n), n, &scanned, &req);
	report(rc == -431, "limit: 9 KB header, unfinished, is 431", "not 431");
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\r\n\r\n");
	scanned = 0;
	rc = http_parse_request(at_guard(buf, n), n, &scanned, &req);
	report(rc == -431, "limit: 9 KB header, complete, is 431", "not 431");

	/* More fields than HTTP_MAX_HEADERS, each small. */
	n = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: a\r\n");
	for (int i = 0; i < HTTP_MAX_HEADERS; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "X%d: y\r\n", i);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\r\n");
	scanned = 0;
	rc = http_parse_request(at_guard(buf, n), n, &scanned, &req);
	report(rc == -431, "limit: too many header fields is 431", "not 431");
}

static void run_head_cases(void)
{
	char out[512];
	struct http_response resp = { .status = 200,
				      .server = "t",
				      .content_type = "text/plain",
				      .content_length = 14,
				      .keep_alive = true };
	size_t n = http_format_head(out, sizeof(out), &resp);
	const char *date = http_date_now();

	out[n] = '\0';
	report(n > 0 && strncmp(out, "HTTP/1.1 200 OK\r\nServer: t\r\nDate: ", 34) == 0 &&
		   strstr(out, "\r\nContent-Length: 14\r\n") && !strstr(out, "Connection") &&
		   strcmp(out + n - 4, "\r\n\r\n") == 0,
	       "head: 200 keep-alive, no Connection field", out);

	resp.keep_alive = false;
	resp.status = 404;
	n = http_format_head(out, sizeof(out), &resp);
	out[n] = '\0';
	report(n > 0 && strncmp(out, "HTTP/1.1 404 Not Found\r\n", 24) == 0 &&
		   strstr(out, "\r\nConnection: close\r\n"),
	       "head: 404 with Connection: close", out);

	resp.keep_alive = true;
	resp.http10_keep_alive = true;
	n = http_format_head(out, sizeof(out), &resp);
	out[n] = '\0';
	report(n > 0 && strstr(out, "\r\nConnection: keep-alive\r\n"),
	       "head: HTTP/1.0 keep-alive is announced", out);

	report(http_format_head(out, 20, &resp) == 0, "head: too small a buffer gives 0", "not 0");
	/* IMF-fixdate is always 29 characters: "Sun, 06 Nov 1994 08:49:37 GMT". */
	report(strlen(date) == 29 && strcmp(date + 25, " GMT") == 0, "head: Date is IMF-fixdate",
	       date);
}

static void run_method_cases(void)
{
	static const struct {
		const char *method;
		enum http_method want;
	} methods[] = {
		{ "GET", HTTP_GET },
		{ "HEAD", HTTP_HEAD },
		{ "POST", HTTP_POST },
		{ "DELETE", HTTP_METHOD_NOT_ALLOWED },
		{ "get", HTTP_METHOD_UNKNOWN },
		{ "BREW", HTTP_METHOD_UNKNOWN },
	};
	bool ok = true;
	char why[64] = "";

	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		struct http_request req = { .method = methods[i].method,
					    .method_len = strlen(methods[i].method) };
		if (http_method_of(&req) != methods[i].want) {
			snprintf(why, sizeof(why), "%s misclassified", methods[i].method);
			ok = false;
		}
	}
	report(ok, "methods: GET/HEAD/POST served, registered 405, unknown 501", why);
}

/* The three inputs the fuzzer found (fuzz/regressions/), rebuilt readably
 * and run like the table: each error must be decided on the same bytes
 * however the input arrives. */
static void run_order_cases(void)
{
	static char buf[HTTP_MAX_HEAD];
	struct parse_case c;
	size_t n;

	/* A bad version and oversized headers: the request line comes first. */
	n = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/21.1\r\nHost: a\r\nX-Big: ");
	memset(buf + n, 'b', 9 * 1024);
	n += 9 * 1024;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\r\n\r\n");
	c = (struct parse_case){ "order: bad request line before oversized headers is 400",
				 buf,
				 n,
				 -400,
				 0,
				 0,
				 0,
				 0,
				 0 };
	run_case(&c);

	/* Junk in the method of an endless line: 400, not 414. */
	memset(buf, 'a', 9000);
	buf[0] = '\0';
	c = (struct parse_case){
		"order: junk method of an overlong line is 400", buf, 9000, -400, 0, 0, 0, 0, 0
	};
	run_case(&c);

	/* A bad method byte only past the line limit: 414, as a parser fed the
	 * first 8 KiB and a bit must already have answered. */
	memset(buf, 'a', 8300);
	n = 8300 +
	    (size_t)snprintf(buf + 8300, sizeof(buf) - 8300, "@ / HTTP/1.1\r\nHost: a\r\n\r\n");
	c = (struct parse_case){
		"order: a bad method byte past the line limit is 414", buf, n, -414, 0, 0, 0, 0, 0
	};
	run_case(&c);
}

/* The input buffer is HTTP_MAX_HEAD bytes: full, it must hold a verdict,
 * or a server would ask read() for 0 bytes and take the 0 for the client
 * leaving. The largest head allowed fills it exactly; one byte more of
 * header is 431 on the buffer's own bytes, however they arrive. */
static void run_full_buffer_cases(void)
{
	static char exact[HTTP_MAX_HEAD], over[HTTP_MAX_HEAD], line_only[HTTP_MAX_HEAD];
	static char target[HTTP_MAX_REQUEST_LINE];
	const size_t lead = 2 * HTTP_MAX_LEADING_EMPTY_LINES;
	struct parse_case c;
	size_t n;

	target[0] = '/';
	memset(target + 1, 'a', HTTP_MAX_REQUEST_LINE - 16); /* "GET " + target + " HTTP/1.1\r\n" */

	/* Leading empty lines, a request line of exactly the maximum, and
	 * header bytes (blank line included) of exactly the maximum. */
	for (n = 0; n < lead; n += 2)
		memcpy(exact + n, "\r\n", 2);
	n += (size_t)snprintf(exact + n, sizeof(exact) - n, "GET /");
	memset(exact + n, 'a', lead + HTTP_MAX_REQUEST_LINE - n - 11);
	n = lead + HTTP_MAX_REQUEST_LINE - 11;
	memcpy(exact + n, " HTTP/1.1\r\nHost: a\r\nX: ", 23);
	n += 23;
	memset(exact + n, 'b', HTTP_MAX_HEAD - n - 4);
	memcpy(exact + HTTP_MAX_HEAD - 4, "\r\n\r\n", 4);
	c = (struct parse_case){ "full buffer: the largest head allowed fills it exactly",
				 exact,
				 HTTP_MAX_HEAD,
				 WHOLE,
				 "GET",
				 target,
				 1,
				 true,
				 0 };
	run_case(&c);

	/* The same with one more header byte: the buffer fills before the
	 * blank line can arrive. */
	memcpy(over, exact, HTTP_MAX_HEAD);
	memcpy(over + HTTP_MAX_HEAD - 4, "b\r\n\r", 4);
	c = (struct parse_case){ "full buffer: one header byte more is 431 without waiting",
				 over,
				 HTTP_MAX_HEAD,
				 -431,
				 0,
				 0,
				 0,
				 0,
				 0 };
	run_case(&c);

	/* A request line that never ends within the buffer. */
	memset(line_only, 'a', sizeof(line_only));
	memcpy(line_only, "GET /", 5);
	c = (struct parse_case){ "full buffer: a request line with no end is 414",
				 line_only,
				 HTTP_MAX_HEAD,
				 -414,
				 0,
				 0,
				 0,
				 0,
				 0 };
	run_case(&c);
}

int main(void)
{
	size_t i, n = sizeof(cases) / sizeof(cases[0]);

	guard_setup(HTTP_MAX_HEAD * 2);
	printf("1..%zu\n", n + 6 + 5 + 1 + 3 + 3);
	for (i = 0; i < n; i++)
		run_case(&cases[i]);
	run_limit_cases();
	run_head_cases();
	run_method_cases();
	run_order_cases();
	run_full_buffer_cases();
	return tap_failures ? 1 : 0;
}
