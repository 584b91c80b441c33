/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * NVMe: the registers, commands and data structures the nvme DMA engine (src/engines/nvme.c)
 * uses, and its pure logic (src/engines/nvme_proto.c): CAP decoding, MDTS, PRPs, status names,
 * the device window's LBA arithmetic. The pure functions touch no device, so
 * tests/unit/test_nvme.c checks them directly.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


#define NVME_CLASS_CODE 0x010802u /* mass storage, non-volatile memory, NVM Express */

/* controller registers (BAR0) */
#define NVME_REG_CAP 0x00   /* 64-bit */
#define NVME_REG_VS 0x08
#define NVME_REG_INTMS 0x0c /* interrupt mask set (pin-based and MSI) */
#define NVME_REG_CC 0x14
#define NVME_REG_CSTS 0x1c
#define NVME_REG_AQA 0x24
#define NVME_REG_ASQ 0x28   /* 64-bit */
#define NVME_REG_ACQ 0x30   /* 64-bit */
#define NVME_REG_DBS 0x1000 /* doorbells: SQy tail at 2y strides, CQy head at 2y+1 */

#define NVME_CC_EN (1u << 0)
#define NVME_CC_IOSQES(log2) ((uint32_t)(log2) << 16)
#define NVME_CC_IOCQES(log2) ((uint32_t)(log2) << 20)
#define NVME_CSTS_RDY (1u << 0)
#define NVME_CSTS_CFS (1u << 1)

/* admin opcodes */
#define NVME_ADM_CREATE_IOSQ 0x01
#define NVME_ADM_CREATE_IOCQ 0x05
#define NVME_ADM_IDENTIFY 0x06
#define NVME_ADM_SET_FEATURES 0x09
#define NVME_FEAT_NUM_QUEUES 0x07
#define NVME_CNS_NS 0x00
#define NVME_CNS_CTRL 0x01
#define NVME_CNS_ACTIVE_NS_LIST 0x02
/* NVM command set opcodes */
#define NVME_CMD_WRITE 0x01
#define NVME_CMD_READ 0x02
#define NVME_CMD_COMPARE 0x05

/* Identify Controller / Namespace byte offsets */
#define NVME_ID_CTRL_SN 4      /* 20 ASCII bytes */
#define NVME_ID_CTRL_MN 24     /* 40 ASCII bytes */
#define NVME_ID_CTRL_MDTS 77
#define NVME_ID_CTRL_ONCS 520  /* 16-bit; bit 0: Compare */
#define NVME_ONCS_COMPARE (1u << 0)
#define NVME_ID_NS_NSZE 0      /* 64-bit, in logical blocks */
#define NVME_ID_NS_NLBAF 25
#define NVME_ID_NS_FLBAS 26
#define NVME_ID_NS_DPS 29
#define NVME_ID_NS_LBAF 128    /* 4 bytes each: MS (16 bits), LBADS (8 bits), RP */

#define NVME_IDENTIFY_SIZE 4096u

/* 64-byte submission queue entry (little-endian host) */
struct nvme_sqe {
	uint32_t cdw0; /* opcode [7:0], PSDT [15:14] = 0 (PRPs), CID [31:16] */
	uint32_t nsid;
	uint32_t cdw2, cdw3;
	uint64_t mptr;
	uint64_t prp1, prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

/* 16-byte completion queue entry */
struct nvme_cqe {
	uint32_t dw0, dw1;
	uint16_t sq_head, sq_id;
	uint16_t cid;
	uint16_t status; /* bit 0 phase, then the 15-bit status field */
};

/* the 15-bit status field (CQE status >> 1) */
#define NVME_STATUS_SC(s) ((s) & 0xffu)
#define NVME_STATUS_SCT(s) (((s) >> 8) & 0x7u)
#define NVME_STATUS_DNR(s) (((s) >> 14) & 0x1u)
#define NVME_SCT_GENERIC 0
#define NVME_SCT_MEDIA 2
#define NVME_SC_DATA_TRANSFER_ERROR 0x04
#define NVME_SC_COMPARE_FAILURE 0x85 /* media errors */

struct nvme_cap {
	uint32_t mqes;          /* maximum queue entries (1-based) */
	uint32_t timeout_ms;    /* worst case for CSTS.RDY to follow CC.EN (CAP.TO) */
	uint32_t db_stride;     /* bytes between doorbells */
	bool css_nvm;           /* the NVM command set */
	unsigned int mps_min_shift, mps_max_shift; /* memory page sizes, log2 bytes */
};
void nvme_cap_decode(uint64_t cap, struct nvme_cap *c);

/* MDTS (Identify Controller byte 77): bytes per command, 0 = no limit. */
uint64_t nvme_mdts_bytes(uint8_t mdts, unsigned int mps_min_shift);

/*
 * The PRPs of a transfer of len bytes at iova with memory pages of 1 << page_shift: *prp1, *prp2,
 * and when it spans more than two pages the PRP list (written to list, list_cap entries, which
 * lives at list_iova: *prp2 = list_iova). iova must be 4-byte aligned. Returns the number of list
 * entries written (0: no list), -EINVAL (misaligned, len 0) or -E2BIG (more than the list holds).
 */
int nvme_prp_build(uint64_t iova, uint64_t len, unsigned int page_shift, uint64_t *list,
		   size_t list_cap, uint64_t list_iova, uint64_t *prp1, uint64_t *prp2);

/* "SCT 2 SC 0x85 (Compare Failure), DNR" */
void nvme_status_describe(uint16_t status, char *buf, size_t len);

/*
 * The device window: byte dev_off of it is byte dev_off of the namespace, for window bytes.
 * 0 and the first LBA / number of LBAs (1-based), -EINVAL when dev_off or len is not whole
 * logical blocks of 1 << lba_shift bytes, -ERANGE when the range leaves the window.
 */
int nvme_lba_range(uint64_t dev_off, uint64_t len, unsigned int lba_shift, uint64_t window,
		   uint64_t *slba, uint32_t *nlb);
