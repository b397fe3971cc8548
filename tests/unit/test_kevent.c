/*
 * test_kevent.c - the kevent() change semantics 07_kqueue relies on, as TAP.
 * On Linux it runs against 07_kqueue/linux/kqueue_epoll.c, elsewhere against
 * the kernel's kqueue: the layer must behave as the real thing does.
 *
 * What 07_kqueue's flush_changes needs: with EV_RECEIPT, a batch in which
 * one change fails still applies the others, and each change answers for
 * itself (EV_ERROR, data = errno or 0).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/event.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

int main(void)
{
	struct kevent changes[3], out[3];
	struct timespec no_wait = { 0, 0 };
	int a[2], b[2], c[2], kq, n;
	char why[256] = "";
	int ok;

	printf("1..3\n");
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
	return tap_failures ? 1 : 0;
}
