/*
 * setup.c - start-up and shut-down shared by every model.
 */
#include "setup.h"

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "comet.h"
#include "fdlimit.h"
#include "log.h"
#include "net.h"
#include "respond.h"
#include "signals.h"
#include "stats.h"

static void usage(FILE *to, const char *prog, const struct model_flags *flags)
{
	/* One line, as the docs quote it (tests/docs.bats reads it from here). */
	// clang-format off
	fprintf(to,
		"usage: %s [-a ADDR] [-p PORT] [-b BACKLOG] [-t IDLE_SECONDS] [-C CHANNELS] [-W WAITERS] [-q] [-E] [-h]%s%s\n"
		"  -a ADDR     address to listen on (default 127.0.0.1; :: for IPv6)\n"
		"  -p PORT     port (default 8080; 0 picks a free one)\n"
		"  -b BACKLOG  listen backlog (default SOMAXCONN)\n"
		"  -t SECONDS  close idle connections and unfinished request heads after this "
		"(default 30)\n"
		"  -C N        Comet channels the server holds (default 64; 503 past them)\n"
		"  -W N        Comet subscribers parked at once (default 65536; 503 past them)\n"
		"  -q          quiet: no warnings on stderr\n"
		"  -E          no EMFILE defence: out of descriptors, spin as a naive server "
		"does (on purpose)\n"
		"  -h          this help\n%s",
		prog, flags && flags->letters[0] ? " " : "", flags ? flags->letters : "",
		flags && flags->usage ? flags->usage : "");
	// clang-format on
}

bool setup_number(const char *arg, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static long number_arg(const char *prog, int letter, const char *arg, long min, long max)
{
	long v;

	if (!setup_number(arg, min, max, &v))
		errx(1, "-%c: %s is not a number from %ld to %ld (try %s -h)", letter, arg, min,
		     max, prog);
	return v;
}

void server_start(struct server *s, const char *model, int argc, char **argv,
		  bool nonblocking_listener, const struct model_flags *flags)
{
	char letters[64], name[96];
	unsigned channels = CHANNEL_DEFAULT_COUNT, waiters = COMET_DEFAULT_WAITERS;
	int ch;

	memset(s, 0, sizeof(*s));
	s->model = model;
	s->addr = "127.0.0.1";
	s->port = "8080";
	s->backlog = SOMAXCONN;
	s->idle_ms = 30 * 1000;
	snprintf(letters, sizeof(letters), "a:p:b:t:C:W:qEh%s", flags ? flags->letters : "");
	while ((ch = getopt(argc, argv, letters)) != -1) {
		switch (ch) {
		case 'a':
			s->addr = optarg;
			break;
		case 'p':
			number_arg(argv[0], ch, optarg, 0, 65535);
			s->port = optarg;
			break;
		case 'b':
			s->backlog = (int)number_arg(argv[0], ch, optarg, 1, 1 << 20);
			break;
		case 't':
			s->idle_ms = (unsigned)number_arg(argv[0], ch, optarg, 1, 86400) * 1000;
			break;
		case 'C':
			channels = (unsigned)number_arg(argv[0], ch, optarg, 1, 4096);
			break;
		case 'W':
			waiters = (unsigned)number_arg(argv[0], ch, optarg, 1, 1 << 24);
			break;
		case 'q':
			s->quiet = true;
			break;
		case 'E':
			net_drop_emfile_defence();
			break;
		case 'h':
			usage(stdout, argv[0], flags);
			exit(0);
		default:
			if (flags && ch != '?' && flags->handle(ch, optarg))
				break;
			usage(stderr, argv[0], flags);
			exit(1);
		}
	}
	if (optind != argc) {
		usage(stderr, argv[0], flags);
		exit(1);
	}
	/* glibc's gmtime_r loads the time zone once per process; do it here,
	 * before any fork, so 02_fork's children do not each read /etc/localtime. */
	tzset();
	log_init(model, s->quiet);
	stats_init(model);
	comet_init(channels, waiters);
	respond_init(model);
	signals_init();
	/* A C10K server needs more descriptors than the usual soft limit of
	 * 1024: raise it to the hard limit, as nginx's worker_rlimit_nofile
	 * does. (For 04_select that only moves the wall to FD_SETSIZE, which
	 * is its lesson.) */
	fdlimit_raise();
	s->listen_fd =
	    net_listen(s->addr, s->port, s->backlog, nonblocking_listener, name, sizeof(name));
	fprintf(stderr, "%s listening on %s pid %ld\n", model, name, (long)getpid());
}

int setup_online_cpus(int max)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	return cpus < 1 ? 1 : cpus > max ? max : (int)cpus;
}

void server_finish(struct server *s)
{
	close(s->listen_fd);
	stats_print_summary();
}
