/*
 * fakeserver.c - a misbehaving HTTP server for tests/http_load.bats: each
 * mode answers every connection the same wrong (or right) way, so the load
 * generator's counts can be checked exactly. One connection at a time, on
 * 127.0.0.1, until killed.
 *
 *   fakeserver MODE [FILE]
 *     ok          200 with Content-Length: 3
 *     record      as ok, and append every request received to FILE
 *     status503   503 with a 5-byte body
 *     close       read the request, close without a byte
 *     reset       read the request, reset the connection (SO_LINGER 0)
 *     head-only   a head promising 100 bytes of body, then close
 *     truncate    a head promising 100 bytes, 50 of them, then close
 *     eof-bodies  no Content-Length; bodies of 10 and 11 bytes by turns
 *     bad-length  Content-Length: 99999999999999999999999
 *     garbage     a reply that is not HTTP
 *   keep-alive answers (no Connection: close), several per connection:
 *     ka-fin      ok without Connection: close, 10 per connection; the 10th
 *                 leaves in one segment with the FIN (TCP_CORK, then
 *                 shutdown), and the server reads on until the client
 *                 closes (a lingering close: no reset tells the client)
 *     ka-extra    ok without Connection: close, 5 bytes past its
 *                 Content-Length in the same write, 10 per connection
 *   and answers that close the connection in other words than "close":
 *     ka-Close    Connection: keep-alive, Close
 *     ka-http10   HTTP/1.0 with a Content-Length and no keep-alive
 *
 * Prints "fakeserver listening on 127.0.0.1:PORT pid PID" on stderr.
 */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define OK_REPLY "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"
#define KA_REPLY "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"

static const struct mode {
	const char *name;
	const char *reply;  /* NULL: no reply */
	int per_connection; /* answers before the close (0: one) */
	bool fin_with_last; /* the last answer and the FIN in one segment */
} modes[] = {
	{ .name = "ok", .reply = OK_REPLY },
	{ .name = "record", .reply = OK_REPLY },
	{ .name = "status503",
	  .reply = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 5\r\nConnection: "
		   "close\r\n\r\nbusy\n" },
	{ .name = "close", .reply = NULL },
	{ .name = "reset", .reply = NULL },
	{ .name = "head-only", .reply = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" },
	{ .name = "truncate",
	  .reply = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
		   "0123456789012345678901234567890123456789012345678\n" },
	{ .name = "eof-bodies", .reply = "HTTP/1.0 200 OK\r\n\r\n" },
	{ .name = "bad-length",
	  .reply = "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\nok\n" },
	{ .name = "garbage", .reply = "HELLO THERE\r\n\r\n" },
	{ .name = "ka-fin", .reply = KA_REPLY, .per_connection = 10, .fin_with_last = true },
	{ .name = "ka-extra", .reply = KA_REPLY "EXTRA", .per_connection = 10 },
	{ .name = "ka-Close",
	  .reply =
	      "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: keep-alive, Close\r\n\r\nok\n" },
	{ .name = "ka-http10", .reply = "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n" },
};

/* Read until the blank line that ends a request head (or EOF); returns the
 * bytes read into buf. */
static size_t read_head(int fd, char *buf, size_t size)
{
	size_t len = 0;

	while (len < size - 1) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n") != NULL)
			break;
	}
	return len;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* Half-close, then read and drop whatever comes until the client closes
 * (at most 5 s): what a server's lingering close does, so the client gets
 * the FIN and no reset. */
static void linger_until_eof(int fd)
{
	struct timeval bound = { .tv_sec = 5 };
	char sink[4096];
	ssize_t n;

	shutdown(fd, SHUT_WR);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof(bound));
	while ((n = read(fd, sink, sizeof(sink))) > 0 || (n < 0 && errno == EINTR))
		;
}

int main(int argc, char **argv)
{
	const struct mode *mode = NULL;
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	FILE *record = NULL;
	unsigned long served = 0;
	size_t i;
	int lfd, one = 1;

	for (i = 0; argc > 1 && i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(argv[1], modes[i].name) == 0)
			mode = &modes[i];
	if (mode == NULL)
		errx(2, "usage: fakeserver MODE [FILE] (modes: see the top of "
			"tests/tools/fakeserver.c)");
	if (strcmp(mode->name, "record") == 0) {
		if (argc < 3 || (record = fopen(argv[2], "a")) == NULL)
			errx(2, "record needs a file it can append to");
		setvbuf(record, NULL, _IONBF, 0);
	}
	signal(SIGPIPE, SIG_IGN);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lfd, 128) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&addr, &len) < 0)
		err(1, "listen");
	fprintf(stderr, "fakeserver listening on 127.0.0.1:%d pid %ld\n", ntohs(addr.sin_port),
		(long)getpid());
	for (;;) {
		char request[16384];
		size_t got;
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			err(1, "accept");
		}
		got = read_head(fd, request, sizeof(request));
		if (record != NULL)
			fwrite(request, 1, got, record);
		if (strcmp(mode->name, "reset") == 0) {
			struct linger abort_close = { .l_onoff = 1, .l_linger = 0 };
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_close, sizeof(abort_close));
		} else if (strcmp(mode->name, "eof-bodies") == 0) {
			write_all(fd, mode->reply, strlen(mode->reply));
			write_all(fd, "0123456789\n", served % 2 ? 11 : 10);
		} else if (mode->per_connection > 1) {
			int answered = 0;

			while (got > 0) {
				if (++answered == mode->per_connection && mode->fin_with_last) {
#ifdef TCP_CORK
					/* Held back until close(), which sends it with the FIN. */
					setsockopt(fd, IPPROTO_TCP, TCP_CORK, &one, sizeof(one));
#endif
				}
				write_all(fd, mode->reply, strlen(mode->reply));
				if (answered == mode->per_connection) {
					if (mode->fin_with_last)
						linger_until_eof(fd);
					break;
				}
				got = read_head(fd, request, sizeof(request));
			}
		} else if (mode->reply != NULL) {
			write_all(fd, mode->reply, strlen(mode->reply));
		}
		served++;
		close(fd);
	}
}
