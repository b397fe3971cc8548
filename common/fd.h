/*
 * fd.h - flags of a descriptor, whatever it is: close-on-exec, so a
 * server's sockets do not leak into what it might run, and non-blocking,
 * for anything an event loop waits on.
 */
#ifndef C10K_FD_H
#define C10K_FD_H

int fd_set_cloexec(int fd);
int fd_set_nonblocking(int fd);
/* A pipe with both ends non-blocking and close-on-exec: a wake-up pipe
 * (the self-pipe trick), which must never block its writer, a signal
 * handler or another thread. -1 with errno on failure. */
int fd_pipe(int fds[2]);

#endif
