/*
 * cost.c - the cost section: how many requests a second a server answers,
 * and how much CPU it spends on each, at 10 and 100 clients, keep-alive
 * and with a connection per request, next to a reference server (06_epoll)
 * measured in the same run. Informational and ratios only: these machines
 * are noisy, share two cores between the server and this load, and a
 * figure in requests/s means little on its own (docs/benchmarking.md).
 *
 * The load is the smallest closed loop that frames answers right: each
 * client sends GET /, reads the head to its blank line and the body to its
 * Content-Length, and sends the next (keep-alive) or connects again.
 * The CPU is the kernel's count for the server's process group
 * (/proc/PID/stat: user and system time, its reaped children's too), so
 * it is there for a server the grader started, on Linux.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "grade.h"

#define LOAD_MS 2000
#define MAX_CLIENTS 100
#define ANSWER_CAP 16384
#define MIN_TICKS 5 /* fewer clock ticks than this are too few to divide */

static struct {
	pid_t server_group; /* the graded server's, 0: not ours */
	int reference_port; /* 0: none */
	pid_t reference_group;
	const char *reference_name;
} context;

void grade_cost_context(pid_t server_group, int reference_port, pid_t reference_group,
			const char *reference_name)
{
	context.server_group = server_group;
	context.reference_port = reference_port;
	context.reference_group = reference_group;
	context.reference_name = reference_name;
}

/* Clock ticks used by every process of a group, children reaped by them
 * included; -1 where there is no /proc (macOS) or no group. */
static long group_ticks(pid_t group)
{
	DIR *proc;
	struct dirent *e;
	long ticks = 0;

	if (group <= 0 || (proc = opendir("/proc")) == NULL)
		return -1;
	while ((e = readdir(proc)) != NULL) {
		char path[300], line[1024], *p;
		unsigned long utime, stime;
		long cutime, cstime;
		int pgrp;
		FILE *f;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue; /* it exited meanwhile */
		p = fgets(line, sizeof(line), f) ? strrchr(line, ')') : NULL;
		fclose(f);
		/* After the name: state ppid pgrp session tty tpgid flags minflt
		 * cminflt majflt cmajflt utime stime cutime cstime (proc(5)). */
		if (p &&
		    sscanf(p + 2, "%*c %*d %d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu %ld %ld",
			   &pgrp, &utime, &stime, &cutime, &cstime) == 5 &&
		    pgrp == group)
			ticks += (long)(utime + stime) + cutime + cstime;
	}
	closedir(proc);
	return ticks;
}

struct client {
	int fd;          /* -1: to connect */
	long answers;    /* in this load */
	bool connecting; /* waiting for the connect to finish */
	char in[ANSWER_CAP];
	size_t len;
};

/* The answer in c->in is whole: how many bytes it took (0: not yet; -1:
 * not an answer this load can frame, or not a 2xx), and whether the
 * server keeps the connection (RFC 9112 9.3: HTTP/1.1 unless "close",
 * HTTP/1.0 only with "keep-alive"). */
static long whole_answer(const struct client *c, bool *keeps)
{
	const char *end = memmem(c->in, c->len, "\r\n\r\n", 4), *line = c->in;
	long body = -1;
	size_t head;

	if (end == NULL)
		return c->len == sizeof(c->in) ? -1 : 0;
	head = (size_t)(end - c->in) + 4;
	if (head < 16 || memcmp(c->in, "HTTP/1.", 7) != 0 || c->in[9] != '2')
		return -1;
	*keeps = c->in[7] == '1';
	while (line != NULL && line < end) {
		if (strncasecmp(line, "Content-Length:", 15) == 0) {
			body = atol(line + 15);
		} else if (strncasecmp(line, "Connection:", 11) == 0) {
			const char *value = line + 11 + strspn(line + 11, " \t");

			if (strncasecmp(value, "close", 5) == 0)
				*keeps = false;
			else if (strncasecmp(value, "keep-alive", 10) == 0)
				*keeps = true;
		}
		line = memchr(line, '\n', (size_t)(end - line));
		line = line ? line + 1 : NULL;
	}
	if (body < 0 || head + (size_t)body > sizeof(c->in))
		return -1;
	return c->len >= head + (size_t)body ? (long)(head + (size_t)body) : 0;
}

static bool start_request(struct client *c, int port, const char *request, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };

	if (c->fd < 0) {
		c->fd = socket(AF_INET, SOCK_STREAM, 0);
		if (c->fd < 0)
			return false;
		fcntl(c->fd, F_SETFL, O_NONBLOCK);
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			if (errno != EINPROGRESS)
				return false;
			c->connecting = true;
			return true;
		}
	}
	c->len = 0;
	/* A request of a few dozen bytes into an empty socket buffer goes in
	 * one send, or the connection is broken. */
	return send(c->fd, request, len, MSG_NOSIGNAL) == (ssize_t)len;
}

static void drop(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->connecting = false;
	c->len = 0;
}

/* Drive `clients` closed-loop clients for LOAD_MS; the answers, the
 * failures (refused, reset, closed early, not a 2xx) and the clients that
 * never had an answer (a server that serves one at a time keeps them
 * waiting: no failure, but no service either). */
