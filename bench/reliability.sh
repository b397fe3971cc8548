#!/usr/bin/env bash
# bench/reliability.sh - the figures behind tests/torture.bats, per model, in
# one run on this machine (not a test: numbers, no assertions; the tests
# hold the bounds):
#
#   EMFILE   under `ulimit -n 64` with 200 idle clients: the server's CPU
#            time over 3 s (/proc/PID/stat), its log lines, and how long
#            after the clients leave the first GET gets its 200; then the
#            same CPU figure with -E, the defence switched off, to show
#            what it prevents;
#   RSS      growth over 500 request lines and 500 header blocks of 9 KB
#            (414 and 431), after 100 of them as a warm-up.
#
# Usage: bench/reliability.sh [MODEL...]   (default: every built model; Linux)
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
CLIENT=$BUILD/tests/client

[ -r /proc/self/stat ] || { echo "reads /proc/PID/stat: Linux only" >&2; exit 1; }
# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_workdir
make -s all "$CLIENT" >/dev/null || exit 1
models=${*:-$(cd "$BUILD/bin" && ls | grep -v http_load)}

long=$(head -c 9000 /dev/zero | tr '\0' a)
printf 'GET /%s HTTP/1.1\r\nHost: t\r\n\r\n' "$long" >"$WORK/414"
printf 'GET / HTTP/1.1\r\nHost: t\r\nX-Big: %s\r\n\r\n' "$long" >"$WORK/431"

# start MODEL ULIMIT_ARGS [FLAGS...]: sets SPID and PORT.
start() {
	bash -c 'ulimit $0 && exec "$@"' "$2" "$BUILD/bin/$1" -p 0 -t 20 "${@:3}" 2>"$WORK/log" &
	SPID=$!
	PIDS+=("$SPID")
	wait_for_start "$WORK/log" || { echo "$1 did not start" >&2; exit 1; }
}

stop() {
	kill "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
}

now_ms() {
	local ns
	ns=$(date +%s%N)
	echo $((ns / 1000000))
}

# out_of_descriptors MODEL [FLAGS...]: start it under ulimit -n 64, hold
# 200 idle clients; sets CPU to its CPU time (ms) over the next 3 s and
# HOLDER to the clients' pid.
out_of_descriptors() {
	local before
	start "$1" "-n 64" "${@:2}"
	"$CLIENT" hold "$PORT" 200 -d 20 >/dev/null &
	HOLDER=$!
	PIDS+=("$HOLDER")
	sleep 1.5
	before=$(cpu_ms "$SPID")
	sleep 3
	CPU=$(($(cpu_ms "$SPID") - before))
}

printf '%-14s %14s %10s %16s %20s %18s\n' model "EMFILE cpu/3s" "log lines" "first 200 after" \
	"RSS growth (1000 x)" "-E: EMFILE cpu/3s"
for model in $models; do
	out_of_descriptors "$model"
	cpu=$CPU
	lines=$(grep -c -v ' listening on ' "$WORK/log")
	kill -9 "$HOLDER"
	wait "$HOLDER" 2>/dev/null
	left=$(now_ms)
	until curl -s --max-time 1 -o /dev/null "http://127.0.0.1:$PORT/"; do sleep 0.01; done
	served=$(now_ms)
	stop

	out_of_descriptors "$model" -E
	naive_cpu=$CPU
	kill -9 "$HOLDER"
	wait "$HOLDER" 2>/dev/null
	stop

	start "$model" "-c 0"
	"$CLIENT" repeat "$PORT" 50 <"$WORK/414" >/dev/null
	"$CLIENT" repeat "$PORT" 50 <"$WORK/431" >/dev/null
	rss_before=$(ps -o rss= -p "$SPID")
	"$CLIENT" repeat "$PORT" 500 <"$WORK/414" >/dev/null
	"$CLIENT" repeat "$PORT" 500 <"$WORK/431" >/dev/null
	rss_after=$(ps -o rss= -p "$SPID")
	stop

	printf '%-14s %11d ms %10d %13d ms %16d KiB %15d ms\n' "$model" "$cpu" "$lines" \
		$((served - left)) $((rss_after - rss_before)) "$naive_cpu"
done
