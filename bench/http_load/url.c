/*
 * url.c - the URL file: one http:// URL a line (blank lines and # comments
 * skipped, CRLF fine, IPv6 in brackets), each resolved once and turned into
 * the bytes of its request. See http_load.h.
 */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "http_load.h"

/* host:port (or [v6]:port) to an address; exits on failure. */
static socklen_t resolve(const char *host, const char *port, struct sockaddr_storage *out,
			 const char *for_url)
{
	struct addrinfo hints = { 0 }, *ai;
	int rc;
	socklen_t len;

	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, port, &hints, &ai);
	if (rc != 0) {
		fprintf(stderr, "http_load: %s: unknown host %s (%s)\n", for_url, host,
			gai_strerror(rc));
		exit(1);
	}
	memcpy(out, ai->ai_addr, ai->ai_addrlen);
	len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return len;
}

/* The request for one URL, in a buffer of exactly its size: the first
 * snprintf measures, the second writes, and both must agree. */
static char *build_request(const char *target, const char *authority, int authority_len,
			   size_t *len)
{
	static const char shape[] = "GET %s %s\r\nHost: %.*s\r\nUser-Agent: http_load %s\r\n\r\n";
	const char *version = run.opt.keepalive ? "HTTP/1.1" : "HTTP/1.0";
	int need = snprintf(NULL, 0, shape, target, version, authority_len, authority, VERSION);
	char *request;

	if (need < 0)
		die("%s: cannot build the request", target);
	request = checked_realloc(NULL, (size_t)need + 1);
	if (snprintf(request, (size_t)need + 1, shape, target, version, authority_len, authority,
		     VERSION) != need)
		die("%s: cannot build the request", target);
	*len = (size_t)need;
	return request;
}

static void parse_url(struct url *u, const char *line)
{
	const char *p, *host, *host_end, *authority = line + 7, *path;
	char host_buf[256], port_buf[16] = "80";
	size_t host_len;

	u->text = strdup(line);
	if (u->text == NULL)
		die("%s", "out of memory");
	u->eof_body_bytes = -1;
	if (strncmp(line, "https://", 8) == 0)
		die("%s: https is not supported (no TLS here)", line);
	if (strncmp(line, "http://", 7) != 0)
		die("%s: not an http:// URL", line);
	host = p = authority;
	if (*p == '[') {
		host_end = strchr(p, ']');
		if (host_end == NULL)
			die("%s: unterminated [IPv6 address]", line);
		host++;
		p = host_end + 1;
	} else {
		p += strcspn(p, ":/");
		host_end = p;
	}
	host_len = (size_t)(host_end - host);
	if (host_len == 0 || host_len >= sizeof(host_buf))
		die("%s: bad host", line);
	memcpy(host_buf, host, host_len);
	host_buf[host_len] = '\0';
	if (*p == ':') {
		size_t n = strcspn(++p, "/");
		if (n == 0 || n >= sizeof(port_buf) || strspn(p, "0123456789") != n)
			die("%s: bad port", line);
		memcpy(port_buf, p, n);
		port_buf[n] = '\0';
		p += n;
	}
	if (*p != '\0' && *p != '/')
		die("%s: cannot parse", line);
	path = *p ? p : "/";
	/* Through a proxy, the proxy resolves the host: we never connect to it. */
	if (run.opt.proxy == NULL)
		u->addr_len = resolve(host_buf, port_buf, &u->addr, line);
	/* Host is the authority as written: host[:port], brackets kept. */
	u->request = build_request(run.opt.proxy ? line : path, authority, (int)(p - authority),
				   &u->request_len);
}

void read_url_file(void)
{
	FILE *f = fopen(run.opt.url_file, "r");
	char line[8192];
	size_t url_cap = 0;

	if (f == NULL) {
		perror(run.opt.url_file);
		exit(1);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t n = strcspn(line, "\r\n");
		char *start = line;

		if (line[n] == '\0' && !feof(f))
			die("%s: a line is longer than 8191 bytes", run.opt.url_file);
		line[n] = '\0';
		while (*start == ' ' || *start == '\t')
			start++;
		if (*start == '\0' || *start == '#')
			continue;
		if (!grow_array(&run.urls, &url_cap, (size_t)run.url_count + 1, sizeof(*run.urls),
				16))
			die("%s", "out of memory");
		parse_url(&run.urls[run.url_count++], start);
	}
	fclose(f);
	if (run.url_count == 0)
		die("%s: no URLs in this file", run.opt.url_file);
}

struct url *pick_url(void)
{
	return &run.urls[run.url_count > 1 ? random() % run.url_count : 0];
}

void setup_proxy(void)
{
	char host[256];
	const char *colon = strrchr(run.opt.proxy, ':');

	if (colon == NULL || colon == run.opt.proxy ||
	    (size_t)(colon - run.opt.proxy) >= sizeof(host))
		die("-proxy %s: expected host:port", run.opt.proxy);
	memcpy(host, run.opt.proxy, (size_t)(colon - run.opt.proxy));
	host[colon - run.opt.proxy] = '\0';
	run.proxy_addr_len = resolve(host, colon + 1, &run.proxy_addr, run.opt.proxy);
}
