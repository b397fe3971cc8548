/*
 * log.h - warnings on stderr, prefixed with the model's name.
 *
 * Per-connection trouble is logged at most once a second per kind: a flood
 * of clients must not turn into a flood of log lines (nginx and libuv log
 * EMFILE the same way).
 */
#ifndef C10K_LOG_H
#define C10K_LOG_H

#include <stdbool.h>

/* One rate limit: a static of this type at each call site. */
struct log_limit {
	_Atomic long last_second;
	_Atomic long suppressed;
};

void log_init(const char *model_label, bool quiet);
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn_limited(struct log_limit *limit, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
