/* SPDX-License-Identifier: GPL-2.0-only */
/* Small helpers shared by the loader and the runner: sizes, errno names, strings. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* "4096", "0x1000", "64K", "2M", "1G", "1T" (binary units). 0 or -EINVAL / -ERANGE (overflow). */
int parse_size(const char *s, uint64_t *out);

/* "EINVAL" -> 22; 0 when unknown. "ok" is not an errno name. */
int errno_from_name(const char *name);
/* 22 -> "EINVAL"; "E?" for unknown values. */
const char *errno_name(int err);

/* A name and its value: enum and flag tables (argument values, capability bits, mock flags). */
struct name_value {
	const char *name;
	uint64_t value;
};

/*
 * Find by name, for every table of named entries (verbs, engines, enum values, argument
 * definitions, errno names, lists of strings). table_find: entries `stride` bytes apart, each
 * with its name as the `const char *` at name_off, n of them or up to the first NULL name.
 * registry_find: the same over a NULL-terminated array of pointers to such entries. The index of
 * the entry, or -1.
 */
long table_find(const void *table, size_t n, size_t stride, size_t name_off, const char *name);
long registry_find(const void *const *registry, size_t name_off, const char *name);
/* the index of name among name_at(0), name_at(1), ... (NULL after the last), or -1 */
long name_at_find(const char *(*name_at)(size_t i), const char *name);
/* the index of s in a NULL-terminated list of strings, or -1 */
static inline long string_list_find(const char *const *list, const char *s)
{
	return table_find(list, SIZE_MAX, sizeof(*list), 0, s);
}

/* a + b without wrapping; false on overflow */
static inline bool add_overflows(uint64_t a, uint64_t b, uint64_t *sum)
{
	return __builtin_add_overflow(a, b, sum);
}

/* monotonic clock in nanoseconds */
uint64_t now_ns(void);

/* Set by SIGINT/SIGTERM (main.c); long waits check it and unwind through their normal cleanup. */
extern volatile sig_atomic_t iommutest_stop;
