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

/* The state attached to o, or NULL. */
void *out_priv_get(const struct output *o);
/* Attach priv to o (replacing nothing: detach first). 0 or -ENOMEM. */
int out_priv_attach(struct output *o, void *priv);
/* Detach and return the state of o (NULL if none); the caller frees it. */
void *out_priv_detach(struct output *o);

#define UTF8_REPLACEMENT 0xfffdu

/* Decode the character at s (not at its terminating NUL): its length in bytes (>= 1), and in *cp
 * the code point, or UTF8_REPLACEMENT for a byte that does not start a well-formed sequence
 * (overlong, surrogate, beyond U+10FFFF, truncated) — then the length is 1. */
size_t utf8_decode(const char *s, uint32_t *cp);
/* Append code point cp to f as UTF-8. */
void utf8_put(FILE *f, uint32_t cp);
/* A malloc'ed copy of s with every ill-formed byte replaced by U+FFFD; NULL on ENOMEM. */
char *utf8_clean(const char *s);
