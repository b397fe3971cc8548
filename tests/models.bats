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
	wait_until 5 test "$(child_pids "$SERVER_PID" | wc -l)" -eq 5
	kill "${BACKGROUND_PIDS[0]}"
	wait_until 5 test "$(child_pids "$SERVER_PID" | wc -l)" -eq 0
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
	wait_until 5 test "$(zombie_children "$SERVER_PID")" -eq 0
	wait_until 5 test "$(child_pids "$SERVER_PID" | wc -l)" -eq 0
}

@test "03_thread: one thread per held connection, back to baseline after" {
	local baseline
	start_server 03_thread -t 20
	baseline=$(thread_count "$SERVER_PID")
	hold_idle 10
	wait_until 5 test "$(thread_count "$SERVER_PID")" -eq $((baseline + 10))
	kill "${BACKGROUND_PIDS[0]}"
	wait_until 5 test "$(thread_count "$SERVER_PID")" -eq "$baseline"
}

@test "02_fork: counters from children are visible in /stats" {
	start_server 02_fork
	for _ in 1 2 3; do curl -sS --max-time 5 "http://127.0.0.1:$PORT/" >/dev/null; done
	[ "$(stat_value requests)" -eq 4 ]
	wait_until 5 test "$(stat_value open)" -eq 1
}
