/* histogram.c - see histogram.h. */
#include "histogram.h"

static unsigned bucket_of(uint64_t v)
{
	unsigned msb, shift;

	if (v < HISTOGRAM_SUB)
		return (unsigned)v;
	msb = 63u - (unsigned)__builtin_clzll(v);
	shift = msb - HISTOGRAM_SUB_BITS;
	/* (v >> shift) is in [SUB, 2*SUB): its low bits pick the sub-bucket. */
	return (shift + 1) * HISTOGRAM_SUB + (unsigned)((v >> shift) - HISTOGRAM_SUB);
}

static uint64_t upper_edge(unsigned bucket)
{
	unsigned shift;

	if (bucket < HISTOGRAM_SUB)
		return bucket;
	shift = bucket / HISTOGRAM_SUB - 1;
	return (((uint64_t)(bucket % HISTOGRAM_SUB + HISTOGRAM_SUB) + 1) << shift) - 1;
}

void histogram_record(struct histogram *h, uint64_t value)
{
	h->counts[bucket_of(value)]++;
	h->total++;
	if (value > h->max)
		h->max = value;
}

uint64_t histogram_quantile(const struct histogram *h, double q)
{
	uint64_t rank, seen = 0;
	unsigned i;

	if (h->total == 0)
		return 0;
	rank = (uint64_t)(q * (double)h->total + 0.5);
	if (rank < 1)
		rank = 1;
	for (i = 0; i < HISTOGRAM_BUCKETS; i++) {
		seen += h->counts[i];
		if (seen >= rank) {
			uint64_t edge = upper_edge(i);
			return edge < h->max ? edge : h->max;
		}
	}
	return h->max;
}
