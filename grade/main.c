/*
 * grade - a black-box grader for HTTP/1.1 servers: the RFC's requirements
 * for the request and the connection, robustness, and the ladder's lessons
 * on concurrency, asked of any server on 127.0.0.1 (docs/grading.md).
 *
 *   grade [--list] [--case ID|PREFIX]... [--strict] [--wait SECONDS]
 *         [--json FILE] [--junit FILE] TARGET...
 *
 * A TARGET is a server already running, http://127.0.0.1:PORT, or a
 * command with {port} in it, which the grader starts on a free port, waits
 * for (--wait, default 10 s), and stops by its process group (SIGTERM, then SIGKILL if it hangs).
 * Several targets are graded side by side, each case on fresh connections.
 * Exit status: 0 every required case passed on every target; 1 some did
 * not; 2 usage, or a target that never listened.
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

struct result {
	enum verdict verdict;
	char sent[512], expected[256], actual[512];
};

struct target {
	const char *spec; /* as given */
	int port;
	pid_t pid; /* started by us, or 0 */
	struct result *results;
};

static const char *verdict_names[] = { "pass", "non-strict", "fail", "informational",
				       "not implemented" };
static const char *level_names[] = { "MUST", "SHOULD", "lesson" };

static void usage(void)
{
	fprintf(stderr, "usage: grade [--list] [--case ID|PREFIX]... [--strict] [--wait SECONDS] "
			"[--json FILE] [--junit FILE] TARGET...\n"
			"  TARGET: http://127.0.0.1:PORT (running), or a command with {port}\n");
	exit(2);
}

static bool picked(const struct grade_case *gc, const char **picks, int npicks)
{
	int i;

	if (npicks == 0)
		return true;
	/* An id, or the start of ids: "robustness/fragment" takes all five. */
	for (i = 0; i < npicks; i++)
		if (strncmp(gc->id, picks[i], strlen(picks[i])) == 0)
			return true;
	return false;
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
	if (post)
		return a.body_len == 2 && memcmp(a.body, "ok", 2) == 0;
	return bytes < 0 || a.body_len == (size_t)bytes;
}

static void run_target(struct target *t, const char **picks, int npicks, bool strict)
{
	size_t i;

	for (i = 0; i < grade_case_count; i++) {
		const struct grade_case *gc = &grade_cases[i];
		struct result *r = &t->results[i];

		if (!picked(gc, picks, npicks))
			continue;
		if (t->pid > 0 && waitpid(t->pid, NULL, WNOHANG) == t->pid) {
			t->pid = 0;
			r->verdict = FAIL;
			snprintf(r->actual, sizeof(r->actual), "the server had exited");
			continue;
		}
		if (gc->route && !has_route(t->port, gc->route)) {
			r->verdict = NOT_IMPLEMENTED;
			snprintf(r->actual, sizeof(r->actual),
				 "%s%s is not answered as the route says",
				 strncmp(gc->route, "POST ", 5) == 0 ? "" : "GET ", gc->route);
			continue;
		}
		r->verdict = gc->run(gc, t->port, r->sent, sizeof(r->sent), r->expected,
				     sizeof(r->expected), r->actual, sizeof(r->actual));
		if (strict && r->verdict == NON_STRICT)
			r->verdict = FAIL;
	}
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '"')
			fputs("&quot;", f);
		else if ((unsigned char)*s >= 0x20 || *s == '\n')
			fputc(*s, f);
	}
}

static void write_json(const char *path, struct target *targets, int ntargets, const char **picks,
		       int npicks)
{
	FILE *f = fopen(path, "w");
	int t;

	if (f == NULL) {
		perror(path);
		return;
	}
	fprintf(f, "{\"targets\": [");
	for (t = 0; t < ntargets; t++) {
		bool first = true;

		fprintf(f, "%s\n {\"target\": ", t ? "," : "");
		json_string(f, targets[t].spec);
		fprintf(f, ", \"cases\": [");
		for (size_t i = 0; i < grade_case_count; i++) {
			const struct grade_case *gc = &grade_cases[i];
			const struct result *r = &targets[t].results[i];
			char section[32];

			if (!picked(gc, picks, npicks))
				continue;
			grade_section(gc, section, sizeof(section));
			fprintf(f,
				"%s\n  {\"id\": \"%s\", \"section\": \"%s\", \"level\": \"%s\", "
				"\"verdict\": \"%s\", \"requirement\": ",
				first ? "" : ",", gc->id, section, level_names[gc->level],
				verdict_names[r->verdict]);
			json_string(f, gc->requirement);
			fprintf(f, ", \"sent\": ");
			json_string(f, r->sent);
			fprintf(f, ", \"expected\": ");
			json_string(f, r->expected);
			fprintf(f, ", \"actual\": ");
			json_string(f, r->actual);
			fprintf(f, "}");
			first = false;
		}
		fprintf(f, "]}");
	}
	fprintf(f, "\n]}\n");
	fclose(f);
}

