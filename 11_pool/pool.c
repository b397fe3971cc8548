/*
 * pool.c - the workers and the three queue designs behind pool.h.
 *
 * Whatever the queue, a wake-up is a system call (a futex inside
 * pthread_cond_signal, a write to the waker), so each side wakes the other
 * only when the other is asleep or about to be, never per message: a busy
 * worker or a busy loop finds the next message on its own. /stats counts
 * the wake-ups sent, both ways (wakeups).
 */
#include "pool.h"

#include <err.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"
#include "ring.h"
#include "stats.h"
#include "waker.h"

#define STAT_WAKEUPS STAT_MODEL_1
#define STAT_HANDED_OFF STAT_MODEL_2
#define STAT_HELD_BACK STAT_MODEL_3

struct worker {
	struct pool *pool;
	pthread_t thread;
	/* ring: this worker's own rings and the lock its sleep waits under */
	struct ring *to_worker, *to_loop;
	size_t out; /* ring: handed to this worker and not yet back (loop's count) */
	bool fed;   /* ring: given work this loop turn (loop's flag) */
	pthread_mutex_t sleep_lock;
	pthread_cond_t wake;
	atomic_bool sleeping;
};

struct pool {
	enum pool_queue queue;
	int nworkers;
	struct worker *workers;
	struct waker waker;
	atomic_bool loop_waiting; /* the loop is in (or going into) its wait */
	atomic_bool stopping;
	/* mutex and batch: one queue each way, under one lock */
	pthread_mutex_t lock;
	pthread_cond_t work_ready;
	int idle_workers; /* waiting on work_ready (under lock) */
	struct list to_workers, to_loop;
	/* batch: the loop's private list, spliced in once per turn */
	struct list held;
	/* ring: requests that found every ring full, and where to look next */
	struct list overflow;
	int next_worker;
};

/* A worker has put finished work where the loop will look. The fence
 * orders that store before the load of loop_waiting, as pool_before_wait
 * orders its store of loop_waiting before its look at the queues: one of
 * the two sides always sees the other, so no finished work sleeps. Only
 * the worker that swaps the flag back writes the waker. */
static void wake_loop(struct pool *p)
{
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load(&p->loop_waiting) && atomic_exchange(&p->loop_waiting, false)) {
		waker_wake(&p->waker);
		stats_add(STAT_WAKEUPS, 1);
	}
}

/* mutex and batch: wait for work under the shared lock; take one request
 * (mutex) or the whole list in one swap (batch). */
static void run_shared_queue(struct worker *w)
{
	struct pool *p = w->pool;
	struct list mine = { NULL, NULL }, done = { NULL, NULL };
	struct conn *c;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (p->to_workers.head == NULL && !atomic_load(&p->stopping)) {
			p->idle_workers++; /* so the loop knows to signal */
			pthread_cond_wait(&p->work_ready, &p->lock);
			p->idle_workers--;
		}
		if (atomic_load(&p->stopping)) {
			pthread_mutex_unlock(&p->lock);
			return;
		}
		if (p->queue == POOL_BATCH)
			list_splice(&mine, &p->to_workers);
		else
			list_push(&mine, list_pop(&p->to_workers));
		pthread_mutex_unlock(&p->lock);
		/* A batch can be long: the stop is looked at before each
		 * handler, and what is left of the batch is dropped (pool.h). */
		while (!atomic_load(&p->stopping) &&
		       (c = loop_conn_of_link(list_pop(&mine))) != NULL) {
			conn_run_handler(c);
			list_push(&done, loop_hand_off_link(c));
		}
		pthread_mutex_lock(&p->lock);
		list_splice(&p->to_loop, &done);
		pthread_mutex_unlock(&p->lock);
		wake_loop(p);
	}
}

/* ring: take from this worker's ring; sleep on its own condition variable
 * when it is empty, saying so first (sleeping) so the loop knows to signal.
 * The flag is set before the last look at the ring, under the lock the
 * loop's signal takes: a push after that look finds sleeping set. */
