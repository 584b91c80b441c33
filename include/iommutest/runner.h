/* SPDX-License-Identifier: GPL-2.0-only */
/* Running loaded scenarios against devices and reporting through an output. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommutest/output.h"
#include "iommutest/scenario.h"

/* --until-fail without --repeat: at most this many repetitions */
#define RUN_UNTIL_FAIL_REPETITIONS 1000u

/* A scenario whose failure is known (iommutest run --xfail SCENARIO=REASON): its FAIL is
 * reported as XFAIL, its PASS as XPASS. */
struct known_limitation {
	const char *scenario; /* the scenario's "name" */
	const char *reason;   /* why, with a reference (a commit, a lore link) */
};

struct run_opts {
	const char *const *bdfs; /* fill device slots in order */
	const uint64_t *dma_masks; /* per device: the engine's DMA mask as configured (0 = its default) */
	size_t nbdfs;
	bool allow_destructive; /* --allow-destructive: engines may write the devices' storage */
	bool progress; /* scenario n/N and the current step on stderr (a terminal) */
	uint64_t seed; /* the run's seed: everything random in a scenario derives from it (--seed) */
	const struct known_limitation *xfail; /* --xfail, by scenario name */
	size_t nxfail;
	/* --repeat: run the whole selection this many times, repetition i (from 1) with seed + i - 1;
	 * 0 (not given): once, or with until_fail up to RUN_UNTIL_FAIL_REPETITIONS times */
	unsigned int repeat;
	bool until_fail; /* --until-fail: stop at the first failing scenario, SKIP the rest */
};

/* Run every scenario (each repetition of them); results go to out. 0, or -errno when the run
 * itself broke: -E2BIG when the scenarios times the repetitions do not fit the plan, before
 * anything is reported. */
int run_scenarios(struct scenario *const *scs, size_t n, const struct run_opts *opts,
		  struct output *out);
