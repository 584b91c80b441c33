// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma: make the device's own engine move bytes through the IOMMU. Whether they landed is judged
 * by later `check` steps (engines like edu report no errors); an engine that does report errors
 * returns EIO, which a scenario can expect.
 *
 * A blocked DMA ("blocked": true; for a copy "blocked_half" names the half the IOMMU must stop)
 * proves something only beside a positive control: the file is refused unless the same device
 * does a DMA in the same direction that must land. Only the blocked half may report a fault; a
 * blocked transfer the engine completes is not counted as a transfer.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "iommutest/device.h"
#include "iommutest/engine.h"
#include "iommutest/step.h"

extern const struct step_ops step_dma;

enum { DIR_TO_DEVICE, DIR_FROM_DEVICE, DIR_COPY };
/* the smallest page size: a "phys:" transfer must stay within one such page (checked at load) */
#define DMA_PHYS_MIN_PAGE 4096u
enum { HALF_NONE, HALF_SRC, HALF_DST };

struct dma_args {
	int device;
	uint64_t dir, length, dev_offset, blocked_half;
	struct iova_arg iova, src, dst;
	bool blocked;
	bool fault;
};

static const struct name_value dma_halves[] = {
	{ "src", HALF_SRC }, { "dst", HALF_DST }, { NULL, 0 },
};

static const struct name_value dma_dirs[] = {
	{ "to_device", DIR_TO_DEVICE }, { "from_device", DIR_FROM_DEVICE }, { "copy", DIR_COPY },
	{ NULL, 0 },
};

enum dma_arg {
	DMA_DEVICE, DMA_DIR, DMA_IOVA, DMA_SRC, DMA_DST, DMA_LENGTH, DMA_DEV_OFFSET, DMA_BLOCKED,
	DMA_BLOCKED_HALF, DMA_FAULT, DMA_NARGS
};

static const struct arg_def dma_argdefs[] = {
	[DMA_DEVICE] = { .name = "device", .type = ARG_REF, .kinds = OBJ_DEVICE, .required = true,
	  .off = offsetof(struct dma_args, device), .help = "the device whose engine does the DMA" },
	[DMA_DIR] = { .name = "dir", .type = ARG_ENUM, .enums = dma_dirs, .required = true,
	  .off = offsetof(struct dma_args, dir),
	  .help = "to_device (memory -> device), from_device (device -> memory), copy (src -> device -> dst)" },
	[DMA_IOVA] = { .name = "iova", .type = ARG_IOVA,
	  .off = offsetof(struct dma_args, iova), .help = "the memory side (to_device, from_device)" },
	[DMA_SRC] = { .name = "src", .type = ARG_IOVA,
	  .off = offsetof(struct dma_args, src), .help = "copy: the IOVA read" },
	[DMA_DST] = { .name = "dst", .type = ARG_IOVA,
	  .off = offsetof(struct dma_args, dst), .help = "copy: the IOVA written" },
	[DMA_LENGTH] = { .name = "length", .type = ARG_U64, .required = true,
	  .off = offsetof(struct dma_args, length), .help = "bytes" },
	[DMA_DEV_OFFSET] = { .name = "dev_offset", .type = ARG_U64, .def = "0",
	  .off = offsetof(struct dma_args, dev_offset), .help = "offset in the device-side buffer" },
	[DMA_BLOCKED] = { .name = "blocked", .type = ARG_BOOL, .def = "false",
	  .off = offsetof(struct dma_args, blocked),
	  .help = "the IOMMU must stop this transfer: an engine that reports faults must report one "
		  "(EIO); for one that does not, later checks judge the bytes" },
	[DMA_BLOCKED_HALF] = { .name = "blocked_half", .type = ARG_ENUM, .enums = dma_halves,
	  .off = offsetof(struct dma_args, blocked_half),
	  .help = "a blocked copy: the half the IOMMU must stop, src (the read) or dst (the write)" },
	[DMA_FAULT] = { .name = "fault", .type = ARG_BOOL, .def = "false",
	  .off = offsetof(struct dma_args, fault),
	  .help = "a blocked DMA: the IOMMU must also report it in the kernel log (a fault for this "
		  "device during the step; SKIP where the log cannot be read)" },
	[DMA_NARGS] = { .name = NULL },
};

