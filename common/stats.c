/*
 * stats.c - process-shared atomic counters.
 */
#include "stats.h"

#include <err.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/mman.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *counter_names[STAT_COUNT] = {
	"accepted", "requests", "open", "errors", "timeouts", "refused", "yields",
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
		if (counter_names[i] == NULL)
			continue;
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
