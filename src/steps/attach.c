// SPDX-License-Identifier: GPL-2.0-only
/* attach, replace, detach (RID or PASID) and destroy. */
#include <errno.h>
#include <stddef.h>
#include <unistd.h>

#include "iommutest/device.h"
#include "iommutest/iommufd.h"
#include "iommutest/step.h"
#include "iommutest/util.h"

#define PASID_MAX ((1u << 20) - 1)

struct attach_args {
	int device, to;
	uint64_t pasid;
};

enum attach_arg { ATTACH_DEVICE, ATTACH_TO, ATTACH_PASID, ATTACH_NARGS };

static const struct arg_def attach_argdefs[] = {
	[ATTACH_DEVICE] = { .name = "device", .type = ARG_REF, .kinds = OBJ_DEVICE, .required = true,
	  .off = offsetof(struct attach_args, device), .help = "the device" },
	[ATTACH_TO] = { .name = "to", .type = ARG_REF, .kinds = OBJ_IOAS | OBJ_HWPT, .required = true,
	  .off = offsetof(struct attach_args, to), .help = "the IOAS or HWPT to attach to" },
	[ATTACH_PASID] = { .name = "pasid", .type = ARG_U64,
	  .off = offsetof(struct attach_args, pasid), .help = "attach this PASID instead of the RID" },
	[ATTACH_NARGS] = { .name = NULL },
};

static int attach_validate(struct load_ctx *lc, struct step *st)
{
	const struct attach_args *a = st->args;

	if (arg_given_at(st, ATTACH_PASID) && a->pasid > PASID_MAX)
		return load_error(lc, lc->step_path, "\"pasid\" %llu exceeds 20 bits",
				  (unsigned long long)a->pasid);
	return 0;
}

static void pasid_bookkeeping_note(struct run_ctx *rc, const struct step *st, struct test_device *d)
{
	if (d->facts.pci && !d->max_pasid_log2)
		step_note(rc, "%s: bookkeeping only: %s has no PASID capability (max_pasid_log2 0), "
			  "no PASID-tagged DMA can reach this domain", st->path, d->name);
}

static int do_attach(struct run_ctx *rc, const struct step *st, bool replace)
{
	const struct attach_args *a = st->args;
	struct test_device *d = rt_device(rc, a->device);
	bool pasid = arg_given_at(st, ATTACH_PASID);
	uint32_t pt_id, out_id;
	int ret;

	if (replace && !pasid && d->attached < 0) {
		step_fail(rc, "replace needs an attached device (%s is not attached)", d->name);
		return 0;
	}
	rt_pt_id(rc, a->to, &pt_id);
	out_id = pt_id;
	if (!pasid)
		ret = d->ops->attach(d, rc->iommufd, &out_id);
	else if (replace)
		ret = d->ops->pasid_replace(d, rc->iommufd, (uint32_t)a->pasid, &out_id);
	else
		ret = d->ops->pasid_attach(d, rc->iommufd, (uint32_t)a->pasid, &out_id);
	if (ret)
		return ret;
	if (pasid) {
		pasid_bookkeeping_note(rc, st, d);
		return 0;
	}
	if (d->attached >= 0)
		rc->replaces++;
	d->attached = a->to;
	d->attached_hwpt = out_id;
	rt_attach_ioas(rc, a->to, &d->attached_ioas, &d->attached_nested);
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
	.help = "attach the device (or a PASID) to an IOAS/HWPT; on an attached RID (and a VFIO PASID) this replaces",
	.args = attach_argdefs,
	.args_size = sizeof(struct attach_args),
	.validate = attach_validate,
	.run = attach_run,
	.ioctls = STEP_NO_IOCTLS,
};

const struct step_ops step_replace = {
	.name = "replace",
	.help = "replace the domain of an attached RID (the step fails if it is not attached) or of a PASID",
	.args = attach_argdefs,
	.args_size = sizeof(struct attach_args),
	.validate = attach_validate,
	.run = replace_run,
	.ioctls = STEP_NO_IOCTLS,
};

/* ---- detach ---- */
struct detach_args {
	int device;
	uint64_t pasid;
};

enum detach_arg { DETACH_DEVICE, DETACH_PASID, DETACH_NARGS };

static const struct arg_def detach_argdefs[] = {
	[DETACH_DEVICE] = { .name = "device", .type = ARG_REF, .kinds = OBJ_DEVICE, .required = true,
	  .off = offsetof(struct detach_args, device), .help = "the device" },
	[DETACH_PASID] = { .name = "pasid", .type = ARG_U64,
	  .off = offsetof(struct detach_args, pasid), .help = "detach this PASID instead of the RID" },
	[DETACH_NARGS] = { .name = NULL },
};

static int detach_validate(struct load_ctx *lc, struct step *st)
{
	const struct detach_args *a = st->args;

	if (arg_given_at(st, DETACH_PASID) && a->pasid > PASID_MAX)
		return load_error(lc, lc->step_path, "\"pasid\" %llu exceeds 20 bits",
				  (unsigned long long)a->pasid);
	return 0;
}