/*
 * A "phys:" transfer aims the device at physical memory the IOMMU does not translate: it must lie
 * inside its buffer and inside one page, since the pages behind a buffer are not contiguous. Pages
 * are at least 4 KiB, so a transfer that crosses no 4 KiB boundary crosses no page boundary on any
 * system: checked here, once, at load.
 */
static int phys_check(struct load_ctx *lc, const struct iova_arg *ia, uint64_t len)
{
	uint64_t length = len;

	if (ia->phys < 0)
		return 0;
	if (load_check_range(lc, ia->phys, ia->offset, &length, true))
		return -EINVAL;
	if ((ia->offset % DMA_PHYS_MIN_PAGE) + len > DMA_PHYS_MIN_PAGE)
		return load_error(lc, lc->step_path,
				  "a transfer at phys:%s+0x%llx of 0x%llx bytes crosses a 4 KiB page boundary",
				  lc->sc->syms[ia->phys].name, (unsigned long long)ia->offset,
				  (unsigned long long)len);
	return 0;
}

static int dma_validate(struct load_ctx *lc, struct step *st)
{
	const struct dma_args *a = st->args;
	bool copy = a->dir == DIR_COPY;

	if (!a->length)
		return load_error(lc, lc->step_path, "\"length\" must not be 0");
	if (copy && (!arg_given_at(st, DMA_SRC) || !arg_given_at(st, DMA_DST) || arg_given_at(st, DMA_IOVA)))
		return load_error(lc, lc->step_path, "\"copy\" takes \"src\" and \"dst\" (not \"iova\")");
	if (!copy && (!arg_given_at(st, DMA_IOVA) || arg_given_at(st, DMA_SRC) || arg_given_at(st, DMA_DST)))
		return load_error(lc, lc->step_path, "\"%s\" takes \"iova\" (not \"src\"/\"dst\")",
				  a->dir == DIR_TO_DEVICE ? "to_device" : "from_device");
	if (copy && a->blocked && !arg_given_at(st, DMA_BLOCKED_HALF))
		return load_error(lc, lc->step_path,
				  "a blocked \"copy\" must say which half the IOMMU stops: \"blocked_half\": \"src\" or \"dst\"");
	if (arg_given_at(st, DMA_BLOCKED_HALF) && (!copy || !a->blocked))
		return load_error(lc, lc->step_path, "\"blocked_half\" belongs to a blocked \"copy\"");
	if (a->fault && !a->blocked)
		return load_error(lc, lc->step_path, "\"fault\" belongs to a blocked DMA");
	if (phys_check(lc, &a->iova, a->length) || phys_check(lc, &a->src, a->length) ||
	    phys_check(lc, &a->dst, a->length))
		return -EINVAL;
	return 0;
}

/* the direction the IOMMU must stop: to_device reads memory, from_device writes it */
static int blocked_dir(const struct dma_args *a)
{
	if (a->dir != DIR_COPY)
		return (int)a->dir;
	return a->blocked_half == HALF_SRC ? DIR_TO_DEVICE : DIR_FROM_DEVICE;
}

/* does step c move bytes in direction dir on the device slot dev, with nothing blocked there? */
static bool lands(const struct step *c, int dev, int dir)
{
	const struct dma_args *b = c->args;

	if (c->ops != &step_dma || c->expect || b->device != dev)
		return false;
	if (b->dir == DIR_COPY)
		return !b->blocked || blocked_dir(b) != dir;
	return !b->blocked && (int)b->dir == dir;
}

static bool control_in(const struct step *steps, size_t n, int dev, int dir)
{
	for (size_t i = 0; i < n; i++) {
		if (steps[i].ops ? lands(&steps[i], dev, dir)
				 : control_in(steps[i].children, steps[i].nchildren, dev, dir))
			return true;
	}
	return false;
}

