/*
 * fanout - article 003's Comet load: N subscribers long-poll one channel
 * (GET /sub/CHANNEL?after=ID), a publisher posts M timestamped messages
 * (POST /pub/CHANNEL), and every delivery is checked and timed.
 *
 *   fanout -p PORT [-a ADDR] [-n SUBSCRIBERS] [-m MESSAGES] [-r PER_SECOND]
 *          [-c CHANNEL] [-x CHURN_PERCENT] [-P SERVER_PID] [-T SECONDS] [-j]
 *
 * Each subscriber polls again with after= the id it last got, so it must
 * see the ids 1, 2, 3, ... once each, in order: one that skips is counted
 * missed, one that comes again duplicated, and what had not come when the
 * run ended (-T) undelivered. A message carries the time it
 * was published (CLOCK_MONOTONIC, this machine), so a delivery's latency is
 * its arrival minus that: publish -> first, median, p99 and last delivery.
 * -x churns: after that share of deliveries a subscriber leaves and comes
 * back with its cursor, in turn by closing, by a reset just after it asked
 * again (the server parks it, then must drop it), and by asking with
 * wait=1 (an empty wait, 204). -P gives the server's pid: its memory (PSS,
 * the process and its children) before and after the subscribers park,
 * per waiter. The publisher starts once the server's /stats counts them
 * all as waiters (or after a while, for a server without /stats).
 *
 * Exit status: 0 every message reached every subscriber once, in order;
 * 1 not; 2 usage or set-up.
 */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "fdlimit.h"
#include "waiter.h"

#define MAX_EVENTS 512
#define CONNECTS_PER_TURN 256
#define IN_CAP 4096

struct options {
	const char *addr;
	int port;
	int subscribers, messages;
	double rate; /* per second; 0: each once the previous is acknowledged */
	char channel[65];
	int churn_percent;
	long server_pid;
	int seconds;
	bool json;
};

enum churn { CHURN_NONE, CHURN_CLOSE, CHURN_RESET, CHURN_EMPTY_WAIT };

struct subscriber {
	int fd;
	uint32_t generation; /* in the waiter's tag: an event for an old socket is stale */
	bool connecting, asked;
	uint64_t cursor; /* the last Message-Id it got */
	int last_seq;    /* the last message (publisher's count) it got */
	char in[IN_CAP];
	size_t in_len;
	int churn_turn;
	int64_t retry_at; /* dropped by the server: come back no sooner */
};

struct totals {
	/* missed: a gap, a later message came and an earlier never will (the
	 * server lost it); undelivered: not there when the run ended. */
	long delivered, missed, undelivered, duplicated, gone, empty, reconnects, errors;
	int64_t *latency_ns; /* every delivery's */
	long latency_len;
	int64_t *first_ns, *last_ns; /* per message */
	int *reached;                /* per message: subscribers it reached */
};

static struct options opt = {
	.addr = "127.0.0.1", .subscribers = 100, .messages = 50, .seconds = 30
};
static struct totals totals;
static struct waiter *waiter;
static struct sockaddr_storage server_addr;
static socklen_t server_addr_len;
static _Atomic int published; /* messages the publisher has had acknowledged */
static _Atomic bool publisher_failed;
static _Atomic bool start_publishing;

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void usage(void)
{
	fprintf(stderr, "usage: fanout -p PORT [-a ADDR] [-n SUBSCRIBERS] [-m MESSAGES] "
			"[-r PER_SECOND] [-c CHANNEL] [-x CHURN_PERCENT] [-P SERVER_PID] "
			"[-T SECONDS] [-j]\n");
	exit(2);
}

static long number(const char *arg, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		usage();
	return v;
}

