// SPDX-License-Identifier: GPL-2.0-only
/* The output dispatcher: null-checks each hook and keeps the totals, once for every format. */
#include <stdarg.h>
#include <string.h>

#include "iommutest/output.h"

extern const struct output_ops ktap_output_ops;
extern const struct output_ops json_output_ops;
extern const struct output_ops junit_output_ops;

const struct output_ops *const output_registry[] = {
	&ktap_output_ops,
	&json_output_ops,
	&junit_output_ops,
	NULL,
};

const struct output_ops *output_find(const char *name)
{
	for (size_t i = 0; output_registry[i]; i++)
		if (!strcmp(output_registry[i]->name, name))
			return output_registry[i];
	return NULL;
}

const char *result_name(enum result r)
{
	switch (r) {
	case RESULT_PASS: return "pass";
	case RESULT_FAIL: return "fail";
	case RESULT_SKIP: return "skip";
	case RESULT_ERROR: return "error";
	case RESULT_XFAIL: return "xfail";
	case RESULT_XPASS: return "xpass";
	}
	return "?";
}

void out_run_begin(struct output *o, unsigned int nscenarios)
{
	memset(&o->totals, 0, sizeof(o->totals));
	if (o->ops->run_begin)
		o->ops->run_begin(o, nscenarios);
}

void out_run_property(struct output *o, const char *name, const char *value)
{
	if (o->ops->run_property)
		o->ops->run_property(o, name, value);
}

void out_scenario_begin(struct output *o, unsigned int idx, const char *name, const char *file,
			unsigned int nsteps)
{
	o->in_scenario = 1;
	if (o->ops->scenario_begin)
		o->ops->scenario_begin(o, idx, name, file, nsteps);
}

void out_step_result(struct output *o, unsigned int idx, const char *name, enum result r,
		     const char *reason)
{
	if (o->ops->step_result)
		o->ops->step_result(o, idx, name, r, reason);
}

void out_diag(struct output *o, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	char *p, *nl;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (!o->ops->diag)
		return;
	/* one call per line: formats must never see an embedded newline */
	for (p = line; p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		o->ops->diag(o, o->in_scenario, p);
	}
}

void out_scenario_end_known(struct output *o, unsigned int idx, const char *name,
			    const char *file, enum result r, const char *reason, const char *known,
			    uint64_t duration_ns)
{
	switch (r) {
	case RESULT_PASS: o->totals.pass++; break;
	case RESULT_FAIL: o->totals.fail++; break;
	case RESULT_SKIP: o->totals.skip++; break;
	case RESULT_ERROR: o->totals.error++; break;
	case RESULT_XFAIL: o->totals.xfail++; break;
	case RESULT_XPASS: o->totals.xpass++; break;
	}
	if (r != RESULT_XFAIL && r != RESULT_XPASS)
		known = NULL;
	if (o->ops->scenario_end)
		o->ops->scenario_end(o, idx, name, file, r, reason, known, duration_ns);
	o->in_scenario = 0;
}

void out_scenario_end(struct output *o, unsigned int idx, const char *name, const char *file,
		      enum result r, const char *reason, uint64_t duration_ns)
{
	out_scenario_end_known(o, idx, name, file, r, reason, NULL, duration_ns);
}

void out_run_end(struct output *o)
{
	if (o->ops->run_end)
		o->ops->run_end(o, &o->totals);
	fflush(o->f);
}

int out_exit_code(const struct output *o)
{
	const struct totals *t = &o->totals;

	if (t->fail || t->error)
		return 1;
	if (!t->pass && !t->xfail && !t->xpass && t->skip)
		return 4;
	return 0;
}
