/*
 * http_load.h - what the parts of bench/http_load share: the options, the
 * URLs, the fetch slots and the counts of one run, in one struct (run), and
 * the few helpers every part calls. The parts:
 *   cli.c      the command line (options.*, and the usage and help texts)
 *   url.c      the URL file: parsing, resolving, the request bytes
 *   framing.c  reading a response's head and body from bytes (no I/O)
 *   fetch.c    one fetch on one socket, from connect() to the last byte
 *   report.c   the report and the -csv line
 *   main.c     the scheduler: when fetches start, waiting, the end
 *   run.c      the run itself, and the helpers below
 */
#ifndef C10K_HTTP_LOAD_H
#define C10K_HTTP_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "framing.h"
#include "histogram.h"
#include "waiter.h"

#define VERSION "c10k-lab-1.1"
#define HEADROOM_FDS 10
#define MAX_RATE 1000000
#define MAX_SECONDS 31536000L /* a year: -seconds and -timeout in ns fit 64 bits */
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

extern const char *const failure_label[FAILURE_KINDS];

/* A fetch in flight: its socket and where its request and response are. */
enum fetch_state { IDLE, CONNECTING, SENDING, RECEIVING };

struct fetch {
	int fd;
	uint32_t generation; /* bumped per new socket: tells stale events apart */
	enum fetch_state state;
	bool can_read, can_write; /* edge-triggered readiness not yet used up */
	bool paused;              /* throttled: ahead of its byte budget */
	bool peer_closed;         /* the waiter reported the server's end of file */
	/* -parallel N: a slot is one of the N clients, for the whole run.
	 * One that started fetches and never got an answer is a client the
	 * server left waiting (a blocking server's lesson: -csv's unserved). */
	bool used, answered;
	struct url *url;
	size_t sent;
	struct response response; /* what has arrived of the answer (framing.h) */
	uint64_t scheduled_ns, started_ns, sent_ns, last_io_ns;
};

struct options {
	bool checksum, verbose, keepalive, percentiles, csv, jitter;
	long throttle; /* bytes/s per connection, 0 = unlimited */
	long timeout_s;
	long parallel, rate, fetches, seconds;
	const char *proxy;
	const char *url_file;
};

/* Mean, max and min of a series of milliseconds. */
struct ms_stats {
	double sum, max, min;
	long count;
};

struct counts {
	long fetches, started, max_parallel, active, bad_bytes, late, non2xx, unfinished;
	long failed[FAILURE_KINDS];
	double bytes;
	struct ms_stats connect, first_response;
	long codes[1000];
	struct histogram latency;
};

/* Everything that lasts as long as the run. */
struct run {
	struct options opt;
	struct counts st;
	uint64_t start_ns, end_ns; /* end_ns: UINT64_MAX without -seconds */
	struct url *urls;
	int url_count;
	/* A slot per fetch in flight. -parallel N has N from the start; -rate
	 * grows them by doubling as more are in flight at once (up to
	 * fetch_max, the descriptor limit): a slot costs ~380 bytes, and a
	 * million-descriptor limit must not cost a million of them, nor a walk
	 * over them every tick. */
	struct fetch *fetches;
	int fetch_cap, fetch_max;
	int *free_slots, free_count;
	int *pending_sends, pending_count; /* keep-alive: next requests, sent after a batch */
	struct waiter_event *ready_events; /* fetch_cap of them */
	struct waiter *waiter;
	struct sockaddr_storage proxy_addr;
	socklen_t proxy_addr_len;
};

extern struct run run;

/* run.c */
uint64_t now_ns(void);
void die(const char *fmt, const char *arg);
void *checked_realloc(void *p, size_t size);

/* cli.c */
void parse_args(int argc, char **argv);

/* url.c */
void read_url_file(void);
void setup_proxy(void);
struct url *pick_url(void);

/* fetch.c */
bool grow_slots(int cap);
bool slot_available(void);
bool counting(uint64_t now);
bool more_fetches_wanted(uint64_t now);
void start_fetch(uint64_t scheduled, uint64_t now);
void dispatch(const struct waiter_event *ev, uint64_t now);
void send_pending(uint64_t now);
void tick(uint64_t now);

/* report.c */
void ms_add(struct ms_stats *s, double ms);
void report(double elapsed);

#endif
