#!/usr/bin/env bash
# bench/loadgen-compare.sh - is bench/http_load ever the bottleneck, and does
# it cost less than the tool it replaces? In one run on this machine, against
# 06_epoll pinned to CPU 0, each generator pinned to CPU 1, ROUNDS rounds in
# turn (A B A B ...), medians:
#   keep-alive:  http_load -keepalive -parallel 100   vs  wrk -t1 -c100
#   close:       http_load -parallel 100              vs  the original
#                http_load (if on PATH as http_load-original) and ab -c 100
# then system calls per close-mode fetch (strace -c -f, 20,000 fetches) for
# ours and the original, and how exactly -rate paces (-rate 1000 -seconds 5
# should be 5,000 fetches).
#
# The original is never downloaded or shipped by this project: build ACME
# Labs' http_load yourself and put it on PATH as http_load-original to add it.
# wrk (Debian: wrk) and ab (apache2-utils) are used when installed.
#
# Usage: bench/loadgen-compare.sh [SECONDS, default 3] [ROUNDS, default 3]
set -u
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-3}
ROUNDS=${2:-3}
BUILD=${BUILD:-build}
WORK=$(mktemp -d)
trap 'kill -TERM "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; rm -rf "$WORK"' EXIT
make -s all >/dev/null || exit 1
# shellcheck source=bench/lib.sh
. bench/lib.sh

"${PIN_SERVER[@]}" "$BUILD/bin/06_epoll" -p 0 -q 2>"$WORK/log" &
SPID=$!
wait_for_start "$WORK/log"
URL="http://127.0.0.1:$PORT/"
echo "$URL" >"$WORK/urls"

# The generators, in the order each round runs them: name, then command.
GENERATORS=("http_load -keepalive -parallel 100")
command -v wrk >/dev/null && GENERATORS+=("wrk -t1 -c100")
GENERATORS+=("http_load -parallel 100")
command -v http_load-original >/dev/null && GENERATORS+=("original http_load -parallel 100")
command -v ab >/dev/null && GENERATORS+=("ab -c 100")

# rate NAME: one run of that generator, requests (fetches) per second.
rate() {
	case $1 in
	"http_load -keepalive -parallel 100")
		"${PIN_LOAD[@]}" "$BUILD/bin/http_load" -keepalive -parallel 100 -seconds "$SECONDS_PER_RUN" "$WORK/urls" ;;
	"http_load -parallel 100")
		"${PIN_LOAD[@]}" "$BUILD/bin/http_load" -parallel 100 -seconds "$SECONDS_PER_RUN" "$WORK/urls" ;;
	"original http_load -parallel 100")
		"${PIN_LOAD[@]}" http_load-original -parallel 100 -seconds "$SECONDS_PER_RUN" "$WORK/urls" ;;
	"wrk -t1 -c100")
		"${PIN_LOAD[@]}" wrk -t1 -c100 -d"${SECONDS_PER_RUN}s" "$URL" | awk '/^Requests\/sec:/ { print $2, "fetches/sec" }' ;;
	"ab -c 100")
		"${PIN_LOAD[@]}" ab -q -c 100 -t "$SECONDS_PER_RUN" -n 100000000 "$URL" 2>/dev/null |
			awk '/^Requests per second:/ { print $4, "fetches/sec" }' ;;
	esac | awk '/fetches\/sec/ { printf "%.0f\n", $1 }'
}

for round in $(seq "$ROUNDS"); do
	for i in "${!GENERATORS[@]}"; do
		rate "${GENERATORS[$i]}" >>"$WORK/g$i"
	done
	echo "  round $round of $ROUNDS done" >&2
done
printf '%-40s %10s   %s\n' "generator (against 06_epoll)" "median/s" "rounds"
for i in "${!GENERATORS[@]}"; do
	printf '%-40s %10s   %s\n' "${GENERATORS[$i]}" "$(median <"$WORK/g$i")" "$(tr '\n' ' ' <"$WORK/g$i")"
done
# ratio A B: median of generator A over that of B, when both ran.
ratio() {
	local a b i
	for i in "${!GENERATORS[@]}"; do
		[ "${GENERATORS[$i]}" = "$1" ] && a=$(median <"$WORK/g$i")
		[ "${GENERATORS[$i]}" = "$2" ] && b=$(median <"$WORK/g$i")
	done
	[ -n "${a:-}" ] && [ -n "${b:-}" ] && awk -v a="$a" -v b="$b" -v n="$1 / $2" 'BEGIN { printf "%s: %.2f\n", n, a / b }'
}
ratio "http_load -keepalive -parallel 100" "wrk -t1 -c100"
ratio "http_load -parallel 100" "original http_load -parallel 100"
ratio "http_load -parallel 100" "ab -c 100"

# syscalls NAME CMD...: system calls per fetch over 20,000 close-mode fetches.
syscalls() {
	local name=$1
	shift
	strace -f -c -o "$WORK/strace" "$@" -parallel 100 -fetches 20000 "$WORK/urls" >/dev/null 2>&1
	awk -v name="$name" '$NF ~ /^[a-z_0-9]+$/ && $NF != "total" && $4 ~ /^[0-9]+$/ { calls[$NF] = $4; total += $4 }
		END {
			printf "%-28s %5.2f per fetch:", name, total / 20000
			for (c in calls) if (calls[c] >= 2000) printf " %s %.2f", c, calls[c] / 20000
			printf "\n"
		}' "$WORK/strace"
}
if command -v strace >/dev/null; then
	echo
	echo "# system calls per close-mode fetch (strace -f -c, -parallel 100 -fetches 20000; calls >= 0.1 per fetch listed)"
	syscalls "http_load" "$BUILD/bin/http_load"
	command -v http_load-original >/dev/null && syscalls "original http_load" http_load-original
fi

echo
echo "# -rate 1000 -seconds 5: fetches should be 5000"
"${PIN_LOAD[@]}" "$BUILD/bin/http_load" -rate 1000 -seconds 5 -percentiles "$WORK/urls" |
	awk 'NR == 1 { printf "%s (%.2f%% off)\n", $0, ($1 - 5000) / 50 } /late|msecs\/response/'
