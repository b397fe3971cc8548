/*
 * http_load.c - a clean-room load generator, command-line and output
 * compatible with ACME Labs' http_load (09Mar2016), written from
 * ../shared/HTTP_LOAD.md, with the original's known defects fixed (no
 * FD_SETSIZE limit, exact -rate pacing, IPv6, empty/CRLF url files,
 * Content-Length: 0) and extensions behind extra flags (-keepalive,
 * -percentiles, -csv, -version, -help).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fdlimit.h"
#include "histogram.h"
#include "waiter.h"

#define VERSION "c10k-lab-1.0"
#define HEADROOM_FDS 10
#define MAX_RATE 1000000
#define LINE_MAX_BYTES 256   /* response header lines are read up to this much */
#define LATE_NS 2000000      /* a -rate start this far behind schedule is "late" */
#define TICK_NS 10000000     /* timeouts, throttling and progress are checked this often */
#define START_BURST 256      /* fetches started per pass before events are served again */

struct url {
	char *text;      /* as written in the file, for messages */
	char *request;   /* the bytes we send */
	size_t request_len;
	struct sockaddr_storage addr;
	socklen_t addr_len;
	long long expected_bytes; /* set by the first completed fetch; -1 until then */
	uint32_t expected_checksum;
	bool have_checksum;
};

enum fetch_state { IDLE, CONNECTING, SENDING, HEAD, BODY };

struct conn {
	int fd;
	unsigned interest;
	enum fetch_state state;
	struct url *url;
	size_t sent;
	char line[LINE_MAX_BYTES];
	size_t line_len;
	int status;
	bool server_closes;
	long long content_length; /* -1: until EOF */
	long long body_bytes;
	uint32_t checksum;
	uint64_t scheduled_ns, started_ns, sent_ns, last_io_ns;
	bool got_first_byte, paused;
};

static struct {
	bool checksum, verbose, keepalive, percentiles, csv, jitter;
	long throttle; /* bytes/s per connection, 0 = unlimited */
	int timeout_s;
	long parallel, rate, fetches, seconds;
	const char *proxy;
	const char *url_file;
} opt = {.timeout_s = 60};

/* Mean, max and min of a series of milliseconds. */
struct ms_stats {
	double sum, max, min;
	long count;
};

static void ms_add(struct ms_stats *s, double ms)
{
	if (s->count == 0 || ms < s->min)
		s->min = ms;
	if (s->count == 0 || ms > s->max)
		s->max = ms;
	s->sum += ms;
	s->count++;
}

static struct {
	long fetches, started, max_parallel, active, timeouts, bad_bytes, conn_errors, late;
	double bytes;
	struct ms_stats connect, first_response;
	long codes[1000];
	struct histogram latency;
} st;

static struct url *urls;
static int url_count;
static struct conn *conns;
static int conn_cap;
static int *free_slots, free_count;
static struct conn **by_fd;
static int by_fd_len;
static struct waiter *waiter;
static struct sockaddr_storage proxy_addr;
static socklen_t proxy_addr_len;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "http_load: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(1);
}

static void usage(FILE *to)
{
	fprintf(to,
		"usage:  http_load [-checksum] [-throttle] [-proxy host:port] [-verbose] [-timeout secs] [-sip sip_file]\n"
		"            -parallel N | -rate N [-jitter]\n"
		"            -fetches N | -seconds N\n"
		"            url_file\n"
		"One start specifier, either -parallel or -rate, is required.\n"
		"One end specifier, either -fetches or -seconds, is required.\n"
		"Extensions: [-keepalive] [-percentiles] [-csv] [-version] [-help]\n");
}

