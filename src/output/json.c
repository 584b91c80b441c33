// SPDX-License-Identifier: GPL-2.0-only
/*
 * JSON results: one document, written when the run ends (iommutest(1) "JSON RESULTS").
 * Format 1 — keys are only ever added, never renamed or retyped, without bumping "format":
 *
 * { "iommutest_version": "0.1.0", "format": 1, "planned": N,
 *   "scenarios": [ { "index": 1, "name": "...", "file": "..." | null,
 *                    "result": "pass" | "fail" | "skip" | "error" | "xfail" | "xpass",
 *                    "reason": "..." | null, "known_limitation": "..." | null,
 *                    "duration_ns": 123,
 *                    "steps": [ { "index": 1, "name": "...", "result": "...", "reason": ... } ],
 *                    "diagnostics": [ "one line", ... ] } ],
 *   "diagnostics": [ "a line reported outside any scenario", ... ],
 *   "seed": "0x0123456789abcdef",
 *   "totals": { "pass": 0, "fail": 0, "skip": 0, "error": 0, "xfail": 0, "xpass": 0 } }
 *
 * A scenario skipped before it began (unmet requirements) has "file": null and no steps. A
 * scenario listed as a known limitation (--xfail NAME=REASON) has REASON as "known_limitation"
 * (null for every other): as an "xfail" (it failed) its "reason" is the failure, as an "xpass"
 * (the limitation did not show) a note saying so.
 * The run's properties ("seed", a string: 64 bits do not fit a JSON integer everywhere) are
 * top-level strings. Every string is valid UTF-8 (ill-formed bytes become U+FFFD); a missing
 * reason is null, never "".
 */
#define LOG_PREFIX "json: "

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include <jansson.h>

#include "buffered.h"
#include "iommutest/log.h"
#include "iommutest/output.h"

#define JSON_RESULTS_FORMAT 1

struct json_out {
	json_t *doc;
	json_t *scenarios; /* borrowed from doc */
	json_t *diags;     /* borrowed from doc: diagnostics outside any scenario */
	json_t *cur;       /* borrowed: the scenario being reported, NULL between scenarios */
	bool oom;          /* something could not be recorded: said once, at the end */
};

/* a string value: NULL (and "" when empty_is_null) as null, ill-formed UTF-8 repaired */
static json_t *jstr(const char *s, bool empty_is_null)
{
	json_t *v;
	char *clean;

	if (!s || (empty_is_null && !*s))
		return json_null();
	clean = utf8_clean(s);
	if (!clean)
		return NULL;
	v = json_string(clean);
	free(clean);
	return v;
}

/* json_object_set_new / json_array_append_new that remember a failure (they free val) */
static void set(struct json_out *j, json_t *obj, const char *key, json_t *val)
{
	if (!val || json_object_set_new(obj, key, val))
		j->oom = true;
}

static void append(struct json_out *j, json_t *arr, json_t *val)
{
	if (!val || json_array_append_new(arr, val))
		j->oom = true;
}

static void json_out_free(void *priv)
{
	struct json_out *j = priv;

	json_decref(j->doc);
	free(j);
}

static void *json_out_new(void)
{
	struct json_out *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->doc = json_object();
	j->scenarios = json_array();
	j->diags = json_array();
	if (!j->doc || !j->scenarios || !j->diags)
		goto err_free;
	set(j, j->doc, "iommutest_version", json_string(IOMMUTEST_VERSION));
	set(j, j->doc, "format", json_integer(JSON_RESULTS_FORMAT));
	set(j, j->doc, "planned", json_integer(0));
	if (json_object_set(j->doc, "scenarios", j->scenarios) ||
	    json_object_set(j->doc, "diagnostics", j->diags) || j->oom)
		goto err_free;
	/* the document holds them now; j keeps borrowed pointers */
	json_decref(j->scenarios);
	json_decref(j->diags);
	return j;

err_free:
	json_decref(j->scenarios);
	json_decref(j->diags);
	json_decref(j->doc);
	free(j);
	return NULL;
}

static const struct out_priv_type json_state = {
	.name = "JSON", .create = json_out_new, .destroy = json_out_free,
};

static struct json_out *state(struct output *o)
{
	return out_priv(o, &json_state);
}

