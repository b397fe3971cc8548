#!/usr/bin/env bats
# models.bats - each model is what it claims to be.

load helpers

teardown() {
	cleanup
	if [ -n "${URING_DISABLED_WAS:-}" ]; then
		echo "$URING_DISABLED_WAS" >/proc/sys/kernel/io_uring_disabled
	fi
}

# preload LIBRARY [VAR=VALUE...]: the servers this test starts run with
# tests/tools/preload/LIBRARY.c loaded (LD_PRELOAD) and those variables set,
# to make a rare moment happen on cue; skips where that cannot be done.
# ASan wants its runtime first among the libraries: these only wrap libc
# calls, so its check is turned off.
preload() {
	local library="$TOOLS/tests/$1.so"
	shift
	[ "$(uname -s)" = Linux ] || skip "needs an LD_PRELOAD library built on Linux"
	[ -f "$library" ] || skip "$library is not built"
	SERVER_AS="env LD_PRELOAD=$library ASAN_OPTIONS=verify_asan_link_order=0 $*"
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

# stops_by_itself MODEL WHEN: start MODEL (under the preload library the test
# chose, which raises SIGTERM at WHEN); it must exit by itself within 5 s,
# with status 0 and its summary line.
stops_by_itself() {
	local status=0
	start_server "$1"
	if ! wait_until 5 '! kill -0 "$SERVER_PID" 2>/dev/null'; then
		echo "$1 is still running 5 s after a SIGTERM $2"
		return 1
	fi
	wait "$SERVER_PID" || status=$?
	SERVER_PID=
	echo "$1: exit status $status"
	[ "$status" -eq 0 ]
	grep -q ' stopped after ' "$SERVER_LOG"
}

@test "01-03: a SIGTERM just before the blocking wait for a client stops the server at once" {
	local model tried=0
	preload raise_before_wait
	# The library raises SIGTERM just before the server's first poll() or
	# accept(): after it has checked that no stop was asked for, before it
	# blocks. A server blocking in accept() would then wait for the next
	# client (none comes); waiting in poll() on the listener and the
	# wake-up pipe, it stops at once.
	for model in 01_blocking 02_fork 03_thread; do
		[ -x "$BUILD/bin/$model" ] || continue # make tsan builds 03_thread alone
		tried=$((tried + 1))
		stops_by_itself "$model" "just before it waits for a client"
	done
	[ "$tried" -gt 0 ] || skip "none of 01-03 is built in $BUILD"
}

@test "every model: a SIGTERM during start-up (just before listen) stops it at once" {
	local model tried=0
	preload raise_before_listen
	for model in $(cd "$BUILD/bin" && ls -- [0-9][0-9]_*); do
		tried=$((tried + 1))
		stops_by_itself "$model" "during start-up"
	done
	[ "$tried" -gt 0 ]
}

@test "01_blocking: a burst past -b 1 is dropped by the kernel; the default backlog queues it" {
	not_under_asan
	[ -r /proc/net/netstat ] || skip "what a full accept queue does is measured on Linux"
	# 100 connections at once against a server that accepts one at a
	# time: they wait in the accept queue, which the backlog sizes. With
	# room for all, everyone is answered at once; with room for two, the
	# kernel drops the handshakes it cannot queue (ListenOverflows), and
	# those clients wait seconds for retransmissions (bench/backlog.sh).
	start_server 01_blocking
	run "$CLIENT" parallel "$PORT" 100 / -t 5000
	echo "default backlog: $output"
	[[ "$output" == "ok=100 failed=0 "* ]]
	cleanup
	start_server 01_blocking -b 1
	run "$CLIENT" parallel "$PORT" 100 / -t 3000
	echo "-b 1: $output"
	[[ "$output" =~ failed=([0-9]+) ]]
	[ "${BASH_REMATCH[1]}" -ge 1 ]
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

@test "02_fork: no zombies after 1000 requests" {
	start_server 02_fork
	for _ in $(seq 20); do
		# 50 clients at once, a new connection (so a new child) each.
		run "$CLIENT" parallel "$PORT" 50 /bytes/10
		[[ "$output" == "ok=50 failed=0 "* ]]
	done
	[ "$(stat_value accepted)" -ge 1000 ]
	wait_until 5 'test "$(zombie_children "$SERVER_PID")" -eq 0'
	wait_until 5 'test "$(child_pids "$SERVER_PID" | wc -l)" -eq 0'
}

# start_with_few_processes MODEL: the model under a small RLIMIT_NPROC. The
# limit counts the processes (and threads) of the real user, and root is
# exempt, so as root the server runs as nobody, from a copy it may execute.
start_with_few_processes() {
	local dir
	require_model "$1"
	[ "$(uname -s)" = Linux ] || skip "RLIMIT_NPROC accounting differs elsewhere"
	if [ "$(id -u)" = 0 ]; then
		command -v setpriv >/dev/null || skip "setpriv (util-linux) is needed to drop root"
		dir=$(mktemp -d /tmp/c10k-nproc.XXXXXX)
		chmod 755 "$dir"
		cp "$BUILD/bin/$1" "$dir/"
		SERVER_BIN="$dir/$1" SERVER_AS="setpriv --reuid=nobody --regid=nogroup --clear-groups" \
			SERVER_LIMITS="-u $(( $(ps -u nobody -L -o lwp= | wc -l) + 20 ))" start_server "$1" -t 20
		rm -rf "$dir" # the running server keeps its copy open
	else
		SERVER_LIMITS="-u $(( $(ps -u "$(id -u)" -L -o lwp= | wc -l) + 20 ))" start_server "$1" -t 20
	fi
}

# handler_failure_costs_one_client MODEL: with too few processes allowed,
# clients that get no process or thread are closed; the server goes on.
handler_failure_costs_one_client() {
	start_with_few_processes "$1"
	# 60 idle clients, 20 processes allowed: most cannot get a handler.
	background "$CLIENT" hold "$PORT" 60 -d 20
	wait_until 10 'grep -q -E "(fork|pthread_create): Resource temporarily unavailable" "$SERVER_LOG"'
	kill -KILL "${BACKGROUND_PIDS[0]}"
	# The handlers see EOF and end; then every client is served again.
	wait_until 10 'curl -sS --max-time 1 -o /dev/null "http://127.0.0.1:$PORT/"'
	[ "$(stat_value refused)" -ge 20 ]
	run curl -sS --max-time 5 "http://127.0.0.1:$PORT/"
	[ "$output" = "Hello, World!" ]
	assert_server_healthy
}

@test "02_fork -Z: a parent that never reaps keeps every finished child as a zombie" {
	# The other side of "no zombies after 1000 requests": the reaping is
	# what makes the difference, not luck or timing.
	start_server 02_fork -Z
	run "$CLIENT" parallel "$PORT" 20 /
	[[ "$output" == "ok=20 failed=0 "* ]]
	wait_until 5 'test "$(zombie_children "$SERVER_PID")" -eq 20'
}

# cpu_over_a_second: the server's CPU time in 1 s, in ms.
cpu_over_a_second() {
	local before
	before=$(cpu_ms "$SERVER_PID")
	sleep 1
	echo $(($(cpu_ms "$SERVER_PID") - before))
}

@test "05_poll -E: out of descriptors, a loop without the EMFILE defence spins a core" {
	not_under_asan
	local defended naive
	# 200 clients against 64 descriptors: some connections stay queued,
	# so the listener stays readable. With the defence the server sheds
	# them and sleeps in poll(); without it, poll() says "readable" at once,
	# accept() fails with EMFILE, and round it goes.
	SERVER_LIMITS="-n 64" start_server 05_poll -t 20
	background "$CLIENT" hold "$PORT" 200 -d 20
	sleep 1
	defended=$(cpu_over_a_second)
	cleanup
	SERVER_LIMITS="-n 64" start_server 05_poll -t 20 -E
	background "$CLIENT" hold "$PORT" 200 -d 20
	sleep 1
	naive=$(cpu_over_a_second)
	echo "CPU in 1 s: $defended ms with the defence, $naive ms without"
	[ "$defended" -lt 200 ]
	[ "$naive" -ge 500 ]
}

@test "02_fork: when fork fails (ulimit -u), that client is closed and the server goes on" {
	handler_failure_costs_one_client 02_fork
}

@test "03_thread: when pthread_create fails (ulimit -u), that client is closed and the server goes on" {
	handler_failure_costs_one_client 03_thread
}

@test "04_select: built with _FORTIFY_SOURCE=2, so FD_SET is bounds-checked" {
	require_model 04_select
	[ "$(uname -s)" = Linux ] && command -v nm >/dev/null || skip "glibc's checked FD_SET"
	# With fortification FD_SET(fd >= FD_SETSIZE) aborts ("buffer overflow
	# detected") instead of writing past the fd_set; the refusal test below
	# shows the server never gets that far.
	nm -D "$BUILD/bin/04_select" | grep -q __fdelt_chk
}

@test "03_thread: one thread per held connection, back to baseline after" {
	local baseline
	start_server 03_thread -t 20
	# One connection first: ThreadSanitizer starts a helper thread of its
	# own with the first pthread_create. Then let that worker finish.
	curl -sS --max-time 5 "http://127.0.0.1:$PORT/" >/dev/null
	sleep 0.5
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
	# The limit hit is select's, not the process's descriptor limit.
	grep -q 'fd 1024 cannot be watched (past the wait.s limit, FD_SETSIZE for select)' "$SERVER_LOG"
	[ "$(grep -c 'Too many open files' "$SERVER_LOG")" = 0 ]
	assert_server_healthy
}

# 900 pipelined requests (~36 KB) arrive at once: more than one read of the
# 16 KiB buffer. Edge-triggered epoll (EPOLLET) and kqueue (EV_CLEAR)
# report them once.
@test "06_epoll -e, 07_kqueue -e: draining until EAGAIN answers a burst larger than one read" {
	local model
	for model in 06_epoll 07_kqueue; do
		start_server "$model" -e
		run "$CLIENT" parallel "$PORT" 1 / -r 900 -t 5000
		cleanup
		echo "$model -e: $output" >&3
		[ "$output" = "ok=1 failed=0 ms=${output##*ms=}" ]
	done
}

@test "06_epoll -e, 07_kqueue -e: a 64 MiB answer to a fast reader goes out in bounded shares" {
	local model size
	for model in 06_epoll 07_kqueue; do
		start_server "$model" -e
		size=$(curl -sS --max-time 30 -o /dev/null -w '%{size_download}' "http://127.0.0.1:$PORT/bytes/67108864")
		[ "$size" -eq 67108864 ]
		# Edge-triggered, the connection writes until EAGAIN; a reader
		# as fast as the writer never lets it come, and the one-thread
		# loop would serve nobody else until the whole answer had gone.
		# Past its budget per event the connection yields, and the loop
		# calls it back after the others (a level-triggered loop is
		# bounded by the send buffer).
		[ "$(stat_value yields)" -ge 1 ]
		cleanup
	done
}

@test "06_epoll -1, 07_kqueue -1: reading once per edge stalls on that burst (the bug, on purpose)" {
	local model
	for model in 06_epoll 07_kqueue; do
		start_server "$model" -1
		run "$CLIENT" parallel "$PORT" 1 / -r 900 -t 1500
		echo "$model -1: $output, $(stat_value requests) requests answered" >&3
		[ "$status" -eq 1 ]
		[[ "$output" == "ok=0 failed=1 "* ]]
		[ "$(stat_value requests)" -lt 900 ] # it answered what it read, then waited
		cleanup
	done
}

@test "07_kqueue: on Linux the start-up line says the kqueue is emulated" {
	[ "$(uname -s)" = Linux ] || skip "real kqueue here"
	start_server 07_kqueue
	grep -q '^kqueue (emulated on epoll) listening on ' "$SERVER_LOG" ||
		grep -q '^kqueue (libkqueue) listening on ' "$SERVER_LOG"
	[[ "$(curl -sS --max-time 5 "http://127.0.0.1:$PORT/stats")" == *"model: kqueue ("* ]]
}

@test "07_kqueue: a change that fails inside an early flush closes its own connection only" {
	local fd
	[ "$(uname -s)" = Linux ] || skip "the failure is injected under the Linux layer (epoll_ctl)"
	preload fail_epoll_ctl FAIL_EPOLL_CTL_AT=200
	# The 200th epoll_ctl() after a wait fails (ENOMEM): one change in a
	# batch of at least 200. 400 clients each send GET /delay/1500 and,
	# once answered, GET / on the same connection. The server is stopped
	# while they connect and again while their deadlines pass, so all 400
	# answers go out in one loop turn, each connection asks to be read again,
	# and 400 changes pass MAX_CHANGES (256): the first 255 are applied early,
	# from inside watch(), and the 200th of them fails. Only its connection
	# may lose its second answer; before EV_RECEIPT the rest of that batch
	# (55 other connections) was dropped with it and those clients waited
	# until the idle timeout.
	start_server 07_kqueue -t 10
	kill -STOP "$SERVER_PID"
	"$CLIENT" parallel "$PORT" 400 /delay/1500 -r 2 -a -t 20000 >"$BATS_TEST_TMPDIR/clients" &
	BACKGROUND_PIDS+=("$!")
	sleep 0.5
	kill -CONT "$SERVER_PID"
	sleep 0.8 # every request read: 400 deadlines at most 1.5 s away
	kill -STOP "$SERVER_PID"
	sleep 1.7 # all of them pass
	kill -CONT "$SERVER_PID"
	wait "${BACKGROUND_PIDS[0]}" || true
	cat "$BATS_TEST_TMPDIR/clients" "$SERVER_LOG"
	fd=$(sed -n 's/^fail_epoll_ctl: call 200 on fd \([0-9]*\) fails$/\1/p' "$SERVER_LOG")
	[ -n "$fd" ] # the failure was injected
	grep -q "cannot watch fd $fd: " "$SERVER_LOG"
	[[ "$(cat "$BATS_TEST_TMPDIR/clients")" == "ok=399 failed=1 "* ]]
	[ "$(stat_value errors)" -eq 1 ]
	[ "$(stat_value timeouts)" -eq 0 ]
}

# idle_cost_kib MODEL: RSS (KiB) that 2,000 more silent connections add to
# MODEL (the second 2,000 of 4,000: the first ones leave the heap as large
# as it needed to be to take them, which the next ones reuse; what they add
# is what an idle connection costs).
idle_cost_kib() {
	local before after
	start_server "$1" -t 30
	background "$CLIENT" hold "$PORT" 2000 -d 30 >/dev/null
	wait_until 20 'test "$(stat_value open)" -ge 2001' # and this /stats
	sleep 0.5
	before=$(rss_kib "$SERVER_PID")
	background "$CLIENT" hold "$PORT" 2000 -d 30 >/dev/null
	wait_until 20 'test "$(stat_value open)" -ge 4001'
	sleep 0.5
	after=$(rss_kib "$SERVER_PID")
	cleanup
	echo $((after - before))
}

# An idle connection holds no buffer (conn.h): 10,000 idle connections cost
# 10,000 structs in every event model, io_uring's included, whose recv
# waiting on an idle connection names no buffer (a provided-buffer ring),
# and 08_nonblocking's, whose tries mostly find EAGAIN. (Not after a
# request each: answering 2,000 at once leaves the heap with the holes of
# their buffers between the connections' structs, which is malloc's
# business and not an idle cost.)
@test "event models: 2,000 more silent connections add under 1 KiB each" {
	local model cost tried=0
	if [ -n "${SANITIZER:-}" ]; then
		skip "sanitizer runtimes keep freed memory (quarantine) and per-thread state on purpose"
	fi
	for model in 05_poll 06_epoll 07_kqueue 08_nonblocking 09_sigio 10_io_uring 11_pool 12_reuseport; do
		[ -x "$BUILD/bin/$model" ] || continue
		tried=$((tried + 1))
		cost=$(idle_cost_kib "$model")
		echo "$model: 2,000 more silent connections: +$cost KiB" >&3
		[ "$cost" -lt 2000 ]
	done
	[ "$tried" -gt 0 ] || skip "no event model is built in $BUILD"
}

# minor_faults PID: page faults the process (every thread) took that the
# kernel served without I/O: a fresh page of heap is one.
minor_faults() {
	awk '{ print $10 }' "/proc/$1/stat"
}

# A keep-alive connection gives its buffer back between requests (so that
# an idle one holds none) and takes one again for the next: that must not
# cost the kernel a page. Given back to malloc, a batch of them (10_io_uring
# reaps many completions per turn) left the heap's top free, glibc handed
# it to the kernel (above M_TRIM_THRESHOLD, 128 KiB) and the next batch
# faulted it in again: 0.4 faults per request, and 10_io_uring at 1.6x
# 06_epoll's CPU per request; how often depended on where the heap's top
# happened to fall. Here glibc is told to hand back every free page at
# once, which makes it happen every time (10_io_uring: 17,720 faults in
# 20,000 requests; a readiness loop frees and takes one buffer at a time,
# and the same chunk comes back). conn.c now keeps each thread's
# given-back buffers for the next connection to take.
@test "event models: keep-alive requests take no fresh page each (buffers come back, not the heap)" {
	local model before after faults tried=0
	if [ -n "${SANITIZER:-}" ]; then
		skip "sanitizer runtimes keep freed memory (quarantine) and fault in shadow pages"
	fi
	getconf GNU_LIBC_VERSION >/dev/null 2>&1 || skip "tunes glibc's malloc (GLIBC_TUNABLES)"
	SERVER_AS="env GLIBC_TUNABLES=glibc.malloc.trim_threshold=0:glibc.malloc.top_pad=0"
	for model in 04_select 05_poll 06_epoll 07_kqueue 08_nonblocking 09_sigio 10_io_uring 11_pool 12_reuseport; do
		[ -x "$BUILD/bin/$model" ] || continue
		tried=$((tried + 1))
		start_server "$model"
		echo "http://127.0.0.1:$PORT/" >"$BATS_TEST_TMPDIR/url"
		# The first requests grow the heap to what 100 busy connections need.
		"$BUILD/bin/http_load" -keepalive -parallel 100 -fetches 2000 "$BATS_TEST_TMPDIR/url" >/dev/null
		before=$(minor_faults "$SERVER_PID")
		"$BUILD/bin/http_load" -keepalive -parallel 100 -fetches 20000 "$BATS_TEST_TMPDIR/url" >/dev/null
		after=$(minor_faults "$SERVER_PID")
		cleanup
		faults=$((after - before))
		echo "$model: 20,000 keep-alive requests at 100 clients: $faults page faults" >&3
		[ "$faults" -lt 1000 ]
	done
	[ "$tried" -gt 0 ] || skip "no event model is built in $BUILD"
}

# A thread per connection pays for whatever every thread carries: its
# stack's touched pages, and every _Thread_local, which each new thread
# gets zeroed. An idle connection answered once costs 03_thread about
# 21 KiB (the stack it touched; its buffer is freed while idle); a 9 KiB
# per-thread read area put there for the event loops made it 37 KiB.
@test "03_thread: 2,000 idle connections, each answered once, cost under 30 KiB each" {
	local before after
	if [ -n "${SANITIZER:-}" ]; then
		skip "sanitizer runtimes keep per-thread state of their own"
	fi
	require_model 03_thread
	start_server 03_thread -t 30
	before=$(rss_kib "$SERVER_PID")
	background "$CLIENT" hold "$PORT" 2000 -s 'GET / HTTP/1.1\r\nHost: b\r\n\r\n' -d 30 >/dev/null
	wait_until 20 'test "$(stat_value open)" -ge 2001'
	sleep 0.5
	after=$(rss_kib "$SERVER_PID")
	echo "03_thread: 2,000 idle connections answered once: +$((after - before)) KiB" >&3
	[ $(((after - before) / 2000)) -lt 30 ]
}

@test "event models: 20 idle clients stall nobody" {
	not_under_asan
	local model tried=0
	# Whichever of them this platform builds (macOS: no 06, 09, 10).
	for model in 04_select 05_poll 06_epoll 07_kqueue 08_nonblocking 09_sigio 10_io_uring; do
		[ -x "$BUILD/bin/$model" ] || continue
		tried=$((tried + 1))
		start_server "$model" -t 20
		background "$CLIENT" hold "$PORT" 20 -d 20
		sleep 0.2
		run curl -sS --max-time 2 "http://127.0.0.1:$PORT/"
		[ "$output" = "Hello, World!" ]
		cleanup
	done
	[ "$tried" -gt 0 ] || skip "no event model is built in $BUILD"
}

# Process CPU time from the kernel over 2 s of no clients at all. The
# default asks every descriptor again the moment a round ends; -s 1000
# sleeps 1 ms after a round that found nothing. Bounds are generous: a
# loaded machine takes CPU from the spinner, never gives it to the sleeper.
@test "08_nonblocking: with no clients it burns a CPU; -s 1000 gives it back" {
	not_under_asan
	local before
	require_model 08_nonblocking
	start_server 08_nonblocking
	before=$(cpu_ms "$SERVER_PID")
	sleep 2
	[ $(( $(cpu_ms "$SERVER_PID") - before )) -ge 1600 ]
	cleanup
	start_server 08_nonblocking -s 1000
	before=$(cpu_ms "$SERVER_PID")
	sleep 2
	[ $(( $(cpu_ms "$SERVER_PID") - before )) -lt 400 ]
	# and still answers, up to 1 ms late
	[ "$(curl -sS --max-time 5 "http://127.0.0.1:$PORT/")" = "Hello, World!" ]
}

@test "08_nonblocking: -s takes microseconds from 0 to 1000000, nothing else" {
	require_model 08_nonblocking
	for bad in -1 abc 1000001 '' 5x; do
		run "$BUILD/bin/08_nonblocking" -p 0 -s "$bad"
		[ "$status" -eq 1 ]
		[[ "$output" == *"-s: "*"is not a number of microseconds"* ]]
	done
}

# RLIMIT_SIGPENDING bounds the queue of real-time signals. Past it the
# kernel queues one plain SIGIO ("some were lost"), and the server must poll
# every descriptor to find what it missed.
@test "09_sigio: a full signal queue (ulimit -i 32) loses nothing: 200 clients at once" {
	require_model 09_sigio
	SERVER_LIMITS="-i 32" start_server 09_sigio -t 20
	run "$CLIENT" parallel "$PORT" 200 / -r 3 -t 15000
	[ "$output" = "ok=200 failed=0 ms=${output##*ms=}" ]
	[ "$(stat_value io_signal_overflows)" -ge 1 ]
	[ "$(stat_value requests)" -ge 600 ]
}

# The overflow scan poll()s every watched descriptor; poll() refuses a set
# longer than RLIMIT_NOFILE (EINVAL). Closed connections must leave that set,
# or it grows with every connection ever served until a scan kills the server.
@test "09_sigio: the overflow scan's set stays as small as what is open" {
	require_model 09_sigio
	start_server 09_sigio -t 20
	run "$CLIENT" repeat "$PORT" 300 <<<$'GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n'
	[ "$output" = "200=300" ]
	# The listener, the wake-up pipe and at most as many holes as entries.
	[ "$(stat_value overflow_scan_set)" -le 8 ]
}

@test "09_sigio: 100 connections, then an overflow under ulimit -i 4 -n 64: the server lives" {
	require_model 09_sigio
	SERVER_LIMITS="-i 4 -n 64" start_server 09_sigio -t 20
	run "$CLIENT" repeat "$PORT" 100 <<<$'GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n'
	[ "$output" = "200=100" ]
	# Four pending signals: a burst of 30 overflows the queue.
	run "$CLIENT" parallel "$PORT" 30 / -r 2 -t 15000
	[ "$output" = "ok=30 failed=0 ms=${output##*ms=}" ]
	[ "$(stat_value io_signal_overflows)" -ge 1 ]
	run "$CLIENT" parallel "$PORT" 30 / -r 2 -t 15000
	[ "$output" = "ok=30 failed=0 ms=${output##*ms=}" ]
}

@test "09_sigio: with room in the queue, every event is a signal and none overflows" {
	require_model 09_sigio
	start_server 09_sigio -t 20
	run "$CLIENT" parallel "$PORT" 50 / -r 3 -t 15000
	[ "$output" = "ok=50 failed=0 ms=${output##*ms=}" ]
	[ "$(stat_value io_signal_overflows)" -eq 0 ]
	[ "$(stat_value io_signals)" -ge 50 ] # one per connection queued, at least
}

# The run-time probe, where this machine lets a test switch io_uring off
# (root, Linux 6.6+): one clear line, status 2, and the suites skip.
@test "10_io_uring: a kernel that refuses io_uring gets one line and status 2; suites skip" {
	local knob=/proc/sys/kernel/io_uring_disabled
	require_model 10_io_uring
	[ -w "$knob" ] || skip "cannot switch io_uring off here ($knob)"
	URING_DISABLED_WAS=$(cat "$knob")
	echo 2 >"$knob"
	run "$BUILD/bin/10_io_uring" -p 0
	[ "$status" -eq 2 ]
	[[ "$output" == "io_uring unavailable: io_uring_setup: "* ]]
	[ "${#lines[@]}" -eq 1 ]
	run env MODEL=10_io_uring BUILD="$BUILD" bats --tap -f 'GET / answers' tests/behaviour.bats
	echo "$URING_DISABLED_WAS" >"$knob"
	URING_DISABLED_WAS=
	[[ "$output" == *"ok 1 GET / answers 200 Hello, World! # skip io_uring unavailable: "* ]]
}

# A fresh Linux machine without liburing would build 11 of the 12 rungs and
# pass: make test must refuse instead, saying what to install.
@test "make test on Linux without liburing stops at once and names the package" {
	[ "$(uname -s)" = Linux ] || skip "10_io_uring is Linux-only"
	run env PKG_CONFIG_LIBDIR=/nonexistent PKG_CONFIG_PATH= make -s --no-print-directory test
	[ "$status" -ne 0 ]
	[[ "$output" == *"10_io_uring cannot be built: liburing is missing"*"liburing-dev"* ]]
	# It stopped before building or running anything.
	[[ "$output" != *"passed"* ]]
}

# elapsed_ms CMD...: run it, print how long it took.
elapsed_ms() {
	local start end
	start=$(date +%s%N)
	"$@" >/dev/null 2>&1 || true
	end=$(date +%s%N)
	echo $(((end - start) / 1000000))
}

@test "11_pool: a /spin on a worker stalls nobody; on 06_epoll it stalls everybody" {
	not_under_asan
	local pool_ms epoll_ms
	require_model 11_pool 06_epoll
	start_server 11_pool -w 2
	# 3 s of CPU on a worker; meanwhile the loop answers at once.
	background curl -sS --max-time 10 -o /dev/null "http://127.0.0.1:$PORT/spin/3000000"
	sleep 0.3
	pool_ms=$(elapsed_ms curl -sS --max-time 10 "http://127.0.0.1:$PORT/")
	cleanup
	start_server 06_epoll
	background curl -sS --max-time 10 -o /dev/null "http://127.0.0.1:$PORT/spin/3000000"
	sleep 0.3
	epoll_ms=$(elapsed_ms curl -sS --max-time 10 "http://127.0.0.1:$PORT/")
	echo "GET / during a 3 s /spin: 11_pool $pool_ms ms, 06_epoll $epoll_ms ms"
	[ "$pool_ms" -lt 1000 ]
	[ "$epoll_ms" -ge 2000 ]
}

@test "11_pool: clients that leave while a worker has their request; new ones get their own answers" {
	local i
	require_model 11_pool
	start_server 11_pool -w 2
	# 20 requests of 300 ms of CPU each, whose clients give up after 100 ms:
	# their answers come after they left, while the next clients arrive.
	local pids=()
	for i in $(seq 20); do
		printf 'GET /spin/300000 HTTP/1.1\r\nHost: t\r\n\r\n' |
			"$CLIENT" send "$PORT" -t 100 >/dev/null 2>&1 &
		pids+=("$!")
	done
	wait "${pids[@]}" || true # they gave up (status 3); a bare wait would wait for the server too
	pids=()
	for i in $(seq 30); do
		curl -sS --max-time 20 -o "$BATS_TEST_TMPDIR/bytes$i" "http://127.0.0.1:$PORT/bytes/$i" &
		pids+=("$!")
	done
	wait "${pids[@]}"
	# Each answer is the one its request asked for, none an old /spin's.
	for i in $(seq 30); do
		[ "$(wc -c <"$BATS_TEST_TMPDIR/bytes$i" | tr -d ' ')" -eq "$i" ]
	done
	[ "$(stat_value handed_off)" -ge 50 ]
}

@test "11_pool -Q batch: wake-ups go per batch, not per request" {
	require_model 11_pool
	start_server 11_pool -Q batch -w 2
	echo "http://127.0.0.1:$PORT/" >"$BATS_TEST_TMPDIR/url"
	run "$BUILD/bin/http_load" -keepalive -parallel 20 -fetches 5000 "$BATS_TEST_TMPDIR/url"
	echo "handed off $(stat_value handed_off), wake-ups $(stat_value wakeups)"
	[ "$(stat_value handed_off)" -ge 5000 ]
	[ "$(stat_value wakeups)" -ge 1 ]
	[ $(($(stat_value wakeups) * 2)) -lt "$(stat_value handed_off)" ]
}

@test "11_pool -Q ring: requests past a full ring wait their turn, none lost" {
	require_model 11_pool
	start_server 11_pool -Q ring -w 1
	# One worker, 1,024 slots, 2,000 clients at once, each asking for 1 ms
	# of CPU: the loop parses them far faster than the worker answers. The
	# server is stopped while the clients connect and send (under TSan
	# http_load connects so slowly that the worker kept up with it and
	# the ring never filled), so that it finds them all waiting. Under TSan
	# the loop then takes ~0.3 ms a request, during which the worker
	# answers some: 1,500 clients left ~50 held back, 2,000 leave hundreds.
	echo "http://127.0.0.1:$PORT/spin/1000" >"$BATS_TEST_TMPDIR/url"
	kill -STOP "$SERVER_PID"
	"$BUILD/bin/http_load" -parallel 2000 -fetches 2000 -timeout 30 -csv "$BATS_TEST_TMPDIR/url" \
		>"$BATS_TEST_TMPDIR/out" 2>&1 &
	BACKGROUND_PIDS+=("$!")
	sleep 2
	kill -CONT "$SERVER_PID"
	wait "${BACKGROUND_PIDS[0]}" || true
	output=$(cat "$BATS_TEST_TMPDIR/out")
	echo "$output" | tail -3
	echo "handed off $(stat_value handed_off), held back $(stat_value held_back)"
	[[ "$output" == *"csv,2000,"* ]]
	# Every one answered 200: no error of any kind, none unfinished.
	[ "$(csv_columns errors unfinished <<<"$output")" = "0 0" ]
	[ "$(stat_value held_back)" -ge 1 ]
	[ "$(stat_value handed_off)" -ge 2000 ]
}

# refuses_each MODEL "FLAGS"...: each set of flags is refused with the usage
# text and status 1, before the server listens.
refuses_each() {
	local model=$1 bad
	shift
	for bad in "$@"; do
		# shellcheck disable=SC2086 # each is a flag and its argument
		run timeout 5 "$BUILD/bin/$model" -p 0 $bad # an accepted flag would serve for ever
		echo "$model $bad: status $status"
		[ "$status" -eq 1 ]
		[[ "$output" == *"usage: "* ]]
	done
}

# 983,040 bytes are 15 writes of 64 KiB: the parse of the pipelined /delay/10
# is the 16th step of that event, where the connection yields its turn. The
# hand-off to a worker must not then bring back the deadline from before the
# yield (the idle timeout) over the one the answer set (10 ms).
@test "11_pool: a /delay/10 handed off as the last step of a turn answers in 10 ms, not at the idle timeout" {
	local queue started elapsed_ms
	require_model 11_pool
	for queue in mutex batch ring; do
		start_server 11_pool -Q "$queue" -t 3
		started=$(date +%s%N)
		printf 'GET /bytes/983040 HTTP/1.1\r\nHost: t\r\n\r\nGET /delay/10 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n' |
			"$CLIENT" send "$PORT" -t 10000 >"$BATS_TEST_TMPDIR/reply"
		elapsed_ms=$((($(date +%s%N) - started) / 1000000))
		echo "-Q $queue: both answers in $elapsed_ms ms" >&3
		[ "$(status_lines <"$BATS_TEST_TMPDIR/reply")" = "200 200 " ]
		[ "$elapsed_ms" -lt 1500 ]
		cleanup
	done
}

# pool.h: stopping lets each worker finish the handler it is running, and
# drops what is still queued. A worker that drained its queue first would
# keep a SIGTERM waiting for every queued /spin.
@test "11_pool: SIGTERM with 30 /spin/200000 queued on one worker stops in well under their 6 s, every queue" {
	local queue started elapsed_ms
	not_under_asan
	require_model 11_pool
	for queue in mutex batch ring; do
		start_server 11_pool -Q "$queue" -w 1 -t 20
		background "$CLIENT" parallel "$PORT" 30 /spin/200000 -t 20000
		# (/stats would wait in the queue too.) 30 connections are
		# made and their requests queued well within a second.
		sleep 1
		started=$(date +%s%N)
		kill -TERM "$SERVER_PID"
		wait_until 10 '! kill -0 "$SERVER_PID" 2>/dev/null'
		elapsed_ms=$((($(date +%s%N) - started) / 1000000))
		echo "-Q $queue: stopped in $elapsed_ms ms" >&3
		wait "$SERVER_PID" || true
		SERVER_PID=
		[ "$elapsed_ms" -lt 1500 ]
		cleanup
	done
}

@test "11_pool: -w takes 1 to 256 workers and -Q mutex, batch or ring; nothing else" {
	require_model 11_pool
	refuses_each 11_pool "-w 0" "-w 257" "-w abc" "-Q" "-Q spin" "-Q Mutex"
}

# loop_accepted: each loop's "accepted" from /stats, one per line (12_reuseport).
loop_accepted() {
	curl -sS --max-time 5 "http://127.0.0.1:$PORT/stats" |
		awk '$1 == "loop" { sub(",", "", $4); print $4 }'
}

# spread MODE LOOPS CONNECTIONS LOAD...: start 12_reuseport, make that many
# connections (one request each) with http_load's LOAD flags, and set the
# caller's busiest, total and used (loops that accepted any). Called
# directly, not in $(...): the server it starts is the test's to stop.
spread() {
	start_server 12_reuseport -n "$2" -A "$1"
	echo "http://127.0.0.1:$PORT/" >"$BATS_TEST_TMPDIR/url"
	"$BUILD/bin/http_load" "${@:4}" -fetches "$3" "$BATS_TEST_TMPDIR/url" >/dev/null
	read -r busiest total used < <(loop_accepted | sort -n |
		awk '{ total += $1; used += $1 > 0; max = $1 } END { print max, total, used }')
}

@test "12_reuseport: SO_REUSEPORT spreads 400 connections over 4 loops; an exclusive shared socket gives most to one" {
	local busiest total used
	require_model 12_reuseport
	[ "$(uname -s)" = Linux ] || skip "SO_REUSEPORT spreads connections on Linux only; EPOLLEXCLUSIVE is Linux's"
	spread reuseport 4 400 -parallel 4
	echo "reuseport: busiest loop $busiest of $total, $used loops used"
	[ "$total" -ge 400 ]
	[ $((busiest * 10)) -le $((total * 7)) ]
	[ "$used" -ge 3 ]
	# Its own socket: woken only when there is something to accept.
	[ "$(stat_value empty_wakeups)" -le 2 ]
	cleanup
	# Light load, 100 new connections a second: the kernel wakes the
	# first loop (in registration order) that sleeps in epoll_wait, and
	# 10 ms apart that is loop 0 again, even in a sanitizer build. (One
	# connection right after another is not light enough under ASan: loop
	# 0 is still closing the last one, and the next goes to loop 1.)
	spread exclusive 4 200 -rate 100
	echo "exclusive: busiest loop $busiest of $total, $used loops used"
	[ "$total" -ge 200 ]
	[ $((busiest * 10)) -gt $((total * 7)) ]
	[ "$(stat_value empty_wakeups)" -lt 100 ]
}

# voluntary_switches: how often the server's threads have gone to sleep
# (Linux /proc): one per wake-up, whatever the wake-up found.
voluntary_switches() {
	cat /proc/"$SERVER_PID"/task/*/status | awk '/^voluntary_ctxt_switches/ { n += $2 } END { print n }'
}

# herd MODE: 400 connections one after another to 4 loops; set the
# caller's sleeps (the server's context switches meanwhile) and empty (its
# empty wake-ups). Called directly, as spread.
herd() {
	local before
	start_server 12_reuseport -n 4 -A "$1"
	echo "http://127.0.0.1:$PORT/" >"$BATS_TEST_TMPDIR/url"
	before=$(voluntary_switches)
	"$BUILD/bin/http_load" -parallel 1 -fetches 400 "$BATS_TEST_TMPDIR/url" >/dev/null
	sleeps=$(($(voluntary_switches) - before))
	empty=$(stat_value empty_wakeups)
}

@test "12_reuseport -A shared: every loop wakes for each connection (a thundering herd); with reuseport one does" {
	local sleeps empty shared_sleeps shared_empty own_sleeps own_empty
	# A count of sleeps is a timing: under ASan's slower loops fewer of
	# them are asleep when a connection comes (a fresh-clone run saw 2.6
	# sleeps per connection shared, 1.6 with a socket each, against ~4.5
	# and ~1.5 on the plain build, where make test runs it, and TSan).
	not_under_asan
	require_model 12_reuseport
	[ "$(uname -s)" = Linux ] || skip "counts context switches in /proc"
	herd shared
	shared_sleeps=$sleeps shared_empty=$empty
	cleanup
	herd reuseport
	own_sleeps=$sleeps own_empty=$empty
	echo "400 connections: shared $shared_sleeps sleeps, $shared_empty empty wake-ups seen;" \
		"reuseport $own_sleeps sleeps, $own_empty empty wake-ups"
	# Measured ~4.5 sleeps per connection shared (all four loops woke) vs
	# ~1.5 with a socket each. Most losers never see their empty wake-up:
	# epoll re-checks a level-triggered socket before reporting it, and a
	# loop that finds it empty goes back to sleep inside epoll_wait. Only
	# those that look before the winner's accept() count one.
	[ $((shared_sleeps * 10)) -ge $((own_sleeps * 18)) ]
	[ "$own_empty" -le 2 ]
}

# slow_answers MODE: a 3 s /spin holds one of two loops; 20 new clients at
# once; set the caller's slow (how many waited over 1.5 s for GET /) and n
# (how many answered). Called directly, as spread.
slow_answers() {
	local i pids=()
	rm -f "$BATS_TEST_TMPDIR"/time*
	start_server 12_reuseport -n 2 -A "$1"
	background curl -sS --max-time 10 -o /dev/null "http://127.0.0.1:$PORT/spin/3000000"
	sleep 0.3
	for i in $(seq 20); do
		curl -sS --max-time 10 -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$PORT/" \
			>"$BATS_TEST_TMPDIR/time$i" &
		pids+=("$!")
	done
	wait "${pids[@]}"
	read -r slow n < <(cat "$BATS_TEST_TMPDIR"/time* | awk '$1 > 1.5 { slow++ } END { print slow + 0, NR }')
}

@test "12_reuseport: a loop busy with /spin still gets its share of new connections; with -A exclusive it does not" {
	not_under_asan
	local slow n
	require_model 12_reuseport
	[ "$(uname -s)" = Linux ] || skip "SO_REUSEPORT spreads connections on Linux only; EPOLLEXCLUSIVE is Linux's"
	slow_answers reuseport
	echo "reuseport: $slow of $n waited for the /spin"
	[ "$n" -eq 20 ]
	[ "$slow" -ge 1 ]
	cleanup
	slow_answers exclusive
	echo "exclusive: $slow of $n waited for the /spin"
	[ "$n" -eq 20 ]
	[ "$slow" -eq 0 ]
}

# The EMFILE defence closes its reserve descriptor to accept and shed one
# connection; with two loops accepting, the other loop's accept() can take
# that number first. The reserve must come back, or from then on nobody is
# shed and new clients wait unanswered while the table stays full.
@test "12_reuseport -A shared: out of descriptors, every burst is shed at once, burst after burst" {
	local burst slow=0
	require_model 12_reuseport
	SERVER_LIMITS="-n 40" start_server 12_reuseport -A shared -n 2 -t 20
	# 40 idle clients: the table fills, the rest wait in the accept queue.
	background "$CLIENT" hold "$PORT" 40 -d 30
	sleep 1
	for burst in $(seq 10); do
		run "$CLIENT" parallel "$PORT" 150 / -t 3000
		echo "burst $burst: $output"
		[[ "$output" =~ ms=([0-9]+) ]]
		[ "${BASH_REMATCH[1]}" -lt 2000 ] || slow=$((slow + 1))
	done
	[ "$slow" -eq 0 ]
}

@test "12_reuseport: -n takes 1 to 256 loops and -A reuseport, shared or exclusive; nothing else" {
	require_model 12_reuseport
	refuses_each 12_reuseport "-n 0" "-n 257" "-n x" "-A" "-A both" "-A Shared"
}

# The helper every test stops its server with: a server that is still
# running 3 s after SIGTERM is killed, and the test fails.
@test "stop_server fails when the server needs SIGKILL, and kills it" {
	local pid
	start_server 06_epoll
	pid=$SERVER_PID
	kill -STOP "$pid" # SIGTERM stays pending: it cannot exit
	run stop_server
	[ "$status" -eq 1 ]
	[[ "$output" == *"still running 3 s after SIGTERM"* ]]
	wait_until 5 '! kill -0 "$pid" 2>/dev/null'
	SERVER_PID= # stopped in run's subshell
	start_server 06_epoll
	run stop_server
	[ "$status" -eq 0 ]
	SERVER_PID=
}
