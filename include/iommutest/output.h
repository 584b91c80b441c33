/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Output formats behind one dispatcher (src/output/output.c) that null-checks every hook.
 * Adding a format: one file in src/output/, one entry in the list in output.c.
 */
#pragma once

#include <stdint.h>
#include <stdio.h>

enum result { RESULT_PASS, RESULT_FAIL, RESULT_SKIP, RESULT_ERROR };

struct totals {
	unsigned int pass, fail, skip, error;
};

struct output;

struct output_ops {
	const char *name;
	void (*run_begin)(struct output *o, unsigned int nscenarios);
	void (*scenario_begin)(struct output *o, unsigned int idx, const char *name,
			       const char *file, unsigned int nsteps);
	void (*step_result)(struct output *o, unsigned int idx, const char *name, enum result r,
			    const char *reason);
	void (*diag)(struct output *o, int nested, const char *line);
	/* file: the scenario's file, also for one skipped before scenario_begin */
	void (*scenario_end)(struct output *o, unsigned int idx, const char *name, const char *file,
			     enum result r,
			     const char *reason, uint64_t duration_ns);
	void (*run_end)(struct output *o, const struct totals *t);
};

struct output {
	const struct output_ops *ops;
	FILE *f;
	int in_scenario;
	struct totals totals;
};

const struct output_ops *output_find(const char *name);
extern const struct output_ops *const output_registry[];

void out_run_begin(struct output *o, unsigned int nscenarios);
void out_scenario_begin(struct output *o, unsigned int idx, const char *name, const char *file,
			unsigned int nsteps);
void out_step_result(struct output *o, unsigned int idx, const char *name, enum result r,
		     const char *reason);
void out_diag(struct output *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void out_scenario_end(struct output *o, unsigned int idx, const char *name, const char *file,
		      enum result r, const char *reason, uint64_t duration_ns);
void out_run_end(struct output *o);
/* kselftest exit code from the totals: 0 pass, 1 fail, 4 all skipped */
int out_exit_code(const struct output *o);
const char *result_name(enum result r);
