// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IOMMUFD_TEST mock layer. The command layout below is this project's own description of
 * the kernel's selftest ABI (its definition lives outside the uAPI headers, in
 * drivers/iommu/iommufd/iommufd_test.h): a fixed header, a union sized to the largest member,
 * a trailing 32-bit marker. Only the members we issue are spelled out.
 */
#define LOG_PREFIX "mock: "

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/iommufd.h>

#include "iommutest/ioctl.h"
#include "iommutest/iommufd.h"
#include "iommutest/iommufd_test.h"
#include "iommutest/log.h"
#include "iommutest/util.h"

#define IOMMU_TEST_CMD_NR 0xa0 /* IOMMUFD_CMD_BASE + 32 */
#define MOCK_DIRTY_MAX_BITS ((16ull << 20) * 8) /* DIRTY refuses more pages (EOVERFLOW) */

struct mock_cmd {
	uint32_t size;
	uint32_t op;
	uint32_t id;
	uint32_t reserved;
	union {
		struct {
			uint32_t out_stdev_id, out_hwpt_id, out_idev_id, dev_flags;
		} create;
		struct {
			uint32_t pt_id;
		} replace;
		struct {
			uint64_t iova, length, uptr;
		} check_map;
		struct {
			uint32_t flags;
			uint32_t pad;
			uint64_t iova, length, page_size, uptr, out_nr_dirty;
		} dirty;
		struct {
			uint32_t pasid, pt_id;
		} pasid;
		struct {
			uint32_t dev_id, pasid, grpid, perm;
			uint64_t addr;
		} iopf;
		struct {
			uint32_t length, open_flags;
		} dmabuf_get;
		struct {
			int32_t dmabuf_fd;
			uint32_t revoked;
		} dmabuf_revoke;
		uint64_t union_size[6]; /* the largest member of the kernel's union is 48 bytes */
	};
	uint32_t last;
};

/*
 * Known op tables, by the number of ops the kernel has (the first number answering
 * EOPNOTSUPP is count + 1). 0 = absent from that table. Each is read from the kernel's
 * drivers/iommu/iommufd/iommufd_test.h and selftest.c of that version; the 7.2 table is also
 * measured on a running kernel. Anything else is reported as unknown and the mock steps SKIP.
 *
 * The command layout above is the same in both: the header, the members we use at the same
 * offsets with the same meaning (MOCK_DOMAIN_FLAGS' dev_flags, MOCK_DOMAIN_REPLACE's pt_id,
 * MD_CHECK_MAP's iova/length/uptr, DIRTY's flags/iova/length/page_size/uptr/out_nr_dirty,
 * TRIGGER_IOPF's dev_id/pasid/grpid/perm/addr), a 48-byte union (DIRTY is the largest member in
 * both) and the trailing marker: 72 bytes. What differs is which ops exist and how some behave.
 */
struct mock_layout {
	unsigned int count;
	const char *kernel;
	uint32_t op[MOCK_OP_COUNT];
	uint32_t dev_flags; /* the MOCK_DEV_FLAG_* its MOCK_DOMAIN_FLAGS takes (others: EINVAL) */
	/*
	 * DIRTY looks each page up as iova / page_size in a table indexed by the mock's IO page
	 * (half a CPU page): only page_size = that IO page marks the pages asked for, and it counts
	 * the IO pages it found mapped. 7.2 marks the page table entry holding each page and counts
	 * every page asked for.
	 */
	bool dirty_io_pages;
	/* sizeof(struct iommu_hwpt_selftest): 6.12 refuses HWPT data longer than its struct even
	 * when the tail is zero (__iommu_copy_struct_from_user(): data_len < len is EINVAL) */
	uint32_t hwpt_data_len;
};

static const struct mock_layout layouts[] = {
	{ .count = 23, .kernel = "7.2",
	  .op = {
		[MOCK_OP_MOCK_DOMAIN] = 2, [MOCK_OP_MD_CHECK_MAP] = 3,
		[MOCK_OP_MOCK_DOMAIN_REPLACE] = 10, [MOCK_OP_MOCK_DOMAIN_FLAGS] = 12,
		[MOCK_OP_DIRTY] = 13, [MOCK_OP_TRIGGER_IOPF] = 15, [MOCK_OP_PASID_ATTACH] = 18,
		[MOCK_OP_PASID_REPLACE] = 19, [MOCK_OP_PASID_DETACH] = 20,
		[MOCK_OP_PASID_CHECK_HWPT] = 21, [MOCK_OP_DMABUF_GET] = 22, [MOCK_OP_DMABUF_REVOKE] = 23,
	  },
	  .dev_flags = MOCK_DEV_FLAG_NO_DIRTY | MOCK_DEV_FLAG_PASID, .hwpt_data_len = 8 },
	/* 6.11 and 6.12 (TRIGGER_IOPF is 6.11's): no PASID ops, no dma-buf, no PASID-capable devices
	 * (its flag bit 1 is HUGE_IOVA, which the tool does not use) */
	{ .count = 15, .kernel = "6.12",
	  .op = {
		[MOCK_OP_MOCK_DOMAIN] = 2, [MOCK_OP_MD_CHECK_MAP] = 3,
		[MOCK_OP_MOCK_DOMAIN_REPLACE] = 10, [MOCK_OP_MOCK_DOMAIN_FLAGS] = 12,
		[MOCK_OP_DIRTY] = 13, [MOCK_OP_TRIGGER_IOPF] = 15,
	  },
	  .dev_flags = MOCK_DEV_FLAG_NO_DIRTY, .dirty_io_pages = true, .hwpt_data_len = 4 },
};