static void resolve(void)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)&server_addr;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&server_addr;

	memset(&server_addr, 0, sizeof(server_addr));
	if (inet_pton(AF_INET, opt.addr, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)opt.port);
		server_addr_len = sizeof(*v4);
	} else if (inet_pton(AF_INET6, opt.addr, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)opt.port);
		server_addr_len = sizeof(*v6);
	} else {
		errx(2, "-a %s: a numeric address, please (127.0.0.1, ::1)", opt.addr);
	}
}

static int open_socket(bool nonblocking)
{
	int fd = socket(server_addr.ss_family, SOCK_STREAM | (nonblocking ? SOCK_NONBLOCK : 0), 0);
	int one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&server_addr, server_addr_len) < 0 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A whole answer in buf: its status, Message-Id (0: none) and where its
 * body is. Returns the answer's length, 0 if it is not all here, -1 if it
 * is not HTTP. */
static long parse_answer(const char *buf, size_t len, int *status, uint64_t *id, const char **body,
			 size_t *body_len)
{
	const char *end = NULL, *p;
	size_t i, content_length = 0;

	for (i = 0; i + 3 < len; i++)
		if (memcmp(buf + i, "\r\n\r\n", 4) == 0) {
			end = buf + i + 4;
			break;
		}
	if (end == NULL)
		return len >= IN_CAP ? -1 : 0;
	if (len < 12 || memcmp(buf, "HTTP/1.", 7) != 0)
		return -1;
	*status = atoi(buf + 9);
	*id = 0;
	for (p = memchr(buf, '\n', (size_t)(end - buf)); p != NULL && p + 1 < end;
	     p = memchr(p + 1, '\n', (size_t)(end - p - 1))) {
		const char *name = p + 1;

		if (strncasecmp(name, "content-length:", 15) == 0)
			content_length = (size_t)strtoul(name + 15, NULL, 10);
		else if (strncasecmp(name, "message-id:", 11) == 0)
			*id = strtoull(name + 11, NULL, 10);
	}
	if ((size_t)(end - buf) + content_length > len)
		return (size_t)(end - buf) + content_length > IN_CAP ? -1 : 0;
	*body = end;
	*body_len = content_length;
	return (long)((size_t)(end - buf) + content_length);
}

/* ---- the publisher: its own thread and blocking socket, so that its pace
 * does not depend on how busy the subscribers' loop is ---- */

static bool read_answer_blocking(int fd, int *status)
{
	char buf[IN_CAP];
	size_t len = 0;

	for (;;) {
		const char *body;
		size_t body_len;
		uint64_t id;
		long n = parse_answer(buf, len, status, &id, &body, &body_len);
		ssize_t got;

		if (n != 0)
			return n > 0;
		got = read(fd, buf + len, sizeof(buf) - len);
		if (got <= 0)
			return false;
		len += (size_t)got;
	}
}

