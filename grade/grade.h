/*
 * grade.h - the grader's parts: talking to a server (exchange.c), the cases
 * (cases.c), a teacher's weights (profile.c), the reports (report.c) and
 * the command line that starts and stops the servers (main.c).
 *
 * A case is one question to one server, on fresh connections: bytes sent
 * in a given way, and what a server that meets the requirement does with
 * them. The grader never looks inside the server: it sees what a client
 * sees (a status line, bytes, a close, a reset, silence, and how long each
 * took), so it grades any HTTP/1.1 server on 127.0.0.1, in C or not.
 */
#ifndef C10K_GRADE_H
#define C10K_GRADE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

/* macOS has no MSG_NOSIGNAL: there SIGPIPE is ignored (main.c) instead. */
#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

/* ---------------------------------------------------------------- exchange */

/* How a request goes out. */
enum feed {
	FEED_WHOLE,    /* one write */
	FEED_BYTEWISE, /* one byte per write, 2 ms apart */
};

/* What came back on one connection. */
struct answer {
	int status;          /* of the first answer; 0: none */
	int answers;         /* complete answers (status line, head, body) */
	bool closed;         /* EOF seen */
	bool reset;          /* ECONNRESET */
	bool timed_out;      /* the wait ended without either */
	bool connect_failed; /* no connection at all */
	long first_byte_ms;  /* from the last byte sent; -1: no byte came */
	long ms;             /* from the last byte sent to the end of the wait */
	size_t bytes;        /* of answer */
	char head[160];      /* its first bytes, as they came */
	char body[64];       /* the first final answer's body, its first bytes */
	size_t body_len;     /* of them (at most sizeof(body) - 1) */
};

/* Connect to 127.0.0.1:port; -1 on failure (errno set). */
int grade_connect(int port);

/* Send len bytes of request with feed, then read for at most wait_ms, or
 * until `answers` complete answers came (0: until the connection ends;
 * -1: until any bytes came). */
void grade_exchange(int port, const char *request, size_t len, enum feed feed, int answers,
		    long wait_ms, struct answer *out);

/* Read what comes on fd for at most wait_ms (the same rules). */
void grade_read(int fd, int answers, long wait_ms, long started_ms, struct answer *out);

/* Read into buf (at most cap bytes) until `until` bytes came, the
 * connection ended or wait_ms passed; returns how many came, and *end how
 * the reading stopped. For the cases that look at the bytes themselves. */
enum { READ_WAITED, READ_CLOSED, READ_RESET };
size_t grade_read_bytes(int fd, char *buf, size_t cap, size_t until, long wait_ms, int *end);

long grade_now_ms(void);

/* ---------------------------------------------------------------- cases */

enum level {
	LEVEL_MUST,   /* RFC MUST: a failure fails the grade */
	LEVEL_SHOULD, /* RFC SHOULD: counted with --strict, else non-strict */
	LEVEL_LESSON, /* what the ladder teaches: informational unless asked */
};

enum verdict { PASS, NON_STRICT, FAIL, INFORMATIONAL, NOT_IMPLEMENTED };

struct grade_case {
	const char *id;          /* "request/host-missing": stable, for --case */
	const char *requirement; /* the RFC section or the lesson, in words */
	enum level level;
	const char *route; /* a route it needs ("/delay/1", "POST /echo"), or NULL */
	/* The case's question, asked of the server on port. Fills what was
	 * sent, expected and seen, for the report. */
	enum verdict (*run)(const struct grade_case *gc, int port, char *sent, size_t sent_len,
			    char *expected, size_t expected_len, char *actual, size_t actual_len);
	/* For the table-driven cases (run = grade_raw_case): */
	const char *request;
	size_t len; /* of request, when it holds a NUL; 0: strlen */
	enum feed feed;
	int lo, hi;       /* the answer's status must be in [lo, hi] ... */
	int lo2, hi2;     /* ... or in [lo2, hi2] (when hi2 > 0) ... */
	bool or_close;    /* ... or the server may close without one */
	bool waits;       /* ... or: a fragment, nothing may come at all */
	const char *body; /* and a 200's body must be this (an echo), or NULL */
	/* A measurement (the cost section): asked only when named (--case,
	 * or a profile rule other than "*"), and its figures are printed
	 * even when it passes. */
	bool measures;
};

extern const struct grade_case grade_cases[];
extern const size_t grade_case_count;

/* The section of a case: its id up to the first '/'. */
void grade_section(const struct grade_case *gc, char *out, size_t len);

/* Print the bytes of s as a C string would show them ("\r\n"). */
void grade_escape(const char *s, size_t len, char *out, size_t out_len);
/* What came back, in words: status, after how long, bytes, how it ended,
 * its first bytes. */
void grade_describe_answer(const struct answer *a, char *actual, size_t len);
/* A case's verdict from whether it held, by its level. */
enum verdict grade_by_level(const struct grade_case *gc, bool ok);

