/*
 * cli.c - http_load's command line: the original's flags, in its order and
 * with its prefixes, its messages for a number out of range, and the
 * extensions; the usage and -help texts. See http_load.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdlimit.h"
#include "http_load.h"

static void usage(FILE *to)
{
	fprintf(to, "usage:  http_load [-checksum] [-throttle] [-proxy host:port] [-verbose] "
		    "[-timeout secs] [-sip sip_file]\n"
		    "            -parallel N | -rate N [-jitter]\n"
		    "            -fetches N | -seconds N\n"
		    "            url_file\n"
		    "One start specifier, either -parallel or -rate, is required.\n"
		    "One end specifier, either -fetches or -seconds, is required.\n"
		    "Extensions: [-keepalive] [-percentiles] [-csv] [-version] [-help]\n");
}

static void help(void)
{
	usage(stdout);
	printf(
	    "\n"
	    "Fetches URLs from url_file (one http:// URL per line, picked at random per\n"
	    "fetch) as fast as -parallel allows or at -rate fetches per second, until\n"
	    "-fetches have been started or -seconds have passed, then prints a report.\n"
	    "Only complete, well-framed responses count as fetches; every other ending\n"
	    "(refused, reset, closed early, truncated, timed out) is a failure, counted\n"
	    "by cause on its own line.\n"
	    "\n"
	    "  -parallel N   keep N fetches in flight (closed loop: a new one starts when one "
	    "ends)\n"
	    "  -rate N       start N fetches per second, on schedule whatever the server does\n"
	    "                (open loop); -jitter varies each interval by up to 10%%\n"
	    "  -fetches N    start N fetches, then stop;  -seconds N   stop after N seconds\n"
	    "  -timeout S    give up on a fetch idle for S seconds (default 60)\n"
	    "  -throttle     read at most 3360 bytes/s per connection; -Throttle N: N/10 bytes/s\n"
	    "  -checksum     check bodies by checksum instead of length\n"
	    "  -proxy H:P    send every request through an HTTP proxy\n"
	    "  -verbose      progress on stderr every 60 seconds\n"
	    "\n"
	    "Extensions (default output is unchanged without them):\n"
	    "  -keepalive    HTTP/1.1 persistent connections: -parallel N connections,\n"
	    "                each sending its requests back to back (as wrk does)\n"
	    "  -percentiles  also print msecs/response percentiles (whole response; under\n"
	    "                -rate measured from the scheduled start: no coordinated omission)\n"
	    "  -csv          end with one machine-readable line:\n"
	    "                csv,fetches,seconds,fetches_per_sec,bytes_per_sec,connect_mean_ms,\n"
	    "                "
	    "p50_ms,p90_ms,p99_ms,p999_ms,errors,timeouts,failed,non2xx,unfinished,\n"
	    "                unserved\n"
	    "                (the percentiles are empty when no fetch has a latency to rank;\n"
	    "                unserved: of -parallel's clients, those never answered)\n"
	    "  -version      print the version\n"
	    "\n"
	    "Any unique-enough prefix of a flag works: -p 10 -s 5 is -parallel 10 -seconds 5.\n"
	    "Waiting with %s; no limit but the descriptor limit on -parallel.\n",
	    waiter_name());
}

static long number(const char *flag, const char *arg)
{
	char *end;
	long v;

	if (arg == NULL)
		die("%s needs a number", flag);
	errno = 0;
	v = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno == ERANGE)
		die("%s is not a number in range", arg);
	return v;
}

/* The original's flag order: a prefix means the first flag it begins. */
static const char *const flag_names[] = {
	"checksum",  "throttle",    "Throttle", "verbose", "timeout", "jitter",
	"parallel",  "rate",        "fetches",  "seconds", "sip",     "proxy",
	"keepalive", "percentiles", "csv",      "version", "help",
};

