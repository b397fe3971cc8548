/*
 * 01_blocking: one process, one connection at a time.
 *
 * accept() blocks until a client arrives; the server then serves that client
 * until it leaves, and everybody else waits in the listen backlog. One idle
 * keep-alive client stops the world until the -t timeout (SO_RCVTIMEO) ends
 * it. This is "blocking I/O" from article 000 and the server article 001 starts
 * from before reaching for select.
 */
#include "conn_blocking.h"
#include "net.h"
#include "setup.h"
#include "signals.h"

int main(int argc, char **argv)
{
	struct server s;

	server_start(&s, "blocking", argc, argv, false, NULL);
	while (!signals_stop_requested()) {
		int fd = net_accept(s.listen_fd, false);

		if (fd < 0)
			continue; /* interrupted, or a connection dropped: see net.h */
		conn_serve_blocking(fd, s.idle_ms);
	}
	server_finish(&s);
	return 0;
}