/* The scenario being reported; one is opened when an event comes without scenario_begin. */
static json_t *scenario(struct json_out *j, unsigned int idx, const char *name, const char *file)
{
	json_t *sc;

	if (j->cur)
		return j->cur;
	sc = json_object();
	if (!sc) {
		j->oom = true;
		return NULL;
	}
	set(j, sc, "index", json_integer(idx));
	set(j, sc, "name", jstr(name, false));
	set(j, sc, "file", jstr(file, false));
	set(j, sc, "result", json_null());
	set(j, sc, "reason", json_null());
	set(j, sc, "known_limitation", json_null());
	set(j, sc, "duration_ns", json_integer(0));
	set(j, sc, "steps", json_array());
	set(j, sc, "diagnostics", json_array());
	if (json_array_append_new(j->scenarios, sc)) {
		j->oom = true;
		return NULL;
	}
	j->cur = sc;
	return sc;
}

static void json_run_begin(struct output *o, unsigned int nscenarios)
{
	struct json_out *j;

	out_priv_drop(o, &json_state); /* a previous run on the same output that never ended */
	j = state(o);
	if (j)
		set(j, j->doc, "planned", json_integer(nscenarios));
}

/* a top-level string; never one of the document's own keys */
static void json_run_property(struct output *o, const char *name, const char *value)
{
	struct json_out *j = state(o);

	if (!j || json_object_get(j->doc, name))
		return;
	set(j, j->doc, name, jstr(value, false));
}

static void json_scenario_begin(struct output *o, unsigned int idx, const char *name,
				const char *file, unsigned int nsteps)
{
	struct json_out *j = state(o);

	if (!j)
		return;
	j->cur = NULL; /* a scenario that never ended stays as it was */
	scenario(j, idx, name, file);
}

static void json_step_result(struct output *o, unsigned int idx, const char *name, enum result r,
			     const char *reason)
{
	struct json_out *j = state(o);
	json_t *sc, *step;

	if (!j || !(sc = scenario(j, 0, NULL, NULL)))
		return;
	step = json_object();
	if (!step) {
		j->oom = true;
		return;
	}
	set(j, step, "index", json_integer(idx));
	set(j, step, "name", jstr(name, false));
	set(j, step, "result", json_string(result_name(r)));
	set(j, step, "reason", jstr(reason, true));
	append(j, json_object_get(sc, "steps"), step);
}

static void json_diag(struct output *o, int nested, const char *line)
{
	struct json_out *j = state(o);

	if (!j)
		return;
	if (nested && j->cur)
		append(j, json_object_get(j->cur, "diagnostics"), jstr(line, false));
	else
		append(j, j->diags, jstr(line, false));
}

static void json_scenario_end(struct output *o, unsigned int idx, const char *name, const char *file,
			      enum result r, const char *reason, const char *known, uint64_t duration_ns)
{
	struct json_out *j = state(o);
	json_t *sc;

	if (!j || !(sc = scenario(j, idx, name, file)))
		return;
	set(j, sc, "index", json_integer(idx));
	set(j, sc, "name", jstr(name, false));
	set(j, sc, "result", json_string(result_name(r)));
	set(j, sc, "reason", jstr(reason, true));
	set(j, sc, "known_limitation", jstr(known, true));
	set(j, sc, "duration_ns", json_integer((json_int_t)(duration_ns > INT64_MAX ? INT64_MAX : duration_ns)));
	j->cur = NULL;
}

static void json_run_end(struct output *o, const struct totals *t)
{
	struct json_out *j = state(o);
	json_t *tot;

	if (!j)
		return;
	tot = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "pass", (json_int_t)t->pass,
			"fail", (json_int_t)t->fail, "skip", (json_int_t)t->skip,
			"error", (json_int_t)t->error, "xfail", (json_int_t)t->xfail,
			"xpass", (json_int_t)t->xpass);
	set(j, j->doc, "totals", tot);
	if (json_dumpf(j->doc, o->f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) || fputc('\n', o->f) == EOF)
		pr_err("writing the results: %s", ferror(o->f) ? "write error" : "out of memory");
	if (j->oom)
		pr_err("out of memory: the JSON results are incomplete");
	out_priv_drop(o, &json_state);
}

const struct output_ops json_output_ops = {
	.name = "json",
	.run_begin = json_run_begin,
	.run_property = json_run_property,
	.scenario_begin = json_scenario_begin,
	.step_result = json_step_result,
	.diag = json_diag,
	.scenario_end = json_scenario_end,
	.run_end = json_run_end,
};
