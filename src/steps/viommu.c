// SPDX-License-Identifier: GPL-2.0-only
/*
 * Nesting objects: viommu_alloc, vdevice_alloc, hwpt_invalidate (commands through a vIOMMU),
 * veventq_alloc and veventq_read (events the hardware reported for a vDEVICE).
 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <linux/iommufd.h>

#include "config.h"
#include "iommutest/device.h"
#include "iommutest/iommufd.h"
#include "iommutest/iommufd_test.h"
#include "iommutest/step.h"
#include "iommutest/util.h"

/* what the uAPI headers lack (cmake probes each name): a value no kernel takes, the step skips */
#ifndef HAVE_IOMMU_VIOMMU_TYPE_ARM_SMMUV3
#define IOMMU_VIOMMU_TYPE_ARM_SMMUV3 IOMMUTEST_UAPI_MISSING(1)
#endif
#ifndef HAVE_IOMMU_VEVENTQ_TYPE_ARM_SMMUV3
#define IOMMU_VEVENTQ_TYPE_ARM_SMMUV3 IOMMUTEST_UAPI_MISSING(1)
#endif
#ifndef HAVE_IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3
#define IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 IOMMUTEST_UAPI_MISSING(1)
#endif

/* SMMUv3 command queue opcodes (Arm IHI 0070, "Commands") */
#define SMMU_CMD_CFGI_STE 0x03
#define SMMU_CMD_CFGI_CD_ALL 0x06
#define SMMU_CMD_TLBI_NH_ALL 0x10
#define SMMU_CMD_TLBI_NH_ASID 0x11
#define MAX_COMMANDS 16

static const struct name_value viommu_types[] = {
	{ "arm_smmuv3", IOMMU_VIOMMU_TYPE_ARM_SMMUV3 },
	{ "selftest", MOCK_VIOMMU_TYPE_SELFTEST }, /* the IOMMUFD_TEST mock */
	{ NULL, 0 },
};

/* ---- viommu_alloc ---- */
struct viommu_alloc_args {
	int name, device, hwpt;
	uint64_t type;
};

static const struct arg_def viommu_alloc_argdefs[] = {
	{ .name = "name", .type = ARG_NEW, .kinds = OBJ_VIOMMU, .required = true,
	  .off = offsetof(struct viommu_alloc_args, name), .help = "name of the new vIOMMU" },
	{ .name = "device", .type = ARG_REF, .kinds = OBJ_DEVICE, .required = true,
	  .off = offsetof(struct viommu_alloc_args, device), .help = "a device behind the physical IOMMU" },
	{ .name = "hwpt", .type = ARG_REF, .kinds = OBJ_HWPT, .required = true,
	  .off = offsetof(struct viommu_alloc_args, hwpt), .help = "the NEST_PARENT HWPT (stage 2)" },
	{ .name = "type", .type = ARG_ENUM, .enums = viommu_types, .def = "arm_smmuv3",
	  .off = offsetof(struct viommu_alloc_args, type), .help = "vIOMMU type: arm_smmuv3, selftest (the mock)" },
	{ .name = NULL },
};

static int viommu_alloc_run(struct run_ctx *rc, const struct step *st)
{
	const struct viommu_alloc_args *a = st->args;
	struct rt_object *o = &rc->objs[a->name];
	uint32_t hwpt;
	int ret;

	if (IOMMUTEST_UAPI_IS_MISSING(a->type))
		return -EOPNOTSUPP; /* the uAPI headers this was built with lack it */
	rt_pt_id(rc, a->hwpt, &hwpt);
	ret = iommufd_viommu_alloc(rc->iommufd, (uint32_t)a->type, rt_device(rc, a->device)->dev_id,
				   hwpt, &o->id);
	if (!ret) {
		o->live = true;
		o->ioas = a->hwpt; /* nested HWPTs on it translate through the parent */
	}
	return ret;
}

const struct step_ops step_viommu_alloc = {
	.name = "viommu_alloc",
	.help = "allocate a vIOMMU on a NEST_PARENT HWPT (IOMMU_VIOMMU_ALLOC)",
	.args = viommu_alloc_argdefs,
	.args_size = sizeof(struct viommu_alloc_args),
	.run = viommu_alloc_run,
	.ioctls = STEP_IOCTLS("IOMMU_VIOMMU_ALLOC"),
};

/* ---- vdevice_alloc ---- */
struct vdevice_alloc_args {
	int name, viommu, device;
	uint64_t virt_id;
};

