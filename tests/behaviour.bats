#!/usr/bin/env bats
# behaviour.bats - the contract every model shares (README.md, "Poke one
# server"). tests/run runs this file once per model, with MODEL set.
# A test that measures time (not_under_asan) ends its name with [timed]:
# make test's plain pass runs only those (BEHAVIOUR=timed), its sanitizer
# pass all the others.

load helpers

# One server for the whole file (make test runs this file some thirty
# times: a server per test cost seconds each time). After every test it
# must still be healthy and back to its descriptors; a test that needs other
# flags, or kills its server, starts its own, which its teardown stops.
setup_file() {
	: "${MODEL:?set MODEL, e.g. MODEL=01_blocking}"
	# MODEL_ARGS: a model's own flags, e.g. -e for edge-triggered epoll.
	# shellcheck disable=SC2086
	IN_SETUP_FILE=1 start_server "$MODEL" -t 3 ${MODEL_ARGS:-}
	SHARED_SERVER_PID=$SERVER_PID
	export SERVER_PID PORT SERVER_LOG FD_BASELINE SHARED_SERVER_PID SERVER_REFUSED
}

setup() {
	[ -z "${SERVER_REFUSED:-}" ] || skip "$SERVER_REFUSED"
}

teardown_file() {
	stop_server
}

# own_server FLAGS...: this test's own server (the model's flags added).
own_server() {
	# shellcheck disable=SC2086
	start_server "$MODEL" "$@" ${MODEL_ARGS:-}
}

teardown() {
	if [ "${SERVER_PID:-}" = "$SHARED_SERVER_PID" ]; then
		check_server_after_test
	else
		cleanup_checked
	fi
}

@test "start-up line names the model, address and pid" {
	grep -E "^[a-z]+.* listening on 127\.0\.0\.1:$PORT pid $SERVER_PID\$" "$SERVER_LOG"
}

@test "GET / answers 200 Hello, World!" {
	run curl -sS --max-time 5 -D "$BATS_TEST_TMPDIR/head" "http://127.0.0.1:$PORT/"
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, World!" ]
	grep -q '^HTTP/1.1 200 OK' "$BATS_TEST_TMPDIR/head"
	grep -qi '^Content-Length: 14' "$BATS_TEST_TMPDIR/head"
	grep -qi '^Date: ' "$BATS_TEST_TMPDIR/head"
	grep -qi "^Server: c10k-lab (${MODEL#*_}" "$BATS_TEST_TMPDIR/head"
}

@test "HEAD / sends the head and no body" {
	run raw 'HEAD / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n'
	[ "$status" -eq 0 ]
	[[ "$output" == *"Content-Length: 14"* ]]
	[[ "$output" != *"Hello"* ]]
}

@test "GET /bytes/1000000 is byte-exact" {
	curl -sS --max-time 10 -o "$BATS_TEST_TMPDIR/body" "http://127.0.0.1:$PORT/bytes/1000000"
	yes "$PATTERN_LINE" | head -c 1000000 | cmp - "$BATS_TEST_TMPDIR/body"
}

@test "GET /bytes/0 is an empty 200" {
	run curl -sS --max-time 5 -w '%{http_code} %{size_download}' -o /dev/null "http://127.0.0.1:$PORT/bytes/0"
	[ "$output" = "200 0" ]
}

@test "GET /bytes/ with a bad or oversized number is 400" {
	run curl -sS --max-time 5 -w '%{http_code}' -o /dev/null "http://127.0.0.1:$PORT/bytes/12x"
	[ "$output" = "400" ]
	run curl -sS --max-time 5 -w '%{http_code}' -o /dev/null "http://127.0.0.1:$PORT/bytes/999999999999"
	[ "$output" = "400" ]
}

