# helpers.bash - shared by every bats suite: start a server on a free port,
# talk to it over 127.0.0.1, and clean up every process a test started.

BUILD=${BUILD:-build}
# The test tools come from TOOLS (make sanitize and make tsan: the plain
# build's; they are the instrument, not what is tested).
TOOLS=${TOOLS:-$BUILD}
CLIENT="$TOOLS/tests/client"
PATTERN_LINE='abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-'
BACKGROUND_PIDS=()
# csv_columns NAME...: http_load's -csv line by column name.
# shellcheck source=bench/csv.sh
. "${BATS_TEST_DIRNAME:-tests}/../bench/csv.sh"
# cpu_ms PID [reaped]: CPU time so far, in milliseconds (bench/cpu.sh).
# shellcheck source=bench/cpu.sh
. "${BATS_TEST_DIRNAME:-tests}/../bench/cpu.sh"

# start_server MODEL [ARGS...]: run build/bin/MODEL on -p 0 and wait (at most
# 5 s) for its "MODEL listening on ADDR:PORT pid PID" line. Sets SERVER_PID,
# PORT, SERVER_LOG and FD_BASELINE (its open descriptors then).
# SERVER_LIMITS="-n 64" runs it under that ulimit (default -c 0: a crashing
# server leaves no core file behind), SERVER_AS="setpriv ..." under that
# command, SERVER_BIN from another path. The shell execs the server, so
# SERVER_PID is the server's own pid either way.
start_server() {
	local model=$1 line="" _
	shift
	require_model "$model"
	# (In setup_file there is no test directory yet: the file's.)
	SERVER_LOG="${BATS_TEST_TMPDIR:-$BATS_FILE_TMPDIR}/server.log"
	# stdout and bats' fd 3 closed: a server that outlives setup_file
	# must not hold bats' pipes open.
	# shellcheck disable=SC2086 # SERVER_AS is a command line on purpose
	${SERVER_AS:-} bash -c 'ulimit $0 && exec "$@"' "${SERVER_LIMITS:--c 0}" \
		"${SERVER_BIN:-$BUILD/bin/$model}" -p 0 "$@" 2>"$SERVER_LOG" >/dev/null 3>&- &
	SERVER_PID=$!
	# Polled every 10 ms: make test starts a server some 1,500 times.
	for _ in $(seq 500); do
		line=$(grep -m1 ' listening on ' "$SERVER_LOG" 2>/dev/null) && break
		kill -0 "$SERVER_PID" 2>/dev/null || break # gone: no point waiting 5 s
		sleep 0.01
	done
	# One that said it listens and is gone already (a test that stops it
	# at once) may have written the line between the two looks above.
	[ -n "$line" ] || line=$(grep -m1 ' listening on ' "$SERVER_LOG" 2>/dev/null) || true
	if [ -z "$line" ] && ! kill -0 "$SERVER_PID" 2>/dev/null; then
		# Status 2: the platform refuses the model's interface at run
		# time (10_io_uring on a kernel with io_uring off). Its one line
		# says why; the test is skipped, not failed.
		local exit_status=0
		wait "$SERVER_PID" || exit_status=$?
		if [ "$exit_status" -eq 2 ]; then
			SERVER_PID=
			# setup_file cannot skip (bats 1.8): it records the
			# reason, and each test's setup skips with it.
			SERVER_REFUSED=$(head -n 1 "$SERVER_LOG")
			[ -n "${IN_SETUP_FILE:-}" ] && return 0
			skip "$SERVER_REFUSED"
		fi
	fi
	if [ -z "$line" ]; then
		echo "server did not start:" >&2
		cat "$SERVER_LOG" >&2
		return 1
	fi
	PORT=${line##*:}
	PORT=${PORT%% *}
	FD_BASELINE=$(open_fds "$SERVER_PID")
}

# not_under_asan: for a test that only measures time or CPU (a stall, a
# spin, a spread): ASan's slower code adds nothing to it, and make test runs
# it on the plain build (and, for the threaded models, under TSan, where
# the threads' interleaving is the point).
not_under_asan() {
	if [ "${SANITIZER:-}" = address ]; then
		skip "measures time or CPU: make test runs it on the plain build"
	fi
}

# require_model NAME...: skip the test unless every named model is built
# here (make tsan builds only 03_thread; macOS builds no 06_epoll).
require_model() {
	local model
	for model in "$@"; do
		[ -x "$BUILD/bin/$model" ] || skip "$model is not built in $BUILD"
	done
}

# child_pids PID: direct children. Linux lists them in /proc (cheaper than
# ps, and every test asks once); BSD and macOS ask ps.
child_pids() {
	if [ -r "/proc/$1/task/$1/children" ]; then
		local kids
		kids=$(cat /proc/"$1"/task/*/children 2>/dev/null)
		# shellcheck disable=SC2086 # one pid per line
		[ -z "$kids" ] || printf '%s\n' $kids
	else
		ps -A -o pid= -o ppid= | awk -v parent="$1" '$2 == parent { print $1 }'
	fi
}

# zombie_children PID: how many children are zombies.
zombie_children() {
	ps -A -o ppid= -o stat= | awk -v parent="$1" '$1 == parent && $2 ~ /^Z/' | wc -l | tr -d ' '
}

# open_fds PID: how many descriptors the process has open now.
open_fds() {
	if [ -d "/proc/$1/fd" ]; then
		find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l | tr -d ' '
	else
		lsof -p "$1" 2>/dev/null | awk '$4 ~ /^[0-9]+[rwu]/' | wc -l | tr -d ' '
	fi
}


# rss_kib PID: resident set size.
rss_kib() {
	ps -o rss= -p "$1" | tr -d ' '
}

thread_count() {
	if [ -r "/proc/$1/status" ]; then
		awk '/^Threads:/ { print $2 }' "/proc/$1/status"
	else
		ps -M -p "$1" | tail -n +2 | wc -l | tr -d ' '
	fi
}

# background CMD...: run a helper process that teardown will kill.
background() {
	"$@" &
	BACKGROUND_PIDS+=($!)
}

# wait_until SECONDS 'CONDITION': evaluate the shell CONDITION every 50 ms
# until it holds. Quote it: an unquoted $(...) would be expanded once, at the
# call, and the loop would poll a constant.
wait_until() {
	local deadline=$(( $(date +%s) + $1 ))
	until eval "$2"; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

# stop_server: SIGTERM, then at most 3 s for the server to exit by itself.
# A server that needs SIGKILL did not stop: the test that stopped it fails
# (returns 1), after the SIGKILL, so nothing is left running either way.
stop_server() {
	local kids _ stopped=0
	[ -n "${SERVER_PID:-}" ] || return 0
	kids=$(child_pids "$SERVER_PID")
	kill -TERM "$SERVER_PID" 2>/dev/null || true
	for _ in $(seq 300); do
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.01
	done
	if kill -0 "$SERVER_PID" 2>/dev/null; then
		echo "server $SERVER_PID was still running 3 s after SIGTERM: killed" >&2
		stopped=1
	fi
	kill -KILL "$SERVER_PID" $kids 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=
	return "$stopped"
}

# cleanup_checked: the invariant after every test of a server:
# once the test's clients are gone, the server is alive, its stderr has no
# sanitizer report and no "Broken pipe", and its descriptors are back to
# FD_BASELINE. Then cleanup. Fails the test if the invariant does not hold.
cleanup_checked() {
	local healthy=0
	check_server_after_test || healthy=1
	cleanup || healthy=1
	return "$healthy"
}

# check_server_after_test: the same invariant, for a server that goes on to
# the next test (one started in setup_file): the test's helpers are killed,
# the server is not.
check_server_after_test() {
	local pid healthy=0
	[ -n "${SERVER_PID:-}" ] || return 0
	for pid in "${BACKGROUND_PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	BACKGROUND_PIDS=()
	assert_server_healthy || healthy=1
	if ! wait_until 8 'test "$(open_fds "$SERVER_PID")" -le "$FD_BASELINE"'; then
		echo "open descriptors: $(open_fds "$SERVER_PID"), at start: $FD_BASELINE" >&2
		healthy=1
	fi
	return "$healthy"
}

cleanup() {
	local pid
	for pid in "${BACKGROUND_PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	BACKGROUND_PIDS=()
	stop_server # its status is cleanup's: a server that would not stop fails the test
}

# raw REQUEST [client send options]: send printf-escaped bytes, print the reply.
raw() {
	local request=$1
	shift
	printf "$request" | "$CLIENT" send "$PORT" "$@"
}

# is_busy_polling_model: the model under test asks every descriptor in a loop
# that never sleeps (08_nonblocking without -s), so it burns a CPU whatever
# happens; tests that check for spinning say so and let it be.
is_busy_polling_model() {
	[ "$MODEL" = 08_nonblocking ] && [[ " ${MODEL_ARGS:-} " != *" -s "* ]]
}

# stat_value NAME: one counter from /stats.
stat_value() {
	curl -sS --max-time 5 "http://127.0.0.1:$PORT/stats" | awk -v name="$1:" '$1 == name { print $2 }'
}

# The invariant after every torture: alive, and no sanitizer or SIGPIPE report.
assert_server_healthy() {
	kill -0 "$SERVER_PID"
	if grep -E 'AddressSanitizer|LeakSanitizer|ThreadSanitizer|runtime error|Broken pipe' "$SERVER_LOG"; then
		return 1
	fi
}

# status_lines: the status codes of every response in stdin, in order.
status_lines() {
	grep -a -o 'HTTP/1\.1 [0-9][0-9][0-9]' | cut -d' ' -f2 | tr '\n' ' '
}

# For the pages the bench and the grader write (bench.bats, grade.bats).
# chromium_bin: Debian's chromium, or another Chromium the machine has.
chromium_bin() {
	local c
	for c in chromium chromium-browser google-chrome; do
		command -v "$c" && return 0
	done
	return 1
}

# headless URL ARGS...: Chromium without a sandbox (root) or a profile,
# and without its background connections (the machine has no network).
headless() {
	local url=$1
	shift
	timeout 60 "$BROWSER" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$BATS_TEST_TMPDIR/profile" "$@" "$url"
}
