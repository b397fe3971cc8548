/*
 * conn_completion.c - the completion driver of the connection state
 * machine (10_io_uring). See conn_completion.h.
 */
#include "conn_completion.h"

#include <string.h>

#include "stats.h"

size_t conn_receive_limit(struct conn *c)
{
	if (c->state == CONN_CLOSED)
		return 0;
	/* Idle, or draining: all of the input area, and no buffer yet. */
	if (c->buf == NULL || c->state == CONN_LINGER)
		return HTTP_MAX_HEAD;
	return conn_input_room(c); /* 0: full, and ended */
}

enum conn_want conn_on_received(struct conn *c, const char *data, ssize_t n)
{
	if (n < 0) {
		/* -ECONNRESET and friends: this client is gone. */
		conn_close_for(c, STAT_ERRORS);
	} else if (n == 0 || c->state == CONN_LINGER) {
		conn_input_arrived(c, (size_t)n); /* the end, or bytes that are dropped */
	} else if (conn_input_room(c) < (size_t)n) {
		/* The loop asked for at most the limit it was given. With no
		 * room at all, conn_input_room has already ended (and counted) it. */
		if (c->state != CONN_CLOSED)
			conn_close_for(c, STAT_ERRORS);
	} else {
		memcpy(c->buf + c->in_end, data, (size_t)n);
		conn_input_arrived(c, (size_t)n);
	}
	return conn_on_event(c, 0);
}

int conn_output(struct conn *c, struct iovec iov[2])
{
	return c->state == CONN_WRITE ? conn_output_iov(c, iov) : 0;
}

enum conn_want conn_on_sent(struct conn *c, ssize_t n)
{
	if (n < 0)
		conn_close_for(c, STAT_ERRORS); /* -EPIPE, -ECONNRESET */
	else if (c->state == CONN_WRITE)
		conn_output_sent(c, (size_t)n);
	return conn_on_event(c, 0);
}
