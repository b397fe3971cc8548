#!/usr/bin/env bats
# comet.bats - the Comet routes (README.md, "Comet"; common/comet.h) on one
# model: a publish reaches every parked subscriber exactly once, in order,
# through churn; waiters go back to zero; every limit has its status.
# tests/run runs this file once per model, with MODEL set.

load helpers

FANOUT=${TOOLS:-$BUILD}/bin/fanout
[ -x "$FANOUT" ] || FANOUT=$BUILD/bin/fanout

setup() {
	: "${MODEL:?set MODEL, e.g. MODEL=06_epoll}"
}

teardown() {
	cleanup_checked
}

# The server's /stats counter of parked subscribers reaches $1 within $2 s.
waiters_become() {
	WANTED_WAITERS=$1
	wait_until "$2" '[ "$(stat_value waiters)" = "$WANTED_WAITERS" ]'
}

@test "a publish answers every parked subscriber: 100 x 50 messages, once each, in order, through churn" {
	if [ "$MODEL" = 01_blocking ]; then
		skip "01_blocking parks one subscriber and serves nobody else meanwhile (the lesson: see the next test)"
	fi
	start_server "$MODEL" -t 5
	# -x 30: after 30% of the deliveries a subscriber closes, resets just
	# after asking again (parked, then gone), or asks with wait=1 (a 204);
	# each comes back with its cursor and must miss nothing.
	run "$FANOUT" -p "$PORT" -n 100 -m 50 -x 30 -T 60
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"5000 of 5000 delivered, 0 missed, 0 duplicated"* ]]
	[[ $output == *"parked 100 before the first publish"* ]]
	# Reset, closed or timed out, a waiter leaves the set (03_thread's
	# threads look at their sockets every 500 ms).
	waiters_become 0 5
}

@test "01_blocking parks one subscriber, and nobody can publish until its wait ends" {
	[ "$MODEL" = 01_blocking ] || skip "the event and thread models park many"
	start_server "$MODEL" -t 5
	raw 'GET /sub/news?wait=1500 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' -t 4000 >"$BATS_TEST_TMPDIR/sub" &
	BACKGROUND_PIDS+=($!)
	sleep 0.3
	started=$(date +%s%N)
	run raw 'POST /pub/news HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi' -t 4000
	took=$((($(date +%s%N) - started) / 1000000))
	[[ $output == *"HTTP/1.1 200 OK"* ]]
	# The publish waited for the subscriber's wait to end, which ended
	# empty: the message came after it had given up.
	[ "$took" -gt 800 ]
	wait "${BACKGROUND_PIDS[0]}" || true
	grep -q "HTTP/1.1 204 No Content" "$BATS_TEST_TMPDIR/sub"
}