static void help(void)
{
	usage(stdout);
	printf("\n"
	       "Fetches URLs from url_file (one http:// URL per line, picked at random per\n"
	       "fetch) as fast as -parallel allows or at -rate fetches per second, until\n"
	       "-fetches have completed or -seconds have passed, then prints a report.\n"
	       "\n"
	       "  -parallel N   keep N fetches in flight (closed loop: a new one starts when one ends)\n"
	       "  -rate N       start N fetches per second, on schedule whatever the server does\n"
	       "                (open loop); -jitter varies each interval by up to 10%%\n"
	       "  -fetches N    stop after N fetches;  -seconds N   stop after N seconds\n"
	       "  -timeout S    give up on a fetch idle for S seconds (default 60)\n"
	       "  -throttle     read at most 3360 bytes/s per connection; -Throttle N: N/10 bytes/s\n"
	       "  -checksum     check bodies by checksum instead of length\n"
	       "  -proxy H:P    send every request through an HTTP proxy\n"
	       "  -verbose      progress on stderr every 60 seconds\n"
	       "\n"
	       "Extensions (default output is unchanged without them):\n"
	       "  -keepalive    HTTP/1.1 persistent connections: -parallel N connections,\n"
	       "                each sending its requests back to back (as wrk does)\n"
	       "  -percentiles  also print msecs/response percentiles (whole response; under\n"
	       "                -rate measured from the scheduled start: no coordinated omission)\n"
	       "  -csv          end with one machine-readable line:\n"
	       "                csv,fetches,seconds,fetches_per_sec,bytes_per_sec,connect_mean_ms,\n"
	       "                p50_ms,p90_ms,p99_ms,p999_ms,errors,timeouts\n"
	       "  -version      print the version\n"
	       "\n"
	       "Any unique-enough prefix of a flag works: -p 10 -s 5 is -parallel 10 -seconds 5.\n"
	       "Waiting with %s; no limit but the descriptor limit on -parallel.\n",
	       waiter_name());
}

static long number(const char *flag, const char *arg)
{
	char *end;
	long v;

	if (arg == NULL)
		die("%s needs a number", flag);
	v = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0')
		die("%s is not a number", arg);
	return v;
}

/* The original's flag order: a prefix means the first flag it begins. */
static const char *const flag_names[] = {
	"checksum", "throttle", "Throttle", "verbose", "timeout", "jitter", "parallel", "rate",
	"fetches", "seconds", "sip", "proxy", "keepalive", "percentiles", "csv", "version", "help",
};