static void *publish_messages(void *unused)
{
	int fd = -1, status = 0;
	int64_t began;

	(void)unused;
	while (!atomic_load(&start_publishing))
		usleep(1000);
	began = now_ns();
	for (int seq = 1; seq <= opt.messages; seq++) {
		char body[64], req[256];
		int body_len, req_len;

		if (opt.rate > 0) {
			int64_t due = began + (int64_t)((seq - 1) * 1e9 / opt.rate);
			int64_t wait = due - now_ns();

			if (wait > 0)
				usleep((useconds_t)(wait / 1000));
		}
		if (fd < 0 && (fd = open_socket(false)) < 0)
			break;
		body_len = snprintf(body, sizeof(body), "seq=%d t=%lld", seq, (long long)now_ns());
		req_len = snprintf(req, sizeof(req),
				   "POST /pub/%s HTTP/1.1\r\nHost: fanout\r\nContent-Length: %d\r\n"
				   "\r\n%s",
				   opt.channel, body_len, body);
		if (write(fd, req, (size_t)req_len) != req_len ||
		    !read_answer_blocking(fd, &status) || status != 200) {
			warnx("publish %d: %s", seq, status ? "refused" : "no answer");
			break;
		}
		atomic_store(&published, seq);
	}
	if (atomic_load(&published) < opt.messages)
		atomic_store(&publisher_failed, true);
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* ---- the subscribers: one loop, every socket non-blocking ---- */

static uint64_t tag_of(int index, const struct subscriber *s)
{
	return (uint64_t)s->generation << 32 | (uint32_t)index;
}

static void ask(struct subscriber *s, bool empty_wait)
{
	char req[256];
	int len =
	    snprintf(req, sizeof(req), "GET /sub/%s?after=%llu%s HTTP/1.1\r\nHost: fanout\r\n\r\n",
		     opt.channel, (unsigned long long)s->cursor, empty_wait ? "&wait=1" : "");

	/* A request this small fits in any socket's send buffer. */
	if (write(s->fd, req, (size_t)len) != len)
		totals.errors++;
	s->asked = true;
}

static bool connect_subscriber(int index, struct subscriber *s)
{
	s->fd = open_socket(true);
	if (s->fd < 0)
		return false;
	s->generation++;
	s->connecting = true;
	s->asked = false;
	s->in_len = 0;
	if (waiter_add(waiter, s->fd, tag_of(index, s)) < 0) {
		close(s->fd);
		s->fd = -1;
		return false;
	}
	return true;
}

static void drop_subscriber(struct subscriber *s, bool reset)
{
	if (reset) {
		struct linger now = { .l_onoff = 1, .l_linger = 0 };

		setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &now, sizeof(now));
	}
	waiter_forget(waiter, s->fd);
	close(s->fd);
	s->fd = -1;
}

static void record(struct subscriber *s, const char *body, size_t body_len)
{
	char text[64];
	int seq = 0;
	long long sent = 0;
	int64_t latency;

	snprintf(text, sizeof(text), "%.*s", (int)(body_len < 63 ? body_len : 63), body);
	if (sscanf(text, "seq=%d t=%lld", &seq, &sent) != 2 || seq < 1 || seq > opt.messages) {
		totals.errors++;
		return;
	}
	if (seq <= s->last_seq) {
		totals.duplicated++;
		return;
	}
	totals.missed += seq - s->last_seq - 1;
	s->last_seq = seq;
	totals.delivered++;
	latency = now_ns() - sent;
	totals.latency_ns[totals.latency_len++] = latency;
	if (totals.first_ns[seq - 1] == 0 || latency < totals.first_ns[seq - 1])
		totals.first_ns[seq - 1] = latency;
	if (latency > totals.last_ns[seq - 1])
		totals.last_ns[seq - 1] = latency;
	totals.reached[seq - 1]++;
}

static enum churn churn_now(struct subscriber *s)
{
	if (opt.churn_percent == 0 || rand() % 100 >= opt.churn_percent)
		return CHURN_NONE;
	return (enum churn)(1 + s->churn_turn++ % 3);
}

/* Answers in s->in, each followed by the next poll. Returns false when the
 * connection must be dropped and made again. */
static bool take_answers(struct subscriber *s)
{
	for (;;) {
		int status;
		uint64_t id;
		const char *body;
		size_t body_len;
		long n = parse_answer(s->in, s->in_len, &status, &id, &body, &body_len);
		enum churn churn;

		if (n < 0) {
			totals.errors++;
			return false;
		}
		if (n == 0)
			return true;
		s->asked = false;
		if (status == 200 && id != 0) {
			if (id <= s->cursor)
				totals.duplicated++;
			else
				record(s, body, body_len);
			if (id > s->cursor)
				s->cursor = id;
		} else if (status == 204) {
			totals.empty++;
		} else if (status == 410) {
			/* What it missed is counted by the next seq; the
			 * answer says where to go on from. */
			totals.gone++;
			s->cursor = id;
		} else {
			totals.errors++;
			return false;
		}
		memmove(s->in, s->in + n, s->in_len - (size_t)n);
		s->in_len -= (size_t)n;
		if (s->last_seq == opt.messages)
			return true; /* done: it asks no more */
		churn = churn_now(s);
		if (churn == CHURN_CLOSE)
			return false;
		ask(s, churn == CHURN_EMPTY_WAIT);
		if (churn == CHURN_RESET) {
			s->in_len = 0;
			drop_subscriber(s, true);
			return true; /* reconnected by the loop */
		}
	}
}