# The upper bound is no timing test: the shared server's idle time is 3 s,
# and a driver that slept until its idle deadline instead of the /delay's
# answered in 3.0 s.
@test "GET /delay/200 answers, no sooner than 200 ms and well before the idle timeout" {
	run curl -sS --max-time 5 -w '%{time_total}' "http://127.0.0.1:$PORT/delay/200"
	[ "${lines[0]}" = "Hello, World!" ]
	awk -v t="${lines[1]}" 'BEGIN { exit !(t >= 0.19 && t < 2) }'
}

# A server held past a client's idle deadline (here the whole process
# stopped; in a loop, a /spin or a slow handler does the same) must read
# the request that arrived in time before it judges the client idle: the
# loops compared the clock with the deadline first and reset the client,
# its request unread. -t 1; the client connects, sends its request 0.3 s
# later while the server is stopped, and the server wakes at 2 s.
@test "a request that came in time is answered after the server was held past its deadline, not cut [timed]" {
	local out="$BATS_TEST_TMPDIR/late"
	not_under_asan # 3 s of stopped server per model: the plain build and TSan run it
	own_server -t 1
	printf 'GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n' |
		"$CLIENT" send "$PORT" -d 300 -t 8000 >"$out" &
	BACKGROUND_PIDS+=($!)
	sleep 0.1 # accepted, its idle deadline armed
	kill -STOP "$SERVER_PID"
	sleep 1.9
	kill -CONT "$SERVER_PID"
	wait "${BACKGROUND_PIDS[-1]}" || true
	cat "$out"
	grep -q '^HTTP/1.1 200 OK' "$out"
	grep -q 'Hello, World!' "$out"
	# An idle client that really sent nothing is still timed out.
	printf '' | "$CLIENT" send "$PORT" -t 4000
}

# server_cpu_ms: the server's CPU time so far, reaped children included
# (02_fork burns /spin in a child); empty where /proc is missing.
server_cpu_ms() {
	[ -r "/proc/$SERVER_PID/stat" ] || return 0
	cpu_ms "$SERVER_PID" reaped
}

@test "GET /spin/200000 answers after burning 200 ms of CPU" {
	local before after
	before=$(server_cpu_ms)
	run curl -sS --max-time 5 -w '%{time_total}' "http://127.0.0.1:$PORT/spin/200000"
	[ "${lines[0]}" = "Hello, World!" ]
	awk -v t="${lines[1]}" 'BEGIN { exit !(t >= 0.19) }'
	if [ -n "$before" ]; then
		# spent on the CPU, not asleep (generous: clock ticks are 10 ms)
		wait_until 2 'after=$(server_cpu_ms); test "$after" -ge $((before + 150))'
	fi
}

@test "four /spin at once all answer (and share nothing: TSan runs this on 03_thread)" {
	local i pids=()
	for i in 1 2 3 4; do
		curl -sS --max-time 10 "http://127.0.0.1:$PORT/spin/50000" >"$BATS_TEST_TMPDIR/spin$i" &
		pids+=("$!")
	done
	wait "${pids[@]}"
	for i in 1 2 3 4; do
		[ "$(cat "$BATS_TEST_TMPDIR/spin$i")" = "Hello, World!" ]
	done
}

@test "GET /stats reports the model and counters that move" {
	local before after
	curl -sS --max-time 5 "http://127.0.0.1:$PORT/" >/dev/null
	run curl -sS --max-time 5 "http://127.0.0.1:$PORT/stats"
	[[ "$output" == *"model: ${MODEL#*_}"* ]]
	for name in accepted requests open errors timeouts refused yields; do
		[[ "$output" == *"$name: "* ]]
	done
	before=$(stat_value requests)
	curl -sS --max-time 5 "http://127.0.0.1:$PORT/" >/dev/null
	after=$(stat_value requests)
	[ "$after" -eq $((before + 2)) ]
}

@test "unknown path is 404; a query string is ignored" {
	run curl -sS --max-time 5 -w '%{http_code}' -o /dev/null "http://127.0.0.1:$PORT/nope"
	[ "$output" = "404" ]
	run curl -sS --max-time 5 "http://127.0.0.1:$PORT/?x=1"
	[ "$output" = "Hello, World!" ]
}

