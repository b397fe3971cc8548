#!/usr/bin/env bats
# bats_require_minimum_version 1.5.0 is implied by run --separate-stderr.
# http_load.bats - bench/http_load against its manual (bench/README.md): report
# format, flag prefixes, argument errors, exact counts, failures, extensions.

load helpers
bats_require_minimum_version 1.5.0

HTTP_LOAD="$BUILD/bin/http_load"

setup() {
	[ -x "$HTTP_LOAD" ] || skip "http_load is not built in $BUILD"
	URLS="$BATS_TEST_TMPDIR/urls"
}

teardown() {
	cleanup
}

# best_model: the fastest event model built here.
best_model() {
	local m
	for m in 06_epoll 07_kqueue 05_poll; do
		[ -x "$BUILD/bin/$m" ] && { echo "$m"; return; }
	done
	echo 03_thread
}

serve() {
	start_server "$(best_model)" -t 10 "$@"
	printf 'http://127.0.0.1:%s/\n' "$PORT" >"$URLS"
}

@test "report lines match the original's format" {
	serve
	run "$HTTP_LOAD" -parallel 5 -fetches 2000 "$URLS" # long enough (> 0.01 s) for the rate line
	[ "$status" -eq 0 ]
	echo "$output"
	[[ "${lines[0]}" =~ ^2000\ fetches,\ [0-9]+\ max\ parallel,\ 28000\ bytes,\ in\ [0-9.e+-]+\ seconds$ ]]
	[ "${lines[1]}" = "14 mean bytes/connection" ]
	[[ "${lines[2]}" =~ ^[0-9.e+]+\ fetches/sec,\ [0-9.e+]+\ bytes/sec$ ]]
	[[ "${lines[3]}" =~ ^msecs/connect:\ [0-9.e+-]+\ mean,\ [0-9.e+-]+\ max,\ [0-9.e+-]+\ min$ ]]
	[[ "${lines[4]}" =~ ^msecs/first-response:\ [0-9.e+-]+\ mean,\ [0-9.e+-]+\ max,\ [0-9.e+-]+\ min$ ]]
	[ "${lines[5]}" = "HTTP response codes:" ]
	[ "${lines[6]}" = "  code 200 -- 2000" ]
	[ "${#lines[@]}" -eq 7 ] # no zero-count lines, no extensions
}

@test "flag prefixes: -p -f, -r -s, -ti" {
	serve
	run "$HTTP_LOAD" -p 2 -f 10 "$URLS"
	[ "${lines[0]%% *}" = 10 ]
	run "$HTTP_LOAD" -r 20 -s 1 -ti 5 "$URLS"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^[0-9]+\ fetches ]]
}

@test "argument errors: clear message, exit 1" {
	printf 'http://127.0.0.1:1/\n' >"$URLS"
	run "$HTTP_LOAD" -fetches 1 "$URLS"
	[ "$status" -eq 1 ] && [[ "$output" == *usage:* ]]
	run "$HTTP_LOAD" -parallel 1 "$URLS"
	[ "$status" -eq 1 ] && [[ "$output" == *usage:* ]]
	run "$HTTP_LOAD" -parallel 0 -fetches 1 "$URLS"
	[ "$status" -eq 1 ] && [ "$output" = "http_load: parallel must be at least 1" ]
	run "$HTTP_LOAD" -rate 0 -fetches 1 "$URLS"
	[ "$status" -eq 1 ] && [ "$output" = "http_load: rate must be at least 1" ]
	run "$HTTP_LOAD" -parallel 1 -fetches 0 "$URLS"
	[ "$status" -eq 1 ] && [ "$output" = "http_load: fetches must be at least 1" ]
	run "$HTTP_LOAD" -parallel 1 -seconds 0 "$URLS"
	[ "$status" -eq 1 ] && [ "$output" = "http_load: seconds must be at least 1" ]
	run "$HTTP_LOAD" -parallel 99999999 -fetches 1 "$URLS"
	[ "$status" -eq 1 ] && [[ "$output" =~ ^http_load:\ parallel\ may\ be\ at\ most\ [0-9]+$ ]]
	run "$HTTP_LOAD" -rate 2000000 -fetches 1 "$URLS"
	[ "$status" -eq 1 ] && [ "$output" = "http_load: rate may be at most 1000000" ]
	run "$HTTP_LOAD" -sip x -parallel 1 -fetches 1 "$URLS"
	[ "$status" -eq 1 ] && [[ "$output" == *"not supported"* ]]
}

