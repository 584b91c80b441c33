// SPDX-License-Identifier: GPL-2.0-only
/*
 * Real scenarios (tests/scenarios/run/) through the real loader and runner, in-process, on the
 * fake kernel (fake_kernel.c) and the fake DMA engines (fake_engine.c), in every output format,
 * against golden files (tests/golden/run/CASE.ktap, .json, .junit.xml). The cases where the
 * fake kernel or engine misbehaves prove that the verdicts notice: each of their scenarios
 * passes on an honest fake and must fail on the misbehaving one.
 *
 * Usage: test_run TESTS_DIR CASE        one case against its golden files
 *        test_run TESTS_DIR --all       every case
 *        test_run TESTS_DIR --complete [IOMMUTEST]  every case has its golden files and every golden
 *                                       a case; this binary's engines are the product's + the fakes
 *        test_run TESTS_DIR --update [CASE...]  (re)write the golden files
 *
 * What varies from run to run is normalized before comparing: scenario durations are 0, the
 * transfer and replace rates are "RATE", a stream's seconds "T", the version "@VERSION@".
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_engine.h"
#include "fake_kernel.h"
#include "iommutest/engine.h"
#include "iommutest/output.h"
#include "iommutest/runner.h"
#include "iommutest/scenario.h"
#include "iommutest/util.h"
#include "unit.h"

#define MAX_SCENARIOS 16
#define GOLDEN_DIR "golden/run"
#define SCENARIO_DIR "scenarios/run"

enum format_mask { FMT_KTAP = 1 << 0, FMT_JSON = 1 << 1, FMT_JUNIT = 1 << 2, FMT_ALL = 7 };

struct run_case {
	const char *name;
	/* without .json: a name is in SCENARIO_DIR, a path relative to the tests directory */
	const char *scenarios[MAX_SCENARIOS];
	const char *devices[2];               /* -d */
	unsigned int kernel_misbehaviour;     /* FAKE_KERNEL_* */
	enum fake_kernel_linux linux_version; /* the fake kernel's (0: 7.2) */
	unsigned int engine_misbehaviour;     /* FAKE_ENGINE_* */
	int exit_code;
	unsigned int formats;
	/* a misbehaviour case: every scenario passes on an honest fake and fails on this one */
	bool every_scenario_fails;
	/* only where fault injection is unavailable (what the golden file shows) */
	bool without_fault_injection;
	/* iommutest run --xfail, --seed, --repeat, --until-fail */
	struct known_limitation xfail[4];
	uint64_t seed;
	unsigned int repeat;
	bool until_fail;
};

