/*
 * naive_comet.c - a Comet server (article 003's long poll, the routes of
 * docs/grading.md) with one mistake per mode, for the grader's comet
 * section and for build/bin/fanout (tests/grade.bats): each mistake must
 * get exactly the failures it deserves, and "right", the same server
 * without one, none.
 *
 *   naive_comet PORT right          POST /pub/NAME, GET /sub/NAME?after=ID
 *                                   [&wait=MS], /stats with waiters
 *   naive_comet PORT never-wakes    a publish is stored, but nobody parked
 *                                   is answered: each waits out its wait
 *   naive_comet PORT repeats        after=ID read as "from ID": the message
 *                                   a subscriber already has comes again
 *   naive_comet PORT skips          a subscriber gets the newest message,
 *                                   not the next: one that was away misses
 *                                   the ones between
 *   naive_comet PORT keeps-waiters  a subscriber that leaves stays in the
 *                                   waiter set, and in /stats, until a
 *                                   publish or its wait ends (Tornado's
 *                                   chat demo before its 2011 fix)
 *
 * One thread, poll(), small fixed limits; libc only. Not a model: the
 * ladder's servers are the examples to follow.
 */
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 2048
#define MAX_CHANNELS 64
#define CACHE 200
#define MAX_MESSAGE 1024
#define IN_CAP 65536
#define DEFAULT_WAIT_MS 60000

enum mode { RIGHT, NEVER_WAKES, REPEATS, SKIPS, KEEPS_WAITERS };

struct message {
	unsigned long long id;
	size_t len;
	char text[MAX_MESSAGE];
};

struct channel {
	char name[65];
	unsigned long long last_id;
	struct message cache[CACHE]; /* id % CACHE */
};

struct conn {
	int fd; /* -1: free, or a waiter whose client has gone (keeps-waiters) */
	bool used, parked, close_after;
	int channel;
	unsigned long long after;
	long long deadline_ms;
	size_t in_len;
	char in[IN_CAP];
};

static enum mode mode;
static struct channel channels[MAX_CHANNELS];
static int channel_count;
static struct conn conns[MAX_CONNS];
static unsigned long long published;

static void serve(struct conn *c);

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void send_all(struct conn *c, const char *data, size_t len)
{
	while (c->fd >= 0 && len > 0) {
		ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		data += n;
		len -= (size_t)n;
	}
}

static void answer(struct conn *c, const char *status, const char *headers, const char *body,
		   size_t body_len)
{
	/* One send: a head and a body sent apart wait on Nagle's algorithm
	 * for the client's delayed ACK, some 40 ms an answer. */
	char out[512 + MAX_MESSAGE];
	int n = snprintf(out, sizeof(out) - MAX_MESSAGE, "HTTP/1.1 %s\r\n%s%s\r\n", status, headers,
			 c->close_after ? "Connection: close\r\n" : "");

	memcpy(out + n, body, body_len);
	send_all(c, out, (size_t)n + body_len);
}

static void plain(struct conn *c, const char *status, const char *body)
{
	char headers[128];

	snprintf(headers, sizeof(headers), "Content-Type: text/plain\r\nContent-Length: %zu\r\n",
		 strlen(body));
	answer(c, status, headers, body, strlen(body));
}

static long waiter_count(void)
{
	long n = 0;

	for (int i = 0; i < MAX_CONNS; i++)
		n += conns[i].used && conns[i].parked;
	return n;
}

static void drop(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->in_len = 0;
	if (mode == KEEPS_WAITERS && c->parked)
		return; /* the mistake: still counted, still "waiting" */
	c->used = c->parked = false;
}

static int channel_named(const char *name, size_t len, bool create)
{
	for (int i = 0; i < channel_count; i++)
		if (strlen(channels[i].name) == len && memcmp(channels[i].name, name, len) == 0)
			return i;
	if (!create || channel_count == MAX_CHANNELS || len == 0 || len > 64)
		return -1;
	memcpy(channels[channel_count].name, name, len);
	channels[channel_count].name[len] = '\0';
	return channel_count++;
}

/* The message a subscriber with cursor `after` gets now: its id, 0 for
 * none yet, or -1 for one the cache has dropped (410). Each mistaken mode
 * picks it its own wrong way. */
static long long message_for(const struct channel *ch, unsigned long long after)
{
	unsigned long long oldest = ch->last_id > CACHE ? ch->last_id - CACHE + 1 : 1;

	if (mode == REPEATS && after >= 1 && after <= ch->last_id)
		return after >= oldest ? (long long)after : -1;
	if (ch->last_id <= after)
		return 0;
	if (mode == SKIPS)
		return (long long)ch->last_id;
	return after + 1 < oldest ? -1 : (long long)(after + 1);
}