# refuses_url_file CONTENT MESSAGE: http_load exits 1 saying MESSAGE.
refuses_url_file() {
	printf '%s' "$1" >"$URLS"
	run "$HTTP_LOAD" -parallel 1 -fetches 1 "$URLS"
	[ "$status" -eq 1 ] && [[ "$output" == *"$2"* ]]
}

@test "url file errors: empty, unparsable, https, unknown host" {
	refuses_url_file $'# only a comment\n\n' "no URLs"
	refuses_url_file $'ftp://x/\n' "not an http:// URL"
	refuses_url_file $'https://127.0.0.1/\n' "https is not supported"
	refuses_url_file $'http://no-such-host.invalid/\n' "unknown host"
}

@test "blank lines, comments and CRLF endings in the url file are fine; IPv6 works" {
	serve -a ::1
	printf '# a comment\r\n\r\nhttp://[::1]:%s/\r\n\n' "$PORT" >"$URLS"
	run "$HTTP_LOAD" -parallel 2 -fetches 20 "$URLS"
	[ "$status" -eq 0 ]
	[ "${lines[0]%% *}" = 20 ]
	[[ "$output" == *"code 200 -- 20"* ]]
}

@test "fetches counted equal requests the server counted" {
	serve
	run "$HTTP_LOAD" -parallel 10 -fetches 500 "$URLS"
	[ "${lines[0]%% *}" = 500 ]
	[ "$(stat_value requests)" -eq 501 ] # and the /stats request itself
}

@test "-rate never exceeds -fetches" {
	serve
	run "$HTTP_LOAD" -rate 200 -fetches 50 "$URLS"
	[ "${lines[0]%% *}" = 50 ]
	[ "$(stat_value requests)" -eq 51 ]
}

@test "refused connections are failures, not fetches" {
	printf 'http://127.0.0.1:1/\n' >"$URLS"
	run --separate-stderr "$HTTP_LOAD" -parallel 2 -fetches 6 -csv "$URLS"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "0 fetches, "* ]]
	[[ "$output" == *$'\n6 connection errors\n'* ]]
	[[ "$output" != *"code "* ]]
	csv_is fetches errors failed "0,6,6"
	[ "$(grep -c 'http://127.0.0.1:1/: Connection refused' <<<"$stderr")" -eq 6 ]
}

@test "a server that accepts and never answers: timeouts are reported" {
	require_model 01_blocking
	start_server 01_blocking -t 30
	background "$CLIENT" hold "$PORT" 1 -d 20 # the blocking server is now busy for good
	sleep 0.2
	printf 'http://127.0.0.1:%s/\n' "$PORT" >"$URLS"
	run "$HTTP_LOAD" -parallel 3 -fetches 3 -timeout 1 "$URLS"
	[ "$status" -eq 0 ]
	[[ "$output" == *"3 timeouts"* ]]
	[[ "$output" == *": timed out"* ]]
}

@test "a body that matches its own Content-Length is right, whatever its length" {
	serve
	printf 'http://127.0.0.1:%s/stats\n' "$PORT" >"$URLS" # its counters grow a digit
	run --separate-stderr "$HTTP_LOAD" -parallel 1 -fetches 20 "$URLS"
	[[ "${lines[0]}" == "20 fetches, "* ]]
	[[ "$output" != *"bad byte counts"* ]]
}

# fake MODE [FILE]: start tests/tools/fakeserver MODE and point $URLS at it.
fake() {
	local log="$BATS_TEST_TMPDIR/fake.log" line="" _
	"$TOOLS/tests/fakeserver" "$@" 2>"$log" &
	SERVER_PID=$!
	for _ in $(seq 100); do
		line=$(grep -m1 ' listening on ' "$log" 2>/dev/null) && break
		sleep 0.05
	done
	[ -n "$line" ]
	PORT=${line##*:}
	PORT=${PORT%% *}
	printf 'http://127.0.0.1:%s/x\n' "$PORT" >"$URLS"
}

# csv_is NAME... VALUE: the -csv line's named columns, joined by commas,
# equal VALUE.
csv_is() {
	local value=${*: -1} names=("${@:1:$#-1}") got
	got=$(csv_columns "${names[@]}" <<<"$output" | tr ' ' ,)
	[ "$got" = "$value" ] || { echo "csv ${names[*]}: $got, expected $value" >&2; return 1; }
}

# fails_as MODE LINE STDERR: 4 fetches from fakeserver MODE are 4 failures
# of one cause: LINE in the report, STDERR per fetch; no fetch counted.
fails_as() {
	fake "$1"
	run --separate-stderr "$HTTP_LOAD" -parallel 1 -fetches 4 -timeout 5 -csv "$URLS"
	stop_server
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "0 fetches, 1 max parallel, 0 bytes, in "* ]]
	[[ "$output" == *$'\n'"4 $2"$'\n'* ]]
	[[ "$output" != *"code "* ]]
	[ "$(grep -c "/x: $3" <<<"$stderr")" -eq 4 ]
	csv_is fetches errors failed non2xx "0,4,4,0"
}

