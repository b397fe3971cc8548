/*
 * fd.c - flags of a descriptor. See fd.h.
 */
#include "fd.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int fd_set_cloexec(int fd)
{
	int flags = fcntl(fd, F_GETFD);

	return flags < 0 ? -1 : fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

int fd_set_nonblocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

int fd_pipe(int fds[2])
{
	int i, saved;

	/* pipe2() would do it in one call, but it is not in POSIX before
	 * 2024 and macOS lacks it. */
	if (pipe(fds) < 0)
		return -1;
	for (i = 0; i < 2; i++)
		if (fd_set_cloexec(fds[i]) < 0 || fd_set_nonblocking(fds[i]) < 0)
			goto fail;
	return 0;
fail:
	saved = errno;
	close(fds[0]);
	close(fds[1]);
	errno = saved;
	return -1;
}
