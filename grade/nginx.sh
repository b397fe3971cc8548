#!/bin/sh
# grade/nginx.sh PORT - nginx as a graded target, the reference column of a
# scorecard: one worker, in the foreground (so the grader stops it by its
# process group), GET / answered with the models' 14-byte hello. nginx has
# no /delay and no echo without modules: those cases say "not implemented".
#
#   make grade SERVER='grade/nginx.sh {port}'
set -eu
port=${1:?usage: grade/nginx.sh PORT}
command -v nginx >/dev/null || { echo "grade/nginx.sh: nginx is not installed" >&2; exit 2; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/grade-nginx.XXXXXX")
trap 'kill "$nginx" 2>/dev/null; wait; rm -rf "$dir"' EXIT
trap 'exit 0' TERM INT
cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 4096; }
http {
	access_log off;
	server {
		listen 127.0.0.1:$port;
		client_header_timeout 10s;
		location = / { default_type text/plain; return 200 "Hello, World!\n"; }
	}
}
CONF
# -e: the error log before the configuration is read (the default,
# /var/log/nginx, is not writable for a user).
nginx -e "$dir/error.log" -c "$dir/nginx.conf" -p "$dir" &
nginx=$!
wait "$nginx"