/* what was probed, for the kernel backend of generation probed_gen (the product has one) */
static const struct mock_layout *layout;
static int probed_err = 1; /* 1 = not probed */
static unsigned int probed_gen;
static const char *probed_why;
static char flags_why[160];

static int test_cmd(int fd, struct mock_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	return ioctl_call(fd, _IO(IOMMUFD_TYPE, IOMMU_TEST_CMD_NR), "IOMMU_TEST_CMD", cmd, sizeof(*cmd));
}

/* does op number nr exist? (an unknown op answers EOPNOTSUPP; a known one rejects id 0) */
static int op_exists(int fd, uint32_t nr)
{
	struct mock_cmd cmd = { .op = nr, .id = 0 };
	int ret = test_cmd(fd, &cmd);

	return ret == -ENOTTY ? -ENOTTY : ret != -EOPNOTSUPP;
}

/*
 * One mock device plugged into an empty IOAS and unplugged: 0, or the plug's -errno. A mock that
 * cannot attach a device at all is unusable on this kernel, which no scenario's verdict should
 * rest on (the lab's must-pass lists still demand the mock where it works).
 */
static int trial_plug(int iommufd)
{
	struct mock_cmd cmd = { .op = layout->op[MOCK_OP_MOCK_DOMAIN] };
	uint32_t ioas;
	int ret = iommufd_ioas_alloc(iommufd, &ioas);

	if (ret)
		return ret;
	cmd.id = ioas;
	ret = test_cmd(iommufd, &cmd);
	if (!ret)
		iommufd_destroy(iommufd, cmd.create.out_stdev_id);
	iommufd_destroy(iommufd, ioas);
	return ret;
}

int mock_probe(int iommufd, const char **why)
{
	const struct mock_layout *match = NULL;
	unsigned int matches = 0;

	if (probed_err != 1 && probed_gen == kernel_backend_generation())
		goto out;
	probed_gen = kernel_backend_generation();
	layout = NULL;
	probed_err = -EOPNOTSUPP;
	/*
	 * Only each candidate table's last op and the number past it are issued, zero-filled, and
	 * all of them, so a kernel is named only when exactly one table fits it. Ops are numbered
	 * from 1 without gaps and only ever appended, so a kernel with N ops fits the table of N ops
	 * alone: one between 6.12 and 7.2 (16 to 22 ops) fits neither and is unknown. Every op
	 * issued rejects its zeros without side effects on the kernels that have it: 15 is
	 * TRIGGER_IOPF (device 0: ENOENT), 16 DEV_CHECK_CACHE (device 0: ENOENT), 23 DMABUF_REVOKE
	 * (fd 0 is no dma-buf); 24 exists on no kernel known here.
	 */
	for (size_t i = 0; i < ARRAY_SIZE(layouts); i++) {
		int last = op_exists(iommufd, layouts[i].count);
		int beyond = op_exists(iommufd, layouts[i].count + 1);

		if (last == -ENOTTY) {
			probed_why = "IOMMU_TEST_CMD unknown (kernel without CONFIG_IOMMUFD_TEST)";
			goto out;
		}
		if (last == 1 && beyond == 0) {
			match = &layouts[i];
			matches++;
		}
	}
	if (matches != 1) {
		probed_why = matches ? "the kernel's IOMMUFD_TEST op table fits more than one this build knows" :
				       "the kernel's IOMMUFD_TEST op table is not one this build knows";
		goto out;
	}
	layout = match;
	if (trial_plug(iommufd) == -EINVAL) {
		/* e.g. RISC-V in 7.2 (the core wants IDENTITY default domains, the mock's is BLOCKED),
		 * 6.12 beside VT-d (the core probes the mock device with the first IOMMU that has no
		 * fwnode, which is dmar0): tests/lab/README.md, "Profiles" */
		probed_why = "the kernel's IOMMUFD_TEST mock plugs no device here (IOMMU_TEST_OP_MOCK_DOMAIN "
			     "on an empty IOAS: EINVAL)";
		layout = NULL;
		goto out;
	}
	probed_err = 0;
	pr_debug("IOMMUFD_TEST op table of %u ops (kernel %s)", layout->count, layout->kernel);
out:
	if (why)
		*why = probed_why;
	return probed_err;
}