static const struct run_case cases[] = {
	{ .name = "pass", .devices = { "mock" }, .exit_code = 0, .formats = FMT_ALL,
	  .scenarios = { "check-match", "dma-mock", "dma-fake-faults", "dma-fake-bytes",
			 "dma-fault-expected", "expect-met", "repeat-pass", "hw-info", "iova-ranges",
			 "dma-copy-blocked-half", "stream-replace" } },
	/* the iommufd ioctls beyond map/unmap: copy, allowed IOVAs, options, the VFIO compat IOAS */
	{ .name = "iommufd-uapi", .devices = { "mock" }, .exit_code = 0, .formats = FMT_ALL,
	  .scenarios = { "ioas-copy", "allow-iovas", "option", "option-rlimit", "vfio-ioas" } },
	/* the shipped ones on the mock, and failing where the kernel keeps stale translations */
	{ .name = "suite-iommufd-uapi", .devices = { "mock" }, .exit_code = 0, .formats = FMT_KTAP,
	  .scenarios = { "../scenarios/suite/24-ioas-copy", "../scenarios/suite/25-allow-iovas",
			 "../scenarios/suite/26-option", "../scenarios/mock/vfio-ioas",
			 "../scenarios/mock/option-rlimit" } },
	/* IOVAs in the ranges ioas_iova_ranges read: the aperture's edges, on the fake mock */
	{ .name = "aperture", .devices = { "mock" }, .exit_code = 0, .formats = FMT_ALL,
	  .scenarios = { "aperture", "../scenarios/suite/27-aperture-edges",
			 "../scenarios/suite/27-aperture-past-top", "../scenarios/suite/28-aperture-top-dma" } },
	{ .name = "aperture-fail", .devices = { "mock" }, .exit_code = 1, .formats = FMT_KTAP,
	  .scenarios = { "aperture-index-beyond", "aperture-bits-min" } },
	{ .name = "fail", .devices = { "mock" }, .exit_code = 1, .formats = FMT_ALL,
	  .scenarios = { "check-mismatch-pattern", "check-mismatch-copy", "check-mismatch-equals",
			 "check-mismatch-changed", "expect-unmet", "expect-wrong-errno",
			 "expect-success-fails", "dma-unexpected-fault", "repeat-fail",
			 "hw-info-mismatch", "dma-copy-wrong-half", "check-match" } },
	/* two -d mock devices: the shared domain, the device named in step results */
	{ .name = "two-devices", .devices = { "mock", "mock" }, .exit_code = 0, .formats = FMT_KTAP,
	  .scenarios = { "two-devices", "skip-devices" } },
	{ .name = "skip", .devices = { "mock" }, .exit_code = 4, .formats = FMT_ALL,
	  .scenarios = { "skip-feature", "skip-devices", "skip-hw-type", "skip-engine", "skip-step",
			 "skip-aperture-bits-max" } },
	{ .name = "error", .devices = { "mock" }, .exit_code = 1, .formats = FMT_ALL,
	  .kernel_misbehaviour = FAKE_KERNEL_PLUG_ENOMEM,
	  .scenarios = { "dma-mock", "check-match" } },
	/* a mock that plugs no device at all (RISC-V in 7.2): SKIP with the reason, not a failure */
	{ .name = "mock-plugs-nothing", .devices = { "mock" }, .exit_code = 4, .formats = FMT_KTAP,
	  .kernel_misbehaviour = FAKE_KERNEL_PLUG_EINVAL,
	  .scenarios = { "dma-mock", "../scenarios/mock/pasid-rules" } },
	{ .name = "fail-nth", .exit_code = 4, .formats = FMT_KTAP, .without_fault_injection = true,
	  .scenarios = { "fail-nth" } },
	/* the kernel misbehaves */
	{ .name = "kernel-stale-unmap", .exit_code = 1, .formats = FMT_KTAP, .every_scenario_fails = true,
	  .kernel_misbehaviour = FAKE_KERNEL_STALE_UNMAP,
	  .scenarios = { "dma-fake-faults", "dma-fake-bytes" } },
	{ .name = "kernel-stale-unmap-mock", .devices = { "mock" }, .exit_code = 1, .formats = FMT_KTAP,
	  .every_scenario_fails = true, .kernel_misbehaviour = FAKE_KERNEL_STALE_UNMAP,
	  .scenarios = { "dma-mock", "ioas-copy" } },
	{ .name = "kernel-lie", .exit_code = 1, .formats = FMT_KTAP, .every_scenario_fails = true,
	  .kernel_misbehaviour = FAKE_KERNEL_LIE, .scenarios = { "expect-met" } },
	{ .name = "kernel-lie-iommufd-uapi", .devices = { "mock" }, .exit_code = 1, .formats = FMT_KTAP,
	  .every_scenario_fails = true, .kernel_misbehaviour = FAKE_KERNEL_LIE,
	  .scenarios = { "ioas-copy", "allow-iovas", "option", "option-rlimit", "vfio-ioas" } },
	{ .name = "kernel-bad-translation", .devices = { "mock" }, .exit_code = 1, .formats = FMT_KTAP,
	  .every_scenario_fails = true, .kernel_misbehaviour = FAKE_KERNEL_BAD_TRANSLATION,
	  .scenarios = { "dma-mock", "dma-fake-faults", "dma-fake-bytes", "iova-ranges", "ioas-copy" } },
	/* ranges that promise a page past the aperture: the top page refuses to map */
	{ .name = "kernel-wide-ranges", .devices = { "mock" }, .exit_code = 1, .formats = FMT_KTAP,
	  .every_scenario_fails = true, .kernel_misbehaviour = FAKE_KERNEL_WIDE_RANGES,
	  .scenarios = { "aperture", "../scenarios/suite/27-aperture-edges",
			 "../scenarios/suite/27-aperture-past-top", "../scenarios/suite/28-aperture-top-dma" } },
	{ .name = "kernel-lie-aperture", .devices = { "mock" }, .exit_code = 1, .formats = FMT_KTAP,
	  .every_scenario_fails = true, .kernel_misbehaviour = FAKE_KERNEL_LIE,
	  .scenarios = { "aperture", "../scenarios/suite/27-aperture-edges",
			 "../scenarios/suite/27-aperture-past-top" } },
	/* a shipped scenario that could not fail on the mock before the mock engine asked the kernel */
	{ .name = "suite-stale-unmap", .devices = { "mock" }, .exit_code = 1, .formats = FMT_KTAP,
	  .every_scenario_fails = true, .kernel_misbehaviour = FAKE_KERNEL_STALE_UNMAP,
	  .scenarios = { "../scenarios/suite/05-no-stale-translations", "../scenarios/suite/24-ioas-copy" } },
	/* the engine misbehaves */
	{ .name = "engine-drop", .exit_code = 1, .formats = FMT_KTAP, .every_scenario_fails = true,
	  .engine_misbehaviour = FAKE_ENGINE_DROP,
	  .scenarios = { "dma-fake-faults", "dma-fake-bytes", "dma-fault-expected", "stream-replace" } },
	{ .name = "engine-lose-in-flight", .exit_code = 1, .formats = FMT_KTAP, .every_scenario_fails = true,
	  .engine_misbehaviour = FAKE_ENGINE_LOSE_IN_FLIGHT, .scenarios = { "stream-replace" } },
	{ .name = "engine-instant", .exit_code = 1, .formats = FMT_KTAP, .every_scenario_fails = true,
	  .engine_misbehaviour = FAKE_ENGINE_INSTANT, .scenarios = { "stream-replace" } },
	{ .name = "engine-hide-faults", .exit_code = 1, .formats = FMT_KTAP, .every_scenario_fails = true,
	  .engine_misbehaviour = FAKE_ENGINE_HIDE_FAULTS,
	  .scenarios = { "dma-fake-faults", "dma-fault-expected" } },
	{ .name = "engine-bypass", .exit_code = 1, .formats = FMT_KTAP, .every_scenario_fails = true,
	  .engine_misbehaviour = FAKE_ENGINE_BYPASS,
	  .scenarios = { "dma-fake-faults", "dma-fake-bytes", "dma-fault-expected" } },
	{ .name = "engine-flicker", .exit_code = 1, .formats = FMT_KTAP, .every_scenario_fails = true,
	  .engine_misbehaviour = FAKE_ENGINE_FLICKER,
	  .scenarios = { "dma-fake-faults", "dma-fake-bytes" } },
	/* buffer backings, IOMMU_IOAS_MAP_FILE, CHANGE_PROCESS, the mock's dma-buf (shipped ones too:
	 * mock/dmabuf reads its dma-buf pages back through the fake's dirty tracking) */
	{ .name = "map-file", .devices = { "mock" }, .exit_code = 0, .formats = FMT_KTAP | FMT_JSON,
	  .scenarios = { "map-file", "dmabuf", "../scenarios/suite/29-buffer-backings",
			 "../scenarios/suite/31-change-process", "../scenarios/mock/dmabuf" } },
	{ .name = "kernel-stale-unmap-map-file", .devices = { "mock" }, .exit_code = 1, .formats = FMT_KTAP,
	  .every_scenario_fails = true, .kernel_misbehaviour = FAKE_KERNEL_STALE_UNMAP,
	  .scenarios = { "map-file", "../scenarios/suite/29-buffer-backings" } },
	{ .name = "kernel-lie-map-file", .devices = { "mock" }, .exit_code = 1, .formats = FMT_KTAP,
	  .every_scenario_fails = true, .kernel_misbehaviour = FAKE_KERNEL_LIE,
	  .scenarios = { "map-file", "dmabuf", "../scenarios/suite/29-buffer-backings" } },
	{ .name = "kernel-bad-translation-map-file", .devices = { "mock" }, .exit_code = 1,
	  .formats = FMT_KTAP, .every_scenario_fails = true,
	  .kernel_misbehaviour = FAKE_KERNEL_BAD_TRANSLATION,
	  .scenarios = { "map-file", "../scenarios/suite/29-buffer-backings" } },
	/* I/O page faults and HW queues on the fake mock (scenarios/mock/ too) */
	{ .name = "queues", .devices = { "mock" }, .exit_code = 0, .formats = FMT_KTAP,
	  .scenarios = { "iopf", "hw-queue", "../scenarios/mock/iopf", "../scenarios/mock/hw-queue" } },
	{ .name = "queues-fail", .devices = { "mock" }, .exit_code = 1, .formats = FMT_KTAP,
	  .scenarios = { "fault-read-mismatch", "fault-read-none" } },
	{ .name = "kernel-iopf-any-queue", .devices = { "mock" }, .exit_code = 1, .formats = FMT_KTAP,
	  .every_scenario_fails = true, .kernel_misbehaviour = FAKE_KERNEL_IOPF_ANY_QUEUE,
	  .scenarios = { "../scenarios/mock/iopf" } },
	{ .name = "kernel-lie-queues", .devices = { "mock" }, .exit_code = 1, .formats = FMT_KTAP,
	  .every_scenario_fails = true, .kernel_misbehaviour = FAKE_KERNEL_LIE,
	  .scenarios = { "iopf", "hw-queue", "../scenarios/mock/iopf", "../scenarios/mock/hw-queue" } },
	/* dirty tracking on the fake mock: the shipped scenario */
	{ .name = "dirty", .devices = { "mock" }, .exit_code = 0, .formats = FMT_KTAP,
	  .scenarios = { "../scenarios/mock/dirty-tracking" } },
	/* Linux 6.12: what it lacks SKIPs (by probing: ioctls, the mock's op table and device flags,
	 * HWPT flags), never fails; the mock's DIRTY op is asked in its own IO pages */
	{ .name = "linux-6-12", .devices = { "mock" }, .exit_code = 0, .formats = FMT_KTAP,
	  .linux_version = FAKE_LINUX_6_12,
	  .scenarios = { "dma-mock", "mock-op-absent", "iopf", "hw-queue", "map-file",
			 "../scenarios/mock/dirty-tracking", "../scenarios/mock/pasid-rules",
			 "../scenarios/mock/pasid-two-devices", "../scenarios/mock/pasid-incapable",
			 "../scenarios/mock/iopf", "../scenarios/mock/dmabuf",
			 "../scenarios/suite/24-ioas-copy", "../scenarios/suite/29-buffer-backings",
			 "../scenarios/suite/31-change-process" } },
	/* a mock op table between 6.12's and 7.2's: no guess, the mock SKIPs saying why */
	{ .name = "linux-mock-unknown", .devices = { "mock" }, .exit_code = 4, .formats = FMT_KTAP,
	  .linux_version = FAKE_LINUX_6_12_MOCK_17, .scenarios = { "dma-mock", "iopf" } },
	/* known limitations: a listed failure is XFAIL, a listed pass XPASS, a listed skip a SKIP;
	 * none fails the run */
	{ .name = "xfail", .devices = { "mock" }, .exit_code = 0, .formats = FMT_ALL,
	  .scenarios = { "check-mismatch-pattern", "check-match", "skip-feature", "dma-mock" },
	  .xfail = { { "check-mismatch-pattern", "the pattern is wrong on purpose (example.org/1)" },
		     { "check-match", "fixed by commit 0123456789ab (\"a subject\")" },
		     { "skip-feature", "skips anyway" } } },
	/* every scenario twice, "NAME #I", repetition I with seed 0x10 + I - 1 */
	{ .name = "repeat", .devices = { "mock" }, .exit_code = 0, .formats = FMT_KTAP | FMT_JSON,
	  .seed = 0x10, .repeat = 2, .scenarios = { "check-match", "skip-devices" } },
	/* stopped at the first failure: the rest of the plan (3 repetitions) SKIP, how to run it again */
	{ .name = "until-fail", .devices = { "mock" }, .exit_code = 1, .formats = FMT_KTAP,
	  .seed = 0xfffffffffffffffe, .repeat = 3, .until_fail = true,
	  .scenarios = { "check-match", "hw-info", "hw-info-mismatch" } },
};

