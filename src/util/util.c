// SPDX-License-Identifier: GPL-2.0-only
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "iommutest/util.h"

volatile sig_atomic_t iommutest_stop;

int parse_size(const char *s, uint64_t *out)
{
	unsigned int shift = 0;
	uint64_t v = 0;
	const char *p = s;
	int base = 10;

	if (!s || !*s)
		return -EINVAL;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
		if (!isxdigit((unsigned char)*p))
			return -EINVAL;
	} else if (!isdigit((unsigned char)*p)) {
		return -EINVAL;
	}
	for (; *p; p++) {
		unsigned int d;

		if (isdigit((unsigned char)*p))
			d = *p - '0';
		else if (base == 16 && isxdigit((unsigned char)*p))
			d = (unsigned int)(tolower((unsigned char)*p) - 'a' + 10);
		else
			break;
		if (__builtin_mul_overflow(v, (uint64_t)base, &v) || __builtin_add_overflow(v, d, &v))
			return -ERANGE;
	}
	switch (*p) {
	case '\0': break;
	case 'k': case 'K': shift = 10; p++; break;
	case 'm': case 'M': shift = 20; p++; break;
	case 'g': case 'G': shift = 30; p++; break;
	case 't': case 'T': shift = 40; p++; break;
	default: return -EINVAL;
	}
	if (*p)
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

static const struct {
	const char *name;
	int value;
} errno_table[] = {
#define X(e) { #e, e },
#include "iommutest/errno_list.h"
#undef X
};

int errno_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(errno_table); i++)
		if (!strcmp(errno_table[i].name, name))
			return errno_table[i].value;
	return 0;
}

const char *errno_name(int err)
{
	if (err < 0)
		err = -err;
	if (err == 0)
		return "ok";
	for (size_t i = 0; i < ARRAY_SIZE(errno_table); i++)
		if (errno_table[i].value == err)
			return errno_table[i].name;
	return "E?";
}

static const char *entry_name(const void *entry, size_t name_off)
{
	const char *name;

	memcpy(&name, (const char *)entry + name_off, sizeof(name));
	return name;
}

long table_find(const void *table, size_t n, size_t stride, size_t name_off, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		const char *e = entry_name((const char *)table + i * stride, name_off);

		if (!e)
			break;
		if (!strcmp(e, name))
			return (long)i;
	}
	return -1;
}

long registry_find(const void *const *registry, size_t name_off, const char *name)
{
	for (size_t i = 0; registry[i]; i++)
		if (!strcmp(entry_name(registry[i], name_off), name))
			return (long)i;
	return -1;
}

long name_at_find(const char *(*name_at)(size_t i), const char *name)
{
	const char *e;

	for (size_t i = 0; (e = name_at(i)); i++)
		if (!strcmp(e, name))
			return (long)i;
	return -1;
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
