#!/usr/bin/env bash
# bench/event-models.sh - the measurements behind the event-driven models'
# claims, in one run on this machine (not a test: numbers, no assertions).
#
#   1. requests/s of each event model and, if installed, nginx with one
#      worker, server pinned to CPU 0 and `wrk -t1 -c100` pinned to CPU 1,
#      keep-alive and Connection: close; ROUNDS rounds, servers interleaved,
#      the median kept (this is a noisy 2-core machine);
#   2. system calls per keep-alive request (strace -f -c under wrk,
#      divided by the requests /stats counted);
#   3. server RSS per idle keep-alive connection with 10,000 of them.
#
# Usage: bench/event-models.sh [SECONDS per wrk run, default 5] [ROUNDS, default 3]
# (SECTIONS="2" runs only part 2; default "1 2 3")
# Needs: make, wrk; optional: nginx, strace, taskset.
set -u
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-5}
ROUNDS=${2:-3}
BUILD=${BUILD:-build}

command -v wrk >/dev/null || { echo "needs wrk (Debian: apt-get install -y wrk)" >&2; exit 1; }
make -s all "$BUILD/tests/client" >/dev/null || exit 1
# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_workdir

# start MODEL ARGS...: start a server on a free port; sets PORT and SPID.
start() { start_model "$WORK" "$@"; }

# rps [wrk args]: requests/s of wrk -t1 -c100 against PORT.
rps() {
	"${PIN_LOAD[@]}" wrk -t1 -c100 -d"${SECONDS_PER_RUN}s" "$@" "http://127.0.0.1:$PORT/" |
		awk '/^Requests\/sec:/ { printf "%.0f", $2 }'
}

stop() { stop_model; }

# SECTIONS="2" runs only that part (default: all three).
want() { [[ " ${SECTIONS:-1 2 3} " == *" $1 "* ]]; }

# start_any SERVER: a model with its flags ("06_epoll -e") or nginx.
start_any() {
	if [ "$1" = nginx ]; then
		start_nginx "$WORK"
		SPID=$SERVER_PID
		PIDS+=($SPID)
	else
		# shellcheck disable=SC2086
		start $1
	fi
}

if want 1; then
	echo "# 1. requests/s, wrk -t1 -c100 -d${SECONDS_PER_RUN}s, server on CPU 0, wrk on CPU 1, median of $ROUNDS"
	servers=(04_select 05_poll 06_epoll "06_epoll -e" 07_kqueue)
	command -v nginx >/dev/null && servers+=(nginx)
	for round in $(seq "$ROUNDS"); do
		for server in "${servers[@]}"; do
			key=${server//[^a-z0-9]/_}
			start_any "$server"
			rps >>"$WORK/ka_$key"
			echo >>"$WORK/ka_$key"
			rps -H 'Connection: close' >>"$WORK/cl_$key"
			echo >>"$WORK/cl_$key"
			stop
		done
		echo "  round $round of $ROUNDS done" >&2
	done
	printf '%-22s %12s %12s   %s\n' server keep-alive close "(each round: keep-alive/close)"
	for server in "${servers[@]}"; do
		key=${server//[^a-z0-9]/_}
		printf '%-22s %12s %12s   %s\n' "$server" "$(median <"$WORK/ka_$key")" "$(median <"$WORK/cl_$key")" \
			"$(paste -d/ "$WORK/ka_$key" "$WORK/cl_$key" | tr '\n' ' ')"
	done
	if command -v nginx >/dev/null; then
		awk -v a="$(median <"$WORK/ka_06_epoll")" -v b="$(median <"$WORK/ka_nginx")" \
			-v c="$(median <"$WORK/cl_06_epoll")" -v d="$(median <"$WORK/cl_nginx")" \
			'BEGIN { printf "06_epoll / nginx (medians): keep-alive %.2f, close %.2f\n", a / b, c / d }'
	fi
fi

if want 2 && command -v strace >/dev/null; then
	echo
	echo "# 2. system calls per keep-alive request: strace -f -c, wrk -t1 -c10 -d2s"
	for server in 04_select 05_poll 06_epoll "06_epoll -e" 07_kqueue "07_kqueue -e"; do
		# shellcheck disable=SC2086
		set -- $server
		strace -f -c -o "$WORK/strace" "$BUILD/bin/$1" -p 0 -q "${@:2}" 2>"$WORK/server.log" &
		PIDS+=($!)
		wait_for_start "$WORK/server.log"
		SPID=$(sed -n 's/.* pid \([0-9]*\)$/\1/p' "$WORK/server.log")
		wrk -t1 -c10 -d2s "http://127.0.0.1:$PORT/" >/dev/null
		requests=$(curl -s "http://127.0.0.1:$PORT/stats" | awk '/^requests:/ { print $2 }')
		stop
		sleep 0.3
		awk -v n="$requests" -v name="$server" '
			# strace -c columns: % time, seconds, usecs/call, calls, [errors,] syscall
			$NF == "total" { total = $4 }
			# Every call, so that the parts add up to the total (a fixed
			# list once left out the wait of 04_select).
			$4 ~ /^[0-9]+$/ && $NF != "total" && $NF != "syscall" { calls[$NF] = $4 }
			END {
				printf "%-12s %.2f per request (%d calls, %d requests):", name, total / n, total, n
				for (c in calls)
					if (calls[c] / n >= 0.005)
						printf " %s %.2f", c, calls[c] / n
					else
						other += calls[c]
				# Start-up and the odd accept: once per run, not per request.
				printf " other %.2f\n", other / n
			}' "$WORK/strace"
	done
fi

want 3 || exit 0
echo
echo "# 3. RSS per idle keep-alive connection, 10,000 connections"
# 10,000 connections need 10,000 descriptors in the server and as many in
# the client; the limit is per process, and both raise theirs to the hard one.
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt 10100 ]; then
	echo "skipped: needs 10,100 descriptors per process (ulimit -Hn is $(ulimit -Hn))"
	exit 0
fi
printf '%-12s %10s %10s %14s\n' server "RSS before" "RSS after" "bytes/conn"
for server in 05_poll 06_epoll 07_kqueue; do
	start "$server" -t 120
	before=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SPID/status")
	"$BUILD/tests/client" hold "$PORT" 10000 -s 'GET / HTTP/1.1\r\nHost: t\r\n\r\n' -d 60 >"$WORK/held" &
	holder=$!
	PIDS+=($holder)
	for _ in $(seq 400); do
		[ "$(curl -s "http://127.0.0.1:$PORT/stats" | awk '/^requests:/ { print $2 }')" -ge 10000 ] 2>/dev/null && break
		sleep 0.05
	done
	after=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SPID/status")
	kill "$holder"
	stop
	printf '%-12s %8s kB %8s kB %14.0f\n' "$server" "$before" "$after" "$(( (after - before) * 1024 / 10000 ))"
done
