/*
 * histogram.h - a fixed-memory latency histogram, HdrHistogram-style:
 * values (microseconds) below 128 are exact; above, each power of two is
 * split into 128 linear sub-buckets, so any value is recorded within 1/128
 * (< 0.8%). ~7,400 counters, 58 KiB, whatever the run length.
 */
#ifndef C10K_HISTOGRAM_H
#define C10K_HISTOGRAM_H

#include <stdint.h>

#define HISTOGRAM_SUB_BITS 7
#define HISTOGRAM_SUB (1u << HISTOGRAM_SUB_BITS)
#define HISTOGRAM_BUCKETS ((64 - HISTOGRAM_SUB_BITS + 1) * HISTOGRAM_SUB)

struct histogram {
	uint64_t counts[HISTOGRAM_BUCKETS];
	uint64_t total, max;
};

void histogram_record(struct histogram *h, uint64_t value);
/* The value at quantile q (0..1): the upper edge of its bucket, capped at
 * the maximum recorded. 0 when empty. */
uint64_t histogram_quantile(const struct histogram *h, double q);

#endif
