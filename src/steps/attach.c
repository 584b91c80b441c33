// SPDX-License-Identifier: GPL-2.0-only
/* attach, replace, detach (RID or PASID) and destroy. */
#include <stddef.h>

#include "iommutest/iommufd.h"
#include "iommutest/step.h"
#include "iommutest/util.h"

#define PASID_MAX ((1u << 20) - 1)

struct attach_args {
	int device, to;
	uint64_t pasid;
};

static const struct arg_def attach_argdefs[] = {
	{ .name = "device", .type = ARG_REF, .kinds = OBJ_DEVICE, .required = true,
	  .off = offsetof(struct attach_args, device), .help = "the device" },
	{ .name = "to", .type = ARG_REF, .kinds = OBJ_IOAS | OBJ_HWPT, .required = true,
	  .off = offsetof(struct attach_args, to), .help = "the IOAS or HWPT to attach to" },
	{ .name = "pasid", .type = ARG_U64,
	  .off = offsetof(struct attach_args, pasid), .help = "attach this PASID instead of the RID" },
	{ NULL },
};

static int attach_validate(struct load_ctx *lc, struct step *st)
{
	const struct attach_args *a = st->args;

	if (arg_given(st, "pasid") && a->pasid > PASID_MAX)
		return load_error(lc, lc->step_path, "\"pasid\" %llu exceeds 20 bits",
				  (unsigned long long)a->pasid);
	return 0;
}

static int do_attach(struct run_ctx *rc, const struct step *st, bool must_be_attached)
{
	const struct attach_args *a = st->args;
	struct rt_device *d = rt_device(rc, a->device);
	bool pasid = arg_given(st, "pasid");
	uint32_t pt_id, out_id;
	int ret;

	if (must_be_attached && !pasid && d->attached < 0) {
		step_fail(rc, "replace needs an attached device (%s is blocked)", d->vdev.bdf);
		return 0;
	}
	rt_pt_id(rc, a->to, &pt_id);
	out_id = pt_id;
	ret = vfio_attach_pt(&d->vdev, &out_id, pasid ? (int)a->pasid : -1);
	if (ret)
		return ret;
	if (!pasid) {
		if (d->attached >= 0)
			rc->replaces++;
		d->attached = a->to;
	}
	if (out_id != pt_id)
		step_note(rc, "%s: the kernel attached HWPT id %u for IOAS %s", st->path, out_id,
			  rc->sc->syms[a->to].name);
	return 0;
}

static int attach_run(struct run_ctx *rc, const struct step *st)
{
	return do_attach(rc, st, false);
}

static int replace_run(struct run_ctx *rc, const struct step *st)
{
	return do_attach(rc, st, true);
}

const struct step_ops step_attach = {
	.name = "attach",
	.help = "attach the device (or a PASID) to an IOAS/HWPT; on an attached device this replaces",
	.args = attach_argdefs,
	.args_size = sizeof(struct attach_args),
	.validate = attach_validate,
	.run = attach_run,
};

const struct step_ops step_replace = {
	.name = "replace",
	.help = "replace the attached domain of an attached device (fails the step if it is not attached)",
	.args = attach_argdefs,
	.args_size = sizeof(struct attach_args),
	.validate = attach_validate,
	.run = replace_run,
};

/* ---- detach ---- */
struct detach_args {
	int device;
	uint64_t pasid;
};

static const struct arg_def detach_argdefs[] = {
	{ .name = "device", .type = ARG_REF, .kinds = OBJ_DEVICE, .required = true,
	  .off = offsetof(struct detach_args, device), .help = "the device" },
	{ .name = "pasid", .type = ARG_U64,
	  .off = offsetof(struct detach_args, pasid), .help = "detach this PASID instead of the RID" },
	{ NULL },
};

static int detach_validate(struct load_ctx *lc, struct step *st)
{
	const struct detach_args *a = st->args;

	if (arg_given(st, "pasid") && a->pasid > PASID_MAX)
		return load_error(lc, lc->step_path, "\"pasid\" %llu exceeds 20 bits",
				  (unsigned long long)a->pasid);
	return 0;
}

static int detach_run(struct run_ctx *rc, const struct step *st)
{
	const struct detach_args *a = st->args;
	struct rt_device *d = rt_device(rc, a->device);
	bool pasid = arg_given(st, "pasid");
	int ret = vfio_detach_pt(&d->vdev, pasid ? (int)a->pasid : -1);

	if (!ret && !pasid)
		d->attached = -1;
	return ret;
}

const struct step_ops step_detach = {
	.name = "detach",
	.help = "detach the device (RID -> BLOCKED) or one PASID (VFIO_DEVICE_DETACH_IOMMUFD_PT)",
	.args = detach_argdefs,
	.args_size = sizeof(struct detach_args),
	.validate = detach_validate,
	.run = detach_run,
};

/* ---- destroy ---- */
struct destroy_args {
	int object;
};

static const struct arg_def destroy_argdefs[] = {
	{ .name = "object", .type = ARG_REF, .kinds = OBJ_IOAS | OBJ_HWPT, .required = true,
	  .kills = true, .off = offsetof(struct destroy_args, object), .help = "the IOAS or HWPT" },
	{ NULL },
};

static int destroy_run(struct run_ctx *rc, const struct step *st)
{
	const struct destroy_args *a = st->args;
	uint32_t id;
	int ret;

	rt_pt_id(rc, a->object, &id);
	ret = iommufd_destroy(rc->iommufd, id);
	if (!ret)
		rc->objs[a->object].live = false;
	return ret;
}

const struct step_ops step_destroy = {
	.name = "destroy",
	.help = "destroy an IOAS or HWPT (IOMMU_DESTROY)",
	.args = destroy_argdefs,
	.args_size = sizeof(struct destroy_args),
	.run = destroy_run,
};
