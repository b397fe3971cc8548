/*
 * framing.c - a response framed from bytes as they arrive. See framing.h.
 */
#include "framing.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static uint32_t fnv1a(uint32_t h, const char *p, size_t n)
{
	while (n--)
		h = (h ^ (unsigned char)*p++) * 16777619u;
	return h;
}

void response_reset(struct response *r)
{
	r->part = RESPONSE_HEAD;
	r->line_len = 0;
	r->line_cut = false;
	r->status = 0;
	r->server_closes = false;
	r->http10 = r->close_token = r->keep_alive_token = false;
	r->content_length = -1;
	r->body_bytes = 0;
	r->head_bytes = 0;
	r->checksum = 2166136261u;
	r->error = NULL;
}

static int refuse(struct response *r, const char *why)
{
	r->error = why;
	return -1;
}

/* Does a Connection value (a comma-separated list of tokens, any case,
 * RFC 9110 7.6.1) hold the token? "keep-alive, close" holds close;
 * "closed" or "x-close" do not. */
static bool has_token(const char *list, const char *token)
{
	size_t len = strlen(token);

	while (*list != '\0') {
		size_t n;

		list += strspn(list, " \t,");
		n = strcspn(list, ",");
		while (n > 0 && (list[n - 1] == ' ' || list[n - 1] == '\t'))
			n--;
		if (n == len && strncasecmp(list, token, len) == 0)
			return true;
		list += strcspn(list, ",");
	}
	return false;
}

/* A Content-Length value: digits between optional blanks, at most 18 of
 * them (no overflow); -1 for anything else. */
static long long parse_length(const char *p)
{
	long long v = 0;
	int digits = 0;

	p += strspn(p, " \t");
	while (*p >= '0' && *p <= '9') {
		if (++digits > 18)
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	p += strspn(p, " \t");
	return digits > 0 && *p == '\0' ? v : -1;
}

/* One response header line (without its line ending); -1 if it is not a
 * response this tool can frame. */
static int header_line(struct response *r, const char *line, size_t n)
{
	if (r->status == 0) {
		/* HTTP/1.x SSS[ reason] */
		if (n < 12 || strncmp(line, "HTTP/1.", 7) != 0 || line[8] != ' ' ||
		    strspn(line + 9, "0123456789") != 3 || (n > 12 && line[12] != ' '))
			return refuse(r, "not an HTTP/1.x status line");
		r->status = atoi(line + 9);
		if (r->status < 100)
			return refuse(r, "a status below 100");
		r->http10 = line[7] == '0';
		return 0;
	}
	if (strncasecmp(line, "content-length:", 15) == 0) {
		long long v = r->line_cut ? -1 : parse_length(line + 15);
		if (v < 0)
			return refuse(r, "a Content-Length that is not a length");
		if (r->content_length >= 0 && v != r->content_length)
			return refuse(r, "two different Content-Lengths");
		r->content_length = v;
	} else if (strncasecmp(line, "transfer-encoding:", 18) == 0) {
		/* Chunked bodies are not supported: our requests never ask for
		 * them (HTTP/1.0 by default; -keepalive's HTTP/1.1 sends no TE). */
		return refuse(r, "Transfer-Encoding in a response");
	} else if (strncasecmp(line, "connection:", 11) == 0) {
		r->close_token |= has_token(line + 11, "close");
		r->keep_alive_token |= has_token(line + 11, "keep-alive");
	}
	return 0;
}

/* The blank line after the head: what the body is. 1 if the response ends
 * here. */
static int head_done(struct response *r)
{
	if (r->status < 200) { /* an interim response: the real one follows */
		response_reset(r);
		return 0;
	}
	/* close ends the connection after this response; HTTP/1.0 ends it
	 * unless keep-alive was asked for and granted (RFC 9112 9.3). */
	r->server_closes = r->close_token || (r->http10 && !r->keep_alive_token);
	r->part = RESPONSE_BODY;
	if (r->status == 204 || r->status == 304)
		r->content_length = 0;
	/* Content-Length: 0 ends the fetch here (the original waited for a
	 * timeout on a kept-open connection). */
	if (r->content_length == 0) {
		r->part = RESPONSE_DONE;
		return 1;
	}
	return 0;
}

int response_feed(struct response *r, const char *p, size_t n, bool checksum)
{
	size_t take;

	while (n > 0 && r->part == RESPONSE_HEAD) {
		char ch = *p++;
		n--;
		if (++r->head_bytes > RESPONSE_HEAD_MAX)
			return refuse(r, "a response head over 64 KiB");
		if (ch != '\n') {
			if (r->line_len < RESPONSE_LINE_MAX - 1)
				r->line[r->line_len++] = ch;
			else
				r->line_cut = true;
			continue;
		}
		if (r->line_len > 0 && r->line[r->line_len - 1] == '\r')
			r->line_len--;
		r->line[r->line_len] = '\0';
		if (r->line_len == 0 && r->status > 0) {
			if (head_done(r) > 0)
				break;
		} else if (header_line(r, r->line, r->line_len) < 0) {
			return -1;
		}
		r->line_len = 0;
		r->line_cut = false;
	}
	if (r->part == RESPONSE_BODY && n > 0) {
		take = n;
		if (r->content_length >= 0 && (long long)take > r->content_length - r->body_bytes)
			take = (size_t)(r->content_length - r->body_bytes);
		if (checksum)
			r->checksum = fnv1a(r->checksum, p, take);
		r->body_bytes += (long long)take;
		n -= take;
		if (r->content_length >= 0 && r->body_bytes == r->content_length)
			r->part = RESPONSE_DONE;
	}
	if (r->part == RESPONSE_DONE && n > 0)
		return refuse(r, "bytes after the end the response declared");
	return r->part == RESPONSE_DONE;
}
