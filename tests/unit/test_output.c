// SPDX-License-Identifier: GPL-2.0-only
/*
 * The buffered output formats (json, junit) for a fixed sequence of events — the one of
 * test_ktap.c plus the awkward cases: diagnostics outside any scenario, names and reasons with
 * quotes, <, &, newlines, control characters and broken UTF-8, scenarios that end without
 * having begun — against a golden file. "@VERSION@" in the golden file stands for the version.
 * Usage: test_output FORMAT GOLDEN
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "iommutest/output.h"
#include "unit.h"

static void events(struct output *o)
{
	out_run_begin(o, 6);
	out_run_property(o, "seed", "0x<&>\"");
	out_diag(o, "before any scenario: \"quoted\" <&>");
	out_scenario_begin(o, 1, "passes", "a.json", 2);
	out_diag(o, "two lines\nof diagnostics");
	out_step_result(o, 1, "steps[0] ioas_alloc", RESULT_PASS, NULL);
	out_step_result(o, 2, "a # in a name", RESULT_PASS, NULL);
	out_scenario_end(o, 1, "passes", "a.json", RESULT_PASS, "", 1500000000ull);
	out_scenario_begin(o, 2, "fails <\"&\">", "./dir/sub/b.json", 3);
	out_step_result(o, 1, "label with 'quotes' & <tags>", RESULT_PASS, "");
	out_step_result(o, 2, "check", RESULT_FAIL, "3 bytes differ\nfirst at 0x10: \"a\" < \"b\"");
	out_diag(o, "ctrl \x01 and broken \xff utf-8, kept: \xc3\xa9");
	out_step_result(o, 3, "later", RESULT_SKIP, "not run after a failure");
	out_scenario_end(o, 2, "fails <\"&\">", "./dir/sub/b.json", RESULT_FAIL, "3 bytes differ\nfirst at 0x10: \"a\" < \"b\"", 0);
	out_scenario_end(o, 3, "skipped", "c.json", RESULT_SKIP, "needs 1 device(s)", 0);
	out_diag(o, "between scenarios");
	out_scenario_end(o, 4, "interrupted & gone", NULL, RESULT_ERROR, "interrupted", 0);
	out_scenario_begin(o, 5, "known <limitation>", "d.json", 1);
	out_step_result(o, 1, "check", RESULT_FAIL, "2 bytes differ");
	out_scenario_end_known(o, 5, "known <limitation>", "d.json", RESULT_XFAIL, "2 bytes differ",
			       "no fix yet: \"quoted\" & <https://lore.kernel.org/x>", 250000000ull);
	out_scenario_begin(o, 6, "fixed", "e.json", 1);
	out_step_result(o, 1, "check", RESULT_PASS, NULL);
	out_scenario_end_known(o, 6, "fixed", "e.json", RESULT_XPASS, "known limitation did not show",
			       "was broken\nuntil 7.3", 0);
	out_run_end(o);
}

static char *read_golden(const char *path)
{
	static const char tag[] = "@VERSION@";
	char buf[16384], *at, *out;
	size_t n;
	FILE *g = fopen(path, "r");

	if (!g)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, g);
	fclose(g);
	buf[n] = '\0';
	out = malloc(n + strlen(IOMMUTEST_VERSION) + 1);
	if (!out)
		return NULL;
	at = strstr(buf, tag);
	if (!at) {
		strcpy(out, buf);
		return out;
	}
	*at = '\0';
	sprintf(out, "%s%s%s", buf, IOMMUTEST_VERSION, at + strlen(tag));
	return out;
}

/* the JSON document parses back, with the structure iommutest(1) documents */
static void check_json(const char *text)
{
	json_error_t err;
	json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &err), *sc, *tot;

	CHECK(doc != NULL);
	if (!doc) {
		fprintf(stderr, "line %d: %s\n", err.line, err.text);
		return;
	}
	CHECK(json_integer_value(json_object_get(doc, "format")) == 1);
	CHECK(!strcmp(json_string_value(json_object_get(doc, "iommutest_version")), IOMMUTEST_VERSION));
	sc = json_object_get(doc, "scenarios");
	CHECK(json_array_size(sc) == 6);
	CHECK(json_array_size(json_object_get(json_array_get(sc, 0), "steps")) == 2);
	CHECK(json_array_size(json_object_get(json_array_get(sc, 0), "diagnostics")) == 2);
	CHECK(!strcmp(json_string_value(json_object_get(json_array_get(sc, 1), "name")), "fails <\"&\">"));
	/* skipped before it began: the file still comes through scenario_end */
	CHECK(!strcmp(json_string_value(json_object_get(json_array_get(sc, 2), "file")), "c.json"));
	CHECK(json_is_null(json_object_get(json_array_get(sc, 3), "file")));
	CHECK(!strcmp(json_string_value(json_object_get(json_array_get(sc, 2), "result")), "skip"));
	CHECK(!strcmp(json_string_value(json_object_get(json_array_get(sc, 3), "result")), "error"));
	CHECK(!strcmp(json_string_value(json_object_get(json_array_get(sc, 4), "result")), "xfail"));
	CHECK(!strcmp(json_string_value(json_object_get(json_array_get(sc, 4), "reason")), "2 bytes differ"));
	CHECK(!strncmp(json_string_value(json_object_get(json_array_get(sc, 4), "known_limitation")),
		       "no fix yet", 10));
	CHECK(!strcmp(json_string_value(json_object_get(json_array_get(sc, 5), "result")), "xpass"));
	CHECK(json_is_null(json_object_get(json_array_get(sc, 0), "known_limitation")));
	CHECK(!strcmp(json_string_value(json_object_get(doc, "seed")), "0x<&>\""));
	CHECK(json_array_size(json_object_get(doc, "diagnostics")) == 2);
	tot = json_object_get(doc, "totals");
	CHECK(json_integer_value(json_object_get(tot, "pass")) == 1 &&
	      json_integer_value(json_object_get(tot, "fail")) == 1 &&
	      json_integer_value(json_object_get(tot, "skip")) == 1 &&
	      json_integer_value(json_object_get(tot, "error")) == 1 &&
	      json_integer_value(json_object_get(tot, "xfail")) == 1 &&
	      json_integer_value(json_object_get(tot, "xpass")) == 1);
	json_decref(doc);
}

int main(int argc, char **argv)
{
	struct output o = { 0 };
	char *got = NULL, *want;
	size_t gotlen = 0;

	if (argc != 3)
		return 2;
	o.ops = output_find(argv[1]);
	CHECK(o.ops != NULL);
	if (!o.ops)
		return unit_done(argv[1]);
	o.f = open_memstream(&got, &gotlen);
	events(&o);
	CHECK(out_exit_code(&o) == 1);
	fclose(o.f);

	want = read_golden(argv[2]);
	CHECK(want != NULL);
	if (!want)
		return unit_done(argv[1]);
	CHECK(!strcmp(got, want));
	if (strcmp(got, want))
		fprintf(stderr, "--- got:\n%s--- want:\n%s", got, want);
	if (!strcmp(argv[1], "json"))
		check_json(got);
	/* a second run on the same output starts from nothing */
	free(got);
	got = NULL;
	o.f = open_memstream(&got, &gotlen);
	events(&o);
	fclose(o.f);
	CHECK(!strcmp(got, want));
	free(got);
	free(want);
	return unit_done(argv[1]);
}
