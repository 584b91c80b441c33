// SPDX-License-Identifier: GPL-2.0-only
/* The verb registry, generated from steps.def. */
#include <string.h>

#include "iommutest/step.h"

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
	for (size_t i = 0; step_registry[i]; i++)
		if (!strcmp(step_registry[i]->name, name))
			return step_registry[i];
	return NULL;
}
