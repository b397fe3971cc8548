# shellcheck shell=bash
# bench/cpu.sh - a process's CPU time, the one reading of it that the bench
# scripts (through bench/lib.sh) and the tests (tests/helpers.bash) share.
# Linux: /proc/PID/stat, in clock ticks (utime and stime, fields 14 and 15;
# cutime and cstime, 16 and 17, are what it has reaped of its children:
# 02_fork burns /spin in a child). Elsewhere ps, which knows no reaped time.

# cpu_ms PID [reaped]: user + system CPU time so far, in milliseconds; with
# "reaped", its reaped children's too. Empty if the process is gone.
cpu_ms() {
	if [ -r "/proc/$1/stat" ]; then
		# The name in parentheses may hold spaces: count fields after it.
		awk -v hz="$(getconf CLK_TCK)" -v reaped="${2:-}" '{
			sub(/^.*\) /, ""); t = $12 + $13
			if (reaped != "") t += $14 + $15
			print int(t * 1000 / hz) }' "/proc/$1/stat" 2>/dev/null
	else
		# BSD/macOS ps: [HH:]MM:SS.ss
		ps -o time= -p "$1" 2>/dev/null | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print int(s * 1000) }'
	fi
}