static const struct arg_def vdevice_alloc_argdefs[] = {
	{ .name = "name", .type = ARG_NEW, .kinds = OBJ_VDEVICE, .required = true,
	  .off = offsetof(struct vdevice_alloc_args, name), .help = "name of the new vDEVICE" },
	{ .name = "viommu", .type = ARG_REF, .kinds = OBJ_VIOMMU, .required = true,
	  .off = offsetof(struct vdevice_alloc_args, viommu), .help = "the vIOMMU" },
	{ .name = "device", .type = ARG_REF, .kinds = OBJ_DEVICE, .required = true,
	  .off = offsetof(struct vdevice_alloc_args, device), .help = "the device" },
	{ .name = "virt_id", .type = ARG_U64, .required = true,
	  .off = offsetof(struct vdevice_alloc_args, virt_id),
	  .help = "its ID as the guest sees it (SMMUv3: the virtual StreamID)" },
	{ .name = NULL },
};

static int vdevice_alloc_run(struct run_ctx *rc, const struct step *st)
{
	const struct vdevice_alloc_args *a = st->args;
	struct rt_object *o = &rc->objs[a->name];
	uint32_t viommu;
	int ret;

	rt_pt_id(rc, a->viommu, &viommu);
	ret = iommufd_vdevice_alloc(rc->iommufd, viommu, rt_device(rc, a->device)->dev_id, a->virt_id,
				    &o->id);
	if (!ret) {
		o->live = true;
		o->virt_id = a->virt_id;
	}
	return ret;
}

const struct step_ops step_vdevice_alloc = {
	.name = "vdevice_alloc",
	.help = "give a device a virtual ID on a vIOMMU (IOMMU_VDEVICE_ALLOC)",
	.args = vdevice_alloc_argdefs,
	.args_size = sizeof(struct vdevice_alloc_args),
	.run = vdevice_alloc_run,
	.ioctls = STEP_IOCTLS("IOMMU_VDEVICE_ALLOC"),
};

/* ---- hwpt_invalidate ---- */
enum smmu_cmd { CMD_TLBI_NH_ALL, CMD_CFGI_CD_ALL, CMD_CFGI_STE, CMD_TLBI_NH_ASID };

struct hwpt_invalidate_args {
	int viommu, vdevice;
	struct string_list commands;
	uint64_t asid;
};

enum hwpt_invalidate_arg {
	INVALIDATE_VIOMMU, INVALIDATE_COMMANDS, INVALIDATE_VDEVICE, INVALIDATE_ASID, INVALIDATE_NARGS
};

static const struct arg_def hwpt_invalidate_argdefs[] = {
	[INVALIDATE_VIOMMU] = { .name = "viommu", .type = ARG_REF, .kinds = OBJ_VIOMMU, .required = true,
	  .off = offsetof(struct hwpt_invalidate_args, viommu), .help = "the vIOMMU taking the commands" },
	[INVALIDATE_COMMANDS] = { .name = "commands", .type = ARG_STRINGS, .required = true,
	  .off = offsetof(struct hwpt_invalidate_args, commands),
	  .help = "SMMUv3 commands: tlbi_nh_all, tlbi_nh_asid, cfgi_cd_all, cfgi_ste" },
	[INVALIDATE_VDEVICE] = { .name = "vdevice", .type = ARG_REF, .kinds = OBJ_VDEVICE,
	  .off = offsetof(struct hwpt_invalidate_args, vdevice),
	  .help = "the vDEVICE whose virtual StreamID cfgi_* commands name" },
	[INVALIDATE_ASID] = { .name = "asid", .type = ARG_U64, .def = "1",
	  .off = offsetof(struct hwpt_invalidate_args, asid), .help = "the ASID tlbi_nh_asid names" },
	[INVALIDATE_NARGS] = { .name = NULL },
};

static const struct name_value smmu_cmds[] = {
	{ "tlbi_nh_all", CMD_TLBI_NH_ALL }, { "cfgi_cd_all", CMD_CFGI_CD_ALL },
	{ "cfgi_ste", CMD_CFGI_STE }, { "tlbi_nh_asid", CMD_TLBI_NH_ASID }, { NULL, 0 },
};

static long smmu_cmd_find(const char *name)
{
	return table_find(smmu_cmds, SIZE_MAX, sizeof(*smmu_cmds), offsetof(struct name_value, name), name);
}

static int hwpt_invalidate_validate(struct load_ctx *lc, struct step *st)
{
	const struct hwpt_invalidate_args *a = st->args;

	if (!a->commands.n || a->commands.n > MAX_COMMANDS)
		return load_error(lc, lc->step_path, "\"commands\": 1..%d commands", MAX_COMMANDS);
	for (size_t i = 0; i < a->commands.n; i++) {
		long j = smmu_cmd_find(a->commands.v[i]);

		if (j < 0)
			return load_error(lc, lc->step_path, "\"commands\": unknown command \"%.32s\"",
					  a->commands.v[i]);
		if (smmu_cmds[j].value != CMD_TLBI_NH_ALL && smmu_cmds[j].value != CMD_TLBI_NH_ASID &&
		    !arg_given_at(st, INVALIDATE_VDEVICE))
			return load_error(lc, lc->step_path, "\"%s\" needs \"vdevice\"", a->commands.v[i]);
	}
	return 0;
}

