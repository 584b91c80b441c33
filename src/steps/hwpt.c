// SPDX-License-Identifier: GPL-2.0-only
/* hwpt_alloc: a HW page table on an IOAS (or a nested one on a parent HWPT). */
#include <stddef.h>

#include <linux/iommufd.h>

#include "config.h"
#include "iommutest/iommufd.h"
#include "iommutest/step.h"

struct hwpt_alloc_args {
	int name, device, pt;
	uint64_t flags;
};

static const struct arg_enum hwpt_flags[] = {
	{ "nest_parent", 1 << 0 },    /* IOMMU_HWPT_ALLOC_NEST_PARENT */
	{ "dirty_tracking", 1 << 1 }, /* IOMMU_HWPT_ALLOC_DIRTY_TRACKING */
	{ "fault_id_valid", 1 << 2 }, /* IOMMU_HWPT_FAULT_ID_VALID */
	{ "pasid", 1 << 3 },          /* IOMMU_HWPT_ALLOC_PASID */
	{ NULL, 0 },
};

static const struct arg_def hwpt_alloc_argdefs[] = {
	{ .name = "name", .type = ARG_NEW, .kinds = OBJ_HWPT, .required = true,
	  .off = offsetof(struct hwpt_alloc_args, name), .help = "name of the new HWPT" },
	{ .name = "device", .type = ARG_REF, .kinds = OBJ_DEVICE, .required = true,
	  .off = offsetof(struct hwpt_alloc_args, device), .help = "the device whose IOMMU it is for" },
	{ .name = "pt", .type = ARG_REF, .kinds = OBJ_IOAS | OBJ_HWPT, .required = true,
	  .off = offsetof(struct hwpt_alloc_args, pt), .help = "the IOAS (or parent HWPT) it translates" },
	{ .name = "flags", .type = ARG_FLAGS, .enums = hwpt_flags, .def = "",
	  .off = offsetof(struct hwpt_alloc_args, flags),
	  .help = "nest_parent, dirty_tracking, pasid, fault_id_valid" },
	{ NULL },
};

static int hwpt_alloc_run(struct run_ctx *rc, const struct step *st)
{
	const struct hwpt_alloc_args *a = st->args;
	struct rt_object *o = &rc->objs[a->name];
	struct hwpt_alloc_req req = {
		.dev_id = rt_device(rc, a->device)->vdev.dev_id,
		.flags = (uint32_t)a->flags,
	};
	int ret;

	rt_pt_id(rc, a->pt, &req.pt_id);
	ret = iommufd_hwpt_alloc(rc->iommufd, &req, &o->id);
	if (!ret)
		o->live = true;
	return ret;
}

const struct step_ops step_hwpt_alloc = {
	.name = "hwpt_alloc",
	.help = "allocate a HW page table for a device on an IOAS or parent HWPT (IOMMU_HWPT_ALLOC)",
	.args = hwpt_alloc_argdefs,
	.args_size = sizeof(struct hwpt_alloc_args),
	.run = hwpt_alloc_run,
};
