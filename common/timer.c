/*
 * timer.c - the deadline heap. Classic array heap: children of i are 2i+1
 * and 2i+2.
 */
#include "timer.h"

#include <err.h>
#include <limits.h>
#include <stdlib.h>
#include <time.h>

#include "grow.h"

uint64_t timer_now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		err(1, "clock_gettime");
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void place(struct timer_heap *h, size_t i, struct timer *t)
{
	h->items[i] = t;
	t->slot = i + 1;
}

static void sift_up(struct timer_heap *h, size_t i)
{
	struct timer *t = h->items[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (h->items[parent]->when_ms <= t->when_ms)
			break;
		place(h, i, h->items[parent]);
		i = parent;
	}
	place(h, i, t);
}

static void sift_down(struct timer_heap *h, size_t i)
{
	struct timer *t = h->items[i];

	for (;;) {
		size_t child = 2 * i + 1;
		if (child >= h->len)
			break;
		if (child + 1 < h->len && h->items[child + 1]->when_ms < h->items[child]->when_ms)
			child++;
		if (t->when_ms <= h->items[child]->when_ms)
			break;
		place(h, i, h->items[child]);
		i = child;
	}
	place(h, i, t);
}

int timer_schedule(struct timer_heap *h, struct timer *t, uint64_t when_ms)
{
	if (t->slot != 0) {
		uint64_t before = t->when_ms;
		t->when_ms = when_ms;
		if (when_ms < before)
			sift_up(h, t->slot - 1);
		else
			sift_down(h, t->slot - 1);
		return 0;
	}
	if (!grow_array(&h->items, &h->cap, h->len + 1, sizeof(*h->items), 64))
		return -1;
	t->when_ms = when_ms;
	place(h, h->len++, t);
	sift_up(h, h->len - 1);
	return 0;
}

void timer_cancel(struct timer_heap *h, struct timer *t)
{
	size_t i;
	struct timer *last;

	if (t->slot == 0)
		return;
	i = t->slot - 1;
	t->slot = 0;
	last = h->items[--h->len];
	if (i == h->len)
		return;
	place(h, i, last);
	/* The moved timer may belong above or below its new slot. */
	sift_up(h, i);
	sift_down(h, last->slot - 1);
}

struct timer *timer_first(const struct timer_heap *h)
{
	return h->len ? h->items[0] : NULL;
}

int timer_wait_ms(const struct timer_heap *h)
{
	struct timer *first = timer_first(h);
	uint64_t now;

	if (first == NULL)
		return -1;
	now = timer_now_ms();
	if (first->when_ms <= now)
		return 0;
	return first->when_ms - now > INT_MAX ? INT_MAX : (int)(first->when_ms - now);
}

void timer_heap_free(struct timer_heap *h)
{
	free(h->items);
	h->items = NULL;
	h->len = h->cap = 0;
}