static int hwpt_invalidate_run(struct run_ctx *rc, const struct step *st)
{
	const struct hwpt_invalidate_args *a = st->args;
	uint64_t cmds[MAX_COMMANDS][2];
	uint64_t sid = a->vdevice >= 0 ? rc->objs[a->vdevice].virt_id : 0;
	uint32_t viommu, done = 0;
	int ret;

	memset(cmds, 0, sizeof(cmds));
	for (size_t i = 0; i < a->commands.n; i++) {
		switch (smmu_cmds[smmu_cmd_find(a->commands.v[i])].value) { /* known: validated */
		case CMD_TLBI_NH_ALL: cmds[i][0] = SMMU_CMD_TLBI_NH_ALL; break;
		case CMD_TLBI_NH_ASID: cmds[i][0] = SMMU_CMD_TLBI_NH_ASID | (a->asid & 0xffff) << 48; break;
		case CMD_CFGI_CD_ALL: cmds[i][0] = SMMU_CMD_CFGI_CD_ALL | sid << 32; break;
		case CMD_CFGI_STE: cmds[i][0] = SMMU_CMD_CFGI_STE | sid << 32; cmds[i][1] = 1; break;
		}
	}
	if (IOMMUTEST_UAPI_IS_MISSING(IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3))
		return -EOPNOTSUPP; /* the uAPI headers this was built with lack it */
	rt_pt_id(rc, a->viommu, &viommu);
	ret = iommufd_hwpt_invalidate(rc->iommufd, viommu,
				      (uint32_t)IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3, cmds,
				      sizeof(cmds[0]), (uint32_t)a->commands.n, &done);
	if (ret && done < a->commands.n)
		step_note(rc, "%s: the kernel took %u of %zu commands; \"%s\" was refused", st->path, done,
			  a->commands.n, a->commands.v[done]);
	return ret;
}

const struct step_ops step_hwpt_invalidate = {
	.name = "hwpt_invalidate",
	.help = "send invalidation commands through a vIOMMU (IOMMU_HWPT_INVALIDATE, SMMUv3 commands)",
	.args = hwpt_invalidate_argdefs,
	.args_size = sizeof(struct hwpt_invalidate_args),
	.validate = hwpt_invalidate_validate,
	.run = hwpt_invalidate_run,
	.ioctls = STEP_IOCTLS("IOMMU_HWPT_INVALIDATE"),
};

/* ---- veventq_alloc ---- */
struct veventq_alloc_args {
	int name, viommu;
	uint64_t depth;
};

static const struct arg_def veventq_alloc_argdefs[] = {
	{ .name = "name", .type = ARG_NEW, .kinds = OBJ_VEVENTQ, .required = true,
	  .off = offsetof(struct veventq_alloc_args, name), .help = "name of the new vEVENTQ" },
	{ .name = "viommu", .type = ARG_REF, .kinds = OBJ_VIOMMU, .required = true,
	  .off = offsetof(struct veventq_alloc_args, viommu), .help = "the vIOMMU" },
	{ .name = "depth", .type = ARG_U64, .def = "64",
	  .off = offsetof(struct veventq_alloc_args, depth), .help = "events it holds" },
	{ .name = NULL },
};

static int veventq_alloc_run(struct run_ctx *rc, const struct step *st)
{
	const struct veventq_alloc_args *a = st->args;
	struct rt_object *o = &rc->objs[a->name];
	uint32_t viommu;
	int ret;

	if (IOMMUTEST_UAPI_IS_MISSING(IOMMU_VEVENTQ_TYPE_ARM_SMMUV3))
		return -EOPNOTSUPP; /* the uAPI headers this was built with lack it */
	rt_pt_id(rc, a->viommu, &viommu);
	ret = iommufd_veventq_alloc(rc->iommufd, viommu, (uint32_t)IOMMU_VEVENTQ_TYPE_ARM_SMMUV3,
				    (uint32_t)a->depth, &o->id, &o->fd);
	if (!ret)
		o->live = true;
	return ret;
}

const struct step_ops step_veventq_alloc = {
	.name = "veventq_alloc",
	.help = "allocate a vEVENTQ on a vIOMMU (IOMMU_VEVENTQ_ALLOC, SMMUv3 events)",
	.args = veventq_alloc_argdefs,
	.args_size = sizeof(struct veventq_alloc_args),
	.run = veventq_alloc_run,
	.ioctls = STEP_IOCTLS("IOMMU_VEVENTQ_ALLOC"),
};

/* ---- veventq_read ---- */
struct veventq_read_args {
	int veventq, vdevice;
	uint64_t min_events, event_id, timeout_ms;
};