static const char *resolve_flag(const char *arg)
{
	size_t i, n;

	while (*arg == '-')
		arg++;
	n = strlen(arg);
	for (i = 0; n > 0 && i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (strncmp(flag_names[i], arg, n) == 0)
			return flag_names[i];
	return NULL;
}

static void parse_args(int argc, char **argv)
{
	int i, limit;
	char buf[32];

	for (i = 1; i < argc; i++) {
		const char *flag;

		if (argv[i][0] != '-') {
			if (opt.url_file != NULL) {
				usage(stderr);
				exit(1);
			}
			opt.url_file = argv[i];
			continue;
		}
		flag = resolve_flag(argv[i]);
		if (flag == NULL) {
			usage(stderr);
			exit(1);
		}
		if (!strcmp(flag, "checksum")) opt.checksum = true;
		else if (!strcmp(flag, "throttle")) opt.throttle = 3360;
		else if (!strcmp(flag, "Throttle")) opt.throttle = number(argv[i], argv[i + 1]) / 10, i++;
		else if (!strcmp(flag, "verbose")) opt.verbose = true;
		else if (!strcmp(flag, "timeout")) opt.timeout_s = (int)number(argv[i], argv[i + 1]), i++;
		else if (!strcmp(flag, "jitter")) opt.jitter = true;
		else if (!strcmp(flag, "parallel")) opt.parallel = number(argv[i], argv[i + 1]), i++;
		else if (!strcmp(flag, "rate")) opt.rate = number(argv[i], argv[i + 1]), i++;
		else if (!strcmp(flag, "fetches")) opt.fetches = number(argv[i], argv[i + 1]), i++;
		else if (!strcmp(flag, "seconds")) opt.seconds = number(argv[i], argv[i + 1]), i++;
		else if (!strcmp(flag, "sip")) die("%s: -sip (source addresses) is not supported", argv[i]);
		else if (!strcmp(flag, "proxy")) {
			if (i + 1 >= argc)
				die("%s needs host:port", argv[i]);
			opt.proxy = argv[++i];
		}
		else if (!strcmp(flag, "keepalive")) opt.keepalive = true;
		else if (!strcmp(flag, "percentiles")) opt.percentiles = true;
		else if (!strcmp(flag, "csv")) opt.csv = true;
		else if (!strcmp(flag, "version")) { printf("http_load %s\n", VERSION); exit(0); }
		else if (!strcmp(flag, "help")) { help(); exit(0); }
	}
	if ((opt.parallel == 0) == (opt.rate == 0) || (opt.fetches == 0) == (opt.seconds == 0) ||
	    opt.url_file == NULL || (opt.jitter && opt.rate == 0)) {
		/* Zero given explicitly is out of range, not missing: */
		for (i = 1; i < argc; i++) {
			const char *flag = argv[i][0] == '-' ? resolve_flag(argv[i]) : NULL;
			if (flag && i + 1 < argc && !strcmp(argv[i + 1], "0") &&
			    (!strcmp(flag, "parallel") || !strcmp(flag, "rate") ||
			     !strcmp(flag, "fetches") || !strcmp(flag, "seconds")))
				die("%s must be at least 1", flag);
		}
		usage(stderr);
		exit(1);
	}
	limit = (int)fdlimit_raise();
	limit = (limit < 0 ? 1024 : limit) - HEADROOM_FDS;
	snprintf(buf, sizeof(buf), "%d", limit);
	if (opt.parallel < 0) die("%s must be at least 1", "parallel");
	if (opt.parallel > limit) die("parallel may be at most %s", buf);
	if (opt.rate < 0) die("%s must be at least 1", "rate");
	snprintf(buf, sizeof(buf), "%d", MAX_RATE);
	if (opt.rate > MAX_RATE) die("rate may be at most %s", buf);
	if (opt.fetches < 0) die("%s must be at least 1", "fetches");
	if (opt.seconds < 0) die("%s must be at least 1", "seconds");
	if (opt.timeout_s < 1) die("%s must be at least 1", "timeout");
	if (opt.keepalive && opt.parallel == 0) die("%s", "-keepalive goes with -parallel");
	conn_cap = opt.parallel ? (int)opt.parallel : limit;
}

/* host:port (or [v6]:port) to an address; exits on failure. */
static socklen_t resolve(const char *host, const char *port, struct sockaddr_storage *out,
			 const char *for_url)
{
	struct addrinfo hints = {0}, *ai;
	int rc;
	socklen_t len;

	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, port, &hints, &ai);
	if (rc != 0) {
		fprintf(stderr, "http_load: %s: unknown host %s (%s)\n", for_url, host, gai_strerror(rc));
		exit(1);
	}
	memcpy(out, ai->ai_addr, ai->ai_addrlen);
	len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return len;
}

static void parse_url(struct url *u, const char *line)
{
	const char *p, *host, *host_end, *path;
	char host_buf[256], port_buf[16] = "80", *request;
	size_t host_len, need;

	u->text = strdup(line);
	u->expected_bytes = -1;
	if (strncmp(line, "https://", 8) == 0)
		die("%s: https is not supported (no TLS here)", line);
	if (strncmp(line, "http://", 7) != 0)
		die("%s: not an http:// URL", line);
	host = p = line + 7;
	if (*p == '[') {
		host_end = strchr(p, ']');
		if (host_end == NULL)
			die("%s: unterminated [IPv6 address]", line);
		host++;
		p = host_end + 1;
	} else {
		p += strcspn(p, ":/");
		host_end = p;
	}
	host_len = (size_t)(host_end - host);
	if (host_len == 0 || host_len >= sizeof(host_buf))
		die("%s: bad host", line);
	memcpy(host_buf, host, host_len);
	host_buf[host_len] = '\0';
	if (*p == ':') {
		size_t n = strcspn(++p, "/");
		if (n == 0 || n >= sizeof(port_buf) || strspn(p, "0123456789") != n)
			die("%s: bad port", line);
		memcpy(port_buf, p, n);
		port_buf[n] = '\0';
		p += n;
	}
	if (*p != '\0' && *p != '/')
		die("%s: cannot parse", line);
	path = *p ? p : "/";
	/* Through a proxy, the proxy resolves the host: we never connect to it. */
	if (opt.proxy == NULL)
		u->addr_len = resolve(host_buf, port_buf, &u->addr, line);

	need = strlen(line) + strlen(path) + 128;
	request = malloc(need);
	if (request == NULL)
		die("%s", "out of memory");
	/* Host is the authority as written: host[:port], brackets kept. */
	u->request_len = (size_t)snprintf(request, need, "GET %s %s\r\nHost: %.*s\r\nUser-Agent: http_load %s\r\n\r\n",
					  opt.proxy ? line : path, opt.keepalive ? "HTTP/1.1" : "HTTP/1.0",
					  (int)(p - (line + 7)), line + 7, VERSION);
	u->request = request;
}

