/*
 * test_kevent.c - the kevent() change semantics 07_kqueue relies on, as TAP.
 * On Linux it runs against 07_kqueue/linux/kqueue_epoll.c, elsewhere against
 * the kernel's kqueue: the layer must behave as the real thing does.
 *
 * What 07_kqueue's flush_changes needs: with EV_RECEIPT, a batch in which
 * one change fails still applies the others, and each change answers for
 * itself (EV_ERROR, data = errno or 0). What `07_kqueue -e` needs, and the
 * lesson shows: EV_CLEAR reports a filter when it becomes true, and bytes
 * left unread make no second event (where a level-triggered filter reports
 * them on every call); EV_ONESHOT deletes its filter as the event is
 * returned.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/event.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

static const struct timespec no_wait = { 0, 0 };

/* One registration change, and whether it worked (errno set if not). */
static int change(int kq, int fd, short filter, unsigned short flags)
{
	struct kevent c;

	EV_SET(&c, fd, filter, flags, 0, 0, NULL);
	return kevent(kq, &c, 1, NULL, 0, NULL);
}

/* The events ready now, at most room of them, into out. */
static int ready_now(int kq, struct kevent *out, int room)
{
	return kevent(kq, NULL, 0, out, room, &no_wait);
}

/* Level-triggered, EV_CLEAR and EV_ONESHOT on one pipe each. */
static void triggering(void)
{
	struct kevent out[4];
	char why[256];
	int p[2], kq = kqueue(), n1, n2, n3;
	bool ok;

	if (kq < 0 || pipe(p) < 0 || write(p[1], "ab", 2) != 2) {
		printf("Bail out! kqueue, pipe or write: %s\n", strerror(errno));
		return;
	}
	change(kq, p[0], EVFILT_READ, EV_ADD);
	n1 = ready_now(kq, out, 4);
	n2 = ready_now(kq, out, 4);
	snprintf(why, sizeof(why), "%d, then %d events", n1, n2);
	report(n1 == 1 && n2 == 1, "level-triggered: bytes left unread are reported on every call",
	       why);
	close(kq);

	kq = kqueue();
	change(kq, p[0], EVFILT_READ, EV_ADD | EV_CLEAR);
	n1 = ready_now(kq, out, 4);
	ok = n1 == 1 && out[0].ident == (uintptr_t)p[0] && out[0].filter == EVFILT_READ;
	n2 = ready_now(kq, out, 4);
	snprintf(why, sizeof(why), "%d, then %d events", n1, n2);
	report(ok && n2 == 0, "EV_CLEAR: reported once; the bytes left unread make no second event",
	       why);
	if (write(p[1], "c", 1) != 1)
		return;
	n3 = ready_now(kq, out, 4);
	snprintf(why, sizeof(why), "%d events after one more byte", n3);
	report(n3 == 1 && out[0].ident == (uintptr_t)p[0],
	       "EV_CLEAR: a byte that arrives later makes a new event", why);
	close(kq);

	kq = kqueue();
	change(kq, p[0], EVFILT_READ, EV_ADD | EV_ONESHOT);
	n1 = ready_now(kq, out, 4);
	if (write(p[1], "d", 1) != 1)
		return;
	n2 = ready_now(kq, out, 4);
	snprintf(why, sizeof(why), "%d, then %d events", n1, n2);
	report(n1 == 1 && n2 == 0, "EV_ONESHOT: reported once, whatever arrives after", why);
	errno = 0;
	n3 = change(kq, p[0], EVFILT_READ, EV_DELETE);
	snprintf(why, sizeof(why), "EV_DELETE returned %d (%s)", n3, strerror(errno));
	report(n3 < 0 && errno == ENOENT,
	       "EV_ONESHOT: the filter is gone once its event is returned", why);
	change(kq, p[0], EVFILT_READ, EV_ADD);
	n1 = ready_now(kq, out, 4);
	snprintf(why, sizeof(why), "%d events", n1);
	report(n1 == 1, "EV_ONESHOT: added again, it reports again", why);
	close(kq);
	close(p[0]);
	close(p[1]);
}

/* A socket both readable and writable, both filters EV_CLEAR, and a list
 * with room for one event: an edge is told once, so the other filter's
 * must come with the next call, not be lost. */
