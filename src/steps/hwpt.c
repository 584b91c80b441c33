// SPDX-License-Identifier: GPL-2.0-only
/* hwpt_alloc: a HW page table on an IOAS (or a nested one on a parent HWPT). */
#include <errno.h>
#include <stddef.h>

#include <linux/iommufd.h>

#include "config.h"
#include "iommutest/device.h"
#include "iommutest/iommufd.h"
#include "iommutest/iommufd_test.h"
#include "iommutest/smmuv3.h"
#include "iommutest/step.h"
#include "iommutest/util.h"

#define HWPT_DATA_MAX_WORDS 8

struct hwpt_alloc_args {
	int name, device, pt, s1, fault;
	uint64_t flags, data_type, vste;
	struct string_list data;          /* as written: numbers in strings */
	uint64_t words[HWPT_DATA_MAX_WORDS]; /* parsed by validate */
	size_t nwords;
};

/* what the uAPI headers lack (cmake probes each name): a value no kernel takes, the step skips */
#ifndef HAVE_IOMMU_HWPT_ALLOC_NEST_PARENT
#define IOMMU_HWPT_ALLOC_NEST_PARENT IOMMUTEST_UAPI_MISSING(1)
#endif
#ifndef HAVE_IOMMU_HWPT_ALLOC_DIRTY_TRACKING
#define IOMMU_HWPT_ALLOC_DIRTY_TRACKING IOMMUTEST_UAPI_MISSING(2)
#endif
#ifndef HAVE_IOMMU_HWPT_FAULT_ID_VALID
#define IOMMU_HWPT_FAULT_ID_VALID IOMMUTEST_UAPI_MISSING(4)
#endif
#ifndef HAVE_IOMMU_HWPT_ALLOC_PASID
#define IOMMU_HWPT_ALLOC_PASID IOMMUTEST_UAPI_MISSING(8)
#endif
#ifndef HAVE_IOMMU_HWPT_DATA_NONE
#define IOMMU_HWPT_DATA_NONE 0 /* no data: what a kernel without data types takes */
#endif
#ifndef HAVE_IOMMU_HWPT_DATA_VTD_S1
#define IOMMU_HWPT_DATA_VTD_S1 IOMMUTEST_UAPI_MISSING(1)
#endif
#ifndef HAVE_IOMMU_HWPT_DATA_ARM_SMMUV3
#define IOMMU_HWPT_DATA_ARM_SMMUV3 IOMMUTEST_UAPI_MISSING(2)
#endif
#ifndef HAVE_IOMMU_HWPT_DATA_AMD_GUEST
#define IOMMU_HWPT_DATA_AMD_GUEST IOMMUTEST_UAPI_MISSING(3)
#endif

static const struct name_value hwpt_data_types[] = {
	{ "none", IOMMU_HWPT_DATA_NONE },
	{ "vtd_s1", IOMMU_HWPT_DATA_VTD_S1 },
	{ "arm_smmuv3", IOMMU_HWPT_DATA_ARM_SMMUV3 }, /* struct iommu_hwpt_arm_smmuv3 { ste[2] } */
	{ "amd_guest", IOMMU_HWPT_DATA_AMD_GUEST },
	{ "selftest", MOCK_HWPT_DATA_SELFTEST }, /* the mock: { u32 iotlb; u32 pagetable_type } */
	{ NULL, 0 },
};

static const struct name_value hwpt_flags[] = {
	{ "nest_parent", IOMMU_HWPT_ALLOC_NEST_PARENT },
	{ "dirty_tracking", IOMMU_HWPT_ALLOC_DIRTY_TRACKING },
	{ "fault_id_valid", IOMMU_HWPT_FAULT_ID_VALID },
	{ "pasid", IOMMU_HWPT_ALLOC_PASID },
	{ NULL, 0 },
};

static const struct name_value vste_kinds[] = {
	{ "none", VSTE_NONE }, { "abort", VSTE_ABORT }, { "bypass", VSTE_BYPASS }, { "s1", VSTE_S1 },
	{ NULL, 0 },
};

enum hwpt_alloc_arg {
	HWPT_NAME, HWPT_DEVICE, HWPT_PT, HWPT_FLAGS, HWPT_DATA_TYPE, HWPT_VSTE, HWPT_S1, HWPT_DATA,
	HWPT_FAULT, HWPT_NARGS
};

static const struct arg_def hwpt_alloc_argdefs[] = {
	[HWPT_NAME] = { .name = "name", .type = ARG_NEW, .kinds = OBJ_HWPT, .required = true,
	  .off = offsetof(struct hwpt_alloc_args, name), .help = "name of the new HWPT" },
	[HWPT_DEVICE] = { .name = "device", .type = ARG_REF, .kinds = OBJ_DEVICE, .required = true,
	  .off = offsetof(struct hwpt_alloc_args, device), .help = "the device whose IOMMU it is for" },
	[HWPT_PT] = { .name = "pt", .type = ARG_REF, .kinds = OBJ_IOAS | OBJ_HWPT | OBJ_VIOMMU, .required = true,
	  .off = offsetof(struct hwpt_alloc_args, pt),
	  .help = "the IOAS it translates, or the parent HWPT / vIOMMU of a nested one" },
	[HWPT_FLAGS] = { .name = "flags", .type = ARG_FLAGS, .enums = hwpt_flags, .def = "",
	  .off = offsetof(struct hwpt_alloc_args, flags),
	  .help = "nest_parent, dirty_tracking, pasid, fault_id_valid (\"fault\" sets it)" },
	[HWPT_DATA_TYPE] = { .name = "data_type", .type = ARG_ENUM, .enums = hwpt_data_types, .def = "none",
	  .off = offsetof(struct hwpt_alloc_args, data_type),
	  .help = "a nested HWPT's driver data: none, vtd_s1, arm_smmuv3, amd_guest, selftest" },
	[HWPT_VSTE] = { .name = "vste", .type = ARG_ENUM, .enums = vste_kinds, .def = "none",
	  .off = offsetof(struct hwpt_alloc_args, vste),
	  .help = "SMMUv3 nested: the vSTE, abort, bypass or s1 (sets data_type arm_smmuv3)" },
	[HWPT_S1] = { .name = "s1", .type = ARG_REF, .kinds = OBJ_S1,
	  .off = offsetof(struct hwpt_alloc_args, s1), .help = "vste s1: the stage-1 table set" },
	[HWPT_DATA] = { .name = "data", .type = ARG_STRINGS,
	  .off = offsetof(struct hwpt_alloc_args, data),
	  .help = "the driver data as 64-bit little-endian words, e.g. [\"0x9\", \"0x0\"] for an STE" },
	[HWPT_FAULT] = { .name = "fault", .type = ARG_REF, .kinds = OBJ_FAULT,
	  .off = offsetof(struct hwpt_alloc_args, fault),
	  .help = "the fault queue its I/O page faults go to (sets fault_id_valid)" },
	[HWPT_NARGS] = { .name = NULL },
};

