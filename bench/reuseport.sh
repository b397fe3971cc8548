#!/usr/bin/env bash
# bench/reuseport.sh - 12_reuseport's three ways to share one port, and what
# a loop per core costs or buys against one loop (not a test: numbers, no
# assertions).
#
#   1. Who gets the connections: 4 loops, -A reuseport, shared, exclusive;
#      one client at a time, then 32 at once (a new connection per
#      request): each loop's share of accepted connections, the empty
#      wake-ups per 1,000 connections, and how often the server's threads
#      went to sleep per connection (voluntary context switches, /proc): a
#      thread that is woken for nothing still sleeps again.
#   2. One loop busy: 2 loops, one client asking for /spin/200000 (200 ms
#      of CPU) back to back, 4 clients asking GET / on new connections:
#      their latency percentiles, per mode.
#   3. What it costs per request: GET /, 50 clients, keep-alive and a new
#      connection per request, 06_epoll against 12_reuseport with its
#      default of one loop per CPU: requests/s and server CPU per request.
#
# Like bench/pool.sh the server is not pinned: a second core is the point.
# The load generator shares the cores, so numbers compare within one run.
#
# Usage: bench/reuseport.sh [SECONDS] [ROUNDS]   (default 3 s, 3 rounds; Linux)
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
SECONDS_PER_RUN=${1:-3}
ROUNDS=${2:-3}

[ -r /proc/self/stat ] || { echo "reads /proc: Linux only" >&2; exit 1; }
# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_workdir
make -s all >/dev/null || exit 1
PIN_SERVER=() # start_model pins nothing: see above

