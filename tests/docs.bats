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

# anchors_of FILE: the anchors GitHub makes of FILE's headings (lower case,
# punctuation dropped, spaces to hyphens; a repeated heading gets -1, -2),
# and any <a id="..."> in it.
anchors_of() {
	awk '/^```/ { fence = !fence } !fence && /^#+ / {
			h = tolower($0); sub(/^#+ +/, "", h)
			gsub(/[^a-z0-9 _\x80-\xff-]/, "", h); gsub(/ /, "-", h)
			print (h in seen) ? h "-" seen[h]++ : h; if (!(h in seen)) seen[h] = 1
		}' "$1"
	grep -o '<a id="[^"]*"' "$1" | sed 's/<a id="//; s/"$//' || true
}

@test "every link to a heading of a Markdown file names a heading it has" {
	local file link target anchor missing=""
	for file in README.md docs/*.md docs/*/*.md bench/README.md fuzz/README.md [0-9][0-9]_*/README.md; do
		[ -f "$file" ] || continue
		while IFS= read -r link; do
			target=${link%%#*} anchor=${link#*#}
			[ -n "$target" ] && target="$(dirname "$file")/$target" || target=$file
			case $target in *.md) ;; *) continue ;; esac
			[ -f "$target" ] || continue # the test above reports it
			anchors_of "$target" | grep -q -x -F -- "$anchor" || missing+="$file -> $link"$'\n'
		done < <(grep -o '\]([^)]*#[^)]*)' "$file" | sed 's/^](//; s/)$//' | grep -v -E '^(https?:|mailto:)' || true)
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

# The repository stands on its own: whatever a reader needs is in it. A
# Markdown file named anywhere (docs, code comments, scripts) must be one it
# contains -- by its path from the naming file or from the top, or, for a
# bare name, anywhere in the tree -- and nothing may point into a "shared"
# or "seeds" folder outside it (spelled in pieces below, so that this file
# does not trip its own test).
@test "nothing refers to a Markdown file, or a shared or seeds folder, the repository lacks" {
	local files
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		files=$(git ls-files --cached --others --exclude-standard)
	else
		files=$(find . -type f ! -path './build/*' ! -path './.git/*' | sed 's|^\./||')
	fi
	run perl -e '
		# inside PATH: PATH, with its ../ resolved, exists and stays in the tree.
		sub inside {
			my @out;
			for (split m{/}, shift) {
				next if $_ eq "." || $_ eq "";
				if ($_ eq "..") { return 0 unless @out; pop @out } else { push @out, $_ }
			}
			return -e join "/", @out;
		}
		my %have; my @files = grep { -f } split /\n/, $ARGV[0];
		for (@files) { my ($base) = m{([^/]+)$}; $have{$base} = 1 }
		for my $file (@files) {
			open my $fh, "<", $file or next;
			my $text = do { local $/; <$fh> };
			next if $text =~ /\0/;    # binary
			(my $dir = $file) =~ s{[^/]*$}{};
			while ($text =~ m{(?<![\$\{\}\*\w./-])([\w.-][\w./-]*\.md)\b}g) {
				my $ref = $1;
				my $ok = $ref =~ m{/} ? (inside("$dir$ref") || inside($ref)) : $have{$ref};
				print "$file: $ref\n" unless $ok;
			}
			my $outside = join "|", "sha" . "red", "se" . "eds";
			while ($text =~ m{(?<![\w.-])((?:\.\./)*(?:$outside)/\S*)}g) {
				print "$file: $1\n";
			}
		}' "$files"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

# README's table says how long each model's server.c is ("96 lines"; for
# 11_pool "118 + 371 lines": server.c, then its other .c files). Figures
# given by hand went stale (02_fork 70 for 96, 07_kqueue 130 for 149): each
# must be within a tenth of wc -l.
within_a_tenth() { # ACTUAL STATED
	[ $(($1 * 10)) -ge $(($2 * 9)) ] && [ $(($1 * 10)) -le $(($2 * 11)) ]
}

@test "README's table gives each model's length within 10% of wc -l" {
	local row model stated main rest wrong="" rows=0
	while IFS= read -r row; do
		rows=$((rows + 1))
		model=$(sed -E 's/^\| \[`([0-9][0-9]_[a-z_]+)`\].*/\1/' <<<"$row")
		stated=$(sed -E 's/.*\| ([0-9]+( \+ [0-9]+)?) lines \|$/\1/' <<<"$row")
		main=$(wc -l <"$model/server.c")
		rest=$(find "$model" -maxdepth 1 -name '*.c' ! -name server.c -exec cat {} + | wc -l)
		if ! within_a_tenth "$main" "${stated%% + *}" ||
			{ [[ $stated == *" + "* ]] && ! within_a_tenth "$rest" "${stated##* + }"; }; then
			wrong+="$model: README says $stated lines; wc -l: server.c $main, the other .c files $rest"$'\n'
		fi
	done < <(grep -E '^\| \[`[0-9][0-9]_.* lines \|$' README.md)
	[ -z "$wrong" ] || { echo "$wrong"; false; }
	[ "$rows" -eq "$(ls -d [0-9][0-9]_*/ | wc -l)" ]
}

# The shared command line as setup.c prints it is the one the docs give
# (docs/design.md and common/setup.h once left out -E).
@test "README, docs/design.md and common/setup.h give setup.c's command line" {
	local usage file
	usage=$(grep -o '\[-a ADDR\][^%]*\[-h\]' common/setup.c)
	[ -n "$usage" ]
	for file in README.md docs/design.md common/setup.h; do
		tr -s ' \n*' ' ' <"$file" | grep -qF -- "$usage" || {
			echo "$file does not say: $usage"
			false
		}
	done
}