static void read_url_file(void)
{
	FILE *f = fopen(opt.url_file, "r");
	char line[8192];
	int cap = 0;

	if (f == NULL) {
		perror(opt.url_file);
		exit(1);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t n = strcspn(line, "\r\n");
		char *start = line;

		line[n] = '\0';
		while (*start == ' ' || *start == '\t')
			start++;
		if (*start == '\0' || *start == '#')
			continue;
		if (url_count == cap) {
			cap = cap ? cap * 2 : 16;
			urls = realloc(urls, (size_t)cap * sizeof(*urls));
			if (urls == NULL)
				die("%s", "out of memory");
		}
		memset(&urls[url_count], 0, sizeof(urls[0]));
		parse_url(&urls[url_count++], start);
	}
	fclose(f);
	if (url_count == 0)
		die("%s: no URLs in this file", opt.url_file);
}

static void set_interest(struct conn *c, unsigned events)
{
	if (events != c->interest && waiter_set(waiter, c->fd, c->interest, events) == 0)
		c->interest = events;
}

static void close_conn(struct conn *c)
{
	if (c->fd >= 0) {
		set_interest(c, 0);
		by_fd[c->fd] = NULL;
		close(c->fd);
	}
	c->fd = -1;
	c->state = IDLE;
	free_slots[free_count++] = (int)(c - conns);
	st.active--;
}

static bool counting(uint64_t now, uint64_t end_ns)
{
	return opt.seconds == 0 || now <= end_ns;
}

static uint32_t fnv1a(uint32_t h, const char *p, size_t n)
{
	while (n--)
		h = (h ^ (unsigned char)*p++) * 16777619u;
	return h;
}

/* A fetch is over, one way or another: count it. ok: a response was read. */
static void fetch_done(struct conn *c, bool ok, uint64_t now, uint64_t end_ns)
{
	struct url *u = c->url;

	if (!counting(now, end_ns))
		return;
	st.fetches++;
	st.bytes += (double)c->body_bytes;
	if (!ok)
		return;
	if (c->status > 0 && c->status < 1000)
		st.codes[c->status]++;
	histogram_record(&st.latency, (now - (opt.rate ? c->scheduled_ns : c->started_ns)) / 1000);
	if (opt.checksum) {
		if (!u->have_checksum) {
			u->have_checksum = true;
			u->expected_checksum = c->checksum;
		} else if (c->checksum != u->expected_checksum) {
			fprintf(stderr, "%s: checksum wrong\n", u->text);
			st.bad_bytes++;
		}
	} else if (u->expected_bytes < 0) {
		u->expected_bytes = c->body_bytes;
	} else if (c->body_bytes != u->expected_bytes) {
		fprintf(stderr, "%s: byte count wrong\n", u->text);
		st.bad_bytes++;
	}
}

static void fetch_failed(struct conn *c, const char *why, uint64_t now, uint64_t end_ns)
{
	if (counting(now, end_ns))
		fprintf(stderr, "%s: %s\n", c->url->text, why);
	fetch_done(c, false, now, end_ns);
	close_conn(c);
}