static void drive(int port, int clients, bool keep_alive, long *answered, long *failed,
		  long *unserved)
{
	static struct client pool[MAX_CLIENTS];
	struct pollfd fds[MAX_CLIENTS];
	const char *request = keep_alive
				  ? "GET / HTTP/1.1\r\nHost: grade\r\n\r\n"
				  : "GET / HTTP/1.1\r\nHost: grade\r\nConnection: close\r\n\r\n";
	size_t request_len = strlen(request);
	long deadline = grade_now_ms() + LOAD_MS, now;
	int i;

	*answered = *failed = *unserved = 0;
	for (i = 0; i < clients; i++) {
		pool[i].fd = -1;
		pool[i].connecting = false;
		pool[i].answers = 0;
		if (!start_request(&pool[i], port, request, request_len)) {
			++*failed;
			drop(&pool[i]);
		}
	}
	while ((now = grade_now_ms()) < deadline) {
		for (i = 0; i < clients; i++) {
			fds[i].fd = pool[i].fd;
			fds[i].events = pool[i].connecting ? POLLOUT : POLLIN;
			fds[i].revents = 0;
		}
		if (poll(fds, (nfds_t)clients, (int)(deadline - now)) < 0 && errno != EINTR)
			break;
		for (i = 0; i < clients; i++) {
			struct client *c = &pool[i];
			bool keeps = false, ok = true;
			ssize_t n;
			long took;

			if (c->fd < 0) {
				/* refused before: try again, but count it */
				ok = start_request(c, port, request, request_len);
			} else if (fds[i].revents == 0) {
				continue;
			} else if (c->connecting) {
				int error = 0;
				socklen_t elen = sizeof(error);

				c->connecting = false;
				ok = getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &elen) == 0 &&
				     error == 0 && start_request(c, port, request, request_len);
			} else if ((n = recv(c->fd, c->in + c->len, sizeof(c->in) - c->len, 0)) <=
				   0) {
				ok = n < 0 && (errno == EAGAIN || errno == EINTR);
			} else {
				c->len += (size_t)n;
				took = whole_answer(c, &keeps);
				if (took < 0 || (took > 0 && c->len > (size_t)took)) {
					ok = false; /* unframeable, or bytes past the answer */
				} else if (took > 0) {
					++*answered;
					c->answers++;
					if (!keep_alive || !keeps)
						drop(c);
					ok = start_request(c, port, request, request_len);
				}
			}
			if (!ok) {
				++*failed;
				drop(c);
			}
		}
	}
	for (i = 0; i < clients; i++) {
		*unserved += pool[i].answers == 0;
		drop(&pool[i]);
	}
}

struct measure {
	long answered, failed, unserved, ticks; /* ticks -1: not measured */
};

static void measure(int port, pid_t group, int clients, bool keep_alive, struct measure *m)
{
	long before = group_ticks(group), after;

	drive(port, clients, keep_alive, &m->answered, &m->failed, &m->unserved);
	after = group_ticks(group);
	m->ticks = before >= 0 && after >= 0 ? after - before : -1;
}

static double per_second(const struct measure *m)
{
	return (double)m->answered * 1000.0 / LOAD_MS;
}

/* Microseconds of server CPU per request, or a negative: not measured. */
static double cpu_us(const struct measure *m)
{
	if (m->ticks < MIN_TICKS || m->answered == 0)
		return -1;
	return (double)m->ticks * 1e6 / (double)sysconf(_SC_CLK_TCK) / (double)m->answered;
}

static void describe(const struct measure *m, char *out, size_t len)
{
	double us = cpu_us(m);

	if (us >= 0)
		snprintf(out, len, "%.0f requests/s, %.0f us of CPU each", per_second(m), us);
	else
		snprintf(out, len, "%.0f requests/s, CPU %s", per_second(m),
			 m->ticks < 0 ? "not measured (not started by the grader, or no /proc)"
				      : "too little to divide");
}

enum verdict grade_cost_case(const struct grade_case *gc, int port, char *sent, size_t sent_len,
			     char *expected, size_t expected_len, char *actual, size_t actual_len)
{
	int clients = atoi(gc->id + strlen("cost/")); /* "cost/100-close" */
	bool keep_alive = strstr(gc->id, "keep-alive") != NULL;
	struct measure server, reference;
	char ours[160], theirs[160], ratios[120] = "";

	if (clients < 1 || clients > MAX_CLIENTS)
		clients = 10;

	snprintf(sent, sent_len, "%d clients for %d ms, each GET / then the next%s", clients,
		 LOAD_MS, keep_alive ? " on the same connection" : " on a new connection");
	snprintf(expected, expected_len,
		 "every request answered, every client served; the rate and CPU are reported, "
		 "not judged");
	measure(port, context.server_group, clients, keep_alive, &server);
	describe(&server, ours, sizeof(ours));
	if (context.reference_port > 0) {
		measure(context.reference_port, context.reference_group, clients, keep_alive,
			&reference);
		describe(&reference, theirs, sizeof(theirs));
		if (reference.answered > 0)
			snprintf(ratios, sizeof(ratios), "; rate %.2fx",
				 (double)server.answered / (double)reference.answered);
		if (cpu_us(&server) >= 0 && cpu_us(&reference) > 0)
			snprintf(ratios + strlen(ratios), sizeof(ratios) - strlen(ratios),
				 ", CPU per request %.2fx", cpu_us(&server) / cpu_us(&reference));
		snprintf(actual, actual_len,
			 "%s; %ld failed, %ld of %d clients never answered (%s just after: %s)%s",
			 ours, server.failed, server.unserved, clients, context.reference_name,
			 theirs, ratios);
	} else {
		snprintf(actual, actual_len,
			 "%s; %ld failed, %ld of %d clients never answered (no reference server)",
			 ours, server.failed, server.unserved, clients);
	}
	return server.answered > 0 && server.failed == 0 && server.unserved == 0 ? PASS
										 : INFORMATIONAL;
}
