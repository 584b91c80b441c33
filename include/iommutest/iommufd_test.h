/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The IOMMUFD_TEST mock (CONFIG_IOMMUFD_TEST): IOMMU_TEST_CMD on /dev/iommu. Its op numbers are
 * kernel-internal and change between versions, so the layer identifies the running kernel's
 * op table by probing before it issues anything (the tables of Linux 7.2 and 6.12 are known).
 * An op that table lacks answers -ENOTTY, as an ioctl the kernel does not know would (the step
 * SKIPs, whatever it expected); any op on an unknown table -EOPNOTSUPP. Every function returns 0
 * or -errno.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum mock_op {
	MOCK_OP_MOCK_DOMAIN,
	MOCK_OP_MD_CHECK_MAP,
	MOCK_OP_MOCK_DOMAIN_REPLACE,
	MOCK_OP_MOCK_DOMAIN_FLAGS,
	MOCK_OP_DIRTY,
	MOCK_OP_PASID_ATTACH,
	MOCK_OP_PASID_REPLACE,
	MOCK_OP_PASID_DETACH,
	MOCK_OP_PASID_CHECK_HWPT,
	MOCK_OP_TRIGGER_IOPF,
	MOCK_OP_DMABUF_GET,
	MOCK_OP_DMABUF_REVOKE,
	MOCK_OP_COUNT,
};

#define MOCK_DEV_FLAG_NO_DIRTY (1u << 0)
#define MOCK_DEV_FLAG_PASID (1u << 2)
#define MOCK_HWPT_DATA_SELFTEST 0xdeadu /* nested HWPT data type of the mock */
#define MOCK_VIOMMU_TYPE_SELFTEST 0xdeadbeefu   /* the mock's vIOMMU type */
#define MOCK_HW_QUEUE_TYPE_SELFTEST 0xdeadbeefu /* the mock vIOMMU's HW queue type */
#define MOCK_HW_QUEUE_MAX 2                     /* indexes 0 and 1, each needing the one before */

/* Which op table the running kernel has: 0 when known, -EOPNOTSUPP (with *why) otherwise. */
int mock_probe(int iommufd, const char **why);
/* Whether op is available (after mock_probe). */
bool mock_has(int iommufd, enum mock_op op);
/* the kernel's struct iommu_hwpt_selftest size (0: no known mock) */
uint32_t mock_hwpt_data_len(int iommufd);
/*
 * 0 when the running kernel's mock plugs devices with dev_flags (MOCK_DEV_FLAG_*: 6.12's has no
 * PASID-capable ones); else -EOPNOTSUPP and *why (when why is not NULL) says what is missing.
 */
int mock_dev_flags_supported(int iommufd, uint32_t dev_flags, const char **why);

struct mock_ids {
	uint32_t stdev_id; /* the selftest device object (destroy it to unplug) */
	uint32_t hwpt_id;  /* the domain it was attached to at creation */
	uint32_t idev_id;  /* the iommufd device id, as a VFIO bind gives */
};

/* Plug a mock device attached to pt_id (an IOAS or HWPT). */
int mock_device_create(int iommufd, uint32_t pt_id, uint32_t dev_flags, struct mock_ids *out);
/* Replace the RID attachment; *pt_id gets the HWPT actually attached. */
int mock_domain_replace(int iommufd, uint32_t stdev_id, uint32_t *pt_id);
/* 0 when the mock domain hwpt_id maps [iova, iova+length) to exactly the pages at uptr. */
int mock_check_map(int iommufd, uint32_t hwpt_id, uint64_t iova, uint64_t length, const void *uptr);
int mock_pasid_attach(int iommufd, uint32_t stdev_id, uint32_t pasid, uint32_t *pt_id);
int mock_pasid_replace(int iommufd, uint32_t stdev_id, uint32_t pasid, uint32_t *pt_id);
int mock_pasid_detach(int iommufd, uint32_t stdev_id, uint32_t pasid);
/* 0 when pasid is attached to hwpt_id (hwpt_id 0: when it is detached) */
int mock_pasid_check(int iommufd, uint32_t stdev_id, uint32_t pasid, uint32_t hwpt_id);
/*
 * Report an I/O page fault of the mock device dev_id (its iommufd device id) as its IOMMU would:
 * the last page of group grpid at addr, perm IOMMUFD_PGFAULT_PERM_*, for pasid (0: the RID, no
 * PASID). The domain attached there delivers it to its fault queue, if it has one.
 */
int mock_trigger_iopf(int iommufd, uint32_t dev_id, uint32_t pasid, uint32_t grpid, uint32_t perm,
		      uint64_t addr);
/*
 * Mark the pages whose bits are set in bitmap dirty in the mock domain; *nr_dirty = how many.
 * On 6.12 the request goes out in the mock's IO pages (half a CPU page): a page_size smaller than
 * that is -EOPNOTSUPP there, and only mapped pages are counted.
 */
int mock_set_dirty(int iommufd, uint32_t hwpt_id, uint64_t iova, uint64_t length,
		   uint64_t page_size, const uint64_t *bitmap, uint64_t *nr_dirty);
/*
 * A dma-buf of length bytes (the kernel rounds up to its page; at most 512 pages) the mock
 * exports from its own kernel memory: *dmabuf_fd, which IOMMU_IOAS_MAP_FILE takes.
 */
int mock_dmabuf_get(int iommufd, uint32_t length, int *dmabuf_fd);
/* Revoke (or restore) the mock dma-buf: its importers' mappings are invalidated either way. */
int mock_dmabuf_revoke(int iommufd, int dmabuf_fd, bool revoked);