static int hwpt_alloc_validate(struct load_ctx *lc, struct step *st)
{
	struct hwpt_alloc_args *a = st->args;

	if (a->data.n > HWPT_DATA_MAX_WORDS)
		return load_error(lc, lc->step_path, "\"data\": at most %d words", HWPT_DATA_MAX_WORDS);
	if (a->data.n && !a->data_type)
		return load_error(lc, lc->step_path, "\"data\" needs a \"data_type\"");
	if (a->vste && (a->data.n || arg_given_at(st, HWPT_DATA_TYPE)))
		return load_error(lc, lc->step_path, "\"vste\" makes the data itself: no \"data\"/\"data_type\"");
	if ((a->vste == VSTE_S1) != arg_given_at(st, HWPT_S1))
		return load_error(lc, lc->step_path, "\"s1\" goes with \"vste\": \"s1\" (and only with it)");
	for (size_t i = 0; i < a->data.n; i++)
		if (parse_size(a->data.v[i], &a->words[i]))
			return load_error(lc, lc->step_path, "\"data\"[%zu]: \"%.32s\" is not a 64-bit number",
					  i, a->data.v[i]);
	a->nwords = a->data.n;
	return 0;
}

static bool bytes_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static int hwpt_alloc_run(struct run_ctx *rc, const struct step *st)
{
	const struct hwpt_alloc_args *a = st->args;
	struct rt_object *o = &rc->objs[a->name];
	struct hwpt_alloc_req req = {
		.dev_id = rt_device(rc, a->device)->dev_id,
		.flags = (uint32_t)a->flags,
		.data_type = (uint32_t)a->data_type,
		.data = a->nwords ? a->words : NULL,
		.data_len = (uint32_t)(a->nwords * sizeof(uint64_t)),
	};
	uint64_t ste[2];
	int ret;

	/* the mock's data as long as this kernel's struct when the rest is zero (6.12's is 4 bytes
	 * and refuses a longer one outright) */
	if (a->data_type == MOCK_HWPT_DATA_SELFTEST && mock_hwpt_data_len(rc->iommufd) &&
	    req.data_len > mock_hwpt_data_len(rc->iommufd) &&
	    bytes_zero((const uint8_t *)a->words + mock_hwpt_data_len(rc->iommufd),
		       req.data_len - mock_hwpt_data_len(rc->iommufd)))
		req.data_len = mock_hwpt_data_len(rc->iommufd);
	if (IOMMUTEST_UAPI_IS_MISSING(a->flags) || IOMMUTEST_UAPI_IS_MISSING(a->data_type) ||
	    (a->vste && IOMMUTEST_UAPI_IS_MISSING(IOMMU_HWPT_DATA_ARM_SMMUV3)) ||
	    (a->fault >= 0 && IOMMUTEST_UAPI_IS_MISSING(IOMMU_HWPT_FAULT_ID_VALID)))
		return -EOPNOTSUPP; /* the uAPI headers this was built with lack it */
	if (a->fault >= 0) {
		req.flags |= (uint32_t)IOMMU_HWPT_FAULT_ID_VALID;
		rt_pt_id(rc, a->fault, &req.fault_id);
	}
	if (a->vste) {
		ret = smmuv3_vste(rc, (enum vste_kind)a->vste, a->s1, ste);
		if (ret)
			return ret;
		req.data_type = (uint32_t)IOMMU_HWPT_DATA_ARM_SMMUV3;
		req.data = ste;
		req.data_len = sizeof(ste);
		step_note(rc, "%s: vSTE 0x%016llx 0x%016llx", st->path, (unsigned long long)ste[0],
			  (unsigned long long)ste[1]);
	}
	rt_pt_id(rc, a->pt, &req.pt_id);
	ret = iommufd_hwpt_alloc(rc->iommufd, &req, &o->id);
	if (!ret) {
		o->live = true;
		o->ioas = a->pt; /* what it translates through, for emulated engines */
	}
	return ret;
}

const struct step_ops step_hwpt_alloc = {
	.name = "hwpt_alloc",
	.help = "allocate a HW page table for a device on an IOAS, or a nested one on a parent HWPT (IOMMU_HWPT_ALLOC)",
	.args = hwpt_alloc_argdefs,
	.args_size = sizeof(struct hwpt_alloc_args),
	.validate = hwpt_alloc_validate,
	.run = hwpt_alloc_run,
	.ioctls = STEP_IOCTLS("IOMMU_HWPT_ALLOC"),
};
