/*
 * client.c - a small TCP client for the tests: exact bytes in, exact bytes
 * out, and the awkward clients that curl will not play.
 *
 *   client send PORT [-1] [-g MS] [-s BYTES] [-t MS] [-n BYTES] [-w MS] [-H] [-d MS]
 *       Send stdin to 127.0.0.1:PORT and copy the reply to stdout until EOF.
 *       -d  connect, then wait MS before sending anything
 *       -1  one byte per write          -g MS  pause between writes
 *       -s  send the first BYTES alone, wait 20 ms for the answer to
 *           begin, then the rest (so the rest is not in the server's
 *           buffer with the request, but arrives in its kernel's queue)
 *       -t  give up after MS (default 10000)
 *       -n  after BYTES of reply, reset the connection (SO_LINGER 0)
 *       -w  slow reader: pause MS between 16 KiB reads
 *       -H  half-close (shutdown SHUT_WR) once everything is sent
 *   client hold PORT COUNT [-s TEXT] [-g MS] [-d SECONDS]
 *       Open COUNT connections, send TEXT on each (maybe half a request;
 *       \r, \n and \\ are understood),
 *       print "held COUNT", keep them open for SECONDS (default 30).
 *       -g MS  slowloris: send TEXT one byte every MS on every connection
 *   client repeat PORT COUNT [-t MS]
 *       Send stdin COUNT times, each on a new connection read to EOF, and
 *       print how many answers had each status: "414=1000" (000: none).
 *   client parallel PORT COUNT PATH [-r REQUESTS] [-a] [-t MS]
 *       COUNT connections at once, each sending REQUESTS pipelined GETs
 *       (default 1; the last says Connection: close) and reading to EOF.
 *       -a  one at a time instead: the next GET goes out on a connection
 *           once the previous one's "200" status line has come back
 *       Prints "ok=N failed=N ms=N" (ok: a connection with every answer 200).
 *
 * Exit status: 0 done, 1 failure (connect, answers), 2 usage, 3 timed out,
 * 4 connection reset by the server.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "duration.h"
#include "fdlimit.h"

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void sleep_ms(long ms)
{
	struct timespec ts = duration_timespec_ms(ms);

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void usage(void)
{
	fprintf(stderr, "usage: client send PORT [-1] [-g MS] [-s BYTES] [-t MS] [-n BYTES] [-w "
			"MS] [-H] [-d MS]\n"
			"       client hold PORT COUNT [-s TEXT] [-g MS] [-d SECONDS]\n"
			"       client repeat PORT COUNT [-t MS]\n"
			"       client parallel PORT COUNT PATH [-r REQUESTS] [-a] [-t MS]\n");
	exit(2);
}

static int connect_to(int port, bool nonblocking)
{
	struct sockaddr_in sa = { 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (nonblocking)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static void reset_connection(int fd)
{
	struct linger lg = { 1, 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

static char *read_all_stdin(size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	ssize_t r;

	while (buf && (r = read(0, buf + n, cap - n)) > 0) {
		n += (size_t)r;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	*len = n;
	return buf;
}

static int exchange(int fd, const char *req, size_t len, bool one_byte, bool half_close, long gap,
		    size_t split, long slow, long reset_after, long deadline)
{
	long rest_at = 0; /* with split: when the rest may go */
	size_t sent = 0;
	long received = 0;
	char buf[16384];

	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		long left = deadline - now_ms();
		ssize_t r;

		long wait_ms = gap && sent < len && gap < left ? gap : left;

		if (split > 0 && sent == split && rest_at > now_ms()) {
			/* Read meanwhile: the answer starts while the rest waits. */
			wait_ms = rest_at - now_ms() < left ? rest_at - now_ms() : left;
		} else if (sent < len) {
			pfd.events |= POLLOUT;
		}
		if (left <= 0)
			break;
		if (poll(&pfd, 1, (int)wait_ms) < 0)
			continue;
		if ((pfd.revents & POLLOUT) && sent < len) {
			size_t chunk = one_byte ? 1 : len - sent;
			if (split > sent && chunk > split - sent)
				chunk = split - sent;
			r = write(fd, req + sent, chunk);
			if (r > 0) {
				sent += (size_t)r;
				if (split > 0 && sent == split)
					rest_at = now_ms() + 20;
			} else if (r < 0 && errno != EAGAIN && errno != EINTR)
				sent = len; /* the server stopped listening; read what it said */
			if (sent == len && half_close)
				shutdown(fd, SHUT_WR);
			if (gap && sent < len)
				sleep_ms(gap);
		}
		if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		r = read(fd, buf,
			 reset_after >= 0 && reset_after - received < (long)sizeof(buf)
			     ? (size_t)(reset_after - received)
			     : sizeof(buf));
		if (r == 0) {
			close(fd);
			return 0;
		}
		if (r < 0) {
			close(fd);
			return errno == ECONNRESET ? 4 : 1;
		}
		fwrite(buf, 1, (size_t)r, stdout);
		fflush(stdout);
		received += r;
		if (reset_after >= 0 && received >= reset_after) {
			reset_connection(fd);
			return 0;
		}
		if (slow)
			sleep_ms(slow);
	}
	close(fd);
	return 3;
}