uint32_t mock_hwpt_data_len(int iommufd)
{
	return mock_probe(iommufd, NULL) ? 0 : layout->hwpt_data_len;
}

bool mock_has(int iommufd, enum mock_op op)
{
	return !mock_probe(iommufd, NULL) && layout->op[op];
}

int mock_dev_flags_supported(int iommufd, uint32_t dev_flags, const char **why)
{
	uint32_t missing;
	int ret = mock_probe(iommufd, why);

	if (ret)
		return ret;
	missing = dev_flags & ~layout->dev_flags;
	if (!missing)
		return 0;
	snprintf(flags_why, sizeof(flags_why),
		 "the IOMMUFD_TEST mock of this kernel (the op table of Linux %s) plugs no device with %s",
		 layout->kernel, missing & MOCK_DEV_FLAG_PASID ? "MOCK_FLAGS_DEVICE_PASID (no PASID support)" :
		 missing & MOCK_DEV_FLAG_NO_DIRTY ? "MOCK_FLAGS_DEVICE_NO_DIRTY" : "these flags");
	if (why)
		*why = flags_why;
	return -EOPNOTSUPP;
}

/*
 * op's result (a new fd for DMABUF_GET, else 0), or -errno: -ENOTTY when the kernel's table has
 * no such op (as for an ioctl it does not know: nothing it does can be judged), -EOPNOTSUPP when
 * its table is unknown
 */
static int mock_op_value(int fd, enum mock_op op, struct mock_cmd *cmd)
{
	int ret = mock_probe(fd, NULL);

	if (ret)
		return ret;
	if (!layout->op[op])
		return -ENOTTY;
	cmd->op = layout->op[op];
	cmd->size = sizeof(*cmd);
	return ioctl_call_value(fd, _IO(IOMMUFD_TYPE, IOMMU_TEST_CMD_NR), "IOMMU_TEST_CMD", cmd,
				sizeof(*cmd));
}

static int mock_op(int fd, enum mock_op op, struct mock_cmd *cmd)
{
	int ret = mock_op_value(fd, op, cmd);

	return ret < 0 ? ret : 0;
}

int mock_device_create(int iommufd, uint32_t pt_id, uint32_t dev_flags, struct mock_ids *out)
{
	struct mock_cmd cmd = { .id = pt_id, .create.dev_flags = dev_flags };
	int ret = mock_dev_flags_supported(iommufd, dev_flags, NULL);

	if (!ret)
		ret = mock_op(iommufd, dev_flags ? MOCK_OP_MOCK_DOMAIN_FLAGS : MOCK_OP_MOCK_DOMAIN, &cmd);
	if (ret)
		return ret;
	*out = (struct mock_ids){
		.stdev_id = cmd.create.out_stdev_id,
		.hwpt_id = cmd.create.out_hwpt_id,
		.idev_id = cmd.create.out_idev_id,
	};
	return 0;
}

int mock_domain_replace(int iommufd, uint32_t stdev_id, uint32_t *pt_id)
{
	struct mock_cmd cmd = { .id = stdev_id, .replace.pt_id = *pt_id };
	int ret = mock_op(iommufd, MOCK_OP_MOCK_DOMAIN_REPLACE, &cmd);

	if (!ret)
		*pt_id = cmd.replace.pt_id;
	return ret;
}

int mock_check_map(int iommufd, uint32_t hwpt_id, uint64_t iova, uint64_t length, const void *uptr)
{
	struct mock_cmd cmd = {
		.id = hwpt_id,
		.check_map = { .iova = iova, .length = length, .uptr = (uintptr_t)uptr },
	};

	return mock_op(iommufd, MOCK_OP_MD_CHECK_MAP, &cmd);
}

static int pasid_op(int fd, enum mock_op op, uint32_t stdev_id, uint32_t pasid, uint32_t *pt_id)
{
	struct mock_cmd cmd = { .id = stdev_id, .pasid = { .pasid = pasid, .pt_id = pt_id ? *pt_id : 0 } };
	int ret = mock_op(fd, op, &cmd);

	if (!ret && pt_id)
		*pt_id = cmd.pasid.pt_id;
	return ret;
}

int mock_pasid_attach(int iommufd, uint32_t stdev_id, uint32_t pasid, uint32_t *pt_id)
{
	return pasid_op(iommufd, MOCK_OP_PASID_ATTACH, stdev_id, pasid, pt_id);
}

