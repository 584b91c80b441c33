/* SPDX-License-Identifier: GPL-2.0-only */
/* Running loaded scenarios against devices and reporting through an output. */
#pragma once

#include <stdbool.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommutest/output.h"
#include "iommutest/scenario.h"

struct run_opts {
	const char *const *bdfs; /* fill device slots in order */
	const uint64_t *dma_masks; /* per device: the engine's DMA mask as configured (0 = its default) */
	size_t nbdfs;
	bool allow_destructive; /* --allow-destructive: engines may write the devices' storage */
	bool progress; /* scenario n/N and the current step on stderr (a terminal) */
	uint64_t seed; /* the run's seed: everything random in a scenario derives from it (--seed) */
};

/* Run every scenario; results go to out. 0, or -errno when the run itself broke. */
int run_scenarios(struct scenario *const *scs, size_t n, const struct run_opts *opts,
		  struct output *out);
