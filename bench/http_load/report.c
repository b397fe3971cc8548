/*
 * report.c - what a run prints at its end: the original's report lines
 * (only those with something to say), then the extensions' percentiles and
 * -csv line. See http_load.h.
 */
#include <stdio.h>

#include "http_load.h"

const char *const failure_label[FAILURE_KINDS] = {
	"connection errors",   "write errors",  "read errors", "closed before a response",
	"truncated responses", "bad responses", "timeouts",
};

void ms_add(struct ms_stats *s, double ms)
{
	if (s->count == 0 || ms < s->min)
		s->min = ms;
	if (s->count == 0 || ms > s->max)
		s->max = ms;
	s->sum += ms;
	s->count++;
}

static long failures(void)
{
	long total = 0;
	int i;

	for (i = 0; i < FAILURE_KINDS; i++)
		total += run.st.failed[i];
	return total;
}

/* -parallel's clients that started fetches and never got one answered. */
static long unserved_clients(void)
{
	long n = 0;
	int i;

	for (i = 0; i < run.fetch_cap; i++)
		if (run.fetches[i].used && !run.fetches[i].answered)
			n++;
	return n;
}

static double quantile_ms(double q)
{
	return (double)histogram_quantile(&run.st.latency, q) / 1000;
}

/* A -csv field: the quantile, or nothing at all when no fetch has a
 * latency to rank (all failed, or none ran): 0 ms would be a figure that
 * did not happen. */
static void csv_quantile(double q)
{
	if (run.st.latency.total > 0)
		printf(",%g", quantile_ms(q));
	else
		printf(",");
}

void report(double elapsed)
{
	int code, i;

	printf("%ld fetches, %ld max parallel, %g bytes, in %g seconds\n", run.st.fetches,
	       run.st.max_parallel, run.st.bytes, elapsed);
	if (run.st.fetches > 0)
		printf("%g mean bytes/connection\n", run.st.bytes / (double)run.st.fetches);
	if (elapsed > 0.01)
		printf("%g fetches/sec, %g bytes/sec\n", (double)run.st.fetches / elapsed,
		       run.st.bytes / elapsed);
	if (run.st.connect.count > 0)
		printf("msecs/connect: %g mean, %g max, %g min\n",
		       run.st.connect.sum / (double)run.st.connect.count, run.st.connect.max,
		       run.st.connect.min);
	if (run.st.first_response.count > 0)
		printf("msecs/first-response: %g mean, %g max, %g min\n",
		       run.st.first_response.sum / (double)run.st.first_response.count,
		       run.st.first_response.max, run.st.first_response.min);
	if (run.st.failed[FAIL_TIMEOUT] > 0)
		printf("%ld timeouts\n", run.st.failed[FAIL_TIMEOUT]);
	if (run.st.bad_bytes > 0)
		printf("%ld bad %s\n", run.st.bad_bytes,
		       run.opt.checksum ? "checksums" : "byte counts");
	for (i = 0; i < FAILURE_KINDS; i++)
		if (i != FAIL_TIMEOUT && run.st.failed[i] > 0)
			printf("%ld %s\n", run.st.failed[i], failure_label[i]);
	if (run.st.late > 0)
		printf("%ld fetches started late\n", run.st.late);
	printf("HTTP response codes:\n");
	for (code = 0; code < 1000; code++)
		if (run.st.codes[code] > 0)
			printf("  code %03d -- %ld\n", code, run.st.codes[code]);
	if (run.opt.percentiles && run.st.latency.total == 0) {
		printf("msecs/response: no percentiles: no fetch completed or was in flight at the "
		       "end\n");
	} else if (run.opt.percentiles) {
		printf("msecs/response: p50 %g, p90 %g, p99 %g, p99.9 %g, max %g\n",
		       quantile_ms(0.50), quantile_ms(0.90), quantile_ms(0.99), quantile_ms(0.999),
		       (double)run.st.latency.max / 1000);
		if (run.st.unfinished > 0)
			printf("  (%ld fetches unfinished at the end are in these at the time they "
			       "had waited: "
			       "lower bounds)\n",
			       run.st.unfinished);
	}
	if (run.opt.csv) {
		printf("csv,%ld,%g,%g,%g,%g", run.st.fetches, elapsed,
		       elapsed > 0 ? (double)run.st.fetches / elapsed : 0,
		       elapsed > 0 ? run.st.bytes / elapsed : 0,
		       run.st.connect.count ? run.st.connect.sum / (double)run.st.connect.count
					    : 0);
		csv_quantile(0.50);
		csv_quantile(0.90);
		csv_quantile(0.99);
		csv_quantile(0.999);
		printf(",%ld,%ld,%ld,%ld,%ld,", failures() + run.st.non2xx + run.st.bad_bytes,
		       run.st.failed[FAIL_TIMEOUT], failures(), run.st.non2xx, run.st.unfinished);
		/* Under -rate a slot is no client: nothing to count. */
		if (run.opt.parallel)
			printf("%ld", unserved_clients());
		printf("\n");
	}
}
