/*
 * ring.h - a lock-free ring for one producer thread and one consumer
 * thread (11_pool's -Q ring; article 002's lock-free queue), in C11
 * atomics. Header-only so that tests/unit/test_ring.c checks the very
 * code 11_pool runs.
 *
 * The producer alone writes `tail`, the consumer alone `head`; each only
 * reads the other's. The release store of an index publishes what it
 * covers (the slot written before it, or the slot freed); the acquire load
 * on the other side makes that visible. No lock, no read-modify-write:
 * with one producer and one consumer, plain loads and stores of two
 * counters are enough. The counters only grow (a size_t does not wrap in
 * practice); a slot is counter % RING_SLOTS.
 *
 * Each side also keeps, on its own cache line, the other's index as it
 * last read it, and reads the real one only when that copy says full (or
 * empty). Reading the other side's line costs a transfer between cores
 * each time it has changed; with the copy, a producer that is ahead reads
 * it once per ring's worth of messages instead of once per message.
 */
#ifndef C10K_RING_H
#define C10K_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/* Room per ring: more than the requests one worker can usefully have
 * waiting (pool.c relies on it). */
#define RING_SLOTS 1024
/* Keeps the producer's and the consumer's index on their own cache lines:
 * two cores writing one line take turns owning it (false sharing). */
#define CACHE_LINE 64

struct ring {
	_Alignas(CACHE_LINE) _Atomic size_t head; /* the consumer's line */
	size_t tail_seen;
	_Alignas(CACHE_LINE) _Atomic size_t tail; /* the producer's line */
	size_t head_seen;
	_Alignas(CACHE_LINE) void *slot[RING_SLOTS];
};

/* Producer only. False when full: nothing is written. */
static inline bool ring_push(struct ring *r, void *item)
{
	size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);

	if (tail - r->head_seen == RING_SLOTS) {
		r->head_seen = atomic_load_explicit(&r->head, memory_order_acquire);
		if (tail - r->head_seen == RING_SLOTS)
			return false;
	}
	r->slot[tail % RING_SLOTS] = item;
	atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
	return true;
}

/* Consumer only. NULL when empty. */
static inline void *ring_pop(struct ring *r)
{
	size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	void *item;

	if (head == r->tail_seen) {
		r->tail_seen = atomic_load_explicit(&r->tail, memory_order_acquire);
		if (head == r->tail_seen)
			return NULL;
	}
	item = r->slot[head % RING_SLOTS];
	atomic_store_explicit(&r->head, head + 1, memory_order_release);
	return item;
}

/* Consumer only: nothing to pop now. The fresh index, sequentially
 * consistent: a consumer decides with it whether to sleep, just after
 * setting a seq_cst "I am going to sleep" flag, while the producer pushes
 * and then reads that flag (11_pool: run_ring, pool_before_wait). An
 * acquire load could be ordered before the flag's store, and then both
 * sides would miss each other. */
static inline bool ring_empty(struct ring *r)
{
	return atomic_load_explicit(&r->head, memory_order_relaxed) ==
	       atomic_load_explicit(&r->tail, memory_order_seq_cst);
}

#endif
