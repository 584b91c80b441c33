// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fill patterns as pure functions of the absolute offset. Fill and check work a 64-bit word at a
 * time where they can, so verifying large buffers runs near memcmp speed.
 */
#include <stdio.h>
#include <string.h>

#include "iommutest/pattern.h"

static inline uint64_t mix64(uint64_t x)
{
	/* splitmix64 finalizer */
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* the 8 bytes of the pattern at absolute word index w (offset w * 8), little-endian order */
static inline uint64_t pattern_word(const struct fill_spec *f, uint64_t w)
{
	uint64_t v = 0;

	switch (f->kind) {
	case FILL_ZERO:
		return 0;
	case FILL_BYTE:
		return (f->value & 0xff) * 0x0101010101010101ull;
	case FILL_SEQ: {
		uint64_t b = (f->value + w * 8) & 0xff;

		for (int i = 0; i < 8; i++)
			v |= ((b + (uint64_t)i) & 0xff) << (8 * i);
		return v;
	}
	case FILL_RANDOM:
		return mix64(f->value ^ mix64(w));
	}
	return 0;
}

uint8_t pattern_byte(const struct fill_spec *f, uint64_t off)
{
	return (uint8_t)(pattern_word(f, off / 8) >> (8 * (off % 8)));
}

void pattern_fill(void *buf, size_t len, const struct fill_spec *f, uint64_t base)
{
	uint8_t *p = buf;
	size_t i = 0;

	if (f->kind == FILL_ZERO || f->kind == FILL_BYTE) {
		memset(p, f->kind == FILL_ZERO ? 0 : (int)(f->value & 0xff), len);
		return;
	}
	for (; i < len && (base + i) % 8; i++)
		p[i] = pattern_byte(f, base + i);
	for (; i + 8 <= len; i += 8) {
		uint64_t w = pattern_word(f, (base + i) / 8);

		memcpy(p + i, &w, 8);
	}
	for (; i < len; i++)
		p[i] = pattern_byte(f, base + i);
}

ssize_t pattern_check(const void *buf, size_t len, const struct fill_spec *f, uint64_t base)
{
	const uint8_t *p = buf;
	size_t i = 0;

	for (; i < len && (base + i) % 8; i++)
		if (p[i] != pattern_byte(f, base + i))
			return (ssize_t)i;
	for (; i + 8 <= len; i += 8) {
		uint64_t w = pattern_word(f, (base + i) / 8), got;

		memcpy(&got, p + i, 8);
		if (got != w)
			break;
	}
	for (; i < len; i++)
		if (p[i] != pattern_byte(f, base + i))
			return (ssize_t)i;
	return -1;
}

void pattern_describe(const struct fill_spec *f, char *out, size_t outlen)
{
	switch (f->kind) {
	case FILL_ZERO: snprintf(out, outlen, "zero"); break;
	case FILL_BYTE: snprintf(out, outlen, "byte(0x%02llx)", (unsigned long long)(f->value & 0xff)); break;
	case FILL_SEQ: snprintf(out, outlen, "seq(%llu)", (unsigned long long)f->value); break;
	case FILL_RANDOM: snprintf(out, outlen, "random(seed %llu)", (unsigned long long)f->value); break;
	}
}
