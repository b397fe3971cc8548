#!/usr/bin/env bash
# tests/valgrind.sh - each model under valgrind (memcheck) for a short
# scripted session: every route, a pipelined burst, bad requests, a client
# that resets in mid-response, keep-alive, then SIGTERM. Passes when every
# process valgrind saw (fork's children too) reports no errors and no
# definitely-lost memory. Run by `make valgrind`.
#
# Environment: BUILD (default build), MODELS (default: every built model).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
MODELS=${MODELS:-$(cd "$BUILD/bin" && ls | grep -v http_load)}
CLIENT=$BUILD/tests/client
# shellcheck source=bench/lib.sh
. bench/lib.sh # wait_for_start

if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind.sh: valgrind is missing (Debian: apt-get install -y valgrind)" >&2
	exit 1
fi

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
failed=0

session() {
	local port=$1 url="http://127.0.0.1:$1" long
	long=$(head -c 9000 /dev/zero | tr '\0' a)
	curl -sS --max-time 10 "$url/" "$url/bytes/100000" "$url/stats" "$url/nope" "$url/delay/20" -o /dev/null -o /dev/null -o /dev/null -o /dev/null -o /dev/null
	curl -sS --max-time 10 -I "$url/" >/dev/null
	printf 'GET /bytes/1 HTTP/1.1\r\nHost: t\r\n\r\nGET /bytes/2 HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n' |
		"$CLIENT" send "$port" -1 >/dev/null
	printf 'GET /%s HTTP/1.1\r\nHost: t\r\n\r\n' "$long" | "$CLIENT" send "$port" >/dev/null
	printf 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n' |
		"$CLIENT" send "$port" >/dev/null
	printf 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.0\r\n\r\n' |
		"$CLIENT" send "$port" >/dev/null
	printf 'GET /bytes/1000000 HTTP/1.1\r\nHost: t\r\n\r\n' | "$CLIENT" send "$port" -n 1 >/dev/null
	"$CLIENT" parallel "$port" 20 / -r 5 >/dev/null
}

for model in $MODELS; do
	rm -f "$logs"/*
	valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
		--child-silent-after-fork=no --log-file="$logs/%p.log" \
		"$BUILD/bin/$model" -p 0 -t 5 2>"$logs/server.err" &
	pid=$!
	# Valgrind starts slowly: allow a second try of wait_for_start's 5 s.
	if ! wait_for_start "$logs/server.err" && ! wait_for_start "$logs/server.err"; then
		echo "not ok - $model did not start under valgrind"
		cat "$logs/server.err"
		kill -KILL "$pid" 2>/dev/null
		failed=1
		continue
	fi
	session "$PORT"
	kill -TERM "$pid"
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	stuck=
	kill -KILL "$pid" 2>/dev/null && stuck="did not stop on SIGTERM within 10 s"
	wait "$pid" 2>/dev/null
	sleep 0.5 # fork's children finish their last connection
	# --quiet: a clean process writes nothing at all to its log.
	if [ -n "$stuck" ] || [ -n "$(cat "$logs"/*.log)" ] || grep -q 'Broken pipe' "$logs/server.err"; then
		echo "not ok - $model under valgrind $stuck"
		cat "$logs"/*.log
		failed=1
	else
		echo "ok - $model under valgrind: $(ls "$logs"/*.log | wc -l) process(es), no errors, no leaks"
	fi
done
exit "$failed"
