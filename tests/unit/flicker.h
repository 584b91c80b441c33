/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory that changes while the tool compares it, made deterministic for the unit tests: the
 * test binary's own memcmp() (and bcmp(), which clang calls for equality tests) compares for
 * real, except that the first comparison reading a "flickering" range sees a difference there;
 * every later one sees the bytes as they are. That is what a device writing while `check`
 * reads looks like to it: a mismatch its recount no longer finds.
 */
#pragma once

#include <stddef.h>

/* The next comparison that reads [p, p + len) sees a difference. */
void flicker_arm(const void *p, size_t len);
/* Nothing flickers any more. */
void flicker_disarm(void);
