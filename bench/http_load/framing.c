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
	r->content_length = -1;
	r->body_bytes = 0;
	r->head_bytes = 0;
	r->checksum = 2166136261u;
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

/* One response header line (without its line ending); false if it is not
 * a response this tool can frame. */
static bool header_line(struct response *r, const char *line, size_t n)
{
	if (r->status == 0) {
		/* HTTP/1.x SSS[ reason] */
		if (n < 12 || strncmp(line, "HTTP/1.", 7) != 0 || line[8] != ' ' ||
		    strspn(line + 9, "0123456789") != 3 || (n > 12 && line[12] != ' '))
			return false;
		r->status = atoi(line + 9);
		return r->status >= 100;
	}
	if (strncasecmp(line, "content-length:", 15) == 0) {
		long long v = r->line_cut ? -1 : parse_length(line + 15);
		if (v < 0 || (r->content_length >= 0 && v != r->content_length))
			return false;
		r->content_length = v;
	} else if (strncasecmp(line, "transfer-encoding:", 18) == 0) {
		return false; /* chunked bodies are not supported: we send no HTTP/1.1 in the
				 default mode */
	} else if (n > 11 && strncasecmp(line, "connection:", 11) == 0 &&
		   strstr(line + 11, "close")) {
		r->server_closes = true;
	}
	return true;
}

int response_feed(struct response *r, const char *p, size_t n, bool checksum)
{
	while (n > 0 && r->part == RESPONSE_HEAD) {
		char ch = *p++;
		n--;
		if (++r->head_bytes > RESPONSE_HEAD_MAX)
			return -1;
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
			if (r->status < 200) { /* an interim response: the real one follows */
				response_reset(r);
				continue;
			}
			r->part = RESPONSE_BODY;
			if (r->status == 204 || r->status == 304)
				r->content_length = 0;
			/* Content-Length: 0 ends the fetch here (the original waited
			 * for a timeout on a kept-open connection). */
			if (r->content_length == 0)
				return 1;
		} else if (!header_line(r, r->line, r->line_len)) {
			return -1;
		}
		r->line_len = 0;
		r->line_cut = false;
	}
	if (r->part == RESPONSE_BODY && n > 0) {
		size_t take = n;
		if (r->content_length >= 0 && (long long)take > r->content_length - r->body_bytes)
			take = (size_t)(r->content_length - r->body_bytes);
		if (checksum)
			r->checksum = fnv1a(r->checksum, p, take);
		r->body_bytes += (long long)take;
	}
	return r->part == RESPONSE_BODY && r->content_length >= 0 &&
	       r->body_bytes >= r->content_length;
}
