/*
 * grade - a black-box grader for HTTP/1.1 servers: the RFC's requirements
 * for the request and the connection, robustness, and the ladder's lessons
 * on concurrency, asked of any server on 127.0.0.1 (docs/grading.md).
 *
 *   grade [--list] [--case ID|PREFIX]... [--strict] [--profile FILE]
 *         [--wait SECONDS] [--reference CMD] [--json FILE] [--junit FILE]
 *         [--gradescope FILE] [--html FILE] TARGET...
 *
 * A TARGET is a server already running, http://127.0.0.1:PORT, or a
 * command with {port} in it, which the grader starts on a free port, waits
 * for (--wait, default 10 s), and stops by its process group (SIGTERM, then SIGKILL if it hangs).
 * Several targets are graded side by side, each case on fresh connections.
 * Exit status: 0 every required case passed on every target; 1 some did
 * not; 2 usage, a profile that is wrong, or a target that never listened.
 */
#include <err.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "grade.h"

#define MAX_TARGETS 16
#define MAX_PICKS 64
static long start_ms = 10000; /* --wait */

static void usage(void)
{
	fprintf(stderr,
		"usage: grade [--list] [--case ID|PREFIX]... [--strict] [--profile FILE] "
		"[--wait SECONDS] [--reference CMD]\n"
		"             [--json FILE] [--junit FILE] [--gradescope FILE] [--html FILE] "
		"TARGET...\n"
		"  TARGET: http://127.0.0.1:PORT (running), or a command with {port}\n"
		"  --gradescope grades one TARGET (one submission)\n"
		"  --reference: the server the cost cases compare with (default: 06_epoll "
		"beside grade)\n");
	exit(2);
}

/* --case and the profile's skips: is the case asked at all? */
static bool picked(const struct grade_case *gc, const char **picks, int npicks,
		   const struct profile *profile)
{
	int i;

	if (grade_weight(profile, gc, false).need == NEED_SKIP)
		return false;
	/* The measurements take seconds each: only when named. */
	if (npicks == 0)
		return !gc->measures || grade_profile_names(profile, gc);
	/* An id, or the start of ids: "robustness/fragment" takes all five. */
	for (i = 0; i < npicks; i++)
		if (strncmp(gc->id, picks[i], strlen(picks[i])) == 0)
			return true;
	return false;
}

/* Will any case asked measure (and so need the reference server)? */
static bool measuring(const char **picks, int npicks, const struct profile *profile)
{
	for (size_t i = 0; i < grade_case_count; i++)
		if (grade_cases[i].measures && picked(&grade_cases[i], picks, npicks, profile))
			return true;
	return false;
}

/* The reference of the cost section: the 06_epoll built beside this
 * grader (build/bin/), unless --reference names another. */
static char *default_reference(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');
	size_t dir = slash ? (size_t)(slash - argv0) : 0;
	char *command;

	if (slash == NULL || (command = malloc(dir + 64)) == NULL)
		return NULL;
	snprintf(command, dir + 64, "%.*s/06_epoll", (int)dir, argv0);
	if (access(command, X_OK) != 0) {
		free(command);
		return NULL;
	}
	strcat(command, " -q -p {port}");
	return command;
}

static int free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* The command with every {port} replaced. */
static char *with_port(const char *command, int port)
{
	size_t cap = strlen(command) * 2 + 64, o = 0;
	char *out = malloc(cap);
	const char *p;

	if (out == NULL)
		exit(2);
	for (p = command; *p; p++) {
		if (strncmp(p, "{port}", 6) == 0) {
			o += (size_t)snprintf(out + o, cap - o, "%d", port);
			p += 5;
		} else {
			out[o++] = *p;
		}
		if (o + 8 >= cap)
			out = realloc(out, cap *= 2);
	}
	out[o] = '\0';
	return out;
}

static bool listening(int port)
{
	int fd = grade_connect(port);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static bool start_target(struct target *t)
{
	if (strncmp(t->spec, "http://127.0.0.1:", 17) == 0) {
		t->port = atoi(t->spec + 17);
		return t->port > 0 && listening(t->port);
	}
	if (strstr(t->spec, "{port}") == NULL) {
		fprintf(stderr,
			"grade: %s: neither http://127.0.0.1:PORT nor a command with {port}\n",
			t->spec);
		return false;
	}
	t->port = free_port();
	t->pid = fork();
	if (t->pid < 0)
		return false;
	if (t->pid == 0) {
		char *command = with_port(t->spec, t->port);
		int null = open("/dev/null", O_RDWR);

		/* Its own process group: stopping it stops what it started. */
		setpgid(0, 0);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO); /* its start-up line and warnings */
		}
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	setpgid(t->pid, t->pid);
	for (long waited = 0; waited < start_ms; waited += 20) {
		struct timespec tick = { 0, 20000000 };

		if (listening(t->port))
			return true;
		if (waitpid(t->pid, NULL, WNOHANG) == t->pid) {
			t->pid = 0;
			return false;
		}
		nanosleep(&tick, NULL);
	}
	return false;
}