static int cmd_send(int port, int argc, char **argv)
{
	bool one_byte = false, half_close = false;
	long gap = 0, timeout = 10000, slow = 0, reset_after = -1, deadline, delay = 0;
	size_t len, split = 0;
	char *req;
	int ch, fd, rc;

	while ((ch = getopt(argc, argv, "1g:s:t:n:w:Hd:")) != -1) {
		switch (ch) {
		case '1':
			one_byte = true;
			break;
		case 'g':
			gap = atol(optarg);
			break;
		case 's':
			split = (size_t)atol(optarg);
			break;
		case 't':
			timeout = atol(optarg);
			break;
		case 'n':
			reset_after = atol(optarg);
			break;
		case 'w':
			slow = atol(optarg);
			break;
		case 'H':
			half_close = true;
			break;
		case 'd':
			delay = atol(optarg);
			break;
		default:
			usage();
		}
	}
	req = read_all_stdin(&len);
	fd = connect_to(port, false);
	if (req == NULL || fd < 0) {
		perror("client: connect");
		free(req);
		return 1;
	}
	deadline = now_ms() + timeout;
	if (delay > 0)
		sleep_ms(delay);
	rc = exchange(fd, req, len, one_byte, half_close, gap, split, slow, reset_after, deadline);
	free(req);
	return rc;
}

/* \r, \n and \\ in a command-line TEXT, as printf would have them. */
static char *unescape(const char *text)
{
	char *out = malloc(strlen(text) + 1), *o = out;

	for (; out && *text; text++) {
		if (*text == '\\' && (text[1] == 'r' || text[1] == 'n' || text[1] == '\\')) {
			text++;
			*o++ = *text == 'r' ? '\r' : *text == 'n' ? '\n' : '\\';
		} else {
			*o++ = *text;
		}
	}
	if (out)
		*o = '\0';
	return out;
}

/* One byte of text on every connection, then a pause, until the text or
 * the time runs out. Writes to connections the server closed just fail. */
static void trickle(const int *fds, int count, const char *text, long gap, long deadline)
{
	size_t at;
	int i;

	for (at = 0; text[at] != '\0' && now_ms() + gap < deadline; at++) {
		for (i = 0; i < count; i++)
			if (write(fds[i], text + at, 1) < 0 && errno != EPIPE &&
			    errno != ECONNRESET)
				perror("client: write");
		sleep_ms(gap);
	}
}

