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
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conn.h"
#include "conn_blocking.h"
#include "log.h"
#include "net.h"
#include "setup.h"
#include "signals.h"

/* -Z: leave exited children unreaped, to see the zombies pile up. */
static bool leave_zombies;

static bool fork_flag(int letter, const char *arg)
{
	(void)arg;
	leave_zombies = letter == 'Z';
	return leave_zombies;
}

static void reap_children(int sig)
{
	int saved_errno = errno;

	(void)sig;
	/* Signals do not queue: one SIGCHLD may stand for many exits, so reap
	 * until none is left. WNOHANG keeps the handler from blocking. */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
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