static void stop_target(struct target *t)
{
	int i;

	if (t->pid <= 0)
		return;
	kill(-t->pid, SIGTERM);
	for (i = 0; i < 100; i++) {
		struct timespec tick = { 0, 20000000 };

		if (waitpid(t->pid, NULL, WNOHANG) == t->pid)
			goto reaped;
		nanosleep(&tick, NULL);
	}
	/* It did not stop in 2 s: a hang is the server's, not ours to keep. */
	kill(-t->pid, SIGKILL);
	waitpid(t->pid, NULL, 0);
reaped:
	kill(-t->pid, SIGKILL); /* whatever it left behind in its group */
	t->pid = 0;
}

/* Does the server have the optional route a case needs? It must answer
 * it 2xx and do what the route says: /delay/MS no sooner than MS, a
 * /bytes/N with N bytes, "POST /path" with the body it was sent (a server
 * that answers every request alike has none of them). */
static bool has_route(int port, const char *route)
{
	char request[256];
	struct answer a;
	long delay = strncmp(route, "/delay/", 7) == 0 ? atol(route + 7) : 0;
	long bytes = strncmp(route, "/bytes/", 7) == 0 ? atol(route + 7) : -1;
	bool post = strncmp(route, "POST ", 5) == 0;

	if (post)
		snprintf(request, sizeof(request),
			 "POST %s HTTP/1.1\r\nHost: grade\r\nContent-Length: 2\r\n\r\nok",
			 route + 5);
	else
		snprintf(request, sizeof(request), "GET %s HTTP/1.1\r\nHost: grade\r\n\r\n", route);
	grade_exchange(port, request, strlen(request), FEED_WHOLE, 1, 3000 + delay, &a);
	if (a.status / 100 != 2 || a.first_byte_ms < delay * 9 / 10)
		return false;
	/* POST /pub/CHANNEL answers the message's id, not the body. */
	if (post && strncmp(route, "POST /pub/", 10) == 0)
		return a.body_len > 0 && a.body[0] >= '0' && a.body[0] <= '9';
	if (post)
		return a.body_len == 2 && memcmp(a.body, "ok", 2) == 0;
	return bytes < 0 || a.body_len == (size_t)bytes;
}

static void run_target(struct target *t, const char **picks, int npicks, bool strict,
		       const struct profile *profile)
{
	long started = grade_now_ms();
	size_t i;

	for (i = 0; i < grade_case_count; i++) {
		const struct grade_case *gc = &grade_cases[i];
		struct result *r = &t->results[i];
		long case_started = grade_now_ms();

		if (!picked(gc, picks, npicks, profile))
			continue;
		r->ran = true;
		r->weight = grade_weight(profile, gc, strict);
		if (t->pid > 0 && waitpid(t->pid, NULL, WNOHANG) == t->pid) {
			t->pid = 0;
			r->verdict = FAIL;
			snprintf(r->actual, sizeof(r->actual), "the server had exited");
		} else if (gc->route && !has_route(t->port, gc->route)) {
			r->verdict = NOT_IMPLEMENTED;
			snprintf(r->actual, sizeof(r->actual),
				 "%s%s is not answered as the route says",
				 strncmp(gc->route, "POST ", 5) == 0 ? "" : "GET ", gc->route);
		} else {
			r->verdict = gc->run(gc, t->port, r->sent, sizeof(r->sent), r->expected,
					     sizeof(r->expected), r->actual, sizeof(r->actual));
		}
		/* What the profile requires must pass: a SHOULD missed, a
		 * lesson failed, a route missing all fail this grade. By
		 * default a route the server lacks costs nothing. */
		if (r->weight.need == NEED_REQUIRED && r->verdict != PASS &&
		    (r->weight.by_profile || r->verdict != NOT_IMPLEMENTED))
			r->verdict = FAIL;
		r->ms = grade_now_ms() - case_started;
	}
	t->ms = grade_now_ms() - started;
	grade_total(t);
}

