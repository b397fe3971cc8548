/*
 * duration.h - a span of time, counted in one unit, as the structure or
 * count a system call takes: nanosleep, kevent, ppoll and
 * io_uring_wait_cqe_timeout take a struct timespec, select and
 * SO_RCVTIMEO a struct timeval, poll and epoll_wait whole milliseconds.
 * Each conversion was written out by hand at each call before; here once.
 * A negative span (-1: wait for ever) is the caller's to handle: these
 * take 0 or more.
 */
#ifndef C10K_DURATION_H
#define C10K_DURATION_H

#include <stdint.h>
#include <sys/time.h>
#include <time.h>

static inline struct timespec duration_timespec_ns(int64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000), (long)(ns % 1000000000) };

	return ts;
}

static inline struct timespec duration_timespec_us(int64_t us)
{
	return duration_timespec_ns(us * 1000);
}

static inline struct timespec duration_timespec_ms(int64_t ms)
{
	return duration_timespec_ns(ms * 1000000);
}

static inline struct timeval duration_timeval_ms(int64_t ms)
{
	struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 };

	return tv;
}

/* Nanoseconds as the whole milliseconds poll() and epoll_wait() take,
 * rounded up (a wait cut short would return before the deadline and spin
 * on it); -1 (for ever) stays -1. */
static inline int duration_ms_rounded_up(int64_t ns)
{
	int64_t ms = ns < 0 ? -1 : (ns + 999999) / 1000000;

	return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

#endif
