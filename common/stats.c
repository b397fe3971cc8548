/*
 * stats.c - process-shared atomic counters.
 */
#include "stats.h"

#include <err.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>

static const char *const counter_names[STAT_COUNT] = {
	"accepted", "requests", "open", "errors", "timeouts", "refused",
};

/* Lock-free atomics in a MAP_SHARED page work across fork(): every process
 * operates on the same physical memory. */
static _Atomic long *counters;
static const char *model_label = "unknown";
static time_t started_at;

void stats_init(const char *label)
{
	void *page = mmap(NULL, sizeof(_Atomic long) * STAT_COUNT, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (page == MAP_FAILED)
		err(1, "mmap for shared counters");
	counters = page;
	model_label = label;
	started_at = time(NULL);
}

const char *stats_model(void)
{
	return model_label;
}

void stats_add(enum stat_counter which, long delta)
{
	/* Relaxed: each counter is independent; nothing is ordered by it. */
	atomic_fetch_add_explicit(&counters[which], delta, memory_order_relaxed);
}

long stats_get(enum stat_counter which)
{
	return atomic_load_explicit(&counters[which], memory_order_relaxed);
}

size_t stats_format(char *out, size_t cap)
{
	size_t used;
	int n, i;

	n = snprintf(out, cap, "model: %s\nuptime_seconds: %ld\n", model_label,
		     (long)(time(NULL) - started_at));
	if (n < 0 || (size_t)n >= cap)
		return 0;
	used = (size_t)n;
	for (i = 0; i < STAT_COUNT; i++) {
		n = snprintf(out + used, cap - used, "%s: %ld\n", counter_names[i],
			     stats_get((enum stat_counter)i));
		if (n < 0 || (size_t)n >= cap - used)
			return 0;
		used += (size_t)n;
	}
	return used;
}

void stats_print_summary(void)
{
	fprintf(stderr, "%s stopped after %lds: accepted %ld, requests %ld, errors %ld, "
			"timeouts %ld, refused %ld\n",
		model_label, (long)(time(NULL) - started_at), stats_get(STAT_ACCEPTED),
		stats_get(STAT_REQUESTS), stats_get(STAT_ERRORS), stats_get(STAT_TIMEOUTS),
		stats_get(STAT_REFUSED));
}
