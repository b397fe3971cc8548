/*
 * queue.c - 11_pool's three queue designs alone, one producer thread and
 * one consumer thread, no sockets: how many messages a second each can
 * hand over, and how long a message waits between push and pop.
 *
 *   mutex  one shared list, a mutex, a condition variable the consumer
 *          sleeps on when the list is empty (signalled only then);
 *   batch  the producer appends to a private list with no lock and splices
 *          it into the shared one every BATCH messages; the consumer swaps
 *          the whole shared list out in one locked step (article 002's
 *          "multi-queue buffering");
 *   ring   11_pool/ring.h, lock-free single producer, single consumer;
 *          a side that finds it full or empty yields the CPU and looks
 *          again (the queue alone: 11_pool adds sleeping to that).
 *
 * All three carry the same messages (list links in an array of
 * RING_SLOTS, reused in turn) and hold at most RING_SLOTS in flight: the
 * producer waits for the consumer beyond that, as the ring must, so no
 * design wins by queueing without bound. Every 64th message carries the
 * time it was pushed; the consumer measures its wait.
 *
 * Usage: build/bin/queue [MESSAGES]   (default 10,000,000; one line per design)
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../11_pool/ring.h"
#include "list.h"

#define BATCH 32
#define SAMPLE_EVERY 64

enum design { MUTEX, BATCH_SPLICE, RING };
static const char *const design_names[] = { "mutex", "batch", "ring" };

/* A cache line each, as 11_pool's connections are apart in memory: two
 * messages sharing a line would have the producer writing one while the
 * consumer reads the other, and every design would pay for it. */
struct message {
	_Alignas(CACHE_LINE) struct list_link link; /* mutex and batch */
	uint64_t seq;
};

static struct message messages[RING_SLOTS];
static uint64_t total;
static uint64_t *pushed_at; /* ns, one per SAMPLE_EVERY messages */
static uint64_t *waited;    /* ns, the consumer's measurements */

static struct {
	pthread_mutex_t lock;
	pthread_cond_t ready;
	bool consumer_waiting;
	struct list items;
} shared = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, { NULL, NULL } };
static struct ring the_ring;
/* Messages the consumer has finished with: the producer reuses a slot
 * only after this has passed it (acquire pairs with the consumer's
 * release). */
static _Atomic uint64_t consumed;

/* A side that finds the ring full or empty polls again a few hundred
 * times before it gives its CPU away: the other side is usually running
 * on the other core and about to make room, and sched_yield() is a
 * system call that costs more than many messages. */