static const struct format {
	unsigned int bit;
	const char *name; /* the output format */
	const char *ext;  /* of its golden file */
} formats[] = {
	{ FMT_KTAP, "ktap", "ktap" },
	{ FMT_JSON, "json", "json" },
	{ FMT_JUNIT, "junit", "junit.xml" },
};

/* ---- an output that forwards to a real format, with what varies made constant ---- */
static const struct output_ops *wrapped;

static void norm_run_begin(struct output *o, unsigned int n)
{
	if (wrapped->run_begin)
		wrapped->run_begin(o, n);
}

static void norm_run_property(struct output *o, const char *name, const char *value)
{
	if (wrapped->run_property)
		wrapped->run_property(o, name, value);
}

static void norm_scenario_begin(struct output *o, unsigned int idx, const char *name,
				const char *file, unsigned int nsteps)
{
	if (wrapped->scenario_begin)
		wrapped->scenario_begin(o, idx, name, file, nsteps);
}

static void norm_step_result(struct output *o, unsigned int idx, const char *name, enum result r,
			     const char *reason)
{
	if (wrapped->step_result)
		wrapped->step_result(o, idx, name, r, reason);
}

/* the number before the first token in line -> repl: a stream's "0.3 s, " and "812 replace(s)/s" */
static const char *norm_number(const char *line, const char *token, const char *repl, char *buf,
			       size_t len)
{
	const char *at = strstr(line, token), *digits = at;

	while (at && digits > line && ((digits[-1] >= '0' && digits[-1] <= '9') || digits[-1] == '.'))
		digits--;
	if (!at || digits == at || digits == line || digits[-1] != ' ')
		return line;
	snprintf(buf, len, "%.*s%s%s", (int)(digits - line), line, repl, at);
	return buf;
}