static void run_ring(struct worker *w)
{
	struct pool *p = w->pool;
	struct conn *c;

	for (;;) {
		/* The stop is looked at before each handler: what is still in
		 * the ring is dropped (pool.h), not run first. */
		while (!atomic_load(&p->stopping) && (c = ring_pop(w->to_worker)) != NULL) {
			conn_run_handler(c);
			/* Cannot fail: the loop never has more out with this
			 * worker than a ring holds. */
			ring_push(w->to_loop, c);
			wake_loop(p);
		}
		pthread_mutex_lock(&w->sleep_lock);
		atomic_store(&w->sleeping, true);
		while (ring_empty(w->to_worker) && !atomic_load(&p->stopping))
			pthread_cond_wait(&w->wake, &w->sleep_lock);
		atomic_store(&w->sleeping, false);
		pthread_mutex_unlock(&w->sleep_lock);
		if (atomic_load(&p->stopping))
			return;
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	if (w->pool->queue == POOL_RING)
		run_ring(w);
	else
		run_shared_queue(w);
	return NULL;
}

struct pool *pool_start(enum pool_queue queue, int nworkers)
{
	struct pool *p = calloc(1, sizeof(*p));
	sigset_t blocked, old;
	int i;

	if (p == NULL || (p->workers = calloc((size_t)nworkers, sizeof(*p->workers))) == NULL)
		err(1, "pool");
	p->queue = queue;
	p->nworkers = nworkers;
	waker_open(&p->waker);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work_ready, NULL);
	stats_name(STAT_WAKEUPS, "wakeups");
	stats_name(STAT_HANDED_OFF, "handed_off");
	if (queue == POOL_RING)
		stats_name(STAT_HELD_BACK, "held_back");
	/* Workers inherit this signal mask: stop signals go to the loop. */
	sigfillset(&blocked);
	pthread_sigmask(SIG_BLOCK, &blocked, &old);
	for (i = 0; i < nworkers; i++) {
		struct worker *w = &p->workers[i];
		w->pool = p;
		pthread_mutex_init(&w->sleep_lock, NULL);
		pthread_cond_init(&w->wake, NULL);
		if (queue == POOL_RING) {
			w->to_worker = aligned_alloc(CACHE_LINE, sizeof(struct ring));
			w->to_loop = aligned_alloc(CACHE_LINE, sizeof(struct ring));
			if (w->to_worker == NULL || w->to_loop == NULL)
				err(1, "ring");
			memset(w->to_worker, 0, sizeof(struct ring));
			memset(w->to_loop, 0, sizeof(struct ring));
		}
		errno = pthread_create(&w->thread, NULL, worker_main, w);
		if (errno != 0)
			err(1, "pthread_create");
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return p;
}

int pool_wake_fd(const struct pool *p)
{
	return p->waker.read_fd;
}

/* ring: the next worker, in turn, whose ring has room. */
static bool ring_submit(struct pool *p, struct conn *c)
{
	int tries;

	for (tries = 0; tries < p->nworkers; tries++) {
		struct worker *w = &p->workers[p->next_worker];
		p->next_worker = (p->next_worker + 1) % p->nworkers;
		if (w->out < RING_SLOTS && ring_push(w->to_worker, c)) {
			w->out++;
			w->fed = true; /* woken, if asleep, at the end of the turn */
			return true;
		}
	}
	return false;
}

void pool_submit(struct pool *p, struct conn *c)
{
	stats_add(STAT_HANDED_OFF, 1);
	switch (p->queue) {
	case POOL_MUTEX:
		pthread_mutex_lock(&p->lock);
		list_push(&p->to_workers, loop_hand_off_link(c));
		if (p->idle_workers > 0) {
			pthread_cond_signal(&p->work_ready);
			stats_add(STAT_WAKEUPS, 1);
		}
		pthread_mutex_unlock(&p->lock);
		break;
	case POOL_BATCH:
		list_push(&p->held, loop_hand_off_link(c)); /* no lock: only the loop sees it */
		break;
	case POOL_RING:
		/* Every ring full: back-pressure without loss. The request
		 * waits in the loop's own list, in order, and goes out as rings
		 * drain (pool_before_wait); its connection reads nothing more
		 * meanwhile (one request out per connection, conn.c). */
		if (p->overflow.head != NULL || !ring_submit(p, c)) {
			list_push(&p->overflow, loop_hand_off_link(c));
			stats_add(STAT_HELD_BACK, 1);
		}
		break;
	}
}

static bool done_waiting(struct pool *p)
{
	bool any = false;
	int i;

	if (p->queue != POOL_RING) {
		pthread_mutex_lock(&p->lock);
		any = p->to_loop.head != NULL;
		pthread_mutex_unlock(&p->lock);
		return any;
	}
	for (i = 0; i < p->nworkers && !any; i++)
		any = !ring_empty(p->workers[i].to_loop);
	return any;
}

/* ring: once per loop turn, not per request, wake each worker that was
 * given work and is asleep: a turn that reads twenty requests costs at
 * most one wake-up per worker (what batch does for its shared list).
 * Called after pool_before_wait's fence, which pairs with the worker's
 * flag-then-look (run_ring): either it sees the pushes, or we see it
 * asleep. */
static void wake_fed_workers(struct pool *p)
{
	int i;

	for (i = 0; i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];

		if (!w->fed)
			continue;
		w->fed = false;
		if (atomic_load(&w->sleeping)) {
			pthread_mutex_lock(&w->sleep_lock);
			pthread_cond_signal(&w->wake);
			pthread_mutex_unlock(&w->sleep_lock);
			stats_add(STAT_WAKEUPS, 1);
		}
	}
}

