#!/usr/bin/env bash
# bench/pool.sh - 11_pool's three queues side by side, and what the workers
# buy for a CPU-bound handler (not a test: numbers, no assertions).
#
#   1. GET /, 100 keep-alive clients, SECONDS per run: requests/s, server CPU
#      per request, and wake-ups per request (/stats wakeups / handed_off)
#      for -Q mutex, batch and ring, next to 06_epoll (no workers at all);
#   2. GET /spin/1000 (1 ms of CPU), 8 keep-alive clients: 06_epoll (one
#      thread) against 11_pool -w 2.
#
# Unlike bench/run, the server is NOT pinned to one CPU: workers on a
# second core are the point. The load generator shares the two cores, so
# the numbers compare within this run only. Medians of ROUNDS rounds.
#
# Usage: bench/pool.sh [SECONDS] [ROUNDS]   (default 3 s, 3 rounds; Linux)
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
SECONDS_PER_RUN=${1:-3}
ROUNDS=${2:-3}

[ -r /proc/self/stat ] || { echo "reads /proc/PID/stat: Linux only" >&2; exit 1; }
# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_workdir
make -s all >/dev/null || exit 1
PIN_SERVER=() # see above


# run SERVER PATH CLIENTS: one round; appends "req/s us/req wakeups/req"
# to $WORK/<key>.
run() {
	local server=$1 path=$2 clients=$3 key t0 t1 wake0 hand0
	key=$(tr -c 'a-z0-9\n' _ <<<"$server $path")
	# shellcheck disable=SC2086 # the flags are words on purpose
	start_model "$WORK" $server -t 10 || { echo "$server did not start" >&2; return; }
	echo "http://127.0.0.1:$PORT$path" >"$WORK/url"
	wake0=$(stat_value wakeups) hand0=$(stat_value handed_off)
	t0=$(cpu_ms "$SPID")
	"$BUILD/bin/http_load" -keepalive -parallel "$clients" -seconds "$SECONDS_PER_RUN" -timeout 10 \
		-csv "$WORK/url" 2>/dev/null >"$WORK/csv"
	t1=$(cpu_ms "$SPID")
	csv_columns fetches_per_sec fetches <"$WORK/csv" |
		awk -v t="$((t1 - t0))" -v w="$(($(stat_value wakeups) - ${wake0:-0}))" \
			-v h="$(($(stat_value handed_off) - ${hand0:-0}))" '{
		printf "%.0f %.1f %s\n", $1, ($2 > 0 ? 1000 * t / $2 : 0), (h > 0 ? sprintf("%.3f", w / h) : "-")
	}' >>"$WORK/$key"
	stop_model
}

# row LABEL KEY: the medians of each column.
row() {
	local f=$WORK/$2
	printf '%-24s %12s %12s %14s\n' "$1" "$(cut -d' ' -f1 "$f" | median)" \
		"$(cut -d' ' -f2 "$f" | median)" "$(cut -d' ' -f3 "$f" | median)"
}

servers=("06_epoll" "11_pool -Q mutex" "11_pool -Q batch" "11_pool -Q ring")
for _ in $(seq "$ROUNDS"); do
	for server in "${servers[@]}"; do run "$server" / 100; done
	run "06_epoll" /spin/1000 8
	run "11_pool -w 2" /spin/1000 8
done

echo "# bench/pool.sh $SECONDS_PER_RUN $ROUNDS: $(uname -sr), $(nproc) CPUs, unpinned, medians of $ROUNDS"
echo "GET /, 100 keep-alive clients"
printf '%-24s %12s %12s %14s\n' server "requests/s" "CPU us/req" "wakeups/req"
for server in "${servers[@]}"; do row "$server" "$(tr -c 'a-z0-9\n' _ <<<"$server /")"; done
echo "GET /spin/1000 (1 ms of CPU), 8 keep-alive clients"
printf '%-24s %12s %12s %14s\n' server "requests/s" "CPU us/req" "wakeups/req"
row "06_epoll" "$(tr -c 'a-z0-9\n' _ <<<"06_epoll /spin/1000")"
row "11_pool -w 2" "$(tr -c 'a-z0-9\n' _ <<<"11_pool -w 2 /spin/1000")"
