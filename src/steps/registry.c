// SPDX-License-Identifier: GPL-2.0-only
/* The verb registry, generated from steps.def. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommutest/step.h"
#include "iommutest/util.h"

#define STEP(sym) extern const struct step_ops step_##sym;
#include "steps.def"
#undef STEP

const struct step_ops *const step_registry[] = {
#define STEP(sym) &step_##sym,
#include "steps.def"
#undef STEP
	NULL,
};

const struct step_ops *step_find(const char *name)
{
	long i = registry_find((const void *const *)step_registry, offsetof(struct step_ops, name), name);

	return i < 0 ? NULL : step_registry[i];
}

/*
 * The iommufd ioctls no verb issues yet, and why: with the verbs' own .ioctls lists, every ioctl
 * linux/iommufd.h defines (a unit test parses the header the build uses and holds both to it).
 */
const struct ioctl_unissued step_ioctls_unissued[] = {
	{ NULL, NULL },
};

size_t step_ioctl_verbs(const char *ioctl, char *buf, size_t len)
{
	size_t n = 0, used = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; step_registry[i]; i++) {
		const char *const *l = step_registry[i]->ioctls;

		for (size_t j = 0; l && l[j]; j++) {
			int w;

			if (strcmp(l[j], ioctl))
				continue;
			w = snprintf(buf + used, len > used ? len - used : 0, "%s%s", n ? ", " : "",
				     step_registry[i]->name);
			if (w > 0)
				used += (size_t)w;
			n++;
		}
	}
	return n;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int step_ioctls_known(const char ***out, size_t *count)
{
	size_t cap = 0, n = 0;
	const char **v;

	for (size_t i = 0; step_registry[i]; i++)
		for (size_t j = 0; step_registry[i]->ioctls && step_registry[i]->ioctls[j]; j++)
			cap++;
	for (size_t i = 0; step_ioctls_unissued[i].ioctl; i++)
		cap++;
	v = calloc(cap + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; step_registry[i]; i++)
		for (size_t j = 0; step_registry[i]->ioctls && step_registry[i]->ioctls[j]; j++)
			v[n++] = step_registry[i]->ioctls[j];
	for (size_t i = 0; step_ioctls_unissued[i].ioctl; i++)
		v[n++] = step_ioctls_unissued[i].ioctl;
	qsort(v, n, sizeof(*v), name_cmp);
	cap = n;
	n = 0;
	for (size_t i = 0; i < cap; i++)
		if (!n || strcmp(v[n - 1], v[i]))
			v[n++] = v[i];
	v[n] = NULL;
	*out = v;
	*count = n;
	return 0;
}

const char *step_ioctl_unissued_reason(const char *ioctl)
{
	for (size_t i = 0; step_ioctls_unissued[i].ioctl; i++)
		if (!strcmp(step_ioctls_unissued[i].ioctl, ioctl))
			return step_ioctls_unissued[i].reason;
	return NULL;
}
