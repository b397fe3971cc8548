/*
 * setup.h - what every server does before and after its loop: the shared
 * command line, the listening socket, signals, counters, the start-up line
 * and the summary.
 *
 *   server [-a ADDR] [-p PORT] [-b BACKLOG] [-t IDLE_SECONDS] [-C CHANNELS]
 *          [-W WAITERS] [-q] [-E] [-h] [model flags]
 */
#ifndef C10K_SETUP_H
#define C10K_SETUP_H

#include <stdbool.h>

struct server {
	const char *model; /* the label: "epoll", "kqueue (emulated on epoll)" */
	const char *addr;  /* -a, default 127.0.0.1: a lab server is not exposed by default */
	const char *port;  /* -p, default 8080; 0 picks a free port */
	int backlog;       /* -b, default SOMAXCONN */
	unsigned idle_ms;  /* -t seconds, default 30: idle and header timeout */
	bool quiet;        /* -q: no warnings (the start-up line stays) */
	int listen_fd;
};

/* A model's own flags: the getopt letters ("e1", "c:") and their usage text,
 * and a function called for each; it returns false for a bad argument. */
struct model_flags {
	const char *letters;
	const char *usage;
	bool (*handle)(int letter, const char *arg);
};

/*
 * Parse the command line, install signals, set up counters and logging,
 * listen (non-blocking if the model waits on readiness), and print
 *     MODEL listening on ADDR:PORT pid PID
 * on stderr: tests and the bench wait for exactly that line.
 */
void server_start(struct server *s, const char *model, int argc, char **argv,
		  bool nonblocking_listener, const struct model_flags *flags);

/* arg as a decimal number from min to max, all of it: true and *out, or
 * false. For the shared flags and the models' own. */
bool setup_number(const char *arg, long min, long max, long *out);

/* The number of online CPUs, from 1 to max: the default count of threads
 * for 11_pool's workers and 12_reuseport's loops. */
int setup_online_cpus(int max);

/* Close the listener and print the one-line summary. */
void server_finish(struct server *s);

#endif