static void edge_with_little_room(void)
{
	struct kevent out[2];
	char why[256];
	int sv[2], kq = kqueue(), n1, n2, n3;
	short first = 0, second = 0;

	if (kq < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 || write(sv[1], "x", 1) != 1) {
		printf("Bail out! kqueue, socketpair or write: %s\n", strerror(errno));
		return;
	}
	change(kq, sv[0], EVFILT_READ, EV_ADD | EV_CLEAR);
	change(kq, sv[0], EVFILT_WRITE, EV_ADD | EV_CLEAR);
	n1 = ready_now(kq, out, 1);
	if (n1 == 1)
		first = out[0].filter;
	n2 = ready_now(kq, out, 1);
	if (n2 == 1)
		second = out[0].filter;
	n3 = ready_now(kq, out, 2);
	snprintf(why, sizeof(why), "%d, %d, then %d events (filters %d, %d)", n1, n2, n3, first,
		 second);
	report(n1 == 1 && n2 == 1 && n3 == 0 && first != second &&
		   (first == EVFILT_READ || first == EVFILT_WRITE) &&
		   (second == EVFILT_READ || second == EVFILT_WRITE),
	       "EV_CLEAR, a list of one: both filters' events come, one per call, none twice", why);
#ifdef KQUEUE_IMPLEMENTATION
	/* The layer on epoll only: EPOLLET is per descriptor. */
	errno = 0;
	n1 = change(kq, sv[1], EVFILT_READ, EV_ADD);
	n2 = change(kq, sv[1], EVFILT_WRITE, EV_ADD | EV_CLEAR);
	snprintf(why, sizeof(why), "%d, then %d (%s)", n1, n2, strerror(errno));
	report(n1 == 0 && n2 < 0 && errno == EINVAL,
	       "on epoll: one descriptor's filters are EV_CLEAR or not, a mix is refused", why);
#endif
	close(kq);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	struct kevent changes[3], out[3];
	int a[2], b[2], c[2], kq, n;
	char why[256] = "";
	int ok;

#ifdef KQUEUE_IMPLEMENTATION
	printf("1..11\n");
#else
	printf("1..10\n");
#endif
	kq = kqueue();
	if (kq < 0 || pipe(a) < 0 || pipe(b) < 0 || pipe(c) < 0) {
		printf("Bail out! kqueue or pipe: %s\n", strerror(errno));
		return 1;
	}
	/* The middle change deletes a filter never added: ENOENT. */
	EV_SET(&changes[0], a[0], EVFILT_READ, EV_ADD | EV_RECEIPT, 0, 0, NULL);
	EV_SET(&changes[1], b[0], EVFILT_READ, EV_DELETE | EV_RECEIPT, 0, 0, NULL);
	EV_SET(&changes[2], c[0], EVFILT_READ, EV_ADD | EV_RECEIPT, 0, 0, NULL);
	n = kevent(kq, changes, 3, out, 3, &no_wait);
	ok = n == 3;
	for (int i = 0; ok && i < 3; i++)
		ok = out[i].ident == changes[i].ident && (out[i].flags & EV_ERROR);
	snprintf(why, sizeof(why), "kevent returned %d", n);
	report(ok, "EV_RECEIPT: one answer per change, each with EV_ERROR", why);

	ok = n == 3 && out[0].data == 0 && out[1].data == ENOENT && out[2].data == 0;
	snprintf(why, sizeof(why), "data %ld %ld %ld", n == 3 ? (long)out[0].data : -1L,
		 n == 3 ? (long)out[1].data : -1L, n == 3 ? (long)out[2].data : -1L);
	report(ok, "EV_RECEIPT: 0 for the changes that worked, ENOENT for the one that failed",
	       why);

	/* The change after the failed one was applied: c's read end reports. */
	if (write(c[1], "x", 1) != 1)
		return 1;
	n = kevent(kq, NULL, 0, out, 3, &no_wait);
	ok = n == 1 && out[0].ident == (uintptr_t)c[0] && out[0].filter == EVFILT_READ;
	snprintf(why, sizeof(why), "kevent returned %d events", n);
	report(ok, "a failed change does not cost the changes after it", why);
	triggering();
	edge_with_little_room();
	return tap_failures ? 1 : 0;
}
