/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the formats that write one document at run end (json, junit) share:
 * - their per-output state, kept in a short list keyed by the struct output (which carries no
 *   private pointer), so two outputs can be open at once;
 * - UTF-8 repair: names and reasons are printf'ed with "%.64s" precisions that may cut a
 *   character in half, and both JSON and XML must be valid UTF-8.
 */
#pragma once

#include <stdint.h>
#include <stdio.h>

#include "iommutest/output.h"

/* How a format makes and frees its state. */
struct out_priv_type {
	const char *name;      /* "JSON": for the message when create fails */
	void *(*create)(void); /* NULL on ENOMEM */
	void (*destroy)(void *priv);
};

/* The state of type t attached to o, made and attached on first use (so that events without
 * run_begin are still recorded); NULL on ENOMEM, which is logged. */
void *out_priv(struct output *o, const struct out_priv_type *t);
/* Detach o's state of type t, if any, and destroy it. */
void out_priv_drop(struct output *o, const struct out_priv_type *t);

#define UTF8_REPLACEMENT 0xfffdu

/* Decode the character at s (not at its terminating NUL): its length in bytes (>= 1), and in *cp
 * the code point, or UTF8_REPLACEMENT for a byte that does not start a well-formed sequence
 * (overlong, surrogate, beyond U+10FFFF, truncated) — then the length is 1. */
size_t utf8_decode(const char *s, uint32_t *cp);
/* Append code point cp to f as UTF-8. */
void utf8_put(FILE *f, uint32_t cp);
/* A malloc'ed copy of s with every ill-formed byte replaced by U+FFFD; NULL on ENOMEM. */
char *utf8_clean(const char *s);
