/*
 * test_grow.c - common/grow.c, as TAP: an array that grows by doubling
 * keeps what it held, zeroes what is new, and says no rather than wrap
 * around; resize_array keeps what it keeps and says no the same way.
 */
#include <stdint.h>
#include <stdlib.h>

#include "tap.h"

#include "grow.h"

struct pair {
	int a, b;
};

int main(void)
{
	struct pair *pairs = NULL;
	size_t cap = 0, i;
	bool ok, zeroed = true, kept = true;
	char *bytes = NULL;
	size_t bytes_cap = 0;

	ok = grow_array(&pairs, &cap, 1, sizeof(*pairs), 4);
	report(ok && pairs != NULL && cap == 4, "the first growth takes the first capacity",
	       "expected a capacity of 4");
	for (i = 0; i < cap; i++)
		pairs[i] = (struct pair){ (int)i, -(int)i };
	ok = grow_array(&pairs, &cap, 4, sizeof(*pairs), 4);
	report(ok && cap == 4, "room already there: nothing moves", "the capacity changed");
	ok = grow_array(&pairs, &cap, 13, sizeof(*pairs), 4);
	report(ok && cap == 16, "doubling until it holds what is needed (4 -> 16 for 13)",
	       "expected a capacity of 16");
	for (i = 0; i < 4; i++)
		kept = kept && pairs[i].a == (int)i && pairs[i].b == -(int)i;
	for (i = 4; i < cap; i++)
		zeroed = zeroed && pairs[i].a == 0 && pairs[i].b == 0;
	report(kept, "what it held is kept", "an old element changed");
	report(zeroed, "the new elements are zeroed", "a new element is not zero");
	ok = grow_array(&pairs, &cap, SIZE_MAX / 4, sizeof(*pairs), 4);
	report(!ok && cap == 16 && pairs[1].a == 1,
	       "a size that would overflow is refused, and the array stays",
	       "grow_array accepted SIZE_MAX / 4 pairs, or lost the array");
	ok = grow_array(&bytes, &bytes_cap, SIZE_MAX, 1, 1);
	report(!ok && bytes == NULL && bytes_cap == 0,
	       "SIZE_MAX elements: refused, not an endless doubling",
	       "grow_array accepted SIZE_MAX bytes");
	ok = resize_array(&pairs, 2, sizeof(*pairs));
	report(ok && pairs[0].a == 0 && pairs[1].a == 1 && pairs[1].b == -1,
	       "resize_array to fewer elements keeps those it keeps", "an element changed");
	ok = resize_array(&pairs, SIZE_MAX / 2, sizeof(*pairs));
	report(!ok && pairs[1].a == 1, "resize_array refuses a size that would overflow",
	       "resize_array accepted SIZE_MAX / 2 pairs, or lost the array");
	free(pairs);
	return tap_failures != 0;
}
