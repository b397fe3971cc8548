#!/usr/bin/env bash
# bench/io-models.sh - article 000's five I/O models side by side, one run
# on this machine (numbers, no assertions):
#
#   blocking        01_blocking
#   non-blocking    08_nonblocking (never sleeps) and 08_nonblocking -s 1000
#   multiplexing    06_epoll
#   signal-driven   09_sigio
#   asynchronous    10_io_uring
#
# For each, at 100 keep-alive clients (http_load -keepalive -parallel 100,
# server on CPU 0, generator on CPU 1; ROUNDS rounds, servers interleaved,
# medians): requests/s; server CPU per request (user + system time from
# /proc, over the good responses); system calls per request (strace -f -c
# attached for a fixed 20,000 fetches, its total over /stats' requests --
# strace slows every call, so this run is not the one timed); and CPU at
# idle (server CPU over 2 s with no client, as a share of one CPU).
#
# Usage: bench/io-models.sh [SECONDS per run, default 3] [ROUNDS, default 3] [OUT file]
# Needs: make; optional: strace, taskset. Linux (it reads /proc).
set -u
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-3}
ROUNDS=${2:-3}
OUT=${3:-/dev/stdout}
BUILD=${BUILD:-build}

[ -d /proc/self ] || { echo "io-models.sh reads /proc: Linux only" >&2; exit 1; }
make -s all >/dev/null || exit 1
# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_workdir

servers=()
for s in 01_blocking 08_nonblocking "08_nonblocking -s 1000" 06_epoll 09_sigio 10_io_uring; do
	[ -x "$BUILD/bin/${s%% *}" ] && servers+=("$s")
done

# start SERVER: a model with its flags ("08_nonblocking -s 1000").
# shellcheck disable=SC2086 # the flags are words on purpose
start() { start_model "$WORK" $1 -t 5; }
echo "http://127.0.0.1:PORT/" >"$WORK/url.tmpl"

for round in $(seq "$ROUNDS"); do
	for server in "${servers[@]}"; do
		key=${server//[^a-z0-9]/_}
		start "$server" || { echo "$server did not start: $(head -1 "$WORK/server.log")" >&2; continue; }
		sed "s/PORT/$PORT/" "$WORK/url.tmpl" >"$WORK/url"
		# CPU at idle: nobody connected.
		t0=$(cpu_ms "$SPID")
		sleep 2
		t1=$(cpu_ms "$SPID")
		awk -v t="$((t1 - t0))" 'BEGIN { printf "%.0f\n", 100 * t / 2000 }' >>"$WORK/idle_$key"
		t0=$(cpu_ms "$SPID")
		"${PIN_LOAD[@]}" "$BUILD/bin/http_load" -keepalive -parallel 100 -seconds "$SECONDS_PER_RUN" \
			-timeout 10 -csv "$WORK/url" 2>/dev/null >"$WORK/csv"
		t1=$(cpu_ms "$SPID")
		csv_columns fetches seconds errors failed <"$WORK/csv" | awk -v t="$((t1 - t0))" '{
			good = $1 - ($3 - $4); secs = $2 > 0 ? $2 : 1
			printf "%.0f %.1f\n", good / secs, (good > 0 ? t * 1e3 / good : 0) }' >>"$WORK/load_$key"
		stop_model
	done
	echo "  round $round of $ROUNDS done" >&2
done

if command -v strace >/dev/null; then
	for server in "${servers[@]}"; do
		key=${server//[^a-z0-9]/_}
		start "$server" || continue
		sed "s/PORT/$PORT/" "$WORK/url.tmpl" >"$WORK/url"
		before=$(stat_value requests)
		strace -f -c -p "$SPID" -o "$WORK/strace" 2>/dev/null &
		tracer=$!
		sleep 0.5
		"$BUILD/bin/http_load" -keepalive -parallel 100 -fetches 20000 -timeout 10 "$WORK/url" >/dev/null 2>&1
		requests=$(($(stat_value requests) - before - 1))
		kill -INT "$tracer"
		wait "$tracer" 2>/dev/null
		stop_model
		awk -v n="$requests" '$NF == "total" { printf "%.2f\n", (n > 0 ? $4 / n : 0) }' "$WORK/strace" >"$WORK/calls_$key"
	done
fi

{
	echo "# Article 000's five I/O models at 100 keep-alive clients"
	echo "# $(uname -sr), $(nproc) CPUs; $PINNING; http_load -keepalive -parallel 100 -seconds $SECONDS_PER_RUN, median of $ROUNDS rounds"
	printf '%-24s %-14s %12s %14s %14s %10s\n' server model requests/s "CPU us/req" "syscalls/req" "idle CPU"
	for server in "${servers[@]}"; do
		key=${server//[^a-z0-9]/_}
		[ -s "$WORK/load_$key" ] || continue
		case $server in
		01_*) kind=blocking ;; 08_*) kind=non-blocking ;; 06_*) kind=multiplexing ;;
		09_*) kind=signal-driven ;; 10_*) kind=asynchronous ;; *) kind=? ;;
		esac
		printf '%-24s %-14s %12s %14s %14s %9s%%\n' "$server" "$kind" \
			"$(cut -d' ' -f1 "$WORK/load_$key" | median)" "$(cut -d' ' -f2 "$WORK/load_$key" | median)" \
			"$(cat "$WORK/calls_$key" 2>/dev/null || echo -)" "$(median <"$WORK/idle_$key")"
	done
	echo "# 01_blocking serves one client at a time: with 100 keep-alive clients, one is served and"
	echo "# the others wait (their fetches time out); its rate is one client's."
} >"$OUT"
