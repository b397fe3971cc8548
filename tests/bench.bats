#!/usr/bin/env bats
# bench.bats - bench/run end to end on one point: CSV, env.txt, chart.
# (No timing assertions: benchmarks are not tests.)

load helpers

@test "bench/run: one model, one scenario, one point, one second" {
	require_model 06_epoll
	local out="$BATS_TEST_TMPDIR/bench"
	run bench/run --models 06_epoll --scenario keepalive --concurrency 10 --seconds 1 --repeat 1 --out "$out"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"[  1/1] keepalive 06_epoll"* ]] # progress line
	[[ "$output" == *"Summary (results in $out)"* ]]
	[ "$(head -1 "$out/results.csv")" = \
	  "model,scenario,concurrency,repeat,requests_per_sec,bytes_per_sec,p50_ms,p90_ms,p99_ms,errors,failed,timeouts,unfinished,server_cpu_s,server_us_per_request,server_peak_rss_kb,loadgen_cpu_s,note" ]
	[ "$(wc -l <"$out/results.csv")" -eq 2 ]
	# the row: this model and point, a positive rate, no errors or failures,
	# server CPU per request measured
	awk -F, 'NR == 2 { exit !($1 == "06_epoll" && $2 == "keepalive" && $3 == 10 && $5 > 0 && $10 == 0 && $11 == 0 && $15 > 0) }' "$out/results.csv"
	for key in date kernel cpu compiler "fd limits" somaxconn tcp_tw_reuse ip_local_port_range pinning git; do
		grep -q "^$key: " "$out/env.txt"
	done
	if command -v gnuplot >/dev/null; then
		[ -s "$out/keepalive.png" ] && [ -s "$out/keepalive.svg" ]
		[ -s "$out/keepalive-cpu.png" ] && [ -s "$out/keepalive-cpu.svg" ]
		[[ "$output" != *"gnuplot complained"* ]]
	fi
}

@test "bench/run: a point whose clients were refused is counted as failed, not as served" {
	require_model 04_select
	local out="$BATS_TEST_TMPDIR/bench"
	# 1,100 idle connections take every descriptor select can watch: the
	# 10 active clients get descriptors past FD_SETSIZE and are refused.
	run bench/run --models 04_select --scenario idle --concurrency 1100 --seconds 1 --repeat 1 --out "$out"
	echo "$output"
	[ "$status" -eq 0 ]
	awk -F, 'NR == 2 { exit !($1 == "04_select" && $3 == 1100 && $11 > 0 && $10 >= $11 && $18 ~ /% failed/) }' "$out/results.csv"
	# nothing served: at most the odd request that slipped in under 1%
	awk -F, 'NR == 2 { exit !($5 * 1 < 0.01 * $11) }' "$out/results.csv"
	[[ "$output" == *"04_select"*"!"* ]] # flagged in the summary table
}

@test "bench/run: bad options are refused with the usage" {
	run bench/run --scenario nonsense --models 06_epoll --out "$BATS_TEST_TMPDIR/x"
	[ "$status" -eq 1 ]
	run bench/run --bogus
	[ "$status" -eq 1 ] && [[ "$output" == *"usage: bench/run"* ]]
	run bench/run --help
	[ "$status" -eq 0 ] && [[ "$output" == *"--concurrency LIST"* ]]
}

@test "bench/queue.sh: each queue design hands over every message in order, with a rate and latencies" {
	local out="$BATS_TEST_TMPDIR/queue"
	run bench/queue.sh 200000 1 "$out"
	echo "$output"
	[ "$status" -eq 0 ]
	# a row per design: positive messages/s, median <= p99
	[ "$(awk '$1 ~ /^(mutex|batch|ring)$/ && $2 > 0 && $3 > 0 && $3 <= $4' "$out/queue.txt" | wc -l)" -eq 3 ]
	if command -v gnuplot >/dev/null; then [ -s "$out/queue.png" ]; fi
}

@test "bench/run cores: each of 11_pool's queues is its own line in the CSV and the chart" {
	require_model 11_pool
	local out="$BATS_TEST_TMPDIR/cores"
	run bench/run --models 11_pool --scenario cores --concurrency 2 --seconds 1 --repeat 1 --out "$out"
	echo "$output"
	[ "$status" -eq 0 ]
	# a row per queue, a positive rate and no failures
	[ "$(awk -F, '$2 == "cores" && $1 ~ /^11_pool\/(mutex|batch|ring)$/ && $5 > 0 && $11 == 0' "$out/results.csv" | wc -l)" -eq 3 ]
	if command -v gnuplot >/dev/null; then [ -s "$out/cores.png" ]; fi
}