/* The Comet section (comet.c): article 003's long poll. */
enum verdict grade_comet_publish(const struct grade_case *gc, int port, char *sent, size_t sent_len,
				 char *expected, size_t expected_len, char *actual,
				 size_t actual_len);
enum verdict grade_comet_cached(const struct grade_case *gc, int port, char *sent, size_t sent_len,
				char *expected, size_t expected_len, char *actual,
				size_t actual_len);
enum verdict grade_comet_parked(const struct grade_case *gc, int port, char *sent, size_t sent_len,
				char *expected, size_t expected_len, char *actual,
				size_t actual_len);
enum verdict grade_comet_wakes(const struct grade_case *gc, int port, char *sent, size_t sent_len,
			       char *expected, size_t expected_len, char *actual,
			       size_t actual_len);
enum verdict grade_comet_in_order(const struct grade_case *gc, int port, char *sent,
				  size_t sent_len, char *expected, size_t expected_len,
				  char *actual, size_t actual_len);
enum verdict grade_comet_empty_wait(const struct grade_case *gc, int port, char *sent,
				    size_t sent_len, char *expected, size_t expected_len,
				    char *actual, size_t actual_len);
enum verdict grade_comet_gone(const struct grade_case *gc, int port, char *sent, size_t sent_len,
			      char *expected, size_t expected_len, char *actual, size_t actual_len);
enum verdict grade_comet_fan_out(const struct grade_case *gc, int port, char *sent, size_t sent_len,
				 char *expected, size_t expected_len, char *actual,
				 size_t actual_len);
enum verdict grade_comet_left(const struct grade_case *gc, int port, char *sent, size_t sent_len,
			      char *expected, size_t expected_len, char *actual, size_t actual_len);

/* The cost section (cost.c): the graded server's process group (0: not
 * started by the grader) and the reference server it is compared with. */
void grade_cost_context(pid_t server_group, int reference_port, pid_t reference_group,
			const char *reference_name);
enum verdict grade_cost_case(const struct grade_case *gc, int port, char *sent, size_t sent_len,
			     char *expected, size_t expected_len, char *actual, size_t actual_len);

/* ---------------------------------------------------------------- profile */

/* What a case counts for. Without a profile every case is worth a point,
 * the MUSTs are required (and the SHOULDs with --strict), the rest optional. */
enum need {
	NEED_REQUIRED, /* anything but a pass fails the grade, "not implemented" too */
	NEED_OPTIONAL, /* its points count, but it fails nothing */
	NEED_SKIP,     /* not asked at all */
	NEED_LEVEL,    /* in a profile: as its level says (the default); never in a result */
};

struct weight {
	int points;
	enum need need;
	bool by_profile; /* required by the profile's word, not by default: then
			    "not implemented" fails too */
};

struct profile_rule {
	char pattern[96]; /* an id, the start of ids, or "*" */
	struct weight weight;
};

struct profile {
	const char *path; /* NULL: no profile */
	struct profile_rule *rules;
	int nrules;
};

/* Read a profile file (docs/grading.md, grade/profiles/); false, with the
 * reason printed as FILE:LINE, if it cannot be read or says something
 * wrong: an unknown need, a weight out of 0..1000, a pattern that matches
 * no case (a typo would silently weigh nothing). */
bool grade_profile_load(const char *path, struct profile *p);
void grade_profile_free(struct profile *p);

/* The weight of a case: the rule with the longest matching pattern, else
 * the default above. */
struct weight grade_weight(const struct profile *p, const struct grade_case *gc, bool strict);

/* Does a rule other than "*" name the case (and not skip it)? */
bool grade_profile_names(const struct profile *p, const struct grade_case *gc);

/* ---------------------------------------------------------------- reports */

struct result {
	bool ran;
	enum verdict verdict; /* after the profile: a required non-pass is FAIL */
	struct weight weight;
	long ms; /* the case took */
	char sent[512], expected[256], actual[512];
};

struct target {
	const char *spec; /* as given */
	int port;
	pid_t pid;              /* started by us, or 0 */
	struct result *results; /* one per grade_cases[] */
	int points, max_points; /* a non-implemented optional case is out of both */
	bool required_failed;
	long ms; /* the whole grade of it took */
};

extern const char *grade_verdict_names[];
extern const char *grade_level_names[];
extern const char *grade_need_names[];

/* Count a graded target's points and whether a required case failed. */
void grade_total(struct target *t);

/* The terminal: what did not pass and why, a score per section, points. */
void grade_print(const struct target *t, const struct profile *profile);

/* The files (docs/grading.md shows each): every case of every target. */
void grade_write_json(const char *path, const struct target *targets, int ntargets);
void grade_write_junit(const char *path, const struct target *targets, int ntargets);
void grade_write_gradescope(const char *path, const struct target *t);
void grade_write_html(const char *path, const struct target *targets, int ntargets,
		      const struct profile *profile);

#endif
