// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fill patterns as pure functions of the absolute offset. The random pattern is a 4 KiB block of
 * seeded pseudo-random words XORed with a per-block value (so a copy landing a block away still
 * differs); the block is computed once per seed. Fill and check work a 64-bit word at a time and
 * check compares a chunk at a time, so verifying large buffers runs near memcmp speed.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "iommutest/pattern.h"

#define RND_BLOCK_WORDS 512u /* 4 KiB: stays in L1 beside the streamed buffer */
#define CHUNK_WORDS 512u /* 4 KiB generated at a time, then memcpy/memcmp */

static inline uint64_t mix64(uint64_t x)
{
	/* splitmix64 finalizer */
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint64_t rnd_block[RND_BLOCK_WORDS];
static uint64_t rnd_seed;
static bool rnd_valid;

static const uint64_t *random_block(uint64_t seed)
{
	if (!rnd_valid || rnd_seed != seed) {
		for (uint32_t i = 0; i < RND_BLOCK_WORDS; i++)
			rnd_block[i] = mix64(seed ^ mix64(i));
		rnd_seed = seed;
		rnd_valid = true;
	}
	return rnd_block;
}

/* the 8 bytes of the pattern at absolute word index w (offset w * 8), little-endian order */
static inline uint64_t pattern_word(const struct fill_spec *f, const uint64_t *blk, uint64_t w)
{
	switch (f->kind) {
	case FILL_ZERO:
		return 0;
	case FILL_BYTE:
		return (f->value & 0xff) * 0x0101010101010101ull;
	case FILL_SEQ: {
		uint64_t b = (f->value + w * 8) & 0xff, v = 0;

		if (b <= 0xf8) /* no byte wraps past 0xff */
			return b * 0x0101010101010101ull + 0x0706050403020100ull;
		for (int i = 0; i < 8; i++)
			v |= ((b + (uint64_t)i) & 0xff) << (8 * i);
		return v;
	}
	case FILL_RANDOM:
		return blk[w % RND_BLOCK_WORDS] ^ mix64(~f->value ^ (w / RND_BLOCK_WORDS));
	}
	return 0;
}

static const uint64_t *block_for(const struct fill_spec *f)
{
	return f->kind == FILL_RANDOM ? random_block(f->value) : NULL;
}

/* n pattern words from word index w0 into out: type dispatch and per-block values hoisted */
static void gen_words(const struct fill_spec *f, const uint64_t *restrict blk, uint64_t w0, size_t n,
		      uint64_t *restrict out)
{
	size_t j = 0;

	switch (f->kind) {
	case FILL_ZERO:
	case FILL_BYTE:
	case FILL_SEQ:
		for (; j < n; j++)
			out[j] = pattern_word(f, blk, w0 + j);
		return;
	case FILL_RANDOM:
		while (j < n) {
			uint64_t w = w0 + j, c = mix64(~f->value ^ (w / RND_BLOCK_WORDS));
			size_t idx = w % RND_BLOCK_WORDS, m = RND_BLOCK_WORDS - idx;

			if (m > n - j)
				m = n - j;
			for (size_t k = 0; k < m; k++)
				out[j + k] = blk[idx + k] ^ c;
			j += m;
		}
		return;
	}
}

uint8_t pattern_byte(const struct fill_spec *f, uint64_t off)
{
	return (uint8_t)(pattern_word(f, block_for(f), off / 8) >> (8 * (off % 8)));
}

/*
 * The random pattern's hot loops, straight to/from the buffer (no staging copy): n words from
 * word index w0, split where the 4 KiB block changes.
 */
static void random_fill(const struct fill_spec *f, const uint64_t *restrict blk, uint64_t w0,
			size_t n, uint8_t *restrict dst)
{
	for (size_t j = 0; j < n;) {
		uint64_t w = w0 + j, c = mix64(~f->value ^ (w / RND_BLOCK_WORDS));
		size_t idx = w % RND_BLOCK_WORDS, m = RND_BLOCK_WORDS - idx;

		if (m > n - j)
			m = n - j;
		for (size_t k = 0; k < m; k++) {
			uint64_t v = blk[idx + k] ^ c;

			memcpy(dst + (j + k) * 8, &v, 8);
		}
		j += m;
	}
}

/* the first word index (relative to w0) that differs, or n */
static size_t random_check(const struct fill_spec *f, const uint64_t *restrict blk, uint64_t w0,
			   size_t n, const uint8_t *restrict src)
{
	for (size_t j = 0; j < n;) {
		uint64_t w = w0 + j, c = mix64(~f->value ^ (w / RND_BLOCK_WORDS)), diff = 0;
		size_t idx = w % RND_BLOCK_WORDS, m = RND_BLOCK_WORDS - idx;

		if (m > n - j)
			m = n - j;
		for (size_t k = 0; k < m; k++) {
			uint64_t v;

			memcpy(&v, src + (j + k) * 8, 8);
			diff |= v ^ blk[idx + k] ^ c;
		}
		if (diff)
			return j; /* somewhere in this block: the caller narrows it down bytewise */
		j += m;
	}
	return n;
}

void pattern_fill(void *buf, size_t len, const struct fill_spec *f, uint64_t base)
{
	const uint64_t *blk = block_for(f);
	uint64_t words[CHUNK_WORDS];
	uint8_t *p = buf;
	size_t i = 0;

	if (f->kind == FILL_ZERO || f->kind == FILL_BYTE) {
		memset(p, f->kind == FILL_ZERO ? 0 : (int)(f->value & 0xff), len);
		return;
	}
	for (; i < len && (base + i) % 8; i++)
		p[i] = pattern_byte(f, base + i);
	if (f->kind == FILL_RANDOM && len - i >= 8) {
		size_t n = (len - i) / 8;

		random_fill(f, blk, (base + i) / 8, n, p + i);
		i += n * 8;
	}
	while (len - i >= 8) {
		size_t n = (len - i) / 8;

		if (n > CHUNK_WORDS)
			n = CHUNK_WORDS;
		gen_words(f, blk, (base + i) / 8, n, words);
		memcpy(p + i, words, n * 8);
		i += n * 8;
	}
	for (; i < len; i++)
		p[i] = pattern_byte(f, base + i);
}

ssize_t pattern_check(const void *buf, size_t len, const struct fill_spec *f, uint64_t base)
{
	const uint64_t *blk = block_for(f);
	uint64_t words[CHUNK_WORDS];
	const uint8_t *p = buf;
	size_t i = 0;

	for (; i < len && (base + i) % 8; i++)
		if (p[i] != pattern_byte(f, base + i))
			return (ssize_t)i;
	if (f->kind == FILL_RANDOM && len - i >= 8)
		i += random_check(f, blk, (base + i) / 8, (len - i) / 8, p + i) * 8;
	while (f->kind != FILL_RANDOM && len - i >= 8) {
		size_t n = (len - i) / 8;

		if (n > CHUNK_WORDS)
			n = CHUNK_WORDS;
		gen_words(f, blk, (base + i) / 8, n, words);
		if (memcmp(p + i, words, n * 8))
			break; /* the byte loop below finds where */
		i += n * 8;
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