bool pool_before_wait(struct pool *p)
{
	struct conn *c;

	if (p->queue == POOL_BATCH && p->held.head != NULL) {
		pthread_mutex_lock(&p->lock);
		list_splice(&p->to_workers, &p->held);
		if (p->idle_workers > 0) {
			/* One worker takes the whole list: waking more would
			 * find it gone. */
			pthread_cond_signal(&p->work_ready);
			stats_add(STAT_WAKEUPS, 1);
		}
		pthread_mutex_unlock(&p->lock);
	}
	if (p->queue == POOL_RING) {
		while ((c = loop_conn_of_link(p->overflow.head)) != NULL && ring_submit(p, c))
			list_pop(&p->overflow);
	}
	atomic_store(&p->loop_waiting, true);
	/* Orders this turn's pushes and the flag before the looks below
	 * (done_waiting, and wake_fed_workers' look at each worker's). */
	atomic_thread_fence(memory_order_seq_cst);
	if (p->queue == POOL_RING)
		wake_fed_workers(p);
	return !done_waiting(p);
}

void pool_after_wait(struct pool *p, bool woken)
{
	atomic_store(&p->loop_waiting, false);
	if (woken)
		waker_drain(&p->waker);
}

int pool_take_done(struct pool *p, struct conn **out, int max)
{
	int n = 0, i;

	if (p->queue != POOL_RING) {
		pthread_mutex_lock(&p->lock);
		while (n < max && p->to_loop.head != NULL)
			out[n++] = loop_conn_of_link(list_pop(&p->to_loop));
		pthread_mutex_unlock(&p->lock);
		return n;
	}
	for (i = 0; i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];
		struct conn *c;
		while (n < max && (c = ring_pop(w->to_loop)) != NULL) {
			out[n++] = c;
			w->out--;
		}
	}
	return n;
}

void pool_stop(struct pool *p)
{
	int i;

	atomic_store(&p->stopping, true);
	pthread_mutex_lock(&p->lock);
	pthread_cond_broadcast(&p->work_ready);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];
		pthread_mutex_lock(&w->sleep_lock);
		pthread_cond_broadcast(&w->wake);
		pthread_mutex_unlock(&w->sleep_lock);
	}
	for (i = 0; i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];
		pthread_join(w->thread, NULL);
		pthread_mutex_destroy(&w->sleep_lock);
		pthread_cond_destroy(&w->wake);
		free(w->to_worker);
		free(w->to_loop);
	}
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->work_ready);
	waker_close(&p->waker);
	free(p->workers);
	free(p);
}