/* "..., 1234 transfer(s)/s" -> "..., RATE transfer(s)/s" */
static void norm_diag(struct output *o, int nested, const char *line)
{
	static const char rate[] = " transfer(s)/s";
	const char *at, *digits;
	char buf[2048], secs[2048], reps[2048];

	if (!wrapped->diag)
		return;
	at = strstr(line, " (thp): "); /* how many huge pages the host's kernel gave */
	if (at) {
		snprintf(buf, sizeof(buf), "%.*s (thp): MEASURED", (int)(at - line), line);
		wrapped->diag(o, nested, buf);
		return;
	}
	line = norm_number(line, " s, ", "T", secs, sizeof(secs));
	line = norm_number(line, " replace(s)/s", "RATE", reps, sizeof(reps));
	at = strstr(line, rate);
	digits = at;
	while (at && digits > line && digits[-1] >= '0' && digits[-1] <= '9')
		digits--;
	if (!at || digits == at || strcmp(at, rate)) {
		wrapped->diag(o, nested, line);
		return;
	}
	snprintf(buf, sizeof(buf), "%.*sRATE%s", (int)(digits - line), line, at);
	wrapped->diag(o, nested, buf);
}

static void norm_scenario_end(struct output *o, unsigned int idx, const char *name, const char *file,
			      enum result r, const char *reason, const char *known, uint64_t duration_ns)
{
	if (wrapped->scenario_end)
		wrapped->scenario_end(o, idx, name, file, r, reason, known, 0);
}

