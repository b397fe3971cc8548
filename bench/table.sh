# shellcheck shell=bash
# bench/table.sh - read the bench's two tables, bench/scenarios and
# bench/lessons (a line per entry, fields " | " apart, # for comments).
# Sourced by bench/run and bench/report.

SCENARIO_FIELDS="name load path server points full models lesson title xlabel"
LESSON_FIELDS="name article scenario column models caption title note"

# table_names FILE: every entry's name, in the file's order.
table_names() {
	awk -F' [|] ' '!/^#/ && NF > 1 { print $1 }' "$1"
}

# table_field FILE FIELDS NAME FIELD: one field of an entry (FIELDS names
# the columns in order); empty where there is no such entry.
table_field() {
	awk -F' [|] ' -v fields="$2" -v name="$3" -v field="$4" '
		BEGIN { n = split(fields, f, " "); for (i = 1; i <= n; i++) column[f[i]] = i }
		!/^#/ && $1 == name { print $(column[field]) }' "$1"
}

scenario_names() { table_names bench/scenarios; }
scenario_field() { table_field bench/scenarios "$SCENARIO_FIELDS" "$1" "$2"; }
lesson_names() { table_names bench/lessons; }
lesson_field() { table_field bench/lessons "$LESSON_FIELDS" "$1" "$2"; }
