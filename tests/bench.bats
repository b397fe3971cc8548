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
	[[ "$output" == *"Summary: median requests/s"* ]]
	[ "$(head -1 "$out/results.csv")" = \
	  "model,scenario,concurrency,repeat,fetches_per_sec,bytes_per_sec,p50_ms,p90_ms,p99_ms,errors,timeouts,server_cpu_s,server_peak_rss_kb,loadgen_cpu_s,note" ]
	[ "$(wc -l <"$out/results.csv")" -eq 2 ]
	# the row: this model and point, a positive rate, no errors
	awk -F, 'NR == 2 { exit !($1 == "06_epoll" && $2 == "keepalive" && $3 == 10 && $5 > 0 && $10 == 0 && $11 == 0) }' "$out/results.csv"
	for key in date kernel cpu compiler "fd limits" somaxconn tcp_tw_reuse ip_local_port_range pinning git; do
		grep -q "^$key: " "$out/env.txt"
	done
	if command -v gnuplot >/dev/null; then
		[ -s "$out/keepalive.png" ] && [ -s "$out/keepalive.svg" ]
	fi
}

@test "bench/run: bad options are refused with the usage" {
	run bench/run --scenario nonsense --models 06_epoll --out "$BATS_TEST_TMPDIR/x"
	[ "$status" -eq 1 ]
	run bench/run --bogus
	[ "$status" -eq 1 ] && [[ "$output" == *"usage: bench/run"* ]]
	run bench/run --help
	[ "$status" -eq 0 ] && [[ "$output" == *"--concurrency LIST"* ]]
}