@test "a cursor catches up from the cache, and 410 says where to go on once the cache has dropped it" {
	start_server "$MODEL" -t 5
	# 203 messages: the cache keeps the last 200 (ids 4..203).
	for i in $(seq 1 203); do
		printf 'POST /pub/c HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\nm%d' $((${#i} + 1)) "$i"
	done >"$BATS_TEST_TMPDIR/requests"
	printf 'GET /stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >>"$BATS_TEST_TMPDIR/requests"
	"$CLIENT" send "$PORT" -t 10000 <"$BATS_TEST_TMPDIR/requests" >"$BATS_TEST_TMPDIR/pubs"
	[ "$(grep -c '^Message-Id: ' "$BATS_TEST_TMPDIR/pubs")" -eq 203 ]
	grep -q "^Message-Id: 203" "$BATS_TEST_TMPDIR/pubs"
	run raw 'GET /sub/c?after=3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
	[[ $output == *"Message-Id: 4"* ]] && [[ $output == *$'\r\n\r\nm4' ]]
	run raw 'GET /sub/c?after=202 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
	[[ $output == *"Message-Id: 203"* ]] && [[ $output == *m203 ]]
	run raw 'GET /sub/c?after=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
	[[ $output == *"HTTP/1.1 410 Gone"* ]] && [[ $output == *"Message-Id: 3"* ]]
	# A cursor from a history the channel never had: go on from its end.
	run raw 'GET /sub/c?after=999 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
	[[ $output == *"HTTP/1.1 410 Gone"* ]] && [[ $output == *"Message-Id: 203"* ]]
}

@test "an empty wait ends with 204 (no Content-Length), and the waiter is gone from /stats" {
	start_server "$MODEL" -t 5
	run raw 'GET /sub/quiet?wait=200 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' -t 4000
	[[ $output == "HTTP/1.1 204 No Content"* ]]
	[[ $output != *"Content-Length"* ]]
	waiters_become 0 3
}

@test "a subscriber that leaves while parked stops being a waiter at once" {
	[ "$MODEL" != 01_blocking ] || skip "01_blocking's one waiter blocks /stats too"
	start_server "$MODEL" -t 10
	"$CLIENT" hold "$PORT" 20 -s 'GET /sub/left HTTP/1.1\r\nHost: x\r\n\r\n' -d 30 >/dev/null &
	BACKGROUND_PIDS+=($!)
	waiters_become 20 5
	kill -KILL "${BACKGROUND_PIDS[0]}"
	# Well before the 10 s idle timeout (threads look every 500 ms).
	waiters_become 0 4
	run curl -sS --max-time 5 -X POST --data-binary x "http://127.0.0.1:$PORT/pub/left"
	[ "$output" = 1 ]
}

@test "Comet limits: names 400, message 413, methods 405, query 400, channels and waiters 503" {
	[ "$MODEL" != 01_blocking ] || skip "01_blocking serves one client: the waiter limit needs two"
	start_server "$MODEL" -t 5 -C 2 -W 1
	long=$(printf 'a%.0s' $(seq 65))
	run raw "GET /sub/$long HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
	[[ $output == "HTTP/1.1 400"* ]]
	run raw 'GET /sub/bad.name HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
	[[ $output == "HTTP/1.1 400"* ]]
	run raw 'POST /pub/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx'
	[[ $output == "HTTP/1.1 400"* ]]
	run curl -sS -o /dev/null -w '%{http_code}' --max-time 5 --data-binary @<(head -c 1025 /dev/zero) "http://127.0.0.1:$PORT/pub/a"
	[ "$output" = 413 ]
	run curl -sS -o /dev/null -w '%{http_code}' --max-time 5 --data-binary @<(head -c 1024 /dev/zero) "http://127.0.0.1:$PORT/pub/a"
	[ "$output" = 200 ]
	run raw 'GET /pub/a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
	[[ $output == "HTTP/1.1 405"* ]] && [[ $output == *"Allow: POST"* ]]
	run raw 'POST /sub/a HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx'
	[[ $output == "HTTP/1.1 405"* ]]
	for query in 'after=-1' 'after=x' 'wait=60001' 'after=99999999999999999999999'; do
		run raw "GET /sub/a?$query HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
		[[ $output == "HTTP/1.1 400"* ]] || { echo "$query: $output"; return 1; }
	done
	# -C 2: a and b, then no room for c.
	run raw 'GET /sub/b?after=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
	[[ $output == "HTTP/1.1 410"* ]]
	run raw 'GET /sub/c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
	[[ $output == "HTTP/1.1 503"* ]]
	# -W 1: one parked, the second refused.
	# Its wait ends by itself in 1 s: the teardown's count of descriptors
	# needs it gone, and killing the shell function leaves its client.
	raw 'GET /sub/a?after=1&wait=1000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' -t 3000 >/dev/null &
	BACKGROUND_PIDS+=($!)
	waiters_become 1 5
	run raw 'GET /sub/a?after=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
	[[ $output == "HTTP/1.1 503"* ]]
}

@test "a chunked publish is one message; bad chunk sizes are refused" {
	start_server "$MODEL" -t 5
	run raw 'POST /pub/ch HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: x\r\n\r\nGET /sub/ch HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
	[[ $output == *"Message-Id: 1"*"Message-Id: 1"*abcde ]]
	run raw 'POST /pub/ch HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n' -t 3000
	[[ $output == "HTTP/1.1 400"* ]] || [[ $output == "HTTP/1.1 413"* ]]
}
