/*
 * exchange.c - one client's conversation with the graded server: connect,
 * send the request the way the case says, and read what comes back for a
 * bounded time, telling an answer from a close, a reset and silence.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "grade.h"

#define READ_CAP 65536
#define CONNECT_MS 1000

long grade_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int grade_connect(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* Not a blocking connect: past a full backlog Linux drops the SYN and
	 * a blocking connect waits for its retransmissions, minutes in all.
	 * A server that cannot take the connection in a second has refused it. */
	fcntl(fd, F_SETFL, O_NONBLOCK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS)
		goto fail;
	{
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		int error = 0;
		socklen_t len = sizeof(error);

		if (poll(&p, 1, CONNECT_MS) != 1) {
			errno = ETIMEDOUT;
			goto fail;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0 || error != 0) {
			errno = error ? error : errno;
			goto fail;
		}
	}
	fcntl(fd, F_SETFL, 0);
	return fd;
fail : {
	int saved = errno;
	close(fd);
	errno = saved;
	return -1;
}
}

/* The body length an answer's head declares: -1 none said, -2 none by
 * its status (1xx, 204, 304). */
static long declared_length(const char *head, size_t len, int status)
{
	const char *p = head, *end = head + len;

	if (status / 100 == 1 || status == 204 || status == 304)
		return -2;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);

		if (n > 15 && strncasecmp(p, "Content-Length:", 15) == 0)
			return strtol(p + 15, NULL, 10);
		p += n + 1;
	}
	return -1;
}

/* Count the complete answers in buf[0, len): a head, then the body its
 * Content-Length declares. An answer with no length ends at the close. */
static int complete_answers(const char *buf, size_t len, bool closed, int *first_status)
{
	size_t at = 0;
	int count = 0;

	while (at < len) {
		const char *end = memmem(buf + at, len - at, "\r\n\r\n", 4);
		int status = 0;
		long body;
		size_t head_len;

		if (end == NULL)
			break;
		head_len = (size_t)(end - (buf + at)) + 4;
		if (sscanf(buf + at, "HTTP/%*d.%*d %d", &status) != 1)
			break;
		if (count == 0)
			*first_status = status;
		body = declared_length(buf + at, head_len, status);
		if (body == -2) {
			at += head_len;
			if (status / 100 != 1)
				count++;
			continue;
		}
		if (body == -1) {
			if (closed)
				count++;
			break;
		}
		if (len - at - head_len < (size_t)body)
			break;
		at += head_len + (size_t)body;
		count++;
	}
	return count;
}

/* The first final answer's body, as far as it came and fits. */
static void first_body(const char *buf, size_t len, struct answer *out)
{
	size_t at = 0;

	while (at < len) {
		const char *end = memmem(buf + at, len - at, "\r\n\r\n", 4);
		size_t head_len, n;
		int status = 0;
		long body;

		if (end == NULL || sscanf(buf + at, "HTTP/%*d.%*d %d", &status) != 1)
			return;
		head_len = (size_t)(end - (buf + at)) + 4;
		body = declared_length(buf + at, head_len, status);
		if (status / 100 == 1) {
			at += head_len;
			continue;
		}
		n = len - at - head_len;
		if (body >= 0 && (size_t)body < n)
			n = (size_t)body;
		if (n > sizeof(out->body) - 1)
			n = sizeof(out->body) - 1;
		memcpy(out->body, buf + at + head_len, n);
		out->body[n] = '\0';
		out->body_len = n;
		return;
	}
}

void grade_read(int fd, int answers, long wait_ms, long started_ms, struct answer *out)
{
	/* Kept NUL-terminated: the answers are parsed with sscanf. */
	static char buf[READ_CAP + 1];
	size_t kept = 0;
	long deadline = started_ms + wait_ms;

	buf[0] = '\0';
	memset(out, 0, sizeof(*out));
	out->first_byte_ms = -1;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long left = deadline - grade_now_ms();
		ssize_t n;
		int rc;

		if (left <= 0) {
			out->timed_out = true;
			break;
		}
		rc = poll(&p, 1, (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0) {
			out->timed_out = true;
			break;
		}
		n = kept < READ_CAP ? read(fd, buf + kept, READ_CAP - kept)
				    : read(fd, (char[4096]){ 0 }, 4096);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			out->reset = errno == ECONNRESET;
			out->closed = !out->reset;
			break;
		}
		if (n == 0) {
			out->closed = true;
			break;
		}
		if (out->first_byte_ms < 0)
			out->first_byte_ms = grade_now_ms() - started_ms;
		out->bytes += (size_t)n;
		if (kept < READ_CAP) {
			kept += (size_t)n;
			buf[kept] = '\0';
		}
		out->answers = complete_answers(buf, kept, false, &out->status);
		if ((answers > 0 && out->answers >= answers) || answers < 0)
			break;
	}
	out->answers = complete_answers(buf, kept, out->closed, &out->status);
	if (out->status == 0 && kept >= 12)
		sscanf(buf, "HTTP/%*d.%*d %d", &out->status);
	out->ms = grade_now_ms() - started_ms;
	first_body(buf, kept, out);
	grade_escape(buf, kept < 100 ? kept : 100, out->head, sizeof(out->head));
}

size_t grade_read_bytes(int fd, char *buf, size_t cap, size_t until, long wait_ms, int *end)
{
	long deadline = grade_now_ms() + wait_ms;
	size_t have = 0;

	*end = READ_WAITED;
	while (have < until && have < cap) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long left = deadline - grade_now_ms();
		ssize_t n;
		int rc;

		if (left <= 0)
			break;
		rc = poll(&p, 1, (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			break;
		n = read(fd, buf + have, cap - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*end = n < 0 && errno == ECONNRESET ? READ_RESET : READ_CLOSED;
			break;
		}
		have += (size_t)n;
	}
	return have;
}

void grade_exchange(int port, const char *request, size_t len, enum feed feed, int answers,
		    long wait_ms, struct answer *out)
{
	int fd = grade_connect(port);
	size_t i;

	if (fd < 0) {
		memset(out, 0, sizeof(*out));
		out->connect_failed = true;
		return;
	}
	if (feed == FEED_BYTEWISE) {
		for (i = 0; i < len; i++) {
			struct timespec gap = { 0, 2000000 };

			if (send(fd, request + i, 1, MSG_NOSIGNAL) != 1)
				break;
			nanosleep(&gap, NULL);
		}
	} else if (len > 0) {
		/* A refusal may come before the last byte is taken: a failed
		 * send is the server's answer, read below. */
		(void)!send(fd, request, len, MSG_NOSIGNAL);
	}
	grade_read(fd, answers, wait_ms, grade_now_ms(), out);
	close(fd);
}

void grade_escape(const char *s, size_t len, char *out, size_t out_len)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 5 < out_len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r')
			o += (size_t)snprintf(out + o, out_len - o, "\\r");
		else if (c == '\n')
			o += (size_t)snprintf(out + o, out_len - o, "\\n");
		else if (c == '\\' || c == '"')
			o += (size_t)snprintf(out + o, out_len - o, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(out + o, out_len - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o < out_len ? o : out_len - 1] = '\0';
}
