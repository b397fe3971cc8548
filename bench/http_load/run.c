/*
 * run.c - the one run this process makes (struct run, http_load.h), and
 * the helpers every part calls: the clock, dying with a message, memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "http_load.h"

struct run run = { .opt = { .timeout_s = 60 } };

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "http_load: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(1);
}

void *checked_realloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (p == NULL)
		die("%s", "out of memory");
	return p;
}
