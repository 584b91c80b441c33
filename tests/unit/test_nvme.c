// SPDX-License-Identifier: GPL-2.0-only
/* The nvme engine's pure logic: CAP, MDTS, PRPs, status names, the window's LBAs, the IOVA region. */
#include <errno.h>
#include <string.h>

#include "iommutest/dma_memory.h"
#include "iommutest/iommufd.h"
#include "iommutest/nvme.h"
#include "unit.h"

static void test_cap(void)
{
	struct nvme_cap c;

	/* QEMU's nvme: MQES 2047, CQR, TO 15, DSTRD 0, CSS NVM (+ I/O sets, admin only), MPSMIN 0, MPSMAX 4 */
	nvme_cap_decode(0x004000000f0107ffull | (0xc1ull << 37), &c);
	CHECK(c.mqes == 2048);
	CHECK(c.timeout_ms == 15 * 500);
	CHECK(c.db_stride == 4);
	CHECK(c.css_nvm);
	CHECK(c.mps_min_shift == 12);
	CHECK(c.mps_max_shift == 16);
	nvme_cap_decode((3ull << 32) | (1ull << 48), &c); /* DSTRD 3, MPSMIN 1, TO 0, no NVM set */
	CHECK(c.mqes == 1);
	CHECK(c.db_stride == 32);
	CHECK(c.timeout_ms == 500);
	CHECK(!c.css_nvm);
	CHECK(c.mps_min_shift == 13);
}

static void test_mdts(void)
{
	CHECK(nvme_mdts_bytes(0, 12) == 0);             /* no limit */
	CHECK(nvme_mdts_bytes(7, 12) == 512 * 1024);    /* QEMU's default */
	CHECK(nvme_mdts_bytes(5, 12) == 128 * 1024);
	CHECK(nvme_mdts_bytes(1, 13) == 16 * 1024);
	CHECK(nvme_mdts_bytes(60, 12) == 0);            /* beyond 64 bits: treated as no limit */
}

static void test_prp(void)
{
	uint64_t list[512], prp1, prp2;

	memset(list, 0xa5, sizeof(list));
	/* inside one page */
	CHECK(nvme_prp_build(0x1100800, 2048, 12, list, 512, 0x9000, &prp1, &prp2) == 0);
	CHECK(prp1 == 0x1100800 && prp2 == 0);
	/* exactly one page, aligned */
	CHECK(nvme_prp_build(0x1100000, 4096, 12, list, 512, 0x9000, &prp1, &prp2) == 0);
	CHECK(prp1 == 0x1100000 && prp2 == 0);
	/* two pages: PRP2 is the second page, no list */
	CHECK(nvme_prp_build(0x1100800, 4096, 12, list, 512, 0x9000, &prp1, &prp2) == 0);
	CHECK(prp1 == 0x1100800 && prp2 == 0x1101000);
	CHECK(nvme_prp_build(0x1100000, 8192, 12, list, 512, 0x9000, &prp1, &prp2) == 0);
	CHECK(prp2 == 0x1101000);
	CHECK(list[0] == 0xa5a5a5a5a5a5a5a5ull); /* untouched */
	/* three pages: a list of two */
	CHECK(nvme_prp_build(0x1100000, 12288, 12, list, 512, 0x9000, &prp1, &prp2) == 2);
	CHECK(prp1 == 0x1100000 && prp2 == 0x9000);
	CHECK(list[0] == 0x1101000 && list[1] == 0x1102000);
	/* 64 KiB from a misaligned start: the first 0xc00 bytes, then 16 pages, the last partial */
	CHECK(nvme_prp_build(0x2000400, 65536, 12, list, 512, 0x9000, &prp1, &prp2) == 16);
	CHECK(prp1 == 0x2000400 && prp2 == 0x9000);
	CHECK(list[0] == 0x2001000 && list[15] == 0x2010000);
	/* 1 MiB aligned: 255 list entries */
	CHECK(nvme_prp_build(0x40000000, 1 << 20, 12, list, 512, 0x9000, &prp1, &prp2) == 255);
	CHECK(list[254] == 0x40000000 + 255 * 4096ull);
	/* what does not fit or is not allowed */
	CHECK(nvme_prp_build(0, 4097 * 4096ull, 12, list, 512, 0x9000, &prp1, &prp2) == -E2BIG);
	CHECK(nvme_prp_build(0, 4 * 4096, 12, list, 2, 0x9000, &prp1, &prp2) == -E2BIG);
	CHECK(nvme_prp_build(0, 4 * 4096, 12, list, 512, 0x9ff0, &prp1, &prp2) == -E2BIG); /* list crosses a page */
	CHECK(nvme_prp_build(0x1100002, 512, 12, list, 512, 0x9000, &prp1, &prp2) == -EINVAL);
	CHECK(nvme_prp_build(0x1100000, 0, 12, list, 512, 0x9000, &prp1, &prp2) == -EINVAL);
	CHECK(nvme_prp_build(UINT64_MAX - 3, 8, 12, list, 512, 0x9000, &prp1, &prp2) == -EINVAL);
}