static void reset_response(struct conn *c)
{
	c->line_len = 0;
	c->status = 0;
	c->server_closes = false;
	c->content_length = -1;
	c->body_bytes = 0;
	c->checksum = 2166136261u;
	c->got_first_byte = false;
	c->sent = 0;
}

static void send_request(struct conn *c, uint64_t now, uint64_t end_ns);

static void on_connected(struct conn *c, uint64_t now, uint64_t end_ns)
{
	struct sockaddr_storage peer;
	socklen_t peer_len = sizeof(peer);
	int error = 0;
	socklen_t len = sizeof(error);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0)
		error = errno;
	/* A writable event meant for a descriptor closed earlier in the same
	 * batch may arrive for a new connection reusing its number: only a
	 * peer address proves the connection is up. */
	if (error == 0 && getpeername(c->fd, (struct sockaddr *)&peer, &peer_len) < 0)
		return;
	if (error != 0) {
		if (counting(now, end_ns))
			st.conn_errors++;
		fetch_failed(c, strerror(error), now, end_ns);
		return;
	}
	ms_add(&st.connect, (double)(now - c->started_ns) / 1e6);
	if (opt.keepalive) {
		int one = 1;
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	c->state = SENDING;
	send_request(c, now, end_ns);
}

static void start_fetch(uint64_t scheduled, uint64_t now)
{
	struct conn *c = &conns[free_slots[--free_count]];
	const struct sockaddr *addr;
	socklen_t addr_len;

	c->url = &urls[url_count > 1 ? random() % url_count : 0];
	reset_response(c);
	c->scheduled_ns = scheduled;
	c->started_ns = c->last_io_ns = now;
	c->interest = 0;
	c->paused = false;
	st.started++;
	if (++st.active > st.max_parallel)
		st.max_parallel = st.active;
	addr = opt.proxy ? (const struct sockaddr *)&proxy_addr : (const struct sockaddr *)&c->url->addr;
	addr_len = opt.proxy ? proxy_addr_len : c->url->addr_len;
	c->fd = socket(addr->sa_family, SOCK_STREAM, 0);
	if (c->fd < 0) {
		c->state = CONNECTING;
		fetch_failed(c, strerror(errno), now, UINT64_MAX);
		return;
	}
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
	fcntl(c->fd, F_SETFD, FD_CLOEXEC);
	if (c->fd >= by_fd_len) {
		int len = by_fd_len ? by_fd_len : 1024;
		while (len <= c->fd)
			len *= 2;
		by_fd = realloc(by_fd, (size_t)len * sizeof(*by_fd));
		memset(by_fd + by_fd_len, 0, (size_t)(len - by_fd_len) * sizeof(*by_fd));
		by_fd_len = len;
	}
	by_fd[c->fd] = c;
	c->state = CONNECTING;
	if (connect(c->fd, addr, addr_len) == 0) {
		on_connected(c, now, UINT64_MAX);
		return;
	}
	if (errno != EINPROGRESS) {
		st.conn_errors++;
		fetch_failed(c, strerror(errno), now, UINT64_MAX);
		return;
	}
	set_interest(c, WAIT_WRITE);
}

/* One response header line (without its line ending). */
static void header_line(struct conn *c, const char *line, size_t n)
{
	if (c->status == 0) {
		if (n >= 12 && strncmp(line, "HTTP/", 5) == 0)
			c->status = atoi(line + 9);
		return;
	}
	if (n > 15 && strncasecmp(line, "content-length:", 15) == 0)
		c->content_length = atoll(line + 15);
	else if (n > 11 && strncasecmp(line, "connection:", 11) == 0 && strstr(line + 11, "close"))
		c->server_closes = true;
}