static int cmd_hold(int port, int count, int argc, char **argv)
{
	const char *text = "";
	long seconds = 30, gap = 0, deadline;
	int ch, i, *fds = calloc((size_t)count, sizeof(int));

	while ((ch = getopt(argc, argv, "s:g:d:")) != -1) {
		switch (ch) {
		case 's':
			text = optarg;
			break; /* \r \n \\ understood */
		case 'g':
			gap = atol(optarg);
			break;
		case 'd':
			seconds = atol(optarg);
			break;
		default:
			usage();
		}
	}
	text = unescape(text);
	fdlimit_raise();
	for (i = 0; fds && text && i < count; i++) {
		fds[i] = connect_to(port, false);
		if (fds[i] < 0) {
			perror("client: connect");
			free(fds);
			free((char *)text);
			return 1;
		}
		if (*text && gap == 0 && write(fds[i], text, strlen(text)) < 0)
			perror("client: write");
	}
	printf("held %d\n", count);
	fflush(stdout);
	deadline = now_ms() + seconds * 1000;
	if (gap > 0)
		trickle(fds, count, text, gap, deadline);
	if (deadline > now_ms())
		sleep_ms(deadline - now_ms());
	for (i = 0; i < count; i++)
		close(fds[i]);
	free(fds);
	free((char *)text);
	return 0;
}

/* The status code at the start of a reply, 0 if there is none. */
static int status_of(const char *reply, size_t len)
{
	if (len < 12 || memcmp(reply, "HTTP/1.", 7) != 0)
		return 0;
	return atoi(reply + 9);
}

static int cmd_repeat(int port, int count, int argc, char **argv)
{
	static long tally[1000];
	long timeout = 10000;
	size_t len;
	char *req, head[16], buf[16384];
	int ch, i, status;

	while ((ch = getopt(argc, argv, "t:")) != -1) {
		switch (ch) {
		case 't':
			timeout = atol(optarg);
			break;
		default:
			usage();
		}
	}
	req = read_all_stdin(&len);
	for (i = 0; req && i < count; i++) {
		long deadline = now_ms() + timeout;
		size_t sent = 0, got = 0;
		int fd = connect_to(port, false);
		ssize_t r;

		if (fd < 0) {
			perror("client: connect");
			free(req);
			return 1;
		}
		/* Requests here are small enough for the socket buffer; a server
		 * that stops reading early is a reply to read, not an error. */
		while (sent < len && (r = write(fd, req + sent, len - sent)) > 0)
			sent += (size_t)r;
		for (;;) {
			struct pollfd pfd = { fd, POLLIN, 0 };
			long left = deadline - now_ms();

			if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
				break;
			if ((r = read(fd, buf, sizeof(buf))) <= 0)
				break;
			if (got < sizeof(head)) {
				size_t take =
				    (size_t)r < sizeof(head) - got ? (size_t)r : sizeof(head) - got;
				memcpy(head + got, buf, take);
				got += take;
			}
		}
		close(fd);
		status = status_of(head, got);
		tally[status >= 0 && status < 1000 ? status : 0]++;
	}
	for (status = 0; status < 1000; status++)
		if (tally[status])
			printf("%03d=%ld\n", status, tally[status]);
	free(req);
	return 0;
}

struct fetch {
	int fd;
	size_t sent, send_to; /* send_to: how much of the requests may go out now */
	int oks;
	bool done, failed;
	char tail[16]; /* the end of the last read, for a status line split across reads */
};

/* Count "HTTP/1.1 200 " occurrences, including across read boundaries. */
static int count_ok(struct fetch *f, const char *data, size_t n)
{
	static const char needle[] = "HTTP/1.1 200 ";
	char joined[16 + 16384];
	size_t tail_len = strlen(f->tail), total = tail_len + n, i;
	int found = 0;

	memcpy(joined, f->tail, tail_len);
	memcpy(joined + tail_len, data, n);
	for (i = 0; i + sizeof(needle) - 1 <= total; i++)
		if (memcmp(joined + i, needle, sizeof(needle) - 1) == 0 &&
		    i + sizeof(needle) - 1 > tail_len)
			found++;
	i = total < sizeof(needle) - 2 ? total : sizeof(needle) - 2;
	memcpy(f->tail, joined + total - i, i);
	f->tail[i] = '\0';
	return found;
}

