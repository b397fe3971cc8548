#!/usr/bin/env bats
# docs.bats - the documentation stays true to the tree: links resolve,
# pictures exist, each lesson names the system calls its server makes.

load helpers

# relative_links FILE: the targets of [text](target) and ![alt](target)
# that are not URLs or in-page anchors, anchors stripped.
relative_links() {
	grep -o '\]([^)]*)' "$1" | sed 's/^](//; s/)$//; s/#.*//' |
		grep -v -E '^(https?:|mailto:|$)' || true
}

@test "every relative link and image in the Markdown files resolves" {
	local file target missing=""
	for file in README.md docs/*.md docs/*/*.md bench/README.md fuzz/README.md [0-9][0-9]_*/README.md; do
		[ -f "$file" ] || continue
		while IFS= read -r target; do
			[ -n "$target" ] || continue
			[ -e "$(dirname "$file")/$target" ] || missing+="$file -> $target"$'\n'
		done < <(relative_links "$file")
	done
	echo "$missing"
	[ -z "$missing" ]
}

@test "each model's README names the system calls its server.c makes" {
	local dir call missing=""
	for dir in [0-9][0-9]_*/; do
		for call in accept fork waitpid pthread_create sigaction select poll epoll_create1 \
			epoll_ctl epoll_wait kqueue kevent fcntl sigtimedwait nanosleep io_uring_submit_and_wait \
			io_uring_prep_multishot_accept io_uring_prep_recv_multishot io_uring_prep_send; do
			if grep -q "[^_a-z]$call(" "$dir/server.c" && ! grep -q "$call" "$dir/README.md"; then
				missing+="$dir: $call"$'\n'
			fi
		done
	done
	echo "$missing"
	[ -z "$missing" ]
}

@test "the reading guide, in English and Chinese, covers all five articles" {
	for article in 000 001 002 003 004; do
		grep -q "^## $article " docs/README.md
		grep -q "^## $article " docs/zh/README.md
	done
}