static void norm_run_end(struct output *o, const struct totals *t)
{
	if (wrapped->run_end)
		wrapped->run_end(o, t);
}

static const struct output_ops normalized = {
	.name = "normalized",
	.run_begin = norm_run_begin,
	.run_property = norm_run_property,
	.scenario_begin = norm_scenario_begin,
	.step_result = norm_step_result,
	.diag = norm_diag,
	.scenario_end = norm_scenario_end,
	.run_end = norm_run_end,
};

/* the version as the golden files spell it: "@VERSION@" wherever it is quoted */
static char *version_to_tag(const char *text)
{
	static const char tag[] = "\"@VERSION@\"";
	char quoted[64];
	size_t qlen = (size_t)snprintf(quoted, sizeof(quoted), "\"%s\"", IOMMUTEST_VERSION);
	size_t found = 0;
	char *out, *w;

	for (const char *p = strstr(text, quoted); p; p = strstr(p + qlen, quoted))
		found++;
	out = malloc(strlen(text) + found * sizeof(tag) + 1);
	if (!out)
		return NULL;
	for (w = out; *text;) {
		if (!strncmp(text, quoted, qlen)) {
			memcpy(w, tag, sizeof(tag) - 1);
			w += sizeof(tag) - 1;
			text += qlen;
		} else {
			*w++ = *text++;
		}
	}
	*w = '\0';
	return out;
}

