/*
 * http_load.c - a clean-room load generator, command-line and output
 * compatible with ACME Labs' http_load (09Mar2016), written from its manual
 * and observed behaviour, with the original's known defects fixed (no
 * FD_SETSIZE limit, exact -rate pacing, IPv6, empty/CRLF url files,
 * Content-Length: 0, failures counted as fetches) and extensions behind
 * extra flags (-keepalive, -percentiles, -csv, -version, -help).
 *
 * A fetch is counted only when a complete, well-framed response arrived.
 * Every other ending is a failure, counted by its cause. Per fetch, in the
 * default mode, the system calls are socket, connect, one registration
 * with the waiter, write, read and close (bench/README.md shows strace).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
#include "grow.h"
#include "histogram.h"
#include "waiter.h"

#define VERSION "c10k-lab-1.1"
#define HEADROOM_FDS 10
#define MAX_RATE 1000000
#define MAX_SECONDS 31536000L /* a year: -seconds and -timeout in ns fit 64 bits */
#define LINE_MAX_BYTES 256    /* response header lines are kept up to this much */
#define LATE_NS 2000000       /* a -rate start this far behind schedule is "late" */
#define START_BURST 256       /* fetches started per pass before events are served again */

struct url {
	char *text;    /* as written in the file, for messages */
	char *request; /* the bytes we send */
	size_t request_len;
	struct sockaddr_storage addr;
	socklen_t addr_len;
	long long eof_body_bytes; /* first body length without Content-Length; -1 until then */
	uint32_t expected_checksum;
	bool have_checksum;
};

enum fetch_state { IDLE, CONNECTING, SENDING, HEAD, BODY };

/* Why a fetch failed; each has its own report line (when non-zero). */
enum failure {
	FAIL_CONNECT,      /* socket() or connect() failed: refused, unreachable, no descriptors */
	FAIL_WRITE,        /* sending the request failed */
	FAIL_READ,         /* reading the response failed: a reset */
	FAIL_NO_RESPONSE,  /* the server closed before a whole response head */
	FAIL_TRUNCATED,    /* the server closed before Content-Length bytes of body */
	FAIL_BAD_RESPONSE, /* not an HTTP/1.x response this tool can frame */
	FAIL_TIMEOUT,      /* nothing arrived for -timeout seconds */
	FAILURE_KINDS
};

static const char *const failure_label[FAILURE_KINDS] = {
	"connection errors",   "write errors",  "read errors", "closed before a response",
	"truncated responses", "bad responses", "timeouts",
};

struct conn {
	int fd;
	uint32_t generation; /* bumped per new socket: tells stale events apart */
	enum fetch_state state;
	bool can_read, can_write; /* edge-triggered readiness not yet used up */
	bool paused;              /* throttled: ahead of its byte budget */
	struct url *url;
	size_t sent;
	char line[LINE_MAX_BYTES];
	size_t line_len;
	bool line_cut;
	int status;
	bool server_closes;
	long long content_length; /* -1: until EOF */
	long long body_bytes;
	long head_bytes;
	uint32_t checksum;
	uint64_t scheduled_ns, started_ns, sent_ns, last_io_ns;
};

static struct {
	bool checksum, verbose, keepalive, percentiles, csv, jitter;
	long throttle; /* bytes/s per connection, 0 = unlimited */
	long timeout_s;
	long parallel, rate, fetches, seconds;
	const char *proxy;
	const char *url_file;
} opt = { .timeout_s = 60 };

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
	long fetches, started, max_parallel, active, bad_bytes, late, non2xx, unfinished;
	long failed[FAILURE_KINDS];
	double bytes;
	struct ms_stats connect, first_response;
	long codes[1000];
	struct histogram latency;
} st;

static struct url *urls;
static int url_count;
/* A slot per fetch in flight. -parallel N has N from the start; -rate
 * grows them by doubling as more are in flight at once (up to conn_max, the
 * descriptor limit): a slot costs ~380 bytes, and a million-descriptor
 * limit must not cost a million of them, nor a walk over them every tick. */
static struct conn *conns;
static int conn_cap, conn_max;
static int *free_slots, free_count;
static int *pending_sends, pending_count; /* keep-alive: next requests, sent after a batch */
static struct waiter_event *ready_events; /* conn_cap of them */
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

static void *checked_realloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (p == NULL)
		die("%s", "out of memory");
	return p;
}