int mock_pasid_replace(int iommufd, uint32_t stdev_id, uint32_t pasid, uint32_t *pt_id)
{
	return pasid_op(iommufd, MOCK_OP_PASID_REPLACE, stdev_id, pasid, pt_id);
}

int mock_pasid_detach(int iommufd, uint32_t stdev_id, uint32_t pasid)
{
	return pasid_op(iommufd, MOCK_OP_PASID_DETACH, stdev_id, pasid, NULL);
}

int mock_pasid_check(int iommufd, uint32_t stdev_id, uint32_t pasid, uint32_t hwpt_id)
{
	return pasid_op(iommufd, MOCK_OP_PASID_CHECK_HWPT, stdev_id, pasid, &hwpt_id);
}

int mock_trigger_iopf(int iommufd, uint32_t dev_id, uint32_t pasid, uint32_t grpid, uint32_t perm,
		      uint64_t addr)
{
	struct mock_cmd cmd = {
		.iopf = { .dev_id = dev_id, .pasid = pasid, .grpid = grpid, .perm = perm, .addr = addr },
	};

	return mock_op(iommufd, MOCK_OP_TRIGGER_IOPF, &cmd);
}

/*
 * The same request in the mock's IO pages, for a table with dirty_io_pages: every IO page of each
 * page asked for, *io_bitmap (malloc'ed) in place of bitmap, *per = IO pages per page. A page
 * smaller than the IO page cannot be marked there (-EOPNOTSUPP); a misaligned range is left as
 * asked, for the kernel to refuse.
 */
static int dirty_in_io_pages(struct mock_cmd *cmd, const uint64_t *bitmap, uint64_t **io_bitmap,
			     uint64_t *per)
{
	uint64_t io = (uint64_t)sysconf(_SC_PAGESIZE) / 2, npages, *bm;

	*per = 1;
	if (cmd->dirty.page_size % io)
		return -EOPNOTSUPP;
	if (cmd->dirty.iova % cmd->dirty.page_size || cmd->dirty.length % cmd->dirty.page_size)
		return 0;
	if (cmd->dirty.length / io > MOCK_DIRTY_MAX_BITS)
		return -EOVERFLOW;
	npages = cmd->dirty.length / cmd->dirty.page_size;
	*per = cmd->dirty.page_size / io;
	bm = calloc((cmd->dirty.length / io + 63) / 64, sizeof(*bm));
	if (!bm)
		return -ENOMEM;
	for (uint64_t i = 0; i < npages; i++)
		for (uint64_t k = 0; bitmap[i / 64] >> (i % 64) & 1 && k < *per; k++)
			bm[(i * *per + k) / 64] |= 1ull << ((i * *per + k) % 64);
	cmd->dirty.page_size = io;
	cmd->dirty.uptr = (uintptr_t)bm;
	*io_bitmap = bm;
	return 0;
}

int mock_set_dirty(int iommufd, uint32_t hwpt_id, uint64_t iova, uint64_t length,
		   uint64_t page_size, const uint64_t *bitmap, uint64_t *nr_dirty)
{
	struct mock_cmd cmd = {
		.id = hwpt_id,
		.dirty = { .iova = iova, .length = length, .page_size = page_size,
			   .uptr = (uintptr_t)bitmap },
	};
	uint64_t *io_bitmap = NULL, per = 1;
	int ret = 0;

	if (!mock_probe(iommufd, NULL) && layout->dirty_io_pages)
		ret = dirty_in_io_pages(&cmd, bitmap, &io_bitmap, &per);
	if (!ret)
		ret = mock_op(iommufd, MOCK_OP_DIRTY, &cmd);
	free(io_bitmap);
	/* in pages asked for: a table counting IO pages found every IO page of each mapped one */
	if (!ret && nr_dirty)
		*nr_dirty = cmd.dirty.out_nr_dirty / per;
	return ret;
}

int mock_dmabuf_get(int iommufd, uint32_t length, int *dmabuf_fd)
{
	struct mock_cmd cmd = { .dmabuf_get = { .length = length, .open_flags = O_CLOEXEC | O_RDWR } };
	int ret = mock_op_value(iommufd, MOCK_OP_DMABUF_GET, &cmd);

	if (ret < 0)
		return ret;
	*dmabuf_fd = ret;
	return 0;
}

int mock_dmabuf_revoke(int iommufd, int dmabuf_fd, bool revoked)
{
	struct mock_cmd cmd = { .dmabuf_revoke = { .dmabuf_fd = dmabuf_fd, .revoked = revoked } };

	return mock_op(iommufd, MOCK_OP_DMABUF_REVOKE, &cmd);
}
