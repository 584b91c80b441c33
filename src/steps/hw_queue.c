// SPDX-License-Identifier: GPL-2.0-only
/*
 * hw_queue_alloc: a HW queue of a vIOMMU (IOMMU_HW_QUEUE_ALLOC) over a range of its parent's IOAS.
 * The kernel pins that range while the queue lives (IOAS_UNMAP of it is EBUSY) and the queue
 * holds its vIOMMU (destroying the vIOMMU is EBUSY); destroy frees it.
 */
#include <errno.h>
#include <stddef.h>

#include <linux/iommufd.h>

#include "config.h"
#include "iommutest/iommufd.h"
#include "iommutest/iommufd_test.h"
#include "iommutest/step.h"
#include "iommutest/util.h"

/* what the uAPI headers lack (cmake probes each name): a value no kernel takes, the step skips */
#ifndef HAVE_IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV
#define IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV IOMMUTEST_UAPI_MISSING(1)
#endif

static const struct name_value hw_queue_types[] = {
	{ "selftest", MOCK_HW_QUEUE_TYPE_SELFTEST },
	{ "tegra241_cmdqv", IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV },
	{ NULL, 0 },
};

struct hw_queue_alloc_args {
	int name, viommu;
	uint64_t type, index, length;
	struct iova_arg iova;
};

enum hw_queue_alloc_arg { HWQ_NAME, HWQ_VIOMMU, HWQ_TYPE, HWQ_INDEX, HWQ_IOVA, HWQ_LENGTH, HWQ_NARGS };

static const struct arg_def hw_queue_alloc_argdefs[] = {
	[HWQ_NAME] = { .name = "name", .type = ARG_NEW, .kinds = OBJ_HW_QUEUE, .required = true,
	  .off = offsetof(struct hw_queue_alloc_args, name), .help = "name of the new HW queue" },
	[HWQ_VIOMMU] = { .name = "viommu", .type = ARG_REF, .kinds = OBJ_VIOMMU, .required = true,
	  .off = offsetof(struct hw_queue_alloc_args, viommu), .help = "the vIOMMU it belongs to" },
	[HWQ_TYPE] = { .name = "type", .type = ARG_ENUM, .enums = hw_queue_types, .def = "selftest",
	  .off = offsetof(struct hw_queue_alloc_args, type),
	  .help = "queue type: selftest (the mock vIOMMU), tegra241_cmdqv" },
	[HWQ_INDEX] = { .name = "index", .type = ARG_INT, .min = 0, .max = UINT32_MAX, .def = "0",
	  .off = offsetof(struct hw_queue_alloc_args, index), .help = "the queue's index on its vIOMMU" },
	[HWQ_IOVA] = { .name = "iova", .type = ARG_IOVA, .required = true,
	  .off = offsetof(struct hw_queue_alloc_args, iova),
	  .help = "where the queue memory is in the parent HWPT's IOAS (a mapping name, + offset)" },
	[HWQ_LENGTH] = { .name = "length", .type = ARG_U64, .required = true,
	  .off = offsetof(struct hw_queue_alloc_args, length),
	  .help = "bytes of queue memory (physically contiguous: within one page of an anonymous buffer)" },
	[HWQ_NARGS] = { .name = NULL },
};

static int hw_queue_alloc_validate(struct load_ctx *lc, struct step *st)
{
	const struct hw_queue_alloc_args *a = st->args;

	if (!a->length)
		return load_error(lc, lc->step_path, "\"length\" must not be 0");
	return 0;
}

static int hw_queue_alloc_run(struct run_ctx *rc, const struct step *st)
{
	const struct hw_queue_alloc_args *a = st->args;
	struct rt_object *o = &rc->objs[a->name];
	uint64_t iova;
	uint32_t viommu;
	int ret;

	if (IOMMUTEST_UAPI_IS_MISSING(a->type))
		return -EOPNOTSUPP; /* the uAPI headers this was built with lack it */
	rt_pt_id(rc, a->viommu, &viommu);
	iova = rt_iova(rc, &a->iova);
	if (rc->verdict != VERDICT_NONE)
		return 0;
	ret = iommufd_hw_queue_alloc(rc->iommufd, viommu, (uint32_t)a->type, (uint32_t)a->index, iova,
				     a->length, &o->id);
	if (!ret)
		o->live = true;
	return ret;
}

const struct step_ops step_hw_queue_alloc = {
	.name = "hw_queue_alloc",
	.ioctls = STEP_IOCTLS("IOMMU_HW_QUEUE_ALLOC"),
	.help = "allocate a HW queue of a vIOMMU over a range of its parent's IOAS (IOMMU_HW_QUEUE_ALLOC)",
	.args = hw_queue_alloc_argdefs,
	.args_size = sizeof(struct hw_queue_alloc_args),
	.validate = hw_queue_alloc_validate,
	.run = hw_queue_alloc_run,
};
