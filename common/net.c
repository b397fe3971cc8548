/*
 * net.c - listening, accepting (out of descriptors too), socket options.
 */
#include "net.h"

#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/sockios.h> /* SIOCOUTQ */
#endif

#include "duration.h"
#include "fd.h"
#include "log.h"
#include "signals.h"
#include "stats.h"

/* A descriptor held back for the day accept() fails with EMFILE, and the
 * lock its shedding is done under (-1: none held now). With several
 * threads accepting (12_reuseport), the number the reserve frees can go to
 * another thread's accept() before ours, and with the table full the
 * reserve cannot be opened again: reserve_missing then asks the next
 * accept() that succeeds, on any thread, to give its descriptor back for
 * it (give_back_for_reserve). An atomic load per accept otherwise. */
static pthread_mutex_t reserve_lock = PTHREAD_MUTEX_INITIALIZER;
static int reserve_fd = -1;
static atomic_bool reserve_missing;
/* Off with -E, to show what the defence is for (shed_one_connection). */
static bool emfile_defence = true;
/* On for 12_reuseport only (net_share_port). */
static bool share_port;

static void describe_address(const struct sockaddr_storage *ss, char *name, size_t cap)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		port = ntohs(in6->sin6_port);
		snprintf(name, cap, "[%s]:%u", host, port);
	} else {
		const struct sockaddr_in *in4 = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &in4->sin_addr, host, sizeof(host));
		port = ntohs(in4->sin_port);
		snprintf(name, cap, "%s:%u", host, port);
	}
}

static int bind_and_listen(const struct addrinfo *ai, int backlog)
{
	int one = 1;
	int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);

	if (fd < 0)
		return -1;
	/* SO_REUSEADDR lets a restarted server bind while old connections sit
	 * in TIME_WAIT. SO_REUSEPORT only when asked (12_reuseport): any
	 * process of the same user could then bind the port too, and a stale
	 * server would silently take its share of the traffic. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0 &&
	    (!share_port || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) == 0) &&
	    bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, backlog) == 0)
		return fd;
	close(fd);
	return -1;
}

/* Under reserve_lock: hold a reserve descriptor again if one can be had. */
static void take_reserve(void)
{
	if (reserve_fd < 0) {
		reserve_fd = open("/dev/null", O_RDONLY);
		if (reserve_fd >= 0 && fd_set_cloexec(reserve_fd) < 0) {
			close(reserve_fd);
			reserve_fd = -1;
		}
	}
	atomic_store(&reserve_missing, reserve_fd < 0);
}

/* accept() gave us fd while the reserve is missing: its number was (or is
 * as good as) the one the reserve gave up, and the table is full. The
 * connection is shed, as the reserve would have shed it, and its number
 * becomes the reserve again. Returns true if fd was used so. */
static bool give_back_for_reserve(int fd)
{
	bool shed = false;

	pthread_mutex_lock(&reserve_lock);
	if (reserve_fd < 0) {
		close(fd);
		stats_add(STAT_REFUSED, 1);
		shed = true;
		take_reserve();
	}
	pthread_mutex_unlock(&reserve_lock);
	return shed;
}

int net_listen(const char *addr, const char *port, int backlog, bool nonblocking, char *name,
	       size_t name_cap)
{
	struct addrinfo hints = { 0 }, *list, *ai;
	struct sockaddr_storage bound;
	socklen_t bound_len = sizeof(bound);
	int fd = -1, rc, saved_errno = 0;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(addr, port, &hints, &list);
	if (rc != 0)
		errx(1, "cannot resolve %s port %s: %s", addr, port, gai_strerror(rc));
	for (ai = list; ai != NULL && fd < 0; ai = ai->ai_next) {
		fd = bind_and_listen(ai, backlog);
		if (fd < 0)
			saved_errno = errno;
	}
	freeaddrinfo(list);
	if (fd < 0) {
		errno = saved_errno;
		err(1, "cannot listen on %s port %s", addr, port);
	}
	if (fd_set_cloexec(fd) < 0 || (nonblocking && fd_set_nonblocking(fd) < 0))
		err(1, "fcntl on the listening socket");
	if (getsockname(fd, (struct sockaddr *)&bound, &bound_len) < 0)
		err(1, "getsockname");
	describe_address(&bound, name, name_cap);
	pthread_mutex_lock(&reserve_lock);
	take_reserve();
	rc = reserve_fd;
	pthread_mutex_unlock(&reserve_lock);
	if (rc < 0)
		err(1, "opening the reserve descriptor");
	return fd;
}