static void write_junit(const char *path, struct target *targets, int ntargets, const char **picks,
			int npicks)
{
	FILE *f = fopen(path, "w");
	int t;

	if (f == NULL) {
		perror(path);
		return;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
	for (t = 0; t < ntargets; t++) {
		int tests = 0, failures = 0;

		for (size_t i = 0; i < grade_case_count; i++)
			if (picked(&grade_cases[i], picks, npicks)) {
				tests++;
				failures += targets[t].results[i].verdict == FAIL;
			}
		fprintf(f, " <testsuite name=\"");
		xml_text(f, targets[t].spec);
		fprintf(f, "\" tests=\"%d\" failures=\"%d\">\n", tests, failures);
		for (size_t i = 0; i < grade_case_count; i++) {
			const struct grade_case *gc = &grade_cases[i];
			const struct result *r = &targets[t].results[i];
			char section[32];

			if (!picked(gc, picks, npicks))
				continue;
			grade_section(gc, section, sizeof(section));
			fprintf(f, "  <testcase classname=\"%s\" name=\"%s\">", section, gc->id);
			if (r->verdict == FAIL) {
				fprintf(f, "<failure message=\"");
				xml_text(f, gc->requirement);
				fprintf(f, "\">sent: ");
				xml_text(f, r->sent);
				fprintf(f, "\nexpected: ");
				xml_text(f, r->expected);
				fprintf(f, "\nactual: ");
				xml_text(f, r->actual);
				fprintf(f, "</failure>");
			} else if (r->verdict == NOT_IMPLEMENTED) {
				fprintf(f, "<skipped message=\"not implemented\"/>");
			}
			fprintf(f, "</testcase>\n");
		}
		fprintf(f, " </testsuite>\n");
	}
	fprintf(f, "</testsuites>\n");
	fclose(f);
}

/* The terminal: what failed and why, then a score per section. Returns
 * whether every required case passed. */
static bool print_target(const struct target *t, const char **picks, int npicks)
{
	char sections[16][32];
	int passed[16] = { 0 }, counted[16] = { 0 }, nsections = 0, s;
	bool all_required = true;

	printf("\n== %s\n", t->spec);
	for (size_t i = 0; i < grade_case_count; i++) {
		const struct grade_case *gc = &grade_cases[i];
		const struct result *r = &t->results[i];
		char section[32];

		if (!picked(gc, picks, npicks))
			continue;
		grade_section(gc, section, sizeof(section));
		for (s = 0; s < nsections && strcmp(sections[s], section) != 0; s++)
			;
		if (s == nsections && nsections < 16)
			snprintf(sections[nsections++], sizeof(sections[0]), "%s", section);
		if (r->verdict != NOT_IMPLEMENTED) {
			counted[s]++;
			passed[s] += r->verdict == PASS;
		}
		if (r->verdict == FAIL)
			all_required = false;
		printf("%-16s %-44s %s\n", verdict_names[r->verdict], gc->id,
		       level_names[gc->level]);
		if (r->verdict != PASS) {
			printf("    requirement: %s\n", gc->requirement);
			if (r->sent[0])
				printf("    sent:        %s\n", r->sent);
			if (r->expected[0])
				printf("    expected:    %s\n", r->expected);
			printf("    actual:      %s\n", r->actual);
		}
	}
	printf("-- score:");
	for (s = 0; s < nsections; s++)
		printf(" %s %d/%d", sections[s], passed[s], counted[s]);
	printf("%s\n", all_required ? "" : "; a required case failed");
	return all_required;
}

int main(int argc, char **argv)
{
	struct target targets[MAX_TARGETS];
	const char *picks[MAX_PICKS], *json = NULL, *junit = NULL;
	int npicks = 0, ntargets = 0, i, status = 0;
	bool list = false, strict = false;

	signal(SIGPIPE, SIG_IGN);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--list") == 0)
			list = true;
		else if (strcmp(argv[i], "--strict") == 0)
			strict = true;
		else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc && npicks < MAX_PICKS)
			picks[npicks++] = argv[++i];
		else if (strcmp(argv[i], "--wait") == 0 && i + 1 < argc && atol(argv[i + 1]) > 0)
			start_ms = atol(argv[++i]) * 1000;
		else if (strcmp(argv[i], "--json") == 0 && i + 1 < argc)
			json = argv[++i];
		else if (strcmp(argv[i], "--junit") == 0 && i + 1 < argc)
			junit = argv[++i];
		else if (argv[i][0] == '-')
			usage();
		else if (ntargets < MAX_TARGETS)
			targets[ntargets++] = (struct target){ .spec = argv[i] };
		else
			usage();
	}
	if (list) {
		for (size_t c = 0; c < grade_case_count; c++)
			if (picked(&grade_cases[c], picks, npicks))
				printf("%-44s %-6s %s\n", grade_cases[c].id,
				       level_names[grade_cases[c].level],
				       grade_cases[c].requirement);
		return 0;
	}
	if (ntargets == 0)
		usage();
	for (i = 0; i < ntargets; i++) {
		targets[i].results = calloc(grade_case_count, sizeof(struct result));
		if (targets[i].results == NULL)
			err(2, "out of memory");
		if (!start_target(&targets[i])) {
			fprintf(stderr, "grade: %s: not listening on 127.0.0.1 within %ld s\n",
				targets[i].spec, start_ms / 1000);
			stop_target(&targets[i]);
			while (i >= 0)
				free(targets[i--].results);
			return 2;
		}
		run_target(&targets[i], picks, npicks, strict);
		stop_target(&targets[i]);
	}
	for (i = 0; i < ntargets; i++)
		if (!print_target(&targets[i], picks, npicks))
			status = 1;
	if (json)
		write_json(json, targets, ntargets, picks, npicks);
	if (junit)
		write_junit(junit, targets, ntargets, picks, npicks);
	for (i = 0; i < ntargets; i++)
		free(targets[i].results);
	return status;
}
