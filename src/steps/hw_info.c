// SPDX-License-Identifier: GPL-2.0-only
/* hw_info: IOMMU_GET_HW_INFO with expectations on the type and decoded fields. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "iommutest/device.h"
#include "iommutest/hwinfo.h"
#include "iommutest/iommufd.h"
#include "iommutest/step.h"

struct hw_info_args {
	int device;
	char *type;
	struct string_list types;
	struct field_list fields;
	uint64_t capabilities, max_pasid_log2;
};

enum hw_info_arg {
	HW_INFO_DEVICE, HW_INFO_TYPE, HW_INFO_TYPES, HW_INFO_FIELDS, HW_INFO_CAPABILITIES,
	HW_INFO_MAX_PASID_LOG2, HW_INFO_NARGS
};

static const struct arg_def hw_info_argdefs[] = {
	[HW_INFO_DEVICE] = { .name = "device", .type = ARG_REF, .kinds = OBJ_DEVICE, .required = true,
	  .off = offsetof(struct hw_info_args, device), .help = "the device" },
	[HW_INFO_TYPE] = { .name = "type", .type = ARG_STRING,
	  .off = offsetof(struct hw_info_args, type),
	  .help = "expected IOMMU type: intel_vtd, arm_smmuv3, amd, selftest, none" },
	[HW_INFO_TYPES] = { .name = "types", .type = ARG_STRINGS,
	  .off = offsetof(struct hw_info_args, types),
	  .help = "the IOMMU type must be one of these (instead of \"type\")" },
	[HW_INFO_FIELDS] = { .name = "fields", .type = ARG_FIELDS,
	  .off = offsetof(struct hw_info_args, fields),
	  .help = "expected register/field values by name: {\"S2P\": 1, \"OAS\": {\"min\": 4}}" },
	[HW_INFO_CAPABILITIES] = { .name = "capabilities", .type = ARG_FLAGS, .enums = hw_cap_names,
	  .off = offsetof(struct hw_info_args, capabilities), .help = "capability bits that must be set" },
	[HW_INFO_MAX_PASID_LOG2] = { .name = "max_pasid_log2", .type = ARG_U64,
	  .off = offsetof(struct hw_info_args, max_pasid_log2), .help = "expected out_max_pasid_log2" },
	[HW_INFO_NARGS] = { .name = NULL },
};

static int hw_info_validate(struct load_ctx *lc, struct step *st)
{
	const struct hw_info_args *a = st->args;
	uint32_t type;

	if (a->type && hw_info_type_from_name(a->type, &type))
		return load_error(lc, lc->step_path, "\"type\": unknown IOMMU type \"%.64s\"", a->type);
	if (a->type && a->types.n)
		return load_error(lc, lc->step_path, "give \"type\" or \"types\", not both");
	for (size_t i = 0; i < a->types.n; i++)
		if (hw_info_type_from_name(a->types.v[i], &type))
			return load_error(lc, lc->step_path, "\"types\": unknown IOMMU type \"%.64s\"",
					  a->types.v[i]);
	if (a->fields.n && !a->type)
		return load_error(lc, lc->step_path, "\"fields\" needs \"type\" (field names are per IOMMU type)");
	for (size_t i = 0; i < a->fields.n; i++)
		if (!hw_info_name_known(type, a->fields.v[i].name))
			return load_error(lc, lc->step_path, "\"fields\": %s has no register or field \"%.64s\"",
					  a->type, a->fields.v[i].name);
	return 0;
}

static int hw_info_run(struct run_ctx *rc, const struct step *st)
{
	const struct hw_info_args *a = st->args;
	struct test_device *d = rt_device(rc, a->device);
	const struct hw_info_decoder *dec;
	struct hw_info_result hw;
	char line[512];
	int ret;

	ret = iommufd_get_hw_info(rc->iommufd, d->dev_id, &hw);
	if (ret)
		return ret;
	dec = hw_info_decoder_find(hw.type);
	step_note(rc, "%s: type %s (%u), %u data bytes, max_pasid_log2 %u, capabilities 0x%llx",
		  st->path, hw_info_type_name(hw.type), hw.type, hw.data_len, hw.max_pasid_log2,
		  (unsigned long long)hw.capabilities);
	for (size_t i = 0; dec && i < dec->nregs; i++) {
		uint64_t v;

		hw_info_value(&hw, dec->regs[i].name, &v);
		snprintf(line, sizeof(line), "  %s = 0x%llx", dec->regs[i].name, (unsigned long long)v);
		step_note(rc, "%s", line);
	}
	if (a->type && strcmp(a->type, hw_info_type_name(hw.type))) {
		step_fail(rc, "IOMMU type is %s, expected %s", hw_info_type_name(hw.type), a->type);
		return 0;
	}
	/* a.types.v ends with NULL: the parser allocates one entry more */
	if (a->types.n && string_list_find((const char *const *)a->types.v, hw_info_type_name(hw.type)) < 0) {
		step_fail(rc, "IOMMU type is %s (%u), not one of the %zu expected", hw_info_type_name(hw.type),
			  hw.type, a->types.n);
		return 0;
	}
	for (size_t i = 0; i < a->fields.n; i++) {
		const struct field_expect *fe = &a->fields.v[i];
		uint64_t v;

		if (hw_info_value(&hw, fe->name, &v)) {
			step_fail(rc, "no field %s in the reported data", fe->name);
			return 0;
		}
		if (v < fe->min || v > fe->max) {
			if (fe->min == fe->max)
				step_fail(rc, "%s = %llu, expected %llu", fe->name, (unsigned long long)v,
					  (unsigned long long)fe->min);
			else
				step_fail(rc, "%s = %llu, expected %llu..%llu", fe->name, (unsigned long long)v,
					  (unsigned long long)fe->min, (unsigned long long)fe->max);
			return 0;
		}
		step_note(rc, "  %s = %llu (as expected)", fe->name, (unsigned long long)v);
	}
	if ((hw.capabilities & a->capabilities) != a->capabilities)
		step_fail(rc, "capabilities 0x%llx lack 0x%llx", (unsigned long long)hw.capabilities,
			  (unsigned long long)(a->capabilities & ~hw.capabilities));
	if (arg_given_at(st, HW_INFO_MAX_PASID_LOG2) && hw.max_pasid_log2 != a->max_pasid_log2)
		step_fail(rc, "max_pasid_log2 = %u, expected %llu", hw.max_pasid_log2,
			  (unsigned long long)a->max_pasid_log2);
	return 0;
}

const struct step_ops step_hw_info = {
	.name = "hw_info",
	.help = "read IOMMU_GET_HW_INFO for a device; check its type, decoded fields, capabilities",
	.args = hw_info_argdefs,
	.args_size = sizeof(struct hw_info_args),
	.validate = hw_info_validate,
	.run = hw_info_run,
	.ioctls = STEP_IOCTLS("IOMMU_GET_HW_INFO"),
};
