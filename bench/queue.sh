#!/usr/bin/env bash
# bench/queue.sh - 11_pool's three queue designs alone (build/bin/queue,
# bench/queue.c): messages per second and hand-off latency, one producer
# and one consumer thread, ROUNDS runs, medians; a bar chart with gnuplot
# where it is installed.
#
# Usage: bench/queue.sh [MESSAGES] [ROUNDS] [OUT]
#        (default 10,000,000 messages, 3 rounds, bench/results: queue.txt, queue.png)
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
MESSAGES=${1:-10000000}
ROUNDS=${2:-3}
OUT=${3:-bench/results}
# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_workdir
make -s "$BUILD/bin/queue" >/dev/null || exit 1
mkdir -p "$OUT"

for round in $(seq "$ROUNDS"); do
	"$BUILD/bin/queue" "$MESSAGES" >"$WORK/round$round" || exit 1
done
{
	echo "# bench/queue.sh $MESSAGES $ROUNDS: $(uname -sr), $(nproc) CPUs, medians of $ROUNDS"
	grep -h '^# ' "$WORK/round1" | head -1
	printf '%-6s %14s %12s %12s\n' queue "messages/s" "median us" "p99 us"
	for queue in mutex batch ring; do
		printf '%-6s' "$queue"
		for column in 2 3 4; do
			printf ' %*s' $((column == 2 ? 14 : 12)) \
				"$(awk -v q="$queue" -v c="$column" '$1 == q { print $c }' "$WORK"/round* | median)"
		done
		echo
	done
} | tee "$OUT/queue.txt"

command -v gnuplot >/dev/null || { echo "bench/queue.sh: no gnuplot here; $OUT/queue.txt only" >&2; exit 0; }
awk '$1 ~ /^(mutex|batch|ring)$/ { print $1, $2 / 1e6 }' "$OUT/queue.txt" >"$WORK/bars"
gnuplot -e 'set terminal pngcairo' >/dev/null 2>&1 && term="pngcairo size 800,500 font ',10'" || term="png size 800,500"
gnuplot <<EOF
set terminal $term
set output '$OUT/queue.png'
set title "11\\\\_pool's queues alone: one producer, one consumer thread, $MESSAGES messages\n{/*0.8 $(uname -s) $(uname -r), $(nproc) CPUs; median of $ROUNDS}"
set ylabel "million messages per second"
set style fill solid 0.6
set boxwidth 0.6
set yrange [0:*]
set grid ytics
unset key
plot '$WORK/bars' using 0:2:xtic(1) with boxes, '' using 0:2:(sprintf("%.1f", \$2)) with labels offset 0,1
EOF
echo "bench/queue.sh: wrote $OUT/queue.txt and $OUT/queue.png"
