/*
 * conn_blocking.h - driving a connection (conn.h) on a blocking socket:
 * the whole server loop for one client of 01_blocking, 02_fork and
 * 03_thread, where "want read" simply means the next read() blocks.
 */
#ifndef C10K_CONN_BLOCKING_H
#define C10K_CONN_BLOCKING_H

#include <stdint.h>

struct conn;

/* How a parked connection (GET /sub, comet.h) waits in this model: until
 * a publish it can hear of, its deadline (c->deadline_ms), or input on its
 * socket -- or for a while, and then the driver looks at all three again.
 * A model sets its own once, before it serves anyone. The default waits
 * in poll() on the socket until the deadline: all 01_blocking can do,
 * since while its one client waits nobody else can publish. */
typedef void (*conn_park_wait_fn)(struct conn *c);
void conn_blocking_park_with(conn_park_wait_fn wait);
/* The default; also what a model's own wait uses to watch the socket for
 * up to max_ms (-1: until the deadline). */
void conn_park_wait_socket(struct conn *c, int max_ms);
/* What is left of a parked connection's wait, in ms (0: over). */
uint64_t conn_park_ms_left(const struct conn *c);

/* Serve the client on fd until it leaves or times out (idle_ms), then
 * close it. */
void conn_serve_blocking(int fd, unsigned idle_ms);

#endif
