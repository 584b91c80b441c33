// SPDX-License-Identifier: GPL-2.0-only
/*
 * iommutest: the command line. Only main() decides exit codes:
 * 0 all passed, 1 a failure, 4 everything skipped (kselftest), 2 usage errors and bad files.
 */
#define LOG_PREFIX ""

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iommutest/device.h"
#include "iommutest/engine.h"
#include "iommutest/hwinfo.h"
#include "iommutest/ioctl.h"
#include "iommutest/iommufd.h"
#include "iommutest/log.h"
#include "iommutest/output.h"
#include "iommutest/runner.h"
#include "iommutest/scenario.h"
#include "iommutest/step.h"
#include "iommutest/sysfs_bind.h"
#include "iommutest/util.h"
#include "iommutest/vfio.h"

#define EXIT_PASS 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2
#define EXIT_SKIP 4
#define MAX_DEVICES 16
#define MAX_FILES 4096
#define MAX_DIR_DEPTH 8
#define BIND_TIMEOUT_MS 10000
#define MAX_XFAIL 256
#define MAX_REPEAT 1000000u /* with MAX_FILES scenarios, a plan still fits in 32 bits */

static void usage(FILE *f)
{
	fputs("usage: iommutest run [-d BDF]... [--bind] [--allow-destructive] [--format ktap|json|junit] [-o FILE] [-v] [--trace FILE]\n"
	      "                     [--xfail SCENARIO=REASON]... [--seed S] [--repeat N] [--until-fail]\n"
	      "                     SCENARIO.json|DIR...\n"
	      "       iommutest validate SCENARIO.json|DIR...\n"
	      "       iommutest info [-d BDF]... [--bind] [--trace FILE]\n"
	      "       iommutest list steps|engines|formats|ioctls\n"
	      "       iommutest --help | --version\n"
	      "\n"
	      "  -d, --device BDF[,dma_mask=MASK] | mock[,pasid][,no_dirty]\n"
	      "                     a PCI device (0000:00:03.0) or an IOMMUFD_TEST mock device for the\n"
	      "                     scenarios' device slots, in order; dma_mask: the device's DMA mask\n"
	      "                     if not the engine's default\n"
	      "  -b, --bind         move the devices to vfio-pci for the run and back afterwards\n"
	      "      --allow-destructive\n"
	      "                     let DMA engines write the devices' storage (nvme: to_device is a\n"
	      "                     Write to the namespace instead of a Compare); scratch devices only\n"
	      "  -f, --format NAME  results format: ktap (default), json, junit\n"
	      "  -o, --output FILE  write results to FILE instead of stdout\n"
	      "  -v, --verbose      more diagnostics on stderr (repeat for debug)\n"
	      "  -t, --trace FILE   every ioctl issued, as JSON lines (name, argument bytes, result,\n"
	      "                     errno, duration) to FILE (- = stderr)\n"
	      "      --xfail SCENARIO=REASON\n"
	      "                     a known limitation: the scenario of that name is XFAIL when it fails\n"
	      "                     and XPASS when it passes, neither failing the run (repeatable)\n"
	      "      --seed S       the run's seed (decimal or 0x hex, 64 bits), printed as \"# seed\":\n"
	      "                     what is random in a scenario derives from it (default: a new one)\n"
	      "      --repeat N     run the whole selection N times, repetition I with seed S+I-1\n"
	      "      --until-fail   stop at the first failure, the rest of the plan SKIP; up to\n"
	      "                     --repeat N repetitions (default 1000)\n"
	      "\n"
	      "Exit: 0 passed, 1 a failure, 4 all skipped, 2 usage error or bad scenario file.\n"
	      "See iommutest(1) and iommutest-scenario(5).\n", f);
}

/* ---- scenario files ---- */
struct file_list {
	char **v;
	size_t n;
};

