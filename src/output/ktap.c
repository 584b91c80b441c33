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

/* the KTAP directive of a result that has one: "ok N name # SKIP reason" and the like */
static const char *directive(enum result r)
{
	switch (r) {
	case RESULT_SKIP: return "SKIP";
	case RESULT_XFAIL: return "XFAIL";
	case RESULT_XPASS: return "XPASS";
	default: return NULL;
	}
}

/*
 * "ok"/"not ok" N name, with its directive and the directive's reason (a SKIP's reason, the known
 * limitation of an XFAIL or XPASS), then what the result line cannot say as a "# " line: why it
 * failed, the failure an XFAIL expected, the note of an XPASS (kselftest prints XFAIL and XPASS
 * as "ok", and so do we: neither is a failure).
 */
static void result_line(FILE *f, const char *indent, unsigned int idx, const char *name,
			enum result r, const char *reason, const char *known)
{
	const char *dir = directive(r);
	const char *dir_reason = r == RESULT_SKIP ? reason : known;

	fprintf(f, "%s%s %u ", indent, r == RESULT_FAIL || r == RESULT_ERROR ? "not ok" : "ok", idx);
	put_clean(f, name, 1);
	if (dir) {
		fprintf(f, " # %s", dir);
		if (dir_reason && *dir_reason) {
			fputc(' ', f);
			put_clean(f, dir_reason, 0);
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

/* "# seed 0x...": before the first subtest */
static void ktap_run_property(struct output *o, const char *name, const char *value)
{
	fputs("# ", o->f);
	put_clean(o->f, name, 0);
	fputc(' ', o->f);
	put_clean(o->f, value, 0);
	fputc('\n', o->f);
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
	result_line(o->f, "    ", idx, name, r, reason, NULL);
}

static void ktap_diag(struct output *o, int nested, const char *line)
{
	fprintf(o->f, "%s# %s\n", nested ? "    " : "", line);
}

static void ktap_scenario_end(struct output *o, unsigned int idx, const char *name, const char *file,
			      enum result r, const char *reason, const char *known, uint64_t duration_ns)
{
	result_line(o->f, "", idx, name, r, reason, known);
}

static void ktap_run_end(struct output *o, const struct totals *t)
{
	fprintf(o->f, "# Totals: pass:%u fail:%u xfail:%u xpass:%u skip:%u error:%u\n", t->pass,
		t->fail, t->xfail, t->xpass, t->skip, t->error);
}

const struct output_ops ktap_output_ops = {
	.name = "ktap",
	.run_begin = ktap_run_begin,
	.run_property = ktap_run_property,
	.scenario_begin = ktap_scenario_begin,
	.step_result = ktap_step_result,
	.diag = ktap_diag,
	.scenario_end = ktap_scenario_end,
	.run_end = ktap_run_end,
};
