/*
 * 10_io_uring: one thread, asynchronous I/O with io_uring (Linux).
 *
 * Article 000's fifth I/O model, and the only one where the kernel does the
 * copy: the server does not ask "can I read?" and then read; it submits
 * "read into a buffer" and is later told "done, n bytes". The bank customer
 * hands over a form and is told when the whole transaction is finished.
 *
 * Two rings shared with the kernel: requests go in the submission queue
 * (SQ), results come back in the completion queue (CQ), each tagged with the
 * user_data we chose. One io_uring_enter() per loop turn submits everything
 * queued since the last turn and waits for completions (or the next
 * deadline): the number of system calls no longer follows the number of
 * reads and writes. What current io_uring offers and this uses:
 *  - multishot accept: one submission accepts every connection from now on;
 *  - a provided-buffer ring: a recv does not name a buffer; the kernel
 *    takes one from a ring we filled when data arrives, so 10,000 idle
 *    connections with a recv pending hold no memory for it. The bytes are
 *    copied into the connection's own buffer, and the buffer goes back;
 *  - one recv or one send in flight per connection, never both. Not a
 *    multishot recv: that would keep landing data however far behind the
 *    connection is (pipelining, a slow reader), where a single recv for at
 *    most the room left is the back-pressure a readiness loop gets for free.
 *
 * The HTTP state machine is common/conn.c's, fed through its completion
 * side (conn_on_received, conn_on_sent). Deadlines stay in the shared heap;
 * the wait's timeout is the earliest of them.
 *
 * The rule that makes completion I/O harder than readiness: memory and
 * descriptors named in a submitted operation belong to the kernel until its
 * completion arrives. A connection that ends while an operation is in
 * flight is not freed: its operation is cancelled, and it is closed and
 * freed when the cancelled operation's completion comes back.
 */
#include <err.h>
#include <errno.h>
#include <liburing.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "comet.h"
#include "conn_completion.h"
#include "conn_set.h"
#include "duration.h"
#include "log.h"
#include "net.h"
#include "setup.h"
#include "stats.h"

#define RING_ENTRIES 1024
#define BUF_GROUP 0
#define BUF_COUNT 512 /* a power of two */
#define BUF_SIZE 8192 /* one recv takes at most this: 4 MiB in all */

/* user_data of operations that are not a connection's. A connection's
 * operations carry its address, which is never this small. */
enum { TAG_ACCEPT = 1, TAG_WAKE = 2, TAG_IGNORE = 3, TAG_LISTENER = 4 };

#define STAT_ENTERS STAT_MODEL_1
#define STAT_COMPLETIONS STAT_MODEL_2

enum op { OP_NONE, OP_RECV, OP_SEND };

struct uring_conn {
	struct conn conn; /* first: a struct conn * is a struct uring_conn * */
	enum op in_flight;
	bool ending;     /* done; waiting for the cancelled operation to come back */
	bool cancelling; /* a parked one's recv is being taken back, to send */
	struct msghdr msg;
	struct iovec iov[2];
};

struct server_ring {
	struct io_uring ring;
	struct io_uring_buf_ring *bufs;
	char *buf_memory;
	int listen_fd, stop_fd;
	unsigned idle_ms;
	bool running;
	struct conn_set conns;
	struct comet_room *room;
};

static struct log_limit accept_failures;

/* The kernel said no to io_uring itself: say why in one line, exit 2 (the
 * test suites skip this model on that status). */
static void refuse(const char *what, int error)
{
	fprintf(stderr,
		"io_uring unavailable: %s: %s (kernel too old, or disabled: "
		"/proc/sys/kernel/io_uring_disabled, seccomp)\n",
		what, strerror(error));
	exit(2);
}

static struct io_uring_sqe *new_sqe(struct server_ring *sr)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&sr->ring);

	if (sqe == NULL) {
		/* The submission queue is full: hand it over now, one extra
		 * io_uring_enter, and take a fresh entry. */
		io_uring_submit(&sr->ring);
		stats_add(STAT_ENTERS, 1);
		sqe = io_uring_get_sqe(&sr->ring);
		if (sqe == NULL)
			errx(1, "io_uring: no submission entry after submitting");
	}
	return sqe;
}