@test "POST / echoes its body (as h1spec expects); PUT is 405 with Allow; GET /echo 405; an unknown method 501" {
	run raw 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc'
	[[ "$output" == "HTTP/1.1 200 OK"* ]]
	[[ "$output" == *$'Content-Length: 3\r\nConnection: close\r\n\r\nabc' ]]
	run raw 'PUT / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc'
	[[ "$output" == "HTTP/1.1 405 Method Not Allowed"* ]]
	[[ "$output" == *"Allow: GET, HEAD, POST"* ]]
	run raw 'GET /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n'
	[[ "$output" == "HTTP/1.1 405 Method Not Allowed"* ]]
	[[ "$output" == *"Allow: POST"* ]]
	run raw 'BREW /pot HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n'
	[[ "$output" == "HTTP/1.1 501 Not Implemented"* ]]
}

@test "malformed request: 400, then the connection closes" {
	run raw 'GET  / HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n'
	[ "$status" -eq 0 ]
	[ "$(printf '%s' "$output" | status_lines)" = "400 " ]
	[[ "$output" == *"Connection: close"* ]]
}

@test "HTTP/2.0 request line is 505" {
	run raw 'GET / HTTP/2.0\r\nHost: t\r\n\r\n'
	[[ "$output" == "HTTP/1.1 505 "* ]]
}

@test "POST /echo answers its body byte for byte: Content-Length, chunked, and 300 KB of binary" {
	head -c 300000 /dev/urandom >"$BATS_TEST_TMPDIR/body"
	curl -sS --max-time 20 --data-binary @"$BATS_TEST_TMPDIR/body" -o "$BATS_TEST_TMPDIR/counted" \
		"http://127.0.0.1:$PORT/echo"
	cmp "$BATS_TEST_TMPDIR/body" "$BATS_TEST_TMPDIR/counted"
	curl -sS --max-time 20 -H 'Transfer-Encoding: chunked' --data-binary @"$BATS_TEST_TMPDIR/body" \
		-o "$BATS_TEST_TMPDIR/chunked" "http://127.0.0.1:$PORT/echo"
	cmp "$BATS_TEST_TMPDIR/body" "$BATS_TEST_TMPDIR/chunked"
}

@test "a chunked body a byte at a time, pipelined between requests, is echoed and the next answered" {
	run raw 'GET /bytes/1 HTTP/1.1\r\nHost: t\r\n\r\nPOST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nab\r\n\r\n1\r\nc\r\n0\r\nTrailer: x\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n' -1
	[ "$status" -eq 0 ]
	[ "$(printf '%s' "$output" | status_lines)" = "200 200 200 " ]
	# the echo: 5 bytes, CR LF inside the data kept as data
	[[ "$output" == *$'Content-Length: 5\r\n\r\nab\r\ncHTTP/1.1 200'* ]]
}

@test "bad chunked framing is 400, a body past the limit 413, a coding not decoded 501; each closes" {
	run raw 'POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n'
	[ "$status" -eq 0 ]
	[ "$(printf '%s' "$output" | status_lines)" = "400 " ]
	run raw 'POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n100001\r\n'
	[ "$(printf '%s' "$output" | status_lines)" = "413 " ]
	run raw 'POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n'
	[ "$(printf '%s' "$output" | status_lines)" = "501 " ]
	run raw 'POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n'
	[ "$(printf '%s' "$output" | status_lines)" = "400 " ]
}

@test "oversized request line is 414, oversized headers 431, huge body 413" {
	local long
	long=$(head -c 9000 /dev/zero | tr '\0' a)
	run raw "GET /$long HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n"
	[[ "$output" == "HTTP/1.1 414 "* ]]
	run raw "GET / HTTP/1.1\\r\\nHost: t\\r\\nX-Big: $long\\r\\n\\r\\n"
	[[ "$output" == "HTTP/1.1 431 "* ]]
	run raw 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999\r\n\r\n'
	[[ "$output" == "HTTP/1.1 413 "* ]]
}

