/*
 * conn_blocking.h - driving a connection (conn.h) on a blocking socket:
 * the whole server loop for one client of 01_blocking, 02_fork and
 * 03_thread, where "want read" simply means the next read() blocks.
 */
#ifndef C10K_CONN_BLOCKING_H
#define C10K_CONN_BLOCKING_H

/* Serve the client on fd until it leaves or times out (idle_ms), then
 * close it. */
void conn_serve_blocking(int fd, unsigned idle_ms);

#endif