static bool all_done(const struct subscriber *subs)
{
	for (int i = 0; i < opt.subscribers; i++)
		if (subs[i].last_seq < opt.messages)
			return false;
	return true;
}

static void on_event(struct subscriber *subs, const struct waiter_event *ev)
{
	int index = (int)(uint32_t)ev->tag;
	struct subscriber *s;

	if (index >= opt.subscribers)
		return;
	s = &subs[index];
	if (s->fd < 0 || (uint32_t)(ev->tag >> 32) != s->generation)
		return;
	if (s->connecting && (ev->events & READY_WRITE)) {
		int error = 0;
		socklen_t len = sizeof(error);

		getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &error, &len);
		if (error != 0) {
			drop_subscriber(s, false);
			return;
		}
		s->connecting = false;
		if (s->last_seq < opt.messages)
			ask(s, false);
	}
	if (!(ev->events & READY_READ))
		return;
	for (;;) {
		ssize_t n = read(s->fd, s->in + s->in_len, IN_CAP - s->in_len);

		if (n > 0) {
			s->in_len += (size_t)n;
			if (!take_answers(s)) {
				drop_subscriber(s, false);
				return;
			}
			if (s->fd < 0)
				return; /* reset on purpose */
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		/* The server closed (or reset) it: come back with the cursor,
		 * after a pause, as a client refused for want of room should
		 * (04_select past FD_SETSIZE refuses at once, every time). */
		drop_subscriber(s, false);
		s->retry_at = now_ns() + 50000000;
		return;
	}
}

/* ---- the server's side: waiters and memory ---- */

