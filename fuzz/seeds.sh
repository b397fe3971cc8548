#!/usr/bin/env bash
# fuzz/seeds.sh OUTDIR: the fuzzer's seed corpus, one file per request of
# tests/corpus/framing.txt (the wire corpus every model is tested with),
# plus a few shapes that corpus lacks: pipelining, limits, many headers.
set -eu
out=$1
mkdir -p "$out"
n=0
while IFS=$'\t' read -r expected _ request; do
	case $expected in '' | '#'*) continue ;; esac
	n=$((n + 1))
	# shellcheck disable=SC2059 # printf formats on purpose
	printf "$request" >"$out/framing-$n"
done <"$(dirname "$0")/../tests/corpus/framing.txt"
printf 'GET /bytes/10 HTTP/1.1\r\nHost: t\r\n\r\nGET /delay/5 HTTP/1.1\r\nHost: t\r\n\r\n' >"$out/pipelined"
printf 'HEAD /stats?x=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n' >"$out/head-stats"
printf 'GET /%s HTTP/1.1\r\nHost: t\r\n\r\n' "$(head -c 8300 /dev/zero | tr '\0' a)" >"$out/long-line"
{
	printf 'GET / HTTP/1.1\r\nHost: t\r\n'
	for i in $(seq 101); do printf 'X-%d: v\r\n' "$i"; done
	printf '\r\n'
} >"$out/many-headers"