/* Answers a subscriber if there is something to say; true if it did. */
static bool answer_subscriber(struct conn *c)
{
	const struct channel *ch = &channels[c->channel];
	long long id = message_for(ch, c->after);
	char headers[160];

	if (id == 0)
		return false;
	if (id < 0) {
		unsigned long long oldest = ch->last_id > CACHE ? ch->last_id - CACHE + 1 : 1;

		snprintf(headers, sizeof(headers), "Message-Id: %llu\r\nContent-Length: 0\r\n",
			 oldest - 1);
		answer(c, "410 Gone", headers, "", 0);
		return true;
	}
	const struct message *m = &ch->cache[id % CACHE];

	snprintf(headers, sizeof(headers),
		 "Content-Type: text/plain\r\nContent-Length: %zu\r\nMessage-Id: %llu\r\n", m->len,
		 m->id);
	answer(c, "200 OK", headers, m->text, m->len);
	return true;
}

/* After an answer: closed if asked, else on to what it pipelined. */
static void finish(struct conn *c)
{
	c->parked = false;
	if (c->close_after || c->fd < 0)
		drop(c);
}

static void publish(struct conn *c, const char *name, size_t name_len, const char *body, size_t len)
{
	int i = channel_named(name, name_len, true);
	char text[32];

	if (i < 0) {
		plain(c, "400 Bad Request", "bad channel\n");
		return;
	}
	if (len > MAX_MESSAGE) {
		plain(c, "413 Content Too Large", "message too large\n");
		return;
	}
	struct channel *ch = &channels[i];
	struct message *m = &ch->cache[++ch->last_id % CACHE];

	m->id = ch->last_id;
	m->len = len;
	memcpy(m->text, body, len);
	published++;
	snprintf(text, sizeof(text), "%llu", m->id);
	plain(c, "200 OK", text);
	for (int k = 0; k < MAX_CONNS; k++) {
		struct conn *w = &conns[k];

		if (!w->used || !w->parked || w->channel != i)
			continue;
		if (w->fd < 0) { /* a subscriber that left, kept: only now let go */
			w->used = w->parked = false;
			continue;
		}
		if (mode != NEVER_WAKES && answer_subscriber(w)) {
			finish(w);
			serve(w);
		}
	}
}

static void subscribe(struct conn *c, const char *target)
{
	const char *name = target + strlen("/sub/"), *q = strchr(name, '?'), *p;
	size_t name_len = q ? (size_t)(q - name) : strlen(name);
	long wait_ms = DEFAULT_WAIT_MS;
	int i;

	c->after = 0;
	if (q && (p = strstr(q, "after=")) != NULL)
		c->after = strtoull(p + 6, NULL, 10);
	if (q && (p = strstr(q, "wait=")) != NULL)
		wait_ms = strtol(p + 5, NULL, 10);
	i = channel_named(name, name_len, true);
	if (i < 0) {
		plain(c, "400 Bad Request", "bad channel\n");
		return;
	}
	c->channel = i;
	if (answer_subscriber(c))
		return;
	c->parked = true;
	c->deadline_ms = now_ms() + wait_ms;
}

/* Serves the complete requests in c->in, until one parks. */
static void serve(struct conn *c)
{
	while (c->fd >= 0 && !c->parked) {
		char *end = memmem(c->in, c->in_len, "\r\n\r\n", 4), method[8], target[256];
		size_t head_len, body_len = 0, used;
		const char *cl;

		if (end == NULL)
			return;
		head_len = (size_t)(end - c->in) + 4;
		c->in[head_len - 1] = '\0'; /* the head as a string: its last \n goes */
		if (sscanf(c->in, "%7s %255s", method, target) != 2) {
			c->close_after = true;
			plain(c, "400 Bad Request", "bad request\n");
			drop(c);
			return;
		}
		if ((cl = strcasestr(c->in, "\r\nContent-Length:")) != NULL)
			body_len = strtoul(cl + 17, NULL, 10);
		c->close_after = strcasestr(c->in, "\r\nConnection: close") != NULL ||
				 strstr(c->in, " HTTP/1.0\r\n") != NULL;
		c->in[head_len - 1] = '\n';
		if (head_len + body_len > IN_CAP) {
			c->close_after = true;
			plain(c, "413 Content Too Large", "too large\n");
			drop(c);
			return;
		}
		if (c->in_len < head_len + body_len)
			return;
		if (strcmp(method, "POST") == 0 && strncmp(target, "/pub/", 5) == 0)
			publish(c, target + 5, strlen(target + 5), c->in + head_len, body_len);
		else if (strcmp(method, "GET") == 0 && strncmp(target, "/sub/", 5) == 0)
			subscribe(c, target);
		else if (strcmp(method, "GET") == 0 && strcmp(target, "/stats") == 0) {
			char text[96];

			snprintf(text, sizeof(text), "waiters: %ld\npublished: %llu\n",
				 waiter_count(), published);
			plain(c, "200 OK", text);
		} else
			plain(c, "404 Not Found", "not found\n");
		used = head_len + body_len;
		memmove(c->in, c->in + used, c->in_len - used);
		c->in_len -= used;
		if (!c->parked && c->close_after)
			drop(c);
	}
}

