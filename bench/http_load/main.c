/*
 * main.c - http_load, a clean-room load generator, command-line and output
 * compatible with ACME Labs' http_load (09Mar2016), written from its manual
 * and observed behaviour, with the original's known defects fixed (no
 * FD_SETSIZE limit, exact -rate pacing, IPv6, empty/CRLF url files,
 * Content-Length: 0, failures counted as fetches) and extensions behind
 * extra flags (-keepalive, -percentiles, -csv, -version, -help).
 *
 * A fetch is counted only when a complete, well-framed response arrived.
 * Every other ending is a failure, counted by its cause. Per fetch, in the
 * default mode, the system calls are socket, connect, one registration
 * with the waiter, write, read and close (bench/README.md shows strace).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http_load.h"

/* At the end of a -seconds run: fetches in flight, and -rate starts that
 * were due but never made, are not counted as fetches or failures; with
 * -percentiles their wait so far goes into the latency histogram, a lower
 * bound for each, so a stalled server cannot look fast. A fetch started
 * at or after the end (the last burst of starts can run past it) has not
 * waited inside the run: it is neither unfinished nor a latency (end - start
 * would wrap to 1.8e13 ms). */
static void account_unfinished(uint64_t next_start)
{
	int i;

	for (i = 0; i < run.fetch_cap; i++) {
		struct fetch *f = &run.fetches[i];
		uint64_t since = run.opt.rate ? f->scheduled_ns : f->started_ns;

		if (f->state == IDLE || since >= run.end_ns)
			continue;
		run.st.unfinished++;
		histogram_record(&run.st.latency, (run.end_ns - since) / 1000);
	}
	while (run.opt.rate && next_start < run.end_ns && more_fetches_wanted(next_start)) {
		run.st.unfinished++;
		run.st.started++;
		histogram_record(&run.st.latency, (run.end_ns - next_start) / 1000);
		next_start =
		    run.start_ns + (uint64_t)((double)run.st.started * 1e9 / (double)run.opt.rate);
	}
}

int main(int argc, char **argv)
{
	uint64_t next_start, interval_ns = 0, tick_ns, last_tick, last_progress;
	int i;

	signal(SIGPIPE, SIG_IGN);
	parse_args(argc, argv);
	if (run.opt.proxy)
		setup_proxy();
	read_url_file();
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());

	run.waiter = waiter_create(run.fetch_max + HEADROOM_FDS + 64);
	if (!run.waiter || !grow_slots(run.opt.parallel     ? run.fetch_max
				       : run.fetch_max < 64 ? run.fetch_max
							    : 64))
		die("%s", "out of memory");

	/* Throttling resumes paused reads each tick; otherwise ticks only
	 * look for timeouts (whole seconds) and need not scan as often. */
	tick_ns = run.opt.throttle ? 10000000u : 100000000u;
	run.start_ns = last_tick = last_progress = now_ns();
	run.end_ns =
	    run.opt.seconds ? run.start_ns + (uint64_t)run.opt.seconds * 1000000000u : UINT64_MAX;
	next_start = run.start_ns;
	if (run.opt.rate)
		interval_ns = 1000000000u / (uint64_t)run.opt.rate;
	for (;;) {
		uint64_t now = now_ns(), wake;
		int ready, burst = 0;

		if (run.opt.seconds && now >= run.end_ns)
			break;
		if (run.opt.rate) {
			/* Open loop: starts follow the schedule exactly (the
			 * n-th at start + n/rate, no truncation), whatever the
			 * server does; one that has to wait for a free slot is
			 * late, and its latency counts from its scheduled time.
			 * A bounded burst: when the server falls behind,
			 * catching up must not keep us from reading answers or
			 * seeing the end. */
			while (next_start <= now && more_fetches_wanted(next_start) &&
			       slot_available() && burst++ < START_BURST) {
				if (now - next_start > LATE_NS && counting(now))
					run.st.late++;
				start_fetch(next_start, now);
				next_start = run.start_ns + (uint64_t)((double)run.st.started *
								       1e9 / (double)run.opt.rate);
				if (run.opt.jitter) {
					/* -jitter: each start up to 10% of an interval early or
					 * late. */
					int64_t offset =
					    (int64_t)((double)interval_ns *
						      ((double)random() / RAND_MAX * 0.2 - 0.1));
					next_start = (uint64_t)((int64_t)next_start + offset);
				}
			}
		} else {
			while (run.st.active < run.opt.parallel && more_fetches_wanted(now) &&
			       run.free_count > 0 && burst++ < START_BURST)
				start_fetch(now, now);
		}
		if (run.opt.fetches && run.st.active == 0 && !more_fetches_wanted(now))
			break;

		wake =
		    burst > START_BURST ? now : last_tick + tick_ns; /* more to start: no waiting */
		/* The next scheduled start, if a slot can take it: with every
		 * slot in flight (the descriptor limit) a start that is due
		 * waits for an event or a tick to free one, not a zero timeout
		 * that would spin until then. */
		if (run.opt.rate && more_fetches_wanted(next_start) && next_start < wake &&
		    (run.free_count > 0 || run.fetch_cap < run.fetch_max))
			wake = next_start;
		if (run.end_ns < wake)
			wake = run.end_ns;
		/* To the nanosecond (waiter.h): a wait in whole milliseconds
		 * would start scheduled fetches up to 1 ms late if rounded up,
		 * and poll the rest of each millisecond if rounded down. */
		ready = waiter_wait_ns(run.waiter, run.ready_events, run.fetch_cap,
				       wake > now ? (int64_t)(wake - now) : 0);
		if (ready < 0 && errno != EINTR)
			die("waiting: %s", strerror(errno));
		now = now_ns();
		for (i = 0; i < ready; i++)
			dispatch(&run.ready_events[i], now);
		send_pending(now);
		if (now - last_tick >= tick_ns) {
			tick(now);
			send_pending(now);
			last_tick = now;
		}
		if (run.opt.verbose && now - last_progress >= 60000000000ull) {
			fprintf(stderr,
				"--- %g secs, %ld fetches started, %ld completed, %ld current\n",
				(double)(now - run.start_ns) / 1e9, run.st.started, run.st.fetches,
				run.st.active);
			last_progress = now;
		}
	}
	if (run.opt.seconds)
		account_unfinished(next_start);
	report((double)(now_ns() - run.start_ns) / 1e9);
	/* The slots hang off globals until exit. */
	return 0;
}
