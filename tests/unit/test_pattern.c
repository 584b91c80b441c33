// SPDX-License-Identifier: GPL-2.0-only
/* Fill patterns: fill/check agree at every alignment; one flipped byte is found exactly. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommutest/pattern.h"
#include "unit.h"

int main(void)
{
	static uint8_t buf[8192];
	const struct fill_spec specs[] = {
		{ FILL_ZERO, 0 }, { FILL_BYTE, 0xa5 }, { FILL_SEQ, 7 }, { FILL_RANDOM, 42 },
	};

	for (size_t s = 0; s < sizeof(specs) / sizeof(specs[0]); s++) {
		for (uint64_t base = 0; base < 19; base++) {
			for (size_t len = 0; len < 70; len += 13) {
				pattern_fill(buf, len, &specs[s], base);
				CHECK(pattern_check(buf, len, &specs[s], base) == -1);
				for (size_t i = 0; i < len; i++)
					CHECK(buf[i] == pattern_byte(&specs[s], base + i));
				if (len) {
					buf[len / 2] ^= 0x10;
					CHECK(pattern_check(buf, len, &specs[s], base) == (ssize_t)(len / 2));
				}
			}
		}
	}
	/* a sub-range of a filled buffer checks at its own offset */
	pattern_fill(buf, sizeof(buf), &specs[3], 0);
	CHECK(pattern_check(buf + 1001, 3000, &specs[3], 1001) == -1);
	CHECK(pattern_check(buf + 1001, 3000, &specs[3], 1000) != -1);
	/* seq: byte o = start + o */
	pattern_fill(buf, 300, &specs[2], 0);
	CHECK(buf[0] == 7 && buf[1] == 8 && buf[249] == 0 && buf[255] == 6);
	/* different seeds differ */
	{
		struct fill_spec a = { FILL_RANDOM, 1 }, b = { FILL_RANDOM, 2 };
		uint8_t x[64], y[64];

		pattern_fill(x, 64, &a, 0);
		pattern_fill(y, 64, &b, 0);
		CHECK(memcmp(x, y, 64) != 0);
	}
	return unit_done("pattern");
}