static void wait_a_little(unsigned *polls)
{
	if (++*polls % 256 == 0)
		sched_yield();
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void publish(struct list *batch)
{
	pthread_mutex_lock(&shared.lock);
	list_splice(&shared.items, batch);
	if (shared.consumer_waiting)
		pthread_cond_signal(&shared.ready);
	pthread_mutex_unlock(&shared.lock);
}

static void produce(enum design d)
{
	struct list held = { NULL, NULL };
	uint64_t seq;

	for (seq = 0; seq < total; seq++) {
		struct message *m = &messages[seq % RING_SLOTS];

		while (seq - atomic_load_explicit(&consumed, memory_order_acquire) >= RING_SLOTS) {
			if (d == BATCH_SPLICE && held.head != NULL)
				publish(&held); /* or the consumer never sees them */
			sched_yield();
		}
		m->seq = seq;
		if (seq % SAMPLE_EVERY == 0)
			pushed_at[seq / SAMPLE_EVERY] = now_ns();
		switch (d) {
		case MUTEX:
			pthread_mutex_lock(&shared.lock);
			list_push(&shared.items, &m->link);
			if (shared.consumer_waiting)
				pthread_cond_signal(&shared.ready);
			pthread_mutex_unlock(&shared.lock);
			break;
		case BATCH_SPLICE:
			list_push(&held, &m->link); /* no lock: only we see it */
			if (seq % BATCH == BATCH - 1 || seq == total - 1)
				publish(&held);
			break;
		case RING: {
			unsigned polls = 0;
			while (!ring_push(&the_ring, m))
				wait_a_little(&polls);
			break;
		}
		}
	}
}

/* Returns false if a message came out of order. */
static bool take(struct message *m, uint64_t *expected)
{
	if (m->seq != *expected)
		return false;
	if (m->seq % SAMPLE_EVERY == 0)
		waited[m->seq / SAMPLE_EVERY] = now_ns() - pushed_at[m->seq / SAMPLE_EVERY];
	/* Told in steps of 64: one shared cache line written per message
	 * would cost more than some of the queues being measured. */
	if (++*expected % SAMPLE_EVERY == 0 || *expected == total)
		atomic_store_explicit(&consumed, *expected, memory_order_release);
	return true;
}

static void *consume(void *arg)
{
	enum design d = *(enum design *)arg;
	uint64_t expected = 0;
	struct list mine = { NULL, NULL };
	struct list_link *link;
	struct message *m;
	unsigned polls = 0;

	while (expected < total) {
		if (d == RING) {
			if ((m = ring_pop(&the_ring)) == NULL)
				wait_a_little(&polls);
			else if (!take(m, &expected))
				return "out of order";
			continue;
		}
		pthread_mutex_lock(&shared.lock);
		while (shared.items.head == NULL) {
			shared.consumer_waiting = true;
			pthread_cond_wait(&shared.ready, &shared.lock);
			shared.consumer_waiting = false;
		}
		if (d == BATCH_SPLICE)
			list_splice(&mine, &shared.items);
		else
			list_push(&mine, list_pop(&shared.items));
		pthread_mutex_unlock(&shared.lock);
		while ((link = list_pop(&mine)) != NULL)
			if (!take((struct message *)((char *)link - offsetof(struct message, link)),
				  &expected))
				return "out of order";
	}
	return NULL;
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int run(enum design d)
{
	size_t samples = (size_t)((total + SAMPLE_EVERY - 1) / SAMPLE_EVERY);
	pthread_t consumer;
	uint64_t start, elapsed;
	void *failure;

	atomic_store(&consumed, 0);
	memset(&the_ring, 0, sizeof(the_ring));
	start = now_ns();
	errno = pthread_create(&consumer, NULL, consume, &d);
	if (errno != 0) {
		perror("pthread_create");
		return 1;
	}
	produce(d);
	pthread_join(consumer, &failure);
	elapsed = now_ns() - start;
	if (failure != NULL) {
		fprintf(stderr, "%s: %s\n", design_names[d], (const char *)failure);
		return 1;
	}
	qsort(waited, samples, sizeof(*waited), by_value);
	printf("%-6s %14.0f %12.1f %12.1f\n", design_names[d],
	       (double)total * 1e9 / (double)elapsed, (double)waited[samples / 2] / 1000,
	       (double)waited[samples * 99 / 100] / 1000);
	return 0;
}

int main(int argc, char **argv)
{
	int d, rc = 0;

	total = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000u;
	if (total == 0) {
		fprintf(stderr, "usage: queue [MESSAGES]\n");
		return 2;
	}
	pushed_at = calloc((size_t)(total / SAMPLE_EVERY + 1), sizeof(*pushed_at));
	waited = calloc((size_t)(total / SAMPLE_EVERY + 1), sizeof(*waited));
	if (pushed_at == NULL || waited == NULL) {
		perror("calloc");
		return 1;
	}
	printf("# %llu messages, one producer and one consumer thread, at most %d in flight\n",
	       (unsigned long long)total, RING_SLOTS);
	printf("%-6s %14s %12s %12s\n", "queue", "messages/s", "median us", "p99 us");
	for (d = MUTEX; d <= RING; d++)
		rc |= run((enum design)d);
	return rc;
}
