#!/usr/bin/env bats
# models.bats - each model is what it claims to be.

load helpers

teardown() {
	cleanup
}

# hold_idle COUNT: open COUNT keep-alive connections that send nothing.
hold_idle() {
	background "$CLIENT" hold "$PORT" "$1" -d 20
}

@test "01_blocking: one idle client stalls everybody else" {
	start_server 01_blocking -t 20
	hold_idle 1
	sleep 0.3
	run curl -sS --max-time 1 "http://127.0.0.1:$PORT/"
	[ "$status" -eq 28 ] # curl: operation timed out
	kill "${BACKGROUND_PIDS[0]}"
	run curl -sS --max-time 5 "http://127.0.0.1:$PORT/"
	[ "$output" = "Hello, World!" ]
}

@test "01_blocking: -t bounds the stall" {
	start_server 01_blocking -t 1
	hold_idle 1
	sleep 0.2
	run curl -sS --max-time 4 "http://127.0.0.1:$PORT/"
	[ "$output" = "Hello, World!" ]
}

@test "02_fork and 03_thread: an idle client stalls nobody" {
	for model in 02_fork 03_thread; do
		start_server "$model" -t 20
		hold_idle 3
		sleep 0.3
		run curl -sS --max-time 2 "http://127.0.0.1:$PORT/"
		[ "$output" = "Hello, World!" ]
		cleanup
	done
}

@test "02_fork: one child per held connection, no zombies after" {
	start_server 02_fork -t 20
	hold_idle 5
	wait_until 5 'test "$(child_pids "$SERVER_PID" | wc -l)" -eq 5'
	kill "${BACKGROUND_PIDS[0]}"
	wait_until 5 'test "$(child_pids "$SERVER_PID" | wc -l)" -eq 0'
	[ "$(zombie_children "$SERVER_PID")" -eq 0 ]
}

@test "02_fork: no zombies after 200 requests" {
	local curl_pid
	start_server 02_fork
	for _ in $(seq 20); do
		# Two clients at once, five requests each, a new connection each.
		curl -sS --max-time 5 -H 'Connection: close' "http://127.0.0.1:$PORT/bytes/10?[1-5]" >/dev/null &
		curl_pid=$!
		curl -sS --max-time 5 -H 'Connection: close' "http://127.0.0.1:$PORT/?[1-5]" >/dev/null
		wait "$curl_pid"
	done
	[ "$(stat_value accepted)" -ge 200 ]
	wait_until 5 'test "$(zombie_children "$SERVER_PID")" -eq 0'
	wait_until 5 'test "$(child_pids "$SERVER_PID" | wc -l)" -eq 0'
}

@test "03_thread: one thread per held connection, back to baseline after" {
	local baseline
	start_server 03_thread -t 20
	baseline=$(thread_count "$SERVER_PID")
	hold_idle 10
	wait_until 5 'test "$(thread_count "$SERVER_PID")" -eq $((baseline + 10))'
	kill "${BACKGROUND_PIDS[0]}"
	wait_until 5 'test "$(thread_count "$SERVER_PID")" -eq "$baseline"'
}

@test "02_fork: counters from children are visible in /stats" {
	start_server 02_fork
	for _ in 1 2 3; do curl -sS --max-time 5 "http://127.0.0.1:$PORT/" >/dev/null; done
	[ "$(stat_value requests)" -eq 4 ]
	wait_until 5 'test "$(stat_value open)" -eq 1'
}

@test "04_select: a connection on fd >= FD_SETSIZE is refused; the server goes on" {
	start_server 04_select -t 20
	# ~1,020 descriptors below FD_SETSIZE (1024) are free; ask for more.
	background "$CLIENT" hold "$PORT" 1100 -d 20
	wait_until 10 'grep -q "cannot be watched" "$SERVER_LOG"'
	kill "${BACKGROUND_PIDS[0]}"
	wait_until 10 'curl -sS --max-time 1 -o /dev/null "http://127.0.0.1:$PORT/"'
	[ "$(stat_value refused)" -ge 50 ]
	grep -q 'fd 1024 cannot be watched' "$SERVER_LOG"
	assert_server_healthy
}

# 900 pipelined requests (~36 KB) arrive at once: more than one read of the
# 16 KiB buffer. Edge-triggered epoll reports them once.
@test "06_epoll -e: draining until EAGAIN answers a burst larger than one read" {
	start_server 06_epoll -e
	run "$CLIENT" parallel "$PORT" 1 / -r 900 -t 5000
	[ "$output" = "ok=1 failed=0 ms=${output##*ms=}" ]
}

@test "06_epoll -1: reading once per edge stalls on that burst (the bug, on purpose)" {
	start_server 06_epoll -1
	run "$CLIENT" parallel "$PORT" 1 / -r 900 -t 1500
	[ "$status" -eq 1 ]
	[[ "$output" == "ok=0 failed=1 "* ]]
	[ "$(stat_value requests)" -lt 900 ] # it answered what it read, then waited
}

@test "07_kqueue: on Linux the start-up line says the kqueue is emulated" {
	[ "$(uname -s)" = Linux ] || skip "real kqueue here"
	start_server 07_kqueue
	grep -q '^kqueue (emulated on epoll) listening on ' "$SERVER_LOG" ||
		grep -q '^kqueue (libkqueue) listening on ' "$SERVER_LOG"
	[[ "$(curl -sS --max-time 5 "http://127.0.0.1:$PORT/stats")" == *"model: kqueue ("* ]]
}

@test "event models: 20 idle clients stall nobody" {
	for model in 04_select 05_poll 06_epoll 07_kqueue; do
		require_model "$model"
		start_server "$model" -t 20
		background "$CLIENT" hold "$PORT" 20 -d 20
		sleep 0.2
		run curl -sS --max-time 2 "http://127.0.0.1:$PORT/"
		[ "$output" = "Hello, World!" ]
		cleanup
	done
}
