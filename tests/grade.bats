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
	[ -z "$(awk '$1 !~ /^(request|connection|robustness|h1spec|concurrency)\/[a-z0-9-]+$/' <<<"$output")" ]
	# every case says MUST, SHOULD or lesson, and a requirement
	[ -z "$(awk '$2 !~ /^(MUST|SHOULD|lesson)$/ || NF < 4' <<<"$output")" ]
	run "$GRADE" --list --case robustness/fragment
	[ "${#lines[@]}" -eq 5 ]
}

@test "grade: a command with {port} is started on a free port, graded and stopped by pid; 06_epoll passes every case" {
	local out="$BATS_TEST_TMPDIR"
	# -t 5: a header timeout under the slowloris case's 15 s
	run "$GRADE" --json "$out/grade.json" --junit "$out/junit.xml" "$BUILD/bin/06_epoll -q -t 5 -p {port}"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$(verdicts "$output" | grep -v '^pass ')" ]
	[[ "$output" == *"-- score: request 37/37 connection 10/10 robustness 9/9 h1spec 33/33 concurrency 3/3"* ]]
	# stopped: nothing of it is left listening
	[ -z "$(pgrep -f "06_epoll -q -p [0-9]")" ]
	# the reports: one entry per case
	[ "$(grep -c '"verdict": "pass"' "$out/grade.json")" -eq "$("$GRADE" --list | wc -l)" ]
	grep -q '<testsuite name="[^"]*06_epoll[^"]*" tests="[0-9]*" failures="0">' "$out/junit.xml"
}

# Every rung reads bodies through the same machine (common/conn.c), but each
# drives it its own way: h1spec's complete requests and the body cases on
# all twelve in one run (the fragments, 9 s a server, on 06_epoll above;
# behaviour.bats has each model wait on a fragment).
@test "grade: every model passes h1spec's complete requests and the request-body cases" {
	local targets=() model picks=()
	for model in $(cd "$BUILD/bin" && ls | grep '^[0-9][0-9]_'); do
		# Status 2 at once: the kernel refuses io_uring (124: it ran).
		if [ "$model" = 10_io_uring ] && { timeout 0.3 "$BUILD/bin/$model" -q -p 0 || [ $? -ne 2 ]; }; then
			:
		elif [ "$model" = 10_io_uring ]; then
			echo "# 10_io_uring left out: this kernel refuses io_uring" >&3
			continue
		fi
		targets+=("$BUILD/bin/$model -q -p {port}")
	done
	for case in 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33; do
		picks+=(--case "h1spec/$case-")
	done
	run "$GRADE" "${picks[@]}" --case request/body --case request/chunk \
		--case connection/expect --case connection/body "${targets[@]}"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$(verdicts "$output" | grep -v '^pass ')" ]
	[ "$(grep -c -- '-- score: request 7/7 connection 2/2 h1spec 18/18$' <<<"$output")" -eq "${#targets[@]}" ]
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
@test "grade: a server that reads a request with one read() fails the fragment, byte-at-a-time, keep-alive and HEAD cases" {
	[ -x "$NAIVE" ] || skip "$NAIVE is not built"
	run "$GRADE" --case connection --case robustness "$NAIVE {port} one-read"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$(verdicts "$output" | grep '^fail' | awk '{ print $2 }' | tr '\n' ' ')" = \
		"connection/keep-alive connection/pipelined connection/bytewise connection/head robustness/fragment-method robustness/fragment-request-line robustness/fragment-header-name robustness/fragment-no-blank-line robustness/fragment-half-crlf " ]
	# and each failure says what was sent, expected and seen
	[[ "$output" == *"    expected:    nothing for 600 ms: no answer and no close"* ]]
	[[ "$output" == *'    sent:        GET / HTTP/1.1\r\nHo'* ]]
}

# Right, a process per client, and no timeout at all: everything but the
# slowloris passes, which holds a process for as long as it trickles.
@test "grade: a server that never times out a head fails the slowloris case, and only it" {
	[ -x "$NAIVE" ] || skip "$NAIVE is not built"
	run "$GRADE" --case robustness/slowloris --case robustness/garbage --case robustness/reset \
		--case robustness/flood --case connection/head --case connection/keep-alive "$NAIVE {port} no-timeout"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$(verdicts "$output" | grep -v '^pass ')" = "fail robustness/slowloris" ]
	[[ "$output" == *"    actual:      still open after 15"* ]]
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
	[ -z "$(pgrep -f "sleep 30 # ")" ]
	run "$GRADE" "no-port-placeholder"
	[ "$status" -eq 2 ]
}

# The reference column: nginx through grade/nginx.sh, where it is installed.
@test "grade: nginx is graded through grade/nginx.sh and stopped; what it lacks is not implemented" {
	command -v nginx >/dev/null || skip "nginx is not installed"
	run "$GRADE" --case request/get --case connection/keep-alive --case request/body-content-length \
		--case concurrency/delay "$BATS_TEST_DIRNAME/../grade/nginx.sh {port}"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(verdicts "$output")" = $'pass request/get\nnot-implemented request/body-content-length\npass connection/keep-alive\nnot-implemented concurrency/delay-100' ]
	[ -z "$(pgrep -f 'grade-nginx\.')" ]
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
