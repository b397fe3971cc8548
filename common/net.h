/*
 * net.h - socket chores every model shares: the listening socket, accepting
 * (with EMFILE handled), socket options. How a server is told to stop:
 * signals.h.
 */
#ifndef C10K_NET_H
#define C10K_NET_H

#include <stdbool.h>
#include <stddef.h>

/* Bind and listen on addr:port (IPv4 or IPv6, via getaddrinfo), with
 * SO_REUSEADDR, FD_CLOEXEC and, if asked, O_NONBLOCK. Writes the bound
 * address ("127.0.0.1:8080", "[::1]:8080") into name. Exits on failure:
 * a server that cannot listen has nothing to do. */
int net_listen(const char *addr, const char *port, int backlog, bool nonblocking, char *name,
	       size_t name_cap);
/* 12_reuseport: sockets listened on from now on get SO_REUSEPORT (on:
 * true), so that several can be bound to one address and port. */
void net_share_port(bool on);
/* Another listening socket on listen_fd's address and port (after
 * net_share_port). Returns -1 with errno on failure. */
int net_listen_again(int listen_fd, int backlog, bool nonblocking);

/*
 * Accept one connection, made non-blocking if asked, FD_CLOEXEC.
 * Returns its descriptor, or -1 with errno:
 *   EAGAIN        nothing is pending (non-blocking listener), or we are out
 *                 of descriptors and nobody is waiting to be shed
 *   ECONNABORTED  a connection was dropped (reset while queued, or closed
 *                 at once because we are out of descriptors): call again
 *   EINTR         a stop was requested
 *   other         unexpected; logged, and we paused briefly so a caller
 *                 that retries cannot spin
 */
int net_accept(int listen_fd, bool nonblocking);
/* -E, for the lesson only: on EMFILE, net_accept just reports EAGAIN, as a
 * naive server would, and the connection it cannot take stays queued. A
 * loop woken by that pending connection then spins (docs/exercises.md 7). */
void net_drop_emfile_defence(void);

/* Turn Nagle's algorithm off (see conn.c for when that matters). */
void net_set_nodelay(int fd);
/* Whether close() now is as good as a lingering close: nothing unread in
 * the kernel's receive queue (close() would send RST) and every byte sent
 * acknowledged by the peer (so a RST that a late byte from the client
 * brings cannot destroy any of it). False where the system cannot say
 * (only Linux has SIOCOUTQ): the caller then lingers. */
bool net_close_is_clean(int fd);
/* SO_RCVTIMEO and SO_SNDTIMEO: how blocking models time out idle clients. */
int net_set_timeouts(int fd, unsigned rcv_ms, unsigned snd_ms);

#endif