/* ---- running a case ---- */
static void free_scenarios(struct scenario **scs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		scenario_free(scs[i]);
}

static int load_case(const struct run_case *rc, struct scenario **scs, size_t *n)
{
	char path[256], err[1024];
	int ret;

	for (*n = 0; *n < MAX_SCENARIOS && rc->scenarios[*n]; (*n)++) {
		snprintf(path, sizeof(path), "%s%s.json", strchr(rc->scenarios[*n], '/') ? "" : SCENARIO_DIR "/",
			 rc->scenarios[*n]);
		ret = scenario_load(path, &scs[*n], err, sizeof(err));
		if (ret) {
			fprintf(stderr, "%s: %s\n", rc->name, err);
			free_scenarios(scs, *n);
			return ret;
		}
	}
	return 0;
}

/* one run of the case's scenarios on the fake, in format fmt: *text (malloc'ed), *totals */
static int run_once(const struct run_case *rc, const char *fmt, unsigned int kernel,
		    unsigned int engine, char **text, struct totals *totals, int *exit_code)
{
	struct scenario *scs[MAX_SCENARIOS];
	struct output out = { .ops = &normalized };
	struct run_opts opts = { .bdfs = rc->devices, .xfail = rc->xfail, .seed = rc->seed,
				 .repeat = rc->repeat, .until_fail = rc->until_fail };
	size_t n, len = 0;
	char *raw = NULL;
	int ret;

	while (opts.nbdfs < ARRAY_SIZE(rc->devices) && rc->devices[opts.nbdfs])
		opts.nbdfs++;
	while (opts.nxfail < ARRAY_SIZE(rc->xfail) && rc->xfail[opts.nxfail].scenario)
		opts.nxfail++;
	wrapped = output_find(fmt);
	if (!wrapped)
		return -EINVAL;
	ret = load_case(rc, scs, &n);
	if (ret)
		return ret;
	out.f = open_memstream(&raw, &len);
	if (!out.f) {
		ret = -errno;
		goto out_free;
	}
	fake_kernel_install(kernel, rc->linux_version);
	fake_engine_misbehave(engine);
	ret = run_scenarios(scs, n, &opts, &out);
	fake_engine_misbehave(0);
	fake_kernel_uninstall();
	fclose(out.f);
	*totals = out.totals;
	*exit_code = out_exit_code(&out);
	*text = ret ? NULL : version_to_tag(raw);
	if (!ret && !*text)
		ret = -ENOMEM;
	free(raw);
out_free:
	free_scenarios(scs, n);
	return ret;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, n;
	char chunk[4096];

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		char *nb = realloc(buf, len + n + 1);

		if (!nb) {
			free(buf);
			fclose(f);
			return NULL;
		}
		buf = nb;
		memcpy(buf + len, chunk, n);
		len += n;
	}
	fclose(f);
	if (!buf)
		buf = calloc(1, 1);
	else
		buf[len] = '\0';
	return buf;
}

