// SPDX-License-Identifier: GPL-2.0-only
/*
 * iommutest-bench: the measurements behind README's numbers, each a ratio taken side by side in
 * one run, printed as one JSON object per line.
 *
 *   iommutest-bench pattern MIB            fill+verify of the fill patterns vs memset+memcmp
 *   iommutest-bench map-unmap N SCENARIO   N IOMMU_IOAS_MAP/UNMAP pairs: a plain C loop vs
 *                                          `iommutest run SCENARIO` (which must do the same)
 *   iommutest-bench replace N SCENARIO     N mock replace round trips: a plain loop vs iommutest
 *   iommutest-bench rss SCENARIO...        peak RSS of `iommutest run` over each scenario
 *   iommutest-bench stubbed runner|plain SCENARIO N
 *                                          the runner in-process over SCENARIO, or the plain
 *                                          map/unmap loop N times, on a kernel stub that answers
 *                                          at once: what tests/bench/runner-instructions counts
 *                                          under callgrind (the runner's own instructions)
 *
 * Exit 0, 4 when the kernel lacks what a measurement needs (no /dev/iommu, no mock), 1 on error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/iommufd.h>

#include "iommutest/ioctl.h"
#include "iommutest/iommufd.h"
#include "iommutest/iommufd_test.h"
#include "iommutest/output.h"
#include "iommutest/pattern.h"
#include "iommutest/runner.h"
#include "iommutest/scenario.h"
#include "iommutest/util.h"

#define EXIT_SKIP 4
#define BENCH_ROUNDS 5 /* best of: the least disturbed run */

static const char *self_dir(void)
{
	static char dir[4096];
	ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);

	if (n <= 0)
		return ".";
	dir[n] = '\0';
	*strrchr(dir, '/') = '\0';
	return dir;
}