@test "a server that closes without answering: failures, not fetches" {
	fails_as close "closed before a response" "closed before a response"
}

@test "a server that resets the connection: read errors" {
	fails_as reset "read errors" "Connection reset by peer"
}

@test "a server that closes after the head or mid-body: truncated responses" {
	fails_as head-only "truncated responses" "body truncated: 0 of 100 bytes"
	fails_as truncate "truncated responses" "body truncated: 50 of 100 bytes"
}

@test "an overlong Content-Length or a reply that is not HTTP: bad responses" {
	fails_as bad-length "bad responses" "bad response"
	fails_as garbage "bad responses" "bad response"
}

# ka MODE: 20 keep-alive fetches, one at a time, from fakeserver MODE.
ka() {
	fake "$1"
	run --separate-stderr "$HTTP_LOAD" -keepalive -parallel 1 -fetches 20 -timeout 5 -csv "$URLS"
	stop_server
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 0 ]
}

# The server answers 10 requests and closes (no Connection: close), the
# last answer and its FIN in one segment, then reads on (a lingering
# close: no reset). The FIN raises no edge of its own: a fetch that
# stopped reading at the short read sent request 11 and waited -timeout.
@test "-keepalive: a FIN that comes with the last answer is seen at once, not waited out" {
	ka ka-fin
	[[ "${lines[0]}" == "19 fetches, 1 max parallel, 57 bytes, in "* ]]
	[[ "$output" == *$'\n1 closed before a response\n'* ]]
	[[ "$output" != *"timeouts"* ]]
	csv_is fetches failed timeouts "19,1,0"
	awk '{ exit !($1 < 4) }' < <(csv_columns seconds <<<"$output")
}

@test "-keepalive: 'keep-alive, Close' and an HTTP/1.0 answer end the connection; the next fetch opens a new one" {
	ka ka-Close
	[[ "${lines[0]}" == "20 fetches, "* ]]
	csv_is fetches failed "20,0"
	ka ka-http10
	[[ "${lines[0]}" == "20 fetches, "* ]]
	csv_is fetches failed "20,0"
}

# 5 bytes after each answer's Content-Length, in the same write: they were
# dropped when they came in the read that completed the answer.
@test "bytes past a response's Content-Length are a bad response, not dropped" {
	ka ka-extra
	[[ "${lines[0]}" == "0 fetches, "* ]]
	[[ "$output" == *$'\n20 bad responses\n'* ]]
	[ "$(grep -c 'bytes after the end the response declared' <<<"$stderr")" -eq 20 ]
	csv_is fetches failed "0,20"
}

@test "no percentile without a sample: every fetch failed, the -csv fields are empty" {
	fake close
	run --separate-stderr "$HTTP_LOAD" -parallel 1 -fetches 4 -percentiles -csv "$URLS"
	stop_server
	echo "$output"
	[[ "$output" == *"msecs/response: no percentiles: no fetch completed or was in flight at the end"* ]]
	[[ "${lines[-1]}" =~ ^csv,0,[0-9.e+-]+,0,0,[0-9.e+-]+,,,,,4,0,4,0,0,1$ ]]
	csv_is p50_ms p99_ms fetches "-,-,0"
}

@test "a 503 is a completed fetch with its code, and an error in -csv" {
	fake status503
	run --separate-stderr "$HTTP_LOAD" -parallel 1 -fetches 4 -csv "$URLS"
	[[ "${lines[0]}" == "4 fetches, 1 max parallel, 20 bytes, in "* ]]
	[[ "$output" == *"  code 503 -- 4"* ]]
	csv_is fetches errors failed non2xx "4,4,0,4"
}

