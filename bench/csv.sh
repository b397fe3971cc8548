# shellcheck shell=bash
# bench/csv.sh - read http_load's -csv line by column name. Sourced by
# bench/lib.sh (so by every bench script) and by tests/helpers.bash: the one
# place that knows the column order, which tests/http_load.bats holds
# against the order `http_load -help` documents.

# The columns after the leading "csv", in order.
HTTP_LOAD_CSV_COLUMNS="fetches seconds fetches_per_sec bytes_per_sec connect_mean_ms p50_ms p90_ms p99_ms p999_ms errors timeouts failed non2xx unfinished unserved"

# csv_columns NAME...: the named columns of the "csv,..." line on stdin,
# separated by spaces; an empty column (a percentile without a sample) is
# "-", so that the columns after it keep their places. Status 1 if there is
# no such line, 2 for a name that is not a column (so a typo fails instead
# of reading an empty field).
csv_columns() {
	awk -F, -v want="$*" -v names="$HTTP_LOAD_CSV_COLUMNS" '
		BEGIN {
			n = split(names, name, " ")
			for (i = 1; i <= n; i++)
				column[name[i]] = i + 1
			k = split(want, wanted, " ")
			for (i = 1; i <= k; i++)
				if (!(wanted[i] in column)) {
					print "csv_columns: no column " wanted[i] > "/dev/stderr"
					bad = 1
					exit
				}
		}
		/^csv,/ && !found {
			for (i = 1; i <= k; i++)
				printf "%s%s", (i > 1 ? " " : ""), ($(column[wanted[i]]) == "" ? "-" : $(column[wanted[i]]))
			print ""
			found = 1
		}
		END { exit bad ? 2 : !found }'
}
