# bench/lib.sh - shared by bench/run, the other bench scripts and
# tests/valgrind.sh: CPU pinning, waiting for a server to start, starting and
# stopping a model, its CPU time, a reference nginx, medians. Source it after `cd` to the repository root.

# shellcheck source=bench/csv.sh
. bench/csv.sh
# shellcheck source=bench/cpu.sh
. bench/cpu.sh

# PIN_SERVER / PIN_LOAD: command prefixes putting the server on CPU 0 and the
# load generator on CPU 1, where taskset exists and there are two CPUs.
PIN_SERVER=() PIN_LOAD=() PINNING="none (taskset missing or one CPU)"
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
	PIN_SERVER=(taskset -c 0) PIN_LOAD=(taskset -c 1) PINNING="server on CPU 0, load generator on CPU 1"
fi

# wait_for_start LOG: wait (at most 5 s) for a server's start-up line,
# "MODEL listening on ADDR:PORT pid PID", in LOG; set PORT from it. Returns 1
# if it never came.
wait_for_start() {
	local _
	PORT=
	for _ in $(seq 100); do
		PORT=$(sed -n 's/.* listening on .*:\([0-9][0-9]*\) pid [0-9]*$/\1/p' "$1" 2>/dev/null)
		[ -n "$PORT" ] && return 0
		sleep 0.05
	done
	return 1
}

# bench_workdir: a scratch directory in WORK and an empty PIDS; on exit,
# every pid in PIDS is killed and WORK removed. Call it from the script, not
# a subshell: the trap belongs to the caller.
bench_workdir() {
	WORK=$(mktemp -d)
	PIDS=()
	trap 'for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done; rm -rf "$WORK"' EXIT
}

# start_model DIR MODEL [ARGS...]: build/bin/MODEL pinned to the server CPU,
# on a free port, quiet, logging to DIR/server.log; sets PORT and SPID and
# adds SPID to the caller's PIDS (its exit trap kills them). Returns 1 if
# the start-up line never came (10_io_uring where the kernel refuses it:
# the log's first line says why).
start_model() {
	local log="$1/server.log"
	"${PIN_SERVER[@]}" "$BUILD/bin/$2" -p 0 -q "${@:3}" 2>"$log" &
	PIDS+=($!)
	wait_for_start "$log" || return 1
	SPID=$(sed -n 's/.* pid \([0-9]*\)$/\1/p' "$log")
}

stop_model() {
	kill -TERM "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
}

# NETNS: a command prefix that runs a command in the network namespace the
# server listens in (bench/run: one per run; empty: this one).
NETNS=()

# stat_value NAME: one counter from the running model's /stats (PORT).
stat_value() {
	"${NETNS[@]}" curl -s --max-time 5 "http://127.0.0.1:$PORT/stats" | awk -v n="$1:" '$1 == n { print $2 }'
}


# median: the middle of the numbers on stdin, one per line.
median() {
	sort -n | awk 'NF { v[++n] = $1 } END { print n ? v[int((n + 1) / 2)] : "" }'
}

# start_nginx DIR: nginx with one worker (pinned like our servers), access
# log off, answering GET / with the same 14-byte body as our models. Sets
# PORT and SERVER_PID (the master; -TERM stops both). Returns 1 if it does
# not answer. NGINX_PREFIX: a command to run it under (bench/run: perf).
start_nginx() {
	local dir=$1 i
	[ -n "${NGINX_PREFIX+set}" ] || NGINX_PREFIX=()
	PORT=$((20000 + RANDOM % 20000))
	cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
events { worker_connections 20000; }
http {
	access_log off;
	keepalive_requests 1000;
	server {
		listen 127.0.0.1:$PORT;
		location = / { default_type text/plain; return 200 "Hello, World!\n"; }
	}
}
CONF
	"${NGINX_PREFIX[@]}" "${PIN_SERVER[@]}" nginx -c "$dir/nginx.conf" -p "$dir" 2>/dev/null &
	SERVER_PID=$!
	for i in $(seq 100); do
		"${NETNS[@]}" curl -s --max-time 1 -o /dev/null "http://127.0.0.1:$PORT/" && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}