@test "bodies without Content-Length: the first sets the length, others that differ are bad byte counts" {
	fake eof-bodies
	run --separate-stderr "$HTTP_LOAD" -parallel 1 -fetches 4 -csv "$URLS"
	echo "$output"
	[[ "${lines[0]}" == "4 fetches, 1 max parallel, 42 bytes, in "* ]]
	[[ "$output" == *$'\n2 bad byte counts\n'* ]]
	[ "$(grep -c 'byte count wrong' <<<"$stderr")" -eq 2 ]
	csv_is fetches errors failed "4,2,0"
}

@test "-seconds: fetches cut off by the end are not counted, and percentiles count their wait as a lower bound" {
	serve
	printf 'http://127.0.0.1:%s/delay/3000\n' "$PORT" >"$URLS"
	run --separate-stderr "$HTTP_LOAD" -parallel 5 -seconds 1 -percentiles -csv "$URLS"
	echo "$output"
	[[ "${lines[0]}" == "0 fetches, 5 max parallel, 0 bytes, in "* ]]
	[[ "$output" == *"(5 fetches unfinished at the end"* ]]
	csv_is fetches failed unfinished "0,0,5"
	# p50 is the wait so far, about 1000 ms, not 0
	awk '{ exit !($1 >= 900) }' < <(csv_columns p50_ms <<<"$output")
}

# "failed" counts responses: a blocking server that keeps one keep-alive
# client for the whole run fails nobody, and leaves the others waiting.
@test "-csv's unserved: the -parallel clients that never got an answer" {
	require_model 01_blocking
	start_server 01_blocking -t 10
	# /delay/100: the first client's 10 answers in the second stay far
	# below the 1,000 after which a connection is closed for the next one.
	printf 'http://127.0.0.1:%s/delay/100\n' "$PORT" >"$URLS"
	run --separate-stderr "$HTTP_LOAD" -keepalive -parallel 5 -seconds 1 -csv "$URLS"
	echo "$output"
	csv_is failed unserved "0,4"
	stop_server
	serve
	printf 'http://127.0.0.1:%s/delay/100\n' "$PORT" >"$URLS"
	run --separate-stderr "$HTTP_LOAD" -keepalive -parallel 5 -seconds 1 -csv "$URLS"
	csv_is failed unserved "0,0"
	run --separate-stderr "$HTTP_LOAD" -rate 50 -seconds 1 -csv "$URLS"
	csv_is unserved "-"
}

@test "-keepalive: many fetches over -parallel connections" {
	serve
	run "$HTTP_LOAD" -keepalive -parallel 4 -fetches 400 "$URLS"
	[ "${lines[0]%% *}" = 400 ]
	[[ "$output" == *"code 200 -- 400"* ]]
	[ "$(stat_value accepted)" -eq 5 ] # 4 connections, and this /stats
}

@test "-percentiles and -csv lines parse" {
	serve
	run "$HTTP_LOAD" -parallel 4 -fetches 100 -percentiles -csv "$URLS"
	[[ "${lines[-2]}" =~ ^msecs/response:\ p50\ [0-9.e+-]+,\ p90\ [0-9.e+-]+,\ p99\ [0-9.e+-]+,\ p99\.9\ [0-9.e+-]+,\ max\ [0-9.e+-]+$ ]]
	[[ "${lines[-1]}" =~ ^csv,100,[0-9.e+-]+,[0-9.e+-]+,[0-9.e+-]+,[0-9.e+-]+(,[0-9.e+-]+){4},0,0,0,0,0,0$ ]]
	# 100 fetches of 14 bytes: bytes/s is 1400 / seconds
	awk '{ exit !($1 > 0 && ($1 * $2 - 1400) ^ 2 < 1) }' < <(csv_columns bytes_per_sec seconds <<<"${lines[-1]}")
}

# bench/csv.sh names the -csv columns for every script and test that reads
# them: its order is the one http_load documents.
@test "the -csv columns that bench/csv.sh names are the ones -help documents, in order" {
	local documented
	documented=$("$HTTP_LOAD" -help 2>&1 | tr -d ' \n' | grep -o 'csv,fetches[a-z0-9_,]*' | cut -d, -f2- | tr , ' ')
	[ -n "$documented" ]
	[ "$documented" = "$HTTP_LOAD_CSV_COLUMNS" ]
	run csv_columns fetches nonsense <<<"csv,1,2"
	[ "$status" -eq 2 ]
}

