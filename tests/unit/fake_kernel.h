/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fake iommufd for the unit tests, installed under ioctl_call() and iommufd_open() through
 * the kernel_backend seam (include/iommutest/ioctl.h). It models in memory what the runner
 * issues for IOMMUFD_TEST mock devices: the feature probes, IOAS_ALLOC/MAP/UNMAP/IOVA_RANGES,
 * HWPT_ALLOC (with a fault queue), DESTROY, GET_HW_INFO, HWPT_SET_DIRTY_TRACKING and
 * GET_DIRTY_BITMAP, VIOMMU_ALLOC (the mock's type), HW_QUEUE_ALLOC, FAULT_QUEUE_ALLOC with reads
 * and writes of its fd (read and write through the backend), and IOMMU_TEST_CMD (MOCK_DOMAIN
 * [_FLAGS], MOCK_DOMAIN_REPLACE, MD_CHECK_MAP, DIRTY, TRIGGER_IOPF, DMABUF_GET/REVOKE). It is
 * Linux 7.2, or 6.12 on request (enum fake_kernel_linux). Every ioctl it does not model answers
 * ENOTTY, every test op it does not model EOPNOTSUPP: what a kernel without the feature says, so
 * the runner skips.
 *
 * Domains are copies of their IOAS's mappings made when the HWPT is created and kept in step by
 * map and unmap, as the kernel's io_pagetable fills its domains; a device's DMA is translated
 * through the domain its RID is attached to (fake_kernel_dma_translate()).
 *
 * On request it misbehaves, so tests can prove the tool's verdicts notice a broken kernel.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum fake_kernel_misbehaviour {
	/* IOAS_UNMAP forgets the IOAS's mapping but leaves the domains' entries: a DMA the
	 * unmap should block still reaches the memory */
	FAKE_KERNEL_STALE_UNMAP = 1 << 0,
	/* DESTROY, IOAS_MAP, IOAS_UNMAP, HWPT_ALLOC and MOCK_DOMAIN_REPLACE return 0 where they
	 * must fail, changing nothing; a fault queue takes a response to a group not waiting */
	FAKE_KERNEL_LIE = 1 << 1,
	/* domains are never filled: every IOVA is unmapped in them, MD_CHECK_MAP fails on
	 * mapped ranges and every DMA faults */
	FAKE_KERNEL_BAD_TRANSLATION = 1 << 2,
	/* MOCK_DOMAIN fails with ENOMEM: the mock device cannot be plugged */
	FAKE_KERNEL_PLUG_ENOMEM = 1 << 3,
	/* TRIGGER_IOPF delivers the fault to a fault queue even when the device's domain has none */
	FAKE_KERNEL_IOPF_ANY_QUEUE = 1 << 4,
	/* IOAS_IOVA_RANGES reports an IOAS with domains one 4 KiB page beyond their aperture's top:
	 * the kernel promises IOVAs the IOMMU cannot map (the top page refuses to map) */
	FAKE_KERNEL_WIDE_RANGES = 1 << 5,
	/* MOCK_DOMAIN fails with EINVAL whatever it is given, as on RISC-V in Linux 7.2 (the core
	 * wants an IDENTITY default domain the mock has not): the mock plugs no device at all */
	FAKE_KERNEL_PLUG_EINVAL = 1 << 6,
};

/* Which kernel's uAPI and IOMMUFD_TEST mock the fake is (it is no misbehaviour). */
enum fake_kernel_linux {
	FAKE_LINUX_7_2,  /* what the tool is built against */
	/* Linux 6.12: no IOAS_MAP_FILE, IOAS_CHANGE_PROCESS, VIOMMU_ALLOC or HW_QUEUE_ALLOC (ENOTTY),
	 * no IOMMU_HWPT_ALLOC_PASID (EOPNOTSUPP), the mock's op table of 15 ops (no PASID or
	 * dma-buf ops, no PASID-capable devices) and its DIRTY op that finds a page by
	 * iova / page_size among its IO pages */
	FAKE_LINUX_6_12,
	/* 6.12 with a mock of 17 ops, as a kernel between 6.12 and 7.2 has: neither known op table
	 * fits it */
	FAKE_LINUX_6_12_MOCK_17,
};

/* Put the fake under the tool, as that kernel, with these misbehaviours (0: an honest kernel). */
void fake_kernel_install(unsigned int misbehaviours, enum fake_kernel_linux linux_version);
/* Give the tool the running kernel back and free every fake object. */
void fake_kernel_uninstall(void);

/*
 * What a DMA of the mock device idev_id (bound to the fake iommufd fd) reaches at
 * [iova, iova + len): *va, the user memory its attached domain maps there, contiguous. write:
 * the device writes memory. bypass: a device that ignores the IOMMU reaches the memory last
 * mapped at each IOVA of this iommufd, mapped or not now.
 * 0; -ENODEV (no such device, or it is attached to nothing); -EFAULT (not mapped, or not one
 * piece of memory); -EACCES (the mapping forbids this direction).
 */
int fake_kernel_dma_translate(int fd, uint32_t idev_id, uint64_t iova, uint64_t len, bool write,
			      bool bypass, uint8_t **va);
