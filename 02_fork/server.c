/*
 * 02_fork: a process per connection (article 002's first model; articles: docs/README.md).
 *
 * The parent only accepts and forks; the child inherits the connected socket,
 * serves it with the same blocking code as 01_blocking, and exits. Two chores
 * make or break this model:
 *   - the parent closes its copy of the connection, or the client never sees
 *     EOF and the parent runs out of descriptors;
 *   - the parent reaps every exited child with waitpid(), or each one stays
 *     a zombie in the process table.
 * /stats is answered by whichever child serves it: the counters live in a
 * shared mapping (stats.c), so every child sees everyone's numbers.
 */
#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>

#include "comet.h"
#include "conn.h"
#include "conn_blocking.h"
#include "duration.h"
#include "log.h"
#include "net.h"
#include "setup.h"
#include "signals.h"

/* -Z: leave exited children unreaped, to see the zombies pile up. */
static bool leave_zombies;

/*
 * Comet across processes. The children share no memory but what was mapped
 * shared before they were forked: the store (comet.c) and this table of
 * parked children, a slot each (pid 0: free). A child that publishes sends
 * SIGWAKE to every child parked on that channel: one kill() per waiter, a
 * signal delivery and a process switch each -- the price of a process per
 * connection when one event must reach many. A parked child keeps SIGWAKE
 * blocked except inside pselect(), which unblocks it and waits on the
 * socket in one step: a signal sent between its look at the store and its
 * wait is held, not lost.
 */
#define SIGWAKE SIGUSR2

struct parked_child {
	_Atomic pid_t pid;
	_Atomic unsigned channel;
};

/* In a shared mapping, like the store. */
struct parked_table {
	_Atomic unsigned used; /* slots ever taken: how far a publisher looks */
	unsigned count;
	struct parked_child slot[];
};

static struct parked_table *parked;

static void wake_parked_children(unsigned channel)
{
	unsigned i, n = atomic_load(&parked->used);

	for (i = 0; i < n; i++) {
		pid_t pid = atomic_load(&parked->slot[i].pid);

		if (pid != 0 && atomic_load(&parked->slot[i].channel) == channel)
			kill(pid, SIGWAKE);
	}
}

/* A slot for this child, or NULL (more children parked than -W allows:
 * comet_park refused the one past it already, so this is only a race). */
static struct parked_child *take_slot(unsigned channel)
{
	pid_t me = getpid();

	for (unsigned i = 0; i < parked->count; i++) {
		pid_t free_pid = 0;

		atomic_store(&parked->slot[i].channel, channel);
		if (atomic_compare_exchange_strong(&parked->slot[i].pid, &free_pid, me)) {
			unsigned used = atomic_load(&parked->used);

			while (used < i + 1 &&
			       !atomic_compare_exchange_weak(&parked->used, &used, i + 1))
				;
			return &parked->slot[i];
		}
	}
	return NULL;
}

/* The child's park: listed, then a look at the store, then pselect() with
 * SIGWAKE let in, until the deadline. Whatever ends it -- a publish, input
 * on the socket, the deadline, a stop -- the driver looks again. */
static void wait_for_signal(struct conn *c)
{
	struct parked_child *slot = take_slot(c->reply.park.channel);
	uint64_t left = conn_park_ms_left(c);
	sigset_t during;
	fd_set readable;

	if (slot == NULL || c->fd >= FD_SETSIZE) {
		conn_park_wait_socket(c, 100); /* cannot be signalled: look often */
		if (slot != NULL)
			atomic_store(&slot->pid, 0);
		return;
	}
	if (!comet_news(c->reply.park.channel, c->reply.park.after)) {
		struct timespec timeout = duration_timespec_ms((int64_t)left);

		sigprocmask(SIG_SETMASK, NULL, &during);
		sigdelset(&during, SIGWAKE);
		FD_ZERO(&readable);
		FD_SET(c->fd, &readable);
		/* EINTR: SIGWAKE (or a stop). */
		pselect(c->fd + 1, &readable, NULL, NULL, &timeout, &during);
	}
	atomic_store(&slot->pid, 0);
}