static void take_input(struct conn *c)
{
	ssize_t n = recv(c->fd, c->in + c->in_len, IN_CAP - c->in_len, 0);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0 || c->in_len == IN_CAP) {
		drop(c);
		return;
	}
	c->in_len += (size_t)n;
	serve(c);
}

static void expire_waits(void)
{
	long long now = now_ms();

	for (int i = 0; i < MAX_CONNS; i++) {
		struct conn *c = &conns[i];

		if (!c->used || !c->parked || c->deadline_ms > now)
			continue;
		if (c->fd >= 0) {
			answer(c, "204 No Content", "", "", 0);
			finish(c);
			if (c->fd >= 0)
				serve(c);
		} else
			c->used = c->parked = false;
	}
}

static void accept_one(int listener)
{
	int fd = accept(listener, NULL, NULL);

	if (fd < 0)
		return;
	for (int i = 0; i < MAX_CONNS; i++) {
		if (!conns[i].used) {
			conns[i] = (struct conn){ .fd = fd, .used = true };
			return;
		}
	}
	close(fd); /* full: a fixture's limit */
}

int main(int argc, char **argv)
{
	static const char *names[] = { "right", "never-wakes", "repeats", "skips",
				       "keeps-waiters" };
	static struct pollfd fds[MAX_CONNS + 1];
	static int slot_of[MAX_CONNS + 1];
	struct sockaddr_in addr = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int listener, one = 1;
	bool known = false;

	if (argc != 3) {
		fprintf(stderr,
			"usage: naive_comet PORT right|never-wakes|repeats|skips|keeps-waiters\n");
		return 2;
	}
	for (int i = 0; i < 5; i++)
		if (strcmp(argv[2], names[i]) == 0) {
			mode = (enum mode)i;
			known = true;
		}
	if (!known) {
		fprintf(stderr, "naive_comet: no mode %s\n", argv[2]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	addr.sin_port = htons((unsigned short)atoi(argv[1]));
	listener = socket(AF_INET, SOCK_STREAM, 0);
	if (listener < 0 || setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(listener, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(listener, 512) < 0 ||
	    getsockname(listener, (struct sockaddr *)&addr, &(socklen_t){ sizeof(addr) }) < 0) {
		perror("naive_comet");
		return 1;
	}
	/* PORT 0: the kernel's choice, said as the ladder's servers say it. */
	fprintf(stderr, "naive_comet %s: listening on 127.0.0.1:%d\n", argv[2],
		ntohs(addr.sin_port));
	for (int i = 0; i < MAX_CONNS; i++)
		conns[i].fd = -1;
	for (;;) {
		long long next = -1, now = now_ms();
		int n = 1;

		fds[0] = (struct pollfd){ .fd = listener, .events = POLLIN };
		for (int i = 0; i < MAX_CONNS; i++) {
			if (!conns[i].used)
				continue;
			if (conns[i].parked && (next < 0 || conns[i].deadline_ms < next))
				next = conns[i].deadline_ms;
			if (conns[i].fd < 0)
				continue;
			fds[n] = (struct pollfd){ .fd = conns[i].fd, .events = POLLIN };
			slot_of[n++] = i;
		}
		if (poll(fds, (nfds_t)n,
			 next < 0     ? -1
			 : next > now ? (int)(next - now)
				      : 0) < 0 &&
		    errno != EINTR) {
			perror("naive_comet: poll");
			return 1;
		}
		for (int k = 1; k < n; k++) {
			struct conn *c = &conns[slot_of[k]];

			if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR)) || c->fd != fds[k].fd)
				continue;
			if (c->parked) {
				/* Only its leaving matters while it waits. */
				char b;
				ssize_t got = recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);

				if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR))
					drop(c);
				else if (got > 0)
					take_input(c); /* kept for after the answer */
				continue;
			}
			take_input(c);
		}
		if (fds[0].revents & POLLIN)
			accept_one(listener);
		expire_waits();
	}
}