enum veventq_read_arg {
	VEVENTQ_READ_VEVENTQ, VEVENTQ_READ_MIN_EVENTS, VEVENTQ_READ_VDEVICE, VEVENTQ_READ_EVENT_ID,
	VEVENTQ_READ_TIMEOUT_MS, VEVENTQ_READ_NARGS
};

static const struct arg_def veventq_read_argdefs[] = {
	[VEVENTQ_READ_VEVENTQ] = { .name = "veventq", .type = ARG_REF, .kinds = OBJ_VEVENTQ, .required = true,
	  .off = offsetof(struct veventq_read_args, veventq), .help = "the vEVENTQ" },
	[VEVENTQ_READ_MIN_EVENTS] = { .name = "min_events", .type = ARG_U64, .def = "1",
	  .off = offsetof(struct veventq_read_args, min_events), .help = "at least this many events" },
	[VEVENTQ_READ_VDEVICE] = { .name = "vdevice", .type = ARG_REF, .kinds = OBJ_VDEVICE,
	  .off = offsetof(struct veventq_read_args, vdevice),
	  .help = "every event must name this vDEVICE's virtual StreamID" },
	[VEVENTQ_READ_EVENT_ID] = { .name = "event_id", .type = ARG_U64,
	  .off = offsetof(struct veventq_read_args, event_id),
	  .help = "every event must have this SMMUv3 event id (0x10 = F_TRANSLATION)" },
	[VEVENTQ_READ_TIMEOUT_MS] = { .name = "timeout_ms", .type = ARG_U64, .def = "2000",
	  .off = offsetof(struct veventq_read_args, timeout_ms), .help = "how long to wait" },
	[VEVENTQ_READ_NARGS] = { .name = NULL },
};

struct vevent {
	uint32_t flags, sequence; /* struct iommufd_vevent_header */
	uint64_t evt[4];          /* struct iommu_vevent_arm_smmuv3 */
};

static int veventq_read_run(struct run_ctx *rc, const struct step *st)
{
	const struct veventq_read_args *a = st->args;
	int fd = rc->objs[a->veventq].fd;
	uint64_t deadline = now_ns() + a->timeout_ms * 1000000ull, n = 0, wrong_id = 0, wrong_sid = 0;
	uint64_t want_sid = a->vdevice >= 0 ? rc->objs[a->vdevice].virt_id : 0, first_id = 0, first_sid = 0;
	bool lost = false;
	struct vevent ev[16];

	/* drain the queue: wait for the first min_events, then take what is already there */
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t now = now_ns();
		int wait_ms = n >= a->min_events ? 0 : now >= deadline ? -1 : (int)((deadline - now) / 1000000ull) + 1;
		ssize_t got;

		if (wait_ms < 0 || poll(&pfd, 1, wait_ms) <= 0)
			break;
		got = read(fd, ev, sizeof(ev));
		if (got < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -errno;
		}
		if (!got)
			break;
		for (ssize_t i = 0; i + (ssize_t)sizeof(ev[0]) <= got; i += sizeof(ev[0])) {
			const struct vevent *e = (const struct vevent *)((const char *)ev + i);
			uint64_t id = e->evt[0] & 0xff, sid = e->evt[0] >> 32;

			if (!n++) {
				first_id = id;
				first_sid = sid;
			}
			lost |= e->flags & 1;
			wrong_id += arg_given_at(st, VEVENTQ_READ_EVENT_ID) && id != a->event_id;
			wrong_sid += a->vdevice >= 0 && sid != want_sid;
		}
	}
	if (n)
		step_note(rc, "%s: %llu event(s), the first id 0x%02llx vSID 0x%llx%s", st->path,
			  (unsigned long long)n, (unsigned long long)first_id, (unsigned long long)first_sid,
			  lost ? "; the queue overflowed (events lost)" : "");
	if (n < a->min_events)
		step_fail(rc, "%llu event(s) within %llu ms, expected at least %llu", (unsigned long long)n,
			  (unsigned long long)a->timeout_ms, (unsigned long long)a->min_events);
	else if (wrong_id)
		step_fail(rc, "%llu event(s) with an id other than 0x%llx", (unsigned long long)wrong_id,
			  (unsigned long long)a->event_id);
	else if (wrong_sid)
		step_fail(rc, "%llu event(s) name a vSID other than 0x%llx", (unsigned long long)wrong_sid,
			  (unsigned long long)want_sid);
	return 0;
}

const struct step_ops step_veventq_read = {
	.name = "veventq_read",
	.help = "drain a vEVENTQ: at least min_events, each with the given event id and virtual StreamID",
	.args = veventq_read_argdefs,
	.args_size = sizeof(struct veventq_read_args),
	.flags = STEP_NO_EXPECT,
	.run = veventq_read_run,
	.ioctls = STEP_NO_IOCTLS,
};