sleeps() {
	cat /proc/"$SPID"/task/*/status | awk '/^voluntary_ctxt_switches/ { n += $2 } END { print n }'
}

# spread MODE CLIENTS FETCHES: one round of part 1; appends
# "conn/s shares empty/1000 sleeps/conn" to $WORK/spread_MODE_CLIENTS.
spread() {
	local mode=$1 clients=$2 fetches=$3 s0
	start_model "$WORK" 12_reuseport -n 4 -A "$mode" || return
	echo "http://127.0.0.1:$PORT/" >"$WORK/url"
	s0=$(sleeps)
	"$BUILD/bin/http_load" -parallel "$clients" -fetches "$fetches" -timeout 10 -csv "$WORK/url" \
		2>/dev/null >"$WORK/csv"
	curl -s --max-time 5 "http://127.0.0.1:$PORT/stats" >"$WORK/stats"
	awk -v sl="$(($(sleeps) - s0))" -v rate="$(csv_columns fetches_per_sec <"$WORK/csv")" '
		$1 == "loop" { sub(",", "", $4); share[n++] = $4; total += $4 }
		$1 == "empty_wakeups:" { empty = $2 }
		END {
			for (i = 0; i < n; i++)
				s = s (i ? "/" : "") sprintf("%.0f", 100 * share[i] / total)
			printf "%.0f %s %.0f %.2f\n", rate, s, 1000 * empty / total, sl / total
		}' "$WORK/stats" >>"$WORK/spread_${mode}_$clients"
	stop_model
}

# busy MODE: one round of part 2; appends "p50 p90 p99 failed" of GET /.
busy() {
	local mode=$1 spinner
	start_model "$WORK" 12_reuseport -n 2 -A "$mode" -t 10 || return
	echo "http://127.0.0.1:$PORT/spin/200000" >"$WORK/spin_url"
	echo "http://127.0.0.1:$PORT/" >"$WORK/url"
	"$BUILD/bin/http_load" -keepalive -parallel 1 -seconds $((SECONDS_PER_RUN + 1)) -timeout 10 \
		"$WORK/spin_url" >/dev/null 2>&1 &
	spinner=$!
	sleep 0.5
	"$BUILD/bin/http_load" -parallel 4 -seconds "$SECONDS_PER_RUN" -timeout 10 -csv "$WORK/url" \
		2>/dev/null | csv_columns p50_ms p90_ms p99_ms failed >>"$WORK/busy_$mode"
	wait "$spinner"
	stop_model
}

# cost SERVER KEEPALIVE: one round of part 3; appends "req/s us/req".
cost() {
	local server=$1 ka=$2 t0 t1
	# shellcheck disable=SC2086 # the flags are words on purpose
	start_model "$WORK" $server -t 10 || return
	echo "http://127.0.0.1:$PORT/" >"$WORK/url"
	t0=$(cpu_ms "$SPID")
	# shellcheck disable=SC2086 # no -keepalive is no word at all
	"$BUILD/bin/http_load" $ka -parallel 50 -seconds "$SECONDS_PER_RUN" -timeout 10 -csv "$WORK/url" \
		2>/dev/null >"$WORK/csv"
	t1=$(cpu_ms "$SPID")
	csv_columns fetches_per_sec fetches <"$WORK/csv" |
		awk -v t="$((t1 - t0))" '{ printf "%.0f %.1f\n", $1, ($2 > 0 ? 1000 * t / $2 : 0) }' \
			>>"$WORK/cost_${server%% *}_${ka:-close}"
	stop_model
}

# column FILE N: the median of column N (the middle line's text for shares).
column() {
	if [ "$2" -eq 2 ]; then
		awk '{ print $2 }' "$1" | sed -n "$(((ROUNDS + 1) / 2))p"
	else
		cut -d' ' -f"$2" "$1" | median
	fi
}

modes=(reuseport shared exclusive)
for _ in $(seq "$ROUNDS"); do
	for mode in "${modes[@]}"; do
		spread "$mode" 1 2000
		spread "$mode" 32 4000
		busy "$mode"
	done
	for ka in -keepalive ""; do
		cost 06_epoll "$ka"
		cost 12_reuseport "$ka"
	done
done

echo "# bench/reuseport.sh $SECONDS_PER_RUN $ROUNDS: $(uname -sr), $(nproc) CPUs, unpinned, medians of $ROUNDS"
echo "1. Who gets the connections: 12_reuseport -n 4, GET / on a new connection each"
printf '%-10s %8s %10s %-16s %14s %12s\n' mode clients "conn/s" "share per loop %*" "empty/1000" "sleeps/conn"
echo "(* the middle round's shares, not medians; the other columns are medians)"
for mode in "${modes[@]}"; do
	for clients in 1 32; do
		f=$WORK/spread_${mode}_$clients
		[ -s "$f" ] || continue
		printf '%-10s %8s %10s %-16s %14s %12s\n' "$mode" "$clients" "$(column "$f" 1)" \
			"$(column "$f" 2)" "$(column "$f" 3)" "$(column "$f" 4)"
	done
done
echo "2. One of 2 loops busy with /spin/200000 back to back; GET / from 4 clients, new connections (ms)"
printf '%-10s %8s %8s %8s %8s\n' mode p50 p90 p99 failed
for mode in "${modes[@]}"; do
	f=$WORK/busy_$mode
	[ -s "$f" ] || continue
	printf '%-10s %8s %8s %8s %8s\n' "$mode" "$(column "$f" 1)" "$(column "$f" 2)" "$(column "$f" 3)" \
		"$(column "$f" 4)"
done
echo "3. GET /, 50 clients: one loop (06_epoll) against one per CPU (12_reuseport -n $(nproc))"
printf '%-12s %-14s %12s %12s\n' connections server "requests/s" "CPU us/req"
for ka in -keepalive close; do
	for server in 06_epoll 12_reuseport; do
		f=$WORK/cost_${server}_$ka
		[ -s "$f" ] || continue
		printf '%-12s %-14s %12s %12s\n' "${ka#-}" "$server" "$(column "$f" 1)" "$(column "$f" 2)"
	done
done