@test "a head that fills the input buffer: the largest allowed is answered, one byte more is 431" {
	local path big
	# A request line of exactly 8,192 bytes ("GET /" + 8,176 + " HTTP/1.1\r\n")
	# and header bytes of exactly 8,192, blank line included: the largest head
	# the limits allow. The client half-closes after sending.
	path=$(head -c 8176 /dev/zero | tr '\0' a)
	big=$(head -c 8176 /dev/zero | tr '\0' b)
	run raw "GET /$path HTTP/1.1\\r\\nHost: t\\r\\nX: $big\\r\\n\\r\\n" -H -t 5000
	[ "$(printf '%s' "$output" | status_lines)" = "404 " ]
	# One header byte more can never fit: 431 at once, then the close.
	run raw "GET /$path HTTP/1.1\\r\\nHost: t\\r\\nX: ${big}b\\r\\n\\r\\n" -t 5000
	[ "$status" -eq 0 ]
	[ "$(printf '%s' "$output" | status_lines)" = "431 " ]
}

@test "Expect: 100-continue: a route that drops the body answers at once; /echo asks for it with 100" {
	local got
	# curl waits --expect100-timeout (5 s) for a 100 before sending the body
	# anyway; a server that neither answers nor says 100 makes it wait.
	head -c 100000 /dev/urandom >"$BATS_TEST_TMPDIR/body"
	got=$(curl -sS -o /dev/null --max-time 20 --expect100-timeout 5 -H 'Expect: 100-continue' \
		-X GET --data-binary @"$BATS_TEST_TMPDIR/body" -w '%{http_code} %{time_total}' "http://127.0.0.1:$PORT/")
	echo "$got"
	[ "${got% *}" = 200 ]
	awk -v t="${got#* }" 'BEGIN { exit !(t < 2.5) }'
	got=$(curl -sS -o "$BATS_TEST_TMPDIR/echo" --max-time 20 --expect100-timeout 5 \
		-H 'Expect: 100-continue' --data-binary @"$BATS_TEST_TMPDIR/body" \
		-w '%{http_code} %{time_total}' "http://127.0.0.1:$PORT/echo")
	echo "$got"
	[ "${got% *}" = 200 ]
	awk -v t="${got#* }" 'BEGIN { exit !(t < 2.5) }'
	cmp "$BATS_TEST_TMPDIR/body" "$BATS_TEST_TMPDIR/echo"
	run raw 'POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\n' -H
	[ "$(printf '%s' "$output" | status_lines)" = "100 " ] # then the client half-closed: no body
}

@test "a request body is read and discarded; the next request is answered" {
	run raw 'GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n'
	[ "$(printf '%s' "$output" | status_lines)" = "200 200 " ]
	[ "$(printf '%s' "$output" | grep -c 'Hello, World!')" -eq 2 ]
}

@test "HTTP/1.1 keep-alive: curl reuses the connection" {
	run curl -sv --max-time 5 "http://127.0.0.1:$PORT/" "http://127.0.0.1:$PORT/"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Re-using existing connection"* ]]
	[ "$(printf '%s' "$output" | grep -c 'Hello, World!')" -eq 2 ]
}

@test "HTTP/1.0 closes after the answer" {
	run raw 'GET / HTTP/1.0\r\n\r\n' -t 2500
	[ "$status" -eq 0 ] # EOF, not a timeout
	[[ "$output" == *"Connection: close"* ]]
}

@test "HTTP/1.0 with keep-alive stays open" {
	run raw 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n' -t 700
	[ "$status" -eq 3 ] # still open when the client gave up
	[[ "$output" == *"Connection: keep-alive"* ]]
	[[ "$output" == *"Hello, World!"* ]]
}