/* a negative DMA needs a positive control: the same engine, the same direction, landing */
static int dma_validate_scenario(struct load_ctx *lc, struct step *st)
{
	const struct dma_args *a = st->args;
	int dir = a->blocked ? blocked_dir(a) : -1;

	if (!a->blocked || control_in(lc->sc->steps, lc->sc->nsteps, a->device, dir))
		return 0;
	return load_error(lc, lc->step_path,
			  "a blocked DMA needs a positive control: a %s DMA on \"%s\" that is not blocked",
			  dir == DIR_TO_DEVICE ? "to_device (or copy)" : "from_device (or copy)",
			  lc->sc->syms[a->device].name);
}

/*
 * One transfer that ended in 0 or -EIO. A transfer the IOMMU must stop: a reported fault (EIO) is
 * the pass, a completion is a failure for an engine that reports faults and, for one that does
 * not, an attempt the checks judge (never counted as a transfer). Any other transfer that
 * completed is counted. Returns 0, or -EIO for a fault where the DMA had to land.
 */
static int judge(struct run_ctx *rc, const struct step *st, struct test_device *d, int ret,
		 bool blocked, const char *msg)
{
	if (!blocked) {
		if (!ret)
			rc->dma_transfers++;
		return ret;
	}
	if (ret == -EIO) {
		step_note(rc, "%s: %s engine reported the blocked transfer as a fault: %s", st->path,
			  d->engine.ops->name, msg);
		rt_faults_storm(rc);
		return 0;
	}
	if (d->engine.ops->reports_faults)
		step_fail(rc, "the %s engine completed a transfer the IOMMU should have blocked",
			  d->engine.ops->name);
	else
		rc->blocked_attempts++;
	return 0;
}

/* one checked transfer (one half of a copy), judged: 0, or -errno for finish() */
static int transfer(struct run_ctx *rc, const struct step *st, struct test_device *d,
		    enum dma_dir dir, uint64_t iova, bool blocked, char *msg, size_t msglen)
{
	const struct dma_args *a = st->args;
	int ret = dma_engine_transfer(&d->engine, dir, iova, a->dev_offset, a->length, msg, msglen);

	return ret && ret != -EIO ? ret : judge(rc, st, d, ret, blocked, msg);
}

/* the step's result from the last transfer's: what the engine cannot do skips */
static int finish(struct run_ctx *rc, const struct step *st, struct test_device *d, int ret,
		  const char *msg)
{
	switch (ret) {
	case 0:
		return 0;
	case -E2BIG:
	case -ERANGE:
	case -EINVAL:
		/* what the engine cannot do is not the IOMMU's failure */
		step_skip(rc, "%s engine: %s", d->engine.ops->name, msg);
		return 0;
	case -EIO:
		step_note(rc, "%s: %s", st->path, msg); /* what the device reported */
		return ret; /* the device saw the DMA fail: a scenario may expect EIO */
	default:
		step_fail(rc, "%s", msg);
		return 0;
	}
}

#define DMA_FAULT_WAIT_MS 1000 /* the IOMMU driver logs a fault from its interrupt handler */

/*
 * The IOMMU's own word on a step whose transfers ended: a blocked DMA with "fault" needs a report
 * for the device; a DMA that had to land must have none at its IOVAs.
 */
