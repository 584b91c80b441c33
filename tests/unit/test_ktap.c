// SPDX-License-Identifier: GPL-2.0-only
/* KTAP output for a fixed sequence of events, against a golden file (argv[1]). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommutest/output.h"
#include "unit.h"

int main(int argc, char **argv)
{
	struct output o = { .ops = output_find("ktap") };
	char *got = NULL, want[8192];
	size_t gotlen = 0, wantlen;
	FILE *g;

	if (argc != 2)
		return 2;
	o.f = open_memstream(&got, &gotlen);
	out_run_begin(&o, 5);
	out_run_property(&o, "seed", "0x00000000000000ff");
	out_scenario_begin(&o, 1, "passes", "a.json", 2);
	out_diag(&o, "two lines\nof diagnostics");
	out_step_result(&o, 1, "steps[0] ioas_alloc", RESULT_PASS, NULL);
	out_step_result(&o, 2, "a # in a name", RESULT_PASS, NULL);
	out_scenario_end(&o, 1, "passes", "a.json", RESULT_PASS, "", 0);
	out_scenario_begin(&o, 2, "fails", NULL, 2);
	out_step_result(&o, 1, "check", RESULT_FAIL, "3 bytes differ");
	out_step_result(&o, 2, "later", RESULT_SKIP, "not run after a failure");
	out_scenario_end(&o, 2, "fails", NULL, RESULT_FAIL, "3 bytes differ", 0);
	out_diag(&o, "between scenarios: top level");
	out_scenario_end(&o, 3, "skipped", "c.json", RESULT_SKIP, "needs 1 device(s)", 0);
	/* known limitations: an XFAIL keeps its failure as a "# " line, an XPASS says what to do */
	out_scenario_begin(&o, 4, "known", "d.json", 1);
	out_step_result(&o, 1, "check", RESULT_FAIL, "2 bytes differ");
	out_scenario_end_known(&o, 4, "known", "d.json", RESULT_XFAIL, "2 bytes differ",
			       "no fix yet (https://lore.kernel.org/x)", 0);
	out_scenario_end_known(&o, 5, "fixed # now", "e.json", RESULT_XPASS,
			       "known limitation did not show", "was broken\nuntil 7.3", 0);
	out_run_end(&o);
	CHECK(out_exit_code(&o) == 1);
	CHECK(o.totals.xfail == 1 && o.totals.xpass == 1 && o.totals.pass == 1);
	fclose(o.f);

	g = fopen(argv[1], "r");
	CHECK(g != NULL);
	if (!g)
		return 1;
	wantlen = fread(want, 1, sizeof(want) - 1, g);
	want[wantlen] = '\0';
	fclose(g);
	CHECK(gotlen == wantlen && !memcmp(got, want, wantlen));
	if (gotlen != wantlen || memcmp(got, want, wantlen))
		fprintf(stderr, "--- got:\n%s--- want:\n%s", got, want);
	free(got);

	/* XFAIL and XPASS do not fail a run; "everything skipped" is about SKIP alone */
	o = (struct output){ .ops = output_find("ktap") };
	o.f = open_memstream(&got, &gotlen);
	out_run_begin(&o, 2);
	out_scenario_end(&o, 1, "skipped", NULL, RESULT_SKIP, "no device", 0);
	out_scenario_end_known(&o, 2, "known", NULL, RESULT_XFAIL, "failed", "known", 0);
	out_run_end(&o);
	CHECK(out_exit_code(&o) == 0);
	out_run_begin(&o, 2);
	out_scenario_end(&o, 1, "skipped", NULL, RESULT_SKIP, "no device", 0);
	out_scenario_end_known(&o, 2, "fixed", NULL, RESULT_XPASS, "did not show", "known", 0);
	out_run_end(&o);
	CHECK(out_exit_code(&o) == 0);
	out_run_begin(&o, 1);
	out_scenario_end(&o, 1, "skipped", NULL, RESULT_SKIP, "no device", 0);
	out_run_end(&o);
	CHECK(out_exit_code(&o) == 4);
	/* a known limitation is only for XFAIL and XPASS */
	out_run_begin(&o, 1);
	out_scenario_end_known(&o, 1, "passes", NULL, RESULT_PASS, NULL, "ignored", 0);
	out_run_end(&o);
	fclose(o.f);
	CHECK(strstr(got, "ok 1 passes\n") && !strstr(got, "ignored"));
	free(got);
	return unit_done("ktap");
}
