/* SPDX-License-Identifier: GPL-2.0-only */
/* A tiny harness for the unit tests: CHECK() counts failures and goes on. */
#pragma once

#include <stdio.h>

static int unit_failures;
static int unit_checks;

#define CHECK(cond)                                                                       \
	do {                                                                              \
		unit_checks++;                                                            \
		if (!(cond)) {                                                            \
			unit_failures++;                                                  \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                         \
	} while (0)

static inline int unit_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, unit_checks, unit_failures);
	return unit_failures ? 1 : 0;
}