/* --list: what would be asked, and with a profile what each case is worth. */
static void list_cases(const char **picks, int npicks, bool strict, const struct profile *profile)
{
	for (size_t c = 0; c < grade_case_count; c++) {
		const struct grade_case *gc = &grade_cases[c];
		struct weight w = grade_weight(profile, gc, strict);

		if (!picked(gc, picks, npicks, profile))
			continue;
		printf("%-44s %-6s ", gc->id, grade_level_names[gc->level]);
		if (profile->path)
			printf("%d %s ", w.points, grade_need_names[w.need]);
		printf("%s\n", gc->requirement);
	}
}

int main(int argc, char **argv)
{
	struct target targets[MAX_TARGETS];
	const char *picks[MAX_PICKS], *json = NULL, *junit = NULL, *gradescope = NULL, *html = NULL,
				      *profile_path = NULL, *reference_spec = NULL;
	struct target reference = { 0 };
	char *default_spec = NULL;
	struct profile profile = { 0 };
	int npicks = 0, ntargets = 0, i, status = 0;
	bool list = false, strict = false;

	signal(SIGPIPE, SIG_IGN);
	for (i = 1; i < argc; i++) {
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--list") == 0)
			list = true;
		else if (strcmp(argv[i], "--strict") == 0)
			strict = true;
		else if (strcmp(argv[i], "--case") == 0 && value && npicks < MAX_PICKS)
			picks[npicks++] = argv[++i];
		else if (strcmp(argv[i], "--wait") == 0 && value && atol(value) > 0)
			start_ms = atol(argv[++i]) * 1000;
		else if (strcmp(argv[i], "--profile") == 0 && value && !profile_path)
			profile_path = argv[++i];
		else if (strcmp(argv[i], "--json") == 0 && value)
			json = argv[++i];
		else if (strcmp(argv[i], "--junit") == 0 && value)
			junit = argv[++i];
		else if (strcmp(argv[i], "--gradescope") == 0 && value)
			gradescope = argv[++i];
		else if (strcmp(argv[i], "--html") == 0 && value)
			html = argv[++i];
		else if (strcmp(argv[i], "--reference") == 0 && value)
			reference_spec = argv[++i];
		else if (argv[i][0] == '-')
			usage();
		else if (ntargets < MAX_TARGETS)
			targets[ntargets++] = (struct target){ .spec = argv[i] };
		else
			usage();
	}
	if (profile_path && !grade_profile_load(profile_path, &profile))
		return 2;
	if (list) {
		list_cases(picks, npicks, strict, &profile);
		grade_profile_free(&profile);
		return 0;
	}
	if (ntargets == 0 || (gradescope && ntargets != 1))
		usage();
	if (measuring(picks, npicks, &profile)) {
		if (reference_spec == NULL)
			reference_spec = default_spec = default_reference(argv[0]);
		reference.spec = reference_spec;
		if (reference_spec && !start_target(&reference)) {
			fprintf(stderr, "grade: the reference %s did not listen; no ratios\n",
				reference_spec);
			stop_target(&reference);
			reference.port = 0;
		}
	}
	for (i = 0; i < ntargets; i++) {
		targets[i].results = calloc(grade_case_count, sizeof(struct result));
		if (targets[i].results == NULL)
			err(2, "out of memory");
		if (!start_target(&targets[i])) {
			fprintf(stderr, "grade: %s: not listening on 127.0.0.1 within %ld s\n",
				targets[i].spec, start_ms / 1000);
			stop_target(&targets[i]);
			stop_target(&reference);
			while (i >= 0)
				free(targets[i--].results);
			grade_profile_free(&profile);
			free(default_spec);
			return 2;
		}
		grade_cost_context(targets[i].pid, reference.port, reference.pid,
				   reference_spec ? reference_spec : "");
		run_target(&targets[i], picks, npicks, strict, &profile);
		stop_target(&targets[i]);
	}
	stop_target(&reference);
	free(default_spec);
	for (i = 0; i < ntargets; i++) {
		grade_print(&targets[i], &profile);
		if (targets[i].required_failed)
			status = 1;
	}
	if (json)
		grade_write_json(json, targets, ntargets);
	if (junit)
		grade_write_junit(junit, targets, ntargets);
	if (gradescope)
		grade_write_gradescope(gradescope, &targets[0]);
	if (html)
		grade_write_html(html, targets, ntargets, &profile);
	for (i = 0; i < ntargets; i++)
		free(targets[i].results);
	grade_profile_free(&profile);
	return status;
}