static void arm_accept(struct server_ring *sr)
{
	struct io_uring_sqe *sqe = new_sqe(sr);

	io_uring_prep_multishot_accept(sqe, sr->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	io_uring_sqe_set_data64(sqe, TAG_ACCEPT);
}

/* Wait (once) for the pollfd events on fd; the completion carries tag. */
static void arm_poll(struct server_ring *sr, int fd, uint64_t tag)
{
	struct io_uring_sqe *sqe = new_sqe(sr);

	io_uring_prep_poll_add(sqe, fd, POLLIN);
	io_uring_sqe_set_data64(sqe, tag);
}

static void give_back_buffer(struct server_ring *sr, unsigned id)
{
	io_uring_buf_ring_add(sr->bufs, sr->buf_memory + (size_t)id * BUF_SIZE, BUF_SIZE,
			      (unsigned short)id, io_uring_buf_ring_mask(BUF_COUNT), 0);
	io_uring_buf_ring_advance(sr->bufs, 1);
}

static void setup_buffers(struct server_ring *sr)
{
	struct io_uring_buf_reg reg = { .ring_entries = BUF_COUNT, .bgid = BUF_GROUP };
	void *ring_memory;
	unsigned i;
	int rc;

	if (posix_memalign(&ring_memory, (size_t)sysconf(_SC_PAGESIZE),
			   BUF_COUNT * sizeof(struct io_uring_buf)) != 0)
		errx(1, "out of memory for the buffer ring");
	sr->bufs = ring_memory;
	/* The kernel takes buffers from the ring in turn, so every one of
	 * them is touched soon enough: MAP_POPULATE faults them in now, and
	 * the resident size says from the start what the server holds. */
	sr->buf_memory = mmap(NULL, (size_t)BUF_COUNT * BUF_SIZE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (sr->buf_memory == MAP_FAILED)
		err(1, "mmap for receive buffers");
	reg.ring_addr = (unsigned long)(uintptr_t)ring_memory;
	rc = io_uring_register_buf_ring(&sr->ring, &reg, 0);
	if (rc < 0)
		refuse("registering a provided-buffer ring (Linux 5.19 or later)", -rc);
	io_uring_buf_ring_init(sr->bufs);
	for (i = 0; i < BUF_COUNT; i++)
		io_uring_buf_ring_add(sr->bufs, sr->buf_memory + (size_t)i * BUF_SIZE, BUF_SIZE,
				      (unsigned short)i, io_uring_buf_ring_mask(BUF_COUNT), (int)i);
	io_uring_buf_ring_advance(sr->bufs, BUF_COUNT);
}

/* Also conn_set_destroy's end(): every connection left at exit. */
static void finish(struct conn *c, void *ring)
{
	struct server_ring *sr = ring;

	conn_set_remove(&sr->conns, c);
	conn_close(c);
	free(c); /* the uring_conn that starts with it */
}

/* The one place where a connection's intent becomes a submission and a
 * deadline. */
static void apply(struct server_ring *sr, struct uring_conn *uc, enum conn_want want)
{
	struct conn *c = &uc->conn;
	struct io_uring_sqe *sqe;

	if (want == CONN_DONE || uc->ending) {
		conn_set_drop_deadline(&sr->conns, c);
		if (uc->in_flight == OP_NONE) {
			finish(c, sr);
		} else if (!uc->ending) {
			/* The kernel still holds a recv (a buffer it may fill)
			 * or a send (our output area): take it back first. */
			uc->ending = true;
			sqe = new_sqe(sr);
			io_uring_prep_cancel64(sqe, (uint64_t)(uintptr_t)uc, 0);
			io_uring_sqe_set_data64(sqe, TAG_IGNORE);
		}
		return;
	}
	if (uc->in_flight == OP_NONE && want == CONN_WANT_READ) {
		/* Asked without taking a buffer: an idle connection holds
		 * none while its recv waits (conn.h). */
		size_t room = conn_receive_limit(c);

		if (room == 0) {
			apply(sr, uc, CONN_DONE);
			return;
		}
		sqe = new_sqe(sr);
		/* No buffer named: the kernel picks one from the group when
		 * data comes, and at most `room` bytes of it. */
		io_uring_prep_recv(sqe, c->fd, NULL, room < BUF_SIZE ? room : BUF_SIZE, 0);
		sqe->flags |= IOSQE_BUFFER_SELECT;
		sqe->buf_group = BUF_GROUP;
		io_uring_sqe_set_data(sqe, uc);
		uc->in_flight = OP_RECV;
	} else if (uc->in_flight == OP_RECV && want == CONN_WANT_WRITE && !uc->cancelling) {
		/* A parked subscriber, answered: its recv (there to see it
		 * leave) must come back before the send goes, one operation
		 * at a time. It comes back cancelled, or with data. */
		uc->cancelling = true;
		sqe = new_sqe(sr);
		io_uring_prep_cancel64(sqe, (uint64_t)(uintptr_t)uc, 0);
		io_uring_sqe_set_data64(sqe, TAG_IGNORE);
	} else if (uc->in_flight == OP_NONE && want == CONN_WANT_WRITE) {
		memset(&uc->msg, 0, sizeof(uc->msg));
		uc->msg.msg_iov = uc->iov;
		uc->msg.msg_iovlen = (size_t)conn_output(c, uc->iov);
		sqe = new_sqe(sr);
		io_uring_prep_sendmsg(sqe, c->fd, &uc->msg, MSG_NOSIGNAL);
		io_uring_sqe_set_data(sqe, uc);
		uc->in_flight = OP_SEND;
	}
	if (conn_set_file_deadline(&sr->conns, c) < 0) {
		stats_add(STAT_ERRORS, 1);
		apply(sr, uc, CONN_DONE);
	}
}

static void accepted(struct server_ring *sr, struct io_uring_cqe *cqe)
{
	bool more = cqe->flags & IORING_CQE_F_MORE;
	struct uring_conn *uc;

	if (cqe->res == -EMFILE || cqe->res == -ENFILE) {
		/* Out of descriptors: shed the waiting client the way every
		 * model does (common/net.c), not leave it hanging. Linux's
		 * accept reports EMFILE before it looks at the queue, so an
		 * accept armed again at once would fail again at once, for
		 * ever: wait until a client is queued instead (TAG_LISTENER). */
		int fd = net_accept(sr->listen_fd, true);
		if (fd >= 0)
			conn_refuse(fd);
		if (!more && sr->running)
			arm_poll(sr, sr->listen_fd, TAG_LISTENER);
		return;
	}
	if (!more && sr->running)
		arm_accept(sr); /* the multishot ended (an error, or the kernel's choice) */
	if (cqe->res < 0) {
		if (cqe->res != -ECONNABORTED)
			log_warn_limited(&accept_failures, "accept: %s", strerror(-cqe->res));
		return;
	}
	uc = calloc(1, sizeof(*uc));
	if (uc == NULL) {
		conn_refuse(cqe->res);
		return;
	}
	conn_init(&uc->conn, cqe->res, CONN_COMPLETION, sr->idle_ms);
	if (!conn_set_add(&sr->conns, &uc->conn)) {
		free(uc);
		return;
	}
	apply(sr, uc, CONN_WANT_READ);
}

static void woken(struct server_ring *sr)
{
	struct signalfd_siginfo info;

	/* SIGTERM or SIGINT: the stop request, as a completion. */
	if (read(sr->stop_fd, &info, sizeof(info)) == (ssize_t)sizeof(info))
		sr->running = false;
	else
		arm_poll(sr, sr->stop_fd, TAG_WAKE);
}

static void completed(struct server_ring *sr, struct uring_conn *uc, struct io_uring_cqe *cqe)
{
	enum op op = uc->in_flight;
	enum conn_want want;

	uc->in_flight = OP_NONE;
	uc->cancelling = false;
	if (op == OP_RECV && cqe->res == -ECANCELED && !uc->ending) {
		want = conn_on_event(&uc->conn, 0); /* taken back to send (apply) */
	} else if (op == OP_RECV && (cqe->flags & IORING_CQE_F_BUFFER)) {
		unsigned id = cqe->flags >> IORING_CQE_BUFFER_SHIFT;

		if (!uc->ending)
			want = conn_on_received(&uc->conn, sr->buf_memory + (size_t)id * BUF_SIZE,
						cqe->res);
		else
			want = CONN_DONE;
		give_back_buffer(sr, id);
	} else if (uc->ending) {
		want = CONN_DONE;
	} else if (op == OP_RECV && cqe->res == -ENOBUFS) {
		/* Every buffer was in use at that moment: they come back
		 * within this batch, so ask again. */
		want = CONN_WANT_READ;
	} else if (op == OP_RECV) {
		want = conn_on_received(&uc->conn, NULL, cqe->res);
	} else {
		want = conn_on_sent(&uc->conn, cqe->res);
	}
	apply(sr, uc, want);
}

/* Deadlines that had passed when the turn's wait began, and only those:
 * the wait ran the kernel's deferred completions for whatever arrived
 * until then (DEFER_TASKRUN), so a request that came in time is already in
 * its connection's buffer. One that passed later -- during this turn's own
 * work, or while the process was stopped in the wait -- waits for the next
 * wait to bring in what arrived meanwhile. */
static void expire(struct server_ring *sr, uint64_t wait_began_ms)
{
	struct conn *c;

	while ((c = conn_set_next_expired(&sr->conns, wait_began_ms)) != NULL)
		apply(sr, (struct uring_conn *)c, conn_on_event(c, 0));
}

/* SIGTERM and SIGINT blocked and read from a signalfd that the ring polls:
 * a stop request arrives as one more completion. (The other models' way,
 * a handler writing to a pipe, works here too -- but not under valgrind,
 * which runs a handler only once io_uring_enter returns.) */
static int stop_signal_fd(void)
{
	sigset_t stops;
	int fd;

	sigemptyset(&stops);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGINT);
	if (sigprocmask(SIG_BLOCK, &stops, NULL) < 0)
		err(1, "sigprocmask");
	fd = signalfd(-1, &stops, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		err(1, "signalfd");
	return fd;
}

static void drive_parked(struct conn *c, void *ring)
{
	apply(ring, (struct uring_conn *)c, conn_on_event(c, 0));
}

static void run(struct server_ring *sr)
{
	while (sr->running) {
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;
		int wait_ms = conn_set_wait_ms(&sr->conns), rc;
		uint64_t wait_began_ms = timer_now_ms();
		struct timespec wait = duration_timespec_ms(wait_ms);
		struct __kernel_timespec ts = { .tv_sec = wait.tv_sec, .tv_nsec = wait.tv_nsec };
		/* The turn's one system call: submit, and wait for at least one
		 * completion or the deadline. */
		rc = io_uring_submit_and_wait_timeout(&sr->ring, &cqe, 1, wait_ms >= 0 ? &ts : NULL,
						      NULL);
		stats_add(STAT_ENTERS, 1);
		if (rc < 0 && rc != -ETIME && rc != -EINTR)
			errx(1, "io_uring_enter: %s", strerror(-rc));
		io_uring_for_each_cqe(&sr->ring, head, cqe)
		{
			uint64_t tag = io_uring_cqe_get_data64(cqe);

			seen++;
			if (tag == TAG_ACCEPT)
				accepted(sr, cqe);
			else if (tag == TAG_WAKE)
				woken(sr);
			else if (tag == TAG_LISTENER)
				arm_accept(sr);
			else if (tag != TAG_IGNORE)
				completed(sr, io_uring_cqe_get_data(cqe), cqe);
		}
		io_uring_cq_advance(&sr->ring, seen);
		stats_add(STAT_COMPLETIONS, (long)seen);
		expire(sr, wait_began_ms);
		/* A publish in this turn: every waiter's send is queued now and
		 * goes to the kernel in the next turn's one io_uring_enter, one
		 * batch for them all. */
		while (comet_room_due(sr->room))
			comet_room_deliver(sr->room, drive_parked, sr);
	}
}

int main(int argc, char **argv)
{
	struct server_ring sr = { .running = true };
	struct io_uring_params params = { 0 };
	struct server s;
	int rc;

	/* Before anything else: a kernel that refuses io_uring gets one line
	 * and status 2, never a "listening" line (tests skip on that). One
	 * thread submits and reaps: tell the kernel (SINGLE_ISSUER), and let it
	 * run completion work when we enter, not by interrupting us
	 * (DEFER_TASKRUN, Linux 6.1). Older kernels refuse those flags. */
	params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
	rc = io_uring_queue_init_params(RING_ENTRIES, &sr.ring, &params);
	if (rc == -EINVAL) {
		memset(&params, 0, sizeof(params));
		rc = io_uring_queue_init_params(RING_ENTRIES, &sr.ring, &params);
	}
	if (rc < 0)
		refuse("io_uring_setup", -rc);
	if (!(params.features & IORING_FEAT_EXT_ARG))
		refuse("waiting with a timeout (IORING_FEAT_EXT_ARG, Linux 5.11)", EINVAL);
	setup_buffers(&sr);
	/* Blocked before server_start installs the other models' stop
	 * handler: a SIGTERM from then on waits in the signalfd, where the
	 * ring will see it. (Blocked after it, one that came in between ran
	 * the handler, which writes a pipe this loop never watches.) */
	sr.stop_fd = stop_signal_fd();
	server_start(&s, "io_uring", argc, argv, true, NULL);
	stats_name(STAT_ENTERS, "ring_enters");
	stats_name(STAT_COMPLETIONS, "completions");
	sr.listen_fd = s.listen_fd;
	sr.idle_ms = s.idle_ms;
	/* One thread, one room: a publish never has another loop to wake. */
	sr.room = comet_room_create(NULL, NULL);
	comet_room_enter(sr.room);
	arm_accept(&sr);
	arm_poll(&sr, sr.stop_fd, TAG_WAKE);
	run(&sr);
	/* Tearing the ring down cancels whatever is still in flight; only
	 * then is the memory those operations named ours to free. */
	io_uring_queue_exit(&sr.ring);
	conn_set_destroy(&sr.conns, finish, &sr);
	conn_free_spare_buffers();
	comet_room_destroy(sr.room);
	close(sr.stop_fd);
	free(sr.bufs);
	munmap(sr.buf_memory, (size_t)BUF_COUNT * BUF_SIZE);
	server_finish(&s);
	return 0;
}
