/*
 * timer.h - a binary min-heap of deadlines.
 *
 * Every event loop computes how long it may wait from the earliest deadline,
 * as Tornado's IOLoop does with its heap of timeouts (article 003): idle
 * connections, trickling clients and /delay all become deadlines here. A
 * struct timer is embedded in the object it times; the heap stores pointers,
 * and each timer knows its slot so moving or cancelling it is O(log n).
 */
#ifndef C10K_TIMER_H
#define C10K_TIMER_H

#include <stddef.h>
#include <stdint.h>

struct timer {
	uint64_t when_ms; /* the heap's key */
	size_t slot;      /* index + 1 in the heap; 0 when not queued */
};

struct timer_heap {
	struct timer **items;
	size_t len, cap;
};

/* Milliseconds on the monotonic clock: wall-clock jumps must not fire or
 * postpone timeouts. */
uint64_t timer_now_ms(void);

/* Queue t at when_ms, or move it there if already queued. -1 if out of memory. */
int timer_schedule(struct timer_heap *h, struct timer *t, uint64_t when_ms);
void timer_cancel(struct timer_heap *h, struct timer *t);
/* How long a wait may last: until the earliest timer (0 if it is due), or
 * -1 with none. Clamped to INT_MAX. */
int timer_wait_ms(const struct timer_heap *h);
/* The earliest timer, or NULL. */
struct timer *timer_first(const struct timer_heap *h);
void timer_heap_free(struct timer_heap *h);

#endif
