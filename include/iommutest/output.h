/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Output formats behind one dispatcher (src/output/output.c) that null-checks every hook.
 * Adding a format: one file in src/output/, one entry in the list in output.c.
 */
#pragma once

#include <stdint.h>
#include <stdio.h>

/*
 * A scenario's or a step's result. XFAIL and XPASS are for scenarios the run lists as known
 * limitations (iommutest run --xfail NAME=REASON): one that failed is an XFAIL, one that passed
 * an XPASS (the limitation did not show); neither makes the run fail (kselftest's KSFT_XFAIL,
 * KSFT_XPASS).
 */
enum result { RESULT_PASS, RESULT_FAIL, RESULT_SKIP, RESULT_ERROR, RESULT_XFAIL, RESULT_XPASS };

struct totals {
	unsigned int pass, fail, skip, error, xfail, xpass;
};

struct output;

struct output_ops {
	const char *name;
	void (*run_begin)(struct output *o, unsigned int nscenarios);
	/* a fact about the whole run ("seed", "0x..."), after run_begin and before any scenario */
	void (*run_property)(struct output *o, const char *name, const char *value);
	void (*scenario_begin)(struct output *o, unsigned int idx, const char *name,
			       const char *file, unsigned int nsteps);
	void (*step_result)(struct output *o, unsigned int idx, const char *name, enum result r,
			    const char *reason);
	void (*diag)(struct output *o, int nested, const char *line);
	/*
	 * file: the scenario's file, also for one skipped before scenario_begin. reason: why the
	 * result is what it is — for an XFAIL the failure that was expected, for an XPASS a note
	 * that it did not show. known: the known limitation (the REASON of --xfail NAME=REASON) of
	 * an XFAIL or XPASS, NULL for every other result.
	 */
	void (*scenario_end)(struct output *o, unsigned int idx, const char *name, const char *file,
			     enum result r, const char *reason, const char *known,
			     uint64_t duration_ns);
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
void out_run_property(struct output *o, const char *name, const char *value);
void out_scenario_begin(struct output *o, unsigned int idx, const char *name, const char *file,
			unsigned int nsteps);
void out_step_result(struct output *o, unsigned int idx, const char *name, enum result r,
		     const char *reason);
void out_diag(struct output *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* a scenario's end with any result but XFAIL and XPASS */
void out_scenario_end(struct output *o, unsigned int idx, const char *name, const char *file,
		      enum result r, const char *reason, uint64_t duration_ns);
/* a scenario's end with its known limitation: known is NULL unless r is XFAIL or XPASS */
void out_scenario_end_known(struct output *o, unsigned int idx, const char *name,
			    const char *file, enum result r, const char *reason, const char *known,
			    uint64_t duration_ns);
void out_run_end(struct output *o);
/* kselftest exit code from the totals: 0 pass (XFAIL and XPASS included), 1 fail or error,
 * 4 all skipped */
int out_exit_code(const struct output *o);
const char *result_name(enum result r);