/* the first line where got and want differ, both shown, then all of got */
static void report_difference(const char *golden, const char *got, const char *want)
{
	const char *g = got, *w = want, *gline = got, *wline = want;
	unsigned int line = 1;

	while (*g && *g == *w) {
		if (*g == '\n') {
			line++;
			gline = g + 1;
			wline = w + 1;
		}
		g++;
		w++;
	}
	fprintf(stderr, "%s: differs from line %u\n  want: %.*s\n  got:  %.*s\n--- all of got:\n%s--- end\n"
		"(a change meant to be: build/tests/test_run tests --update CASE rewrites it; review the diff)\n",
		golden, line, (int)strcspn(wline, "\n"), wline, (int)strcspn(gline, "\n"), gline, got);
}

static bool fault_injection_available(void)
{
	return !access("/proc/thread-self/fail-nth", W_OK) &&
	       !access("/sys/kernel/debug/failslab/ignore-gfp-wait", W_OK);
}

static int check_case(const struct run_case *rc, bool update)
{
	int failures = unit_failures;

	if (rc->without_fault_injection && fault_injection_available()) {
		printf("%s: skipped: this machine has fault injection, the golden file shows its absence\n",
		       rc->name);
		return 0;
	}
	if (rc->every_scenario_fails) {
		/* the control: on an honest fake every scenario of the case passes */
		struct totals t;
		char *text = NULL;
		int code = -1;

		CHECK(run_once(rc, "ktap", 0, 0, &text, &t, &code) == 0);
		CHECK(code == 0 && t.fail == 0 && t.error == 0 && t.skip == 0);
		if (code != 0)
			fprintf(stderr, "%s: the control run (no misbehaviour) did not pass:\n%s", rc->name,
				text ? text : "");
		free(text);
	}
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
		char golden[256], *text = NULL, *want;
		struct totals t = { 0 };
		int code = -1;

		if (!(rc->formats & formats[i].bit))
			continue;
		snprintf(golden, sizeof(golden), GOLDEN_DIR "/%s.%s", rc->name, formats[i].ext);
		CHECK(run_once(rc, formats[i].name, rc->kernel_misbehaviour, rc->engine_misbehaviour,
			       &text, &t, &code) == 0);
		if (!text)
			continue;
		CHECK(code == rc->exit_code);
		if (code != rc->exit_code)
			fprintf(stderr, "%s (%s): exit code %d, expected %d\n", rc->name, formats[i].name,
				code, rc->exit_code);
		if (rc->every_scenario_fails) {
			CHECK(!t.pass && !t.skip && t.fail + t.error);
			if (t.pass || t.skip)
				fprintf(stderr, "%s (%s): %u scenario(s) passed and %u skipped on the misbehaving fake\n",
					rc->name, formats[i].name, t.pass, t.skip);
		}
		if (update) {
			FILE *f = fopen(golden, "w");

			CHECK(f != NULL);
			if (f) {
				fputs(text, f);
				fclose(f);
				printf("wrote %s\n", golden);
			}
			free(text);
			continue;
		}
		want = read_file(golden);
		CHECK(want != NULL);
		if (!want)
			fprintf(stderr, "%s: cannot read it (test_run --update writes it)\n", golden);
		else if (strcmp(text, want)) {
			CHECK(!"output equals the golden file");
			report_difference(golden, text, want);
		}
		free(want);
		free(text);
	}
	return unit_failures > failures;
}