# Each connection's time counts from its own connect(): 256 starts in one
# loop turn take milliseconds, and a clock read once at the top of the turn
# would add that to every connect and every close-mode response.
@test "msecs/connect times each socket from its own start, not from the start of its burst" {
	local mean
	serve
	run "$HTTP_LOAD" -parallel 256 -fetches 256 "$URLS"
	echo "$output"
	[[ "$output" =~ msecs/connect:\ ([0-9.e+-]+)\ mean ]]
	mean=${BASH_REMATCH[1]}
	# Loopback connects take tens of microseconds; a burst of 256 starts
	# took 8.6 ms on average when timed from its top.
	awk -v m="$mean" 'BEGIN { exit !(m < 2) }'
}

# -rate waits for the next scheduled start with sub-millisecond precision:
# rounded down to whole milliseconds, the rest of each wait was polled with
# a zero timeout, which took most of a core at -rate 1000.
@test "-rate 1000 does not busy-poll between starts" {
	local cpu
	serve
	cpu=$(bash -c '"$@" >/dev/null; times' _ "$HTTP_LOAD" -rate 1000 -seconds 2 "$URLS" | tail -n 1 |
		awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); print (u[1] * 60 + u[2]) + (s[1] * 60 + s[2]) }')
	echo "http_load's CPU over 2 s at -rate 1000: $cpu s"
	# Well under a core: it did 93% before (1.86 s of 2).
	awk -v c="$cpu" 'BEGIN { exit !(c < 0.8) }'
}

# With every slot in flight (ulimit -n 40, answers 1.5 s away) a start that
# is due waits for a slot: it waited 0 ns in a loop, 2.3-2.7 s of CPU in 3 s.
@test "-rate with every slot in flight sleeps until one frees, not in a loop" {
	local cpu
	serve
	printf 'http://127.0.0.1:%s/delay/1500\n' "$PORT" >"$URLS"
	cpu=$(bash -c 'ulimit -n 40 && "$@" >/dev/null 2>&1; times' _ "$HTTP_LOAD" -rate 100 -seconds 3 "$URLS" | tail -n 1 |
		awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); print (u[1] * 60 + u[2]) + (s[1] * 60 + s[2]) }')
	echo "http_load's CPU over 3 s with every slot waiting: $cpu s"
	awk -v c="$cpu" 'BEGIN { exit !(c < 0.6) }'
}

# -rate can have as many fetches in flight as there are descriptors, but
# needs slots only for those it has: a high descriptor limit must not cost
# ~380 bytes a descriptor up front (and a walk over them every tick).
# rate_rss LIMIT: http_load -rate 100's RSS in KiB under ulimit -n LIMIT.
rate_rss() {
	bash -c 'ulimit -n "$0" && exec "$@" >/dev/null' "$1" "$HTTP_LOAD" -rate 100 -seconds 2 "$URLS" &
	local pid=$!
	sleep 1
	ps -o rss= -p "$pid" | tr -d ' '
	wait "$pid"
}

@test "-rate sizes its slots by what is in flight, not by the descriptor limit" {
	local high small big
	high=$(ulimit -Hn)
	[ "$high" = unlimited ] && high=1000000
	bash -c 'ulimit -n 1000000' 2>/dev/null && high=1000000
	[ "$high" -ge 10000 ] || skip "the hard descriptor limit ($high) is too low to tell"
	serve
	small=$(rate_rss 256)
	big=$(rate_rss "$high")
	echo "http_load -rate 100: RSS $small KiB under ulimit -n 256, $big KiB under $high"
	# 380 bytes a slot would be 3.7 MB at 10,000 descriptors.
	[ $((big - small)) -lt 1500 ]
}

@test "-version and -help" {
	run "$HTTP_LOAD" -version
	[ "$status" -eq 0 ] && [[ "$output" == "http_load "* ]]
	run "$HTTP_LOAD" -help
	[ "$status" -eq 0 ] && [[ "$output" == *"-keepalive"* ]] && [[ "$output" == *"-parallel N"* ]]
}

@test "5,000 parallel connections complete without errors" {
	serve
	run "$HTTP_LOAD" -parallel 5000 -fetches 10000 -timeout 20 "$URLS"
	echo "$output" | head -3
	[ "${lines[0]%% *}" = 10000 ]
	[[ "$output" == *"code 200 -- 10000"* ]]
	[[ "$output" != *"errors"* && "$output" != *timeouts* ]]
}

