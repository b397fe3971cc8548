/*
 * test_ring.c - 11_pool's lock-free ring (11_pool/ring.h), as TAP.
 *
 * One producer thread and one consumer thread, millions of numbered
 * messages through one ring: each must arrive once, in order, whatever the
 * interleaving. `make tsan` runs this too, so a missing acquire or release
 * is a reported data race on the slot, not a rare wrong number.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "../../11_pool/ring.h"

#define MESSAGES 4000000u

static struct ring shared_ring;
static unsigned long full_seen, empty_seen;

/* Message n is the pointer value n (from 1: NULL means "empty"). */
static void *produce(void *unused)
{
	uintptr_t n;

	(void)unused;
	for (n = 1; n <= MESSAGES; n++)
		while (!ring_push(&shared_ring, (void *)n)) {
			full_seen++;
			sched_yield(); /* two cores, other work: let the consumer run */
		}
	return NULL;
}

static void fill_and_drain(void)
{
	static struct ring r;
	char why[128] = "";
	uintptr_t n;
	int ok = ring_empty(&r) && ring_pop(&r) == NULL;

	for (n = 1; ok && n <= RING_SLOTS; n++)
		ok = ring_push(&r, (void *)n);
	if (ok && ring_push(&r, (void *)n))
		snprintf(why, sizeof(why), "a push past %d slots succeeded", RING_SLOTS), ok = 0;
	for (n = 1; ok && n <= RING_SLOTS; n++) {
		uintptr_t got = (uintptr_t)ring_pop(&r);
		if (got != n)
			snprintf(why, sizeof(why), "popped %lu, expected %lu", (unsigned long)got,
				 (unsigned long)n),
			    ok = 0;
	}
	if (ok && !ring_empty(&r))
		snprintf(why, sizeof(why), "not empty after popping everything"), ok = 0;
	report(ok, "a full ring refuses the next push and gives back every slot in order",
	       why[0] ? why : "empty ring misreported");
}

int main(void)
{
	uintptr_t expected = 1, got;
	char why[128] = "";
	pthread_t producer;
	int rc;

	printf("1..2\n");
	fill_and_drain();
	rc = pthread_create(&producer, NULL, produce, NULL);
	if (rc != 0) {
		printf("Bail out! pthread_create: %s\n", strerror(rc));
		return 1;
	}
	while (expected <= MESSAGES) {
		got = (uintptr_t)ring_pop(&shared_ring);
		if (got == 0) {
			empty_seen++;
			sched_yield();
			continue;
		}
		if (got != expected) {
			snprintf(why, sizeof(why), "message %lu arrived where %lu was due",
				 (unsigned long)got, (unsigned long)expected);
			break;
		}
		expected++;
	}
	pthread_join(producer, NULL);
	if (why[0] == '\0' && ring_pop(&shared_ring) != NULL)
		snprintf(why, sizeof(why), "a message after the last one");
	report(why[0] == '\0', "two threads: 4,000,000 messages, each once and in order", why);
	printf("# the producer found the ring full %lu times, the consumer empty %lu times\n",
	       full_seen, empty_seen);
	return tap_failures != 0;
}