/* Feed received bytes; returns true when the response is complete. */
static bool consume(struct conn *c, const char *p, size_t n)
{
	while (n > 0 && c->state == HEAD) {
		char ch = *p++;
		n--;
		if (ch != '\n') {
			if (c->line_len < LINE_MAX_BYTES - 1)
				c->line[c->line_len++] = ch;
			continue;
		}
		if (c->line_len > 0 && c->line[c->line_len - 1] == '\r')
			c->line_len--;
		c->line[c->line_len] = '\0';
		if (c->line_len == 0 && c->status > 0) {
			c->state = BODY;
			/* Content-Length: 0 ends the fetch here (the original waited
			 * for a timeout on a kept-open connection). */
			if (c->content_length == 0)
				return true;
		} else {
			header_line(c, c->line, c->line_len);
		}
		c->line_len = 0;
	}
	if (c->state == BODY && n > 0) {
		size_t take = n;
		if (c->content_length >= 0 && (long long)take > c->content_length - c->body_bytes)
			take = (size_t)(c->content_length - c->body_bytes);
		if (opt.checksum)
			c->checksum = fnv1a(c->checksum, p, take);
		c->body_bytes += (long long)take;
	}
	return c->state == BODY && c->content_length >= 0 && c->body_bytes >= c->content_length;
}

static bool more_fetches_wanted(uint64_t now, uint64_t end_ns)
{
	if (opt.fetches)
		return st.started < opt.fetches;
	return now < end_ns;
}

static void send_request(struct conn *c, uint64_t now, uint64_t end_ns)
{
	ssize_t n = write(c->fd, c->url->request + c->sent, c->url->request_len - c->sent);

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			fetch_failed(c, strerror(errno), now, end_ns);
		return;
	}
	c->sent += (size_t)n;
	if (c->sent == c->url->request_len) {
		c->sent_ns = c->last_io_ns = now;
		c->state = HEAD;
		set_interest(c, WAIT_READ);
	}
}

static void response_complete(struct conn *c, uint64_t now, uint64_t end_ns)
{
	fetch_done(c, true, now, end_ns);
	if (opt.keepalive && !c->server_closes && c->content_length >= 0 &&
	    more_fetches_wanted(now, end_ns)) {
		/* Reuse the connection: the next fetch starts now. */
		reset_response(c);
		c->url = &urls[url_count > 1 ? random() % url_count : 0];
		c->started_ns = c->scheduled_ns = now;
		st.started++;
		c->state = SENDING;
		set_interest(c, WAIT_WRITE);
		send_request(c, now, end_ns);
		return;
	}
	close_conn(c);
}

static void on_readable(struct conn *c, uint64_t now, uint64_t end_ns)
{
	static char buf[65536];
	size_t room = sizeof(buf);
	ssize_t n;

	if (opt.throttle) {
		/* Read no faster than -throttle: at most what the elapsed time
		 * allows, and pause the connection when ahead. */
		double allowed = (double)opt.throttle * (double)(now - c->sent_ns) / 1e9 -
				 (double)c->body_bytes;
		if (allowed < 1) {
			c->paused = true;
			set_interest(c, 0);
			return;
		}
		if (allowed < (double)room)
			room = (size_t)allowed;
	}
	n = read(c->fd, buf, room);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			fetch_failed(c, strerror(errno), now, end_ns);
		return;
	}
	c->last_io_ns = now;
	if (n > 0 && !c->got_first_byte) {
		c->got_first_byte = true;
		ms_add(&st.first_response, (double)(now - c->sent_ns) / 1e6);
	}
	if (n == 0) {
		/* EOF ends the fetch; a response cut short shows in the byte count. */
		fetch_done(c, c->status > 0, now, end_ns);
		close_conn(c);
		return;
	}
	if (consume(c, buf, (size_t)n))
		response_complete(c, now, end_ns);
}

static void handle(struct conn *c, unsigned events, uint64_t now, uint64_t end_ns)
{
	if (c->state == CONNECTING && (events & WAIT_WRITE))
		on_connected(c, now, end_ns);
	else if (c->state == SENDING && (events & WAIT_WRITE))
		send_request(c, now, end_ns);
	else if ((c->state == HEAD || c->state == BODY) && (events & WAIT_READ))
		on_readable(c, now, end_ns);
}

