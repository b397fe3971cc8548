#!/usr/bin/env bats
# grade.bats - the grader (grade/, docs/grading.md) on real targets: a
# model of the ladder, the ladder's lessons where a model fails them by
# design, and servers written wrong on purpose (tests/tools/naive_server.c,
# and naive_comet.c for the comet section), each of which must get exactly
# the failures it deserves.

load helpers

GRADE="$BUILD/bin/grade"
NAIVE="$TOOLS/tests/naive_server"
NAIVE_COMET="$TOOLS/tests/naive_comet"
PROFILES="$BATS_TEST_DIRNAME/../grade/profiles"

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
	[ -z "$(awk '$1 !~ /^(request|connection|robustness|h1spec|concurrency|comet)\/[a-z0-9-]+$/' <<<"$output")" ]
	# every case says MUST, SHOULD or lesson, and a requirement
	[ -z "$(awk '$2 !~ /^(MUST|SHOULD|lesson)$/ || NF < 4' <<<"$output")" ]
	run "$GRADE" --list --case robustness/fragment
	[ "${#lines[@]}" -eq 5 ]
}

@test "grade: a command with {port} is started on a free port, graded and stopped by pid; 06_epoll passes every case" {
	local out="$BATS_TEST_TMPDIR"
	# -t 5: a header timeout under the slowloris case's 15 s
	# The last step's profile (docs/exercises.md) requires every case of the
	# steps before it, and a model of the ladder meets it.
	run "$GRADE" --json "$out/grade.json" --junit "$out/junit.xml" --gradescope "$out/results.json" \
		--profile "$PROFILES/step7-bodies.profile" "$BUILD/bin/06_epoll -q -t 5 -p {port}"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$(verdicts "$output" | grep -v '^pass ')" ]
	[[ "$output" == *"-- score: request 37/37 connection 10/10 robustness 9/9 h1spec 33/33 concurrency 3/3 comet 9/9"* ]]
	[[ "$output" =~ --\ points:\ ([0-9]+)/([0-9]+)\ by ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]
	local points=${BASH_REMATCH[1]}
	# Gradescope's results.json: the same points, one test per case
	grep -q "^{\"score\": $points, " "$out/results.json"
	[ "$(grep -c '"status": "passed"' "$out/results.json")" -eq "$("$GRADE" --list | wc -l)" ]
	# stopped: nothing of it is left listening
	[ -z "$(pgrep -f "06_epoll -q -p [0-9]")" ]
	# the reports: one entry per case
	[ "$(grep -c '"verdict": "pass"' "$out/grade.json")" -eq "$("$GRADE" --list | wc -l)" ]
	grep -q '<testsuite name="[^"]*06_epoll[^"]*" tests="[0-9]*" failures="0"' "$out/junit.xml"
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

# Each rung waits for a publish its own way (README.md, "Comet"): the
# blocking ones and a loop graded side by side (tests/comet.bats has them all). 01_blocking cannot publish while its one
# subscriber waits, so it fails the two lessons that need that, and only
# them; a server without the routes gets "not implemented", which costs it
# nothing.
@test "grade --case comet: the waiting strategies pass; 01_blocking fails parked and fan-out by design; no /pub is not implemented" {
	local m targets=()
	for m in 01_blocking 02_fork 03_thread 06_epoll; do
		[ -x "$BUILD/bin/$m" ] && targets+=("$BUILD/bin/$m -q -t 5 -p {port}")
	done
	[ -x "$NAIVE" ] && targets+=("$NAIVE {port} no-timeout")
	run "$GRADE" --case comet "${targets[@]}"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c -- '-- score: comet 9/9' <<<"$output")" -eq $((${#targets[@]} - 2)) ]
	[ "$(awk '/^== .*01_blocking/ { on = 1; next } /^== / { on = 0 } on && /^informational/ { print $2 }' <<<"$output" | tr '\n' ' ')" = "comet/parked comet/fan-out-100 " ]
	if [ -x "$NAIVE" ]; then
		[ "$(awk '/^== .*naive_server/ { on = 1; next } /^== / { on = 0 } on && /^not implemented/' <<<"$output" | wc -l)" -eq 9 ]
	fi
}

# One Comet server, one mistake per mode (tests/tools/naive_comet.c): each
# mistake fails the cases it concerns and no others, and the same server
# without a mistake passes all of them, so it is the mistake that is caught.
@test "grade --case comet: each Comet mistake fails its own cases, the server without it none" {
	[ -x "$NAIVE_COMET" ] || skip "$NAIVE_COMET is not built"
	local mode pid modes=(right never-wakes repeats skips keeps-waiters) pids=() statuses=""
	# Five graders side by side (each waits out its lessons' seconds, and
	# picks its own free port); each is waited for, by pid, before a look.
	for mode in "${modes[@]}"; do
		"$GRADE" --case comet "$NAIVE_COMET {port} $mode" >"$BATS_TEST_TMPDIR/$mode.txt" 2>&1 &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do
		wait "$pid" && statuses+="0 " || statuses+="$? "
	done
	output=$(for mode in "${modes[@]}"; do cat "$BATS_TEST_TMPDIR/$mode.txt"; done)
	echo "$output"
	# a required case failed: never-wakes, repeats, skips
	[ "$statuses" = "0 1 1 1 0 " ]
	# not_passed MODE: "verdict case" for each case MODE did not pass
	not_passed() {
		awk -v m="$1" '/^== / { on = $NF == m; next } on && $1 ~ /^(fail|non-strict|informational)$/ { print $1, $2 } on && $1 == "not" { print "not-implemented", $3 }' <<<"$output" | tr '\n' ';'
	}
	[ "$(not_passed right)" = "" ]
	[ "$(grep -c -- '-- score: comet 9/9$' <<<"$output")" -eq 1 ]
	# asleep: the publish is answered, and the waiters hear nothing
	[ "$(not_passed never-wakes)" = "informational comet/parked;fail comet/wakes;informational comet/fan-out-100;" ]
	# after=ID as "from ID": the message comes again, at once, for ever
	[ "$(not_passed repeats)" = "fail comet/in-order;informational comet/parked;fail comet/wakes;informational comet/fan-out-100;informational comet/left;" ]
	# the newest, not the next: a cursor that was away loses the ones
	# between, and one older than the cache is not told so (410)
	[ "$(not_passed skips)" = "fail comet/in-order;non-strict comet/gone;" ]
	# a subscriber that left is still a waiter
	[ "$(not_passed keeps-waiters)" = "informational comet/left;" ]
	[[ "$output" == *"waiters 0 before, 20 after they left"* ]]
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

# The steps of docs/exercises.md: each profile reads, and each step
# requires what the one before it did, and more.
@test "grade --profile: every step's profile reads, and requires all that the step before it required" {
	local p previous="" required
	for p in "$PROFILES"/step*.profile; do
		run "$GRADE" --profile "$p" --list
		[ "$status" -eq 0 ]
		required=$(awk '$4 == "required" { print $1 }' <<<"$output" | sort)
		[ -n "$required" ]
		if [ -n "$previous" ]; then
			# nothing the step before required is let go
			[ -z "$(comm -23 <(echo "$previous") <(echo "$required"))" ]
			[ -n "$(comm -13 <(echo "$previous") <(echo "$required"))" ]
		fi
		previous=$required
	done
}

# The broken servers climb the steps as far as they deserve: one read per
# request answers GET / (step 1) but not a second request (step 2); one
# client at a time frames requests right (step 2) but fails step 4, where
# the lesson it misses is required and so fails, not informs.
@test "grade --profile: a required lesson fails the grade, a let-go MUST does not, a required route must exist" {
	[ -x "$NAIVE" ] || skip "$NAIVE is not built"
	run "$GRADE" --profile "$PROFILES/step1-answer.profile" --case request/get --case connection/keep-alive "$NAIVE {port} one-read"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"fail             connection/keep-alive                        MUST   0/1 optional"* ]]
	[[ "$output" == *"-- points: 10/11 by "*"step1-answer.profile"* ]]
	run "$GRADE" --profile "$PROFILES/step2-framing.profile" --case request/get --case connection/keep-alive "$NAIVE {port} one-read"
	[ "$status" -eq 1 ]
	[[ "$output" == *"connection/keep-alive                        MUST   0/2 required"* ]]
	run "$GRADE" --profile "$PROFILES/step2-framing.profile" --case connection/keep-alive --case concurrency/second-client "$NAIVE {port} one-client"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(verdicts "$output")" = $'pass connection/keep-alive\ninformational concurrency/second-client' ]
	run "$GRADE" --profile "$PROFILES/step4-concurrency.profile" --case connection/keep-alive --case concurrency/second-client "$NAIVE {port} one-client"
	[ "$status" -eq 1 ]
	[ "$(verdicts "$output")" = $'pass connection/keep-alive\nfail concurrency/second-client' ]
	# /delay is step 6's: without it, "not implemented" is a failure there
	run "$GRADE" --profile "$PROFILES/step5-event-loop.profile" --case concurrency/delay "$NAIVE {port} one-read"
	[ "$status" -eq 0 ]
	[ "$(verdicts "$output")" = "not-implemented concurrency/delay-100" ]
	run "$GRADE" --profile "$PROFILES/step6-timers.profile" --case concurrency/delay "$NAIVE {port} one-read"
	[ "$status" -eq 1 ]
	[ "$(verdicts "$output")" = "fail concurrency/delay-100" ]
	[[ "$output" == *"actual:      GET /delay/200 is not answered as the route says"* ]]
}