/* run `iommutest run ARGS...` (next to this binary), quietly; wall time and peak RSS */
static int run_tool(char *const extra[], double *secs, long *maxrss_kb)
{
	char tool[4200];
	char *argv[16] = { tool, "run", "-o", "/dev/null" };
	struct rusage ru;
	uint64_t t0 = now_ns();
	int status, i = 4;
	pid_t pid;

	snprintf(tool, sizeof(tool), "%s/iommutest", self_dir());
	for (int j = 0; extra[j] && i < 15; j++)
		argv[i++] = extra[j];
	argv[i] = NULL;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		execv(tool, argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		return -errno;
	*secs = (double)(now_ns() - t0) / 1e9;
	if (maxrss_kb)
		*maxrss_kb = ru.ru_maxrss;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -EINTR;
}

/* best of 5 for each side: the fastest run is the least disturbed one */
static int bench_pattern(size_t mib)
{
	size_t len = mib << 20;
	uint8_t *a = malloc(len), *b = malloc(len);
	struct fill_spec f = { FILL_RANDOM, 7 };
	double t_pat = 1e9, t_ref = 1e9;
	int bad = 0;

	if (!a || !b)
		return 1;
	memset(a, 1, len); /* fault the pages in before timing */
	memset(b, 0x5a, len); /* the reference's expected bytes, prepared outside the timing */
	for (int round = 0; round < 5; round++) {
		uint64_t t0 = now_ns();
		double t;

		pattern_fill(a, len, &f, 0);
		bad |= pattern_check(a, len, &f, 0) != -1;
		t = (double)(now_ns() - t0) / 1e9;
		t_pat = t < t_pat ? t : t_pat;
		t0 = now_ns();
		memset(a, 0x5a, len);
		bad |= memcmp(a, b, len) != 0;
		t = (double)(now_ns() - t0) / 1e9;
		t_ref = t < t_ref ? t : t_ref;
	}
	printf("{\"bench\":\"pattern\",\"bytes\":%zu,\"pattern_fill_verify_gib_s\":%.3f,"
	       "\"memset_memcmp_gib_s\":%.3f,\"ratio\":%.3f,\"goal\":\">= 0.80\"}\n", len,
	       (double)len / t_pat / (1 << 30), (double)len / t_ref / (1 << 30), t_ref / t_pat);
	free(a);
	free(b);
	return bad;
}

/*
 * The tool's fixed cost (exec, load, open) is measured with the same scenario at one iteration
 * (SCENARIO with "-1" before ".json") and reported apart: the per-operation overhead is what
 * the runner adds to each ioctl.
 */
static int tool_fixed_cost(const char *scenario, double *secs)
{
	char one[4200], *extra[] = { one, NULL };
	const char *dot = strrchr(scenario, '-');

	if (!dot)
		return -EINVAL;
	snprintf(one, sizeof(one), "%.*s-1.json", (int)(dot - scenario), scenario);
	return run_tool(extra, secs, NULL);
}

/* the plain loop under test: n operations on the state it was set up with; 0 or -errno */
struct plain_loop {
	int (*run)(struct plain_loop *l, unsigned long n);
	int fd;
	uint32_t ioas, a, b, stdev;
	void *buf;
	size_t len;
};

/*
 * Plain loop against `iommutest run SCENARIO` doing the same, best of BENCH_ROUNDS each; the
 * tool's fixed cost (a one-iteration SCENARIO) is measured too so the per-op overhead excludes it.
 */
static int compare_with_tool(const char *bench, const char *unit, unsigned long n, char *scenario,
			     struct plain_loop *loop)
{
	char *extra[] = { scenario, NULL };
	double t_loop = 1e9, t_tool = 1e9, t_fixed = 1e9, t;
	int rc;

	for (int round = 0; round < BENCH_ROUNDS; round++) {
		uint64_t t0 = now_ns();

		if (loop->run(loop, n))
			return 1;
		t = (double)(now_ns() - t0) / 1e9;
		t_loop = t < t_loop ? t : t_loop;
		rc = run_tool(extra, &t, NULL);
		t_tool = t < t_tool ? t : t_tool;
		if (!rc)
			rc = tool_fixed_cost(scenario, &t);
		t_fixed = t < t_fixed ? t : t_fixed;
		if (rc)
			return rc == EXIT_SKIP ? EXIT_SKIP : 1;
	}
	printf("{\"bench\":\"%s\",\"%s\":%lu,\"plain_loop_s\":%.4f,\"iommutest_s\":%.4f,"
	       "\"iommutest_fixed_s\":%.4f,\"overhead_per_op\":%.4f,\"overhead_total\":%.4f,"
	       "\"goal\":\"per op <= 0.03\"}\n", bench, unit, n, t_loop, t_tool, t_fixed,
	       (t_tool - t_fixed) / t_loop - 1, t_tool / t_loop - 1);
	return 0;
}

static int map_unmap_loop(struct plain_loop *l, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		uint64_t iova = 0x1000000;
		int ret = iommufd_ioas_map(l->fd, l->ioas, l->buf, l->len, &iova, true,
					   IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE);

		if (ret || (ret = iommufd_ioas_unmap(l->fd, l->ioas, iova, l->len, NULL)))
			return ret;
	}
	return 0;
}

static int bench_map_unmap(unsigned long n, char *scenario)
{
	struct plain_loop l = { .run = map_unmap_loop, .len = 1 << 16 };
	int rc;

	l.buf = mmap(NULL, l.len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (iommufd_open(&l.fd))
		return EXIT_SKIP;
	if (l.buf == MAP_FAILED || iommufd_ioas_alloc(l.fd, &l.ioas))
		return 1;
	rc = compare_with_tool("map-unmap", "pairs", n, scenario, &l);
	close(l.fd);
	return rc;
}

static int replace_loop(struct plain_loop *l, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		uint32_t pt = l->a;
		int ret = mock_domain_replace(l->fd, l->stdev, &pt);

		pt = l->b;
		if (ret || (ret = mock_domain_replace(l->fd, l->stdev, &pt)))
			return ret;
	}
	return 0;
}

static int bench_replace(unsigned long n, char *scenario)
{
	struct plain_loop l = { .run = replace_loop };
	struct hwpt_alloc_req req = { 0 };
	struct mock_ids ids;
	int rc;

	if (iommufd_open(&l.fd) || mock_probe(l.fd, NULL))
		return EXIT_SKIP;
	if (iommufd_ioas_alloc(l.fd, &l.ioas) || mock_device_create(l.fd, l.ioas, 0, &ids))
		return 1;
	l.stdev = ids.stdev_id;
	req.dev_id = ids.idev_id;
	req.pt_id = l.ioas;
	if (iommufd_hwpt_alloc(l.fd, &req, &l.a) || iommufd_hwpt_alloc(l.fd, &req, &l.b))
		return 1;
	rc = compare_with_tool("replace", "round_trips", n, scenario, &l);
	close(l.fd);
	return rc;
}

