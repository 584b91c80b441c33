// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma-bufs of the IOMMUFD_TEST mock: mock_dmabuf (DMABUF_GET: the mock exports a dma-buf of its
 * own kernel memory, an fd that ioas_map's "dmabuf" maps through IOMMU_IOAS_MAP_FILE) and
 * mock_dmabuf_revoke (DMABUF_REVOKE: the exporter revokes it, as a VFIO PCI BAR dma-buf is
 * revoked when the device resets; iommufd then unmaps it from every domain, the IOVA range
 * stays allocated in the IOAS).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "iommutest/iommufd_test.h"
#include "iommutest/step.h"
#include "iommutest/util.h"

/* ---- mock_dmabuf ---- */
struct mock_dmabuf_args {
	int name;
	uint64_t length;
};

static const struct arg_def mock_dmabuf_argdefs[] = {
	{ .name = "name", .type = ARG_NEW, .kinds = OBJ_DMABUF, .required = true,
	  .off = offsetof(struct mock_dmabuf_args, name), .help = "name of the new dma-buf" },
	{ .name = "length", .type = ARG_U64, .required = true,
	  .off = offsetof(struct mock_dmabuf_args, length),
	  .help = "bytes (the kernel rounds up to its page; 7.2 takes at most 512 pages, else EINVAL)" },
	{ .name = NULL },
};

static int mock_dmabuf_validate(struct load_ctx *lc, struct step *st)
{
	const struct mock_dmabuf_args *a = st->args;

	if (!a->length || a->length > UINT32_MAX)
		return load_error(lc, lc->step_path, "\"length\": 1 to 4G-1 bytes (the mock takes a 32-bit length)");
	return 0;
}

static int mock_dmabuf_run(struct run_ctx *rc, const struct step *st)
{
	const struct mock_dmabuf_args *a = st->args;
	struct rt_object *o = &rc->objs[a->name];
	int ret = mock_dmabuf_get(rc->iommufd, (uint32_t)a->length, &o->fd);

	if (ret)
		return ret;
	o->live = true;
	o->size = a->length;
	return 0;
}

const struct step_ops step_mock_dmabuf = {
	.name = "mock_dmabuf",
	.help = "the IOMMUFD_TEST mock exports a dma-buf of its own memory (DMABUF_GET); map it with ioas_map \"dmabuf\"",
	.args = mock_dmabuf_argdefs,
	.args_size = sizeof(struct mock_dmabuf_args),
	.validate = mock_dmabuf_validate,
	.run = mock_dmabuf_run,
	.ioctls = STEP_NO_IOCTLS,
};

/* ---- mock_dmabuf_revoke ---- */
struct mock_dmabuf_revoke_args {
	int dmabuf;
	bool revoked;
};

static const struct arg_def mock_dmabuf_revoke_argdefs[] = {
	{ .name = "dmabuf", .type = ARG_REF, .kinds = OBJ_DMABUF, .required = true,
	  .off = offsetof(struct mock_dmabuf_revoke_args, dmabuf), .help = "the mock's dma-buf" },
	{ .name = "revoked", .type = ARG_BOOL, .def = "true",
	  .off = offsetof(struct mock_dmabuf_revoke_args, revoked),
	  .help = "true: revoke it (its mappings leave every domain, a new map is ENODEV); false: restore it (new maps work; old mappings stay revoked)" },
	{ .name = NULL },
};

static int mock_dmabuf_revoke_run(struct run_ctx *rc, const struct step *st)
{
	const struct mock_dmabuf_revoke_args *a = st->args;

	return mock_dmabuf_revoke(rc->iommufd, rc->objs[a->dmabuf].fd, a->revoked);
}

const struct step_ops step_mock_dmabuf_revoke = {
	.name = "mock_dmabuf_revoke",
	.help = "the mock revokes (or restores) its dma-buf (DMABUF_REVOKE): the exporter takes the memory back",
	.args = mock_dmabuf_revoke_argdefs,
	.args_size = sizeof(struct mock_dmabuf_revoke_args),
	.run = mock_dmabuf_revoke_run,
	.ioctls = STEP_NO_IOCTLS,
};
