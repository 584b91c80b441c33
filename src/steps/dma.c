// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma: make the device's own engine move bytes through the IOMMU. Whether they landed is judged
 * by later `check` steps (engines like edu report no errors); an engine that does report errors
 * returns EIO, which a scenario can expect.
 */
#include <errno.h>
#include <stddef.h>
#include <unistd.h>

#include "iommutest/engine.h"
#include "iommutest/step.h"

enum { DIR_TO_DEVICE, DIR_FROM_DEVICE, DIR_COPY };

struct dma_args {
	int device;
	uint64_t dir, length, dev_offset;
	struct iova_arg iova, src, dst;
	bool blocked;
};

static const struct arg_enum dma_dirs[] = {
	{ "to_device", DIR_TO_DEVICE }, { "from_device", DIR_FROM_DEVICE }, { "copy", DIR_COPY },
	{ NULL, 0 },
};

static const struct arg_def dma_argdefs[] = {
	{ .name = "device", .type = ARG_REF, .kinds = OBJ_DEVICE, .required = true,
	  .off = offsetof(struct dma_args, device), .help = "the device whose engine does the DMA" },
	{ .name = "dir", .type = ARG_ENUM, .enums = dma_dirs, .required = true,
	  .off = offsetof(struct dma_args, dir),
	  .help = "to_device (memory -> device), from_device (device -> memory), copy (src -> device -> dst)" },
	{ .name = "iova", .type = ARG_IOVA,
	  .off = offsetof(struct dma_args, iova), .help = "the memory side (to_device, from_device)" },
	{ .name = "src", .type = ARG_IOVA,
	  .off = offsetof(struct dma_args, src), .help = "copy: the IOVA read" },
	{ .name = "dst", .type = ARG_IOVA,
	  .off = offsetof(struct dma_args, dst), .help = "copy: the IOVA written" },
	{ .name = "length", .type = ARG_U64, .required = true,
	  .off = offsetof(struct dma_args, length), .help = "bytes" },
	{ .name = "dev_offset", .type = ARG_U64, .def = "0",
	  .off = offsetof(struct dma_args, dev_offset), .help = "offset in the device-side buffer" },
	{ .name = "blocked", .type = ARG_BOOL, .def = "false",
	  .off = offsetof(struct dma_args, blocked),
	  .help = "the IOMMU must stop this transfer: an engine that reports faults must report one "
		  "(EIO); for one that does not, later checks judge the bytes" },
	{ .name = NULL },
};

static int dma_validate(struct load_ctx *lc, struct step *st)
{
	const struct dma_args *a = st->args;
	bool copy = a->dir == DIR_COPY;

	if (!a->length)
		return load_error(lc, lc->step_path, "\"length\" must not be 0");
	if (copy && (!arg_given(st, "src") || !arg_given(st, "dst") || arg_given(st, "iova")))
		return load_error(lc, lc->step_path, "\"copy\" takes \"src\" and \"dst\" (not \"iova\")");
	if (!copy && (!arg_given(st, "iova") || arg_given(st, "src") || arg_given(st, "dst")))
		return load_error(lc, lc->step_path, "\"%s\" takes \"iova\" (not \"src\"/\"dst\")",
				  a->dir == DIR_TO_DEVICE ? "to_device" : "from_device");
	return 0;
}

/* physical pages are not contiguous: a "phys:" transfer must stay inside one page */
static bool phys_in_one_page(struct run_ctx *rc, const struct iova_arg *ia, uint64_t len)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	if (ia->phys < 0 || (ia->offset % page) + len <= page)
		return true;
	step_fail(rc, "a transfer at phys:%s+0x%llx of 0x%llx bytes crosses a page boundary",
		  rc->sc->syms[ia->phys].name, (unsigned long long)ia->offset, (unsigned long long)len);
	return false;
}

static int dma_run(struct run_ctx *rc, const struct step *st)
{
	const struct dma_args *a = st->args;
	struct test_device *d = rt_device(rc, a->device);
	uint64_t first, second;
	char msg[256];
	int ret;

	if (!d->engine_up) {
		step_skip(rc, "%s (%04x:%04x) has no DMA engine", d->name, d->vdev.vendor,
			  d->vdev.device);
		return 0;
	}
	if (!phys_in_one_page(rc, &a->iova, a->length) || !phys_in_one_page(rc, &a->src, a->length) ||
	    !phys_in_one_page(rc, &a->dst, a->length))
		return 0;
	/* resolve every address first: a "phys:" lookup may skip or fail the step */
	first = rt_iova(rc, a->dir == DIR_COPY ? &a->src : &a->iova);
	second = a->dir == DIR_COPY ? rt_iova(rc, &a->dst) : 0;
	if (rc->verdict != VERDICT_NONE)
		return 0;
	if (a->dir == DIR_FROM_DEVICE) {
		ret = dma_engine_transfer(&d->engine, DMA_FROM_DEVICE, first, a->dev_offset, a->length,
					  msg, sizeof(msg));
	} else {
		ret = dma_engine_transfer(&d->engine, DMA_TO_DEVICE, first, a->dev_offset, a->length,
					  msg, sizeof(msg));
		if (!ret && a->dir == DIR_COPY) {
			rc->dma_transfers++;
			ret = dma_engine_transfer(&d->engine, DMA_FROM_DEVICE, second, a->dev_offset,
						  a->length, msg, sizeof(msg));
		}
	}
	if (a->blocked) {
		if (ret == -EIO) {
			step_note(rc, "%s: %s engine reported the blocked transfer as a fault: %s",
				  st->path, d->engine.ops->name, msg);
			return 0;
		}
		if (!ret && d->engine.ops->reports_faults) {
			step_fail(rc, "the %s engine completed a transfer the IOMMU should have blocked",
				  d->engine.ops->name);
			return 0;
		}
	}
	switch (ret) {
	case 0:
		rc->dma_transfers++;
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

const struct step_ops step_dma = {
	.name = "dma",
	.help = "DMA through the device's engine: to_device, from_device, or copy (src -> dst)",
	.args = dma_argdefs,
	.args_size = sizeof(struct dma_args),
	.flags = STEP_DMA,
	.validate = dma_validate,
	.run = dma_run,
};