static void usage(FILE *to)
{
	fprintf(to, "usage:  http_load [-checksum] [-throttle] [-proxy host:port] [-verbose] "
		    "[-timeout secs] [-sip sip_file]\n"
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
	printf(
	    "\n"
	    "Fetches URLs from url_file (one http:// URL per line, picked at random per\n"
	    "fetch) as fast as -parallel allows or at -rate fetches per second, until\n"
	    "-fetches have been started or -seconds have passed, then prints a report.\n"
	    "Only complete, well-framed responses count as fetches; every other ending\n"
	    "(refused, reset, closed early, truncated, timed out) is a failure, counted\n"
	    "by cause on its own line.\n"
	    "\n"
	    "  -parallel N   keep N fetches in flight (closed loop: a new one starts when one "
	    "ends)\n"
	    "  -rate N       start N fetches per second, on schedule whatever the server does\n"
	    "                (open loop); -jitter varies each interval by up to 10%%\n"
	    "  -fetches N    start N fetches, then stop;  -seconds N   stop after N seconds\n"
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
	    "                "
	    "p50_ms,p90_ms,p99_ms,p999_ms,errors,timeouts,failed,non2xx,unfinished\n"
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
	errno = 0;
	v = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno == ERANGE)
		die("%s is not a number in range", arg);
	return v;
}

/* The original's flag order: a prefix means the first flag it begins. */
static const char *const flag_names[] = {
	"checksum",  "throttle",    "Throttle", "verbose", "timeout", "jitter",
	"parallel",  "rate",        "fetches",  "seconds", "sip",     "proxy",
	"keepalive", "percentiles", "csv",      "version", "help",
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

/* A number out of range for NAME, in the original's words. For the start
 * and end specifiers 0 means "not given" (settled before this), so their
 * lowest is 0 while the message asks for at least 1. */
static void check_range(const char *name, long value, long lowest, long highest)
{
	char buf[96];

	if (value < lowest)
		snprintf(buf, sizeof(buf), "%s must be at least %ld", name,
			 lowest > 1 ? lowest : 1);
	else if (value > highest)
		snprintf(buf, sizeof(buf), "%s may be at most %ld", name, highest);
	else
		return;
	die("%s", buf);
}

static void parse_args(int argc, char **argv)
{
	int i;
	long limit;

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
		/* clang-format off: one flag per line reads as a table */
		if (!strcmp(flag, "checksum"))
			opt.checksum = true;
		else if (!strcmp(flag, "throttle"))
			opt.throttle = 3360;
		else if (!strcmp(flag, "Throttle")) {
			opt.throttle = number(argv[i], argv[i + 1]) / 10, i++;
			if (opt.throttle < 1)
				die("%s must be at least 10", "Throttle");
		} else if (!strcmp(flag, "verbose"))
			opt.verbose = true;
		else if (!strcmp(flag, "timeout"))
			opt.timeout_s = number(argv[i], argv[i + 1]), i++;
		else if (!strcmp(flag, "jitter"))
			opt.jitter = true;
		else if (!strcmp(flag, "parallel"))
			opt.parallel = number(argv[i], argv[i + 1]), i++;
		else if (!strcmp(flag, "rate"))
			opt.rate = number(argv[i], argv[i + 1]), i++;
		else if (!strcmp(flag, "fetches"))
			opt.fetches = number(argv[i], argv[i + 1]), i++;
		else if (!strcmp(flag, "seconds"))
			opt.seconds = number(argv[i], argv[i + 1]), i++;
		else if (!strcmp(flag, "sip"))
			die("%s: -sip (source addresses) is not supported", argv[i]);
		else if (!strcmp(flag, "proxy")) {
			if (i + 1 >= argc)
				die("%s needs host:port", argv[i]);
			opt.proxy = argv[++i];
		} else if (!strcmp(flag, "keepalive"))
			opt.keepalive = true;
		else if (!strcmp(flag, "percentiles"))
			opt.percentiles = true;
		else if (!strcmp(flag, "csv"))
			opt.csv = true;
		else if (!strcmp(flag, "version")) {
			printf("http_load %s\n", VERSION);
			exit(0);
		} else if (!strcmp(flag, "help")) {
			help();
			exit(0);
		}
		/* clang-format on */
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
	limit = fdlimit_raise();
	limit = (limit < 0 ? 1024 : limit > INT_MAX ? INT_MAX : limit) - HEADROOM_FDS;
	check_range("parallel", opt.parallel, 0, limit);
	check_range("rate", opt.rate, 0, MAX_RATE);
	check_range("fetches", opt.fetches, 0, LONG_MAX);
	check_range("seconds", opt.seconds, 0, MAX_SECONDS);
	check_range("timeout", opt.timeout_s, 1, MAX_SECONDS);
	if (opt.keepalive && opt.parallel == 0)
		die("%s", "-keepalive goes with -parallel");
	conn_max = opt.parallel ? (int)opt.parallel : (int)limit;
}

/* Room for cap slots (cap > conn_cap); the new ones go on the free list,
 * lowest first. Only between fetches' steps: conns may move. */
static bool grow_slots(int cap)
{
	struct conn *grown_conns = realloc(conns, (size_t)cap * sizeof(*conns));
	int *grown_free, *grown_pending, i;
	struct waiter_event *grown_events;

	if (grown_conns == NULL)
		return false;
	conns = grown_conns;
	grown_free = realloc(free_slots, (size_t)cap * sizeof(*free_slots));
	if (grown_free == NULL)
		return false;
	free_slots = grown_free;
	grown_pending = realloc(pending_sends, (size_t)cap * sizeof(*pending_sends));
	if (grown_pending == NULL)
		return false;
	pending_sends = grown_pending;
	grown_events = realloc(ready_events, (size_t)cap * sizeof(*ready_events));
	if (grown_events == NULL)
		return false;
	ready_events = grown_events;
	memset(conns + conn_cap, 0, (size_t)(cap - conn_cap) * sizeof(*conns));
	for (i = cap - 1; i >= conn_cap; i--) {
		conns[i].fd = -1;
		free_slots[free_count++] = i;
	}
	conn_cap = cap;
	return true;
}

/* A free slot for the next start, growing the slots if none is left. */
static bool slot_available(void)
{
	if (free_count > 0)
		return true;
	if (conn_cap == conn_max)
		return false;
	return grow_slots(conn_cap > conn_max / 2 ? conn_max : conn_cap * 2);
}

/* host:port (or [v6]:port) to an address; exits on failure. */
static socklen_t resolve(const char *host, const char *port, struct sockaddr_storage *out,
			 const char *for_url)
{
	struct addrinfo hints = { 0 }, *ai;
	int rc;
	socklen_t len;

	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, port, &hints, &ai);
	if (rc != 0) {
		fprintf(stderr, "http_load: %s: unknown host %s (%s)\n", for_url, host,
			gai_strerror(rc));
		exit(1);
	}
	memcpy(out, ai->ai_addr, ai->ai_addrlen);
	len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return len;
}

/* The request for one URL, in a buffer of exactly its size: the first
 * snprintf measures, the second writes, and both must agree. */
static char *build_request(const char *target, const char *authority, int authority_len,
			   size_t *len)
{
	static const char shape[] = "GET %s %s\r\nHost: %.*s\r\nUser-Agent: http_load %s\r\n\r\n";
	const char *version = opt.keepalive ? "HTTP/1.1" : "HTTP/1.0";
	int need = snprintf(NULL, 0, shape, target, version, authority_len, authority, VERSION);
	char *request;

	if (need < 0)
		die("%s: cannot build the request", target);
	request = checked_realloc(NULL, (size_t)need + 1);
	if (snprintf(request, (size_t)need + 1, shape, target, version, authority_len, authority,
		     VERSION) != need)
		die("%s: cannot build the request", target);
	*len = (size_t)need;
	return request;
}

static void parse_url(struct url *u, const char *line)
{
	const char *p, *host, *host_end, *authority = line + 7, *path;
	char host_buf[256], port_buf[16] = "80";
	size_t host_len;

	u->text = strdup(line);
	if (u->text == NULL)
		die("%s", "out of memory");
	u->eof_body_bytes = -1;
	if (strncmp(line, "https://", 8) == 0)
		die("%s: https is not supported (no TLS here)", line);
	if (strncmp(line, "http://", 7) != 0)
		die("%s: not an http:// URL", line);
	host = p = authority;
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
	/* Host is the authority as written: host[:port], brackets kept. */
	u->request = build_request(opt.proxy ? line : path, authority, (int)(p - authority),
				   &u->request_len);
}

static void read_url_file(void)
{
	FILE *f = fopen(opt.url_file, "r");
	char line[8192];
	size_t url_cap = 0;

	if (f == NULL) {
		perror(opt.url_file);
		exit(1);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t n = strcspn(line, "\r\n");
		char *start = line;

		if (line[n] == '\0' && !feof(f))
			die("%s: a line is longer than 8191 bytes", opt.url_file);
		line[n] = '\0';
		while (*start == ' ' || *start == '\t')
			start++;
		if (*start == '\0' || *start == '#')
			continue;
		if (!grow_array(&urls, &url_cap, (size_t)url_count + 1, sizeof(*urls), 16))
			die("%s", "out of memory");
		parse_url(&urls[url_count++], start);
	}
	fclose(f);
	if (url_count == 0)
		die("%s: no URLs in this file", opt.url_file);
}

static struct url *pick_url(void)
{
	return &urls[url_count > 1 ? random() % url_count : 0];
}

/* What poll (the level-triggered waiter) should watch in this state. */
static void want_for_state(struct conn *c)
{
	unsigned events = c->state == CONNECTING || c->state == SENDING ? READY_WRITE
			  : c->paused                                   ? 0
									: READY_READ;
	waiter_want(waiter, c->fd, events);
}

static void release_conn(struct conn *c)
{
	if (c->fd >= 0) {
		waiter_forget(waiter, c->fd);
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

static void fetch_failed(struct conn *c, enum failure why, const char *detail, uint64_t now,
			 uint64_t end_ns)
{
	if (counting(now, end_ns)) {
		st.failed[why]++;
		fprintf(stderr, "%s: %s\n", c->url->text, detail);
	}
	release_conn(c);
}

/* A complete response: count it, check its body, record its latency. */
static void fetch_succeeded(struct conn *c, uint64_t now, uint64_t end_ns)
{
	struct url *u = c->url;

	if (!counting(now, end_ns))
		return;
	st.fetches++;
	st.bytes += (double)c->body_bytes;
	st.codes[c->status]++;
	if (c->status < 200 || c->status > 299)
		st.non2xx++;
	histogram_record(&st.latency, (now - (opt.rate ? c->scheduled_ns : c->started_ns)) / 1000);
	if (opt.checksum) {
		if (!u->have_checksum) {
			u->have_checksum = true;
			u->expected_checksum = c->checksum;
		} else if (c->checksum != u->expected_checksum) {
			fprintf(stderr, "%s: checksum wrong\n", u->text);
			st.bad_bytes++;
		}
	} else if (c->content_length < 0) {
		/* Without Content-Length, only the URL's earlier answers say
		 * what the length should be (the original's rule, kept for
		 * close-delimited bodies alone; a declared length is checked
		 * against itself as the body arrives). */
		if (u->eof_body_bytes < 0) {
			u->eof_body_bytes = c->body_bytes;
		} else if (c->body_bytes != u->eof_body_bytes) {
			fprintf(stderr, "%s: byte count wrong\n", u->text);
			st.bad_bytes++;
		}
	}
}

static void reset_response(struct conn *c)
{
	c->line_len = 0;
	c->line_cut = false;
	c->status = 0;
	c->server_closes = false;
	c->content_length = -1;
	c->body_bytes = 0;
	c->head_bytes = 0;
	c->checksum = 2166136261u;
	c->sent = 0;
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
static bool header_line(struct conn *c, const char *line, size_t n)
{
	if (c->status == 0) {
		/* HTTP/1.x SSS[ reason] */
		if (n < 12 || strncmp(line, "HTTP/1.", 7) != 0 || line[8] != ' ' ||
		    strspn(line + 9, "0123456789") != 3 || (n > 12 && line[12] != ' '))
			return false;
		c->status = atoi(line + 9);
		return c->status >= 100;
	}
	if (strncasecmp(line, "content-length:", 15) == 0) {
		long long v = c->line_cut ? -1 : parse_length(line + 15);
		if (v < 0 || (c->content_length >= 0 && v != c->content_length))
			return false;
		c->content_length = v;
	} else if (strncasecmp(line, "transfer-encoding:", 18) == 0) {
		return false; /* chunked bodies are not supported: we send no HTTP/1.1 in the
				 default mode */
	} else if (n > 11 && strncasecmp(line, "connection:", 11) == 0 &&
		   strstr(line + 11, "close")) {
		c->server_closes = true;
	}
	return true;
}

/* Feed received bytes: 1 when the response is complete, 0 when more is
 * needed, -1 when it cannot be framed. */
static int consume(struct conn *c, const char *p, size_t n)
{
	while (n > 0 && c->state == HEAD) {
		char ch = *p++;
		n--;
		if (++c->head_bytes > 65536)
			return -1;
		if (ch != '\n') {
			if (c->line_len < LINE_MAX_BYTES - 1)
				c->line[c->line_len++] = ch;
			else
				c->line_cut = true;
			continue;
		}
		if (c->line_len > 0 && c->line[c->line_len - 1] == '\r')
			c->line_len--;
		c->line[c->line_len] = '\0';
		if (c->line_len == 0 && c->status > 0) {
			if (c->status < 200) { /* an interim response: the real one follows */
				reset_response(c);
				continue;
			}
			c->state = BODY;
			if (c->status == 204 || c->status == 304)
				c->content_length = 0;
			/* Content-Length: 0 ends the fetch here (the original waited
			 * for a timeout on a kept-open connection). */
			if (c->content_length == 0)
				return 1;
		} else if (!header_line(c, c->line, c->line_len)) {
			return -1;
		}
		c->line_len = 0;
		c->line_cut = false;
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

/* Write what is left of the request while the socket takes it. The first
 * write of a new connection also tells whether connect() succeeded: it
 * fails with connect's error (no getsockopt(SO_ERROR) needed). */
static void send_request(struct conn *c, uint64_t now, uint64_t end_ns)
{
	while (c->can_write && (c->state == CONNECTING || c->state == SENDING)) {
		ssize_t n = write(c->fd, c->url->request + c->sent, c->url->request_len - c->sent);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* Not yet: BSD and macOS say ENOTCONN until the
			 * handshake is done, Linux EAGAIN. */
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    (errno == ENOTCONN && c->state == CONNECTING)) {
				c->can_write = false;
				return;
			}
			fetch_failed(c, c->state == CONNECTING ? FAIL_CONNECT : FAIL_WRITE,
				     strerror(errno), now, end_ns);
			return;
		}
		if (c->state == CONNECTING) {
			ms_add(&st.connect, (double)(now - c->started_ns) / 1e6);
			c->state = SENDING;
		}
		c->sent += (size_t)n;
		c->last_io_ns = now;
		if (c->sent == c->url->request_len) {
			c->sent_ns = now;
			c->state = HEAD;
			want_for_state(c);
			return;
		}
		c->can_write =
		    false; /* a short write: the socket buffer is full until the next edge */
	}
}

static void receive(struct conn *c, uint64_t now, uint64_t end_ns);

static void response_complete(struct conn *c, uint64_t now, uint64_t end_ns)
{
	fetch_succeeded(c, now, end_ns);
	if (opt.keepalive && !c->server_closes && c->content_length >= 0 &&
	    more_fetches_wanted(now, end_ns)) {
		/* Reuse the connection: the next fetch starts now. */
		reset_response(c);
		c->url = pick_url();
		c->started_ns = c->scheduled_ns = now;
		st.started++;
		c->state = SENDING;
		want_for_state(c);
		/* Sent after the whole batch of events has been read, as wrk
		 * does: the server then finds many requests per wake-up rather
		 * than one at a time. */
		pending_sends[pending_count++] = (int)(c - conns);
		return;
	}
	release_conn(c);
}

static void send_pending(uint64_t now, uint64_t end_ns)
{
	int i;

	for (i = 0; i < pending_count; i++) {
		struct conn *c = &conns[pending_sends[i]];
		if (c->state == SENDING)
			send_request(c, now, end_ns);
	}
	pending_count = 0;
}

/* The server closed the connection: the end of a body without
 * Content-Length, or a failure. */
static void on_eof(struct conn *c, uint64_t now, uint64_t end_ns)
{
	char why[96];

	if (c->state == HEAD) {
		fetch_failed(c, FAIL_NO_RESPONSE,
			     c->head_bytes ? "closed in the middle of the response head"
					   : "closed before a response",
			     now, end_ns);
	} else if (c->content_length >= 0) {
		snprintf(why, sizeof(why), "body truncated: %lld of %lld bytes", c->body_bytes,
			 c->content_length);
		fetch_failed(c, FAIL_TRUNCATED, why, now, end_ns);
	} else {
		response_complete(c, now, end_ns);
	}
}

/* Read while there is something to read. A short read that completes the
 * response is trusted to have drained the socket; one that leaves it
 * incomplete is not, since an EOF that came with the data raises no new
 * edge: read on until EAGAIN. */
static void receive(struct conn *c, uint64_t now, uint64_t end_ns)
{
	static char buf[65536];

	while (c->can_read && !c->paused && (c->state == HEAD || c->state == BODY)) {
		size_t room = sizeof(buf);
		ssize_t n;
		int verdict;

		if (opt.throttle) {
			/* No faster than -throttle: at most what the elapsed
			 * time allows; pause the connection when ahead. */
			double allowed = (double)opt.throttle * (double)(now - c->sent_ns) / 1e9 -
					 (double)(c->body_bytes + c->head_bytes);
			if (allowed < 1) {
				c->paused = true;
				want_for_state(c);
				return;
			}
			if (allowed < (double)room)
				room = (size_t)allowed;
		}
		n = read(c->fd, buf, room);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				c->can_read = false;
			else
				fetch_failed(c, FAIL_READ, strerror(errno), now, end_ns);
			return;
		}
		c->last_io_ns = now;
		if (n == 0) {
			on_eof(c, now, end_ns);
			return;
		}
		if (c->head_bytes == 0 && c->status == 0)
			ms_add(&st.first_response, (double)(now - c->sent_ns) / 1e6);
		verdict = consume(c, buf, (size_t)n);
		if (verdict < 0) {
			fetch_failed(c, FAIL_BAD_RESPONSE,
				     "bad response (not HTTP/1.x, or framing we cannot follow)",
				     now, end_ns);
			return;
		}
		if (verdict > 0) {
			if ((size_t)n < room)
				c->can_read = false;
			response_complete(c, now, end_ns);
			return;
		}
	}
}

static void progress(struct conn *c, uint64_t now, uint64_t end_ns)
{
	send_request(c, now, end_ns);
	receive(c, now, end_ns);
}

static int nonblocking_socket(int family)
{
#ifdef SOCK_NONBLOCK
	return socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
#else
	/* macOS: no flags at socket(); two fcntl calls instead. */
	int fd = socket(family, SOCK_STREAM, 0);

	if (fd >= 0 && (fcntl(fd, F_SETFL, O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
#endif
}

static void start_fetch(uint64_t scheduled, uint64_t now, uint64_t end_ns)
{
	int slot = free_slots[--free_count];
	struct conn *c = &conns[slot];
	const struct sockaddr *addr;
	socklen_t addr_len;
	int rc;

	c->url = pick_url();
	reset_response(c);
	c->generation++;
	c->scheduled_ns = scheduled;
	/* Its own clock, not the turn's (now): up to START_BURST sockets
	 * start in one turn, and each one's connect time and closed-loop
	 * latency count from its own connect(). */
	c->started_ns = c->last_io_ns = now_ns();
	c->can_read = c->can_write = c->paused = false;
	c->state = CONNECTING;
	st.started++;
	if (++st.active > st.max_parallel)
		st.max_parallel = st.active;
	addr = opt.proxy ? (const struct sockaddr *)&proxy_addr
			 : (const struct sockaddr *)&c->url->addr;
	addr_len = opt.proxy ? proxy_addr_len : c->url->addr_len;
	c->fd = nonblocking_socket(addr->sa_family);
	if (c->fd < 0) {
		fetch_failed(c, FAIL_CONNECT, strerror(errno), now, end_ns);
		return;
	}
	if (opt.keepalive) {
		/* Requests go out one write each; Nagle would hold the next
		 * one back until the previous answer's ACK. */
		int one = 1;
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	rc = connect(c->fd, addr, addr_len);
	if (rc < 0 && errno != EINPROGRESS) {
		fetch_failed(c, FAIL_CONNECT, strerror(errno), now, end_ns);
		return;
	}
	if (waiter_add(waiter, c->fd, (uint64_t)c->generation << 32 | (uint32_t)slot) < 0) {
		fetch_failed(c, FAIL_CONNECT, strerror(errno), now, end_ns);
		return;
	}
	/* Over loopback the handshake has usually finished inside connect()
	 * even when it says EINPROGRESS: try the request at once, and let an
	 * edge say when to go on if it was too early. */
	c->can_write = true;
	progress(c, now_ns(), end_ns); /* the clock again, for what connect() took */
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
			/* The data that arrived while paused raised its edge
			 * already: read it now rather than wait for another. */
			c->paused = false;
			want_for_state(c);
			receive(c, now, end_ns);
		} else if (now - c->last_io_ns > timeout_ns) {
			fetch_failed(c, FAIL_TIMEOUT, "timed out", now, end_ns);
		}
	}
}

/* At the end of a -seconds run: fetches in flight, and -rate starts that
 * were due but never made, are not counted as fetches or failures; with
 * -percentiles their wait so far goes into the latency histogram, a lower
 * bound for each, so a stalled server cannot look fast. */
static void account_unfinished(uint64_t end, uint64_t start, uint64_t next_start)
{
	int i;

	for (i = 0; i < conn_cap; i++) {
		struct conn *c = &conns[i];
		if (c->state == IDLE)
			continue;
		st.unfinished++;
		histogram_record(&st.latency,
				 (end - (opt.rate ? c->scheduled_ns : c->started_ns)) / 1000);
	}
	while (opt.rate && next_start < end && more_fetches_wanted(next_start, end)) {
		st.unfinished++;
		st.started++;
		histogram_record(&st.latency, (end - next_start) / 1000);
		next_start = start + (uint64_t)((double)st.started * 1e9 / (double)opt.rate);
	}
}

static long failures(void)
{
	long total = 0;
	int i;

	for (i = 0; i < FAILURE_KINDS; i++)
		total += st.failed[i];
	return total;
}

static double quantile_ms(double q)
{
	return (double)histogram_quantile(&st.latency, q) / 1000;
}

static void report(double elapsed)
{
	int code, i;

	printf("%ld fetches, %ld max parallel, %g bytes, in %g seconds\n", st.fetches,
	       st.max_parallel, st.bytes, elapsed);
	if (st.fetches > 0)
		printf("%g mean bytes/connection\n", st.bytes / (double)st.fetches);
	if (elapsed > 0.01)
		printf("%g fetches/sec, %g bytes/sec\n", (double)st.fetches / elapsed,
		       st.bytes / elapsed);
	if (st.connect.count > 0)
		printf("msecs/connect: %g mean, %g max, %g min\n",
		       st.connect.sum / (double)st.connect.count, st.connect.max, st.connect.min);
	if (st.first_response.count > 0)
		printf("msecs/first-response: %g mean, %g max, %g min\n",
		       st.first_response.sum / (double)st.first_response.count,
		       st.first_response.max, st.first_response.min);
	if (st.failed[FAIL_TIMEOUT] > 0)
		printf("%ld timeouts\n", st.failed[FAIL_TIMEOUT]);
	if (st.bad_bytes > 0)
		printf("%ld bad %s\n", st.bad_bytes, opt.checksum ? "checksums" : "byte counts");
	for (i = 0; i < FAILURE_KINDS; i++)
		if (i != FAIL_TIMEOUT && st.failed[i] > 0)
			printf("%ld %s\n", st.failed[i], failure_label[i]);
	if (st.late > 0)
		printf("%ld fetches started late\n", st.late);
	printf("HTTP response codes:\n");
	for (code = 0; code < 1000; code++)
		if (st.codes[code] > 0)
			printf("  code %03d -- %ld\n", code, st.codes[code]);
	if (opt.percentiles) {
		printf("msecs/response: p50 %g, p90 %g, p99 %g, p99.9 %g, max %g\n",
		       quantile_ms(0.50), quantile_ms(0.90), quantile_ms(0.99), quantile_ms(0.999),
		       (double)st.latency.max / 1000);
		if (st.unfinished > 0)
			printf("  (%ld fetches unfinished at the end are in these at the time they "
			       "had waited: "
			       "lower bounds)\n",
			       st.unfinished);
	}
	if (opt.csv)
		printf("csv,%ld,%g,%g,%g,%g,%g,%g,%g,%g,%ld,%ld,%ld,%ld,%ld\n", st.fetches, elapsed,
		       elapsed > 0 ? (double)st.fetches / elapsed : 0,
		       elapsed > 0 ? st.bytes / elapsed : 0,
		       st.connect.count ? st.connect.sum / (double)st.connect.count : 0,
		       quantile_ms(0.50), quantile_ms(0.90), quantile_ms(0.99), quantile_ms(0.999),
		       failures() + st.non2xx + st.bad_bytes, st.failed[FAIL_TIMEOUT], failures(),
		       st.non2xx, st.unfinished);
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

static void dispatch(const struct waiter_event *ev, uint64_t now, uint64_t end_ns)
{
	uint32_t slot = (uint32_t)ev->tag;
	struct conn *c;

	if (slot >= (uint32_t)conn_cap)
		return;
	c = &conns[slot];
	/* An event for a descriptor closed earlier in this batch, whose
	 * number a new connection may already reuse, carries the old
	 * generation: drop it. */
	if (c->state == IDLE || c->generation != (uint32_t)(ev->tag >> 32))
		return;
	if (ev->events & READY_READ)
		c->can_read = true;
	if (ev->events & READY_WRITE)
		c->can_write = true;
	progress(c, now, end_ns);
}

int main(int argc, char **argv)
{
	uint64_t start, end_ns, next_start, interval_ns = 0, tick_ns, last_tick, last_progress;
	int i;

	signal(SIGPIPE, SIG_IGN);
	parse_args(argc, argv);
	if (opt.proxy)
		setup_proxy();
	read_url_file();
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());

	waiter = waiter_create(conn_max + HEADROOM_FDS + 64);
	if (!waiter || !grow_slots(opt.parallel ? conn_max : conn_max < 64 ? conn_max : 64))
		die("%s", "out of memory");

	/* Throttling resumes paused reads each tick; otherwise ticks only
	 * look for timeouts (whole seconds) and need not scan as often. */
	tick_ns = opt.throttle ? 10000000u : 100000000u;
	start = last_tick = last_progress = now_ns();
	end_ns = opt.seconds ? start + (uint64_t)opt.seconds * 1000000000u : UINT64_MAX;
	next_start = start;
	if (opt.rate)
		interval_ns = 1000000000u / (uint64_t)opt.rate;
	for (;;) {
		uint64_t now = now_ns(), wake;
		int ready, burst = 0;

		if (opt.seconds && now >= end_ns)
			break;
		if (opt.rate) {
			/* Open loop: starts follow the schedule exactly (the
			 * n-th at start + n/rate, no truncation), whatever the
			 * server does; one that has to wait for a free slot is
			 * late, and its latency counts from its scheduled time.
			 * A bounded burst: when the server falls behind,
			 * catching up must not keep us from reading answers or
			 * seeing the end. */
			while (next_start <= now && more_fetches_wanted(next_start, end_ns) &&
			       slot_available() && burst++ < START_BURST) {
				if (now - next_start > LATE_NS && counting(now, end_ns))
					st.late++;
				start_fetch(next_start, now, end_ns);
				next_start =
				    start + (uint64_t)((double)st.started * 1e9 / (double)opt.rate);
				if (opt.jitter) {
					/* -jitter: each start up to 10% of an interval early or
					 * late. */
					int64_t offset =
					    (int64_t)((double)interval_ns *
						      ((double)random() / RAND_MAX * 0.2 - 0.1));
					next_start = (uint64_t)((int64_t)next_start + offset);
				}
			}
		} else {
			while (st.active < opt.parallel && more_fetches_wanted(now, end_ns) &&
			       free_count > 0 && burst++ < START_BURST)
				start_fetch(now, now, end_ns);
		}
		if (opt.fetches && st.active == 0 && !more_fetches_wanted(now, end_ns))
			break;

		wake =
		    burst > START_BURST ? now : last_tick + tick_ns; /* more to start: no waiting */
		if (opt.rate && more_fetches_wanted(next_start, end_ns) && next_start < wake)
			wake = next_start;
		if (end_ns < wake)
			wake = end_ns;
		/* To the nanosecond (waiter.h): a wait in whole milliseconds
		 * would start scheduled fetches up to 1 ms late if rounded up,
		 * and poll the rest of each millisecond if rounded down. */
		ready = waiter_wait_ns(waiter, ready_events, conn_cap,
				       wake > now ? (int64_t)(wake - now) : 0);
		if (ready < 0 && errno != EINTR)
			die("waiting: %s", strerror(errno));
		now = now_ns();
		for (i = 0; i < ready; i++)
			dispatch(&ready_events[i], now, end_ns);
		send_pending(now, end_ns);
		if (now - last_tick >= tick_ns) {
			tick(now, end_ns);
			send_pending(now, end_ns);
			last_tick = now;
		}
		if (opt.verbose && now - last_progress >= 60000000000ull) {
			fprintf(stderr,
				"--- %g secs, %ld fetches started, %ld completed, %ld current\n",
				(double)(now - start) / 1e9, st.started, st.fetches, st.active);
			last_progress = now;
		}
	}
	if (opt.seconds)
		account_unfinished(end_ns, start, next_start);
	report((double)(now_ns() - start) / 1e9);
	/* The slots hang off globals until exit. */
	return 0;
}