@test "grade --profile: a profile that is wrong is refused with its file and line, before any server starts" {
	local p="$BATS_TEST_TMPDIR/p.profile" bad
	for bad in "request/get 1 maybe" "request/get x required" "request/get 1001 required" \
		"request/get -1 required" "request/gte 1 required" "request/get 1" "request/get 1 required extra"; do
		printf '# fine\n* 1 optional\n%s\n' "$bad" >"$p"
		run "$GRADE" --profile "$p" "sleep 30 # {port}"
		echo "$bad: $output"
		[ "$status" -eq 2 ]
		[[ "$output" == "$p:3: "* ]]
	done
	[ -z "$(pgrep -f "sleep 30 # ")" ]
	printf '* 1 optional\n*   2 skip\n' >"$p"
	run "$GRADE" --profile "$p" --list
	[ "$status" -eq 2 ]
	[[ "$output" == "$p:2: a second rule for the same pattern" ]]
	run "$GRADE" --profile "$BATS_TEST_TMPDIR/none" --list
	[ "$status" -eq 2 ]
	# a skip is not asked, and a case's own line beats its section's
	printf 'request 1 skip\nrequest/get 3 required\n' >"$p"
	run "$GRADE" --profile "$p" --list --case request
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == "request/get "*" MUST   3 required "* ]]
	# Gradescope's file is one submission's
	run "$GRADE" --gradescope "$BATS_TEST_TMPDIR/r.json" "sleep 30 # {port}" "sleep 31 # {port}"
	[ "$status" -eq 2 ]
}

