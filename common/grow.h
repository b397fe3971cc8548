/*
 * grow.h - an array that grows by doubling, for the tables whose size
 * nobody knows in advance: connections by descriptor, the deadline heap,
 * pollfd sets, descriptors to try again.
 */
#ifndef C10K_GROW_H
#define C10K_GROW_H

#include <stdbool.h>
#include <stddef.h>

/* Make room for at least `need` elements of `size` bytes in the array
 * whose address is array_ptr (a struct timer ** for a struct timer *items,
 * say) and whose capacity is *cap: the capacity doubles, starting from
 * `first`, until it holds them, and the new elements are zeroed. Returns
 * false when out of memory, the array and *cap then as they were. */
bool grow_array(void *array_ptr, size_t *cap, size_t need, size_t size, size_t first);
/* The array whose address is array_ptr made exactly n elements of `size`
 * bytes long (realloc through the caller's typed pointer); new elements
 * are not cleared. False when out of memory, the array then as it was. */
bool resize_array(void *array_ptr, size_t n, size_t size);

#endif
