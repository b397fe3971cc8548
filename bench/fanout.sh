#!/usr/bin/env bash
# bench/fanout.sh - article 003's Comet on every rung: N subscribers parked
# on one channel, M messages published one at a time (RATE a second, so
# that each publish meets all N waiting), every delivery checked and timed
# by build/bin/fanout (bench/fanout.c).
#
#   bench/fanout.sh [OUT] [COUNTS] [MESSAGES] [RATE]
#       defaults: bench/results/fanout.txt, "1000 10000", 20, 5
#
# Per model and N: publish -> first, median, p99 and last delivery, the
# median message's "until the last subscriber knows", messages missed or
# duplicated, and the server's memory (PSS, with its children) per parked
# subscriber; then each figure relative to 06_epoll's in the same run.
# Where perf can count scheduler events, 03_thread's and 06_epoll's
# wake-ups and context switches per delivered message at the first N: the
# difference between a run of M+1 messages and a run of 1, over M x N
# deliveries, so that connecting and parking are not counted.
# The server is pinned to CPU 0, fanout to CPU 1 (bench/lib.sh).
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
BUILD=${BUILD:-build}
OUT=${1:-bench/results/fanout.txt}
COUNTS=${2:-1000 10000}
MESSAGES=${3:-20}
RATE=${4:-5}
MODELS=${MODELS:-$(cd "$BUILD/bin" && ls -d [0-9][0-9]_* 2>/dev/null)}
FANOUT=$BUILD/bin/fanout
[ -x "$FANOUT" ] || { echo "bench/fanout.sh: build first (make)" >&2; exit 1; }
bench_workdir
mkdir -p "$(dirname "$OUT")"
: >"$WORK/rows"

# field JSON NAME: a number from fanout's -j line.
field() {
	sed -n "s/.*\"$2\": \\(-\\{0,1\\}[0-9.]*\\).*/\\1/p" <<<"$1"
}

# ms JSON NAME: a latency, "-" where fanout had none to rank (-1).
ms() {
	local v
	v=$(field "$1" "$2")
	[ "$v" = -1.000 ] && v=-
	echo "$v"
}

# run_one MODEL N M: one server, one fanout run; prints fanout's JSON line.
run_one() {
	local model=$1 n=$2 m=$3 json
	# -W: room for every subscriber; -t: longer than the whole run.
	start_model "$WORK" "$model" -t 300 -W $((n + 100)) || return 1
	json=$("${PIN_LOAD[@]}" "$FANOUT" -p "$PORT" -n "$n" -m "$m" -r "$RATE" -P "$SPID" -T 60 -j 2>"$WORK/fanout.err")
	stop_model
	echo "$json"
}

for n in $COUNTS; do
	for model in $MODELS; do
		if [ "$model" = 01_blocking ]; then
			# It parks one subscriber; the others wait in its backlog.
			echo "$model $n - - - - - - - one-waiter" >>"$WORK/rows"
			continue
		fi
		json=$(run_one "$model" "$n" "$MESSAGES") || { echo "$model $n - - - - - - - no-start" >>"$WORK/rows"; continue; }
		parked=$(field "$json" parked)
		knows=$(ms "$json" last_median_ms)
		note=ok
		[ "$(field "$json" delivered)" = "$(field "$json" expected)" ] || note="delivered=$(field "$json" delivered)/$(field "$json" expected)"
		# -1: /stats did not answer (the server could not take the connection)
		[ -n "$parked" ] && [ "$parked" -lt "$n" ] && note="$note,parked=$parked"
		# -1: nothing delivered, no latency to rank
		printf '%s %s %s %s %s %s %s %s %s %s\n' "$model" "$n" \
			"$(ms "$json" first_ms)" "$(ms "$json" median_ms)" "$(ms "$json" p99_ms)" \
			"$(ms "$json" last_ms)" "$knows" \
			"$(field "$json" missed)/$(field "$json" duplicated)" \
			"$(field "$json" memory_per_waiter_bytes)" "$note" >>"$WORK/rows"
		printf '%-14s n=%-6s %s\n' "$model" "$n" "$json" >&2
	done
done

{
	echo "# bench/fanout.sh $(date -u +%Y-%m-%d) on $(uname -sr), $(nproc) CPUs ($PINNING)"
	echo "# $MESSAGES messages at $RATE/s to N parked subscribers; ms from publish to delivery"
	echo "# (all deliveries: first, median, p99, last; 'last knows': the median message's"
	echo "# last delivery, of the messages that reached every subscriber); missed (gaps)/dup;"
	echo "# server PSS per parked subscriber; x: relative to 06_epoll's at the same N;"
	echo "# note: what was not delivered when the run's 60 s ended, and how many the"
	echo "# server counted parked before the first publish (-1: /stats did not answer)"
	printf '%-14s %6s %9s %9s %9s %9s %10s %8s %9s %8s %8s  %s\n' model N first median p99 last "last knows" miss/dup "B/waiter" "last x" "mem x" note
	awk '
		{ row[NR] = $0; if ($1 == "06_epoll") { ref_last[$2] = $7; ref_mem[$2] = $9 } }
		END {
			for (i = 1; i <= NR; i++) {
				split(row[i], f, " ")
				lx = (f[7] != "-" && ref_last[f[2]] > 0) ? sprintf("%.2f", f[7] / ref_last[f[2]]) : "-"
				mx = (f[9] != "-" && f[9] > 0 && ref_mem[f[2]] > 0) ? sprintf("%.1f", f[9] / ref_mem[f[2]]) : "-"
				printf "%-14s %6s %9s %9s %9s %9s %10s %8s %9s %8s %8s  %s\n", f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], lx, mx, f[10]
			}
		}' "$WORK/rows"
} >"$OUT"

# Wake-ups and context switches per delivered message, where perf can
# count the scheduler's events.
n=${COUNTS%% *}
if command -v perf >/dev/null && perf stat -e sched:sched_wakeup true >/dev/null 2>&1; then
	{
		echo
		echo "# scheduler events per delivered message at N=$n: (run of $((MESSAGES + 1)) messages - run of 1) / ($MESSAGES x $n)"
		printf '%-14s %12s %12s\n' model wakeups ctx_switches
	} >>"$OUT"
	for model in 03_thread 06_epoll; do
		[ -x "$BUILD/bin/$model" ] || continue
		for m in 1 $((MESSAGES + 1)); do
			start_model "$WORK" "$model" -t 300 -W $((n + 100)) || continue
			perf stat -x, -e sched:sched_wakeup,context-switches -p "$SPID" -o "$WORK/perf.$m" &
			perf_pid=$!
			sleep 0.2
			"${PIN_LOAD[@]}" "$FANOUT" -p "$PORT" -n "$n" -m "$m" -r "$RATE" -T 120 -j >/dev/null 2>&1
			kill -INT "$perf_pid"
			wait "$perf_pid" 2>/dev/null
			stop_model
		done
		awk -F, -v msgs="$MESSAGES" -v n="$n" -v model="$model" '
			FNR == 1 { file++ }
			$3 == "sched:sched_wakeup" { w[file] = $1 }
			$3 == "context-switches" { c[file] = $1 }
			END { printf "%-14s %12.2f %12.2f\n", model, (w[2] - w[1]) / (msgs * n), (c[2] - c[1]) / (msgs * n) }' \
			"$WORK/perf.1" "$WORK/perf.$((MESSAGES + 1))" >>"$OUT"
	done
fi
cat "$OUT"
