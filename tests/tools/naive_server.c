/*
 * naive_server.c - the server a first attempt tends to be, for the
 * grader's tests (tests/grade.bats): each must get exactly the failures it
 * deserves.
 *
 *   naive_server PORT one-read    one read() per connection, taken as the
 *                                 whole request; answer, close
 *   naive_server PORT one-client  a correct parse of one request at a time,
 *                                 keep-alive, and nobody else served until
 *                                 that client leaves (no timeout at all)
 *   naive_server PORT no-timeout  the same parse, a process per client
 *                                 (everybody served at once), and still no
 *                                 timeout: a slowloris holds a process for
 *                                 as long as it likes
 *
 * Libc only; blocking; no limits; it is meant to be wrong.
 */
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n";
static const char bad[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 4\r\n\r\nbad\n";

static void one_read(int fd)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	if (n > 0) {
		buf[n] = '\0';
		/* Whatever came is the request: "GET " anywhere will do. */
		if (strstr(buf, "GET ") != NULL)
			(void)!write(fd, ok, sizeof(ok) - 1);
		else
			(void)!write(fd, bad, sizeof(bad) - 1);
	}
}

/* The method so far is letters: junk is refused at once, not waited on. */
static bool method_so_far_ok(const char *buf, size_t have)
{
	size_t i;

	for (i = 0; i < have && buf[i] != ' '; i++)
		if (buf[i] < 'A' || buf[i] > 'Z')
			return false;
	return true;
}

/* Reads heads until the client leaves, answering each: GET and HEAD right,
 * Connection: close and HTTP/1.0 honoured, anything else 400 and a close.
 * Right, but with no timeout of any kind. */
static void one_client(int fd)
{
	char buf[65536];
	size_t have = 0;

	for (;;) {
		char *end = have ? memmem(buf, have, "\r\n\r\n", 4) : NULL;
		ssize_t n;

		if (!method_so_far_ok(buf, have)) {
			(void)!write(fd, bad, sizeof(bad) - 1);
			return;
		}
		if (end != NULL) {
			size_t used = (size_t)(end - buf) + 4;
			bool get = strncmp(buf, "GET ", 4) == 0,
			     head = strncmp(buf, "HEAD ", 5) == 0;
			bool last = memmem(buf, used, "HTTP/1.0\r\n", 10) != NULL ||
				    memmem(buf, used, "\r\nConnection: close\r\n", 21) != NULL;

			if (get)
				(void)!write(fd, ok, sizeof(ok) - 1);
			else if (head)
				(void)!write(fd, ok, sizeof(ok) - 1 - 3); /* the head, not "ok\n" */
			else
				(void)!write(fd, bad, sizeof(bad) - 1);
			memmove(buf, buf + used, have - used);
			have -= used;
			if ((!get && !head) || last)
				return;
			continue;
		}
		if (have == sizeof(buf))
			return;
		n = read(fd, buf + have, sizeof(buf) - have);
		if (n <= 0)
			return;
		have += (size_t)n;
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int one = 1, listener;

	if (argc != 3 || (strcmp(argv[2], "one-read") != 0 && strcmp(argv[2], "one-client") != 0 &&
			  strcmp(argv[2], "no-timeout") != 0)) {
		fprintf(stderr, "usage: naive_server PORT one-read|one-client|no-timeout\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_IGN); /* no-timeout's children reap themselves */
	listener = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_port = htons((unsigned short)atoi(argv[1]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(listener, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(listener, 128) < 0) {
		perror("naive_server");
		return 1;
	}
	for (;;) {
		int fd = accept(listener, NULL, NULL);

		if (fd < 0)
			continue;
		if (argv[2][0] == 'n') {
			/* The grader stops the whole process group. */
			if (fork() == 0) {
				close(listener);
				one_client(fd);
				_exit(0);
			}
		} else if (argv[2][4] == 'r') {
			one_read(fd);
		} else {
			one_client(fd);
		}
		close(fd);
	}
}