/* Every tick: idle timeouts, paused (throttled) connections, progress. */
static void tick(uint64_t now, uint64_t end_ns)
{
	uint64_t timeout_ns = (uint64_t)opt.timeout_s * 1000000000u;
	int i;

	for (i = 0; i < conn_cap; i++) {
		struct conn *c = &conns[i];
		if (c->state == IDLE)
			continue;
		if (c->paused) {
			c->paused = false;
			set_interest(c, WAIT_READ);
		} else if (now - c->last_io_ns > timeout_ns) {
			if (counting(now, end_ns))
				st.timeouts++;
			fetch_failed(c, "timed out", now, end_ns);
		}
	}
}

static void report(double elapsed)
{
	int code;

	printf("%ld fetches, %ld max parallel, %g bytes, in %g seconds\n", st.fetches, st.max_parallel,
	       st.bytes, elapsed);
	if (st.fetches > 0)
		printf("%g mean bytes/connection\n", st.bytes / (double)st.fetches);
	if (elapsed > 0.01)
		printf("%g fetches/sec, %g bytes/sec\n", (double)st.fetches / elapsed, st.bytes / elapsed);
	if (st.connect.count > 0)
		printf("msecs/connect: %g mean, %g max, %g min\n",
		       st.connect.sum / (double)st.connect.count, st.connect.max, st.connect.min);
	if (st.first_response.count > 0)
		printf("msecs/first-response: %g mean, %g max, %g min\n",
		       st.first_response.sum / (double)st.first_response.count, st.first_response.max,
		       st.first_response.min);
	if (st.timeouts > 0)
		printf("%ld timeouts\n", st.timeouts);
	if (st.bad_bytes > 0)
		printf("%ld bad %s\n", st.bad_bytes, opt.checksum ? "checksums" : "byte counts");
	if (st.conn_errors > 0)
		printf("%ld connection errors\n", st.conn_errors);
	if (st.late > 0)
		printf("%ld fetches started late\n", st.late);
	printf("HTTP response codes:\n");
	for (code = 0; code < 1000; code++)
		if (st.codes[code] > 0)
			printf("  code %03d -- %ld\n", code, st.codes[code]);
	if (opt.percentiles)
		printf("msecs/response: p50 %g, p90 %g, p99 %g, p99.9 %g, max %g\n",
		       (double)histogram_quantile(&st.latency, 0.50) / 1000,
		       (double)histogram_quantile(&st.latency, 0.90) / 1000,
		       (double)histogram_quantile(&st.latency, 0.99) / 1000,
		       (double)histogram_quantile(&st.latency, 0.999) / 1000, (double)st.latency.max / 1000);
	if (opt.csv)
		printf("csv,%ld,%g,%g,%g,%g,%g,%g,%g,%g,%ld,%ld\n", st.fetches, elapsed,
		       elapsed > 0 ? (double)st.fetches / elapsed : 0, elapsed > 0 ? st.bytes / elapsed : 0,
		       st.connect.count ? st.connect.sum / (double)st.connect.count : 0,
		       (double)histogram_quantile(&st.latency, 0.50) / 1000,
		       (double)histogram_quantile(&st.latency, 0.90) / 1000,
		       (double)histogram_quantile(&st.latency, 0.99) / 1000,
		       (double)histogram_quantile(&st.latency, 0.999) / 1000,
		       st.conn_errors + st.bad_bytes, st.timeouts);
}

static void setup_proxy(void)
{
	char host[256];
	const char *colon = strrchr(opt.proxy, ':');

	if (colon == NULL || colon == opt.proxy || (size_t)(colon - opt.proxy) >= sizeof(host))
		die("-proxy %s: expected host:port", opt.proxy);
	memcpy(host, opt.proxy, (size_t)(colon - opt.proxy));
	host[colon - opt.proxy] = '\0';
	proxy_addr_len = resolve(host, colon + 1, &proxy_addr, opt.proxy);
}

