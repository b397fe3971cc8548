/*
 * sys/event.h - NOT THE REAL ONE. The subset of BSD kqueue that 07_kqueue
 * uses, for Linux, implemented on epoll in ../kqueue_epoll.c. The Makefile
 * puts this directory on the include path only on Linux;
 * on macOS and the BSDs the system's <sys/event.h> is used.
 *
 * What exists: kqueue(); kevent() with EVFILT_READ and EVFILT_WRITE,
 * EV_ADD and EV_DELETE, level-triggered unless EV_CLEAR (edge-triggered:
 * a descriptor's filters are all EV_CLEAR or none, see ../kqueue_epoll.c);
 * EV_ONESHOT; EV_RECEIPT (every change answers with EV_ERROR and its
 * errno, 0 for success); EV_EOF and EV_ERROR in results; udata. What does
 * not: EV_ENABLE/EV_DISABLE, other filters (EVFILT_TIMER, EVFILT_SIGNAL...).
 * Constants have the BSD values.
 */
#ifndef C10K_KQUEUE_ON_EPOLL_H
#define C10K_KQUEUE_ON_EPOLL_H

#include <stdint.h>
#include <time.h>

#define KQUEUE_IMPLEMENTATION "kqueue (emulated on epoll)"

struct kevent {
	uintptr_t ident; /* the descriptor */
	short filter;    /* EVFILT_READ or EVFILT_WRITE */
	unsigned short flags;
	unsigned int fflags;
	intptr_t data; /* with EV_ERROR: the errno */
	void *udata;
};

#define EVFILT_READ (-1)
#define EVFILT_WRITE (-2)

#define EV_ADD 0x0001
#define EV_DELETE 0x0002
#define EV_ONESHOT 0x0010
#define EV_CLEAR 0x0020
#define EV_RECEIPT 0x0040
#define EV_ERROR 0x4000
#define EV_EOF 0x8000

#define EV_SET(kevp, a, b, c, d, e, f)                                                             \
	do {                                                                                       \
		struct kevent *ev_set_ = (kevp);                                                   \
		ev_set_->ident = (uintptr_t)(a);                                                   \
		ev_set_->filter = (short)(b);                                                      \
		ev_set_->flags = (unsigned short)(c);                                              \
		ev_set_->fflags = (unsigned int)(d);                                               \
		ev_set_->data = (intptr_t)(e);                                                     \
		ev_set_->udata = (f);                                                              \
	} while (0)

int kqueue(void);
int kevent(int kq, const struct kevent *changelist, int nchanges, struct kevent *eventlist,
	   int nevents, const struct timespec *timeout);

#endif