static void test_status(void)
{
	char buf[96];

	nvme_status_describe(0x0285, buf, sizeof(buf));
	CHECK(!strcmp(buf, "SCT 2 SC 0x85 (Compare Failure)"));
	nvme_status_describe(0x4004, buf, sizeof(buf));
	CHECK(!strcmp(buf, "SCT 0 SC 0x04 (Data Transfer Error), DNR"));
	nvme_status_describe(0x07ff, buf, sizeof(buf));
	CHECK(!strcmp(buf, "SCT 7 SC 0xff (unknown status)"));
	CHECK(NVME_STATUS_SCT(0x0285) == NVME_SCT_MEDIA && NVME_STATUS_SC(0x0285) == NVME_SC_COMPARE_FAILURE);
}

static void test_lba_range(void)
{
	uint64_t slba = 0;
	uint32_t nlb = 0;

	CHECK(nvme_lba_range(3072, 1024, 9, 8 << 20, &slba, &nlb) == 0 && slba == 6 && nlb == 2);
	CHECK(nvme_lba_range(0, 8 << 20, 9, 8 << 20, &slba, &nlb) == 0 && slba == 0 && nlb == 16384);
	CHECK(nvme_lba_range(0, 4096, 12, 8 << 20, &slba, &nlb) == 0 && nlb == 1);
	CHECK(nvme_lba_range(512, 512, 12, 8 << 20, &slba, &nlb) == -EINVAL);
	CHECK(nvme_lba_range(0, 64, 9, 8 << 20, &slba, &nlb) == -EINVAL);
	CHECK(nvme_lba_range(0, 0, 9, 8 << 20, &slba, &nlb) == -EINVAL);
	CHECK(nvme_lba_range((8 << 20) - 512, 1024, 9, 8 << 20, &slba, &nlb) == -ERANGE);
	CHECK(nvme_lba_range(UINT64_MAX - 511, 1024, 9, UINT64_MAX, &slba, &nlb) == -ERANGE);
	CHECK(nvme_lba_range(0, 65537ull << 9, 9, 1ull << 40, &slba, &nlb) == -E2BIG);
}

static void test_window(void)
{
	/* VT-d, 39-bit aperture minus the interrupt window */
	const struct iova_range vtd[] = { { 0, 0xfedfffff }, { 0xfef00000, (1ull << 39) - 1 } };
	/* SMMUv3 with the MSI window and an unrestricted IOAS */
	const struct iova_range smmu[] = { { 0, 0x7ffffff }, { 0x8100000, UINT64_MAX } };
	const struct iova_range tiny[] = { { 0x1000, 0x1fffff } };
	uint64_t iova = 0;

	CHECK(dma_memory_pick_iova(vtd, 2, 0x108000, 2 << 20, (1ull << 47) - 1, &iova) == 0);
	CHECK(iova == (1ull << 39) - (2 << 20));
	CHECK(dma_memory_pick_iova(smmu, 2, 0x108000, 2 << 20, (1ull << 47) - 1, &iova) == 0);
	CHECK(iova == (1ull << 47) - (2 << 20));
	CHECK(dma_memory_pick_iova(smmu, 1, 0x108000, 2 << 20, (1ull << 47) - 1, &iova) == 0);
	CHECK(iova == 0x7e00000);
	CHECK(dma_memory_pick_iova(tiny, 1, 0x108000, 2 << 20, (1ull << 47) - 1, &iova) == -ERANGE);
	CHECK(dma_memory_pick_iova(tiny, 1, 0x108000, 4096, (1ull << 47) - 1, &iova) == 0 && iova == 0xf8000);
	CHECK(dma_memory_pick_iova(vtd, 2, 0x108000, 3, (1ull << 47) - 1, &iova) == -EINVAL);
}

int main(void)
{
	test_cap();
	test_mdts();
	test_prp();
	test_status();
	test_lba_range();
	test_window();
	return unit_done("test_nvme");
}