static void check_faults(struct run_ctx *rc, const struct step *st, struct test_device *d,
			 uint64_t first, uint64_t second)
{
	const struct dma_args *a = st->args;
	struct iommu_fault f;
	char what[200];
	int64_t n;

	if (a->blocked && a->fault && d->facts.iommufd_test_mock) {
		/* its engine judged the fault (EIO); the mock IOMMU logs none */
		step_note(rc, "%s: \"fault\": the IOMMUFD_TEST mock IOMMU reports faults to its engine, not to the kernel log",
			  st->path);
		return;
	}
	if (a->blocked && a->fault) {
		n = rt_faults_for(rc, d, 0, 0, DMA_FAULT_WAIT_MS, &f);
		if (n < 0)
			step_skip(rc, "\"fault\": the kernel log cannot be read (%s), so the IOMMU's fault reports are unknown",
				  strerror((int)-n));
		else if (!n)
			step_fail(rc, "the IOMMU reported no fault for %s within %d ms of the blocked DMA (the bytes not landing could also mean the engine never ran)",
				  d->name, DMA_FAULT_WAIT_MS);
		return;
	}
	if (a->blocked)
		return;
	n = rt_faults_for(rc, d, first, a->length, 0, &f);
	if (n <= 0 && a->dir == DIR_COPY)
		n = rt_faults_for(rc, d, second, a->length, 0, &f);
	if (n > 0) {
		iommu_fault_describe(&f, what, sizeof(what));
		step_fail(rc, "the IOMMU reported %lld fault(s) for %s at the IOVAs of a DMA that had to land: %s",
			  (long long)n, d->name, what);
	}
}

static int dma_run_transfers(struct run_ctx *rc, const struct step *st, struct test_device *d,
			     uint64_t first, uint64_t second);

static int dma_run(struct run_ctx *rc, const struct step *st)
{
	const struct dma_args *a = st->args;
	struct test_device *d = rt_device(rc, a->device);
	uint64_t first, second;
	int ret;

	if (!d->engine_up) {
		step_skip(rc, "%s (%04x:%04x) has no DMA engine", d->name, d->vdev.vendor,
			  d->vdev.device);
		return 0;
	}
	/* resolve every address first: a "phys:" lookup may skip or fail the step */
	first = rt_iova(rc, a->dir == DIR_COPY ? &a->src : &a->iova);
	second = a->dir == DIR_COPY ? rt_iova(rc, &a->dst) : 0;
	if (rc->verdict != VERDICT_NONE)
		return 0;
	if (a->blocked && a->fault && !d->facts.iommufd_test_mock) {
		unsigned int waited = rt_faults_make_heard(rc);

		if (waited)
			step_note(rc, "%s: waited %u ms for the kernel's ratelimit of IOMMU fault reports to let the next one through",
				  st->path, waited);
	}
	ret = dma_run_transfers(rc, st, d, first, second);
	if (!ret && rc->verdict == VERDICT_NONE)
		check_faults(rc, st, d, first, second);
	return ret;
}

static int dma_run_transfers(struct run_ctx *rc, const struct step *st, struct test_device *d,
			     uint64_t first, uint64_t second)
{
	const struct dma_args *a = st->args;
	bool src_blocked;
	char msg[256];
	int ret;

	if (a->dir != DIR_COPY) {
		ret = transfer(rc, st, d, a->dir == DIR_TO_DEVICE ? DMA_TO_DEVICE : DMA_FROM_DEVICE,
			       first, a->blocked, msg, sizeof(msg));
		return finish(rc, st, d, ret, msg);
	}
	src_blocked = a->blocked && a->blocked_half == HALF_SRC;
	ret = transfer(rc, st, d, DMA_TO_DEVICE, first, src_blocked, msg, sizeof(msg));
	if (ret || rc->verdict != VERDICT_NONE || (src_blocked && d->engine.ops->reports_faults))
		return finish(rc, st, d, ret, msg); /* a reported fault ends the copy */
	ret = transfer(rc, st, d, DMA_FROM_DEVICE, second, a->blocked && a->blocked_half == HALF_DST,
		       msg, sizeof(msg));
	return finish(rc, st, d, ret, msg);
}

const struct step_ops step_dma = {
	.name = "dma",
	.help = "DMA through the device's engine: to_device, from_device, or copy (src -> dst)",
	.args = dma_argdefs,
	.args_size = sizeof(struct dma_args),
	.flags = STEP_DMA,
	.validate = dma_validate,
	.validate_scenario = dma_validate_scenario,
	.run = dma_run,
	.ioctls = STEP_NO_IOCTLS,
};
