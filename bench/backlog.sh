#!/usr/bin/env bash
# bench/backlog.sh - what the listen backlog (-b) does to a burst of
# connections (not a test: numbers, no assertions; tests/models.bats holds
# the bound).
#
# 01_blocking accepts one connection, answers it, and only then accepts the
# next, so a burst of new connections waits in the kernel's accept queue,
# whose length is the backlog (capped by net.core.somaxconn). For each
# backlog, COUNT clients connect at once and send one GET each; the table
# shows how many were answered within SECONDS, how long the burst took, and
# how often the kernel found the accept queue full (ListenOverflows in
# /proc/net/netstat: each one a handshake or a SYN it dropped).
#
# Usage: bench/backlog.sh [COUNT] [SECONDS] [BACKLOG...]
#        (default 100 clients, 5 s, backlogs 1 8 64 128 and the default)
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
CLIENT=$BUILD/tests/client
COUNT=${1:-100}
SECONDS_LIMIT=${2:-5}
shift $(($# < 2 ? $# : 2))
BACKLOGS=${*:-1 8 64 128 default}

[ -r /proc/net/netstat ] || { echo "reads /proc/net/netstat: Linux only" >&2; exit 1; }
# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_workdir
make -s all "$CLIENT" >/dev/null || exit 1

# listen_overflows: the kernel's count of times an accept queue was full.
listen_overflows() {
	awk '/^TcpExt:/ {
		if (!col) { for (i = 1; i <= NF; i++) if ($i == "ListenOverflows") col = i }
		else { print $col; exit }
	}' /proc/net/netstat
}

echo "# bench/backlog.sh $COUNT $SECONDS_LIMIT: $(uname -sr), somaxconn $(cat /proc/sys/net/core/somaxconn)," \
	"tcp_abort_on_overflow $(cat /proc/sys/net/ipv4/tcp_abort_on_overflow)," \
	"tcp_syncookies $(cat /proc/sys/net/ipv4/tcp_syncookies)"
printf '%-10s %9s %9s %12s %17s\n' backlog answered waiting "burst took" "ListenOverflows"
for backlog in $BACKLOGS; do
	flags=()
	[ "$backlog" = default ] || flags=(-b "$backlog")
	start_model "$WORK" 01_blocking "${flags[@]}" || { echo "01_blocking did not start" >&2; exit 1; }
	before=$(listen_overflows)
	result=$("$CLIENT" parallel "$PORT" "$COUNT" / -t $((SECONDS_LIMIT * 1000)))
	after=$(listen_overflows)
	stop_model
	ok=$(sed -n 's/.*ok=\([0-9]*\).*/\1/p' <<<"$result")
	failed=$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' <<<"$result")
	ms=$(sed -n 's/.*ms=\([0-9]*\).*/\1/p' <<<"$result")
	[ "$failed" -gt 0 ] && took=">= $ms ms" || took="$ms ms"
	[ "$backlog" = default ] && backlog="default"
	printf '%-10s %9d %9d %12s %17d\n' "$backlog" "$ok" "$failed" "$took" $((after - before))
done
