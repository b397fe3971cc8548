#!/usr/bin/env bash
# bench/loadgen-compare.sh - is bench/http_load ever the bottleneck? In one
# run on this machine, against 06_epoll pinned to CPU 0, each generator
# pinned to CPU 1, ROUNDS interleaved rounds, medians:
#   keep-alive:  http_load -keepalive -parallel 100   vs  wrk -t1 -c100
#   close:       http_load -parallel 100              vs  ab -c 100 (no -k)
# and how exactly -rate paces: -rate 1000 -seconds 5 should be 5,000 fetches.
#
# Usage: bench/loadgen-compare.sh [SECONDS, default 5] [ROUNDS, default 3]
# Needs wrk and ab (Debian: apt-get install -y wrk apache2-utils), taskset optional.
set -u
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-5}
ROUNDS=${2:-3}
BUILD=${BUILD:-build}
WORK=$(mktemp -d)
trap 'kill -9 "$SPID" 2>/dev/null; rm -rf "$WORK"' EXIT
for tool in wrk ab; do
	command -v $tool >/dev/null || { echo "needs $tool" >&2; exit 1; }
done
make -s all >/dev/null || exit 1
# shellcheck source=bench/lib.sh
. bench/lib.sh

"${PIN_SERVER[@]}" "$BUILD/bin/06_epoll" -p 0 -q 2>"$WORK/log" &
SPID=$!
wait_for_start "$WORK/log"
URL="http://127.0.0.1:$PORT/"
echo "$URL" >"$WORK/urls"

hl() { "${PIN_LOAD[@]}" "$BUILD/bin/http_load" "$@" -seconds "$SECONDS_PER_RUN" "$WORK/urls" | awk '/fetches\/sec/ { printf "%.0f", $1 }'; }

for round in $(seq "$ROUNDS"); do
	hl -keepalive -parallel 100 >>"$WORK/hl_ka"; echo >>"$WORK/hl_ka"
	"${PIN_LOAD[@]}" wrk -t1 -c100 -d"${SECONDS_PER_RUN}s" "$URL" | awk '/^Requests\/sec:/ { printf "%.0f\n", $2 }' >>"$WORK/wrk"
	hl -parallel 100 >>"$WORK/hl_close"; echo >>"$WORK/hl_close"
	"${PIN_LOAD[@]}" ab -q -c 100 -t "$SECONDS_PER_RUN" -n 100000000 "$URL" 2>/dev/null |
		awk '/^Requests per second:/ { printf "%.0f\n", $4 }' >>"$WORK/ab"
	echo "  round $round of $ROUNDS done" >&2
done
printf '%-40s %10s   %s\n' "generator (against 06_epoll)" "median/s" "rounds"
for f in hl_ka wrk hl_close ab; do
	case $f in
	hl_ka) name="http_load -keepalive -parallel 100" ;;
	wrk) name="wrk -t1 -c100" ;;
	hl_close) name="http_load -parallel 100" ;;
	ab) name="ab -c 100" ;;
	esac
	printf '%-40s %10s   %s\n' "$name" "$(median <"$WORK/$f")" "$(grep . "$WORK/$f" | tr '\n' ' ')"
done
awk -v a="$(median <"$WORK/hl_ka")" -v b="$(median <"$WORK/wrk")" -v c="$(median <"$WORK/hl_close")" -v d="$(median <"$WORK/ab")" \
	'BEGIN { printf "http_load / wrk (keep-alive) %.2f;  http_load / ab (close) %.2f\n", a / b, c / d }'

echo
echo "# -rate 1000 -seconds 5: fetches should be 5000"
"${PIN_LOAD[@]}" "$BUILD/bin/http_load" -rate 1000 -seconds 5 -percentiles "$WORK/urls" |
	awk 'NR == 1 { printf "%s (%.2f%% off)\n", $0, ($1 - 5000) / 50 } /late|msecs\/response/'
