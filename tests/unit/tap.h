/*
 * tap.h - the few lines of TAP (Test Anything Protocol) the unit tests
 * print, which tests/run reads: "ok N - name", or "not ok N - name" and a
 * "# why" line. main() ends with `return tap_failures != 0;`.
 */
#ifndef C10K_TAP_H
#define C10K_TAP_H

#include <stdbool.h>
#include <stdio.h>

static int tap_tests, tap_failures;

static inline void report(bool ok, const char *name, const char *why)
{
	printf("%sok %d - %s\n", ok ? "" : "not ", ++tap_tests, name);
	if (!ok) {
		printf("# %s\n", why);
		tap_failures++;
	}
}

#endif
