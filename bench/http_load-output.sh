#!/usr/bin/env bash
# bench/http_load-output.sh HTTP_LOAD [BUILD] - what http_load prints for a
# fixed set of cases, with what depends on timing masked: every argument
# error (stdout, stderr, exit status), -help and -version, and fixed-count
# runs against the test suite's fake server (each way of failing) and
# against 06_epoll (keep-alive, checksums, percentiles, csv). Run it on two
# builds and diff: the output of a refactored http_load must be byte for
# byte the same (bench/results/http_load-split.txt).
#
# Masked: the seconds a run took, "N max parallel", the numbers of the
# msecs/ lines, the csv fields from seconds to p999_ms, and the servers'
# ports; left out, the lines whose presence follows the timing (the rate
# line, printed for runs over 10 ms; "started late"). stderr's per-fetch lines are sorted
# (their order follows the scheduling).
set -u
HL=${1:?usage: bench/http_load-output.sh HTTP_LOAD [BUILD]}
BUILD=${2:-build}
# Absolute: the cases run in a scratch directory, where the URL files are.
HL=$(cd "$(dirname "$HL")" && pwd)/$(basename "$HL")
BUILD=$(cd "$BUILD" && pwd)
WORK=$(mktemp -d)
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT

mask() {
	sed -E -e 's/ in [0-9.e+-]+ seconds$/ in X seconds/' -e 's/[0-9]+ max parallel/X max parallel/' \
		-e '/ fetches\/sec, .* bytes\/sec$/d' -e '/^[0-9]+ fetches started late$/d' \
		-e '/^msecs\//s/[0-9]*\.?[0-9]+(e[-+]?[0-9]+)?/X/g' \
		-e 's/127\.0\.0\.1:[0-9]+/127.0.0.1:PORT/g' -e 's/localhost:[0-9]+/localhost:PORT/g' |
		awk -F, -v OFS=, '$1 == "csv" { for (i = 3; i <= 10; i++) $i = "X" } { print }'
}

# case NAME ARGS...: one run, its exit status, stdout (masked), stderr (sorted, masked).
case_() {
	local name=$1 rc
	shift
	(cd "$WORK" && "$HL" "$@") >"$WORK/out" 2>"$WORK/err"
	rc=$?
	echo "=== $name: exit $rc"
	mask <"$WORK/out"
	echo "--- stderr"
	sed "s|$WORK|WORK|g" "$WORK/err" | mask | sort
}

# start PROGRAM ARGS...: a server on a free port; sets PORT.
start() {
	"$@" >"$WORK/server.log" 2>&1 &
	PIDS+=($!)
	local i
	for i in $(seq 100); do
		PORT=$(sed -n 's/.* listening on [^ ]*:\([0-9]*\) pid.*/\1/p' "$WORK/server.log")
		[ -n "$PORT" ] && return 0
		sleep 0.05
	done
	echo "cannot start $*" >&2
	exit 1
}

stop() {
	kill "${PIDS[-1]}" 2>/dev/null
	wait "${PIDS[-1]}" 2>/dev/null
	unset 'PIDS[-1]'
}

echo "http://127.0.0.1:1/" >"$WORK/one"
: >"$WORK/empty"
printf '# only a comment\n\n' >"$WORK/comments"
echo "https://127.0.0.1/" >"$WORK/https"
echo "http://127.0.0.1:80x/" >"$WORK/badport"
echo "http:///" >"$WORK/nohost"
echo "http://[::1/" >"$WORK/v6"
echo "ftp://127.0.0.1/" >"$WORK/ftp"
head -c 9000 /dev/zero | tr '\0' a | sed 's|^|http://127.0.0.1/|' >"$WORK/long"

case_ "no arguments"
case_ "-help" -help
case_ "-version" -version
case_ "no start specifier" -fetches 1 one
case_ "no end specifier" -parallel 1 one
case_ "both starts" -parallel 1 -rate 1 -fetches 1 one
case_ "both ends" -parallel 1 -fetches 1 -seconds 1 one
case_ "-parallel 0" -parallel 0 -fetches 1 one
case_ "-rate too high" -rate 2000000 -fetches 1 one
case_ "-seconds too long" -parallel 1 -seconds 99999999999 one
case_ "-timeout 0" -parallel 1 -fetches 1 -timeout 0 one
case_ "not a number" -parallel ten -fetches 1 one
case_ "missing number" -fetches 1 one -parallel
case_ "unknown flag" -bogus 1 one
case_ "two url files" -parallel 1 -fetches 1 one one
case_ "-keepalive with -rate" -keepalive -rate 10 -fetches 1 one
case_ "-jitter without -rate" -jitter -parallel 1 -fetches 1 one
case_ "-Throttle 5" -Throttle 5 -parallel 1 -fetches 1 one
case_ "-sip" -sip x -parallel 1 -fetches 1 one
case_ "-proxy without address" -parallel 1 -fetches 1 one -proxy
case_ "-proxy without port" -proxy localhost -parallel 1 -fetches 1 one
case_ "no such file" -parallel 1 -fetches 1 nosuchfile
case_ "empty file" -parallel 1 -fetches 1 empty
case_ "only comments" -parallel 1 -fetches 1 comments
case_ "https" -parallel 1 -fetches 1 https
case_ "bad port" -parallel 1 -fetches 1 badport
case_ "no host" -parallel 1 -fetches 1 nohost
case_ "unterminated IPv6" -parallel 1 -fetches 1 v6
case_ "not http" -parallel 1 -fetches 1 ftp
case_ "a line too long" -parallel 1 -fetches 1 long
case_ "refused" -parallel 2 -fetches 5 one

for mode in ok status503 close reset head-only truncate eof-bodies bad-length garbage; do
	start "$BUILD/tests/fakeserver" "$mode"
	echo "http://127.0.0.1:$PORT/" >"$WORK/fake"
	case_ "fakeserver $mode" -parallel 2 -fetches 20 fake
	stop
done
start "$BUILD/tests/fakeserver" ok
echo "http://127.0.0.1:$PORT/" >"$WORK/fake"
case_ "fakeserver ok, every extension" -parallel 3 -fetches 50 -percentiles -csv -checksum fake
stop

start "$BUILD/bin/06_epoll" -p 0 -t 10
echo "http://127.0.0.1:$PORT/bytes/100" >"$WORK/epoll" # one URL: none picked at random
echo "http://localhost:$PORT/bytes/5000" >"$WORK/epoll-big"
case_ "06_epoll close" -parallel 5 -fetches 500 epoll
case_ "06_epoll keep-alive, percentiles, csv" -keepalive -parallel 4 -fetches 2000 -percentiles -csv epoll
case_ "06_epoll checksum" -checksum -parallel 2 -fetches 100 epoll-big
case_ "06_epoll -rate" -rate 500 -fetches 200 -percentiles epoll
case_ "06_epoll through itself as a proxy" -proxy "127.0.0.1:$PORT" -parallel 1 -fetches 10 epoll
stop