@test "-seconds ends the run on time even when the server cannot keep up with -rate" {
	serve
	run "$HTTP_LOAD" -rate 100000 -seconds 1 "$URLS"
	[ "$status" -eq 0 ]
	# in ~1 s; far from the several seconds an unbounded catch-up took
	[[ "${lines[0]}" =~ in\ (1|1\.[0-9]+|2\.[0-9]+)\ seconds$ ]]
	[[ "$output" == *"fetches started late"* ]]
}

@test "-Throttle slows reading down: 40,000 bytes at 20,000 bytes/s take over 1.5 s" {
	serve
	printf 'http://127.0.0.1:%s/bytes/40000\n' "$PORT" >"$URLS"
	run --separate-stderr "$HTTP_LOAD" -Throttle 200000 -parallel 1 -fetches 1 "$URLS"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "1 fetches, 1 max parallel, 40000 bytes, in "* ]]
	awk -v t="$(echo "${lines[0]}" | awk '{ print $(NF - 1) }')" 'BEGIN { exit !(t >= 1.5) }'
	run --separate-stderr "$HTTP_LOAD" -parallel 1 -fetches 1 "$URLS" # unthrottled, for contrast
	awk -v t="$(echo "${lines[0]}" | awk '{ print $(NF - 1) }')" 'BEGIN { exit !(t < 1.5) }'
}

@test "-checksum: a stable body passes, a changing one is a bad checksum" {
	serve
	run --separate-stderr "$HTTP_LOAD" -checksum -parallel 2 -fetches 20 "$URLS"
	[[ "$output" != *"bad checksums"* ]]
	printf 'http://127.0.0.1:%s/stats\n' "$PORT" >"$URLS"
	run --separate-stderr "$HTTP_LOAD" -checksum -parallel 1 -fetches 20 "$URLS"
	[[ "$output" =~ [0-9]+\ bad\ checksums ]]
	[[ "$stderr" == *"checksum wrong"* ]]
}

@test "-proxy: requests go to the proxy in absolute form; the URL's host is not resolved" {
	serve
	printf 'http://no-such-host.invalid/\n' >"$URLS" # only the proxy knows how to reach it
	run --separate-stderr "$HTTP_LOAD" -proxy "127.0.0.1:$PORT" -parallel 2 -fetches 10 "$URLS"
	[ "$status" -eq 0 ]
	[[ "$output" == *"code 200 -- 10"* ]] # our server routes absolute-form targets by path
	[ "$(stat_value requests)" -eq 11 ]
}

@test "-proxy with a 100-byte host: the request on the wire is exactly the request line and headers" {
	local host version
	host=$(printf 'h%.0s' $(seq 96)).com
	fake record "$BATS_TEST_TMPDIR/wire"
	printf 'http://%s:8080/p?q=1\n' "$host" >"$URLS"
	run --separate-stderr "$HTTP_LOAD" -proxy "127.0.0.1:$PORT" -parallel 1 -fetches 2 "$URLS"
	[[ "${lines[0]}" == "2 fetches, "* ]]
	version=$("$HTTP_LOAD" -version)
	printf 'GET http://%s:8080/p?q=1 HTTP/1.0\r\nHost: %s:8080\r\nUser-Agent: %s\r\n\r\n' \
		"$host" "$host" "$version" >"$BATS_TEST_TMPDIR/expected"
	cat "$BATS_TEST_TMPDIR/expected" "$BATS_TEST_TMPDIR/expected" >"$BATS_TEST_TMPDIR/expected2"
	cmp "$BATS_TEST_TMPDIR/wire" "$BATS_TEST_TMPDIR/expected2"
}

@test "numbers out of range are refused, not wrapped" {
	printf 'http://127.0.0.1:1/\n' >"$URLS"
	run "$HTTP_LOAD" -parallel 1 -seconds 99999999999 "$URLS"
	[ "$status" -eq 1 ] && [ "$output" = "http_load: seconds may be at most 31536000" ]
	run "$HTTP_LOAD" -parallel 1 -seconds 1 -timeout 4294967297 "$URLS"
	[ "$status" -eq 1 ] && [ "$output" = "http_load: timeout may be at most 31536000" ]
	run "$HTTP_LOAD" -parallel 1 -fetches 99999999999999999999 "$URLS"
	[ "$status" -eq 1 ] && [[ "$output" == *"not a number in range"* ]]
	run "$HTTP_LOAD" -Throttle 5 -parallel 1 -fetches 1 "$URLS"
	[ "$status" -eq 1 ] && [ "$output" = "http_load: Throttle must be at least 10" ]
}