static int bench_rss(int argc, char **argv)
{
	int rc = 0;

	for (int i = 0; i < argc; i++) {
		char *extra[] = { argv[i], NULL };
		double secs;
		long kb;
		int r = run_tool(extra, &secs, &kb);

		if (r) {
			rc = r == EXIT_SKIP ? EXIT_SKIP : 1;
			continue;
		}
		printf("{\"bench\":\"rss\",\"scenario\":\"%s\",\"max_rss_kib\":%ld,\"seconds\":%.3f}\n",
		       argv[i], kb, secs);
	}
	return rc;
}

/*
 * ---- the runner's own cost, without a kernel ----
 * A kernel stub below ioctl_call() that answers IOAS_ALLOC/MAP/UNMAP at once, so what callgrind
 * counts inside measured_runner() and measured_plain_loop() is user space only: the difference
 * per map/unmap pair is what the runner adds to the same two ioctl wrappers.
 */
static int stub_open_iommufd(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static int stub_ioctl(int fd, unsigned long req, void *arg)
{
	(void)fd;
	switch (req) {
	case IOMMU_IOAS_ALLOC:
		((struct iommu_ioas_alloc *)arg)->out_ioas_id = 1;
		return 0;
	case IOMMU_IOAS_MAP: {
		struct iommu_ioas_map *m = arg;

		if (!(m->flags & IOMMU_IOAS_MAP_FIXED_IOVA))
			m->iova = 1ull << 24;
		return 0;
	}
	case IOMMU_IOAS_UNMAP:
		return 0; /* everything asked: .length stays */
	}
	return -ENOTTY;
}

static const struct kernel_backend kernel_stub = {
	.name = "bench stub",
	.open_iommufd = stub_open_iommufd,
	.ioctl = stub_ioctl,
};

/* what callgrind's --toggle-collect names: not inlined, so each is one function in its output */
__attribute__((noinline)) static int measured_runner(struct scenario *sc, struct output *out)
{
	struct run_opts opts = { 0 };

	return run_scenarios(&sc, 1, &opts, out);
}

__attribute__((noinline)) static int measured_plain_loop(struct plain_loop *l, unsigned long n)
{
	return map_unmap_loop(l, n);
}

static int bench_stubbed(const char *side, const char *scenario, unsigned long n)
{
	struct plain_loop l = { .len = 1 << 16 };
	struct output out = { .ops = output_find("ktap") };
	struct scenario *sc;
	char err[1024];
	int ret;

	kernel_backend_set(&kernel_stub);
	if (!strcmp(side, "plain")) {
		l.buf = malloc(l.len);
		if (!l.buf || iommufd_open(&l.fd) || iommufd_ioas_alloc(l.fd, &l.ioas))
			return 1;
		ret = measured_plain_loop(&l, n);
		close(l.fd);
		free(l.buf);
		return ret ? 1 : 0;
	}
	ret = scenario_load(scenario, &sc, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	out.f = fopen("/dev/null", "w");
	if (!out.f || !out.ops)
		return 1;
	ret = measured_runner(sc, &out);
	ret = ret ? ret : out_exit_code(&out);
	fclose(out.f);
	scenario_free(sc);
	return ret ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "pattern"))
		return bench_pattern(strtoul(argv[2], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "map-unmap"))
		return bench_map_unmap(strtoul(argv[2], NULL, 0), argv[3]);
	if (argc == 4 && !strcmp(argv[1], "replace"))
		return bench_replace(strtoul(argv[2], NULL, 0), argv[3]);
	if (argc >= 3 && !strcmp(argv[1], "rss"))
		return bench_rss(argc - 2, argv + 2);
	if (argc == 5 && !strcmp(argv[1], "stubbed"))
		return bench_stubbed(argv[2], argv[3], strtoul(argv[4], NULL, 0));
	fprintf(stderr, "usage: iommutest-bench pattern MIB | map-unmap N SCENARIO | replace N SCENARIO | "
		"rss SCENARIO... | stubbed runner|plain SCENARIO N\n");
	return 2;
}