void net_share_port(bool on)
{
	share_port = on;
}

int net_listen_again(int listen_fd, int backlog, bool nonblocking)
{
	struct sockaddr_storage bound;
	socklen_t bound_len = sizeof(bound);
	struct addrinfo ai = { 0 };
	int fd;

	if (getsockname(listen_fd, (struct sockaddr *)&bound, &bound_len) < 0)
		return -1;
	ai.ai_family = bound.ss_family;
	ai.ai_socktype = SOCK_STREAM;
	ai.ai_addr = (struct sockaddr *)&bound;
	ai.ai_addrlen = bound_len;
	fd = bind_and_listen(&ai, backlog);
	if (fd >= 0 && (fd_set_cloexec(fd) < 0 || (nonblocking && fd_set_nonblocking(fd) < 0))) {
		close(fd);
		return -1;
	}
	return fd;
}

static void pause_briefly(void)
{
	struct timespec ten_ms = { 0, 10 * 1000 * 1000 };

	nanosleep(&ten_ms, NULL);
}

/*
 * Out of descriptors. The pending connection stays queued, so a
 * level-triggered loop would be woken for it forever at 100% CPU, and a
 * blocking accept would fail again at once. libuv's answer: give back the
 * reserve descriptor, accept the connection with it, close it (the client
 * sees its connection end instead of hanging), take the reserve again.
 *
 * Only if one is pending: Linux's accept() reports EMFILE before it looks at
 * the queue, so we also get here with nothing waiting. A blocking accept()
 * with the reserve given back would then sleep until the next client came
 * -- long after descriptors were free again -- and shed that innocent one.
 */
static bool shed_one_connection(int listen_fd, bool nonblocking)
{
	static struct log_limit limit;
	struct pollfd pending = { listen_fd, POLLIN, 0 };
	bool someone_waits = poll(&pending, 1, 0) == 1, shed = false;

	if (!someone_waits) {
		/* An event loop just waits for readiness again; a blocking
		 * accept loop would spin, so it sleeps a little. */
		if (!nonblocking)
			pause_briefly();
		return false;
	}
	log_warn_limited(&limit, "accept: %s; closing new connections until descriptors free up",
			 strerror(EMFILE));
	/* One shedder at a time: the reserve is one descriptor. */
	pthread_mutex_lock(&reserve_lock);
	/* Missing since last time? A descriptor may have freed up since. */
	take_reserve();
	if (reserve_fd >= 0) {
		int fd;

		/* Said before the number is free, so that an accept() on
		 * another thread that gets it also sees this. */
		atomic_store(&reserve_missing, true);
		close(reserve_fd);
		reserve_fd = -1;
		fd = accept(listen_fd, NULL, NULL);
		if (fd >= 0) {
			close(fd);
			stats_add(STAT_REFUSED, 1);
			shed = true;
		}
		/* Fails (EMFILE) if another thread's accept() took the number
		 * between our close() and our accept(): that thread gives it
		 * back (give_back_for_reserve). */
		take_reserve();
	}
	pthread_mutex_unlock(&reserve_lock);
	/* No reserve to be had now, or the connection went to another
	 * thread: back off a little, as Go's accept loop does. */
	if (!shed)
		pause_briefly();
	return shed;
}

static void tune_connection(int fd)
{
#ifdef SO_NOSIGPIPE
	int one = 1;

	/* macOS/BSD: no SIGPIPE from this socket even if a library resets the
	 * disposition. Linux has no such option; SIG_IGN covers it there. */
	setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof(one));
