/*
 * stats.c - process-shared atomic counters.
 */
#include "stats.h"

#include <err.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *counter_names[STAT_COUNT] = {
	"accepted", "requests", "open",    "errors",    "timeouts",
	"refused",  "yields",   "waiters", "published",
};

/* Lock-free atomics in a MAP_SHARED page work across fork(): every process
 * operates on the same physical memory. */
static _Atomic long *counters;
static const char *model_label = "unknown";
static time_t started_at;
/* 12_reuseport: a row of counters per loop thread, and which row this
 * thread adds to (-1: none). Threads only, no fork, so plain memory. */
static _Atomic long (*loop_rows)[STAT_COUNT];
static int loop_count;
static _Thread_local int current_loop = -1;

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

void stats_name(enum stat_counter which, const char *name)
{
	counter_names[which] = name;
}

const char *stats_model(void)
{
	return model_label;
}

void stats_add(enum stat_counter which, long delta)
{
	/* Relaxed: each counter is independent; nothing is ordered by it. */
	atomic_fetch_add_explicit(&counters[which], delta, memory_order_relaxed);
	if (current_loop >= 0)
		atomic_fetch_add_explicit(&loop_rows[current_loop][which], delta,
					  memory_order_relaxed);
}

long stats_get(enum stat_counter which)
{
	return atomic_load_explicit(&counters[which], memory_order_relaxed);
}

void stats_split_by_loop(int loops)
{
	loop_rows = calloc((size_t)loops, sizeof(*loop_rows));
	if (loop_rows == NULL)
		err(1, "per-loop counters");
	loop_count = loops;
}

void stats_enter_loop(int loop)
{
	current_loop = loop;
}

/* One line: "loop 0: accepted 12, requests 40, open 2, ..."; 0 if it
 * does not fit. */
static size_t format_loop(char *line, size_t cap, int loop)
{
	const char *separator = " ";
	int i, n = snprintf(line, cap, "loop %d:", loop);
	size_t used = n < 0 ? cap : (size_t)n;

	for (i = 0; i < STAT_COUNT && used < cap; i++) {
		if (counter_names[i] == NULL)
			continue;
		n = snprintf(line + used, cap - used, "%s%s %ld", separator, counter_names[i],
			     atomic_load_explicit(&loop_rows[loop][i], memory_order_relaxed));
		used = n < 0 ? cap : used + (size_t)n;
		separator = ", ";
	}
	return used < cap ? used : 0;
}

/* Each loop's line while they fit (leaving room to say how many did not). */
static size_t format_loops(char *out, size_t used, size_t cap)
{
	char line[STAT_COUNT * 40];
	int loop;

	for (loop = 0; loop < loop_count; loop++) {
		size_t len = format_loop(line, sizeof(line), loop);

		if (len == 0 || len + 1 + 40 > cap - used)
			break;
		memcpy(out + used, line, len);
		out[used + len] = '\n';
		used += len + 1;
	}
	if (loop < loop_count) {
		int n =
		    snprintf(out + used, cap - used, "loops_not_shown: %d\n", loop_count - loop);
		if (n > 0 && (size_t)n < cap - used)
			used += (size_t)n;
	}
	return used;
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
		if (counter_names[i] == NULL)
			continue;
		n = snprintf(out + used, cap - used, "%s: %ld\n", counter_names[i],
			     stats_get((enum stat_counter)i));
		if (n < 0 || (size_t)n >= cap - used)
			return 0;
		used += (size_t)n;
	}
	return loop_count > 0 ? format_loops(out, used, cap) : used;
}

void stats_print_summary(void)
{
	fprintf(stderr,
		"%s stopped after %lds: accepted %ld, requests %ld, errors %ld, "
		"timeouts %ld, refused %ld\n",
		model_label, (long)(time(NULL) - started_at), stats_get(STAT_ACCEPTED),
		stats_get(STAT_REQUESTS), stats_get(STAT_ERRORS), stats_get(STAT_TIMEOUTS),
		stats_get(STAT_REFUSED));
}

/* Appends decimal digits by hand: snprintf is not async-signal-safe. */
static size_t append_number(char *out, size_t at, long value)
{
	char digits[24];
	size_t n = 0;
	unsigned long v = value < 0 ? 0UL - (unsigned long)value : (unsigned long)value;

	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	if (value < 0)
		out[at++] = '-';
	while (n > 0)
		out[at++] = digits[--n];
	return at;
}

static size_t append_text(char *out, size_t at, size_t cap, const char *text)
{
	size_t len = strlen(text);

	if (len > cap - at)
		len = cap - at;
	memcpy(out + at, text, len);
	return at + len;
}

void stats_write_report(int fd)
{
	/* Room for the label and every counter: a name and at most 20 digits. */
	char line[128 + STAT_COUNT * 40];
	size_t at = 0;
	ssize_t ignored;
	int i;

	at = append_text(line, at, 128, model_label);
	for (i = 0; i < STAT_COUNT; i++) {
		if (counter_names[i] == NULL)
			continue;
		at = append_text(line, at, sizeof(line) - 24, i == 0 ? ": " : ", ");
		at = append_text(line, at, sizeof(line) - 24, counter_names[i]);
		at = append_text(line, at, sizeof(line) - 24, " ");
		at = append_number(line, at, stats_get((enum stat_counter)i));
	}
	line[at++] = '\n';
	ignored = write(fd, line, at);
	(void)ignored;
}