static int cmd_parallel(int port, int count, const char *path, int argc, char **argv)
{
	long timeout = 20000, start = now_ms();
	int requests = 1, ch, i, ok = 0, failed = 0, remaining = count;
	struct fetch *fetches = calloc((size_t)count, sizeof(*fetches));
	struct pollfd *pfds = calloc((size_t)count, sizeof(*pfds));
	char *req, buf[16384];
	size_t req_len = 0, one, *req_end; /* req_end[i]: where GET number i ends */
	bool one_at_a_time = false;

	while ((ch = getopt(argc, argv, "r:at:")) != -1) {
		switch (ch) {
		case 'r':
			requests = atoi(optarg);
			break;
		case 'a':
			one_at_a_time = true;
			break;
		case 't':
			timeout = atol(optarg);
			break;
		default:
			usage();
		}
	}
	if (!fetches || !pfds || requests < 1)
		usage(); /* exits */
	one = strlen(path) + 64;
	req = malloc(one * (size_t)requests);
	req_end = malloc(sizeof(*req_end) * (size_t)requests);
	if (!req || !req_end)
		usage();
	for (i = 0; i < requests; i++) {
		req_len += (size_t)sprintf(req + req_len, "GET %s HTTP/1.1\r\nHost: t\r\n%s\r\n",
					   path, i == requests - 1 ? "Connection: close\r\n" : "");
		req_end[i] = req_len;
	}
	fdlimit_raise();
	for (i = 0; i < count; i++) {
		fetches[i].fd = connect_to(port, true);
		if (fetches[i].fd < 0) {
			fetches[i].done = fetches[i].failed = true;
			remaining--;
		}
	}
	while (remaining > 0 && now_ms() - start < timeout) {
		for (i = 0; i < count; i++) {
			struct fetch *f = &fetches[i];

			f->send_to = one_at_a_time
					 ? req_end[f->oks < requests ? f->oks : requests - 1]
					 : req_len;
			pfds[i].fd = f->done ? -1 : f->fd;
			pfds[i].events = f->sent < f->send_to ? POLLOUT : POLLIN;
		}
		if (poll(pfds, (nfds_t)count, 100) <= 0)
			continue;
		for (i = 0; i < count; i++) {
			struct fetch *f = &fetches[i];
			ssize_t r;

			if (f->done || !pfds[i].revents)
				continue;
			if (f->sent < f->send_to) {
				r = write(f->fd, req + f->sent, f->send_to - f->sent);
				if (r > 0)
					f->sent += (size_t)r;
				else if (errno != EAGAIN && errno != EINTR)
					f->failed = f->done = true;
			} else {
				r = read(f->fd, buf, sizeof(buf));
				if (r > 0)
					f->oks += count_ok(f, buf, (size_t)r);
				else if (r == 0 || (errno != EAGAIN && errno != EINTR))
					f->done = true;
			}
			if (f->done) {
				remaining--;
				close(f->fd);
			}
		}
	}
	for (i = 0; i < count; i++) {
		if (fetches[i].done && !fetches[i].failed && fetches[i].oks == requests)
			ok++;
		else
			failed++;
	}
	printf("ok=%d failed=%d ms=%ld\n", ok, failed, now_ms() - start);
	for (i = 0; i < count; i++)
		if (!fetches[i].done)
			close(fetches[i].fd);
	free(fetches);
	free(pfds);
	free(req);
	free(req_end);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	int port;

	signal(SIGPIPE, SIG_IGN);
	if (argc < 3)
		usage();
	port = atoi(argv[2]);
	if (strcmp(argv[1], "send") == 0) {
		optind = 3;
		return cmd_send(port, argc, argv);
	}
	if (strcmp(argv[1], "hold") == 0 && argc >= 4) {
		optind = 4;
		return cmd_hold(port, atoi(argv[3]), argc, argv);
	}
	if (strcmp(argv[1], "repeat") == 0 && argc >= 4) {
		optind = 4;
		return cmd_repeat(port, atoi(argv[3]), argc, argv);
	}
	if (strcmp(argv[1], "parallel") == 0 && argc >= 5) {
		optind = 5;
		return cmd_parallel(port, atoi(argv[3]), argv[4], argc, argv);
	}
	usage();
	return 2;
}