static int detach_run(struct run_ctx *rc, const struct step *st)
{
	const struct detach_args *a = st->args;
	struct test_device *d = rt_device(rc, a->device);
	bool pasid = arg_given_at(st, DETACH_PASID);
	int ret = pasid ? d->ops->pasid_detach(d, rc->iommufd, (uint32_t)a->pasid)
			: d->ops->detach(d, rc->iommufd);

	if (!ret && !pasid) {
		d->attached = -1;
		d->attached_hwpt = 0;
		d->attached_ioas = 0;
		d->attached_nested = false;
	}
	return ret;
}

const struct step_ops step_detach = {
	.name = "detach",
	.help = "detach the device (RID -> BLOCKED) or one PASID (VFIO_DEVICE_DETACH_IOMMUFD_PT)",
	.args = detach_argdefs,
	.args_size = sizeof(struct detach_args),
	.validate = detach_validate,
	.run = detach_run,
	.ioctls = STEP_NO_IOCTLS,
};

/* ---- destroy ---- */
struct destroy_args {
	int object;
};

static const struct arg_def destroy_argdefs[] = {
	{ .name = "object", .type = ARG_REF, .kinds = OBJ_KERNEL, .required = true,
	  .kills = true, .off = offsetof(struct destroy_args, object),
	  .help = "the IOAS, HWPT, vIOMMU, vDEVICE, vEVENTQ, fault queue (its fd is closed first) or HW queue" },
	{ .name = NULL },
};

static int destroy_run(struct run_ctx *rc, const struct step *st)
{
	const struct destroy_args *a = st->args;
	uint32_t id;
	int ret;

	struct rt_object *o = &rc->objs[a->object];

	/* a fault queue's fd holds the object (EBUSY while open): it goes first, whatever follows */
	if (o->kind == OBJ_FAULT && o->fd > 0) {
		close(o->fd);
		o->fd = -1;
	}
	rt_pt_id(rc, a->object, &id);
	ret = iommufd_destroy(rc->iommufd, id);
	if (!ret)
		rc->objs[a->object].live = false;
	return ret;
}

const struct step_ops step_destroy = {
	.name = "destroy",
	.help = "destroy an iommufd object (IOMMU_DESTROY)",
	.args = destroy_argdefs,
	.args_size = sizeof(struct destroy_args),
	.run = destroy_run,
	.ioctls = STEP_IOCTLS("IOMMU_DESTROY"),
};

/* ---- pasid_check ---- */
struct pasid_check_args {
	int device, hwpt;
	uint64_t pasid;
};

static const struct arg_def pasid_check_argdefs[] = {
	{ .name = "device", .type = ARG_REF, .kinds = OBJ_DEVICE, .required = true,
	  .off = offsetof(struct pasid_check_args, device), .help = "the device" },
	{ .name = "pasid", .type = ARG_U64, .required = true,
	  .off = offsetof(struct pasid_check_args, pasid), .help = "the PASID" },
	{ .name = "hwpt", .type = ARG_REF, .kinds = OBJ_HWPT,
	  .off = offsetof(struct pasid_check_args, hwpt),
	  .help = "the HWPT it must be attached to (absent: it must be detached)" },
	{ .name = NULL },
};

static int pasid_check_validate(struct load_ctx *lc, struct step *st)
{
	const struct pasid_check_args *a = st->args;

	if (a->pasid > PASID_MAX)
		return load_error(lc, lc->step_path, "\"pasid\" %llu exceeds 20 bits",
				  (unsigned long long)a->pasid);
	return 0;
}

static int pasid_check_run(struct run_ctx *rc, const struct step *st)
{
	const struct pasid_check_args *a = st->args;
	struct test_device *d = rt_device(rc, a->device);
	uint32_t hwpt_id = 0;
	int ret;

	if (a->hwpt >= 0)
		rt_pt_id(rc, a->hwpt, &hwpt_id);
	ret = d->ops->pasid_check(d, rc->iommufd, (uint32_t)a->pasid, hwpt_id);
	if (ret == -EOPNOTSUPP) {
		step_skip(rc, "the %s provider cannot report a PASID's domain", d->ops->name);
		return 0;
	}
	if (ret == -EINVAL) {
		if (a->hwpt >= 0)
			step_fail(rc, "PASID %llu of %s is not attached to %s", (unsigned long long)a->pasid,
				  d->name, rc->sc->syms[a->hwpt].name);
		else
			step_fail(rc, "PASID %llu of %s is still attached", (unsigned long long)a->pasid, d->name);
		return 0;
	}
	return ret;
}

const struct step_ops step_pasid_check = {
	.name = "pasid_check",
	.help = "check which HWPT a PASID is attached to, or that it is detached (mock: PASID_CHECK_HWPT)",
	.args = pasid_check_argdefs,
	.args_size = sizeof(struct pasid_check_args),
	.flags = STEP_NO_EXPECT,
	.validate = pasid_check_validate,
	.run = pasid_check_run,
	.ioctls = STEP_NO_IOCTLS,
};
