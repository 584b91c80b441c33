// SPDX-License-Identifier: GPL-2.0-only
/*
 * KTAP v1, as kselftest/KUnit print it: a plan, one result per scenario with its steps nested
 * (indented 4 spaces, "# Subtest:"), `# ` diagnostics, a `# Totals:` line.
 */
#include <string.h>

#include "iommutest/output.h"

/* KTAP names and reasons must stay on one line and must not contain '#' in a name */
static void put_clean(FILE *f, const char *s, int is_name)
{
	for (; s && *s; s++) {
		char c = *s;

		if (c == '\n' || c == '\r')
			c = ' ';
		if (is_name && c == '#')
			c = '_';
		fputc(c, f);
	}
}

static void result_line(FILE *f, const char *indent, unsigned int idx, const char *name,
			enum result r, const char *reason)
{
	fprintf(f, "%s%s %u ", indent, r == RESULT_PASS || r == RESULT_SKIP ? "ok" : "not ok", idx);
	put_clean(f, name, 1);
	if (r == RESULT_SKIP) {
		fputs(" # SKIP", f);
		if (reason && *reason) {
			fputc(' ', f);
			put_clean(f, reason, 0);
		}
	}
	fputc('\n', f);
	if (r != RESULT_PASS && r != RESULT_SKIP && reason && *reason) {
		fprintf(f, "%s# ", indent);
		put_clean(f, reason, 0);
		fputc('\n', f);
	}
}

static void ktap_run_begin(struct output *o, unsigned int n)
{
	fprintf(o->f, "KTAP version 1\n1..%u\n", n);
}

static void ktap_scenario_begin(struct output *o, unsigned int idx, const char *name,
				const char *file, unsigned int nsteps)
{
	fputs("    KTAP version 1\n    # Subtest: ", o->f);
	put_clean(o->f, name, 1);
	fputc('\n', o->f);
	if (file) {
		fputs("    # file: ", o->f);
		put_clean(o->f, file, 0);
		fputc('\n', o->f);
	}
	fprintf(o->f, "    1..%u\n", nsteps);
}

static void ktap_step_result(struct output *o, unsigned int idx, const char *name, enum result r,
			     const char *reason)
{
	result_line(o->f, "    ", idx, name, r, reason);
}

static void ktap_diag(struct output *o, int nested, const char *line)
{
	fprintf(o->f, "%s# %s\n", nested ? "    " : "", line);
}

static void ktap_scenario_end(struct output *o, unsigned int idx, const char *name, const char *file,
			enum result r, const char *reason, uint64_t duration_ns)
{
	result_line(o->f, "", idx, name, r, reason);
}

static void ktap_run_end(struct output *o, const struct totals *t)
{
	fprintf(o->f, "# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:%u\n", t->pass,
		t->fail, t->skip, t->error);
}

const struct output_ops ktap_output_ops = {
	.name = "ktap",
	.run_begin = ktap_run_begin,
	.scenario_begin = ktap_scenario_begin,
	.step_result = ktap_step_result,
	.diag = ktap_diag,
	.scenario_end = ktap_scenario_end,
	.run_end = ktap_run_end,
};