static const char *resolve_flag(const char *arg)
{
	size_t i, n;

	while (*arg == '-')
		arg++;
	n = strlen(arg);
	for (i = 0; n > 0 && i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (strncmp(flag_names[i], arg, n) == 0)
			return flag_names[i];
	return NULL;
}

/* A number out of range for NAME, in the original's words. For the start
 * and end specifiers 0 means "not given" (settled before this), so their
 * lowest is 0 while the message asks for at least 1. */
static void check_range(const char *name, long value, long lowest, long highest)
{
	char buf[96];

	if (value < lowest)
		snprintf(buf, sizeof(buf), "%s must be at least %ld", name,
			 lowest > 1 ? lowest : 1);
	else if (value > highest)
		snprintf(buf, sizeof(buf), "%s may be at most %ld", name, highest);
	else
		return;
	die("%s", buf);
}

void parse_args(int argc, char **argv)
{
	int i;
	long limit;

	for (i = 1; i < argc; i++) {
		const char *flag;

		if (argv[i][0] != '-') {
			if (run.opt.url_file != NULL) {
				usage(stderr);
				exit(1);
			}
			run.opt.url_file = argv[i];
			continue;
		}
		flag = resolve_flag(argv[i]);
		if (flag == NULL) {
			usage(stderr);
			exit(1);
		}
		/* clang-format off: one flag per line reads as a table */
		if (!strcmp(flag, "checksum"))
			run.opt.checksum = true;
		else if (!strcmp(flag, "throttle"))
			run.opt.throttle = 3360;
		else if (!strcmp(flag, "Throttle")) {
			run.opt.throttle = number(argv[i], argv[i + 1]) / 10, i++;
			if (run.opt.throttle < 1)
				die("%s must be at least 10", "Throttle");
		} else if (!strcmp(flag, "verbose"))
			run.opt.verbose = true;
		else if (!strcmp(flag, "timeout"))
			run.opt.timeout_s = number(argv[i], argv[i + 1]), i++;
		else if (!strcmp(flag, "jitter"))
			run.opt.jitter = true;
		else if (!strcmp(flag, "parallel"))
			run.opt.parallel = number(argv[i], argv[i + 1]), i++;
		else if (!strcmp(flag, "rate"))
			run.opt.rate = number(argv[i], argv[i + 1]), i++;
		else if (!strcmp(flag, "fetches"))
			run.opt.fetches = number(argv[i], argv[i + 1]), i++;
		else if (!strcmp(flag, "seconds"))
			run.opt.seconds = number(argv[i], argv[i + 1]), i++;
		else if (!strcmp(flag, "sip"))
			die("%s: -sip (source addresses) is not supported", argv[i]);
		else if (!strcmp(flag, "proxy")) {
			if (i + 1 >= argc)
				die("%s needs host:port", argv[i]);
			run.opt.proxy = argv[++i];
		} else if (!strcmp(flag, "keepalive"))
			run.opt.keepalive = true;
		else if (!strcmp(flag, "percentiles"))
			run.opt.percentiles = true;
		else if (!strcmp(flag, "csv"))
			run.opt.csv = true;
		else if (!strcmp(flag, "version")) {
			printf("http_load %s\n", VERSION);
			exit(0);
		} else if (!strcmp(flag, "help")) {
			help();
			exit(0);
		}
		/* clang-format on */
	}
	if ((run.opt.parallel == 0) == (run.opt.rate == 0) ||
	    (run.opt.fetches == 0) == (run.opt.seconds == 0) || run.opt.url_file == NULL ||
	    (run.opt.jitter && run.opt.rate == 0)) {
		/* Zero given explicitly is out of range, not missing: */
		for (i = 1; i < argc; i++) {
			const char *flag = argv[i][0] == '-' ? resolve_flag(argv[i]) : NULL;
			if (flag && i + 1 < argc && !strcmp(argv[i + 1], "0") &&
			    (!strcmp(flag, "parallel") || !strcmp(flag, "rate") ||
			     !strcmp(flag, "fetches") || !strcmp(flag, "seconds")))
				die("%s must be at least 1", flag);
		}
		usage(stderr);
		exit(1);
	}
	limit = fdlimit_raise();
	limit = (limit < 0 ? 1024 : limit > INT_MAX ? INT_MAX : limit) - HEADROOM_FDS;
	check_range("parallel", run.opt.parallel, 0, limit);
	check_range("rate", run.opt.rate, 0, MAX_RATE);
	check_range("fetches", run.opt.fetches, 0, LONG_MAX);
	check_range("seconds", run.opt.seconds, 0, MAX_SECONDS);
	check_range("timeout", run.opt.timeout_s, 1, MAX_SECONDS);
	if (run.opt.keepalive && run.opt.parallel == 0)
		die("%s", "-keepalive goes with -parallel");
	run.fetch_max = run.opt.parallel ? (int)run.opt.parallel : (int)limit;
}
