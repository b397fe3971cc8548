/*
 * stats.h - the counters behind GET /stats and the summary printed on exit.
 *
 * One set of counters per server, correct in every model: they live in a
 * shared anonymous mapping (so 02_fork's children update what the parent
 * reports) and are C11 atomics (so 03_thread's threads do not race).
 */
#ifndef C10K_STATS_H
#define C10K_STATS_H

#include <stddef.h>

enum stat_counter {
	STAT_ACCEPTED,  /* connections accepted */
	STAT_REQUESTS,  /* request heads parsed, good or bad */
	STAT_OPEN,      /* connections open now */
	STAT_ERRORS,    /* bad requests, I/O errors, failed fork/thread */
	STAT_TIMEOUTS,  /* connections closed for idling or trickling */
	STAT_REFUSED,   /* connections closed at once: no descriptor or slot */
	STAT_YIELDS,    /* event loops: a connection used up its work budget for
			   one event and let the others go first (conn.c) */
	STAT_WAITERS,   /* connections parked on GET /sub now (comet.h) */
	STAT_PUBLISHED, /* messages published (POST /pub) */
	/* Counters one model names for itself with stats_name() (09_sigio's
	 * signals and queue overflows, ...); unnamed ones are not shown. */
	STAT_MODEL_1,
	STAT_MODEL_2,
	STAT_MODEL_3,
	STAT_COUNT
};

/* Call once, before any fork or thread. The label is the model's name as
 * printed ("epoll", "kqueue (emulated on epoll)"). Exits on failure. */
void stats_init(const char *model_label);

/* Give one of the STAT_MODEL_* counters its name in /stats. Before any
 * fork or thread. */
void stats_name(enum stat_counter which, const char *name);

/* 12_reuseport: keep a row of counters for each of `loops` threads as well
 * as the totals, shown in /stats as "loop N: accepted ..., requests ...".
 * Call once, before the threads; each thread then calls stats_enter_loop
 * with its number, and what it adds goes to its row and the totals. */
void stats_split_by_loop(int loops);
void stats_enter_loop(int loop);

const char *stats_model(void);
void stats_add(enum stat_counter which, long delta);
long stats_get(enum stat_counter which);

/* The /stats body: "name: value" lines. Returns its length (0 if cap is too small). */
size_t stats_format(char *out, size_t cap);

/* One line on stderr: what the server did in its lifetime. */
void stats_print_summary(void);

/* The counters as one line written to fd, for `kill -USR1`. Safe to call
 * from a signal handler: no stdio, no locks, only atomic loads and one
 * write() (signal-safety(7)). */
void stats_write_report(int fd);

#endif
