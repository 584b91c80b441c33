// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dirty tracking: dirty_tracking (enable/disable on a HWPT), mock_dirty (the IOMMUFD_TEST mock
 * marks pages dirty as a device write would), dirty_bitmap (read and check the bitmap).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "iommutest/iommufd.h"
#include "iommutest/iommufd_test.h"
#include "iommutest/step.h"
#include "iommutest/util.h"

#define DIRTY_MAX_PAGES (1u << 20) /* bitmap of at most 128 KiB */

struct dirty_range {
	int hwpt;
	struct iova_arg iova;
	uint64_t length, page_size, stride, expect;
	bool enable, clear;
};

#define RANGE_ARGS                                                                          \
	{ .name = "hwpt", .type = ARG_REF, .kinds = OBJ_HWPT, .required = true,                   \
	  .off = offsetof(struct dirty_range, hwpt), .help = "the HWPT" },                          \
	{ .name = "iova", .type = ARG_IOVA, .required = true,                                     \
	  .off = offsetof(struct dirty_range, iova), .help = "first IOVA of the range" },           \
	{ .name = "length", .type = ARG_U64, .required = true,                                    \
	  .off = offsetof(struct dirty_range, length), .help = "bytes in the range" },              \
	{ .name = "page_size", .type = ARG_U64, .def = "4K",                                      \
	  .off = offsetof(struct dirty_range, page_size), .help = "bytes one bit stands for" }

static int range_validate(struct load_ctx *lc, struct step *st)
{
	const struct dirty_range *a = st->args;

	if (!a->page_size || a->page_size & (a->page_size - 1))
		return load_error(lc, lc->step_path, "\"page_size\" must be a power of two");
	if (!a->length || a->length % a->page_size)
		return load_error(lc, lc->step_path, "\"length\" must be a non-zero multiple of page_size");
	if (a->length / a->page_size > DIRTY_MAX_PAGES)
		return load_error(lc, lc->step_path, "more than %u pages", DIRTY_MAX_PAGES);
	if (arg_given(st, "stride") && !a->stride)
		return load_error(lc, lc->step_path, "\"stride\" must be >= 1");
	return 0;
}

static uint64_t *bitmap_alloc(const struct dirty_range *a, size_t *npages)
{
	*npages = a->length / a->page_size;
	return calloc((*npages + 63) / 64, sizeof(uint64_t));
}

/* ---- dirty_tracking ---- */
static const struct arg_def dirty_tracking_argdefs[] = {
	{ .name = "hwpt", .type = ARG_REF, .kinds = OBJ_HWPT, .required = true,
	  .off = offsetof(struct dirty_range, hwpt), .help = "the HWPT (allocated with dirty_tracking)" },
	{ .name = "enable", .type = ARG_BOOL, .def = "true",
	  .off = offsetof(struct dirty_range, enable), .help = "enable (true) or disable" },
	{ .name = NULL },
};

static int dirty_tracking_run(struct run_ctx *rc, const struct step *st)
{
	const struct dirty_range *a = st->args;
	uint32_t id;

	rt_pt_id(rc, a->hwpt, &id);
	return iommufd_hwpt_set_dirty_tracking(rc->iommufd, id, a->enable);
}

const struct step_ops step_dirty_tracking = {
	.name = "dirty_tracking",
	.help = "enable or disable dirty tracking on a HWPT (IOMMU_HWPT_SET_DIRTY_TRACKING)",
	.args = dirty_tracking_argdefs,
	.args_size = sizeof(struct dirty_range),
	.run = dirty_tracking_run,
	.ioctls = STEP_IOCTLS("IOMMU_HWPT_SET_DIRTY_TRACKING"),
};

/* ---- mock_dirty ---- */
static const struct arg_def mock_dirty_argdefs[] = {
	RANGE_ARGS,
	{ .name = "stride", .type = ARG_U64, .def = "1",
	  .off = offsetof(struct dirty_range, stride), .help = "mark every stride-th page" },
	{ .name = NULL },
};

