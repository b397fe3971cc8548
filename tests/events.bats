#!/usr/bin/env bats
# events.bats - what an event loop must get right. tests/run runs this file
# once per event-driven model (04-12: 11_pool's loop with its workers,
# 12_reuseport's loops, and their -Q and -A variants under TSan), with
# MODEL and MODEL_ARGS set.

load helpers

setup() {
	: "${MODEL:?set MODEL, e.g. MODEL=06_epoll}"
	# shellcheck disable=SC2086
	start_server "$MODEL" -t 5 ${MODEL_ARGS:-}
}

teardown() {
	cleanup_checked
}

@test "1,000 concurrent keep-alive connections are each answered" {
	run "$CLIENT" parallel "$PORT" 1000 / -r 2 -t 20000
	echo "$output"
	[ "$output" = "ok=1000 failed=0 ms=${output##*ms=}" ]
}

@test "100 half-sent requests do not delay a fresh client" {
	background "$CLIENT" hold "$PORT" 100 -s 'GET / HTTP/1.1\r\nHost: t\r\n' -d 20
	wait_until 5 'test "$(stat_value open)" -ge 101'
	run curl -sS --max-time 2 "http://127.0.0.1:$PORT/"
	[ "$output" = "Hello, World!" ]
}

@test "20 parallel /delay/300 take about 300 ms, not 20 x 300" {
	run "$CLIENT" parallel "$PORT" 20 /delay/300
	echo "$output"
	[[ "$output" == "ok=20 failed=0 "* ]]
	[ "${output##*ms=}" -lt 3000 ] # serial would be 6000
}

# The timer heap's evidence: the wait's timeout is the earliest deadline.
# Ten /delay/50 one after another on one connection take about 0.5 s; a
# loop that looked at its timers on a fixed tick (1 s) answered each at the
# next tick, ten seconds in all -- and still passed the test above.
@test "ten /delay/50 in a row take about 0.5 s: the wait ends at the earliest deadline" {
	run "$CLIENT" parallel "$PORT" 1 /delay/50 -r 10 -a -t 20000
	echo "$output"
	[[ "$output" == "ok=1 failed=0 "* ]]
	[ "${output##*ms=}" -lt 3000 ]
}

@test "a slow reader gets an 8 MiB body byte-exact" {
	printf 'GET /bytes/8388608 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n' |
		"$CLIENT" send "$PORT" -w 2 -t 30000 >"$BATS_TEST_TMPDIR/reply"
	grep -a -q '^Content-Length: 8388608' "$BATS_TEST_TMPDIR/reply"
	tail -c 8388608 "$BATS_TEST_TMPDIR/reply" | cmp - <(yes "$PATTERN_LINE" | head -c 8388608)
}

@test "clients resetting mid-body harm nobody, and their descriptors are freed" {
	for _ in $(seq 20); do
		printf 'GET /bytes/1000000 HTTP/1.1\r\nHost: t\r\n\r\n' | "$CLIENT" send "$PORT" -n 1000 >/dev/null
	done
	run curl -sS --max-time 5 "http://127.0.0.1:$PORT/"
	[ "$output" = "Hello, World!" ]
	wait_until 5 'test "$(stat_value open)" -eq 1' # just the /stats request itself
	assert_server_healthy
}
