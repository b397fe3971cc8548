/*
 * loop_waiter.h - common/loop.c driven through common/waiter (waiter.h):
 * how 11_pool and 12_reuseport wait, where the waiting is not their lesson.
 * In common/waiter/loop_waiter.c, linked only into them (the Makefile).
 */
#ifndef C10K_LOOP_WAITER_H
#define C10K_LOOP_WAITER_H

#include <stdbool.h>

#include "loop.h"
#include "waiter.h"

/* A waiter for a loop's thread; exits on failure (start-up). */
struct waiter *loop_waiter_create(void);
/* The watch() for loop_create, with the waiter as its poller. */
int loop_watch_waiter(void *waiter, int fd, unsigned old, unsigned interest);
/* loop_ready for one of the waiter's events (its tag is the descriptor). */
bool loop_ready_waiter(struct loop *l, const struct waiter_event *event);

#endif