static const struct run_case *case_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		if (!strcmp(cases[i].name, name))
			return &cases[i];
	return NULL;
}

/* this binary's engine registry is the product's (as `iommutest list engines` prints it), then
 * the fakes: the product's list cannot grow without this one */
static void check_engines(const char *iommutest)
{
	char cmd[512], line[512], name[64];
	size_t i = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "'%s' list engines", iommutest);
	p = popen(cmd, "r");
	CHECK(p != NULL);
	while (p && fgets(line, sizeof(line), p)) {
		if (sscanf(line, "%63s", name) != 1)
			continue;
		CHECK(dma_engine_registry[i] && !strcmp(dma_engine_registry[i]->name, name));
		if (!dma_engine_registry[i] || strcmp(dma_engine_registry[i]->name, name))
			fprintf(stderr, "the product's engine %zu is %s: tests/unit/fake_engine.c's registry must "
				"list the product's engines, in order, before the fakes\n", i, name);
		else
			i++;
	}
	CHECK(p && pclose(p) == 0);
	CHECK(dma_engine_registry[i] == &fake_faults_engine_ops &&
	      dma_engine_registry[i + 1] == &fake_bytes_engine_ops && !dma_engine_registry[i + 2]);
}

/* every case has its golden files, and every golden file in GOLDEN_DIR a case */
static void check_complete(void)
{
	struct dirent *de;
	DIR *d = opendir(GOLDEN_DIR);

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		for (size_t f = 0; f < ARRAY_SIZE(formats); f++) {
			char golden[256];

			if (!(cases[i].formats & formats[f].bit))
				continue;
			snprintf(golden, sizeof(golden), GOLDEN_DIR "/%s.%s", cases[i].name, formats[f].ext);
			CHECK(!access(golden, R_OK));
			if (access(golden, R_OK))
				fprintf(stderr, "case %s has no %s\n", cases[i].name, golden);
		}
	}
	CHECK(d != NULL);
	while (d && (de = readdir(d))) {
		char name[256], *dot;
		const struct run_case *rc;
		bool known = false;

		if (de->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "%s", de->d_name);
		dot = strchr(name, '.');
		if (dot)
			*dot++ = '\0';
		rc = case_find(name);
		for (size_t f = 0; rc && dot && f < ARRAY_SIZE(formats); f++)
			known |= (rc->formats & formats[f].bit) && !strcmp(dot, formats[f].ext);
		CHECK(known);
		if (!known)
			fprintf(stderr, "%s/%s belongs to no case of test_run\n", GOLDEN_DIR, de->d_name);
	}
	if (d)
		closedir(d);
}

int main(int argc, char **argv)
{
	bool update;

	if (argc < 3 || chdir(argv[1])) {
		fprintf(stderr, "usage: test_run TESTS_DIR CASE|--all|--complete|--update [CASE...]\n");
		return 2;
	}
	update = !strcmp(argv[2], "--update");
	if (!strcmp(argv[2], "--complete")) {
		check_complete();
		if (argc > 3)
			check_engines(argv[3]);
	} else if (!strcmp(argv[2], "--all") || (update && argc == 3)) {
		for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
			check_case(&cases[i], update);
	} else {
		for (int i = update ? 3 : 2; i < argc; i++) {
			const struct run_case *rc = case_find(argv[i]);

			CHECK(rc != NULL);
			if (!rc)
				fprintf(stderr, "no case \"%s\"\n", argv[i]);
			else
				check_case(rc, update);
		}
	}
	return unit_done("run");
}