static long server_waiters(void)
{
	char buf[IN_CAP], *w;
	size_t len = 0;
	ssize_t n;
	int fd = open_socket(false);
	static const char req[] =
	    "GET /stats HTTP/1.1\r\nHost: fanout\r\nConnection: close\r\n\r\n";

	if (fd < 0)
		return -1;
	if (write(fd, req, sizeof(req) - 1) == (ssize_t)sizeof(req) - 1)
		while (len < sizeof(buf) - 1 &&
		       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
			len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	w = strstr(buf, "\nwaiters: ");
	return w != NULL ? atol(w + 10) : -1;
}

static long pss_kib_of(long pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/smaps_rollup", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "Pss: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* The server and its children (02_fork's processes): PSS shares each
 * shared page among those mapping it, so the sum counts it once. */
static long server_pss_kib(void)
{
	long total = pss_kib_of(opt.server_pid);
	char path[64], line[256];

	if (total < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/children", opt.server_pid, opt.server_pid);
	FILE *f = fopen(path, "r");
	if (f != NULL) {
		long child;

		while (fscanf(f, "%ld", &child) == 1) {
			long kib = pss_kib_of(child);

			if (kib > 0)
				total += kib;
		}
		fclose(f);
	}
	(void)line;
	return total;
}

static int compare_ns(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* -1 when nothing was delivered: no latency to rank, and 0 ms would be a
 * figure that did not happen. */
static double quantile_ms(int64_t *sorted, long n, double q)
{
	long i;

	if (n == 0)
		return -1;
	i = (long)(q * (double)(n - 1) + 0.5);
	return (double)sorted[i] / 1e6;
}

int main(int argc, char **argv)
{
	struct waiter_event events[MAX_EVENTS];
	struct subscriber *subs;
	pthread_t publisher;
	int64_t deadline, began, parked_at = 0;
	long pss_before = -1, pss_parked = -1, parked = -1;
	int ch, connected = 0;

	snprintf(opt.channel, sizeof(opt.channel), "fanout-%ld", (long)getpid());
	while ((ch = getopt(argc, argv, "a:p:n:m:r:c:x:P:T:j")) != -1) {
		switch (ch) {
		case 'a':
			opt.addr = optarg;
			break;
		case 'p':
			opt.port = (int)number(optarg, 1, 65535);
			break;
		case 'n':
			opt.subscribers = (int)number(optarg, 1, 1000000);
			break;
		case 'm':
			opt.messages = (int)number(optarg, 1, 100000);
			break;
		case 'r':
			opt.rate = (double)number(optarg, 0, 1000000);
			break;
		case 'x':
			opt.churn_percent = (int)number(optarg, 0, 100);
			break;
		case 'P':
			opt.server_pid = number(optarg, 1, 1L << 30);
			break;
		case 'T':
			opt.seconds = (int)number(optarg, 1, 3600);
			break;
		case 'j':
			opt.json = true;
			break;
		case 'c':
			if (strlen(optarg) == 0 || strlen(optarg) > 64)
				usage();
			snprintf(opt.channel, sizeof(opt.channel), "%s", optarg);
			break;
		default:
			usage();
		}
	}
	if (opt.port == 0 || optind != argc)
		usage();
	resolve();
	fdlimit_raise();
	subs = calloc((size_t)opt.subscribers, sizeof(*subs));
	totals.latency_ns = calloc((size_t)opt.subscribers * (size_t)opt.messages, sizeof(int64_t));
	totals.first_ns = calloc((size_t)opt.messages, sizeof(int64_t));
	totals.last_ns = calloc((size_t)opt.messages, sizeof(int64_t));
	totals.reached = calloc((size_t)opt.messages, sizeof(int));
	waiter = waiter_create(opt.subscribers + 64);
	if (subs == NULL || totals.latency_ns == NULL || totals.first_ns == NULL ||
	    totals.last_ns == NULL || totals.reached == NULL || waiter == NULL)
		errx(2, "out of memory for %d subscribers", opt.subscribers);
	srand((unsigned)getpid());
	if (opt.server_pid)
		pss_before = server_pss_kib();
	for (int i = 0; i < opt.subscribers; i++)
		subs[i].fd = -1;
	if (pthread_create(&publisher, NULL, publish_messages, NULL) != 0)
		errx(2, "pthread_create");
	began = now_ns();
	deadline = began + (int64_t)opt.seconds * 1000000000;
	while (now_ns() < deadline && !all_done(subs) && !atomic_load(&publisher_failed)) {
		int n, made = 0;

		/* Subscribers not connected: a share of them per turn, so a
		 * listen queue is not flooded at once. */
		for (int i = 0; i < opt.subscribers && made < CONNECTS_PER_TURN; i++) {
			if (subs[i].fd >= 0 || subs[i].last_seq == opt.messages ||
			    subs[i].retry_at > now_ns())
				continue;
			if (subs[i].generation > 0)
				totals.reconnects++;
			if (connect_subscriber(i, &subs[i]))
				made++;
			if (subs[i].generation == 1)
				connected++;
		}
		n = waiter_wait(waiter, events, MAX_EVENTS, 10);
		for (int i = 0; i < n; i++)
			on_event(subs, &events[i]);
		/* Publish once every subscriber is parked, as the server counts
		 * them; a server that does not count gets 2 s. */
		if (!atomic_load(&start_publishing) && connected == opt.subscribers) {
			long w = server_waiters();

			if (parked_at == 0)
				parked_at = now_ns();
			if (w >= opt.subscribers || (w < 0 && now_ns() - parked_at > 2000000000) ||
			    now_ns() - parked_at > 10000000000) {
				parked = w;
				if (opt.server_pid)
					pss_parked = server_pss_kib();
				atomic_store(&start_publishing, true);
			}
		}
	}
	atomic_store(&start_publishing, true);
	pthread_join(publisher, NULL);
	for (int i = 0; i < opt.subscribers; i++) {
		if (subs[i].fd >= 0)
			drop_subscriber(&subs[i], false);
		totals.undelivered += opt.messages - subs[i].last_seq;
	}

	qsort(totals.latency_ns, (size_t)totals.latency_len, sizeof(int64_t), compare_ns);
	/* "Until the last subscriber knows" means something only for a
	 * message that reached them all. */
	long complete = 0;
	for (int m = 0; m < opt.messages; m++)
		if (totals.reached[m] == opt.subscribers)
			totals.last_ns[complete++] = totals.last_ns[m];
	qsort(totals.last_ns, (size_t)complete, sizeof(int64_t), compare_ns);
	{
		long expected = (long)opt.subscribers * opt.messages;
		double first = quantile_ms(totals.latency_ns, totals.latency_len, 0);
		double median = quantile_ms(totals.latency_ns, totals.latency_len, 0.5);
		double p90 = quantile_ms(totals.latency_ns, totals.latency_len, 0.9);
		double p99 = quantile_ms(totals.latency_ns, totals.latency_len, 0.99);
		double last = quantile_ms(totals.latency_ns, totals.latency_len, 1);
		double last_median = complete ? quantile_ms(totals.last_ns, complete, 0.5) : -1;
		long per_waiter = pss_before > 0 && pss_parked > 0
				      ? (pss_parked - pss_before) * 1024 / opt.subscribers
				      : -1;
		double seconds = (double)(now_ns() - began) / 1e9;

		if (opt.json)
			printf(
			    "{\"subscribers\": %d, \"messages\": %d, \"expected\": %ld, "
			    "\"delivered\": %ld, \"missed\": %ld, \"duplicated\": %ld, "
			    "\"undelivered\": %ld, "
			    "\"gone\": %ld, \"empty\": %ld, \"reconnects\": %ld, \"errors\": %ld, "
			    "\"parked\": %ld, \"first_ms\": %.3f, \"median_ms\": %.3f, "
			    "\"p90_ms\": %.3f, \"p99_ms\": %.3f, \"last_ms\": %.3f, "
			    "\"last_median_ms\": %.3f, "
			    "\"memory_per_waiter_bytes\": %ld, \"seconds\": %.3f}\n",
			    opt.subscribers, opt.messages, expected, totals.delivered,
			    totals.missed, totals.duplicated, totals.undelivered, totals.gone,
			    totals.empty, totals.reconnects, totals.errors, parked, first, median,
			    p90, p99, last, last_median, per_waiter, seconds);
		else {
			printf("%d subscribers, %d messages on /sub/%s: %ld of %ld delivered, "
			       "%ld missed, %ld duplicated, in %.2f s\n",
			       opt.subscribers, opt.messages, opt.channel, totals.delivered,
			       expected, totals.missed, totals.duplicated, seconds);
			if (totals.latency_len > 0)
				printf("publish -> delivery: first %.2f ms, median %.2f ms, p90 "
				       "%.2f ms, p99 %.2f ms, last %.2f ms",
				       first, median, p90, p99, last);
			else
				printf("publish -> delivery: nothing delivered");
			if (complete > 0)
				printf("; until the last subscriber knows: %.2f ms (median of the "
				       "%ld messages that reached all)",
				       last_median, complete);
			printf("\n");
			printf("parked %ld before the first publish; reconnects %ld, 204s %ld, "
			       "410s %ld, errors %ld",
			       parked, totals.reconnects, totals.empty, totals.gone, totals.errors);
			if (per_waiter >= 0)
				printf("; server memory per waiter %ld bytes", per_waiter);
			printf("\n");
		}
		return totals.delivered == expected && totals.missed == 0 &&
			       totals.undelivered == 0 && totals.duplicated == 0 &&
			       totals.errors == 0
			   ? 0
			   : 1;
	}
}