static int mock_dirty_run(struct run_ctx *rc, const struct step *st)
{
	const struct dirty_range *a = st->args;
	uint64_t marked = 0, want = 0, iova;
	size_t npages;
	uint64_t *bm = bitmap_alloc(a, &npages);
	uint32_t id;
	int ret;

	if (!bm)
		return -ENOMEM;
	for (size_t i = 0; i < npages; i += a->stride, want++)
		bm[i / 64] |= 1ull << (i % 64);
	rt_pt_id(rc, a->hwpt, &id);
	iova = rt_iova(rc, &a->iova);
	if (rc->verdict != VERDICT_NONE) {
		free(bm);
		return 0;
	}
	ret = mock_set_dirty(rc->iommufd, id, iova, a->length, a->page_size, bm, &marked);
	free(bm);
	if (!ret && marked != want)
		step_fail(rc, "the mock marked %llu pages dirty, asked %llu", (unsigned long long)marked,
			  (unsigned long long)want);
	return ret;
}

const struct step_ops step_mock_dirty = {
	.name = "mock_dirty",
	.help = "IOMMUFD_TEST mock: mark every stride-th page of a range dirty, as device writes would",
	.args = mock_dirty_argdefs,
	.args_size = sizeof(struct dirty_range),
	.validate = range_validate,
	.run = mock_dirty_run,
	.ioctls = STEP_NO_IOCTLS,
};

/* ---- dirty_bitmap ---- */
/* after RANGE_ARGS' four (hwpt, iova, length, page_size) */
enum dirty_bitmap_arg { BITMAP_EXPECT_DIRTY = 4, BITMAP_STRIDE, BITMAP_CLEAR, BITMAP_NARGS };

static const struct arg_def dirty_bitmap_argdefs[] = {
	RANGE_ARGS,
	[BITMAP_EXPECT_DIRTY] = { .name = "expect_dirty", .type = ARG_U64,
	  .off = offsetof(struct dirty_range, expect), .help = "how many pages must read dirty" },
	[BITMAP_STRIDE] = { .name = "stride", .type = ARG_U64,
	  .off = offsetof(struct dirty_range, stride),
	  .help = "the dirty pages must be exactly every stride-th page" },
	[BITMAP_CLEAR] = { .name = "clear", .type = ARG_BOOL, .def = "true",
	  .off = offsetof(struct dirty_range, clear), .help = "clear the bits read (false: NO_CLEAR)" },
	[BITMAP_NARGS] = { .name = NULL },
};

static int dirty_bitmap_run(struct run_ctx *rc, const struct step *st)
{
	const struct dirty_range *a = st->args;
	uint64_t dirty = 0, iova;
	size_t npages;
	uint64_t *bm = bitmap_alloc(a, &npages);
	uint32_t id;
	int ret = 0;

	if (!bm)
		return -ENOMEM;
	rt_pt_id(rc, a->hwpt, &id);
	iova = rt_iova(rc, &a->iova);
	if (rc->verdict != VERDICT_NONE)
		goto out;
	ret = iommufd_hwpt_get_dirty_bitmap(rc->iommufd, id, iova, a->length, a->page_size, bm, a->clear);
	if (ret)
		goto out;
	for (size_t i = 0; i < npages; i++) {
		bool set = bm[i / 64] >> (i % 64) & 1;

		dirty += set;
		if (arg_given_at(st, BITMAP_STRIDE) && set != !(i % a->stride)) {
			step_fail(rc, "page %zu reads %s, expected %s", i, set ? "dirty" : "clean",
				  set ? "clean" : "dirty");
			goto out;
		}
	}
	step_note(rc, "%s: %llu of %zu pages dirty", st->path, (unsigned long long)dirty, npages);
	if (arg_given_at(st, BITMAP_EXPECT_DIRTY) && dirty != a->expect)
		step_fail(rc, "%llu pages dirty, expected %llu", (unsigned long long)dirty,
			  (unsigned long long)a->expect);
out:
	free(bm);
	return ret;
}

const struct step_ops step_dirty_bitmap = {
	.name = "dirty_bitmap",
	.help = "read a HWPT's dirty bitmap over a range (IOMMU_HWPT_GET_DIRTY_BITMAP) and check it",
	.args = dirty_bitmap_argdefs,
	.args_size = sizeof(struct dirty_range),
	.validate = range_validate,
	.run = dirty_bitmap_run,
	.ioctls = STEP_IOCTLS("IOMMU_HWPT_GET_DIRTY_BITMAP"),
};
