/*
 * log.c - rate-limited warnings.
 */
#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

static const char *label = "server";
static bool quiet;

void log_init(const char *model_label, bool be_quiet)
{
	label = model_label;
	quiet = be_quiet;
}

static void vlog(const char *fmt, va_list ap, long suppressed)
{
	char line[512];

	vsnprintf(line, sizeof(line), fmt, ap);
	/* One fprintf per line: stderr is unbuffered, and threads or child
	 * processes writing at once should not interleave mid-line. */
	if (suppressed > 0)
		fprintf(stderr, "%s: %s (and %ld more like it)\n", label, line, suppressed);
	else
		fprintf(stderr, "%s: %s\n", label, line);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
}

void log_warn_limited(struct log_limit *limit, const char *fmt, ...)
{
	long now = (long)time(NULL);
	long last = atomic_load(&limit->last_second);
	va_list ap;

	if (quiet)
		return;
	if (last == now || !atomic_compare_exchange_strong(&limit->last_second, &last, now)) {
		atomic_fetch_add(&limit->suppressed, 1);
		return;
	}
	va_start(ap, fmt);
	vlog(fmt, ap, atomic_exchange(&limit->suppressed, 0));
	va_end(ap);
}