static int add_file(struct file_list *fl, const char *path)
{
	char **nv;

	if (fl->n >= MAX_FILES)
		return -E2BIG;
	nv = realloc(fl->v, (fl->n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	fl->v = nv;
	fl->v[fl->n] = strdup(path);
	if (!fl->v[fl->n])
		return -ENOMEM;
	fl->n++;
	return 0;
}

static int not_hidden(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

/* every *.json under path, sorted, recursively */
static int collect(struct file_list *fl, const char *path, unsigned int depth)
{
	struct dirent **ents;
	struct stat st;
	int n, ret = 0;

	if (stat(path, &st)) {
		fprintf(stderr, "iommutest: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	if (!S_ISDIR(st.st_mode))
		return add_file(fl, path);
	if (depth > MAX_DIR_DEPTH)
		return 0;
	n = scandir(path, &ents, not_hidden, alphasort);
	if (n < 0) {
		fprintf(stderr, "iommutest: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	for (int i = 0; i < n; i++) {
		char sub[4096];
		size_t len = strlen(ents[i]->d_name);

		snprintf(sub, sizeof(sub), "%s%s%s", path,
			 path[strlen(path) - 1] == '/' ? "" : "/", ents[i]->d_name);
		if (!ret && !stat(sub, &st) &&
		    (S_ISDIR(st.st_mode) || (len > 5 && !strcmp(ents[i]->d_name + len - 5, ".json"))))
			ret = collect(fl, sub, depth + 1);
		free(ents[i]);
	}
	free(ents);
	return ret;
}

static void free_scenarios(struct scenario **scs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		scenario_free(scs[i]);
	free(scs);
}

/* Load every file; the first bad one is reported and the whole set rejected. */
static int load_all(char **paths, int npaths, struct scenario ***out, size_t *nout)
{
	struct file_list fl = { 0 };
	struct scenario **scs = NULL;
	char err[1024];
	int ret = 0;

	for (int i = 0; i < npaths && !ret; i++)
		ret = collect(&fl, paths[i], 0);
	if (!ret && !fl.n) {
		fprintf(stderr, "iommutest: no scenario files given\n");
		ret = -ENOENT;
	}
	if (!ret) {
		scs = calloc(fl.n, sizeof(*scs));
		if (!scs)
			ret = -ENOMEM;
	}
	for (size_t i = 0; !ret && i < fl.n; i++) {
		ret = scenario_load(fl.v[i], &scs[i], err, sizeof(err));
		if (ret)
			fprintf(stderr, "%s\n", err);
	}
	if (ret) {
		free_scenarios(scs, fl.n);
		scs = NULL;
	}
	for (size_t i = 0; i < fl.n; i++)
		free(fl.v[i]);
	free(fl.v);
	*out = scs;
	*nout = ret ? 0 : fl.n;
	return ret;
}

/* ---- signals ---- */
static void on_signal(int sig)
{
	iommutest_stop = 1;
	(void)sig;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal }; /* no SA_RESTART: waits see EINTR */

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* ---- common options ---- */
struct cli {
	const char *bdfs[MAX_DEVICES];
	char bdf_store[MAX_DEVICES][32];
	uint64_t dma_masks[MAX_DEVICES];
	size_t nbdfs;
	int bind;
	int allow_destructive;
	const char *format;
	const char *output;
	const char *trace;
	struct known_limitation xfail[MAX_XFAIL]; /* point into xfail_arg */
	char *xfail_arg[MAX_XFAIL];               /* "SCENARIO\0REASON", owned */
	size_t nxfail;
	uint64_t seed;
	bool seed_given;
	unsigned int repeat;
	bool until_fail;
};

static void cli_free(struct cli *c)
{
	for (size_t i = 0; i < c->nxfail; i++)
		free(c->xfail_arg[i]);
	c->nxfail = 0;
}

/* "SCENARIO=REASON" (split at the first '='), a scenario listed once */
static int parse_xfail_arg(const char *arg, struct cli *c)
{
	char *copy, *eq;

	if (c->nxfail >= MAX_XFAIL) {
		fprintf(stderr, "iommutest: at most %d --xfail\n", MAX_XFAIL);
		return -EINVAL;
	}
	eq = strchr(arg, '=');
	if (!eq || eq == arg || !eq[1]) {
		fprintf(stderr, "iommutest: --xfail \"%.40s\": SCENARIO=REASON (a scenario's name, why it is known to fail)\n",
			arg);
		return -EINVAL;
	}
	copy = strdup(arg);
	if (!copy)
		return -ENOMEM;
	eq = copy + (eq - arg);
	*eq = '\0';
	for (size_t i = 0; i < c->nxfail; i++) {
		if (!strcmp(c->xfail[i].scenario, copy)) {
			fprintf(stderr, "iommutest: --xfail %.64s given twice\n", copy);
			free(copy);
			return -EINVAL;
		}
	}
	c->xfail_arg[c->nxfail] = copy;
	c->xfail[c->nxfail] = (struct known_limitation){ .scenario = copy, .reason = eq + 1 };
	c->nxfail++;
	return 0;
}

/* a number in decimal or, after "0x", hex (no sign, no octal), in min..max */
static int parse_number(const char *opt, const char *arg, uint64_t min, uint64_t max,
			uint64_t *out)
{
	bool hex = !strncmp(arg, "0x", 2) || !strncmp(arg, "0X", 2);
	const char *digits = hex ? arg + 2 : arg;
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(digits, &end, hex ? 16 : 10);
	if (!isxdigit((unsigned char)*digits) || *end || errno || v < min || v > max) {
		fprintf(stderr, "iommutest: %s \"%.40s\": a number (decimal or 0x hex) in %llu..%llu\n",
			opt, arg, (unsigned long long)min, (unsigned long long)max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* the seed of a run without --seed: from getrandom, or the time and pid before the kernel has
 * entropy to give */
static uint64_t new_seed(void)
{
	uint64_t seed;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed))
		return seed;
	return now_ns() ^ ((uint64_t)getpid() << 32);
}

/* "BDF[,dma_mask=MASK]": the BDF is validated before any sysfs path is built from it */
static int parse_device_arg(const char *arg, char *bdf, uint64_t *dma_mask)
{
	char buf[96];
	uint32_t mock_flags;
	char *opt;

	*dma_mask = 0;
	if (!mock_spec_parse(arg, &mock_flags)) {
		snprintf(bdf, 32, "%s", arg); /* "mock[,pasid][,no_dirty]": an IOMMUFD_TEST device */
		return 0;
	}
	if (!strncmp(arg, "mock", 4)) {
		fprintf(stderr, "iommutest: -d \"%.40s\": mock options are pasid, no_dirty\n", arg);
		return -EINVAL;
	}
	if (snprintf(buf, sizeof(buf), "%s", arg) >= (int)sizeof(buf)) {
		fprintf(stderr, "iommutest: -d \"%.40s...\": too long\n", arg);
		return -EINVAL;
	}
	opt = strchr(buf, ',');
	if (opt)
		*opt++ = '\0';
	if (pci_bdf_normalize(buf, bdf, 32)) {
		fprintf(stderr, "iommutest: -d \"%.40s\": not a PCI address (DDDD:BB:DD.F)\n", buf);
		return -EINVAL;
	}
	*dma_mask = 0;
	if (!opt)
		return 0;
	if (strncmp(opt, "dma_mask=", 9) || parse_size(opt + 9, dma_mask) || !*dma_mask ||
	    (*dma_mask & (*dma_mask + 1))) {
		fprintf(stderr, "iommutest: -d %s: unknown device option \"%.40s\" (dma_mask=0xMASK, all ones)\n",
			bdf, opt);
		return -EINVAL;
	}
	return 0;
}

/* one PCI function fills one slot: a BDF given twice would be opened twice (mock devices are
 * plugged anew for each -d mock) */
static int check_device_unique(const struct cli *c, const char *bdf)
{
	const struct device_ops *provider = device_provider_for_spec(bdf, NULL);

	if (provider && !provider->bindable)
		return 0;
	for (size_t i = 0; i < c->nbdfs; i++) {
		if (!strcmp(c->bdfs[i], bdf)) {
			fprintf(stderr, "iommutest: -d %s given twice: one device cannot fill two device slots\n",
				bdf);
			return -EINVAL;
		}
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct cli *c)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "bind", no_argument, NULL, 'b' },
		{ "allow-destructive", no_argument, NULL, 'W' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "trace", required_argument, NULL, 't' },
		{ "xfail", required_argument, NULL, 'X' },
		{ "seed", required_argument, NULL, 'S' },
		{ "repeat", required_argument, NULL, 'R' },
		{ "until-fail", no_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t repeat;
	int opt;

	c->format = "ktap";
	optind = 1;
	while ((opt = getopt_long(argc, argv, "d:bf:o:vt:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			if (c->nbdfs >= MAX_DEVICES) {
				fprintf(stderr, "iommutest: at most %d devices\n", MAX_DEVICES);
				return -EINVAL;
			}
			if (parse_device_arg(optarg, c->bdf_store[c->nbdfs], &c->dma_masks[c->nbdfs]) ||
			    check_device_unique(c, c->bdf_store[c->nbdfs]))
				return -EINVAL;
			c->bdfs[c->nbdfs] = c->bdf_store[c->nbdfs];
			c->nbdfs++;
			break;
		case 'b': c->bind = 1; break;
		case 'W': c->allow_destructive = 1; break; /* long option only */
		case 'f': c->format = optarg; break;
		case 'o': c->output = optarg; break;
		case 'v': log_level_max++; break;
		case 't': c->trace = optarg; break;
		/* long options only */
		case 'X':
			if (parse_xfail_arg(optarg, c))
				return -EINVAL;
			break;
		case 'S':
			if (parse_number("--seed", optarg, 0, UINT64_MAX, &c->seed))
				return -EINVAL;
			c->seed_given = true;
			break;
		case 'R':
			if (parse_number("--repeat", optarg, 1, MAX_REPEAT, &repeat))
				return -EINVAL;
			c->repeat = (unsigned int)repeat;
			break;
		case 'U': c->until_fail = true; break;
		case 'h': usage(stdout); exit(EXIT_PASS);
		default: return -EINVAL;
		}
	}
	return 0;
}

static int open_trace(const struct cli *c)
{
	int ret;

	if (!c->trace)
		return 0;
	ret = ioctl_trace_open(c->trace);
	if (ret)
		fprintf(stderr, "iommutest: --trace %s: %s\n", c->trace, strerror(-ret));
	return ret;
}

static int bind_all(const struct cli *c, struct bound_device *bd)
{
	for (size_t i = 0; i < c->nbdfs; i++) {
		const struct device_ops *provider = device_provider_for_spec(c->bdfs[i], NULL);
		int ret;

		if (!provider || !provider->bindable)
			continue; /* nothing to bind (a mock device) */
		ret = pci_bind_vfio(c->bdfs[i], &bd[i], BIND_TIMEOUT_MS);

		if (ret) {
			fprintf(stderr, "iommutest: --bind %s: %s\n", c->bdfs[i], strerror(-ret));
			return ret;
		}
	}
	return 0;
}

static int restore_all(const struct cli *c, struct bound_device *bd)
{
	int ret = 0;

	for (size_t i = 0; i < c->nbdfs; i++)
		if (pci_restore_driver(&bd[i]))
			ret = -EIO;
	return ret;
}

/* ---- subcommands ---- */
static int cmd_validate(int argc, char **argv)
{
	struct scenario **scs;
	size_t n;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (load_all(argv + 1, argc - 1, &scs, &n))
		return EXIT_USAGE;
	for (size_t i = 0; i < n; i++)
		printf("%s: ok (%s: %zu steps, %llu executed, %llu DMA)\n", scs[i]->file, scs[i]->name,
		       scs[i]->nsteps, (unsigned long long)scs[i]->exec_steps,
		       (unsigned long long)scs[i]->exec_dma);
	free_scenarios(scs, n);
	return EXIT_PASS;
}

/* a --xfail that names no scenario of the run is most likely a typo: said, not refused */
static void warn_unmatched_xfail(const struct cli *c, struct scenario *const *scs, size_t n)
{
	for (size_t i = 0; i < c->nxfail; i++) {
		size_t k = 0;

		while (k < n && strcmp(scs[k]->name, c->xfail[i].scenario))
			k++;
		if (k == n)
			fprintf(stderr, "iommutest: warning: --xfail %.64s: no scenario of that name in this run\n",
				c->xfail[i].scenario);
	}
}

/* `run` with the options in c (parse_opts fills it; the caller frees it) */
static int run_command(struct cli *c, int argc, char **argv)
{
	struct bound_device bd[MAX_DEVICES] = { 0 };
	struct output out = { 0 };
	struct scenario **scs;
	struct run_opts ro;
	size_t n;
	int rc, ret;

	install_signals(); /* first: a Ctrl-C at any point takes the cleanup path */
	if (parse_opts(argc, argv, c) || open_trace(c))
		return EXIT_USAGE;
	out.ops = output_find(c->format);
	if (!out.ops) {
		fprintf(stderr, "iommutest: unknown format \"%.40s\" (see: iommutest list formats)\n", c->format);
		return EXIT_USAGE;
	}
	if (optind >= argc) {
		fprintf(stderr, "iommutest: run: no scenario files given\n");
		return EXIT_USAGE;
	}
	/* every file is validated before any device is touched */
	if (load_all(argv + optind, argc - optind, &scs, &n))
		return EXIT_USAGE;
	warn_unmatched_xfail(c, scs, n);
	out.f = c->output ? fopen(c->output, "w") : stdout;
	if (!out.f) {
		fprintf(stderr, "iommutest: %s: %s\n", c->output, strerror(errno));
		free_scenarios(scs, n);
		return EXIT_USAGE;
	}
	setvbuf(out.f, NULL, _IOLBF, 0);
	if (c->bind && bind_all(c, bd)) {
		restore_all(c, bd);
		rc = EXIT_FAIL;
		goto out;
	}
	ro = (struct run_opts){
		.bdfs = c->bdfs,
		.dma_masks = c->dma_masks,
		.nbdfs = c->nbdfs,
		.allow_destructive = c->allow_destructive,
		.progress = isatty(STDERR_FILENO) && log_level_max <= LOG_WARN &&
			    !(out.f == stdout && isatty(STDOUT_FILENO)),
		.seed = c->seed_given ? c->seed : new_seed(),
		.xfail = c->xfail,
		.nxfail = c->nxfail,
		.repeat = c->repeat,
		.until_fail = c->until_fail,
	};
	ret = run_scenarios(scs, n, &ro, &out);
	rc = ret ? EXIT_USAGE : out_exit_code(&out);
	if (ret)
		fprintf(stderr, "iommutest: run: %s\n", ret == -E2BIG ?
			"the scenarios times --repeat are too many for one plan" : strerror(-ret));
	if (c->bind && restore_all(c, bd))
		rc = EXIT_FAIL;
out:
	if (iommutest_stop) { /* during --bind or during the run: restored either way */
		fprintf(stderr, "iommutest: interrupted; devices restored, fds closed\n");
		rc = EXIT_FAIL;
	}
	if (out.f != stdout)
		fclose(out.f);
	free_scenarios(scs, n);
	return rc;
}

static int cmd_run(int argc, char **argv)
{
	struct cli c = { 0 };
	int rc = run_command(&c, argc, argv);

	cli_free(&c);
	return rc;
}

/* what `info` prints about one device; *facts gets what its provider found (iommu "" if it
 * could not be opened) */
static void info_device(int iommufd, const char *spec, struct device_facts *facts)
{
	struct test_device d = { 0 };
	struct hw_info_result hw;
	const struct hw_info_decoder *dec;
	struct iova_range *r = NULL;
	const char *unavailable;
	size_t nr = 0;
	uint64_t align = 0;
	uint32_t ioas, pt;
	int ret;

	printf("\ndevice %s\n", spec);
	ret = device_open(&d, iommufd, spec, 0, &unavailable);
	if (ret && unavailable) {
		printf("  %s\n", unavailable);
		return;
	}
	if (ret) {
		printf("  open and bind: %s\n", strerror(-ret));
		goto out;
	}
	if (d.facts.pci)
		printf("  pci id %04x:%04x class %06x, iommufd dev_id %u\n", d.facts.vendor,
		       d.facts.device, d.facts.class_code, d.dev_id);
	else
		printf("  %s, iommufd dev_id %u\n", d.ops->title, d.dev_id);
	*facts = d.facts;
	printf("  IOMMU instance: %s", d.facts.iommu[0] ? d.facts.iommu : "(unknown: no sysfs iommu link)");
	if (d.facts.iommu_group >= 0)
		printf(", IOMMU group %d", d.facts.iommu_group);
	printf("\n");
	for (size_t i = 0; dma_engine_registry[i]; i++)
		if (!dma_engine_registry[i]->probe(&d.facts))
			printf("  DMA engine: %s\n", dma_engine_registry[i]->name);
	ret = iommufd_get_hw_info(iommufd, d.dev_id, &hw);
	if (ret) {
		printf("  IOMMU_GET_HW_INFO: %s\n", strerror(-ret));
	} else {
		printf("  IOMMU type: %s (0x%x)\n  out_capabilities: 0x%llx", hw_info_type_name(hw.type),
		       hw.type, (unsigned long long)hw.capabilities);
		for (size_t i = 0; hw_cap_names[i].name; i++)
			if (hw.capabilities & hw_cap_names[i].value)
				printf(" %s", hw_cap_names[i].name);
		printf("\n  out_max_pasid_log2: %u\n", hw.max_pasid_log2);
		dec = hw_info_decoder_find(hw.type);
		for (size_t i = 0; dec && i < dec->nregs; i++) {
			uint64_t v;

			hw_info_value(&hw, dec->regs[i].name, &v);
			printf("  %s = 0x%llx\n", dec->regs[i].name, (unsigned long long)v);
			for (size_t f = 0; f < dec->nfields; f++) {
				if (dec->fields[f].reg != i)
					continue;
				hw_info_value(&hw, dec->fields[f].name, &v);
				printf("    %-16s %-8llu %s\n", dec->fields[f].name, (unsigned long long)v,
				       dec->fields[f].desc);
			}
		}
	}
	/* the usable IOVA ranges once this device is attached to an IOAS */
	if (!iommufd_ioas_alloc(iommufd, &ioas)) {
		pt = ioas;
		ret = d.ops->attach(&d, iommufd, &pt);
		if (ret)
			printf("  attach to a fresh IOAS: %s\n", strerror(-ret));
		else if (!iommufd_ioas_iova_ranges(iommufd, ioas, &r, &nr, &align)) {
			printf("  usable IOVA ranges (alignment 0x%llx):\n", (unsigned long long)align);
			for (size_t i = 0; i < nr; i++)
				printf("    [0x%016llx, 0x%016llx]\n", (unsigned long long)r[i].start,
				       (unsigned long long)r[i].last);
			free(r);
		}
		if (!ret)
			d.ops->detach(&d, iommufd);
		device_close(&d); /* before the IOAS goes: the device may still use it */
		iommufd_destroy(iommufd, ioas);
	}
out:
	device_close(&d);
}

/* facts[i] is the first of the devices behind its IOMMU instance */
static bool first_behind(const struct device_facts *facts, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (!strcmp(facts[j].iommu, facts[i].iommu))
			return false;
	return true;
}

/* with several devices: which IOMMU instance each is behind, one line per instance */
static void info_topology(const struct cli *c, const struct device_facts *facts)
{
	size_t ninst = 0;

	for (size_t i = 0; i < c->nbdfs; i++)
		ninst += first_behind(facts, i);
	printf("\n%zu devices behind %zu IOMMU instance(s)%s\n", c->nbdfs, ninst,
	       ninst > 1 ? ": scenarios that require \"same_iommu\" skip with these" : "");
	for (size_t i = 0; i < c->nbdfs; i++) {
		if (!first_behind(facts, i))
			continue;
		printf("  %s:", facts[i].iommu[0] ? facts[i].iommu : "(unknown)");
		for (size_t j = i; j < c->nbdfs; j++)
			if (!strcmp(facts[j].iommu, facts[i].iommu))
				printf(" %s", c->bdfs[j]);
		printf("\n");
	}
}

static int cmd_info(int argc, char **argv)
{
	struct device_facts facts[MAX_DEVICES] = { 0 };
	struct bound_device bd[MAX_DEVICES] = { 0 };
	const struct iommufd_feature *ft;
	struct cli c = { 0 };
	int fd, ret, rc = EXIT_PASS;
	size_t n;

	ret = parse_opts(argc, argv, &c);
	cli_free(&c); /* info runs no scenario: the run's options mean nothing here */
	if (ret || open_trace(&c))
		return EXIT_USAGE;
	ret = iommufd_open(&fd);
	if (ret) {
		printf("/dev/iommu: %s (kernel without CONFIG_IOMMUFD?)\n", strerror(-ret));
		return EXIT_SKIP;
	}
	printf("iommufd features of the running kernel (probed):\n");
	n = iommufd_probe_features(fd, &ft);
	for (size_t i = 0; i < n; i++)
		printf("  %-20s %-4s %s\n", ft[i].name, ft[i].present ? "yes" : "no", ft[i].what);
	install_signals();
	if (c.bind && bind_all(&c, bd))
		rc = EXIT_FAIL;
	for (size_t i = 0; rc == EXIT_PASS && i < c.nbdfs; i++)
		info_device(fd, c.bdfs[i], &facts[i]);
	close(fd);
	if (rc == EXIT_PASS && c.nbdfs > 1)
		info_topology(&c, facts);
	if (c.bind && restore_all(&c, bd))
		rc = EXIT_FAIL;
	return rc;
}

static const char *arg_summary(const struct arg_def *d, char *buf, size_t len)
{
	if (d->required)
		snprintf(buf, len, "%s, required", arg_type_name(d->type));
	else if (d->def)
		snprintf(buf, len, "%s, default \"%s\"", arg_type_name(d->type), d->def);
	else
		snprintf(buf, len, "%s, optional", arg_type_name(d->type));
	return buf;
}

/* every iommufd ioctl the verbs know of: the verbs that issue it, or why none does */
static int list_ioctls(void)
{
	const char **all;
	size_t n, issued = 0;
	char verbs[256];

	if (step_ioctls_known(&all, &n)) {
		fprintf(stderr, "iommutest: out of memory\n");
		return EXIT_FAIL;
	}
	for (size_t i = 0; i < n; i++) {
		if (step_ioctl_verbs(all[i], verbs, sizeof(verbs))) {
			issued++;
			printf("%-30s %s\n", all[i], verbs);
		} else {
			printf("%-30s %s\n", all[i], step_ioctl_unissued_reason(all[i]));
		}
	}
	printf("%zu of %zu iommufd ioctls issued by verbs\n", issued, n);
	free(all);
	return EXIT_PASS;
}

static int cmd_list(int argc, char **argv)
{
	char buf[64];

	if (argc != 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "steps")) {
		for (size_t i = 0; step_registry[i]; i++) {
			const struct step_ops *s = step_registry[i];

			printf("%-18s %s\n", s->name, s->help);
			for (size_t a = 0; s->args[a].name; a++)
				printf("    %-16s %-28s %s\n", s->args[a].name,
				       arg_summary(&s->args[a], buf, sizeof(buf)), s->args[a].help);
		}
	} else if (!strcmp(argv[1], "engines")) {
		for (size_t i = 0; dma_engine_registry[i]; i++) {
			const struct dma_engine_ops *e = dma_engine_registry[i];

			if (e->async)
				printf("%-10s %s; asynchronous: up to %u transfer(s) in flight\n", e->name,
				       e->description, e->limits.queue_depth);
			else
				printf("%-10s %s; synchronous only (no streams)\n", e->name, e->description);
		}
	} else if (!strcmp(argv[1], "formats")) {
		for (size_t i = 0; output_registry[i]; i++)
			printf("%s\n", output_registry[i]->name);
	} else if (!strcmp(argv[1], "ioctls")) {
		return list_ioctls();
	} else {
		fprintf(stderr, "iommutest: list: unknown \"%.40s\" (steps, engines, formats, ioctls)\n", argv[1]);
		return EXIT_USAGE;
	}
	return EXIT_PASS;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	for (size_t i = 0; step_registry[i]; i++) {
		if (args_check_table(step_registry[i]->name, step_registry[i]->args,
				     step_registry[i]->args_size)) {
			fprintf(stderr, "iommutest: internal: bad argument table for %s\n",
				step_registry[i]->name);
			return EXIT_USAGE;
		}
	}
	if (!cmd) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		usage(stdout);
		return EXIT_PASS;
	}
	if (!strcmp(cmd, "--version")) {
		printf("iommutest %s\n", IOMMUTEST_VERSION);
		return EXIT_PASS;
	}
	if (!strcmp(cmd, "run")) {
		int rc = cmd_run(argc - 1, argv + 1);

		ioctl_trace_close();
		return rc;
	}
	if (!strcmp(cmd, "validate"))
		return cmd_validate(argc - 1, argv + 1);
	if (!strcmp(cmd, "info")) {
		int rc = cmd_info(argc - 1, argv + 1);

		ioctl_trace_close();
		return rc;
	}
	if (!strcmp(cmd, "list"))
		return cmd_list(argc - 1, argv + 1);
	fprintf(stderr, "iommutest: unknown command \"%.40s\"\n", cmd);
	usage(stderr);
	return EXIT_USAGE;
}
