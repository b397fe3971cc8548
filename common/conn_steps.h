/*
 * conn_steps.h - the state machine's input and output steps, for the
 * driver that does the reads and writes itself instead of the machine
 * (conn_completion.c: the kernel reads and writes for io_uring). Not for
 * the models: conn.h, conn_blocking.h and conn_completion.h are their
 * interface.
 */
#ifndef C10K_CONN_STEPS_H
#define C10K_CONN_STEPS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/uio.h>

#include "conn.h"
#include "stats.h"

/* End the connection, counted under why (STAT_ERRORS, STAT_TIMEOUTS). */
void conn_close_for(struct conn *c, enum stat_counter why);
/* Make room for input at buf + in_end (taking the buffer if it has none).
 * Returns the room, or 0 when there is none to give (no memory, or a full
 * buffer: both end the connection). */
size_t conn_input_room(struct conn *c);
/* n bytes (n > 0) landed at buf + in_end, or the client closed (n == 0). */
bool conn_input_arrived(struct conn *c, size_t n);
/* The answer's unsent part as at most two iovecs; returns their count. */
int conn_output_iov(struct conn *c, struct iovec iov[2]);
/* n bytes of the answer went. */
bool conn_output_sent(struct conn *c, size_t n);

#endif
