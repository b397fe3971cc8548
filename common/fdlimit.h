/*
 * fdlimit.h - raise the descriptor limit: every server, the load generator
 * and the test client want as many connections as the system allows.
 */
#ifndef C10K_FDLIMIT_H
#define C10K_FDLIMIT_H

/* Raise the soft RLIMIT_NOFILE towards the hard one. Returns the soft limit
 * in force afterwards (capped at 10,000,000), or -1 if it cannot be read. */
long fdlimit_raise(void);

#endif
