#!/usr/bin/env bats
# grade.bats - the grader (grade/, docs/grading.md) on real targets: a
# model of the ladder, the ladder's lessons where a model fails them by
# design, and servers written wrong on purpose (tests/tools/naive_server.c),
# each of which must get exactly the failures it deserves.

load helpers

GRADE="$BUILD/bin/grade"
NAIVE="$TOOLS/tests/naive_server"

setup() {
	[ -x "$GRADE" ] || skip "$GRADE is not built"
}

# verdicts OUTPUT: "verdict id" for every case of a grade's output.
verdicts() {
	awk '$1 ~ /^(pass|fail|non-strict|informational)$/ { print $1, $2 } $1 == "not" { print "not-implemented", $3 }' <<<"$1"
}

@test "grade --list: every case once, with a stable id, its level and its requirement" {
	run "$GRADE" --list
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -ge 40 ]
	# ids are SECTION/NAME and unique
	[ "$(awk '{ print $1 }' <<<"$output" | sort | uniq -d)" = "" ]
	! awk '$1 !~ /^(request|connection|robustness|concurrency)\/[a-z0-9-]+$/' <<<"$output" | grep .
	# every case says MUST, SHOULD or lesson, and a requirement
	! awk '$2 !~ /^(MUST|SHOULD|lesson)$/ || NF < 4' <<<"$output" | grep .
	run "$GRADE" --list --case robustness/fragment
	[ "${#lines[@]}" -eq 5 ]
}

@test "grade: a command with {port} is started on a free port, graded and stopped by pid; 06_epoll passes every case" {
	local out="$BATS_TEST_TMPDIR"
	run "$GRADE" --json "$out/grade.json" --junit "$out/junit.xml" "$BUILD/bin/06_epoll -q -p {port}"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$(verdicts "$output" | grep -v '^pass ')" ]
	[[ "$output" == *"-- score: request 30/30 connection 5/5 robustness 6/6 concurrency 3/3"* ]]
	# stopped: nothing of it is left listening
	! pgrep -f "06_epoll -q -p [0-9]" >/dev/null
	# the reports: one entry per case
	[ "$(grep -c '"verdict": "pass"' "$out/grade.json")" -eq "$("$GRADE" --list | wc -l)" ]
	grep -q '<testsuite name="[^"]*06_epoll[^"]*" tests="[0-9]*" failures="0">' "$out/junit.xml"
}

@test "grade URL=: a server already running is graded, and left running" {
	start_server 06_epoll
	run "$GRADE" --case request/get --case connection/keep-alive "http://127.0.0.1:$PORT"
	[ "$status" -eq 0 ]
	[ "$(verdicts "$output")" = $'pass request/get\npass connection/keep-alive' ]
	kill -0 "$SERVER_PID"
}

# One read() taken as the whole request: it answers a fragment, a request
# fed a byte at a time, and only the first of a keep-alive connection's.
@test "grade: a server that reads a request with one read() fails the fragment, byte-at-a-time and keep-alive cases" {
	[ -x "$NAIVE" ] || skip "$NAIVE is not built"
	run "$GRADE" --case connection --case robustness "$NAIVE {port} one-read"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$(verdicts "$output" | grep '^fail' | awk '{ print $2 }' | tr '\n' ' ')" = \
		"connection/keep-alive connection/pipelined connection/bytewise robustness/fragment-method robustness/fragment-request-line robustness/fragment-header-name robustness/fragment-no-blank-line robustness/fragment-half-crlf " ]
	# and each failure says what was sent, expected and seen
	[[ "$output" == *"    expected:    nothing for 600 ms: no answer and no close"* ]]
	[[ "$output" == *'    sent:        GET / HTTP/1.1\r\nHo'* ]]
}

# Right, but one client at a time and no timeout: the ladder's first rung
# without its -t. It fails the concurrency lessons, which are informational
# (no required case), so the grade's status is 0.
@test "grade: a server that serves one client at a time fails the concurrency lessons, informational" {
	[ -x "$NAIVE" ] || skip "$NAIVE is not built"
	run "$GRADE" --case concurrency "$NAIVE {port} one-client"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(verdicts "$output")" = $'informational concurrency/second-client\ninformational concurrency/idle-1000\nnot-implemented concurrency/delay-100' ]
}

@test "grade: 01_blocking fails the second-client lesson by design, even with a short -t (answered only once it gave up on the first)" {
	run "$GRADE" --case concurrency/second-client "$BUILD/bin/01_blocking -q -t 1 -p {port}" "$BUILD/bin/03_thread -q -p {port}"
	echo "$output"
	[ "$(verdicts "$output")" = $'informational concurrency/second-client\npass concurrency/second-client' ]
	[[ "$output" == *"but client 1 had been closed by then"* ]]
}

@test "grade: bad usage and a target that never listens get status 2 and say why" {
	run "$GRADE"
	[ "$status" -eq 2 ]
	[[ "$output" == *"usage: grade"* ]]
	run "$GRADE" --wait 1 "sleep 30 # {port}"
	[ "$status" -eq 2 ]
	[[ "$output" == *"not listening on 127.0.0.1 within 1 s"* ]]
	! pgrep -f "sleep 30 # " >/dev/null
	run "$GRADE" "no-port-placeholder"
	[ "$status" -eq 2 ]
}

# A server not written in C: Python's http.server answers HTTP/1.0 and
# closes, takes a request without Host, and has no /delay.
@test "grade: Python's http.server is graded like any other: no keep-alive, no Host check, /delay not implemented" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	run "$GRADE" --case request/get --case request/host-missing --case connection/keep-alive \
		--case concurrency/second-client --case concurrency/delay "python3 -m http.server {port} --bind 127.0.0.1"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$(verdicts "$output")" = $'pass request/get\nfail request/host-missing\nfail connection/keep-alive\nnot-implemented concurrency/second-client\nnot-implemented concurrency/delay-100' ]
}