#else
	(void)fd;
#endif
}

bool net_close_is_clean(int fd)
{
#ifdef SIOCOUTQ
	int unread = 0, unacknowledged = 0;

	return ioctl(fd, FIONREAD, &unread) == 0 && unread == 0 &&
	       ioctl(fd, SIOCOUTQ, &unacknowledged) == 0 && unacknowledged == 0;
#else
	(void)fd;
	return false;
#endif
}

void net_set_nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static int accept_with_flags(int listen_fd, bool nonblocking)
{
#ifdef SOCK_NONBLOCK
	/* Linux: flags in the same call, two fcntl() calls fewer per connection. */
	return accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0));
#else
	int fd = accept(listen_fd, NULL, NULL);
	int flags;

	if (fd < 0)
		return -1;
	/* BSD accept() copies O_NONBLOCK from the listener; set it as asked. */
	flags = fcntl(fd, F_GETFL);
	if (fd_set_cloexec(fd) < 0 || flags < 0 ||
	    fcntl(fd, F_SETFL, nonblocking ? flags | O_NONBLOCK : flags & ~O_NONBLOCK) < 0) {
		close(fd);
		errno = ECONNABORTED;
		return -1;
	}
	return fd;
#endif
}

/* A blocking accept() cannot see a stop signal that arrived just before
 * it: the handler has already run, and accept() would block until the next
 * client. The handler also writes to the wake pipe, so waiting in poll()
 * on the listening socket and the pipe together closes that window. */
static bool wait_for_client(int listen_fd)
{
	struct pollfd fds[2] = { { listen_fd, POLLIN, 0 }, { signals_wake_fd(), POLLIN, 0 } };

	while (poll(fds, fds[1].fd >= 0 ? 2 : 1, -1) < 0) {
		if (errno != EINTR)
			return true; /* let accept() itself say what is wrong */
		if (signals_stop_requested())
			return false;
	}
	return !signals_stop_requested();
}

int net_accept(int listen_fd, bool nonblocking)
{
	static struct log_limit limit;

	for (;;) {
		int fd;

		if (!nonblocking && !wait_for_client(listen_fd)) {
			errno = EINTR;
			return -1;
		}
		fd = accept_with_flags(listen_fd, nonblocking);

		if (fd >= 0 && atomic_load(&reserve_missing) && give_back_for_reserve(fd)) {
			errno = ECONNABORTED; /* shed: call again for the next */
			return -1;
		}
		if (fd >= 0) {
			tune_connection(fd);
			return fd;
		}
		switch (errno) {
		case EINTR:
			if (signals_stop_requested())
				return -1;
			continue;
		case EAGAIN:
#if EWOULDBLOCK != EAGAIN
		case EWOULDBLOCK:
#endif
			return -1;
		case ECONNABORTED:
		case EPROTO:
			errno = ECONNABORTED;
			return -1;
		case EMFILE:
		case ENFILE:
			if (!emfile_defence) {
				/* The naive answer: "nothing to accept now". The
				 * connection stays queued, the listener stays
				 * readable, and the loop is back here at once. */
				errno = EAGAIN;
				return -1;
			}
			/* One shed: call again for the next. None waiting: as
			 * good as an empty queue, or a loop that keeps calling
			 * while accept() "makes progress" would spin. */
			errno = shed_one_connection(listen_fd, nonblocking) ? ECONNABORTED : EAGAIN;
			return -1;
		default:
			/* ENOBUFS, ENOMEM, EPERM (a firewall): not ours to fix. */
			log_warn_limited(&limit, "accept: %s", strerror(errno));
			pause_briefly();
			return -1;
		}
	}
}

void net_drop_emfile_defence(void)
{
	emfile_defence = false;
}

int net_set_timeouts(int fd, unsigned rcv_ms, unsigned snd_ms)
{
	struct timeval rcv = duration_timeval_ms(rcv_ms), snd = duration_timeval_ms(snd_ms);

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &rcv, sizeof(rcv)) < 0)
		return -1;
	return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &snd, sizeof(snd));
}
