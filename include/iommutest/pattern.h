/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Buffer fill patterns. Every pattern is a pure function of (spec, absolute offset), so any
 * sub-range can be checked without the rest of the buffer.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum fill_kind {
	FILL_ZERO,   /* all 0x00 */
	FILL_BYTE,   /* one byte value everywhere */
	FILL_SEQ,    /* byte at offset o = (start + o) & 0xff */
	FILL_RANDOM, /* seeded pseudo-random, 8 bytes at a time, a function of (seed, o / 8) */
};

struct fill_spec {
	enum fill_kind kind;
	uint64_t value; /* FILL_BYTE: the byte; FILL_SEQ: start; FILL_RANDOM: seed */
};

/* Fill buf, which sits at absolute offset base in the pattern. */
void pattern_fill(void *buf, size_t len, const struct fill_spec *f, uint64_t base);

/* -1 when buf holds the pattern, else the offset (within buf) of the first mismatch. */
ssize_t pattern_check(const void *buf, size_t len, const struct fill_spec *f, uint64_t base);

/* The byte the pattern has at absolute offset off. */
uint8_t pattern_byte(const struct fill_spec *f, uint64_t off);

/* "zero", "byte(0x5a)", "seq(0)", "random(seed 7)" into out */
void pattern_describe(const struct fill_spec *f, char *out, size_t outlen);