int main(int argc, char **argv)
{
	struct waiter_event *events;
	uint64_t start, end_ns, next_start, interval_ns = 0, last_tick, last_progress;
	int i;

	signal(SIGPIPE, SIG_IGN);
	parse_args(argc, argv);
	if (opt.proxy)
		setup_proxy();
	read_url_file();
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());

	conns = calloc((size_t)conn_cap, sizeof(*conns));
	free_slots = malloc((size_t)conn_cap * sizeof(*free_slots));
	events = malloc((size_t)conn_cap * sizeof(*events));
	waiter = waiter_create(conn_cap + HEADROOM_FDS + 64);
	if (!conns || !free_slots || !events || !waiter)
		die("%s", "out of memory");
	for (i = conn_cap - 1; i >= 0; i--) {
		conns[i].fd = -1;
		free_slots[free_count++] = i;
	}

	start = last_tick = last_progress = now_ns();
	end_ns = opt.seconds ? start + (uint64_t)opt.seconds * 1000000000u : UINT64_MAX;
	next_start = start;
	if (opt.rate)
		interval_ns = 1000000000u / (uint64_t)opt.rate;
	for (;;) {
		uint64_t now = now_ns(), wake;
		int ready, timeout_ms, burst = 0;

		if (opt.seconds && now >= end_ns)
			break;
		if (opt.rate) {
			/* Open loop: starts follow the schedule exactly (the
			 * n-th at start + n/rate, no truncation), whatever the
			 * server does; one that has to wait for a free slot is
			 * late, and its latency counts from its scheduled time. */
			/* A bounded burst: when the server falls behind, catching up
			 * must not keep us from reading answers or seeing the end. */
			while (next_start <= now && more_fetches_wanted(next_start, end_ns) && free_count > 0 &&
			       burst++ < START_BURST) {
				if (now - next_start > LATE_NS && counting(now, end_ns))
					st.late++;
				start_fetch(next_start, now);
				next_start = start + (uint64_t)((double)st.started * 1e9 / (double)opt.rate);
				if (opt.jitter) {
					/* -jitter: each start up to 10% of an interval early or late. */
					int64_t offset = (int64_t)((double)interval_ns *
								   ((double)random() / RAND_MAX * 0.2 - 0.1));
					next_start = (uint64_t)((int64_t)next_start + offset);
				}
			}
		} else {
			while (st.active < opt.parallel && more_fetches_wanted(now, end_ns) && free_count > 0 &&
			       burst++ < START_BURST)
				start_fetch(now, now);
		}
		if (opt.fetches && st.active == 0 && !more_fetches_wanted(now, end_ns))
			break;

		wake = burst > START_BURST ? now : last_tick + TICK_NS; /* more to start: no waiting */
		if (opt.rate && more_fetches_wanted(next_start, end_ns) && next_start < wake)
			wake = next_start;
		if (end_ns < wake)
			wake = end_ns;
		/* Rounded down: waits are in whole milliseconds, and rounding
		 * up would start every scheduled fetch up to 1 ms late. The last
		 * fraction of a millisecond is polled instead. */
		timeout_ms = wake > now ? (int)((wake - now) / 1000000) : 0;
		ready = waiter_wait(waiter, events, conn_cap, timeout_ms);
		if (ready < 0 && errno != EINTR)
			die("waiting: %s", strerror(errno));
		now = now_ns();
		for (i = 0; i < ready; i++) {
			struct conn *c = events[i].fd < by_fd_len ? by_fd[events[i].fd] : NULL;
			if (c != NULL)
				handle(c, events[i].events, now, end_ns);
		}
		if (now - last_tick >= TICK_NS) {
			tick(now, end_ns);
			last_tick = now;
		}
		if (opt.verbose && now - last_progress >= 60000000000ull) {
			fprintf(stderr, "--- %g secs, %ld fetches started, %ld completed, %ld current\n",
				(double)(now - start) / 1e9, st.started, st.fetches, st.active);
			last_progress = now;
		}
	}
	report((double)(now_ns() - start) / 1e9);
	free(events); /* the rest hangs off globals until exit */
	return 0;
}