@test "Connection: close is honoured" {
	run raw 'GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n' -t 2500
	[ "$status" -eq 0 ]
	[[ "$output" == *"Connection: close"* ]]
}

five_pipelined='GET /bytes/1 HTTP/1.1\r\nHost: t\r\n\r\nGET /bytes/2 HTTP/1.1\r\nHost: t\r\n\r\nGET /bytes/3 HTTP/1.1\r\nHost: t\r\n\r\nGET /bytes/4 HTTP/1.1\r\nHost: t\r\n\r\nGET /bytes/5 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n'

@test "five pipelined requests in one write are answered in order" {
	run raw "$five_pipelined"
	[ "$status" -eq 0 ]
	[ "$(printf '%s' "$output" | grep -a -o 'Content-Length: [0-9]*' | tr '\n' ' ')" = \
	  "Content-Length: 1 Content-Length: 2 Content-Length: 3 Content-Length: 4 Content-Length: 5 " ]
}

@test "the same five requests sent one byte per write" {
	run raw "$five_pipelined" -1
	[ "$status" -eq 0 ]
	[ "$(printf '%s' "$output" | status_lines)" = "200 200 200 200 200 " ]
}

@test "an idle connection is closed after -t" {
	local start end
	own_server -t 1
	start=$(date +%s)
	run raw '' -t 8000 # send nothing, wait for the server to hang up
	end=$(date +%s)
	[ "$status" -eq 0 ]
	[ $((end - start)) -le 5 ]
}

# The header deadline counts from a head's first byte, in every driver: a
# blocking read's own timeout (SO_RCVTIMEO) restarts with every byte, so
# conn_blocking.c shortens it to what is left. -t 2: one byte, another
# 1.5 s later, then silence: cut at 2 s, not 2 s after the last byte
# (3.5 s, what the blocking models did without that bound).
@test "a head begun and left unfinished is cut -t after its first byte, not its last [timed]" {
	local start end
	not_under_asan # a bound in time: the plain build and TSan run it
	own_server -t 2
	start=$(date +%s%N)
	run raw 'GX' -1 -g 1500 -t 8000
	end=$(date +%s%N)
	echo "cut after $(((end - start) / 1000000)) ms"
	[ "$status" -eq 0 ] && [ -z "$output" ]
	[ $(((end - start) / 1000000)) -lt 3000 ]
}

@test "a client trickling its head is cut off by the header timeout" {
	local start end
	own_server -t 1
	start=$(date +%s)
	# 40 bytes of a request line, one every 200 ms: 8 s if allowed to finish.
	run raw 'GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' -1 -g 200 -t 8000
	end=$(date +%s)
	[ "$status" -eq 0 ] # the server hung up...
	[ -z "$output" ]    # ...without an answer
	[ $((end - start)) -le 5 ]
	[ "$(stat_value timeouts)" -ge 1 ]
}

@test "bad input ends one client, never the server" {
	# A TLS handshake: one 400, then the server closes (status 0: EOF, not
	# a reset, not the client's 3 s deadline).
	run raw '\x16\x03\x01\x00\xff\x01\x00' -t 3000
	[ "$status" -eq 0 ]
	[ "$(printf '%s' "$output" | status_lines)" = "400 " ]
	# Half a head, then the client stops sending: no answer, just the close.
	run raw 'GET / HTTP/1.1\r\nHost: t\r\n\r' -H -t 3000
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run curl -sS --max-time 5 "http://127.0.0.1:$PORT/"
	[ "$output" = "Hello, World!" ]
	assert_server_healthy
}

@test "SIGTERM stops the server with a one-line summary" {
	own_server -t 3
	curl -sS --max-time 5 "http://127.0.0.1:$PORT/" >/dev/null
	kill -TERM "$SERVER_PID"
	wait_until 5 '! kill -0 "$SERVER_PID" 2>/dev/null'
	grep -E "stopped after [0-9]+s: accepted [0-9]+, requests [0-9]+" "$SERVER_LOG"
	SERVER_PID=
}
