// SPDX-License-Identifier: GPL-2.0-only
/*
 * nvme-disk FILE SIZE SEED — the lab's NVMe scratch namespace: FILE, SIZE bytes of iommutest's
 * "random" fill pattern with SEED, made by the same code (src/util/pattern.c) that fills and
 * checks the scenarios' buffers, so scenarios/nvme can check Reads byte for byte against
 * { "pattern": "random", "seed": SEED } with pattern_offset = the namespace offset.
 * tests/lab/run compiles it with the host's cc: cc -Iinclude nvme-disk.c src/util/pattern.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommutest/pattern.h"

int main(int argc, char **argv)
{
	static uint8_t buf[1 << 20];
	struct fill_spec f = { .kind = FILL_RANDOM };
	unsigned long long size, off;
	FILE *out;

	if (argc != 4) {
		fprintf(stderr, "usage: nvme-disk FILE SIZE SEED\n");
		return 2;
	}
	size = strtoull(argv[2], NULL, 0);
	f.value = strtoull(argv[3], NULL, 0);
	out = fopen(argv[1], "wb");
	if (!out) {
		fprintf(stderr, "nvme-disk: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (off = 0; off < size; off += sizeof(buf)) {
		size_t n = size - off < sizeof(buf) ? (size_t)(size - off) : sizeof(buf);

		pattern_fill(buf, n, &f, off);
		if (fwrite(buf, 1, n, out) != n) {
			fprintf(stderr, "nvme-disk: %s: %s\n", argv[1], strerror(errno));
			fclose(out);
			return 1;
		}
	}
	return fclose(out) ? 1 : 0;
}
