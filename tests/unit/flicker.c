// SPDX-License-Identifier: GPL-2.0-only
/*
 * memcmp() and bcmp() of the unit-test binary that links this file (see flicker.h). Defined in
 * the executable, they take the place of the C library's for the static core library's code.
 */
#include <stdint.h>
#include <strings.h>
#include <string.h>

#include "flicker.h"

static uintptr_t flicker_first, flicker_end; /* [first, end): the range; end == 0: none */

void flicker_arm(const void *p, size_t len)
{
	flicker_first = (uintptr_t)p;
	flicker_end = (uintptr_t)p + len;
}

void flicker_disarm(void)
{
	flicker_first = flicker_end = 0;
}

/* volatile: no compiler may turn this loop back into a call to memcmp() */
static int compare(const void *a, const void *b, size_t n)
{
	const volatile unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

static int reads_flicker(const void *p, size_t n)
{
	uintptr_t at = (uintptr_t)p;

	return flicker_end && n && at < flicker_end && at + n > flicker_first;
}

int memcmp(const void *a, const void *b, size_t n)
{
	int ret = compare(a, b, n);

	if (!ret && (reads_flicker(a, n) || reads_flicker(b, n))) {
		flicker_disarm(); /* seen once: from now on the bytes are what they are */
		return 1;
	}
	return ret;
}

int bcmp(const void *a, const void *b, size_t n)
{
	return memcmp(a, b, n);
}