static void on_wake(int sig)
{
	(void)sig; /* only to end pselect() with EINTR */
}

static void wait_like_processes(void)
{
	size_t size =
	    sizeof(struct parked_table) + (size_t)comet_max_waiters() * sizeof(struct parked_child);
	struct sigaction wake = { .sa_handler = on_wake };
	sigset_t blocked;
	void *page = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (page == MAP_FAILED)
		err(1, "mmap for parked children");
	parked = page;
	parked->count = comet_max_waiters();
	sigemptyset(&wake.sa_mask);
	if (sigaction(SIGWAKE, &wake, NULL) < 0)
		err(1, "sigaction SIGUSR2");
	/* Blocked in every child from its fork on (and in the parent, which
	 * is never parked): SIGWAKE gets in only in pselect(). */
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGWAKE);
	sigprocmask(SIG_BLOCK, &blocked, NULL);
	comet_on_publish(wake_parked_children);
	conn_blocking_park_with(wait_for_signal);
}

static bool fork_flag(int letter, const char *arg)
{
	(void)arg;
	leave_zombies = letter == 'Z';
	return leave_zombies;
}

/* A child killed while parked never freed its slot: free it, before its
 * pid can be reused by a process a publisher would then signal. Atomics
 * only: this runs in the SIGCHLD handler. */
static void forget_parked(pid_t pid)
{
	unsigned i, n = atomic_load(&parked->used);

	for (i = 0; i < n; i++) {
		pid_t was = pid;

		atomic_compare_exchange_strong(&parked->slot[i].pid, &was, 0);
	}
}

static void reap_children(int sig)
{
	int saved_errno = errno;

	(void)sig;
	/* Signals do not queue: one SIGCHLD may stand for many exits, so reap
	 * until none is left. WNOHANG keeps the handler from blocking. */
	pid_t pid;

	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
		forget_parked(pid);
	errno = saved_errno;
}

int main(int argc, char **argv)
{
	static const struct model_flags flags = {
		"Z", "  -Z          never reap exited children: zombies, on purpose\n", fork_flag
	};
	static struct log_limit fork_failures;
	struct sigaction on_child = { 0 };
	struct server s;

	server_start(&s, "fork", argc, argv, false, &flags);
	wait_like_processes();
	/* Without a handler SIGCHLD is ignored by default, but not in the way
	 * that reaps: only an explicit SIG_IGN (or SA_NOCLDWAIT) tells the
	 * kernel to discard children's exit statuses. Nobody waits, so every
	 * child that exits stays a zombie. */
	on_child.sa_handler = leave_zombies ? SIG_DFL : reap_children;
	sigemptyset(&on_child.sa_mask);
	/* No SA_RESTART: the parent waits for a client in poll() (net_accept,
	 * with the wake-up pipe), which returns EINTR for each child reaped;
	 * net_accept looks at the stop flag and waits again. */
	on_child.sa_flags = SA_NOCLDSTOP;
	if (sigaction(SIGCHLD, &on_child, NULL) < 0)
		err(1, "sigaction SIGCHLD");

	while (!signals_stop_requested()) {
		int fd = net_accept(s.listen_fd, false);
		pid_t pid;

		if (fd < 0)
			continue;
		pid = fork();
		if (pid == 0) {
			close(s.listen_fd); /* a child serves; it never accepts */
			conn_serve_blocking(fd, s.idle_ms);
			_exit(0);
		}
		if (pid < 0) {
			/* EAGAIN under RLIMIT_NPROC: this client loses, we go on. */
			log_warn_limited(&fork_failures, "fork: %s", strerror(errno));
			conn_refuse(fd);
			continue;
		}
		close(fd);
	}
	/* Children finish the connection they have (each ends within -t). */
	server_finish(&s);
	return 0;
}
