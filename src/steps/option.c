// SPDX-License-Identifier: GPL-2.0-only
/* iommufd context verbs: option (IOMMU_OPTION), vfio_ioas (IOMMU_VFIO_IOAS). */
#include <errno.h>
#include <stddef.h>

#include "iommutest/iommufd.h"
#include "iommutest/step.h"
#include "iommutest/util.h"

/* ---- option ---- */
struct option_args {
	uint64_t option, value, expect_value;
	int object;
};

static const struct name_value option_names[] = {
	{ "rlimit_mode", IOMMUFD_OPTION_RLIMIT_MODE }, { "huge_pages", IOMMUFD_OPTION_HUGE_PAGES }, { NULL, 0 },
};

enum option_arg { OPTION_OPTION, OPTION_OBJECT, OPTION_VALUE, OPTION_EXPECT_VALUE, OPTION_NARGS };

static const struct arg_def option_argdefs[] = {
	[OPTION_OPTION] = { .name = "option", .type = ARG_ENUM, .enums = option_names, .required = true,
	  .off = offsetof(struct option_args, option),
	  .help = "huge_pages (per IOAS: 1 lets contiguous pages map as large IOMMU pages) or rlimit_mode (global: 0 per user, 1 per process)" },
	[OPTION_OBJECT] = { .name = "object", .type = ARG_REF, .kinds = OBJ_IOAS,
	  .off = offsetof(struct option_args, object), .help = "the IOAS (huge_pages; rlimit_mode takes none)" },
	[OPTION_VALUE] = { .name = "value", .type = ARG_U64,
	  .off = offsetof(struct option_args, value), .help = "set the option to this value (absent: get it)" },
	[OPTION_EXPECT_VALUE] = { .name = "expect_value", .type = ARG_U64,
	  .off = offsetof(struct option_args, expect_value), .help = "get: the value the kernel must report" },
	[OPTION_NARGS] = { .name = NULL },
};

static int option_validate(struct load_ctx *lc, struct step *st)
{
	const struct option_args *a = st->args;
	bool huge = a->option == IOMMUFD_OPTION_HUGE_PAGES;

	if (huge && !arg_given_at(st, OPTION_OBJECT))
		return load_error(lc, lc->step_path, "\"object\": huge_pages is an option of an IOAS: name it");
	if (!huge && arg_given_at(st, OPTION_OBJECT))
		return load_error(lc, lc->step_path, "\"object\": rlimit_mode is global: it takes no object");
	if (arg_given_at(st, OPTION_VALUE) && arg_given_at(st, OPTION_EXPECT_VALUE))
		return load_error(lc, lc->step_path, "give \"value\" (set) or \"expect_value\" (get), not both");
	return 0;
}

static const char *opt_name(uint64_t option)
{
	return option == IOMMUFD_OPTION_HUGE_PAGES ? "huge_pages" : "rlimit_mode";
}

static int option_run(struct run_ctx *rc, const struct step *st)
{
	const struct option_args *a = st->args;
	uint32_t object = 0;
	uint64_t val;
	int ret;

	if (arg_given_at(st, OPTION_OBJECT))
		rt_pt_id(rc, a->object, &object);
	if (arg_given_at(st, OPTION_VALUE))
		return iommufd_option_set(rc->iommufd, (uint32_t)a->option, object, a->value);
	ret = iommufd_option_get(rc->iommufd, (uint32_t)a->option, object, &val);
	if (ret)
		return ret;
	step_note(rc, "%s: %s = %llu", st->path, opt_name(a->option), (unsigned long long)val);
	if (arg_given_at(st, OPTION_EXPECT_VALUE) && val != a->expect_value)
		step_fail(rc, "%s is %llu, expected %llu", opt_name(a->option),
			  (unsigned long long)val, (unsigned long long)a->expect_value);
	return 0;
}

const struct step_ops step_option = {
	.name = "option",
	.help = "get (and check) or set an iommufd option: huge_pages of an IOAS, the global rlimit_mode (IOMMU_OPTION)",
	.args = option_argdefs,
	.args_size = sizeof(struct option_args),
	.validate = option_validate,
	.run = option_run,
	.ioctls = STEP_IOCTLS("IOMMU_OPTION"),
};

/* ---- vfio_ioas ---- */
struct vfio_ioas_args {
	uint64_t action;
	int ioas;
};

static const struct name_value vfio_ioas_ops[] = {
	{ "get", IOMMUFD_VFIO_IOAS_GET }, { "set", IOMMUFD_VFIO_IOAS_SET },
	{ "clear", IOMMUFD_VFIO_IOAS_CLEAR }, { NULL, 0 },
};

enum vfio_ioas_arg { VIOAS_ACTION, VIOAS_IOAS, VIOAS_NARGS };

static const struct arg_def vfio_ioas_argdefs[] = {
	[VIOAS_ACTION] = { .name = "action", .type = ARG_ENUM, .enums = vfio_ioas_ops, .required = true,
	  .off = offsetof(struct vfio_ioas_args, action), .help = "get, set or clear" },
	[VIOAS_IOAS] = { .name = "ioas", .type = ARG_REF, .kinds = OBJ_IOAS,
	  .off = offsetof(struct vfio_ioas_args, ioas),
	  .help = "set: the IOAS to make the compatibility IOAS; get: the IOAS it must be" },
	[VIOAS_NARGS] = { .name = NULL },
};

static int vfio_ioas_validate(struct load_ctx *lc, struct step *st)
{
	const struct vfio_ioas_args *a = st->args;

	if (a->action == IOMMUFD_VFIO_IOAS_SET && !arg_given_at(st, VIOAS_IOAS))
		return load_error(lc, lc->step_path, "\"ioas\": a set needs the IOAS");
	if (a->action == IOMMUFD_VFIO_IOAS_CLEAR && arg_given_at(st, VIOAS_IOAS))
		return load_error(lc, lc->step_path, "\"ioas\": a clear takes none");
	return 0;
}

static int vfio_ioas_run(struct run_ctx *rc, const struct step *st)
{
	const struct vfio_ioas_args *a = st->args;
	uint32_t id = 0, want = 0;
	int ret;

	if (arg_given_at(st, VIOAS_IOAS))
		rt_pt_id(rc, a->ioas, &want);
	id = want;
	ret = iommufd_vfio_ioas(rc->iommufd, (enum iommufd_vfio_ioas_req)a->action, &id);
	if (ret || a->action != IOMMUFD_VFIO_IOAS_GET)
		return ret;
	step_note(rc, "%s: the compatibility IOAS is id %u", st->path, id);
	if (arg_given_at(st, VIOAS_IOAS) && id != want)
		step_fail(rc, "the compatibility IOAS is id %u, expected \"%s\" (id %u)", id,
			  rc->sc->syms[a->ioas].name, want);
	return 0;
}

const struct step_ops step_vfio_ioas = {
	.name = "vfio_ioas",
	.help = "get, set or clear the IOAS the VFIO compatibility container uses (IOMMU_VFIO_IOAS)",
	.args = vfio_ioas_argdefs,
	.args_size = sizeof(struct vfio_ioas_args),
	.validate = vfio_ioas_validate,
	.run = vfio_ioas_run,
	.ioctls = STEP_IOCTLS("IOMMU_VFIO_IOAS"),
};
