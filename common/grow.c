/*
 * grow.c - an array that grows by doubling. See grow.h.
 */
#include "grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool resize_array(void *array_ptr, size_t n, size_t size)
{
	char *array, *resized;

	if (size != 0 && n > SIZE_MAX / size)
		return false;
	/* The caller's pointer is read and written as bytes: every object
	 * pointer has one representation on the systems this runs on, and
	 * one function can then serve arrays of any type. */
	memcpy(&array, array_ptr, sizeof(array));
	resized = realloc(array, n * size);
	if (resized == NULL)
		return false;
	memcpy(array_ptr, &resized, sizeof(resized));
	return true;
}

bool grow_array(void *array_ptr, size_t *cap, size_t need, size_t size, size_t first)
{
	size_t new_cap = *cap ? *cap : first;
	char *grown;

	if (need <= *cap)
		return true;
	while (new_cap < need) {
		if (new_cap > SIZE_MAX / 2)
			return false;
		new_cap *= 2;
	}
	if (!resize_array(array_ptr, new_cap, size))
		return false;
	memcpy(&grown, array_ptr, sizeof(grown));
	memset(grown + *cap * size, 0, (new_cap - *cap) * size);
	*cap = new_cap;
	return true;
}