# The page: servers as columns, cases as rows, read in a real browser from
# its file: a cell per server and case, each with its verdict; what did not
# pass opens to why; nothing comes from the network.
@test "grade --html: index.html, servers as columns and cases as rows, reads right in headless Chromium" {
	[ -x "$NAIVE" ] || skip "$NAIVE is not built"
	BROWSER=$(chromium_bin) || skip "no headless Chromium here (Debian: apt-get install -y chromium)"
	local out="$BATS_TEST_TMPDIR/page"
	mkdir -p "$out"
	run "$GRADE" --html "$out/index.html" --case request/get --case request/host --case connection \
		--case concurrency/delay "$BUILD/bin/06_epoll -q -p {port}" "$NAIVE {port} one-read"
	[ "$status" -eq 1 ]
	local cases
	cases=$("$GRADE" --list --case request/get --case request/host --case connection --case concurrency/delay | wc -l)
	cat >"$out/check.html" <<'HTML'
<!DOCTYPE html><html><body><pre id="result">pending</pre>
<iframe id="page" src="index.html" width="1200" height="800"></iframe>
<script>
document.getElementById('page').onload = function () {
	var doc = this.contentDocument, win = this.contentWindow, out = [];
	var heads = doc.querySelectorAll('#cases tr:first-child th');
	out.push('columns ' + heads.length);
	var rows = doc.querySelectorAll('#cases tr[id]');
	out.push('rows ' + rows.length);
	var counts = {};
	Array.prototype.forEach.call(rows, function (row) {
		var cells = row.querySelectorAll('td');
		if (cells.length !== heads.length) out.push('short row ' + row.id);
		for (var i = 2; i < cells.length; i++) {
			var verdict = cells[i].className;
			counts[verdict] = (counts[verdict] || 0) + 1;
			if (verdict !== 'pass' && !cells[i].querySelector('details pre')) out.push('unexplained ' + row.id);
		}
	});
	Object.keys(counts).sort().forEach(function (k) { out.push('cells ' + k + ' ' + counts[k]); });
	var fail = doc.querySelector('tr[id="connection/keep-alive"] td.fail pre');
	out.push('keep-alive says: ' + (fail ? fail.textContent.split('\n')[1] : 'nothing'));
	win.performance.getEntriesByType('resource').forEach(function (r) {
		if (!/^file:/.test(r.name)) out.push('fetched ' + r.name);
	});
	document.getElementById('result').textContent = out.join('\n');
};
</script></body></html>
HTML
	run headless "file://$out/check.html" --allow-file-access-from-files --virtual-time-budget=10000 --dump-dom
	echo "$output"
	[[ "$output" == *"columns 4"* ]]
	[[ "$output" == *"rows $cases"* ]]
	[[ "$output" != *"short row"* ]] && [[ "$output" != *"unexplained"* ]] && [[ "$output" != *"fetched "* ]]
	# 06_epoll passes every one; one-read fails keep-alive, pipelining,
	# bytewise, HEAD and the Host checks; only 06_epoll has /delay
	[[ "$output" =~ cells\ pass\ ([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -ge "$cases" ]
	[[ "$output" =~ cells\ fail\ ([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -ge 5 ]
	[[ "$output" == *"cells notimpl "* ]]
	[[ "$output" == *"keep-alive says: requirement: RFC 9112 9.3"* ]]
	run headless "file://$out/index.html" --window-size=1200,1600 --screenshot="$out/shot.png"
	[ -s "$out/shot.png" ]
	[ "$(wc -c <"$out/shot.png")" -gt 30000 ]
}

# The cost section runs only when named, next to 06_epoll started beside
# it: rates and CPU as ratios, never judged; a server that leaves clients
# unserved is told so (informational, not a failure).
@test "grade --case cost: rates and CPU per request next to 06_epoll in the same run; clients left unserved are counted" {
	[ -x "$NAIVE" ] || skip "$NAIVE is not built"
	run "$GRADE" --list
	[[ "$output" != *"cost/"* ]]
	run "$GRADE" --case cost/10-keep-alive "$BUILD/bin/03_thread -q -p {port}" "$NAIVE {port} one-client"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(verdicts "$output")" = $'pass cost/10-keep-alive\ninformational cost/10-keep-alive' ]
	# 03_thread: every client served, its CPU from /proc and a ratio to the reference
	[[ "$output" =~ measured:\ +[0-9]+\ requests/s,\ [0-9]+\ us\ of\ CPU\ each\;\ 0\ failed,\ 0\ of\ 10\ clients\ never\ answered\ \(.*06_epoll\ -q\ -p\ \{port\}\ just\ after:\ [0-9]+\ requests/s.*\)\;\ rate\ [0-9.]+x,\ CPU\ per\ request\ [0-9.]+x ]]
	# one client at a time: the first client has it all, nine wait
	[[ "$output" == *"0 failed, 9 of 10 clients never answered"* ]]
	[ -z "$(pgrep -f "06_epoll -q -p [0-9]")" ]
}
