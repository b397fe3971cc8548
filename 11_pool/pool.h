/*
 * pool.h - 11_pool's worker threads and the queues between them and the
 * event loop, in the three designs of article 002 (-Q):
 *
 *   mutex  one shared queue each way, a mutex and a condition variable;
 *   batch  the article's "multi-queue buffering": the loop appends to a
 *          private list without a lock and splices it into the shared one
 *          once per loop turn; a worker swaps the whole shared list out
 *          under the lock and runs all of it;
 *   ring   one lock-free single-producer, single-consumer ring per worker
 *          in each direction (C11 atomics, acquire/release).
 *
 * Only the loop's thread calls these, except where it says otherwise.
 * Workers run conn_run_handler() and nothing else: they never touch a
 * socket. Finished connections come back through pool_take_done(); the
 * loop learns that there are some through one descriptor (pool_wake_fd),
 * written only when the loop is asleep or about to be (pool_before_wait).
 */
#ifndef C10K_POOL_H
#define C10K_POOL_H

#include <stdbool.h>

#include "conn.h"

enum pool_queue { POOL_MUTEX, POOL_BATCH, POOL_RING };

struct pool;

/* Start `workers` threads; exits on failure (start-up). */
struct pool *pool_start(enum pool_queue queue, int workers);
/* The descriptor to watch for "finished work is waiting". */
int pool_wake_fd(const struct pool *p);
/* Give a parsed request to the workers. */
void pool_submit(struct pool *p, struct conn *c);
/* Once per loop turn, before waiting: hand over what was held back (batch:
 * the private list; ring: requests that found every ring full) and say the
 * loop is about to sleep. Returns false if finished work is already
 * waiting, so the loop must not sleep. */
bool pool_before_wait(struct pool *p);
/* The loop is awake again; woken: the wait reported pool_wake_fd. */
void pool_after_wait(struct pool *p, bool woken);
/* Up to max finished connections; 0 when none is left. */
int pool_take_done(struct pool *p, struct conn **out, int max);
/* Let the workers finish the handler they are running, then join them.
 * Work still queued is dropped: its connections stay with the loop. */
void pool_stop(struct pool *p);

#endif
