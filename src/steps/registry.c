// SPDX-License-Identifier: GPL-2.0-only
/* The verb registry, generated from steps.def. */
#include <stddef.h>

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
